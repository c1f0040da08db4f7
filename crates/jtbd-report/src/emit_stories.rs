//! Output formats of `jtbd stories`: JSON Lines, one JSON document, Markdown and the human view.
//! Every format shows the same findings from the same wire types; nothing here computes them.

use crate::markdown::md;
use crate::style::Style;
use crate::wire::{Begin, Message};
use crate::wire_stories::{StoriesSummary, WireQuote, WireSegment, WireStory, WireTheme};
use jtbd_stories::{Findings, Records};
use std::fmt::Write as _;
use std::io;

/// What `jtbd stories` writes.
#[derive(Debug, Clone, Copy)]
pub enum StoriesFormat {
    Human(Style),
    Jsonl,
    Json,
    Markdown,
}

/// The findings as wire values, in output order.
struct Wire<'a> {
    themes: Vec<WireTheme<'a>>,
    stories: Vec<WireStory<'a>>,
    segments: Vec<WireSegment<'a>>,
}

fn wire<'a>(records: &'a Records, f: &'a Findings, quotes: usize) -> Wire<'a> {
    use rayon::prelude::*;
    // A theme of a big study has thousands of quotes to rank: each theme on its own core.
    Wire {
        themes: f
            .themes
            .par_iter()
            .map(|t| WireTheme::new(records, t, quotes))
            .collect(),
        stories: f
            .stories
            .par_iter()
            .map(|s| WireStory::new(records, &f.themes, s, quotes))
            .collect(),
        segments: f
            .segments
            .iter()
            .enumerate()
            .map(|(k, s)| WireSegment::new(records, &f.themes, k, s))
            .collect(),
    }
}

/// Renders the findings in `format`, each theme with at most `quotes` quotes (0: all).
pub fn render(
    format: StoriesFormat,
    records: &Records,
    f: &Findings,
    summary: &StoriesSummary,
    quotes: usize,
) -> io::Result<Vec<u8>> {
    let w = wire(records, f, quotes);
    match format {
        StoriesFormat::Jsonl => jsonl(&w, summary),
        StoriesFormat::Json => {
            #[derive(serde::Serialize)]
            struct Document<'a, 'b> {
                #[serde(flatten)]
                begin: Begin,
                themes: &'b [WireTheme<'a>],
                stories: &'b [WireStory<'a>],
                segments: &'b [WireSegment<'a>],
                summary: &'b StoriesSummary,
            }
            let mut out = serde_json::to_vec_pretty(&Document {
                begin: Begin::new("stories"),
                themes: &w.themes,
                stories: &w.stories,
                segments: &w.segments,
                summary,
            })?;
            out.push(b'\n');
            Ok(out)
        }
        StoriesFormat::Markdown => Ok(markdown(records, &w, summary).into_bytes()),
        StoriesFormat::Human(style) => Ok(human(records, &w, summary, style).into_bytes()),
    }
}

fn jsonl(w: &Wire<'_>, summary: &StoriesSummary) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut line = |m: &Message<'_>| crate::emit::line(&mut out, m);
    line(&Message::Begin(Begin::new("stories")))?;
    for t in &w.themes {
        line(&Message::Theme(t))?;
    }
    for s in &w.stories {
        line(&Message::Story(s))?;
    }
    for s in &w.segments {
        line(&Message::Segment(s))?;
    }
    line(&Message::StoriesSummary(summary))?;
    Ok(out)
}

/// A segment's themes by label, as every view but JSON names them (the ids are for programs).
fn labels<'a>(w: &Wire<'a>, s: &WireSegment<'a>) -> Vec<&'a str> {
    s.themes
        .iter()
        .map(|id| {
            w.themes
                .iter()
                .find(|t| t.id == *id)
                .map_or(*id, |t| t.label)
        })
        .collect()
}

/// Quotes shown under a theme in the human and Markdown views (JSON has up to `--quotes`).
const SHOWN_QUOTES: usize = 4;

fn counts(w: &WireTheme<'_>) -> String {
    let s = &w.strength;
    // Companies and roles come from the metadata: none given is no count at all, not zero.
    let mut who = crate::count(s.interviewees, "interviewee");
    if s.companies > 0 {
        who = format!("{who}, {}", crate::count(s.companies, "company"));
    }
    if s.roles > 0 {
        who = format!("{who}, {}", crate::count(s.roles, "role"));
    }
    format!(
        "{who}; {} signals ({} anxiety, {} frustration, {} desired progress); {} told as past, {} as hypothetical",
        s.signals,
        s.forces["anxiety"],
        s.forces["frustration"],
        s.forces["desired_progress"],
        s.past,
        s.hypothetical
    )
}

fn human(records: &Records, w: &Wire<'_>, summary: &StoriesSummary, st: Style) -> String {
    let mut o = String::new();
    // Nothing read (every path failed): the errors and the run's summary on stderr say it all;
    // a line of zeros on stdout would read as a result.
    if summary.interviews == 0 && summary.errors > 0 {
        return o;
    }
    let quote = |o: &mut String, indent: &str, q: &WireQuote<'_>| {
        let _ = writeln!(
            o,
            "{indent}\"{}\"\n{indent}  {} {}",
            crate::terminal(&jtbd_text::markup::readable(q.text())),
            st.dim("—"),
            st.dim(&format!("{}, {}", q.who(records), q.place()))
        );
    };
    for (k, t) in w.themes.iter().enumerate() {
        let _ = writeln!(
            o,
            "{} {}",
            st.bold(&format!("Theme {}:", k + 1)),
            st.bold(t.label)
        );
        let _ = writeln!(o, "  {}", t.definition);
        let _ = writeln!(o, "  {}", st.dim(&counts(t)));
        for s in w.stories.iter().filter(|s| s.theme == t.id) {
            let _ = writeln!(
                o,
                "  {} {}",
                st.bold(&format!("Story ({}):", s.interviewee)),
                crate::terminal(s.text)
            );
            for (name, slot) in [
                ("situation", &s.situation),
                ("motivation", &s.motivation),
                ("outcome", &s.outcome),
            ] {
                match slot {
                    Some(d) => {
                        let _ = writeln!(o, "    {name} {}", st.dim(&format!("(from {})", d.rule)));
                        quote(&mut o, "      ", &d.quote);
                    }
                    None => {
                        let _ = writeln!(o, "    {name}: gap, no quote of theirs says it");
                    }
                }
            }
            if let (Some(e), Some(b)) = (&s.executor, &s.beneficiary) {
                let _ = writeln!(
                    o,
                    "    Job done by {} ({}), for {} ({})",
                    e.name,
                    crate::count(e.quotes.len(), "quote"),
                    b.name,
                    crate::count(b.quotes.len(), "quote")
                );
            }
            for c in &s.chains {
                let _ = writeln!(o, "    Chain ({}):", c.link);
                quote(&mut o, "      ", &c.from);
                let _ = writeln!(o, "      ->");
                quote(&mut o, "      ", &c.to);
            }
        }
        let _ = writeln!(o, "  Quotes:");
        for q in t.quotes.iter().take(SHOWN_QUOTES) {
            quote(&mut o, "    ", q);
        }
        if t.quotes.len() > SHOWN_QUOTES {
            let _ = writeln!(
                o,
                "    {}",
                st.dim(&format!(
                    "(+{} more; --format json lists them)",
                    t.quotes.len() - SHOWN_QUOTES
                ))
            );
        }
        o.push('\n');
    }
    for s in &w.segments {
        let _ = writeln!(
            o,
            "{} {}",
            st.bold(&format!("Segment {}:", &s.id["segment-".len()..])),
            s.members.join(", ")
        );
        let _ = writeln!(
            o,
            "  Poster child: {} (cohesion {:.2})",
            s.poster_child, s.cohesion
        );
        for q in &s.poster_quotes {
            quote(&mut o, "    ", q);
        }
        let _ = writeln!(o, "  Struggles with: {}", labels(w, s).join("; "));
        let common = s.in_common();
        let _ = writeln!(
            o,
            "  In common: {}",
            common
                .as_deref()
                .map_or("nothing in their metadata".into(), md)
        );
        if !s.language.is_empty() {
            let words: Vec<String> = s
                .language
                .iter()
                .map(|p| format!("\"{}\" ({})", p.phrase, p.members))
                .collect();
            let _ = writeln!(o, "  Their language: {}", words.join(", "));
        }
        o.push('\n');
    }
    let _ = writeln!(
        o,
        "{} themes, {} stories ({} gaps), {} segments from {} signals of {} interviews; {} signals in no theme",
        summary.themes,
        summary.stories,
        summary.gaps,
        summary.segments,
        summary.signals,
        summary.interviews,
        summary.unthemed
    );
    o
}

/// `s` as inline code: a backtick inside it is set off with a longer fence, never ends it.
fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn markdown(records: &Records, w: &Wire<'_>, summary: &StoriesSummary) -> String {
    let mut o = String::from("# Job stories\n\n");
    let _ = writeln!(
        o,
        "{} themes and {} stories ({} slots without evidence), {} segments, from {} signals of {} interviews.\n",
        summary.themes,
        summary.stories,
        summary.gaps,
        summary.segments,
        summary.signals,
        summary.interviews
    );
    let quote = |o: &mut String, q: &WireQuote<'_>| {
        let _ = writeln!(
            o,
            "> {}\n>\n> — {}, {}\n",
            md(&jtbd_text::markup::readable(q.text())),
            md(&q.who(records)),
            code(&q.place())
        );
    };
    for (k, t) in w.themes.iter().enumerate() {
        let _ = writeln!(o, "## {}. {}\n", k + 1, md(t.label));
        let _ = writeln!(o, "{}\n", md(t.definition));
        let _ = writeln!(o, "*{}*\n", counts(t));
        for s in w.stories.iter().filter(|s| s.theme == t.id) {
            let _ = writeln!(o, "### {}\n", md(s.interviewee));
            let _ = writeln!(o, "**{}**\n", md(s.text));
            for (name, slot) in [
                ("Situation", &s.situation),
                ("Motivation", &s.motivation),
                ("Outcome", &s.outcome),
            ] {
                match slot {
                    Some(d) => {
                        let _ = writeln!(o, "{name} ({}):\n", code(d.rule));
                        quote(&mut o, &d.quote);
                    }
                    None => {
                        let _ = writeln!(o, "{name}: **gap**, no quote of theirs says it.\n");
                    }
                }
            }
            if let (Some(e), Some(b)) = (&s.executor, &s.beneficiary) {
                let _ = writeln!(
                    o,
                    "Job done by **{}**, for **{}**.\n",
                    md(e.name),
                    md(b.name)
                );
            }
            for c in &s.chains {
                let _ = writeln!(o, "Chain ({}):\n", md(c.link));
                quote(&mut o, &c.from);
                quote(&mut o, &c.to);
            }
        }
        let _ = writeln!(o, "Quotes:\n");
        for q in t.quotes.iter().take(SHOWN_QUOTES) {
            quote(&mut o, q);
        }
    }
    if !w.segments.is_empty() {
        o.push_str("## Segments\n\n");
    }
    for s in &w.segments {
        let _ = writeln!(o, "### {}: {}\n", md(&s.id), md(&s.members.join(", ")));
        let _ = writeln!(
            o,
            "Poster child: **{}** (cohesion {:.2})\n",
            md(s.poster_child),
            s.cohesion
        );
        for q in &s.poster_quotes {
            quote(&mut o, q);
        }
        let _ = writeln!(o, "Struggles with: {}\n", md(&labels(w, s).join("; ")));
        let common = s.in_common();
        let _ = writeln!(
            o,
            "In common: {}.
",
            common
                .as_deref()
                .map_or("nothing in their metadata".into(), md)
        );
        if !s.language.is_empty() {
            let words: Vec<String> = s
                .language
                .iter()
                .map(|p| format!("\"{}\"", md(p.phrase)))
                .collect();
            let _ = writeln!(o, "Their language: {}\n", words.join(", "));
        }
    }
    o
}
