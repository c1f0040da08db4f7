//! What one pass over a folder made of a corrections file: which verdicts named something read
//! (a signal found, a file read), which additions were refused (not one sentence of an
//! interviewee), and from that the file's problems, in line order. Every command that applies
//! the verdicts (`extract`, `stories`, `index`, `analyze`, `review stats`, `serve`) reports
//! them from here, and the agreement counts only the additions that applied.

use crate::corrections::{CorrectionError, Corrections, Verdict};
use std::collections::BTreeSet;

/// How bad a problem of the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// A line the run cannot use as written (not a verdict, an addition refused): the run
    /// fails (exit 2).
    Error,
    /// A verdict that named nothing read (the transcript changed, or the file was not read).
    Warning,
}

impl Severity {
    /// `error` or `warning`, as printed and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem of the file: `error: FILE:LINE: problem` or `warning: FILE:LINE: ...`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: {error}", severity.as_str())]
pub struct Problem {
    pub severity: Severity,
    pub error: CorrectionError,
}

/// What a pass made of each verdict, by index into [`Corrections::verdicts`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heard {
    /// The verdict named something read: a signal found, or (an addition) a file read.
    pub used: Vec<bool>,
    /// Additions to a file read that are not one sentence of an interviewee.
    pub refused: Vec<CorrectionError>,
}

impl Heard {
    /// Nothing heard yet of `corrections`.
    pub fn new(corrections: &Corrections) -> Heard {
        Heard {
            used: vec![false; corrections.verdicts.len()],
            refused: Vec::new(),
        }
    }

    /// Adds what one interview heard: `used` as [`Corrections::apply`] set it, `refused` its
    /// [`crate::Applied::problems`].
    pub fn hear(&mut self, used: &[bool], refused: Vec<CorrectionError>) {
        if self.used.len() < used.len() {
            self.used.resize(used.len(), false);
        }
        for (u, &now) in self.used.iter_mut().zip(used) {
            *u |= now;
        }
        self.refused.extend(refused);
    }

    /// Per verdict: an addition that applied, one interviewee sentence of a file read (the
    /// signal `extract` adds). Every other verdict is `false`.
    pub fn applied_additions(&self, corrections: &Corrections) -> Vec<bool> {
        let refused: BTreeSet<usize> = self.refused.iter().map(|e| e.line).collect();
        corrections
            .verdicts
            .iter()
            .enumerate()
            .map(|(k, c)| {
                matches!(c.verdict, Verdict::Add { .. })
                    && self.used.get(k).copied().unwrap_or(false)
                    && !refused.contains(&c.line)
            })
            .collect()
    }

    /// The file's problems, in line order: lines that are not verdicts and refused additions
    /// (errors), then, when `all_read` (every file was read this pass: a run that skips
    /// unchanged files cannot tell), verdicts that named nothing read (warnings).
    pub fn problems(&self, corrections: &Corrections, all_read: bool) -> Vec<Problem> {
        let problem = |severity, error: &CorrectionError| Problem {
            severity,
            error: error.clone(),
        };
        let mut all: Vec<Problem> = corrections
            .errors
            .iter()
            .chain(&self.refused)
            .map(|e| problem(Severity::Error, e))
            .collect();
        if all_read {
            for (k, c) in corrections.verdicts.iter().enumerate() {
                if self.used.get(k).copied().unwrap_or(false) {
                    continue;
                }
                let problem = match &c.verdict {
                    Verdict::Add { path, .. } => format!(
                        "no file read has the path {} (the file was moved, renamed or left out of the run)",
                        path.display()
                    ),
                    v => format!(
                        "no signal found has the id {} (the transcript, the rules, the folder's name or the file's place in it changed since the verdict, or the file was not read)",
                        v.signal().unwrap_or_default()
                    ),
                };
                all.push(Problem {
                    severity: Severity::Warning,
                    error: CorrectionError {
                        file: corrections.file.clone(),
                        line: c.line,
                        problem,
                    },
                });
            }
        }
        all.sort_by_key(|p| (p.error.line, p.severity));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn problems_come_in_line_order_and_name_what_was_not_found() {
        let c = Corrections::parse(
            Path::new("c.jsonl"),
            concat!(
                "{\"signal\": \"s1\", \"verdict\": \"accept\"}\n",
                "{broken\n",
                "{\"verdict\": \"add\", \"path\": \"gone.txt\", \"byte_start\": 1, \"byte_end\": 5, \"force\": \"anxiety\"}\n",
                "{\"verdict\": \"add\", \"path\": \"a.txt\", \"byte_start\": 1, \"byte_end\": 5, \"force\": \"anxiety\"}\n",
                "{\"verdict\": \"add\", \"path\": \"a.txt\", \"byte_start\": 7, \"byte_end\": 9, \"force\": \"anxiety\"}\n",
                "{\"signal\": \"s2\", \"verdict\": \"reject\"}\n",
            ),
        );
        let mut heard = Heard::new(&c);
        // One interview: a.txt, whose first addition is refused; s2 was found.
        heard.hear(
            &[false, false, true, true, true],
            vec![CorrectionError {
                file: c.file.clone(),
                line: 4,
                problem: "a.txt: not one sentence".into(),
            }],
        );
        let text: Vec<String> = heard
            .problems(&c, true)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            text,
            [
                "warning: c.jsonl:1: no signal found has the id s1 (the transcript, the rules, the folder's name or the file's place in it changed since the verdict, or the file was not read)",
                "error: c.jsonl:2: not a verdict: key must be a string (column 2 of the line)",
                "warning: c.jsonl:3: no file read has the path gone.txt (the file was moved, renamed or left out of the run)",
                "error: c.jsonl:4: a.txt: not one sentence",
            ]
        );
        assert_eq!(heard.problems(&c, false).len(), 2, "errors only");
        assert_eq!(
            heard.applied_additions(&c),
            [false, false, false, true, false]
        );
    }
}
