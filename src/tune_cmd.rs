//! `jtbd rules tune`: the rules' weights learned from the team's verdicts (`jtbd_review::tune`),
//! proposed with how often the rules would then decide as the team did. Reads the folder as
//! `jtbd review stats` does (the interviewees' signals, each with its id and sentence) and the
//! sentences the additions name; changes no file.

use crate::cli::ReadArgs;
use crate::outcome::Outcome;
use crate::pipeline::{self, ReadSetup};
use crate::style::Style;
use anyhow::Context;
use jtbd_extract::RuleSet;
use jtbd_report::emit_tune::{TuneFormat, render};
use std::io::Write;
use std::path::PathBuf;

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
    let read = crate::reviewed::read(&args.read.paths, &setup, review, &rules, quiet)?;
    let heard = review.heard();
    let judged = jtbd_review::tune::judged(
        corrections,
        // A signal by its id as the rules found it, else as the verdicts made it.
        &|id| {
            read.found
                .get(id)
                .or_else(|| read.corrected.get(id))
                .cloned()
        },
        &|p, a, b| read.added.get(&(p.to_path_buf(), a, b)).cloned(),
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
    let failed = crate::corrections::report(&heard.problems(corrections, true)) + read.errors;
    Ok(Outcome::of(failed, tuned.sentences))
}
