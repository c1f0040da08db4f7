//! The research team's verdicts applied where signals are found: `corrections.jsonl` at the root
//! of the folder read (or `--corrections FILE`) is loaded once with the reading setup, applied
//! to each interview's signals on the workers (`jtbd_review`), and what it could not use is
//! reported when the pass is over: a line that is not a verdict, an id that names no signal
//! found (the transcript changed), an added place that is not an interviewee's sentence. The
//! file is the only state: without it the outputs are as before.

use jtbd_model::{Interview, Signal};
use jtbd_review::{CorrectionError, Corrections, Heard, Severity};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The file's name at the root of a folder.
pub const FILE_NAME: &str = "corrections.jsonl";

/// A corrections file in use during one pass.
pub struct Review {
    pub corrections: Corrections,
    /// The folder `add` paths are relative to.
    root: PathBuf,
    /// The file, canonical: never read as a transcript.
    canonical: Option<PathBuf>,
    /// Which verdicts named something, set by the workers.
    used: Vec<AtomicBool>,
    /// Additions that name no interviewee sentence.
    problems: Mutex<Vec<CorrectionError>>,
    /// A digest of the file: part of the index's context, so new verdicts re-read the files.
    pub digest: String,
}

impl Review {
    /// `--corrections FILE`, else `corrections.jsonl` in the first folder given when there is
    /// one; `None` without either. A named file that cannot be read is an error.
    pub fn load(named: Option<&Path>, paths: &[PathBuf]) -> anyhow::Result<Option<Review>> {
        let (file, root) = match named {
            Some(f) => {
                let root = paths
                    .iter()
                    .find(|p| p.is_dir())
                    .cloned()
                    .or_else(|| f.parent().map(Path::to_path_buf))
                    .unwrap_or_default();
                (f.to_path_buf(), root)
            }
            None => match paths.iter().find(|p| p.is_dir()) {
                Some(dir) if dir.join(FILE_NAME).is_file() => (dir.join(FILE_NAME), dir.clone()),
                _ => return Ok(None),
            },
        };
        let text = std::fs::read_to_string(&file).map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot read the verdicts: {e} (one JSON object a line, see docs/review.md)",
                file.display()
            )
        })?;
        let corrections = Corrections::parse(&file, &text);
        let used = corrections
            .verdicts
            .iter()
            .map(|_| AtomicBool::new(false))
            .collect();
        Ok(Some(Review {
            digest: jtbd_index::fingerprint(text.as_bytes(), b""),
            canonical: file.canonicalize().ok(),
            corrections,
            root,
            used,
            problems: Mutex::new(Vec::new()),
        }))
    }

    /// Whether `path` is this file (left out of the walk, as a manifest is).
    pub fn is_file(&self, path: &Path) -> bool {
        self.canonical
            .as_deref()
            .is_some_and(|c| path.canonicalize().is_ok_and(|p| p == c))
    }

    /// `path` (as walked) relative to the folder the additions name places in.
    pub fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// `found` in `i` (read from `path`) after the verdicts.
    pub fn apply(&self, i: &Interview, path: &Path, found: Vec<Signal>) -> Vec<Signal> {
        let rel = self.relative(path);
        let mut used = vec![false; self.used.len()];
        let applied = self.corrections.apply(i, rel, found, &mut used);
        for (k, u) in used.into_iter().enumerate() {
            if u {
                self.used[k].store(true, Ordering::Relaxed);
            }
        }
        if !applied.problems.is_empty() {
            self.problems
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(applied.problems);
        }
        applied.signals
    }

    /// What the pass made of the verdicts so far: which named something read, which additions
    /// were refused (the agreement counts only the additions that applied).
    pub fn heard(&self) -> Heard {
        let used: Vec<bool> = self
            .used
            .iter()
            .map(|u| u.load(Ordering::Relaxed))
            .collect();
        let refused = self
            .problems
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut heard = Heard::new(&self.corrections);
        heard.hear(&used, refused);
        heard
    }

    /// Reports on stderr what the pass could not use, in line order; returns how many are
    /// errors: lines that are not verdicts and additions that name no interviewee sentence. A
    /// verdict that named nothing read (the transcript changed, or the run read only some files)
    /// is a warning. `all_read`: every file was read this pass (an index run that skips
    /// unchanged files does not see their signals, so it cannot tell which verdicts name nothing).
    pub fn finish(&self, all_read: bool) -> usize {
        report(&self.heard().problems(&self.corrections, all_read))
    }
}

/// Prints the problems of a corrections file on stderr, one a line (`error: FILE:LINE: ...`,
/// `warning: FILE:LINE: ...`); returns how many are errors.
pub fn report(problems: &[jtbd_review::Problem]) -> usize {
    for p in problems {
        eprintln!("{p}");
    }
    problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count()
}

/// The verdicts of a command whose point they are (`jtbd review stats`, `jtbd rules tune`): the
/// file the reading setup loaded, or an error saying where it was looked for.
pub fn required<'s>(
    setup: &'s crate::pipeline::ReadSetup,
    paths: &[PathBuf],
) -> anyhow::Result<&'s Review> {
    setup.review.as_ref().ok_or_else(|| match paths.iter().find(|p| p.is_dir()) {
        Some(dir) => anyhow::anyhow!(
            "{}: cannot read the verdicts: no such file (write one JSON object a line there, see `jtbd review stats --help`, or give --corrections FILE)",
            dir.join(FILE_NAME).display()
        ),
        None => anyhow::anyhow!("give a folder, or the verdicts with --corrections FILE"),
    })
}
