//! What `jtbd serve` holds: every interview of the folder with the signals the rules found in
//! it, read once; and what is derived from them and the corrections file, made again after
//! each verdict (the verdicts applied by `jtbd_review`, the records, `jtbd_stories::find`, the
//! agreement figures, and the in-memory search index of the corrected forces).

use crate::pipeline::{self, Done, Notes, ReadSetup, progress_bar_for};
use anyhow::Context;
use jtbd_extract::{RuleSet, SpeakerFilter};
use jtbd_model::{Force, Interview, Signal};
use jtbd_review::{Agreement, Corrections, Heard, Problem};
use jtbd_stories::{Codebook, Findings, Knowledge, Record, Records};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// One interview as read, before any verdict.
pub struct Loaded {
    pub interview: Interview,
    /// Its path relative to the folder: the `path` of an addition.
    pub rel: String,
    /// The signals the rules found in it.
    found: Vec<Signal>,
}

/// Everything the server answers from.
pub struct Study {
    /// Where verdicts are appended.
    pub file: PathBuf,
    pub loaded: Vec<Loaded>,
    knowledge: Knowledge,
    codebook: Codebook,
    min_interviewees: usize,
    /// The rules' force of every signal they found, by id: the agreement figures' "rules".
    rules_said: HashMap<String, Force>,
    // Derived from the above and the file, again after every verdict.
    pub corrections: Corrections,
    /// Per interview, its signals after the verdicts.
    pub signals: Vec<Vec<Signal>>,
    pub records: Records,
    pub paths: Vec<String>,
    pub findings: Findings,
    pub agreement: Agreement,
    /// What the file holds that the study could not use, in line order (as `extract` names
    /// it); printed on stderr when it changes.
    pub problems: Vec<Problem>,
    /// Every signal as the page lists it (recoded and added ones under their new id).
    pub shown: Vec<jtbd_report::serve_page::Shown>,
    /// Their ids.
    shown_ids: HashSet<String>,
    index: jtbd_index::Index,
    writer: jtbd_index::Writer,
    pub searcher: jtbd_index::Searcher,
    /// Per interview, the forces of each turn the index holds.
    indexed: Vec<Vec<Vec<Force>>>,
    /// An interview's `path` (as search hits give it) to its place in `loaded`.
    by_path: HashMap<String, usize>,
    /// The corrections file's size and time of change when last read (`None`: no file).
    seen: Option<(u64, std::time::SystemTime)>,
}

/// What the study is read with.
pub struct Reading<'a> {
    pub read: &'a crate::cli::ReadArgs,
    pub rules: Option<&'a Path>,
    pub codebook: &'a crate::cli::CodebookArgs,
    pub min_interviewees: usize,
    pub file: PathBuf,
    pub quiet: bool,
}

impl Study {
    /// Reads the folder as `jtbd stories` does and derives the findings.
    pub fn load(r: &Reading<'_>) -> anyhow::Result<Study> {
        let folder = r.read.paths[0].clone();
        let rules = RuleSet::load(r.rules).context("cannot load the extraction rules")?;
        let knowledge = Knowledge::embedded().context("cannot load the stories knowledge")?;
        let codebook = crate::study_cmd::load_codebook(r.codebook)?;
        // The reading setup leaves the corrections file out of the walk when it exists; one
        // named but not there yet is made by the first verdict.
        let mut args = r.read.clone();
        if args.corrections.as_ref().is_some_and(|f| !f.exists()) {
            args.corrections = None;
        }
        let setup = ReadSetup::new(&args, r.quiet)?;
        let bar = progress_bar_for("reading", r.quiet);
        let mut notes = Notes::new(&bar, r.quiet);
        let mut loaded = Vec::new();
        pipeline::consume(
            &args.paths,
            &setup,
            &bar,
            &mut notes,
            |item| {
                let rel = pipeline::file_of(item).ok().map(|(p, ..)| {
                    let rel = p.strip_prefix(&folder).unwrap_or(p);
                    rel.to_string_lossy().into_owned()
                });
                match pipeline::read_item(item, &setup) {
                    Ok(i) => Done::Read {
                        named: pipeline::interviewers_seen(&i, &setup.opts.interviewers),
                        noticed: pipeline::file_notes(&i),
                        made: Loaded {
                            found: jtbd_extract::signals(&i, &rules, SpeakerFilter::Interviewee),
                            rel: rel.unwrap_or_else(|| i.path.clone()),
                            interview: i,
                        },
                    },
                    Err(u) => u.into(),
                }
            },
            |done| {
                if let Done::Read { made, .. } | Done::Unchanged(made) = done {
                    loaded.push(made);
                }
                Ok(())
            },
        )?;
        let rules_said = loaded
            .iter()
            .flat_map(|l| l.found.iter().map(|s| (l.interview.signal_id(s), s.force)))
            .collect();
        let index = jtbd_index::Index::in_memory();
        let writer = index.writer()?;
        let searcher = index.searcher()?;
        let by_path = loaded
            .iter()
            .enumerate()
            .map(|(k, l)| (l.interview.path.clone(), k))
            .collect();
        let mut study = Study {
            file: r.file.clone(),
            knowledge,
            codebook,
            min_interviewees: r.min_interviewees,
            rules_said,
            corrections: Corrections::default(),
            signals: Vec::new(),
            records: Records::default(),
            paths: loaded.iter().map(|l| l.rel.clone()).collect(),
            findings: Findings::default(),
            agreement: Agreement::compute(&Corrections::default(), &|_| None, &Heard::default()),
            problems: Vec::new(),
            shown: Vec::new(),
            shown_ids: HashSet::new(),
            indexed: vec![Vec::new(); loaded.len()],
            loaded,
            index,
            writer,
            searcher,
            by_path,
            seen: None,
        };
        study.derive()?;
        Ok(study)
    }

    /// The corrections file's size and time of change, `None` when there is none.
    fn stamp(&self) -> Option<(u64, std::time::SystemTime)> {
        let m = std::fs::metadata(&self.file).ok()?;
        Some((m.len(), m.modified().ok()?))
    }

    /// Derives again when the file changed since it was read (edited by hand, reverted with
    /// git, deleted): the file is the only state, the page follows it.
    pub fn refresh(&mut self) -> anyhow::Result<()> {
        if self.stamp() != self.seen {
            self.derive()?;
        }
        Ok(())
    }

    /// Reads the corrections file again and derives everything from it.
    pub fn derive(&mut self) -> anyhow::Result<()> {
        self.seen = self.stamp();
        let text = match std::fs::read_to_string(&self.file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("{}: cannot read the verdicts", self.file.display()));
            }
        };
        self.corrections = Corrections::parse(&self.file, &text);
        let (corrections, knowledge) = (&self.corrections, &self.knowledge);
        let made: Vec<(Vec<Signal>, Vec<Record>, Vec<bool>, _)> = self
            .loaded
            .par_iter()
            .map(|l| {
                let mut used = vec![false; corrections.verdicts.len()];
                let applied =
                    corrections.apply(&l.interview, Path::new(&l.rel), l.found.clone(), &mut used);
                let records = Record::people(&l.interview, &applied.signals, knowledge);
                (applied.signals, records, used, applied.problems)
            })
            .collect();
        let mut heard = Heard::new(corrections);
        self.signals = Vec::with_capacity(made.len());
        let mut records = Vec::with_capacity(made.len());
        for (k, (signals, made, used, refused)) in made.into_iter().enumerate() {
            heard.hear(&used, refused);
            self.signals.push(signals);
            // Each person of the interview is a record of their own, numbered by it.
            records.extend(jtbd_stories::numbered(made, k));
        }
        // Held in memory: a folder one person reviews is small, and every verdict derives again.
        self.records = Records::new(records);
        // The whole folder was read: a verdict that named nothing names nothing here.
        let problems = heard.problems(&self.corrections, true);
        if problems != self.problems {
            crate::corrections::report(&problems);
            if problems.is_empty() {
                eprintln!(
                    "{}: every line is a verdict in use again",
                    self.file.display()
                );
            }
        }
        self.problems = problems;
        self.findings = jtbd_stories::find(
            &self.records,
            &self.knowledge,
            &self.codebook,
            self.min_interviewees,
        )?;
        let rules_said = &self.rules_said;
        self.agreement =
            Agreement::compute(&self.corrections, &|id| rules_said.get(id).copied(), &heard);
        // The first record of each interview (its interviewee's: a record per person).
        let mut first_record = vec![0; self.loaded.len()];
        for (at, r) in self.records.heads().iter().enumerate().rev() {
            if let Some(first) = first_record.get_mut(r.interview) {
                *first = at;
            }
        }
        self.shown = self
            .loaded
            .iter()
            .zip(&self.signals)
            .zip(first_record)
            .flat_map(|((l, ss), record)| {
                ss.iter().map(move |s| jtbd_report::serve_page::Shown {
                    id: l.interview.signal_id(s),
                    force: s.force,
                    confidence: s.confidence,
                    record,
                    quote: jtbd_stories::Quote::of(&l.interview, s.turn, s.sentence),
                })
            })
            .collect();
        self.shown_ids = self.shown.iter().map(|x| x.id.clone()).collect();
        self.reindex()
    }

    /// Replaces the index documents of the interviews whose forces changed.
    fn reindex(&mut self) -> anyhow::Result<()> {
        let mut changed = false;
        for (k, l) in self.loaded.iter().enumerate() {
            let forces = crate::index_cmd::forces_by_turn(&l.interview, &self.signals[k]);
            if self.indexed[k] == forces && !self.indexed[k].is_empty() {
                continue;
            }
            let docs = self.index.documents(&l.interview, &forces);
            self.writer.replace(&l.rel, "", docs)?;
            self.indexed[k] = forces;
            changed = true;
        }
        if changed {
            self.writer.commit()?;
            self.searcher = self.index.searcher()?;
        }
        Ok(())
    }

    /// Whether a signal of this id is shown now or was found by the rules (a verdict may name a
    /// rejected signal again, to accept it after all).
    pub fn knows(&self, id: &str) -> bool {
        self.shown_ids.contains(id) || self.rules_said.contains_key(id)
    }

    /// The interview at `rel` (relative to the folder), by its place.
    pub fn at(&self, rel: &str) -> Option<usize> {
        self.loaded.iter().position(|l| l.rel == rel)
    }

    /// The path relative to the folder of the interview whose `path` a search hit gives.
    pub fn rel_of(&self, path: &str) -> Option<String> {
        self.by_path.get(path).map(|&k| self.loaded[k].rel.clone())
    }

    /// The page's view of the study.
    pub fn served<'a>(
        &'a self,
        folder: &'a str,
        file: &'a str,
    ) -> jtbd_report::serve_page::Served<'a> {
        jtbd_report::serve_page::Served {
            folder,
            corrections_file: file,
            records: &self.records,
            paths: &self.paths,
            findings: &self.findings,
            signals: &self.shown,
            corrections: &self.corrections,
            agreement: &self.agreement,
            problems: &self.problems,
        }
    }
}
