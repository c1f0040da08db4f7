//! `just bench` / `cargo bench --bench throughput`: how fast `jtbd ingest` and `jtbd extract`
//! read transcripts.
//!
//! Builds 1,000 copies of `corpora/` under `target/bench-data/` (once), then measures:
//! - end to end: the release binary over the whole folder, output to /dev/null, 5 runs each,
//!   for `ingest` (JSON Lines and CSV) and `extract` (JSON Lines), each run after a read of
//!   every file (so the files are in the page cache: the figure is jtbd's, not the disk's);
//! - end to end, `extract` again over the generated 100 MB corpus the search benchmark uses
//!   (`benches/common/corpus.rs`, 5,574 files of about 18 kB): files of an interview's size,
//!   and text that does not repeat, so the rules' automata meet new text as they would on a
//!   real folder (the copies above flatter them: the same 47 kB, a thousand times);
//! - in process, one thread: parsing alone (`jtbd_ingest::parse_bytes`) over the files in
//!   memory, and classifying alone (`RuleSet::classify`) over their sentences.
//!
//! Figures are MB/s of transcript files read (input bytes), on whatever machine runs it.

#[path = "common/corpus.rs"]
#[allow(dead_code)]
mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const COPIES: usize = 1000;
const RUNS: usize = 5;

fn corpus_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("corpora"))
        .expect("corpora/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x != "csv"))
        .collect();
    files.sort();
    files
}

/// Writes `COPIES` copies of the corpus once; returns the folder and its size in bytes.
fn dataset(root: &Path, files: &[PathBuf]) -> (PathBuf, u64) {
    let dir = root.join("target/bench-data/corpus-x1000");
    let one: u64 = files.iter().map(|f| f.metadata().unwrap().len()).sum();
    let expected = one * COPIES as u64;
    let marker = dir.with_extension(format!("complete-{expected}"));
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        for k in 0..COPIES {
            let sub = dir.join(format!("{k:04}"));
            std::fs::create_dir_all(&sub).unwrap();
            for f in files {
                std::fs::copy(f, sub.join(f.file_name().unwrap())).unwrap();
            }
        }
        std::fs::write(&marker, b"").unwrap();
    }
    (dir, expected)
}

/// Reads every file under `dir`, so the run that follows finds them in the page cache. This
/// machine's page cache drains within minutes even with memory free: a file read back from disk
/// measures the disk, not jtbd.
fn warm(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("bench data is readable") {
        let path = entry.expect("bench data is readable").path();
        if path.is_dir() {
            warm(&path);
        } else {
            std::hint::black_box(std::fs::read(&path).expect("bench data is readable"));
        }
    }
}

fn mbps(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// Runs `jtbd COMMAND --format FORMAT DIR` `RUNS` times, each after a read of every file, and
/// prints the best and the median MB/s of `bytes`.
fn end_to_end(dir: &Path, bytes: u64, command: &str, format: &str) {
    let mut times = Vec::new();
    for _ in 0..RUNS {
        warm(dir);
        let t = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_jtbd"))
            .args([command, "--quiet", "--format", format])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("jtbd runs");
        times.push(t.elapsed());
        assert!(status.success(), "jtbd {command} failed: {status}");
    }
    times.sort();
    println!(
        "end to end, {command:<7} --format {format:<5}  best {:>6.1} MB/s   median {:>6.1} MB/s   ({:.3} s best)",
        mbps(bytes, times[0]),
        mbps(bytes, times[RUNS / 2]),
        times[0].as_secs_f64()
    );
}

/// Runs `jtbd analyze DIR --out OUT` `runs` times, each into a fresh OUT (the index built anew)
/// and then once more into the last OUT (the index reused), and prints the times and MB/s.
fn analyze(dir: &Path, bytes: u64, runs: usize, label: &str) {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("analyze-bench");
    let run = |fresh: bool| {
        if fresh {
            let _ = std::fs::remove_dir_all(&out);
        }
        warm(dir);
        let t = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_jtbd"))
            .args(["analyze", "--quiet", "--out"])
            .arg(&out)
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("jtbd runs");
        assert!(status.success(), "jtbd analyze failed: {status}");
        t.elapsed()
    };
    let mut times: Vec<Duration> = (0..runs).map(|_| run(true)).collect();
    times.sort();
    let again = run(false);
    println!(
        "end to end, analyze {label:<20}  best {:>6.1} MB/s ({:.3} s)   median {:.3} s   again, index reused {:.3} s",
        mbps(bytes, times[0]),
        times[0].as_secs_f64(),
        times[runs / 2].as_secs_f64(),
        again.as_secs_f64()
    );
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sample = root.join("corpora");
    let sample_bytes: u64 = corpus_files(&root)
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    analyze(&sample, sample_bytes, RUNS, "corpora/ (sample)");
    let files = corpus_files(&root);
    let (dir, bytes) = dataset(&root, &files);
    println!(
        "ingest benchmark: {} files x {COPIES} copies = {:.1} MB, {} cores",
        files.len(),
        bytes as f64 / 1e6,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    for (command, format) in [("ingest", "jsonl"), ("ingest", "csv"), ("extract", "jsonl")] {
        end_to_end(&dir, bytes, command, format);
    }
    // The same seed as the search benchmark: one generated corpus serves both.
    let generated = root.join("target/bench-data/gen-100M");
    let (gen_files, gen_bytes) =
        corpus::ensure(&generated, 100_000_000, 42).expect("corpus generated");
    println!(
        "generated corpus: {gen_files} files, {:.1} MB",
        gen_bytes as f64 / 1e6
    );
    end_to_end(&generated, gen_bytes, "extract", "jsonl");
    analyze(&generated, gen_bytes, 1, "generated 100 MB");

    let loaded: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| (f.display().to_string(), std::fs::read(f).unwrap()))
        .collect();
    let one: u64 = loaded.iter().map(|(_, b)| b.len() as u64).sum();
    let opts = jtbd_ingest::Options::default();
    let rounds = 200;
    let t = Instant::now();
    for _ in 0..rounds {
        for (name, b) in &loaded {
            let i = jtbd_ingest::parse_bytes(b, name, &opts, None).expect("corpus parses");
            std::hint::black_box(i);
        }
    }
    println!(
        "in process, 1 thread, parse only                   {:>6.1} MB/s",
        mbps(one * rounds, t.elapsed())
    );
    let rules = jtbd_extract::RuleSet::embedded().expect("embedded rules load");
    let interviews: Vec<jtbd_model::Interview> = loaded
        .iter()
        .map(|(name, b)| jtbd_ingest::parse_bytes(b, name, &opts, None).unwrap())
        .collect();
    let sentences: Vec<&str> = interviews
        .iter()
        .flat_map(|i| {
            i.turns
                .iter()
                .flat_map(|t| t.sentences.iter().map(|s| s.text(&i.source)))
        })
        .collect();
    let sentence_bytes: u64 = sentences.iter().map(|s| s.len() as u64).sum();
    let t = Instant::now();
    let mut found = 0;
    for _ in 0..rounds {
        for s in &sentences {
            found += rules.classify(s).hits.len();
        }
    }
    println!(
        "in process, 1 thread, classify sentences only      {:>6.1} MB/s of sentence text ({} hits a round)",
        mbps(sentence_bytes * rounds, t.elapsed()),
        found / rounds as usize
    );
    for (name, b) in &loaded {
        let t = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(jtbd_ingest::parse_bytes(b, name, &opts, None).unwrap());
        }
        println!(
            "  {:<48} {:>6.1} MB/s",
            Path::new(name).file_name().unwrap().to_string_lossy(),
            mbps(b.len() as u64 * rounds, t.elapsed())
        );
    }
}
