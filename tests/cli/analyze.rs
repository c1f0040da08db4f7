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
    // corpora/ has a participants.csv without an interviewer column: the closing line says so.
    assert!(
        stderr.contains("name the interviewer in an `interviewer` column of participants.csv"),
        "{stderr}"
    );
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
        "the CSV starts with a BOM, for Excel"
    );
    // The columns a reader scans come first.
    let header = String::from_utf8_lossy(&csv[3..])
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert!(
        header.starts_with("interviewee,force,quote,theme,interview,line,timestamp,"),
        "{header}"
    );
    let text = String::from_utf8(csv).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK"),
        "a formula is neutralised: {text}"
    );
    assert!(!text.contains(",=HYPERLINK") && !text.contains("\"=HYPERLINK"));
}

/// Chromium, when the machine has it (Debian package `chromium`; `.ci/run` installs it).
pub fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// `jtbd analyze SRC --out OUT --quiet`, which must succeed.
fn analyze_into(src: &Path, out: &Path) {
    ok(&[
        "analyze",
        src.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
}

/// Chromium and the study of `corpora/` in a temporary folder (kept alive by the `TempDir`);
/// `None`, with a note, on a machine without Chromium.
fn study_for_chromium() -> Option<(&'static str, tempfile::TempDir, std::path::PathBuf)> {
    let Some(browser) = chromium() else {
        crate::support::missing("no chromium on this machine (apt-get install chromium)");
        return None;
    };
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    assert_eq!(analyze(&out, &[]).0, 0);
    Some((browser, d, out))
}

#[test]
fn the_report_renders_in_headless_chromium_without_console_errors() {
    let Some((browser, d, out)) = study_for_chromium() else {
        return;
    };
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
    let guid = regex::Regex::new(r#" guid="([0-9A-Fa-f-]{36})""#).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for c in guid.captures_iter(&project) {
        assert!(seen.insert(c[1].to_owned()), "duplicate GUID {}", &c[1]);
    }
    // Every element that carries a guid was read: none escaped the pattern.
    assert_eq!(seen.len(), project.matches(" guid=\"").count());
    assert!(seen.len() >= 13 + 12, "{} GUIDs", seen.len());
    let target = regex::Regex::new(r#"targetGUID="([0-9A-Fa-f-]{36})""#).unwrap();
    let mut targets = 0;
    for c in target.captures_iter(&project) {
        assert!(seen.contains(&c[1]), "unresolved {}", &c[1]);
        targets += 1;
    }
    assert!(targets > 0);
    assert_eq!(targets, project.matches("targetGUID=\"").count());
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
    // Who does the job and for whom, and what drives it, as the Markdown views say them.
    let html = std::fs::read_to_string(d.path().join("report.html")).unwrap();
    assert!(html.contains("Job done by <b>"), "no executor in the HTML");
    assert!(html.contains("What drives it: "), "no chain in the HTML");
    // The words the reports use are explained in both.
    assert!(html.contains("<dt><b>job story</b></dt>"));
    let md = std::fs::read_to_string(d.path().join("report.md")).unwrap();
    assert!(md.contains("## Words used here") && md.contains("- **gap**: "));
}

/// Writes `files` (name, text) to `dir/calls`, analyses that folder into `dir/out` with `extra`
/// flags (quietly, asserting success) and returns `dir/out`.
fn analyze_calls(dir: &Path, files: &[(&str, &str)], extra: &[&str]) -> std::path::PathBuf {
    let src = dir.join("calls");
    std::fs::create_dir(&src).unwrap();
    for (name, text) in files {
        std::fs::write(src.join(name), text).unwrap();
    }
    let out = dir.join("out");
    let mut args = vec![
        "analyze",
        src.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    ok(&args);
    out
}

/// A call with two guests, Ana Ruiz and Bo Chen, each with signals of their own.
const DUO_CALL: &str = "**Host:** What slows your platform team down most?\n\n**Ana Ruiz:** We \
    rebuild the same audit report by hand every quarter, and it takes two weeks.\n\n**Bo Chen:** \
    And our on-call engineers get paged for full disks every night, which wears everyone out.\n\n\
    **Host:** What would you change first?\n\n**Ana Ruiz:** I want to keep the audit evidence in \
    one system so that we can answer auditors the same day.\n\n**Bo Chen:** We need alerts that \
    only page a person when a customer is affected.\n";

/// A call in which `who` rebuilds the audit report by hand and is paged every night: a
/// frustration about each of two codebook themes.
fn audit_and_alerts_call(who: &str) -> String {
    format!(
        "**Interviewer:** Tell me about audits.\n\n**{who}:** Every quarter we rebuild the audit \
         report by hand, and the audit evidence lives in email threads.\n\n**Interviewer:** And \
         alerts?\n\n**{who}:** Our on-call engineers get paged for full disks every night, which \
         is exhausting.\n"
    )
}

/// The reports name an interview by everyone interviewed in it (its counts hold both guests), say
/// which interviews have no interviewee and so add nothing, and give each theme its definition;
/// without metadata, no column of zero companies and roles.
#[test]
fn reports_name_every_guest_and_flag_interviews_without_one() {
    let d = tempfile::tempdir().unwrap();
    let files = [
        ("duo.md", DUO_CALL),
        (
            "hosts.md",
            "**Host:** Welcome back, this week it is just the two of us.\n\n**Co-host:** Right, \
             no guest today, we answer listener mail about audit reports.\n\n**Host:** Someone \
             asked how we keep audit evidence in one place.\n\n**Co-host:** We keep it in a \
             shared folder and we still rebuild the report by hand.\n",
        ),
        ("cy.md", &audit_and_alerts_call("Cy Okoro")),
    ];
    let out = analyze_calls(d.path(), &files, &[]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let note = "1 of 3 interviews has no interviewee: every speaker was taken for an interviewer";
    for (name, text) in [("report.md", &md), ("report.html", &html)] {
        assert!(text.contains("Ana Ruiz, Bo Chen"), "{name}: {text}");
        assert!(text.contains("calls/hosts.md (no interviewee)"), "{name}");
        assert!(text.contains(note), "{name}");
    }
    assert!(
        md.contains("| calls/hosts.md | none | Host, Co-host |"),
        "{md}"
    );
    // Every theme with what it covers; no metadata, so no companies or roles counted.
    let themes = md
        .split("## Themes, by evidence")
        .nth(1)
        .and_then(|t| t.split("\n## ").next())
        .unwrap_or_default();
    assert!(
        themes.contains("| theme | interviewees | signals |") && themes.contains("what it covers"),
        "{themes}"
    );
    let rows: Vec<&str> = themes
        .lines()
        .filter(|l| l.starts_with("| "))
        .skip(1)
        .collect();
    assert!(!rows.is_empty(), "no theme: {themes}");
    for row in rows {
        let definition = row.trim_end_matches(" |").rsplit(" | ").next().unwrap();
        assert!(definition.split_whitespace().count() >= 3, "{row}");
        assert!(html.contains(definition), "{definition}");
    }
}

/// The report's filters number interviews as the study does: a quote of the interview after one
/// with two guests (two records) carries its own interview's number and the theme it joined.
#[test]
fn report_quotes_after_a_two_guest_interview_name_their_own_interview() {
    let d = tempfile::tempdir().unwrap();
    let files = [
        ("duo.md", DUO_CALL),
        ("eve.md", &audit_and_alerts_call("Eve Lind")),
    ];
    let out = analyze_calls(d.path(), &files, &[]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let eve: Vec<&str> = html
        .split("<blockquote ")
        .skip(1)
        .filter_map(|q| q.split("</blockquote>").next())
        .filter(|q| q.contains("Eve Lind") || q.contains("email threads"))
        .collect();
    assert!(!eve.is_empty(), "{html}");
    for q in &eve {
        assert!(q.contains("data-interview=\"1\""), "{q}");
    }
    // Her audit quote, wherever it is shown, with the theme it joined.
    let audit: Vec<&&str> = eve.iter().filter(|q| q.contains("email threads")).collect();
    assert!(
        !audit.is_empty()
            && audit
                .iter()
                .all(|q| q.contains("data-theme=\"compliance-audit\"")),
        "{eve:?}"
    );
    // The theme table lists the interviews by the same numbers.
    assert!(html.contains("data-interviews=\" 0 1 \""), "{html}");
}

/// Quotes read as words where people read them (report, CSV), markup escapes resolved, while the
/// machine outputs keep the verbatim bytes at the place they name.
#[test]
fn shown_quotes_read_as_words_and_places_stay_exact() {
    let d = tempfile::tempdir().unwrap();
    let text = "**Host:** What slows the team down?\n\n**Noor Halabi:** I keep rebuilding the same \
                audit report by hand \\[unintelligible 00:04:03\\] every single quarter.\n";
    let out = analyze_calls(
        d.path(),
        &[("noor.md", text)],
        &["--title", "Q3 <audit> calls"],
    );
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    // The title the team gave, escaped as every text is.
    assert!(read("report.md").starts_with("# Q3 &lt;audit&gt; calls\n"));
    assert!(read("report.html").contains("<h1>Q3 &lt;audit&gt; calls</h1>"));
    // (`report.md` lists themed quotes only: one interview makes no theme.)
    for name in ["report.html", "signals.csv"] {
        let shown = read(name);
        assert!(
            shown.contains("by hand [unintelligible 00:04:03] every"),
            "{name}: {shown}"
        );
        assert!(!shown.contains("\\[unintelligible"), "{name}");
    }
    let signals = crate::support::messages(read("signals.jsonl").as_bytes());
    let quotes = crate::support::of_type(&signals, "signal");
    assert_eq!(quotes.len(), 1, "{signals:?}");
    let q = quotes[0];
    let (a, b) = (
        q["byte_start"].as_u64().unwrap() as usize,
        q["byte_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(q["text"].as_str().unwrap(), &text[a..b]);
    assert!(text[a..b].contains("\\[unintelligible"));
}

/// The report says who was taken for the interviewer and the interviewee and how, and when the
/// roles were only inferred it shows the `participants.csv` that would set them; that file, saved
/// where it says, is read on the next run.
#[test]
fn the_report_shows_who_was_interviewed_and_the_manifest_to_fix_it() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("calls");
    std::fs::create_dir_all(src.join("q3")).unwrap();
    std::fs::write(
        src.join("q3/noor.txt"),
        "Priya: What slows the team down? And why?\nNoor: I keep rebuilding the same audit report by hand every quarter.\nPriya: How often?\nNoor: Every single week, and we are worried about the next audit.\n",
    )
    .unwrap();
    let out = d.path().join("out");
    let analyze = |out: &Path| analyze_into(&src, out);
    analyze(&out);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("| calls/q3/noor.txt | Noor | Priya | inferred: who asks the questions |"),
        "{md}"
    );
    let csv = "file,participant,role,company,industry,size\nq3/noor.txt,Noor,,,,\n";
    assert!(md.contains(csv), "{md}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"roles\">"));
    assert!(html.contains("q3/noor.txt,Noor,,,,"));
    // Filled in and saved where it says, it is read: the role shows in the next report.
    std::fs::write(
        src.join("participants.csv"),
        csv.replace("Noor,,", "Noor Halabi,CISO,"),
    )
    .unwrap();
    let again = d.path().join("again");
    analyze(&again);
    let md = std::fs::read_to_string(again.join("report.md")).unwrap();
    assert!(md.contains("| CISO |"), "{md}");
}

/// What a reader sees first: at 1400x900 the top themes are on the first screen without
/// scrolling, the page with its details closed is short, and the force filter hides the quotes
/// of other forces. Measured by a probe script in a copy of the page, read back from its title.
#[test]
fn the_report_leads_with_its_findings_in_headless_chromium() {
    let Some((browser, _d, out)) = study_for_chromium() else {
        return;
    };
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let probe = r#"<script>(function () {
  var items = document.querySelectorAll('#findings ol li');
  var last = items.length ? items[Math.min(items.length, 3) - 1].getBoundingClientRect().bottom : -1;
  var height = document.documentElement.scrollHeight;
  // A story's quote opens in its passage: the turn before, its own turn with the quote marked.
  var button = document.querySelector('article.story .slot button.ctx');
  var quote = button.closest('blockquote').querySelector('.q').textContent;
  button.click();
  var dialog = document.getElementById('passage');
  var marks = dialog.querySelectorAll('.turn.own mark');
  var passage = { open: dialog.open, turns: dialog.querySelectorAll('.turn').length,
    marked: marks.length === 1 && marks[0].textContent === quote,
    before: !!dialog.querySelector('.turn:not(.own) + .turn.own') };
  dialog.close();
  var force = document.querySelector('#filters select[name=force]');
  force.value = 'anxiety';
  force.dispatchEvent(new Event('change', { bubbles: true }));
  var shown = function (sel) {
    return Array.prototype.filter.call(document.querySelectorAll(sel), function (e) { return !e.hidden; }).length;
  };
  var cards = Array.prototype.filter.call(document.querySelectorAll('article.story'), function (e) {
    return !e.hidden && !Array.prototype.some.call(e.querySelectorAll('blockquote'), function (q) { return !q.hidden; });
  }).length;
  var orphans = Array.prototype.filter.call(document.querySelectorAll('.slot'), function (e) {
    return !e.hidden && e.querySelector('blockquote').hidden;
  }).length;
  var faded = Array.prototype.filter.call(document.querySelectorAll('svg.chart rect[data-force]'), function (r) {
    return (r.style.opacity === '0.15') !== (r.getAttribute('data-force') !== 'anxiety');
  }).length;
  var bars = document.querySelectorAll('svg.chart rect[data-force]').length;
  var counted = { anxiety: shown('blockquote[data-force=anxiety]'), others: shown('blockquote[data-force]:not([data-force=anxiety])'),
    empty_cards: cards, orphans: orphans, note: document.getElementById('filtered').textContent };
  // The theme filter: only that theme's quotes, and only its row of the theme table.
  force.value = '';
  var theme = document.querySelector('#filters select[name=theme]');
  theme.value = theme.options[1].value;
  theme.dispatchEvent(new Event('change', { bubbles: true }));
  var by_theme = { on: shown('blockquote[data-theme="' + theme.value + '"]'),
    off: shown('blockquote[data-force]:not([data-theme="' + theme.value + '"])'),
    rows: shown('#themes tr[data-theme]') };
  document.title = JSON.stringify({ items: items.length, by_theme: by_theme, third_bottom: last, height: height,
    anxiety: counted.anxiety, others: counted.others, empty_cards: counted.empty_cards,
    orphans: counted.orphans, note: counted.note, bars: bars, wrongly_faded: faded,
    habit: !!document.querySelector('#filters option[value=habit]'), passage: passage });
})();</script></body>"#;
    let probed = out.join("probe.html");
    std::fs::write(&probed, html.replace("</body>", probe)).unwrap();
    let o = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu"])
        .args(["--window-size=1400,900", "--dump-dom"])
        .arg(format!("file://{}", probed.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    let title = regex::Regex::new(r"<title>(\{[^<]*\})</title>")
        .unwrap()
        .captures(&dom)
        .unwrap_or_else(|| panic!("the probe did not run: {dom:.500}"))[1]
        .replace("&quot;", "\"");
    let m: serde_json::Value = serde_json::from_str(&title).unwrap();
    assert!(m["items"].as_u64().unwrap() >= 3, "{m}");
    // The first three themes and their stories end above the fold.
    let bottom = m["third_bottom"].as_f64().unwrap();
    assert!(bottom > 0.0 && bottom <= 900.0, "{m}");
    assert!(m["height"].as_f64().unwrap() < 20_000.0, "{m}");
    assert!(m["anxiety"].as_u64().unwrap() > 0, "{m}");
    assert_eq!(m["others"].as_u64(), Some(0), "{m}");
    // No card left without a quote, no slot label over a hidden quote; the count is said.
    assert_eq!(m["empty_cards"].as_u64(), Some(0), "{m}");
    assert_eq!(m["orphans"].as_u64(), Some(0), "{m}");
    assert!(m["note"].as_str().unwrap().ends_with("quotes shown"), "{m}");
    assert_eq!(m["habit"], true, "{m}");
    // Under the force filter the charts' bars of the other forces fade, and only those.
    assert!(m["bars"].as_u64().unwrap() > 10, "{m}");
    assert_eq!(m["wrongly_faded"].as_u64(), Some(0), "{m}");
    assert!(m["by_theme"]["on"].as_u64().unwrap() > 0, "{m}");
    assert_eq!(m["by_theme"]["off"].as_u64(), Some(0), "{m}");
    assert_eq!(m["by_theme"]["rows"].as_u64(), Some(1), "{m}");
    let p = &m["passage"];
    assert_eq!(p["open"], true, "{m}");
    assert!(p["turns"].as_u64().unwrap() >= 2, "{m}");
    assert_eq!(p["marked"], true, "{m}");
    assert_eq!(p["before"], true, "{m}");
}

/// One name for the output flag (`--out` and `--output` both work everywhere), and `jtbd
/// search` finds the index `analyze` wrote: given the analyze folder, or named in the error
/// when run from the folder above it.
#[test]
fn search_finds_the_index_analyze_wrote() {
    let d = tempfile::tempdir().unwrap();
    let corpus = root().join("corpora");
    let corpus = corpus.to_str().unwrap();
    let ok_in = |args: &[&str]| {
        let o = jtbd().current_dir(d.path()).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
    };
    ok_in(&["analyze", corpus, "--output", "out", "--quiet"]);
    ok_in(&["export", "qdpx", corpus, "--out", "s.qdpx", "--quiet"]);
    assert!(d.path().join("s.qdpx").is_file());
    let search = |args: &[&str]| {
        let o = jtbd()
            .current_dir(d.path())
            .arg("search")
            .args(args)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).trim().to_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, n, err) = search(&["vendor", "--index", "out/", "--count"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(n.parse::<usize>().unwrap() > 0, "{n}");
    let (code, _, err) = search(&["vendor", "--count"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("indexes here: out (pass one with --index)"),
        "{err}"
    );
}

/// A folder with no details about anyone: the closing line gives the exact lines of a
/// participants.csv that would set roles and companies.
#[test]
fn the_closing_line_suggests_participants_csv_when_nothing_is_known() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("calls");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(
        src.join("call-one.txt"),
        "Jo Park: What slows you down?\nRui Alves: We wait two days for every firewall change.\n",
    )
    .unwrap();
    let o = jtbd()
        .args(["analyze", src.to_str().unwrap(), "--out"])
        .arg(d.path().join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("save a participants.csv beside the transcripts"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "\n  file,participant,role,company,industry,size\n  call-one.txt,Rui Alves,,,,"
        ),
        "{stderr}"
    );
}
