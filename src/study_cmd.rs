//! The one pass that `jtbd analyze` and `jtbd export` share: walk, read and extract on the pool,
//! hand each interview to the caller in walk order, keep what the report needs (rows, records,
//! problems) and find the stories at the end. Formats are written by `jtbd-report`.

use crate::cli::{CodebookArgs, ReadArgs};
use crate::index_cmd::Indexed;
use crate::pipeline::{self, Done, Notes, ReadSetup, Unread, progress_bar_for};
use anyhow::Context;
use jtbd_extract::{RuleSet, SpeakerFilter};
use jtbd_model::{Interview, Signal};
use jtbd_report::{InterviewRow, Problem, SignalRow, SignalStore};
use jtbd_stories::{Codebook, Findings, Knowledge, Packed, Record, Records};
use std::time::Instant;

/// Quotes a theme in `stories.jsonl`, as `jtbd stories` writes them (every signal is in
/// `signals.jsonl`).
pub const STORIES_QUOTES: usize = 20;

/// What one file became on a worker: the interview, its signals, what the index needs of it
/// when there is one, and what the study keeps of it (made here, on every core, rather than by
/// the one thread that takes the results in order).
struct Read {
    interview: Interview,
    signals: Vec<Signal>,
    indexed: Option<Indexed>,
    row: InterviewRow,
    /// One record per person the interview is of (two guests are two people), packed for
    /// the records' file.
    records: Vec<Packed>,
    /// Where it was read from, to read it again for the report's passages.
    item: Option<jtbd_ingest::WalkItem>,
    /// Its signal rows, as [`jtbd_report::SignalStore`] keeps them.
    encoded: Vec<u8>,
    /// With a corrections file: the rules' force of each signal they found, by id, before the
    /// verdicts (the agreement figures' "rules").
    rules_said: Vec<(String, jtbd_model::Force)>,
}

/// An index to keep up to date in the same pass: the files it holds, by fingerprint.
pub struct IndexPlan<'a> {
    pub index: &'a jtbd_index::Index,
    pub known: &'a std::collections::BTreeMap<String, String>,
    /// The roots walked, to key each file ([`crate::identity`]).
    pub roots: &'a crate::identity::Roots,
}

/// Everything the formats take, once the pass is over.
pub struct Gathered {
    pub interviews: Vec<InterviewRow>,
    /// Every signal's row, in a file when the pass was given a folder to spill to.
    pub signals: SignalStore,
    /// The stories' records, their signals in a file beside the signal rows.
    pub records: Records,
    pub findings: Findings,
    /// The theme of each themed signal's quote, made once for every file that shows it.
    pub themed: std::sync::OnceLock<jtbd_report::csv::ThemeOf>,
    pub problems: Vec<Problem>,
    /// Lines of the corrections file the pass could not use (named on stderr).
    pub review_errors: usize,
    pub min_interviewees: usize,
    pub files: usize,
    pub elapsed_ms: u64,
    /// Paths as the reports for people show them ([`Gathered::show_relative`]); empty: as given.
    pub shown_paths: std::collections::BTreeMap<String, String>,
    /// The reports' title.
    pub title: String,
    /// The turns around every signal, for the report's passages.
    pub passages: jtbd_report::passage::Passages,
    /// With a corrections file: its name as the reports show it, its verdicts and their
    /// agreement with the rules.
    pub review: Option<(String, usize, jtbd_review::Agreement)>,
    /// The stories' knowledge, loaded once for the pass (records) and [`Gathered::find`].
    knowledge: Knowledge,
}

impl Gathered {
    /// The study view of it.
    pub fn study(&self) -> jtbd_report::Study<'_> {
        jtbd_report::Study {
            interviews: &self.interviews,
            signals: &self.signals,
            records: &self.records,
            findings: &self.findings,
            themed: &self.themed,
            problems: &self.problems,
            min_interviewees: self.min_interviewees,
            shown_paths: &self.shown_paths,
            title: &self.title,
            passages: &self.passages,
            review: self
                .review
                .as_ref()
                .map(|(file, verdicts, agreement)| jtbd_report::Reviewed {
                    file,
                    verdicts: *verdicts,
                    agreement,
                }),
        }
    }

    /// Shows every path read or refused below the root it came from ([`Roots::relative`]), so
    /// the reports for people never carry the machine's folders, however the folder was typed.
    ///
    /// [`Roots::relative`]: crate::identity::Roots::relative
    pub fn show_relative(&mut self, roots: &crate::identity::Roots) {
        let paths = self
            .interviews
            .iter()
            .map(|i| &i.path)
            .chain(self.problems.iter().map(|p| &p.path));
        self.shown_paths = paths
            .map(|p| (p.clone(), roots.relative(std::path::Path::new(p))))
            .collect();
    }

    /// Files that failed, and lines of the corrections file the pass could not use.
    pub fn errors(&self) -> usize {
        self.file_errors() + self.review_errors
    }

    /// Files that failed.
    pub fn file_errors(&self) -> usize {
        self.problems.iter().filter(|p| !p.skipped).count()
    }
}

/// Reads `args`' paths, extracts every speaker's signals (the stories keep the interviewees'),
/// calls `each` with every interview read and its signals in walk order, and finds the stories.
/// The signal rows go to a temporary file in `spill` ([`read_all`]).
#[allow(clippy::too_many_arguments)]
pub fn gather(
    args: &ReadArgs,
    codebook: &CodebookArgs,
    rules: Option<&std::path::Path>,
    min_interviewees: usize,
    quiet: bool,
    index: Option<&IndexPlan<'_>>,
    spill: &std::path::Path,
    each: impl FnMut(usize, &Interview, &[Signal], Option<Indexed>) -> anyhow::Result<()>,
) -> anyhow::Result<Gathered> {
    let codebook = load_codebook(codebook)?;
    let mut g = read_all(args, rules, min_interviewees, quiet, index, spill, each)?;
    let spinner = pipeline::spinner("finding themes, stories and segments", quiet);
    g.find(&codebook)?;
    spinner.finish_and_clear();
    Ok(g)
}

impl Gathered {
    /// Finds the themes, stories and segments of what was read (the pass leaves them empty).
    pub fn find(&mut self, codebook: &Codebook) -> anyhow::Result<()> {
        let started = std::time::Instant::now();
        self.findings = jtbd_stories::find(
            &self.records,
            &self.knowledge,
            codebook,
            self.min_interviewees,
        )?;
        // The outputs quote a few hundred signals: those are read back from the file.
        self.records
            .fetch(jtbd_report::quoted(&self.findings, STORIES_QUOTES))?;
        self.elapsed_ms += started.elapsed().as_millis() as u64;
        Ok(())
    }
}

/// The codebook the flags ask for: the built-in one (unless `--own-codebook`) extended by each
/// `--codebook` file in order. A file that cannot be read or parsed is an error naming it.
pub fn load_codebook(args: &CodebookArgs) -> anyhow::Result<Codebook> {
    let mut book = if args.own_codebook {
        if args.codebook.is_empty() {
            anyhow::bail!("--own-codebook needs at least one --codebook FILE");
        }
        Codebook::default()
    } else {
        Codebook::embedded().context("cannot load the built-in codebook")?
    };
    for path in &args.codebook {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the codebook {}", path.display()))?;
        let other = Codebook::load(&path.display().to_string(), &text)
            .with_context(|| format!("cannot use the codebook {}", path.display()))?;
        book.extend(other);
    }
    Ok(book)
}

/// [`gather`] without the stories: the pass alone, so a caller can run other work beside them.
/// The signal rows are kept in a temporary file in the folder `spill` (gone when the study is
/// dropped or the process ends): beside the outputs, on disk, not in a temporary folder that
/// may be memory.
pub fn read_all(
    args: &ReadArgs,
    rules: Option<&std::path::Path>,
    min_interviewees: usize,
    quiet: bool,
    index: Option<&IndexPlan<'_>>,
    spill: &std::path::Path,
    mut each: impl FnMut(usize, &Interview, &[Signal], Option<Indexed>) -> anyhow::Result<()>,
) -> anyhow::Result<Gathered> {
    let started = Instant::now();
    let temporary = |what: &str| {
        tempfile::tempfile_in(spill).with_context(|| {
            format!(
                "{}: cannot create a temporary file for the {what}",
                spill.display()
            )
        })
    };
    let (spill, records) = (temporary("signals")?, temporary("stories' records")?);
    let rules = RuleSet::load(rules).context("cannot load the extraction rules")?;
    // Compiled once for the pass and the stories (its hundred patterns take a tenth of a second,
    // a tenth of a small study's run); the study keeps a clone, which shares the compiled
    // patterns but not the caches the pass's searches fill: those go with the pass's copy as
    // the pass ends, as they did when the stories compiled their own.
    let knowledge = Knowledge::embedded().context("cannot load the stories knowledge")?;
    let setup = ReadSetup::new(args, quiet)?;
    let bar = progress_bar_for("reading", quiet);
    let mut notes = Notes::new(&bar, quiet);
    let mut g = Gathered {
        interviews: Vec::new(),
        signals: SignalStore::spilled(spill),
        records: Records::spilled(records),
        // Found by [`Gathered::find`] once the pass is over.
        findings: Findings::default(),
        themed: std::sync::OnceLock::new(),
        problems: Vec::new(),
        review_errors: 0,
        min_interviewees,
        files: 0,
        elapsed_ms: 0,
        shown_paths: Default::default(),
        title: "Interview study".to_owned(),
        passages: Default::default(),
        review: None,
        knowledge: knowledge.clone(),
    };
    let mut rules_said = std::collections::HashMap::new();
    let mut items = Vec::new();
    let context = crate::index_cmd::context(&setup, &rules);
    let plan = index.map(|p| (p, context.as_str()));
    pipeline::consume(
        &args.paths,
        &setup,
        &bar,
        &mut notes,
        |item| read(item, &setup, &rules, &knowledge, plan),
        |done| {
            match done {
                Done::Read { made, .. } | Done::Unchanged(made) => {
                    let Read {
                        interview: i,
                        signals,
                        indexed,
                        row,
                        records,
                        encoded,
                        item,
                        rules_said: said,
                    } = *made;
                    rules_said.extend(said);
                    let k = g.interviews.len();
                    each(k, &i, &signals, indexed)?;
                    g.interviews.push(row);
                    g.signals.push(k, signals.len(), &encoded)?;
                    g.records.push_interview(records, k)?;
                    g.passages.mark(k, &i, &signals);
                    items.push(item);
                }
                Done::Failed(e) => g.problems.push(Problem {
                    path: e.path,
                    line: e.line,
                    message: e.message,
                    skipped: false,
                }),
                Done::Skipped(s) => g.problems.push(Problem {
                    path: s.path,
                    line: None,
                    message: s.reason,
                    skipped: true,
                }),
            }
            Ok(())
        },
    )?;
    g.files = notes.files();
    g.review_errors = setup.review.as_ref().map_or(0, |r| r.finish(true));
    // The figures of `jtbd review stats`, from the same verdicts over the same signals.
    g.review = setup.review.as_ref().map(|r| {
        let c = &r.corrections;
        let agreement =
            jtbd_review::Agreement::compute(c, &|id| rules_said.get(id).copied(), &r.heard());
        // The file's name only: the reports for people never carry the machine's folders.
        let shown = c.file.file_name().map_or_else(
            || c.file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        (shown, c.verdicts.len(), agreement)
    });
    // The passages' words are made from the few interviews the report cites, read again (the
    // same bytes give the same turns), rather than kept for every signal while reading.
    g.passages.reread_with(Box::new(move |k| {
        pipeline::read_item(items.get(k)?.as_ref()?, &setup).ok()
    }));
    g.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(g)
}

/// Reads one walk item and extracts its signals, on a worker.
fn read(
    item: &jtbd_ingest::WalkItem,
    setup: &ReadSetup,
    rules: &RuleSet,
    knowledge: &Knowledge,
    index: Option<(&IndexPlan<'_>, &str)>,
) -> Done<Box<Read>> {
    let read = || -> Result<(Interview, Option<(String, String)>), Unread> {
        let file = pipeline::FileBytes::read(item, setup)?;
        let fingerprint = index.map(|(plan, context)| {
            (
                plan.roots.key(file.path),
                file.fingerprint(context, &setup.roots),
            )
        });
        Ok((file.parse(setup)?, fingerprint))
    };
    match read() {
        Ok((i, fingerprint)) => {
            let found = jtbd_extract::signals(&i, rules, SpeakerFilter::Interviewee);
            let rules_said = match &setup.review {
                Some(_) => found.iter().map(|s| (i.signal_id(s), s.force)).collect(),
                None => Vec::new(),
            };
            let signals = pipeline::corrected(&i, item, setup, found);
            let indexed = index
                .zip(fingerprint)
                .map(|((plan, _), (key, fingerprint))| {
                    let unchanged = plan.known.get(&key) == Some(&fingerprint);
                    Indexed {
                        key,
                        docs: (!unchanged).then(|| {
                            plan.index
                                .documents(&i, &crate::index_cmd::forces_by_turn(&i, &signals))
                        }),
                        fingerprint,
                    }
                });
            let mut encoded = Vec::new();
            for s in &signals {
                // The store gives each row its interview's place in the study.
                jtbd_report::signal_store::encode(&SignalRow::new(0, &i, s), &mut encoded);
            }
            // Encoded here, on every core: the pass only appends the bytes to the file.
            let records: Vec<Record> = Record::people(&i, &signals, knowledge);
            // The interviewee's record always comes first; the row shares its metadata.
            let metadata = records.first().map_or_else(
                || std::sync::Arc::new(i.metadata.clone()),
                |r| std::sync::Arc::clone(&r.metadata),
            );
            let row = InterviewRow::new(&i, &signals, metadata);
            let records = records.into_iter().map(Packed::new).collect();
            Done::Read {
                named: pipeline::interviewers_seen(&i, &setup.opts.interviewers),
                noticed: pipeline::file_notes(&i),
                made: Box::new(Read {
                    item: pipeline::file_item(item),
                    row,
                    records,
                    encoded,
                    interview: i,
                    signals,
                    indexed,
                    rules_said,
                }),
            }
        }
        Err(u) => u.into(),
    }
}
