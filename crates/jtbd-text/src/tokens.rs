//! The one normalise + stem function of jtbd.
//!
//! Extraction rules, the search index and every later stage see words through [`tokenize`], so a
//! term written in a rule file and a term in the index are the same term. Words are maximal runs
//! of letters, digits and combining marks, with inner apostrophes (`don't`); each is normalised
//! (NFKC via Hugging Face `tokenizers`, lower case, curly apostrophes straightened) and stemmed
//! (Snowball English via `rust-stemmers`). Offsets point into the text given, so a token always
//! maps back to the original characters.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;
use tokenizers::NormalizedString;

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the word's first byte in the text.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
    /// The normalised, stemmed term.
    pub term: String,
}

/// Splits `text` into words and returns their normalised, stemmed terms with their offsets.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    STEMS.with_borrow_mut(|cache| {
        for_each_word(text, |start, end| {
            out.push(Token {
                start,
                end,
                term: cache.term(&text[start..end]),
            });
        });
    });
    out
}

/// Calls `f(start, end, term)` for every word of `text`: [`tokenize`] without allocating a
/// term per word (the term is borrowed from a per-thread cache).
pub fn for_each_term(text: &str, mut f: impl FnMut(usize, usize, &str)) {
    for_each_term_id(text, |start, end, term, _| f(start, end, term));
}

/// A number for a word as the term cache knows it, the same each time the word comes back for
/// as long as its `generation` lasts (two words with one term, `hate` and `Hate`, may have two
/// numbers): a caller can keep what it learns of a term in a table indexed by `index` (dense,
/// from 0) instead of hashing the term again, and clears the table when the generation
/// changes. Numbers belong to the calling thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermId {
    /// Changes whenever earlier numbers stop holding.
    pub generation: u64,
    /// Below [`TERM_ID_LIMIT`].
    pub index: u32,
}

/// Term numbers stay below this.
pub const TERM_ID_LIMIT: usize = TERM_CACHE_MAX;

/// [`for_each_term`] that also gives each term's [`TermId`].
pub fn for_each_term_id(text: &str, mut f: impl FnMut(usize, usize, &str, TermId)) {
    STEMS.with_borrow_mut(|cache| {
        for_each_word(text, |start, end| {
            let span = cache.span(&text[start..end]);
            let id = TermId {
                generation: cache.generation,
                index: span.id,
            };
            f(
                start,
                end,
                &cache.terms[span.start..span.start + span.len],
                id,
            )
        });
    });
}

thread_local! {
    /// Words repeat: each thread remembers the terms of the words it has seen.
    static STEMS: std::cell::RefCell<TermCache> = std::cell::RefCell::new(TermCache::default());
}

/// Word -> term, bounded. Terms live end to end in one string, so a hit reads the term from
/// where the lookup left off; words of up to fifteen bytes (nearly all words) are first looked
/// up in a small direct-mapped table keyed by the word's bytes themselves, which costs no
/// hashing of a string and no comparison call, and holds where the term is.
#[derive(Default)]
struct TermCache {
    // Fx hashing: the keys are short words, and SipHash's DoS resistance buys nothing here.
    map: rustc_hash::FxHashMap<Box<str>, Span>,
    /// Every cached term, one after the other (as many as `map` has entries).
    terms: String,
    /// `(packed word, where its term is)`; a packed word holds its length in the top byte, so
    /// it is never 0, the empty slot.
    front: Vec<(u128, Span)>,
    /// How many times the cache has started over (the [`TermId`] generation).
    generation: u64,
}

/// Where a term is in [`TermCache::terms`], and its number.
#[derive(Clone, Copy, Default)]
struct Span {
    start: usize,
    len: usize,
    id: u32,
}

/// Slots of the direct-mapped table (a power of two).
const FRONT_SLOTS: usize = 4096;

/// A word of 1 to 15 bytes as one number: its bytes, and its length in the top byte.
fn packed(word: &[u8]) -> Option<u128> {
    if word.is_empty() || word.len() > 15 {
        return None;
    }
    let mut buf = [0u8; 16];
    buf[..word.len()].copy_from_slice(word);
    buf[15] = word.len() as u8;
    Some(u128::from_le_bytes(buf))
}

/// Entries kept before the cache starts over (a few MB at most).
const TERM_CACHE_MAX: usize = 50_000;

impl TermCache {
    fn span(&mut self, word: &str) -> Span {
        let Some(key) = packed(word.as_bytes()) else {
            return self.map_span(word);
        };
        if self.front.is_empty() {
            self.front = vec![(0, Span::default()); FRONT_SLOTS];
        }
        // Fibonacci hashing of both halves: the top bits of the product pick the slot.
        let mixed = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        let slot = (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize % FRONT_SLOTS;
        if self.front[slot].0 == key {
            return self.front[slot].1;
        }
        let span = self.map_span(word);
        self.front[slot] = (key, span);
        span
    }

    fn map_span(&mut self, word: &str) -> Span {
        if let Some(&span) = self.map.get(word) {
            return span;
        }
        if self.map.len() >= TERM_CACHE_MAX {
            self.map.clear();
            self.terms.clear();
            self.front.fill((0, Span::default()));
            self.generation += 1;
        }
        let term = stem(&normalize_word(word));
        let span = Span {
            start: self.terms.len(),
            len: term.len(),
            id: self.map.len() as u32,
        };
        self.terms.push_str(&term);
        self.map.insert(word.into(), span);
        span
    }

    fn term_ref(&mut self, word: &str) -> &str {
        let Span { start, len, .. } = self.span(word);
        &self.terms[start..start + len]
    }

    fn term(&mut self, word: &str) -> String {
        self.term_ref(word).to_owned()
    }
}

/// Calls `f(start, end)` for every word of `text`, in order.
pub fn for_each_word(text: &str, f: impl FnMut(usize, usize)) {
    // Most transcript text is ASCII: bytes are characters, and no table lookup is needed.
    if text.is_ascii() {
        ascii_words(text.as_bytes(), f);
    } else {
        char_words(text, f);
    }
}

/// [`for_each_word`] for ASCII text, a run of word bytes at a time: the same words as
/// [`char_words`].
fn ascii_words(b: &[u8], mut f: impl FnMut(usize, usize)) {
    let word = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let mut i = 0;
    while i < b.len() {
        if !word(i) {
            i += 1;
            continue;
        }
        let start = i;
        loop {
            while word(i) {
                i += 1;
            }
            // An apostrophe inside a word (`don't`) keeps it going.
            if b.get(i) == Some(&b'\'') && word(i + 1) {
                i += 2;
            } else {
                break;
            }
        }
        f(start, i);
    }
}

/// [`for_each_word`] for any text.
fn char_words(text: &str, mut f: impl FnMut(usize, usize)) {
    let mut start: Option<usize> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let inner_apostrophe = matches!(c, '\'' | '’')
            && start.is_some()
            && iter.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if is_word_char(c) || inner_apostrophe {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            f(s, i);
        }
    }
    if let Some(s) = start {
        f(s, text.len());
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Normalises one word: NFKC, lower case, `’` to `'`. ASCII takes a fast path with the same result.
pub fn normalize_word(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let mut n = NormalizedString::from(word);
    n.nfkc().lowercase();
    n.get().replace('’', "'")
}

/// Stems a normalised word (Snowball English).
pub fn stem(word: &str) -> String {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER
        .get_or_init(|| Stemmer::create(Algorithm::English))
        .stem(word)
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_terms_are_the_stems_even_after_the_cache_starts_over() {
        let mut cache = TermCache::default();
        let words = ["cats", "running", "a", "vendors", "exactly", "lockdown"];
        let fresh = |w: &str| stem(&normalize_word(w));
        for w in words {
            assert_eq!(cache.term_ref(w), fresh(w));
        }
        // Enough new words to empty the cache: the short words' slots must not outlive it.
        for n in 0..TERM_CACHE_MAX + 10 {
            cache.term_ref(&format!("word{n:06}"));
        }
        for w in words.iter().rev() {
            assert_eq!(cache.term_ref(w), fresh(w), "{w}");
            assert_eq!(cache.term_ref(w), fresh(w), "{w} again");
        }
        assert_eq!(packed(b""), None);
        assert_eq!(packed(b"0123456789abcdef"), None);
        assert!(packed(b"0123456789abcde").is_some());
        assert_ne!(packed(b"ab"), packed(b"ab\0"));
    }

    #[test]
    fn a_word_keeps_its_number_until_the_cache_starts_over() {
        let ids = |text: &str| {
            let mut out = Vec::new();
            for_each_term_id(text, |_, _, term, id| out.push((term.to_owned(), id)));
            out
        };
        let first = ids("vendors renew vendors");
        assert_eq!(first[0], first[2]);
        assert_ne!(first[0].1.index, first[1].1.index);
        let generation = first[0].1.generation;
        let mut cache = TermCache::default();
        let a = cache.span("vendors").id;
        assert_eq!(cache.span("renew").id, a + 1);
        assert_eq!(cache.span("vendors").id, a);
        for n in 0..TERM_CACHE_MAX {
            let id = cache.span(&format!("word{n:06}")).id;
            assert!((id as usize) < TERM_ID_LIMIT);
        }
        assert_eq!(cache.generation, 1);
        assert_eq!(ids("vendors")[0].1.generation, generation);
    }

    #[test]
    fn terms_and_offsets() {
        let t = "Our CISOs don’t trust Vendors' lock-in — ﬁnally!";
        let toks = tokenize(t);
        let words: Vec<&str> = toks.iter().map(|k| &t[k.start..k.end]).collect();
        assert_eq!(
            words,
            [
                "Our", "CISOs", "don’t", "trust", "Vendors", "lock", "in", "ﬁnally"
            ]
        );
        let terms: Vec<&str> = toks.iter().map(|k| k.term.as_str()).collect();
        assert_eq!(
            terms,
            [
                "our", "ciso", "don't", "trust", "vendor", "lock", "in", "final"
            ]
        );
    }

    proptest::proptest! {
        /// The ASCII fast path finds exactly the words the general one finds.
        #[test]
        fn ascii_words_agree(text in "[a-zA-Z0-9' .,!?\\-\n]{0,60}") {
            let (mut fast, mut general) = (Vec::new(), Vec::new());
            ascii_words(text.as_bytes(), |a, b| fast.push((a, b)));
            char_words(&text, |a, b| general.push((a, b)));
            proptest::prop_assert_eq!(fast, general);
        }

        /// A word's term and number come with the term the word has alone.
        #[test]
        fn terms_with_numbers_are_the_words_own(text in "[a-zA-Z' .,é’\n]{0,80}") {
            let mut seen = Vec::new();
            for_each_term_id(&text, |a, b, term, _| seen.push((a, b, term.to_owned())));
            let alone: Vec<_> = tokenize(&text)
                .into_iter()
                .map(|t| (t.start, t.end, stem(&normalize_word(&text[t.start..t.end]))))
                .collect();
            proptest::prop_assert_eq!(seen, alone);
        }
    }

    #[test]
    fn same_term_for_variants() {
        let a = tokenize("worried");
        let b = tokenize("WORRYING");
        assert_eq!(a[0].term, b[0].term);
        assert_eq!(normalize_word("Ｃａｆé"), "café");
    }
}
