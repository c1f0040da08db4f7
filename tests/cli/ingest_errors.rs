//! `jtbd ingest` on bad input: clear errors naming file and line, the batch goes on, exit codes.

use crate::support::{ingest_jsonl, jtbd, of_type};
use std::fs;

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn a_bad_file_is_reported_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "good.txt", b"Q: What broke?\nA: The renewal.\n");
    write(d, "empty.txt", b"  \n\n");
    write(d, "zero.md", b"");
    // Valid UTF-8 (`é`) then a lone bad byte: damaged UTF-8, not a legacy encoding.
    write(d, "bad-utf8.txt", b"Q: hi \xc3\xa9\nA: caf\xe9 au lait\n");
    // Word's "Save as text" on Windows: Windows-1252, read with a note.
    write(d, "latin1.txt", b"Q: Caf\xe9?\nA: Na\xefve, I\x92d say.\n");
    write(
        d,
        "README.md",
        b"# Our interviews\n\nThis folder holds the Q3 calls.\n",
    );
    write(
        d,
        "package.json",
        b"{\"name\": \"notes\", \"version\": \"1.0.0\"}\n",
    );
    write(d, "binary.txt", b"\x00\x01\x02garbage\x00");
    write(d, ".hidden.txt", b"Q: secret?\n");
    write(
        d,
        "broken.vtt",
        b"WEBVTT\n\n00:01.000 --> 00:02.000\nAnn: hi\n\n00:03.000 --> never\nAnn: there\n",
    );
    write(
        d,
        "all-broken.vtt",
        b"WEBVTT\n\n00:01.000 --> whenever\nhi\n\n00:03.000 --> never\nthere\n",
    );
    write(d, "wrong-shape.json", b"{\n  \"items\": [1, 2]\n}\n");
    write(
        d,
        "fake.docx",
        b"PK\x03\x04 this is not a zip archive at all",
    );
    write(d, "huge.txt", &b"A: words words words.\n".repeat(100));
    let (code, msgs, stderr) = ingest_jsonl(&[d.to_str().unwrap(), "--max-file-size", "1K"]);
    assert_eq!(code, 2, "any failed file makes exit code 2");
    let interviews = of_type(&msgs, "interview");
    let read: Vec<&str> = interviews
        .iter()
        .map(|i| i["path"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(read, ["broken.vtt", "good.txt", "latin1.txt"]);
    assert_eq!(interviews[2]["encoding"], "windows-1252");
    // A broken timing costs its cue, said on stderr with its line.
    assert!(
        stderr.contains("broken.vtt:6: cue left out (2 words)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("latin1.txt: not UTF-8: read as windows-1252"),
        "{stderr}"
    );

    let errors: Vec<(String, Option<u64>, String)> = of_type(&msgs, "error")
        .iter()
        .map(|e| {
            let p = e["path"].as_str().unwrap();
            (
                p.rsplit('/').next().unwrap().to_owned(),
                e["line"].as_u64(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let find = |name: &str| {
        errors
            .iter()
            .find(|e| e.0 == name)
            .unwrap_or_else(|| panic!("no error for {name}: {errors:?}"))
    };
    assert_eq!(find("bad-utf8.txt").1, Some(2));
    assert!(find("bad-utf8.txt").2.contains("invalid UTF-8"));
    assert_eq!(find("all-broken.vtt").1, Some(3));
    assert!(find("all-broken.vtt").2.contains("malformed timing"));
    assert!(find("fake.docx").2.contains("not a valid DOCX"));
    assert!(find("huge.txt").2.contains("over the limit"));
    assert_eq!(errors.len(), 4, "{errors:?}");

    let skipped: Vec<(String, String)> = of_type(&msgs, "skipped")
        .iter()
        .map(|s| {
            (
                s["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        skipped.contains(&(".hidden.txt".into(), "hidden".into())),
        "{skipped:?}"
    );
    assert!(
        skipped.contains(&("binary.txt".into(), "binary file".into())),
        "{skipped:?}"
    );
    // Empty files and files that are no transcript are left out with a note, not failed.
    let why = |name: &str| {
        skipped
            .iter()
            .find(|s| s.0 == name)
            .unwrap_or_else(|| panic!("{name} not skipped: {skipped:?}"))
            .1
            .clone()
    };
    assert!(why("empty.txt").contains("empty file"));
    assert!(why("zero.md").contains("empty file"));
    assert!(why("README.md").starts_with("not a transcript: no speaker labels"));
    assert!(why("package.json").starts_with("not a transcript: JSON of an unknown shape"));
    assert!(why("wrong-shape.json").starts_with("not a transcript"));

    // Each error also reaches stderr, naming the file and the line.
    assert!(
        stderr.contains("bad-utf8.txt: line 2: invalid UTF-8"),
        "{stderr}"
    );
    let summary = of_type(&msgs, "summary")[0];
    assert_eq!(
        (summary["errors"].as_u64(), summary["skipped"].as_u64()),
        (Some(4), Some(7))
    );
}

#[test]
fn nothing_found_exits_1_and_missing_paths_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, msgs, stderr) = ingest_jsonl(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        of_type(&msgs, "summary").len() == 1,
        "a summary even when nothing is found"
    );
    let (code, msgs, _) = ingest_jsonl(&["no/such/folder"]);
    assert_eq!(code, 2);
    assert!(
        of_type(&msgs, "error")[0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot open")
    );
}

#[test]
fn a_bad_manifest_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.csv", b"name,role\nx,CTO\n");
    let out = jtbd()
        .args(["ingest", "corpora/", "--meta"])
        .arg(dir.path().join("m.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("m.csv:1: no `file` column"), "{err}");
    assert!(out.stdout.is_empty(), "no data on stdout for a usage error");
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("calls");
    fs::create_dir(&sub).unwrap();
    write(&sub, "a.txt", b"Q: hi?\nA: yes.\n");
    std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
    let (code, msgs, _) = ingest_jsonl(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(of_type(&msgs, "interview").len(), 1);
    assert!(
        of_type(&msgs, "error")[0]["message"]
            .as_str()
            .unwrap()
            .contains("symlink loop")
    );
}

#[test]
fn cli_usage_errors_exit_2() {
    let out = jtbd()
        .args(["ingest", "corpora/", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = jtbd()
        .args(["ingest", "corpora/", "--max-file-size", "lots"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a size"));
}
