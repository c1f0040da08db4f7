//! `jtbd review stats`: the agreement figures of a corrections file over a real folder.

use crate::support::{jtbd, messages, of_type, schema_validator};
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
    let lines = [
        format!(
            r#"{{"signal": "{}", "verdict": "accept", "by": "dana"}}"#,
            s1.0
        ),
        format!(
            r#"{{"signal": "{}", "verdict": "accept", "by": "dana"}}"#,
            s2.0
        ),
        format!(
            r#"{{"signal": "{}", "verdict": "reject", "by": "dana"}}"#,
            s3.0
        ),
        format!(
            r#"{{"signal": "{}", "verdict": "recode", "force": "{}", "by": "dana"}}"#,
            s4.0,
            other(&s4.1)
        ),
        format!(
            r#"{{"signal": "{}", "verdict": "accept", "by": "kim"}}"#,
            s1.0
        ),
        format!(
            r#"{{"signal": "{}", "verdict": "reject", "by": "kim"}}"#,
            s2.0
        ),
        format!(
            r#"{{"signal": "{}", "verdict": "reject", "by": "kim"}}"#,
            s3.0
        ),
        r#"{"signal": "s00000000000000ff", "verdict": "accept", "by": "kim"}"#.to_owned(),
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
    assert!(
        stderr.contains(":8: no signal found has this id"),
        "{stderr}"
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
