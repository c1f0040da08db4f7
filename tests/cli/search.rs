//! `jtbd index` and `jtbd search` from the command line: results, exit codes, the wire format,
//! incremental updates, the lock, schema versions, and runs killed at random moments.

use crate::support::{assert_valid, jtbd, messages, of_type, root, schema_validator as validator};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Copies `corpora/` into `dir` (so tests may change files).
fn copy_corpus(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(root().join("corpora")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
}

fn index(cwd: &Path, args: &[&str]) -> (i32, Value) {
    crate::support::index_in(cwd, args)
}

/// Runs `jtbd search ARGS` in `cwd`; returns (code, stdout, stderr).
fn search(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = jtbd()
        .current_dir(cwd)
        .arg("search")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Turns with at least one sentence under `path`, as `jtbd ingest` reads them.
fn turns_with_text(cwd: &Path, path: &str) -> usize {
    let out = jtbd()
        .current_dir(cwd)
        .args(["ingest", path, "--format", "jsonl", "--quiet"])
        .output()
        .unwrap();
    let msgs = messages(&out.stdout);
    of_type(&msgs, "turn")
        .iter()
        .filter(|t| t["sentences"].as_array().is_some_and(|s| !s.is_empty()))
        .count()
}

#[test]
fn search_finds_quotes_at_their_place_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    copy_corpus(&cwd.join("corpus"));
    let (code, summary) = index(cwd, &["corpus"]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["indexed"], 13);
    assert_eq!(summary["turns"].as_u64().unwrap() as usize, {
        let out = jtbd()
            .current_dir(cwd)
            .args(["ingest", "corpus", "--format", "jsonl", "--quiet"])
            .output()
            .unwrap();
        of_type(&messages(&out.stdout), "turn").len()
    });

    let (code, out, _) = search(
        cwd,
        &[
            "renewal OR price OR budget",
            "--format",
            "jsonl",
            "--limit",
            "200",
        ],
    );
    assert_eq!(code, 0);
    let msgs = messages(out.as_bytes());
    assert_valid(&validator("search.schema.json"), &msgs);
    let hits = of_type(&msgs, "hit");
    let total = of_type(&msgs, "summary")[0]["total"].as_u64().unwrap() as usize;
    assert_eq!(hits.len(), total);
    assert!(total >= 5, "{total}");
    let mut verbatim = 0;
    for (i, h) in hits.iter().enumerate() {
        assert_eq!(h["rank"], i + 1);
        let snippet = h["snippet"].as_str().unwrap();
        let source = std::fs::read(cwd.join(h["path"].as_str().unwrap())).unwrap();
        let highlights = h["highlights"].as_array().unwrap();
        assert!(!highlights.is_empty(), "{h}");
        for r in highlights {
            let (s, e) = (
                r[0].as_u64().unwrap() as usize,
                r[1].as_u64().unwrap() as usize,
            );
            let word = snippet[s..e].to_lowercase();
            assert!(
                [
                    "renewal", "renewals", "price", "prices", "pricing", "budget", "budgets",
                    "priced"
                ]
                .contains(&word.as_str()),
                "{word}"
            );
        }
        // Where the format is verbatim, each highlight is the same word at its byte range: every
        // highlight of a text, Markdown, VTT or SRT file is mapped, none left out.
        let path = h["path"].as_str().unwrap();
        let mapped = !path.ends_with(".json") && !path.ends_with(".docx");
        if mapped {
            let src = h["source_highlights"].as_array();
            assert_eq!(src.map(Vec::len), Some(highlights.len()), "{h}");
        }
        if let Some(src) = h["source_highlights"].as_array() {
            verbatim += 1;
            for (r, sr) in highlights.iter().zip(src) {
                let (s, e) = (
                    r[0].as_u64().unwrap() as usize,
                    r[1].as_u64().unwrap() as usize,
                );
                let (a, b) = (
                    sr[0].as_u64().unwrap() as usize,
                    sr[1].as_u64().unwrap() as usize,
                );
                assert_eq!(&source[a..b], &snippet.as_bytes()[s..e], "{h}");
            }
        }
    }
    let mapped_hits = hits
        .iter()
        .filter(|h| {
            let p = h["path"].as_str().unwrap();
            !p.ends_with(".json") && !p.ends_with(".docx")
        })
        .count();
    assert!(
        verbatim >= mapped_hits && mapped_hits > 0,
        "{verbatim} of {mapped_hits}"
    );

    // Scores never increase down the list.
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));

    // Filters: role, title from metadata, force, metadata key.
    let count = |args: &[&str]| -> usize {
        let mut a = vec!["--count"];
        a.extend_from_slice(args);
        let (code, out, err) = search(cwd, &a);
        assert!(code == 0 || code == 1, "{err}");
        out.trim().parse().unwrap()
    };
    let all = count(&[""]);
    assert_eq!(all, summary["turns"].as_u64().unwrap() as usize);
    let interviewees = count(&["", "--role", "interviewee"]);
    let interviewers = count(&["", "--role", "interviewer"]);
    assert!(interviewees > 0 && interviewers > 0 && interviewees + interviewers <= all);
    let cisos = count(&["", "--role", "CISO"]);
    let ciso_said = count(&["", "--role", "ciso", "--role", "interviewee"]);
    assert!(0 < ciso_said && ciso_said < cisos && cisos < all);
    let anxious = count(&["", "--force", "anxiety"]);
    assert!(anxious > 0 && anxious < interviewees);
    // Both ways of asking find Northwind Bank's 15 turns.
    assert_eq!(count(&["", "--where", "company=northwind bank"]), 15);
    assert_eq!(count(&["meta.company:\"Northwind Bank\""]), 15);
    assert_eq!(count(&["zzzunheardof"]), 0);

    // Exit codes: 1 no hits, 2 bad query or no index.
    assert_eq!(search(cwd, &["zzzunheardof"]).0, 1);
    let (code, _, err) = search(cwd, &["lock AND ("]);
    assert_eq!(code, 2);
    assert!(err.contains("position") && err.contains('^'), "{err}");
    let (code, _, err) = search(cwd, &["x", "--index", "nowhere"]);
    assert_eq!(code, 2);
    assert!(err.contains("no index at nowhere"), "{err}");

    // Same input, same bytes; CSV and JSON agree with JSON Lines on the count.
    let a = search(cwd, &["vendor", "--format", "jsonl"]).1;
    let b = search(cwd, &["vendor", "--format", "jsonl"]).1;
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("\"summary\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&a), strip(&b));
    let json: Value =
        serde_json::from_str(&search(cwd, &["vendor", "--format", "json"]).1).unwrap();
    let csv = search(cwd, &["vendor", "--format", "csv"]).1;
    let rows = csv::Reader::from_reader(csv.as_bytes()).records().count();
    assert_eq!(json["hits"].as_array().unwrap().len(), rows);
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn index_updates_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    copy_corpus(&cwd.join("corpus"));
    let before = files_under(cwd);
    assert_eq!(index(cwd, &["corpus"]).1["indexed"], 13);
    // Nothing is written outside the index folder.
    let after: Vec<PathBuf> = files_under(cwd)
        .into_iter()
        .filter(|p| !p.starts_with(".jtbd"))
        .collect();
    assert_eq!(before, after);
    let again = index(cwd, &["corpus"]).1;
    assert_eq!(
        (again["indexed"].clone(), again["unchanged"].clone()),
        (0.into(), 13.into())
    );

    // Change one file, remove another: one replaced, one removed, the rest untouched.
    let changed = cwd.join("corpus/cto-fieldpath-logistics.txt");
    let mut text = std::fs::read_to_string(&changed).unwrap();
    text.push_str("\nMarcus: The quokka migration was the real surprise.\n");
    std::fs::write(&changed, text).unwrap();
    // Orbit's turns are there before its file goes (the filter can match).
    assert_eq!(
        search(cwd, &["", "--count", "--where", "company=orbit"])
            .1
            .trim(),
        "12"
    );
    std::fs::remove_file(cwd.join("corpus/security-lead-orbit-saas.srt")).unwrap();
    let s = index(cwd, &["corpus"]).1;
    assert_eq!(
        (
            s["indexed"].as_u64(),
            s["unchanged"].as_u64(),
            s["removed"].as_u64(),
            s["files_in_index"].as_u64()
        ),
        (Some(1), Some(11), Some(1), Some(12)),
        "{s}"
    );
    let (code, out, _) = search(cwd, &["quokka", "--format", "jsonl"]);
    assert_eq!(code, 0);
    assert_eq!(
        of_type(&messages(out.as_bytes()), "hit")[0]["path"],
        "corpus/cto-fieldpath-logistics.txt"
    );
    assert_eq!(
        search(cwd, &["", "--count", "--where", "company=orbit"])
            .1
            .trim(),
        "0"
    );
    assert_eq!(
        search(cwd, &["", "--count"])
            .1
            .trim()
            .parse::<usize>()
            .unwrap(),
        turns_with_text(cwd, "corpus")
    );

    // Indexing another folder into the same index leaves the first one alone.
    copy_corpus(&cwd.join("second"));
    let s = index(cwd, &["second/ciso-northwind-bank.md"]).1;
    assert_eq!(
        (s["indexed"].as_u64(), s["removed"].as_u64()),
        (Some(1), Some(0))
    );

    // A bad file is reported, the batch goes on, the exit code says so.
    std::fs::write(cwd.join("corpus/broken.json"), "{\"segments\": 7}").unwrap();
    let (code, s) = index(cwd, &["corpus"]);
    assert_eq!(code, 2);
    assert_eq!(s["errors"], 1);
}

#[test]
fn versions_locks_and_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    copy_corpus(&cwd.join("corpus"));
    assert_eq!(index(cwd, &["corpus", "--index", "idx"]).0, 0);

    // Another writer holds the lock: the second one says why, and fails.
    {
        let held = jtbd_index::Index::open(&cwd.join("idx")).unwrap();
        let _w = held.writer().unwrap();
        let out = jtbd()
            .current_dir(cwd)
            .args(["index", "corpus", "--index", "idx"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("locked by another jtbd process"), "{err}");
        // Searching works while the writer holds the lock.
        assert_eq!(search(cwd, &["vendor", "--index", "idx"]).0, 0);
    }

    // An index of another schema version is refused with a hint; --rebuild starts over.
    let version = cwd.join("idx/jtbd-index.json");
    std::fs::write(
        &version,
        r#"{"schema_version": 0, "created_by": "jtbd 0.0.1"}"#,
    )
    .unwrap();
    let (code, _, err) = search(cwd, &["vendor", "--index", "idx"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("schema version 0") && err.contains("--rebuild"),
        "{err}"
    );
    assert_eq!(index(cwd, &["corpus", "--index", "idx", "--rebuild"]).0, 0);
    assert_eq!(search(cwd, &["vendor", "--index", "idx"]).0, 0);

    // A folder of someone's files is never taken over or deleted.
    std::fs::create_dir_all(cwd.join("mine")).unwrap();
    std::fs::write(cwd.join("mine/notes.txt"), "keep me").unwrap();
    for extra in [&[][..], &["--rebuild"][..]] {
        let out = jtbd()
            .current_dir(cwd)
            .args(["index", "corpus", "--index", "mine"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a jtbd index"));
    }
    assert_eq!(
        std::fs::read_to_string(cwd.join("mine/notes.txt")).unwrap(),
        "keep me"
    );
}

/// A corpus big enough that an indexing run takes a while: `copies` copies of `corpora/`.
fn big_corpus(dir: &Path, copies: usize) -> PathBuf {
    let corpus = dir.join("big");
    for k in 0..copies {
        copy_corpus(&corpus.join(format!("{k:03}")));
    }
    corpus
}

/// `jtbd index` of the big corpus into `idx`, committing every `commit_every` bytes.
fn index_big(commit_every: &str) -> [&str; 7] {
    [
        "index",
        "big",
        "--index",
        "idx",
        "--quiet",
        "--commit-every",
        commit_every,
    ]
}

#[test]
fn two_concurrent_index_runs_one_wins_the_other_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    big_corpus(cwd, 12);
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_jtbd"))
            .current_dir(cwd)
            .args(index_big("1K"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = run();
    // Wait until the first holds the index (its folder exists), then start the second.
    let t = Instant::now();
    while !cwd.join("idx/meta.json").exists() && t.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = run();
    let (a, b) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    let locked = |o: &std::process::Output| {
        o.status.code() == Some(2)
            && String::from_utf8_lossy(&o.stderr).contains("locked by another jtbd process")
    };
    assert!(
        (a.status.success() && locked(&b)) || (b.status.success() && locked(&a)),
        "first: {:?} {}\nsecond: {:?} {}",
        a.status,
        String::from_utf8_lossy(&a.stderr),
        b.status,
        String::from_utf8_lossy(&b.stderr)
    );
    let (_, n, _) = search(cwd, &["", "--count", "--index", "idx"]);
    assert_eq!(
        n.trim().parse::<usize>().ok(),
        Some(turns_with_text(cwd, "big"))
    );
}

#[test]
fn killed_index_runs_leave_an_index_that_opens_and_the_next_run_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path();
    big_corpus(cwd, 12);
    let expected = turns_with_text(cwd, "big");
    // Small commits, so kills land before, during and after commits.
    let args = index_big("20K");
    let t = Instant::now();
    assert!(
        jtbd()
            .current_dir(cwd)
            .args(args)
            .args(["--rebuild"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let full = t.elapsed().max(Duration::from_millis(50));

    let deadline = Instant::now() + Duration::from_secs(90);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut trials = 0;
    while trials < 20 && Instant::now() < deadline {
        // Every other trial starts from nothing; the others change a few files first.
        if trials % 2 == 0 {
            let _ = std::fs::remove_dir_all(cwd.join("idx"));
        } else {
            for k in 0..3 {
                let f = cwd.join(format!(
                    "big/{:03}/cto-fieldpath-logistics.txt",
                    (trials + k) % 12
                ));
                let mut text = std::fs::read_to_string(&f).unwrap();
                text.push_str(&format!("\nMarcus: Change number {trials} to the plan.\n"));
                std::fs::write(&f, text).unwrap();
            }
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(seed % full.as_micros().max(1) as u64);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jtbd"))
            .current_dir(cwd)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Whatever moment it died at, the index opens (or has no commit yet, and says so).
        let (code, out, err) = search(cwd, &["", "--count", "--index", "idx"]);
        assert!(
            code == 0
                || code == 1
                || err.contains("has no documents yet")
                || err.contains("no index at"),
            "trial {trials}: after a kill at {delay:?}: {code} {out} {err}"
        );
        // The next run completes it: every turn of the corpus is there, once.
        let out = jtbd().current_dir(cwd).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "trial {trials}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (_, n, err) = search(cwd, &["", "--count", "--index", "idx"]);
        assert_eq!(
            n.trim().parse::<usize>().ok(),
            Some(turns_with_text(cwd, "big")),
            "trial {trials}: {err}"
        );
        trials += 1;
    }
    assert!(trials >= 20, "only {trials} trials in the time allowed");
    assert!(expected > 0);
    // No half-written file of ours is left behind.
    assert!(!cwd.join("idx/jtbd-index.tmp").exists());
}
