//! Needs-based segments: interviewees grouped by the struggles (themes) they share, not by
//! title; each with its centre, its poster child, what its members' metadata have in common,
//! and its language.

use crate::knowledge::Knowledge;
use crate::record::Record;
use crate::scan::{Key, NONE, Scanned};
use crate::themes::{SignalRef, Theme};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A group of interviewees who struggle alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Its members, by interviewee name.
    pub members: Vec<String>,
    /// The themes most of its members share, by index, most shared first.
    pub themes: Vec<usize>,
    /// The member who embodies it best (whose struggles are closest to the ones the segment
    /// shares), and their strongest quotes.
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

/// The segments, largest first. Interviewees, taken from the one who holds most themes (then by
/// name), each join the segment whose members share most of their themes on average (Jaccard
/// at least `min_similarity`), or start one; only people who share a theme are ever compared.
pub fn segments(
    records: &[Record],
    scanned: &Scanned,
    themes: &[Theme],
    k: &Knowledge,
) -> Vec<Segment> {
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
    let mut order: Vec<usize> = (0..people.len()).collect();
    order.sort_by(|a, b| {
        held[people[*b]]
            .len()
            .cmp(&held[people[*a]].len())
            .then(a.cmp(b))
    });
    // Who already belongs to a segment, by theme: the only people a newcomer can resemble.
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); themes.len()];
    let mut segment_of: Vec<Option<usize>> = vec![None; people.len()];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut shared: BTreeMap<usize, usize> = BTreeMap::new();
    for &p in &order {
        let mine = &held[people[p]];
        // Themes shared with each earlier person who shares any.
        shared.clear();
        for &t in mine {
            for &q in &holders[t] {
                *shared.entry(q).or_default() += 1;
            }
        }
        let mut sums: BTreeMap<usize, f64> = BTreeMap::new();
        for (&q, &n) in &shared {
            let union = mine.len() + held[people[q]].len() - n;
            if let Some(g) = segment_of[q] {
                *sums.entry(g).or_default() += n as f64 / union as f64;
            }
        }
        let best = sums
            .into_iter()
            .map(|(g, total)| (g, total / groups[g].len() as f64))
            .filter(|(_, avg)| *avg + 1e-12 >= k.min_similarity)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let g = match best {
            Some((g, _)) => g,
            None => {
                groups.push(Vec::new());
                groups.len() - 1
            }
        };
        groups[g].push(p);
        segment_of[p] = Some(g);
        for &t in mine {
            holders[t].push(p);
        }
    }
    let theme_of: HashMap<SignalRef, usize> = themes
        .iter()
        .enumerate()
        .flat_map(|(ti, t)| t.signals.iter().map(move |s| (*s, ti)))
        .collect();
    let held = Held {
        people,
        themes_of: held,
        signals_of,
        theme_of,
    };
    // Each segment reads only its members: described on every core.
    let mut out: Vec<Segment> = groups
        .into_par_iter()
        .filter(|g| g.len() >= 2)
        .map(|mut g| {
            g.sort_unstable();
            segment(records, scanned, k, &held, &g)
        })
        .collect();
    out.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.poster_child.cmp(&b.poster_child))
    });
    out
}

/// What every segment reads: each interviewee's themes and themed signals, and each signal's
/// theme.
struct Held<'a> {
    people: Vec<&'a str>,
    themes_of: BTreeMap<&'a str, BTreeSet<usize>>,
    signals_of: BTreeMap<&'a str, Vec<SignalRef>>,
    theme_of: HashMap<SignalRef, usize>,
}

fn segment(
    records: &[Record],
    scanned: &Scanned,
    k: &Knowledge,
    held: &Held<'_>,
    group: &[usize],
) -> Segment {
    let members: Vec<String> = group.iter().map(|&i| held.people[i].to_owned()).collect();
    let mut shared: BTreeMap<usize, usize> = BTreeMap::new();
    for &i in group {
        for &t in &held.themes_of[held.people[i]] {
            *shared.entry(t).or_default() += 1;
        }
    }
    let mut seg_themes: Vec<(usize, usize)> = shared
        .into_iter()
        .filter(|(_, n)| *n * 2 >= group.len())
        .collect();
    seg_themes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let seg_themes: Vec<usize> = seg_themes.into_iter().map(|(t, _)| t).collect();
    let common: BTreeSet<usize> = seg_themes.iter().copied().collect();
    // The centre: the member whose struggles are closest to the ones the segment shares; more
    // signals, then the name, break ties.
    let centre = group
        .iter()
        .map(|&i| {
            let who = held.people[i];
            (
                i,
                jaccard(&held.themes_of[who], &common),
                held.signals_of[who].len(),
            )
        })
        .max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then(a.2.cmp(&b.2))
                .then(held.people[b.0].cmp(held.people[a.0]))
        })
        .map_or(group[0], |(i, _, _)| i);
    let mut poster_quotes: Vec<SignalRef> = held.signals_of[held.people[centre]]
        .iter()
        .filter(|s| held.theme_of.get(s).is_some_and(|t| common.contains(t)))
        .copied()
        .collect();
    poster_quotes.sort_by(|a, b| {
        let (x, y) = (
            &records[a.record].said[a.said],
            &records[b.record].said[b.said],
        );
        y.confidence.total_cmp(&x.confidence).then(a.cmp(b))
    });
    poster_quotes.dedup_by_key(|s| {
        let said = &records[s.record].said[s.said];
        (s.record, said.turn, said.sentence)
    });
    poster_quotes.truncate(3);
    Segment {
        poster_child: held.people[centre].to_owned(),
        poster_quotes,
        profile: profile(records, &members),
        language: language(records, scanned, k, &members),
        themes: seg_themes,
        members,
    }
}

/// Metadata values every member shares.
fn profile(records: &[Record], members: &[String]) -> Vec<(String, String)> {
    let inside: BTreeSet<&str> = members.iter().map(String::as_str).collect();
    let mut values: BTreeMap<&str, BTreeMap<String, BTreeSet<&str>>> = BTreeMap::new();
    for r in records
        .iter()
        .filter(|r| inside.contains(r.interviewee.as_str()))
    {
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

/// Word pairs two or more members say and no one else does, in their most common form.
fn language(
    records: &[Record],
    scanned: &Scanned,
    k: &Knowledge,
    members: &[String],
) -> Vec<(String, usize)> {
    let inside: BTreeSet<&str> = members.iter().map(String::as_str).collect();
    // Per pair key: the members who say it, and its forms.
    let mut said: HashMap<Key, (BTreeSet<u32>, HashMap<&str, usize>)> = HashMap::new();
    for (ri, r) in records.iter().enumerate() {
        if !inside.contains(r.interviewee.as_str()) {
            continue;
        }
        for (si, s) in r.said.iter().enumerate() {
            for (key, range) in &scanned
                .of(SignalRef {
                    record: ri,
                    said: si,
                })
                .keys
            {
                if key.1 == NONE {
                    continue;
                }
                let entry = said.entry(*key).or_default();
                entry.0.insert(scanned.person[ri]);
                *entry.1.entry(&s.quote.text[range.clone()]).or_default() += 1;
            }
        }
    }
    let mut out: Vec<(String, usize)> = said
        .into_iter()
        // Used by two members or more, and by nobody else (all its users are members).
        .filter(|(key, (who, _))| {
            who.len() >= 2 && scanned.users.get(key).copied() == Some(who.len() as u32)
        })
        .filter_map(|(_, (who, forms))| {
            crate::scan::most_common_form(forms).map(|form| (form, who.len()))
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(k.language);
    out
}
