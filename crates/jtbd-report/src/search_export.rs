//! Documents for search engines beyond one machine: one document per turn with the same fields
//! as the local index, as Quickwit NDJSON (with its index config) or Elasticsearch `_bulk` NDJSON
//! (with an index mapping), in chunks of at most 10 MB.
//!
//! The engine needs no language of its own: `words` holds the turn's terms as the local index
//! makes them (`jtbd_index::analyzer::words`: NFKC, lower case, Snowball English), split on
//! spaces by the engine; `text` is the turn as said, stored for display. `jtbd search --quickwit`
//! translates a query to these fields (`jtbd_index::remote`).

use jtbd_model::{Force, Interview};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Largest chunk of NDJSON written to one file (Elasticsearch's default `http.max_content_length`
/// is 100 MB; 10 MB is its advice for a bulk request).
pub const CHUNK_BYTES: usize = 10 * 1024 * 1024;

/// One turn as a search document.
#[derive(Serialize)]
pub struct TurnDoc<'a> {
    /// Stable: the interview's id and the turn's index.
    pub id: String,
    pub interview: &'a str,
    pub path: &'a str,
    pub format: &'static str,
    pub speaker: Option<&'a str>,
    pub role: &'static str,
    pub turn: usize,
    pub line: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub timestamp_ms: Option<u64>,
    /// The turn as said (its sentences joined by a space): shown, not searched.
    pub text: String,
    /// The terms of `text`, space-separated: what queries match.
    pub words: String,
    /// Force names (`anxiety`), where the local index has facets (`/anxiety`).
    pub forces: Vec<&'static str>,
    /// The interview's metadata, as the local index's `meta` field.
    pub meta: &'a BTreeMap<String, String>,
    /// Where each sentence of `text` starts in the file: pairs of (offset in `text`, file byte),
    /// flat; empty when the text is not verbatim in the file. Highlights map back through it.
    pub spans: Vec<usize>,
}

/// The documents of an interview: each turn with a sentence, its words as the index holds them
/// (sentences joined by a space), and the forces found in it.
pub fn turn_docs<'a>(i: &'a Interview, forces: &[Vec<Force>]) -> Vec<TurnDoc<'a>> {
    i.turns
        .iter()
        .filter(|t| !t.sentences.is_empty())
        .map(|t| {
            let mut f: Vec<&'static str> = forces
                .get(t.index)
                .map(|v| v.iter().map(|x| x.as_str()).collect())
                .unwrap_or_default();
            f.sort_unstable();
            f.dedup();
            let verbatim =
                i.offsets.is_identity() && t.sentences.iter().all(|s| s.unescaped.is_none());
            let mut text = String::new();
            let mut spans = Vec::new();
            for s in &t.sentences {
                if !text.is_empty() {
                    text.push(' ');
                }
                if verbatim {
                    spans.extend([text.len(), s.byte_start]);
                }
                text.push_str(s.text(&i.source));
            }
            TurnDoc {
                id: format!("{}-{}", i.id, t.index),
                interview: &i.id,
                path: &i.path,
                format: i.format.as_str(),
                speaker: t.speaker.as_deref(),
                role: t.role.as_str(),
                turn: t.index,
                line: t.line,
                byte_start: i.file_offset(t.byte_start),
                byte_end: i.file_offset(t.byte_end),
                timestamp_ms: t.timestamp.map(|x| x.millis()),
                words: jtbd_index::analyzer::words(&text),
                text,
                forces: f,
                meta: &i.metadata,
                spans,
            }
        })
        .collect()
}

/// Where documents go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Quickwit: plain NDJSON, one document a line.
    Quickwit,
    /// Elasticsearch `_bulk`: an `index` action line before each document.
    Elasticsearch,
}

/// Whether `id` is a name the engine accepts for an index, and why not: Quickwit wants a letter
/// then 2 to 254 letters, digits, `-`, `_` or `.`; Elasticsearch lower case, at most 255 bytes,
/// not starting with `-`, `_` or `+`, not `.` or `..`, none of `\ / * ? " < > | , # :` or spaces.
pub fn check_index_id(target: Target, id: &str) -> Result<(), String> {
    match target {
        Target::Quickwit => {
            let mut chars = id.chars();
            let first_is_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
            let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            let len = id.chars().count();
            if !first_is_letter {
                Err(format!(
                    "index id {id:?} must start with a letter (a-z, A-Z)"
                ))
            } else if !rest_ok {
                Err(format!(
                    "index id {id:?} may hold only letters, digits, '-', '_' and '.'"
                ))
            } else if !(3..=255).contains(&len) {
                Err(format!("index id {id:?} must be 3 to 255 characters long"))
            } else {
                Ok(())
            }
        }
        Target::Elasticsearch => {
            if id.is_empty() || id.len() > 255 {
                Err(format!("index name {id:?} must be 1 to 255 bytes long"))
            } else if id != id.to_lowercase() {
                Err(format!("index name {id:?} must be lower case"))
            } else if id.starts_with(['-', '_', '+']) || id == "." || id == ".." {
                Err(format!(
                    "index name {id:?} must not start with '-', '_' or '+', nor be '.' or '..'"
                ))
            } else if let Some(c) = id.chars().find(|c| "\\/*?\"<>|,#: ".contains(*c)) {
                Err(format!("index name {id:?} must not contain {c:?}"))
            } else {
                Ok(())
            }
        }
    }
}

/// A default index id for a study read from `folder` (its name, made canonical): `jtbd-`, the
/// folder's name in lower case with other characters as `-`, and 8 hex digits of the canonical
/// path, so two studies whose folders share a name still get two indexes. Valid for both
/// engines.
pub fn default_index_id(folder: &Path) -> String {
    let canonical = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    let name = canonical
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut slug = String::new();
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '-' };
        if !(c == '-' && (slug.is_empty() || slug.ends_with('-'))) {
            slug.push(c);
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let hash = xxhash_rust::xxh3::xxh3_64(canonical.to_string_lossy().as_bytes());
    if slug.is_empty() {
        format!("jtbd-{:08x}", hash as u32)
    } else {
        format!("jtbd-{slug}-{:08x}", hash as u32)
    }
}

/// NDJSON files in a folder, a new one whenever the next line would pass [`CHUNK_BYTES`].
pub struct Chunks {
    dir: PathBuf,
    target: Target,
    index: String,
    buf: Vec<u8>,
    written: Vec<PathBuf>,
    limit: usize,
    /// Documents written.
    pub docs: usize,
}

impl Chunks {
    /// Chunks into `dir` (created) for `index`.
    pub fn new(dir: &Path, target: Target, index: &str) -> io::Result<Chunks> {
        std::fs::create_dir_all(dir)?;
        Ok(Chunks {
            dir: dir.to_path_buf(),
            target,
            index: index.to_owned(),
            buf: Vec::new(),
            written: Vec::new(),
            limit: CHUNK_BYTES,
            docs: 0,
        })
    }

    /// Chunks of at most `bytes` (a chunk holds one document at least) instead of
    /// [`CHUNK_BYTES`]: for testing a load of many chunks on a small corpus.
    pub fn with_limit(mut self, bytes: usize) -> Chunks {
        self.limit = bytes.min(CHUNK_BYTES);
        self
    }

    /// Adds one document.
    pub fn add(&mut self, doc: &TurnDoc<'_>) -> io::Result<()> {
        let mut lines = Vec::new();
        if self.target == Target::Elasticsearch {
            serde_json::to_writer(
                &mut lines,
                &serde_json::json!({ "index": { "_index": self.index, "_id": doc.id } }),
            )?;
            lines.push(b'\n');
        }
        serde_json::to_writer(&mut lines, doc)?;
        lines.push(b'\n');
        if !self.buf.is_empty() && self.buf.len() + lines.len() > self.limit {
            self.flush()?;
        }
        self.buf.extend_from_slice(&lines);
        self.docs += 1;
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        let name = match self.target {
            Target::Quickwit => format!("docs-{:04}.ndjson", self.written.len() + 1),
            Target::Elasticsearch => format!("bulk-{:04}.ndjson", self.written.len() + 1),
        };
        let path = self.dir.join(name);
        let buf = std::mem::take(&mut self.buf);
        crate::atomic::write(&path, |w| w.write_all(&buf))?;
        self.written.push(path);
        Ok(())
    }

    /// Writes the last chunk and the index description (`quickwit-index.yaml` or
    /// `elasticsearch-mapping.json`); returns the files written.
    pub fn finish(mut self) -> io::Result<Vec<PathBuf>> {
        if !self.buf.is_empty() {
            self.flush()?;
        }
        let (name, body) = match self.target {
            Target::Quickwit => ("quickwit-index.yaml", quickwit_config(&self.index)),
            Target::Elasticsearch => ("elasticsearch-mapping.json", elastic_mapping()),
        };
        let path = self.dir.join(name);
        crate::atomic::write(&path, |w| w.write_all(body.as_bytes()))?;
        self.written.push(path);
        Ok(self.written)
    }
}

/// A Quickwit index config: the document fields, no tokenizer beyond the engine's built-in
/// ones (`words` is split on spaces; speaker names and metadata values are whole and lower-cased).
pub fn quickwit_config(index: &str) -> String {
    format!(
        r#"# Quickwit index config written by jtbd {version}: one document per interview turn.
# Load (creates the index, sends every chunk, waits for the commit, checks the count):
#   jtbd export quickwit FOLDER --ingest http://HOST:7280 --index-id {index}
# Search as locally: jtbd search QUERY --quickwit http://HOST:7280 --index-id {index}
version: 0.8
index_id: {index}
doc_mapping:
  mode: dynamic
  field_mappings:
    - {{ name: id, type: text, tokenizer: raw }}
    - {{ name: interview, type: text, tokenizer: raw, fast: true }}
    - {{ name: path, type: text, tokenizer: raw }}
    - {{ name: format, type: text, tokenizer: raw, fast: true }}
    - {{ name: speaker, type: text, tokenizer: raw_lowercase, record: position, fieldnorms: true }}
    - {{ name: role, type: text, tokenizer: raw, fast: true, fieldnorms: true }}
    - {{ name: turn, type: u64, fast: true }}
    - {{ name: line, type: u64, fast: true }}
    - {{ name: byte_start, type: u64, indexed: false }}
    - {{ name: byte_end, type: u64, indexed: false }}
    - {{ name: timestamp_ms, type: u64, fast: true }}
    - {{ name: text, type: text, indexed: false }}
    - {{ name: words, type: text, tokenizer: whitespace, record: position, fieldnorms: true }}
    - {{ name: forces, type: "array<text>", tokenizer: raw, fast: true }}
    - {{ name: meta, type: json, tokenizer: raw_lowercase, record: position }}
    - {{ name: spans, type: "array<u64>", indexed: false }}
search_settings:
  default_search_fields: [words]
"#,
        version = env!("CARGO_PKG_VERSION")
    )
}

/// An Elasticsearch index mapping: the same fields; `words` split on whitespace (the terms are
/// jtbd's), `text` kept for display only.
pub fn elastic_mapping() -> String {
    let mapping = serde_json::json!({
        "settings": { "analysis": { "normalizer": { "lower": {
            "type": "custom", "filter": ["lowercase"]
        } } } },
        "mappings": {
            "dynamic": true,
            "properties": {
                "id": { "type": "keyword" },
                "interview": { "type": "keyword" },
                "path": { "type": "keyword" },
                "format": { "type": "keyword" },
                "speaker": { "type": "keyword", "normalizer": "lower" },
                "role": { "type": "keyword" },
                "turn": { "type": "long" },
                "line": { "type": "long" },
                "byte_start": { "type": "long", "index": false },
                "byte_end": { "type": "long", "index": false },
                "timestamp_ms": { "type": "long" },
                "text": { "type": "text", "index": false },
                "words": { "type": "text", "analyzer": "whitespace" },
                "forces": { "type": "keyword" },
                "meta": { "type": "object", "dynamic": true },
                "spans": { "type": "long", "index": false, "doc_values": false }
            },
            "dynamic_templates": [ { "meta_values": {
                "path_match": "meta.*",
                "mapping": { "type": "keyword", "normalizer": "lower" }
            } } ]
        }
    });
    let mut s = serde_json::to_string_pretty(&mapping).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_ids_follow_each_engine_s_rules() {
        for bad in ["ab", "my study", "2026", "-x1", "a/b"] {
            assert!(check_index_id(Target::Quickwit, bad).is_err(), "{bad}");
        }
        for good in ["jtbd", "study-2026.v1", "A_b"] {
            assert!(check_index_id(Target::Quickwit, good).is_ok(), "{good}");
        }
        for bad in ["Study", "_x", "a b", "a*b", ".."] {
            assert!(check_index_id(Target::Elasticsearch, bad).is_err(), "{bad}");
        }
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("My Study!");
        let b = d.path().join("other").join("My Study!");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let (ia, ib) = (default_index_id(&a), default_index_id(&b));
        assert!(ia.starts_with("jtbd-my-study-"), "{ia}");
        assert_ne!(ia, ib);
        for id in [&ia, &ib] {
            assert!(check_index_id(Target::Quickwit, id).is_ok());
            assert!(check_index_id(Target::Elasticsearch, id).is_ok());
        }
    }

    #[test]
    fn bulk_chunks_stay_under_the_limit_and_pair_actions_with_documents() {
        let d = tempfile::tempdir().unwrap();
        let meta = BTreeMap::new();
        let mut c = Chunks::new(d.path(), Target::Elasticsearch, "jtbd").unwrap();
        let text = "word ".repeat(20_000);
        for n in 0..120 {
            c.add(&TurnDoc {
                id: format!("i-{n}"),
                interview: "i",
                path: "a.txt",
                format: "text",
                speaker: Some("Ann"),
                role: "interviewee",
                turn: n,
                line: n + 1,
                byte_start: 0,
                byte_end: 1,
                timestamp_ms: None,
                words: text.clone(),
                text: text.clone(),
                forces: vec!["anxiety"],
                meta: &meta,
                spans: Vec::new(),
            })
            .unwrap();
        }
        let files = c.finish().unwrap();
        assert!(files.len() >= 3, "{files:?}");
        for f in &files[..files.len() - 1] {
            let bytes = std::fs::read(f).unwrap();
            assert!(bytes.len() <= CHUNK_BYTES);
            let lines: Vec<&[u8]> = bytes
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .collect();
            assert_eq!(lines.len() % 2, 0);
            let action: serde_json::Value = serde_json::from_slice(lines[0]).unwrap();
            assert_eq!(action["index"]["_index"], "jtbd");
        }
        assert!(
            files
                .last()
                .unwrap()
                .ends_with("elasticsearch-mapping.json")
        );
    }
}
