//! Learning from the verdicts: the rules' weights fitted to what the team said of the sentences
//! it reviewed (`jtbd rules tune`), with the agreement before and after.
//!
//! Each reviewed sentence says, for some forces, whether it has them: an acceptance that it has
//! the rules' force, a rejection that it has not, a recode that it has not the old force and has
//! the new one, an addition that it has the added force. The weights of each force's rules are
//! then learned from those sentences by the same regression `just eval --learn` runs over the
//! labelled interviews ([`jtbd_extract::learn::learn_rules`]), each held near the weight it has
//! now, so a rule the reviewed sentences never fire keeps it.
//!
//! Agreement is counted over the (sentence, force) decisions the team made, each sentence read
//! alone (as a rule's examples are: without the interviewer's question before it). The figures
//! after tuning are given twice: on the very sentences learned from (which flatters them) and
//! held out, each fifth of the sentences scored with weights learned on the other four.

use crate::corrections::{Corrections, Verdict};
use jtbd_extract::{RuleSet, learn};
use jtbd_model::{Force, PerForce};
use std::collections::BTreeMap;
use std::path::Path;

/// A sentence a reviewer judged, and what they said of each force (`None`: nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub text: String,
    pub labels: PerForce<Option<bool>>,
}

/// The sentences the verdicts judge, each once, with what the last verdict on each signal (and
/// on each added place) says of its forces: as `extract` applies them, a later verdict on a
/// signal replaces an earlier one. `found` gives a signal id's force and sentence (`None` for an
/// id no signal has, which counts nowhere); `added` the sentence at an addition's place;
/// `applied[k]` whether verdict k, an addition, applied (one interviewee sentence of a file
/// read: [`crate::Heard::applied_additions`]).
pub fn judged(
    corrections: &Corrections,
    found: &dyn Fn(&str) -> Option<(Force, String)>,
    added: &dyn Fn(&Path, usize, usize) -> Option<String>,
    applied: &[bool],
) -> Vec<Judged> {
    // The last verdict on each signal and on each added place.
    let mut last: BTreeMap<String, usize> = BTreeMap::new();
    for (k, c) in corrections.verdicts.iter().enumerate() {
        last.insert(c.verdict.item(), k);
    }
    let latest: std::collections::BTreeSet<usize> = last.into_values().collect();
    // By sentence, so verdicts on the signals of one sentence meet; in file order.
    let mut by_text: BTreeMap<String, (usize, PerForce<Option<bool>>)> = BTreeMap::new();
    for (k, c) in corrections.verdicts.iter().enumerate() {
        if !latest.contains(&k) {
            continue;
        }
        let (text, said) = match &c.verdict {
            Verdict::Add {
                path,
                byte_start,
                byte_end,
                force,
            } => {
                if !applied.get(k).copied().unwrap_or(false) {
                    continue;
                }
                match added(path, *byte_start, *byte_end) {
                    Some(text) => (text, vec![(*force, true)]),
                    None => continue,
                }
            }
            v => {
                let Some((force, text)) = v.signal().and_then(found) else {
                    continue;
                };
                let said = match v {
                    Verdict::Accept { .. } => vec![(force, true)],
                    Verdict::Reject { .. } => vec![(force, false)],
                    Verdict::Recode { force: to, .. } => vec![(force, false), (*to, true)],
                    Verdict::Add { .. } => Vec::new(),
                };
                (text, said)
            }
        };
        let order = by_text.len();
        let entry = by_text.entry(text).or_insert((order, PerForce::default()));
        for (force, has) in said {
            entry.1[force] = Some(has);
        }
    }
    let mut out: Vec<(usize, Judged)> = by_text
        .into_iter()
        .map(|(text, (order, labels))| (order, Judged { text, labels }))
        .collect();
    out.sort_by_key(|(order, _)| *order);
    out.into_iter().map(|(_, j)| j).collect()
}

/// How often the rules decide as the team did, over its (sentence, force) decisions.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Decisions {
    /// Decisions of each force, and of those how many the rules share.
    pub judged: PerForce<usize>,
    pub agreed: PerForce<usize>,
    /// Cohen's kappa over all of them (has the force or not); `None` when chance agreement is
    /// total or nothing was judged.
    pub kappa: Option<f64>,
}

impl Decisions {
    /// Agreed over judged, all forces together; `None` when nothing was judged.
    pub fn observed(&self) -> Option<f64> {
        let judged: usize = Force::ALL.iter().map(|f| self.judged[*f]).sum();
        let agreed: usize = Force::ALL.iter().map(|f| self.agreed[*f]).sum();
        (judged > 0).then(|| agreed as f64 / judged as f64)
    }
}

/// One rule whose weight tuning moves.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub rule: String,
    pub force: Force,
    pub from: f64,
    pub to: f64,
    /// Reviewed sentences it fires in.
    pub fires: usize,
}

/// What tuning proposes and what it would change.
#[derive(Debug, Clone, PartialEq)]
pub struct Tuned {
    /// Sentences judged.
    pub sentences: usize,
    /// Rules whose weight moves by at least [`MOVE`], the largest move first.
    pub changes: Vec<Change>,
    /// Each force's threshold before (tuned weights are read at the model's 0.5).
    pub thresholds: PerForce<f64>,
    pub before: Decisions,
    /// With the tuned weights, on the sentences they were learned from.
    pub after: Decisions,
    /// With weights learned without the sentence scored (five folds); `None` under
    /// [`MIN_HELD_OUT`] sentences.
    pub held_out: Option<Decisions>,
}

/// A move of a weight smaller than this is no proposal.
pub const MOVE: f64 = 0.005;
/// Fewer sentences than this are too few to hold a fifth out.
pub const MIN_HELD_OUT: usize = 10;
const FOLDS: usize = 5;

/// Tunes `rules` to `judged` (penalty `l2` towards each rule's weight now).
/// `rules` is handed back as it came.
pub fn tune(rules: &mut RuleSet, judged: &[Judged], l2: f64) -> Tuned {
    let evidence: Vec<learn::Row> = judged.iter().map(|j| rules.evidence(&j.text)).collect();
    let label = |i: usize, f: Force| judged.get(i).and_then(|j| j.labels[f]);
    let all: Vec<usize> = (0..judged.len()).collect();
    let as_given = Saved::of(rules);
    let predict = |set: &RuleSet, i: usize| -> PerForce<bool> {
        let mut out = PerForce::<bool>::default();
        for h in set.classify(&judged[i].text).hits {
            out[h.force] = true;
        }
        out
    };
    let before = decisions(judged, &all, &|i| predict(rules, i));
    let learned = |rules: &mut RuleSet, train: &[usize]| {
        learn::learn_rules(
            rules,
            &evidence,
            train,
            &label,
            &Force::ALL,
            learn::Start::Weight,
            l2,
        );
        // A rule no reviewed sentence fires keeps its weight exactly (the regression's round
        // trip clamps a weight of 1 to 0.99).
        for (r, &w) in as_given.weights.iter().enumerate() {
            if !evidence.iter().any(|e| e.iter().any(|x| x.0 == r)) {
                rules.set_weight(r, w);
            }
        }
    };
    learned(rules, &all);
    let after = decisions(judged, &all, &|i| predict(rules, i));
    let mut changes: Vec<Change> = rules
        .rules()
        .iter()
        .zip(&as_given.weights)
        .enumerate()
        .filter(|(_, (b, from))| (b.weight - **from).abs() >= MOVE)
        .map(|(r, (b, from))| Change {
            rule: b.id.clone(),
            force: b.force,
            from: *from,
            to: b.weight,
            fires: evidence
                .iter()
                .filter(|e| e.iter().any(|x| x.0 == r))
                .count(),
        })
        .collect();
    changes.sort_by(|a, b| {
        (b.to - b.from)
            .abs()
            .total_cmp(&(a.to - a.from).abs())
            .then_with(|| a.rule.cmp(&b.rule))
    });
    let held_out = (judged.len() >= MIN_HELD_OUT).then(|| {
        let mut predicted = vec![PerForce::<bool>::default(); judged.len()];
        for fold in 0..FOLDS {
            let train: Vec<usize> = all.iter().copied().filter(|i| i % FOLDS != fold).collect();
            as_given.restore(rules);
            learned(rules, &train);
            for i in all.iter().copied().filter(|i| i % FOLDS == fold) {
                predicted[i] = predict(rules, i);
            }
        }
        decisions(judged, &all, &|i| predicted[i])
    });
    as_given.restore(rules);
    Tuned {
        sentences: judged.len(),
        changes,
        thresholds: as_given.thresholds,
        before,
        after,
        held_out,
    }
}

/// A rule set's weights and thresholds, to hand it back as it came.
struct Saved {
    weights: Vec<f64>,
    thresholds: PerForce<f64>,
}

impl Saved {
    fn of(rules: &RuleSet) -> Saved {
        let mut thresholds = PerForce::<f64>::default();
        for f in Force::ALL {
            thresholds[f] = rules.threshold(f);
        }
        Saved {
            weights: rules.rules().iter().map(|r| r.weight).collect(),
            thresholds,
        }
    }

    fn restore(&self, rules: &mut RuleSet) {
        for (r, &w) in self.weights.iter().enumerate() {
            rules.set_weight(r, w);
        }
        for f in Force::ALL {
            rules.set_threshold(f, self.thresholds[f]);
        }
    }
}

/// The rules' decisions (`predicted`) against the team's, over the sentences `items`.
fn decisions(
    judged: &[Judged],
    items: &[usize],
    predicted: &dyn Fn(usize) -> PerForce<bool>,
) -> Decisions {
    let mut d = Decisions::default();
    // Rows: the team's decision, columns: the rules' (no, yes).
    let mut table = [[0usize; 2]; 2];
    for &i in items {
        let p = predicted(i);
        for f in Force::ALL {
            let Some(theirs) = judged[i].labels[f] else {
                continue;
            };
            d.judged[f] += 1;
            d.agreed[f] += usize::from(theirs == p[f]);
            table[usize::from(theirs)][usize::from(p[f])] += 1;
        }
    }
    d.kappa = crate::agreement::cohen(&table).1;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corrections(lines: &[&str]) -> Corrections {
        let c = Corrections::parse(Path::new("c.jsonl"), &lines.join("\n"));
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        c
    }

    #[test]
    fn verdicts_become_what_the_team_says_of_each_force() {
        let c = corrections(&[
            r#"{"signal": "s1", "verdict": "accept"}"#,
            r#"{"signal": "s2", "verdict": "reject"}"#,
            r#"{"signal": "s3", "verdict": "recode", "force": "frustration"}"#,
            r#"{"verdict": "add", "path": "a.md", "byte_start": 1, "byte_end": 9, "force": "anxiety"}"#,
            r#"{"signal": "gone", "verdict": "accept"}"#,
            r#"{"signal": "s1", "verdict": "reject"}"#,
        ]);
        let found = |id: &str| match id {
            "s1" => Some((Force::Anxiety, "We fear the audit.".to_owned())),
            "s2" => Some((Force::DesiredProgress, "We want lunch.".to_owned())),
            "s3" => Some((Force::Anxiety, "The build is slow.".to_owned())),
            _ => None,
        };
        let added = |_: &Path, a: usize, b: usize| (a, b).eq(&(1, 9)).then(|| "Z".to_owned());
        let applied = vec![true; c.verdicts.len()];
        let j = judged(&c, &found, &added, &applied);
        let texts: Vec<&str> = j.iter().map(|j| j.text.as_str()).collect();
        // In the order of each one's last verdict.
        assert_eq!(
            texts,
            [
                "We want lunch.",
                "The build is slow.",
                "Z",
                "We fear the audit."
            ]
        );
        assert_eq!(j[0].labels[Force::DesiredProgress], Some(false));
        assert_eq!(j[1].labels[Force::Anxiety], Some(false));
        assert_eq!(j[1].labels[Force::Frustration], Some(true));
        assert_eq!(j[1].labels[Force::DesiredProgress], None);
        assert_eq!(j[2].labels[Force::Anxiety], Some(true));
        // The last word on the audit sentence is a rejection: the acceptance before it is gone.
        assert_eq!(j[3].labels[Force::Anxiety], Some(false));
        // An addition that did not apply (an interviewer's words) says nothing.
        let mut applied = vec![true; c.verdicts.len()];
        applied[3] = false;
        let j = judged(&c, &found, &added, &applied);
        assert!(j.iter().all(|j| j.text != "Z"));
    }

    #[test]
    fn a_later_verdict_replaces_an_earlier_one_on_the_same_signal() {
        let c = corrections(&[
            r#"{"signal": "s3", "verdict": "recode", "force": "frustration"}"#,
            r#"{"signal": "s3", "verdict": "reject"}"#,
        ]);
        let found = |_: &str| Some((Force::Anxiety, "The build is slow.".to_owned()));
        let j = judged(&c, &found, &|_: &Path, _, _| None, &[false, false]);
        assert_eq!(j.len(), 1);
        assert_eq!(j[0].labels[Force::Anxiety], Some(false));
        assert_eq!(j[0].labels[Force::Frustration], None);
    }

    #[test]
    fn rejections_lower_the_weights_of_the_rules_that_fired_and_agreement_rises() {
        let mut rules = RuleSet::embedded().unwrap_or_else(|e| panic!("{e}"));
        // Sentences the embedded rules read as frustration, each rejected by the team.
        let texts = [
            "The rollout was painful for everyone.",
            "Honestly the migration was painful.",
            "It was painful to watch the demo.",
            "The dinner was painful, too long.",
            "That talk was painful to sit through.",
            "The painful part was the parking.",
            "It is painful to say goodbye.",
            "Reading the menu was painful.",
            "The flight was painful.",
            "The queue was painful this morning.",
            "Painful as it was, we laughed.",
            "The song was painful to hear.",
        ];
        let judged: Vec<Judged> = texts
            .iter()
            .map(|t| {
                let mut labels = PerForce::<Option<bool>>::default();
                labels[Force::Frustration] = Some(false);
                Judged {
                    text: (*t).to_owned(),
                    labels,
                }
            })
            .collect();
        let found: usize = judged
            .iter()
            .filter(|j| {
                rules
                    .classify(&j.text)
                    .hits
                    .iter()
                    .any(|h| h.force == Force::Frustration)
            })
            .count();
        assert!(found > 6, "{found} of the sentences read as frustration");
        let weights: Vec<f64> = rules.rules().iter().map(|r| r.weight).collect();
        let t = tune(&mut rules, &judged, 0.5);
        // The rule set comes back as it went in.
        assert_eq!(
            weights,
            rules.rules().iter().map(|r| r.weight).collect::<Vec<_>>()
        );
        assert!(!t.changes.is_empty());
        assert!(
            t.changes
                .iter()
                .all(|c| c.force == Force::Frustration && c.to < c.from)
        );
        let (before, after) = (t.before.observed().unwrap(), t.after.observed().unwrap());
        assert!(after > before, "{before} -> {after}");
        assert!(t.held_out.is_some());
        assert_eq!(t.sentences, texts.len());
    }
}
