//! `jtbd review stats`: how often the rules and the research team agree, from the verdicts a
//! team keeps in `corrections.jsonl` beside its transcripts. Reads the folder (as `jtbd
//! extract` does: the interviewees' signals, each with its stable id), reads the verdicts
//! (`jtbd_review`), and hands the figures to `jtbd_report::emit_review`.

use crate::cli::ReadArgs;
use crate::outcome::Outcome;
use crate::pipeline::{self, ReadSetup};
use crate::style::Style;
use anyhow::Context;
use jtbd_extract::RuleSet;
use jtbd_report::emit_review::{ReviewFormat, render};
use jtbd_review::Agreement;
use std::io::Write;
use std::path::PathBuf;

const STATS_HELP: &str = "\
A team's verdicts live in corrections.jsonl at the root of the folder, one JSON object a line,
naming signals by the `id` that `jtbd extract --format jsonl` and `jtbd analyze` give them:
  {\"signal\": \"s1f2e3d4c5b6a7980\", \"verdict\": \"accept\", \"by\": \"dana\"}
  {\"signal\": \"s1f2e3d4c5b6a7980\", \"verdict\": \"reject\", \"by\": \"kim\", \"note\": \"a joke\"}
  {\"signal\": \"s0a1b2c3d4e5f6789\", \"verdict\": \"recode\", \"force\": \"frustration\"}
  {\"verdict\": \"add\", \"path\": \"calls/ciso.vtt\", \"byte_start\": 120, \"byte_end\": 188, \"force\": \"anxiety\"}

It prints, per force, the share of reviewed signals the reviewers accepted (precision),
Cohen's kappa between the rules and each reviewer (`by`) and between every two reviewers over
the signals both judged (marked \"too few to trust\" under 10), and how many signals the rules
missed (additions). An addition counts only where `jtbd extract` takes it: one sentence of an
interviewee. A line that is not a verdict, an addition extract refuses, or a verdict that names
no signal or file found (the transcript changed) is listed as extract lists it, in line order,
and the rest still count.

Examples:
  jtbd review stats interviews/
  jtbd review stats interviews/ --corrections review/round-2.jsonl --format json

Exit codes: 0 figures, 1 no verdict in the file, 2 error (no file, a line that is not a verdict,
an addition extract refuses).";

/// `jtbd review`.
#[derive(Debug, clap::Subcommand)]
pub enum ReviewCommand {
    /// How often the rules and the reviewers agree: precision per force, Cohen's kappa.
    #[command(after_help = STATS_HELP)]
    Stats(StatsArgs),
}

/// `jtbd review stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    /// The extraction rules the signals were found with (as `jtbd extract --rules`).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = StatsFormat::Human)]
    pub format: StatsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsFormat {
    Human,
    Json,
}

/// Runs `jtbd review ...`.
pub fn run(cmd: &ReviewCommand, style: Style, quiet: bool) -> anyhow::Result<Outcome> {
    match cmd {
        ReviewCommand::Stats(args) => stats(args, style, quiet),
    }
}

fn stats(args: &StatsArgs, style: Style, quiet: bool) -> anyhow::Result<Outcome> {
    pipeline::check_inputs(&args.read.paths)?;
    let rules = RuleSet::load(args.rules.as_deref()).context("cannot load the extraction rules")?;
    // The reading setup loads the verdicts as every command does (`--corrections`, else the
    // first folder's file); here they are the point, so none is an error.
    let setup = ReadSetup::new(&args.read, quiet)?;
    let review = crate::corrections::required(&setup, &args.read.paths)?;
    let corrections = &review.corrections;
    // The rules' force of every interviewee signal, by id; the verdicts applied as `extract`
    // applies them, so an addition counts only where it is one (one sentence of an interviewee
    // of a file read) and one refused is the same error.
    let read = crate::reviewed::read(&args.read.paths, &setup, review, &rules, quiet)?;
    let heard = review.heard();
    let agreement = Agreement::compute(corrections, &|id| read.found.get(id).map(|f| f.0), &heard);
    let problems = heard.problems(corrections, true);
    let format = match args.format {
        StatsFormat::Human => ReviewFormat::Human(style),
        StatsFormat::Json => ReviewFormat::Json,
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&render(format, corrections, &agreement, &problems))?;
    out.flush()?;
    // What the file holds that the pass could not use, as every command names it.
    let failed = crate::corrections::report(&problems) + read.errors;
    Ok(Outcome::of(failed, corrections.verdicts.len()))
}
