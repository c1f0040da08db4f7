//! `jtbd search`: one query against the index, hits in rank order.

use crate::cli::{OutputFormat, SearchArgs};
use crate::emit::{csv_rows, csv_safe};
use crate::style::Style;
use crate::wire::{Begin, Message, SCHEMA_VERSION};
use crate::wire_search::{SearchSummary, WireHit};
use jtbd_index::{Hit, Index, Request, Results};
use jtbd_model::Role;
use std::borrow::Cow;
use std::io::Write;
use std::time::Instant;

/// Runs `jtbd search`; returns the number of matching turns.
pub fn run(args: &SearchArgs, style: Style) -> anyhow::Result<usize> {
    let started = Instant::now();
    let index = Index::open(&args.location.index)?;
    let searcher = index.searcher()?;
    let (roles, titles): (Vec<&String>, Vec<&String>) =
        args.role.iter().partition(|r| Role::parse(r).is_some());
    let req = Request {
        query: args.query.clone(),
        roles: roles.iter().filter_map(|r| Role::parse(r)).collect(),
        titles: titles.into_iter().cloned().collect(),
        speakers: args.speaker.clone(),
        forces: args.force.clone(),
        wheres: args.wheres.clone(),
        limit: args.limit,
        fuzzy: args.fuzzy,
        snippets: true,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.count {
        let n = searcher
            .count(&req)
            .map_err(|e| with_caret(&args.query, e))?;
        writeln!(out, "{n}")?;
        out.flush()?;
        return Ok(n);
    }
    let results = searcher
        .search(&req)
        .map_err(|e| with_caret(&args.query, e))?;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match args.format {
        OutputFormat::Human => human(&mut out, &results, style)?,
        OutputFormat::Jsonl => {
            let mut line = |m: &Message<'_>| -> anyhow::Result<()> {
                serde_json::to_writer(&mut out, m)?;
                out.write_all(b"\n")?;
                Ok(())
            };
            line(&Message::Begin(Begin::new("search")))?;
            for (i, h) in results.hits.iter().enumerate() {
                line(&Message::Hit(WireHit::new(i + 1, h)))?;
            }
            line(&Message::SearchSummary(SearchSummary::new(
                &args.query,
                &results,
                elapsed_ms,
            )))?;
        }
        OutputFormat::Json => {
            let doc = serde_json::json!({
                "schema_version": SCHEMA_VERSION,
                "query": args.query,
                "total": results.total,
                "hits": results.hits.iter().enumerate()
                    .map(|(i, h)| WireHit::new(i + 1, h)).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            out.write_all(b"\n")?;
        }
        OutputFormat::Csv => out.write_all(&csv(&results)?)?,
    }
    out.flush()?;
    Ok(results.total)
}

/// A query error shown with the query and a caret under the problem.
fn with_caret(query: &str, e: jtbd_index::IndexError) -> anyhow::Error {
    if let jtbd_index::IndexError::Query {
        position: Some(p), ..
    } = &e
    {
        let col = query[..(*p).min(query.len())].chars().count();
        return anyhow::anyhow!(
            "invalid query: {e}\n  {query}\n  {}^\n(see `jtbd search --help` for the syntax)",
            " ".repeat(col)
        );
    }
    anyhow::anyhow!("invalid query: {e} (see `jtbd search --help` for the syntax)")
}

fn human(out: &mut impl Write, r: &Results, style: Style) -> std::io::Result<()> {
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
        writeln!(out, "   {}", highlighted(h, style))?;
    }
    let more = r.total.saturating_sub(r.hits.len());
    if more > 0 {
        writeln!(out, "{}", style.dim(&format!("… {more} more (--limit N)")))?;
    }
    Ok(())
}

/// The snippet with its matched words marked, and `…` where the turn goes on.
fn highlighted(h: &Hit, style: Style) -> String {
    let mut s = String::new();
    if h.snippet_range.start > 0 {
        s.push('…');
    }
    let mut at = 0;
    for r in &h.highlights {
        s.push_str(&h.snippet[at..r.start]);
        s.push_str(&style.cue(&h.snippet[r.clone()]));
        at = r.end;
    }
    s.push_str(&h.snippet[at..]);
    if h.snippet_range.end < h.text.len() {
        s.push('…');
    }
    s.replace('\n', " ")
}

/// The CSV columns.
const CSV_HEADER: [&str; 12] = [
    "rank",
    "score",
    "interview",
    "path",
    "line",
    "speaker",
    "role",
    "timestamp",
    "forces",
    "byte_start",
    "byte_end",
    "text",
];

fn csv(r: &Results) -> std::io::Result<Vec<u8>> {
    let header = [CSV_HEADER.map(Cow::from)];
    let rows = r.hits.iter().enumerate().map(|(i, h)| {
        let forces: Vec<&str> = h.forces.iter().map(|f| f.as_str()).collect();
        [
            (i + 1).to_string().into(),
            format!("{:.4}", h.score).into(),
            Cow::from(h.interview.as_str()),
            csv_safe(&h.path),
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
        ]
    });
    let mut bytes = csv_rows(header)?;
    bytes.extend(csv_rows(rows)?);
    Ok(bytes)
}
