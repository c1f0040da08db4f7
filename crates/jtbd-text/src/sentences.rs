//! Sentence boundaries, as byte ranges of the given text.
//!
//! Spoken-language aware: a full stop after an abbreviation (`e.g.`, `Dr.`) or an initial (`J.`)
//! does not end a sentence; decimals (`3.5`) have no space after the dot; an ellipsis or `?`
//! followed by a lower-case word continues the sentence; closing quotes and brackets stay with
//! the sentence they close; a trailing-off `--` followed by a capitalised word starts a new one;
//! a blank line always ends one.

use crate::lexicon::text_lexicon;
use std::ops::Range;

/// Longest abbreviation looked up, in bytes (the lexicon's longest is shorter).
const MAX_ABBREVIATION: usize = 8;

/// Bytes that can start a sentence end: `.`, `!`, `?`, line ends, `-` (of `--`) and 0xE2
/// (the lead byte of `…`).
const MAY_END: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'-' as usize] = true;
    t[0xE2] = true;
    t
};

/// Number of whitespace-separated words, as `str::split_whitespace` counts them; ASCII text
/// takes a byte loop.
pub fn count_words(s: &str) -> usize {
    let b = s.as_bytes();
    if !b.is_ascii() {
        return s.split_whitespace().count();
    }
    // A word starts wherever a non-space byte follows a space (or the start); branch-free.
    let mut prev_space = 1u8;
    let mut n = 0usize;
    for &c in b {
        let space = ASCII_SPACE[c as usize];
        n += usize::from(prev_space & (space ^ 1));
        prev_space = space;
    }
    n
}

/// Whether `b` is ASCII white space as `char::is_whitespace` has it: space and
/// `\t \n \x0B \x0C \r` (`u8::is_ascii_whitespace` leaves out `\x0B`).
pub const fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// [`is_ascii_space`] as a table of 0 and 1, for branch-free counting.
const ASCII_SPACE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = is_ascii_space(c as u8) as u8;
        c += 1;
    }
    t
};

/// Splits `text` into sentences: trimmed, non-empty byte ranges in order.
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for_each_sentence(text, |r| out.push(r));
    out
}

/// Calls `f` with each sentence of `text`, as [`split_sentences`] returns them, without
/// collecting them.
pub fn for_each_sentence(text: &str, mut f: impl FnMut(Range<usize>)) {
    let out = &mut f;
    let b = text.as_bytes();
    let n = b.len();
    let mut start = 0;
    let mut i = 0;
    while i < n {
        // Most bytes cannot end a sentence: jump to the next one that might.
        match b[i..].iter().position(|&c| MAY_END[c as usize]) {
            Some(k) => i += k,
            None => break,
        }
        match b[i] {
            b'\n' | b'\r' if blank_line_follows(b, i) => {
                push_trimmed(text, start, i, out);
                start = i + 1;
                i += 1;
            }
            b'.' | b'!' | b'?' => {
                let punct = i;
                let mut j = i + 1;
                while j < n && matches!(b[j], b'.' | b'!' | b'?') {
                    j += 1;
                }
                let end = skip_closers(b, j);
                i = end;
                if end < n && !b[end].is_ascii_whitespace() {
                    continue;
                }
                let next = skip_ws(b, end);
                if next < n && ends_sentence(text, start, punct, j, next) {
                    push_trimmed(text, start, end, out);
                    start = next;
                    i = next;
                }
            }
            // U+2026 HORIZONTAL ELLIPSIS: ends a sentence only before a capital.
            0xE2 if b[i..].starts_with("…".as_bytes()) => {
                let end = skip_closers(b, i + 3);
                i = end;
                if end < n && b[end].is_ascii_whitespace() {
                    let next = skip_ws(b, end);
                    if next < n && starts_upper(text, next) {
                        push_trimmed(text, start, end, out);
                        start = next;
                        i = next;
                    }
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                let end = i + 2 + usize::from(b.get(i + 2) == Some(&b'-'));
                i = end;
                if end < n && b[end].is_ascii_whitespace() && i > start + 2 {
                    let next = skip_ws(b, end);
                    if next < n && starts_upper(text, next) && !text[next..].starts_with("I ") {
                        push_trimmed(text, start, end, out);
                        start = next;
                        i = next;
                    }
                }
            }
            _ => i += 1,
        }
    }
    push_trimmed(text, start, n, out);
}

/// Whether punctuation `b[punct..run_end]` followed by the word at `next` ends a sentence.
fn ends_sentence(text: &str, start: usize, punct: usize, run_end: usize, next: usize) -> bool {
    let b = text.as_bytes();
    let run = &b[punct..run_end];
    let upper_next = starts_upper(text, next) || starts_opener(b, next);
    let lower_next = text[next..]
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase());
    if lower_next {
        return false;
    }
    if run.len() > 1 || run[0] != b'.' {
        // "?", "!", "?!", "...": end unless a lower-case word goes on (checked above).
        return true;
    }
    // A single full stop: look at the word before it.
    let word_start = text[start..punct]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“' | '\'' | '‘'))
        .map(|p| start + p + text[start + p..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(start);
    let word = &text[word_start..punct];
    if word.is_empty() {
        return true;
    }
    // Every abbreviation in the lexicon is short ASCII: anything else needs no lookup.
    if word.len() <= MAX_ABBREVIATION && word.is_ascii() {
        let mut buf = [0u8; MAX_ABBREVIATION];
        let lower = &mut buf[..word.len()];
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        let lower = std::str::from_utf8(lower).unwrap_or("");
        if text_lexicon().abbreviations.contains(lower) {
            // "No. 5" and "etc. The" are ambiguous; a capital after "etc" usually starts anew.
            return upper_next && matches!(lower, "etc" | "al" | "inc" | "ltd" | "co");
        }
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        // An initial ("J. Smith"); a lone lower-case letter or digit is a list item or word.
        if c.is_uppercase() {
            return false;
        }
    }
    true
}

fn blank_line_follows(b: &[u8], i: usize) -> bool {
    let mut j = i + 1;
    if b[i] == b'\r' && b.get(j) == Some(&b'\n') {
        j += 1;
    }
    while j < b.len() && matches!(b[j], b' ' | b'\t') {
        j += 1;
    }
    j < b.len() && matches!(b[j], b'\n' | b'\r')
}

fn skip_closers(b: &[u8], mut j: usize) -> usize {
    loop {
        match b.get(j) {
            Some(b'"' | b'\'' | b')' | b']' | b'*' | b'_') => j += 1,
            // ” and ’ are E2 80 9D and E2 80 99.
            Some(0xE2)
                if b.get(j + 1) == Some(&0x80) && matches!(b.get(j + 2), Some(0x9D | 0x99)) =>
            {
                j += 3
            }
            _ => return j,
        }
    }
}

fn skip_ws(b: &[u8], mut j: usize) -> usize {
    while j < b.len() && b[j].is_ascii_whitespace() {
        j += 1;
    }
    j
}

fn starts_upper(text: &str, at: usize) -> bool {
    text[at..]
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn starts_opener(b: &[u8], at: usize) -> bool {
    matches!(b.get(at), Some(b'"' | b'\'' | b'(' | b'[' | b'*' | b'_'))
        || (b.get(at) == Some(&0xE2) && b.get(at + 1) == Some(&0x80))
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut impl FnMut(Range<usize>)) {
    // ASCII white space is trimmed byte by byte; a non-ASCII edge goes to `str::trim`, which
    // knows the Unicode white space.
    let b = &text.as_bytes()[start..end];
    let lead = b
        .iter()
        .position(|&c| !is_ascii_space(c))
        .unwrap_or(b.len());
    let tail = b.len()
        - b.iter()
            .rposition(|&c| !is_ascii_space(c))
            .map_or(0, |p| p + 1);
    if lead == b.len() {
        return;
    }
    let (s, e) = (start + lead, end - tail);
    if text.as_bytes()[s].is_ascii() && text.as_bytes()[e - 1].is_ascii() {
        out(s..e);
        return;
    }
    let slice = &text[s..e];
    let trimmed = slice.trim();
    if trimmed.is_empty() {
        return;
    }
    let s = s + (slice.len() - slice.trim_start().len());
    out(s..s + trimmed.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn push_trimmed_is_str_trim(text in "[ \t\r\n\u{b}\u{c}\u{a0}\u{2003}\u{85}a\u{e9}.]{0,12}") {
            let mut got = None;
            push_trimmed(&text, 0, text.len(), &mut |r| got = Some(r));
            let trimmed = text.trim();
            let want = (!trimmed.is_empty()).then(|| {
                let s = text.len() - text.trim_start().len();
                s..s + trimmed.len()
            });
            proptest::prop_assert_eq!(got, want);
        }
    }

    fn split(t: &str) -> Vec<&str> {
        split_sentences(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn plain_sentences() {
        assert_eq!(
            split("We renewed. Then the audit came! Did it pass? Barely."),
            [
                "We renewed.",
                "Then the audit came!",
                "Did it pass?",
                "Barely."
            ]
        );
    }

    #[test]
    fn abbreviations_decimals_initials() {
        assert_eq!(
            split("Dr. Okafor moved us to v2.5 of the agent, e.g. the lite one. It worked."),
            [
                "Dr. Okafor moved us to v2.5 of the agent, e.g. the lite one.",
                "It worked."
            ]
        );
        assert_eq!(
            split("Ask J. Ruiz at Acme Inc. She knows."),
            ["Ask J. Ruiz at Acme Inc.", "She knows."]
        );
    }

    #[test]
    fn ellipses_quotes_and_trailing_off() {
        assert_eq!(
            split("We tried... it failed... Then we stopped."),
            ["We tried... it failed...", "Then we stopped."]
        );
        assert_eq!(
            split("She said \"no vendor again.\" We agreed."),
            ["She said \"no vendor again.\"", "We agreed."]
        );
        assert_eq!(
            split("The renewal was -- Anyway, we moved on."),
            ["The renewal was --", "Anyway, we moved on."]
        );
        assert_eq!(
            split("It was -- you know -- hard."),
            ["It was -- you know -- hard."]
        );
        assert_eq!(split("Wait… Really?"), ["Wait…", "Really?"]);
    }

    #[test]
    fn word_counts_match_split_whitespace() {
        for t in [
            "",
            "  a b\tc\n",
            "one",
            "x\u{0B}y \u{0C}z",
            "caf\u{e9}\u{a0}au lait",
            "a\r\nb",
        ] {
            assert_eq!(count_words(t), t.split_whitespace().count(), "{t:?}");
        }
    }

    #[test]
    fn blank_lines_end_sentences() {
        assert_eq!(
            split("first part\n\nsecond part\r\n\r\nthird"),
            ["first part", "second part", "third"]
        );
        assert!(split("  \n ").is_empty());
    }
}
