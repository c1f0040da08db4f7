//! Files written whole or not at all, the one implementation every file jtbd writes goes through
//! (reports, CSV, JSON Lines, exports, the index's version file): to a temporary name beside the
//! target, then renamed, so a crash never leaves half a file where the last good one was.
//!
//! Durability policy, one for every file: atomic against a process that dies at any moment, not
//! against power loss (no fsync: syncing 600 MB of JSON Lines cost seconds per run, and every
//! output can be made again from the transcripts). After a power loss the index's version file
//! may be missing or old: the index then reports itself damaged and names `--rebuild`, never
//! mixes two states. The index's segment files are tantivy's own.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically ([`write`]).
pub fn write_bytes(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write(path, |w| w.write_all(bytes))
}

/// Writes `path` through `fill`, atomically: the content goes to `.<name>.tmp-<pid>` first
/// ([`Staged`]) and is renamed over `path` only when `fill` and the flush succeed; on failure the
/// temporary file is removed.
pub fn write(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut staged = Staged::create(path)?;
    fill(&mut staged)?;
    staged.commit()
}

/// Whether `path` is a temporary file of `target` left by a run killed before its rename.
pub fn is_staged(path: &Path, target: &Path) -> bool {
    let (Some(name), Some(of)) = (path.file_name(), target.file_name()) else {
        return false;
    };
    path.parent() == target.parent()
        && name
            .to_string_lossy()
            .starts_with(&format!(".{}.tmp-", of.to_string_lossy()))
}

/// A file written in steps and put in place whole: [`Staged::commit`] renames it over the target;
/// dropped without a commit, it is removed.
pub struct Staged {
    target: std::path::PathBuf,
    tmp: std::path::PathBuf,
    w: Option<io::BufWriter<std::fs::File>>,
}

impl Staged {
    /// Starts `path`.
    pub fn create(path: &Path) -> io::Result<Staged> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let w = io::BufWriter::new(std::fs::File::create(&tmp)?);
        Ok(Staged {
            target: path.to_path_buf(),
            tmp,
            w: Some(w),
        })
    }

    /// Puts the file in place; when that fails, the temporary file is removed.
    pub fn commit(mut self) -> io::Result<()> {
        let flushed = match self.w.take() {
            Some(w) => w.into_inner().map(drop).map_err(|e| e.into_error()),
            None => Ok(()),
        };
        let result = flushed.and_then(|()| std::fs::rename(&self.tmp, &self.target));
        if result.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        result
    }
}

impl Write for Staged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.w {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("staged file already committed")),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.as_mut().map_or(Ok(()), Write::flush)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.w.is_some() {
            self.w = None;
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("report.md");
        super::write(&p, |w| w.write_all(b"first")).unwrap();
        let e = super::write(&p, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("crash"))
        });
        assert!(e.is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "first");
        assert_eq!(
            std::fs::read_dir(d.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }

    #[test]
    fn a_staged_file_is_known_by_its_target() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("version.json");
        let staged = super::Staged::create(&target).unwrap();
        let tmp = std::fs::read_dir(d.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        assert!(super::is_staged(&tmp, &target));
        assert!(!super::is_staged(&target, &target));
        assert!(!super::is_staged(&d.path().join("other.json"), &target));
        drop(staged);
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0);
    }
}
