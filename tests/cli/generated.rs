//! The generated corpus (`benches/common/corpus.rs`, the benchmarks' generator): every file of
//! every format and variant (JSON shapes, labels without blank lines, breaks) is read, with every
//! turn counted, and the commands that read a folder exit 0 on it.

#[path = "../../benches/common/corpus.rs"]
#[allow(dead_code)]
mod corpus;

use crate::support::{ingest_jsonl, jtbd, of_type};

/// Files enough for every format and variant twice (5 formats, up to 4 variants each).
const FILES: usize = 40;

#[test]
fn the_generated_corpus_reads_whole_for_any_seed() {
    for seed in [42, 7] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("gen");
        corpus::generate_until(&root, seed, |n, _| n >= FILES).unwrap();
        let (code, msgs, stderr) = ingest_jsonl(&[root.to_str().unwrap()]);
        assert_eq!(code, 0, "seed {seed}: {stderr}");
        assert!(of_type(&msgs, "error").is_empty(), "seed {seed}: {stderr}");
        let interviews = of_type(&msgs, "interview");
        assert_eq!(interviews.len(), FILES, "seed {seed}: {stderr}");
        let summary = &of_type(&msgs, "summary")[0];
        assert_eq!(summary["errors"], 0, "seed {seed}: {summary}");
        assert_eq!(summary["skipped"], 0, "seed {seed}: {summary}");
        for i in interviews {
            // 90 turns, host and guest alternating, each named and with a role.
            let path = i["path"].as_str().unwrap();
            assert_eq!(i["turn_count"], 90, "seed {seed}: {path}");
            let speakers = i["speakers"].as_array().unwrap();
            assert_eq!(speakers.len(), 2, "seed {seed}: {path}: {speakers:?}");
            let roles: Vec<&str> = speakers
                .iter()
                .map(|s| s["role"].as_str().unwrap())
                .collect();
            assert_eq!(roles, ["interviewer", "interviewee"], "seed {seed}: {path}");
        }
        // Every JSON shape is in the corpus.
        let formats: std::collections::BTreeSet<String> = std::fs::read_dir(root.join("0000"))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .filter(|t| t.starts_with('{'))
            .map(|t| t[..t.find('[').unwrap()].to_owned())
            .collect();
        assert_eq!(formats.len(), 4, "{formats:?}");
        if seed != 42 {
            continue;
        }
        for args in [
            vec!["extract", "--quiet", "--format", "jsonl"],
            vec!["index", "--quiet", "--index"],
            vec!["analyze", "--quiet", "--out"],
        ] {
            let mut cmd = jtbd();
            cmd.args(&args);
            if args[0] != "extract" {
                cmd.arg(dir.path().join(format!("out-{}", args[0])));
            }
            let out = cmd.arg(&root).output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
