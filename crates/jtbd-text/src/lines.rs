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
        assert_eq!(lines, ["a", "b", "c", "d"]);
    }
}
