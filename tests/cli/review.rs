//! `jtbd review stats`: the agreement figures of a corrections file over a real folder.

use crate::support::{ingest_jsonl, jtbd, messages, of_type, schema_validator};
use serde_json::Value;

/// The interviewee signals of `corpora/` as (id, force).
fn signals() -> Vec<(String, String)> {
    let out = jtbd()
        .args(["extract", "corpora/", "--format", "jsonl", "--quiet"])
        .output()
        .unwrap();
    of_type(&messages(&out.stdout), "signal")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["force"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn stats(corrections: &std::path::Path) -> (i32, Value, String) {
    let out = jtbd()
        .args([
            "review",
            "stats",
            "corpora/",
            "--format",
            "json",
            "--quiet",
            "--corrections",
        ])
        .arg(corrections)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn two_reviewers_are_compared_with_the_rules_and_each_other() {
    let found = signals();
    let other = |force: &str| {
        if force == "frustration" {
            "anxiety"
        } else {
            "frustration"
        }
    };
    let [s1, s2, s3, s4] = [&found[0], &found[1], &found[2], &found[3]];
    let verdict = |id: &str, verdict: &str, by: &str| {
        format!(r#"{{"signal": "{id}", "verdict": "{verdict}", "by": "{by}"}}"#)
    };
    let lines = [
        verdict(&s1.0, "accept", "dana"),
        verdict(&s2.0, "accept", "dana"),
        verdict(&s3.0, "reject", "dana"),
        format!(
            r#"{{"signal": "{}", "verdict": "recode", "force": "{}", "by": "dana"}}"#,
            s4.0,
            other(&s4.1)
        ),
        verdict(&s1.0, "accept", "kim"),
        verdict(&s2.0, "reject", "kim"),
        verdict(&s3.0, "reject", "kim"),
        verdict("s00000000000000ff", "accept", "kim"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("corrections.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (code, json, stderr) = stats(&file);
    assert_eq!(code, 0, "{stderr}");
    let v = schema_validator("review-stats.schema.json");
    let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{json}\n{errors:#?}");
    assert_eq!(json["verdicts"], 8);
    assert_eq!(json["unmatched"], serde_json::json!([8]));
    // Named with its id, as `jtbd extract` names it.
    assert!(
        stderr.contains(":8: no signal found has the id s00000000000000ff ("),
        "{stderr}"
    );
    // Four signals judged by dana, three shared with kim: too few to trust, and said so.
    let human = jtbd()
        .args(["review", "stats", "corpora/", "--quiet", "--corrections"])
        .arg(&file)
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains("0 signals the rules missed (additions)"),
        "{human}"
    );
    assert_eq!(
        human.matches("(n < 10: too few to trust)").count(),
        3,
        "rules vs dana, rules vs kim, dana vs kim: {human}"
    );
    // Each signal's last verdict: s1 accepted, s2, s3 rejected, s4 recoded.
    let precision = json["precision"].as_array().unwrap();
    let sum = |k: &str| {
        precision
            .iter()
            .map(|p| p[k].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!((sum("reviewed"), sum("accepted")), (4, 1));
    let pair = |list: &str, a: &str, b: &str| -> Value {
        json[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["a"] == a && k["b"] == b)
            .cloned()
            .unwrap_or_else(|| panic!("no {a} vs {b} in {json}"))
    };
    // Dana agrees with the rules on s1 and s2 of four; with Kim on s1 and s3 of three.
    let rules_dana = pair("rules_vs", "rules", "dana");
    assert_eq!(rules_dana["items"], 4);
    assert!((rules_dana["observed"].as_f64().unwrap() - 0.5).abs() < 1e-9);
    let dana_kim = pair("between", "dana", "kim");
    assert_eq!(dana_kim["items"], 3);
    assert!((dana_kim["observed"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
}

#[test]
fn a_bad_line_is_named_and_the_run_is_an_error() {
    let found = signals();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("corrections.jsonl");
    std::fs::write(
        &file,
        format!(
            "{{\"signal\": \"{}\", \"verdict\": \"accept\"}}\n{{\"signal\": \"x\", \"verdict\": \"approve\"}}\n{{\"verdict\": \"add\", \"path\": \"../../etc/passwd\", \"byte_start\": 0, \"byte_end\": 4, \"force\": \"anxiety\"}}\n",
            found[0].0
        ),
    )
    .unwrap();
    let (code, json, stderr) = stats(&file);
    assert_eq!(code, 2);
    assert_eq!(json["verdicts"], 1);
    let shown = file.display().to_string();
    assert!(
        stderr.contains(&format!("{shown}:2: unknown verdict \"approve\"")),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{shown}:3: \"path\"")), "{stderr}");
    assert!(stderr.contains("not inside the folder"), "{stderr}");
    // No file: a clear error, exit 2.
    let (code, _, stderr) = stats(&dir.path().join("missing.jsonl"));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("missing.jsonl: cannot read the verdicts"),
        "{stderr}"
    );
}

/// The problems of a file as a command prints them on stderr: `error: ...` and `warning: ...`
/// lines, in the order printed.
fn problem_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
        .collect()
}

/// An addition `extract` refuses (an interviewer's words) is the same error for `review stats`
/// (exit 2) and no judgement in its figures; one that applies is a signal the rules missed.
/// Every problem is named as `extract` names it, in line order.
#[test]
fn review_stats_counts_only_the_additions_extract_takes() {
    let corpora = std::path::Path::new("corpora");
    let (_, msgs, _) = extract_in(corpora);
    let signals = of_type(&msgs, "signal");
    let file = "ciso-northwind-bank.md";
    let (qs, qe) = crate::serve::interviewer_sentence(corpora, file);
    let (start, end) = unsignalled_sentence(corpora, file, &signals);
    let add = |start: u64, end: u64, path: &str| {
        format!(
            r#"{{"verdict": "add", "path": "{path}", "byte_start": {start}, "byte_end": {end}, "force": "anxiety", "by": "dana"}}"#
        )
    };
    let lines = [
        format!(
            r#"{{"signal": "{}", "verdict": "accept", "by": "dana"}}"#,
            signals[0]["id"].as_str().unwrap()
        ),
        add(qs, qe, file),
        add(start, end, file),
        r#"{"signal": "s00000000000000fe", "verdict": "reject", "by": "dana"}"#.to_owned(),
        add(1, 9, "nowhere.txt"),
        add(start, end, &format!("./{file}")).replace("dana", "kim"),
        "{broken".to_owned(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let corrections = dir.path().join("corrections.jsonl");
    std::fs::write(&corrections, lines.join("\n")).unwrap();
    let (code, json, stderr) = stats(&corrections);
    assert_eq!(code, 2, "the refused addition is an error: {stderr}");
    let v = schema_validator("review-stats.schema.json");
    let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{json}\n{errors:#?}");
    // Dana's acceptance and her addition that applies; not the interviewer's words.
    let dana = json["rules_vs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["b"] == "dana")
        .cloned()
        .unwrap();
    assert_eq!(dana["items"], 2, "{json}");
    assert_eq!(json["additions"], 1, "two reviewers, one place: {json}");
    let lines: Vec<&Value> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["line"])
        .collect();
    assert_eq!(lines, [2, 7], "{json}");
    // The same lines, the same words, the same order as `extract` over the same folder.
    let shown = corrections.display().to_string();
    let problems = problem_lines(&stderr);
    assert_eq!(
        problems
            .iter()
            .map(|l| l.split(':').next().unwrap())
            .collect::<Vec<_>>(),
        ["error", "warning", "warning", "error"],
        "in line order: {stderr}"
    );
    assert_eq!(
        problems[3],
        format!("error: {shown}:7: not a verdict: key must be a string (column 2 of the line)")
    );
    assert!(
        problems[0].starts_with(&format!(
            "error: {shown}:2: {file}: bytes {qs}..{qe} are an interviewer's words"
        )),
        "{stderr}"
    );
    assert!(
        problems[1].starts_with(&format!(
            "warning: {shown}:4: no signal found has the id s00000000000000fe ("
        )),
        "{stderr}"
    );
    assert!(
        problems[2].starts_with(&format!(
            "warning: {shown}:5: no file read has the path nowhere.txt"
        )),
        "{stderr}"
    );
    let extract = jtbd()
        .args([
            "extract",
            "corpora/",
            "--format",
            "jsonl",
            "--quiet",
            "--corrections",
        ])
        .arg(&corrections)
        .output()
        .unwrap();
    assert_eq!(extract.status.code(), Some(2));
    assert_eq!(
        problem_lines(&String::from_utf8_lossy(&extract.stderr)),
        problems
    );
    // The human view says how many signals the rules missed.
    let human = jtbd()
        .args(["review", "stats", "corpora/", "--quiet", "--corrections"])
        .arg(&corrections)
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains("1 signal the rules missed (additions)"),
        "{human}"
    );
    assert!(human.contains("2 lines in error"), "{human}");
}

/// `jtbd analyze` with a corrections file shows the figures of `jtbd review stats` in
/// `report.md` and `report.html`; without one, no such section.
#[test]
fn the_report_shows_the_agreement_of_review_stats() {
    let dir = corpus_copy();
    let (_, msgs, _) = extract_in(dir.path());
    let signals = of_type(&msgs, "signal");
    let line = |s: &Value, verdict: &str, by: &str| {
        format!(
            r#"{{"signal": "{}", "verdict": "{verdict}", "by": "{by}"}}"#,
            s["id"].as_str().unwrap()
        )
    };
    let lines = [
        line(signals[0], "accept", "dana"),
        line(signals[1], "reject", "dana"),
        line(signals[2], "accept", "dana"),
        line(signals[0], "accept", "kim"),
        line(signals[1], "accept", "kim"),
    ];
    let file = dir.path().join("corrections.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let o = jtbd()
        .args(["review", "stats", "--format", "json", "--quiet"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let stats: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(stats["unmatched"], serde_json::json!([]), "{stats}");
    let out = tempfile::tempdir().unwrap();
    let analyze = |out: &std::path::Path| {
        let o = jtbd()
            .arg("analyze")
            .arg(dir.path())
            .arg("--out")
            .arg(out)
            .arg("--quiet")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (
            std::fs::read_to_string(out.join("report.md")).unwrap(),
            std::fs::read_to_string(out.join("report.html")).unwrap(),
        )
    };
    let (md, html) = analyze(out.path());
    assert!(md.contains("## Rules and reviewers"), "{md}");
    assert!(md.contains("5 verdicts in corrections.jsonl"), "{md}");
    // Every figure of `review stats` stands in the report as it prints it.
    for p in stats["precision"].as_array().unwrap() {
        let shown = p["precision"]
            .as_f64()
            .map_or("not reviewed".to_owned(), |x| format!("{x:.2}"));
        let row = format!(
            "| {} | {} | {} | {shown} |",
            p["force"].as_str().unwrap(),
            p["reviewed"],
            p["accepted"]
        );
        assert!(md.contains(&row), "{row} not in {md}");
    }
    for list in ["rules_vs", "between"] {
        for k in stats[list].as_array().unwrap() {
            let who = format!(
                "{} vs {}",
                k["a"].as_str().unwrap(),
                k["b"].as_str().unwrap()
            );
            let kappa = k["kappa"]
                .as_f64()
                .map_or("undefined (one label only)".to_owned(), |x| {
                    format!("{x:.2}")
                });
            let row = format!(
                "| {who} | {} | {:.2} | {kappa} |",
                k["items"],
                k["observed"].as_f64().unwrap()
            );
            assert!(md.contains(&row), "{row} not in {md}");
            assert!(
                html.contains(&format!("<td>{who}</td>")),
                "{who} not in the page"
            );
        }
    }
    assert!(html.contains("<section id=\"agreement\">"));
    assert!(md.contains("| dana vs kim | 2 |"), "{md}");
    // Without the file, the report has no such section.
    std::fs::remove_file(&file).unwrap();
    let again = tempfile::tempdir().unwrap();
    let (md, html) = analyze(again.path());
    assert!(!md.contains("Rules and reviewers"));
    assert!(!html.contains("id=\"agreement\""));
}

/// A copy of `corpora/` to write a corrections file into.
pub fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir("corpora").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    dir
}

fn extract_in(dir: &std::path::Path) -> (i32, Vec<Value>, String) {
    let out = jtbd()
        .arg("extract")
        .arg(dir)
        .args(["--format", "jsonl", "--quiet"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        messages(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The interviewee sentence of `file` (relative) that no signal quotes, as (start, end).
pub fn unsignalled_sentence(dir: &std::path::Path, file: &str, signals: &[&Value]) -> (u64, u64) {
    let path = dir.join(file);
    let (_, msgs, _) = ingest_jsonl(&[path.to_str().unwrap(), "--quiet"]);
    let quoted: Vec<u64> = signals
        .iter()
        .filter(|s| s["path"].as_str().unwrap().ends_with(file))
        .map(|s| s["byte_start"].as_u64().unwrap())
        .collect();
    for t in of_type(&msgs, "turn") {
        if t["role"] != "interviewee" {
            continue;
        }
        for s in t["sentences"].as_array().unwrap() {
            let start = s["byte_start"].as_u64().unwrap();
            let words = s["text"].as_str().unwrap().split_whitespace().count();
            if !quoted.contains(&start) && words > 3 {
                return (start, s["byte_end"].as_u64().unwrap());
            }
        }
    }
    panic!("every interviewee sentence of {file} is a signal");
}

#[test]
fn a_reject_a_recode_and_an_add_are_respected_and_the_file_is_the_only_state() {
    let dir = corpus_copy();
    let (code, before, _) = extract_in(dir.path());
    assert_eq!(code, 0);
    let signals = of_type(&before, "signal");
    let (gone, changed) = (signals[0], signals[1]);
    let new_force = if changed["force"] == "frustration" {
        "anxiety"
    } else {
        "frustration"
    };
    let file = "ciso-northwind-bank.md";
    let (start, end) = unsignalled_sentence(dir.path(), file, &signals);
    let question = of_type(&before, "signal")
        .iter()
        .find_map(|s| s["question"].as_object().cloned())
        .expect("a signal with its question");
    let question_file = of_type(&before, "signal")
        .iter()
        .find(|s| s["question"].is_object())
        .map(|s| {
            std::path::Path::new(s["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .unwrap();
    let lines = [
        format!(
            r#"{{"signal": "{}", "verdict": "reject", "by": "dana"}}"#,
            gone["id"].as_str().unwrap()
        ),
        format!(
            r#"{{"signal": "{}", "verdict": "recode", "force": "{new_force}"}}"#,
            changed["id"].as_str().unwrap()
        ),
        format!(
            r#"{{"verdict": "add", "path": "{file}", "byte_start": {start}, "byte_end": {end}, "force": "desired_progress"}}"#
        ),
    ];
    std::fs::write(dir.path().join("corrections.jsonl"), lines.join("\n")).unwrap();
    let (code, after, stderr) = extract_in(dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("corrections.jsonl"),
        "not read as a transcript: {stderr}"
    );
    let after_signals = of_type(&after, "signal");
    assert_eq!(after_signals.len(), signals.len(), "one gone, one added");
    assert!(after_signals.iter().all(|s| s["id"] != gone["id"]));
    let recoded = after_signals
        .iter()
        .find(|s| {
            s["byte_start"] == changed["byte_start"]
                && s["path"] == changed["path"]
                && s["force"] == new_force
        })
        .expect("the recoded signal");
    assert!(
        recoded["rules"]
            .as_array()
            .unwrap()
            .contains(&Value::from("review/recode"))
    );
    let added = after_signals
        .iter()
        .find(|s| s["byte_start"] == start && s["path"].as_str().unwrap().ends_with(file))
        .expect("the added signal");
    assert_eq!(added["force"], "desired_progress");
    assert_eq!(added["byte_end"], end);
    // An addition inside an interviewer's turn is named and changes nothing else: exit 2.
    let hostile = format!(
        "{}\n{{\"verdict\": \"add\", \"path\": \"{question_file}\", \"byte_start\": {}, \"byte_end\": {}, \"force\": \"anxiety\"}}\n{{\"signal\": \"s0123456789abcdef\", \"verdict\": \"reject\"}}\nnot json\n",
        lines.join("\n"),
        question["byte_start"],
        question["byte_end"]
    );
    std::fs::write(dir.path().join("corrections.jsonl"), hostile).unwrap();
    let (code, hostile_out, stderr) = extract_in(dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("corrections.jsonl:4: "), "{stderr}");
    assert!(stderr.contains("an interviewer's words"), "{stderr}");
    assert!(
        stderr.contains("corrections.jsonl:5: no signal found has the id s0123456789abcdef"),
        "{stderr}"
    );
    assert!(
        stderr.contains("corrections.jsonl:6: not a verdict"),
        "{stderr}"
    );
    assert_eq!(of_type(&hostile_out, "signal"), after_signals);
    // Without the file, the signals are as before.
    std::fs::remove_file(dir.path().join("corrections.jsonl")).unwrap();
    let (_, restored, _) = extract_in(dir.path());
    assert_eq!(of_type(&restored, "signal"), signals);
}

/// The index takes the verdicts too: a rejected signal's force leaves its turn's facet, and a
/// changed corrections file makes the next run read every file again.
#[test]
fn the_index_leaves_a_rejected_force_out() {
    let dir = corpus_copy();
    let (_, msgs, _) = extract_in(dir.path());
    let signals = of_type(&msgs, "signal");
    // A signal whose force no other signal of its file has: its turn surely loses the force.
    let lone = signals
        .iter()
        .find(|s| {
            signals
                .iter()
                .filter(|o| o["path"] == s["path"] && o["force"] == s["force"])
                .count()
                == 1
        })
        .expect("a force said once in a file");
    let force = lone["force"].as_str().unwrap();
    let index = dir.path().join(".idx");
    let count = || -> u64 {
        crate::support::index_folder(dir.path(), &index);
        let out = jtbd()
            .args(["search", "", "--count", "--force", force, "--index"])
            .arg(&index)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    };
    let before = count();
    std::fs::write(
        dir.path().join("corrections.jsonl"),
        format!(
            r#"{{"signal": "{}", "verdict": "reject"}}"#,
            lone["id"].as_str().unwrap()
        ),
    )
    .unwrap();
    assert_eq!(count(), before - 1);
    std::fs::remove_file(dir.path().join("corrections.jsonl")).unwrap();
    assert_eq!(count(), before);
}

/// `jtbd analyze` takes the verdicts: a rejected signal is in none of its outputs, a recoded one
/// carries its new force in `signals.jsonl` and `signals.csv`.
#[test]
fn analyze_respects_a_reject_and_a_recode() {
    let dir = corpus_copy();
    let (_, msgs, _) = extract_in(dir.path());
    let signals = of_type(&msgs, "signal");
    let (gone, changed) = (signals[0], signals[1]);
    let new_force = if changed["force"] == "habit" {
        "anxiety"
    } else {
        "habit"
    };
    std::fs::write(
        dir.path().join("corrections.jsonl"),
        format!(
            "{{\"signal\": \"{}\", \"verdict\": \"reject\"}}\n{{\"signal\": \"{}\", \"verdict\": \"recode\", \"force\": \"{new_force}\"}}\n",
            gone["id"].as_str().unwrap(),
            changed["id"].as_str().unwrap()
        ),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let status = jtbd()
        .arg("analyze")
        .arg(dir.path())
        .arg("--out")
        .arg(out.path())
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let written = messages(&std::fs::read(out.path().join("signals.jsonl")).unwrap());
    let written = of_type(&written, "signal");
    assert_eq!(written.len(), signals.len() - 1);
    assert!(written.iter().all(|s| s["id"] != gone["id"]));
    let recoded = written
        .iter()
        .find(|s| s["path"] == changed["path"] && s["byte_start"] == changed["byte_start"])
        .expect("the recoded signal");
    assert_eq!(recoded["force"], new_force);
    let csv = std::fs::read_to_string(out.path().join("signals.csv")).unwrap();
    let text = gone["text"].as_str().unwrap();
    let still = signals
        .iter()
        .filter(|s| s["text"] == gone["text"] && s["id"] != gone["id"])
        .count();
    assert_eq!(
        csv.matches(text).count(),
        still,
        "the rejected quote is not in signals.csv"
    );
}

/// The ids `jtbd extract corpora/ --format jsonl` gives the interviewee signals, in order.
fn corpus_signal_ids() -> Vec<String> {
    let (_, msgs, _) = extract_in(std::path::Path::new("corpora"));
    of_type(&msgs, "signal")
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The CSV names each signal by the same id as the JSON Lines.
#[test]
fn the_csv_carries_the_same_signal_ids() {
    let ids = corpus_signal_ids();
    let out = jtbd()
        .args(["extract", "corpora/", "--format", "csv", "--quiet"])
        .output()
        .unwrap();
    let mut csv = csv::Reader::from_reader(out.stdout.as_slice());
    let column = csv
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "signal_id")
        .expect("a signal_id column");
    let from_csv: Vec<String> = csv
        .records()
        .map(|r| r.unwrap()[column].to_owned())
        .collect();
    assert_eq!(from_csv, ids);
}

/// A story's or theme's quote of a signal names it by the id `extract` gives it.
#[test]
fn story_quotes_name_their_signal() {
    let ids: std::collections::BTreeSet<String> = corpus_signal_ids().into_iter().collect();
    let out = jtbd()
        .args(["stories", "corpora/", "--format", "jsonl", "--quiet"])
        .output()
        .unwrap();
    let stories = messages(&out.stdout);
    let mut named = 0;
    for theme in of_type(&stories, "theme") {
        for q in theme["quotes"].as_array().unwrap() {
            let id = q["signal"].as_str().expect("a theme quote is a signal's");
            assert!(ids.contains(id), "{id} is not an extracted signal");
            named += 1;
        }
    }
    assert!(named > 10, "{named} quotes");
}

/// `jtbd ingest` finds no signals: a corrections file in the folder is neither read as a
/// transcript nor reported.
#[test]
fn ingest_leaves_the_corrections_alone() {
    let dir = corpus_copy();
    std::fs::write(
        dir.path().join("corrections.jsonl"),
        r#"{"signal": "s0123456789abcdef", "verdict": "reject"}"#,
    )
    .unwrap();
    let (code, _, stderr) = ingest_jsonl(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("corrections.jsonl"), "{stderr}");
}

/// Every story carries an id, unique, the same on a second run and in analyze's `stories.csv`.
#[test]
fn stories_carry_stable_ids() {
    let ids = || -> Vec<String> {
        let out = jtbd()
            .args(["stories", "corpora/", "--format", "jsonl", "--quiet"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        of_type(&messages(&out.stdout), "story")
            .iter()
            .map(|s| s["id"].as_str().expect("a story id").to_owned())
            .collect()
    };
    let first = ids();
    assert!(first.len() >= 2, "{first:?}");
    assert_eq!(first, ids());
    let unique: std::collections::BTreeSet<&String> = first.iter().collect();
    assert_eq!(unique.len(), first.len(), "{first:?}");
    let out = tempfile::tempdir().unwrap();
    let run = jtbd()
        .args(["analyze", "corpora/", "--quiet", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let mut csv = csv::Reader::from_path(out.path().join("stories.csv")).unwrap();
    let column = csv
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "story_id")
        .expect("a story_id column");
    let from_csv: std::collections::BTreeSet<String> = csv
        .records()
        .map(|r| r.unwrap()[column].to_owned())
        .collect();
    assert_eq!(from_csv, unique.into_iter().cloned().collect());
}

/// Bad lines of the corrections file fail the run (exit 2) but are no files: every summary
/// counts the files that failed and were skipped, none of them here.
#[test]
fn bad_verdict_lines_are_not_counted_as_files() {
    let dir = corpus_copy();
    std::fs::write(
        dir.path().join("corrections.jsonl"),
        "{broken\n{\"signal\": \"s0123456789abcdef\", \"verdict\": \"maybe\"}\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = jtbd()
        .arg("analyze")
        .arg(dir.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("corrections.jsonl:1:"), "{stderr}");
    assert!(
        stderr.contains("0 files with errors, 0 skipped"),
        "{stderr}"
    );
    for file in ["signals.jsonl", "interviews.jsonl"] {
        let text = std::fs::read(out.path().join(file)).unwrap();
        let summary = of_type(&messages(&text), "summary")[0].clone();
        assert_eq!(summary["errors"], 0, "{file}: {summary}");
        assert_eq!(summary["skipped"], 0, "{file}: {summary}");
    }
    let stories = jtbd()
        .arg("stories")
        .arg(dir.path())
        .args(["--format", "jsonl", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(stories.status.code(), Some(2));
    let summary = of_type(&messages(&stories.stdout), "summary")[0].clone();
    assert_eq!(summary["errors"], 0, "{summary}");
}

/// A signal's id does not depend on how its folder is typed or where the command runs: a
/// verdict written from one keeps naming its signal from the others.
#[test]
fn signal_ids_are_the_same_however_the_folder_is_typed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpora");
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir("corpora").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let ids = |cwd: &std::path::Path, folder: &std::path::Path| -> Vec<String> {
        let out = jtbd()
            .current_dir(cwd)
            .arg("extract")
            .arg(folder)
            .args(["--format", "jsonl", "--quiet"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        of_type(&messages(&out.stdout), "signal")
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let absolute = ids(tmp.path(), &dir);
    assert!(absolute.len() > 20);
    assert_eq!(ids(tmp.path(), std::path::Path::new("corpora")), absolute);
    assert_eq!(
        ids(tmp.path(), std::path::Path::new("./corpora/")),
        absolute
    );
    assert_eq!(ids(&dir, std::path::Path::new(".")), absolute);
    // A rejection written with the absolute path's ids applies from inside the folder.
    std::fs::write(
        dir.join("corrections.jsonl"),
        format!(
            "{{\"signal\": \"{}\", \"verdict\": \"reject\"}}\n",
            absolute[0]
        ),
    )
    .unwrap();
    let after = ids(&dir, std::path::Path::new("."));
    assert_eq!(after.len(), absolute.len() - 1);
    assert!(!after.contains(&absolute[0]));
}

/// The human view of `jtbd extract` ends each signal's line with the id a verdict names, the
/// same as the JSON Lines give it.
#[test]
fn the_human_view_shows_each_signal_id() {
    let ids = corpus_signal_ids();
    let out = jtbd()
        .args(["extract", "corpora/", "--quiet", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let shown: Vec<&str> = text.lines().filter_map(|l| l.rsplit("  ").next()).collect();
    assert_eq!(shown, ids);
}
