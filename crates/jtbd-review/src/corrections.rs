//! `corrections.jsonl`: one verdict a line.
//!
//! ```text
//! {"signal": "s1f2e3d4c5b6a7980", "verdict": "reject"}
//! {"signal": "s1f2e3d4c5b6a7980", "verdict": "recode", "force": "frustration"}
//! {"verdict": "add", "path": "calls/ciso.vtt", "byte_start": 120, "byte_end": 188, "force": "anxiety"}
//! {"signal": "s1f2e3d4c5b6a7980", "verdict": "accept", "by": "dana", "at": "2026-12-06", "note": "clear"}
//! ```
//!
//! Blank lines are skipped. Every other line is a verdict or an error naming the line.

use jtbd_model::Force;
use serde::Deserialize;
use std::path::{Component, Path, PathBuf};

/// What a reviewer said of a signal.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The signal is right.
    Accept { signal: String },
    /// The signal is wrong: it leaves every output.
    Reject { signal: String },
    /// The sentence carries another force.
    Recode { signal: String, force: Force },
    /// A signal the rules missed: an interviewee's words at this place of this file (relative to
    /// the folder analysed).
    Add {
        path: PathBuf,
        byte_start: usize,
        byte_end: usize,
        force: Force,
    },
}

impl Verdict {
    /// What the verdict is about, as one key: the signal's id, or an addition's place
    /// (`path:start-end`). Two verdicts with the same key judge the same item.
    pub fn item(&self) -> String {
        match self {
            Verdict::Add {
                path,
                byte_start,
                byte_end,
                ..
            } => format!("{}:{byte_start}-{byte_end}", path.display()),
            v => v.signal().unwrap_or_default().to_owned(),
        }
    }

    /// The signal it speaks of, for all but an addition.
    pub fn signal(&self) -> Option<&str> {
        match self {
            Verdict::Accept { signal }
            | Verdict::Reject { signal }
            | Verdict::Recode { signal, .. } => Some(signal),
            Verdict::Add { .. } => None,
        }
    }

    /// The force the reviewer gives the sentence: `None` for a rejection (no force), the rules'
    /// force (`found`) for an acceptance.
    pub fn force(&self, found: Force) -> Option<Force> {
        match self {
            Verdict::Accept { .. } => Some(found),
            Verdict::Reject { .. } => None,
            Verdict::Recode { force, .. } | Verdict::Add { force, .. } => Some(*force),
        }
    }
}

/// One line of the file: the verdict and what the reviewer added to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub verdict: Verdict,
    /// Who gave it (`by`), when (`at`, as written) and why (`note`), kept as given.
    pub by: Option<String>,
    pub at: Option<String>,
    pub note: Option<String>,
    /// 1-based line in the file.
    pub line: usize,
}

/// A line that is not a verdict.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}:{line}: {problem}", file.display())]
pub struct CorrectionError {
    pub file: PathBuf,
    pub line: usize,
    pub problem: String,
}

/// Every verdict of a file, in file order, and the lines that are not verdicts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Corrections {
    pub file: PathBuf,
    pub verdicts: Vec<Correction>,
    pub errors: Vec<CorrectionError>,
    /// Each signal id's verdicts, by index in `verdicts`, in file order (the last one counts).
    by_id: std::collections::BTreeMap<String, Vec<usize>>,
}

/// A line as written, before it is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    verdict: String,
    signal: Option<String>,
    force: Option<String>,
    path: Option<String>,
    byte_start: Option<usize>,
    byte_end: Option<usize>,
    by: Option<String>,
    at: Option<String>,
    note: Option<String>,
}

impl Corrections {
    /// Reads `text` (the contents of `file`). Never fails: a bad line is an error in `errors`.
    pub fn parse(file: &Path, text: &str) -> Corrections {
        let mut out = Corrections {
            file: file.to_path_buf(),
            ..Corrections::default()
        };
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            // A byte-order mark before the first line is the editor's, not the verdict's.
            let raw = if i == 0 {
                raw.trim_start_matches('\u{feff}')
            } else {
                raw
            };
            if raw.trim().is_empty() {
                continue;
            }
            match verdict(raw) {
                Ok((verdict, l)) => {
                    if let Some(id) = verdict.signal() {
                        let at = out.verdicts.len();
                        out.by_id.entry(id.to_owned()).or_default().push(at);
                    }
                    out.verdicts.push(Correction {
                        verdict,
                        by: l.by,
                        at: l.at,
                        note: l.note,
                        line,
                    })
                }
                Err(problem) => out.errors.push(CorrectionError {
                    file: file.to_path_buf(),
                    line,
                    problem,
                }),
            }
        }
        out
    }

    /// The last verdict of a signal, by id (a later line overrides an earlier one; with several
    /// reviewers, the last line wins).
    pub fn latest(&self, signal: &str) -> Option<&Correction> {
        self.latest_index(signal).map(|k| &self.verdicts[k])
    }

    /// [`Corrections::latest`] as an index into `verdicts`.
    pub fn latest_index(&self, signal: &str) -> Option<usize> {
        self.of_signal(signal).last().copied()
    }

    /// Every verdict on a signal, by index into `verdicts`, in file order.
    pub fn of_signal(&self, signal: &str) -> &[usize] {
        self.by_id.get(signal).map_or(&[], Vec::as_slice)
    }
}

fn verdict(raw: &str) -> Result<(Verdict, Line), String> {
    let l: Line =
        serde_json::from_str(raw).map_err(|e| format!("not a verdict: {}", json_error(&e)))?;
    let force = |l: &Line| -> Result<Force, String> {
        let name = l
            .force
            .as_deref()
            .ok_or_else(|| format!("a \"{}\" needs a \"force\"", l.verdict))?;
        Force::parse(name).ok_or_else(|| {
            format!(
                "unknown force \"{name}\" (one of {})",
                Force::ALL.map(Force::as_str).join(", ")
            )
        })
    };
    let signal = |l: &Line| -> Result<String, String> {
        match l.signal.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => Ok(s.to_owned()),
            _ => Err(format!("a \"{}\" needs a \"signal\" id", l.verdict)),
        }
    };
    let v = match l.verdict.as_str() {
        "accept" => Verdict::Accept {
            signal: signal(&l)?,
        },
        "reject" => Verdict::Reject {
            signal: signal(&l)?,
        },
        "recode" => Verdict::Recode {
            signal: signal(&l)?,
            force: force(&l)?,
        },
        "add" => {
            if l.signal.is_some() {
                return Err("an \"add\" names a place, not a \"signal\"".to_owned());
            }
            let path = l
                .path
                .as_deref()
                .ok_or("an \"add\" needs a \"path\" relative to the folder")?;
            let path = inside(path)?;
            let (Some(byte_start), Some(byte_end)) = (l.byte_start, l.byte_end) else {
                return Err("an \"add\" needs \"byte_start\" and \"byte_end\"".to_owned());
            };
            if byte_start >= byte_end {
                return Err(format!(
                    "\"byte_start\" {byte_start} is not before \"byte_end\" {byte_end}"
                ));
            }
            Verdict::Add {
                path,
                byte_start,
                byte_end,
                force: force(&l)?,
            }
        }
        other => {
            return Err(format!(
                "unknown verdict \"{other}\" (one of accept, reject, recode, add)"
            ));
        }
    };
    Ok((v, l))
}

/// serde's message without its "at line 1 column N": a line of the file is parsed alone, so
/// its line 1 is not the file's. A syntax error keeps its place as the column of the line; a
/// wrong or missing field is named by the message itself.
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let place = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&place).unwrap_or(&text);
    match e.classify() {
        serde_json::error::Category::Syntax if e.column() > 0 => {
            format!("{message} (column {} of the line)", e.column())
        }
        _ => message.to_owned(),
    }
}

/// A path relative to the folder and inside it: no root, no drive, no `..`.
fn inside(path: &str) -> Result<PathBuf, String> {
    let p = Path::new(path);
    let absolute = p.has_root()
        || matches!(p.components().next(), Some(Component::Prefix(_)))
        // A Windows drive or UNC path read on another system: still the machine's, not the folder's.
        || path.starts_with("\\\\")
        || path.as_bytes().get(1..3).is_some_and(|b| b[0] == b':' && (b[1] == b'\\' || b[1] == b'/'));
    if absolute {
        return Err(format!(
            "\"path\" {path:?} is an absolute path: give it relative to the folder"
        ));
    }
    let ok = !path.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if ok {
        // `./calls/x.vtt` names `calls/x.vtt`: paths are compared component by component.
        Ok(p.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect())
    } else {
        Err(format!(
            "\"path\" {path:?} is not inside the folder (give it relative to the folder, without ..)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Corrections {
        Corrections::parse(Path::new("corrections.jsonl"), text)
    }

    #[test]
    fn every_verdict_reads_with_what_the_reviewer_added() {
        let c = parse(concat!(
            "{\"signal\": \"s1\", \"verdict\": \"reject\"}\n",
            "\n",
            "{\"signal\": \"s2\", \"verdict\": \"recode\", \"force\": \"frustration\", \"by\": \"dana\"}\n",
            "{\"verdict\": \"add\", \"path\": \"calls/ciso.vtt\", \"byte_start\": 10, \"byte_end\": 40, \"force\": \"anxiety\", \"note\": \"missed\"}\n",
            "{\"signal\": \"s3\", \"verdict\": \"accept\", \"at\": \"2026-12-06\"}\n",
        ));
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        let v: Vec<&Verdict> = c.verdicts.iter().map(|c| &c.verdict).collect();
        assert_eq!(
            v,
            [
                &Verdict::Reject {
                    signal: "s1".into()
                },
                &Verdict::Recode {
                    signal: "s2".into(),
                    force: Force::Frustration
                },
                &Verdict::Add {
                    path: "calls/ciso.vtt".into(),
                    byte_start: 10,
                    byte_end: 40,
                    force: Force::Anxiety
                },
                &Verdict::Accept {
                    signal: "s3".into()
                },
            ]
        );
        assert_eq!(c.verdicts[1].by.as_deref(), Some("dana"));
        assert_eq!(c.verdicts[2].note.as_deref(), Some("missed"));
        assert_eq!(c.verdicts[3].at.as_deref(), Some("2026-12-06"));
        assert_eq!(
            c.verdicts.iter().map(|c| c.line).collect::<Vec<_>>(),
            [1, 3, 4, 5]
        );
    }

    #[test]
    fn a_bad_line_is_reported_by_line_and_the_rest_still_count() {
        let c = parse(concat!(
            "{\"signal\": \"s1\", \"verdict\": \"reject\"}\n",
            "{not json\n",
            "{\"signal\": \"s2\", \"verdict\": \"recode\", \"force\": \"rage\"}\n",
            "{\"signal\": \"s2\", \"verdict\": \"recode\"}\n",
            "{\"verdict\": \"reject\"}\n",
            "{\"signal\": \"s2\", \"verdict\": \"maybe\"}\n",
            "{\"verdict\": \"add\", \"path\": \"../secret.txt\", \"byte_start\": 1, \"byte_end\": 5, \"force\": \"anxiety\"}\n",
            "{\"verdict\": \"add\", \"path\": \"/etc/passwd\", \"byte_start\": 1, \"byte_end\": 5, \"force\": \"anxiety\"}\n",
            "{\"verdict\": \"add\", \"path\": \"a.txt\", \"byte_start\": 9, \"byte_end\": 5, \"force\": \"anxiety\"}\n",
            "{\"signal\": \"s1\", \"verdict\": \"accept\", \"colour\": \"red\"}\n",
            "{\"signal\": \"s4\", \"verdict\": \"accept\"}\n",
        ));
        let lines: Vec<usize> = c.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 7, 8, 9, 10]);
        let text: Vec<String> = c.errors.iter().map(ToString::to_string).collect();
        // serde's own "at line 1 column 2" would contradict the file's line 2.
        assert_eq!(
            text[0],
            "corrections.jsonl:2: not a verdict: key must be a string (column 2 of the line)"
        );
        assert!(text[1].contains("unknown force \"rage\""), "{}", text[1]);
        assert!(text[2].contains("needs a \"force\""), "{}", text[2]);
        assert!(text[3].contains("needs a \"signal\""), "{}", text[3]);
        assert!(text[4].contains("unknown verdict \"maybe\""), "{}", text[4]);
        assert!(text[5].contains("not inside the folder"), "{}", text[5]);
        assert!(
            text[6].ends_with(
                "\"path\" \"/etc/passwd\" is an absolute path: give it relative to the folder"
            ),
            "{}",
            text[6]
        );
        assert!(text[7].contains("not before"), "{}", text[7]);
        assert!(text[8].contains("unknown field `colour`"), "{}", text[8]);
        assert!(!text[8].contains("at line 1"), "{}", text[8]);
        assert_eq!(c.verdicts.len(), 2);
        assert_eq!(c.latest("s4").map(|c| c.line), Some(11));
        let dotted = parse(
            r#"{"verdict": "add", "path": "./calls/x.vtt", "byte_start": 1, "byte_end": 5, "force": "anxiety"}"#,
        );
        assert!(
            matches!(&dotted.verdicts[0].verdict, Verdict::Add { path, .. } if path == Path::new("calls/x.vtt"))
        );
        for absolute in [r"C:\\calls\\x.vtt", r"\\\\server\\x.vtt", "D:/x.vtt"] {
            let c = parse(&format!(
                r#"{{"verdict": "add", "path": {absolute:?}, "byte_start": 1, "byte_end": 5, "force": "anxiety"}}"#
            ));
            assert!(
                c.errors[0].problem.contains("is an absolute path"),
                "{:?}",
                c.errors
            );
        }
    }

    #[test]
    fn the_last_verdict_of_a_signal_wins() {
        let c = parse(concat!(
            "\u{feff}{\"signal\": \"s1\", \"verdict\": \"reject\"}\n",
            "{\"signal\": \"s1\", \"verdict\": \"accept\"}\n",
        ));
        assert!(c.errors.is_empty());
        assert_eq!(
            c.latest("s1").map(|c| &c.verdict),
            Some(&Verdict::Accept {
                signal: "s1".into()
            })
        );
        assert!(c.latest("s9").is_none());
    }

    proptest::proptest! {
        /// Any text: every non-blank line is either a verdict or an error, never both, never
        /// lost, and nothing panics.
        #[test]
        fn every_line_is_a_verdict_or_an_error(text in "(?s).{0,400}") {
            let c = parse(&text);
            let lines = text.lines().enumerate()
                .filter(|(i, l)| !(if *i == 0 { l.trim_start_matches('\u{feff}') } else { l }).trim().is_empty())
                .count();
            proptest::prop_assert_eq!(c.verdicts.len() + c.errors.len(), lines);
        }
    }
}
