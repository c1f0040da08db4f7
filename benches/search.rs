//! `just bench` / `cargo bench --bench search`: how fast `jtbd index` builds and how fast the
//! index answers, side by side with SQLite FTS5 and a ripgrep scan of the same files.
//!
//! - Generates a 100 MB synthetic corpus (and a 1 GB one unless JTBD_BENCH_1G=0) under
//!   `target/bench-data/` once (`benches/common/corpus.rs`: invented vocabulary and grammar,
//!   five formats).
//! - Indexing: the release binary, MB/s of input and peak resident memory (VmHWM).
//! - Incremental: one file changed in the 100 MB corpus, `jtbd index` again.
//! - Query latency, warm, in process, over a fixed list of queries (terms, AND, OR, NOT,
//!   phrases, filters): count + top 10, p50 and p95; then the same with snippets.
//! - SQLite FTS5 (python3's sqlite3, porter tokenizer, one row per turn): build time and
//!   count + top 10 latency for the same queries; ripgrep: wall time per query over the files.

#[path = "common/corpus.rs"]
#[allow(dead_code)]
mod corpus;
#[path = "common/measure.rs"]
mod measure;
#[path = "common/turns.rs"]
mod turns;

use measure::pct;

use jtbd_index::{Index, Request};
use jtbd_model::{Force, Role};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// One benchmark query in the three syntaxes.
struct Q {
    tantivy: &'static str,
    fts5: &'static str,
    rg: &'static str,
    role: Option<Role>,
    industry: Option<&'static str>,
    force: Option<Force>,
}

const fn q(tantivy: &'static str, fts5: &'static str, rg: &'static str) -> Q {
    Q {
        tantivy,
        fts5,
        rg,
        role: None,
        industry: None,
        force: None,
    }
}

fn queries() -> Vec<Q> {
    let mut v = vec![
        q("vendor", "vendor", r"\bvendor"),
        q("audit", "audit", r"\baudit"),
        q("breach", "breach", r"\bbreach"),
        q("spreadsheet", "spreadsheet", r"\bspreadsheet"),
        q("regulator", "regulator", r"\bregulator"),
        q("renewal", "renewal", r"\brenewal"),
        q("alerts", "alerts", r"\balert"),
        q("migration", "migration", r"\bmigration"),
        q("quokka", "quokka", r"\bquokka"),
        q("warehouse", "warehouse", r"\bwarehouse"),
        q(
            "vendor AND renewal",
            "vendor AND renewal",
            r"vendor.*renewal|renewal.*vendor",
        ),
        q(
            "audit AND migration",
            "audit AND migration",
            r"audit.*migration|migration.*audit",
        ),
        q(
            "breach AND partner",
            "breach AND partner",
            r"breach.*partner|partner.*breach",
        ),
        q(
            "spreadsheet AND quarter",
            "spreadsheet AND quarter",
            r"spreadsheet.*quarter|quarter.*spreadsheet",
        ),
        q("breach OR outage", "breach OR outage", r"breach|outage"),
        q(
            "regulator OR auditors",
            "regulator OR auditors",
            r"regulator|auditors",
        ),
        q(
            "backup OR warehouse",
            "backup OR warehouse",
            r"backup|warehouse",
        ),
        q(
            "contract OR acquired",
            "contract OR acquired",
            r"contract|acquired",
        ),
        q(
            "migration -rollback",
            "migration NOT rollback",
            r"migration",
        ),
        q("vendor -premium", "vendor NOT premium", r"vendor"),
        q("\"audit trail\"", "\"audit trail\"", r"audit trail"),
        q("\"locked in\"", "\"locked in\"", r"locked in"),
        q("\"good enough\"", "\"good enough\"", r"good enough"),
        q("\"quarter close\"", "\"quarter close\"", r"quarter close"),
        q("\"support queue\"", "\"support queue\"", r"support queue"),
        q(
            "\"price doubling at renewal\"",
            "\"price doubling at renewal\"",
            r"price doubling at renewal",
        ),
        q("\"roll back\"", "\"roll back\"", r"roll back"),
        q(
            "\"identity platform\"",
            "\"identity platform\"",
            r"identity platform",
        ),
    ];
    let filtered = [
        ("vendor", Some(Role::Interviewee), None, None),
        ("audit", None, Some("banking"), None),
        ("breach", Some(Role::Interviewee), Some("healthcare"), None),
        ("contract", None, None, Some(Force::Habit)),
        ("worries", None, None, Some(Force::Anxiety)),
    ];
    let fts5 = [
        "vendor AND role:interviewee",
        "audit AND industry:banking",
        "breach AND role:interviewee AND industry:healthcare",
        "contract",
        "worries",
    ];
    for ((t, role, industry, force), f) in filtered.into_iter().zip(fts5) {
        v.push(Q {
            tantivy: t,
            fts5: f,
            rg: t,
            role,
            industry,
            force,
        });
    }
    v
}

fn request(q: &Q, snippets: bool) -> Request {
    Request {
        query: q.tantivy.to_owned(),
        roles: q.role.into_iter().collect(),
        wheres: q
            .industry
            .map(|i| ("industry".to_owned(), i.to_owned()))
            .into_iter()
            .collect(),
        forces: q.force.into_iter().collect(),
        limit: 10,
        snippets,
        ..Request::default()
    }
}

/// Runs `jtbd index` over `corpus` into `index`: (seconds, peak resident MB).
fn index_run(corpus: &Path, index: &Path, rebuild: bool) -> (f64, f64) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jtbd"));
    cmd.args(["index", "--quiet", "--index"])
        .arg(index)
        .arg(corpus);
    if rebuild {
        cmd.arg("--rebuild");
    }
    let m = measure::measured(&mut cmd);
    (m.secs, m.peak_mb)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("target/bench-data");
    let corpus100 = data.join("gen-100M");
    let (files, bytes) = corpus::ensure(&corpus100, 100_000_000, 42).expect("corpus generated");
    let mb = bytes as f64 / 1e6;
    println!(
        "search benchmark: {files} generated transcripts, {mb:.1} MB, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // Indexing.
    let idx = data.join("index-100M");
    let (secs, peak) = index_run(&corpus100, &idx, true);
    println!(
        "index build      {mb:7.1} MB in {secs:6.2} s = {:6.1} MB/s, peak {peak:6.0} MB",
        mb / secs
    );

    // Incremental: one changed file.
    let changed = std::fs::read_dir(corpus100.join("0000"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .expect("a .txt file");
    let original = std::fs::read(&changed).unwrap();
    let mut edited = original.clone();
    edited.extend_from_slice(b"\nAna Okafor: One more thing about the quokka budget.\n");
    std::fs::write(&changed, &edited).unwrap();
    let (inc, _) = index_run(&corpus100, &idx, false);
    std::fs::write(&changed, &original).unwrap();
    let (back, _) = index_run(&corpus100, &idx, false);
    println!("index one change {inc:6.3} s (and {back:.3} s to change it back)");

    // Query latency, in process, warm.
    let index = Index::open(&idx).unwrap();
    let searcher = index.searcher().unwrap();
    let qs = queries();
    println!(
        "{} turns indexed, {} queries",
        searcher.num_docs(),
        qs.len()
    );
    // Three levels: count + top 10 ids (what FTS5 and ripgrep are asked below), then with the
    // ten turns read from the store, then with snippets too.
    for (label, snippets, read) in [
        ("count + top 10 ids", false, false),
        ("count + top 10 turns", false, true),
        ("count + top 10 turns + snippets", true, true),
    ] {
        let reqs: Vec<Request> = qs.iter().map(|q| request(q, snippets)).collect();
        let run = |r: &Request| {
            if read {
                std::hint::black_box(searcher.search(r).unwrap().total)
            } else {
                std::hint::black_box(searcher.rank(r).unwrap().0)
            }
        };
        for r in &reqs {
            run(r);
        }
        let mut times = Vec::new();
        for _ in 0..30 {
            for r in &reqs {
                let t = Instant::now();
                run(r);
                times.push(t.elapsed());
            }
        }
        times.sort();
        println!(
            "jtbd query       {label}: p50 {:.3} ms, p95 {:.3} ms, max {:.3} ms",
            pct(&times, 0.5),
            pct(&times, 0.95),
            pct(&times, 1.0)
        );
    }

    // SQLite FTS5 on the same turns.
    let tsv = data.join("turns-100M.tsv");
    turns::write_turns_tsv(&corpus100, &tsv);
    let qjson = data.join("queries.json");
    let fts: Vec<&str> = qs.iter().map(|q| q.fts5).collect();
    std::fs::write(&qjson, serde_json::to_vec(&fts).unwrap()).unwrap();
    let out = Command::new("python3")
        .arg(root.join("benches/common/fts5.py"))
        .arg(&tsv)
        .arg(&qjson)
        .arg("5")
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let build = v["build_s"].as_f64().unwrap();
            println!(
                "sqlite fts5      build {build:.2} s = {:.1} MB/s; count + top 10: p50 {:.3} ms, p95 {:.3} ms ({} rows)",
                mb / build,
                v["p50_ms"].as_f64().unwrap(),
                v["p95_ms"].as_f64().unwrap(),
                v["rows"]
            );
        }
        other => println!("sqlite fts5      skipped: {other:?}"),
    }

    // ripgrep scanning the files.
    let mut rg_times = Vec::new();
    for q in qs.iter().take(12) {
        let t = Instant::now();
        let status = Command::new("rg")
            .args(["-c", "-i", "-e", q.rg])
            .arg(&corpus100)
            .stdout(Stdio::null())
            .status();
        if status.is_err() {
            println!("ripgrep          skipped: `rg` not found (apt-get install ripgrep)");
            break;
        }
        rg_times.push(t.elapsed());
    }
    if !rg_times.is_empty() {
        rg_times.sort();
        println!(
            "ripgrep scan     p50 {:.1} ms, p95 {:.1} ms ({} queries)",
            pct(&rg_times, 0.5),
            pct(&rg_times, 0.95),
            rg_times.len()
        );
    }

    // Memory at 1 GB of input.
    if std::env::var("JTBD_BENCH_1G").as_deref() != Ok("0") {
        let corpus1g = data.join("gen-1G");
        let (_, bytes) = corpus::ensure(&corpus1g, 1_000_000_000, 7).expect("corpus generated");
        let (secs, peak) = index_run(&corpus1g, &data.join("index-1G"), true);
        let mb = bytes as f64 / 1e6;
        println!(
            "index build 1 GB {mb:7.1} MB in {secs:6.2} s = {:6.1} MB/s, peak {peak:6.0} MB",
            mb / secs
        );
        let _ = std::fs::remove_dir_all(data.join("index-1G"));
    }
}
