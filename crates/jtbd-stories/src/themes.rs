//! Themes: signals from several interviewees about the same thing.
//!
//! Each signal votes for its most distinctive words and word pairs outside its cue (stemmed by
//! the one analyzer, weighted by how few interviewees use them); a theme is a word or pair that
//! signals of at least `min_interviewees` interviewees voted for, taken greedily from the most
//! widely shared, each signal joining only the first theme it fits.

use crate::knowledge::Knowledge;
use crate::record::Record;
use crate::scan::{Key, NONE, Scanned};
use jtbd_model::Force;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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

/// Groups the records' signals into themes, strongest first.
pub fn themes(
    records: &[Record],
    scanned: &Scanned,
    k: &Knowledge,
    min_interviewees: usize,
) -> Vec<Theme> {
    let min = min_interviewees.max(1);
    let (person, users) = (&scanned.person, &scanned.users);
    let people = scanned.people.max(1) as f64;
    let weight = |key: Key| {
        let df = f64::from(users.get(&key).copied().unwrap_or(1));
        let pair = if key.1 == NONE { 1.0 } else { k.pair_weight };
        (1.0 + people / df).ln() * pair
    };
    // A single word nearly everyone uses says nothing about one struggle.
    let too_common =
        |key: Key, n: u32| key.1 == NONE && people >= 4.0 && f64::from(n) > k.max_share * people;
    let usable = |key: Key| {
        users
            .get(&key)
            .is_some_and(|&n| n as usize >= min && !too_common(key, n))
    };
    // Votes: a signal's most distinctive keys among those enough interviewees share; ties go
    // to the key whose words come first, so the numbering never decides.
    // Each record's votes are its own (made on every core); they are counted in corpus order.
    let votes: Vec<Vec<(SignalRef, Key)>> = records
        .par_iter()
        .enumerate()
        .map(|(ri, r)| {
            let mut out = Vec::new();
            let mut shared: Vec<(f64, Key)> = Vec::new();
            for si in 0..r.said.len() {
                let sref = SignalRef {
                    record: ri,
                    said: si,
                };
                shared.clear();
                shared.extend(
                    scanned
                        .of(sref)
                        .keys
                        .iter()
                        .map(|(key, _)| *key)
                        .filter(|key| usable(*key))
                        .map(|key| (weight(key), key)),
                );
                shared.sort_by(|a, b| {
                    b.0.total_cmp(&a.0)
                        .then_with(|| scanned.words(a.1).cmp(&scanned.words(b.1)))
                });
                out.extend(shared.iter().take(k.votes).map(|(_, key)| (sref, *key)));
            }
            out
        })
        .collect();
    let mut voters: HashMap<Key, Vec<SignalRef>> = HashMap::new();
    for (sref, key) in votes.into_iter().flatten() {
        voters.entry(key).or_default().push(sref);
    }
    let who = |refs: &mut dyn Iterator<Item = &SignalRef>| {
        refs.map(|s| person[s.record]).collect::<HashSet<_>>().len()
    };
    // Candidates, most widely shared first (pairs before words, then the rarer, then by words).
    let mut candidates: Vec<(usize, Key, &Vec<SignalRef>)> = voters
        .iter()
        .map(|(key, votes)| (who(&mut votes.iter()), *key, votes))
        .collect();
    candidates.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then((b.1.1 != NONE).cmp(&(a.1.1 != NONE)))
            .then(weight(b.1).total_cmp(&weight(a.1)))
            .then_with(|| scanned.words(a.1).cmp(&scanned.words(b.1)))
    });
    let mut taken: HashSet<SignalRef> = HashSet::new();
    let mut picked: Vec<(Key, Vec<SignalRef>)> = Vec::new();
    for (_, key, votes) in candidates {
        let free: Vec<SignalRef> = votes
            .iter()
            .filter(|s| !taken.contains(s))
            .copied()
            .collect();
        if who(&mut free.iter()) < min {
            continue;
        }
        let mut signals = free;
        signals.sort();
        taken.extend(signals.iter().copied());
        picked.push((key, signals));
    }
    // Naming and weighing a theme reads only its own signals: done on every core.
    let mut out: Vec<Theme> = picked
        .into_par_iter()
        .map(|(key, signals)| Theme {
            id: String::new(),
            label: label(records, scanned, person, key, &signals),
            strength: strength(records, scanned, &signals),
            signals,
        })
        .collect();
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

/// A theme's name in the corpus's words: the form of its key its signals say most; for a
/// one-word key, the pair around the word that most of its interviewees say, when two or more
/// say the same ("black box" rather than "black").
fn label(
    records: &[Record],
    scanned: &Scanned,
    person: &[u32],
    key: Key,
    signals: &[SignalRef],
) -> String {
    let form = |s: &SignalRef, range: &std::ops::Range<usize>| {
        &records[s.record].said[s.said].quote.text[range.clone()]
    };
    // Forms are counted as written and folded to lower case once counted: a theme has
    // thousands of signals but a handful of distinct forms.
    let mut forms: HashMap<&str, usize> = HashMap::new();
    // Pairs around the word, by their stems: who says each, and in which forms.
    let mut pairs: BTreeMap<Key, (BTreeSet<u32>, HashMap<&str, usize>)> = BTreeMap::new();
    for s in signals {
        for (k, range) in &scanned.of(*s).keys {
            if *k == key {
                *forms.entry(form(s, range)).or_default() += 1;
            } else if key.1 == NONE && k.1 != NONE && (k.0 == key.0 || k.1 == key.0) {
                let entry = pairs.entry(*k).or_default();
                entry.0.insert(person[s.record]);
                *entry.1.entry(form(s, range)).or_default() += 1;
            }
        }
    }
    let most = |written| crate::scan::most_common_form(written).unwrap_or_default();
    let word = most(forms);
    pairs
        .into_values()
        .filter(|(who, _)| who.len() >= 2)
        .map(|(who, forms)| (who.len(), most(forms)))
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))
        .map_or(word, |(_, form)| form)
}

/// What a set of signals rests on.
pub fn strength(records: &[Record], scanned: &Scanned, signals: &[SignalRef]) -> Strength {
    let mut s = Strength {
        signals: signals.len(),
        ..Strength::default()
    };
    let interviews: BTreeSet<usize> = signals.iter().map(|r| r.record).collect();
    let distinct = |key: &[&str]| {
        interviews
            .iter()
            .filter_map(|&r| {
                let m = &records[r].metadata;
                key.iter().find_map(|k| m.get(*k)).map(|v| v.to_lowercase())
            })
            .collect::<BTreeSet<_>>()
            .len()
    };
    s.interviewees = interviews
        .iter()
        .map(|&r| records[r].interviewee.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    s.companies = distinct(&["company"]);
    s.roles = distinct(&["role", "title"]);
    for r in signals {
        let scan = scanned.of(*r);
        s.past += usize::from(scan.past);
        s.hypothetical += usize::from(scan.hypothetical);
        match records[r.record].said[r.said].force {
            Force::Anxiety => s.anxiety += 1,
            Force::Frustration => s.frustration += 1,
            Force::DesiredProgress => s.desired_progress += 1,
            Force::Habit => {}
        }
    }
    s
}
