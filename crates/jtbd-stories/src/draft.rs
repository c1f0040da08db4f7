//! Job stories: each one interviewee's, drafted from one passage of theirs (a signal's turn and
//! their turns around it): situation, motivation and outcome by the grammar from that person's
//! words, each with the quote it came from, a slot no quote of theirs gives left a gap. A theme
//! lists its strongest stories. Also chains from fear or pain to a want, and who does the job
//! and who benefits.

use crate::knowledge::{GrammarRule, Knowledge, Place, Slot};
use crate::record::{Quote, Said};
use crate::records::{Records, Slice};
use crate::scan::Scanned;
use crate::themes::{Joined, SignalRef, Theme};
use jtbd_model::Force;
use std::collections::BTreeSet;

/// A quote used as evidence, with the record it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub record: usize,
    pub quote: std::sync::Arc<Quote>,
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
    /// (Borrowed where it is one of the two fixed words: a study has a chain for about every
    /// second signal.)
    pub link: std::borrow::Cow<'static, str>,
}

/// Who a story's quotes speak of, with the quotes that say so.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub name: String,
    pub evidence: Vec<SignalRef>,
}

/// A drafted job story: one interviewee's.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    /// Its stable id ([`jtbd_model::story_id`]: the theme, the interview and the want's place).
    pub id: String,
    /// The theme it tells, by index.
    pub theme: usize,
    /// The record (interview) whose interviewee tells it: every slot's quote is theirs.
    pub record: usize,
    /// The signals of its passage, in source order.
    pub signals: Vec<SignalRef>,
    /// `When <situation>, I want to <motivation>, so I can <outcome>.`, gaps marked.
    pub text: String,
    /// Each slot, or `None` where no quote gave one (a gap, never filled with other words).
    pub situation: Option<Drafted>,
    pub motivation: Option<Drafted>,
    pub outcome: Option<Drafted>,
    /// Chains inside its passage.
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

    /// Who tells it: the speaker of its motivation ([`Record::teller`]), else the interviewee.
    pub fn teller<'a>(&'a self, records: &'a Records) -> &'a str {
        let r = records.head(self.record);
        self.motivation
            .as_ref()
            .map_or(r.interviewee.as_str(), |d| r.teller(&d.evidence.quote))
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

/// The chains of record `ri`: a fear or pain followed by a want of the same speaker within
/// `chain_turns` of their turns, or a want that opens with a causal word one turn further
/// (`causal`: the causal word signal `i` of the record opens with), appended to `out`. Made
/// again wherever a record is read (the scan counts them, drafting reads a record's own): a
/// gigabyte of transcripts has well over a million, too many to keep for a lookup.
pub(crate) fn record_chains<'c>(
    r: &crate::record::Record,
    ri: usize,
    causal: impl Fn(usize) -> Option<&'c str>,
    k: &Knowledge,
    out: &mut Vec<Chain>,
) {
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
            let link = match (distance, causal(di)) {
                (0, _) => "same turn".into(),
                (n, _) if n <= k.chain_turns => "next turn".into(),
                (_, Some(word)) => word.to_owned().into(),
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

/// How many of the speaker's turns after `a`'s the want `d` comes (0: the same turn): an
/// interview alternates, so a gap in turn indices is halved, rounding up.
fn turns_apart(a: &Said, d: &Said) -> Option<usize> {
    d.turn.checked_sub(a.turn).map(|gap| gap.div_ceil(2))
}

/// Where a motivation stands: its quote (by its first byte) and where in the quote's text its
/// rule matched. A situation drafted from that sentence reads only the words before the want, an
/// outcome only the words from it on: "We want X, because Y" gives no "When Y", and "because
/// we have to Y, we don't want X" no outcome "Y".
#[derive(Clone, Copy)]
struct WantAt {
    quote: usize,
    at: usize,
}

/// The part of `q`'s text a `slot` reads, given where the want stands in it.
fn window(q: &Quote, slot: Slot, want: Option<WantAt>) -> &str {
    match want {
        Some(w) if w.quote == q.byte_start && q.text.is_char_boundary(w.at) => match slot {
            Slot::Situation => &q.text[..w.at],
            Slot::Outcome => &q.text[w.at..],
            Slot::Motivation => &q.text,
        },
        _ => &q.text,
    }
}

/// The first draft any rule of `slot` makes from these quotes, in order: each signal's own
/// sentence (a rule limited to some forces reads only those forces' sentences), then the
/// sentence before it (for an outcome: the sentence after it). In the want's own sentence a
/// slot reads only its side of the want ([`window`]). `skip` refuses a draft (a quote already
/// used by another slot).
fn draft_slot(
    k: &Knowledge,
    slot: Slot,
    record: usize,
    quotes: &[&Said],
    want: Option<WantAt>,
    skip: &dyn Fn(&Quote, &GrammarRule) -> bool,
) -> Option<Drafted> {
    for said in quotes {
        // Each rule says which of these it reads (`reads` in the data); only a want keeps the
        // sentence after it.
        let near = [
            Some((&said.quote, Place::Own)),
            said.before.as_ref().map(|b| (b, Place::Before)),
            said.after.as_ref().map(|a| (a, Place::After)),
        ];
        let further = (said.earlier.iter().map(|q| (q, Place::Earlier)))
            .chain(said.later.iter().map(|q| (q, Place::Later)));
        for (q, place) in near.into_iter().flatten().chain(further) {
            let text = window(q, slot, want);
            // Only the rules that read this place ([`Knowledge::matching_at`]); a rule limited to
            // some forces reads only those forces' own sentences.
            for rule in k.matching_at(slot, place, text) {
                let reads = rule.forces.is_empty()
                    || (place == Place::Own && rule.forces.contains(&said.force));
                if !reads {
                    continue;
                }
                let Some(text) = k.draft(rule, text) else {
                    continue;
                };
                if skip(q, rule) {
                    continue;
                }
                return Some(Drafted {
                    text,
                    rule: rule.id.clone(),
                    evidence: Evidence {
                        record,
                        quote: std::sync::Arc::clone(q),
                    },
                });
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

/// How a passage's story ranks among a theme's: slots drafted, theme signals used, confidence.
type Score = (usize, usize, f64);

/// Every theme's stories, the strongest first, and how many of its interviewees tell one. Each
/// interviewee's story comes from the passage around one of their signals in the theme, the
/// passage that drafts the most slots.
///
/// A passage reads only its own record, so the records are drafted a slice at a time
/// ([`Drafting::add`]), the slice's records in parallel, each record for every theme it speaks
/// to (its text is read once, not once per theme); each slice's stories go to their themes in
/// record order, where only the strongest are kept as they come (a study has a story per theme
/// and interviewee): the order is total, so keeping the best `keep` at every cut gives the full
/// sort's top.
pub struct Drafting<'a> {
    scanned: &'a Scanned,
    themes: &'a [Theme],
    k: &'a Knowledge,
    /// The theme each signal joined, by its number (a signal joins one theme at most).
    theme_at: &'a Joined,
    /// Enough to fill the theme after the stronger themes have taken their passages.
    keep: usize,
    told: Vec<Vec<(Score, Story)>>,
    tellers: Vec<usize>,
}

impl<'a> Drafting<'a> {
    pub fn new(
        scanned: &'a Scanned,
        themes: &'a [Theme],
        joined: &'a Joined,
        k: &'a Knowledge,
    ) -> Drafting<'a> {
        let theme_at = joined;
        Drafting {
            scanned,
            themes,
            k,
            theme_at,
            keep: k.stories_per_theme.saturating_mul(4),
            told: themes.iter().map(|_| Vec::new()).collect(),
            tellers: vec![0; themes.len()],
        }
    }

    /// Drafts the stories of some records.
    pub fn add(&mut self, slice: &Slice<'_>) {
        use rayon::prelude::*;
        let (scanned, theme_at) = (self.scanned, self.theme_at);
        let cxs: Vec<ThemeContext<'_>> = self
            .themes
            .iter()
            .enumerate()
            .map(|(theme, t)| ThemeContext {
                records: slice,
                scanned,
                theme,
                theme_id: &t.id,
                members: Members {
                    scanned,
                    theme_at,
                    theme,
                },
                k: self.k,
            })
            .collect();
        let drafted: Vec<Vec<(usize, (Score, Story))>> = slice
            .range()
            .into_par_iter()
            .map(|ri| record_stories(&cxs, theme_at, ri))
            .collect();
        drop(cxs);
        let keep = self.keep;
        for (t, best) in drafted.into_iter().flatten() {
            self.tellers[t] += 1;
            self.told[t].push(best);
            if self.told[t].len() >= keep.saturating_mul(2).max(64) {
                strongest(&mut self.told[t], keep, |s| s.record);
            }
        }
    }

    /// Each theme's strongest stories and how many of its interviewees tell one, in theme
    /// order.
    pub fn finish(self) -> Vec<(Vec<Story>, usize)> {
        let keep = self.keep;
        self.told
            .into_iter()
            .zip(self.tellers)
            .map(|(mut told, tellers)| {
                strongest(&mut told, keep, |s| s.record);
                (told.into_iter().map(|(_, s)| s).collect(), tellers)
            })
            .collect()
    }
}

/// Record `ri`'s best story in each theme it has signals in, by theme index.
fn record_stories(
    cxs: &[ThemeContext<'_>],
    theme_at: &Joined,
    ri: usize,
) -> Vec<(usize, (Score, Story))> {
    let Some(cx) = cxs.first() else {
        return Vec::new();
    };
    let first = cx.scanned.index(SignalRef {
        record: ri,
        said: 0,
    });
    let record = &cx.records[ri];
    let scanned = cx.scanned;
    let mut chains = Vec::new();
    let causal = |said| scanned.of(SignalRef { record: ri, said }).causal;
    record_chains(record, ri, causal, cx.k, &mut chains);
    // Its signals by theme, in source order.
    let mut by_theme: std::collections::BTreeMap<usize, Vec<SignalRef>> = Default::default();
    for said in 0..cx.records[ri].said.len() {
        if let Some(t) = theme_at.get(first + said) {
            by_theme
                .entry(t)
                .or_default()
                .push(SignalRef { record: ri, said });
        }
    }
    by_theme
        .into_iter()
        .filter_map(|(t, anchors)| best_story(&cxs[t], ri, &anchors, &chains).map(|best| (t, best)))
        .collect()
}

/// The best story of record `ri` in a theme, from the passages around its `anchors` there
/// (`chains`: the record's).
fn best_story(
    cx: &ThemeContext<'_>,
    ri: usize,
    anchors: &[SignalRef],
    chains: &[Chain],
) -> Option<(Score, Story)> {
    let records = cx.records;
    let mut best: Option<(Score, Story)> = None;
    let mut last_turn = None;
    for anchor in anchors {
        // Anchors of one turn share their passage: the first of them stands for all.
        let turn = records[ri].said[anchor.said].turn;
        if last_turn == Some(turn) {
            continue;
        }
        last_turn = Some(turn);
        let story = passage_story(cx, *anchor, chains);
        let Some(story) = story else { continue };
        let filled = 3 - story.gaps().len();
        let used = [&story.situation, &story.motivation, &story.outcome]
            .into_iter()
            .flatten()
            .filter(|d| {
                story.signals.iter().any(|s| {
                    cx.members.contains(s)
                        && records[ri].said[s.said].quote.byte_start == d.evidence.quote.byte_start
                })
            })
            .count();
        // A story under a theme tells it: one of its slots is drafted from the theme's own
        // signals, not only from wants said near them.
        if used == 0 {
            continue;
        }
        let confidence: f64 = story
            .signals
            .iter()
            .map(|s| records[ri].said[s.said].confidence)
            .sum();
        let score = (filled, used, confidence);
        if best.as_ref().is_none_or(|(b, _)| better(score, *b)) {
            best = Some((score, story));
        }
    }
    best
}

/// Keeps the `keep` strongest of a theme's stories, strongest first: by slots drafted, theme
/// signals used and confidence, then the earlier record (`record` of each).
fn strongest<T>(told: &mut Vec<(Score, T)>, keep: usize, record: impl Fn(&T) -> usize) {
    told.sort_by(|a, b| {
        if better(a.0, b.0) {
            std::cmp::Ordering::Less
        } else if better(b.0, a.0) {
            std::cmp::Ordering::Greater
        } else {
            record(&a.1).cmp(&record(&b.1))
        }
    });
    told.truncate(keep);
}

/// Whether `text` leaves a quotation open: an opening curly quote not closed, or an odd number
/// of straight ones whose last opens words (`you go "Do you know what?`), not one that closes
/// them (`it never works."`) or marks inches (`a 27" screen`). The sentence after it goes on in
/// someone's acted-out voice.
fn opens_quotation(text: &str) -> bool {
    let open = text.matches('\u{201c}').count();
    let close = text.matches('\u{201d}').count();
    let straight = text.matches('"').count();
    let last_opens = text.rfind('"').is_some_and(|at| {
        text[at + 1..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
    });
    open > close || (straight % 2 == 1 && last_opens)
}

/// A frustration or a worry.
fn is_pain(d: &Said) -> bool {
    matches!(d.force, Force::Frustration | Force::Anxiety)
}

fn better(a: Score, b: Score) -> bool {
    (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)) == std::cmp::Ordering::Greater
}

/// A theme's signals as a set, read off the table of the theme each signal joined (a passage
/// asks for each of its signals whether the theme holds it, for every theme).
#[derive(Clone, Copy)]
struct Members<'a> {
    scanned: &'a Scanned,
    theme_at: &'a Joined,
    theme: usize,
}

impl Members<'_> {
    fn contains(&self, s: &SignalRef) -> bool {
        self.theme_at.get(self.scanned.index(*s)) == Some(self.theme)
    }
}

/// What drafting a theme's stories reads.
#[derive(Clone, Copy)]
struct ThemeContext<'a> {
    /// The slice of records being drafted (indexed by record number).
    records: &'a Slice<'a>,
    scanned: &'a Scanned,
    /// The theme, by index and by id, and its signals.
    theme: usize,
    theme_id: &'a str,
    members: Members<'a>,
    k: &'a Knowledge,
}

/// The motivation one signal's sentences draft, if it is a want in the speaker's own voice: not
/// in quotation marks, not right after a sentence that hands the voice to others ("for the app
/// teams - ...") or opens a quotation (someone's voice acted out), not a question (it asks for
/// none), not small talk (a car, a holiday).
fn motive(k: &Knowledge, record: usize, d: &Said) -> Option<Drafted> {
    let own = !crate::record::voices_someone(&d.quote.text)
        && !d.quote.text.trim_end().ends_with('?')
        && !d
            .before
            .as_ref()
            .is_some_and(|b| k.voicing.is_match(&b.text) || opens_quotation(&b.text))
        && !k.small_talk.is_match(&d.quote.text);
    if !own {
        return None;
    }
    draft_slot(k, Slot::Motivation, record, &[d], None, &|_, _| false)
}

/// The story of the passage around `anchor`: the same speaker's signals within
/// `passage_turns` of their turns. `None` when no motivation can be drafted from it, or neither
/// a situation nor an outcome. `record_chains`: the chains of the anchor's record.
fn passage_story(
    cx: &ThemeContext<'_>,
    anchor: SignalRef,
    record_chains: &[Chain],
) -> Option<Story> {
    let ThemeContext {
        records,
        scanned,
        theme,
        theme_id,
        members,
        k,
    } = *cx;
    let r = &records[anchor.record];
    let a = &r.said[anchor.said];
    // Signals are in source order: the passage's turns are one run of them.
    let reach = k.passage_turns.saturating_mul(2);
    let from = r
        .said
        .partition_point(|d| d.turn.saturating_add(reach) < a.turn);
    let to = r
        .said
        .partition_point(|d| d.turn <= a.turn.saturating_add(reach));
    let signals: Vec<SignalRef> = (from..to.max(from))
        .filter(|&j| {
            let d = &r.said[j];
            d.quote.speaker == a.quote.speaker
                && d.turn.abs_diff(a.turn).div_ceil(2) <= k.passage_turns
        })
        .map(|j| SignalRef {
            record: anchor.record,
            said: j,
        })
        .collect();
    // The motivation tells the theme: it comes from one of the theme's own signals (a want said
    // near them but coded to no theme was tried, and filed stories under themes they do not
    // tell: a car bought under cloud cost), the first that drafts one in this order: wants
    // first, then the nearest.
    let motivation = signals
        .iter()
        .filter(|s| members.contains(s))
        .map(|s| {
            let d = &r.said[s.said];
            let order = (
                d.force != Force::DesiredProgress,
                d.turn.abs_diff(a.turn),
                s.said.abs_diff(anchor.said),
                s.said,
            );
            (order, *s)
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .find_map(|(_, s)| motive(k, s.record, &r.said[s.said]))?;
    // The want's sentence: the passage's signal said in the motivation's quote, else the
    // anchor's (a rule that reads around a want may draft from a sentence with no signal).
    let m = signals
        .iter()
        .map(|s| &r.said[s.said])
        .find(|d| d.quote.byte_start == motivation.evidence.quote.byte_start)
        .map_or((a.turn, a.sentence), |d| (d.turn, d.sentence));
    let m_at = motivation.evidence.quote.byte_start;
    let m_end = motivation.evidence.quote.byte_end;
    let want = k
        .rule(&motivation.rule)
        .and_then(|rule| rule.match_start(&motivation.evidence.quote.text))
        .map(|at| WantAt { quote: m_at, at });
    // The situation is told before the want or in its sentence: the nearest first.
    // A pain chained to a want of the motivation's answer (a chain links a pain to the first
    // want after it; the answer may go on to the want drafted).
    let chained = |s: &SignalRef| {
        record_chains
            .iter()
            .any(|c| c.from == *s && r.said[c.to.said].turn == m.0)
    };
    let mut before: Vec<&Said> = signals
        .iter()
        .filter(|s| {
            let d = &r.said[s.said];
            let near = d.turn == m.0 && d.sentence <= m.1 && m.1 - d.sentence <= k.situation_reach;
            // A pain told after the want is what followed it, not what drove it.
            near || ((d.turn, d.sentence) <= m && chained(s))
        })
        .map(|s| &r.said[s.said])
        .collect();
    // A frustration or worry drives a want more than a clause of the want's own sentence does;
    // the nearest first.
    before.sort_by_key(|d| {
        let own = (d.turn, d.sentence) == m;
        (!is_pain(d), !own, std::cmp::Reverse((d.turn, d.sentence)))
    });
    // A rule that reads a whole pain sentence (limited to forces) gives a situation only from
    // another sentence than the motivation's (else the want would be told twice).
    let m_text = motivation.text.to_lowercase();
    let situation = draft_slot(
        k,
        Slot::Situation,
        anchor.record,
        &before,
        want,
        &|q, rule| q.byte_start == m_at && !rule.forces.is_empty(),
    )
    // A situation that says the want again ("we don't want X" twice) drives nothing.
    .filter(|d| {
        let s = d.text.to_lowercase();
        !s.contains(&m_text) && !m_text.contains(&s)
    });
    // The outcome is told in the want's sentence or the next one: further on, "it allows us to"
    // is what something else is for.
    let mut after: Vec<&Said> = signals
        .iter()
        .map(|s| &r.said[s.said])
        .filter(|d| d.turn == m.0 && (m.1..=m.1 + 1).contains(&d.sentence))
        .collect();
    after.sort_by_key(|d| d.sentence);
    let outcome = draft_slot(k, Slot::Outcome, anchor.record, &after, want, &|_, _| false)
        .filter(|o| o.text != motivation.text);
    // A want alone, with neither what drives it nor what it is for, is no story yet.
    if situation.is_none() && outcome.is_none() {
        return None;
    }
    // A story keeps the chains of its passage that touch its theme (a worry about something else said nearby is another story).
    let chains: Vec<Chain> = record_chains
        .iter()
        .filter(|c| signals.contains(&c.from) || signals.contains(&c.to))
        .filter(|c| members.contains(&c.from) || members.contains(&c.to))
        .cloned()
        .collect();
    let executor = party(&signals, scanned, k, true);
    let beneficiary = party(&signals, scanned, k, false).or_else(|| executor.clone());
    let motivation = Some(motivation);
    let fill = |d: &Option<Drafted>, slot: Slot| match d {
        Some(d) => d.text.clone(),
        None => k.gap.replace("{slot}", slot.as_str()),
    };
    let text = k
        .template
        .replace("{situation}", &fill(&situation, Slot::Situation))
        .replace("{motivation}", &fill(&motivation, Slot::Motivation))
        .replace("{outcome}", &fill(&outcome, Slot::Outcome));
    Some(Story {
        id: jtbd_model::story_id(theme_id, &r.id, m_at, m_end),
        theme,
        record: anchor.record,
        signals,
        text,
        situation,
        motivation,
        outcome,
        chains,
        executor,
        beneficiary,
    })
}

#[cfg(test)]
mod tests {
    use super::{opens_quotation, strongest};
    use proptest::prelude::*;

    proptest! {
        /// Cutting a theme's stories to the strongest as records go by keeps what one sort of
        /// all of them keeps (ties in score included: the earlier record first).
        #[test]
        fn cutting_as_stories_come_keeps_the_full_sorts_top(
            scores in proptest::collection::vec((0usize..4, 0usize..3, 0u8..4), 0..300),
            keep in 0usize..12,
            every in 1usize..40,
        ) {
            let told: Vec<((usize, usize, f64), usize)> = scores
                .iter()
                .enumerate()
                .map(|(record, &(filled, used, c))| ((filled, used, f64::from(c) / 2.0), record))
                .collect();
            let mut all = told.clone();
            strongest(&mut all, keep, |r| *r);
            let mut cut = Vec::new();
            for story in told {
                cut.push(story);
                if cut.len() >= keep.saturating_mul(2).max(every) {
                    strongest(&mut cut, keep, |r| *r);
                }
            }
            strongest(&mut cut, keep, |r| *r);
            prop_assert_eq!(all, cut);
        }
    }

    #[test]
    fn a_quotation_is_open_only_when_its_last_mark_opens_words() {
        for open in [
            "So you get to the point where you go \"Do you know what?",
            "And they said \u{201c}We have grown.",
        ] {
            assert!(opens_quotation(open), "{open}");
        }
        for closed in [
            "It never works.\"",
            "We bought a 27\" screen for it.",
            "They said \"no\" and left.",
            "We have grown.",
            "And they said \u{201c}no\u{201d} to it.",
        ] {
            assert!(!opens_quotation(closed), "{closed}");
        }
    }
}
