//! Ingest on files shaped as real tools and real people write them (`tests/data/real-world/`,
//! each written fresh for these tests): one test per case, each naming what used to go wrong.

use crate::support::{FileText, ingest_jsonl, of_type};
use serde_json::Value;

const DIR: &str = "tests/data/real-world";

struct Run {
    code: i32,
    msgs: Vec<Value>,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let mut all = vec![DIR];
    all.extend_from_slice(args);
    let (code, msgs, stderr) = ingest_jsonl(&all);
    Run { code, msgs, stderr }
}

impl Run {
    fn interview(&self, name: &str) -> &Value {
        of_type(&self.msgs, "interview")
            .into_iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} was not read: {}", self.stderr))
    }

    /// `(speaker, sentences)` of every turn of a file.
    fn turns(&self, name: &str) -> Vec<(String, Vec<String>)> {
        of_type(&self.msgs, "turn")
            .into_iter()
            .filter(|t| t["path"].as_str().unwrap().ends_with(name))
            .map(|t| {
                let sentences = t["sentences"].as_array().unwrap();
                (
                    t["speaker"].as_str().unwrap_or("(none)").to_owned(),
                    sentences
                        .iter()
                        .map(|s| s["text"].as_str().unwrap().to_owned())
                        .collect(),
                )
            })
            .collect()
    }

    fn roles(&self, name: &str) -> Vec<(String, String)> {
        self.interview(name)["speakers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_owned(),
                    s["role"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn skipped(&self, name: &str) -> String {
        of_type(&self.msgs, "skipped")
            .into_iter()
            .find(|s| s["path"].as_str().unwrap().ends_with(name))
            .map(|s| s["reason"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("{name} not skipped"))
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn the_folder_reads_with_notes_and_no_errors() {
    let r = run(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(of_type(&r.msgs, "error").is_empty(), "{}", r.stderr);
    assert_eq!(of_type(&r.msgs, "interview").len(), 7, "{}", r.stderr);
}

#[test]
fn teams_timings_without_zero_padding_and_a_broken_cue() {
    let r = run(&[]);
    let turns = r.turns("teams-unpadded.vtt");
    assert_eq!(turns.len(), 2);
    assert_eq!(turns[1].1.len(), 3, "the cue after the broken one is read");
    let notes = &r.interview("teams-unpadded.vtt")["notes"];
    assert_eq!(notes[0]["line"], 9);
    assert!(
        r.stderr
            .contains("teams-unpadded.vtt:9: cue left out (10 words)")
    );
}

#[test]
fn rev_editor_spans_take_names_from_the_speakers_list() {
    let r = run(&[]);
    assert_eq!(
        r.turns("rev-editor.json"),
        [
            (
                "Rosa Lind".into(),
                vec!["What made you look around?".into()]
            ),
            (
                "Kofi Mensah".into(),
                vec!["Honestly, the renewal scared me.".into()]
            ),
        ]
    );
}

#[test]
fn bold_names_without_a_colon_entities_breaks_and_inline_markers() {
    let r = run(&[]);
    let turns = r.turns("podcast-bold-names.md");
    let speakers: Vec<&str> = turns.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(
        speakers,
        [
            "Rosa Lind",
            "Kofi Mensah",
            "Rosa Lind",
            "Kofi Mensah",
            "Rosa Lind",
            "Kofi Mensah",
            "Rosa Lind"
        ],
        "one turn per bold name, none for the break"
    );
    // `**Kofi Mensah** 0:09` with the text on the next line; `&#39;` and `&amp;` decoded.
    assert_eq!(
        turns[1].1,
        ["Thanks, I'm glad to be here & ready to complain."]
    );
    // Inline markers do not split a sentence.
    assert_eq!(
        turns[3].1[0],
        "The week the backup job failed \\[unintelligible 00:00:21\\] and nobody noticed for days."
    );
    assert_eq!(turns[3].1[1], "We were [crosstalk] honestly lucky.");
    assert!(turns.iter().all(|t| t.1.iter().all(|s| s != "to")));
    // The place of a decoded sentence is the bytes it was written as.
    let file = FileText::read(&format!("{DIR}/podcast-bold-names.md"));
    let t = of_type(&r.msgs, "turn")
        .into_iter()
        .find(|t| {
            t["path"]
                .as_str()
                .unwrap()
                .ends_with("podcast-bold-names.md")
                && t["index"] == 1
        })
        .unwrap();
    let s = &t["sentences"][0];
    let raw = file
        .get(
            s["byte_start"].as_u64().unwrap() as usize,
            s["byte_end"].as_u64().unwrap() as usize,
        )
        .unwrap();
    assert_eq!(
        raw,
        "Thanks, I&#39;m glad to be here &amp; ready to complain."
    );
}

#[test]
fn a_first_line_interviewer_hi_is_a_turn_not_metadata() {
    let r = run(&[]);
    let i = r.interview("interviewer-hi.txt");
    assert_eq!(i["metadata"].as_object().unwrap().len(), 0, "{i}");
    let turns = r.turns("interviewer-hi.txt");
    assert_eq!(turns[0], ("Interviewer".into(), vec!["Hi".into()]));
    assert_eq!(turns[1], ("Kofi".into(), vec!["Hello there.".into()]));
}

#[test]
fn two_hosts_and_a_guest() {
    let r = run(&[]);
    assert_eq!(
        r.roles("two-hosts.md"),
        pairs(&[
            ("Rosa Lind", "interviewer"),
            ("Kofi Mensah", "interviewee"),
            ("Sam Ode", "interviewer"),
        ])
    );
    // `--interviewer` still overrides the introduction.
    let r = run(&["--interviewer", "Kofi Mensah"]);
    assert_eq!(
        r.roles("two-hosts.md")[1],
        pairs(&[("Kofi Mensah", "interviewer")])[0]
    );
}

#[test]
fn diarised_speakers_take_the_manifests_names() {
    let r = run(&[]);
    assert_eq!(
        r.roles("diarised.srt"),
        pairs(&[("Rosa Lind", "interviewer"), ("Kofi Mensah", "interviewee")])
    );
    assert!(
        r.turns("diarised.srt")
            .iter()
            .all(|t| !t.0.starts_with("SPEAKER"))
    );
}

#[test]
fn a_windows_1252_file_is_read_with_exact_file_offsets() {
    let r = run(&[]);
    let i = r.interview("word-windows-1252.txt");
    assert_eq!(i["encoding"], "windows-1252");
    assert!(
        r.stderr
            .contains("word-windows-1252.txt: not UTF-8: read as windows-1252")
    );
    let file = FileText::read(&format!("{DIR}/word-windows-1252.txt"));
    let mut checked = 0;
    for t in of_type(&r.msgs, "turn") {
        if !t["path"]
            .as_str()
            .unwrap()
            .ends_with("word-windows-1252.txt")
        {
            continue;
        }
        for s in t["sentences"].as_array().unwrap() {
            let (a, b) = (
                s["byte_start"].as_u64().unwrap(),
                s["byte_end"].as_u64().unwrap(),
            );
            assert_eq!(
                file.get(a as usize, b as usize).as_deref(),
                s["text"].as_str()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
    assert_eq!(
        r.turns("word-windows-1252.txt")[1].1[1],
        "I\u{2019}m still annoyed \u{2013} it cost us a week."
    );
}

#[test]
fn odd_files_in_a_folder_are_notes_not_errors() {
    let r = run(&[]);
    assert!(r.skipped("empty.txt").contains("empty file"));
    assert!(r.skipped("README.md").starts_with("not a transcript"));
    assert!(r.skipped("package.json").starts_with("not a transcript"));
    assert!(r.skipped("drafts").contains("ignored by"));
    // Named with a format, a README is read as one unlabelled text.
    let (code, msgs, _) =
        ingest_jsonl(&[&format!("{DIR}/README.md"), "--input-format", "markdown"]);
    assert_eq!((code, of_type(&msgs, "interview").len()), (0, 1));
    // `--no-ignore` reads what `.ignore` leaves out; `--glob` and `--exclude` choose files.
    let r = run(&["--no-ignore"]);
    r.interview("drafts/unfinished.txt");
    let r = run(&["--glob", "*.md", "--exclude", "two-*"]);
    let read: Vec<&str> = of_type(&r.msgs, "interview")
        .iter()
        .map(|i| i["path"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(read, ["podcast-bold-names.md"]);
    assert!(r.skipped("two-hosts.md").contains("--glob/--exclude"));
    let (code, _, stderr) = ingest_jsonl(&[DIR, "--glob", "a[b"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad glob"), "{stderr}");
}
