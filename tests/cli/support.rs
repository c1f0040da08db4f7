//! Helpers shared by the CLI tests.

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

/// The `jtbd` binary under test, run from the repository root.
pub fn jtbd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jtbd"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.env_remove("NO_COLOR");
    cmd
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Parses JSON Lines output into messages.
pub fn messages(stdout: &[u8]) -> Vec<Value> {
    std::str::from_utf8(stdout)
        .expect("stdout is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// The messages of one type.
pub fn of_type<'a>(msgs: &'a [Value], ty: &str) -> Vec<&'a Value> {
    msgs.iter()
        .filter(|m| m["type"] == ty)
        .map(|m| &m["data"])
        .collect()
}

/// Runs `jtbd ingest ARGS --format jsonl` and returns (exit code, messages, stderr).
pub fn ingest_jsonl(args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = jtbd()
        .arg("ingest")
        .args(args)
        .args(["--format", "jsonl"])
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        messages(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A transcript file as the tool decoded it, to check file offsets against: outputs give byte
/// offsets into the file itself, also for UTF-16 and legacy encodings.
pub struct FileText {
    bytes: Vec<u8>,
    encoding: &'static encoding_rs::Encoding,
}

impl FileText {
    /// Reads `path` (relative to the repository) and finds the encoding the tool reads it in.
    pub fn read(path: &str) -> FileText {
        let bytes = std::fs::read(root().join(path)).unwrap();
        let name = jtbd_text::decode(&bytes).unwrap().encoding.as_str();
        let encoding = match name {
            "utf-8" | "utf-8-bom" => encoding_rs::UTF_8,
            other => encoding_rs::Encoding::for_label(other.as_bytes()).unwrap(),
        };
        FileText { bytes, encoding }
    }

    /// The text at file bytes `a..b`, decoded; `None` when the range is not in the file or does
    /// not decode cleanly (it cuts a character).
    pub fn get(&self, a: usize, b: usize) -> Option<String> {
        let (text, errors) = self
            .encoding
            .decode_without_bom_handling(self.bytes.get(a..b)?);
        (!errors).then(|| text.into_owned())
    }

    /// The 1-based line of file byte `a`.
    pub fn line(&self, a: usize) -> usize {
        let (text, _) = self.encoding.decode_without_bom_handling(&self.bytes[..a]);
        text.matches('\n').count() + 1
    }
}

/// The validator of `schema/NAME`.
pub fn schema_validator(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schema").join(name)).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).expect("schema compiles")
}

/// Asserts every message is valid under `v`.
pub fn assert_valid(v: &jsonschema::Validator, msgs: &[Value]) {
    assert!(!msgs.is_empty());
    for m in msgs {
        let errors: Vec<String> = v.iter_errors(m).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{m}\n{errors:#?}");
    }
}

/// A test that needs a tool this machine lacks (chromium, xmllint, a way to drop root): under
/// `JTBD_REQUIRE_EXTERNAL=1` (set by `.ci/run`, which installs them) that fails the test;
/// elsewhere the test says on stderr what it did not check. Callers return after it.
pub fn missing(what: &str) {
    require("JTBD_REQUIRE_EXTERNAL", what);
}

/// A test that needs the `../shared` data beside the checkout (real interviews, the REFI-QDA
/// schemas), which no install step can fetch: under `JTBD_REQUIRE_SHARED=1` (set by `.ci/run`
/// when the data is there) its absence fails the test; elsewhere the test says what it did not
/// check. Callers return after it.
pub fn missing_shared(what: &str) {
    require("JTBD_REQUIRE_SHARED", what);
}

fn require(variable: &str, what: &str) {
    if std::env::var(variable).is_ok_and(|v| v == "1") {
        panic!("{what} ({variable}=1 requires it)");
    }
    eprintln!("note: not checked: {what}");
}

/// Runs `jtbd index ARGS --format jsonl --quiet` in `cwd`, checks its messages against the
/// schema; returns (exit code, the summary message's data or null).
pub fn index_in(cwd: &std::path::Path, args: &[&str]) -> (i32, Value) {
    let out = jtbd()
        .current_dir(cwd)
        .arg("index")
        .args(args)
        .args(["--format", "jsonl", "--quiet"])
        .output()
        .unwrap();
    let msgs = messages(&out.stdout);
    assert_valid(&schema_validator("index.schema.json"), &msgs);
    let summary = of_type(&msgs, "summary")
        .first()
        .map(|v| (*v).clone())
        .unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), summary)
}

/// Runs `jtbd index FOLDER --quiet --index INDEX` and requires it to succeed.
pub fn index_folder(folder: &std::path::Path, index: &std::path::Path) {
    let out = jtbd()
        .arg("index")
        .arg(folder)
        .args(["--quiet", "--index"])
        .arg(index)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The lines a child process writes to a pipe, as they come, read on a thread of their own (a
/// test waits for one with `recv_timeout` and never blocks on a silent child).
pub fn lines_of(pipe: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}
