//! Text written straight to a file with `write!` and `push_str`, as on a `String`: a report of
//! many megabytes (a bar and a table row per interview on a big corpus) is never held in memory
//! whole, nor copied as its buffer grows.

use std::fmt;
use std::io;

/// A report being written. Writes after a failed one do nothing; [`TextOut::finish`] returns the
/// first failure.
pub(crate) struct TextOut<'a> {
    out: &'a mut dyn io::Write,
    failed: Option<io::Error>,
}

impl<'a> TextOut<'a> {
    pub(crate) fn new(out: &'a mut dyn io::Write) -> Self {
        TextOut { out, failed: None }
    }

    pub(crate) fn push_str(&mut self, text: &str) {
        if self.failed.is_none()
            && let Err(e) = self.out.write_all(text.as_bytes())
        {
            self.failed = Some(e);
        }
    }

    pub(crate) fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    /// Whether every write reached the file.
    pub(crate) fn finish(self) -> io::Result<()> {
        self.failed.map_or(Ok(()), Err)
    }
}

impl fmt::Write for TextOut<'_> {
    /// Fails once a write has failed, so that a long `write!` stops early.
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.push_str(text);
        match self.failed {
            None => Ok(()),
            Some(_) => Err(fmt::Error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    #[test]
    fn writes_what_a_string_would_hold() {
        let mut bytes = Vec::new();
        let mut out = TextOut::new(&mut bytes);
        out.push_str("<p>");
        let word = "é";
        let _ = write!(out, "{} of {word}", 3);
        out.push('\n');
        out.finish().unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), "<p>3 of é\n");
    }

    /// Accepts `room` bytes, then fails every write.
    struct Full {
        room: usize,
        got: Vec<u8>,
    }

    impl io::Write for Full {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            let n = b.len().min(self.room);
            self.room -= n;
            self.got.extend_from_slice(&b[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_first_failure_is_returned_and_nothing_is_written_after_it() {
        let mut full = Full {
            room: 4,
            got: Vec::new(),
        };
        let mut out = TextOut::new(&mut full);
        out.push_str("abcdef");
        out.push_str("ghi");
        let e = out.finish().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        assert_eq!(full.got, b"abcd");
    }
}
