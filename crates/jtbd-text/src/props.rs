//! Property tests: the text primitives never panic and every range they return is exact.

use crate::{LineCursor, LineIndex, count_words, decode, scan_markup, split_sentences, tokenize};
use proptest::prelude::*;

/// Text that looks like transcripts: labels, brackets, timestamps, punctuation, scripts, emoji,
/// combining marks, right-to-left text and every line end.
fn transcriptish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("Q: ".to_owned()),
            Just("**Ann Lee:** ".to_owned()),
            Just("[00:01:02] ".to_owned()),
            Just("\\[12:03\\] ".to_owned()),
            Just("(laughs) ".to_owned()),
            Just("[inaudible 00:01:36.19]".to_owned()),
            Just("Dr. ".to_owned()),
            Just("e.g. ".to_owned()),
            Just("... ".to_owned()),
            Just("… ".to_owned()),
            Just(" -- ".to_owned()),
            Just("\"quoted.\" ".to_owned()),
            Just("\r\n".to_owned()),
            Just("\n\n".to_owned()),
            Just("\r".to_owned()),
            Just("\u{feff}".to_owned()),
            Just("é́ 🙂 שלום مرحبا ".to_owned()),
            "[A-Za-z ,.!?']{0,20}",
            any::<String>(),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn sentences_are_trimmed_ordered_slices(text in transcriptish()) {
        let mut last = 0;
        for r in split_sentences(&text) {
            prop_assert!(r.start >= last && r.start < r.end && r.end <= text.len());
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            let s = &text[r.clone()];
            prop_assert_eq!(s, s.trim());
            last = r.end;
        }
    }

    #[test]
    fn markup_ranges_are_ordered_slices(text in transcriptish()) {
        let mut last = 0;
        for m in scan_markup(&text) {
            prop_assert!(m.range.start >= last && m.range.end <= text.len());
            prop_assert!(text.is_char_boundary(m.range.start) && text.is_char_boundary(m.range.end));
            last = m.range.end;
        }
    }

    #[test]
    fn tokens_map_back_to_words(text in transcriptish()) {
        for t in tokenize(&text) {
            prop_assert!(t.start < t.end && text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            prop_assert!(!t.term.is_empty());
        }
    }

    #[test]
    fn line_cursor_agrees_with_index(text in transcriptish(), picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..16)) {
        let idx = LineIndex::new(&text);
        let mut cursor = LineCursor::new(&text);
        let mut offsets: Vec<usize> = picks.iter().map(|p| p.index(text.len() + 1)).collect();
        offsets.sort_unstable();
        for b in offsets {
            prop_assert_eq!(cursor.line(b), idx.line(b));
        }
    }

    #[test]
    fn word_counts_agree(text in transcriptish()) {
        prop_assert_eq!(count_words(&text), text.split_whitespace().count());
    }

    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode(&bytes);
        let _ = crate::decode_owned(bytes);
    }

    /// Text as files hold it (UTF-8 with or without a byte order mark, or UTF-16 with one):
    /// `decode_owned`'s fast path gives what `decode` gives, and both give the text back.
    #[test]
    fn decode_owned_agrees_and_gives_the_text_back(text in "\\PC{0,200}", form in 0u8..3) {
        let bytes: Vec<u8> = match form {
            0 => text.as_bytes().to_vec(),
            1 => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
            _ => [0xFF, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
        };
        // A NUL makes a file binary, whatever the rest says.
        prop_assume!(!text.contains('\0'));
        let slow = decode(&bytes).unwrap();
        let fast = crate::decode_owned(bytes).unwrap();
        prop_assert_eq!(&fast, &slow);
        let expected = if form == 1 { format!("\u{feff}{text}") } else { text.clone() };
        prop_assert_eq!(fast.text, expected);
    }
}
