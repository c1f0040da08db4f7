//! Issue 33: the index never doubles or loses an interview, whatever way a folder is typed; a
//! damaged index is an error naming `--rebuild`; a wrong path writes nothing.

use crate::support::{jtbd, messages, of_type, root};
use std::path::Path;

/// The `files_in_index` of a `jtbd index ... --format jsonl` run from `cwd`.
fn index_from(cwd: &Path, args: &[&str]) -> u64 {
    let (code, summary) = crate::support::index_in(cwd, args);
    assert_eq!(code, 0, "jtbd index {args:?} in {}", cwd.display());
    summary["files_in_index"].as_u64().unwrap()
}

/// The transcripts of `corpora/` (the manifest is no transcript).
fn corpus_files() -> u64 {
    std::fs::read_dir(root().join("corpora"))
        .unwrap()
        .filter(|e| {
            let e = e.as_ref().unwrap();
            e.file_type().unwrap().is_file() && e.file_name() != "participants.csv"
        })
        .count() as u64
}

#[test]
fn one_folder_typed_three_ways_is_indexed_once() {
    let d = tempfile::tempdir().unwrap();
    let idx = d.path().join("idx");
    let idx = idx.to_str().unwrap();
    let abs = root().join("corpora");
    let n = corpus_files();
    assert!(n >= 10, "{n}");
    assert_eq!(index_from(&root(), &["corpora", "--index", idx]), n);
    assert_eq!(
        index_from(&root(), &[abs.to_str().unwrap(), "--index", idx]),
        n
    );
    assert_eq!(index_from(&abs, &[".", "--index", idx]), n);
    assert_eq!(index_from(&abs, &["../corpora/", "--index", idx]), n);
}

#[test]
fn a_dot_root_keeps_a_sibling_folder_indexed_before() {
    let d = tempfile::tempdir().unwrap();
    for (folder, file) in [
        ("a", "cto-fieldpath-logistics.txt"),
        ("b", "cio-granite-manufacturing.txt"),
    ] {
        std::fs::create_dir(d.path().join(folder)).unwrap();
        std::fs::copy(
            root().join("corpora").join(file),
            d.path().join(folder).join(file),
        )
        .unwrap();
    }
    let idx = d.path().join("idx");
    let idx = idx.to_str().unwrap();
    let a = d.path().join("a");
    assert_eq!(index_from(&a, &["../b", "--index", idx]), 1);
    assert_eq!(index_from(&a, &[".", "--index", idx]), 2);
    assert_eq!(index_from(&a, &[".", "../b", "--index", idx]), 2);
}

#[test]
fn analyze_of_one_folder_typed_another_way_keeps_one_copy() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let n = corpus_files();
    let abs = root().join("corpora");
    for (cwd, path) in [
        (root(), "corpora".to_owned()),
        (root(), abs.display().to_string()),
        (abs.clone(), ".".to_owned()),
    ] {
        let o = jtbd()
            .current_dir(&cwd)
            .args(["analyze", &path, "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains(&format!("(index: {n} files;")),
            "{path} from {cwd:?}: {stderr}"
        );
    }
}

#[test]
fn a_damaged_index_is_an_error_naming_rebuild() {
    let d = tempfile::tempdir().unwrap();
    let idx = d.path().join("idx");
    let idx_s = idx.to_str().unwrap();
    assert_eq!(
        index_from(&root(), &["corpora", "--index", idx_s]),
        corpus_files()
    );
    // The list of files in the last commit no longer parses.
    let meta = idx.join("meta.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
    v["payload"] = serde_json::Value::String("{\"files\": [".into());
    std::fs::write(&meta, serde_json::to_vec(&v).unwrap()).unwrap();
    let out = jtbd()
        .args(["index", "corpora", "--index", idx_s])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("damaged") && stderr.contains("--rebuild"),
        "{stderr}"
    );
    assert_eq!(
        index_from(&root(), &["corpora", "--index", idx_s, "--rebuild"]),
        corpus_files()
    );
}

#[test]
fn analyze_of_a_missing_path_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = jtbd()
        .args(["analyze", "missing/", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("missing"), "{stderr}");
    assert!(!out.exists(), "{stderr}");
}

#[test]
fn classify_goes_on_past_a_line_that_is_not_text() {
    let out = jtbd()
        .args(["classify", "--format", "jsonl"])
        .write_stdin(&b"ok line\n\xff\xfe bad\nI keep rebuilding the same report by hand.\n"[..])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("stdin: line 2: neither UTF-8 nor Windows-1252"),
        "{stderr}"
    );
    let msgs = messages(&out.stdout);
    let lines: Vec<u64> = msgs.iter().filter_map(|m| m["line"].as_u64()).collect();
    assert_eq!(lines, [1, 3], "{msgs:?}");
    let third = msgs.iter().find(|m| m["line"] == 3).unwrap().to_string();
    assert!(third.contains("frustration"), "{third}");
}

/// A survey export saved in Windows-1252 reads line by line, with one note; its curly
/// apostrophe comes out as the character it is.
#[test]
fn classify_reads_a_windows_1252_export() {
    let out = jtbd()
        .args(["classify", "--format", "jsonl"])
        .write_stdin(&b"We\x92re worried the audit will find the old admin accounts.\nplain line\nI keep rebuilding the same report by hand \x96 every week.\n"[..])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("2 lines read as Windows-1252, not UTF-8 (the first: line 1)"),
        "{stderr}"
    );
    let msgs = messages(&out.stdout);
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert_eq!(
        msgs[0]["text"],
        "We\u{2019}re worried the audit will find the old admin accounts."
    );
    assert!(msgs[0].to_string().contains("anxiety"), "{}", msgs[0]);
    assert!(msgs[2].to_string().contains("frustration"), "{}", msgs[2]);
}

#[test]
fn classify_reads_utf16_input_like_a_transcript() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in "I keep rebuilding the same report by hand.\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let out = jtbd()
        .args(["classify", "--format", "jsonl"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("frustration"));
}

#[test]
fn each_folder_uses_its_own_manifest_and_a_row_naming_no_file_is_reported() {
    let d = tempfile::tempdir().unwrap();
    for (folder, file, manifest) in [
        (
            "a",
            "cto-fieldpath-logistics.txt",
            "file,role\ncto-fieldpath-logistics.txt,Head of Platform\nghost.txt,CEO\n",
        ),
        (
            "b",
            "cio-granite-manufacturing.txt",
            "file,role\ncio-granite-manufacturing.txt,Chief Librarian\n",
        ),
    ] {
        let dir = d.path().join(folder);
        std::fs::create_dir(&dir).unwrap();
        std::fs::copy(root().join("corpora").join(file), dir.join(file)).unwrap();
        std::fs::write(dir.join("participants.csv"), manifest).unwrap();
    }
    let out = jtbd()
        .current_dir(d.path())
        .args(["ingest", "a", "b", "--format", "jsonl"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("a/participants.csv:3: `ghost.txt` matches no file read"),
        "{stderr}"
    );
    let msgs = messages(&out.stdout);
    let roles: Vec<&str> = of_type(&msgs, "interview")
        .iter()
        .map(|i| i["metadata"]["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["Head of Platform", "Chief Librarian"], "{msgs:?}");
}

#[test]
fn a_markdown_heading_is_a_heading_not_a_role() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("call.md");
    std::fs::write(
        &file,
        "# Q3 renewal call\n\n**Interviewer:** How do you build the weekly numbers?\n\n\
         **Sam:** I keep rebuilding the same report by hand.\n",
    )
    .unwrap();
    let (code, msgs, stderr) = crate::support::ingest_jsonl(&[file.to_str().unwrap(), "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    let interviews = of_type(&msgs, "interview");
    assert_eq!(interviews.len(), 1);
    let meta = &interviews[0]["metadata"];
    assert_eq!(meta["heading"], "Q3 renewal call", "{meta}");
    assert!(
        meta.get("title").is_none() && meta.get("role").is_none(),
        "{meta}"
    );
}
