//! Line numbers for byte offsets. LF, CRLF and lone CR all end a line.

/// Start offsets of every line of a text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for pos in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // A CR directly followed by LF ends its line at the LF.
            if bytes[pos] == b'\r' && bytes.get(pos + 1) == Some(&b'\n') {
                continue;
            }
            starts.push(pos + 1);
        }
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, byte: usize) -> usize {
        self.starts.partition_point(|&s| s <= byte)
    }

    /// Number of lines (a final line end does not open a new line).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether the text had no bytes at all.
    pub fn is_empty(&self) -> bool {
        self.starts.len() == 1
    }
}

/// Line numbers for offsets visited in increasing order, without an index: each call counts
/// the line ends since the previous one. Going backwards restarts from the top.
#[derive(Debug, Clone)]
pub struct LineCursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> LineCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        LineCursor {
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    /// 1-based line of a byte offset, as [`LineIndex::line`] gives it.
    pub fn line(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.bytes.len());
        if byte < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        let b = self.bytes;
        for p in memchr::memchr2_iter(b'\n', b'\r', &b[self.pos..byte]) {
            let p = p + self.pos;
            // A CR directly followed by LF ends its line at the LF.
            if !(b[p] == b'\r' && b.get(p + 1) == Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.pos = byte;
        self.line
    }
}

/// Iterates the lines of `text` as `(start, end)` byte ranges without their line end.
pub fn line_ranges(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        match memchr::memchr2(b'\n', b'\r', &bytes[pos..]) {
            Some(i) => {
                let end = pos + i;
                pos = end + 1;
                if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                    pos += 1;
                }
                Some((start, end))
            }
            None => {
                pos = bytes.len();
                Some((start, bytes.len()))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_line_ends() {
        let t = "a\r\nb\rc\nd";
        let idx = LineIndex::new(t);
        assert_eq!(idx.len(), 4);
        assert_eq!(
            [0, 3, 5, 7].map(|b| idx.line(b)),
            [1, 2, 3, 4],
            "lines of a, b, c, d"
        );
        let lines: Vec<&str> = line_ranges(t).map(|(s, e)| &t[s..e]).collect();
        let mut cursor = LineCursor::new(t);
        for b in [0, 2, 3, 4, 5, 7, 8, 3, 0] {
            assert_eq!(cursor.line(b), idx.line(b), "byte {b}");
        }
        assert_eq!(lines, ["a", "b", "c", "d"]);
    }
}
