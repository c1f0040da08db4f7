//! How often the rules and the reviewers agree: per force, the share of reviewed signals a
//! reviewer kept (precision), and Cohen's kappa between the rules and each reviewer and between
//! every two reviewers over the signals both reviewed.
//!
//! Each judgement is a label over the forces and "no force": the rules label a signal with its
//! force (and a reviewer's addition with "no force": they missed it); a reviewer labels it with
//! the force they accept, recode to or add, or "no force" when they reject it. An addition
//! counts only where it applied (one sentence of an interviewee in a file read: the signal
//! `extract` adds), as the pass over the folder found ([`Heard`]); one refused is an error of
//! the file, never a label.

use crate::corrections::{Corrections, Verdict};
use crate::heard::Heard;
use jtbd_model::{Force, PerForce};
use std::collections::BTreeMap;

/// Who gave verdicts without a `by`.
pub const ANONYMOUS: &str = "(no \"by\")";

/// One force's reviewed signals.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ForcePrecision {
    /// Signals of this force a reviewer judged (their last verdict).
    pub reviewed: usize,
    /// Of those, the ones accepted.
    pub accepted: usize,
}

impl ForcePrecision {
    /// Accepted over reviewed; `None` with nothing reviewed.
    pub fn precision(&self) -> Option<f64> {
        (self.reviewed > 0).then(|| self.accepted as f64 / self.reviewed as f64)
    }
}

/// Below this many items in common, a kappa is too few to trust: one judgement more or less
/// moves it a lot.
pub const MIN_ITEMS: usize = 10;

/// Agreement between two judges over the items both judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Kappa {
    /// `rules` or a reviewer's `by`.
    pub a: String,
    pub b: String,
    pub items: usize,
    /// Share of items with the same label.
    pub observed: f64,
    /// Cohen's kappa; `None` when chance agreement is total (every label the same on both sides)
    /// or there is no item.
    pub kappa: Option<f64>,
}

impl Kappa {
    /// Computed over fewer than [`MIN_ITEMS`] items: shown, but not to be trusted.
    pub fn too_few(&self) -> bool {
        self.items < MIN_ITEMS
    }
}

/// Every figure of a corrections file against the signals it names.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub precision: PerForce<ForcePrecision>,
    /// The rules against each reviewer, by `by`.
    pub rules_vs: Vec<Kappa>,
    /// Every two reviewers with signals in common.
    pub between: Vec<Kappa>,
    /// Lines whose signal id names no signal found (the transcript changed, or a typo).
    pub unmatched: Vec<usize>,
    /// Signals the rules missed: the places additions that applied name, each once.
    pub additions: usize,
}

/// A label: a force's index, or `NONE`.
type Label = usize;
const NONE: Label = Force::ALL.len();

fn label(force: Option<Force>) -> Label {
    force.map_or(NONE, Force::index)
}

impl Agreement {
    /// The figures of `corrections`; `found` gives the rules' force of a signal id, `None` for an
    /// id no signal has; `heard` which additions applied in the pass that found them.
    pub fn compute(
        corrections: &Corrections,
        found: &dyn Fn(&str) -> Option<Force>,
        heard: &Heard,
    ) -> Agreement {
        let applied = heard.applied_additions(corrections);
        // Each reviewer's last label of each item, and the rules' label of it.
        let mut by_reviewer: BTreeMap<&str, BTreeMap<String, Label>> = BTreeMap::new();
        let mut rules: BTreeMap<String, Label> = BTreeMap::new();
        let mut unmatched = Vec::new();
        let mut added = std::collections::BTreeSet::new();
        for (k, c) in corrections.verdicts.iter().enumerate() {
            let who = c.by.as_deref().unwrap_or(ANONYMOUS);
            let (item, rules_label, theirs) = match &c.verdict {
                Verdict::Add { .. } if !applied.get(k).copied().unwrap_or(false) => continue,
                Verdict::Add { force, .. } => {
                    let item = c.verdict.item();
                    added.insert(item.clone());
                    (item, NONE, Some(*force))
                }
                v => {
                    let id = v.signal().unwrap_or_default();
                    let Some(f) = found(id) else {
                        unmatched.push(c.line);
                        continue;
                    };
                    (id.to_owned(), label(Some(f)), v.force(f))
                }
            };
            rules.insert(item.clone(), rules_label);
            by_reviewer
                .entry(who)
                .or_default()
                .insert(item, label(theirs));
        }
        // Precision: the last verdict of any reviewer on each signal the rules found.
        let mut last: BTreeMap<&str, (Force, bool)> = BTreeMap::new();
        for c in &corrections.verdicts {
            let Some(id) = c.verdict.signal() else {
                continue;
            };
            if let Some(f) = found(id) {
                last.insert(id, (f, matches!(c.verdict, Verdict::Accept { .. })));
            }
        }
        let mut precision = PerForce::<ForcePrecision>::default();
        for (force, accepted) in last.into_values() {
            let p = &mut precision[force];
            p.reviewed += 1;
            p.accepted += usize::from(accepted);
        }
        let rules_vs = by_reviewer
            .iter()
            .map(|(who, theirs)| kappa("rules", &rules, who, theirs))
            .collect();
        let reviewers: Vec<_> = by_reviewer.iter().collect();
        let mut between = Vec::new();
        for (i, (a, la)) in reviewers.iter().enumerate() {
            for (b, lb) in &reviewers[i + 1..] {
                let k = kappa(a, la, b, lb);
                if k.items > 0 {
                    between.push(k);
                }
            }
        }
        Agreement {
            precision,
            rules_vs,
            between,
            unmatched,
            additions: added.len(),
        }
    }
}

/// Cohen's kappa of two judges over the items both labelled.
fn kappa(a: &str, la: &BTreeMap<String, Label>, b: &str, lb: &BTreeMap<String, Label>) -> Kappa {
    let mut table = [[0usize; NONE + 1]; NONE + 1];
    let mut items = 0;
    for (item, &x) in la {
        if let Some(&y) = lb.get(item) {
            table[x][y] += 1;
            items += 1;
        }
    }
    let (observed, kappa) = cohen(&table);
    Kappa {
        a: a.to_owned(),
        b: b.to_owned(),
        items,
        observed,
        kappa,
    }
}

/// The share of agreement and Cohen's kappa of a square table of two judges' labels (rows one
/// judge's, columns the other's): `(0, None)` with no item, kappa `None` when chance agreement
/// is total.
pub(crate) fn cohen<const K: usize>(table: &[[usize; K]; K]) -> (f64, Option<f64>) {
    let items: usize = table.iter().flatten().sum();
    if items == 0 {
        return (0.0, None);
    }
    let n = items as f64;
    let po = (0..K).map(|i| table[i][i]).sum::<usize>() as f64 / n;
    let pe = (0..K)
        .map(|i| {
            let row: usize = table[i].iter().sum();
            let col: usize = table.iter().map(|r| r[i]).sum();
            (row as f64 / n) * (col as f64 / n)
        })
        .sum::<f64>();
    (po, (pe < 1.0).then(|| (po - pe) / (1.0 - pe)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn found(id: &str) -> Option<Force> {
        match id.as_bytes().first() {
            Some(b'a') => Some(Force::Anxiety),
            Some(b'f') => Some(Force::Frustration),
            Some(b'd') => Some(Force::DesiredProgress),
            _ => None,
        }
    }

    /// The figures of `lines`, every addition applied (as to a file read).
    fn agreement(lines: &[&str]) -> Agreement {
        let text = lines.join("\n");
        let c = Corrections::parse(Path::new("c.jsonl"), &text);
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        let mut heard = Heard::new(&c);
        heard.hear(&vec![true; c.verdicts.len()], Vec::new());
        Agreement::compute(&c, &found, &heard)
    }

    #[test]
    fn precision_counts_the_last_verdict_of_each_reviewed_signal() {
        let a = agreement(&[
            r#"{"signal": "a1", "verdict": "accept"}"#,
            r#"{"signal": "a2", "verdict": "reject"}"#,
            r#"{"signal": "a2", "verdict": "accept", "by": "kim"}"#,
            r#"{"signal": "f1", "verdict": "recode", "force": "anxiety"}"#,
            r#"{"signal": "x9", "verdict": "reject"}"#,
        ]);
        assert_eq!(
            a.precision[Force::Anxiety],
            ForcePrecision {
                reviewed: 2,
                accepted: 2
            }
        );
        assert_eq!(a.precision[Force::Frustration].precision(), Some(0.0));
        assert_eq!(a.precision[Force::DesiredProgress].precision(), None);
        assert_eq!(a.unmatched, [5]);
    }

    /// The textbook case: 50 items, two judges, yes/no; 20 both yes, 15 both no, 5 yes/no and
    /// 10 no/yes gives po = 0.7, pe = 0.5, kappa = 0.4.
    #[test]
    fn kappa_between_reviewers_is_cohens() {
        let mut lines = Vec::new();
        let mut push = |i: usize, dana: &str, kim: &str| {
            for (who, v) in [("dana", dana), ("kim", kim)] {
                lines.push(format!(
                    r#"{{"signal": "d{i}", "verdict": "{v}", "by": "{who}"}}"#
                ));
            }
        };
        for i in 0..50 {
            match i {
                0..20 => push(i, "accept", "accept"),
                20..35 => push(i, "reject", "reject"),
                35..40 => push(i, "accept", "reject"),
                _ => push(i, "reject", "accept"),
            }
        }
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let a = agreement(&refs);
        assert_eq!(a.between.len(), 1);
        let k = &a.between[0];
        assert_eq!((k.a.as_str(), k.b.as_str(), k.items), ("dana", "kim", 50));
        assert!((k.observed - 0.7).abs() < 1e-9);
        assert!((k.kappa.unwrap() - 0.4).abs() < 1e-9, "{k:?}");
        // The rules said "desired progress" of every one: their labels never vary, so chance
        // agreement equals observed agreement and kappa is 0.
        let dana = a.rules_vs.iter().find(|k| k.b == "dana").unwrap();
        assert_eq!(dana.items, 50);
        assert!((dana.observed - 0.5).abs() < 1e-9);
        assert!(dana.kappa.unwrap().abs() < 1e-9);
    }

    #[test]
    fn an_addition_is_a_signal_the_rules_missed() {
        let a = agreement(&[
            r#"{"signal": "a1", "verdict": "accept", "by": "kim"}"#,
            r#"{"verdict": "add", "path": "x.txt", "byte_start": 1, "byte_end": 9, "force": "anxiety", "by": "kim"}"#,
        ]);
        let k = &a.rules_vs[0];
        assert_eq!((k.items, k.observed), (2, 0.5));
        // Kappa over the two labels: rules (anxiety, none), kim (anxiety, anxiety): pe = 0.5.
        assert_eq!(k.kappa, Some(0.0));
        assert_eq!(a.additions, 1);
        assert!(k.too_few());
    }

    /// An addition the pass refused (an interviewer's words, not one sentence) or whose file
    /// was not read is no judgement: the figures are those without it.
    #[test]
    fn an_addition_that_did_not_apply_is_not_counted() {
        let text = concat!(
            "{\"signal\": \"a1\", \"verdict\": \"accept\", \"by\": \"kim\"}\n",
            "{\"verdict\": \"add\", \"path\": \"x.txt\", \"byte_start\": 1, \"byte_end\": 9, \"force\": \"anxiety\", \"by\": \"kim\"}\n",
            "{\"verdict\": \"add\", \"path\": \"gone.txt\", \"byte_start\": 1, \"byte_end\": 9, \"force\": \"anxiety\", \"by\": \"kim\"}\n",
        );
        let c = Corrections::parse(Path::new("c.jsonl"), text);
        let mut heard = Heard::new(&c);
        heard.hear(
            &[true, true, false],
            vec![crate::CorrectionError {
                file: c.file.clone(),
                line: 2,
                problem: "x.txt: an interviewer's words".into(),
            }],
        );
        let a = Agreement::compute(&c, &found, &heard);
        let k = &a.rules_vs[0];
        assert_eq!((k.items, k.observed, k.kappa), (1, 1.0, None));
        assert_eq!(a.additions, 0);
    }

    #[test]
    fn total_agreement_on_one_label_has_no_kappa() {
        let a = agreement(&[r#"{"signal": "a1", "verdict": "accept"}"#]);
        let k = &a.rules_vs[0];
        assert_eq!(
            (k.b.as_str(), k.items, k.observed, k.kappa),
            (ANONYMOUS, 1, 1.0, None)
        );
    }
}
