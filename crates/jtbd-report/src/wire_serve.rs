//! The JSON `jtbd serve` answers with: the study as the page shows it (`GET /api/study`, schema
//! `schema/serve-study.schema.json`) and the answer to a verdict (`POST /api/verdict`, schema
//! `schema/serve-answer.schema.json`), for scripts that review through the server.

use crate::serve_page::{Served, said_id};
use jtbd_stories::SignalRef;
use serde::Serialize;

#[derive(Serialize)]
struct WireStudy<'a> {
    /// The header every document of jtbd opens with (`schema_version`, `tool`, `version`,
    /// `command`).
    #[serde(flatten)]
    head: crate::wire::Begin,
    folder: &'a str,
    corrections: &'a str,
    verdicts: usize,
    /// What the corrections file holds that could not be used, in line order.
    problems: Vec<WireProblem<'a>>,
    themes: Vec<WireTheme<'a>>,
    /// Every interviewee signal after the verdicts, by interview in walk order.
    signals: Vec<WireSignal<'a>>,
}

#[derive(Serialize)]
struct WireProblem<'a> {
    line: usize,
    message: &'a str,
    /// `error` or `warning`.
    kind: &'static str,
}

#[derive(Serialize)]
struct WireTheme<'a> {
    id: &'a str,
    label: &'a str,
    definition: &'a str,
    interviewees: usize,
    /// Its signals' ids, in corpus order.
    signals: Vec<String>,
    stories: Vec<WireStory<'a>>,
}

#[derive(Serialize)]
struct WireStory<'a> {
    id: &'a str,
    text: &'a str,
    teller: &'a str,
    signals: Vec<String>,
}

#[derive(Serialize)]
struct WireSignal<'a> {
    id: String,
    force: &'static str,
    /// Relative to the folder: the `path` an addition names.
    path: &'a str,
    line: usize,
    byte_start: usize,
    byte_end: usize,
    speaker: Option<&'a str>,
    text: &'a str,
    confidence: f64,
}

/// The study as JSON, one document.
pub fn study(v: &Served<'_>) -> Vec<u8> {
    let id = |r: &SignalRef| {
        v.records
            .get(r.record)
            .and_then(|rec| Some(said_id(rec, v.records.said_at(*r)?)))
            .unwrap_or_default()
    };
    let themes = v
        .findings
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| WireTheme {
            id: &theme.id,
            label: &theme.label,
            definition: &theme.definition,
            interviewees: theme.strength.interviewees,
            signals: theme.signals.iter().map(|r| id(&r)).collect(),
            stories: v
                .findings
                .stories
                .iter()
                .filter(|s| s.theme == t)
                .map(|s| WireStory {
                    id: &s.id,
                    text: &s.text,
                    teller: crate::serve_page::teller_shown(v, s.record, s.teller(v.records)),
                    signals: s.signals.iter().map(id).collect(),
                })
                .collect(),
        })
        .collect();
    let signals = v
        .signals
        .iter()
        .map(|x| WireSignal {
            id: x.id.clone(),
            force: x.force.as_str(),
            path: v
                .records
                .get(x.record)
                .and_then(|r| v.paths.get(r.interview))
                .map_or("", String::as_str),
            line: x.quote.line,
            byte_start: x.quote.byte_start,
            byte_end: x.quote.byte_end,
            speaker: x.quote.speaker.as_deref(),
            text: &x.quote.text,
            confidence: x.confidence,
        })
        .collect();
    let w = WireStudy {
        head: crate::wire::Begin::new("serve"),
        folder: v.folder,
        corrections: v.corrections_file,
        verdicts: v.corrections.verdicts.len(),
        problems: v
            .problems
            .iter()
            .map(|p| WireProblem {
                line: p.error.line,
                message: &p.error.problem,
                kind: p.severity.as_str(),
            })
            .collect(),
        themes,
        signals,
    };
    // Plain structs of strings and numbers: serialising cannot fail.
    let mut out = serde_json::to_vec(&w).unwrap_or_default();
    out.push(b'\n');
    out
}

#[derive(Serialize)]
struct WireAnswer<'a> {
    ok: bool,
    message: &'a str,
    /// The line of the corrections file written, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

/// The answer to a request that changes something, or says why it did not.
pub fn answer(ok: bool, message: &str, line: Option<usize>) -> Vec<u8> {
    let mut out = serde_json::to_vec(&WireAnswer { ok, message, line }).unwrap_or_default();
    out.push(b'\n');
    out
}
