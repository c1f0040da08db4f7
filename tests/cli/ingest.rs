//! `jtbd ingest` on the sample corpus: every format, offsets, schema, determinism, outputs.

use crate::support::{ingest_jsonl, jtbd, of_type, root};
use serde_json::Value;
use std::collections::BTreeMap;

/// The corpus as JSON Lines, read once per test (cheap: a few KB).
fn corpus() -> Vec<Value> {
    let (code, msgs, stderr) = ingest_jsonl(&["corpora/"]);
    assert_eq!(code, 0, "stderr: {stderr}");
    msgs
}

#[test]
fn every_format_in_the_corpus_parses_with_the_right_speakers() {
    let msgs = corpus();
    let mut seen = BTreeMap::new();
    for i in of_type(&msgs, "interview") {
        let speakers: Vec<String> = i["speakers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                format!(
                    "{}={}",
                    s["name"].as_str().unwrap(),
                    s["role"].as_str().unwrap()
                )
            })
            .collect();
        seen.insert(
            i["path"].as_str().unwrap().to_owned(),
            format!(
                "{} {} turns: {}",
                i["format"].as_str().unwrap(),
                i["turn_count"],
                speakers.join(", ")
            ),
        );
    }
    insta::assert_json_snapshot!(seen);
    let formats: std::collections::BTreeSet<&str> = of_type(&msgs, "interview")
        .iter()
        .map(|i| i["format"].as_str().unwrap())
        .collect();
    assert_eq!(
        formats.into_iter().collect::<Vec<_>>(),
        ["docx", "json", "markdown", "otter", "srt", "text", "vtt"],
        "the corpus covers every reader"
    );
}

#[test]
fn one_interview_in_full() {
    let (code, msgs, _) = ingest_jsonl(&["corpora/ciso-northwind-bank.md"]);
    assert_eq!(code, 0);
    let msgs: Vec<Value> = msgs
        .into_iter()
        .map(|mut m| {
            if m["type"] == "summary" {
                m["data"]["elapsed_ms"] = Value::from(0);
            }
            if m["type"] == "begin" {
                m["data"]["version"] = Value::from("[version]");
            }
            m
        })
        .collect();
    insta::assert_json_snapshot!(msgs);
}

/// Offsets are exact: every sentence (and every turn of a verbatim format) is the text at the
/// file bytes it names (decoded in the file's encoding: UTF-16 files too), and its line is right.
#[test]
fn offsets_point_at_the_text() {
    let msgs = corpus();
    let mut sources: BTreeMap<String, (String, crate::support::FileText)> = BTreeMap::new();
    for i in of_type(&msgs, "interview") {
        let path = i["path"].as_str().unwrap().to_owned();
        if i["format"] == "docx" {
            continue;
        }
        let file = crate::support::FileText::read(&path);
        sources.insert(path, (i["format"].as_str().unwrap().to_owned(), file));
    }
    let mut checked = 0;
    for t in of_type(&msgs, "turn") {
        let Some((format, src)) = sources.get(t["path"].as_str().unwrap()) else {
            continue;
        };
        let span = |v: &Value| {
            src.get(
                v["byte_start"].as_u64().unwrap() as usize,
                v["byte_end"].as_u64().unwrap() as usize,
            )
            .unwrap_or_default()
        };
        let line_of = |v: &Value| src.line(v["byte_start"].as_u64().unwrap() as usize);
        if format != "json" {
            assert_eq!(span(t), t["text"].as_str().unwrap());
            assert_eq!(line_of(t), t["line"].as_u64().unwrap() as usize);
        }
        for s in t["sentences"].as_array().unwrap() {
            if format != "json" {
                assert_eq!(span(s), s["text"].as_str().unwrap());
            } else {
                // JSON: the place lies inside the turn's string literals; where it holds no JSON
                // syntax (one literal, no escapes) it is the text itself.
                let (a, b) = (
                    s["byte_start"].as_u64().unwrap(),
                    s["byte_end"].as_u64().unwrap(),
                );
                let inside = t["spans"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|sp| sp[0].as_u64().unwrap() <= a && b <= sp[1].as_u64().unwrap());
                assert!(inside, "{s}");
                if !span(s).contains('"') {
                    assert_eq!(span(s), s["text"].as_str().unwrap());
                }
            }
            assert_eq!(line_of(s), s["line"].as_u64().unwrap() as usize);
            checked += 1;
        }
    }
    assert!(checked > 300, "checked {checked} sentences");
}

#[test]
fn jsonl_output_validates_against_the_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schema/ingest.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let out = jtbd()
        .args([
            "ingest",
            "corpora/",
            "tests/data/",
            "--format",
            "jsonl",
            "--tokens",
        ])
        .output()
        .unwrap();
    let msgs = crate::support::messages(&out.stdout);
    let types: std::collections::BTreeSet<&str> =
        msgs.iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        ["begin", "error", "interview", "skipped", "summary", "turn"],
        "every message type is exercised"
    );
    for m in &msgs {
        let errors: Vec<String> = validator.iter_errors(m).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{m}\n{errors:#?}");
    }
    // A broken message must fail, or the test above proves nothing.
    let mut bad = msgs[1].clone();
    bad["data"]["format"] = Value::from("pdf");
    assert!(!validator.is_valid(&bad));
}

#[test]
fn output_is_deterministic() {
    let run = || {
        let out = jtbd()
            .args(["ingest", "corpora/", "--format", "jsonl"])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let (body, summary) = text.trim_end().rsplit_once('\n').unwrap();
        let mut summary: Value = serde_json::from_str(summary).unwrap();
        summary["data"]["elapsed_ms"] = Value::from(0);
        format!("{body}\n{summary}")
    };
    assert_eq!(run(), run());
}

#[test]
fn json_and_csv_carry_the_same_turns() {
    let msgs = corpus();
    let turns = of_type(&msgs, "turn").len();
    let out = jtbd()
        .args(["ingest", "corpora/", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    let json_turns: usize = doc["interviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["turns"].as_array().unwrap().len())
        .sum();
    assert_eq!(json_turns, turns);
    assert_eq!(doc["summary"]["turns"].as_u64().unwrap() as usize, turns);

    let out = jtbd()
        .args(["ingest", "corpora/", "--format", "csv"])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(reader.headers().unwrap().get(11), Some("text"));
    assert_eq!(reader.records().count(), turns);
}

#[test]
fn human_output_names_speakers_and_lines() {
    let out = jtbd()
        .args([
            "ingest",
            "corpora/security-lead-orbit-saas.srt",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("corpora/security-lead-orbit-saas.srt  srt · 12 turns"),
        "{text}"
    );
    assert!(
        text.contains("Rafael Mendes: We get about nine thousand alerts"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "no colour when asked for none");
    let coloured = jtbd()
        .args([
            "ingest",
            "corpora/security-lead-orbit-saas.srt",
            "--color",
            "always",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(coloured.stdout)
            .unwrap()
            .contains("\x1b[32m")
    );
}

#[test]
fn flags_override_roles_and_formats() {
    let (_, msgs, _) = ingest_jsonl(&[
        "corpora/head-of-it-alder-university.json",
        "--interviewer",
        "B",
    ]);
    let i = of_type(&msgs, "interview")[0];
    let roles: Vec<(&str, &str, &str)> = i["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["role"].as_str().unwrap(),
                s["role_source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("A", "interviewee", "heuristic"),
            ("B", "interviewer", "flag")
        ]
    );

    // Forcing plain text on a Markdown file keeps the `**` in the labels' place: no speakers.
    let (code, msgs, _) = ingest_jsonl(&[
        "corpora/podcast-security-buyers-ep12.md",
        "--input-format",
        "srt",
    ]);
    assert_eq!(code, 2, "a Markdown file read as SRT is an error");
    assert!(
        of_type(&msgs, "error")[0]["message"]
            .as_str()
            .unwrap()
            .contains("cue timing")
    );
}

#[test]
fn manifest_metadata_reaches_interviews() {
    let (code, msgs, stderr) = ingest_jsonl(&["corpora/"]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("using metadata from corpora/participants.csv"),
        "{stderr}"
    );
    assert!(
        of_type(&msgs, "skipped").is_empty(),
        "the manifest is not a skipped file"
    );
    let quarry = of_type(&msgs, "interview")
        .into_iter()
        .find(|i| i["path"] == "corpora/cto-quarry-payments.json")
        .unwrap();
    assert_eq!(quarry["metadata"]["industry"], "fintech");
    assert_eq!(quarry["metadata"]["role"], "CTO");
}

#[test]
fn tokens_are_normalised_and_stemmed() {
    let (_, msgs, _) = ingest_jsonl(&["corpora/it-director-meadow-schools.txt", "--tokens"]);
    let t = of_type(&msgs, "turn")[3];
    let s = &t["sentences"][0];
    assert_eq!(s["text"], "Filtering and safeguarding.");
    assert_eq!(s["tokens"][0], serde_json::json!(["filter", 0, 9]));
    assert_eq!(s["tokens"][2], serde_json::json!(["safeguard", 14, 26]));
}

#[test]
fn help_teaches_with_examples() {
    let out = jtbd().args(["ingest", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "Examples:",
        "jtbd ingest corpora/",
        "--input-format",
        "--meta",
        "JSON Lines",
    ] {
        assert!(help.contains(needle), "help lacks {needle:?}");
    }
}

#[test]
fn a_host_of_the_other_interviews_hosts_their_retrospective_too() {
    // Four episodes where Nell Ash and Ida Fenn ask a different guest, then one where the two
    // look back together and Ida talks most: alone, that file makes her its guest.
    let dir = tempfile::tempdir().unwrap();
    let guests = ["Omar Haddad", "Tomas Reed", "Vera Holm", "Emil Dace"];
    for (k, guest) in guests.iter().enumerate() {
        let text = format!(
            "**Nell Ash:** Welcome back. What did the audit find this year?\n\n\
             **{guest}:** Gaps in who could reach the build servers, and a vendor we had forgotten.\n\n\
             **Ida Fenn:** How long did the fix take? Who owned it?\n\n\
             **{guest}:** Two months, and nobody at first, which was the real problem for us.\n\n\
             **Nell Ash:** And now?\n\n\
             **{guest}:** One team owns access, and the renewal is on a calendar everyone can see.\n"
        );
        std::fs::write(dir.path().join(format!("ep-{k}.md")), text).unwrap();
    }
    std::fs::write(
        dir.path().join("retro.md"),
        "**Nell Ash:** So, a year of the show. What would you change?\n\n\
         **Ida Fenn:** The recording setup, mostly. We lost two episodes to a full disk, and the \
         backups were on the same machine, which I still find hard to believe we allowed.\n\n\
         **Nell Ash:** Fair.\n\n\
         **Ida Fenn:** And I would book guests earlier; the last month was a scramble every week.\n",
    )
    .unwrap();
    let roles = |args: &[&str]| -> BTreeMap<(String, String), (String, String)> {
        let (code, msgs, stderr) = ingest_jsonl(args);
        assert_eq!(code, 0, "{stderr}");
        let mut out = BTreeMap::new();
        for i in of_type(&msgs, "interview") {
            let file = i["path"].as_str().unwrap().rsplit('/').next().unwrap();
            for s in i["speakers"].as_array().unwrap() {
                out.insert(
                    (file.to_owned(), s["name"].as_str().unwrap().to_owned()),
                    (
                        s["role"].as_str().unwrap().to_owned(),
                        s["role_source"].as_str().unwrap().to_owned(),
                    ),
                );
            }
        }
        out
    };
    let retro = dir.path().join("retro.md");
    // Read alone, Ida is the retrospective's guest.
    let alone = roles(&[retro.to_str().unwrap()]);
    let ida = ("retro.md".to_owned(), "Ida Fenn".to_owned());
    assert_eq!(alone[&ida].0, "interviewee");
    // Read with the study, she hosts it; the guests stay guests.
    let study = roles(&[dir.path().to_str().unwrap()]);
    assert_eq!(study[&ida], ("interviewer".to_owned(), "study".to_owned()));
    for (k, guest) in guests.iter().enumerate() {
        let key = (format!("ep-{k}.md"), (*guest).to_owned());
        assert_eq!(study[&key].0, "interviewee", "{key:?}");
    }
}
