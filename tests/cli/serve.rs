//! `jtbd serve`: the review page over a copy of `corpora/`, hostile verdicts refused with the
//! file untouched, a valid one appended and applied, and (in `serve_chromium.rs`) a recode
//! through the page's own button in headless Chromium.

use crate::support::{ingest_jsonl, jtbd, messages, of_type, schema_validator};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

/// A running `jtbd serve`, killed when dropped (also when a test fails).
pub struct Served {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
    /// What it printed on stderr before its address.
    pub before: String,
    /// Its stderr lines after that.
    stderr: std::sync::mpsc::Receiver<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// `jtbd serve` on a fresh copy of `corpora/`, on a free port.
    pub fn start() -> Served {
        Served::start_with(&[])
    }

    /// The same with more files (name, text) in the folder.
    pub fn start_with(files: &[(&str, &str)]) -> Served {
        let dir = crate::review::corpus_copy();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jtbd"))
            .current_dir(crate::support::root())
            .arg("serve")
            .arg(dir.path())
            .args(["--port", "0", "--by", "tester", "--quiet"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The URL is the line on stderr that says where it listens.
        let stderr = child.stderr.take().unwrap();
        let rx = crate::support::lines_of(stderr);
        let mut seen = String::new();
        let port = loop {
            match rx.recv_timeout(Duration::from_secs(120)) {
                Ok(line) => {
                    if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                        let digits: String =
                            rest.chars().take_while(char::is_ascii_digit).collect();
                        break digits.parse().unwrap();
                    }
                    seen.push_str(&line);
                    seen.push('\n');
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!("jtbd serve did not say where it listens: {seen}");
                }
            }
        };
        Served {
            child,
            port,
            dir,
            before: seen,
            stderr: rx,
        }
    }

    /// The stderr lines printed since the last call (waiting a moment for the last ones).
    pub fn stderr_since(&self) -> Vec<String> {
        let mut lines = Vec::new();
        while let Ok(line) = self.stderr.recv_timeout(Duration::from_millis(500)) {
            lines.push(line);
        }
        lines
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    pub fn corrections(&self) -> PathBuf {
        self.dir.path().join("corrections.jsonl")
    }

    /// One request with these extra headers; (status, body).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: 127.0.0.1:{}\r\n", self.port));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body.as_bytes()).unwrap();
        let mut answer = Vec::new();
        s.read_to_end(&mut answer).unwrap();
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("not HTTP: {answer:.300}"));
        let body = answer
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_owned();
        (status, body)
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, &[], "")
    }

    /// Posts a verdict as the page does; (status, the answer's JSON).
    pub fn verdict(&self, body: &str) -> (u16, Value) {
        let (status, text) = self.request(
            "POST",
            "/api/verdict",
            &[("Content-Type", "application/json")],
            body,
        );
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The study as `GET /api/study` gives it, checked against its schema.
    pub fn study(&self) -> Value {
        let (status, body) = self.get("/api/study");
        assert_eq!(status, 200, "{body}");
        let json: Value = serde_json::from_str(&body).unwrap();
        let v = schema_validator("serve-study.schema.json");
        let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        json
    }
}

/// Text as HTML shows it.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The byte range of the first interviewer's sentence of `file` in `dir`.
pub fn interviewer_sentence(dir: &Path, file: &str) -> (u64, u64) {
    let path = dir.join(file);
    let (_, msgs, _) = ingest_jsonl(&[path.to_str().unwrap(), "--quiet"]);
    of_type(&msgs, "turn")
        .iter()
        .filter(|t| t["role"] == "interviewer")
        .find_map(|t| t["sentences"].as_array()?.first().cloned())
        .map(|s| {
            (
                s["byte_start"].as_u64().unwrap(),
                s["byte_end"].as_u64().unwrap(),
            )
        })
        .expect("an interviewer's sentence")
}

#[test]
fn serve_shows_the_themes_of_jtbd_stories() {
    let s = Served::start();
    let (status, page) = s.get("/");
    assert_eq!(status, 200);
    let study = s.study();
    let themes = study["themes"].as_array().unwrap();
    assert!(themes.len() >= 3, "{study}");
    // The same themes `jtbd stories` finds in the folder.
    let out = jtbd()
        .arg("stories")
        .arg(s.dir.path())
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    let stories: Value = serde_json::from_slice(&out.stdout).unwrap();
    let want: Vec<&Value> = stories["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["label"])
        .collect();
    let got: Vec<&Value> = themes.iter().map(|t| &t["label"]).collect();
    assert_eq!(got, want);
    for t in themes {
        let label = escaped(t["label"].as_str().unwrap());
        assert!(
            page.contains(&format!("<h2>{label}</h2>")),
            "{label} not on the page"
        );
    }
    // A teller known only by their file is named by its path in the folder, never by the path
    // the folder was given as (here the machine's absolute one); every story has its id.
    let abs = s.dir.path().to_str().unwrap();
    assert!(!page.contains(&format!("· {abs}")), "{abs} names a teller");
    for story in themes.iter().flat_map(|t| t["stories"].as_array().unwrap()) {
        assert!(
            !story["teller"].as_str().unwrap().starts_with(abs),
            "{story}"
        );
        assert!(story["id"].as_str().unwrap().starts_with('j'), "{story}");
    }
    // The count line and the section of signals no theme shows give the same number.
    let count = |after: &str, before: &str| -> Option<usize> {
        let at = page.find(before)?;
        let head = &page[..at];
        head[head.rfind(after)? + after.len()..].trim().parse().ok()
    };
    let unthemed = count("(", " signals in no theme)");
    assert!(unthemed.is_some_and(|n| n > 0), "{unthemed:?}");
    assert_eq!(
        count("<p class=\"muted\">", " signals no theme shows"),
        unthemed
    );
    // Every quote on the page names its signal, and every signal's text is its file's bytes
    // (checked where the file is plain UTF-8 text: not JSON, DOCX or UTF-16).
    let signals = study["signals"].as_array().unwrap();
    assert!(page.contains(&format!(
        "data-signal=\"{}\"",
        themes[0]["signals"][0].as_str().unwrap()
    )));
    let mut checked = 0;
    for sig in signals {
        let path = sig["path"].as_str().unwrap();
        let bytes = std::fs::read(s.dir.path().join(path)).unwrap();
        let plain = [".txt", ".md", ".vtt", ".srt"]
            .iter()
            .any(|e| path.ends_with(e));
        if let (true, Ok(text)) = (plain, std::str::from_utf8(&bytes)) {
            let (a, b) = (
                sig["byte_start"].as_u64().unwrap() as usize,
                sig["byte_end"].as_u64().unwrap() as usize,
            );
            assert_eq!(text.get(a..b), sig["text"].as_str(), "{sig}");
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked} signals checked");
    // A quote opens in its transcript, marked; search answers with hits of the filters.
    let first = &signals[0];
    let (status, passage) = s.get(&format!(
        "/fragment/passage?path={}&start={}&end={}",
        first["path"].as_str().unwrap(),
        first["byte_start"],
        first["byte_end"]
    ));
    assert_eq!(status, 200, "{passage}");
    assert!(
        passage.contains(&format!(
            "<mark>{}</mark>",
            escaped(first["text"].as_str().unwrap())
        )),
        "{passage}"
    );
    let (status, hits) = s.get("/fragment/search?q=vendor&force=anxiety&role=interviewee&limit=5");
    assert_eq!(status, 200, "{hits}");
    assert!(hits.contains("<mark>"), "{hits}");
    assert!(hits.contains("anxiety"), "{hits}");
    let (status, message) = s.get("/fragment/search?q=%22unclosed");
    assert_eq!(status, 400);
    assert!(message.contains("invalid query"), "{message}");
}

#[test]
fn hostile_verdicts_are_refused_and_change_nothing() {
    let s = Served::start();
    let file = s.corrections();
    let before = s.study();
    let id = before["signals"][0]["id"].as_str().unwrap().to_owned();
    let (start, end) = interviewer_sentence(s.dir.path(), "ciso-northwind-bank.md");
    let meant = format!("did you mean bytes {start}..{end}?");
    let cases: Vec<(String, u16, &str)> = vec![
        (r#"{"signal": "s00000000000000ff", "verdict": "reject"}"#.into(), 404, "no signal has the id"),
        ("{not json".into(), 400, "not a JSON object"),
        ("[1, 2]".into(), 400, "not a JSON object"),
        (format!(r#"{{"signal": "{id}", "verdict": "maybe"}}"#), 400, "unknown verdict"),
        (format!(r#"{{"signal": "{id}", "verdict": "recode", "force": "rage"}}"#), 400, "unknown force"),
        (format!(r#"{{"signal": "{id}", "verdict": "accept", "by": "mallory"}}"#), 400, "written by the server"),
        (format!(r#"{{"signal": "{id}", "verdict": "accept", "colour": "red"}}"#), 400, "unknown field"),
        (r#"{"verdict": "add", "path": "../../etc/passwd", "byte_start": 0, "byte_end": 4, "force": "anxiety"}"#.into(), 400, "not inside the folder"),
        (r#"{"verdict": "add", "path": "/etc/passwd", "byte_start": 0, "byte_end": 4, "force": "anxiety"}"#.into(), 400, "is an absolute path: give it relative to the folder"),
        (r#"{"verdict": "add", "path": "nowhere.txt", "byte_start": 0, "byte_end": 4, "force": "anxiety"}"#.into(), 404, "no transcript of the folder"),
        (format!(r#"{{"verdict": "add", "path": "ciso-northwind-bank.md", "byte_start": {start}, "byte_end": {end}, "force": "anxiety"}}"#), 422, "an interviewer's words"),
        (format!(r#"{{"verdict": "add", "path": "ciso-northwind-bank.md", "byte_start": {start}, "byte_end": {}, "force": "anxiety"}}"#, end + 3), 422, "not one sentence"),
        (format!(r#"{{"verdict": "add", "path": "ciso-northwind-bank.md", "byte_start": {start}, "byte_end": {}, "force": "anxiety"}}"#, end + 3), 422, &meant),
    ];
    for (body, status, says) in &cases {
        let (got, answer) = s.verdict(body);
        assert_eq!(got, *status, "{body}: {answer}");
        assert_eq!(answer["ok"], false, "{answer}");
        assert!(
            answer["message"]
                .as_str()
                .unwrap_or_default()
                .contains(says),
            "{body}: {answer}"
        );
    }
    // Not JSON, another site's page, another host name: refused before reading the verdict.
    let body = format!(r#"{{"signal": "{id}", "verdict": "reject"}}"#);
    let (status, _) = s.request(
        "POST",
        "/api/verdict",
        &[("Content-Type", "text/plain")],
        &body,
    );
    assert_eq!(status, 415);
    let (status, _) = s.request(
        "POST",
        "/api/verdict",
        &[
            ("Content-Type", "application/json"),
            ("Origin", "http://evil.example"),
        ],
        &body,
    );
    assert_eq!(status, 403);
    let (status, _) = s.request("GET", "/", &[("Host", "evil.example:80")], "");
    assert_eq!(status, 421);
    assert_eq!(s.get("/api/verdict").0, 405);
    assert_eq!(s.get("/nothing").0, 404);
    assert_eq!(
        s.get("/fragment/passage?path=ciso-northwind-bank.md&start=x")
            .0,
        400
    );
    assert_eq!(
        s.get("/fragment/passage?path=ciso-northwind-bank.md&start=99999999")
            .0,
        404
    );
    assert_eq!(s.get("/fragment/search?q=a&limit=0").0, 400);
    assert!(!file.exists(), "a refused verdict wrote the file");
    assert_eq!(s.study(), before);
}

#[test]
fn a_reject_is_appended_and_the_signal_leaves_the_page() {
    let s = Served::start();
    let before = s.study();
    let gone = before["themes"][0]["signals"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, answer) = s.verdict(&format!(
        r#"{{"signal": "{gone}", "verdict": "reject", "note": "a joke"}}"#
    ));
    assert_eq!(status, 200, "{answer}");
    let v = schema_validator("serve-answer.schema.json");
    assert!(v.is_valid(&answer), "{answer}");
    assert_eq!(answer["line"], 1);
    let text = std::fs::read_to_string(s.corrections()).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    let line: Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(line["signal"], gone.as_str());
    assert_eq!(line["verdict"], "reject");
    assert_eq!(line["by"], "tester");
    assert_eq!(line["note"], "a joke");
    assert_eq!(line["at"].as_str().unwrap().len(), 10);
    let after = s.study();
    assert_eq!(after["verdicts"], 1);
    let ids = |v: &Value| -> Vec<String> {
        v["signals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!ids(&after).contains(&gone));
    assert_eq!(ids(&after).len(), ids(&before).len() - 1);
    let (_, page) = s.get("/");
    assert!(!page.contains(&format!("data-signal=\"{gone}\"")));
    // An addition: an interviewee's sentence no rule found becomes a signal of the page.
    let signals: Vec<&Value> = after["signals"].as_array().unwrap().iter().collect();
    let file = "ciso-northwind-bank.md";
    let (start, end) = crate::review::unsignalled_sentence(s.dir.path(), file, &signals);
    let (status, answer) = s.verdict(&format!(
        r#"{{"verdict": "add", "path": "./{file}", "byte_start": {start}, "byte_end": {end}, "force": "habit"}}"#
    ));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["line"], 2);
    let added = s.study();
    assert!(
        added["signals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["path"] == file
                && x["byte_start"] == start
                && x["byte_end"] == end
                && x["force"] == "habit"),
        "{added}"
    );
    // The file is the one `jtbd extract` reads: the signal is gone there too.
    let out = jtbd()
        .arg("extract")
        .arg(s.dir.path())
        .args(["--format", "jsonl", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let extracted = messages(&out.stdout);
    assert!(
        of_type(&extracted, "signal")
            .iter()
            .all(|s| s["id"] != gone.as_str())
    );
    // The file is the only state: deleted, the page is as before any verdict.
    std::fs::remove_file(s.corrections()).unwrap();
    assert_eq!(s.study(), before);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = jtbd()
        .args(["serve", "corpora/", "--quiet", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("127.0.0.1:{port} is in use")),
        "{err}"
    );
    let out = jtbd()
        .args(["serve", "corpora/ciso-northwind-bank.md", "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a folder"));
}

/// Transcript text that is markup, a script or a direction control is shown, never run: in the
/// page, the transcript around a quote and search hits.
#[test]
fn hostile_text_is_escaped_on_every_view() {
    let text = "Interviewer: What worries you about <b>vendors</b>?\n\
Dana: I'm worried the <script>alert(\"x\")</script> audit & \"report\" will fail \u{202E}again.\n\
Interviewer: And then?\n\
Dana: Honestly, I'm scared of the <img src=x onerror=alert(1)> vendor audit.\n";
    let s = Served::start_with(&[("hostile.txt", text)]);
    let study = s.study();
    let hostile: Vec<&Value> = study["signals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["path"] == "hostile.txt")
        .collect();
    assert!(!hostile.is_empty(), "{study}");
    let (_, page) = s.get("/");
    let q = hostile[0];
    let (_, passage) = s.get(&format!(
        "/fragment/passage?path=hostile.txt&start={}&end={}",
        q["byte_start"], q["byte_end"]
    ));
    let (_, hits) = s.get("/fragment/search?q=script+OR+onerror&limit=50");
    for (view, html) in [("page", &page), ("passage", &passage), ("hits", &hits)] {
        for raw in ["<script>alert", "<img src=x", "<b>vendors", "\u{202E}"] {
            assert!(!html.contains(raw), "{view} holds {raw:?}");
        }
    }
    assert!(
        passage.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
        "{passage}"
    );
    assert!(passage.contains("⟨U+202E⟩"), "{passage}");
    assert!(
        hits.contains("&lt;img src=x <mark>onerror</mark>=alert(1)&gt;"),
        "{hits}"
    );
}

/// A verdict file with a bad line and an id that names nothing: serve says so on stderr at start
/// (as `jtbd extract` does), shows a notice on the page and in `/api/study`, and says it again
/// when the file changes, never on every request.
#[test]
fn problems_of_the_verdict_file_are_said_on_stderr_on_the_page_and_in_json() {
    let s = Served::start_with(&[(
        "corrections.jsonl",
        "{broken\n{\"signal\": \"s00000000000000ff\", \"verdict\": \"reject\"}\n",
    )]);
    let file = s.corrections().display().to_string();
    let error = format!("{file}:1: not a verdict: key must be a string (column 2 of the line)");
    let warning = format!("{file}:2: no signal found has the id s00000000000000ff (");
    assert!(
        s.before.contains(&format!("error: {error}\n")),
        "{}",
        s.before
    );
    assert!(
        s.before.contains(&format!("warning: {warning}")),
        "{}",
        s.before
    );
    // The same lines `jtbd extract` prints for the folder.
    let extract = jtbd()
        .arg("extract")
        .arg(s.dir.path())
        .args(["--format", "jsonl", "--quiet"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&extract.stderr);
    for line in said
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning"))
    {
        assert!(
            s.before.contains(line),
            "{line} not said by serve: {}",
            s.before
        );
    }
    let study = s.study();
    let problems = study["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{study}");
    assert_eq!(
        (&problems[0]["line"], &problems[0]["kind"]),
        (&Value::from(1), &Value::from("error"))
    );
    assert_eq!(
        problems[0]["message"],
        "not a verdict: key must be a string (column 2 of the line)"
    );
    assert_eq!(
        (&problems[1]["line"], &problems[1]["kind"]),
        (&Value::from(2), &Value::from("warning"))
    );
    let (_, page) = s.get("/");
    assert!(page.contains("id=\"problems\""), "no notice on the page");
    assert!(page.contains(&escaped(&error)), "{error} not on the page");
    // Requests read nothing new: nothing said again.
    let (_, fragment) = s.get("/fragment/study");
    assert!(fragment.contains(&escaped(&error)));
    s.study();
    assert_eq!(s.stderr_since(), Vec::<String>::new());
    // The file edited: read again at the next request, its problems said once.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(s.corrections())
        .unwrap();
    f.write_all(b"{\"verdict\": \"add\", \"path\": \"nowhere.txt\", \"byte_start\": 1, \"byte_end\": 5, \"force\": \"anxiety\"}\n")
        .unwrap();
    drop(f);
    assert_eq!(s.study()["problems"].as_array().unwrap().len(), 3);
    s.get("/");
    let again = s.stderr_since();
    assert_eq!(
        again
            .iter()
            .filter(|l| l.contains(&format!("{file}:3: no file read has the path nowhere.txt")))
            .count(),
        1,
        "{again:#?}"
    );
    assert!(
        again[0].starts_with(&format!("error: {error}")),
        "{again:#?}"
    );
    // Fixed: the notice leaves the page.
    std::fs::remove_file(s.corrections()).unwrap();
    assert_eq!(s.study()["problems"], serde_json::json!([]));
    assert!(!s.get("/").1.contains("id=\"problems\""));
}
