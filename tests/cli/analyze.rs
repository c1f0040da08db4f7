//! `jtbd analyze` and `jtbd export`: the files a researcher opens and other tools load.

use crate::support::{assert_valid, jtbd, messages, root, schema_validator};
use std::path::Path;

/// Runs `jtbd ARGS` and asserts it succeeds, showing its stderr when not.
fn ok(args: &[&str]) {
    let o = jtbd().args(args).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn analyze(out: &Path, extra: &[&str]) -> (i32, String) {
    let o = jtbd()
        .args(["analyze", "corpora/", "--out", out.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn analyze_writes_every_file_valid_and_whole() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let (code, stderr) = analyze(&out, &[]);
    assert_eq!(code, 0, "{stderr}");
    for f in [
        "report.html",
        "report.md",
        "signals.csv",
        "stories.csv",
        "interviews.jsonl",
        "signals.jsonl",
        "stories.jsonl",
        "index/meta.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    assert!(stderr.contains("analysed 13 interviews"), "{stderr}");
    assert!(stderr.contains("report.html"), "{stderr}");
    let read = |f: &str| std::fs::read(out.join(f)).unwrap();
    assert_valid(
        &schema_validator("ingest.schema.json"),
        &messages(&read("interviews.jsonl")),
    );
    assert_valid(
        &schema_validator("extract.schema.json"),
        &messages(&read("signals.jsonl")),
    );
    assert_valid(
        &schema_validator("stories.schema.json"),
        &messages(&read("stories.jsonl")),
    );
    // Same input, same bytes (the index aside, whose segments are named at random).
    let again = d.path().join("again");
    assert_eq!(analyze(&again, &[]).0, 0);
    // (`stories.jsonl` ends with the run's elapsed time.)
    for f in ["report.html", "report.md", "signals.csv", "stories.csv"] {
        assert!(
            read(f) == std::fs::read(again.join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
    // The index is searchable.
    let o = jtbd()
        .args([
            "search",
            "renewal",
            "--index",
            out.join("index").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn the_report_is_self_contained_and_escapes_transcript_text() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("hostile.txt"),
        "Q: What worried you?\nA: I worry <script>alert(1)</script> will break our renewal.\nQ: And then?\nA: =HYPERLINK(\"x\") I'm frustrated it is so hard to audit.\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("second.txt"),
        "Q: What worried you?\nA: I worry the renewal will break us.\nQ: Anything else?\nA: It is so hard to audit and I'm frustrated.\n",
    )
    .unwrap();
    let out = d.path().join("out");
    ok(&[
        "analyze",
        d.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--excel",
    ]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        !html.contains("<script>alert"),
        "transcript markup must be escaped"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the report's own script"
    );
    for remote in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(
            !html.contains(remote),
            "{remote}: the page must not load anything"
        );
    }
    let csv = std::fs::read(out.join("signals.csv")).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "--excel starts with a BOM"
    );
    let text = String::from_utf8(csv).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK"),
        "a formula is neutralised: {text}"
    );
    assert!(!text.contains(",=HYPERLINK") && !text.contains("\"=HYPERLINK"));
}

/// Chromium, when the machine has it (Debian package `chromium`; `.ci/run` installs it).
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn the_report_renders_in_headless_chromium_without_console_errors() {
    let Some(browser) = chromium() else {
        crate::support::missing("no chromium on this machine (apt-get install chromium)");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    assert_eq!(analyze(&out, &[]).0, 0);
    let page = format!("file://{}", out.join("report.html").display());
    let shot = std::env::var_os("JTBD_SCREENSHOT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| d.path().join("report.png"));
    let run = |extra: &[&str]| {
        let o = std::process::Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .args(["--window-size=1100,2400", "--hide-scrollbars"])
            .args(extra)
            .arg(&page)
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (dom, log) = run(&["--dump-dom"]);
    for bad in [
        "Uncaught",
        "CONSOLE(",
        "SyntaxError",
        "ReferenceError",
        "TypeError",
    ] {
        assert!(!log.contains(bad), "console error in the report: {log}");
    }
    // The script ran: it shows the filters, which the page hides for readers without script.
    assert!(
        dom.contains("<nav id=\"filters\">"),
        "the filter script did not run"
    );
    assert!(dom.contains("Job stories"));
    let (_, log) = run(&[&format!("--screenshot={}", shot.display())]);
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot: {e}\n{log}"));
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
}

/// `xmllint --schema XSD -` on `xml`; `None` when xmllint or the schema is missing.
fn xmllint(xml: &[u8], xsd: &str) -> Option<(bool, String)> {
    let schema = root().join("../shared/refi-qda/schemas").join(xsd);
    if !schema.is_file() {
        crate::support::missing_shared(&format!("{} is not present", schema.display()));
        return None;
    }
    let mut child = match std::process::Command::new("xmllint")
        .args(["--nonet", "--noout", "--schema"])
        .arg(&schema)
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(_) => {
            crate::support::missing("no xmllint (apt-get install libxml2-utils)");
            return None;
        }
    };
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(xml).unwrap();
    let o = child.wait_with_output().unwrap();
    Some((
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    ))
}

#[test]
fn qdpx_and_qdc_are_refi_qda_with_exact_selections() {
    let d = tempfile::tempdir().unwrap();
    let qdpx = d.path().join("study.qdpx");
    ok(&["export", "qdpx", "corpora/", "-o", qdpx.to_str().unwrap()]);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&qdpx).unwrap()).unwrap();
    let mut project = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("project.qde").unwrap(), &mut project).unwrap();
    if let Some((ok, why)) = xmllint(project.as_bytes(), "Project-mrt2019.xsd") {
        assert!(ok, "project.qde does not validate: {why}");
    }
    // What the schema cannot check: every GUID unique, every reference resolves, every source
    // is in the zip, and each selection's text is the quote it names.
    let guid = regex::Regex::new(r#" guid="([0-9a-f-]{36})""#).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for c in guid.captures_iter(&project) {
        assert!(seen.insert(c[1].to_owned()), "duplicate GUID {}", &c[1]);
    }
    let target = regex::Regex::new(r#"targetGUID="([0-9a-f-]{36})""#).unwrap();
    for c in target.captures_iter(&project) {
        assert!(seen.contains(&c[1]), "unresolved {}", &c[1]);
    }
    let source = regex::Regex::new(
        r#"<TextSource guid="([^"]+)" name="[^"]*" plainTextPath="internal://([^"]+)""#,
    )
    .unwrap();
    let selection = regex::Regex::new(r#"<PlainTextSelection guid="[^"]+" name="([^"]*)" startPosition="(\d+)" endPosition="(\d+)""#).unwrap();
    // Sources are named by file name, unique in the project (a client stores them in one
    // folder), never by a path.
    let source_name = regex::Regex::new(r#"<TextSource guid="[^"]+" name="([^"]*)""#).unwrap();
    let mut source_names = std::collections::BTreeSet::new();
    for c in source_name.captures_iter(&project) {
        assert!(
            !c[1].contains(['/', '\\']),
            "a path as a source name: {}",
            &c[1]
        );
        assert!(
            source_names.insert(c[1].to_lowercase()),
            "source {} twice",
            &c[1]
        );
    }
    assert!(source_names.len() >= 10, "{source_names:?}");
    // Sources are dated by their interview's date or their file's time, not a fixed day.
    let dated =
        regex::Regex::new(r#"<TextSource [^>]*creationDateTime="(\d{4})-\d\d-\d\dT[^"]+Z""#)
            .unwrap();
    let years: Vec<String> = dated
        .captures_iter(&project)
        .map(|c| c[1].to_owned())
        .collect();
    assert_eq!(years.len(), source_names.len());
    assert!(years.iter().all(|y| y.as_str() > "2000"), "{years:?}");
    let mut checked = 0;
    for block in project.split("<TextSource ").skip(1) {
        let block = format!("<TextSource {block}");
        let c = source.captures(&block).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name(&format!("sources/{}", &c[2])).unwrap(),
            &mut text,
        )
        .unwrap();
        assert!(!text.starts_with('\u{feff}') && !text.contains('\r'));
        let chars: Vec<char> = text.chars().collect();
        let mut spans = std::collections::BTreeSet::new();
        for s in selection.captures_iter(&block) {
            let (a, b): (usize, usize) = (s[2].parse().unwrap(), s[3].parse().unwrap());
            // One selection per span, carrying all its codes (clients load one coding of a
            // code per span and warn about the rest).
            assert!(spans.insert((a, b)), "span {a}..{b} selected twice");
            assert!(a <= b && b <= chars.len());
            let got: String = chars[a..b].iter().collect();
            let name = s[1]
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&#10;", "\n")
                .replace("&#13;", "\r")
                .replace("&#9;", "\t");
            // Every source is text a client shows: JSON, captions and DOCX as their transcript.
            assert_eq!(got, name);
            checked += 1;
        }
    }
    assert!(checked >= 50, "{checked} selections");
    // Code names are unique (clients key codes by name), and no attribute holds a raw line end.
    let code = regex::Regex::new(r#"<Code guid="[^"]+" name="([^"]*)""#).unwrap();
    let mut names = std::collections::BTreeSet::new();
    for c in code.captures_iter(&project) {
        assert!(
            names.insert(c[1].to_lowercase()),
            "code name {} twice",
            &c[1]
        );
    }
    assert!(names.len() > 6, "{names:?}");
    let attribute = regex::Regex::new(r#"="([^"]*)""#).unwrap();
    for a in attribute.captures_iter(&project) {
        assert!(!a[1].contains(['\n', '\r']), "raw line end in {:?}", &a[1]);
    }
    assert!(project.contains("<Case ") && project.contains("<VariableValue>"));

    let qdc = d.path().join("codebook.qdc");
    let o = jtbd()
        .args(["export", "qdc", "corpora/", "-o", qdc.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let book = std::fs::read(&qdc).unwrap();
    if let Some((ok, why)) = xmllint(&book, "Codebook-mrt2019.xsd") {
        assert!(ok, "codebook.qdc does not validate: {why}");
    }
}

#[test]
fn search_exports_for_quickwit_and_elasticsearch() {
    let d = tempfile::tempdir().unwrap();
    for (to, config, docs) in [
        ("quickwit", "quickwit-index.yaml", "docs-0001.ndjson"),
        (
            "elasticsearch",
            "elasticsearch-mapping.json",
            "bulk-0001.ndjson",
        ),
    ] {
        let dir = d.path().join(to);
        ok(&[
            "export",
            "quickwit",
            "corpora/",
            "-o",
            dir.to_str().unwrap(),
            "--to",
            to,
        ]);
        assert!(dir.join(config).is_file());
        let lines = messages(&std::fs::read(dir.join(docs)).unwrap());
        let docs: Vec<&serde_json::Value> = if to == "elasticsearch" {
            for pair in lines.chunks(2) {
                assert_eq!(
                    pair[0]["index"]["_id"], pair[1]["id"],
                    "stable _id per document"
                );
            }
            lines.iter().skip(1).step_by(2).collect()
        } else {
            lines.iter().collect()
        };
        assert!(docs.len() >= 100, "{} docs", docs.len());
        let owned: Vec<serde_json::Value> = docs.into_iter().cloned().collect();
        assert_valid(&schema_validator("turn-document.schema.json"), &owned);
    }
    let mapping: serde_json::Value = serde_json::from_slice(
        &std::fs::read(d.path().join("elasticsearch/elasticsearch-mapping.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        mapping["mappings"]["properties"]["words"]["analyzer"],
        "whitespace"
    );
    // The engine gets no tokenizer it may lack: words are jtbd's terms.
    let config = std::fs::read_to_string(d.path().join("quickwit/quickwit-index.yaml")).unwrap();
    assert!(!config.contains("en_stem"), "{config}");
    let first = &messages(&std::fs::read(d.path().join("quickwit/docs-0001.ndjson")).unwrap())[0];
    let text = first["text"].as_str().unwrap();
    let words: Vec<String> = jtbd_text::tokenize(text)
        .into_iter()
        .map(|t| t.term)
        .collect();
    assert_eq!(first["words"], words.join(" "));
}

/// A refused index id is an error before anything is written; the default names the study.
#[test]
fn search_export_index_ids_are_checked() {
    let d = tempfile::tempdir().unwrap();
    for bad in ["ab", "my study", "2026"] {
        let out = d.path().join(bad);
        let o = jtbd()
            .args(["export", "quickwit", "corpora/", "-o"])
            .arg(&out)
            .args(["--index-id", bad])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--index-id") && err.contains(bad), "{err}");
        assert!(!out.exists());
    }
    let o = jtbd()
        .args([
            "export",
            "quickwit",
            "corpora/",
            "--to",
            "elasticsearch",
            "-o",
        ])
        .arg(d.path().join("es"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let first = std::fs::read_to_string(d.path().join("es/bulk-0001.ndjson")).unwrap();
    let action: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    let id = action["index"]["_index"].as_str().unwrap();
    assert!(id.starts_with("jtbd-corpora-"), "{id}");
}

/// A project is shared: typed as an absolute path or not, its sources name the folder they were
/// read from and what is below it, never the machine's folders, and their GUIDs do not change.
#[test]
fn qdpx_names_no_path_of_this_machine() {
    let d = tempfile::tempdir().unwrap();
    let read = |path: &str, name: &str| {
        let out = d.path().join(name);
        ok(&["export", "qdpx", path, "-o", out.to_str().unwrap()]);
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
        let mut project = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("project.qde").unwrap(), &mut project)
            .unwrap();
        project
    };
    let abs = crate::support::root().join("corpora");
    let typed = read("corpora/", "a.qdpx");
    let absolute = read(abs.to_str().unwrap(), "b.qdpx");
    let machine = crate::support::root().display().to_string();
    assert!(!absolute.contains(&machine), "{machine} in the project");
    let descriptions: Vec<&str> = absolute
        .match_indices("<Description>corpora/")
        .map(|(at, _)| &absolute[at..])
        .collect();
    assert!(descriptions.len() >= 10, "{}", descriptions.len());
    let guids = |p: &str| -> Vec<String> {
        regex::Regex::new(r#"<TextSource guid="([^"]+)""#)
            .unwrap()
            .captures_iter(p)
            .map(|c| c[1].to_owned())
            .collect()
    };
    assert_eq!(guids(&typed), guids(&absolute));
}

/// The reports people read and pass on name each interview by the folder it was read from and
/// the path below it: a folder typed as an absolute path leaves no trace of the machine in them.
#[test]
fn reports_name_no_path_of_this_machine() {
    let d = tempfile::tempdir().unwrap();
    let abs = crate::support::root().join("corpora");
    ok(&[
        "analyze",
        abs.to_str().unwrap(),
        "--out",
        d.path().to_str().unwrap(),
        "--quiet",
    ]);
    let machine = crate::support::root().display().to_string();
    let place = regex::Regex::new(r"corpora/[\w./-]+\.\w+:\d+").unwrap();
    for name in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(d.path().join(name)).unwrap();
        assert!(!text.contains(&machine), "{machine} in {name}");
        let cited = place.find_iter(&text).count();
        assert!(
            cited >= 10,
            "{name} cites {cited} quotes as corpora/<file>:<line>"
        );
    }
}
