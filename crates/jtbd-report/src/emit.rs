//! Renderers for the output formats of `jtbd ingest`: human, JSON Lines, JSON, CSV.
//!
//! A renderer turns one item into bytes and holds no state, so interviews are rendered on the
//! worker threads that read them and the writer only copies bytes to stdout, in order. All data
//! goes to stdout; diagnostics go to stderr from the command itself.

use crate::style::Style;
use crate::wire::{Begin, Message, Summary, WireError, WireInterview, WireSkipped, WireTurn};
use jtbd_model::{Interview, Role};
use std::io::{self, Write};

/// One interview, rendered, with the signals it holds (extract) per force.
pub struct Rendered {
    /// The bytes to write.
    pub bytes: Vec<u8>,
    /// Signals per force.
    pub signals: jtbd_model::PerForce<usize>,
}

impl From<Vec<u8>> for Rendered {
    fn from(bytes: Vec<u8>) -> Rendered {
        Rendered {
            bytes,
            signals: Default::default(),
        }
    }
}

/// Renders what a command produces. Implementations are stateless and shareable across threads.
pub trait Render: Sync {
    /// Before anything else.
    fn begin(&self) -> io::Result<Vec<u8>>;
    /// The extraction the pipeline runs on each interview before rendering it, if any (the
    /// rules and whose turns): a renderer never runs a stage itself.
    fn extraction(&self) -> Option<(&jtbd_extract::RuleSet, jtbd_extract::SpeakerFilter)> {
        None
    }
    /// One interview: its turns (ingest) or the signals `found` in it (extract).
    fn interview(&self, i: &Interview, found: &[jtbd_model::Signal]) -> io::Result<Rendered>;
    /// Whether the summary counts signals.
    fn counts_signals(&self) -> bool {
        false
    }
    /// Written between two interviews.
    fn separator(&self) -> &'static [u8] {
        b""
    }
    /// A file that failed, where it happens in the stream (by default nothing).
    fn error(&self, _: &WireError) -> io::Result<Vec<u8>> {
        Ok(Vec::new())
    }
    /// A file left out, where it happens in the stream (by default nothing).
    fn skipped(&self, _: &WireSkipped) -> io::Result<Vec<u8>> {
        Ok(Vec::new())
    }
    /// After everything; gets every error and skipped entry for formats that list them at the
    /// end (by default nothing).
    fn finish(&self, _: &Summary, _: &[WireError], _: &[WireSkipped]) -> io::Result<Vec<u8>> {
        Ok(Vec::new())
    }
}

/// The one JSON Lines writer: a message and a newline.
pub fn line(out: &mut (impl io::Write + ?Sized), m: &Message<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *out, m)?;
    out.write_all(b"\n")
}

/// `jtbd index --format jsonl`: a `begin`, an `error` per file that failed, the `index_summary`.
pub fn index_report(
    out: &mut (impl io::Write + ?Sized),
    errors: &[WireError],
    summary: crate::wire::IndexSummary,
) -> io::Result<()> {
    line(out, &Message::Begin(Begin::new("index")))?;
    for e in errors {
        line(out, &Message::Error(e))?;
    }
    line(out, &Message::IndexSummary(summary))?;
    out.flush()
}

/// One message as a line of bytes.
pub fn one(m: &Message<'_>) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    line(&mut out, m)?;
    Ok(out)
}

/// JSON Lines.
pub struct Jsonl {
    /// Add tokens to sentences.
    pub tokens: bool,
}

/// The subcommand named in `begin`.
pub const INGEST: &str = "ingest";

impl Render for Jsonl {
    fn begin(&self) -> io::Result<Vec<u8>> {
        one(&Message::Begin(Begin::new(INGEST)))
    }
    fn interview(&self, i: &Interview, _: &[jtbd_model::Signal]) -> io::Result<Rendered> {
        // Text appears twice (turn and sentences) plus about 120 bytes of fields per object.
        let text: usize = i
            .turns
            .iter()
            .map(|t| 2 * (t.byte_end - t.byte_start))
            .sum();
        let objects: usize = i.turns.iter().map(|t| 2 + t.sentences.len()).sum();
        let mut out = Vec::with_capacity(text + 120 * objects + 1024);
        crate::fast_json::interview_line(&mut out, i);
        let head = crate::fast_json::turn_head(i);
        for t in &i.turns {
            if self.tokens {
                line(&mut out, &Message::Turn(WireTurn::new(i, t, true)))?;
            } else {
                crate::fast_json::turn_line(&mut out, &head, i, t);
            }
        }
        Ok(out.into())
    }
    fn error(&self, e: &WireError) -> io::Result<Vec<u8>> {
        one(&Message::Error(e))
    }
    fn skipped(&self, s: &WireSkipped) -> io::Result<Vec<u8>> {
        one(&Message::Skipped(s))
    }
    fn finish(&self, s: &Summary, _: &[WireError], _: &[WireSkipped]) -> io::Result<Vec<u8>> {
        one(&Message::Summary(s))
    }
}

/// One JSON document: the begin fields, `interviews` (each with its turns), then `errors`,
/// `skipped` and `summary`.
pub struct Json {
    /// Add tokens to sentences.
    pub tokens: bool,
}

#[derive(serde::Serialize)]
struct InterviewDoc<'a> {
    #[serde(flatten)]
    interview: WireInterview<'a>,
    turns: Vec<WireTurn<'a>>,
}

impl Render for Json {
    fn begin(&self) -> io::Result<Vec<u8>> {
        let mut b = serde_json::to_vec(&Begin::new(INGEST))?;
        // The begin object, opened up to carry the interviews array.
        b.pop();
        b.extend_from_slice(b",\"interviews\":[");
        Ok(b)
    }
    fn interview(&self, i: &Interview, _: &[jtbd_model::Signal]) -> io::Result<Rendered> {
        let doc = InterviewDoc {
            interview: WireInterview::new(i),
            turns: i
                .turns
                .iter()
                .map(|t| WireTurn::new(i, t, self.tokens))
                .collect(),
        };
        Ok(serde_json::to_vec(&doc)?.into())
    }
    fn separator(&self) -> &'static [u8] {
        b","
    }
    fn finish(
        &self,
        s: &Summary,
        errors: &[WireError],
        skipped: &[WireSkipped],
    ) -> io::Result<Vec<u8>> {
        document_tail(s, errors, skipped)
    }
}

/// The end of a one-document JSON output: the array of interviews or signals closed, then
/// `errors`, `skipped` and `summary`.
pub fn document_tail(
    s: &Summary,
    errors: &[WireError],
    skipped: &[WireSkipped],
) -> io::Result<Vec<u8>> {
    let mut out = b"],\"errors\":".to_vec();
    serde_json::to_writer(&mut out, errors)?;
    out.extend_from_slice(b",\"skipped\":");
    serde_json::to_writer(&mut out, skipped)?;
    out.extend_from_slice(b",\"summary\":");
    serde_json::to_writer(&mut out, s)?;
    out.extend_from_slice(b"}\n");
    Ok(out)
}

/// CSV, one row per turn.
pub struct Csv;

// The CSV helpers every format shares.
pub use crate::csv::{header_with_metadata, metadata_cells, rows as csv_rows, safe as csv_safe};

/// The CSV columns.
pub const CSV_HEADER: [&str; 12] = [
    "interview",
    "path",
    "index",
    "speaker",
    "role",
    "line",
    "byte_start",
    "byte_end",
    "timestamp",
    "timestamp_ms",
    "sentences",
    "text",
];

impl Render for Csv {
    fn begin(&self) -> io::Result<Vec<u8>> {
        csv_rows([CSV_HEADER.map(std::borrow::Cow::from)])
    }
    fn interview(&self, i: &Interview, _: &[jtbd_model::Signal]) -> io::Result<Rendered> {
        Ok(csv_rows(i.turns.iter().map(|t| {
            [
                i.id.as_str().into(),
                csv_safe(&i.path),
                t.index.to_string().into(),
                csv_safe(t.speaker.as_deref().unwrap_or("")),
                t.role.as_str().into(),
                t.line.to_string().into(),
                i.file_offset(t.byte_start).to_string().into(),
                i.file_offset(t.byte_end).to_string().into(),
                t.timestamp
                    .map(|x| x.to_string())
                    .unwrap_or_default()
                    .into(),
                t.timestamp
                    .map(|x| x.millis().to_string())
                    .unwrap_or_default()
                    .into(),
                t.sentences.len().to_string().into(),
                csv_safe(t.text(&i.source)),
            ]
        }))?
        .into())
    }
}

/// Readable text: per interview a header, then one line per turn.
pub struct Human {
    /// Colours.
    pub style: Style,
    /// Every turn whole, not cut at one line.
    pub full: bool,
}

/// Longest turn text shown on one line.
const HUMAN_WIDTH: usize = 160;

impl Render for Human {
    fn begin(&self) -> io::Result<Vec<u8>> {
        Ok(Vec::new())
    }
    fn interview(&self, i: &Interview, _: &[jtbd_model::Signal]) -> io::Result<Rendered> {
        let s = &self.style;
        let mut out = Vec::new();
        let speakers: Vec<String> = i
            .speakers
            .iter()
            .map(|sp| format!("{} ({})", s.role(sp.role, &sp.name), sp.role))
            .collect();
        writeln!(
            out,
            "{}  {} · {} turns · {}",
            s.bold(&i.path),
            i.format,
            i.turns.len(),
            if speakers.is_empty() {
                "no speaker labels".into()
            } else {
                speakers.join(", ")
            }
        )?;
        if !i.metadata.is_empty() {
            let meta: Vec<String> = i
                .metadata
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            writeln!(out, "  {}", s.dim(&meta.join(" · ")))?;
        }
        for t in &i.turns {
            let words: Vec<&str> = t
                .sentences
                .iter()
                .flat_map(|sen| sen.text(&i.source).split_whitespace())
                .collect();
            let mut text = crate::terminal(&words.join(" ")).into_owned();
            if !self.full && text.chars().count() > HUMAN_WIDTH {
                text = text.chars().take(HUMAN_WIDTH - 1).collect::<String>() + "…";
            }
            let ts = t.timestamp.map(|x| x.to_string()).unwrap_or_default();
            let who = t.speaker.as_deref().unwrap_or("(no speaker)");
            writeln!(
                out,
                "{:>6}  {:<12}  {}: {}",
                s.dim(&format!("L{}", t.line)),
                ts,
                s.role(t.role, who),
                text
            )?;
        }
        writeln!(out)?;
        Ok(out.into())
    }
}

/// Colour for roles, used by [`Style::role`].
pub fn role_colour(role: Role) -> &'static str {
    match role {
        Role::Interviewer => "36",
        Role::Interviewee => "32",
        Role::Unknown => "33",
    }
}
