//! Themes: signals from several interviewees about the same thing.
//!
//! Each signal votes for its most distinctive word pairs outside its cue (stemmed by the one
//! analyzer, weighted by how few interviewees use them); a theme is a pair that signals of at
//! least `min_interviewees` interviewees voted for, taken greedily from the most widely shared,
//! each signal joining only the first theme it fits.

use crate::codebook::Codebook;
use crate::column::Half;
use crate::knowledge::Knowledge;
use crate::records::{Records, SpillError};
use crate::scan::{Forms, Key, Sayings, Scanned, form};
use jtbd_model::Force;
use jtbd_model::MetaKey;
use jtbd_text::leb128;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A signal: index of its record, and of the signal in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SignalRef {
    pub record: usize,
    pub said: usize,
}

/// A signal in 8 bytes, as a vote holds it: a study keeps up to `votes` votes for each of its
/// signals while themes are formed, where a [`SignalRef`] takes 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Voter(u32, u32);

impl Voter {
    fn of(s: SignalRef) -> Voter {
        // A study holds far fewer than 4 billion records, and a record as many signals.
        Voter(s.record as u32, s.said as u32)
    }

    fn signal(self) -> SignalRef {
        SignalRef {
            record: self.0 as usize,
            said: self.1 as usize,
        }
    }
}

/// Signals in order, as a theme holds them (its signals in corpus order, its evidence ranked:
/// a study's themes hold most of its signals twice). Each is kept as the step from the one
/// before to its record (signed) and its number in the record, in LEB128: about 2 bytes a
/// signal in corpus order and 4 ranked, where a [`SignalRef`] takes 16. Iterating gives
/// [`SignalRef`]s.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refs {
    bytes: Box<[u8]>,
    len: usize,
}

impl Refs {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> RefsIter<'_> {
        RefsIter {
            bytes: &self.bytes,
            left: self.len,
            record: 0,
        }
    }

    pub fn first(&self) -> Option<SignalRef> {
        self.iter().next()
    }

    pub fn contains(&self, s: &SignalRef) -> bool {
        self.iter().any(|r| r == *s)
    }
}

impl FromIterator<SignalRef> for Refs {
    fn from_iter<I: IntoIterator<Item = SignalRef>>(iter: I) -> Refs {
        let mut b = RefsBuilder::default();
        for s in iter {
            b.push(s);
        }
        b.finish()
    }
}

/// [`Refs`] made a signal at a time.
#[derive(Debug, Clone, Default)]
struct RefsBuilder {
    bytes: Vec<u8>,
    len: usize,
    record: usize,
}

impl RefsBuilder {
    fn push(&mut self, s: SignalRef) {
        leb128::put_signed(&mut self.bytes, s.record.wrapping_sub(self.record) as i64);
        leb128::put(&mut self.bytes, s.said as u64);
        self.record = s.record;
        self.len += 1;
    }

    fn finish(self) -> Refs {
        Refs {
            bytes: self.bytes.into_boxed_slice(),
            len: self.len,
        }
    }
}

/// A theme while themes are formed: its origin, its phrase (an emergent theme's), the signals
/// its code took (in corpus order, 2 bytes or so a signal: most of a study's signals are coded,
/// and these are held while every signal votes) and those it took in later, as merged phrases.
struct Picked {
    origin: Origin,
    key: Option<Key>,
    coded: Refs,
    added: Vec<Voter>,
}

impl Picked {
    /// Its signals in corpus order (a signal taken in later was free, so in neither twice).
    fn signals(self) -> Refs {
        let mut added = self.added;
        added.sort_unstable();
        let mut added = added.into_iter().map(Voter::signal).peekable();
        let mut coded = self.coded.iter().peekable();
        std::iter::from_fn(|| match (coded.peek().copied(), added.peek().copied()) {
            (Some(c), Some(a)) if a < c => added.next(),
            (Some(_), _) => coded.next(),
            (None, _) => added.next(),
        })
        .collect()
    }
}

impl<'a> IntoIterator for &'a Refs {
    type Item = SignalRef;
    type IntoIter = RefsIter<'a>;
    fn into_iter(self) -> RefsIter<'a> {
        self.iter()
    }
}

/// The signals of [`Refs`], in order.
#[derive(Debug, Clone)]
pub struct RefsIter<'a> {
    bytes: &'a [u8],
    left: usize,
    record: usize,
}

impl Iterator for RefsIter<'_> {
    type Item = SignalRef;

    fn next(&mut self) -> Option<SignalRef> {
        // Refs are written whole, so each one's two numbers are there while any are left.
        self.left = self.left.checked_sub(1)?;
        let step = leb128::get_signed(&mut self.bytes)?;
        self.record = self.record.wrapping_add(step as usize);
        let said = leb128::get(&mut self.bytes)? as usize;
        Some(SignalRef {
            record: self.record,
            said,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for RefsIter<'_> {}

/// The theme each signal joined, by its number among the study's signals (records in order,
/// then their signals): 2 bytes a signal while a study has fewer than 65,535 themes, where a
/// table keyed by quote took many times that.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Joined(Taken);

impl Joined {
    /// Made from `themes`' signals (a signal joins one theme at most).
    pub fn of(themes: &[Theme], records: &Records) -> Joined {
        let mut at = Taken::free(records.signal_count());
        for (i, t) in themes.iter().enumerate() {
            for s in &t.signals {
                at.take(records.index(s), i);
            }
        }
        Joined(at)
    }

    /// The theme signal number `signal` joined, by index, if any.
    pub fn get(&self, signal: usize) -> Option<usize> {
        self.0.get(signal)
    }
}

/// Which theme, if any, each signal is in, by the signal's number: the theme's index plus one,
/// 0 for none.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Taken(Half);

impl Taken {
    /// `signals` signals, none in a theme.
    pub(crate) fn free(signals: usize) -> Taken {
        Taken(Half::filled(signals, 0))
    }

    /// Puts signal number `signal` in theme `theme`. (A theme holds a signal at least, so its
    /// index fits where a signal's number does.)
    pub(crate) fn take(&mut self, signal: usize, theme: usize) {
        self.0
            .set(signal, u32::try_from(theme + 1).unwrap_or(u32::MAX));
    }

    /// The theme signal number `signal` is in, by index, if any.
    pub(crate) fn get(&self, signal: usize) -> Option<usize> {
        if signal >= self.0.len() {
            return None;
        }
        (self.0.get(signal) as usize).checked_sub(1)
    }
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

/// Where a theme comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A theme of the codebook, by its index there.
    Codebook(usize),
    /// A phrase several interviewees share that no codebook theme names.
    Emergent,
}

/// Signals from several interviewees about one thing.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// A stable id: the codebook's, or one made of the label.
    pub id: String,
    /// The codebook's label, or the corpus's own words for it (its most common form).
    pub label: String,
    /// One line on what it holds: the codebook's definition, or the phrases its signals share.
    pub definition: String,
    pub origin: Origin,
    /// Its signals, in corpus order.
    pub signals: Refs,
    /// Its signals to quote, ranked once for every output: each interviewee's strongest first
    /// (so the first few quotes are several people's), then the rest, strongest first; a
    /// sentence that carries two signals quoted once.
    pub evidence: Refs,
    pub strength: Strength,
    /// How many interviewees tell a job story in it (its stories list the strongest).
    pub tellers: usize,
}

/// `signals` in the order they are quoted: a quote that promotes the speaker's own company or
/// voices someone else's words after the others (neither shows the speaker's own struggle),
/// then those `first` holds, then the surest, then corpus order.
pub(crate) fn strongest_first(
    records: &Records,
    scanned: &Scanned,
    signals: impl Iterator<Item = SignalRef>,
    first: impl Fn(&SignalRef) -> bool,
) -> Vec<SignalRef> {
    let ranked = ranked(records, scanned, signals.map(|s| (s, ())), first);
    ranked.into_iter().map(|r| r.signal.signal()).collect()
}

/// A signal as [`ranked`] sorts it (24 bytes: a big theme ranks hundreds of thousands), with
/// what the caller keeps beside it.
struct Ranked<T> {
    /// An aside (2), not one `first` holds (1): those go after.
    after: u8,
    confidence: f64,
    signal: Voter,
    with: T,
}

/// [`strongest_first`] of signals that each carry a `T`.
fn ranked<T>(
    records: &Records,
    scanned: &Scanned,
    signals: impl Iterator<Item = (SignalRef, T)>,
    first: impl Fn(&SignalRef) -> bool,
) -> Vec<Ranked<T>> {
    let mut keyed: Vec<Ranked<T>> = signals
        .map(|(s, with)| Ranked {
            after: (u8::from(scanned.of(s).aside) << 1) | u8::from(!first(&s)),
            confidence: records.brief(s).confidence,
            signal: Voter::of(s),
            with,
        })
        .collect();
    // Signals differ, so the order is total: an unstable sort gives the same order without a
    // stable sort's buffer of half the signals.
    keyed.sort_unstable_by(|a, b| {
        a.after
            .cmp(&b.after)
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.signal.cmp(&b.signal))
    });
    keyed
}

/// [`Theme::evidence`] of `signals`.
fn rank_evidence(
    records: &Records,
    scanned: &Scanned,
    signals: &Refs,
    names: impl Fn(&SignalRef) -> bool,
) -> Refs {
    // Each signal with its sentence's number among the theme's sentences: a sentence is
    // (record, turn, sentence in the turn), and a record's sentences are numbered as its
    // signals come (a map of one record at a time, not of the theme).
    let (mut sentences, mut record, mut of_record) = (0u32, None, rustc_hash::FxHashMap::default());
    let with_sentence = signals.iter().map(|s| {
        if record != Some(s.record) {
            (record, of_record) = (Some(s.record), rustc_hash::FxHashMap::default());
        }
        let b = records.brief(s);
        let sentence = *of_record.entry((b.turn, b.sentence)).or_insert_with(|| {
            sentences += 1;
            sentences - 1
        });
        (s, sentence)
    });
    // A quote that names the theme in its own words stands on its own ("I need to be able to
    // account for that" needs the sentence before it).
    let mut ranked = ranked(records, scanned, with_sentence, names);
    let mut seen = vec![false; sentences as usize];
    ranked.retain(|r| !std::mem::replace(&mut seen[r.with as usize], true));
    let mut first_of = BTreeSet::new();
    let (firsts, rest): (Vec<Voter>, Vec<Voter>) = ranked
        .into_iter()
        .map(|r| r.signal)
        .partition(|v| first_of.insert(records.head(v.signal().record).interviewee.as_str()));
    firsts.into_iter().chain(rest).map(Voter::signal).collect()
}

/// Groups the records' signals into themes, strongest first: each signal joins the codebook
/// theme its words (and the sentence before) say most; codebook themes too few interviewees
/// share give their signals back; what is left forms emergent themes, phrases of two words
/// that several interviewees say, merged into the theme that holds most of their signals.
pub fn themes(
    records: &Records,
    scanned: &Scanned,
    k: &Knowledge,
    codebook: &Codebook,
    min_interviewees: usize,
) -> Result<Vec<Theme>, SpillError> {
    let min = min_interviewees.max(1);
    let person = &scanned.person;
    let who = |refs: &mut dyn Iterator<Item = SignalRef>| {
        refs.map(|s| person[s.record]).collect::<HashSet<_>>().len()
    };
    // 1. The codebook. How many signals name each theme at all: a sentence that names a broad
    // theme and a narrow one equally ("pipelines that operate Terraform") tells the narrow one.
    let mut named = vec![0usize; codebook.codes.len()];
    for ri in 0..records.len() {
        for si in 0..records.said_count(ri) {
            for c in scanned
                .of(SignalRef {
                    record: ri,
                    said: si,
                })
                .codes
                .iter()
            {
                named[c.code as usize] += 1;
            }
        }
    }
    // Each code's signals, in corpus order.
    let mut coded: Vec<RefsBuilder> = vec![RefsBuilder::default(); codebook.codes.len()];
    for ri in 0..records.len() {
        for si in 0..records.said_count(ri) {
            let sref = SignalRef {
                record: ri,
                said: si,
            };
            let codes = scanned.of(sref).codes;
            let mut score = vec![0u32; codebook.codes.len()];
            for c in codes.iter() {
                score[c.code as usize] += c.score();
            }
            // The highest score; on a tie the theme fewer signals name; then the codebook's order.
            let best = (0..score.len())
                .filter(|&c| score[c] > 0)
                .min_by_key(|&c| (std::cmp::Reverse(score[c]), named[c], c));
            if let Some(c) = best.filter(|&c| score[c] >= k.min_code_score) {
                coded[c].push(sref);
            }
        }
    }
    let mut picked: Vec<Picked> = Vec::new();
    // The theme each signal is taken into, by its number: a place per signal, not a map.
    let mut taken = Taken::free(scanned.signal_count());
    for (c, signals) in coded.into_iter().enumerate() {
        let signals = signals.finish();
        if who(&mut signals.iter()) >= min {
            for s in &signals {
                taken.take(scanned.index(s), picked.len());
            }
            picked.push(Picked {
                origin: Origin::Codebook(c),
                key: None,
                coded: signals,
                added: Vec::new(),
            });
        }
    }
    // 2. Emergent phrases.
    let users = &scanned.users;
    let people = scanned.people.max(1) as f64;
    let weight = |key: Key| {
        let df = f64::from(users.get(&key).copied().unwrap_or(1));
        (1.0 + people / df).ln()
    };
    // A phrase nearly everyone says names no one struggle ("make sure", "long time").
    let usable = |key: Key| {
        users.get(&key).is_some_and(|&n| {
            n as usize >= min && !(people >= 4.0 && f64::from(n) > k.max_share * people)
        })
    };
    // Every signal votes for its most distinctive phrases (coded ones too, so a phrase of a
    // codebook theme folds into it).
    // The records vote a slice at a time, on every core, each slice's votes filed before the
    // next is made: a study has up to `votes` of them for every signal.
    let vote = |ri: usize| {
        let mut out = Vec::new();
        let mut shared: Vec<(f64, Key)> = Vec::new();
        for si in 0..records.said_count(ri) {
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
                    .map(|(key, _)| key)
                    .filter(|key| usable(*key))
                    .map(|key| (weight(key), key)),
            );
            shared.sort_by(|a, b| {
                b.0.total_cmp(&a.0)
                    .then_with(|| scanned.words(a.1).cmp(&scanned.words(b.1)))
            });
            out.extend(
                shared
                    .iter()
                    .take(k.votes)
                    .map(|(_, key)| (Voter::of(sref), *key)),
            );
        }
        out
    };
    let mut voters: HashMap<Key, Vec<Voter>> = HashMap::new();
    let slice = 256 * rayon::current_num_threads().max(1);
    let mut at = 0;
    while at < records.len() {
        let end = records.len().min(at + slice);
        let votes: Vec<Vec<(Voter, Key)>> = (at..end).into_par_iter().map(vote).collect();
        for (voter, key) in votes.into_iter().flatten() {
            voters.entry(key).or_default().push(voter);
        }
        at = end;
    }
    // Candidates, most widely shared first, then the rarer, then by words.
    let mut candidates: Vec<(usize, Key, &Vec<Voter>)> = voters
        .iter()
        .map(|(key, votes)| (who(&mut votes.iter().map(|v| v.signal())), *key, votes))
        .collect();
    candidates.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(weight(b.1).total_cmp(&weight(a.1)))
            .then_with(|| scanned.words(a.1).cmp(&scanned.words(b.1)))
    });
    for (_, key, votes) in candidates {
        let free: Vec<SignalRef> = votes
            .iter()
            .map(|v| v.signal())
            .filter(|s| taken.get(scanned.index(*s)).is_none())
            .collect();
        if free.is_empty() {
            continue;
        }
        // Merged where most of its signals already are.
        let mut held: BTreeMap<usize, usize> = BTreeMap::new();
        for s in votes.iter().map(|v| v.signal()) {
            if let Some(t) = taken.get(scanned.index(s)) {
                *held.entry(t).or_default() += 1;
            }
        }
        let into = held
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .filter(|(_, n)| *n > free.len());
        let at = match into {
            Some((t, _)) => t,
            // A phrase people only enjoy or wish for ("star wars", "blog post") is talk, not a
            // struggle: an emergent theme needs a frustration or a worry among its signals, and
            // more than one mention each from a pair of people.
            None if who(&mut free.iter().copied()) >= min
                && free.len() >= k.min_emergent_signals
                && free.iter().any(|s| {
                    matches!(records.brief(*s).force, Force::Frustration | Force::Anxiety)
                }) =>
            {
                picked.push(Picked {
                    origin: Origin::Emergent,
                    key: Some(key),
                    coded: Refs::default(),
                    added: Vec::new(),
                });
                picked.len() - 1
            }
            None => continue,
        };
        for s in &free {
            taken.take(scanned.index(*s), at);
        }
        picked[at].added.extend(free.into_iter().map(Voter::of));
    }
    // An emergent theme is named in its signals' words: read in one pass over the records.
    let sayings = emergent_sayings(records, scanned, &picked, &taken)?;
    drop((taken, voters));
    // Naming, ranking and weighing a theme reads only its own signals. One theme at a time: a
    // big theme's ranking holds 24 bytes a signal while it runs, and two at once made the peak
    // of `analyze` at a gigabyte of transcripts.
    let mut out: Vec<Theme> = picked
        .into_iter()
        .zip(sayings)
        .map(|(picked, sayings)| {
            let (origin, key) = (picked.origin.clone(), picked.key);
            let signals = picked.signals();
            let (id, label, definition) = match (&origin, key) {
                (Origin::Codebook(c), _) => {
                    let code = &codebook.codes[*c];
                    (code.id.clone(), code.label.clone(), code.definition.clone())
                }
                (Origin::Emergent, Some(key)) => {
                    let label = label(&sayings, key);
                    let phrases = phrases(scanned, sayings, 3);
                    let definition = format!(
                        "Emergent: what interviewees said in these words: {}.",
                        phrases
                            .iter()
                            .map(|p| format!("\"{p}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    (String::new(), label, definition)
                }
                (Origin::Emergent, None) => (String::new(), String::new(), String::new()),
            };
            // Whether a signal names the theme in its own words: a cue of the codebook theme in
            // its own sentence, or the emergent theme's phrase.
            let evidence = rank_evidence(records, scanned, &signals, |s| match (&origin, key) {
                (Origin::Codebook(c), _) => {
                    let codes = scanned.of(*s).codes;
                    codes.iter().any(|x| x.code as usize == *c && x.own > 0)
                }
                (Origin::Emergent, Some(key)) => {
                    let keys = scanned.of(*s).keys;
                    keys.iter().any(|(k, _)| k == key)
                }
                (Origin::Emergent, None) => false,
            });
            Theme {
                id,
                label,
                definition,
                origin,
                strength: strength(records, scanned, &signals),
                evidence,
                signals,
                tellers: 0,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.strength
            .interviewees
            .cmp(&a.strength.interviewees)
            .then(b.strength.signals.cmp(&a.strength.signals))
            .then(a.label.cmp(&b.label))
    });
    let mut used: BTreeMap<String, usize> = out
        .iter()
        .filter(|t| !t.id.is_empty())
        .map(|t| (t.id.clone(), 1))
        .collect();
    for t in out.iter_mut().filter(|t| t.id.is_empty()) {
        let slug = slug(&t.label);
        let n = used.entry(slug.clone()).or_default();
        *n += 1;
        t.id = if *n == 1 { slug } else { format!("{slug}-{n}") };
    }
    Ok(out)
}

/// A label as an id: its letters and digits, runs of anything else as one `-`.
pub(crate) fn slug(label: &str) -> String {
    label
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// What every emergent theme of `picked` says ([`Sayings`]; empty for the others), from one
/// pass over the records: `taken` has the theme of each signal by its number.
fn emergent_sayings(
    records: &Records,
    scanned: &Scanned,
    picked: &[Picked],
    taken: &Taken,
) -> Result<Vec<Sayings>, SpillError> {
    let mut out: Vec<Sayings> = picked.iter().map(|_| Sayings::default()).collect();
    let emergent: Vec<bool> = picked
        .iter()
        .map(|p| matches!(p.origin, Origin::Emergent) && p.key.is_some())
        .collect();
    if !emergent.contains(&true) {
        return Ok(out);
    }
    records.for_each_slice(|slice| {
        for ri in slice.range() {
            for (si, said) in slice[ri].said.iter().enumerate() {
                let s = SignalRef {
                    record: ri,
                    said: si,
                };
                let Some(t) = taken.get(scanned.index(s)).filter(|&t| emergent[t]) else {
                    continue;
                };
                for (key, range) in scanned.of(s).keys.iter() {
                    out[t].add(key, scanned.person[ri], form(&said.quote.text, &range));
                }
            }
        }
    })?;
    Ok(out)
}

/// The two-word phrases most of a theme's interviewees say, in their most common form.
fn phrases(scanned: &Scanned, said: Sayings, n: usize) -> Vec<String> {
    let mut ranked: Vec<(usize, Key, Forms)> = said
        .0
        .into_iter()
        .filter(|(_, (who, _))| who.len() >= 2)
        .map(|(key, (who, forms))| (who.len(), key, forms))
        .collect();
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| scanned.words(a.1).cmp(&scanned.words(b.1)))
    });
    ranked
        .iter()
        .take(n)
        .filter_map(|(_, _, forms)| forms.most_common())
        .collect()
}

/// A theme's name in the corpus's words: the form of its key its signals say most.
fn label(said: &Sayings, key: Key) -> String {
    said.0
        .get(&key)
        .and_then(|(_, forms)| forms.most_common())
        .unwrap_or_default()
}

/// What a set of signals rests on.
pub fn strength(records: &Records, scanned: &Scanned, signals: &Refs) -> Strength {
    let mut s = Strength {
        signals: signals.len(),
        ..Strength::default()
    };
    let interviews: BTreeSet<usize> = signals.iter().map(|r| r.record).collect();
    let distinct = |key: &[MetaKey]| {
        interviews
            .iter()
            .filter_map(|&r| {
                let m = &records.head(r).metadata;
                key.iter()
                    .find_map(|k| m.get(k.as_str()))
                    .map(|v| v.to_lowercase())
            })
            .collect::<BTreeSet<_>>()
            .len()
    };
    s.interviewees = interviews
        .iter()
        .map(|&r| records.head(r).interviewee.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    s.companies = distinct(&[MetaKey::Company]);
    s.roles = distinct(&MetaKey::JOB);
    for r in signals {
        let scan = scanned.of(r);
        s.past += usize::from(scan.past);
        s.hypothetical += usize::from(scan.hypothetical);
        match records.brief(r).force {
            Force::Anxiety => s.anxiety += 1,
            Force::Frustration => s.frustration += 1,
            Force::DesiredProgress => s.desired_progress += 1,
            Force::Habit => {}
        }
    }
    s
}

#[cfg(test)]
mod refs_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Signals in any order (ranked evidence jumps back and forth between records) come
        /// back in the order they were kept, each as it was.
        #[test]
        fn refs_give_back_the_signals_in_order(
            signals in proptest::collection::vec(
                (prop_oneof![0usize..50, 0usize..5_000_000], 0usize..300),
                0..100,
            ),
        ) {
            let signals: Vec<SignalRef> = signals
                .into_iter()
                .map(|(record, said)| SignalRef { record, said })
                .collect();
            let refs: Refs = signals.iter().copied().collect();
            prop_assert_eq!(refs.len(), signals.len());
            prop_assert_eq!(refs.iter().len(), signals.len());
            prop_assert_eq!(refs.iter().collect::<Vec<_>>(), signals.clone());
            prop_assert_eq!(refs.first(), signals.first().copied());
            for s in &signals {
                prop_assert!(refs.contains(s));
            }
        }

        /// A theme's signals are those its code took and those it took in later, each once, in
        /// corpus order: what sorting them all gives.
        #[test]
        fn a_picked_themes_signals_are_the_sorted_union(
            signals in proptest::collection::btree_set((0u32..60, 0u32..20), 0..120),
            later in proptest::collection::vec(any::<bool>(), 120),
        ) {
            let all: Vec<SignalRef> = signals
                .iter()
                .map(|&(record, said)| Voter(record, said).signal())
                .collect();
            // Each signal went to the code or came in later (in any order).
            let (mut coded, mut added) = (RefsBuilder::default(), Vec::new());
            for (i, s) in all.iter().enumerate() {
                if later[i] {
                    added.push(Voter::of(*s));
                } else {
                    coded.push(*s);
                }
            }
            added.reverse();
            let picked = Picked {
                origin: Origin::Emergent,
                key: None,
                coded: coded.finish(),
                added,
            };
            prop_assert_eq!(picked.signals().iter().collect::<Vec<_>>(), all);
        }
    }
}
