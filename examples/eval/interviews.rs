//! The in-domain set: interviewee sentences from real technology-leader interviews
//! (`../shared/eval/interviews/labelled*.jsonl`), labelled under its `GUIDELINE.md`.
//!
//! Each force is a binary detector over every item, scored over all items and over each pool
//! (`random` gives unbiased precision and recall; `enriched` holds more positives). The
//! precision-recall curve raises the confidence a signal needs, as `--min-confidence` does.

use crate::metrics::{Counts, ratio};
use jtbd_extract::{Force, RuleSet};
use std::path::Path;

/// One labelled sentence with the sentence before it.
pub struct Item {
    /// The transcript, relative to `transcripts/`.
    pub file: String,
    pub speaker: String,
    pub pool: String,
    pub context: String,
    pub text: String,
    pub labels: Vec<String>,
}

/// The labelled files: the first ten interviews, then 21 more (`interviews/README.md`).
const FILES: [&str; 2] = [
    "interviews/labelled.jsonl",
    "interviews/labelled_more.jsonl",
];

/// Reads the set (every file of it that is there), or `None` when none is.
pub fn read(dir: &Path) -> Option<Vec<Item>> {
    let texts: Vec<String> = FILES
        .iter()
        .filter_map(|f| std::fs::read_to_string(dir.join(f)).ok())
        .collect();
    if texts.is_empty() {
        return None;
    }
    let text = texts.join("\n");
    let field = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or("").to_owned();
    Some(
        text.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| Item {
                file: field(&v, "file"),
                speaker: field(&v, "speaker"),
                pool: field(&v, "pool"),
                context: field(&v, "context"),
                text: field(&v, "text"),
                labels: strings(&v["labels"]).collect(),
            })
            .collect(),
    )
}

/// The strings of a JSON array of labels (none when it is not one).
pub fn strings(v: &serde_json::Value) -> impl Iterator<Item = String> + '_ {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g.as_str().map(str::to_owned))
}

/// Confidence steps of the precision-recall curve.
const CURVE: [f64; 9] = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];

/// Prints the table (all items, then each pool), errors to read and the curve.
pub fn score(rules: &RuleSet, items: &[Item], min_confidence: f64, show: usize, by_rule: bool) {
    const FORCES: [Force; 3] = [Force::Anxiety, Force::Frustration, Force::DesiredProgress];
    println!(
        "interviews: {} interviewee sentences (in-domain, primary), min confidence {min_confidence}",
        items.len()
    );
    println!(
        "{:<10} {:<17} {:>5} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6}",
        "pool", "force", "pos", "tp", "fp", "fn", "P", "R", "F1"
    );
    // Each item's forces, confidences and rules, classified once.
    let found: Vec<Vec<(Force, f64, Vec<usize>)>> = items
        .iter()
        .map(|i| {
            rules
                .classify(&i.text)
                .hits
                .into_iter()
                .map(|h| (h.force, h.confidence, h.rules))
                .collect()
        })
        .collect();
    // A force not found is below every threshold, 0 included.
    let confidence = |k: usize, force: Force| {
        found[k]
            .iter()
            .find(|(f, _, _)| *f == force)
            .map_or(-1.0, |(_, c, _)| *c)
    };
    let labelled = |k: usize, force: Force| items[k].labels.iter().any(|l| l == force.as_str());
    for force in FORCES {
        for pool in ["all", "random", "enriched"] {
            let mut c = Counts::default();
            for (k, item) in items.iter().enumerate() {
                if pool == "all" || item.pool == pool {
                    c.add(labelled(k, force), confidence(k, force) >= min_confidence);
                }
            }
            let (p, r, f1) = c.prf();
            println!(
                "{pool:<10} {:<17} {:>5} {:>5} {:>5} {:>5} {p:>6.3} {r:>6.3} {f1:>6.3}",
                force.as_str(),
                c.pos,
                c.tp,
                c.fp,
                c.fneg
            );
        }
        if by_rule {
            let mut per_rule = vec![[0usize; 2]; rules.rules().len()];
            for (k, hits) in found.iter().enumerate() {
                for (_, _, fired) in hits.iter().filter(|(f, _, _)| *f == force) {
                    for &r in fired {
                        per_rule[r][usize::from(!labelled(k, force))] += 1;
                    }
                }
            }
            for (r, [p, n]) in per_rule.iter().enumerate() {
                if p + n > 0 {
                    println!(
                        "    {:<44} pos {p:>4}  neg {n:>4}  P {:.3}",
                        rules.rules()[r].id,
                        ratio(*p, p + n)
                    );
                }
            }
        }
        let mut shown = [0usize; 2];
        for (k, item) in items.iter().enumerate() {
            let (actual, predicted) = (labelled(k, force), confidence(k, force) >= min_confidence);
            if actual != predicted && shown[usize::from(actual)] < show {
                shown[usize::from(actual)] += 1;
                let kind = if actual { "FN" } else { "FP" };
                println!("    {kind}  [{}] {}", item.context, item.text);
            }
        }
    }
    println!("precision-recall by min confidence (all items):");
    for force in FORCES {
        let points: Vec<String> = CURVE
            .iter()
            .map(|&t| {
                let mut c = Counts::default();
                for k in 0..items.len() {
                    c.add(labelled(k, force), confidence(k, force) >= t);
                }
                let (p, r, _) = c.prf();
                format!("{t:.2}: {p:.2}/{r:.2}")
            })
            .collect();
        println!("  {:<17} {}", force.as_str(), points.join("  "));
    }
    println!();
}
