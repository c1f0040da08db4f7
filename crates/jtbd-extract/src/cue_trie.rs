//! The cues as a trie over terms: a sentence is searched for them a word at a time.
//!
//! Every word of every sentence is looked at, so each look must be cheap: a word's place in the
//! trie's vocabulary is remembered per term-cache entry ([`WordMemo`], a table indexed by the
//! [`jtbd_text::TermId`] the tokenizer hands out), and most words are in no cue at all, which
//! ends the look at once.

use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// The vocabulary number of a term in no cue.
pub(crate) const NOT_A_CUE_WORD: u32 = u32::MAX;
/// No node (in [`CueTrie::root`]).
const NO_NODE: u32 = u32::MAX;
/// A memo slot not filled yet.
const UNSEEN: u32 = u32::MAX - 1;

/// Numbers the tries, so that a thread's memo knows which trie it was filled for.
static NEXT_OWNER: AtomicU64 = AtomicU64::new(1);

/// Cue phrases (stemmed terms) in a trie: node 0 is the root.
#[derive(Debug)]
pub(crate) struct CueTrie {
    /// Every term of every cue, numbered.
    vocabulary: FxHashMap<Box<str>, u32>,
    /// The root's children by term number, without hashing: every word of a sentence is
    /// looked up here, and most stop here.
    root: Vec<u32>,
    /// (node, term number) to the next node, below the root.
    next: FxHashMap<(u32, u32), u32>,
    /// For each node, the cue that ends there, plus one (0: none). The first cue on a tie.
    ends: Vec<u32>,
    owner: u64,
}

impl CueTrie {
    /// A trie of `cues`, each given as its terms.
    pub(crate) fn new<'a>(cues: impl IntoIterator<Item = Vec<&'a str>>) -> CueTrie {
        let mut trie = CueTrie {
            vocabulary: FxHashMap::default(),
            root: Vec::new(),
            next: FxHashMap::default(),
            ends: vec![0],
            owner: NEXT_OWNER.fetch_add(1, Ordering::Relaxed),
        };
        for (index, terms) in cues.into_iter().enumerate() {
            let mut node = 0;
            for term in terms {
                let count = trie.vocabulary.len() as u32;
                let word = *trie.vocabulary.entry(term.into()).or_insert(count);
                let fresh = trie.ends.len() as u32;
                if node == 0 {
                    if trie.root.len() <= word as usize {
                        trie.root.resize(word as usize + 1, NO_NODE);
                    }
                    if trie.root[word as usize] == NO_NODE {
                        trie.root[word as usize] = fresh;
                    }
                    node = trie.root[word as usize];
                } else {
                    node = *trie.next.entry((node, word)).or_insert(fresh);
                }
                if node == fresh {
                    trie.ends.push(0);
                }
            }
            // An empty cue is refused when the rules are read; the root ends no cue.
            if node != 0 && trie.ends[node as usize] == 0 {
                trie.ends[node as usize] = index as u32 + 1;
            }
        }
        trie
    }

    /// The vocabulary number of `term`, or [`NOT_A_CUE_WORD`].
    fn word(&self, term: &str) -> u32 {
        self.vocabulary.get(term).copied().unwrap_or(NOT_A_CUE_WORD)
    }

    /// The longest cue made of the first words of `words` (vocabulary numbers): its index and
    /// how many words it takes.
    #[inline]
    pub(crate) fn longest_at(&self, words: &[u32]) -> Option<(usize, usize)> {
        let first = *words.first()?;
        match self.root.get(first as usize) {
            Some(&node) if node != NO_NODE => self.longest_below(node, &words[1..]),
            _ => None,
        }
    }

    /// [`CueTrie::longest_at`] once the first word has led to `node`.
    fn longest_below(&self, mut node: u32, rest: &[u32]) -> Option<(usize, usize)> {
        let end_at = |node: u32, taken: usize| {
            self.ends[node as usize]
                .checked_sub(1)
                .map(|cue| (cue as usize, taken))
        };
        let mut best = end_at(node, 1);
        for (taken, &word) in rest.iter().enumerate() {
            if word == NOT_A_CUE_WORD {
                break;
            }
            match self.next.get(&(node, word)) {
                Some(&n) => node = n,
                None => break,
            }
            best = end_at(node, taken + 2).or(best);
        }
        best
    }
}

/// A thread's memo of the vocabulary number of each term-cache entry, for one trie.
pub(crate) struct WordMemo {
    owner: u64,
    generation: u64,
    numbers: Vec<u32>,
}

impl WordMemo {
    pub(crate) const fn new() -> WordMemo {
        WordMemo {
            owner: 0,
            generation: 0,
            numbers: Vec::new(),
        }
    }

    /// The vocabulary number in `trie` of `term`, the term of cache entry `id`.
    pub(crate) fn number(&mut self, trie: &CueTrie, term: &str, id: jtbd_text::TermId) -> u32 {
        if self.owner != trie.owner || self.generation != id.generation {
            self.owner = trie.owner;
            self.generation = id.generation;
            self.numbers.clear();
        }
        let i = id.index as usize;
        if i >= self.numbers.len() {
            // Entries are numbered from 0 as they come: the table grows to the cache's size.
            let len = (i + 1)
                .next_power_of_two()
                .min(jtbd_text::TERM_ID_LIMIT.max(i + 1));
            self.numbers.resize(len, UNSEEN);
        }
        let slot = &mut self.numbers[i];
        if *slot == UNSEEN {
            *slot = trie.word(term);
        }
        *slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(trie: &CueTrie, text: &str) -> Vec<u32> {
        let mut memo = WordMemo::new();
        let mut out = Vec::new();
        jtbd_text::for_each_term_id(text, |_, _, term, id| {
            out.push(memo.number(trie, term, id));
        });
        out
    }

    #[test]
    fn the_longest_cue_at_a_place_wins_and_the_first_on_a_tie() {
        let trie = CueTrie::new([
            vec!["sick"],
            vec!["sick", "and", "tire"],
            vec!["tire", "of"],
            vec!["sick"],
        ]);
        let words = numbers(&trie, "sick and tired of it");
        assert_eq!(trie.longest_at(&words), Some((1, 3)));
        assert_eq!(trie.longest_at(&words[3..]), None);
        assert_eq!(trie.longest_at(&words[2..]), Some((2, 2)));
        // "sick and" is no cue: the shorter one under it is found.
        let words = numbers(&trie, "sick and well");
        assert_eq!(trie.longest_at(&words), Some((0, 1)));
        assert_eq!(trie.longest_at(&numbers(&trie, "the vendor")), None);
    }

    #[test]
    fn a_memo_filled_for_one_trie_is_not_read_for_another() {
        let a = CueTrie::new([vec!["vendor"]]);
        let b = CueTrie::new([vec!["renew"], vec!["vendor"]]);
        let mut memo = WordMemo::new();
        let mut seen = Vec::new();
        for trie in [&a, &b, &a] {
            jtbd_text::for_each_term_id("vendor", |_, _, term, id| {
                seen.push(memo.number(trie, term, id));
            });
        }
        assert_eq!(seen, [0, 1, 0]);
    }
}
