//! The wire format of `jtbd search`: `begin`, one `hit` per result in rank order, `summary`.
//! Documented in `docs/wire-format.md`, schema in `schema/search.schema.json`.

use jtbd_index::{Hit, Results};
use serde::Serialize;
use std::collections::BTreeMap;

/// One search hit.
#[derive(Serialize)]
pub struct WireHit<'a> {
    /// 1-based rank.
    pub rank: usize,
    /// BM25 score (higher is better; comparable only within one query).
    pub score: f32,
    /// Interview id.
    pub interview: &'a str,
    /// Path of the transcript file.
    pub path: &'a str,
    /// Speaker label, or null.
    pub speaker: Option<&'a str>,
    /// interviewer, interviewee or unknown.
    pub role: &'static str,
    /// Turn number in the interview, from 0.
    pub turn: u64,
    /// 1-based line where the turn starts.
    pub line: u64,
    /// Byte range of the turn in the source.
    pub byte_start: u64,
    /// One past the turn's last byte.
    pub byte_end: u64,
    /// `HH:MM:SS` into the recording, or null.
    pub timestamp: Option<String>,
    /// The turn's words (its sentences joined by one space).
    pub text: &'a str,
    /// A fragment of `text` around the best match.
    pub snippet: &'a str,
    /// Where the snippet starts in `text` (bytes).
    pub snippet_start: usize,
    /// Matched words as `[start, end)` byte ranges in `snippet`.
    pub highlights: Vec<[usize; 2]>,
    /// The same as byte ranges in the source file; null when the format's text is not verbatim
    /// in the file (JSON with escapes, DOCX).
    pub source_highlights: Option<Vec<[usize; 2]>>,
    /// Forces extraction found in the turn.
    pub forces: Vec<&'static str>,
    /// The interview's metadata.
    pub metadata: &'a BTreeMap<String, String>,
}

impl<'a> WireHit<'a> {
    /// The wire form of the hit at `rank`.
    pub fn new(rank: usize, h: &'a Hit) -> WireHit<'a> {
        WireHit {
            rank,
            score: h.score,
            interview: &h.interview,
            path: &h.path,
            speaker: h.speaker.as_deref(),
            role: h.role.as_str(),
            turn: h.turn,
            line: h.line,
            byte_start: h.byte_start,
            byte_end: h.byte_end,
            timestamp: h.timestamp_ms.map(|t| jtbd_model::Timestamp(t).to_string()),
            text: &h.text,
            snippet: &h.snippet,
            snippet_start: h.snippet_range.start,
            highlights: h.highlights.iter().map(|r| [r.start, r.end]).collect(),
            source_highlights: h
                .source_highlights
                .as_ref()
                .map(|v| v.iter().map(|r| [r.start, r.end]).collect()),
            forces: h.forces.iter().map(|f| f.as_str()).collect(),
            metadata: &h.metadata,
        }
    }
}

/// The `summary` of a search.
#[derive(Serialize)]
pub struct SearchSummary<'a> {
    /// The query as given.
    pub query: &'a str,
    /// Turns matching in all.
    pub total: usize,
    /// Hits shown.
    pub shown: usize,
    /// Wall time of the search.
    pub elapsed_ms: u64,
}

impl<'a> SearchSummary<'a> {
    /// The summary of `results`.
    pub fn new(query: &'a str, r: &Results, elapsed_ms: u64) -> SearchSummary<'a> {
        SearchSummary {
            query,
            total: r.total,
            shown: r.hits.len(),
            elapsed_ms,
        }
    }
}
