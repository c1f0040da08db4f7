//! `jtbd rules list`: the rule set as JSON Lines (`schema/rules.schema.json`), one JSON
//! document, CSV or a readable table.

use crate::emit::{csv_rows, csv_safe, line};
use crate::wire::Begin;
use jtbd_extract::{Rule, RuleSet};
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// The subcommand named in `begin`.
const RULES: &str = "rules";

/// How `jtbd rules list` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesFormat {
    /// A readable table.
    Human,
    /// `begin`, a `rule` per rule, `summary`.
    Jsonl,
    /// One document.
    Json,
    /// One row per rule.
    Csv,
}

/// One rule as the outputs describe it.
#[derive(Serialize)]
pub struct WireRule<'a> {
    id: &'a str,
    force: &'static str,
    weight: f64,
    cues: &'a [String],
    patterns: &'a [String],
    negatable: bool,
    needs_speaker: bool,
    evaluative: bool,
    examples: usize,
    file: &'a str,
    line: usize,
}

impl<'a> WireRule<'a> {
    /// The wire view of a rule.
    pub fn new(r: &'a Rule) -> Self {
        WireRule {
            id: &r.id,
            force: r.force.as_str(),
            weight: r.weight,
            cues: &r.cues,
            patterns: &r.patterns,
            negatable: r.negatable,
            needs_speaker: r.needs_speaker,
            evaluative: r.evaluative,
            examples: r.examples.len(),
            file: &r.file,
            line: r.line,
        }
    }
}

#[derive(Serialize)]
struct RulesSummary {
    rules: usize,
}

#[derive(Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
enum RulesMessage<'a> {
    Rule(WireRule<'a>),
    Summary(RulesSummary),
}

/// Writes the rule set in `format`.
pub fn render(set: &RuleSet, format: RulesFormat, out: &mut dyn Write) -> io::Result<()> {
    let summary = || RulesSummary {
        rules: set.rules().len(),
    };
    match format {
        RulesFormat::Jsonl => {
            line(out, &crate::wire::Message::Begin(Begin::new(RULES)))?;
            for r in set.rules() {
                serde_json::to_writer(&mut *out, &RulesMessage::Rule(WireRule::new(r)))?;
                out.write_all(b"\n")?;
            }
            serde_json::to_writer(&mut *out, &RulesMessage::Summary(summary()))?;
            out.write_all(b"\n")
        }
        RulesFormat::Json => {
            #[derive(Serialize)]
            struct Document<'a> {
                #[serde(flatten)]
                begin: Begin,
                rules: Vec<WireRule<'a>>,
                summary: RulesSummary,
            }
            serde_json::to_writer_pretty(
                &mut *out,
                &Document {
                    begin: Begin::new(RULES),
                    rules: set.rules().iter().map(WireRule::new).collect(),
                    summary: summary(),
                },
            )?;
            out.write_all(b"\n")
        }
        RulesFormat::Csv => {
            let header = [[
                "id",
                "force",
                "weight",
                "cues",
                "patterns",
                "negatable",
                "needs_speaker",
                "evaluative",
                "examples",
                "file",
                "line",
            ]
            .map(Cow::from)];
            out.write_all(&csv_rows(header)?)?;
            let rows = set.rules().iter().map(|r| {
                [
                    Cow::from(r.id.as_str()),
                    r.force.as_str().into(),
                    r.weight.to_string().into(),
                    csv_safe(&r.cues.join("; ")).into_owned().into(),
                    csv_safe(&r.patterns.join("; ")).into_owned().into(),
                    r.negatable.to_string().into(),
                    r.needs_speaker.to_string().into(),
                    r.evaluative.to_string().into(),
                    r.examples.len().to_string().into(),
                    csv_safe(&r.file).into_owned().into(),
                    r.line.to_string().into(),
                ]
            });
            out.write_all(&csv_rows(rows)?)
        }
        RulesFormat::Human => {
            for r in set.rules() {
                writeln!(
                    out,
                    "{:<44} {:<17} {:.2}  {:>2} cues {:>2} patterns {:>2} examples  {}:{}",
                    r.id,
                    r.force.as_str(),
                    r.weight,
                    r.cues.len(),
                    r.patterns.len(),
                    r.examples.len(),
                    r.file,
                    r.line
                )?;
            }
            Ok(())
        }
    }
}
