//! Files written whole or not at all, the one implementation every output file goes through: to a
//! temporary name beside the target, then renamed, so a crash never leaves half a report where
//! the last good one was.
//!
//! Durability policy: atomic against a process that dies at any moment, not against power loss
//! (no fsync: syncing 600 MB of JSON Lines cost seconds per run, and every output can be made
//! again from the transcripts). The index's own files are tantivy's, and its version file
//! (`jtbd_index::store::write_atomically`, which does sync) is the only other atomic write.

use std::io::{self, Write};
use std::path::Path;

/// Writes `path` through `fill`, atomically: the content goes to `.<name>.tmp-<pid>` first
/// ([`Staged`]) and is renamed over `path` only when `fill` and the flush succeed; on failure the
/// temporary file is removed.
pub fn write(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut staged = Staged::create(path)?;
    fill(&mut staged)?;
    staged.commit()
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
}
