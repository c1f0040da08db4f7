//! The jtbd search index: tantivy, on disk, no server.
//!
//! One document per turn (schema in [`schema`]), its words analysed by the project's one
//! normalise + stem function ([`analyzer`]), so a term in a rule, in the index and in a query
//! are the same term. [`Index`] opens or creates the folder and checks its schema version;
//! [`Writer`] (one per index, behind a lock that dies with its process) replaces and removes
//! files' documents and commits them with the list of files they came from, atomically;
//! [`Searcher`] answers [`Request`]s with [`Hit`]s whose highlights map back to the source.
//!
//! The index knows nothing of reading files or extracting forces: the caller hands it
//! interviews and the forces found in each turn.

pub mod analyzer;
pub mod document;
pub mod error;
pub mod remote;
pub mod schema;
pub mod search;
pub mod store;

pub use error::IndexError;
pub use schema::SCHEMA_VERSION;
pub use search::{Hit, Overview, Request, Results, Searcher};
pub use store::{Index, VERSION_FILE, Writer};
/// An index document (one turn), as [`Index::documents`] builds it.
pub use tantivy::schema::TantivyDocument as Document;

/// A fingerprint of a file's bytes and of everything else its documents depend on (metadata,
/// options, rules): equal fingerprints mean the documents would come out the same.
pub fn fingerprint(bytes: &[u8], context: &[u8]) -> String {
    let a = xxhash_rust::xxh3::xxh3_128(bytes);
    let b = xxhash_rust::xxh3::xxh3_64(context);
    format!("{a:032x}-{b:016x}")
}

#[cfg(test)]
mod tests;
