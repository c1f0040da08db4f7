//! Expanding the paths a user gives into the files to read, in a stable order.
//!
//! Files named directly are always read. Inside folders (walked recursively, symlinks followed,
//! loops detected) only transcript extensions are read; hidden entries, other files, files a
//! `.gitignore` or `.ignore` inside the walked folder leaves out, and files `--glob`/`--exclude`
//! leave out are skipped with a note, never silently.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::{Override, OverrideBuilder};
use std::path::{Path, PathBuf};

/// Which files inside folders are read, besides their extension: ripgrep's `--glob` rules.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Globs as given: `*.vtt` reads only matching files, `!drafts/**` leaves matches out.
    globs: Vec<String>,
    /// Whether `.gitignore` and `.ignore` files are obeyed (`--no-ignore` turns it off).
    pub ignore_files: bool,
    /// Folders never walked (canonical paths): a command's own output inside its input.
    skip_dirs: Vec<PathBuf>,
}

/// A glob that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("bad glob {glob:?}: {message}")]
pub struct GlobError {
    /// The glob as given.
    pub glob: String,
    /// What is wrong.
    pub message: String,
}

impl Filter {
    /// A filter from `--glob` values (`!` in front excludes) and `--exclude` values; every glob
    /// is checked here, so a typo fails before any file is read.
    pub fn new(
        globs: &[String],
        excludes: &[String],
        ignore_files: bool,
    ) -> Result<Filter, GlobError> {
        let mut all: Vec<String> = globs.to_vec();
        all.extend(excludes.iter().map(|e| format!("!{e}")));
        // Checked against a dummy root: matching happens per walked folder.
        build_override(Path::new("."), &all)?;
        Ok(Filter {
            globs: all,
            ignore_files,
            skip_dirs: Vec::new(),
        })
    }

    /// Never walks into `dir` (it need not exist yet when it is the output of this run).
    pub fn skip_dir(&mut self, dir: &Path) {
        let _ = std::fs::create_dir_all(dir);
        if let Ok(c) = dir.canonicalize() {
            self.skip_dirs.push(c);
        }
    }

    /// The filter that reads everything with a transcript extension and obeys ignore files.
    pub fn standard() -> Filter {
        Filter {
            globs: Vec::new(),
            ignore_files: true,
            skip_dirs: Vec::new(),
        }
    }
}

fn build_override(root: &Path, globs: &[String]) -> Result<Override, GlobError> {
    let mut b = OverrideBuilder::new(root);
    for g in globs {
        b.add(g).map_err(|e| GlobError {
            glob: g.clone(),
            message: e.to_string(),
        })?;
    }
    b.build().map_err(|e| GlobError {
        glob: globs.join(" "),
        message: e.to_string(),
    })
}

/// Extensions read inside folders.
pub const TRANSCRIPT_EXTENSIONS: [&str; 9] = [
    "txt",
    "text",
    "md",
    "markdown",
    "vtt",
    "srt",
    "json",
    "docx",
    "transcript",
];

/// A file or folder left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The path as shown to the user.
    pub path: String,
    /// Why it was left out.
    pub reason: String,
}

/// One entry of a walk.
#[derive(Debug)]
pub enum WalkItem {
    /// A file to read.
    File {
        /// Where it is.
        path: PathBuf,
        /// The path as shown to the user (`/` separators).
        display: String,
        /// Whether it was found inside a folder (rather than named by the user).
        walked: bool,
    },
    /// Left out with a note.
    Skipped(Skipped),
    /// Could not be listed or opened (permissions, symlink loops, missing paths).
    Error {
        /// The path as shown to the user.
        display: String,
        /// What went wrong.
        message: String,
    },
}

/// The path as shown in outputs: as given, with `/` separators and no leading `./`.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.') && name != "." && name != ".."
}

/// Walks `inputs` in order, lazily; folders in file-name order, so output is deterministic.
pub fn walk(inputs: &[PathBuf]) -> Walk {
    walk_filtered(inputs, &Filter::standard())
}

/// [`walk`] with a [`Filter`] for what is read inside folders.
pub fn walk_filtered(inputs: &[PathBuf], filter: &Filter) -> Walk {
    Walk {
        inputs: inputs.iter().rev().cloned().collect(),
        current: None,
        filter: filter.clone(),
    }
}

/// The iterator [`walk`] returns.
pub struct Walk {
    /// Inputs still to walk, the next one last.
    inputs: Vec<PathBuf>,
    current: Option<Folder>,
    filter: Filter,
}

/// A folder being walked: its entries, its globs, and the ignore files met on the way down.
struct Folder {
    display: String,
    it: walkdir::IntoIter,
    globs: Override,
    /// `(depth of the folder, its ignore rules, the files they came from)`, outermost first.
    ignores: Vec<(usize, Gitignore, String)>,
}

impl Folder {
    /// Why `path` (at `depth`) is left out by an ignore file, if it is.
    fn ignored(&mut self, path: &Path, depth: usize, is_dir: bool) -> Option<String> {
        // Rules of folders that are not ancestors of this entry no longer apply.
        while self.ignores.last().is_some_and(|(d, _, _)| *d >= depth) {
            self.ignores.pop();
        }
        for (_, rules, from) in self.ignores.iter().rev() {
            match rules.matched(path, is_dir) {
                ignore::Match::Ignore(_) => return Some(format!("ignored by {from}")),
                ignore::Match::Whitelist(_) => return None,
                ignore::Match::None => {}
            }
        }
        None
    }

    /// Reads the `.gitignore` and `.ignore` of a folder entered at `depth` (`.ignore` wins).
    fn enter(&mut self, dir: &Path, depth: usize) -> Option<WalkItem> {
        let mut b = GitignoreBuilder::new(dir);
        let mut found = Vec::new();
        for name in [".gitignore", ".ignore"] {
            let f = dir.join(name);
            if f.is_file() {
                if let Some(e) = b.add(&f) {
                    return Some(WalkItem::Error {
                        display: display_path(&f),
                        message: format!("cannot use this ignore file: {e}"),
                    });
                }
                found.push(display_path(&f));
            }
        }
        if found.is_empty() {
            return None;
        }
        match b.build() {
            Ok(rules) => {
                self.ignores.push((depth, rules, found.join(" or ")));
                None
            }
            Err(e) => Some(WalkItem::Error {
                display: found.join(", "),
                message: format!("cannot use this ignore file: {e}"),
            }),
        }
    }
}

impl Iterator for Walk {
    type Item = WalkItem;

    fn next(&mut self) -> Option<WalkItem> {
        loop {
            if let Some(folder) = &mut self.current {
                match folder.it.next() {
                    Some(entry) => {
                        if let Some(item) = folder_entry(entry, folder, &self.filter) {
                            return Some(item);
                        }
                        continue;
                    }
                    None => self.current = None,
                }
            }
            let input = self.inputs.pop()?;
            let display = display_path(&input);
            match std::fs::metadata(&input) {
                Err(e) => {
                    return Some(WalkItem::Error {
                        display,
                        message: format!("cannot open: {e}"),
                    });
                }
                Ok(m) if !m.is_dir() => {
                    return Some(WalkItem::File {
                        path: input,
                        display,
                        walked: false,
                    });
                }
                Ok(_) => {
                    let it = walkdir::WalkDir::new(&input)
                        .follow_links(true)
                        .sort_by_file_name()
                        .into_iter();
                    let globs = match build_override(&input, &self.filter.globs) {
                        Ok(g) => g,
                        Err(e) => {
                            return Some(WalkItem::Error {
                                display,
                                message: e.to_string(),
                            });
                        }
                    };
                    self.current = Some(Folder {
                        display,
                        it,
                        globs,
                        ignores: Vec::new(),
                    });
                }
            }
        }
    }
}

/// One entry met inside a folder: a file to read, a note, an error, or nothing (folders).
fn folder_entry(
    entry: walkdir::Result<walkdir::DirEntry>,
    folder: &mut Folder,
    filter: &Filter,
) -> Option<WalkItem> {
    let e = match entry {
        Ok(e) => e,
        Err(e) => {
            let display = e
                .path()
                .map_or_else(|| folder.display.clone(), display_path);
            let message = if e.loop_ancestor().is_some() {
                "symlink loop: the link points back into a folder above it".to_owned()
            } else {
                e.io_error()
                    .map_or_else(|| e.to_string(), |io| format!("cannot open: {io}"))
            };
            return Some(WalkItem::Error { display, message });
        }
    };
    let is_dir = e.file_type().is_dir();
    let leave_out = |folder: &mut Folder, reason: String| {
        if is_dir {
            folder.it.skip_current_dir();
        }
        Some(WalkItem::Skipped(Skipped {
            path: display_path(e.path()),
            reason,
        }))
    };
    if e.depth() > 0 && is_hidden(&e.file_name().to_string_lossy()) {
        return leave_out(folder, "hidden".into());
    }
    if is_dir
        && !filter.skip_dirs.is_empty()
        && e.path()
            .canonicalize()
            .is_ok_and(|c| filter.skip_dirs.contains(&c))
    {
        return leave_out(folder, "the output folder of this run".into());
    }
    if filter.ignore_files && e.depth() > 0 {
        if let Some(why) = folder.ignored(e.path(), e.depth(), is_dir) {
            return leave_out(folder, why);
        }
    }
    if e.depth() > 0 {
        // A folder is left out only by a glob that names it (an exclude): include globs such
        // as `*.vtt` name files, and `ignore` walks every folder to find them.
        if folder.globs.matched(e.path(), is_dir).is_ignore() {
            return leave_out(folder, "left out by --glob/--exclude".into());
        }
    }
    if is_dir {
        if filter.ignore_files {
            if let Some(err) = folder.enter(e.path(), e.depth()) {
                return Some(err);
            }
        }
        return None;
    }
    let path = e.into_path();
    let display = display_path(&path);
    let ext = path
        .extension()
        .map(|x| x.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if TRANSCRIPT_EXTENSIONS.contains(&ext.as_str()) {
        return Some(WalkItem::File {
            path,
            display,
            walked: true,
        });
    }
    Some(WalkItem::Skipped(Skipped {
        path: display,
        reason: if ext.is_empty() {
            "no file extension (name the file directly to read it)".into()
        } else {
            format!("not a transcript extension: .{ext} (name the file directly to read it)")
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(dir: &Path, filter: &Filter) -> Vec<String> {
        walk_filtered(&[dir.to_path_buf()], filter)
            .map(|item| match item {
                WalkItem::File { display, .. } => format!("read {}", rel(dir, &display)),
                WalkItem::Skipped(s) => format!("skip {}: {}", rel(dir, &s.path), s.reason),
                WalkItem::Error { display, message } => format!("error {display}: {message}"),
            })
            .collect()
    }

    fn rel(dir: &Path, display: &str) -> String {
        let root = display_path(dir);
        display
            .strip_prefix(&root)
            .unwrap_or(display)
            .trim_start_matches('/')
            .to_owned()
    }

    #[test]
    fn ignore_files_and_globs_choose_what_is_read_and_say_what_is_not() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        std::fs::create_dir_all(p.join("drafts")).unwrap();
        std::fs::create_dir_all(p.join("calls/old")).unwrap();
        for f in [
            "a.txt",
            "b.vtt",
            "drafts/c.txt",
            "calls/d.vtt",
            "calls/e.md",
            "calls/old/f.vtt",
        ] {
            std::fs::write(p.join(f), "Q: hi?\nA: yo.\n").unwrap();
        }
        std::fs::write(p.join(".gitignore"), "drafts/\n*.md\n").unwrap();
        std::fs::write(p.join("calls/.ignore"), "old/\n!e.md\n").unwrap();
        let got = outcome(p, &Filter::standard());
        assert_eq!(
            got,
            [
                "skip .gitignore: hidden".to_owned(),
                "read a.txt".into(),
                "read b.vtt".into(),
                "skip calls/.ignore: hidden".into(),
                "read calls/d.vtt".into(),
                // `.ignore` in the folder itself wins over the `.gitignore` above it.
                "read calls/e.md".into(),
                format!(
                    "skip calls/old: ignored by {}/calls/.ignore",
                    display_path(p)
                ),
                format!("skip drafts: ignored by {}/.gitignore", display_path(p)),
            ]
        );
        let only_vtt = Filter::new(&["*.vtt".into()], &["old".into()], false).unwrap();
        let got = outcome(p, &only_vtt);
        let read: Vec<&String> = got.iter().filter(|l| l.starts_with("read")).collect();
        assert_eq!(read, ["read b.vtt", "read calls/d.vtt"]);
        assert!(got.contains(&"skip calls/old: left out by --glob/--exclude".to_owned()));
        assert!(got.contains(&"skip a.txt: left out by --glob/--exclude".to_owned()));
        assert!(Filter::new(&["a[".into()], &[], true).is_err());
    }
}
