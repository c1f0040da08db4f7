//! `just bench` / `cargo bench --bench peers`: jtbd side by side with what a researcher would
//! use instead, in one run, on generated corpora of 10 MB, 100 MB and 1 GB
//! (`benches/common/corpus.rs`: invented interview text in five formats), and `BENCHMARKS.md`
//! written from the figures.
//!
//! Every figure is a whole process, files in the page cache, wall time and peak resident
//! memory (`VmHWM`):
//! - `jtbd analyze` (the whole job: read, extract, index, stories, report, exports);
//! - `jtbd extract --format jsonl` against a plain Python `re` script (`benches/peers/
//!   extract_re.py`: a cue list per force over every file's sentences, no formats, no roles);
//! - `jtbd index --rebuild` against SQLite FTS5 (`benches/peers/fts5_build.py`, porter tokenizer,
//!   one row per turn: the turns jtbd reads, written to a TSV first, not timed);
//! - search, one process per query, p50 and p95 over the queries: `jtbd search --count`,
//!   `fts5_query.py` (count and top 10 by rank), and `rg -c -i` over the files.
//!
//! `JTBD_BENCH_SIZES` (MB, comma-separated; default `10,100,1000`) chooses the corpora;
//! `JTBD_BENCH_OUT` where the table goes (default `BENCHMARKS.md` at the root).

#[path = "common/corpus.rs"]
#[allow(dead_code)]
mod corpus;
#[path = "common/measure.rs"]
mod measure;
#[path = "common/turns.rs"]
mod turns;

use measure::{Measured, measured, measured_exit, pct};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Queries in the three syntaxes: jtbd (tantivy), FTS5, ripgrep.
const QUERIES: [(&str, &str, &str); 10] = [
    ("vendor", "vendor", r"\bvendor"),
    ("audit", "audit", r"\baudit"),
    ("breach", "breach", r"\bbreach"),
    ("renewal", "renewal", r"\brenewal"),
    (
        "vendor AND audit",
        "vendor AND audit",
        r"vendor.*audit|audit.*vendor",
    ),
    ("renewal OR breach", "renewal OR breach", r"renewal|breach"),
    ("\"audit trail\"", "\"audit trail\"", r"audit trail"),
    ("\"locked in\"", "\"locked in\"", r"locked in"),
    ("\"roll back\"", "\"roll back\"", r"roll back"),
    ("\"support queue\"", "\"support queue\"", r"support queue"),
];

/// Each query this many times, one process each.
const QUERY_RUNS: usize = 3;

/// One row of the table.
struct Row {
    size_mb: f64,
    what: &'static str,
    tool: &'static str,
    /// Seconds for a whole-corpus run, or per-query latency percentiles (ms).
    figure: Figure,
    /// Peak resident MB of a whole-corpus run.
    peak_mb: Option<f64>,
}

enum Figure {
    Run(f64),
    Latency { p50: f64, p95: f64 },
}

fn jtbd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jtbd"))
}

fn python(root: &Path, script: &str) -> Command {
    let mut c = Command::new("python3");
    c.arg(root.join("benches/peers").join(script));
    c
}

/// Reads every file under `dir`, so each run finds them in the page cache.
fn warm(dir: &Path) {
    for item in jtbd_ingest::walk(&[dir.to_path_buf()]) {
        if let jtbd_ingest::WalkItem::File { path, .. } = item {
            std::hint::black_box(std::fs::read(&path).expect("bench data is readable"));
        }
    }
}

/// Latency percentiles of one process per query, over `QUERY_RUNS` rounds (no peak memory: a
/// process of a few milliseconds ends before it can be read).
fn latencies(mut cmd: impl FnMut(usize) -> Command) -> Figure {
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..QUERY_RUNS {
        for q in 0..QUERIES.len() {
            let t = Instant::now();
            // A query that finds nothing exits 1 (jtbd search, ripgrep): still an answer.
            measured_exit(&mut cmd(q), &[0, 1]);
            times.push(t.elapsed());
        }
    }
    times.sort();
    Figure::Latency {
        p50: pct(&times, 0.5),
        p95: pct(&times, 0.95),
    }
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("target/bench-data");
    let sizes: Vec<u64> = std::env::var("JTBD_BENCH_SIZES")
        .unwrap_or_else(|_| "10,100,1000".to_owned())
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .expect("JTBD_BENCH_SIZES: MB, comma-separated")
        })
        .collect();
    let has_rg = Command::new("rg").arg("--version").output().is_ok();
    let mut rows: Vec<Row> = Vec::new();
    for size in sizes {
        let corpus = data.join(format!("peers-{size}M"));
        let (files, bytes) = corpus::ensure(&corpus, size * 1_000_000, 42).expect("corpus");
        let mb = bytes as f64 / 1e6;
        println!("{mb:.0} MB: {files} generated transcripts");
        warm(&corpus);
        let mut push = |what, tool, figure: Figure, peak_mb: Option<f64>| {
            let line = match &figure {
                Figure::Run(s) => format!("{s:8.2} s = {:6.1} MB/s", mb / s),
                Figure::Latency { p50, p95 } => format!("p50 {p50:7.1} ms, p95 {p95:7.1} ms"),
            };
            let peak = peak_mb.map_or(String::new(), |p| format!(", peak {p:6.0} MB"));
            println!("  {what:<8} {tool:<22} {line}{peak}");
            rows.push(Row {
                size_mb: mb,
                what,
                tool,
                figure,
                peak_mb,
            });
        };
        let run = |m: Measured| (Figure::Run(m.secs), Some(m.peak_mb));

        let out = data.join(format!("peers-{size}M-analyze"));
        let _ = std::fs::remove_dir_all(&out);
        let (f, p) = run(measured(
            jtbd()
                .args(["analyze", "--quiet", "--out"])
                .arg(&out)
                .arg(&corpus),
        ));
        push("analyze", "jtbd analyze", f, p);
        let _ = std::fs::remove_dir_all(&out);

        let (f, p) = run(measured(
            jtbd()
                .args(["extract", "--format", "jsonl", "--quiet"])
                .arg(&corpus),
        ));
        push("extract", "jtbd extract", f, p);
        let (f, p) = run(measured(
            python(&root, "extract_re.py")
                .arg(&corpus)
                .stderr(std::process::Stdio::null()),
        ));
        push("extract", "python re", f, p);

        let index = data.join(format!("peers-{size}M-index"));
        let (f, p) = run(measured(
            jtbd()
                .args(["index", "--quiet", "--rebuild", "--index"])
                .arg(&index)
                .arg(&corpus),
        ));
        push("index", "jtbd index", f, p);
        let tsv = data.join(format!("peers-{size}M-turns.tsv"));
        let _ = std::fs::remove_file(&tsv);
        turns::write_turns_tsv(&corpus, &tsv);
        let db = data.join(format!("peers-{size}M-fts5.db"));
        let (f, p) = run(measured(python(&root, "fts5_build.py").arg(&tsv).arg(&db)));
        push("index", "sqlite fts5", f, p);
        // Written afresh each run: a corpus generated again must not meet an old TSV.
        let _ = std::fs::remove_file(&tsv);

        let f = latencies(|q| {
            let mut c = jtbd();
            c.args(["search", "--count", "--index"])
                .arg(&index)
                .arg(QUERIES[q].0)
                .stderr(std::process::Stdio::null());
            c
        });
        push("search", "jtbd search", f, None);
        let f = latencies(|q| {
            let mut c = python(&root, "fts5_query.py");
            c.arg(&db).arg(QUERIES[q].1);
            c
        });
        push("search", "sqlite fts5", f, None);
        if has_rg {
            let f = latencies(|q| {
                let mut c = Command::new("rg");
                c.args(["-c", "-i", "-e", QUERIES[q].2]).arg(&corpus);
                c
            });
            push("search", "ripgrep", f, None);
        } else {
            println!("  search   ripgrep skipped: `rg` not found (`just bench-deps` installs it)");
        }
        let _ = std::fs::remove_dir_all(&index);
        let _ = std::fs::remove_file(&db);
    }
    let out = std::env::var_os("JTBD_BENCH_OUT").map_or(root.join("BENCHMARKS.md"), PathBuf::from);
    std::fs::write(&out, markdown(&rows)).expect("BENCHMARKS.md is written");
    println!("wrote {}", out.display());
}

/// The machine: CPU model, cores, memory, OS.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mem_gb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned());
    format!("{model}, {cores} cores, {mem_gb:.0} GB RAM, {os}")
}

fn date() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "unknown date".to_owned(), |s| s.trim().to_owned())
}

/// BENCHMARKS.md: the machine, the date, the table, and each of jtbd's figures as a ratio to
/// the peers' on the same corpus.
fn markdown(rows: &[Row]) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Benchmarks\n");
    let _ = writeln!(
        o,
        "Written by `just bench` (`cargo bench --bench peers`) on {}: {}. Generated corpora \
         (`benches/common/corpus.rs`, five formats); every figure is one whole process with the \
         files in the page cache; peak is the process's peak resident memory. Search is one \
         process per query, {} queries x {QUERY_RUNS} rounds. The ratio is the peer's time over \
         jtbd's (above 1: jtbd is faster). SQLite FTS5 indexes the turns jtbd's reader wrote to a \
         TSV first (not timed): its build leaves out reading the five formats. The Python `re` \
         script reads every file as plain text, with no formats, speakers or roles.\n",
        date(),
        machine(),
        QUERIES.len()
    );
    let _ = writeln!(
        o,
        "| corpus | task | tool | time | MB/s | peak MB | ratio |\n|---|---|---|---|---|---|---|"
    );
    for r in rows {
        let jtbd_row = rows
            .iter()
            .find(|j| j.size_mb == r.size_mb && j.what == r.what && j.tool.starts_with("jtbd"));
        let (time, speed, key) = match r.figure {
            Figure::Run(s) => (format!("{s:.2} s"), format!("{:.1}", r.size_mb / s), s),
            Figure::Latency { p50, p95 } => {
                (format!("p50 {p50:.1} ms, p95 {p95:.1} ms"), "".into(), p50)
            }
        };
        let ratio = match jtbd_row.map(|j| &j.figure) {
            Some(Figure::Run(j)) | Some(Figure::Latency { p50: j, .. })
                if !r.tool.starts_with("jtbd") =>
            {
                format!("{:.2}x", key / j)
            }
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "| {:.0} MB | {} | {} | {time} | {speed} | {} | {ratio} |",
            r.size_mb,
            r.what,
            r.tool,
            r.peak_mb.map_or(String::new(), |p| format!("{p:.0}"))
        );
    }
    o
}
