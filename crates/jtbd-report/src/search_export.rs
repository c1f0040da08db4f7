//! Documents for search engines beyond one machine: one document per turn with the same fields
//! as the local index, as Quickwit NDJSON (with its index config) or Elasticsearch `_bulk` NDJSON
//! (with an index mapping), in chunks of at most 10 MB.

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
    pub text: String,
    pub forces: Vec<&'static str>,
    pub metadata: &'a BTreeMap<String, String>,
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
                text: t
                    .sentences
                    .iter()
                    .map(|s| s.text(&i.source))
                    .collect::<Vec<_>>()
                    .join(" "),
                forces: f,
                metadata: &i.metadata,
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

/// NDJSON files in a folder, a new one whenever the next line would pass [`CHUNK_BYTES`].
pub struct Chunks {
    dir: PathBuf,
    target: Target,
    index: String,
    buf: Vec<u8>,
    written: Vec<PathBuf>,
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
            docs: 0,
        })
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
        if !self.buf.is_empty() && self.buf.len() + lines.len() > CHUNK_BYTES {
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

/// A Quickwit index config: the document fields, `text` with English stemming.
pub fn quickwit_config(index: &str) -> String {
    format!(
        r#"# Quickwit index config written by jtbd {version}: one document per interview turn.
# Load: quickwit index create --index-config quickwit-index.yaml
#       quickwit index ingest --index {index} --input-path docs-0001.ndjson
version: 0.8
index_id: {index}
doc_mapping:
  mode: dynamic
  field_mappings:
    - {{ name: id, type: text, tokenizer: raw, fast: true }}
    - {{ name: interview, type: text, tokenizer: raw, fast: true }}
    - {{ name: path, type: text, tokenizer: raw }}
    - {{ name: format, type: text, tokenizer: raw, fast: true }}
    - {{ name: speaker, type: text, tokenizer: default }}
    - {{ name: role, type: text, tokenizer: raw, fast: true }}
    - {{ name: turn, type: u64, fast: true }}
    - {{ name: line, type: u64 }}
    - {{ name: byte_start, type: u64 }}
    - {{ name: byte_end, type: u64 }}
    - {{ name: timestamp_ms, type: u64, fast: true }}
    - {{ name: text, type: text, tokenizer: en_stem, record: position }}
    - {{ name: forces, type: "array<text>", tokenizer: raw, fast: true }}
    - {{ name: metadata, type: json, tokenizer: raw }}
search_settings:
  default_search_fields: [text]
"#,
        version = env!("CARGO_PKG_VERSION")
    )
}

/// An Elasticsearch index mapping: the document fields, `text` with the English analyzer.
pub fn elastic_mapping() -> String {
    let mapping = serde_json::json!({
        "mappings": {
            "dynamic": true,
            "properties": {
                "id": { "type": "keyword" },
                "interview": { "type": "keyword" },
                "path": { "type": "keyword" },
                "format": { "type": "keyword" },
                "speaker": { "type": "text", "fields": { "raw": { "type": "keyword" } } },
                "role": { "type": "keyword" },
                "turn": { "type": "long" },
                "line": { "type": "long" },
                "byte_start": { "type": "long" },
                "byte_end": { "type": "long" },
                "timestamp_ms": { "type": "long" },
                "text": { "type": "text", "analyzer": "english" },
                "forces": { "type": "keyword" },
                "metadata": { "type": "object", "dynamic": true }
            }
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
                text: text.clone(),
                forces: vec!["anxiety"],
                metadata: &meta,
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
