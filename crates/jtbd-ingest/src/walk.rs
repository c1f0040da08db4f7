//! Expanding the paths a user gives into the files to read, in a stable order.
//!
//! Files named directly are always read. Inside folders (walked recursively, symlinks followed,
//! loops detected) only transcript extensions are read; hidden entries and other files are
//! skipped with a note, never silently.

use std::path::{Path, PathBuf};

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
    Walk {
        inputs: inputs.iter().rev().cloned().collect(),
        current: None,
    }
}

/// The iterator [`walk`] returns.
pub struct Walk {
    /// Inputs still to walk, the next one last.
    inputs: Vec<PathBuf>,
    current: Option<(String, walkdir::IntoIter)>,
}

impl Iterator for Walk {
    type Item = WalkItem;

    fn next(&mut self) -> Option<WalkItem> {
        loop {
            if let Some((display, it)) = &mut self.current {
                match it.next() {
                    Some(entry) => {
                        if let Some(item) = folder_entry(entry, display, it) {
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
                    self.current = Some((display, it));
                }
            }
        }
    }
}

/// One entry met inside a folder: a file to read, a note, an error, or nothing (folders).
fn folder_entry(
    entry: walkdir::Result<walkdir::DirEntry>,
    display: &str,
    it: &mut walkdir::IntoIter,
) -> Option<WalkItem> {
    let e = match entry {
        Ok(e) => e,
        Err(e) => {
            let display = e.path().map_or_else(|| display.to_owned(), display_path);
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
    if e.depth() > 0 && is_hidden(&e.file_name().to_string_lossy()) {
        if is_dir {
            it.skip_current_dir();
        }
        return Some(WalkItem::Skipped(Skipped {
            path: display_path(e.path()),
            reason: "hidden".into(),
        }));
    }
    if is_dir {
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
