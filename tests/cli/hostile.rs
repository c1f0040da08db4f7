//! Hostile input: every kind of file a researcher's folder can hold. For each, no panic, a clear
//! error naming the file (and line where there is one), the rest of the batch read, and an exit
//! code that says something failed. Everything is generated here; nothing large is committed.

use crate::support::{ingest_jsonl, jtbd, of_type};
use serde_json::Value;
use std::fs;
use std::io::Write;
use std::path::Path;

const GOOD: &[u8] =
    b"Q: What made you look for a new vendor?\nA: The renewal doubled and support vanished.\n";

/// Writes `name` with `bytes` beside a good transcript, ingests the folder, and returns the exit
/// code, the interviews read, and the `error` message naming `name` (if any).
fn beside_a_good_file(name: &str, bytes: &[u8]) -> (i32, usize, Option<Value>) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), GOOD).unwrap();
    fs::write(dir.path().join(name), bytes).unwrap();
    let (code, msgs, stderr) = ingest_jsonl(&[dir.path().to_str().unwrap()]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let error = of_type(&msgs, "error")
        .into_iter()
        .find(|e| e["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .cloned();
    if let Some(e) = &error {
        assert!(
            stderr.contains(&format!("{name}: ")),
            "stderr names the file: {stderr}"
        );
        assert!(!e["message"].as_str().unwrap().is_empty());
    }
    (code, of_type(&msgs, "interview").len(), error)
}

fn assert_error(name: &str, bytes: &[u8], says: &str) -> Value {
    let (code, read, error) = beside_a_good_file(name, bytes);
    assert_eq!(code, 2, "{name}: a failed file makes exit code 2");
    assert_eq!(read, 1, "{name}: the good file is still read");
    let e = error.unwrap_or_else(|| panic!("{name}: no error reported"));
    assert!(e["message"].as_str().unwrap().contains(says), "{name}: {e}");
    e
}

#[test]
fn empty_files_are_skipped_with_a_note() {
    for (name, bytes) in [("empty.txt", &b""[..]), ("blank.md", b"\n\n   \r\n\t\n")] {
        let (code, read, error) = beside_a_good_file(name, bytes);
        assert_eq!((code, read, error), (0, 1, None), "{name}");
    }
}

#[test]
fn binary_files_are_skipped_in_folders_and_refused_by_name() {
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10";
    let (code, read, error) = beside_a_good_file("photo.txt", png);
    assert_eq!((code, read, error), (0, 1, None));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("photo.txt");
    fs::write(&p, png).unwrap();
    let (code, msgs, _) = ingest_jsonl(&[p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        of_type(&msgs, "error")[0]["message"]
            .as_str()
            .unwrap()
            .contains("binary")
    );
}

#[test]
fn invalid_utf8_names_the_line() {
    // Latin-1 is read (a legacy encoding); UTF-8 with a damaged byte is refused at its line.
    let (code, read, error) =
        beside_a_good_file("latin1.txt", b"Q: Hello?\nA: Fine.\nA: caf\xe9 au lait\n");
    assert_eq!((code, read, error), (0, 2, None));
    let e = assert_error(
        "damaged.txt",
        b"Q: Hello?\nA: Fine, d\xc3\xa9j\xc3\xa0 vu.\nA: caf\xe9 au lait\n",
        "UTF-8",
    );
    assert_eq!(e["line"], 3);
}

#[test]
fn utf16_without_a_bom_is_read() {
    let text = "Q: Why switch?\nA: Lock-in worries us.\n";
    let mut cases = 0;
    for bytes in [
        text.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>(),
        text.encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect::<Vec<u8>>(),
    ] {
        // The decoder sniffs UTF-16 without a byte order mark from its zero bytes.
        let (code, read, error) = beside_a_good_file("utf16.txt", &bytes);
        assert_eq!((code, read, error), (0, 2, None), "read as text");
        cases += 1;
    }
    assert_eq!(cases, 2);
}

#[test]
fn nul_bytes_inside_text() {
    let (code, read, error) =
        beside_a_good_file("nul.txt", b"Q: What broke?\nA: The\x00 export\x00 again.\n");
    // A NUL makes a file binary: skipped inside a folder, never a crash.
    assert_eq!((code, read, error), (0, 1, None));
}

#[test]
fn a_50_mb_single_line_is_read_within_the_limit_and_refused_over_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("one-line.txt");
    let mut f = fs::File::create(&p).unwrap();
    f.write_all(b"A: ").unwrap();
    let chunk = "the vendor kept raising prices and nobody could explain why ".repeat(1000);
    while f.metadata().unwrap().len() < 50 << 20 {
        f.write_all(chunk.as_bytes()).unwrap();
    }
    drop(f);
    let (code, msgs, stderr) = ingest_jsonl(&[p.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let turns = of_type(&msgs, "turn");
    assert_eq!(turns.len(), 1);
    let out = jtbd()
        .args([
            "ingest",
            p.to_str().unwrap(),
            "--max-file-size",
            "10M",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("over the limit"));
}

#[test]
fn a_hundred_thousand_tiny_files() {
    let dir = tempfile::tempdir().unwrap();
    for k in 0..100_000 {
        let sub = dir.path().join(format!("{:03}", k / 1000));
        if k % 1000 == 0 {
            fs::create_dir(&sub).unwrap();
        }
        fs::write(sub.join(format!("{k}.txt")), b"A: Too many tools.\n").unwrap();
    }
    let out = jtbd()
        .args([
            "ingest",
            dir.path().to_str().unwrap(),
            "--format",
            "csv",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rows = csv::Reader::from_reader(out.stdout.as_slice())
        .records()
        .count();
    assert_eq!(rows, 100_000);
}

#[cfg(unix)]
#[test]
fn deep_and_looping_symlinks() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let mut deep = dir.path().join("deep");
    for k in 0..100 {
        deep = deep.join(format!("d{k}"));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("bottom.txt"), GOOD).unwrap();
    // A chain of links to the good file, a loop, and a link to nowhere.
    fs::write(dir.path().join("target.txt"), GOOD).unwrap();
    let mut prev = dir.path().join("target.txt");
    for k in 0..30 {
        let link = dir.path().join(format!("link{k}.txt"));
        symlink(&prev, &link).unwrap();
        prev = link;
    }
    symlink(dir.path(), dir.path().join("deep/loop")).unwrap();
    symlink(
        dir.path().join("missing.txt"),
        dir.path().join("dangling.txt"),
    )
    .unwrap();
    let (code, msgs, stderr) = ingest_jsonl(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        of_type(&msgs, "interview").len(),
        32,
        "bottom, target and 30 links"
    );
    let errors = of_type(&msgs, "error");
    assert!(
        errors
            .iter()
            .any(|e| e["path"].as_str().unwrap().ends_with("loop")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e["path"].as_str().unwrap().ends_with("dangling.txt")),
        "{errors:?}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), GOOD).unwrap();
    let file = dir.path().join("locked.txt");
    fs::write(&file, GOOD).unwrap();
    let folder = dir.path().join("locked-folder");
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join("inside.txt"), GOOD).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads everything: as root, the test drops to `nobody` to meet EACCES for real.
    let root = fs::read(&file).is_ok();
    let (code, msgs, stderr) = if root {
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        match as_nobody(&["ingest", dir.path().to_str().unwrap(), "--format", "jsonl"]) {
            Some(out) => out,
            None => {
                fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
                crate::support::missing("EACCES as root: no setpriv to run as nobody");
                return;
            }
        }
    } else {
        ingest_jsonl(&[dir.path().to_str().unwrap()])
    };
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(of_type(&msgs, "interview").len(), 1, "{stderr}");
    let errors = of_type(&msgs, "error");
    assert!(
        errors
            .iter()
            .any(|e| e["path"].as_str().unwrap().ends_with("locked.txt")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e["path"].as_str().unwrap().contains("locked-folder")),
        "{errors:?}"
    );
    assert!(stderr.contains("locked.txt"), "{stderr}");
}

/// Runs `jtbd ARGS` as the unprivileged user `nobody` (uid and gid 65534, no groups) through
/// `setpriv`: (exit code, messages, stderr). `None` when setpriv is not there.
#[cfg(unix)]
fn as_nobody(args: &[&str]) -> Option<(i32, Vec<Value>, String)> {
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_jtbd"))
        .args(args)
        .current_dir("/")
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("setpriv:"), "{stderr}");
    Some((
        out.status.code().unwrap_or(-1),
        crate::support::messages(&out.stdout),
        stderr,
    ))
}

#[test]
fn a_docx_that_is_not_a_zip() {
    // Content decides: plain text saved as .docx is read as the text it is.
    let (code, read, error) =
        beside_a_good_file("notes.docx", b"Q: Is this Word?\nA: No, plain text.\n");
    assert_eq!((code, read, error), (0, 2, None));
    // A zip header over garbage is refused.
    assert_error(
        "broken.docx",
        b"PK\x03\x04\x14\x00garbage that is no archive",
        "DOCX",
    );
}

/// A zip with one entry of `size` zero bytes at the path Word keeps its text.
fn zip_of(entry: &str, size: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file(entry, opts).unwrap();
    let zeros = vec![b' '; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(zeros.len());
        w.write_all(&zeros[..n]).unwrap();
        left -= n;
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn a_zip_bomb_docx_is_refused_without_inflating_it() {
    let bomb = zip_of("word/document.xml", 200 << 20);
    assert!(
        bomb.len() < 2 << 20,
        "the bomb is small on disk: {}",
        bomb.len()
    );
    assert_error("bomb.docx", &bomb, "limit");
}

#[test]
fn captions_with_broken_timings() {
    // One broken timing costs its cue: the file is read.
    let (code, read, error) = beside_a_good_file(
        "broken.vtt",
        b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nAnn: Hello.\n\n2\n00:00:xx.000 --> banana\nAnn: Still here.\n",
    );
    assert_eq!((code, read, error), (0, 2, None));
    // No readable timing at all: the file is refused at the first.
    let e = assert_error(
        "broken.srt",
        b"1\n00:00:01,000 --> soon\nAnn: Hello.\n\n2\n00:00:03,000 -> 00:00:04,000\nAnn: Again.\n",
        "timing",
    );
    assert!(e["line"].as_u64().is_some(), "{e}");
}

#[test]
fn json_of_the_wrong_shape() {
    assert_error("numbers.json", b"[1, 2, 3]\n", "JSON");
    assert_error("segments.json", b"{\"segments\": \"none\"}", "JSON");
    assert_error(
        "truncated.json",
        b"{\"segments\": [{\"text\": \"hi\"",
        "JSON",
    );
}

#[test]
fn mixed_scripts_emoji_combining_marks_and_right_to_left() {
    let text = "Q: ¿Qué pasó? 你好 👋🏽\nA: The e\u{301}xport broke — مرحبا بالعالم — שלום 🚀. Then Ωmega.\n";
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("mixed.txt");
    fs::write(&p, text).unwrap();
    let (code, msgs, stderr) = ingest_jsonl(&[p.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    for t in of_type(&msgs, "turn") {
        for s in t["sentences"].as_array().unwrap() {
            let (a, b) = (
                s["byte_start"].as_u64().unwrap() as usize,
                s["byte_end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[a..b], s["text"].as_str().unwrap());
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_error_not_a_silent_loss() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jtbd"))
        .current_dir(crate::support::root())
        .args(["ingest", "corpora/", "--format", "jsonl", "--quiet"])
        .stdout(fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No space left"));
}

#[test]
fn an_index_where_nothing_can_be_written_is_a_clear_error() {
    for place in ["/proc/jtbd-index", "/dev/null/jtbd-index"] {
        let out = jtbd()
            .args(["index", "corpora/", "--index", place, "--quiet"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{place}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(place), "{place}: {err}");
    }
}

#[test]
fn output_is_safe_for_spreadsheets() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("formula.txt");
    fs::write(
        &p,
        "=HYPERLINK(\"http://x\"): +1 said -2 is fine.\nA: @SUM(A1) ok.\n",
    )
    .unwrap();
    let out = jtbd()
        .args(["ingest", p.to_str().unwrap(), "--format", "csv", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    for cell in rows.iter().flat_map(|r| r.iter()) {
        assert!(
            !cell.starts_with(['=', '+', '-', '@']),
            "formula cell {cell:?}"
        );
    }
    let cells: Vec<&str> = rows.iter().flat_map(|r| r.iter()).collect();
    assert!(cells.contains(&"'=HYPERLINK(\"http://x\"): +1 said -2 is fine."));
    assert!(cells.contains(&"'@SUM(A1) ok."));
}

#[test]
fn paths_in_outputs_are_the_users_own() {
    let (code, msgs, _) = ingest_jsonl(&["corpora/"]);
    assert_eq!(code, 0);
    for i in of_type(&msgs, "interview") {
        let p = i["path"].as_str().unwrap();
        assert!(
            p.starts_with("corpora/") && !Path::new(p).is_absolute(),
            "{p}"
        );
    }
}
