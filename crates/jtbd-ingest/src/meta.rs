//! Interview metadata: front matter at the top of a text file, and the manifest CSV.

use crate::IngestError;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Parses optional front matter (`---` line, `key: value` lines, `---` line) at the top of
/// `source` (after a BOM and blank lines). Returns the metadata (keys lower case) and the byte
/// offset where the body starts (0 when there is no front matter).
pub fn front_matter(source: &str) -> Result<(BTreeMap<String, String>, usize), IngestError> {
    let mut meta = BTreeMap::new();
    let start = source.len()
        - source
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .len();
    let rest = &source[start..];
    let first_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    if rest[..first_end].trim_end() != "---" {
        return Ok((meta, 0));
    }
    let first_line = source[..start].matches('\n').count() + 1;
    let mut pos = start + first_end;
    let mut line_no = first_line;
    pos = skip_eol(source, pos);
    loop {
        line_no += 1;
        if pos >= source.len() {
            return Err(IngestError::Parse {
                line: first_line,
                message: "front matter opened with `---` is never closed by a `---` line".into(),
            });
        }
        let end = source[pos..]
            .find(['\n', '\r'])
            .map_or(source.len(), |i| pos + i);
        let line = &source[pos..end];
        let next = skip_eol(source, end);
        if line.trim_end() == "---" {
            return Ok((meta, next));
        }
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            let Some((key, value)) = line.split_once(':') else {
                return Err(IngestError::Parse {
                    line: line_no,
                    message: format!("front matter line is not `key: value`: {:?}", line.trim()),
                });
            };
            let key = key.trim().to_lowercase();
            if key.is_empty() {
                return Err(IngestError::Parse {
                    line: line_no,
                    message: "front matter line has an empty key".into(),
                });
            }
            let value = value.trim().trim_matches(['"', '\'']).to_owned();
            meta.insert(key, value);
        }
        pos = next;
    }
}

fn skip_eol(s: &str, mut i: usize) -> usize {
    if s[i..].starts_with("\r\n") {
        i += 2;
    } else if s[i..].starts_with(['\n', '\r']) {
        i += 1;
    }
    i
}

/// Why a manifest could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be opened.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The manifest path.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A CSV problem.
    #[error("{path}:{line}: {message}")]
    Csv {
        /// The manifest path.
        path: String,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

/// The manifest CSV: a `file` column plus any metadata columns.
#[derive(Debug, Default)]
pub struct Manifest {
    rows: HashMap<String, Row>,
}

/// A manifest row: its metadata, its line, and whether a lookup has matched it (so that a row
/// naming no file can be reported, [`Manifest::unmatched`]).
#[derive(Debug)]
struct Row {
    meta: BTreeMap<String, String>,
    line: u64,
    used: std::sync::atomic::AtomicBool,
}

impl Manifest {
    /// Reads a manifest. Column names become lower-case keys; empty cells are left out.
    pub fn read(path: &Path) -> Result<Manifest, ManifestError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ManifestError::Io {
            path: shown.clone(),
            source,
        })?;
        Manifest::parse(&bytes, &shown)
    }

    /// Parses manifest bytes; `shown` names the file in errors.
    pub fn parse(bytes: &[u8], shown: &str) -> Result<Manifest, ManifestError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let err = |line: u64, message: String| ManifestError::Csv {
            path: shown.to_owned(),
            line,
            message,
        };
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| err(1, e.to_string()))?
            .iter()
            .map(|h| h.trim().to_lowercase())
            .collect();
        let file_col = headers
            .iter()
            .position(|h| h == "file" || h == "path")
            .ok_or_else(|| {
                err(
                    1,
                    "no `file` column: the header must name one column `file`".into(),
                )
            })?;
        let mut rows = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                err(line, e.to_string())
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let file = record.get(file_col).unwrap_or("").trim().replace('\\', "/");
            if file.is_empty() {
                return Err(err(line, "empty `file` cell".into()));
            }
            let mut meta = BTreeMap::new();
            for (i, value) in record.iter().enumerate() {
                if i != file_col && !value.trim().is_empty() {
                    meta.insert(headers[i].clone(), value.trim().to_owned());
                }
            }
            let row = Row {
                meta,
                line,
                used: std::sync::atomic::AtomicBool::new(false),
            };
            if rows.insert(file.clone(), row).is_some() {
                return Err(err(line, format!("`{file}` is listed twice")));
            }
        }
        Ok(Manifest { rows })
    }

    /// The metadata for a file shown as `path`: an exact match, else a row whose `file` is a
    /// trailing part of the path (`acme.md` matches `corpora/acme.md`).
    pub fn lookup(&self, path: &str) -> Option<&BTreeMap<String, String>> {
        let path = path.strip_prefix("./").unwrap_or(path);
        let row = self.rows.get(path).or_else(|| {
            self.rows
                .iter()
                .filter(|(file, _)| {
                    path.ends_with(file.as_str()) && path[..path.len() - file.len()].ends_with('/')
                })
                .max_by_key(|(file, _)| file.len())
                .map(|(_, r)| r)
        })?;
        row.used.store(true, std::sync::atomic::Ordering::Relaxed);
        Some(&row.meta)
    }

    /// The rows no [`Manifest::lookup`] has matched so far, as (line, file), by line.
    pub fn unmatched(&self) -> Vec<(u64, &str)> {
        let mut out: Vec<(u64, &str)> = self
            .rows
            .iter()
            .filter(|(_, r)| !r.used.load(std::sync::atomic::Ordering::Relaxed))
            .map(|(f, r)| (r.line, f.as_str()))
            .collect();
        out.sort_unstable();
        out
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_parses_and_errors() {
        let (m, body) = front_matter("---\nRole: CISO\ncompany: \"Acme\"\n---\nQ: hi\n").unwrap();
        assert_eq!(m["role"], "CISO");
        assert_eq!(m["company"], "Acme");
        assert_eq!(body, 35);
        assert_eq!(front_matter("Q: hi").unwrap().1, 0);
        let e = front_matter("---\nrole: x\nnot a pair\n---\n").unwrap_err();
        assert_eq!(e.line(), Some(3));
        let e = front_matter("---\nrole: x\n").unwrap_err();
        assert!(e.to_string().contains("never closed"), "{e}");
    }

    #[test]
    fn manifest_lookup_and_errors() {
        let m = Manifest::parse(
            b"file,Role,company\nacme.md,CISO,\nsub/b.vtt,CTO,Beta\n",
            "m.csv",
        )
        .unwrap();
        assert_eq!(m.lookup("corpora/acme.md").unwrap()["role"], "CISO");
        assert!(!m.lookup("corpora/acme.md").unwrap().contains_key("company"));
        assert_eq!(m.lookup("x/sub/b.vtt").unwrap()["company"], "Beta");
        assert!(m.lookup("xacme.md").is_none());
        assert_eq!(m.unmatched(), []);
        let m = Manifest::parse(b"file,role\na.md,x\nb.md,y\n", "m.csv").unwrap();
        assert!(m.lookup("d/a.md").is_some());
        assert_eq!(m.unmatched(), [(3, "b.md")]);
        let e = Manifest::parse(b"name,role\na,b\n", "m.csv").unwrap_err();
        assert!(e.to_string().contains("m.csv:1: no `file` column"), "{e}");
        let e = Manifest::parse(b"file,role\na,b\nc\n", "m.csv").unwrap_err();
        assert!(e.to_string().starts_with("m.csv:3:"), "{e}");
    }
}
