//! `jtbd extract`, `jtbd classify` and `jtbd rules`.

use crate::cli::{ClassifyArgs, ClassifyOutput, ExtractArgs, OutputFormat, RulesCommand, Speakers};
use crate::emit_signals::{ClassifyFormat, classified, classify_header};
use crate::emit_signals::{SignalFormat, Signals};
use crate::outcome::Outcome;
use crate::pipeline;
use crate::style::Style;
use crate::wire_signal::WireClassified;
use anyhow::Context;
use jtbd_extract::{Expect, RuleSet, SpeakerFilter};
use jtbd_report::emit_rules::RulesFormat;
use rayon::prelude::*;
use std::io::{BufRead, Write};
use std::path::Path;

fn load_rules(dir: Option<&Path>) -> anyhow::Result<RuleSet> {
    RuleSet::load(dir).context("cannot load the extraction rules")
}

/// Runs `jtbd extract`.
pub fn extract(args: &ExtractArgs, style: Style, quiet: bool) -> anyhow::Result<Outcome> {
    let mut rules = load_rules(args.rules.as_deref())?;
    if let Some(min) = args.min_confidence {
        rules.set_min_confidence(min);
    }
    let filter = match args.speakers {
        Speakers::All => SpeakerFilter::All,
        Speakers::Interviewee => SpeakerFilter::Interviewee,
        Speakers::Interviewer => SpeakerFilter::Interviewer,
    };
    let format = match args.format {
        OutputFormat::Human => SignalFormat::Human(style),
        OutputFormat::Jsonl => SignalFormat::Jsonl,
        OutputFormat::Json => SignalFormat::Json,
        OutputFormat::Csv => SignalFormat::Csv,
    };
    let render = Signals {
        rules: &rules,
        filter,
        format,
    };
    pipeline::run(&args.read, &render, quiet)
}

/// Problems `jtbd rules check` lists before it stops.
const MAX_RULE_ERRORS: usize = 50;

/// Lines classified at a time: big enough to use both cores, small enough to stream.
const CLASSIFY_BATCH: usize = 4096;

/// What `jtbd classify` did: lines that carried a force, lines that could not be read.
pub struct Classified {
    pub with_force: usize,
    pub bad_lines: usize,
}

/// Runs `jtbd classify`. A line that is not UTF-8 is read as Windows-1252 when it reads as such
/// text (a note says how many were), else it is named on stderr with its number and left out; the others are classified, and the run goes on to the end. An input
/// starting with a UTF-16 byte order mark is decoded whole, as a transcript would be.
pub fn classify(args: &ClassifyArgs) -> anyhow::Result<Classified> {
    let mut rules = load_rules(args.rules.as_deref())?;
    if let Some(min) = args.min_confidence {
        rules.set_min_confidence(min);
    }
    let mut input: Box<dyn BufRead> = match &args.file {
        Some(p) => Box::new(std::io::BufReader::new(
            std::fs::File::open(p).with_context(|| format!("{}: cannot open", p.display()))?,
        )),
        None => Box::new(std::io::stdin().lock()),
    };
    let shown = args
        .file
        .as_ref()
        .map_or("stdin".to_owned(), |p| p.display().to_string());
    let head = input
        .fill_buf()
        .with_context(|| format!("{shown}: cannot read"))?;
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .with_context(|| format!("{shown}: cannot read"))?;
        let text = jtbd_text::decode(&bytes)
            .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?
            .text;
        input = Box::new(std::io::Cursor::new(text.into_bytes()));
    }
    let format = match args.format {
        ClassifyOutput::Jsonl => ClassifyFormat::Jsonl,
        ClassifyOutput::Csv => ClassifyFormat::Csv,
        ClassifyOutput::Human => ClassifyFormat::Human,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    out.write_all(&classify_header(format, !args.no_text)?)?;
    let mut lines = input.split(b'\n').enumerate().peekable();
    let mut legacy_lines: Vec<usize> = Vec::new();
    let mut done = Classified {
        with_force: 0,
        bad_lines: 0,
    };
    while lines.peek().is_some() {
        let mut batch: Vec<(usize, String)> = Vec::with_capacity(CLASSIFY_BATCH);
        for (n, l) in lines.by_ref().take(CLASSIFY_BATCH) {
            let bytes = l.with_context(|| format!("{shown}: cannot read"))?;
            let bytes = if n == 0 {
                bytes
                    .strip_prefix(b"\xEF\xBB\xBF")
                    .unwrap_or(&bytes)
                    .to_vec()
            } else {
                bytes
            };
            let text = String::from_utf8(bytes).or_else(|e| {
                // A survey export saved in Windows-1252 reads, as a transcript would.
                let legacy = jtbd_text::windows_1252_line(e.as_bytes()).ok_or(())?;
                legacy_lines.push(n + 1);
                Ok::<_, ()>(legacy)
            });
            match text {
                Ok(text) => batch.push((n + 1, text.trim_end_matches('\r').to_owned())),
                Err(()) => {
                    done.bad_lines += 1;
                    eprintln!(
                        "error: {shown}: line {}: neither UTF-8 nor Windows-1252 text, left out (re-save the input as UTF-8)",
                        n + 1
                    );
                }
            }
        }
        let rendered: Vec<(Vec<u8>, bool)> = batch
            .par_iter()
            .map(|(n, text)| {
                let c = rules.classify(text);
                let shown = (!args.no_text).then_some(text.as_str());
                let v = classified(format, &WireClassified::new(*n, shown, &c, &rules))?;
                Ok((v, !c.hits.is_empty()))
            })
            .collect::<std::io::Result<_>>()?;
        for (bytes, hit) in rendered {
            done.with_force += usize::from(hit);
            out.write_all(&bytes)?;
        }
    }
    out.flush()?;
    if let Some(first) = legacy_lines.first() {
        let n = legacy_lines.len();
        eprintln!(
            "note: {shown}: {n} line{} read as Windows-1252, not UTF-8 (the first: line {first})",
            if n == 1 { "" } else { "s" }
        );
    }
    Ok(done)
}

/// Runs `jtbd rules ...`.
pub fn rules(cmd: &RulesCommand, style: Style, quiet: bool) -> anyhow::Result<Outcome> {
    match cmd {
        RulesCommand::Tune(args) => crate::tune_cmd::run(args, style, quiet),
        RulesCommand::List { rules, format } => {
            let set = load_rules(rules.as_deref())?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let format = match format {
                OutputFormat::Human => RulesFormat::Human,
                OutputFormat::Jsonl => RulesFormat::Jsonl,
                OutputFormat::Json => RulesFormat::Json,
                OutputFormat::Csv => RulesFormat::Csv,
            };
            jtbd_report::emit_rules::render(&set, format, &mut out)?;
            out.flush()?;
            Ok(Outcome::Results)
        }
        RulesCommand::Check { dir } => match RuleSet::check_dir(dir, MAX_RULE_ERRORS) {
            Ok(set) => {
                println!("ok: {} rules in {}", set.rules().len(), dir.display());
                Ok(Outcome::Results)
            }
            Err(errors) => {
                for e in &errors {
                    eprintln!("error: {e}");
                }
                let more = if errors.len() >= MAX_RULE_ERRORS {
                    " (the first ones; fix them and check again)"
                } else {
                    ""
                };
                eprintln!(
                    "{} problem{} in {}{more}",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" },
                    dir.display()
                );
                Ok(Outcome::Failed)
            }
        },
        RulesCommand::Test { dir } => {
            let set = RuleSet::load_only(dir).context("rules test failed")?;
            let (mut passed, mut failed) = (0, 0);
            for (i, r) in set.rules().iter().enumerate() {
                for ex in &r.examples {
                    let fired = set.rule_fires(i, &ex.text);
                    if fired == (ex.expect == Expect::Match) {
                        passed += 1;
                    } else {
                        failed += 1;
                        println!(
                            "FAIL {}:{}: rule {}: expected {} on {:?}",
                            r.file,
                            r.line,
                            r.id,
                            if ex.expect == Expect::Match {
                                "a match"
                            } else {
                                "no match"
                            },
                            ex.text
                        );
                    }
                }
            }
            println!("{passed} passed, {failed} failed");
            Ok(Outcome::of(failed, passed.max(1)))
        }
    }
}
