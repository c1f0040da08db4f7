//! Index behaviour on interviews built by hand: results against a plain scan, incremental
//! replacement, schema versions, the write lock, highlights that point into the source.

use crate::{Index, IndexError, Request, analyzer};
use jtbd_model::{Encoding, Force, Format, Interview, Role, Sentence, Turn};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// An interview whose turns are the given texts, one line each, verbatim.
fn interview(path: &str, turns: &[(&str, Role)]) -> Interview {
    let mut source = String::new();
    let mut out = Vec::new();
    for (i, (text, role)) in turns.iter().enumerate() {
        let label = if *role == Role::Interviewer {
            "Q: "
        } else {
            "A: "
        };
        source.push_str(label);
        let start = source.len();
        source.push_str(text);
        let end = source.len();
        source.push('\n');
        out.push(Turn {
            index: i,
            speaker: Some(if *role == Role::Interviewer { "Q" } else { "A" }.to_owned()),
            role: *role,
            line: i + 1,
            byte_start: start,
            byte_end: end,
            timestamp: None,
            joined: None,
            spans: std::iter::once(start..end).collect(),
            sentences: vec![Sentence {
                byte_start: start,
                byte_end: end,
                line: i + 1,
                words: text.split_whitespace().count(),
                unescaped: None,
            }],
        });
    }
    Interview {
        id: path.replace('/', "-"),
        path: path.to_owned(),
        format: Format::Text,
        encoding: Encoding::Utf8,
        metadata: BTreeMap::from([("role".to_owned(), "CISO".to_owned())]),
        speakers: Vec::new(),
        bytes: source.len() as u64,
        turns: out,
        source,
        offsets: Default::default(),
        notes: Vec::new(),
    }
}

fn fresh() -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(&dir.path().join("idx"), "test").unwrap();
    (dir, index)
}

fn add(index: &Index, i: &Interview, forces: &[Vec<Force>]) {
    let mut w = index.writer().unwrap();
    w.replace(&i.path, "v1", index.documents(i, forces))
        .unwrap();
    w.finish().unwrap();
}

fn req(q: &str) -> Request {
    Request {
        query: q.to_owned(),
        limit: 1000,
        snippets: true,
        ..Request::default()
    }
}

#[test]
fn filters_and_highlights_point_into_the_source() {
    let (_d, index) = fresh();
    let i = interview(
        "a.txt",
        &[
            ("Why did you leave the old vendor?", Role::Interviewer),
            (
                "We were worried about vendor lock-in after the price doubled.",
                Role::Interviewee,
            ),
            ("Lock in is my worst fear.", Role::Interviewee),
        ],
    );
    add(&index, &i, &[vec![], vec![Force::Anxiety], vec![]]);
    let s = index.searcher().unwrap();
    assert_eq!(s.num_docs(), 3);

    let r = s.search(&req("\"vendor lock in\"")).unwrap();
    assert_eq!(r.total, 1);
    let hit = &r.hits[0];
    assert_eq!(
        (hit.line, hit.role, hit.forces.clone()),
        (2, Role::Interviewee, vec![Force::Anxiety])
    );
    let src: Vec<&str> = hit
        .source_highlights
        .as_ref()
        .unwrap()
        .iter()
        .map(|h| &i.source[h.clone()])
        .collect();
    assert_eq!(src, ["vendor", "lock", "in"]);

    let worried = Request {
        roles: vec![Role::Interviewee],
        forces: vec![Force::Anxiety],
        ..req("worry")
    };
    assert_eq!(s.search(&worried).unwrap().total, 1);
    let by_title = Request {
        titles: vec!["ciso".into()],
        ..req("vendor")
    };
    assert_eq!(s.search(&by_title).unwrap().total, 2);
    let by_meta = Request {
        wheres: vec![("Role".into(), "CTO".into())],
        ..req("")
    };
    assert_eq!(s.search(&by_meta).unwrap().total, 0);
    assert_eq!(s.count(&req("lock OR price")).unwrap(), 2);
    assert_eq!(s.count(&req("lock -price")).unwrap(), 1);
    let fuzzy = Request {
        fuzzy: true,
        ..req("vendr")
    };
    assert_eq!(s.count(&fuzzy).unwrap(), 2);
    match s.search(&req("lock AND (")) {
        Err(IndexError::Query {
            position: Some(_), ..
        }) => {}
        other => panic!("expected a query error with a position, got {other:?}"),
    }
}

#[test]
fn replacing_and_removing_files_is_incremental() {
    let (_d, index) = fresh();
    let a = interview("a.txt", &[("alpha words here", Role::Interviewee)]);
    let b = interview(
        "b.txt",
        &[
            ("beta words", Role::Interviewee),
            ("more beta", Role::Interviewee),
        ],
    );
    add(&index, &a, &[]);
    add(&index, &b, &[]);
    assert_eq!(index.files().unwrap().len(), 2);
    let a2 = interview("a.txt", &[("gamma now", Role::Interviewee)]);
    let mut w = index.writer().unwrap();
    w.replace("a.txt", "v2", index.documents(&a2, &[])).unwrap();
    w.remove("b.txt");
    w.finish().unwrap();
    let s = index.searcher().unwrap();
    assert_eq!(s.num_docs(), 1);
    assert_eq!(s.count(&req("alpha")).unwrap(), 0);
    assert_eq!(s.count(&req("gamma")).unwrap(), 1);
    assert_eq!(
        index.files().unwrap(),
        BTreeMap::from([("a.txt".to_owned(), "v2".to_owned())])
    );
}

#[test]
fn one_writer_at_a_time_and_versions_are_checked() {
    let (d, index) = fresh();
    let w = index.writer().unwrap();
    assert!(matches!(index.writer(), Err(IndexError::Locked(_))));
    drop(w);
    assert!(index.writer().is_ok());

    let dir = d.path().join("idx");
    std::fs::write(
        dir.join(crate::store::VERSION_FILE),
        r#"{"schema_version": 999, "created_by": "future"}"#,
    )
    .unwrap();
    let err = Index::open_or_create(&dir, "test").err().unwrap();
    assert!(err.to_string().contains("--rebuild"), "{err}");

    let other = d.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    assert!(matches!(
        Index::open_or_create(&other, "test"),
        Err(IndexError::NotAnIndex(_))
    ));
    assert!(matches!(
        Index::open(&d.path().join("missing")),
        Err(IndexError::Missing(_))
    ));
}

/// Words of the generated turns: few, so phrases repeat; variants that stem alike.
const WORDS: [&str; 10] = [
    "vendor", "vendors", "lock", "locked", "in", "price", "risk", "cloud", "audit", "the",
];

fn phrase_in(terms: &[String], phrase: &[String]) -> bool {
    terms.windows(phrase.len()).any(|w| w == phrase)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// A phrase query finds exactly the turns whose terms contain the phrase's terms in a row.
    #[test]
    fn phrase_queries_agree_with_a_plain_scan(
        turns in proptest::collection::vec(proptest::collection::vec(0..WORDS.len(), 1..12), 1..40),
        phrase in proptest::collection::vec(0..WORDS.len(), 2..4),
    ) {
        let texts: Vec<String> = turns
            .iter()
            .map(|t| t.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" "))
            .collect();
        let with_roles: Vec<(&str, Role)> =
            texts.iter().map(|t| (t.as_str(), Role::Interviewee)).collect();
        let (_d, index) = fresh();
        add(&index, &interview("p.txt", &with_roles), &[]);
        let phrase_text = phrase.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" ");
        let wanted = analyzer::terms(&phrase_text);
        let expected: Vec<u64> = texts
            .iter()
            .enumerate()
            .filter(|(_, t)| phrase_in(&analyzer::terms(t), &wanted))
            .map(|(i, _)| i as u64 + 1)
            .collect();
        let r = index.searcher().unwrap().search(&req(&format!("\"{phrase_text}\""))).unwrap();
        let mut got: Vec<u64> = r.hits.iter().map(|h| h.line).collect();
        got.sort();
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn a_word_with_an_apostrophe_is_one_word_to_search() {
    use crate::search::quote_apostrophes;
    assert_eq!(quote_apostrophes("don't"), "\"don't\"");
    assert_eq!(
        quote_apostrophes("vendor AND company\u{2019}s -renewal"),
        "vendor AND \"company\u{2019}s\" -renewal"
    );
    assert_eq!(
        quote_apostrophes("speaker:O'Brien \"we don't\""),
        "speaker:\"O'Brien\" \"we don't\""
    );
    // Trailing apostrophes (a plural possessive) and queries without one stay as written.
    assert_eq!(quote_apostrophes("vendors' lock"), "vendors' lock");
    assert_eq!(quote_apostrophes("lock OR price"), "lock OR price");
    use crate::search::prepare;
    assert_eq!(prepare("vendor AND NOT audit"), "vendor -audit");
    assert_eq!(
        prepare("vendor AND NOT (audit OR \"AND NOT x\")"),
        "vendor -(audit OR \"AND NOT x\")"
    );
    assert_eq!(prepare("NOT audit"), "NOT audit");

    let (_d, index) = fresh();
    let i = interview(
        "b.txt",
        &[
            ("What happened at renewal?", Role::Interviewer),
            (
                "We don't trust the renewal quote anymore.",
                Role::Interviewee,
            ),
            ("The vendor's team never answered.", Role::Interviewee),
        ],
    );
    add(&index, &i, &[vec![], vec![], vec![]]);
    let s = index.searcher().unwrap();
    assert_eq!(s.count(&req("don't")).unwrap(), 1);
    assert_eq!(s.count(&req("vendor's OR trust")).unwrap(), 2);
    let fuzzy = Request {
        fuzzy: true,
        ..req("don't")
    };
    assert_eq!(s.count(&fuzzy).unwrap(), 1);
}
