//! Cue phrases and modifier phrases as tries over terms: a sentence is searched for them a
//! word at a time, whole terms only.
//!
//! Every word of every sentence is looked at, so each look must be cheap: a word's number in
//! the tries' shared vocabulary is remembered per term-cache entry ([`WordMemo`], a table
//! indexed by the [`jtbd_text::TermId`] the tokenizer hands out), the first step from a root is
//! a table lookup, and most words are in no phrase at all, which ends the look at once.

use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// The vocabulary number of a term in no phrase.
pub(crate) const NOT_A_PHRASE_WORD: u32 = u32::MAX;
/// No node (in [`Trie::root`]).
const NO_NODE: u32 = u32::MAX;
/// A memo slot not filled yet.
const UNSEEN: u32 = u32::MAX - 1;

/// Numbers the trie sets, so that a thread's memo knows which set it was filled for.
static NEXT_OWNER: AtomicU64 = AtomicU64::new(1);

/// Groups of phrases (each phrase given as its stemmed terms), one trie a group, over one
/// vocabulary.
#[derive(Debug)]
pub(crate) struct PhraseTries {
    /// Every term of every phrase, numbered.
    vocabulary: FxHashMap<Box<str>, u32>,
    tries: Vec<Trie>,
    owner: u64,
}

/// One group's phrases: node 0 is the root.
#[derive(Debug, Default)]
struct Trie {
    /// The root's children by term number, without hashing: every word of a sentence is
    /// looked up here, and most stop here.
    root: Vec<u32>,
    /// (node, term number) to the next node, below the root.
    next: FxHashMap<(u32, u32), u32>,
    /// For each node, the phrase that ends there, plus one (0: none). The first on a tie.
    ends: Vec<u32>,
}

impl PhraseTries {
    /// One trie for each group of phrases; a phrase is its terms.
    pub(crate) fn new(groups: &[Vec<Vec<&str>>]) -> PhraseTries {
        let mut vocabulary: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut tries = Vec::new();
        for phrases in groups {
            let mut trie = Trie {
                ends: vec![0],
                ..Trie::default()
            };
            for (index, terms) in phrases.iter().enumerate() {
                let mut node = 0;
                for &term in terms {
                    let count = vocabulary.len() as u32;
                    let word = *vocabulary.entry(term.into()).or_insert(count);
                    node = trie.child(node, word);
                }
                // An empty phrase (nothing but punctuation) is no phrase: the root ends none.
                if node != 0 && trie.ends[node as usize] == 0 {
                    trie.ends[node as usize] = index as u32 + 1;
                }
            }
            tries.push(trie);
        }
        PhraseTries {
            vocabulary,
            tries,
            owner: NEXT_OWNER.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The vocabulary number of `term`, or [`NOT_A_PHRASE_WORD`].
    fn word(&self, term: &str) -> u32 {
        self.vocabulary
            .get(term)
            .copied()
            .unwrap_or(NOT_A_PHRASE_WORD)
    }

    /// The longest phrase of group `group` made of the first words of `words` (vocabulary
    /// numbers): its index in the group and how many words it takes.
    #[cfg(test)]
    fn longest_at(&self, group: usize, words: &[u32]) -> Option<(usize, usize)> {
        let trie = &self.tries[group];
        trie.longest_below(trie.root_child(*words.first()?)?, &words[1..])
    }

    /// The leftmost-longest phrases of group `group` in `words` (vocabulary numbers), as
    /// `f(phrase, first word, one past the last)`: from the left, the longest phrase at the
    /// first word where one starts, then on after it.
    pub(crate) fn for_each_match(
        &self,
        group: usize,
        words: &[u32],
        mut f: impl FnMut(usize, usize, usize),
    ) {
        let trie = &self.tries[group];
        let mut i = 0;
        while i < words.len() {
            // Most words start no phrase: one table lookup says so.
            let Some(node) = trie.root_child(words[i]) else {
                i += 1;
                continue;
            };
            match trie.longest_below(node, &words[i + 1..]) {
                Some((phrase, n)) => {
                    f(phrase, i, i + n);
                    i += n;
                }
                None => i += 1,
            }
        }
    }

    /// Whether word number `word` is a one-word phrase of group `group` (a longer phrase that
    /// begins with it is not).
    pub(crate) fn has_word(&self, group: usize, word: u32) -> bool {
        let trie = &self.tries[group];
        trie.root_child(word)
            .is_some_and(|node| trie.ends[node as usize] != 0)
    }
}

impl Trie {
    /// The node a phrase starting with word number `word` leads to, if one does.
    #[inline]
    fn root_child(&self, word: u32) -> Option<u32> {
        self.root
            .get(word as usize)
            .copied()
            .filter(|&node| node != NO_NODE)
    }

    /// The child of `node` by `word`, made if there is none.
    fn child(&mut self, node: u32, word: u32) -> u32 {
        let fresh = self.ends.len() as u32;
        let child = if node == 0 {
            if self.root.len() <= word as usize {
                self.root.resize(word as usize + 1, NO_NODE);
            }
            let slot = &mut self.root[word as usize];
            if *slot == NO_NODE {
                *slot = fresh;
            }
            *slot
        } else {
            *self.next.entry((node, word)).or_insert(fresh)
        };
        if child == fresh {
            self.ends.push(0);
        }
        child
    }

    /// The longest phrase (index, words taken) once a first word has led to `node`.
    fn longest_below(&self, mut node: u32, rest: &[u32]) -> Option<(usize, usize)> {
        let end_at = |node: u32, taken: usize| {
            self.ends[node as usize]
                .checked_sub(1)
                .map(|phrase| (phrase as usize, taken))
        };
        let mut best = end_at(node, 1);
        for (taken, &word) in rest.iter().enumerate() {
            if word == NOT_A_PHRASE_WORD {
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

/// A thread's memo of the vocabulary number of each term-cache entry, for one trie set.
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

    /// The vocabulary number in `tries` of `term`, the term of cache entry `id`.
    pub(crate) fn number(&mut self, tries: &PhraseTries, term: &str, id: jtbd_text::TermId) -> u32 {
        if self.owner != tries.owner || self.generation != id.generation {
            self.owner = tries.owner;
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
            *slot = tries.word(term);
        }
        *slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(tries: &PhraseTries, text: &str) -> Vec<u32> {
        let mut memo = WordMemo::new();
        let mut out = Vec::new();
        jtbd_text::for_each_term_id(text, |_, _, term, id| {
            out.push(memo.number(tries, term, id));
        });
        out
    }

    #[test]
    fn the_longest_phrase_at_a_place_wins_and_the_first_on_a_tie() {
        let tries = PhraseTries::new(&[
            vec![
                vec!["sick"],
                vec!["sick", "and", "tire"],
                vec!["tire", "of"],
                vec!["sick"],
            ],
            vec![vec!["and"], vec![]],
        ]);
        let words = numbers(&tries, "sick and tired of it");
        assert_eq!(tries.longest_at(0, &words), Some((1, 3)));
        assert_eq!(tries.longest_at(0, &words[3..]), None);
        assert_eq!(tries.longest_at(0, &words[2..]), Some((2, 2)));
        // Each group has its own phrases over the one vocabulary.
        assert_eq!(tries.longest_at(1, &words), None);
        assert_eq!(tries.longest_at(1, &words[1..]), Some((0, 1)));
        // "sick and" is no phrase: the shorter one under it is found.
        let words = numbers(&tries, "sick and well");
        assert_eq!(tries.longest_at(0, &words), Some((0, 1)));
        assert_eq!(tries.longest_at(0, &numbers(&tries, "the vendor")), None);
    }

    #[test]
    fn a_memo_filled_for_one_trie_set_is_not_read_for_another() {
        let a = PhraseTries::new(&[vec![vec!["vendor"]]]);
        let b = PhraseTries::new(&[vec![vec!["renew"], vec!["vendor"]]]);
        let mut memo = WordMemo::new();
        let mut seen = Vec::new();
        for tries in [&a, &b, &a] {
            jtbd_text::for_each_term_id("vendor", |_, _, term, id| {
                seen.push(memo.number(tries, term, id));
            });
        }
        assert_eq!(seen, [0, 1, 0]);
    }
}
