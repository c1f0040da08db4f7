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
