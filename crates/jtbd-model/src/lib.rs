//! The domain model of jtbd: what an interview *is* once it has been read.
//!
//! Every later stage (extraction, search, job stories, reports) works on these types. They carry
//! no serialisation: wire formats live at the edge, in the binary, so the model can change without
//! breaking a documented output and the other way round.
//!
//! The one invariant that matters most: every [`Sentence`] is a place in [`Interview::source`]
//! (`source[byte_start..byte_end]`), so any quote the tool ever shows can be found again.

pub mod atomic;
mod meta_key;

pub use meta_key::{MetaKey, Metadata};

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

/// Why a speaker has their role, strongest evidence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum RoleSource {
    /// `--interviewer NAME` on the command line.
    Flag,
    /// The manifest or the file's own metadata.
    Metadata,
    /// A label that names a side (`Interviewer`, `Q`, `Respondent`).
    Label,
    /// The show's introduction: who welcomes whom, a named co-host.
    Introduction,
    /// Hosts nearly all the study's other interviews.
    Study,
    /// The shape of the conversation: who asks, who answers, who reads the breaks.
    #[default]
    Heuristic,
    /// The only speaker.
    Single,
}

impl RoleSource {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleSource::Flag => "flag",
            RoleSource::Metadata => "metadata",
            RoleSource::Label => "label",
            RoleSource::Introduction => "introduction",
            RoleSource::Study => "study",
            RoleSource::Heuristic => "heuristic",
            RoleSource::Single => "single",
        }
    }
}

/// Who a speaker is in the interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Role {
    /// Asks the questions: researcher, host, moderator.
    Interviewer,
    /// Answers them: the buyer, the guest, the participant.
    Interviewee,
    /// Not known (single voice, preamble text, or no evidence either way).
    #[default]
    Unknown,
}

impl Role {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Interviewer => "interviewer",
            Role::Interviewee => "interviewee",
            Role::Unknown => "unknown",
        }
    }

    /// Parses the names used in metadata and on the command line.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "interviewer" => Some(Role::Interviewer),
            "interviewee" => Some(Role::Interviewee),
            "unknown" => Some(Role::Unknown),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A force of progress acting on a switch (Jobs to be Done).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Force {
    /// Fear of the new: risk, getting it wrong, being blamed.
    Anxiety,
    /// Push of the present situation: pains, annoyances, disappointments.
    Frustration,
    /// Pull of the new solution: the progress the person wants.
    DesiredProgress,
    /// Inertia of the present: "we've always used", "good enough", switching cost.
    Habit,
}

impl Force {
    /// Every force, in output order.
    pub const ALL: [Force; 4] = [
        Force::Anxiety,
        Force::Frustration,
        Force::DesiredProgress,
        Force::Habit,
    ];

    /// The name as people read it ("desired progress"), for pages and tables.
    pub fn label(self) -> &'static str {
        match self {
            Force::DesiredProgress => "desired progress",
            other => other.as_str(),
        }
    }

    /// The snake_case name used in rule ids, files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Force::Anxiety => "anxiety",
            Force::Frustration => "frustration",
            Force::DesiredProgress => "desired_progress",
            Force::Habit => "habit",
        }
    }

    /// Parses a name as written by [`Force::as_str`].
    pub fn parse(s: &str) -> Option<Force> {
        Force::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl Force {
    /// The force's place in [`Force::ALL`] (and in a [`PerForce`]).
    pub const fn index(self) -> usize {
        match self {
            Force::Anxiety => 0,
            Force::Frustration => 1,
            Force::DesiredProgress => 2,
            Force::Habit => 3,
        }
    }
}

/// One value per force, indexed by the force itself (`counts[Force::Habit]`), never by a
/// position a reader has to remember; iterated in [`Force::ALL`] order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PerForce<T>(pub [T; 4]);

impl<T> std::ops::Index<Force> for PerForce<T> {
    type Output = T;
    fn index(&self, f: Force) -> &T {
        &self.0[f.index()]
    }
}

impl<T> std::ops::IndexMut<Force> for PerForce<T> {
    fn index_mut(&mut self, f: Force) -> &mut T {
        &mut self.0[f.index()]
    }
}

impl<T> PerForce<T> {
    /// Each force with its value, in [`Force::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Force, &T)> {
        Force::ALL.into_iter().zip(&self.0)
    }
}

impl<T> IntoIterator for PerForce<T> {
    type Item = T;
    type IntoIter = std::array::IntoIter<T, 4>;
    /// The values, in [`Force::ALL`] order.
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T: Copy + std::iter::Sum<T>> PerForce<T> {
    /// The sum over every force (counts, or rates).
    pub fn total(&self) -> T {
        self.0.iter().copied().sum()
    }
}

impl PerForce<usize> {
    /// How many of `forces` are each force.
    pub fn count(forces: impl IntoIterator<Item = Force>) -> PerForce<usize> {
        let mut n = PerForce::default();
        for f in forces {
            n[f] += 1;
        }
        n
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &PerForce<usize>) {
        for f in Force::ALL {
            self[f] += other[f];
        }
    }
}

impl fmt::Display for Force {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The source format an interview was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Plain text with `Name:` / `Q:` / `A:` labels (also Google Meet text, oral histories).
    Text,
    /// Markdown with `**Name:**` paragraphs.
    Markdown,
    /// WebVTT captions (Zoom `Name: text`, Teams `<v Name>`).
    Vtt,
    /// SubRip captions.
    Srt,
    /// Otter.ai text export (`Name  0:03` header lines).
    Otter,
    /// Speech-to-text JSON (Whisper, WhisperX, AssemblyAI, Deepgram, Rev).
    Json,
    /// Word document (Word, Teams, Otter, Meet exports).
    Docx,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 7] = [
        Format::Text,
        Format::Markdown,
        Format::Vtt,
        Format::Srt,
        Format::Otter,
        Format::Json,
        Format::Docx,
    ];

    /// The lower-case name used in outputs and by `--input-format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Vtt => "vtt",
            Format::Srt => "srt",
            Format::Otter => "otter",
            Format::Json => "json",
            Format::Docx => "docx",
        }
    }

    /// Parses a name as written by [`Format::as_str`].
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Whether the source holds the transcript text verbatim, so that every turn and sentence is a
    /// plain byte slice of it. JSON strings are escaped in the file; DOCX text is read out of XML.
    pub fn is_verbatim(self) -> bool {
        !matches!(self, Format::Json | Format::Docx)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the bytes of the file were decoded into [`Interview::source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark (kept in `source`, so offsets are file offsets).
    Utf8Bom,
    /// UTF-16 little endian, transcoded to UTF-8 ([`Interview::file_offset`] maps back).
    Utf16Le,
    /// UTF-16 big endian, transcoded to UTF-8 ([`Interview::file_offset`] maps back).
    Utf16Be,
    /// A legacy single-byte encoding, guessed from the bytes and transcoded to UTF-8; the name is
    /// the WHATWG label (`windows-1252`, `ISO-8859-2`, ...).
    Legacy(&'static str),
}

impl Encoding {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Legacy(name) => name,
        }
    }
}

/// Where the bytes of a transcoded [`Interview::source`] are in the file.
///
/// The identity for UTF-8 files, whose source is the file. For a transcoded file it holds a step
/// at every point where the file stops growing with the source at its usual rate (`scale` file
/// bytes per source byte: 1, or 2 for UTF-16), so a lookup is a binary search and a mostly-ASCII
/// file needs few steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOffsets {
    /// `(source offset, file offset)` pairs, both increasing: from each source offset on, the
    /// file offset grows `scale` bytes per source byte until the next step.
    steps: Vec<(usize, usize)>,
    /// File bytes per source byte of ASCII text.
    scale: usize,
}

impl Default for FileOffsets {
    fn default() -> FileOffsets {
        FileOffsets {
            steps: Vec::new(),
            scale: 1,
        }
    }
}

impl FileOffsets {
    /// The offsets of `text` transcoded from a file where ASCII took `scale` bytes a char and
    /// every other char took `file_len(char)` bytes, after `lead` bytes that are not in `text`
    /// (a byte order mark).
    pub fn from_chars(
        text: &str,
        lead: usize,
        scale: usize,
        mut file_len: impl FnMut(char) -> usize,
    ) -> FileOffsets {
        let mut steps = Vec::new();
        if lead != 0 {
            steps.push((0, lead));
        }
        let (mut at, mut file) = (0, lead);
        // ASCII never steps: it is passed a byte at a time without a call.
        let bytes = text.as_bytes();
        while at < bytes.len() {
            if bytes[at].is_ascii() {
                at += 1;
                file += scale;
                continue;
            }
            let c = text[at..].chars().next().unwrap_or('\0');
            let (a, f) = (c.len_utf8(), file_len(c));
            at += a;
            file += f;
            if a * scale != f {
                steps.push((at, file));
            }
        }
        FileOffsets { steps, scale }
    }

    /// Offsets from `(source offset, file offset)` steps, both increasing, one file byte per
    /// source byte between them (see the type's docs).
    pub fn from_steps(steps: Vec<(usize, usize)>) -> FileOffsets {
        FileOffsets { steps, scale: 1 }
    }

    /// Whether source offsets are file offsets.
    pub fn is_identity(&self) -> bool {
        self.steps.is_empty() && self.scale == 1
    }

    /// The file offset of a byte offset of the source (a char boundary).
    pub fn file_offset(&self, at: usize) -> usize {
        match self.steps.partition_point(|&(s, _)| s <= at) {
            0 => at * self.scale,
            k => {
                let (s, f) = self.steps[k - 1];
                f + (at - s) * self.scale
            }
        }
    }
}

/// Something ingest noticed about a file that the user should hear, though the file was read: a
/// cue dropped for a broken timing, an encoding guessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// 1-based line it is about, if it is about one.
    pub line: Option<usize>,
    /// What happened, in a sentence.
    pub message: String,
}

/// A point in the recording, in milliseconds from its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// Milliseconds from the start of the recording.
    pub fn millis(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Timestamp {
    /// `HH:MM:SS` or `HH:MM:SS.mmm` when there are milliseconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 1000;
        let s = self.0 / 1000;
        write!(f, "{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)?;
        if ms != 0 {
            write!(f, ".{ms:03}")?;
        }
        Ok(())
    }
}

/// One sentence (or clause-sized fragment) of a turn, at its exact place in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte offset of the first byte in [`Interview::source`].
    pub byte_start: usize,
    /// Byte offset one past the last byte.
    pub byte_end: usize,
    /// 1-based line of `byte_start`.
    pub line: usize,
    /// Number of whitespace-separated words in the text.
    pub words: usize,
    /// The text when it is not `source[byte_start..byte_end]` itself (JSON strings with escapes,
    /// Rev elements); `None` for every verbatim format.
    pub unescaped: Option<String>,
}

impl Sentence {
    /// The sentence text, given its interview's [`Interview::source`].
    pub fn text<'a>(&'a self, source: &'a str) -> &'a str {
        // Lazily: the range of an unescaped sentence only places it, it need not slice cleanly.
        match &self.unescaped {
            Some(text) => text,
            None => &source[self.byte_start..self.byte_end],
        }
    }

    /// The byte range in the source.
    pub fn range(&self) -> Range<usize> {
        self.byte_start..self.byte_end
    }
}

/// One uninterrupted stretch of one speaker. Its text is `source[byte_start..byte_end]`
/// (labels, cue timings and markup between its sentences included) for every verbatim format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// Position of the turn in its interview, from 0.
    pub index: usize,
    /// The speaker label as written, or `None` for text before any label.
    pub speaker: Option<String>,
    /// The speaker's role in this interview.
    pub role: Role,
    /// 1-based line where the turn's text starts.
    pub line: usize,
    /// Byte offset of the first content byte in the source.
    pub byte_start: usize,
    /// Byte offset one past the last content byte.
    pub byte_end: usize,
    /// When the turn starts in the recording, if the source says.
    pub timestamp: Option<Timestamp>,
    /// The turn's text when it is not `source[byte_start..byte_end]` (JSON: the sentences joined
    /// by a space); `None` for every verbatim format and DOCX.
    pub joined: Option<String>,
    /// Byte ranges of the pieces of source the turn was read from, in source order: each piece
    /// whole, a leading timestamp or stage direction included (so the first may start before
    /// `byte_start`, which is where the words start). Search maps highlights through them.
    pub spans: Vec<Range<usize>>,
    /// The sentences, with inline timestamps and annotations left out.
    pub sentences: Vec<Sentence>,
}

impl Turn {
    /// The turn text, given its interview's [`Interview::source`].
    pub fn text<'a>(&'a self, source: &'a str) -> &'a str {
        match &self.joined {
            Some(text) => text,
            None => &source[self.byte_start..self.byte_end],
        }
    }
}

/// A speaker of an interview, with what the role inference saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    /// The label as written in the source.
    pub name: String,
    /// The inferred or given role.
    pub role: Role,
    /// Why the role was chosen.
    pub role_source: RoleSource,
    /// Number of turns.
    pub turns: usize,
    /// Number of words in the turns' sentences.
    pub words: usize,
    /// Share of the turns that contain a question.
    pub question_share: f64,
    /// The label names a voice or a side (`A`, `SPEAKER_01`, `Speaker 2`, `Respondent`), not a
    /// person: the same label in two files is two people. Set by ingest from its label lexicon.
    pub voice: bool,
}

/// One transcript file, read.
#[derive(Debug, Clone)]
pub struct Interview {
    /// Stable identifier derived from the path (see `jtbd_ingest::interview_id`).
    pub id: String,
    /// The path as the user gave it (relative stays relative), with `/` separators.
    pub path: String,
    /// The format it was read as.
    pub format: Format,
    /// How the bytes were decoded.
    pub encoding: Encoding,
    /// Metadata from front matter, header blocks and the manifest; keys lower-case.
    pub metadata: BTreeMap<String, String>,
    /// Speakers in order of first appearance.
    pub speakers: Vec<Speaker>,
    /// Turns in source order.
    pub turns: Vec<Turn>,
    /// The decoded text every offset refers to (for DOCX: the document's paragraphs, one a line).
    pub source: String,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// Where `source` offsets are in the file (the identity unless it was transcoded).
    pub offsets: FileOffsets,
    /// What ingest noticed while reading it (never an error: those refuse the file).
    pub notes: Vec<Note>,
}

impl Interview {
    /// The stable id of a signal of this interview ([`signal_id`] of its place in the file, its
    /// force and its sentence).
    pub fn signal_id(&self, s: &Signal) -> String {
        let sentence = &self.turns[s.turn].sentences[s.sentence];
        signal_id(
            &self.id,
            self.file_offset(sentence.byte_start),
            self.file_offset(sentence.byte_end),
            s.force,
            sentence.text(&self.source),
        )
    }

    /// The file offset of a byte offset of [`Interview::source`]: the same number unless the
    /// file was transcoded (UTF-16, a legacy encoding). Outputs give file offsets.
    pub fn file_offset(&self, at: usize) -> usize {
        self.offsets.file_offset(at)
    }

    /// Number of sentences over all turns.
    pub fn sentence_count(&self) -> usize {
        self.turns.iter().map(|t| t.sentences.len()).sum()
    }

    /// Number of whitespace-separated words over all sentences of all turns.
    pub fn word_count(&self) -> usize {
        self.turns
            .iter()
            .flat_map(|t| &t.sentences)
            .map(|s| s.words)
            .sum()
    }
}

#[cfg(test)]
mod per_force_tests {
    use super::*;

    #[test]
    fn a_force_indexes_its_own_value() {
        let n = PerForce::count([Force::Habit, Force::Anxiety, Force::Habit]);
        assert_eq!(
            (n[Force::Anxiety], n[Force::Frustration], n[Force::Habit]),
            (1, 0, 2)
        );
        let order: Vec<Force> = n.iter().map(|(f, _)| f).collect();
        assert_eq!(order, Force::ALL);
        for f in Force::ALL {
            assert_eq!(Force::ALL[f.index()], f);
        }
        let mut t = PerForce::default();
        t.add(&n);
        t.add(&n);
        assert_eq!(t.into_iter().collect::<Vec<_>>(), [2, 0, 0, 4]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_offsets_of_a_transcoded_text() {
        // "é" is one byte in Windows-1252 and two in UTF-8.
        let text = "ab\u{e9}cd\u{e9}";
        let single = FileOffsets::from_chars(text, 0, 1, |_| 1);
        let got: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| single.file_offset(i))
            .collect();
        assert_eq!(got, [0, 1, 2, 3, 4, 5]);
        assert_eq!(single.file_offset(text.len()), 6);
        // UTF-16 with a byte order mark: two bytes lead, two bytes a char.
        let text = "hi\u{e9}\u{2019}s \u{1f600}!";
        let utf16 = FileOffsets::from_chars(text, 2, 2, |c| 2 * c.len_utf16());
        let mut file = 2;
        for (at, c) in text.char_indices() {
            assert_eq!(utf16.file_offset(at), file, "{c:?}");
            file += 2 * c.len_utf16();
        }
        assert_eq!(utf16.file_offset(text.len()), file);
        assert!(FileOffsets::default().is_identity());
        assert_eq!(FileOffsets::default().file_offset(7), 7);
    }

    #[test]
    fn timestamp_display() {
        assert_eq!(Timestamp(0).to_string(), "00:00:00");
        assert_eq!(Timestamp(3_723_000).to_string(), "01:02:03");
        assert_eq!(Timestamp(331_760).to_string(), "00:05:31.760");
    }

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(f));
        }
        for f in Force::ALL {
            assert_eq!(Force::parse(f.as_str()), Some(f));
        }
        for r in [Role::Interviewer, Role::Interviewee, Role::Unknown] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("host"), None);
    }
}

/// A signal's stable id: `s` and 16 hex digits of a 64-bit FNV-1a hash of its interview's id,
/// its byte range in the file, its force and its sentence. The same on every run and machine
/// while none of these change, so a reviewer's verdict (`corrections.jsonl`) keeps naming it;
/// an edit of the sentence, or of the text before it, names a new signal.
pub fn signal_id(
    interview: &str,
    byte_start: usize,
    byte_end: usize,
    force: Force,
    text: &str,
) -> String {
    let h = stable_hash(&[
        interview.as_bytes(),
        &(byte_start as u64).to_le_bytes(),
        &(byte_end as u64).to_le_bytes(),
        force.as_str().as_bytes(),
        text.as_bytes(),
    ]);
    format!("s{h:016x}")
}

/// A job story's stable id: `j` and 16 hex digits of the same hash over its theme's id, its
/// interview's id and the byte range of the want it was drafted from (every story has one). It
/// stays while the theme and the want do, even when a rule finds it a situation or an outcome it
/// lacked.
pub fn story_id(theme: &str, interview: &str, want_start: usize, want_end: usize) -> String {
    let h = stable_hash(&[
        theme.as_bytes(),
        interview.as_bytes(),
        &(want_start as u64).to_le_bytes(),
        &(want_end as u64).to_le_bytes(),
    ]);
    format!("j{h:016x}")
}

/// A 64-bit FNV-1a hash of `parts`, each ended by a byte no UTF-8 text holds (so the fields
/// cannot run into each other): the same on every run and machine.
fn stable_hash(parts: &[&[u8]]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    for part in parts {
        for &b in part.iter().chain(&[0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    h
}

/// One sentence found to carry a force: what extraction hands on, plain data (the stories
/// stage reads it without knowing the rules).
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// The force.
    pub force: Force,
    /// Index of the turn in the interview.
    pub turn: usize,
    /// Index of the sentence in the turn.
    pub sentence: usize,
    /// Confidence, 0 to 1.
    pub confidence: f64,
    /// Ids of the rules that fired.
    pub rules: Vec<String>,
    /// Cue ranges, as byte offsets into the sentence text.
    pub cues: Vec<Range<usize>>,
    /// The interviewer's question before the turn: (turn, sentence).
    pub question: Option<(usize, usize)>,
}

#[cfg(test)]
mod signal_id_tests {
    use super::*;

    #[test]
    fn a_signal_id_is_stable_and_changes_with_what_it_names() {
        let id = signal_id("ciso-1a2b", 10, 40, Force::Anxiety, "We fear the audit.");
        // The scheme is part of the file format: a corrections file written today must still
        // name its signals after an upgrade (the value checked by an independent FNV-1a 64).
        assert_eq!(id, "sfe76125f0b095bed");
        assert_eq!(
            id,
            signal_id("ciso-1a2b", 10, 40, Force::Anxiety, "We fear the audit.")
        );
        for other in [
            signal_id("ciso-1a2c", 10, 40, Force::Anxiety, "We fear the audit."),
            signal_id("ciso-1a2b", 11, 40, Force::Anxiety, "We fear the audit."),
            signal_id("ciso-1a2b", 10, 41, Force::Anxiety, "We fear the audit."),
            signal_id(
                "ciso-1a2b",
                10,
                40,
                Force::Frustration,
                "We fear the audit.",
            ),
            signal_id("ciso-1a2b", 10, 40, Force::Anxiety, "We fear the audits."),
        ] {
            assert_ne!(id, other);
        }
    }

    #[test]
    fn a_story_id_is_stable_and_changes_with_its_theme_interview_and_want() {
        let id = story_id("cloud-cost", "ciso-1a2b", 10, 40);
        // Checked by an independent FNV-1a 64 over the same fields.
        assert_eq!(id, "j90f17587e9e46c9d");
        for other in [
            story_id("cloud-costs", "ciso-1a2b", 10, 40),
            story_id("cloud-cost", "ciso-1a2c", 10, 40),
            story_id("cloud-cost", "ciso-1a2b", 11, 40),
            story_id("cloud-cost", "ciso-1a2b", 10, 41),
        ] {
            assert_ne!(id, other);
        }
    }
}
