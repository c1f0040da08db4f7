//! Reading transcript files into [`jtbd_model::Interview`]s.
//!
//! One call, [`read_path`] (or [`parse_bytes`] for bytes in hand), takes a file of any supported
//! format and returns its speakers, turns and sentences, each at its exact place in the source,
//! with metadata and inferred speaker roles. [`walk`] expands folders into the files to read.
//!
//! Pipeline inside: decode ([`jtbd_text::decode`]) → choose a format ([`detect`], content first,
//! extension second) → a reader produces [`Segment`]s (speaker, timestamp, content chunks) →
//! [`assemble`] merges consecutive segments of a speaker into turns, cuts inline timestamps and
//! annotations out, splits sentences → [`roles`] infers who interviews whom.

pub mod assemble;
pub mod detect;
pub mod error;
pub mod id;
pub mod labels;
pub mod meta;
pub mod readers;
pub mod roles;
pub mod speakers;
pub mod walk;

#[cfg(test)]
mod props;

use jtbd_model::{Format, Interview};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

pub use error::{FileError, IngestError};
pub use id::interview_id;
pub use meta::{Manifest, ManifestError};
pub use walk::{Skipped, WalkItem, walk};

/// The manifest picked up from a folder given when none is named (`--meta`).
pub const DEFAULT_MANIFEST: &str = "participants.csv";

/// The default manifest: a [`DEFAULT_MANIFEST`] at the top of the first folder given that has one.
pub fn default_manifest(paths: &[std::path::PathBuf]) -> Option<std::path::PathBuf> {
    paths
        .iter()
        .map(|p| p.join(DEFAULT_MANIFEST))
        .find(|p| p.is_file())
}

/// Why a file that could not be read is left out with a note rather than failed, if it is: an
/// empty file, one that is no transcript, or a binary file met inside a folder (someone's
/// spreadsheet or picture; named directly, it is an error).
pub fn skip_reason(error: &IngestError, walked: bool) -> Option<String> {
    match error {
        IngestError::Decode(jtbd_text::DecodeError::Binary { .. }) if walked => {
            Some("binary file".into())
        }
        e if e.is_note() => Some(e.to_string()),
        _ => None,
    }
}

/// How to read files.
#[derive(Debug, Clone)]
pub struct Options {
    /// Read every file as this format instead of detecting it.
    pub format: Option<Format>,
    /// Speakers to treat as interviewers whatever the heuristics say.
    pub interviewers: Vec<String>,
    /// Files larger than this are refused without being read whole.
    pub max_file_bytes: u64,
    /// Speakers who host across the study (sorted; [`roles::StudyHosts::hosts`]): interviewers
    /// wherever nothing stronger names their role.
    pub study_hosts: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            format: None,
            interviewers: Vec::new(),
            max_file_bytes: 64 * 1024 * 1024,
            study_hosts: Vec::new(),
        }
    }
}

/// A piece of a segment's content: where it is in the source and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Byte range in the source.
    pub raw: Range<usize>,
    /// The text, when it differs from `source[raw]` (unescaped JSON); `None` means verbatim.
    pub text: Option<String>,
    /// Where each byte of `text` is in `source[raw]`, when that is known exactly (decoded HTML
    /// entities); without it a place inside `text` is estimated in proportion.
    pub map: Option<jtbd_model::FileOffsets>,
}

impl Chunk {
    /// A chunk that is exactly `source[raw]`.
    pub fn verbatim(raw: Range<usize>) -> Chunk {
        Chunk {
            raw,
            text: None,
            map: None,
        }
    }

    /// A chunk whose text was rewritten from `source[raw]` in a way that does not say where each
    /// byte came from (JSON escapes, joined words).
    pub fn rewritten(raw: Range<usize>, text: Option<String>) -> Chunk {
        Chunk {
            raw,
            text,
            map: None,
        }
    }
}

/// What a reader finds: one unit of the format (a paragraph, a cue, an utterance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The speaker label as written, if any.
    pub speaker: Option<String>,
    /// Timestamp in milliseconds, if the format gives one.
    pub timestamp: Option<u64>,
    /// Content, possibly holding inline markup still.
    pub chunks: Vec<Chunk>,
}

impl Parsed {
    /// Each segment as `(speaker, timestamp, text of its first chunk)`: what reader tests compare.
    #[cfg(test)]
    pub(crate) fn summary(&self, src: &str) -> Vec<(Option<String>, Option<u64>, String)> {
        self.segments
            .iter()
            .map(|s| {
                let c = &s.chunks[0];
                let text = c
                    .text
                    .clone()
                    .unwrap_or_else(|| src[c.raw.clone()].to_owned());
                (s.speaker.clone(), s.timestamp, text)
            })
            .collect()
    }
}

/// A reader's result for one file.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Segments in source order.
    pub segments: Vec<Segment>,
    /// Metadata found in the file itself (front matter, header block, title).
    pub metadata: BTreeMap<String, String>,
    /// What the reader left out and the user should hear of (a cue with a broken timing).
    pub notes: Vec<jtbd_model::Note>,
    /// Where the stage directions that stand for a break (`**Break:**`) are, as byte offsets of
    /// the source in order: the one who speaks on both sides of a break reads it (a host).
    pub breaks: Vec<usize>,
}

/// Reads one file. `display_path` is the path as it should appear in outputs.
pub fn read_path(
    path: &Path,
    display_path: &str,
    opts: &Options,
    extra_meta: Option<&BTreeMap<String, String>>,
) -> Result<Interview, IngestError> {
    let bytes = read_bounded(path, opts.max_file_bytes)?;
    parse_owned(bytes, display_path, opts, extra_meta)
}

/// Reads a file's bytes, refusing it without reading it whole when it is larger than `limit`.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, IngestError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(IngestError::Io)?;
    let meta = file.metadata().map_err(IngestError::Io)?;
    if meta.is_dir() {
        return Err(IngestError::IsDir);
    }
    if meta.len() > limit {
        return Err(IngestError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    // Never more than `limit + 1` bytes, even from a file that grows while it is read.
    let expected = meta.len() as usize;
    let mut bytes = vec![0; expected + 1];
    let mut file = file.take(limit + 1);
    // One read of one byte more than the file holds: a regular file that answers with fewer
    // bytes than asked is at its end, so most files take one read call, not two. Short reads
    // of other files (pipes, FUSE), interruptions and files that grew take the general path.
    let first = loop {
        match file.read(&mut bytes) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(IngestError::Io(e)),
        }
    };
    bytes.truncate(first);
    if !(meta.is_file() && first == expected) {
        file.read_to_end(&mut bytes).map_err(IngestError::Io)?;
    }
    if bytes.len() as u64 > limit {
        return Err(IngestError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Parses a file's bytes. `display_path` names it in outputs and decides the id.
pub fn parse_bytes(
    bytes: &[u8],
    display_path: &str,
    opts: &Options,
    extra_meta: Option<&BTreeMap<String, String>>,
) -> Result<Interview, IngestError> {
    parse_owned(bytes.to_vec(), display_path, opts, extra_meta)
}

/// [`parse_bytes`] for bytes it may keep: UTF-8 text becomes the source without a copy.
pub fn parse_owned(
    bytes: Vec<u8>,
    display_path: &str,
    opts: &Options,
    extra_meta: Option<&BTreeMap<String, String>>,
) -> Result<Interview, IngestError> {
    let size = bytes.len() as u64;
    let (format, source, encoding, offsets) =
        if readers::docx::is_zip(&bytes) && opts.format.is_none_or(|f| f == Format::Docx) {
            let text = readers::docx::extract_text(&bytes, opts.max_file_bytes)?;
            (
                Format::Docx,
                text,
                jtbd_model::Encoding::Utf8,
                Default::default(),
            )
        } else {
            if opts.format == Some(Format::Docx) {
                return Err(IngestError::Parse {
                    line: 1,
                    message: "not a DOCX file (a DOCX is a zip archive)".into(),
                });
            }
            let decoded = jtbd_text::decode_owned(bytes)?;
            let format = opts
                .format
                .unwrap_or_else(|| detect::detect(&decoded.text, display_path));
            (format, decoded.text, decoded.encoding, decoded.offsets)
        };
    if source
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .is_empty()
    {
        return Err(IngestError::Empty);
    }
    let parsed = match readers::read(format, &source) {
        // A forced format that finds no transcript is the user's error, not a note.
        Err(IngestError::NotTranscript(why)) if opts.format.is_some() => {
            return Err(IngestError::Parse {
                line: 1,
                message: why,
            });
        }
        other => other?,
    };
    let labelled = matches!(
        format,
        Format::Text | Format::Markdown | Format::Otter | Format::Docx
    );
    if labelled
        && opts.format.is_none()
        && parsed.segments.iter().all(|s| s.speaker.is_none())
        && !detect::has_speaker_lines(&source)
    {
        return Err(IngestError::NotTranscript(format!(
            "no speaker labels found (read as {format}: expected lines like `Name: text`, \
             `**Name:** text` or `Name  0:03`); name the format with --input-format to read it \
             as one unlabelled text"
        )));
    }
    let mut notes = Vec::new();
    if let jtbd_model::Encoding::Legacy(name) = encoding {
        notes.push(jtbd_model::Note {
            line: None,
            message: format!(
                "not UTF-8: read as {name} (guessed from its bytes); offsets are the file's bytes"
            ),
        });
    }
    notes.extend(parsed.notes);
    let mut metadata = parsed.metadata;
    if let Some(extra) = extra_meta {
        // The manifest is the researcher's own record: it wins over what the file says.
        metadata.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let mut interview = Interview {
        id: interview_id(display_path),
        path: display_path.to_owned(),
        format,
        encoding,
        metadata,
        speakers: Vec::new(),
        turns: Vec::new(),
        source,
        bytes: size,
        offsets,
        notes,
    };
    interview.turns = assemble::assemble(&interview.source, format, &parsed.segments);
    if interview.turns.is_empty() {
        return Err(IngestError::NoText);
    }
    let (given, speaker_notes) = speakers::apply(&mut interview);
    interview.notes.extend(speaker_notes);
    roles::assign(
        &mut interview,
        &opts.interviewers,
        &given,
        &opts.study_hosts,
        &parsed.breaks,
    );
    interview.notes.extend(roles::no_interviewee(&interview));
    Ok(interview)
}

#[cfg(test)]
mod read_tests {
    use super::*;

    #[test]
    fn reads_whole_files_and_refuses_big_ones() {
        for (name, len) in [("empty", 0), ("one", 1), ("some", 5_000), ("big", 300_000)] {
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let dir = tempfile::tempdir().unwrap();
            let f = dir.path().join(name);
            std::fs::write(&f, &bytes).unwrap();
            assert_eq!(read_bounded(&f, 1 << 20).unwrap(), bytes, "{name}");
            // Exactly at the limit is read; one byte over is refused.
            assert_eq!(read_bounded(&f, len as u64).unwrap(), bytes, "{name}");
            if len > 0 {
                assert!(matches!(
                    read_bounded(&f, len as u64 - 1),
                    Err(IngestError::TooLarge { .. })
                ));
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn reads_what_is_not_a_regular_file() {
        // /dev/zero claims length 0 and never ends: read up to the limit, then refused.
        let zero = Path::new("/dev/zero");
        assert!(matches!(
            read_bounded(zero, 1000),
            Err(IngestError::TooLarge { size: 1001, .. })
        ));
    }
}
