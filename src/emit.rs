//! Writers for the output formats of `jtbd ingest`: human, JSON Lines, JSON, CSV.
//!
//! All of them write data to stdout only; diagnostics go to stderr from the command itself.

use crate::style::Style;
use crate::wire::{Begin, Message, Summary, WireError, WireInterview, WireSkipped, WireTurn};
use jtbd_model::{Interview, Role};
use std::io::{self, Write};

/// Receives what a command produces, in order.
pub trait Sink {
    /// Before anything else.
    fn begin(&mut self) -> io::Result<()>;
    /// One interview, with its turns.
    fn interview(&mut self, i: &Interview) -> io::Result<()>;
    /// A file that failed.
    fn error(&mut self, e: &WireError) -> io::Result<()>;
    /// A file left out.
    fn skipped(&mut self, s: &WireSkipped) -> io::Result<()>;
    /// After everything.
    fn finish(&mut self, s: &Summary) -> io::Result<()>;
}

fn line<W: Write>(out: &mut W, m: &Message<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *out, m)?;
    out.write_all(b"\n")
}

/// JSON Lines.
pub struct Jsonl<W: Write> {
    pub out: W,
    pub tokens: bool,
}

impl<W: Write> Sink for Jsonl<W> {
    fn begin(&mut self) -> io::Result<()> {
        line(&mut self.out, &Message::Begin(Begin::new("ingest")))
    }
    fn interview(&mut self, i: &Interview) -> io::Result<()> {
        line(&mut self.out, &Message::Interview(WireInterview::new(i)))?;
        for t in &i.turns {
            line(
                &mut self.out,
                &Message::Turn(WireTurn::new(i, t, self.tokens)),
            )?;
        }
        Ok(())
    }
    fn error(&mut self, e: &WireError) -> io::Result<()> {
        line(&mut self.out, &Message::Error(e))
    }
    fn skipped(&mut self, s: &WireSkipped) -> io::Result<()> {
        line(&mut self.out, &Message::Skipped(s))
    }
    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        line(&mut self.out, &Message::Summary(s))?;
        self.out.flush()
    }
}

/// One JSON document, streamed: interviews (with their turns) as they come, then errors,
/// skipped entries and the summary.
pub struct Json<W: Write> {
    pub out: W,
    pub tokens: bool,
    pub first: bool,
    pub errors: Vec<WireError>,
    pub skipped: Vec<WireSkipped>,
}

#[derive(serde::Serialize)]
struct InterviewDoc<'a> {
    #[serde(flatten)]
    interview: WireInterview<'a>,
    turns: Vec<WireTurn<'a>>,
}

impl<W: Write> Sink for Json<W> {
    fn begin(&mut self) -> io::Result<()> {
        let b = serde_json::to_string(&Begin::new("ingest"))?;
        // `{...}` of begin, opened up to carry the interviews array.
        write!(self.out, "{},\"interviews\":[", &b[..b.len() - 1])
    }
    fn interview(&mut self, i: &Interview) -> io::Result<()> {
        if !std::mem::take(&mut self.first) {
            self.out.write_all(b",")?;
        }
        let doc = InterviewDoc {
            interview: WireInterview::new(i),
            turns: i
                .turns
                .iter()
                .map(|t| WireTurn::new(i, t, self.tokens))
                .collect(),
        };
        serde_json::to_writer(&mut self.out, &doc)?;
        Ok(())
    }
    fn error(&mut self, e: &WireError) -> io::Result<()> {
        self.errors.push(e.clone());
        Ok(())
    }
    fn skipped(&mut self, s: &WireSkipped) -> io::Result<()> {
        self.skipped.push(s.clone());
        Ok(())
    }
    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        self.out.write_all(b"],\"errors\":")?;
        serde_json::to_writer(&mut self.out, &self.errors)?;
        self.out.write_all(b",\"skipped\":")?;
        serde_json::to_writer(&mut self.out, &self.skipped)?;
        self.out.write_all(b",\"summary\":")?;
        serde_json::to_writer(&mut self.out, s)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}

/// CSV, one row per turn.
pub struct Csv<W: Write> {
    pub out: csv::Writer<W>,
}

/// A cell a spreadsheet would run as a formula gets a leading `'` (CSV injection).
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn csv_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

impl<W: Write> Sink for Csv<W> {
    fn begin(&mut self) -> io::Result<()> {
        self.out
            .write_record([
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
            ])
            .map_err(csv_err)
    }
    fn interview(&mut self, i: &Interview) -> io::Result<()> {
        for t in &i.turns {
            let ts = t.timestamp.map(|x| x.to_string()).unwrap_or_default();
            let ms = t
                .timestamp
                .map(|x| x.millis().to_string())
                .unwrap_or_default();
            self.out
                .write_record([
                    i.id.as_str(),
                    &csv_safe(&i.path),
                    &t.index.to_string(),
                    &csv_safe(t.speaker.as_deref().unwrap_or("")),
                    t.role.as_str(),
                    &t.line.to_string(),
                    &t.byte_start.to_string(),
                    &t.byte_end.to_string(),
                    &ts,
                    &ms,
                    &t.sentences.len().to_string(),
                    &csv_safe(&t.text),
                ])
                .map_err(csv_err)?;
        }
        Ok(())
    }
    fn error(&mut self, _: &WireError) -> io::Result<()> {
        Ok(())
    }
    fn skipped(&mut self, _: &WireSkipped) -> io::Result<()> {
        Ok(())
    }
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

/// Readable text: per interview a header, then one line per turn.
pub struct Human<W: Write> {
    pub out: W,
    pub style: Style,
}

/// Longest turn text shown on one line.
const HUMAN_WIDTH: usize = 160;

impl<W: Write> Sink for Human<W> {
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn interview(&mut self, i: &Interview) -> io::Result<()> {
        let s = &self.style;
        let speakers: Vec<String> = i
            .speakers
            .iter()
            .map(|sp| format!("{} ({})", s.role(sp.role, &sp.name), sp.role))
            .collect();
        writeln!(
            self.out,
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
            writeln!(self.out, "  {}", s.dim(&meta.join(" · ")))?;
        }
        for t in &i.turns {
            let mut text = String::new();
            for (k, sen) in t.sentences.iter().enumerate() {
                if k > 0 {
                    text.push(' ');
                }
                text.extend(sen.text.split_whitespace().flat_map(|w| [w, " "]));
                text.pop();
            }
            if text.chars().count() > HUMAN_WIDTH {
                text = text.chars().take(HUMAN_WIDTH - 1).collect::<String>() + "…";
            }
            let ts = t.timestamp.map(|x| x.to_string()).unwrap_or_default();
            let who = t.speaker.as_deref().unwrap_or("(no speaker)");
            writeln!(
                self.out,
                "{:>6}  {:<12}  {}: {}",
                s.dim(&format!("L{}", t.line)),
                ts,
                s.role(t.role, who),
                text
            )?;
        }
        writeln!(self.out)
    }
    fn error(&mut self, _: &WireError) -> io::Result<()> {
        Ok(())
    }
    fn skipped(&mut self, _: &WireSkipped) -> io::Result<()> {
        Ok(())
    }
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        self.out.flush()
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
