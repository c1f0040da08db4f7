//! Needs-based segments: interviewees grouped by the struggles (themes) they share, not by
//! title, with hierarchical clustering (`kodama`); each with its centre, its poster child, what its members' metadata have in common,
//! and its language.

use crate::knowledge::Knowledge;
use crate::records::{Records, Slice};
use crate::scan::{Sayings, Scanned};
use crate::themes::{SignalRef, Theme};
use jtbd_model::MetaKey;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A group of interviewees who struggle alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Its members, by interviewee name.
    pub members: Vec<String>,
    /// Its shared struggles: the themes more than half its members speak to, by index, what
    /// sets the segment apart first (its members speak to it far more often than the study
    /// does), then the most shared; at most `struggles` of the knowledge.
    pub themes: Vec<usize>,
    /// The member who embodies it best (whose struggles are closest to the ones the segment
    /// shares), and their strongest quotes.
    pub poster_child: String,
    pub poster_quotes: Vec<SignalRef>,
    /// Metadata every member shares (key, value); empty when they share nothing.
    pub profile: Vec<(String, String)>,
    /// How alike its members' struggles are: the mean cosine similarity of their profiles over
    /// themes (1: the same; 0: nothing in common).
    pub cohesion: f64,
    /// Phrases two or more members use and nobody outside does, with how many members use each.
    pub language: Vec<(String, usize)>,
}

/// Metadata keys that say nothing about who someone is.
const NOT_PROFILE: [&str; 5] = [
    MetaKey::Participant.as_str(),
    MetaKey::Interviewer.as_str(),
    MetaKey::Date.as_str(),
    "file",
    "speakers",
];

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// The sum of the profiles, each scaled to length 1: the direction of a group's struggles.
fn centroid<'a>(profiles: impl Iterator<Item = &'a Vec<f64>>) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    for p in profiles {
        out.resize(p.len(), 0.0);
        let norm = p
            .iter()
            .map(|x| x * x)
            .sum::<f64>()
            .sqrt()
            .max(f64::MIN_POSITIVE);
        for (c, x) in out.iter_mut().zip(p) {
            *c += x / norm;
        }
    }
    out
}

/// The segments, largest first: interviewees clustered by what they struggle with (each one's
/// share of signals in each theme), average-linkage hierarchical clustering (`kodama`) on
/// cosine distance, cut where clusters stop being at least `min_similarity` alike on average.
///
/// A segment's `language` is left empty: it reads its members' words, gathered by [`Languages`]
/// in the pass over the records that drafts the stories.
pub fn segments(
    records: &Records,
    scanned: &Scanned,
    themes: &[Theme],
    k: &Knowledge,
) -> Vec<Segment> {
    // Interviewee -> their themed signals, counted per theme (the signals themselves are
    // listed again for the few poster children: a list per person of every themed signal took
    // 64 MB at a gigabyte of transcripts).
    let mut per_theme: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (ti, t) in themes.iter().enumerate() {
        for s in &t.signals {
            let who = records.head(s.record).interviewee.as_str();
            per_theme
                .entry(who)
                .or_insert_with(|| vec![0; themes.len()])[ti] += 1;
        }
    }
    let people: Vec<&str> = per_theme.keys().copied().collect();
    let signal_count: Vec<usize> = per_theme.values().map(|n| n.iter().sum()).collect();
    let profiles: Vec<Vec<f64>> = per_theme
        .into_values()
        .map(|n| n.into_iter().map(|x| x as f64).collect())
        .collect();
    // The clustering compares every pair: past `max_clustered` people it runs on those with
    // the most themed signals, and everyone else joins the segment whose average profile they
    // are most like (at least `min_similarity`), so time and memory stay bounded.
    let mut sample: Vec<usize> = (0..people.len()).collect();
    if sample.len() > k.max_clustered {
        sample.sort_by(|a, b| signal_count[*b].cmp(&signal_count[*a]).then(a.cmp(b)));
        sample.truncate(k.max_clustered);
        sample.sort_unstable();
    }
    let n = sample.len();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    if n >= 2 {
        let mut condensed = Vec::with_capacity(n * (n - 1) / 2);
        for a in 0..n {
            for b in a + 1..n {
                condensed.push(1.0 - cosine(&profiles[sample[a]], &profiles[sample[b]]));
            }
        }
        let dendrogram = kodama::linkage(&mut condensed, n, kodama::Method::Average);
        // Clusters are numbered 0..n for people, n + i for the cluster step i makes.
        let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
        let mut alive: Vec<bool> = vec![true; n];
        let cut = 1.0 - k.min_similarity;
        for step in dendrogram.steps() {
            if step.dissimilarity > cut + 1e-12 {
                // Average linkage is monotone: no later step merges closer clusters.
                break;
            }
            let mut merged = std::mem::take(&mut members[step.cluster1]);
            merged.append(&mut std::mem::take(&mut members[step.cluster2]));
            alive[step.cluster1] = false;
            alive[step.cluster2] = false;
            members.push(merged);
            alive.push(true);
        }
        groups = members
            .into_iter()
            .zip(alive)
            .filter(|(m, alive)| *alive && !m.is_empty())
            .map(|m| m.0.into_iter().map(|i| sample[i]).collect())
            .collect();
    }
    if sample.len() < people.len() {
        let in_sample: std::collections::HashSet<usize> = sample.iter().copied().collect();
        let centroids: Vec<Vec<f64>> = groups
            .iter()
            .map(|g| centroid(g.iter().map(|&i| &profiles[i])))
            .collect();
        for p in (0..people.len()).filter(|p| !in_sample.contains(p)) {
            let best = centroids
                .iter()
                .enumerate()
                .map(|(g, c)| (g, cosine(&profiles[p], c)))
                .filter(|(_, s)| *s + 1e-12 >= k.min_similarity)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            if let Some((g, _)) = best {
                groups[g].push(p);
            }
        }
    }
    let mut people_in = vec![0; themes.len()];
    for profile in &profiles {
        for t in speaks_to(profile) {
            people_in[t] += 1;
        }
    }
    let held = Held {
        people,
        themes,
        signal_count,
        profiles,
        people_in,
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

/// What every segment reads: each interviewee's themes and themed signals.
struct Held<'a> {
    people: Vec<&'a str>,
    /// The themes, whose signals a segment's poster child is quoted from.
    themes: &'a [Theme],
    /// How many themed signals each person has, by index in `people`.
    signal_count: Vec<usize>,
    /// Each person's signals per theme, by index in `people`.
    profiles: Vec<Vec<f64>>,
    /// How many people speak to each theme.
    people_in: Vec<usize>,
}

/// The themes a profile has signals in, in theme order.
fn speaks_to(profile: &[f64]) -> impl Iterator<Item = usize> + '_ {
    (0..profile.len()).filter(|&t| profile[t] > 0.0)
}

fn segment(
    records: &Records,
    scanned: &Scanned,
    k: &Knowledge,
    held: &Held<'_>,
    group: &[usize],
) -> Segment {
    let members: Vec<String> = group.iter().map(|&i| held.people[i].to_owned()).collect();
    let mut shared: BTreeMap<usize, usize> = BTreeMap::new();
    for &i in group {
        for t in speaks_to(&held.profiles[i]) {
            *shared.entry(t).or_default() += 1;
        }
    }
    // Shared: by most members (two of two, two of three, three of five...).
    let mut seg_themes: Vec<(usize, usize)> = shared
        .into_iter()
        .filter(|(_, n)| *n * 2 > group.len())
        .collect();
    // What sets the segment apart first: a theme its members speak to far more often than the
    // study does (lift: its share of members over its share of everyone) before one everybody
    // speaks to; then the more members, then the codebook's order.
    let lift = |(t, n): (usize, usize)| {
        let everyone = held.people_in[t].max(1) as f64 / held.people.len().max(1) as f64;
        (n as f64 / group.len() as f64) / everyone
    };
    seg_themes.sort_by(|a, b| {
        lift(*b)
            .total_cmp(&lift(*a))
            .then(b.1.cmp(&a.1))
            .then(a.0.cmp(&b.0))
    });
    let seg_themes: Vec<usize> = seg_themes
        .into_iter()
        .take(k.struggles)
        .map(|(t, _)| t)
        .collect();
    let common: BTreeSet<usize> = seg_themes.iter().copied().collect();
    // The centre: the member closest to the segment's average profile; more signals, then
    // the name, break ties. Cohesion: how alike its members are on average.
    let centroid = centroid(group.iter().map(|&i| &held.profiles[i]));
    let centre = group
        .iter()
        .map(|&i| {
            (
                i,
                cosine(&held.profiles[i], &centroid),
                held.signal_count[i],
            )
        })
        .max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then(a.2.cmp(&b.2))
                .then(held.people[b.0].cmp(held.people[a.0]))
        })
        .map_or(group[0], |(i, _, _)| i);
    let mut pairs = 0usize;
    let mut alike = 0.0;
    for (x, &a) in group.iter().enumerate() {
        for &b in &group[x + 1..] {
            pairs += 1;
            alike += cosine(&held.profiles[a], &held.profiles[b]);
        }
    }
    let cohesion = if pairs == 0 {
        1.0
    } else {
        alike / pairs as f64
    };
    // The poster child's signals in the segment's themes, theme by theme.
    // (Told by the scan's number of each record's interviewee, not by comparing names for
    // every signal of those themes.)
    let poster = held.people[centre];
    let number = (0..records.len())
        .find(|&r| records.head(r).interviewee == poster)
        .map(|r| scanned.person[r]);
    let shared: Vec<SignalRef> = (held.themes.iter().enumerate())
        .filter(|(t, _)| common.contains(t))
        .flat_map(|(_, theme)| theme.signals.iter())
        .filter(|s| Some(scanned.person[s.record]) == number)
        .collect();
    let mut poster_quotes =
        crate::themes::strongest_first(records, scanned, shared.iter().copied(), |_| true);
    poster_quotes.dedup_by_key(|s| {
        let said = records.brief(*s);
        (s.record, said.turn, said.sentence)
    });
    poster_quotes.truncate(3);
    Segment {
        cohesion,
        poster_child: held.people[centre].to_owned(),
        poster_quotes,
        profile: profile(records, &members),
        // Filled in by [`Languages`].
        language: Vec::new(),
        themes: seg_themes,
        members,
    }
}

/// Metadata values every member shares.
fn profile(records: &Records, members: &[String]) -> Vec<(String, String)> {
    let inside: BTreeSet<&str> = members.iter().map(String::as_str).collect();
    let mut values: BTreeMap<&str, BTreeMap<String, BTreeSet<&str>>> = BTreeMap::new();
    for r in records
        .heads()
        .iter()
        .filter(|r| inside.contains(r.interviewee.as_str()))
    {
        for (key, v) in r.metadata.iter() {
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

/// Each segment's language (word pairs two or more members say and no one else does, in their
/// most common form), gathered a slice of records at a time (a person is in one segment at
/// most).
pub struct Languages<'a> {
    scanned: &'a Scanned,
    segment_of: HashMap<&'a str, usize>,
    said: Vec<Sayings>,
}

impl<'a> Languages<'a> {
    pub fn new(scanned: &'a Scanned, segments: &'a [Segment]) -> Languages<'a> {
        let mut segment_of = HashMap::new();
        for (i, seg) in segments.iter().enumerate() {
            for m in &seg.members {
                segment_of.insert(m.as_str(), i);
            }
        }
        Languages {
            scanned,
            segment_of,
            said: segments.iter().map(|_| Sayings::default()).collect(),
        }
    }

    /// Whether any record is read for a language.
    pub fn wanted(&self) -> bool {
        !self.said.is_empty()
    }

    /// Reads the members' words in some records.
    pub fn add(&mut self, slice: &Slice<'_>) {
        let scanned = self.scanned;
        for ri in slice.range() {
            let r = &slice[ri];
            let Some(&seg) = self.segment_of.get(r.interviewee.as_str()) else {
                continue;
            };
            for (si, s) in r.said.iter().enumerate() {
                for (key, range) in scanned
                    .of(SignalRef {
                        record: ri,
                        said: si,
                    })
                    .keys
                    .iter()
                {
                    // Only a pair two interviewees or more say can be the language of two
                    // members: most pairs are one person's, and are left out before any map
                    // holds them.
                    if scanned.users.get(&key).is_none_or(|&n| n < 2) {
                        continue;
                    }
                    let form = crate::scan::form(&s.quote.text, &range);
                    self.said[seg].add(key, scanned.person[ri], form);
                }
            }
        }
    }

    /// Each segment's language, in segment order.
    pub fn finish(self, k: &Knowledge) -> Vec<Vec<(String, usize)>> {
        let scanned = self.scanned;
        self.said
            .into_iter()
            .map(|said| language(scanned, k, said))
            .collect()
    }
}

/// A segment's language from what its members say.
fn language(scanned: &Scanned, k: &Knowledge, said: Sayings) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = said
        .0
        .into_iter()
        // Used by two members or more, and by nobody else (all its users are members).
        .filter(|(key, (who, _))| {
            who.len() >= 2 && scanned.users.get(key).copied() == Some(who.len() as u32)
        })
        .filter_map(|(_, (who, forms))| forms.most_common().map(|form| (form, who.len())))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(k.language);
    out
}
