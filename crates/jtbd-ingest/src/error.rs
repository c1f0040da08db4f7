//! Typed errors of ingest. Every error names the problem; [`FileError`] adds the file.

use jtbd_text::DecodeError;

/// Why one file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The operating system refused to read it.
    #[error("cannot read: {0}")]
    Io(#[source] std::io::Error),
    /// A directory where a file was expected.
    #[error("is a directory")]
    IsDir,
    /// Bigger than `--max-file-size`.
    #[error(
        "file is {size} bytes, over the limit of {limit} bytes (raise it with --max-file-size)"
    )]
    TooLarge {
        /// Size seen.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Not text.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Nothing but whitespace.
    #[error("empty file: nothing to read")]
    Empty,
    /// Read, but it has no transcript structure (no speaker labels, no known JSON shape): a
    /// README or a `package.json` in a folder of transcripts. A note, not an error, unless the
    /// format was forced.
    #[error("not a transcript: {0}")]
    NotTranscript(String),
    /// Parsed, but held no spoken text.
    #[error("no transcript text found (only headers, labels, timings or markup)")]
    NoText,
    /// The content does not fit its format.
    #[error("line {line}: {message}")]
    Parse {
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong, and where possible what was expected.
        message: String,
    },
}

impl IngestError {
    /// Whether the file is left out with a note rather than failed: it is empty or no transcript.
    pub fn is_note(&self) -> bool {
        matches!(self, IngestError::Empty | IngestError::NotTranscript(_))
    }

    /// The 1-based line the error points at, if it points at one.
    pub fn line(&self) -> Option<usize> {
        match self {
            IngestError::Parse { line, .. } => Some(*line),
            IngestError::Decode(
                DecodeError::InvalidUtf8 { line, .. } | DecodeError::Binary { line, .. },
            ) => Some(*line),
            _ => None,
        }
    }
}

/// An error with the file it happened in.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {error}")]
pub struct FileError {
    /// The path as shown to the user.
    pub path: String,
    /// What went wrong.
    pub error: IngestError,
}
