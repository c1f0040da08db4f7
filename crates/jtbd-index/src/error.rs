//! What can go wrong with an index, in terms a user can act on.

use std::path::{Path, PathBuf};

/// An index error.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// No index at the path.
    #[error("no index at {0} (build one with `jtbd index PATH... --index {0}`)")]
    Missing(PathBuf),
    /// The folder exists but is not a jtbd index.
    #[error("{0} is not a jtbd index (no valid jtbd-index.json); choose an empty or new folder")]
    NotAnIndex(PathBuf),
    /// The index exists but holds no commit yet (the first `jtbd index` is still running or
    /// was stopped before its first commit).
    #[error("the index at {0} has no documents yet (run `jtbd index PATH...` to fill it)")]
    NoCommit(PathBuf),
    /// Another schema version.
    #[error(
        "the index at {dir} has schema version {found}, this jtbd reads version {expected}; \
         rebuild it with `jtbd index PATH... --rebuild`"
    )]
    Version {
        /// The folder.
        dir: PathBuf,
        /// Version found.
        found: u32,
        /// Version this build writes and reads.
        expected: u32,
    },
    /// The index's stored state cannot be read: nothing it holds can be trusted to be kept
    /// up to date without doubling documents.
    #[error(
        "the index at {} is damaged: {problem}; rebuild it with `--rebuild`",
        dir.display()
    )]
    Damaged {
        /// The folder.
        dir: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// Another writer holds the lock.
    #[error("the index at {0} is locked by another jtbd process (wait for it to finish)")]
    Locked(PathBuf),
    /// The query could not be parsed.
    #[error("{message}{}", position.map(|p| format!(" at position {p}")).unwrap_or_default())]
    Query {
        /// The query as given.
        query: String,
        /// Byte position of the problem in the query, when known.
        position: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// Running a search failed.
    #[error("search failed: {0}")]
    Search(String),
    /// A file of the index could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Tantivy failed on the index.
    #[error("index {}: {message}", dir.display())]
    Tantivy {
        /// The folder.
        dir: PathBuf,
        /// What tantivy said.
        message: String,
    },
}

impl IndexError {
    pub(crate) fn tantivy(dir: &Path, e: tantivy::TantivyError) -> IndexError {
        IndexError::Tantivy {
            dir: dir.to_path_buf(),
            message: e.to_string(),
        }
    }
}
