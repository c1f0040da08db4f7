//! The wire format of `jtbd ingest`: what JSON Lines, JSON and CSV carry.
//!
//! These types are the documented contract (`schema/ingest.schema.json`, `docs/wire-format.md`);
//! the model types stay free to change. Bump [`SCHEMA_VERSION`] on any incompatible change.

use jtbd_model::{Interview, Sentence, Turn};
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the machine-readable output.
pub const SCHEMA_VERSION: u32 = 1;

/// One JSON Lines message: `{"type": ..., "data": {...}}`.
#[derive(Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Message<'a> {
    /// First line: what wrote the stream.
    Begin(Begin),
    /// One interview (file) that was read. `fast_json::interview_line` writes it; this is the
    /// reference form its tests compare against.
    #[cfg_attr(not(test), allow(dead_code))]
    Interview(WireInterview<'a>),
    /// One turn of the interview before it.
    Turn(WireTurn<'a>),
    /// A file that could not be read.
    Error(&'a WireError),
    /// A file or folder left out on purpose.
    Skipped(&'a WireSkipped),
    /// A sentence carrying a force (extract).
    // Written by `fast_json::signal_line`; this is the reference its test compares with.
    #[cfg_attr(not(test), allow(dead_code))]
    Signal(crate::wire_signal::WireSignal<'a>),
    /// Last line: counts.
    Summary(&'a Summary),
    /// Last line of `jtbd index`: what the run changed.
    #[serde(rename = "summary")]
    IndexSummary(IndexSummary),
    /// One search hit (search).
    Hit(crate::wire_search::WireHit<'a>),
    /// Last line of `jtbd search`.
    #[serde(rename = "summary")]
    SearchSummary(crate::wire_search::SearchSummary<'a>),
    /// A theme (stories).
    Theme(&'a crate::wire_stories::WireTheme<'a>),
    /// A drafted job story (stories).
    Story(&'a crate::wire_stories::WireStory<'a>),
    /// A needs-based segment (stories).
    Segment(&'a crate::wire_stories::WireSegment<'a>),
    /// Last line of `jtbd stories`.
    #[serde(rename = "summary")]
    StoriesSummary(&'a crate::wire_stories::StoriesSummary),
}

/// The `summary` message of `jtbd index`.
#[derive(Serialize)]
pub struct IndexSummary {
    /// The index folder.
    pub index: String,
    /// Files read and (re)indexed.
    pub indexed: usize,
    /// Files skipped because the index holds them as they are.
    pub unchanged: usize,
    /// Files removed from the index (gone from the folders given).
    pub removed: usize,
    /// Files the index holds after the run.
    pub files_in_index: usize,
    /// Turns (documents) written.
    pub turns: usize,
    /// Bytes of the files indexed.
    pub bytes: u64,
    /// Files that failed.
    pub errors: usize,
    /// Entries skipped (hidden, binary, other extensions).
    pub skipped: usize,
    /// Wall time.
    pub elapsed_ms: u64,
}

/// The `begin` message.
#[derive(Serialize)]
pub struct Begin {
    /// Version of this format.
    pub schema_version: u32,
    /// `jtbd`.
    pub tool: &'static str,
    /// The tool's version.
    pub version: &'static str,
    /// The subcommand that wrote the stream.
    pub command: &'static str,
}

impl Begin {
    /// The begin message of `command`.
    pub fn new(command: &'static str) -> Begin {
        Begin {
            schema_version: SCHEMA_VERSION,
            tool: "jtbd",
            version: env!("CARGO_PKG_VERSION"),
            command,
        }
    }
}

/// A speaker of an interview.
#[derive(Serialize)]
pub struct WireSpeaker<'a> {
    name: &'a str,
    role: &'static str,
    role_source: &'static str,
    turns: usize,
    words: usize,
    question_share: f64,
}

/// The `interview` message.
#[derive(Serialize)]
pub struct WireInterview<'a> {
    id: &'a str,
    path: &'a str,
    format: &'static str,
    encoding: &'static str,
    bytes: u64,
    metadata: &'a BTreeMap<String, String>,
    speakers: Vec<WireSpeaker<'a>>,
    turn_count: usize,
    sentence_count: usize,
    word_count: usize,
    notes: Vec<WireNote<'a>>,
}

/// What ingest noticed about a file it read (a cue left out, an encoding guessed).
#[derive(Serialize)]
pub struct WireNote<'a> {
    line: Option<usize>,
    message: &'a str,
}

impl<'a> WireInterview<'a> {
    /// The wire view of an interview.
    pub fn new(i: &'a Interview) -> Self {
        WireInterview {
            id: &i.id,
            path: &i.path,
            format: i.format.as_str(),
            encoding: i.encoding.as_str(),
            bytes: i.bytes,
            metadata: &i.metadata,
            speakers: i
                .speakers
                .iter()
                .map(|s| WireSpeaker {
                    name: &s.name,
                    role: s.role.as_str(),
                    role_source: s.role_source.as_str(),
                    turns: s.turns,
                    words: s.words,
                    question_share: question_share(s),
                })
                .collect(),
            turn_count: i.turns.len(),
            sentence_count: i.sentence_count(),
            word_count: i.word_count(),
            notes: i
                .notes
                .iter()
                .map(|n| WireNote {
                    line: n.line,
                    message: &n.message,
                })
                .collect(),
        }
    }
}

/// One normalised, stemmed token: `[term, start, end]`, offsets into the sentence text.
pub type WireToken = (String, usize, usize);

/// A sentence of a turn.
#[derive(Serialize)]
pub struct WireSentence<'a> {
    byte_start: usize,
    byte_end: usize,
    line: usize,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tokens: Option<Vec<WireToken>>,
}

/// The `turn` message.
#[derive(Serialize)]
pub struct WireTurn<'a> {
    interview: &'a str,
    path: &'a str,
    index: usize,
    speaker: Option<&'a str>,
    role: &'static str,
    line: usize,
    byte_start: usize,
    byte_end: usize,
    timestamp: Option<ClockTime>,
    timestamp_ms: Option<u64>,
    text: &'a str,
    spans: Spans<'a>,
    sentences: Sentences<'a>,
}

/// A timestamp written as `HH:MM:SS(.mmm)` without building a string first.
pub struct ClockTime(pub(crate) jtbd_model::Timestamp);

impl ClockTime {
    /// Wraps a timestamp.
    pub fn new(t: jtbd_model::Timestamp) -> ClockTime {
        ClockTime(t)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// Byte ranges written as `[[start, end], ...]` in file offsets, straight from the model.
pub struct Spans<'a>(&'a [std::ops::Range<usize>], &'a jtbd_model::FileOffsets);

impl Serialize for Spans<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .iter()
                .map(|r| [self.1.file_offset(r.start), self.1.file_offset(r.end)]),
        )
    }
}

/// The sentences of a turn, written straight from the model.
pub struct Sentences<'a> {
    sentences: &'a [Sentence],
    source: &'a str,
    offsets: &'a jtbd_model::FileOffsets,
    tokens: bool,
}

impl Serialize for Sentences<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.sentences
                .iter()
                .map(|x| sentence(x, self.source, self.offsets, self.tokens)),
        )
    }
}

impl<'a> WireTurn<'a> {
    /// The wire view of a turn of `i`; with `tokens`, each sentence carries its tokens.
    pub fn new(i: &'a Interview, t: &'a Turn, tokens: bool) -> Self {
        WireTurn {
            interview: &i.id,
            path: &i.path,
            index: t.index,
            speaker: t.speaker.as_deref(),
            role: t.role.as_str(),
            line: t.line,
            byte_start: i.file_offset(t.byte_start),
            byte_end: i.file_offset(t.byte_end),
            timestamp: t.timestamp.map(ClockTime),
            timestamp_ms: t.timestamp.map(|ts| ts.millis()),
            text: t.text(&i.source),
            spans: Spans(&t.spans, &i.offsets),
            sentences: Sentences {
                sentences: &t.sentences,
                source: &i.source,
                offsets: &i.offsets,
                tokens,
            },
        }
    }
}

fn sentence<'a>(
    s: &'a Sentence,
    source: &'a str,
    offsets: &jtbd_model::FileOffsets,
    tokens: bool,
) -> WireSentence<'a> {
    let text = s.text(source);
    WireSentence {
        byte_start: offsets.file_offset(s.byte_start),
        byte_end: offsets.file_offset(s.byte_end),
        line: s.line,
        text,
        tokens: tokens.then(|| {
            jtbd_text::tokenize(text)
                .into_iter()
                .map(|t| (t.term, t.start, t.end))
                .collect()
        }),
    }
}

/// The `error` message: a file that could not be read.
#[derive(Serialize, Clone)]
pub struct WireError {
    /// The path as given.
    pub path: String,
    /// 1-based line of the problem, when there is one.
    pub line: Option<usize>,
    /// What went wrong.
    pub message: String,
}

/// The `skipped` message.
#[derive(Serialize, Clone)]
pub struct WireSkipped {
    /// The path as given.
    pub path: String,
    /// Why it was left out.
    pub reason: String,
}

/// The `summary` message.
#[derive(Serialize, Default, Clone)]
pub struct Summary {
    /// Files attempted (read or failed).
    pub files: usize,
    /// Interviews read.
    pub interviews: usize,
    /// Turns over all interviews.
    pub turns: usize,
    /// Sentences over all interviews.
    pub sentences: usize,
    /// Words over all interviews.
    pub words: usize,
    /// Bytes of the files read.
    pub bytes: u64,
    /// Files that could not be read.
    pub errors: usize,
    /// Files and folders left out on purpose.
    pub skipped: usize,
    /// Signals per force (extract only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signals: Option<BTreeMap<&'static str, usize>>,
    /// Wall-clock time, the one field that differs between identical runs.
    pub elapsed_ms: u64,
    /// Signals per force, counted while running.
    #[serde(skip)]
    pub signal_counts: jtbd_model::PerForce<usize>,
}

/// A speaker's share of turns with a question, rounded so the output does not depend on float
/// printing details.
pub fn question_share(s: &jtbd_model::Speaker) -> f64 {
    (s.question_share * 1000.0).round() / 1000.0
}
