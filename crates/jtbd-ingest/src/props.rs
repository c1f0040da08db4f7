//! Property tests: no reader panics on any bytes, and for every text format each turn and
//! sentence is exactly the slice of the source it names.

use crate::{Options, parse_bytes};
use jtbd_model::Format;
use proptest::prelude::*;

fn forced(format: Option<Format>) -> Options {
    Options {
        format,
        ..Options::default()
    }
}

/// Lines that look like every text format at once, so each reader gets its own kind of input.
fn transcript_lines() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("WEBVTT\n\n".to_owned()),
            Just("1\n00:00:01,000 --> 00:00:02,500\n".to_owned()),
            Just("00:00:03.000 --> 00:00:04.000\n".to_owned()),
            Just("<v Bo Chen>".to_owned()),
            Just("</v>\n".to_owned()),
            Just("Ann Lee  0:03\n".to_owned()),
            Just("Ann Lee\u{2004}0:03\n".to_owned()),
            Just("**Ann Lee:** ".to_owned()),
            Just("**Break**: \\[28:03\\]\n".to_owned()),
            Just("Interviewer: ".to_owned()),
            Just("Q: ".to_owned()),
            Just("A: ".to_owned()),
            Just("DATE: 7 May\n".to_owned()),
            Just("[00:01:02] Bo Chen: ".to_owned()),
            Just("---\nrole: CISO\n---\n".to_owned()),
            Just("# Heading\n".to_owned()),
            Just("00:05:00\n".to_owned()),
            Just("(laughs) ".to_owned()),
            Just("We moved. Dr. Lee said no... Then -- Why? ".to_owned()),
            Just("\r\n".to_owned()),
            Just("\n\n".to_owned()),
            Just("\r".to_owned()),
            Just("\u{feff}".to_owned()),
            Just("é́ 🙂 שלום ".to_owned()),
            "[A-Za-z ,.!?:]{0,30}",
        ],
        0..30,
    )
    .prop_map(|parts| parts.concat())
}

const TEXT_FORMATS: [Option<Format>; 6] = [
    None,
    Some(Format::Text),
    Some(Format::Markdown),
    Some(Format::Otter),
    Some(Format::Vtt),
    Some(Format::Srt),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_reader_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        for format in Format::ALL.into_iter().map(Some).chain([None]) {
            let _ = parse_bytes(&bytes, "fuzz.bin", &forced(format), None);
        }
    }

    #[test]
    fn no_reader_panics_on_json_like_text(text in r#"[\[\]{}":,0-9a-z ."\\]{0,200}"#) {
        let text = format!("{{\"segments\": [{text}]}}");
        let _ = parse_bytes(text.as_bytes(), "fuzz.json", &forced(None), None);
        let _ = parse_bytes(text.as_bytes(), "fuzz.json", &forced(Some(Format::Json)), None);
    }

    #[test]
    fn offsets_are_exact_in_text_formats(text in transcript_lines()) {
        for format in TEXT_FORMATS {
            let Ok(i) = parse_bytes(text.as_bytes(), "t.txt", &forced(format), None) else { continue };
            let src = &i.source;
            let lines = jtbd_text::LineIndex::new(src);
            let mut last = 0;
            for t in &i.turns {
                prop_assert_eq!(t.text(src), &src[t.byte_start..t.byte_end]);
                prop_assert!(t.joined.is_none());
                prop_assert_eq!(t.line, lines.line(t.byte_start));
                for s in &t.sentences {
                    prop_assert!(s.byte_start >= last, "sentences in source order");
                    prop_assert!(t.byte_start <= s.byte_start && s.byte_end <= t.byte_end);
                    prop_assert_eq!(s.text(src), &src[s.byte_start..s.byte_end]);
                    prop_assert!(s.unescaped.is_none());
                    prop_assert_eq!(s.line, lines.line(s.byte_start));
                    // Inline markup inside a sentence stays in its text but counts no words.
                    let mut words = s.text(src).to_owned();
                    for m in jtbd_text::scan_markup(s.text(src)).iter().rev() {
                        words.replace_range(m.range.clone(), " ");
                    }
                    prop_assert_eq!(s.words, words.split_whitespace().count());
                    last = s.byte_end;
                }
            }
        }
    }
}

/// Text that looks like front matter and manifests: separators, keys, quotes, commas.
fn metadata_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("---\n".to_owned()),
            Just("role: CISO\n".to_owned()),
            Just("file,role,company\n".to_owned()),
            Just("a.txt,CTO,\"Quarry, Inc\"\n".to_owned()),
            Just("\"unclosed,".to_owned()),
            Just(": no key\n".to_owned()),
            Just("\u{feff}".to_owned()),
            Just("\r\n".to_owned()),
            "[a-z: ,\"\n-]{0,12}",
            any::<String>(),
        ],
        0..12,
    )
    .prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// The front matter and manifest parsers answer every input with a value or an error.
    #[test]
    fn metadata_parsers_never_panic(text in metadata_text(), bytes in any::<Vec<u8>>()) {
        if let Ok((_, end)) = crate::meta::front_matter(&text) {
            prop_assert!(end <= text.len() && text.is_char_boundary(end));
        }
        for input in [text.as_bytes(), bytes.as_slice()] {
            if let Ok(m) = crate::Manifest::parse(input, "participants.csv") {
                let _ = m.lookup("a.txt");
            }
        }
    }
}
