//! Output formats of `jtbd rules tune`: one JSON document (schema
//! `schema/rules-tune.schema.json`) and the human view. The figures come from
//! [`jtbd_review::Tuned`]; nothing here computes one.

use crate::style::Style;
use jtbd_model::Force;
use jtbd_review::Tuned;
use jtbd_review::tune::Decisions;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// What `jtbd rules tune` writes.
#[derive(Debug, Clone, Copy)]
pub enum TuneFormat {
    Human(Style),
    Json,
}

#[derive(Serialize)]
struct WireTune<'a> {
    /// The header every document of jtbd opens with (`schema_version`, `tool`, `version`,
    /// `command`).
    #[serde(flatten)]
    head: crate::wire::Begin,
    corrections: String,
    sentences: usize,
    l2: f64,
    /// Each force's threshold in the rules now; the tuned figures read every force at 0.5.
    thresholds: std::collections::BTreeMap<&'static str, f64>,
    before: WireDecisions,
    after: WireDecisions,
    held_out: Option<WireDecisions>,
    changes: Vec<WireChange<'a>>,
}

#[derive(Serialize)]
struct WireDecisions {
    forces: Vec<WireForce>,
    observed: Option<f64>,
    kappa: Option<f64>,
}

#[derive(Serialize)]
struct WireForce {
    force: &'static str,
    judged: usize,
    agreed: usize,
}

#[derive(Serialize)]
struct WireChange<'a> {
    rule: &'a str,
    force: &'static str,
    from: f64,
    to: f64,
    fires: usize,
}

/// The forces a team can judge (habit is never drafted into a job, but can be reviewed).
const FORCES: [Force; 4] = Force::ALL;

fn decisions(d: &Decisions) -> WireDecisions {
    WireDecisions {
        forces: FORCES
            .iter()
            .map(|&f| WireForce {
                force: f.as_str(),
                judged: d.judged[f],
                agreed: d.agreed[f],
            })
            .collect(),
        observed: d.observed(),
        kappa: d.kappa,
    }
}

/// Renders what tuning on `corrections` (the file) proposes, in `format`.
pub fn render(format: TuneFormat, corrections: &Path, l2: f64, t: &Tuned) -> Vec<u8> {
    match format {
        TuneFormat::Json => {
            let w = WireTune {
                head: crate::wire::Begin::new("rules tune"),
                corrections: corrections.display().to_string(),
                sentences: t.sentences,
                l2,
                thresholds: FORCES
                    .iter()
                    .map(|&f| (f.as_str(), t.thresholds[f]))
                    .collect(),
                before: decisions(&t.before),
                after: decisions(&t.after),
                held_out: t.held_out.as_ref().map(decisions),
                changes: t
                    .changes
                    .iter()
                    .map(|c| WireChange {
                        rule: &c.rule,
                        force: c.force.as_str(),
                        from: c.from,
                        to: c.to,
                        fires: c.fires,
                    })
                    .collect(),
            };
            // Serialising plain structs of strings and numbers cannot fail.
            let mut out = serde_json::to_vec_pretty(&w).unwrap_or_default();
            out.push(b'\n');
            out
        }
        TuneFormat::Human(st) => human(st, corrections, t).into_bytes(),
    }
}

fn share(agreed: usize, judged: usize) -> String {
    if judged == 0 {
        "-".to_owned()
    } else {
        format!("{agreed}/{judged}")
    }
}

fn figure(x: Option<f64>) -> String {
    x.map_or("-".to_owned(), |x| format!("{x:.2}"))
}

fn human(st: Style, corrections: &Path, t: &Tuned) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: {} reviewed sentence{}, each read alone",
        st.bold(&corrections.display().to_string()),
        t.sentences,
        if t.sentences == 1 { "" } else { "s" }
    );
    let _ = writeln!(
        o,
        "\n{}",
        st.bold("How often the rules decide as the team did (has the force or not)")
    );
    let held = t.held_out.as_ref();
    let _ = writeln!(
        o,
        "  {:<18} {:>9} {:>9} {:>9}",
        "",
        "now",
        "tuned",
        if held.is_some() { "held out" } else { "" }
    );
    for f in FORCES {
        if t.before.judged[f] == 0 {
            continue;
        }
        let _ = writeln!(
            o,
            "  {:<18} {:>9} {:>9} {:>9}",
            f.label(),
            share(t.before.agreed[f], t.before.judged[f]),
            share(t.after.agreed[f], t.after.judged[f]),
            held.map_or(String::new(), |h| share(h.agreed[f], h.judged[f])),
        );
    }
    let _ = writeln!(
        o,
        "  {:<18} {:>9} {:>9} {:>9}",
        "share agreed",
        figure(t.before.observed()),
        figure(t.after.observed()),
        held.map_or(String::new(), |h| figure(h.observed())),
    );
    let _ = writeln!(
        o,
        "  {:<18} {:>9} {:>9} {:>9}",
        "Cohen's kappa",
        figure(t.before.kappa),
        figure(t.after.kappa),
        held.map_or(String::new(), |h| figure(h.kappa)),
    );
    let _ = writeln!(
        o,
        "  (tuned: on the sentences it learned from; held out: each fifth scored with weights \
         learned on the other four{})",
        if held.is_none() {
            format!(", shown from {} sentences", jtbd_review::tune::MIN_HELD_OUT)
        } else {
            String::new()
        }
    );
    let off: Vec<String> = FORCES
        .iter()
        .filter(|&&f| (t.thresholds[f] - 0.5).abs() > 1e-9)
        .map(|&f| format!("{} {}", f.as_str(), t.thresholds[f]))
        .collect();
    if !off.is_empty() {
        let _ = writeln!(
            o,
            "  note: the tuned weights are read at the model's threshold 0.5; your rules have {}: \
             adopt the weights with thresholds of 0.5 ([modifiers] thresholds, docs/rules.md)",
            off.join(", ")
        );
    }
    let _ = writeln!(o, "\n{}", st.bold("Proposed weights"));
    if t.changes.is_empty() {
        let _ = writeln!(
            o,
            "  none: the verdicts move no rule's weight (they agree with the rules, or the rules \
             that fire in the reviewed sentences are fixed)"
        );
    } else {
        let _ = writeln!(
            o,
            "  {:<44} {:<18} {:>6}    {:>6}  fires in",
            "rule", "force", "now", "tuned"
        );
        for c in &t.changes {
            let _ = writeln!(
                o,
                "  {:<44} {:<18} {:>6.3} -> {:>6.3}  {}",
                c.rule,
                c.force.label(),
                c.from,
                c.to,
                c.fires
            );
        }
        let _ = writeln!(
            o,
            "\n  Nothing is changed: to adopt a weight, copy the rule into a folder of your own \
             rules with the new `weight` and run with --rules DIR (`jtbd rules list --format \
             jsonl` shows each rule in full; docs/rules.md)."
        );
    }
    o
}
