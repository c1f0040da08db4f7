//! Hostile text through every output format (issue 33): HTML and script tags, Markdown control
//! characters, spreadsheet formula prefixes and direction controls, said by an interviewee in a
//! sentence that fires a force, so it reaches every output. Each format keeps it inert in its
//! own way: JSON by its string escapes (checked by parsing back to the very words), CSV by the
//! formula guard, Markdown by `jtbd_report::markdown::md`, HTML and REFI-QDA XML by
//! `jtbd_report::escape`.

use crate::support::jtbd;

/// What each hostile sentence carries.
const IMG: &str = "<img src=x onerror=alert(1)>";
const SCRIPT: &str = "<script>alert(2)</script>";
const BIDI: char = '\u{202E}';

/// A transcript whose interviewee says each hostile thing in a sentence that fires a force.
fn transcript() -> String {
    format!(
        "Interviewer: What worries you about the audit?\n\
         Dana: I worry {IMG} will break the audit and we get blamed.\n\
         Interviewer: And the weekly numbers?\n\
         Dana: I keep rebuilding the same report by hand {SCRIPT} every single week.\n\
         Interviewer: Anything else?\n\
         Dana: =HYPERLINK(\"http://x\") it is so frustrating to redo the export by hand.\n\
         Interviewer: And the tooling?\n\
         Dana: I am worried **the _vendor_** [link](javascript:x) | # will lock us in {BIDI}for \u{1b}[2J years.\n"
    )
}

/// Two interviewees with the same struggles, so themes, stories and segments form.
fn folder() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let t = transcript();
    std::fs::write(d.path().join("dana.txt"), &t).unwrap();
    std::fs::write(d.path().join("lee.txt"), t.replace("Dana", "Lee")).unwrap();
    // A third interviewee: a theme no codebook names needs three signals.
    std::fs::write(d.path().join("kim.txt"), t.replace("Dana", "Kim")).unwrap();
    d
}

fn run(args: &[&str]) -> Vec<u8> {
    let out = jtbd().args(args).output().unwrap();
    assert!(
        out.status.code() == Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Markdown, HTML and XML: no tag survives raw (in Markdown no emphasis or link either), and
/// no direction control is left in.
fn assert_inert_markup(what: &str, text: &str) {
    let markdown = what.contains("markdown") || what.ends_with(".md");
    let raw: &[&str] = if markdown {
        &[
            "<img",
            "<script>alert",
            "**the _vendor_**",
            "[link](javascript",
        ]
    } else {
        &["<img", "<script>alert"]
    };
    for raw in raw {
        assert!(!text.contains(raw), "{what}: {raw} left raw");
    }
    assert!(!text.contains(BIDI), "{what}: a direction control left in");
}

/// Terminal views: the words are there, and no direction control or escape character reaches
/// the terminal (output is not a terminal here, so no colour codes of ours either).
fn assert_inert_terminal(what: &str, bytes: &[u8]) {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.contains(IMG), "{what}: the quote is not shown: {text}");
    assert!(
        text.contains("⟨U+202E⟩"),
        "{what}: the control is not shown"
    );
    assert!(!text.contains(BIDI), "{what}: a direction control left in");
    assert!(
        !text.contains('\u{1b}'),
        "{what}: an escape character left in"
    );
}

/// JSON: every line parses, and the hostile words come back exactly.
fn assert_json_round_trips(what: &str, bytes: &[u8], whole: bool) {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let values: Vec<serde_json::Value> = if whole {
        vec![serde_json::from_str(&text).unwrap()]
    } else {
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{what}: {e}: {l}")))
            .collect()
    };
    // `interviews.jsonl` holds counts and metadata, no text.
    let found = values.iter().any(|v| contains_str(v, IMG));
    assert!(
        found || what == "interviews.jsonl",
        "{what}: the quote does not come back verbatim"
    );
}

fn contains_str(v: &serde_json::Value, needle: &str) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains(needle),
        serde_json::Value::Array(a) => a.iter().any(|x| contains_str(x, needle)),
        serde_json::Value::Object(o) => o.values().any(|x| contains_str(x, needle)),
        _ => false,
    }
}

/// CSV: no cell a spreadsheet would run as a formula (the formula sentence is in every CSV
/// but `stories.csv`, whose rows are stories, not signals).
fn assert_no_formula(what: &str, bytes: &[u8]) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut cells = 0;
    let mut hyperlink = false;
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            cells += 1;
            hyperlink |= cell.contains("HYPERLINK");
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "{what}: formula cell {cell:?}"
            );
        }
    }
    assert!(cells > 0, "{what}: no cells");
    assert!(
        hyperlink || what == "stories.csv",
        "{what}: the formula sentence is not in it"
    );
}

#[test]
fn hostile_text_is_inert_in_every_output_format() {
    let d = folder();
    let dir = d.path().to_str().unwrap();

    // The reading commands.
    for cmd in ["ingest", "extract"] {
        assert_json_round_trips(cmd, &run(&[cmd, dir, "--format", "jsonl"]), false);
        assert_json_round_trips(cmd, &run(&[cmd, dir, "--format", "json"]), true);
        if cmd == "extract" {
            assert_no_formula(cmd, &run(&[cmd, dir, "--format", "csv"]));
        }
        assert_inert_terminal(cmd, &run(&[cmd, dir, "--format", "human"]));
    }
    assert_no_formula("ingest csv", &run(&["ingest", dir, "--format", "csv"]));

    // `jtbd stories`, every format.
    let md = String::from_utf8(run(&["stories", dir, "--format", "markdown"])).unwrap();
    assert!(md.contains("&lt;img src=x onerror=alert(1)&gt;"), "{md}");
    assert!(md.contains("⟨U+202E⟩"), "{md}");
    assert_inert_markup("stories markdown", &md);
    assert_json_round_trips(
        "stories jsonl",
        &run(&["stories", dir, "--format", "jsonl"]),
        false,
    );
    assert_json_round_trips(
        "stories json",
        &run(&["stories", dir, "--format", "json"]),
        true,
    );
    assert_inert_terminal("stories", &run(&["stories", dir, "--format", "human"]));

    // `jtbd analyze`: every file it writes.
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("study");
    run(&["analyze", dir, "--out", o.to_str().unwrap(), "--quiet"]);
    let read = |name: &str| std::fs::read(o.join(name)).unwrap();
    let report_md = String::from_utf8(read("report.md")).unwrap();
    assert!(report_md.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert_inert_markup("report.md", &report_md);
    let html = String::from_utf8(read("report.html")).unwrap();
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert_inert_markup("report.html", &html);
    assert_no_formula("signals.csv", &read("signals.csv"));
    assert_no_formula("stories.csv", &read("stories.csv"));
    for name in ["interviews.jsonl", "signals.jsonl", "stories.jsonl"] {
        assert_json_round_trips(name, &read(name), false);
    }

    // Search: JSON and CSV of hits.
    let idx = o.join("index");
    let idx = idx.to_str().unwrap();
    let hits = run(&["search", "audit", "--index", idx, "--format", "jsonl"]);
    assert_json_round_trips("search jsonl", &hits, false);
    assert_no_formula(
        "search csv",
        &run(&["search", "export", "--index", idx, "--format", "csv"]),
    );

    // Classify, as a user pipes the sentences in.
    let lines = transcript();
    let classify = |format: &str| {
        let out = jtbd()
            .args(["classify", "--format", format])
            .write_stdin(lines.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        out.stdout
    };
    assert_json_round_trips("classify jsonl", &classify("jsonl"), false);
    assert_no_formula("classify csv", &classify("csv"));

    // Exports: REFI-QDA XML and search-engine NDJSON.
    let qdpx = o.join("study.qdpx");
    run(&[
        "export",
        "qdpx",
        dir,
        "-o",
        qdpx.to_str().unwrap(),
        "--quiet",
    ]);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&qdpx).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("project.qde").unwrap(), &mut xml).unwrap();
    assert_inert_markup("project.qde", &xml);
    assert!(
        xml.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the quote is not in the project"
    );
    let qdc = o.join("codebook.qdc");
    run(&["export", "qdc", dir, "-o", qdc.to_str().unwrap(), "--quiet"]);
    assert_inert_markup("qdc", &std::fs::read_to_string(&qdc).unwrap());
    let qw = o.join("qw");
    run(&[
        "export",
        "quickwit",
        dir,
        "-o",
        qw.to_str().unwrap(),
        "--quiet",
    ]);
    assert_json_round_trips(
        "quickwit",
        &std::fs::read(qw.join("docs-0001.ndjson")).unwrap(),
        false,
    );
}
