//! The index schema, in one place: every field a turn document has, and the version that names
//! this layout. Change a field here and bump [`SCHEMA_VERSION`]: an index of another version is
//! refused with a hint to rebuild it.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, JsonObjectOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

/// Version of the document layout below. Recorded in `jtbd-index.json` beside the index.
pub const SCHEMA_VERSION: u32 = 2;

/// Name of the project's analyzer (normalise + stem, [`jtbd_text::for_each_term`]).
pub const ANALYZER: &str = "jtbd";
/// Name of the whole-value, lower-cased analyzer of speaker names and metadata values.
pub const KEYWORD: &str = "jtbd_keyword";

/// Handles of every field, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The turn's words (its sentences joined by a space): positions for phrases and snippets.
    pub text: Field,
    /// Interview id (stable, from the path).
    pub interview: Field,
    /// The file's path as the user gave it (shown in hits).
    pub path: Field,
    /// The interview's identity, the key of incremental updates: its path made canonical
    /// (absolute, whatever way the root was typed), given by the caller to [`crate::Writer`].
    pub key: Field,
    /// Speaker label; matched whole and case-insensitively.
    pub speaker: Field,
    /// `interviewer`, `interviewee` or `unknown`.
    pub role: Field,
    /// Source format (`text`, `vtt`...).
    pub format: Field,
    /// Position of the turn in its interview, from 0.
    pub turn: Field,
    /// 1-based line where the turn starts.
    pub line: Field,
    /// Byte range of the turn in the source.
    pub byte_start: Field,
    /// One past the turn's last byte.
    pub byte_end: Field,
    /// Milliseconds from the start of the recording, when the source says.
    pub timestamp_ms: Field,
    /// Forces of progress found in the turn, as facets `/anxiety`, `/frustration`...
    pub forces: Field,
    /// Every metadata key of the interview (`meta.company`, `meta.role`...), whole values.
    pub meta: Field,
    /// Where each sentence of `text` sits in the source: pairs (offset in text, source byte),
    /// little-endian u64s; empty for formats whose text is not verbatim in the source.
    pub spans: Field,
}

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let keyword = TextFieldIndexing::default()
        .set_tokenizer(KEYWORD)
        .set_index_option(IndexRecordOption::Basic);
    let fields = Fields {
        text: b.add_text_field("text", words),
        interview: b.add_text_field("interview", STRING | STORED),
        path: b.add_text_field("path", STRING | STORED),
        key: b.add_text_field("key", STRING),
        speaker: b.add_text_field(
            "speaker",
            TextOptions::default()
                .set_stored()
                .set_indexing_options(keyword.clone()),
        ),
        role: b.add_text_field("role", STRING | STORED),
        format: b.add_text_field("format", STRING | STORED),
        turn: b.add_u64_field("turn", STORED | FAST),
        line: b.add_u64_field("line", INDEXED | STORED | FAST),
        byte_start: b.add_u64_field("byte_start", STORED),
        byte_end: b.add_u64_field("byte_end", STORED),
        timestamp_ms: b.add_u64_field("timestamp_ms", INDEXED | STORED | FAST),
        forces: b.add_facet_field("forces", INDEXED | STORED),
        meta: b.add_json_field(
            "meta",
            JsonObjectOptions::default()
                .set_stored()
                .set_indexing_options(keyword),
        ),
        spans: b.add_bytes_field("spans", STORED),
    };
    (b.build(), fields)
}
