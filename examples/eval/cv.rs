//! Leave-interviews-out: the interview set split into folds by interview (never by sentence),
//! the rules' weights learned on the other folds (`jtbd_extract::learn`),
//! each fold scored with what was learned without it. The rules themselves are written by hand;
//! what is learned is how much each counts.
//!
//! `--learn` fits the same on every labelled sentence and writes the weights into the rule files
//! (`weight`, the hand-set `prior` kept beside it) and the thresholds (0.5, the model's boundary)
//! into `modifiers.toml`.

use crate::interviews::Item;
use crate::metrics::Counts;
use jtbd_extract::{Force, RuleSet, learn};
use std::collections::BTreeMap;
use std::path::Path;

/// Folds of interviews.
pub const FOLDS: usize = 5;

const FORCES: [Force; 3] = [Force::Anxiety, Force::Frustration, Force::DesiredProgress];

/// Each item's fold: interviews from the largest down, each to the fold with the fewest
/// sentences so far, so the folds hold about as many sentences each.
pub fn folds(items: &[Item]) -> Vec<usize> {
    let mut per_file: BTreeMap<&str, usize> = BTreeMap::new();
    for i in items {
        *per_file.entry(i.file.as_str()).or_default() += 1;
    }
    let mut files: Vec<(&str, usize)> = per_file.into_iter().collect();
    files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut size = [0usize; FOLDS];
    let mut fold_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (f, n) in files {
        let k = (0..FOLDS).min_by_key(|&k| (size[k], k)).unwrap_or(0);
        size[k] += n;
        fold_of.insert(f, k);
    }
    items.iter().map(|i| fold_of[i.file.as_str()]).collect()
}

fn has(item: &Item, force: Force) -> bool {
    item.labels.iter().any(|l| l == force.as_str())
}

/// Learns the weights of the three forces' rules (each from its prior) on the items `train`;
/// their thresholds are the model's boundary, 0.5.
fn learn_on(
    rules: &mut RuleSet,
    items: &[Item],
    evidence: &[Vec<(usize, f64)>],
    train: &[usize],
    l2: f64,
) {
    let label = |i: usize, force: Force| Some(has(&items[i], force));
    learn::learn_rules(
        rules,
        evidence,
        train,
        &label,
        &FORCES,
        learn::Start::Prior,
        l2,
    );
}

fn saved(rules: &RuleSet) -> (Vec<f64>, Vec<f64>) {
    (
        rules.rules().iter().map(|r| r.weight).collect(),
        Force::ALL.iter().map(|&f| rules.threshold(f)).collect(),
    )
}

fn restore(rules: &mut RuleSet, (weights, thresholds): &(Vec<f64>, Vec<f64>)) {
    for (r, &w) in weights.iter().enumerate() {
        rules.set_weight(r, w);
    }
    for (&f, &t) in Force::ALL.iter().zip(thresholds) {
        rules.set_threshold(f, t);
    }
}

fn cell(c: Counts) -> String {
    let (p, r, f1) = c.prf();
    format!("{p:.2} {r:.2} {f1:.2} ({:>3})", c.pos)
}

/// Prints per fold, the mean of the folds, all held-out predictions pooled and the random pool
/// alone: with the rules' weights as they are in the files (`learned = false`), or learned on
/// the other folds.
pub fn score(rules: &mut RuleSet, items: &[Item], learned: bool, l2: f64) {
    let fold = folds(items);
    let before = saved(rules);
    let evidence: Vec<Vec<(usize, f64)>> = if learned {
        items.iter().map(|i| rules.evidence(&i.text)).collect()
    } else {
        Vec::new()
    };
    let mut predicted = vec![[false; 3]; items.len()];
    let mut per_fold = vec![[Counts::default(); 3]; FOLDS];
    for (k, counts) in per_fold.iter_mut().enumerate() {
        if learned {
            let train: Vec<usize> = (0..items.len()).filter(|&i| fold[i] != k).collect();
            learn_on(rules, items, &evidence, &train, l2);
        }
        for i in (0..items.len()).filter(|&i| fold[i] == k) {
            let found = rules.classify(&items[i].text);
            for (j, force) in FORCES.iter().enumerate() {
                predicted[i][j] = found.hits.iter().any(|h| h.force == *force);
                counts[j].add(has(&items[i], *force), predicted[i][j]);
            }
        }
        restore(rules, &before);
    }
    println!(
        "leave-interviews-out: {} sentences, {} interviews, {FOLDS} folds by interview; {}",
        items.len(),
        items
            .iter()
            .map(|i| &i.file)
            .collect::<std::collections::HashSet<_>>()
            .len(),
        if learned {
            format!("weights learned on the other folds (l2 {l2}), threshold 0.5")
        } else {
            "weights and thresholds as in the rule files (not learned per fold)".to_owned()
        }
    );
    println!(
        "{:<14} {:>5}  {:<20} {:<20} {:<20}",
        "fold", "sent", "anxiety P R F1 (pos)", "frustration", "desired_progress"
    );
    for (k, counts) in per_fold.iter().enumerate() {
        let n = fold.iter().filter(|&&f| f == k).count();
        let files = items
            .iter()
            .zip(&fold)
            .filter(|(_, f)| **f == k)
            .map(|(i, _)| &i.file)
            .collect::<std::collections::HashSet<_>>()
            .len();
        println!(
            "{:<14} {n:>5}  {:<20} {:<20} {:<20}",
            format!("{} ({files} intv)", k + 1),
            cell(counts[0]),
            cell(counts[1]),
            cell(counts[2])
        );
    }
    let mean: Vec<String> = (0..3)
        .map(|j| {
            let prf: Vec<(f64, f64, f64)> = per_fold.iter().map(|c| c[j].prf()).collect();
            let m = |g: fn(&(f64, f64, f64)) -> f64| prf.iter().map(g).sum::<f64>() / FOLDS as f64;
            format!("{:.3} {:.3} {:.3}   ", m(|x| x.0), m(|x| x.1), m(|x| x.2))
        })
        .collect();
    println!(
        "{:<14} {:>5}  {:<20} {:<20} {:<20}",
        "mean of folds", "", mean[0], mean[1], mean[2]
    );
    for pool in ["all", "random"] {
        let mut c = [Counts::default(); 3];
        for (i, item) in items.iter().enumerate() {
            if pool == "all" || item.pool == pool {
                for (j, force) in FORCES.iter().enumerate() {
                    c[j].add(has(item, *force), predicted[i][j]);
                }
            }
        }
        let n = items
            .iter()
            .filter(|i| pool == "all" || i.pool == pool)
            .count();
        println!(
            "{:<14} {n:>5}  {:<20} {:<20} {:<20}",
            format!("pooled {pool}"),
            cell(c[0]),
            cell(c[1]),
            cell(c[2])
        );
    }
    println!();
}

/// Learns on every item and writes the weights and thresholds into the embedded rule files
/// under `dir` (`crates/jtbd-extract/data/rules`).
pub fn learn_into_files(rules: &mut RuleSet, items: &[Item], l2: f64, dir: &Path) {
    let evidence: Vec<Vec<(usize, f64)>> = items.iter().map(|i| rules.evidence(&i.text)).collect();
    let all: Vec<usize> = (0..items.len()).collect();
    learn_on(rules, items, &evidence, &all, l2);
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for rule in rules.rules() {
        if !FORCES.contains(&rule.force) || rule.file.contains('/') {
            continue;
        }
        let text = files.entry(rule.file.clone()).or_insert_with(|| {
            std::fs::read_to_string(dir.join(&rule.file)).unwrap_or_else(|e| {
                eprintln!("error: {}: {e}", rule.file);
                std::process::exit(2)
            })
        });
        *text = set_weight(text, &rule.id, rule.weight, rule.prior);
    }
    let modifiers = dir.join("modifiers.toml");
    let mut text = std::fs::read_to_string(&modifiers).unwrap_or_default();
    let thresholds: Vec<String> = Force::ALL
        .iter()
        .map(|&f| format!("{} = {:.3}", f.as_str(), rules.threshold(f)))
        .collect();
    text = text
        .lines()
        .map(|l| {
            if l.starts_with("thresholds = ") {
                format!("thresholds = {{ {} }}", thresholds.join(", "))
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    files.insert("modifiers.toml".into(), text);
    for (name, text) in files {
        if let Err(e) = std::fs::write(dir.join(&name), text) {
            eprintln!("error: {name}: {e}");
            std::process::exit(2)
        }
        println!("wrote {}", dir.join(&name).display());
    }
}

/// The rule `id`'s `weight = ` line set to `weight`, with a `prior = ` line after it holding the
/// hand-set weight when the rule has none yet.
fn set_weight(text: &str, id: &str, weight: f64, prior: f64) -> String {
    let mut out = Vec::new();
    let mut in_rule = false;
    let mut has_prior = false;
    let lines: Vec<&str> = text.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        if line.starts_with("id = ") {
            in_rule = line.trim_end() == format!("id = \"{id}\"");
            has_prior = in_rule
                && lines[n + 1..]
                    .iter()
                    .take_while(|l| !l.starts_with("[[rule]]"))
                    .any(|l| l.starts_with("prior = "));
        }
        if in_rule && line.starts_with("weight = ") {
            out.push(format!("weight = {weight:.2}"));
            if !has_prior {
                out.push(format!("prior = {prior}"));
            }
            continue;
        }
        out.push((*line).to_owned());
    }
    out.join("\n") + "\n"
}
