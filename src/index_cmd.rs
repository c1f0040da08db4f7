//! `jtbd index`: files -> interviews -> forces -> one index document per turn, incrementally.
//!
//! Each file gets a fingerprint of its bytes and of everything its documents depend on
//! (metadata from the manifest, reading options, the rule set). A file whose fingerprint the
//! index already holds is not parsed again; a changed one is replaced; a file the index holds
//! under a folder given but no longer on disk is removed. A file that cannot be read keeps what
//! the index had of it, and is reported.

use crate::cli::{IndexArgs, ReportFormat};
use crate::identity::Roots;
use crate::pipeline::{self, Done, Notes, ReadSetup, problems, progress_bar_for};
use crate::wire::Summary;
use anyhow::Context;
use jtbd_extract::{RuleSet, SpeakerFilter};
use jtbd_index::{Index, IndexError};
use jtbd_ingest::WalkItem;
use jtbd_model::{Force, Interview};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

/// What a run did.
pub struct IndexOutcome {
    /// Transcript files found (read, unchanged or failed).
    pub files: usize,
    /// Files that failed, and lines of the corrections file the run could not use.
    pub errors: usize,
}

/// What the pass did for the index with one file: its key ([`crate::identity`]), its
/// fingerprint, and its documents when it changed (`None`: the index holds it already).
/// `jtbd analyze` keeps its index with the same.
pub struct Indexed {
    pub key: String,
    pub fingerprint: String,
    pub docs: Option<Vec<jtbd_index::Document>>,
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
    let roots = &setup.roots;
    let bar = progress_bar_for("indexing", quiet);
    let mut notes = Notes::new(&bar, quiet);
    let mut summary = Summary::default();
    let (mut errors, mut unchanged, mut seen) = (Vec::new(), 0usize, BTreeSet::new());
    let mut since_commit = 0u64;
    pipeline::consume(
        &args.read.paths,
        &setup,
        &bar,
        &mut notes,
        |item| process(item, &setup, &index, &rules, &known, &context, roots),
        |done| {
            match done {
                Done::Read {
                    made: (file, bytes),
                    ..
                } => {
                    if let Some(docs) = file.docs {
                        summary.turns += docs.len();
                        writer.replace(&file.key, &file.fingerprint, docs)?;
                    }
                    summary.bytes += bytes;
                    seen.insert(file.key);
                    since_commit += bytes;
                    if since_commit >= args.commit_every {
                        writer.commit()?;
                        since_commit = 0;
                    }
                }
                Done::Unchanged((file, _)) => {
                    unchanged += 1;
                    seen.insert(file.key);
                }
                Done::Failed(e) => {
                    seen.insert(roots.key(Path::new(&e.path)));
                    errors.push(e);
                }
                Done::Skipped(_) => {}
            }
            Ok(())
        },
    )?;
    // Files the index holds under the paths given that the walk no longer finds.
    let gone = writer.remove_gone(&roots.keys(), &seen);
    let total_files = writer.files().len();
    writer.finish()?;
    summary.files = notes.files();
    summary.interviews = notes.read_count();
    // Verdicts the pass could not use; unchanged files were not read, so an id of theirs is not
    // "unmatched".
    let review_errors = setup
        .review
        .as_ref()
        .map_or(0, |r| r.finish(unchanged == 0));
    summary.errors = notes.errors();
    summary.skipped = notes.skipped_count();
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    let shown = jtbd_ingest::walk::display_path(dir);
    if args.format == ReportFormat::Jsonl {
        let report = crate::wire::IndexSummary {
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
        };
        crate::emit::index_report(&mut std::io::stdout().lock(), &errors, report)?;
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
        errors: summary.errors + review_errors,
    })
}

/// Deletes an index folder for `--rebuild`, but only one that is a jtbd index (or empty).
pub fn remove_index(dir: &Path) -> anyhow::Result<()> {
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

/// Reads, fingerprints and, when it changed, parses one file and builds its documents; with
/// the file's size.
fn process(
    item: &WalkItem,
    setup: &ReadSetup,
    index: &Index,
    rules: &RuleSet,
    known: &std::collections::BTreeMap<String, String>,
    context: &str,
    roots: &Roots,
) -> Done<(Indexed, u64)> {
    let bytes = match pipeline::FileBytes::read(item, setup) {
        Ok(b) => b,
        Err(u) => return u.into(),
    };
    let size = bytes.bytes.len() as u64;
    let mut file = Indexed {
        key: roots.key(bytes.path),
        fingerprint: bytes.fingerprint(context, &setup.roots),
        docs: None,
    };
    if known.get(&file.key) == Some(&file.fingerprint) {
        return Done::Unchanged((file, size));
    }
    match bytes.parse(setup) {
        Ok(interview) => {
            let found = jtbd_extract::signals(&interview, rules, SpeakerFilter::Interviewee);
            let found = pipeline::corrected(&interview, item, setup, found);
            file.docs = Some(index.documents(&interview, &forces_by_turn(&interview, &found)));
            Done::Read {
                made: (file, size),
                named: pipeline::interviewers_seen(&interview, &setup.opts.interviewers),
                noticed: pipeline::file_notes(&interview),
            }
        }
        Err(u) => u.into(),
    }
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
/// set's description is large; each file's fingerprint takes only this short digest): the
/// program's version (a new reader, splitter or extractor makes every file stale), the schema,
/// the reading options and the rules, each written in a stable form (JSON, the rules' own
/// text), never `Debug` output.
pub fn context(setup: &ReadSetup, rules: &RuleSet) -> String {
    let options = serde_json::json!({
        "program": concat!("jtbd ", env!("CARGO_PKG_VERSION")),
        "schema": jtbd_index::SCHEMA_VERSION,
        "format": setup.opts.format.map(|f| f.as_str()),
        "interviewers": setup.opts.interviewers,
        "study_hosts": setup.opts.study_hosts,
        "corrections": setup.review.as_ref().map(|r| r.digest.as_str()),
        // Interview ids made of the path below the folder (`Roots::id_path`), not as typed.
        "ids": "below-root",
    });
    let mut text = options.to_string().into_bytes();
    text.push(b'\n');
    text.extend_from_slice(rules.fingerprint_text().as_bytes());
    jtbd_index::fingerprint(&text, b"")
}

/// A file's fingerprint: its bytes, its manifest row (as JSON), the run's [`context`] and the
/// path its interview id is made of (`Roots::id_path`: the same file walked from other roots
/// can get another id, and its documents must then carry it).
pub fn file_fingerprint(
    bytes: &[u8],
    context: &str,
    extra: Option<&std::collections::BTreeMap<String, String>>,
    id_path: &str,
) -> String {
    let row = serde_json::to_string(&extra).unwrap_or_default();
    jtbd_index::fingerprint(bytes, format!("{context}\n{row}\n{id_path}").as_bytes())
}
