//! `jtbd rules tune`: rule weights learned from a team's verdicts, proposed with the agreement
//! before and after; the rule files are left as they are.

use crate::support::{jtbd, messages, of_type, schema_validator};
use serde_json::Value;

/// A copy of `corpora/` and its interviewee signals (`jtbd extract` JSON Lines data).
fn corpus() -> (tempfile::TempDir, Vec<Value>) {
    let dir = crate::review::corpus_copy();
    let out = jtbd()
        .arg("extract")
        .arg(dir.path())
        .args(["--format", "jsonl", "--quiet"])
        .output()
        .unwrap();
    let signals = of_type(&messages(&out.stdout), "signal")
        .into_iter()
        .cloned()
        .collect();
    (dir, signals)
}

/// Every file of a folder with its bytes, by name.
fn folder_bytes(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), std::fs::read(&p).unwrap())
        })
        .collect()
}

fn tune(dir: &std::path::Path, extra: &[&str]) -> (i32, Value, String) {
    let out = jtbd()
        .args(["rules", "tune"])
        .arg(dir)
        .args(["--format", "json", "--quiet"])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The team rejects every signal one rule found and accepts the rest: that rule's weight is
/// proposed lower, the rules then agree with the team more often, and nothing on disk changes.
#[test]
fn rejections_of_one_rule_propose_it_a_lower_weight() {
    let (dir, signals) = corpus();
    // The rule behind the most signals.
    let mut count: std::collections::BTreeMap<&str, usize> = Default::default();
    for s in &signals {
        for r in s["rules"].as_array().unwrap() {
            *count.entry(r.as_str().unwrap()).or_default() += 1;
        }
    }
    let (rule, n) = count
        .iter()
        .max_by_key(|(r, n)| (**n, std::cmp::Reverse(**r)))
        .unwrap();
    assert!(*n >= 3, "{count:?}");
    let lines: String = signals
        .iter()
        .map(|s| {
            let fired = s["rules"].as_array().unwrap().iter().any(|r| r == rule);
            let verdict = if fired { "reject" } else { "accept" };
            format!("{{\"signal\": {}, \"verdict\": \"{verdict}\"}}\n", s["id"])
        })
        .collect();
    std::fs::write(dir.path().join("corrections.jsonl"), &lines).unwrap();
    let files = folder_bytes(dir.path());
    let (code, json, stderr) = tune(dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let errors: Vec<String> = schema_validator("rules-tune.schema.json")
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{json}");
    let change = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == *rule)
        .unwrap_or_else(|| panic!("{rule} not proposed: {json}"));
    assert!(change["to"].as_f64() < change["from"].as_f64(), "{change}");
    let (before, after) = (&json["before"]["observed"], &json["after"]["observed"]);
    assert!(after.as_f64() > before.as_f64(), "{before} -> {after}");
    assert!(json["held_out"].is_object(), "{json}");
    // A proposal only: no file of the folder changed or appeared.
    assert_eq!(folder_bytes(dir.path()), files);
}

/// Without verdicts there is nothing to learn from: no file is an error (exit 2), verdicts
/// that name no signal found leave nothing judged (exit 1).
#[test]
fn tuning_needs_verdicts_on_sentences_found() {
    let (dir, _) = corpus();
    let (code, _, stderr) = tune(dir.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("corrections.jsonl"), "{stderr}");
    std::fs::write(
        dir.path().join("corrections.jsonl"),
        "{\"signal\": \"s0123456789abcdef\", \"verdict\": \"reject\"}\n",
    )
    .unwrap();
    let (code, json, stderr) = tune(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["sentences"], 0, "{json}");
    assert_eq!(json["changes"].as_array().map(Vec::len), Some(0), "{json}");
    let (code, _, stderr) = tune(dir.path(), &["--l2=-1"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--l2"), "{stderr}");
}
