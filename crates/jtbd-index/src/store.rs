//! The index on disk: a folder holding a tantivy index and `jtbd-index.json` (the schema
//! version), opened for reading by any number of processes and for writing by one.
//!
//! Incremental updates need to know which version of each file the index holds. That list
//! (path -> fingerprint) travels in the commit's payload, inside tantivy's `meta.json`, which
//! tantivy replaces atomically: the documents and the list of files they came from can never
//! disagree, whatever moment a process is killed at.

use crate::analyzer;
use crate::error::IndexError;
use crate::schema::{self, Fields, SCHEMA_VERSION};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tantivy::directory::MmapDirectory;
use tantivy::schema::{Facet, TantivyDocument};
use tantivy::{IndexWriter, Term};

/// The file beside the index that records its layout version.
pub const VERSION_FILE: &str = "jtbd-index.json";

/// Writer heap of the indexing thread(s), shared: segments are flushed when it fills. Bounds the
/// memory of an indexing run whatever the corpus size; a flush needs memory beside it, and at
/// 96 MB (two threads filling and flushing together) the flushes late in a 1 GB `analyze` made
/// its peak.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;
/// Segments with more documents than this are not merged further: merging reads whole segments
/// through memory maps, so unbounded merges make a big corpus's peak memory grow with its size.
const MAX_DOCS_BEFORE_MERGE: usize = 150_000;
/// Indexing threads. One keeps up with extraction on two cores (`analyze` on 100 MB took as long
/// as with two, `index` too, with less CPU: fewer, larger segments to merge), and its flushes
/// come one at a time.
const WRITER_THREADS: usize = 1;

/// An index folder, open.
pub struct Index {
    dir: PathBuf,
    pub(crate) inner: tantivy::Index,
    pub(crate) fields: Fields,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct VersionFile {
    schema_version: u32,
    created_by: String,
}

/// What the commit payload holds.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Payload {
    /// Path -> fingerprint of the version indexed.
    files: BTreeMap<String, String>,
}

impl Index {
    /// Opens the index in `dir`, creating the folder and an empty index when there is none.
    /// `created_by` names the tool in the version file.
    pub fn open_or_create(dir: &Path, created_by: &str) -> Result<Index, IndexError> {
        let io = |source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let version = dir.join(VERSION_FILE);
        if !version.exists() {
            // A folder holding only a version file half-written by a killed run counts as empty.
            let mut entries = std::fs::read_dir(dir).map_err(io)?;
            let empty = entries
                .all(|e| e.is_ok_and(|e| jtbd_model::atomic::is_staged(&e.path(), &version)));
            if !empty {
                return Err(IndexError::NotAnIndex(dir.to_path_buf()));
            }
            let v = VersionFile {
                schema_version: SCHEMA_VERSION,
                created_by: created_by.to_owned(),
            };
            let json = serde_json::to_vec_pretty(&v).unwrap_or_default();
            jtbd_model::atomic::write_bytes(&version, &json).map_err(io)?;
        }
        Self::open_checked(dir, true)
    }

    /// Opens an existing index for reading.
    pub fn open(dir: &Path) -> Result<Index, IndexError> {
        if !dir.join(VERSION_FILE).exists() {
            return Err(if dir.exists() {
                IndexError::NotAnIndex(dir.to_path_buf())
            } else {
                IndexError::Missing(dir.to_path_buf())
            });
        }
        if !dir.join("meta.json").exists() {
            return Err(IndexError::NoCommit(dir.to_path_buf()));
        }
        Self::open_checked(dir, false)
    }

    fn open_checked(dir: &Path, create: bool) -> Result<Index, IndexError> {
        let path = dir.join(VERSION_FILE);
        let bytes = std::fs::read(&path).map_err(|source| IndexError::Io {
            path: path.clone(),
            source,
        })?;
        let found = serde_json::from_slice::<VersionFile>(&bytes)
            .map_err(|e| IndexError::Damaged {
                dir: dir.to_path_buf(),
                problem: format!("{VERSION_FILE} cannot be read ({e})"),
            })?
            .schema_version;
        if found != SCHEMA_VERSION {
            return Err(IndexError::Version {
                dir: dir.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        let (schema, fields) = schema::build();
        let mmap = MmapDirectory::open(dir).map_err(|e| IndexError::tantivy(dir, e.into()))?;
        let inner = if create {
            tantivy::Index::open_or_create(mmap, schema)
        } else {
            tantivy::Index::open(mmap)
        }
        .map_err(|e| IndexError::tantivy(dir, e))?;
        analyzer::register(inner.tokenizers());
        Ok(Index {
            dir: dir.to_path_buf(),
            inner,
            fields,
        })
    }

    /// An empty index in memory with the same schema and analyzers: for checking a query
    /// without a folder, and for presenting documents that come from elsewhere.
    pub fn in_memory() -> Index {
        let (schema, fields) = schema::build();
        let inner = tantivy::Index::create_in_ram(schema);
        analyzer::register(inner.tokenizers());
        Index {
            dir: PathBuf::new(),
            inner,
            fields,
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The files the last commit holds: key -> fingerprint. A payload that cannot be read is
    /// [`IndexError::Damaged`]: taking it for "no files" would index every file a second time.
    pub fn files(&self) -> Result<BTreeMap<String, String>, IndexError> {
        let metas = self
            .inner
            .load_metas()
            .map_err(|e| IndexError::tantivy(&self.dir, e))?;
        match metas.payload {
            None if metas.segments.is_empty() => Ok(BTreeMap::new()),
            None => Err(IndexError::Damaged {
                dir: self.dir.clone(),
                problem: "its last commit has documents but no list of files".into(),
            }),
            Some(p) => serde_json::from_str::<Payload>(&p)
                .map(|p| p.files)
                .map_err(|e| IndexError::Damaged {
                    dir: self.dir.clone(),
                    problem: format!("its list of files cannot be read ({e})"),
                }),
        }
    }

    /// How many live documents each key has, and how many live documents there are in all: a
    /// check that the index holds each file once (the total equals the sum when every document
    /// belongs to a file of [`Index::files`]).
    pub fn documents_per_key(&self) -> Result<(BTreeMap<String, usize>, usize), IndexError> {
        let reader = self
            .inner
            .reader()
            .map_err(|e| IndexError::tantivy(&self.dir, e))?;
        let searcher = reader.searcher();
        let mut per = BTreeMap::new();
        for key in self.files()?.keys() {
            let q = tantivy::query::TermQuery::new(
                Term::from_field_text(self.fields.key, key),
                tantivy::schema::IndexRecordOption::Basic,
            );
            let n = searcher
                .search(&q, &tantivy::collector::Count)
                .map_err(|e| IndexError::tantivy(&self.dir, e))?;
            per.insert(key.clone(), n);
        }
        Ok((per, searcher.num_docs() as usize))
    }

    /// Takes the index's write lock. Fails with [`IndexError::Locked`] while another process
    /// (or another writer of this one) holds it; the lock dies with its process.
    pub fn writer(&self) -> Result<Writer, IndexError> {
        let writer = self
            .inner
            .writer_with_num_threads(WRITER_THREADS, WRITER_HEAP_BYTES)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => IndexError::Locked(self.dir.clone()),
                e => IndexError::tantivy(&self.dir, e),
            })?;
        // A run killed mid-commit can leave files no commit names (a segment's deletes written,
        // its meta not): the next run would compute the same name and fail on "file already
        // exists". Remove them first; living segments are kept.
        writer
            .garbage_collect_files()
            .wait()
            .map_err(|e| IndexError::tantivy(&self.dir, e))?;
        let mut policy = tantivy::indexer::LogMergePolicy::default();
        policy.set_max_docs_before_merge(MAX_DOCS_BEFORE_MERGE);
        writer.set_merge_policy(Box::new(policy));
        Ok(Writer {
            dir: self.dir.clone(),
            files: self.files()?,
            fields: self.fields,
            writer,
        })
    }

    /// Builds the documents of one interview: one per turn. `forces` holds, per turn, the
    /// forces found in it (empty when extraction did not run). Pure: call it on any thread.
    pub fn documents(
        &self,
        interview: &jtbd_model::Interview,
        forces: &[Vec<jtbd_model::Force>],
    ) -> Vec<TantivyDocument> {
        crate::document::turn_documents(&self.fields, interview, forces)
    }
}

/// The one writer of an index.
pub struct Writer {
    dir: PathBuf,
    files: BTreeMap<String, String>,
    fields: Fields,
    writer: IndexWriter,
}

/// Whether the key `path` is the key `root` or inside it. Keys are canonical (absolute), so a
/// root is never empty or `.`; the file system root `/` holds everything.
fn under(path: &str, root: &str) -> bool {
    let trimmed = root.trim_end_matches('/');
    path == root
        || path
            .strip_prefix(trimmed)
            .is_some_and(|rest| rest.starts_with('/'))
}

impl Writer {
    /// The files the index holds, as this writer will commit them.
    pub fn files(&self) -> &BTreeMap<String, String> {
        &self.files
    }

    /// Replaces whatever the index holds of the file `key` (its identity, see
    /// [`Fields::key`](crate::schema::Fields::key)) with `docs`, recorded at `fingerprint`.
    pub fn replace(
        &mut self,
        key: &str,
        fingerprint: &str,
        docs: Vec<TantivyDocument>,
    ) -> Result<(), IndexError> {
        if self.files.contains_key(key) {
            self.writer
                .delete_term(Term::from_field_text(self.fields.key, key));
        }
        for mut d in docs {
            d.add_text(self.fields.key, key);
            self.writer
                .add_document(d)
                .map_err(|e| IndexError::tantivy(&self.dir, e))?;
        }
        self.files.insert(key.to_owned(), fingerprint.to_owned());
        Ok(())
    }

    /// Removes a file's documents.
    pub fn remove(&mut self, key: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.key, key));
        self.files.remove(key);
    }

    /// Removes the files the index holds under one of `roots` (canonical keys of the roots
    /// walked) that are not in `seen`: files a walk of those roots no longer finds. Returns
    /// them.
    pub fn remove_gone(
        &mut self,
        roots: &[String],
        seen: &std::collections::BTreeSet<String>,
    ) -> Vec<String> {
        let gone: Vec<String> = self
            .files
            .keys()
            .filter(|k| !seen.contains(*k) && roots.iter().any(|r| under(k, r)))
            .cloned()
            .collect();
        for path in &gone {
            self.remove(path);
        }
        gone
    }

    /// Commits: documents and the list of files become visible together, or not at all.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        let payload = serde_json::to_string(&Payload {
            files: self.files.clone(),
        })
        .unwrap_or_default();
        let mut prepared = self
            .writer
            .prepare_commit()
            .map_err(|e| IndexError::tantivy(&self.dir, e))?;
        prepared.set_payload(&payload);
        prepared
            .commit()
            .map_err(|e| IndexError::tantivy(&self.dir, e))?;
        Ok(())
    }

    /// Commits, waits for background merges, releases the lock.
    pub fn finish(mut self) -> Result<(), IndexError> {
        self.commit()?;
        let dir = self.dir.clone();
        self.writer
            .wait_merging_threads()
            .map_err(|e| IndexError::tantivy(&dir, e))
    }
}

/// The facet of a force: `/anxiety`.
pub(crate) fn force_facet(force: jtbd_model::Force) -> Facet {
    Facet::from_path([force.as_str()])
}
