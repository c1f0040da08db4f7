//! `jtbd rules tune`: the rules' weights learned from the team's verdicts (`jtbd_review::tune`),
//! proposed with how often the rules would then decide as the team did. Reads the folder as
//! `jtbd review stats` does (the interviewees' signals, each with its id and sentence) and the
//! sentences the additions name; changes no file.

use crate::cli::ReadArgs;
use crate::outcome::Outcome;
use crate::pipeline::{self, Done, Notes, ReadSetup, progress_bar_for};
use crate::style::Style;
use anyhow::Context;
use jtbd_extract::{RuleSet, SpeakerFilter};
use jtbd_ingest::WalkItem;
use jtbd_model::Force;
use jtbd_model::Signal;
use jtbd_report::emit_tune::{TuneFormat, render};
use jtbd_review::Verdict;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const TUNE_HELP: &str = "\
Each reviewed sentence says, for some forces, whether it has them: an acceptance that it has the
rules' force, a rejection that it has not, a recode that it has the new force and not the old,
an addition that it has the added force. The weights of each force's rules are learned from
those sentences (a logistic regression held near each weight as it is, the one `just eval
--learn` fits on labelled interviews); a rule that fires in no reviewed sentence keeps its weight.

It prints how often the rules decide as the team did now, with the tuned weights on the same
sentences (which flatters them), and held out (each fifth of the sentences scored with weights
learned on the other four), then the weights that move. Nothing is written: copy a rule into a
folder of your own rules with the new weight to adopt it (--rules DIR).

Examples:
  jtbd rules tune interviews/
  jtbd rules tune interviews/ --corrections review/round-2.jsonl --format json
  jtbd rules tune interviews/ --rules my-rules/ --l2 2

Exit codes: 0 a proposal, 1 no verdict names a sentence found, 2 error (no corrections file, a
line that is not a verdict).";

/// `jtbd rules tune`.
#[derive(Debug, Clone, clap::Args)]
pub struct TuneArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    /// The extraction rules to tune (as `jtbd extract --rules`).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// How strongly each weight is held where it is (the L2 penalty towards it): higher moves
    /// the weights less.
    #[arg(long, default_value_t = 0.5, value_name = "X")]
    pub l2: f64,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = crate::review_cmd::StatsFormat::Human)]
    pub format: crate::review_cmd::StatsFormat,
}

/// What one interview gives tuning: its signals' ids with force and sentence (as the rules
/// found them and after the verdicts, so a recoded or added signal's new id is known too), and
/// the sentences of the additions that name a place in it.
type Found = (Vec<(String, (Force, String))>, Vec<(AddAt, String)>);
/// An addition's place: path relative to the folder, byte range.
type AddAt = (PathBuf, usize, usize);

pub fn run(args: &TuneArgs, style: Style, quiet: bool) -> anyhow::Result<Outcome> {
    pipeline::check_inputs(&args.read.paths)?;
    if !(args.l2.is_finite() && args.l2 >= 0.0) {
        anyhow::bail!("--l2 {}: give a number of 0 or more", args.l2);
    }
    let mut rules =
        RuleSet::load(args.rules.as_deref()).context("cannot load the extraction rules")?;
    let setup = ReadSetup::new(&args.read, quiet)?;
    let review = crate::corrections::required(&setup, &args.read.paths)?;
    let corrections = &review.corrections;
    let adds: Vec<AddAt> = corrections
        .verdicts
        .iter()
        .filter_map(|c| match &c.verdict {
            Verdict::Add {
                path,
                byte_start,
                byte_end,
                ..
            } => Some((path.clone(), *byte_start, *byte_end)),
            _ => None,
        })
        .collect();
    let bar = progress_bar_for("reading", quiet);
    let mut notes = Notes::new(&bar, quiet);
    let mut found: HashMap<String, (Force, String)> = HashMap::new();
    let mut added: HashMap<AddAt, String> = HashMap::new();
    pipeline::consume(
        &args.read.paths,
        &setup,
        &bar,
        &mut notes,
        |item| match pipeline::read_item(item, &setup) {
            Ok(i) => {
                let sentence =
                    |t: usize, s: usize| i.turns[t].sentences[s].text(&i.source).to_owned();
                let signals = jtbd_extract::signals(&i, &rules, SpeakerFilter::Interviewee);
                let named = |s: &Signal| (i.signal_id(s), (s.force, sentence(s.turn, s.sentence)));
                let mut ids: Vec<(String, (Force, String))> = signals.iter().map(named).collect();
                // The verdicts applied as `extract` applies them: the pass hears which named
                // something, and refuses an addition that is not one interviewee sentence.
                let applied = pipeline::corrected(&i, item, &setup, signals);
                ids.extend(applied.iter().map(named));
                let here = match item {
                    WalkItem::File { path, .. } => review.relative(path),
                    _ => Path::new(""),
                };
                let places = adds
                    .iter()
                    .filter(|(p, _, _)| p == here)
                    .filter_map(|at| {
                        let (t, s) = jtbd_review::sentence_at(&i, at.1, at.2).ok()?;
                        Some((at.clone(), sentence(t, s)))
                    })
                    .collect();
                let made: Found = (ids, places);
                Done::Read {
                    made,
                    named: pipeline::interviewers_seen(&i, &setup.opts.interviewers),
                    noticed: pipeline::file_notes(&i),
                }
            }
            Err(u) => u.into(),
        },
        |done| {
            if let Done::Read { made, .. } | Done::Unchanged(made) = done {
                found.extend(made.0);
                added.extend(made.1);
            }
            Ok(())
        },
    )?;
    let heard = review.heard();
    let judged = jtbd_review::tune::judged(
        corrections,
        &|id| found.get(id).cloned(),
        &|p, a, b| added.get(&(p.to_path_buf(), a, b)).cloned(),
        &heard.applied_additions(corrections),
    );
    let tuned = jtbd_review::tune::tune(&mut rules, &judged, args.l2);
    let format = match args.format {
        crate::review_cmd::StatsFormat::Human => TuneFormat::Human(style),
        crate::review_cmd::StatsFormat::Json => TuneFormat::Json,
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&render(format, &corrections.file, args.l2, &tuned))?;
    out.flush()?;
    // What the file holds that the pass could not use, as every command names it.
    let failed = crate::corrections::report(&heard.problems(corrections, true)) + notes.errors();
    Ok(Outcome::of(failed, tuned.sentences))
}
