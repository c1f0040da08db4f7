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

/// A JSON value of any kind, for keys no reader knows.
fn extra_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        any::<i32>().prop_map(|n| n.to_string()),
        Just("-0.5e3".to_owned()),
        "[a-z ]{0,10}".prop_map(|s| format!("\"{s}\"")),
        Just(r#"[1, {"a": ["b"]}, []]"#.to_owned()),
        Just(r#"{"text": "zz", "speaker": 3, "segments": {}}"#.to_owned()),
    ]
}

/// An object with `keys` and `extras` in an order `seed` picks.
fn object(mut keys: Vec<(String, String)>, extras: &[(String, String)], seed: &mut u64) -> String {
    let mut next = || {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    };
    for e in extras {
        if next() % 2 == 0 {
            keys.push(e.clone());
        }
    }
    for i in (1..keys.len()).rev() {
        keys.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    let fields: Vec<String> = keys.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
    format!("{{{}}}", fields.join(", "))
}

fn kv(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_owned(), v.into())
}

/// One transcript in the JSON shape `shape`, with `extras` sprinkled over its objects and keys
/// in any order; returns the file and the (speaker, text) each unit must read as.
fn json_transcript(
    shape: usize,
    units: &[(usize, Vec<String>)],
    extras: &[(String, String)],
    seed: u64,
) -> (String, Vec<(Option<String>, String)>) {
    const NAMES: [&str; 2] = ["Ann Vos", "Bo Lind"];
    let seed = &mut seed.max(1);
    let mut want = Vec::new();
    let mut items = Vec::new();
    for (who, words) in units {
        let text = format!("{}.", words.join(" "));
        let (speaker, name) = match shape {
            0 | 1 | 5 => (format!("\"{}\"", NAMES[*who]), NAMES[*who].to_owned()),
            2 => (
                format!("\"{}\"", ["A", "B"][*who]),
                ["A", "B"][*who].to_owned(),
            ),
            3 => (who.to_string(), who.to_string()),
            6 => (
                object(
                    vec![
                        kv("id", who.to_string()),
                        kv("name", format!("\"{}\"", NAMES[*who])),
                    ],
                    extras,
                    seed,
                ),
                NAMES[*who].to_owned(),
            ),
            _ => (who.to_string(), NAMES[*who].to_owned()),
        };
        want.push((Some(name), text.clone()));
        let item = if shape >= 4 && shape != 5 {
            // Rev: word pieces, with spaces as pieces of their own (`elements`) or not (`spans`).
            let mut pieces = Vec::new();
            for (i, w) in words.iter().enumerate() {
                if i > 0 && shape == 4 {
                    pieces.push(" ".to_owned());
                }
                pieces.push(w.clone());
            }
            pieces.push(".".to_owned());
            let els: Vec<String> = pieces
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let mut k = vec![
                        kv("type", if shape == 4 { "\"text\"" } else { "0" }),
                        kv("value", format!("\"{p}\"")),
                    ];
                    if i == 0 {
                        k.push(kv("ts", "1.5"));
                    }
                    object(k, extras, seed)
                })
                .collect();
            let key = if shape == 4 { "elements" } else { "spans" };
            object(
                vec![
                    kv("speaker", speaker),
                    kv(key, format!("[{}]", els.join(", "))),
                ],
                extras,
                seed,
            )
        } else {
            object(
                vec![
                    kv("start", "2"),
                    kv("end", "3.5"),
                    kv("speaker", speaker),
                    kv("text", format!("\"{text}\"")),
                ],
                extras,
                seed,
            )
        };
        items.push(item);
    }
    let list = format!("[{}]", items.join(",\n"));
    let names = format!("[\"{}\", \"{}\"]", NAMES[0], NAMES[1]);
    let rev_names = format!(
        "[{{\"id\": 0, \"name\": \"{}\"}}, {{\"id\": 1, \"name\": \"{}\"}}]",
        NAMES[0], NAMES[1]
    );
    let file = match shape {
        0 => object(vec![kv("segments", list)], extras, seed),
        1 => object(
            vec![kv("speakers", names), kv("segments", list)],
            extras,
            seed,
        ),
        2 => object(vec![kv("utterances", list)], extras, seed),
        3 => {
            let results = object(vec![kv("utterances", list)], extras, seed);
            object(vec![kv("results", results)], extras, seed)
        }
        5 => list,
        6 => object(vec![kv("monologues", list)], extras, seed),
        _ => object(
            vec![kv("speakers", rev_names), kv("monologues", list)],
            extras,
            seed,
        ),
    };
    (file, want)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Every supported JSON shape reads the same with unknown keys added and keys in any order.
    #[test]
    fn json_reads_with_extra_and_reordered_keys(
        shape in 0..8usize,
        units in proptest::collection::vec(
            (0..2usize, proptest::collection::vec("[a-z]{1,8}", 1..5)),
            1..6,
        ),
        extras in proptest::collection::vec(("x[a-z_]{0,6}", extra_value()), 0..4),
        seed in any::<u64>(),
    ) {
        let (file, want) = json_transcript(shape, &units, &extras, seed);
        let parsed = crate::readers::json::read(&file)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{file}")))?;
        let got: Vec<(Option<String>, String)> = parsed
            .summary(&file)
            .into_iter()
            .map(|(s, _, t)| (s, t))
            .collect();
        prop_assert_eq!(got, want, "{}", file);
        let i = parse_bytes(file.as_bytes(), "t.json", &Options::default(), None)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{file}")))?;
        prop_assert_eq!(i.format, Format::Json);
    }
}

/// For every text format each turn and sentence is exactly the slice of the source it names,
/// in source order, on the line it says; and the property is not vacuous: generated
/// transcripts do parse (counted over the run).
#[test]
fn offsets_are_exact_in_text_formats() {
    use proptest::test_runner::{Config, TestRunner};
    let parsed = std::cell::Cell::new(0usize);
    let sentences = std::cell::Cell::new(0usize);
    let mut runner = TestRunner::new(Config::with_cases(300));
    runner
        .run(&transcript_lines(), |text| {
            for format in TEXT_FORMATS {
                let Ok(i) = parse_bytes(text.as_bytes(), "t.txt", &forced(format), None) else {
                    continue;
                };
                parsed.set(parsed.get() + 1);
                let src = &i.source;
                let lines = jtbd_text::LineIndex::new(src);
                let mut last = 0;
                for t in &i.turns {
                    prop_assert_eq!(t.text(src), &src[t.byte_start..t.byte_end]);
                    prop_assert!(t.joined.is_none());
                    prop_assert_eq!(t.line, lines.line(t.byte_start));
                    for s in &t.sentences {
                        sentences.set(sentences.get() + 1);
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
            Ok(())
        })
        .unwrap();
    assert!(parsed.get() > 100, "{} parses", parsed.get());
    assert!(sentences.get() > 100, "{} sentences", sentences.get());
}
