//! The wire format of `jtbd extract` and `jtbd classify` (documented in
//! `docs/wire-format.md`, schema in `schema/extract.schema.json`).

use jtbd_extract::{Classification, RuleSet, Signal};
use jtbd_model::Interview;
use serde::Serialize;
use std::collections::BTreeMap;

/// The interviewer's question before a signal's turn.
#[derive(Serialize)]
pub struct WireQuestion<'a> {
    speaker: Option<&'a str>,
    line: usize,
    byte_start: usize,
    byte_end: usize,
    text: &'a str,
}

/// The `signal` message.
#[derive(Serialize)]
pub struct WireSignal<'a> {
    /// Stable while its interview, place, force and sentence do not change
    /// ([`jtbd_model::signal_id`]): what `corrections.jsonl` names it by.
    id: String,
    force: &'static str,
    text: &'a str,
    interview: &'a str,
    path: &'a str,
    /// The interview's metadata: in the one-document JSON (JSON Lines has it once, in the
    /// `interview` message before the signals).
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a BTreeMap<String, String>>,
    speaker: Option<&'a str>,
    role: &'static str,
    line: usize,
    byte_start: usize,
    byte_end: usize,
    timestamp: Option<crate::wire::ClockTime>,
    rules: &'a [String],
    cues: Vec<[usize; 2]>,
    confidence: f64,
    question: Option<WireQuestion<'a>>,
}

impl<'a> WireSignal<'a> {
    /// The wire view of a signal of `i`.
    pub fn new(i: &'a Interview, s: &'a Signal) -> Self {
        let turn = &i.turns[s.turn];
        let sentence = &turn.sentences[s.sentence];
        WireSignal {
            id: i.signal_id(s),
            force: s.force.as_str(),
            text: sentence.text(&i.source),
            interview: &i.id,
            path: &i.path,
            metadata: None,
            speaker: turn.speaker.as_deref(),
            role: turn.role.as_str(),
            line: sentence.line,
            byte_start: i.file_offset(sentence.byte_start),
            byte_end: i.file_offset(sentence.byte_end),
            timestamp: turn.timestamp.map(crate::wire::ClockTime::new),
            rules: &s.rules,
            cues: s.cues.iter().map(|c| [c.start, c.end]).collect(),
            confidence: s.confidence,
            question: s.question.map(|(t, q)| {
                let qt = &i.turns[t];
                let qs = &qt.sentences[q];
                WireQuestion {
                    speaker: qt.speaker.as_deref(),
                    line: qs.line,
                    byte_start: i.file_offset(qs.byte_start),
                    byte_end: i.file_offset(qs.byte_end),
                    text: qs.text(&i.source),
                }
            }),
        }
    }
}

impl<'a> WireSignal<'a> {
    /// The same signal with its interview's metadata.
    pub fn with_metadata(mut self, i: &'a Interview) -> Self {
        self.metadata = Some(&i.metadata);
        self
    }
}

/// One line of `jtbd classify`.
#[derive(Serialize)]
pub struct WireClassified<'a> {
    // Fields read by the CSV and human views too.
    pub(crate) line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) text: Option<&'a str>,
    pub(crate) forces: Vec<&'static str>,
    pub(crate) rules: Vec<&'a str>,
    pub(crate) confidence: BTreeMap<&'static str, f64>,
}

impl<'a> WireClassified<'a> {
    /// The wire view of the classification of input line `line` (`text`: the line, echoed).
    pub fn new(line: usize, text: Option<&'a str>, c: &Classification, rules: &'a RuleSet) -> Self {
        let mut ids: Vec<&str> = c
            .hits
            .iter()
            .flat_map(|h| h.rules.iter().map(|&r| rules.rules()[r].id.as_str()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        WireClassified {
            line,
            text,
            forces: c.hits.iter().map(|h| h.force.as_str()).collect(),
            rules: ids,
            confidence: c
                .hits
                .iter()
                .map(|h| (h.force.as_str(), h.confidence))
                .collect(),
        }
    }
}
