//! `just eval`: extraction quality on the labelled dev sets in `../shared/eval/`.
//!
//! The in-domain interview set comes first (`interviews.rs`): it is the primary measure.
//! `--min-confidence X` scores it as `jtbd extract --min-confidence X` would report.
//! `--only interviews` stops after it.
//!
//! On the public sets each force is scored as a binary detector (see `../shared/eval/README.md` for the mapping):
//! positives are items with a core label, negatives items with none of the core or ambiguous
//! labels; ambiguous items are counted apart. Prints precision, recall, F1 and counts per set.
//! `--errors N` prints N false positives and N false negatives per row, to read, not to copy.
//! `--rules DIR` scores a user's rule folder on top of the embedded rules.
//! `--by-rule` adds, under each row, every rule of its force that fired: on how many positives,
//! negatives and ambiguous items, and its precision alone.
//! `--split train` scores the larger train splits instead (GoEmotions `train.tsv`, SemEval-A
//! `subtask_a_train.csv`; Stack Overflow has only its dev half here): the rules were tuned on
//! the dev splits, so the train splits are a check that a rule generalises, not a second
//! tuning set.
//!
//! `--cv` scores the interview set leave-interviews-out (`cv.rs`: folds by interview, the rules'
//! weights and thresholds learned on the other folds), first with the weights as the rule files
//! hold them, then learned per fold, and stops; `just eval` prints the learned table after the
//! interview tables. `--l2 X` sets the learning's pull towards each rule's hand-set prior
//! (default 0.5). `--learn` fits on every labelled interview sentence and writes the weights and
//! thresholds into `crates/jtbd-extract/data/rules/`. `--fires PREFIX` lists every sentence
//! of the interview set a rule whose id starts so fires on, with its labels, to read.

mod cv;
mod in_situ;
mod interviews;
mod metrics;

use jtbd_extract::{Force, RuleSet};
use metrics::{Counts, ratio};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

struct Item {
    text: String,
    labels: HashSet<String>,
}

struct Row {
    set: &'static str,
    force: Force,
    core: &'static [&'static str],
    ambiguous: &'static [&'static str],
}

fn read_goemotions(dir: &Path, file: &str) -> Option<Vec<Item>> {
    let names: Vec<String> = std::fs::read_to_string(dir.join("goemotions/emotions.txt"))
        .ok()?
        .lines()
        .map(str::to_owned)
        .collect();
    let text = std::fs::read_to_string(dir.join("goemotions").join(file)).ok()?;
    Some(
        text.lines()
            .filter_map(|l| {
                let mut cols = l.split('\t');
                let text = cols.next()?.to_owned();
                let labels = cols
                    .next()?
                    .split(',')
                    .filter_map(|i| names.get(i.parse::<usize>().ok()?).cloned())
                    .collect();
                Some(Item { text, labels })
            })
            .collect(),
    )
}

fn read_semeval(dir: &Path, file: &str) -> Option<Vec<Item>> {
    let bytes = std::fs::read(dir.join("semeval2019_task9").join(file)).ok()?;
    // The file mixes encodings: read it lossily, the labels are ASCII.
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    Some(
        reader
            .records()
            .filter_map(Result::ok)
            .filter_map(|r| {
                let label = r.get(2)?.trim();
                let mut labels = HashSet::new();
                if label == "1" {
                    labels.insert("suggestion".to_owned());
                }
                Some(Item {
                    text: r.get(1)?.to_owned(),
                    labels,
                })
            })
            .collect(),
    )
}

fn read_so(dir: &Path) -> Option<Vec<Item>> {
    let text = std::fs::read_to_string(dir.join("so_emotions/dev.jsonl")).ok()?;
    Some(
        text.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| Item {
                text: v["text"].as_str().unwrap_or("").to_owned(),
                labels: interviews::strings(&v["gold"]).collect(),
            })
            .collect(),
    )
}

/// The default pull of learned weights towards their priors (`--l2`).
const L2: f64 = 0.5;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let by_rule = args.iter().any(|a| a == "--by-rule");
    let show: usize = flag("--errors").and_then(|n| n.parse().ok()).unwrap_or(0);
    let rules_dir = flag("--rules").map(PathBuf::from);
    let dir = std::env::var_os("JTBD_EVAL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval"));
    if !dir.is_dir() {
        eprintln!(
            "no evaluation data at {} (set JTBD_EVAL_DIR): nothing scored",
            dir.display()
        );
        std::process::exit(1);
    }
    let mut rules = RuleSet::load(rules_dir.as_deref()).unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(2)
    });

    let min_confidence: f64 = flag("--min-confidence")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    let l2: f64 = flag("--l2").and_then(|n| n.parse().ok()).unwrap_or(L2);
    let has = |name: &str| args.iter().any(|a| a == name);
    match interviews::read(&dir) {
        Some(items) if has("--learn") => {
            let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/jtbd-extract/data/rules");
            cv::learn_into_files(&mut rules, &items, l2, &out);
            return;
        }
        Some(items) if flag("--fires").is_some() => {
            // Every sentence a rule fires on (whatever the threshold), with its labels.
            let prefix = flag("--fires").map_or("", String::as_str);
            for item in &items {
                let ids: Vec<&str> = rules
                    .evidence(&item.text)
                    .iter()
                    .map(|&(r, _)| rules.rules()[r].id.as_str())
                    .filter(|id| id.starts_with(prefix))
                    .collect();
                if !ids.is_empty() {
                    println!("{:?} {} <- {}", item.labels, item.text, ids.join(", "));
                }
            }
            return;
        }
        Some(items) if has("--cv") => {
            cv::score(&mut rules, &items, false, l2);
            cv::score(&mut rules, &items, true, l2);
            return;
        }
        Some(items) => {
            interviews::score(&rules, &items, min_confidence, show, by_rule);
            in_situ::score(&dir, &rules, &items);
            cv::score(&mut rules, &items, true, l2);
        }
        None => println!("interviews: data missing (interviews/labelled.jsonl)\n"),
    }
    if flag("--only").is_some_and(|s| s == "interviews") {
        return;
    }

    let train = flag("--split").is_some_and(|s| s == "train");
    let (goemotions, semeval) = if train {
        (
            read_goemotions(&dir, "train.tsv"),
            read_semeval(&dir, "subtask_a_train.csv"),
        )
    } else {
        (
            read_goemotions(&dir, "dev.tsv"),
            read_semeval(&dir, "subtask_a_trial.csv"),
        )
    };
    println!(
        "split: {}",
        if train {
            "train (GoEmotions train.tsv, SemEval-A subtask_a_train.csv; SO dev)"
        } else {
            "dev (GoEmotions dev.tsv, SemEval-A subtask_a_trial.csv, SO dev.jsonl)"
        }
    );
    let so = read_so(&dir);
    let sets: Vec<(&'static str, Option<&Vec<Item>>)> = vec![
        ("goemotions", goemotions.as_ref()),
        ("semeval-a", semeval.as_ref()),
        ("so", so.as_ref()),
    ];
    let rows = [
        Row {
            set: "goemotions",
            force: Force::Anxiety,
            core: &["fear", "nervousness"],
            ambiguous: &["confusion", "embarrassment"],
        },
        Row {
            set: "goemotions",
            force: Force::Frustration,
            core: &["annoyance", "anger", "disappointment"],
            ambiguous: &["disapproval", "disgust", "sadness"],
        },
        Row {
            set: "goemotions",
            force: Force::DesiredProgress,
            core: &["desire"],
            ambiguous: &["optimism", "caring", "curiosity"],
        },
        Row {
            set: "semeval-a",
            force: Force::DesiredProgress,
            core: &["suggestion"],
            ambiguous: &[],
        },
        Row {
            set: "so",
            force: Force::Anxiety,
            core: &["fear"],
            ambiguous: &[],
        },
        Row {
            set: "so",
            force: Force::Frustration,
            core: &["anger"],
            ambiguous: &["sadness"],
        },
    ];
    const HEADER: [&str; 10] = [
        "set", "force", "pos", "neg", "tp", "fp", "fn", "P", "R", "F1",
    ];
    println!(
        "{:<16} {:<17} {:>5} {:>5} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6}  ambiguous flagged",
        HEADER[0],
        HEADER[1],
        HEADER[2],
        HEADER[3],
        HEADER[4],
        HEADER[5],
        HEADER[6],
        HEADER[7],
        HEADER[8],
        HEADER[9]
    );
    for row in &rows {
        let Some(items) = sets
            .iter()
            .find(|(n, _)| *n == row.set)
            .and_then(|(_, s)| *s)
        else {
            println!("{:<16} {:<17} (data missing)", row.set, row.force.as_str());
            continue;
        };
        let mut counts = Counts::default();
        let (mut neg, mut amb, mut amb_hit) = (0, 0, 0);
        let (mut fps, mut fns) = (Vec::new(), Vec::new());
        // Per rule: fired on positives, negatives, ambiguous items.
        let mut per_rule = vec![[0usize; 3]; rules.rules().len()];
        for item in items {
            let classified = rules.classify(&item.text);
            let hit = classified.hits.iter().find(|h| h.force == row.force);
            let predicted = hit.is_some();
            let is_core = row.core.iter().any(|c| item.labels.contains(*c));
            let is_amb = row.ambiguous.iter().any(|c| item.labels.contains(*c));
            let bucket = match (is_core, is_amb) {
                (true, _) => 0,
                (false, true) => 2,
                (false, false) => 1,
            };
            for &r in hit.map_or(&[][..], |h| &h.rules[..]) {
                per_rule[r][bucket] += 1;
            }
            if is_amb && !is_core {
                amb += 1;
                amb_hit += usize::from(predicted);
                continue;
            }
            counts.add(is_core, predicted);
            neg += usize::from(!is_core);
            if is_core && !predicted {
                fns.push(item.text.clone());
            } else if let Some(h) = hit.filter(|_| !is_core) {
                let ids: Vec<&str> = h
                    .rules
                    .iter()
                    .map(|&r| rules.rules()[r].id.as_str())
                    .collect();
                fps.push(format!("{}  <- {}", item.text, ids.join(", ")));
            }
        }
        let (p, r, f1) = counts.prf();
        println!(
            "{:<16} {:<17} {:>5} {neg:>5} {:>5} {:>5} {:>5} {p:>6.3} {r:>6.3} {f1:>6.3}  {amb_hit}/{amb}",
            row.set,
            row.force.as_str(),
            counts.pos,
            counts.tp,
            counts.fp,
            counts.fneg
        );
        if by_rule {
            for (r, [p, n, a]) in per_rule.iter().enumerate() {
                if p + n + a > 0 {
                    println!(
                        "    {:<44} pos {p:>5}  neg {n:>5}  amb {a:>5}  P {:.3}",
                        rules.rules()[r].id,
                        ratio(*p, p + n)
                    );
                }
            }
        }
        for t in fps.iter().take(show) {
            println!("    FP  {t}");
        }
        for t in fns.iter().take(show) {
            println!("    FN  {t}");
        }
    }
}
