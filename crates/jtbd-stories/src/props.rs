//! Property tests: on generated interviews, every quote the stage hands out is the source's
//! text at its place, every theme rests on enough interviewees, every story has the form, and
//! the same records give the same findings.

use crate::tests::find;
use crate::{Codebook, Knowledge, Quote, Record, Said};
use jtbd_model::{Force, Role};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Words the generated sentences are made of: a few that themes can form around, some
/// function words, some that the grammar reads.
const WORDS: [&str; 24] = [
    "audit", "evidence", "vendor", "lock-in", "backup", "laptops", "renewal", "alerts", "we", "I",
    "want", "need", "to", "one", "place", "so", "that", "can", "when", "the", "worried", "about",
    "every", "time",
];

/// One generated interview: its source text and the record of its signals.
fn interview(person: usize, sentences: &[(u8, Vec<usize>)]) -> (String, Record) {
    let mut source = String::new();
    let mut said = Vec::new();
    for (turn, (force, words)) in sentences.iter().enumerate() {
        let text: Vec<&str> = words.iter().map(|w| WORDS[*w % WORDS.len()]).collect();
        // Every fourth sentence a want in the grammar's form, with its outcome, about theme
        // words: so that stories form and their checks run.
        let text = if force % 4 == 2 {
            let w = |k: usize| WORDS[words[k % words.len()] % 8];
            format!(
                "We need to check the {} {} every week, so that we can pass the {} {}.",
                w(0),
                w(1),
                w(2),
                w(3)
            )
        } else {
            format!("{}.", text.join(" "))
        };
        source.push_str(&format!("P{person}: "));
        let start = source.len();
        source.push_str(&text);
        let line = source.matches('\n').count() + 1;
        source.push('\n');
        said.push(Said {
            force: [Force::Anxiety, Force::Frustration, Force::DesiredProgress]
                [*force as usize % 3],
            confidence: 0.5 + f64::from(*force % 5) / 10.0,
            quote: std::sync::Arc::new(Quote {
                text: text.as_str().into(),
                speaker: Some(format!("P{person}").into()),
                role: Role::Interviewee,
                line,
                byte_start: start,
                byte_end: start + text.len(),
                timestamp: None,
            }),
            turn: turn * 2 + 1,
            sentence: 0,
            cues: Box::default(),
            before: None,
            earlier: Box::default(),
            later: Box::default(),
            after: None,
        });
    }
    let record = Record {
        id: format!("i{person}"),
        path: format!("i{person}.txt"),
        interviewee: format!("P{person}"),
        interview: person,
        metadata: BTreeMap::from([("role".to_owned(), ["CISO", "CTO"][person % 2].to_owned())])
            .into(),
        said,
        voices: Vec::new(),
    };
    (source, record)
}

fn corpus() -> impl Strategy<Value = Vec<Vec<(u8, Vec<usize>)>>> {
    prop::collection::vec(
        prop::collection::vec(
            (any::<u8>(), prop::collection::vec(0usize..24, 1..14)),
            1..6,
        ),
        1..9,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn quotes_stay_exact_and_findings_hold_their_promises(people in corpus(), min in 1usize..4) {
        let k = Knowledge::embedded().unwrap();
        let (sources, records): (Vec<String>, Vec<Record>) = people
            .iter()
            .enumerate()
            .map(|(p, s)| interview(p, s))
            .unzip();
        let f = find(&records, &k, &Codebook::embedded().unwrap_or_else(|e| panic!("{e}")), min);
        prop_assert_eq!(&f, &find(&records, &k, &Codebook::embedded().unwrap_or_else(|e| panic!("{e}")), min));
        let exact = |record: usize, q: &Quote| {
            sources[record][q.byte_start..q.byte_end] == *q.text
                && sources[record][..q.byte_start].matches('\n').count() + 1 == q.line
        };
        for t in &f.themes {
            let who: BTreeSet<usize> = t.signals.iter().map(|s| s.record).collect();
            prop_assert!(who.len() >= min);
            for s in &t.signals {
                prop_assert!(exact(s.record, &records[s.record].said[s.said].quote));
            }
            prop_assert!(t.evidence.iter().all(|e| t.signals.contains(&e)));
        }
        let form = regex::Regex::new(r"^When .+, I want to .+, so I can .+\.$").unwrap();
        for s in &f.stories {
            prop_assert!(form.is_match(&s.text), "{}", s.text);
            for slot in crate::Slot::ALL {
                if let Some(d) = s.slot(slot) {
                    prop_assert!(exact(d.evidence.record, &d.evidence.quote));
                    // One person's story: every slot from the story's own interview.
                    prop_assert_eq!(d.evidence.record, s.record);
                }
            }
        }
        for seg in &f.segments {
            prop_assert!(seg.members.contains(&seg.poster_child));
        }
    }
}
