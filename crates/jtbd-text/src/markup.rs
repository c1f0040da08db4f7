//! Inline markup inside transcript text: timestamps and stage directions.
//!
//! Recognised: `[00:12:03]`, `[12:03]`, `\[12:03\]` (Markdown-escaped), `(12:03)`,
//! `[laughter]`, `\[laughs\]`, `(laughs)`, `[inaudible 00:01:36]`, `[END OF TAPE, SIDE 1]`.
//! Brackets holding anything else (`[Tibby]`, an editor's insertion) are text and stay in.

use crate::lexicon::text_lexicon;
use std::ops::Range;

/// A quote as people read it: Markdown escapes resolved (`\[unintelligible 00:04:03\]` reads
/// `[unintelligible 00:04:03]`, `shipit \[at\] changelog` reads `shipit [at] changelog`). Only for
/// text shown to people (reports, CSV cells, terminal views): the quote's place still names the
/// exact bytes, and machine outputs keep the verbatim text.
pub fn readable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\\') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // CommonMark: a backslash before ASCII punctuation escapes it; any other stays.
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            continue;
        }
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

/// What a piece of markup is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkupKind {
    /// A timestamp, in milliseconds.
    Timestamp(u64),
    /// A stage direction or transcriber's note.
    Annotation,
}

/// One piece of inline markup, as a byte range of the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markup {
    /// Where it is, brackets (and escaping backslashes) included.
    pub range: Range<usize>,
    /// What it is.
    pub kind: MarkupKind,
}

/// Longest bracket content considered (stage directions are short).
const MAX_INNER: usize = 64;

/// Finds the inline markup of `text`, in order, without overlaps.
pub fn scan_markup(text: &str) -> Vec<Markup> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b'[', b'(', &b[from..]).map(|i| i + from) {
        from = i + 1;
        let close = if b[i] == b'[' { b']' } else { b')' };
        let limit = (i + 1 + MAX_INNER + 1).min(b.len());
        let Some(j) = b[i + 1..limit]
            .iter()
            .position(|&c| c == close || c == b'\n' || c == b'\r' || c == b[i])
            .map(|p| p + i + 1)
        else {
            continue;
        };
        if b[j] != close {
            continue;
        }
        let start = if i > 0 && b[i - 1] == b'\\' { i - 1 } else { i };
        let inner_end = if b[j - 1] == b'\\' && j - 1 > i {
            j - 1
        } else {
            j
        };
        let inner = text[i + 1..inner_end].trim();
        let kind = if let Some(ms) = parse_timestamp(inner) {
            MarkupKind::Timestamp(ms)
        } else if is_annotation(inner) {
            MarkupKind::Annotation
        } else {
            continue;
        };
        out.push(Markup {
            range: start..j + 1,
            kind,
        });
        from = j + 1;
    }
    out
}

/// Whether bracket content is a stage direction: it opens with an annotation word.
pub fn is_annotation(inner: &str) -> bool {
    let lower = inner.to_lowercase();
    text_lexicon().annotations.iter().any(|a| {
        lower.starts_with(a.as_str())
            && !lower[a.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic())
    })
}

/// Parses `H:MM:SS`, `MM:SS`, `M:SS`, each optionally with `.f`/`,f` fractions (1–3 digits), into
/// milliseconds. Returns `None` for anything else.
pub fn parse_timestamp(s: &str) -> Option<u64> {
    let s = s.trim().as_bytes();
    if s.len() > 16 || !s.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let digits = |p: &[u8]| {
        p.iter()
            .all(u8::is_ascii_digit)
            .then(|| p.iter().fold(0u64, |v, d| v * 10 + u64::from(d - b'0')))
    };
    let (clock, frac) = match s.iter().position(|&c| c == b'.' || c == b',') {
        Some(p) => (&s[..p], Some(&s[p + 1..])),
        None => (s, None),
    };
    let mut fields = [0u64; 3];
    let mut n = 0;
    for (k, p) in clock.split(|&c| c == b':').enumerate() {
        if k >= 3 || p.is_empty() || p.len() > 2 {
            return None;
        }
        let v = digits(p)?;
        // Minutes and seconds after the first field are two digits below 60.
        if k > 0 && (p.len() != 2 || v >= 60) {
            return None;
        }
        fields[k] = v;
        n = k + 1;
    }
    let secs = match n {
        3 => fields[0] * 3600 + fields[1] * 60 + fields[2],
        2 => fields[0] * 60 + fields[1],
        _ => return None,
    };
    let ms = match frac {
        None => 0,
        Some(f) if (1..=3).contains(&f.len()) => digits(f)? * 10u64.pow(3 - f.len() as u32),
        Some(_) => return None,
    };
    Some(secs * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<(&str, MarkupKind)> {
        scan_markup(t)
            .into_iter()
            .map(|m| (&t[m.range], m.kind))
            .collect()
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("00:12:03"), Some(723_000));
        assert_eq!(parse_timestamp("12:03"), Some(723_000));
        assert_eq!(parse_timestamp("1:16:15.15"), Some(4_575_150));
        assert_eq!(parse_timestamp("00:00:01,500"), Some(1_500));
        assert_eq!(parse_timestamp("12:3"), None);
        assert_eq!(parse_timestamp("12:75"), None);
        assert_eq!(parse_timestamp("ish"), None);
    }

    #[test]
    fn finds_markup_and_leaves_insertions() {
        let t = r"\[04:10\] We moved (laughs) to [Acme] in [00:01:02]. \[crosstalk\] (ish) [inaudible 00:01:36.19]";
        assert_eq!(
            kinds(t),
            vec![
                (r"\[04:10\]", MarkupKind::Timestamp(250_000)),
                ("(laughs)", MarkupKind::Annotation),
                ("[00:01:02]", MarkupKind::Timestamp(62_000)),
                (r"\[crosstalk\]", MarkupKind::Annotation),
                ("[inaudible 00:01:36.19]", MarkupKind::Annotation),
            ]
        );
        assert!(kinds("[END OF TAPE, SIDE 1]")[0].1 == MarkupKind::Annotation);
        assert!(kinds("unclosed [laughter and more").is_empty());
        assert!(
            kinds("[laughtrack]").is_empty(),
            "a prefix must end at a word end"
        );
    }

    #[test]
    fn readable_text_drops_markdown_escapes_only() {
        assert_eq!(
            super::readable(r"So \[unintelligible 00:04:03.00\] we shipped it."),
            "So [unintelligible 00:04:03.00] we shipped it."
        );
        assert_eq!(super::readable(r"a \\ b \* c \d"), r"a \ b * c \d");
        assert!(matches!(
            super::readable("plain words"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
