//! `just bench` / `cargo bench --bench stories`: how long `jtbd stories` takes over 10,000
//! interviews, end to end (read, extract, records on the workers; themes, stories and segments
//! over all of them), and the stories stage alone in process.
//!
//! The corpus is the generator's (`benches/common/corpus.rs`, seed 42): 10,000 files of about
//! 18 kB, written once under `target/bench-data/gen-10k-interviews`.

#[path = "common/corpus.rs"]
#[allow(dead_code)]
mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const INTERVIEWS: usize = 10_000;
const RUNS: usize = 3;

/// Reads every file under `dir`, so the run that follows finds them in the page cache.
fn warm(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("bench data is readable")
        .map(|e| e.expect("bench data is readable").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            warm(&path, out);
        } else {
            std::hint::black_box(std::fs::read(&path).expect("bench data is readable"));
            out.push(path);
        }
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench-data/gen-10k-interviews");
    let (files, bytes) = corpus::ensure_files(&dir, INTERVIEWS, 42).expect("corpus generated");
    println!(
        "stories benchmark: {files} generated interviews, {:.1} MB, {} cores",
        bytes as f64 / 1e6,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut times = Vec::new();
    let mut paths = Vec::new();
    for _ in 0..RUNS {
        paths.clear();
        warm(&dir, &mut paths);
        let t = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_jtbd"))
            .args(["stories", "--quiet", "--format", "jsonl"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("jtbd runs");
        times.push(t.elapsed());
        assert!(status.success(), "jtbd stories failed: {status}");
    }
    times.sort();
    println!(
        "end to end, stories --format jsonl   best {:>6.2} s   median {:>6.2} s   (target: under 10 s)",
        secs(times[0]),
        secs(times[RUNS / 2])
    );

    // The stage alone: records built once, then themes, stories and segments.
    let opts = jtbd_ingest::Options::default();
    let rules = jtbd_extract::RuleSet::embedded().expect("embedded rules load");
    let k = jtbd_stories::Knowledge::embedded().expect("knowledge loads");
    let records: Vec<jtbd_stories::Record> = paths
        .iter()
        .enumerate()
        .flat_map(|(n, p)| {
            let i = jtbd_ingest::read_path(p, &p.display().to_string(), &opts, None)
                .expect("generated corpus parses");
            let s = jtbd_extract::signals(&i, &rules, jtbd_extract::SpeakerFilter::Interviewee);
            jtbd_stories::numbered(jtbd_stories::Record::people(&i, &s, &k), n)
        })
        .collect();
    let records = jtbd_stories::Records::new(records);
    let signals = records.signal_count();
    let t = Instant::now();
    let codebook = jtbd_stories::Codebook::embedded().expect("codebook loads");
    let f = jtbd_stories::find(&records, &k, &codebook, 2).expect("records in memory are read");
    println!(
        "in process, 1 thread, stories stage only ({} records, {signals} signals): {:.2} s, {} themes, {} segments",
        records.len(),
        secs(t.elapsed()),
        f.themes.len(),
        f.segments.len()
    );
}
