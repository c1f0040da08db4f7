//! Rule weights learned from labelled sentences: a logistic regression per force over the
//! rules' evidence.
//!
//! A force's confidence is `1 - Π(1 - w_r)` over the rules that fired, each rule's evidence
//! `-ln(1 - w_r)` scaled by what the modifiers leave of it (`x_r`, 1 for a plain firing, 0 when
//! it did not fire): the force is reported when `Σ β_r x_r ≥ -ln(1 - t)`, with
//! `β_r = -ln(1 - w_r)`. That is a linear classifier over the rules, so its weights are those of
//! a logistic regression:
//!
//! `P(force | sentence) = σ(k · (Σ β_r x_r - ln 2))`
//!
//! with `β_r ≥ 0` (a rule is evidence for its force, never against it), the boundary at
//! confidence 0.5 (`ln 2`), a fixed scale `k`, and a Gaussian prior that holds each `β_r` near the
//! hand-set weight it starts from: a rule that rarely fires in the labelled interviews (an
//! angry word, a profanity) keeps about its weight, one that fires often moves to what the
//! sentences say. The threshold is the model's boundary, 0.5 ([`learn_rules`] sets it; `just
//! eval --cv`, `--learn` and `jtbd rules tune` learn through it). [`fit`] is the plain solver,
//! tested against a known result.

/// One training row: the features that are not zero, as (feature, value).
pub type Row = Vec<(usize, f64)>;

/// A fitted model: `σ(intercept + offset + Σ coef_j x_j)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The intercept (0 when it was not fitted).
    pub intercept: f64,
    /// One coefficient per feature.
    pub coef: Vec<f64>,
}

/// How [`fit`] runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Added to every row's logit (a fixed intercept, as the weights' scale needs).
    pub offset: f64,
    /// Added to each row's logit besides (what features not learned contribute); empty for 0.
    pub row_offsets: Vec<f64>,
    /// Whether to fit an intercept (never penalised).
    pub intercept: bool,
    /// Per feature, the mean of its Gaussian prior (an L2 penalty towards it); empty for 0.
    pub prior_mean: Vec<f64>,
    /// The penalty's strength, `λ/2 · Σ (coef_j - mean_j)²`; 0 for plain maximum likelihood.
    pub l2: f64,
    /// Keep every coefficient at 0 or above.
    pub non_negative: bool,
    /// Gradient steps.
    pub iterations: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            offset: 0.0,
            row_offsets: Vec::new(),
            intercept: true,
            prior_mean: Vec::new(),
            l2: 0.0,
            non_negative: false,
            iterations: 20_000,
        }
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Fits a logistic regression of `labels` on `rows` (`features` columns) by projected gradient
/// descent on the penalised log-loss (a convex problem: the step `1/L` converges to its one
/// minimum).
pub fn fit(rows: &[Row], labels: &[bool], features: usize, opts: &Options) -> Fit {
    let mean = |j: usize| opts.prior_mean.get(j).copied().unwrap_or(0.0);
    let mut coef: Vec<f64> = (0..features).map(mean).collect();
    if opts.non_negative {
        coef.iter_mut().for_each(|c| *c = c.max(0.0));
    }
    let mut intercept = 0.0;
    // A bound on the Hessian's largest eigenvalue: each row adds at most ¼ (1 + |x|²).
    let lipschitz = rows
        .iter()
        .map(|r| 0.25 * (1.0 + r.iter().map(|(_, v)| v * v).sum::<f64>()))
        .sum::<f64>()
        + opts.l2;
    let step = 1.0 / lipschitz.max(1e-9);
    let mut grad = vec![0.0; features];
    for _ in 0..opts.iterations {
        grad.iter_mut().for_each(|g| *g = 0.0);
        let mut grad_b = 0.0;
        for (i, (row, &y)) in rows.iter().zip(labels).enumerate() {
            let z = opts.offset
                + opts.row_offsets.get(i).copied().unwrap_or(0.0)
                + intercept
                + row.iter().map(|&(j, v)| coef[j] * v).sum::<f64>();
            let err = sigmoid(z) - f64::from(u8::from(y));
            grad_b += err;
            for &(j, v) in row {
                grad[j] += err * v;
            }
        }
        for (j, c) in coef.iter_mut().enumerate() {
            *c -= step * (grad[j] + opts.l2 * (*c - mean(j)));
            if opts.non_negative && *c < 0.0 {
                *c = 0.0;
            }
        }
        if opts.intercept {
            intercept -= step * grad_b;
        }
    }
    Fit { intercept, coef }
}

/// The scale `k` of the weights' logistic model: a sentence at twice the boundary's evidence
/// is a force with probability σ(k ln 2) ≈ 0.94.
pub const SCALE: f64 = 4.0;

/// A rule's evidence `-ln(1 - w)` for a weight `w` in (0, 1].
pub fn evidence_of(weight: f64) -> f64 {
    -(1.0 - weight.min(0.99)).ln()
}

/// The weight whose evidence is `beta`, in [0.01, 0.99] as rule files hold them.
pub fn weight_of(beta: f64) -> f64 {
    (1.0 - (-beta).exp()).clamp(0.01, 0.99)
}

/// Learns the weights of one force's rules: `rows[i]` is sentence i's evidence
/// ([`crate::RuleSet::evidence`], rules of this force only, by index into `rules`),
/// `labels[i]` whether it has the force, `prior[r]` rule r's weight before, `fixed[r]` whether
/// rule r keeps it (`learn = false`: its evidence counts as it is). Returns the new weight of
/// every rule, by the model of this module's head.
pub fn learn_weights(
    rows: &[Row],
    labels: &[bool],
    prior: &[f64],
    fixed: &[bool],
    l2: f64,
) -> Vec<f64> {
    let mean: Vec<f64> = prior.iter().map(|&w| SCALE * evidence_of(w)).collect();
    let is_fixed = |j: usize| fixed.get(j).copied().unwrap_or(false);
    // A sentence where none of the rules fired says nothing about their weights (no intercept
    // is fitted): only the others are read. A fixed rule's evidence is an offset of its row.
    let mut kept = Vec::new();
    let mut kept_labels = Vec::new();
    let mut row_offsets = Vec::new();
    for (r, &y) in rows.iter().zip(labels).filter(|(r, _)| !r.is_empty()) {
        let offset: f64 = r
            .iter()
            .filter(|(j, _)| is_fixed(*j))
            .map(|&(j, v)| mean[j] * v)
            .sum();
        kept.push(r.iter().copied().filter(|(j, _)| !is_fixed(*j)).collect());
        kept_labels.push(y);
        row_offsets.push(offset);
    }
    let fitted = fit(
        &kept,
        &kept_labels,
        prior.len(),
        &Options {
            offset: -SCALE * std::f64::consts::LN_2,
            row_offsets,
            intercept: false,
            prior_mean: mean,
            l2,
            non_negative: true,
            iterations: 4_000,
        },
    );
    fitted
        .coef
        .iter()
        .enumerate()
        .map(|(j, c)| {
            if is_fixed(j) {
                prior[j]
            } else {
                weight_of(c / SCALE)
            }
        })
        .collect()
}

/// What a rule's weight is learned from, and held near where the data say little.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The hand-set `prior` of the rule files (`just eval --learn`, `--cv`).
    Prior,
    /// The weight the rule has now (`jtbd rules tune`: a team's verdicts move the weights the
    /// labelled interviews gave).
    Weight,
}

/// Learns the weights of the rules of `forces` in `rules` from people's labels, each force on
/// its own: `evidence[i]` is sentence i's ([`crate::RuleSet::evidence`]), `train` the sentences
/// learned from, `label(i, force)` whether sentence i has the force (`None` where nobody said:
/// that sentence does not count for that force). A rule with `learn = false` keeps its weight;
/// every other starts from `start`. A force no sentence of `train` speaks of is left as it is;
/// the others' thresholds become the model's boundary, 0.5.
pub fn learn_rules(
    rules: &mut crate::RuleSet,
    evidence: &[Row],
    train: &[usize],
    label: &dyn Fn(usize, crate::Force) -> Option<bool>,
    forces: &[crate::Force],
    start: Start,
    l2: f64,
) {
    for &force in forces {
        let ids: Vec<usize> = (0..rules.rules().len())
            .filter(|&r| rules.rules()[r].force == force)
            .collect();
        let mut local = vec![usize::MAX; rules.rules().len()];
        for (k, &r) in ids.iter().enumerate() {
            local[r] = k;
        }
        let mut rows: Vec<Row> = Vec::new();
        let mut labels: Vec<bool> = Vec::new();
        for &i in train {
            let (Some(y), Some(e)) = (label(i, force), evidence.get(i)) else {
                continue;
            };
            rows.push(
                e.iter()
                    .filter(|(r, _)| local.get(*r).is_some_and(|&l| l != usize::MAX))
                    .map(|&(r, x)| (local[r], x))
                    .collect(),
            );
            labels.push(y);
        }
        if labels.is_empty() {
            continue;
        }
        let prior: Vec<f64> = ids
            .iter()
            .map(|&r| match start {
                Start::Prior => rules.rules()[r].prior,
                Start::Weight => rules.rules()[r].weight,
            })
            .collect();
        let fixed: Vec<bool> = ids.iter().map(|&r| !rules.rules()[r].learn).collect();
        for (k, w) in learn_weights(&rows, &labels, &prior, &fixed, l2)
            .into_iter()
            .enumerate()
        {
            rules.set_weight(ids[k], w);
        }
        // The model's boundary is confidence 0.5 (this module's head): the threshold stays there.
        rules.set_threshold(force, 0.5);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One binary feature: of four rows without it one is positive, of four with it three
    /// are. The maximum-likelihood fit has a closed form: `σ(b) = 1/4` and `σ(b + β) = 3/4`,
    /// so `b = -ln 3` and `β = 2 ln 3`.
    #[test]
    fn fit_finds_the_known_maximum_likelihood() {
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for (x, y) in [
            (0.0, true),
            (0.0, false),
            (0.0, false),
            (0.0, false),
            (1.0, true),
            (1.0, true),
            (1.0, true),
            (1.0, false),
        ] {
            rows.push(if x > 0.0 { vec![(0, x)] } else { vec![] });
            labels.push(y);
        }
        let f = fit(&rows, &labels, 1, &Options::default());
        let ln3 = 3f64.ln();
        assert!((f.intercept + ln3).abs() < 1e-4, "{f:?}");
        assert!((f.coef[0] - 2.0 * ln3).abs() < 1e-4, "{f:?}");
    }

    #[test]
    fn the_prior_holds_a_weight_without_data_and_the_data_move_one_with_it() {
        // Rule 0 fires on three positives and a negative, rule 1 on two negatives, rule 2
        // never.
        let rows = vec![
            vec![(0, 1.0)],
            vec![(0, 1.0)],
            vec![(0, 1.0)],
            vec![(0, 1.0)],
            vec![(1, 1.0)],
            vec![(1, 1.0)],
        ];
        let labels = [true, true, true, false, false, false];
        let w = learn_weights(&rows, &labels, &[0.4, 0.7, 0.6], &[], 0.1);
        assert!(w[0] > 0.5, "{w:?}");
        assert!(w[1] < 0.5, "{w:?}");
        assert!((w[2] - 0.6).abs() < 1e-9, "{w:?}");
        // A rule that is not learned keeps its weight, and its evidence still counts in the
        // rows it fires on: rule 1, fixed, stays at 0.7 and rule 0 learns as before (they never
        // fire together).
        let fixed = learn_weights(&rows, &labels, &[0.4, 0.7, 0.6], &[false, true, false], 0.1);
        assert_eq!(fixed[1], 0.7);
        assert!((fixed[0] - w[0]).abs() < 1e-9, "{fixed:?} {w:?}");
        assert!(fixed[0] > 0.5, "{fixed:?}");
        assert!((fixed[2] - 0.6).abs() < 1e-9, "{fixed:?}");
    }

    #[test]
    fn non_negative_coefficients_stay_at_zero_or_above() {
        let rows = vec![vec![(0, 1.0)], vec![(0, 1.0)], vec![]];
        let labels = [false, false, true];
        let f = fit(
            &rows,
            &labels,
            1,
            &Options {
                non_negative: true,
                ..Options::default()
            },
        );
        assert_eq!(f.coef[0], 0.0);
    }

    #[test]
    fn weights_and_evidence_are_inverse() {
        for w in [0.1, 0.35, 0.5, 0.8] {
            assert!((weight_of(evidence_of(w)) - w).abs() < 1e-12);
        }
    }
}
