//! The manifests of a run: `--meta FILE` for every file, or else each folder given with its own
//! `participants.csv` for the files under it. A row that names no file read is reported with
//! its line once the walk is over.

use crate::cli::ReadArgs;
use anyhow::Context;
use jtbd_ingest::Manifest;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One manifest and the files it describes.
struct Scoped {
    /// The folder given, as its components (`.` left out) and whether absolute; `None`: every
    /// file (`--meta`).
    root: Option<(Vec<String>, bool)>,
    shown: String,
    manifest: Manifest,
}

/// Every manifest of a run.
#[derive(Default)]
pub struct Manifests {
    list: Vec<Scoped>,
    /// Their canonical paths, to keep them out of the walk's notes.
    canonical: Vec<PathBuf>,
}

impl Manifests {
    /// `--meta`, or the `participants.csv` of each folder given.
    pub fn load(args: &ReadArgs, quiet: bool) -> anyhow::Result<Manifests> {
        let found: Vec<(Option<&PathBuf>, PathBuf)> = match &args.meta {
            Some(m) => vec![(None, m.clone())],
            None => args
                .paths
                .iter()
                .map(|p| (Some(p), p.join(jtbd_ingest::DEFAULT_MANIFEST)))
                .filter(|(_, m)| m.is_file())
                .collect(),
        };
        let mut out = Manifests::default();
        for (root, file) in found {
            let shown = jtbd_ingest::walk::display_path(&file);
            if root.is_some() && !quiet {
                eprintln!("note: using metadata from {shown}");
            }
            let manifest = Manifest::read(&file).context("cannot use the manifest")?;
            out.canonical.extend(file.canonicalize().ok());
            out.list.push(Scoped {
                root: root.map(|r| crate::identity::lexical(r)),
                shown,
                manifest,
            });
        }
        Ok(out)
    }

    /// The manifest row of the file the walk found at `path`, shown as `display`: from the
    /// manifest of the folder it was found in (the innermost, when folders nest).
    pub fn lookup(&self, path: &Path, display: &str) -> Option<&BTreeMap<String, String>> {
        let (parts, absolute) = crate::identity::lexical(path);
        self.list
            .iter()
            .filter(|s| match &s.root {
                None => true,
                Some((root, abs)) => *abs == absolute && parts.starts_with(root),
            })
            .max_by_key(|s| s.root.as_ref().map_or(0, |(r, _)| r.len() + 1))
            .and_then(|s| s.manifest.lookup(display))
    }

    /// Whether `canonical` is one of the manifests.
    pub fn is_manifest(&self, canonical: &Path) -> bool {
        self.canonical.iter().any(|c| c == canonical)
    }

    /// Says on stderr which rows matched no file read (unless `quiet`).
    pub fn report_unmatched(&self, quiet: bool) {
        if quiet {
            return;
        }
        for s in &self.list {
            for (line, file) in s.manifest.unmatched() {
                eprintln!("warning: {}:{line}: `{file}` matches no file read", s.shown);
            }
        }
    }
}
