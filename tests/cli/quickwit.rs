//! The search export in a real Quickwit (0.9.0, `../shared/tools/quickwit/`): loaded with
//! `jtbd export quickwit --ingest`, every query answered by `jtbd search --quickwit` with the
//! same turns, the same scores and so the same top hit as the local index.

use crate::support::{jtbd, messages, missing, root};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A Quickwit node started by `start.sh`, killed by its pid when dropped (also on a panic).
struct Node {
    url: String,
    pid: String,
}

impl Node {
    fn start(dir: &Path) -> Node {
        let script = script().expect("checked by the caller");
        let o = std::process::Command::new("bash")
            .arg(&script)
            .arg(dir)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{} failed: {out}{}",
            script.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        let mut parts = out.split_whitespace();
        let (Some(url), Some(pid)) = (parts.next(), parts.next()) else {
            panic!("start.sh printed {out:?}, not \"URL PID\"");
        };
        assert!(pid.chars().all(|c| c.is_ascii_digit()), "pid {pid:?}");
        Node {
            url: url.to_owned(),
            pid: pid.to_owned(),
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &self.pid])
            .status();
    }
}

fn script() -> Option<PathBuf> {
    let s = root().join("../shared/tools/quickwit/start.sh");
    s.is_file().then_some(s)
}

/// `jtbd ARGS --format jsonl`: hits as (path, turn) -> score, best first.
fn hits(args: &[&str]) -> Vec<(String, u64, f64)> {
    let o = jtbd()
        .args(args)
        .args(["--format", "jsonl", "-n", "500"])
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    messages(&o.stdout)
        .iter()
        .filter(|m| m["type"] == "hit")
        .map(|m| {
            let d: &Value = &m["data"];
            (
                d["path"].as_str().unwrap().to_owned(),
                d["turn"].as_u64().unwrap(),
                d["score"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn quickwit_answers_as_the_local_index() {
    if script().is_none() {
        missing("the search export in Quickwit (../shared/tools/quickwit/start.sh)");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let node = Node::start(&d.path().join("qw"));
    let index = d.path().join("index");
    let o = jtbd()
        .args(["index", "corpora/", "--quiet", "--index"])
        .arg(&index)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let index = index.to_str().unwrap();

    // Loaded in many chunks (the corpus is one 10 MiB chunk otherwise), then loaded again: the
    // count Quickwit reports is checked each time, and the second load replaces the first.
    let load = |chunk: &str| {
        let o = jtbd()
            .args(["export", "quickwit", "corpora/", "--ingest", &node.url])
            .args(["--index-id", "jtbd-test", "--chunk-bytes", chunk])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        err
    };
    let first = load("20000");
    assert!(first.contains("loaded 141 documents"), "{first}");
    let again = load("10485760");
    assert!(
        again.contains("replacing Quickwit index jtbd-test (141 documents)"),
        "{again}"
    );
    assert!(again.contains("loaded 141 documents"), "{again}");

    let queries: &[&[&str]] = &[
        &["worried"],
        &["vendor"],
        &["\"lock in\""],
        &["\"lock-in\""],
        &["budget OR cost"],
        &["migration OR cloud"],
        &["security -vendor"],
        &["don't"],
        &["migrat*"],
        &["\"worried about\"~2"],
        &["speaker:\"Dana Okafor\""],
        &["role:interviewee AND worried"],
        &["forces:/anxiety"],
        &["meta.company:\"northwind bank\" AND team"],
        &["line:[10 TO 40] AND security"],
        &["timestamp_ms:[60000 TO *]"],
        &["worried", "--role", "interviewee"],
        &["", "--role", "CISO", "--force", "frustration"],
        &[
            "cost",
            "--where",
            "industry=Banking",
            "--where",
            "industry=retail",
        ],
        &["", "--speaker", "dana okafor"],
        &["(budget OR cost) -price"],
        &["\"lock i\"*"],
        &["role: IN [interviewee unknown] AND cost"],
    ];
    for q in queries {
        let local = hits(&[&["search", "--index", index], *q].concat());
        let remote = hits(
            &[
                &["search", "--quickwit", &node.url, "--index-id", "jtbd-test"],
                *q,
            ]
            .concat(),
        );
        assert!(!local.is_empty(), "{q:?} finds nothing: not a useful check");
        let turns = |h: &[(String, u64, f64)]| -> BTreeMap<(String, u64), f64> {
            h.iter().map(|(p, t, s)| ((p.clone(), *t), *s)).collect()
        };
        let (l, r) = (turns(&local), turns(&remote));
        assert_eq!(
            l.keys().collect::<Vec<_>>(),
            r.keys().collect::<Vec<_>>(),
            "{q:?}: other turns"
        );
        // The same ranking, best first (ties in path and turn order on both sides)...
        let order = |h: &[(String, u64, f64)]| -> Vec<(String, u64)> {
            h.iter().map(|(p, t, _)| (p.clone(), *t)).collect()
        };
        assert_eq!(order(&local), order(&remote), "{q:?}: other order");
        assert_eq!(local[0].0, remote[0].0, "{q:?}: top hit");
        // ...from the same BM25 scores, but for forces: Quickwit weighs its term on the `forces`
        // field otherwise than the local facet (the same for every turn that has the force).
        if !q.iter().any(|a| a.contains("forces") || *a == "--force") {
            for (k, s) in &l {
                assert!(
                    (s - r[k]).abs() < 1e-3 * s.max(1.0),
                    "{q:?}: {k:?} scores {s} locally, {} on Quickwit",
                    r[k]
                );
            }
        }
    }

    // The count, and what Quickwit cannot do here, said plainly.
    let count = |args: &[&str]| {
        let o = jtbd().args(args).output().unwrap();
        String::from_utf8_lossy(&o.stdout).trim().to_owned()
    };
    for q in ["", "tool AND NOT vendor"] {
        assert_eq!(
            count(&["search", q, "--count", "--index", index]),
            count(&["search", q, "--count", "--quickwit", &node.url]),
            "{q:?}"
        );
    }
    let o = jtbd()
        .args(["search", "migrtion", "--fuzzy", "--quickwit", &node.url])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--fuzzy needs the local index"));
    let o = jtbd()
        .args([
            "search",
            "x",
            "--quickwit",
            &node.url,
            "--index-id",
            "nosuch",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("jtbd-test"),
        "lists the indexes"
    );
    drop(node);
}
