//! The read pipeline every command that reads transcripts shares: walk the paths, read and
//! render each file on the rayon pool, write the results to stdout in walk order, report
//! errors and skipped files, close with a summary.

use crate::cli::ReadArgs;
use crate::emit::Render;
use crate::wire::{Summary, WireError, WireSkipped};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jtbd_ingest::{IngestError, Options, WalkItem};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

/// Files read in parallel before their results are handed on, in order. Bounds memory: up to
/// four batches are in flight (one walked, one read, two waiting), each file with its text,
/// signals and index documents; at a gigabyte of transcripts 256 held about 55 MB more than 64
/// did, for no gain in speed on two cores, and with 64 the read pass peaked at 300 MB, with 32
/// under the stories' peak (about 290 MB).
const BATCH: usize = 32;

/// Files the first pass of [`ReadSetup::study_hosts`] reads at most: all of a study this size,
/// a fixed sample of a larger one (whose hosts host dozens of files), so the pass costs at most
/// a few MB of parsing however large the study.
const STUDY_SAMPLE: u64 = 512;

/// Diagnostics of one kind printed one by one before they are only counted.
const MAX_NOTES: usize = 20;

/// What a worker made of one walk item, handed to the consumer in walk order by [`consume`].
pub enum Done<T> {
    /// A file read: what the command made of it, which `--interviewer` names speak in it (bit
    /// i for name i, [`interviewers_seen`]) and what ingest noticed ([`file_notes`]).
    Read {
        made: T,
        named: u64,
        noticed: Vec<String>,
    },
    /// A file the index holds already as it is: not read again.
    Unchanged(T),
    Failed(WireError),
    Skipped(WireSkipped),
}

impl<T> From<Unread> for Done<T> {
    fn from(u: Unread) -> Self {
        match u {
            Unread::Skipped(s) => Done::Skipped(s),
            Unread::Failed(e) => Done::Failed(e),
        }
    }
}

/// What [`run`]'s workers make of an interview: its counts and its rendered bytes.
struct Made {
    turns: usize,
    sentences: usize,
    words: usize,
    bytes: u64,
    rendered: std::io::Result<crate::emit::Rendered>,
}

/// What every command that reads transcripts sets up from [`ReadArgs`]: reading options and
/// the manifest.
pub struct ReadSetup {
    /// How to read files.
    pub opts: Options,
    /// The manifests: `--meta`, or each folder's own `participants.csv`.
    pub manifests: crate::manifests::Manifests,
    /// Whether notes are kept off stderr.
    pub quiet: bool,
    /// What is read inside folders.
    pub filter: jtbd_ingest::walk::Filter,
    /// The team's verdicts on the signals, when there are any ([`crate::corrections`]).
    pub review: Option<crate::corrections::Review>,
    /// The roots of the walk: an interview's id is made of its path below its root
    /// ([`crate::identity::Roots::id_path`]).
    pub roots: crate::identity::Roots,
}

impl ReadSetup {
    /// Reads the manifest (`--meta` or a `participants.csv` in a folder given).
    pub fn new(args: &ReadArgs, quiet: bool) -> anyhow::Result<ReadSetup> {
        let manifests = crate::manifests::Manifests::load(args, quiet)?;
        let mut filter =
            jtbd_ingest::walk::Filter::new(&args.glob, &args.exclude, !args.no_ignore)?;
        for dir in &args.skip_dirs {
            filter.skip_dir(dir);
        }
        let mut setup = ReadSetup {
            filter,
            opts: Options {
                format: args.input_format,
                interviewers: args.interviewer.clone(),
                max_file_bytes: args.max_file_size,
                study_hosts: Vec::new(),
            },
            manifests,
            quiet,
            review: crate::corrections::Review::load(args.corrections.as_deref(), &args.paths)?,
            roots: crate::identity::Roots::new(&args.paths),
        };
        setup.opts.study_hosts = setup.study_hosts(&args.paths);
        Ok(setup)
    }

    /// Who hosts across the files `paths` walk to ([`jtbd_ingest::roles::StudyHosts`]): a first,
    /// quiet pass that reads each file with its own evidence only, so that every command gives a
    /// speaker the same role in every file, whatever order the files are read in. It reads every
    /// file of a study up to [`STUDY_SAMPLE`] files and a fixed sample of that many (by a hash
    /// of the path) of a larger one. Files that cannot be read are reported by the main pass.
    fn study_hosts(&self, paths: &[PathBuf]) -> Vec<String> {
        let files: Vec<WalkItem> = jtbd_ingest::walk::walk_filtered(paths, &self.filter)
            .filter(|i| matches!(i, WalkItem::File { .. }))
            .collect();
        let n = files.len() as u64;
        if n < 2 {
            return Vec::new();
        }
        let sampled = |item: &&WalkItem| match item {
            WalkItem::File { display, .. } => {
                n <= STUDY_SAMPLE
                    || xxhash_rust::xxh3::xxh3_64(display.as_bytes()) % n < STUDY_SAMPLE
            }
            _ => false,
        };
        files
            .par_iter()
            .filter(sampled)
            .fold(jtbd_ingest::roles::StudyHosts::default, |mut all, item| {
                if let Ok(i) = read_item(item, self) {
                    all.add(&i.speakers);
                }
                all
            })
            .reduce(jtbd_ingest::roles::StudyHosts::default, |mut a, b| {
                a.merge(b);
                a
            })
            .hosts()
    }
}

/// The producer side of every reading command: walks `paths` (leaving out the manifest), lets
/// the rayon pool run `work` over a batch of items at a time, and sends each batch's results in
/// walk order; the bar's length grows as files are found. Batches keep output in walk order and
/// memory bounded; the walk, the workers and the consumer overlap. Stops when the consumer hangs
/// up.
pub fn produce<T: Send>(
    paths: &[PathBuf],
    setup: &ReadSetup,
    bar: &ProgressBar,
    tx: &std::sync::mpsc::SyncSender<Vec<T>>,
    work: impl Fn(&WalkItem) -> T + Sync,
) {
    // The walk runs a batch ahead on its own thread: listing folders and stat-ing entries
    // overlaps with reading the previous batch instead of leaving the pool idle.
    let (walked_tx, walked_rx) = std::sync::mpsc::sync_channel::<Vec<WalkItem>>(1);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut items = jtbd_ingest::walk::walk_filtered(paths, &setup.filter)
                .filter(|i| is_not_study_file(i, setup));
            loop {
                let batch: Vec<WalkItem> = items.by_ref().take(BATCH).collect();
                if batch.is_empty() || walked_tx.send(batch).is_err() {
                    return;
                }
            }
        });
        for batch in walked_rx {
            let files = batch
                .iter()
                .filter(|i| matches!(i, WalkItem::File { .. }))
                .count();
            bar.inc_length(files as u64);
            let done: Vec<T> = batch.par_iter().map(&work).collect();
            if tx.send(done).is_err() {
                // Dropping the receiver stops the walker at its next send.
                return;
            }
        }
    });
}

/// The consumer loop every reading command shares: [`produce`] runs `work` over the walk of
/// `paths` on the pool, and each result is counted in `notes` (which shows errors, skips and
/// notes as they come) and handed to `each` in walk order. Ends by clearing the bar, closing the
/// notes and naming the `--interviewer` names no file read had. `each` failing stops the walk.
pub fn consume<T: Send>(
    paths: &[PathBuf],
    setup: &ReadSetup,
    bar: &ProgressBar,
    notes: &mut Notes<'_>,
    work: impl Fn(&WalkItem) -> Done<T> + Sync,
    mut each: impl FnMut(Done<T>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut named = 0u64;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Done<T>>>(2);
    let work = &work;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        scope.spawn(move || produce(paths, setup, bar, &tx, work));
        for done in rx.into_iter().flatten() {
            match &done {
                Done::Read {
                    named: n, noticed, ..
                } => {
                    named |= n;
                    notes.read(noticed);
                }
                Done::Unchanged(_) => notes.unchanged(),
                Done::Failed(e) => notes.error(e),
                Done::Skipped(s) => notes.skipped(s),
            }
            each(done)?;
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    notes.finish();
    setup.manifests.report_unmatched(setup.quiet);
    // Only files read this run can show a name (unchanged ones are not parsed again).
    warn_unseen_interviewers(&setup.opts.interviewers, named, notes.read_count());
    Ok(())
}

/// Fails naming the first of `paths` that cannot be opened: for the commands that write
/// files, which must not write an empty result for a mistyped path.
pub fn check_inputs(paths: &[PathBuf]) -> anyhow::Result<()> {
    for p in paths {
        std::fs::metadata(p).with_context(|| {
            format!(
                "{}: cannot open (nothing was written)",
                jtbd_ingest::walk::display_path(p)
            )
        })?;
    }
    Ok(())
}

/// The manifest and the corrections file often sit in the folder they describe; neither is a
/// skipped transcript.
fn is_not_study_file(item: &WalkItem, setup: &ReadSetup) -> bool {
    let review = |path: &std::path::Path| setup.review.as_ref().is_some_and(|r| r.is_file(path));
    match item {
        WalkItem::Skipped(s) => {
            let path = std::path::Path::new(&s.path);
            !(path
                .canonicalize()
                .is_ok_and(|c| setup.manifests.is_manifest(&c))
                || review(path))
        }
        // A corrections file named with a transcript's extension is still no transcript.
        WalkItem::File { path, .. } => !review(path),
        _ => true,
    }
}

/// Runs the pipeline over `args.paths` with `render` deciding what each interview becomes.
pub fn run(
    args: &ReadArgs,
    render: &dyn Render,
    quiet: bool,
) -> anyhow::Result<crate::outcome::Outcome> {
    let started = Instant::now();
    let setup = ReadSetup::new(args, quiet)?;
    let bar = progress_bar(quiet);
    let mut notes = Notes::new(&bar, quiet);
    let mut summary = Summary::default();
    let (mut errors, mut skipped) = (Vec::new(), Vec::new());
    // One interview renders to a few kB: gathering them saves a write call per file (13,000 on
    // the benchmark), and writing them vectored saves copying them.
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    let mut out = crate::gather::Gather::new(stdout.lock());
    out.push(render.begin()?)?;
    let mut first_interview = true;

    // Workers read and render a batch ahead of the writer, so walking, parsing, rendering and
    // writing overlap. (Per-file tasks with a reorder buffer measured slower: more wake-ups.)
    consume(
        &args.paths,
        &setup,
        &bar,
        &mut notes,
        |item| process(item, &setup, render),
        |done| {
            match done {
                Done::Read { made, .. } | Done::Unchanged(made) => {
                    let rendered = made.rendered?;
                    summary.signal_counts.add(&rendered.signals);
                    summary.turns += made.turns;
                    summary.sentences += made.sentences;
                    summary.words += made.words;
                    summary.bytes += made.bytes;
                    // Interviews that render to nothing (no signals) take no separator.
                    if !rendered.bytes.is_empty() {
                        if !std::mem::take(&mut first_interview) {
                            out.push_slice(render.separator())?;
                        }
                        out.push(rendered.bytes)?;
                    }
                }
                Done::Failed(e) => {
                    out.push(render.error(&e)?)?;
                    errors.push(e);
                }
                Done::Skipped(s) => {
                    out.push(render.skipped(&s)?)?;
                    skipped.push(s);
                }
            }
            // On a terminal, whatever a file gave is shown at once.
            if tty {
                out.flush()?;
            }
            Ok(())
        },
    )?;
    summary.files = notes.files();
    summary.interviews = notes.read_count();
    // A verdict the pass could not use is an error of the run, after the output.
    // Only a run that found signals applied the verdicts (`ingest` finds none).
    let review_errors = match (&setup.review, render.extraction()) {
        (Some(r), Some(_)) => r.finish(true),
        _ => 0,
    };
    summary.errors = notes.errors();
    summary.skipped = notes.skipped_count();
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    if render.counts_signals() {
        let forces = jtbd_model::Force::ALL.iter().map(|f| f.as_str());
        summary.signals = Some(forces.zip(summary.signal_counts).collect());
    }
    out.push(render.finish(&summary, &errors, &skipped)?)?;
    out.flush()?;
    if !quiet {
        eprintln!(
            "read {} of {} files: {} turns, {} sentences, {} words, {:.2} MB in {:.2} s{}",
            summary.interviews,
            summary.files,
            summary.turns,
            summary.sentences,
            summary.words,
            summary.bytes as f64 / 1e6,
            summary.elapsed_ms as f64 / 1e3,
            problems(summary.errors, summary.skipped),
        );
    }
    Ok(crate::outcome::Outcome::of_transcripts(
        summary.errors + review_errors,
        summary.interviews,
    ))
}

/// What ingest noticed about a file it read, as `path:line: message` lines.
pub fn file_notes(i: &jtbd_model::Interview) -> Vec<String> {
    i.notes
        .iter()
        .map(|n| match n.line {
            Some(line) => format!("{}:{line}: {}", i.path, n.message),
            None => format!("{}: {}", i.path, n.message),
        })
        .collect()
}

/// Which of the `--interviewer` names (bit i for name i, the first 64) speak in `interview`.
pub fn interviewers_seen(interview: &jtbd_model::Interview, names: &[String]) -> u64 {
    names
        .iter()
        .take(64)
        .enumerate()
        .filter(|(_, n)| {
            interview
                .speakers
                .iter()
                .any(|s| jtbd_ingest::roles::same_person(&s.name, n))
        })
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// Says which `--interviewer` names no file read had: the flag did nothing for them.
pub fn warn_unseen_interviewers(names: &[String], seen: u64, files_read: usize) {
    if files_read == 0 {
        return;
    }
    for (i, n) in names.iter().take(64).enumerate() {
        if seen & (1 << i) == 0 {
            eprintln!(
                "warning: --interviewer {n:?} names no speaker in the {files_read} files read; \
                 the roles were inferred as if it were not given (speaker labels are matched \
                 whole or by one of their words, any case)"
            );
        }
    }
}

/// Reads and renders one walk item, on a worker thread.
fn process(item: &WalkItem, setup: &ReadSetup, render: &dyn Render) -> Done<Made> {
    match read_item(item, setup) {
        Ok(i) => {
            // The stage runs here, then the renderer arranges its result.
            let found = render
                .extraction()
                .map(|(rules, filter)| {
                    let found = jtbd_extract::signals(&i, rules, filter);
                    corrected(&i, item, setup, found)
                })
                .unwrap_or_default();
            Done::Read {
                made: Made {
                    rendered: render.interview(&i, &found),
                    turns: i.turns.len(),
                    sentences: i.sentence_count(),
                    words: i.word_count(),
                    bytes: i.bytes,
                },
                named: interviewers_seen(&i, &setup.opts.interviewers),
                noticed: file_notes(&i),
            }
        }
        Err(u) => u.into(),
    }
}

/// `found` in `i` after the team's verdicts, when there are any.
pub fn corrected(
    i: &jtbd_model::Interview,
    item: &WalkItem,
    setup: &ReadSetup,
    found: Vec<jtbd_model::Signal>,
) -> Vec<jtbd_model::Signal> {
    match (&setup.review, item) {
        (Some(review), WalkItem::File { path, .. }) => review.apply(i, path, found),
        _ => found,
    }
}

/// One file of the walk with its bytes read and its manifest row: where every command's worker
/// starts (ingest, extract, stories, index, analyze, export), so reading, the manifest, the
/// fingerprint and parsing are written once. A command that keeps an index fingerprints it and
/// may stop there (the file is unchanged); the others parse it at once ([`read_item`]).
pub struct FileBytes<'a> {
    /// Where it is, as walked.
    pub path: &'a std::path::Path,
    /// As shown to the user.
    pub display: &'a str,
    walked: bool,
    /// Its manifest row.
    pub extra: Option<&'a std::collections::BTreeMap<String, String>>,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl<'a> FileBytes<'a> {
    /// Reads the file `item` names (no more than `--max-file-size`), or says what to report.
    pub fn read(item: &'a WalkItem, setup: &'a ReadSetup) -> Result<FileBytes<'a>, Unread> {
        let (path, display, walked) = file_of(item)?;
        let extra = setup.manifests.lookup(path, display);
        let bytes = jtbd_ingest::read_bounded(path, setup.opts.max_file_bytes)
            .map_err(|e| unread(display, walked, e))?;
        Ok(FileBytes {
            path,
            display,
            walked,
            extra,
            bytes,
        })
    }

    /// Its fingerprint in a run whose context is `context` ([`crate::index_cmd::context`]).
    pub fn fingerprint(&self, context: &str, roots: &crate::identity::Roots) -> String {
        let id = roots.id_path(std::path::Path::new(self.display));
        crate::index_cmd::file_fingerprint(&self.bytes, context, self.extra, &id)
    }

    /// Parses it into an interview.
    pub fn parse(self, setup: &ReadSetup) -> Result<jtbd_model::Interview, Unread> {
        let (display, walked) = (self.display, self.walked);
        let mut i = jtbd_ingest::parse_owned(self.bytes, display, &setup.opts, self.extra)
            .map_err(|e| unread(display, walked, e))?;
        // Named by its path below its folder, not as the folder was typed: the same interview
        // (and so the same signal ids) from `calls/`, `./calls` or `/home/ana/calls`.
        i.id = jtbd_ingest::interview_id(&setup.roots.id_path(std::path::Path::new(display)));
        Ok(i)
    }
}

/// Reads and parses the file a walk item names: the interview, or what to report.
pub fn read_item(item: &WalkItem, setup: &ReadSetup) -> Result<jtbd_model::Interview, Unread> {
    FileBytes::read(item, setup)?.parse(setup)
}

/// A copy of a walk item that names a file (to read it again later); `None` for the others.
pub fn file_item(item: &WalkItem) -> Option<WalkItem> {
    match item {
        WalkItem::File {
            path,
            display,
            walked,
        } => Some(WalkItem::File {
            path: path.clone(),
            display: display.clone(),
            walked: *walked,
        }),
        _ => None,
    }
}

/// What a walk item that is not read becomes.
pub enum Unread {
    /// Left out on purpose, with a note.
    Skipped(WireSkipped),
    /// Reported as an error.
    Failed(WireError),
}

/// The file a walk item names (path, display path, found inside a folder), or what to report.
pub fn file_of(item: &WalkItem) -> Result<(&std::path::Path, &String, bool), Unread> {
    match item {
        WalkItem::File {
            path,
            display,
            walked,
        } => Ok((path, display, *walked)),
        WalkItem::Skipped(s) => Err(Unread::Skipped(WireSkipped {
            path: s.path.clone(),
            reason: s.reason.clone(),
        })),
        WalkItem::Error { display, message } => Err(Unread::Failed(WireError {
            path: display.clone(),
            line: None,
            message: message.clone(),
        })),
    }
}

/// A file that could not be read: skipped with a note or failed, as `jtbd_ingest::skip_reason` says.
pub fn unread(display: &str, walked: bool, error: IngestError) -> Unread {
    match jtbd_ingest::skip_reason(&error, walked) {
        Some(reason) => Unread::Skipped(WireSkipped {
            path: display.to_owned(),
            reason,
        }),
        None => Unread::Failed(WireError {
            path: display.to_owned(),
            line: error.line(),
            message: error.to_string(),
        }),
    }
}

/// The one tally of a run's files, and its diagnostics on stderr: each error and skipped file up
/// to [`MAX_NOTES`] of each, then a count. Every command that reads files counts through it.
pub struct Notes<'a> {
    bar: &'a ProgressBar,
    quiet: bool,
    files: usize,
    read: usize,
    errors: usize,
    skipped: usize,
    noticed: usize,
}

impl<'a> Notes<'a> {
    pub fn new(bar: &'a ProgressBar, quiet: bool) -> Self {
        Notes {
            bar,
            quiet,
            files: 0,
            read: 0,
            errors: 0,
            skipped: 0,
            noticed: 0,
        }
    }

    /// Files met that are transcripts: read, unchanged or failed.
    pub fn files(&self) -> usize {
        self.files
    }

    /// Files read.
    pub fn read_count(&self) -> usize {
        self.read
    }

    /// Files that failed.
    pub fn errors(&self) -> usize {
        self.errors
    }

    /// Files and folders left out with a note.
    pub fn skipped_count(&self) -> usize {
        self.skipped
    }

    /// A file read, with what ingest noticed in it ([`file_notes`]).
    pub fn read(&mut self, noticed: &[String]) {
        self.files += 1;
        self.read += 1;
        self.bar.inc(1);
        self.noticed(noticed);
    }

    /// A file the index holds already (not read again).
    pub fn unchanged(&mut self) {
        self.files += 1;
        self.bar.inc(1);
    }

    fn say(&self, msg: String) {
        self.bar.suspend(|| {
            let _ = writeln!(std::io::stderr().lock(), "{msg}");
        });
    }

    /// A file that failed.
    pub fn error(&mut self, e: &WireError) {
        self.files += 1;
        self.bar.inc(1);
        self.errors += 1;
        // Errors are shown even with --quiet: they change the exit code.
        if self.errors <= MAX_NOTES {
            self.say(format!("error: {}: {}", e.path, e.message));
        }
    }

    /// A file or folder left out with a note.
    pub fn skipped(&mut self, s: &WireSkipped) {
        self.skipped += 1;
        if !self.quiet && self.skipped <= MAX_NOTES {
            self.say(format!("note: skipped {}: {}", s.path, s.reason));
        }
    }

    /// What ingest noticed in a file it read ([`file_notes`]).
    fn noticed(&mut self, lines: &[String]) {
        for line in lines {
            self.noticed += 1;
            if !self.quiet && self.noticed <= MAX_NOTES {
                self.say(format!("note: {line}"));
            }
        }
    }

    pub fn finish(&self) {
        if self.errors > MAX_NOTES {
            self.say(format!(
                "error: … and {} more files failed (every one is in --format jsonl)",
                self.errors - MAX_NOTES
            ));
        }
        if !self.quiet && self.noticed > MAX_NOTES {
            self.say(format!(
                "note: … and {} more notes about files read",
                self.noticed - MAX_NOTES
            ));
        }
        if !self.quiet && self.skipped > MAX_NOTES {
            self.say(format!(
                "note: … and {} more skipped (every one is in --format jsonl)",
                self.skipped - MAX_NOTES
            ));
        }
    }
}

/// `; 2 errors; 1 skipped` for a run's closing line.
pub fn problems(errors: usize, skipped: usize) -> String {
    counted(errors, "error", "errors") + &counted(skipped, "skipped", "skipped")
}

fn counted(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => String::new(),
        1 => format!("; 1 {one}"),
        _ => format!("; {n} {many}"),
    }
}

/// A bar on stderr when it is a terminal; its length grows as the walk finds files.
pub fn progress_bar(quiet: bool) -> ProgressBar {
    progress_bar_for("reading", quiet)
}

/// [`progress_bar`] with its own verb (`indexing`).
pub fn progress_bar_for(verb: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {verb} {{bar:40}} {{human_pos}}/{{human_len}} files  {{elapsed}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// A spinner on stderr for a stage with no count to show (finding stories, writing the report),
/// when it is a terminal; clear it with `finish_and_clear`.
pub fn spinner(what: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
