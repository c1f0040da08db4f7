//! Renderers of `jtbd extract`: the signals of each interview, as JSON Lines, JSON, CSV or
//! readable text with the cues highlighted.

use crate::emit::{Render, Rendered, csv_rows, csv_safe, one};
use crate::style::Style;
use crate::wire::{Begin, Message, Summary, WireError, WireSkipped};
use crate::wire_signal::WireClassified;
use crate::wire_signal::WireSignal;
use jtbd_extract::{RuleSet, Signal, SpeakerFilter};
use jtbd_model::Interview;
use std::io::{self, Write};

/// The subcommand named in `begin`.
pub const EXTRACT: &str = "extract";

/// The format of extract's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalFormat {
    /// One `signal` message per line.
    Jsonl,
    /// One document.
    Json,
    /// One row per signal.
    Csv,
    /// Readable, cues highlighted on a terminal.
    Human(Style),
}

/// Renders the signals of interviews.
pub struct Signals<'a> {
    /// The rules.
    pub rules: &'a RuleSet,
    /// Whose turns.
    pub filter: SpeakerFilter,
    /// How.
    pub format: SignalFormat,
}

fn counts(found: &[Signal]) -> jtbd_model::PerForce<usize> {
    jtbd_model::PerForce::count(found.iter().map(|s| s.force))
}

/// About the bytes of `found` as JSON Lines: the sentence and the question, the interview's id
/// and path, and up to some 500 bytes of names and numbers (over rather than under: one more
/// growth copies the whole buffer).
fn jsonl_size(i: &Interview, found: &[Signal]) -> usize {
    let text = |t: usize, s: usize| i.turns[t].sentences[s].text(&i.source).len();
    found
        .iter()
        .map(|s| {
            text(s.turn, s.sentence)
                + s.question.map_or(0, |(t, q)| text(t, q))
                + i.id.len()
                + i.path.len()
                + 512
        })
        .sum()
}

impl Render for Signals<'_> {
    fn begin(&self) -> io::Result<Vec<u8>> {
        match self.format {
            SignalFormat::Jsonl => one(&Message::Begin(Begin::new(EXTRACT))),
            SignalFormat::Json => {
                let mut b = serde_json::to_vec(&Begin::new(EXTRACT))?;
                b.pop();
                b.extend_from_slice(b",\"signals\":[");
                Ok(b)
            }
            SignalFormat::Csv => csv_rows([crate::csv::signal_header(false)]),
            SignalFormat::Human(_) => Ok(Vec::new()),
        }
    }

    fn extraction(&self) -> Option<(&RuleSet, SpeakerFilter)> {
        Some((self.rules, self.filter))
    }

    fn interview(&self, i: &Interview, found: &[Signal]) -> io::Result<Rendered> {
        let mut out = Vec::new();
        match self.format {
            SignalFormat::Jsonl => {
                // Sized once: grown as it filled, the buffer was copied over and over (2% of
                // the instructions of extracting the generated corpus).
                // The interview first, with its metadata: each signal names it by id, and the
                // metadata is written once, not copied into every signal (that cost 12% of
                // the throughput on the generated corpus).
                out.reserve(jsonl_size(i, found) + 1024);
                crate::fast_json::interview_line(&mut out, i);
                for s in found {
                    crate::fast_json::signal_line(&mut out, i, s);
                }
            }
            SignalFormat::Json => {
                for (k, s) in found.iter().enumerate() {
                    if k > 0 {
                        out.push(b',');
                    }
                    serde_json::to_writer(&mut out, &WireSignal::new(i, s).with_metadata(i))?;
                }
            }
            SignalFormat::Csv => {
                let meta = crate::emit::metadata_cells(&i.metadata);
                // Each row names who said it (a show's second guest is their own person).
                let people = jtbd_stories::People::of(i);
                let signals: Vec<crate::SignalRow> = found
                    .iter()
                    .map(|s| crate::SignalRow::new(0, i, s))
                    .collect();
                out = csv_rows(signals.iter().map(|signal| {
                    crate::csv::signal_row(
                        people.of_quote(&signal.quote),
                        &i.id,
                        &i.path,
                        &meta,
                        signal,
                        None,
                    )
                }))?;
            }
            SignalFormat::Human(style) => {
                for s in found {
                    human(&mut out, i, s, style)?;
                }
            }
        }
        Ok(Rendered {
            bytes: out,
            signals: counts(found),
        })
    }

    fn separator(&self) -> &'static [u8] {
        if self.format == SignalFormat::Json {
            b","
        } else {
            b""
        }
    }

    fn counts_signals(&self) -> bool {
        true
    }

    fn error(&self, e: &WireError) -> io::Result<Vec<u8>> {
        match self.format {
            SignalFormat::Jsonl => one(&Message::Error(e)),
            _ => Ok(Vec::new()),
        }
    }

    fn skipped(&self, s: &WireSkipped) -> io::Result<Vec<u8>> {
        match self.format {
            SignalFormat::Jsonl => one(&Message::Skipped(s)),
            _ => Ok(Vec::new()),
        }
    }

    fn finish(
        &self,
        s: &Summary,
        errors: &[WireError],
        skipped: &[WireSkipped],
    ) -> io::Result<Vec<u8>> {
        match self.format {
            SignalFormat::Jsonl => one(&Message::Summary(s)),
            SignalFormat::Json => crate::emit::document_tail(s, errors, skipped),
            _ => Ok(Vec::new()),
        }
    }
}

/// `path:line  [timestamp]  speaker (role)  force 0.80  sentence  id`, cues highlighted; the
/// id is what a verdict in `corrections.jsonl` names (docs/review.md).
fn human(out: &mut Vec<u8>, i: &Interview, s: &Signal, style: Style) -> io::Result<()> {
    let turn = &i.turns[s.turn];
    let sen = &turn.sentences[s.sentence];
    let text = sen.text(&i.source);
    let mut shown = String::new();
    let mut pos = 0;
    for c in &s.cues {
        if c.start < pos || c.end > text.len() {
            continue;
        }
        shown.push_str(&crate::terminal(&text[pos..c.start]));
        shown.push_str(&style.cue(&crate::terminal(&text[c.clone()])));
        pos = c.end;
    }
    shown.push_str(&crate::terminal(&text[pos..]));
    let shown: Vec<&str> = shown.split_whitespace().collect();
    writeln!(
        out,
        "{}:{}  {}{} ({})  {} {:.2}  {}  {}",
        style.bold(&i.path),
        sen.line,
        turn.timestamp
            .map(|t| format!("[{t}] "))
            .unwrap_or_default(),
        style.role(turn.role, turn.speaker.as_deref().unwrap_or("(no speaker)")),
        turn.role,
        style.force(s.force),
        s.confidence,
        shown.join(" "),
        style.dim(&i.signal_id(s))
    )
}

/// How `jtbd classify` writes each line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassifyFormat {
    Jsonl,
    Csv,
    Human,
}

/// The forces whose confidences the classify CSV has a column for.
const CLASSIFY_FORCES: [&str; 4] = ["anxiety", "frustration", "desired_progress", "habit"];

/// The first bytes `jtbd classify` writes: the CSV header, or nothing.
pub fn classify_header(format: ClassifyFormat, with_text: bool) -> io::Result<Vec<u8>> {
    if format != ClassifyFormat::Csv {
        return Ok(Vec::new());
    }
    let mut header = vec!["line"];
    if with_text {
        header.push("text");
    }
    header.extend(["forces", "rules"]);
    header.extend(CLASSIFY_FORCES);
    csv_rows([header
        .into_iter()
        .map(std::borrow::Cow::from)
        .collect::<Vec<_>>()])
}

/// One classified line in `format`.
pub fn classified(format: ClassifyFormat, c: &WireClassified<'_>) -> io::Result<Vec<u8>> {
    Ok(match format {
        ClassifyFormat::Jsonl => {
            let mut v = serde_json::to_vec(c)?;
            v.push(b'\n');
            v
        }
        ClassifyFormat::Csv => {
            let mut row: Vec<std::borrow::Cow<'_, str>> = vec![c.line.to_string().into()];
            if let Some(t) = c.text {
                row.push(csv_safe(t));
            }
            row.push(c.forces.join(";").into());
            row.push(c.rules.join(";").into());
            row.extend(CLASSIFY_FORCES.iter().map(|f| {
                c.confidence
                    .get(f)
                    .map(|x| x.to_string())
                    .unwrap_or_default()
                    .into()
            }));
            csv_rows([row])?
        }
        ClassifyFormat::Human => {
            let forces: Vec<String> = c
                .forces
                .iter()
                .map(|f| {
                    format!(
                        "{f} {:.2}",
                        c.confidence.get(f).copied().unwrap_or_default()
                    )
                })
                .collect();
            let forces = if forces.is_empty() {
                "-".to_owned()
            } else {
                forces.join(", ")
            };
            match c.text {
                Some(t) => format!("{:>5}  {forces:<32} {t}\n", c.line),
                None => format!("{:>5}  {forces}\n", c.line),
            }
            .into_bytes()
        }
    })
}
