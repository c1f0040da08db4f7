//! `jtbd extract`, `jtbd classify` and `jtbd rules` from the command line.

use crate::support::{jtbd, messages, of_type, root, schema_validator as validator};
use serde_json::Value;
use std::collections::BTreeSet;

fn extract_jsonl(args: &[&str]) -> (i32, Vec<Value>) {
    let out = jtbd()
        .arg("extract")
        .args(args)
        .args(["--format", "jsonl"])
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), messages(&out.stdout))
}

#[test]
fn signals_quote_the_source_exactly_and_validate() {
    let (code, msgs) = extract_jsonl(&["corpora/"]);
    assert_eq!(code, 0);
    let v = validator("extract.schema.json");
    for m in &msgs {
        let errors: Vec<String> = v.iter_errors(m).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{m}\n{errors:#?}");
    }
    let signals = of_type(&msgs, "signal");
    assert!(signals.len() >= 40, "{} signals", signals.len());
    let forces: BTreeSet<&str> = signals
        .iter()
        .map(|s| s["force"].as_str().unwrap())
        .collect();
    assert_eq!(
        forces.len(),
        4,
        "every force is found in the corpus: {forces:?}"
    );
    let (mut exact, mut json_escaped) = (0, 0);
    for s in &signals {
        let path = s["path"].as_str().unwrap();
        let (a, b) = (
            s["byte_start"].as_u64().unwrap() as usize,
            s["byte_end"].as_u64().unwrap() as usize,
        );
        let text = s["text"].as_str().unwrap();
        if !path.ends_with(".docx") {
            let file = crate::support::FileText::read(path);
            let q = file.get(a, b).unwrap_or_else(|| panic!("{s}"));
            // JSON keeps the unescaped text beside the place: equal wherever the literal holds
            // no escape; else the place still spans the words (first and last word in it).
            if path.ends_with(".json") && q.contains(['\\', '"']) {
                let words: Vec<&str> = text
                    .split_whitespace()
                    .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                    .filter(|w| !w.is_empty())
                    .collect();
                assert!(
                    q.contains(words[0]) && q.contains(words[words.len() - 1]),
                    "{s}"
                );
                json_escaped += 1;
            } else {
                assert_eq!(q, text, "{s}");
                exact += 1;
            }
        }
        for c in s["cues"].as_array().unwrap() {
            let (x, y) = (
                c[0].as_u64().unwrap() as usize,
                c[1].as_u64().unwrap() as usize,
            );
            assert!(
                text.get(x..y).is_some_and(|t| !t.is_empty()),
                "cue {c} outside {text:?}"
            );
        }
        assert_ne!(
            s["role"], "interviewer",
            "interviewers are not read by default"
        );
    }
    // Most quotes are checked byte for byte; DOCX (zipped XML) is checked by its reader's tests.
    assert!(
        exact >= signals.len() * 3 / 4,
        "{exact} exact, {json_escaped} escaped JSON"
    );
    let summary = of_type(&msgs, "summary")[0];
    let total: u64 = ["anxiety", "frustration", "desired_progress", "habit"]
        .iter()
        .map(|f| summary["signals"][f].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, signals.len());
}

#[test]
fn a_known_sentence_is_found_with_its_question() {
    let (_, msgs) = extract_jsonl(&["corpora/cto-fieldpath-logistics.txt"]);
    let s = of_type(&msgs, "signal")
        .into_iter()
        .find(|s| s["text"] == "I'm also a bit afraid of a big-bang migration.")
        .expect("the fear of a big-bang migration is found");
    assert_eq!(s["force"], "anxiety");
    assert_eq!(s["rules"][0], "anxiety/fear/afraid");
    assert_eq!(
        s["question"]["text"],
        "Have you looked at replacing the tools?"
    );
    assert_eq!(s["speaker"], "Marcus Lindqvist");
}

#[test]
fn speakers_flag_chooses_whose_turns() {
    let (code, msgs) = extract_jsonl(&["corpora/", "--speakers", "interviewer"]);
    assert_eq!(code, 0);
    let signals = of_type(&msgs, "signal");
    assert!(!signals.is_empty());
    for s in &signals {
        assert!(s["role"] == "interviewer" || s["role"] == "unknown", "{s}");
    }
    assert!(signals.iter().any(|s| s["role"] == "interviewer"));
}

#[test]
fn extract_outputs_agree() {
    let (_, msgs) = extract_jsonl(&["corpora/"]);
    let n = of_type(&msgs, "signal").len();
    let out = jtbd()
        .args(["extract", "corpora/", "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["signals"].as_array().unwrap().len(), n);
    let out = jtbd()
        .args(["extract", "corpora/", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(
        csv::Reader::from_reader(&out.stdout[..]).records().count(),
        n
    );
    let out = jtbd()
        .args([
            "extract",
            "corpora/ciso-northwind-bank.md",
            "--color",
            "always",
        ])
        .output()
        .unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(
        human.contains("\x1b[1;4mworried\x1b[0m"),
        "cues are highlighted: {human}"
    );
}

#[test]
fn classify_keeps_input_order_and_blank_lines() {
    let out = jtbd()
        .arg("classify")
        .write_stdin("We're fed up with chasing vendors.\n\nIt would be great if exports kept the owner.\r\nThe weather was mild.\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines = messages(&out.stdout);
    let v = validator("classify.schema.json");
    for l in &lines {
        assert!(v.is_valid(l), "{l}");
    }
    let got: Vec<(u64, Vec<&str>)> = lines
        .iter()
        .map(|l| {
            let forces = l["forces"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            (l["line"].as_u64().unwrap(), forces)
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, vec!["frustration"]),
            (2, vec![]),
            (3, vec!["desired_progress"]),
            (4, vec![])
        ]
    );
    let out = jtbd()
        .arg("classify")
        .write_stdin("plain words\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "nothing found");
}

/// `jtbd classify --rules DIR` on one line: its stdout.
fn classify_with(dir: &str, line: &str) -> String {
    let out = jtbd()
        .args(["classify", "--rules", dir])
        .write_stdin(format!("{line}\n"))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn rule_file(dir: &std::path::Path, body: &str) {
    std::fs::write(dir.join("mine.toml"), body).unwrap();
}

#[test]
fn user_rules_extend_and_are_checked_and_tested() {
    let dir = tempfile::tempdir().unwrap();
    rule_file(
        dir.path(),
        r#"force = "frustration"

[[rule]]
id = "frustration/custom/blorp"
weight = 0.8
cues = ["blorp outage"]
examples = [
  { text = "Another blorp outage this week.", expect = "match" },
  { text = "No blorp outage since May.", expect = "none" },
]
"#,
    );
    let d = dir.path().to_str().unwrap();
    let out = jtbd().args(["rules", "check", d]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = jtbd().args(["rules", "test", d]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 passed, 0 failed"));
    assert!(classify_with(d, "a blorp outage again").contains("frustration/custom/blorp"));
    let out = jtbd()
        .args(["rules", "list", "--rules", d])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("frustration/custom/blorp"));

    // A failing example fails `rules test`.
    rule_file(
        dir.path(),
        r#"force = "frustration"
[[rule]]
id = "frustration/custom/blorp"
weight = 0.8
cues = ["blorp outage"]
examples = [{ text = "All calm.", expect = "match" }, { text = "x", expect = "none" }]
"#,
    );
    let out = jtbd().args(["rules", "test", d]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed, 1 failed"));

    // A broken rule names file, line and rule.
    rule_file(
        dir.path(),
        "force = \"habit\"\n[[rule]]\nid = \"habit/x\"\nweight = 0.5\npatterns = ['(']\nexamples = [{ text = \"a\", expect = \"match\" }, { text = \"b\", expect = \"none\" }]\n",
    );
    let out = jtbd().args(["rules", "check", d]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mine.toml:3: rule habit/x: pattern"), "{err}");
    let out = jtbd()
        .args(["extract", "corpora/", "--rules", d])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "extract refuses broken rules");
}

#[test]
fn the_rule_file_in_the_docs_loads_and_its_examples_hold() {
    // docs/rules.md teaches the rule format with one file: it must stay a working rule file.
    let doc = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    let toml = doc
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/rules.md has a ```toml block");
    let dir = tempfile::tempdir().unwrap();
    rule_file(dir.path(), toml);
    let d = dir.path().to_str().unwrap();
    let out = jtbd().args(["rules", "test", d]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");
    let out = classify_with(d, "We still do a manual export every Friday.");
    assert!(out.contains("frustration/reporting/manual-export"), "{out}");
}

#[test]
fn rules_list_jsonl_is_framed_and_validates() {
    let out = jtbd()
        .args(["rules", "list", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let msgs = messages(&out.stdout);
    let v = validator("rules.schema.json");
    for m in &msgs {
        let errors: Vec<String> = v.iter_errors(m).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{m}\n{errors:#?}");
    }
    assert_eq!(msgs.first().map(|m| &m["type"]), Some(&"begin".into()));
    let rules = of_type(&msgs, "rule");
    assert!(rules.len() >= 15, "{} rules", rules.len());
    assert!(rules.iter().any(|r| r["evaluative"] == true));
    assert!(rules.iter().any(|r| r["needs_speaker"] == true));
    let summary = of_type(&msgs, "summary");
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0]["rules"], rules.len());
    // The schema has teeth: a rule without its id does not validate.
    let mut bad = msgs[1].clone();
    bad["data"].as_object_mut().unwrap().remove("id");
    assert!(!v.is_valid(&bad));
}

/// An interview whose interviewer asks, acknowledges, then prompts without a question mark.
const BACK_CHANNEL_CALL: &str = "Interviewer: What was the hardest part of the audit?\n\
Dana: Collecting evidence by hand was painful.\n\
Interviewer: Yeah.\n\
Dana: It is really frustrating to chase screenshots every quarter.\n\
Interviewer: Tell me about the renewal.\n\
Dana: The renewal was a nightmare to negotiate.\n";

#[test]
fn a_signal_question_is_the_last_real_question_not_a_back_channel() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("call.txt");
    std::fs::write(&path, BACK_CHANNEL_CALL).unwrap();
    let (code, msgs) = extract_jsonl(&[path.to_str().unwrap()]);
    assert_eq!(code, 0);
    let asked: Vec<&str> = of_type(&msgs, "signal")
        .iter()
        .map(|s| s["question"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        asked,
        [
            "What was the hardest part of the audit?",
            "What was the hardest part of the audit?",
            "Tell me about the renewal."
        ]
    );
}

#[test]
fn min_confidence_keeps_only_the_surer_signals() {
    let (_, all) = extract_jsonl(&["corpora/"]);
    let (code, sure) = extract_jsonl(&["corpora/", "--min-confidence", "0.8"]);
    assert_eq!(code, 0);
    let (all, sure) = (of_type(&all, "signal"), of_type(&sure, "signal"));
    assert!(
        !sure.is_empty() && sure.len() < all.len(),
        "{} of {}",
        sure.len(),
        all.len()
    );
    assert!(
        sure.iter()
            .all(|s| s["confidence"].as_f64().unwrap() >= 0.8),
        "every signal kept is at 0.8 or more"
    );
    let out = jtbd()
        .args(["extract", "corpora/", "--min-confidence", "1.5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a confidence from 0 to 1"));
}

/// A signal's id is the same on every run while its interview, place, force and sentence stay:
/// an edit after a sentence leaves its id alone, an edit of the sentence gives it a new one, and
/// no two signals share one.
#[test]
fn signal_ids_are_stable_while_the_sentence_stays() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ciso.txt");
    let first = "Interviewer: What worries you?\nDana Okafor: I'm worried the auditors find our shadow IT before we do. It is so frustrating that every team buys its own tools.\n";
    std::fs::write(&file, first).unwrap();
    let ids = |args: &[&str]| -> Vec<(String, String)> {
        let (code, msgs) = extract_jsonl(args);
        assert_eq!(code, 0);
        of_type(&msgs, "signal")
            .iter()
            .map(|s| {
                let id = s["id"].as_str().unwrap().to_owned();
                assert!(
                    id.len() == 17 && id.starts_with('s'),
                    "{id} is s and 16 hex digits"
                );
                (id, s["text"].as_str().unwrap().to_owned())
            })
            .collect()
    };
    let path = file.to_str().unwrap();
    let once = ids(&[path]);
    assert!(once.len() >= 2, "{once:?}");
    assert_eq!(ids(&[path]), once, "the same ids on a second run");
    let distinct: BTreeSet<&String> = once.iter().map(|(id, _)| id).collect();
    assert_eq!(distinct.len(), once.len(), "no two signals share an id");
    // Words added after the worry keep its id; the pain sentence, changed, is a new signal.
    std::fs::write(
        &file,
        first.replace(
            "buys its own tools.",
            "buys its own tools and never tells us.",
        ),
    )
    .unwrap();
    let after = ids(&[path]);
    let id_of = |list: &[(String, String)], starts: &str| {
        list.iter()
            .find(|(_, t)| t.starts_with(starts))
            .map(|(id, _)| id.clone())
            .unwrap()
    };
    assert_eq!(id_of(&after, "I'm worried"), id_of(&once, "I'm worried"));
    assert_ne!(
        id_of(&after, "It is so frustrating"),
        id_of(&once, "It is so frustrating")
    );
}
