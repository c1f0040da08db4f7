//! A verdict offered by the page: checked as the corrections file's lines are (the one parser
//! and the one sentence check of `jtbd_review`), and against the study (a known signal, a file
//! of the folder), then appended to the file as one line, and the findings derived again. A
//! verdict refused leaves the file as it was.

use super::state::Study;
use jtbd_review::{Corrections, Verdict};
use serde_json::{Map, Value};
use std::io::Write;

/// Why a verdict was not written: the HTTP status and a message for the reviewer.
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub message: String,
}

fn refused(status: u16, message: impl Into<String>) -> Refused {
    Refused {
        status,
        message: message.into(),
    }
}

/// Checks `body` (one JSON object as the file holds it, without `by` and `at`, which the server
/// gives), appends it and derives the study again; returns the line written and what was done.
pub fn offer(study: &mut Study, body: &[u8], by: Option<&str>) -> Result<(usize, String), Refused> {
    let mut fields: Map<String, Value> = serde_json::from_slice(body)
        .map_err(|e| refused(400, format!("not a JSON object: {e}")))?;
    for given in ["by", "at"] {
        if fields.contains_key(given) {
            return Err(refused(
                400,
                format!("\"{given}\" is written by the server (jtbd serve --by NAME), not sent"),
            ));
        }
    }
    if let Some(by) = by {
        fields.insert("by".into(), Value::from(by));
    }
    fields.insert("at".into(), Value::from(today()));
    // A JSON string never holds a raw line break, so this is one line.
    let line = Value::Object(fields).to_string();
    let parsed = Corrections::parse(&study.file, &line);
    if let Some(e) = parsed.errors.first() {
        return Err(refused(400, e.problem.clone()));
    }
    let Some(c) = parsed.verdicts.first() else {
        return Err(refused(400, "an empty verdict"));
    };
    let done = match &c.verdict {
        Verdict::Add {
            path,
            byte_start,
            byte_end,
            force,
        } => {
            let rel = path.to_string_lossy();
            let k = study.at(&rel).ok_or_else(|| {
                refused(
                    404,
                    format!("no transcript of the folder has the path \"{rel}\""),
                )
            })?;
            jtbd_review::sentence_at(&study.loaded[k].interview, *byte_start, *byte_end)
                .map_err(|p| refused(422, format!("{rel}: {p}")))?;
            format!(
                "added {rel} bytes {byte_start}..{byte_end} as {}",
                force.as_str()
            )
        }
        v => {
            let id = v.signal().unwrap_or_default();
            if !study.knows(id) {
                return Err(refused(
                    404,
                    format!(
                        "no signal has the id \"{id}\" (reload the page: the study may have changed)"
                    ),
                ));
            }
            match v {
                Verdict::Recode { force, .. } => format!("recoded {id} as {}", force.as_str()),
                Verdict::Reject { .. } => format!("rejected {id}"),
                _ => format!("accepted {id}"),
            }
        }
    };
    append(&study.file, &line)
        .map_err(|e| refused(500, format!("{}: cannot write: {e}", study.file.display())))?;
    study
        .derive()
        .map_err(|e| refused(500, format!("the verdict was written, but: {e:#}")))?;
    let at = study.corrections.verdicts.last().map_or(0, |c| c.line);
    Ok((at, format!("{done} ({} line {at})", study.file.display())))
}

/// Appends `line` to `file` (made when missing), on a line of its own even when the file's
/// last line has no line break.
fn append(file: &std::path::Path, line: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(file)?;
    let len = f.metadata()?.len();
    let mut text = String::with_capacity(line.len() + 2);
    if len > 0 {
        use std::io::{Read, Seek, SeekFrom};
        let mut last = [0u8; 1];
        f.seek(SeekFrom::Start(len - 1))?;
        f.read_exact(&mut last)?;
        if last[0] != b'\n' {
            text.push('\n');
        }
    }
    text.push_str(line);
    text.push('\n');
    // One write of the whole line: an append-mode write is not interleaved with another's.
    f.write_all(text.as_bytes())?;
    f.flush()
}

/// Today's date (UTC) as `YYYY-MM-DD`, the `at` of a verdict.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    jtbd_report::qdpx::date(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_calendar_date() {
        let t = today();
        assert_eq!(t.len(), 10, "{t}");
        assert!(t.as_bytes()[..4].iter().all(u8::is_ascii_digit), "{t}");
        assert_eq!((&t[4..5], &t[7..8]), ("-", "-"), "{t}");
    }

    #[test]
    fn an_appended_line_starts_a_line_of_its_own() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("c.jsonl");
        append(&f, "{\"a\":1}").unwrap();
        std::fs::write(&f, "{\"a\":1}").unwrap();
        append(&f, "{\"b\":2}").unwrap();
        append(&f, "{\"c\":3}").unwrap();
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"
        );
    }
}
