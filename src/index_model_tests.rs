//! The index against a model: random sequences of file changes (add, edit, delete, rename,
//! within and across two folders) and `jtbd index` runs over one or both folders, each typed
//! another way (absolute, trailing `/`, `/.`, through `..`, relative to the working directory,
//! through a symlink). After every run the index holds exactly the files the model says, each
//! with the documents of its current content once; at the end it equals a clean run.
//!
//! Cases: `JTBD_INDEX_CASES` (default 16, so CI stays fast; `JTBD_INDEX_CASES=2000` for a long
//! run).

use crate::cli::{Cli, Command};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FOLDERS: [&str; 2] = ["a", "b"];
const NAMES: [&str; 4] = ["p1.txt", "p2.txt", "p3.md", "sub/p4.txt"];

#[derive(Debug, Clone)]
enum Op {
    /// Writes (adds or edits) a file: folder, name, content variant, turns.
    Write(usize, usize, u8, usize),
    Delete(usize, usize),
    /// Moves a file: from folder and name to folder and name.
    Rename(usize, usize, usize, usize),
    /// Indexes: which folders (bit mask, 1..=3), each with a spelling.
    Index(u8, usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..2usize, 0..NAMES.len(), 0..4u8, 1..4usize)
            .prop_map(|(f, n, v, t)| Op::Write(f, n, v, t)),
        1 => (0..2usize, 0..NAMES.len()).prop_map(|(f, n)| Op::Delete(f, n)),
        1 => (0..2usize, 0..NAMES.len(), 0..2usize, 0..NAMES.len())
            .prop_map(|(f, n, g, m)| Op::Rename(f, n, g, m)),
        3 => (1..4u8, 0..SPELLINGS, 0..SPELLINGS).prop_map(|(m, s, t)| Op::Index(m, s, t)),
    ]
}

/// A transcript of `turns` exchanges; `variant` changes its words.
fn content(variant: u8, turns: usize) -> String {
    let mut s = String::new();
    for k in 0..turns {
        s.push_str(&format!(
            "Interviewer: What happened with report {variant} and {k}?\n\
             Dana: I keep rebuilding report {variant} by hand every week {k}.\n"
        ));
    }
    s
}

const SPELLINGS: usize = 6;

/// Folder `f` of `base`, spelled the `s`th way.
fn spelled(base: &Path, f: usize, s: usize) -> PathBuf {
    let abs = base.join(FOLDERS[f]);
    match s {
        0 => abs,
        1 => PathBuf::from(format!("{}/", abs.display())),
        2 => abs.join("."),
        3 => base.join(FOLDERS[1 - f]).join("..").join(FOLDERS[f]),
        4 => base.join(format!("link-{}", FOLDERS[f])),
        _ => relative(&abs),
    }
}

/// `abs` relative to the working directory, through `..`.
fn relative(abs: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
    let mut rel = PathBuf::new();
    for _ in cwd.components().skip(1) {
        rel.push("..");
    }
    rel.join(abs.strip_prefix("/").unwrap())
}

fn index(idx: &Path, roots: &[PathBuf]) {
    let mut argv: Vec<String> = vec!["jtbd".into(), "--quiet".into(), "index".into()];
    argv.extend(roots.iter().map(|p| p.display().to_string()));
    argv.extend(["--index".into(), idx.display().to_string()]);
    let cli = <Cli as clap::Parser>::try_parse_from(argv).unwrap();
    let Command::Index(args) = &cli.command else {
        unreachable!()
    };
    let outcome = crate::index_cmd::run(args, true).unwrap();
    assert_eq!(outcome.errors, 0);
}

/// Key -> (fingerprint, documents), and the index's live documents in all.
fn state(idx: &Path) -> (BTreeMap<String, (String, usize)>, usize) {
    let index = jtbd_index::Index::open(idx).unwrap();
    let files = index.files().unwrap();
    let (per_key, total) = index.documents_per_key().unwrap();
    let both = files
        .into_iter()
        .map(|(k, f)| {
            let n = per_key[&k];
            (k, (f, n))
        })
        .collect();
    (both, total)
}

/// The documents a file of content `c` named `key` gives: its turns with a sentence.
fn documents(key: &str, c: &str) -> usize {
    let opts = jtbd_ingest::Options::default();
    let i = jtbd_ingest::parse_owned(c.as_bytes().to_vec(), key, &opts, None).unwrap();
    let n = i.turns.iter().filter(|t| !t.sentences.is_empty()).count();
    assert!(n > 0, "{key}: {c}");
    n
}

fn run_sequence(ops: &[Op]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    for f in FOLDERS {
        std::fs::create_dir_all(base.join(f).join("sub")).unwrap();
        std::os::unix::fs::symlink(base.join(f), base.join(format!("link-{f}"))).unwrap();
    }
    let idx = base.join("idx");
    // The model: what the index should hold, key -> the content indexed.
    let mut model: BTreeMap<String, String> = BTreeMap::new();
    // What is on disk: (folder, name) -> content.
    let mut disk: BTreeMap<(usize, usize), String> = BTreeMap::new();
    let key = |f: usize, n: usize| format!("{}/{}/{}", base.display(), FOLDERS[f], NAMES[n]);
    let mut runs = 0;
    let all = [Op::Index(3, 0, 0)];
    for op in ops.iter().chain(&all) {
        match *op {
            Op::Write(f, n, v, t) => {
                let c = content(v, t);
                std::fs::write(base.join(FOLDERS[f]).join(NAMES[n]), &c).unwrap();
                disk.insert((f, n), c);
            }
            Op::Delete(f, n) => {
                if disk.remove(&(f, n)).is_some() {
                    std::fs::remove_file(base.join(FOLDERS[f]).join(NAMES[n])).unwrap();
                }
            }
            Op::Rename(f, n, g, m) => {
                if let Some(t) = disk.remove(&(f, n)) {
                    std::fs::rename(
                        base.join(FOLDERS[f]).join(NAMES[n]),
                        base.join(FOLDERS[g]).join(NAMES[m]),
                    )
                    .unwrap();
                    disk.insert((g, m), t);
                }
            }
            Op::Index(mask, s, t) => {
                let chosen: Vec<usize> = (0..2).filter(|f| mask & (1 << f) != 0).collect();
                let roots: Vec<PathBuf> = chosen
                    .iter()
                    .zip([s, t])
                    .map(|(&f, s)| spelled(&base, f, s))
                    .collect();
                index(&idx, &roots);
                runs += 1;
                let prefixes: Vec<String> = chosen
                    .iter()
                    .map(|&f| format!("{}/{}/", base.display(), FOLDERS[f]))
                    .collect();
                model.retain(|k, _| !prefixes.iter().any(|p| k.starts_with(p)));
                for (&(f, n), c) in &disk {
                    if chosen.contains(&f) {
                        model.insert(key(f, n), c.clone());
                    }
                }
                let (held, total) = state(&idx);
                let got: BTreeMap<String, usize> =
                    held.iter().map(|(k, (_, n))| (k.clone(), *n)).collect();
                // Every file once, with the documents of its content as indexed.
                let want: BTreeMap<String, usize> = model
                    .iter()
                    .map(|(k, c)| (k.clone(), documents(k, c)))
                    .collect();
                prop_assert_eq!(&got, &want, "after {:?}", op);
                prop_assert_eq!(total, want.values().sum::<usize>());
            }
        }
    }
    prop_assert!(runs >= 1);
    // The last run covered both folders: the index is what a clean run gives.
    let clean = base.join("clean");
    index(&clean, &[base.join("a"), base.join("b")]);
    prop_assert_eq!(state(&idx), state(&clean));
    Ok(())
}

fn cases() -> u32 {
    std::env::var("JTBD_INDEX_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn any_sequence_of_runs_leaves_what_a_clean_run_gives(
        ops in proptest::collection::vec(op(), 1..14)
    ) {
        run_sequence(&ops)?;
    }
}

/// The two reproductions of issue 33, as fixed cases.
#[test]
fn a_dot_root_and_a_sibling_root_keep_each_other() {
    run_sequence(&[
        Op::Write(1, 0, 0, 1),
        Op::Write(0, 1, 1, 2),
        Op::Index(2, 5, 0),
        Op::Index(1, 2, 0),
        Op::Index(1, 0, 0),
        Op::Index(3, 4, 3),
    ])
    .unwrap();
}
