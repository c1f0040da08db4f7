//! `jtbd search`: hits as JSON Lines (`schema/search.schema.json`), one JSON document, CSV with
//! the interview's metadata as columns, or readable text with the matched words marked.

use crate::emit::{csv_rows, csv_safe, header_with_metadata, line, metadata_cells};
use crate::style::Style;
use crate::wire::{Begin, Message, SCHEMA_VERSION};
use crate::wire_search::{SearchSummary, WireHit};
use jtbd_index::{Hit, Results};
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// How `jtbd search` writes.
#[derive(Debug, Clone, Copy)]
pub enum SearchFormat {
    /// Readable; `full` shows whole turns instead of snippets.
    Human {
        /// Colours.
        style: Style,
        /// Whole turns.
        full: bool,
    },
    /// `begin`, a `hit` per hit, `summary`.
    Jsonl,
    /// One document.
    Json,
    /// One row per hit.
    Csv,
}

/// The one-document form.
#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    query: &'a str,
    total: usize,
    hits: Vec<WireHit<'a>>,
}

/// Writes the results of `query` in `format`.
pub fn render(
    out: &mut dyn Write,
    format: SearchFormat,
    query: &str,
    results: &Results,
    elapsed_ms: u64,
) -> io::Result<()> {
    match format {
        SearchFormat::Human { style, full } => human(out, results, style, full),
        SearchFormat::Jsonl => {
            line(out, &Message::Begin(Begin::new("search")))?;
            for (i, h) in results.hits.iter().enumerate() {
                line(out, &Message::Hit(WireHit::new(i + 1, h)))?;
            }
            line(
                out,
                &Message::SearchSummary(SearchSummary::new(query, results, elapsed_ms)),
            )
        }
        SearchFormat::Json => {
            let doc = Document {
                schema_version: SCHEMA_VERSION,
                query,
                total: results.total,
                hits: results
                    .hits
                    .iter()
                    .enumerate()
                    .map(|(i, h)| WireHit::new(i + 1, h))
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            out.write_all(b"\n")
        }
        SearchFormat::Csv => out.write_all(&csv(results)?),
    }
}

fn human(out: &mut dyn Write, r: &Results, style: Style, full: bool) -> io::Result<()> {
    for (i, h) in r.hits.iter().enumerate() {
        let who = h.speaker.as_deref().unwrap_or("(no speaker)");
        let mut head = format!(
            "{}. {}:{}  {} ({})",
            i + 1,
            style.bold(&h.path),
            h.line,
            style.role(h.role, who),
            h.role
        );
        if let Some(t) = h.timestamp_ms {
            head.push_str(&format!("  {}", jtbd_model::Timestamp(t)));
        }
        for f in &h.forces {
            head.push_str(&format!("  {}", style.force(*f)));
        }
        head.push_str(&style.dim(&format!("  score {:.2}", h.score)));
        writeln!(out, "{head}")?;
        writeln!(out, "   {}", highlighted(h, style, full))?;
    }
    let more = r.total.saturating_sub(r.hits.len());
    if more > 0 {
        writeln!(
            out,
            "{}",
            style.dim(&format!(
                "… {more} more (--limit N; --full shows whole turns)"
            ))
        )?;
    }
    Ok(())
}

/// The snippet with its matched words marked, and `…` where the turn goes on; or, `full`, the
/// whole turn with the same words marked.
fn highlighted(h: &Hit, style: Style, full: bool) -> String {
    if full {
        let at = h.snippet_range.start;
        let mut s = String::new();
        let mut done = 0;
        for r in &h.highlights {
            let (a, b) = (at + r.start, at + r.end);
            if a < done || b > h.text.len() {
                continue;
            }
            s.push_str(&crate::terminal(&h.text[done..a]));
            s.push_str(&style.cue(&crate::terminal(&h.text[a..b])));
            done = b;
        }
        s.push_str(&crate::terminal(&h.text[done..]));
        return s.replace('\n', " ");
    }
    let mut s = String::new();
    if h.snippet_range.start > 0 {
        s.push('…');
    }
    let mut at = 0;
    for r in &h.highlights {
        s.push_str(&crate::terminal(&h.snippet[at..r.start]));
        s.push_str(&style.cue(&crate::terminal(&h.snippet[r.clone()])));
        at = r.end;
    }
    s.push_str(&crate::terminal(&h.snippet[at..]));
    if h.snippet_range.end < h.text.len() {
        s.push('…');
    }
    s.replace('\n', " ")
}

/// The CSV columns before and after the interview's metadata.
const CSV_BEFORE: [&str; 4] = ["rank", "score", "interview", "path"];
const CSV_AFTER: [&str; 8] = [
    "line",
    "speaker",
    "role",
    "timestamp",
    "forces",
    "byte_start",
    "byte_end",
    "text",
];

fn csv(r: &Results) -> io::Result<Vec<u8>> {
    let header = [header_with_metadata(&CSV_BEFORE, &CSV_AFTER)];
    let rows = r.hits.iter().enumerate().map(|(i, h)| {
        let forces: Vec<&str> = h.forces.iter().map(|f| f.as_str()).collect();
        let mut row: Vec<Cow<'_, str>> = vec![
            (i + 1).to_string().into(),
            format!("{:.4}", h.score).into(),
            Cow::from(h.interview.as_str()),
            csv_safe(&h.path),
        ];
        row.extend(metadata_cells(&h.metadata));
        row.extend([
            h.line.to_string().into(),
            csv_safe(h.speaker.as_deref().unwrap_or("")),
            h.role.as_str().into(),
            h.timestamp_ms
                .map(|t| jtbd_model::Timestamp(t).to_string())
                .unwrap_or_default()
                .into(),
            forces.join(";").into(),
            h.byte_start.to_string().into(),
            h.byte_end.to_string().into(),
            csv_safe(&h.text),
        ]);
        row
    });
    let mut bytes = csv_rows(header)?;
    bytes.extend(csv_rows(rows)?);
    Ok(bytes)
}
