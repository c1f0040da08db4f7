//! Output gathered as the buffers the workers rendered, written with one vectored call per
//! quarter megabyte: the rendered bytes go to stdout without being copied into a buffer first
//! (a `BufWriter` copied every byte of the output once more).

use std::io::{self, IoSlice, Write};

/// Bytes gathered before they are written.
const GATHER_BYTES: usize = 256 << 10;

/// Buffers gathered before they are written (well under the kernel's `IOV_MAX` of 1024).
const GATHER_BUFFERS: usize = 512;

/// A writer that holds whole buffers and writes them together.
pub struct Gather<W: Write> {
    inner: W,
    pending: Vec<Vec<u8>>,
    bytes: usize,
}

impl<W: Write> Gather<W> {
    pub fn new(inner: W) -> Self {
        Gather {
            inner,
            pending: Vec::new(),
            bytes: 0,
        }
    }

    /// Takes `buf`, to be written after what came before it.
    pub fn push(&mut self, buf: Vec<u8>) -> io::Result<()> {
        if buf.is_empty() {
            return Ok(());
        }
        self.bytes += buf.len();
        self.pending.push(buf);
        if self.bytes >= GATHER_BYTES || self.pending.len() >= GATHER_BUFFERS {
            self.write_pending()?;
        }
        Ok(())
    }

    /// Takes a copy of `bytes` (separators, diagnostics: small).
    pub fn push_slice(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.push(bytes.to_vec())
    }

    /// Writes everything gathered and flushes the inner writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.write_pending()?;
        self.inner.flush()
    }

    fn write_pending(&mut self) -> io::Result<()> {
        let mut slices: Vec<IoSlice<'_>> = self.pending.iter().map(|b| IoSlice::new(b)).collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match self.inner.write_vectored(rest) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.pending.clear();
        self.bytes = 0;
        Ok(())
    }
}

impl<W: Write> Drop for Gather<W> {
    /// What was gathered is still written when a run ends early on an error, as `BufWriter`
    /// does: output already rendered is not lost. A write error here has nowhere to go.
    fn drop(&mut self) {
        let _ = self.write_pending();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that takes at most `max` bytes a call, from at most two buffers, and is
    /// interrupted every third call: the worst a pipe and a signal can do.
    struct Stingy {
        out: Vec<u8>,
        max: usize,
        calls: usize,
    }

    impl Write for Stingy {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.write_vectored(&[IoSlice::new(buf)])
        }
        fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls % 3 == 0 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let mut taken = 0;
            for b in bufs.iter().take(2) {
                let n = b.len().min(self.max - taken);
                self.out.extend_from_slice(&b[..n]);
                taken += n;
                if taken == self.max {
                    break;
                }
            }
            Ok(taken)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    proptest::proptest! {
        #[test]
        fn writes_every_byte_in_order(
            bufs in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..3000), 0..700),
            max in 1usize..5000,
        ) {
            let mut g = Gather::new(Stingy { out: Vec::new(), max, calls: 0 });
            let mut want = Vec::new();
            for b in bufs {
                want.extend_from_slice(&b);
                g.push(b)?;
            }
            g.flush()?;
            proptest::prop_assert_eq!(&g.inner.out, &want);
        }
    }

    /// A writer that shares what it took, so a test can look after the `Gather` is gone.
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn what_was_gathered_is_written_when_dropped_unflushed() {
        let taken = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        {
            let mut g = Gather::new(Shared(taken.clone()));
            g.push(b"first\n".to_vec()).unwrap();
            g.push_slice(b"second\n").unwrap();
        }
        assert_eq!(taken.borrow().as_slice(), b"first\nsecond\n");
    }
}
