//! Output formats of `jtbd review stats`: one JSON document (schema
//! `schema/review-stats.schema.json`) and the human view. Nothing here computes a figure: they
//! come from [`jtbd_review::Agreement`].

use crate::style::Style;
use jtbd_review::{Agreement, Corrections, Kappa, MIN_ITEMS, Problem, Severity};
use serde::Serialize;
use std::fmt::Write as _;

/// What `jtbd review stats` writes.
#[derive(Debug, Clone, Copy)]
pub enum ReviewFormat {
    Human(Style),
    Json,
}

#[derive(Serialize)]
struct WireStats<'a> {
    /// The header every document of jtbd opens with (`schema_version`, `tool`, `version`,
    /// `command`).
    #[serde(flatten)]
    head: crate::wire::Begin,
    corrections: String,
    verdicts: usize,
    /// Lines the run cannot use (not verdicts, additions that are not one sentence of an
    /// interviewee): `{line, problem}`.
    errors: Vec<WireLine<'a>>,
    /// Lines whose signal id names no signal the rules found.
    unmatched: &'a [usize],
    /// Signals the rules missed: the places of the additions that applied, each once.
    additions: usize,
    precision: Vec<WirePrecision>,
    rules_vs: Vec<WireKappa<'a>>,
    between: Vec<WireKappa<'a>>,
}

#[derive(Serialize)]
struct WireLine<'a> {
    line: usize,
    problem: &'a str,
}

#[derive(Serialize)]
struct WirePrecision {
    force: &'static str,
    reviewed: usize,
    accepted: usize,
    precision: Option<f64>,
}

#[derive(Serialize)]
struct WireKappa<'a> {
    a: &'a str,
    b: &'a str,
    items: usize,
    observed: f64,
    kappa: Option<f64>,
}

fn kappas(k: &[Kappa]) -> Vec<WireKappa<'_>> {
    k.iter()
        .map(|k| WireKappa {
            a: &k.a,
            b: &k.b,
            items: k.items,
            observed: k.observed,
            kappa: k.kappa,
        })
        .collect()
}

/// Renders the agreement of `corrections` in `format`; `problems`: what the pass could not use
/// of the file ([`jtbd_review::Heard::problems`]), whose errors the JSON lists.
pub fn render(
    format: ReviewFormat,
    corrections: &Corrections,
    a: &Agreement,
    problems: &[Problem],
) -> Vec<u8> {
    let errors = || problems.iter().filter(|p| p.severity == Severity::Error);
    match format {
        ReviewFormat::Json => {
            let w = WireStats {
                head: crate::wire::Begin::new("review stats"),
                corrections: corrections.file.display().to_string(),
                verdicts: corrections.verdicts.len(),
                errors: errors()
                    .map(|p| WireLine {
                        line: p.error.line,
                        problem: &p.error.problem,
                    })
                    .collect(),
                unmatched: &a.unmatched,
                additions: a.additions,
                precision: a
                    .precision
                    .iter()
                    .map(|(f, p)| WirePrecision {
                        force: f.as_str(),
                        reviewed: p.reviewed,
                        accepted: p.accepted,
                        precision: p.precision(),
                    })
                    .collect(),
                rules_vs: kappas(&a.rules_vs),
                between: kappas(&a.between),
            };
            // Serialising plain structs of strings and numbers cannot fail.
            let mut out = serde_json::to_vec_pretty(&w).unwrap_or_default();
            out.push(b'\n');
            out
        }
        ReviewFormat::Human(st) => human(st, corrections, a, errors().count()).into_bytes(),
    }
}

fn human(st: Style, c: &Corrections, a: &Agreement, errors: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: {} verdict{}{}{}",
        st.bold(&c.file.display().to_string()),
        c.verdicts.len(),
        if c.verdicts.len() == 1 { "" } else { "s" },
        match errors {
            0 => String::new(),
            1 => ", 1 line in error".to_owned(),
            n => format!(", {n} lines in error"),
        },
        match a.unmatched.len() {
            0 => String::new(),
            n => format!(", {n} naming no signal found"),
        }
    );
    let _ = writeln!(
        o,
        "{} signal{} the rules missed (additions)",
        a.additions,
        if a.additions == 1 { "" } else { "s" }
    );
    let _ = writeln!(o, "\n{}", st.bold("Precision of the reviewed signals"));
    for (f, p) in a.precision.iter() {
        let share = p
            .precision()
            .map_or("not reviewed".to_owned(), |x| format!("{x:.2}"));
        let _ = writeln!(
            o,
            "  {:<18} {:>4} of {:<4} accepted  {share}",
            f.as_str(),
            p.accepted,
            p.reviewed
        );
    }
    for (title, list, none) in [
        (
            "Rules against each reviewer (Cohen's kappa)",
            &a.rules_vs,
            "none: no verdict names a signal found",
        ),
        (
            "Reviewer against reviewer (Cohen's kappa)",
            &a.between,
            "none: no two reviewers (`by`) judged the same signal",
        ),
    ] {
        let _ = writeln!(o, "\n{}", st.bold(title));
        if list.is_empty() {
            let _ = writeln!(o, "  {none}");
        }
        for k in list {
            let kappa = kappa_text(k.kappa);
            let _ = writeln!(
                o,
                "  {:<28} {:>5} signals  agree {:.2}  kappa {kappa}{}",
                format!("{} vs {}", k.a, k.b),
                k.items,
                k.observed,
                if k.too_few() {
                    format!("  (n < {MIN_ITEMS}: too few to trust)")
                } else {
                    String::new()
                }
            );
        }
    }
    o
}

/// A kappa as the views print it: two decimals, or why there is none.
fn kappa_text(k: Option<f64>) -> String {
    k.map_or("undefined (one label only)".to_owned(), |x| {
        format!("{x:.2}")
    })
}

/// The agreement figures as HTML tables (the report page, `jtbd serve`): precision per force,
/// then the rules against each reviewer and reviewer against reviewer. Names are escaped.
pub fn html(a: &Agreement) -> String {
    let mut o = String::from(
        "<table class=\"agreement\"><tr><th>force</th><th>reviewed</th><th>accepted</th><th>precision</th></tr>",
    );
    for (f, p) in a.precision.iter() {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            f.as_str(),
            p.reviewed,
            p.accepted,
            p.precision()
                .map_or("not reviewed".to_owned(), |x| format!("{x:.2}"))
        );
    }
    o.push_str("</table>");
    for (title, list) in [
        ("Rules against each reviewer", &a.rules_vs),
        ("Reviewer against reviewer", &a.between),
    ] {
        let _ = write!(
            o,
            "<table class=\"agreement\"><caption>{title} (Cohen's kappa)</caption>\
             <tr><th>between</th><th>signals</th><th>agree</th><th>kappa</th></tr>"
        );
        if list.is_empty() {
            o.push_str("<tr><td colspan=\"4\">none</td></tr>");
        }
        for k in list {
            let _ = write!(
                o,
                "<tr><td>{} vs {}</td><td class=\"n\">{}</td><td class=\"n\">{:.2}</td><td class=\"n\">{}</td></tr>",
                crate::escape(&k.a),
                crate::escape(&k.b),
                k.items,
                k.observed,
                kappa_text(k.kappa)
            );
        }
        o.push_str("</table>");
    }
    o
}

/// The same figures as Markdown tables (`report.md`). Names pass through
/// [`crate::markdown::md`].
pub fn markdown(a: &Agreement) -> String {
    let mut o = String::from("| force | reviewed | accepted | precision |\n|---|---:|---:|---:|\n");
    for (f, p) in a.precision.iter() {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            f.as_str(),
            p.reviewed,
            p.accepted,
            p.precision()
                .map_or("not reviewed".to_owned(), |x| format!("{x:.2}"))
        );
    }
    for (title, list) in [
        ("Rules against each reviewer", &a.rules_vs),
        ("Reviewer against reviewer", &a.between),
    ] {
        let _ = write!(
            o,
            "\n{title} (Cohen's kappa):\n\n| between | signals | agree | kappa |\n|---|---:|---:|---:|\n"
        );
        if list.is_empty() {
            o.push_str("| none | | | |\n");
        }
        for k in list {
            let _ = writeln!(
                o,
                "| {} vs {} | {} | {:.2} | {} |",
                crate::markdown::md(&k.a),
                crate::markdown::md(&k.b),
                k.items,
                k.observed,
                kappa_text(k.kappa)
            );
        }
    }
    o
}
