//! An interview's identity in the index: one key per file, whatever way its folder was typed
//! (`real/`, `./real`, `/abs/real`, `.` from inside it) and whatever the working directory.
//!
//! A key is the root given, made canonical (absolute, symlinks resolved), joined with the
//! file's path below that root as the walk found it. The walk follows symlinks inside a folder;
//! keeping the part below the root as walked keeps every file of a root under its canonical
//! root, so "files the index holds under this root that the walk no longer finds" is a plain
//! prefix test on keys.

use std::path::{Component, Path, PathBuf};

/// The roots of one run, each with its canonical form.
pub struct Roots {
    /// (the root as given without `.` components, its canonical key)
    roots: Vec<(Vec<String>, bool, String)>,
    /// Each root's folder name as ids use it ([`Roots::id_path`]): a folder's own name, a file's
    /// folder's name.
    id_names: Vec<Option<String>>,
}

impl Roots {
    /// The roots of a walk of `paths`.
    pub fn new(paths: &[PathBuf]) -> Roots {
        let roots: Vec<(Vec<String>, bool, String)> = paths
            .iter()
            .map(|p| {
                let (parts, absolute) = lexical(p);
                (parts, absolute, canonical(p))
            })
            .collect();
        let id_names = paths
            .iter()
            .zip(&roots)
            .map(|(p, (parts, _, key))| {
                if p.is_file() {
                    // A file given on its own is named below its folder, as a walk of the
                    // folder names it.
                    let (folder, _) = key.rsplit_once('/')?;
                    folder
                        .rsplit('/')
                        .find(|c| !c.is_empty())
                        .map(str::to_owned)
                } else {
                    root_name(parts, key)
                }
            })
            .collect();
        Roots { roots, id_names }
    }

    /// The canonical keys of the roots: a file's key is under one of them when it came from it.
    pub fn keys(&self) -> Vec<String> {
        self.roots.iter().map(|(_, _, k)| k.clone()).collect()
    }

    /// The key of a file the walk of these roots found, from the path the walk gave it (its
    /// display path names the same file). A path under no root (cannot happen for walked
    /// files) is made canonical on its own.
    pub fn key(&self, path: &Path) -> String {
        let (parts, absolute) = lexical(path);
        match self.root_of(&parts, absolute) {
            Some((root, key)) => {
                let mut k = key.to_owned();
                for p in &parts[root.len()..] {
                    if !k.ends_with('/') {
                        k.push('/');
                    }
                    k.push_str(p);
                }
                k
            }
            None => canonical(path),
        }
    }

    /// The path an interview's id is made of (`jtbd_ingest::interview_id`): its path as
    /// [`Roots::relative`] shows it, the same however its folder was typed and wherever the
    /// command runs, so a verdict's signal id (`docs/review.md`) keeps naming its signal. When two
    /// roots of the run have the same name (`a/calls` and `b/calls`), their files keep the path
    /// as given: their ids could meet otherwise.
    pub fn id_path(&self, path: &Path) -> String {
        let as_typed = || path.to_string_lossy().into_owned();
        let (parts, absolute) = lexical(path);
        let Some(at) = self.root_index(&parts, absolute) else {
            return as_typed();
        };
        let (root, _, _) = &self.roots[at];
        let name = &self.id_names[at];
        let shared = self.id_names.iter().filter(|n| *n == name).count() > 1;
        match name {
            Some(name) if !shared => {
                // Below a folder root, the path below it; a file root is its own file name.
                let below = if parts.len() > root.len() {
                    &parts[root.len()..]
                } else {
                    &parts[parts.len().saturating_sub(1)..]
                };
                std::iter::once(name.as_str())
                    .chain(below.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("/")
            }
            _ => as_typed(),
        }
    }

    /// A file's path to show where a machine's folders must not appear (a project shared with
    /// others): the name of the root it came from, then its path below that root
    /// (`/home/ana/calls/x.md` walked from `/home/ana/calls` is `calls/x.md`; from `.` inside
    /// `calls`, also `calls/x.md`). A path under no root shows its file name alone.
    pub fn relative(&self, path: &Path) -> String {
        let (parts, absolute) = lexical(path);
        match self.root_of(&parts, absolute) {
            Some((root, key)) => {
                let name = root_name(root, key);
                name.into_iter()
                    .chain(parts[root.len()..].iter().cloned())
                    .collect::<Vec<_>>()
                    .join("/")
            }
            None => parts.last().cloned().unwrap_or_default(),
        }
    }

    /// The longest root a path (its [`lexical`] parts) is under, with its canonical key: with
    /// `a` and `a/b` given, `a/b/x` is found under `a/b` (both give the same key unless a
    /// symlink sits in between).
    fn root_of(&self, parts: &[String], absolute: bool) -> Option<(&[String], &str)> {
        self.root_index(parts, absolute).map(|i| {
            let (root, _, key) = &self.roots[i];
            (root.as_slice(), key.as_str())
        })
    }

    /// The root a path came from: the longest that it starts with.
    fn root_index(&self, parts: &[String], absolute: bool) -> Option<usize> {
        (0..self.roots.len())
            .filter(|&i| {
                let (root, abs, _) = &self.roots[i];
                *abs == absolute && parts.starts_with(root)
            })
            .max_by_key(|&i| self.roots[i].0.len())
    }
}

/// A root's own name: its last component as given, else (`.`, `..`) the last component of its
/// canonical form.
fn root_name(root: &[String], key: &str) -> Option<String> {
    root.last()
        .filter(|n| *n != "..")
        .cloned()
        .or_else(|| key.rsplit('/').find(|c| !c.is_empty()).map(str::to_owned))
}

/// A path's components as strings, `.` left out, and whether it is absolute.
pub(crate) fn lexical(p: &Path) -> (Vec<String>, bool) {
    let mut absolute = false;
    let mut parts = Vec::new();
    for c in p.components() {
        match c {
            Component::RootDir | Component::Prefix(_) => absolute = true,
            Component::CurDir => {}
            Component::ParentDir => parts.push("..".to_owned()),
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
        }
    }
    (parts, absolute)
}

/// `p` absolute with symlinks resolved, `/` separated. A path that does not exist (a root
/// deleted since the last run) is its nearest existing ancestor made canonical, with the rest
/// joined as written, so it still names the keys indexed under it.
pub fn canonical(p: &Path) -> String {
    let absolute = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| p.to_path_buf(), |d| d.join(p))
    };
    let mut rest = Vec::new();
    let mut at = absolute.as_path();
    let base = loop {
        if let Ok(c) = at.canonicalize() {
            break c;
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => break at.to_path_buf(),
        }
    };
    let mut out = base;
    for name in rest.iter().rev() {
        out.push(name);
    }
    out.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_root_give_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("real");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.txt"), "x").unwrap();
        let abs = Roots::new(std::slice::from_ref(&root));
        let want = abs.key(&root.join("sub/a.txt"));
        assert!(want.ends_with("/real/sub/a.txt"), "{want}");
        for spelled in [
            root.join("."),
            root.join("sub/.."),
            PathBuf::from(format!("{}/", root.display())),
        ] {
            let r = Roots::new(std::slice::from_ref(&spelled));
            assert_eq!(r.key(&spelled.join("sub/a.txt")), want, "{spelled:?}");
        }
    }

    #[test]
    fn an_id_path_is_the_same_however_the_folder_or_file_is_typed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("calls");
        std::fs::create_dir_all(&root).unwrap();
        let file = root.join("a.md");
        std::fs::write(&file, "x").unwrap();
        let want = "calls/a.md";
        assert_eq!(Roots::new(std::slice::from_ref(&root)).id_path(&file), want);
        // The file given on its own: named below its folder, as the folder's walk names it.
        assert_eq!(Roots::new(std::slice::from_ref(&file)).id_path(&file), want);
        let dot = root.join(".");
        assert_eq!(
            Roots::new(std::slice::from_ref(&dot)).id_path(&dot.join("a.md")),
            want
        );
        // Two roots of the same name: the path as typed, so their files' ids cannot meet.
        let other = dir.path().join("b/calls");
        std::fs::create_dir_all(&other).unwrap();
        let both = Roots::new(&[root.clone(), other.clone()]);
        assert_eq!(both.id_path(&file), file.to_string_lossy());
        assert_eq!(
            both.id_path(&other.join("a.md")),
            other.join("a.md").to_string_lossy()
        );
    }

    #[test]
    fn a_shown_path_starts_at_the_root_name_never_the_machine() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("calls");
        std::fs::create_dir_all(root.join("2026")).unwrap();
        let file = root.join("2026/a.md");
        std::fs::write(&file, "x").unwrap();
        let abs = Roots::new(std::slice::from_ref(&root));
        assert_eq!(abs.relative(&file), "calls/2026/a.md");
        let typed = Roots::new(&[PathBuf::from("data/calls")]);
        assert_eq!(
            typed.relative(Path::new("data/calls/2026/a.md")),
            "calls/2026/a.md"
        );
        // `.` inside the folder: the folder's own name, from its canonical form.
        let dot = root.join(".");
        let here = Roots::new(std::slice::from_ref(&dot));
        assert_eq!(here.relative(&dot.join("2026/a.md")), "calls/2026/a.md");
        // A file given by itself is its own root: its name.
        let one = Roots::new(std::slice::from_ref(&file));
        assert_eq!(one.relative(&file), "a.md");
    }

    #[test]
    fn a_missing_root_keeps_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone/deeper");
        let canon = canonical(dir.path());
        assert_eq!(canonical(&gone), format!("{canon}/gone/deeper"));
    }
}
