//! Mistakes a user can make, each answered with what happened and what to do.

use crate::support::jtbd;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = jtbd().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn rules_check_reports_every_problem_with_file_line_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        "force = \"habit\"\n\
         [[rule]]\nid = \"habit/a\"\nweight = 2.0\ncues = [\"x\"]\nexamples = [{ text = \"x\", expect = \"match\" }]\n\
         [[rule]]\nid = \"habit/b\"\nweight = 0.5\npatterns = ['(']\nexamples = [{ text = \"a\", expect = \"match\" }]\n\
         [[rule]]\nid = \"anxiety/c\"\nweight = 0.5\ncues = [\"y\"]\nexamples = [{ text = \"y\", expect = \"match\" }]\n",
    )
    .unwrap();
    let (code, _, err) = run(&["rules", "check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("mine.toml:3: rule habit/a: weight 2 is not in (0, 1]"),
        "{err}"
    );
    assert!(err.contains("mine.toml:8: rule habit/b: pattern"), "{err}");
    assert!(
        err.contains("mine.toml:13: rule anxiety/c: the id must start with `habit/`"),
        "{err}"
    );
    assert!(err.contains("3 problems in"), "{err}");
}

#[test]
fn every_command_says_its_exit_codes_in_its_help() {
    for cmd in [
        &["ingest"][..],
        &["extract"],
        &["classify"],
        &["index"],
        &["search"],
        &["stories"],
        &["rules", "list"],
        &["rules", "check"],
        &["rules", "test"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let (code, out, _) = run(&args);
        assert_eq!(code, 0, "{cmd:?}");
        assert!(
            out.contains("Exit codes: 0 "),
            "{cmd:?} --help has no exit codes:\n{out}"
        );
    }
}

#[test]
fn extract_help_says_what_it_does() {
    let out = jtbd()
        .args(["extract", "--help"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("one row per signal"), "{help}");
    insta::assert_snapshot!(help);
}

/// The sample corpus indexed into a fresh folder.
fn corpus_index() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::support::index_folder(std::path::Path::new("corpora/"), dir.path());
    dir
}

#[test]
fn every_search_example_in_the_help_finds_something_in_the_sample_corpus() {
    let index = corpus_index();
    let (_, help, _) = run(&["search", "--help"]);
    let examples: Vec<&str> = help
        .lines()
        .filter_map(|l| l.strip_prefix("  jtbd search "))
        .collect();
    assert!(examples.len() >= 4, "{help}");
    for example in examples {
        // Up to a pipe into another tool, and without the comment after two spaces.
        let args = example.split(" | ").next().unwrap();
        let args = args.split("     ").next().unwrap().trim();
        let script = format!("\"$JTBD\" search {args} --index \"$INDEX\" > /dev/null",);
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .env("JTBD", env!("CARGO_BIN_EXE_jtbd"))
            .env("INDEX", index.path())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert_eq!(
            status.code(),
            Some(0),
            "the help's example finds nothing: jtbd search {args}"
        );
    }
}

#[test]
fn fuzzy_search_forgives_a_typo_in_the_word() {
    let index = corpus_index();
    let i = index.path().to_str().unwrap();
    for (typo, word) in [
        ("regulater", "regulator"),
        ("migrtion", "migration"),
        ("budgit", "budget"),
    ] {
        let (code, out, _) = run(&["search", typo, "--fuzzy", "--count", "--index", i]);
        assert_eq!(code, 0, "{typo}");
        let (_, exact, _) = run(&["search", word, "--count", "--index", i]);
        let (n, m): (usize, usize) = (out.trim().parse().unwrap(), exact.trim().parse().unwrap());
        assert!(n >= m && m > 0, "{typo}: {n} fuzzy hits, {m} for {word}");
    }
}

#[test]
fn a_search_that_finds_nothing_says_why() {
    let index = corpus_index();
    let i = index.path().to_str().unwrap();
    let (code, out, err) = run(&[
        "search",
        "budget",
        "--where",
        "compnay=Quarry",
        "--index",
        i,
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("no turns match 'budget' in 13 interviews with --where compnay=Quarry"),
        "{err}"
    );
    assert!(
        err.contains("no interview has metadata key `compnay`; keys are: company,"),
        "{err}"
    );
    assert!(err.contains("(did you mean `company`?)"), "{err}");
    assert!(
        err.contains("without the filters, 3 turns match 'budget'"),
        "{err}"
    );

    let (_, _, err) = run(&["search", "budget", "--role", "cisco", "--index", i]);
    assert!(
        err.contains("no interview has role `cisco`") && err.contains("(did you mean `ciso`?)"),
        "{err}"
    );

    let (_, _, err) = run(&["search", "vendor", "--where", "company=Quary", "--index", i]);
    assert!(
        err.contains("no interview has company = `Quary`")
            && err.contains("(did you mean `quarry`?)"),
        "{err}"
    );

    let (_, _, err) = run(&["search", "lockin", "--speaker", "Dana Okafr", "--index", i]);
    assert!(
        err.contains("no speaker `Dana Okafr`") && err.contains("(did you mean `dana okafor`?)"),
        "{err}"
    );

    let (code, _, err) = run(&["search", "migrtion", "--index", i]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no turn says `migrtion`; did you mean `migration`? (or try --fuzzy)"),
        "{err}"
    );

    let (code, out, err) = run(&["search", "migrtion", "--count", "--index", i]);
    assert_eq!((code, out.trim()), (1, "0"));
    assert!(err.contains("did you mean `migration`?"), "{err}");

    let (code, _, err) = run(&["search", "speaker:Dana Okafor", "--index", i]);
    assert_eq!(code, 1);
    assert!(err.contains("speaker:\"Dana Okafor\""), "{err}");
}

/// A query the grammar refuses is explained in the user's terms, with the form that works.
#[test]
fn query_errors_say_the_form_that_works() {
    let index = corpus_index();
    let i = index.path().to_str().unwrap();
    for (query, says) in [
        (
            "forces:anxiety",
            "`forces:/anxiety` (with the slash), or with `--force anxiety`",
        ),
        ("NOT cost", "say what to find too (`vendor -audit`)"),
        (
            "pricing AND",
            "the query ends with `AND`: put a word after it",
        ),
    ] {
        let (code, out, err) = run(&["search", query, "--index", i]);
        assert_eq!(code, 2, "{query}");
        assert!(out.is_empty());
        assert!(err.contains(says), "{query}: {err}");
        assert!(
            !err.contains("facet") && !err.contains("Only excluding"),
            "{err}"
        );
    }
    // What each message proposes works.
    for query in ["forces:/anxiety", "vendor -audit"] {
        let (code, _, err) = run(&["search", query, "--index", i]);
        assert_eq!(code, 0, "{query}: {err}");
    }
}

#[test]
fn an_interviewer_named_in_no_file_is_reported() {
    for cmd in ["ingest", "extract", "stories"] {
        let (_, _, err) = run(&[
            cmd,
            "corpora/",
            "--interviewer",
            "Nobody",
            "--interviewer",
            "Priya Raman",
        ]);
        assert!(
            err.contains("warning: --interviewer \"Nobody\" names no speaker in the 13 files read"),
            "{cmd}: {err}"
        );
        assert!(
            !err.contains("\"Priya Raman\" names no speaker"),
            "{cmd}: {err}"
        );
    }
    let index = tempfile::tempdir().unwrap();
    let (_, _, err) = run(&[
        "index",
        "corpora/",
        "--interviewer",
        "Nobody",
        "--index",
        index.path().to_str().unwrap(),
    ]);
    assert!(
        err.contains("--interviewer \"Nobody\" names no speaker"),
        "{err}"
    );
}

#[test]
fn rules_list_honours_every_format_it_accepts() {
    let (_, human, _) = run(&["rules", "list"]);
    let rules = human.lines().count();
    let (code, csv, _) = run(&["rules", "list", "-f", "csv"]);
    assert_eq!(code, 0);
    assert!(csv.starts_with("id,force,weight,cues,patterns,"), "{csv}");
    assert_eq!(
        csv::Reader::from_reader(csv.as_bytes()).records().count(),
        rules
    );
    let (_, json, _) = run(&["rules", "list", "-f", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["rules"].as_array().unwrap().len(), rules);
    assert_eq!(doc["schema_version"], 1);
    let (_, jsonl, _) = run(&["rules", "list", "-f", "jsonl"]);
    assert_eq!(
        jsonl
            .lines()
            .filter(|l| l.contains("\"type\":\"rule\""))
            .count(),
        rules
    );
}

#[test]
fn classify_echoes_the_text_in_the_format_asked() {
    let classify = |args: &[&str]| {
        let out = jtbd()
            .arg("classify")
            .args(args)
            .write_stdin("I am worried about lock-in\n=SUM(A1)\n")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let jsonl = classify(&[]);
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first["text"], "I am worried about lock-in");
    assert_eq!(first["forces"][0], "anxiety");
    assert!(!classify(&["--no-text"]).contains("lock-in"));
    let csv = classify(&["--format", "csv"]);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][1], "I am worried about lock-in");
    assert_eq!(&rows[0][2], "anxiety");
    assert_eq!(&rows[1][1], "'=SUM(A1)", "a formula is neutralised");
    let human = classify(&["--format", "human"]);
    assert!(
        human.contains("anxiety 0.") && human.contains("I am worried about lock-in"),
        "{human}"
    );
}

#[test]
fn signals_and_hits_carry_the_interview_metadata() {
    let out = jtbd()
        .args(["extract", "corpora/", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let company = header.iter().position(|h| h == "company").unwrap();
    let title = header.iter().position(|h| h == "title").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(
        rows.iter()
            .any(|r| &r[company] == "Northwind Bank" && &r[title] == "CISO")
    );
    let out = jtbd()
        .args(["extract", "corpora/", "--format", "jsonl"])
        .output()
        .unwrap();
    let signal = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .find(|l| l.contains("northwind"))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .unwrap();
    assert_eq!(signal["data"]["metadata"]["company"], "Northwind Bank");

    let index = corpus_index();
    let (_, csv, _) = run(&[
        "search",
        "budget",
        "-f",
        "csv",
        "--index",
        index.path().to_str().unwrap(),
    ]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let company = header.iter().position(|h| h == "company").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows.iter().all(|r| !r[company].is_empty()), "{csv}");
    assert!(rows.iter().any(|r| &r[company] == "Orbit"), "{csv}");
}

#[test]
fn full_shows_whole_turns_in_the_human_views() {
    let (_, cut, _) = run(&["ingest", "corpora/ciso-northwind-bank.md"]);
    let (_, full, _) = run(&["ingest", "corpora/ciso-northwind-bank.md", "--full"]);
    let whole = "Every one of those is a door, and I have to prove to the regulator that every door is locked.";
    assert!(cut.contains('…') && !cut.contains(whole), "{cut}");
    assert!(full.contains(whole), "{full}");

    let index = corpus_index();
    let i = index.path().to_str().unwrap();
    let (_, snippet, _) = run(&["search", "regulator", "--index", i, "--color", "never"]);
    let (_, whole_turn, _) = run(&[
        "search",
        "regulator",
        "--index",
        i,
        "--full",
        "--color",
        "never",
    ]);
    assert!(
        whole_turn.contains("Because we have three of everything."),
        "{whole_turn}"
    );
    assert!(whole_turn.len() > snippet.len());
}

#[test]
fn a_theme_needs_one_interviewee_at_least_in_words() {
    for cmd in ["stories", "analyze"] {
        let (code, out, err) = run(&[cmd, "corpora/", "--min-interviewees", "0"]);
        assert_eq!(code, 2, "{cmd}");
        assert!(out.is_empty(), "{cmd}: {out}");
        assert!(err.contains("must be 1 or more"), "{cmd}: {err}");
    }
    let (code, _, err) = run(&["stories", "corpora/", "--min-interviewees", "two"]);
    assert_eq!(code, 2);
    assert!(err.contains("`two` is not a whole number"), "{err}");
}

/// A path that does not exist: the error names it and the exit code is 2; the terminal view
/// prints no line of zeros that would read as a result.
#[test]
fn stories_of_a_missing_folder_say_so_and_print_no_result() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    let (code, out, err) = run(&["stories", missing.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("no-such-folder") && err.contains("cannot open"),
        "{err}"
    );
}
