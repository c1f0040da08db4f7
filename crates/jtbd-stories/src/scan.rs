//! One pass over every signal's quote: its words as numbers, the theme keys it could vote for,
//! and what the knowledge lists say of it (tense, actors, a causal opening). Everything later
//! reads these, so each quote is tokenised once however many stages look at it.

use crate::knowledge::Knowledge;
use crate::record::Record;
use crate::themes::SignalRef;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// A word's number in the vocabulary of this run.
pub type TermId = u32;

/// A theme key: one word, or two adjacent words (`NONE` second).
pub type Key = (TermId, TermId);

/// The second word of a one-word key.
pub const NONE: TermId = TermId::MAX;

/// What a knowledge phrase marks.
#[derive(Clone, Copy)]
enum Tag {
    Past,
    Hypothetical,
    Actor(usize),
    Causal,
}

/// What the pass found in one quote.
pub struct Scan {
    /// Candidate keys, each with the byte range of its form in the quote.
    pub keys: Vec<(Key, Range<usize>)>,
    pub past: bool,
    pub hypothetical: bool,
    /// Bit `i` set: actor `i` of the knowledge is named.
    pub actors: u64,
    /// The quote opens with a causal word (`so`, `that's why`): which one.
    pub causal: Option<String>,
}

/// Every signal's scan, the vocabulary, and who uses which key.
pub struct Scanned {
    /// Index of each record's first signal in `signals`.
    offsets: Vec<usize>,
    pub signals: Vec<Scan>,
    terms: Vec<String>,
    /// Each record's interviewee, numbered in the order they first come.
    pub person: Vec<u32>,
    pub people: usize,
    /// How many interviewees use each key (each person counted once).
    pub users: HashMap<Key, u32>,
}

impl Scanned {
    /// The scan of a signal.
    pub fn of(&self, s: SignalRef) -> &Scan {
        &self.signals[self.offsets[s.record] + s.said]
    }

    /// The words of a key, for ordering keys the same whatever the numbering.
    pub fn words(&self, key: Key) -> (&str, &str) {
        let second = if key.1 == NONE {
            ""
        } else {
            &self.terms[key.1 as usize]
        };
        (&self.terms[key.0 as usize], second)
    }
}

/// Numbers words as they come.
#[derive(Default)]
struct Vocab {
    ids: HashMap<String, TermId>,
    terms: Vec<String>,
}

impl Vocab {
    fn id(&mut self, term: &str) -> TermId {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.terms.len() as TermId;
        self.terms.push(term.to_owned());
        self.ids.insert(term.to_owned(), id);
        id
    }
}

/// Scans every signal of `records`.
pub fn scan(records: &[Record], k: &Knowledge) -> Scanned {
    let mut vocab = Vocab::default();
    // Knowledge phrases by their first word: a quote's word is looked up once.
    let mut phrases: HashMap<TermId, Vec<(Vec<TermId>, Tag)>> = HashMap::new();
    let mut add = |vocab: &mut Vocab, phrase: &[String], tag: Tag| {
        if let Some((first, rest)) = phrase.split_first() {
            let first = vocab.id(first);
            let rest = rest.iter().map(|t| vocab.id(t)).collect();
            phrases.entry(first).or_default().push((rest, tag));
        }
    };
    for p in &k.past {
        add(&mut vocab, p, Tag::Past);
    }
    for p in &k.hypothetical {
        add(&mut vocab, p, Tag::Hypothetical);
    }
    for (i, a) in k.actors.iter().enumerate().take(64) {
        for c in &a.cues {
            add(&mut vocab, c, Tag::Actor(i));
        }
    }
    for c in &k.causal {
        add(&mut vocab, c, Tag::Causal);
    }
    let stop: HashSet<TermId> = k.stop_terms.iter().map(|t| vocab.id(t)).collect();
    let mut offsets = Vec::with_capacity(records.len());
    let mut signals = Vec::new();
    let mut ids: Vec<TermId> = Vec::new();
    for r in records {
        offsets.push(signals.len());
        for s in &r.said {
            let text = &s.quote.text;
            let tokens = jtbd_text::tokenize(text);
            ids.clear();
            ids.extend(tokens.iter().map(|t| vocab.id(&t.term)));
            let mut scan = Scan {
                keys: Vec::new(),
                past: false,
                hypothetical: false,
                actors: 0,
                causal: None,
            };
            for (at, id) in ids.iter().enumerate() {
                for (rest, tag) in phrases.get(id).into_iter().flatten() {
                    if !ids[at + 1..].starts_with(rest) {
                        continue;
                    }
                    match *tag {
                        Tag::Past => scan.past = true,
                        Tag::Hypothetical => scan.hypothetical = true,
                        Tag::Actor(i) => scan.actors |= 1 << i,
                        Tag::Causal if at == 0 => {
                            let end = tokens[at + rest.len()].end;
                            scan.causal = Some(text[tokens[0].start..end].to_lowercase());
                        }
                        Tag::Causal => {}
                    }
                }
            }
            let content: Vec<bool> = tokens
                .iter()
                .zip(&ids)
                .map(|(t, id)| {
                    t.term.chars().count() >= 3
                        && !t.term.chars().all(|c| c.is_ascii_digit())
                        && !stop.contains(id)
                        && !s.cues.iter().any(|c| c.start < t.end && t.start < c.end)
                })
                .collect();
            for (i, t) in tokens.iter().enumerate() {
                if !content[i] {
                    continue;
                }
                scan.keys.push(((ids[i], NONE), t.start..t.end));
                if content.get(i + 1) == Some(&true) {
                    scan.keys
                        .push(((ids[i], ids[i + 1]), t.start..tokens[i + 1].end));
                }
            }
            scan.keys.sort_by_key(|(key, _)| *key);
            scan.keys.dedup_by_key(|(key, _)| *key);
            signals.push(scan);
        }
    }
    let mut scanned = Scanned {
        offsets,
        signals,
        terms: vocab.terms,
        person: Vec::new(),
        people: 0,
        users: HashMap::new(),
    };
    count_users(records, &mut scanned);
    scanned
}

/// Numbers the interviewees and counts, for each key, the interviewees who use it.
fn count_users(records: &[Record], scanned: &mut Scanned) {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    scanned.person = records
        .iter()
        .map(|r| {
            let n = ids.len() as u32;
            *ids.entry(r.interviewee.as_str()).or_insert(n)
        })
        .collect();
    scanned.people = ids.len();
    let mut by_person: Vec<Vec<usize>> = vec![Vec::new(); scanned.people];
    for (ri, p) in scanned.person.iter().enumerate() {
        by_person[*p as usize].push(ri);
    }
    let mut seen: HashSet<Key> = HashSet::new();
    for recs in &by_person {
        seen.clear();
        for &ri in recs {
            for si in 0..records[ri].said.len() {
                let scan = scanned.of(SignalRef {
                    record: ri,
                    said: si,
                });
                seen.extend(scan.keys.iter().map(|(key, _)| *key));
            }
        }
        for key in &seen {
            *scanned.users.entry(*key).or_default() += 1;
        }
    }
}
