//! Scoring one text: cues, patterns, modifiers, confidence.

use crate::rules::{RuleSet, index_of};
use jtbd_model::Force;
use std::ops::Range;

/// A force found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceHit {
    /// The force.
    pub force: Force,
    /// Combined confidence of the rules that fired, 0 to 1.
    pub confidence: f64,
    /// Indices (into [`RuleSet::rules`]) of the rules that fired, in rule order.
    pub rules: Vec<usize>,
    /// Byte ranges of the cues in the text, in order.
    pub cues: Vec<Range<usize>>,
}

/// Everything found in one text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Classification {
    /// Forces at or above their threshold, in [`Force::ALL`] order.
    pub hits: Vec<ForceHit>,
}

/// One rule firing at one place.
struct Fire {
    rule: usize,
    span: Range<usize>,
    bonus: f64,
    /// From a lexicon cue (weakened in hypotheticals), not a pattern.
    cue: bool,
}

impl RuleSet {
    /// Classifies a text (a sentence, a survey answer).
    pub fn classify(&self, text: &str) -> Classification {
        let fires = self.fires(text);
        let mods = self.sentence_modifiers(text);
        let mut hits = Vec::new();
        for force in Force::ALL {
            let fi = index_of(force);
            let mut rules: Vec<(usize, f64)> = Vec::new();
            let mut cues = Vec::new();
            for f in fires.iter().filter(|f| self.rules[f.rule].force == force) {
                if mods.cancels(f) {
                    continue;
                }
                let mut w = (self.rules[f.rule].weight + f.bonus).min(0.99);
                if mods.hypothetical && f.cue {
                    w *= self.hypothetical_factor[fi];
                }
                match rules.iter_mut().find(|(r, _)| *r == f.rule) {
                    Some((_, best)) => *best = best.max(w),
                    None => rules.push((f.rule, w)),
                }
                cues.push(f.span.clone());
            }
            if rules.is_empty() {
                continue;
            }
            let mut confidence = 1.0 - rules.iter().map(|(_, w)| 1.0 - w).product::<f64>();
            if mods.speaker {
                confidence = (confidence + self.modifiers.speaker_bonus).min(0.99);
            }
            if confidence + 1e-9 < self.thresholds[fi] {
                continue;
            }
            rules.sort_unstable_by_key(|(r, _)| *r);
            cues.sort_by_key(|c| (c.start, c.end));
            cues.dedup();
            hits.push(ForceHit {
                force,
                confidence: (confidence * 1000.0).round() / 1000.0,
                rules: rules.into_iter().map(|(r, _)| r).collect(),
                cues,
            });
        }
        Classification { hits }
    }

    /// Whether rule `rule` fires anywhere in `text` (not negated, not hedged), whatever the
    /// force's threshold: what a rule's examples test.
    pub fn rule_fires(&self, rule: usize, text: &str) -> bool {
        let mods = self.sentence_modifiers(text);
        self.fires(text).iter().any(|f| f.rule == rule && !mods.cancels(f))
    }

    fn fires(&self, text: &str) -> Vec<Fire> {
        let toks = jtbd_text::tokenize(text);
        let (joined, starts) = joined_terms(&toks);
        let mut out = Vec::new();
        let window = self.modifiers.negation_window;
        for m in self.cues.find_overlapping_iter(&joined) {
            let (rule, n) = self.cue_rule[m.pattern().as_usize()];
            let Ok(i) = starts.binary_search(&(m.start() + 1)) else { continue };
            let j = (i + n).min(toks.len());
            if j == 0 || i >= j {
                continue;
            }
            let negated = self.rules[rule].negatable
                && toks[i.saturating_sub(window)..i].iter().any(|t| self.negations.contains(&t.term));
            if negated {
                continue;
            }
            let intensified =
                toks[i.saturating_sub(2)..i].iter().any(|t| self.intensifiers.contains(&t.term));
            out.push(Fire {
                rule,
                span: toks[i].start..toks[j - 1].end,
                bonus: if intensified { self.modifiers.intensifier_bonus } else { 0.0 },
                cue: true,
            });
        }
        if !self.patterns.is_empty() {
            for k in self.gate.matches(text).iter() {
                let (rule, re) = &self.patterns[k];
                for m in re.find_iter(text) {
                    out.push(Fire { rule: *rule, span: m.range(), bonus: 0.0, cue: false });
                }
            }
        }
        out
    }

    fn sentence_modifiers(&self, text: &str) -> Mods {
        let toks = jtbd_text::tokenize(text);
        let (joined, starts) = joined_terms(&toks);
        let mut mods = Mods::default();
        for m in self.modifier_phrases.find_overlapping_iter(&joined) {
            match self.modifier_kind[m.pattern().as_usize()] {
                0 => {
                    let at = starts
                        .binary_search(&(m.start() + 1))
                        .ok()
                        .map_or(0, |i| toks[i].start);
                    mods.hedge_at = Some(mods.hedge_at.map_or(at, |h: usize| h.min(at)));
                }
                1 => mods.hypothetical = true,
                2 => mods.speaker = true,
                _ => {
                    let (a, b) = (m.start() + 1, m.end() - 1);
                    let first = starts.partition_point(|&s| s < a);
                    let last = starts.partition_point(|&s| s < b);
                    if first < last {
                        mods.idioms.push(toks[first].start..toks[last - 1].end);
                    }
                }
            }
        }
        mods
    }
}

#[derive(Default)]
struct Mods {
    /// Byte offset of the first hedge: cues after it do not count.
    hedge_at: Option<usize>,
    hypothetical: bool,
    speaker: bool,
    /// Byte ranges of set phrases: cues inside them do not count.
    idioms: Vec<Range<usize>>,
}

impl Mods {
    fn cancels(&self, f: &Fire) -> bool {
        self.hedge_at.is_some_and(|h| f.span.start >= h)
            || (f.cue && self.idioms.iter().any(|i| i.start < f.span.end && f.span.start < i.end))
    }
}

/// ` term term term ` and the offset of each term in it.
fn joined_terms(toks: &[jtbd_text::Token]) -> (String, Vec<usize>) {
    let mut joined = String::with_capacity(toks.len() * 8 + 2);
    let mut starts = Vec::with_capacity(toks.len());
    joined.push(' ');
    for t in toks {
        starts.push(joined.len());
        joined.push_str(&t.term);
        joined.push(' ');
    }
    (joined, starts)
}
