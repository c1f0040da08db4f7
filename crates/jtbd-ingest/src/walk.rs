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

/// Walks `inputs` in order; folders in file-name order, so output is deterministic.
pub fn walk(inputs: &[PathBuf]) -> Vec<WalkItem> {
    let mut out = Vec::new();
    for input in inputs {
        let display = display_path(input);
        let meta = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                out.push(WalkItem::Error {
                    display,
                    message: format!("cannot open: {e}"),
                });
                continue;
            }
        };
        if !meta.is_dir() {
            out.push(WalkItem::File {
                path: input.clone(),
                display,
                walked: false,
            });
            continue;
        }
        let walker = walkdir::WalkDir::new(input)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(&e.file_name().to_string_lossy()));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_dir() => {
                    note_hidden_children(e.path(), &mut out);
                }
                Ok(e) => {
                    let path = e.path().to_path_buf();
                    let display = display_path(&path);
                    let ext = path
                        .extension()
                        .map(|x| x.to_string_lossy().to_lowercase())
                        .unwrap_or_default();
                    if TRANSCRIPT_EXTENSIONS.contains(&ext.as_str()) {
                        out.push(WalkItem::File {
                            path,
                            display,
                            walked: true,
                        });
                    } else {
                        out.push(WalkItem::Skipped(Skipped {
                            path: display,
                            reason: if ext.is_empty() {
                                "no file extension (name the file directly to read it)".into()
                            } else {
                                format!("not a transcript extension: .{ext} (name the file directly to read it)")
                            },
                        }));
                    }
                }
                Err(e) => {
                    let display = e.path().map_or_else(|| display.clone(), display_path);
                    let message = if e.loop_ancestor().is_some() {
                        "symlink loop: the link points back into a folder above it".to_owned()
                    } else {
                        e.io_error()
                            .map_or_else(|| e.to_string(), |io| format!("cannot open: {io}"))
                    };
                    out.push(WalkItem::Error { display, message });
                }
            }
        }
    }
    out
}

/// Notes the hidden entries of a folder (the walk itself does not descend into them).
fn note_hidden_children(dir: &Path, out: &mut Vec<WalkItem>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut hidden: Vec<PathBuf> = read
        .filter_map(Result::ok)
        .filter(|e| is_hidden(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    hidden.sort();
    for p in hidden {
        out.push(WalkItem::Skipped(Skipped {
            path: display_path(&p),
            reason: "hidden".into(),
        }));
    }
}
