//! Themes: signals from several interviewees about the same thing.
//!
//! Each signal votes for its most distinctive words and word pairs outside its cue (stemmed by
//! the one analyzer, weighted by how few interviewees use them); a theme is a word or pair that
//! signals of at least `min_interviewees` interviewees voted for, taken greedily from the most
//! widely shared, each signal joining only the first theme it fits.

use crate::knowledge::{Knowledge, contains_phrase, terms};
use crate::record::Record;
use jtbd_model::Force;
use std::collections::{BTreeMap, BTreeSet};

/// A signal: index of its record, and of the signal in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SignalRef {
    pub record: usize,
    pub said: usize,
}

/// How much a theme rests on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strength {
    /// Distinct interviewees, companies and roles (metadata `company`, `role` or `title`).
    pub interviewees: usize,
    pub companies: usize,
    pub roles: usize,
    /// Signals, and how many of them tell what happened or only what might.
    pub signals: usize,
    pub past: usize,
    pub hypothetical: usize,
    /// Signals per force: anxiety, frustration, desired progress.
    pub anxiety: usize,
    pub frustration: usize,
    pub desired_progress: usize,
}

/// Signals from several interviewees about one thing.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// A stable id made of the label.
    pub id: String,
    /// The corpus's own words for it: its most common form in the signals.
    pub label: String,
    /// Its signals, in corpus order.
    pub signals: Vec<SignalRef>,
    pub strength: Strength,
}

/// A word or a pair of adjacent words, stemmed.
type Key = Vec<String>;

/// The signals that voted for a key, each with the key's form in its quote.
type Votes = Vec<(SignalRef, String)>;

/// The keys a signal could be about, each with its surface form: content words outside the
/// cues, and pairs of adjacent content words.
fn keys_of(text: &str, cues: &[std::ops::Range<usize>], k: &Knowledge) -> Vec<(Key, String)> {
    let tokens = jtbd_text::tokenize(text);
    let content: Vec<bool> = tokens
        .iter()
        .map(|t| {
            t.term.chars().count() >= 3
                && !t.term.chars().all(|c| c.is_ascii_digit())
                && !k.stop_terms.contains(&t.term)
                && !cues.iter().any(|c| c.start < t.end && t.start < c.end)
        })
        .collect();
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if !content[i] {
            continue;
        }
        out.push((vec![t.term.clone()], text[t.start..t.end].to_lowercase()));
        if let Some(next) = tokens.get(i + 1).filter(|_| content[i + 1]) {
            out.push((
                vec![t.term.clone(), next.term.clone()],
                text[t.start..next.end].to_lowercase(),
            ));
        }
    }
    out
}

/// Groups the records' signals into themes, strongest first.
pub fn themes(records: &[Record], k: &Knowledge, min_interviewees: usize) -> Vec<Theme> {
    let min = min_interviewees.max(1);
    // Each signal's keys, and which interviewees use each key.
    let mut per_signal: Vec<(SignalRef, Vec<(Key, String)>)> = Vec::new();
    let mut users: BTreeMap<Key, BTreeSet<&str>> = BTreeMap::new();
    for (ri, r) in records.iter().enumerate() {
        for (si, s) in r.said.iter().enumerate() {
            let mut keys = keys_of(&s.quote.text, &s.cues, k);
            keys.sort();
            keys.dedup_by(|a, b| a.0 == b.0);
            for (key, _) in &keys {
                users
                    .entry(key.clone())
                    .or_default()
                    .insert(r.interviewee.as_str());
            }
            per_signal.push((
                SignalRef {
                    record: ri,
                    said: si,
                },
                keys,
            ));
        }
    }
    let people = records
        .iter()
        .map(|r| r.interviewee.as_str())
        .collect::<BTreeSet<_>>()
        .len()
        .max(1) as f64;
    let weight = |key: &Key| {
        let df = users.get(key).map_or(1, BTreeSet::len) as f64;
        let pair = if key.len() > 1 { k.pair_weight } else { 1.0 };
        (1.0 + people / df).ln() * pair
    };
    // A single word nearly everyone uses says nothing about one struggle.
    let too_common =
        |key: &Key, n: usize| key.len() == 1 && people >= 4.0 && n as f64 > k.max_share * people;
    // Votes: a signal's most distinctive keys among those enough interviewees share.
    let mut voters: BTreeMap<Key, Votes> = BTreeMap::new();
    for (sref, keys) in &per_signal {
        let mut shared: Vec<&(Key, String)> = keys
            .iter()
            .filter(|(key, _)| {
                users
                    .get(key)
                    .is_some_and(|u| u.len() >= min && !too_common(key, u.len()))
            })
            .collect();
        shared.sort_by(|a, b| weight(&b.0).total_cmp(&weight(&a.0)).then(a.0.cmp(&b.0)));
        for (key, surface) in shared.into_iter().take(k.votes) {
            voters
                .entry(key.clone())
                .or_default()
                .push((*sref, surface.clone()));
        }
    }
    let who = |refs: &[&(SignalRef, String)]| {
        refs.iter()
            .map(|(s, _)| records[s.record].interviewee.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    };
    // Candidates, most widely shared first (pairs before words, then the rarer, then by key).
    let mut candidates: Vec<(usize, &Key, &Votes)> = voters
        .iter()
        .map(|(key, votes)| (who(&votes.iter().collect::<Vec<_>>()), key, votes))
        .collect();
    candidates.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.len().cmp(&a.1.len()))
            .then(weight(b.1).total_cmp(&weight(a.1)))
            .then(a.1.cmp(b.1))
    });
    let mut taken: BTreeSet<SignalRef> = BTreeSet::new();
    let mut out: Vec<Theme> = Vec::new();
    let per_signal_keys: BTreeMap<SignalRef, &Vec<(Key, String)>> =
        per_signal.iter().map(|(s, k)| (*s, k)).collect();
    for (_, key, votes) in candidates {
        let free: Vec<&(SignalRef, String)> =
            votes.iter().filter(|(s, _)| !taken.contains(s)).collect();
        if who(&free) < min {
            continue;
        }
        let mut forms: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, surface) in &free {
            *forms.entry(surface.as_str()).or_default() += 1;
        }
        let word = forms
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(f, _)| (*f).to_owned())
            .unwrap_or_default();
        // A one-word theme is named by the pair around its word that most of its interviewees
        // say, when two or more say the same ("black box" rather than "black").
        let label = if key.len() == 1 {
            let mut pairs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for (sref, _) in &free {
                for (pair, surface) in per_signal_keys[sref].iter() {
                    if pair.len() == 2 && pair.contains(&key[0]) {
                        pairs
                            .entry(surface.as_str())
                            .or_default()
                            .insert(records[sref.record].interviewee.as_str());
                    }
                }
            }
            pairs
                .into_iter()
                .filter(|(_, who)| who.len() >= 2)
                .max_by(|a, b| a.1.len().cmp(&b.1.len()).then(b.0.cmp(a.0)))
                .map_or(word, |(p, _)| p.to_owned())
        } else {
            word
        };
        let mut signals: Vec<SignalRef> = free.iter().map(|(s, _)| *s).collect();
        signals.sort();
        taken.extend(signals.iter().copied());
        out.push(Theme {
            id: String::new(),
            strength: strength(records, &signals, k),
            label,
            signals,
        });
    }
    out.sort_by(|a, b| {
        b.strength
            .interviewees
            .cmp(&a.strength.interviewees)
            .then(b.strength.signals.cmp(&a.strength.signals))
            .then(a.label.cmp(&b.label))
    });
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    for t in &mut out {
        let slug: String = t
            .label
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let n = used.entry(slug.clone()).or_default();
        *n += 1;
        t.id = if *n == 1 { slug } else { format!("{slug}-{n}") };
    }
    out
}

/// What a set of signals rests on.
pub fn strength(records: &[Record], signals: &[SignalRef], k: &Knowledge) -> Strength {
    let mut s = Strength {
        signals: signals.len(),
        ..Strength::default()
    };
    let distinct = |key: &[&str]| {
        signals
            .iter()
            .filter_map(|r| {
                let m = &records[r.record].metadata;
                key.iter().find_map(|k| m.get(*k)).map(|v| v.to_lowercase())
            })
            .collect::<BTreeSet<_>>()
            .len()
    };
    s.interviewees = signals
        .iter()
        .map(|r| records[r.record].interviewee.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    s.companies = distinct(&["company"]);
    s.roles = distinct(&["role", "title"]);
    for r in signals {
        let said = &records[r.record].said[r.said];
        let words = terms(&said.quote.text);
        s.past += usize::from(k.past.iter().any(|p| contains_phrase(&words, p)));
        s.hypothetical += usize::from(k.hypothetical.iter().any(|p| contains_phrase(&words, p)));
        match said.force {
            Force::Anxiety => s.anxiety += 1,
            Force::Frustration => s.frustration += 1,
            Force::DesiredProgress => s.desired_progress += 1,
            Force::Habit => {}
        }
    }
    s
}
