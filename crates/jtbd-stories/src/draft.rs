//! Job stories: one per theme, each slot drafted by the grammar from the interviewees' words,
//! with the quote it came from; chains from fear or pain to a want; who does the job and who
//! benefits.

use crate::knowledge::{Knowledge, Slot};
use crate::record::{Quote, Record, Said};
use crate::scan::Scanned;
use crate::themes::{SignalRef, Theme};
use jtbd_model::Force;
use std::collections::BTreeSet;

/// A quote used as evidence, with the record it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub record: usize,
    pub quote: Quote,
}

/// A drafted slot: the text and the quote it was drafted from, by which grammar rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Drafted {
    pub text: String,
    pub rule: String,
    pub evidence: Evidence,
}

/// An anxiety or frustration that the same interviewee links to a want.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    /// The fear or pain, then the want it leads to.
    pub from: SignalRef,
    pub to: SignalRef,
    /// Why they are linked: `same turn`, `next turn` or the causal word that opens the want.
    pub link: String,
}

/// Who a story's quotes speak of, with the quotes that say so.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub name: String,
    pub evidence: Vec<SignalRef>,
}

/// A drafted job story.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    /// The theme it tells, by index.
    pub theme: usize,
    /// `When <situation>, I want to <motivation>, so I can <outcome>.`, gaps marked.
    pub text: String,
    /// Each slot, or `None` where no quote gave one (a gap, never filled with other words).
    pub situation: Option<Drafted>,
    pub motivation: Option<Drafted>,
    pub outcome: Option<Drafted>,
    /// Chains touching the theme.
    pub chains: Vec<Chain>,
    /// Who does the job (the speakers' side) and who benefits.
    pub executor: Option<Party>,
    pub beneficiary: Option<Party>,
}

impl Story {
    /// The slots that have no evidence.
    pub fn gaps(&self) -> Vec<Slot> {
        Slot::ALL
            .into_iter()
            .filter(|s| self.slot(*s).is_none())
            .collect()
    }

    /// One slot.
    pub fn slot(&self, slot: Slot) -> Option<&Drafted> {
        match slot {
            Slot::Situation => self.situation.as_ref(),
            Slot::Motivation => self.motivation.as_ref(),
            Slot::Outcome => self.outcome.as_ref(),
        }
    }
}

/// The chains of every record: a fear or pain followed by a want of the same speaker within
/// `chain_turns` of their turns, or a want that opens with a causal word one turn further.
pub fn chains(records: &[Record], scanned: &Scanned, k: &Knowledge) -> Vec<Chain> {
    let mut out = Vec::new();
    for (ri, r) in records.iter().enumerate() {
        for (ai, a) in r.said.iter().enumerate() {
            if !matches!(a.force, Force::Anxiety | Force::Frustration) {
                continue;
            }
            // The first want after it that is close enough; signals are in source order, so
            // the search stops once they are too far.
            let mut found = None;
            for (di, d) in r.said.iter().enumerate().skip(ai + 1) {
                let Some(distance) = turns_apart(a, d) else {
                    break;
                };
                if distance > k.chain_turns + 1 {
                    break;
                }
                // A sentence that is both fear and want is no chain of two.
                let same_sentence = (d.turn, d.sentence) == (a.turn, a.sentence);
                if d.force != Force::DesiredProgress
                    || d.quote.speaker != a.quote.speaker
                    || same_sentence
                {
                    continue;
                }
                let causal = &scanned
                    .of(SignalRef {
                        record: ri,
                        said: di,
                    })
                    .causal;
                let link = match (distance, causal) {
                    (0, _) => "same turn".to_owned(),
                    (n, _) if n <= k.chain_turns => "next turn".to_owned(),
                    (_, Some(word)) => word.clone(),
                    _ => continue,
                };
                found = Some((di, link));
                break;
            }
            if let Some((di, link)) = found {
                out.push(Chain {
                    from: SignalRef {
                        record: ri,
                        said: ai,
                    },
                    to: SignalRef {
                        record: ri,
                        said: di,
                    },
                    link,
                });
            }
        }
    }
    out
}

/// How many of the speaker's turns after `a`'s the want `d` comes (0: the same turn): an
/// interview alternates, so a gap in turn indices is halved, rounding up.
fn turns_apart(a: &Said, d: &Said) -> Option<usize> {
    d.turn.checked_sub(a.turn).map(|gap| gap.div_ceil(2))
}

/// The quotes a theme's story may draw from, strongest first: its signals by force (wants
/// first for the motivation), confidence, then place.
fn ranked<'a>(
    records: &'a [Record],
    signals: &[SignalRef],
    first: Force,
) -> Vec<(SignalRef, &'a Said)> {
    let mut out: Vec<(SignalRef, &Said)> = signals
        .iter()
        .map(|s| (*s, &records[s.record].said[s.said]))
        .collect();
    out.sort_by(|a, b| {
        (b.1.force == first)
            .cmp(&(a.1.force == first))
            .then(b.1.confidence.total_cmp(&a.1.confidence))
            .then(a.0.cmp(&b.0))
    });
    out
}

/// The first draft any rule of `slot` makes from these quotes (each quote, then the sentence
/// before it when `with_before`).
fn draft_slot(
    k: &Knowledge,
    slot: Slot,
    quotes: &[(SignalRef, &Said)],
    with_before: bool,
) -> Option<Drafted> {
    for (sref, said) in quotes {
        let mut candidates = vec![&said.quote];
        if with_before {
            candidates.extend(said.before.as_ref());
        }
        for q in candidates {
            for rule in k.matching(slot, &q.text) {
                let drafted = rule.draft(&q.text, &k.cut_at);
                if let Some(text) = drafted.filter(|t| !k.dangling.is_match(t)) {
                    return Some(Drafted {
                        text,
                        rule: rule.id.clone(),
                        evidence: Evidence {
                            record: sref.record,
                            quote: q.clone(),
                        },
                    });
                }
            }
        }
    }
    None
}

/// The party most of the quotes speak of, on the speaker's side or not.
fn party(signals: &[SignalRef], scanned: &Scanned, k: &Knowledge, own_side: bool) -> Option<Party> {
    let mut best: Option<(usize, Vec<SignalRef>)> = None;
    for (i, a) in k.actors.iter().enumerate().take(64) {
        if a.own_side != own_side {
            continue;
        }
        let evidence: Vec<SignalRef> = signals
            .iter()
            .filter(|s| scanned.of(**s).actors & (1 << i) != 0)
            .copied()
            .collect();
        // The most quotes; the first in the data on a tie.
        if !evidence.is_empty() && best.as_ref().is_none_or(|(_, b)| evidence.len() > b.len()) {
            best = Some((i, evidence));
        }
    }
    best.map(|(i, evidence)| Party {
        name: k.actors[i].name.clone(),
        evidence,
    })
}

/// The story of theme `index`.
pub fn story(
    records: &[Record],
    scanned: &Scanned,
    themes: &[Theme],
    index: usize,
    all_chains: &[Chain],
    k: &Knowledge,
) -> Story {
    let theme = &themes[index];
    let members: BTreeSet<SignalRef> = theme.signals.iter().copied().collect();
    let chains: Vec<Chain> = all_chains
        .iter()
        .filter(|c| members.contains(&c.from) || members.contains(&c.to))
        .cloned()
        .collect();
    // A want chained to the theme's fears and pains may tell its motivation.
    let mut wants: Vec<SignalRef> = theme.signals.clone();
    wants.extend(chains.iter().map(|c| c.to).filter(|t| !members.contains(t)));
    let wants = ranked(records, &wants, Force::DesiredProgress);
    let motivation = draft_slot(k, Slot::Motivation, &wants, false);
    let situation = draft_slot(
        k,
        Slot::Situation,
        &ranked(records, &theme.signals, Force::Frustration),
        true,
    );
    let outcome = draft_slot(k, Slot::Outcome, &wants, false);
    let executor = party(&theme.signals, scanned, k, true);
    let beneficiary = party(&theme.signals, scanned, k, false).or_else(|| executor.clone());
    let fill = |d: &Option<Drafted>, slot: Slot| match d {
        Some(d) => d.text.clone(),
        None => k.gap.replace("{slot}", slot.as_str()),
    };
    let text = k
        .template
        .replace("{situation}", &fill(&situation, Slot::Situation))
        .replace("{motivation}", &fill(&motivation, Slot::Motivation))
        .replace("{outcome}", &fill(&outcome, Slot::Outcome));
    Story {
        theme: index,
        text,
        situation,
        motivation,
        outcome,
        chains,
        executor,
        beneficiary,
    }
}
