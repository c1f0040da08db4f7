//! Needs-based segments: interviewees grouped by the struggles (themes) they share, not by
//! title; each with its centre, its poster child, what its members' metadata have in common,
//! and its language.

use crate::knowledge::Knowledge;
use crate::record::Record;
use crate::themes::{SignalRef, Theme};
use std::collections::{BTreeMap, BTreeSet};

/// A group of interviewees who struggle alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Its members, by interviewee name.
    pub members: Vec<String>,
    /// The themes most of its members share, by index, most shared first.
    pub themes: Vec<usize>,
    /// The member who embodies it best (most alike the others), and their strongest quotes.
    pub poster_child: String,
    pub poster_quotes: Vec<SignalRef>,
    /// Metadata every member shares (key, value); empty when they share nothing.
    pub profile: Vec<(String, String)>,
    /// Phrases two or more members use and nobody outside does, with how many members use each.
    pub language: Vec<(String, usize)>,
}

/// Metadata keys that say nothing about who someone is.
const NOT_PROFILE: [&str; 5] = ["participant", "interviewer", "date", "file", "speakers"];

fn jaccard(a: &BTreeSet<usize>, b: &BTreeSet<usize>) -> f64 {
    let shared = a.intersection(b).count() as f64;
    let all = a.union(b).count() as f64;
    if all == 0.0 { 0.0 } else { shared / all }
}

/// The segments, largest first.
pub fn segments(records: &[Record], themes: &[Theme], k: &Knowledge) -> Vec<Segment> {
    // Interviewee -> themes, and their signals in those themes.
    let mut held: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    let mut signals_of: BTreeMap<&str, Vec<SignalRef>> = BTreeMap::new();
    for (ti, t) in themes.iter().enumerate() {
        for s in &t.signals {
            let who = records[s.record].interviewee.as_str();
            held.entry(who).or_default().insert(ti);
            signals_of.entry(who).or_default().push(*s);
        }
    }
    let people: Vec<&str> = held.keys().copied().collect();
    let sim = |a: usize, b: usize| jaccard(&held[people[a]], &held[people[b]]);
    // Average-linkage agglomeration: merge the closest pair of groups while it is close enough
    // (ties: the pair that comes first in name order, so the result never depends on timing).
    let mut groups: Vec<Vec<usize>> = (0..people.len()).map(|i| vec![i]).collect();
    loop {
        let mut best: Option<(f64, usize, usize)> = None;
        for i in 0..groups.len() {
            for j in i + 1..groups.len() {
                let total: f64 = groups[i]
                    .iter()
                    .flat_map(|&a| groups[j].iter().map(move |&b| (a, b)))
                    .map(|(a, b)| sim(a, b))
                    .sum();
                let avg = total / (groups[i].len() * groups[j].len()) as f64;
                if best.is_none_or(|(b, _, _)| avg > b + 1e-12) {
                    best = Some((avg, i, j));
                }
            }
        }
        match best {
            Some((avg, i, j)) if avg >= k.min_similarity => {
                let merged = groups.remove(j);
                groups[i].extend(merged);
                groups[i].sort_unstable();
            }
            _ => break,
        }
    }
    let mut out: Vec<Segment> = groups
        .into_iter()
        .filter(|g| g.len() >= 2)
        .map(|g| segment(records, themes, k, &people, &held, &signals_of, &g, sim))
        .collect();
    out.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.poster_child.cmp(&b.poster_child))
    });
    out
}

#[allow(clippy::too_many_arguments)]
fn segment(
    records: &[Record],
    themes: &[Theme],
    k: &Knowledge,
    people: &[&str],
    held: &BTreeMap<&str, BTreeSet<usize>>,
    signals_of: &BTreeMap<&str, Vec<SignalRef>>,
    group: &[usize],
    sim: impl Fn(usize, usize) -> f64,
) -> Segment {
    let members: Vec<String> = group.iter().map(|&i| people[i].to_owned()).collect();
    // The centre: the member most alike the others; more signals, then the name, break ties.
    let centre = group
        .iter()
        .map(|&i| {
            let total: f64 = group.iter().filter(|&&j| j != i).map(|&j| sim(i, j)).sum();
            (i, total, signals_of[people[i]].len())
        })
        .max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then(a.2.cmp(&b.2))
                .then(people[b.0].cmp(people[a.0]))
        })
        .map_or(group[0], |(i, _, _)| i);
    let mut shared: BTreeMap<usize, usize> = BTreeMap::new();
    for &i in group {
        for &t in &held[people[i]] {
            *shared.entry(t).or_default() += 1;
        }
    }
    let mut seg_themes: Vec<(usize, usize)> = shared
        .into_iter()
        .filter(|(_, n)| *n * 2 >= group.len())
        .collect();
    seg_themes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let seg_themes: Vec<usize> = seg_themes.into_iter().map(|(t, _)| t).collect();
    let mut poster_quotes: Vec<SignalRef> = signals_of[people[centre]]
        .iter()
        .filter(|s| seg_themes.iter().any(|t| themes[*t].signals.contains(s)))
        .copied()
        .collect();
    poster_quotes.sort_by(|a, b| {
        let (x, y) = (
            &records[a.record].said[a.said],
            &records[b.record].said[b.said],
        );
        y.confidence.total_cmp(&x.confidence).then(a.cmp(b))
    });
    poster_quotes.dedup();
    poster_quotes.truncate(3);
    Segment {
        poster_child: people[centre].to_owned(),
        poster_quotes,
        profile: profile(records, &members),
        language: language(records, k, &members),
        themes: seg_themes,
        members,
    }
}

/// Metadata values every member shares.
fn profile(records: &[Record], members: &[String]) -> Vec<(String, String)> {
    let mut values: BTreeMap<&str, BTreeMap<String, BTreeSet<&str>>> = BTreeMap::new();
    for r in records.iter().filter(|r| members.contains(&r.interviewee)) {
        for (key, v) in &r.metadata {
            if NOT_PROFILE.contains(&key.as_str()) || v.trim().is_empty() {
                continue;
            }
            values
                .entry(key)
                .or_default()
                .entry(v.trim().to_lowercase())
                .or_default()
                .insert(r.interviewee.as_str());
        }
    }
    values
        .into_iter()
        .filter_map(|(key, by_value)| {
            by_value
                .into_iter()
                .find(|(_, who)| who.len() == members.len())
                .map(|(v, _)| (key.to_owned(), v))
        })
        .collect()
}

/// Word pairs (as said, lower case) two or more members use and no one else does.
fn language(records: &[Record], k: &Knowledge, members: &[String]) -> Vec<(String, usize)> {
    let mut users: BTreeMap<String, (BTreeSet<&str>, bool)> = BTreeMap::new();
    for r in records {
        let inside = members.contains(&r.interviewee);
        for s in &r.said {
            let text = &s.quote.text;
            let tokens = jtbd_text::tokenize(text);
            for pair in tokens.windows(2) {
                let content = |t: &jtbd_text::Token| {
                    t.term.chars().count() >= 3 && !k.stop_terms.contains(&t.term)
                };
                if !(content(&pair[0]) && content(&pair[1])) {
                    continue;
                }
                let phrase = text[pair[0].start..pair[1].end].to_lowercase();
                let entry = users.entry(phrase).or_default();
                if inside {
                    entry.0.insert(r.interviewee.as_str());
                } else {
                    entry.1 = true;
                }
            }
        }
    }
    let mut out: Vec<(String, usize)> = users
        .into_iter()
        .filter(|(_, (who, outside))| who.len() >= 2 && !outside)
        .map(|(p, (who, _))| (p, who.len()))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(k.language);
    out
}
