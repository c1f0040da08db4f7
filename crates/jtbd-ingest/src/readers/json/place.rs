//! Placing values in the file: the string literal each value was read from, and the text of a
//! unit made of word pieces.

use std::borrow::Cow;
use std::ops::Range;

/// Words and punctuation joined as written: a space before each word, none before punctuation
/// that closes (`,` `.` `?` `!` `;` `:` `)` and `'s`-style endings).
pub fn spaced_words(pieces: &[Cow<'_, str>]) -> String {
    let mut out = String::new();
    for p in pieces {
        let p = p.trim();
        let closes = p.starts_with([',', '.', '?', '!', ';', ':', ')', '\'', '\u{2019}']);
        if !out.is_empty() && !closes && !out.ends_with(['(', '-']) {
            out.push(' ');
        }
        out.push_str(p);
    }
    out
}

/// Finds, in order, the string literal each value was read from.
///
/// A value serde_json borrowed (no escapes) points into the source, so its place is known at
/// once. Only a value with escapes is looked for, literal by literal from the last place found.
pub struct LiteralFinder<'a> {
    source: &'a str,
    /// A byte outside every literal: where the next search starts.
    pos: usize,
}

impl<'a> LiteralFinder<'a> {
    pub fn new(source: &'a str) -> Self {
        LiteralFinder { source, pos: 0 }
    }

    /// The raw range (inside the quotes) of the next literal whose value is `value`.
    pub fn find(&mut self, value: &str) -> Option<Range<usize>> {
        // A copy (an unescaped value) never points into the source.
        if let Some(r) = self.borrowed(value) {
            self.pos = r.end + 1;
            return Some(r);
        }
        while let Some(raw) = self.next_literal() {
            let text = &self.source[raw.clone()];
            let hit = text == value
                || (text.len() >= value.len()
                    && text.contains('\\')
                    && serde_json::from_str::<String>(&format!("\"{text}\""))
                        .is_ok_and(|v| v == value));
            if hit {
                return Some(raw);
            }
        }
        None
    }

    /// The place of `v` when it is a slice of the source at or after the cursor.
    fn borrowed(&self, v: &str) -> Option<Range<usize>> {
        let start = (v.as_ptr() as usize).checked_sub(self.source.as_ptr() as usize)?;
        let range = start..start.checked_add(v.len())?;
        // `pos` is at least 0, so a place after it has a byte before it for the quote.
        let quoted = start > self.pos
            && self.source.as_bytes().get(start - 1) == Some(&b'"')
            && self.source.as_bytes().get(range.end) == Some(&b'"');
        (quoted
            && self
                .source
                .get(range.clone())
                .is_some_and(|s| std::ptr::eq(s, v)))
        .then_some(range)
    }

    /// The next value literal (not an object key) from the cursor on; moves the cursor past it.
    fn next_literal(&mut self) -> Option<Range<usize>> {
        loop {
            let raw = self.next_any_literal()?;
            let after = self
                .source
                .as_bytes()
                .get(raw.end + 1..)
                .unwrap_or_default();
            let key = after.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b':');
            if !key {
                return Some(raw);
            }
        }
    }

    /// The next literal from the cursor on, key or value; moves the cursor past it.
    fn next_any_literal(&mut self) -> Option<Range<usize>> {
        let b = self.source.as_bytes();
        let q = self.pos + memchr::memchr(b'"', b.get(self.pos..)?)?;
        let start = q + 1;
        let mut j = start;
        let end = loop {
            match memchr::memchr2(b'"', b'\\', b.get(j..).unwrap_or_default()) {
                Some(k) if b[j + k] == b'\\' => j += k + 2,
                Some(k) => break j + k,
                None => break b.len(),
            }
        };
        let end = end.min(b.len());
        self.pos = end + 1;
        Some(start..end)
    }
}
