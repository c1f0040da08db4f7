//! `jtbd index`: files -> interviews -> forces -> one index document per turn, incrementally.
//!
//! Each file gets a fingerprint of its bytes and of everything its documents depend on
//! (metadata from the manifest, reading options, the rule set). A file whose fingerprint the
//! index already holds is not parsed again; a changed one is replaced; a file the index holds
//! under a folder given but no longer on disk is removed. A file that cannot be read keeps what
//! the index had of it, and is reported.

use crate::cli::{IndexArgs, ReportFormat};
use crate::pipeline::{self, Notes, ReadSetup, Unread, file_of, problems, progress_bar_for};
use crate::wire::{Begin, Message, Summary, WireError, WireSkipped};
use anyhow::Context;
use jtbd_extract::{RuleSet, SpeakerFilter};
use jtbd_index::{Index, IndexError};
use jtbd_ingest::WalkItem;
use jtbd_model::{Force, Interview};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// What a run did.
pub struct IndexOutcome {
    /// Transcript files found (read, unchanged or failed).
    pub files: usize,
    /// Files that failed.
    pub errors: usize,
}

/// One walk item, processed on a worker.
enum Done {
    Indexed {
        path: String,
        fingerprint: String,
        docs: Vec<jtbd_index::Document>,
        turns: usize,
        bytes: u64,
        /// Which `--interviewer` names speak in it.
        interviewers: u64,
        /// What ingest noticed.
        noticed: Vec<String>,
    },
    Unchanged(String),
    Failed(WireError),
    Skipped(WireSkipped),
}

/// Runs `jtbd index`.
pub fn run(args: &IndexArgs, quiet: bool) -> anyhow::Result<IndexOutcome> {
    let started = Instant::now();
    let dir = &args.location.index;
    if args.rebuild {
        remove_index(dir)?;
    }
    let index = Index::open_or_create(dir, concat!("jtbd ", env!("CARGO_PKG_VERSION")))?;
    let mut writer = index.writer()?;
    let rules = RuleSet::load(args.rules.as_deref()).context("cannot load the extraction rules")?;
    let setup = ReadSetup::new(&args.read, quiet)?;
    let context = context(&setup, &rules);
    let known = writer.files().clone();
    let bar = progress_bar_for("indexing", quiet);
    let mut notes = Notes::new(&bar, quiet);
    let mut summary = Summary::default();
    let (mut errors, mut unchanged, mut seen) = (Vec::new(), 0usize, BTreeSet::new());
    let mut since_commit = 0u64;
    let mut named = 0u64;

    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Done>>(2);
    let (setup_ref, bar_ref, index_ref, rules_ref, known_ref, context_ref) =
        (&setup, &bar, &index, &rules, &known, &context);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        scope.spawn(move || {
            let meta = setup_ref.meta_canonical.as_deref();
            let filter = &setup_ref.filter;
            pipeline::produce(&args.read.paths, filter, meta, bar_ref, &tx, |item| {
                process(
                    item,
                    setup_ref,
                    index_ref,
                    rules_ref,
                    known_ref,
                    context_ref,
                )
            })
        });
        for done in rx.into_iter().flatten() {
            match done {
                Done::Indexed {
                    path,
                    fingerprint,
                    docs,
                    turns,
                    bytes,
                    interviewers,
                    noticed,
                } => {
                    named |= interviewers;
                    notes.read(&noticed);
                    summary.turns += turns;
                    summary.bytes += bytes;
                    writer.replace(&path, &fingerprint, docs)?;
                    seen.insert(path);
                    since_commit += bytes;
                    if since_commit >= args.commit_every {
                        writer.commit()?;
                        since_commit = 0;
                    }
                }
                Done::Unchanged(path) => {
                    notes.unchanged();
                    unchanged += 1;
                    seen.insert(path);
                }
                Done::Failed(e) => {
                    notes.error(&e);
                    seen.insert(e.path.clone());
                    errors.push(e);
                }
                Done::Skipped(s) => notes.skipped(&s),
            }
        }
        Ok(())
    })?;
    // Files the index holds under the paths given that the walk no longer finds.
    let roots = roots(&args.read.paths);
    let gone = writer.remove_gone(&roots, &seen);
    let total_files = writer.files().len();
    writer.finish()?;
    bar.finish_and_clear();
    notes.finish();
    summary.files = notes.files();
    summary.interviews = notes.read_count();
    summary.errors = notes.errors();
    summary.skipped = notes.skipped_count();
    // Only files read this run can show a name (unchanged ones are not parsed again).
    pipeline::warn_unseen_interviewers(&setup.opts.interviewers, named, summary.interviews);
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    let shown = jtbd_ingest::walk::display_path(dir);
    if args.format == ReportFormat::Jsonl {
        let mut out = std::io::stdout().lock();
        let mut line = |m: &Message<'_>| crate::emit::line(&mut out, m);
        line(&Message::Begin(Begin::new("index")))?;
        for e in &errors {
            line(&Message::Error(e))?;
        }
        line(&Message::IndexSummary(crate::wire::IndexSummary {
            index: shown.clone(),
            indexed: summary.interviews,
            unchanged,
            removed: gone.len(),
            files_in_index: total_files,
            turns: summary.turns,
            bytes: summary.bytes,
            errors: summary.errors,
            skipped: summary.skipped,
            elapsed_ms: summary.elapsed_ms,
        }))?;
        out.flush()?;
    }
    if !quiet {
        eprintln!(
            "indexed {} files ({} turns, {:.2} MB), {} unchanged, {} removed; {} files in {} ({:.2} s){}",
            summary.interviews,
            summary.turns,
            summary.bytes as f64 / 1e6,
            unchanged,
            gone.len(),
            total_files,
            shown,
            summary.elapsed_ms as f64 / 1e3,
            problems(summary.errors, summary.skipped),
        );
    }
    Ok(IndexOutcome {
        files: summary.files,
        errors: summary.errors,
    })
}

/// Deletes an index folder for `--rebuild`, but only one that is a jtbd index (or empty).
fn remove_index(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let is_index = dir.join(jtbd_index::store::VERSION_FILE).exists();
    let empty = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read", dir.display()))?
        .next()
        .is_none();
    if !is_index && !empty {
        return Err(IndexError::NotAnIndex(dir.to_path_buf()).into());
    }
    std::fs::remove_dir_all(dir).with_context(|| format!("{}: cannot remove", dir.display()))
}

/// Reads, fingerprints and, when it changed, parses one file and builds its documents.
fn process(
    item: &WalkItem,
    setup: &ReadSetup,
    index: &Index,
    rules: &RuleSet,
    known: &std::collections::BTreeMap<String, String>,
    context: &str,
) -> Done {
    let unread = |u| match u {
        Unread::Skipped(s) => Done::Skipped(s),
        Unread::Failed(e) => Done::Failed(e),
    };
    let (path, display, walked) = match file_of(item) {
        Ok(f) => f,
        Err(u) => return unread(u),
    };
    let bytes = match jtbd_ingest::read_bounded(path, setup.opts.max_file_bytes) {
        Ok(b) => b,
        Err(e) => return unread(pipeline::unread(display, walked, e)),
    };
    let extra = setup.manifest.as_ref().and_then(|m| m.lookup(display));
    let fingerprint = file_fingerprint(&bytes, context, extra);
    if known.get(display.as_str()) == Some(&fingerprint) {
        return Done::Unchanged(display.clone());
    }
    let size = bytes.len() as u64;
    match jtbd_ingest::parse_owned(bytes, display, &setup.opts, extra) {
        Ok(interview) => {
            let docs = index.documents(&interview, &turn_forces(&interview, rules));
            Done::Indexed {
                path: display.clone(),
                fingerprint,
                turns: docs.len(),
                docs,
                bytes: size,
                interviewers: pipeline::interviewers_seen(&interview, &setup.opts.interviewers),
                noticed: pipeline::file_notes(&interview),
            }
        }
        Err(e) => unread(pipeline::unread(display, walked, e)),
    }
}

/// The forces extraction finds in each turn (interviewees and unknown speakers, as `extract`).
fn turn_forces(interview: &Interview, rules: &RuleSet) -> Vec<Vec<Force>> {
    forces_by_turn(
        interview,
        &jtbd_extract::signals(interview, rules, SpeakerFilter::Interviewee),
    )
}

/// The forces of `signals` in each turn of `interview`.
pub fn forces_by_turn(interview: &Interview, signals: &[jtbd_model::Signal]) -> Vec<Vec<Force>> {
    let mut per_turn = vec![Vec::new(); interview.turns.len()];
    for s in signals {
        if let Some(t) = per_turn.get_mut(s.turn) {
            t.push(s.force);
        }
    }
    per_turn
}

/// Everything but the file and its metadata that decides its documents, hashed once (the rule
/// set's description is large; each file's fingerprint takes only this short digest).
pub fn context(setup: &ReadSetup, rules: &RuleSet) -> String {
    jtbd_index::fingerprint(
        format!(
            "{}\n{:?}\n{:?}\n{}",
            jtbd_index::SCHEMA_VERSION,
            setup.opts.format,
            setup.opts.interviewers,
            rules.fingerprint_text()
        )
        .as_bytes(),
        b"",
    )
}

/// A file's fingerprint: its bytes, its manifest row and the run's [`context`].
pub fn file_fingerprint(
    bytes: &[u8],
    context: &str,
    extra: Option<&std::collections::BTreeMap<String, String>>,
) -> String {
    jtbd_index::fingerprint(bytes, format!("{context}\n{extra:?}").as_bytes())
}

/// The roots of a walk as the index keys its files: display paths without a trailing `/`.
pub fn roots(paths: &[std::path::PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            jtbd_ingest::walk::display_path(p)
                .trim_end_matches('/')
                .to_owned()
        })
        .collect()
}
