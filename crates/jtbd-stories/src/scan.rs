//! One pass over every signal's quote: its words as numbers, the theme keys it could vote for,
//! and what the knowledge lists say of it (tense, actors, a causal opening). Everything later
//! reads these, so each quote is tokenised once however many stages look at it.

use crate::codebook::Codebook;
use crate::knowledge::Knowledge;
use crate::record::Record;
use crate::records::{Records, SpillError};
use crate::themes::SignalRef;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;
use std::ops::Range;

/// A word's number in the vocabulary of this run.
pub type TermId = u32;

/// A theme key: two adjacent words. (A word alone names no theme: emergent themes, their
/// definitions and a segment's language are all word pairs, so a scan keeps only pairs.)
pub type Key = (TermId, TermId);

/// No number yet: a place of the analyzer's cache this scan has not numbered.
const NONE: TermId = TermId::MAX;

/// What a knowledge phrase marks.
#[derive(Clone, Copy)]
enum Tag {
    Past,
    Hypothetical,
    Actor(usize),
    Causal,
}

mod table;

use table::{ASIDE, HYPOTHETICAL, PAST, Table};
pub use table::{Codes, Keys};

/// What the pass found in one quote: a view of its row of [`Scanned`]'s table.
#[derive(Clone, Copy)]
pub struct Scan<'a> {
    /// Candidate keys, each with the byte range of its form in the quote ([`form`]), in key
    /// order.
    pub keys: Keys<'a>,
    pub past: bool,
    pub hypothetical: bool,
    /// Bit `i` set: actor `i` of the knowledge is named.
    pub actors: u64,
    /// The quote opens with a causal word (`so`, `that's why`): which one, lower case.
    pub causal: Option<&'a str>,
    /// The quote promotes the speaker's own company or voices someone else's words: it shows
    /// no struggle of the speaker's own, and is quoted after the others.
    pub aside: bool,
    /// Codebook themes whose cues the quote or the sentence before it says, in codebook order.
    pub codes: Codes<'a>,
}

/// The rows a part of the scan makes on one core, as plain columns (its words numbered in a
/// vocabulary of its own), before they join the study's [`Table`].
#[derive(Default)]
struct Rows {
    keys: Vec<(Key, Range<u32>)>,
    /// Each row's end in `keys`, and in `codes`.
    key_end: Vec<usize>,
    codes: Vec<Coded>,
    code_end: Vec<usize>,
    /// [`PAST`], [`HYPOTHETICAL`] and [`ASIDE`] bits.
    tense: Vec<u8>,
    actors: Vec<u64>,
    causal: Vec<Option<String>>,
}

impl Rows {
    fn len(&self) -> usize {
        self.tense.len()
    }

    fn span(ends: &[usize], i: usize) -> Range<usize> {
        (if i == 0 { 0 } else { ends[i - 1] })..ends[i]
    }

    /// Ends a row: its keys and codes pushed already.
    fn end_row(&mut self, tense: u8, actors: u64, causal: Option<String>) {
        self.key_end.push(self.keys.len());
        self.code_end.push(self.codes.len());
        self.tense.push(tense);
        self.actors.push(actors);
        self.causal.push(causal);
    }
}

/// How often a quote, and the sentence before it, say the cues of one codebook theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coded {
    /// The theme, by codebook index.
    pub code: u32,
    /// Cues said in the quote itself, and in the sentence before it.
    pub own: u16,
    pub before: u16,
}

impl Coded {
    /// How strongly the quote speaks to the theme: a cue of its own counts 2, one in the
    /// sentence before 1 (what was said before may be another thought).
    pub fn score(&self) -> u32 {
        2 * u32::from(self.own) + u32::from(self.before)
    }
}

/// The words of `text` at a key's range.
pub fn form<'a>(text: &'a str, range: &Range<u32>) -> &'a str {
    &text[range.start as usize..range.end as usize]
}

/// Every signal's scan, the vocabulary, and who uses which key.
pub struct Scanned {
    /// Index of each record's first signal in `signals`.
    offsets: Vec<usize>,
    signals: Table,
    terms: Vec<String>,
    /// Each record's interviewee, numbered in the order they first come.
    pub person: Vec<u32>,
    pub people: usize,
    /// How many interviewees use each key (each person counted once).
    pub users: FxHashMap<Key, u32>,
}

impl Scanned {
    /// The scan of a signal.
    pub fn of(&self, s: SignalRef) -> Scan<'_> {
        let row = self.signals.row(self.index(s));
        Scan {
            keys: row.keys,
            past: row.tense & PAST != 0,
            hypothetical: row.tense & HYPOTHETICAL != 0,
            aside: row.tense & ASIDE != 0,
            actors: row.actors,
            causal: row.causal,
            codes: row.codes,
        }
    }

    /// A signal's number among all the study's signals (records in order, then their signals):
    /// for tables with a place per signal.
    pub fn index(&self, s: SignalRef) -> usize {
        self.offsets[s.record] + s.said
    }

    /// How many signals the study has.
    pub fn signal_count(&self) -> usize {
        self.signals.len()
    }

    /// The words of a key, for ordering keys the same whatever the numbering.
    pub fn words(&self, key: Key) -> (&str, &str) {
        (&self.terms[key.0 as usize], &self.terms[key.1 as usize])
    }
}

/// Numbers words as they come.
#[derive(Default)]
struct Vocab {
    ids: FxHashMap<String, TermId>,
    terms: Vec<String>,
    /// By number: the term could name a theme (three letters or more, not a number).
    wordy: Vec<bool>,
}

impl Vocab {
    fn id(&mut self, term: &str) -> TermId {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.terms.len() as TermId;
        self.terms.push(term.to_owned());
        self.wordy
            .push(term.chars().count() >= 3 && !term.chars().all(|c| c.is_ascii_digit()));
        self.ids.insert(term.to_owned(), id);
        id
    }
}

/// Scans every signal of `records`: slices of the records on every core, each numbering its
/// own words, then one vocabulary made by meeting the slices' words in corpus order, so every
/// word gets the number a single pass would give it, whatever the slicing. The same pass counts
/// the chains ([`crate::draft::record_chains`]).
pub fn scan(
    records: &Records,
    k: &Knowledge,
    codebook: &Codebook,
) -> Result<(Scanned, usize), SpillError> {
    use rayon::prelude::*;
    let mut vocab = Vocab::default();
    // Each slice's parts are encoded into the table and dropped as the slice is done, so no
    // slice's words or rows are held twice.
    let mut signals = Table::default();
    let mut chains = 0;
    records.for_each_slice(|slice| {
        let per = slice
            .records
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .max(64);
        let parts: Vec<(Vocab, Rows, usize)> = slice
            .records
            .par_chunks(per)
            .enumerate()
            .map(|(i, chunk)| scan_slice(chunk, slice.first + i * per, k, codebook))
            .collect();
        for (local, mut part, found) in parts {
            chains += found;
            let global: Vec<TermId> = local.terms.iter().map(|t| vocab.id(t)).collect();
            let renumber = |id: TermId| global[id as usize];
            for key in &mut part.keys {
                key.0 = (renumber(key.0.0), renumber(key.0.1));
            }
            for i in 0..part.len() {
                let keys = Rows::span(&part.key_end, i);
                part.keys[keys.clone()].sort_by_key(|(key, _)| *key);
                signals.push(
                    part.tense[i],
                    part.actors[i],
                    part.causal[i].as_deref(),
                    &part.codes[Rows::span(&part.code_end, i)],
                    &part.keys[keys],
                );
            }
        }
    })?;
    let offsets = (0..records.len())
        .map(|record| records.index(SignalRef { record, said: 0 }))
        .collect();
    let mut scanned = Scanned {
        offsets,
        signals,
        terms: vocab.terms,
        person: Vec::new(),
        people: 0,
        users: FxHashMap::default(),
    };
    count_users(records, &mut scanned);
    Ok((scanned, chains))
}

/// Scans the signals of some records, numbering words in a vocabulary of their own (the
/// knowledge's words first).
fn scan_slice(
    records: &[Record],
    first: usize,
    k: &Knowledge,
    codebook: &Codebook,
) -> (Vocab, Rows, usize) {
    let (mut chains, mut found) = (0, Vec::new());
    let mut vocab = Vocab::default();
    // Knowledge phrases by their first word: a quote's word is looked up once.
    let mut phrases: FxHashMap<TermId, Vec<(Vec<TermId>, Tag)>> = FxHashMap::default();
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
    let stop: FxHashSet<TermId> = k.stop_terms.iter().map(|t| vocab.id(t)).collect();
    let mut signals = Rows::default();
    let mut ids: Vec<TermId> = Vec::new();
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut content: Vec<bool> = Vec::new();
    let mut keys: Vec<(Key, Range<u32>)> = Vec::new();
    let mut by_cache: Vec<TermId> = Vec::new();
    let mut generation = None;
    // The last quote scanned for the codebook, and its own hits per theme.
    let mut last_own: Option<(std::sync::Arc<crate::record::Quote>, PerCode)> = None;
    for (ri, r) in (first..).zip(records) {
        let row0 = signals.len();
        for s in &r.said {
            let text = &s.quote.text;
            // Terms come borrowed from the analyzer's cache, and the cache's own numbers map to
            // ours through a table: a word seen before costs no string and no hashing.
            spans.clear();
            ids.clear();
            jtbd_text::for_each_term_id(text, |start, end, term, cached| {
                if generation != Some(cached.generation) {
                    by_cache.clear();
                    generation = Some(cached.generation);
                }
                let at = cached.index as usize;
                if at >= by_cache.len() {
                    by_cache.resize(at + 1, NONE);
                }
                if by_cache[at] == NONE {
                    by_cache[at] = vocab.id(term);
                }
                spans.push(start..end);
                ids.push(by_cache[at]);
            });
            let (mut past, mut hypothetical, mut actors) = (false, false, 0u64);
            let mut causal: Option<String> = None;
            // Small talk (a car, a barbecue) is about no theme, whatever words it shares with one.
            let small_talk = k.small_talk.is_match(text);
            if !small_talk {
                let written: Vec<&str> = spans.iter().map(|t| &text[t.clone()]).collect();
                // The sentence before is often the quote the last signal scanned (quotes are
                // shared): its hits are those counted then, not tokenised again.
                let before = s.before.as_ref().map(|b| Before {
                    text: &b.text,
                    known: last_own
                        .as_ref()
                        .filter(|(q, _)| std::sync::Arc::ptr_eq(q, b))
                        .map(|(_, own)| own.as_slice()),
                });
                let own = codes(codebook, &vocab, &ids, &written, before, &mut signals.codes);
                last_own = Some((std::sync::Arc::clone(&s.quote), own));
            } else {
                last_own = None;
            }
            for (at, id) in ids.iter().enumerate() {
                for (rest, tag) in phrases.get(id).into_iter().flatten() {
                    if !ids[at + 1..].starts_with(rest) {
                        continue;
                    }
                    match *tag {
                        Tag::Past => past = true,
                        Tag::Hypothetical => hypothetical = true,
                        Tag::Actor(i) => actors |= 1 << i,
                        Tag::Causal if at == 0 => {
                            let end = spans[at + rest.len()].end;
                            causal = Some(text[spans[0].start..end].to_lowercase());
                        }
                        Tag::Causal => {}
                    }
                }
            }
            content.clear();
            content.extend(spans.iter().zip(&ids).map(|(t, id)| {
                vocab.wordy[*id as usize]
                    && !stop.contains(id)
                    && !s
                        .cues
                        .iter()
                        .any(|c| (c.start as usize) < t.end && t.start < c.end as usize)
            }));
            keys.clear();
            // A sentence is far shorter than 4 GiB (files are capped by `--max-file-size`).
            let span = |r: Range<usize>| r.start as u32..r.end as u32;
            for (i, t) in spans.iter().enumerate() {
                if small_talk || !content[i] || content.get(i + 1) != Some(&true) {
                    continue;
                }
                keys.push(((ids[i], ids[i + 1]), span(t.start..spans[i + 1].end)));
            }
            keys.sort_by_key(|(key, _)| *key);
            keys.dedup_by_key(|(key, _)| *key);
            signals.keys.extend_from_slice(&keys);
            let aside = k.promotion.is_match(text) || crate::record::voices_someone(text);
            let tense = (u8::from(past) * PAST)
                | (u8::from(hypothetical) * HYPOTHETICAL)
                | (u8::from(aside) * ASIDE);
            signals.end_row(tense, actors, causal);
        }
        let causal = &signals.causal;
        found.clear();
        crate::draft::record_chains(r, ri, |i| causal[row0 + i].as_deref(), k, &mut found);
        chains += found.len();
    }
    (vocab, signals, chains)
}

/// The codebook themes a quote (its words numbered in `vocab`) and the sentence before it say,
/// and the quote's own hits per theme (for the next signal, whose sentence before it may be).
/// The sentence before comes with its hits when they are known already.
fn codes(
    codebook: &Codebook,
    vocab: &Vocab,
    ids: &[TermId],
    written: &[&str],
    before: Option<Before<'_>>,
    out: &mut Vec<Coded>,
) -> PerCode {
    if codebook.codes.is_empty() {
        return Vec::new();
    }
    let words: Vec<&str> = ids
        .iter()
        .map(|id| vocab.terms[*id as usize].as_str())
        .collect();
    let own = tally(codebook.hits(&words, written));
    let mut said: std::collections::BTreeMap<usize, (u16, u16)> =
        own.iter().map(|&(code, n)| (code, (n, 0))).collect();
    let counted;
    let before_hits: &[(usize, u16)] = match before {
        Some(Before {
            known: Some(known), ..
        }) => known,
        Some(Before { text, known: None }) => {
            let tokens = jtbd_text::tokenize(text);
            let words: Vec<&str> = tokens.iter().map(|t| t.term.as_str()).collect();
            let written: Vec<&str> = tokens.iter().map(|t| &text[t.start..t.end]).collect();
            counted = tally(codebook.hits(&words, &written));
            &counted
        }
        None => &[],
    };
    for &(code, n) in before_hits {
        said.entry(code).or_default().1 = n;
    }
    out.extend(said.into_iter().map(|(code, (own, before))| Coded {
        // A codebook has far fewer than 4 billion themes.
        code: code as u32,
        own,
        before,
    }));
    own
}

/// Cues said per codebook theme (by index), in theme order.
type PerCode = Vec<(usize, u16)>;

/// The sentence before a quote, with its hits per theme when they are known already.
struct Before<'a> {
    text: &'a str,
    known: Option<&'a [(usize, u16)]>,
}

/// Hits counted per theme, in theme order.
fn tally(hits: Vec<(usize, Range<usize>)>) -> PerCode {
    let mut n: std::collections::BTreeMap<usize, u16> = std::collections::BTreeMap::new();
    for (code, _) in hits {
        let c = n.entry(code).or_default();
        *c = c.saturating_add(1);
    }
    n.into_iter().collect()
}

/// Numbers the interviewees and counts, for each key, the interviewees who use it.
fn count_users(records: &Records, scanned: &mut Scanned) {
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    scanned.person = records
        .heads()
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
    let mut seen: FxHashSet<Key> = FxHashSet::default();
    for recs in &by_person {
        seen.clear();
        for &ri in recs {
            for si in 0..records.said_count(ri) {
                let scan = scanned.of(SignalRef {
                    record: ri,
                    said: si,
                });
                seen.extend(scan.keys.iter().map(|(key, _)| key));
            }
        }
        for key in &seen {
            *scanned.users.entry(*key).or_default() += 1;
        }
    }
}

/// Per key, who says it and its forms as written, counted: what a theme's phrases and label
/// and a segment's language are chosen from. The forms are owned: the text they come from is
/// read a slice of records at a time.
#[derive(Default)]
pub struct Sayings(pub HashMap<Key, (std::collections::BTreeSet<u32>, Forms)>);

impl Sayings {
    /// Person `person` says `key` in the form `written`.
    pub fn add(&mut self, key: Key, person: u32, written: &str) {
        let e = self.0.entry(key).or_default();
        e.0.insert(person);
        e.1.add(written);
    }
}

/// A key's forms as written, counted.
#[derive(Default)]
pub struct Forms(HashMap<String, usize>);

impl Forms {
    fn add(&mut self, written: &str) {
        match self.0.get_mut(written) {
            Some(n) => *n += 1,
            None => {
                self.0.insert(written.to_owned(), 1);
            }
        }
    }

    /// The form said most often (the first in order on a tie), lower case: a key has
    /// thousands of occurrences but a handful of distinct forms, so they are counted as
    /// written and folded to lower case once.
    pub fn most_common(&self) -> Option<String> {
        let mut forms: std::collections::BTreeMap<String, usize> =
            std::collections::BTreeMap::new();
        for (form, n) in &self.0 {
            *forms.entry(form.to_lowercase()).or_default() += n;
        }
        forms
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(form, _)| form)
    }
}
