//! Every signal's scan as runs of bytes: a study keeps a row for each of its signals while
//! themes are formed and stories drafted (3.6 million at a gigabyte of transcripts), and a row
//! is mostly small numbers. Written in LEB128 a row takes about a third of what the same
//! numbers took as columns of fixed width (at a gigabyte: 60 MB where they took 170).
//!
//! A row: its tense bits (a byte), its actors, its causal word's number plus one (0: none),
//! its codes (how many, then each code, own and before hits), its keys (how many, then each:
//! the first word's number as a step from the previous key's, the second word's, where the
//! form starts and how long it is; keys are sorted, so the steps are small).
//!
//! The rows are written into blocks of a fixed size, each allocated once, not one run that
//! doubles as it grows: a doubling holds the old run and the new at once, and may leave half the
//! new unused.

use super::{Coded, Key};
use crate::column::Wide;
use jtbd_text::leb128::{get, put};
use std::ops::Range;

/// A row's tense bits.
pub(super) const PAST: u8 = 1;
pub(super) const HYPOTHETICAL: u8 = 2;
pub(super) const ASIDE: u8 = 4;

/// Bytes a block holds: rows start in a block only where they end in it as well (a row longer
/// than a block gets a block of its own).
const BLOCK: usize = 1 << 20;

/// The rows, encoded.
pub(super) struct Table {
    /// [`BLOCK`] (tests: a few bytes, so rows cross blocks and outgrow them).
    block: usize,
    blocks: Vec<Vec<u8>>,
    /// Where each row starts: its block times `block`, plus where in the block (a row ends
    /// where the next starts in the same block, or at its block's end).
    starts: Wide,
    /// Causal words as said, each once.
    causals: Vec<String>,
    /// The row being written.
    row: Vec<u8>,
}

/// One row, read.
pub(super) struct Row<'a> {
    pub tense: u8,
    pub actors: u64,
    pub causal: Option<&'a str>,
    pub codes: Codes<'a>,
    pub keys: Keys<'a>,
}

impl Default for Table {
    fn default() -> Table {
        Table::with_block(BLOCK)
    }
}

impl Table {
    fn with_block(block: usize) -> Table {
        Table {
            block,
            blocks: Vec::new(),
            starts: Wide::default(),
            causals: Vec::new(),
            row: Vec::new(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.starts.len()
    }

    /// Appends a row; `keys` sorted.
    pub(super) fn push(
        &mut self,
        tense: u8,
        actors: u64,
        causal: Option<&str>,
        codes: &[Coded],
        keys: &[(Key, Range<u32>)],
    ) {
        let out = &mut self.row;
        out.clear();
        out.push(tense);
        put(out, actors);
        let causal = causal.map_or(0, |word| {
            let at = match self.causals.iter().position(|c| c == word) {
                Some(at) => at,
                None => {
                    self.causals.push(word.to_owned());
                    self.causals.len() - 1
                }
            };
            at as u64 + 1
        });
        put(out, causal);
        put(out, codes.len() as u64);
        for c in codes {
            put(out, u64::from(c.code));
            put(out, u64::from(c.own));
            put(out, u64::from(c.before));
        }
        put(out, keys.len() as u64);
        let mut last = 0;
        for ((a, b), form) in keys {
            put(out, u64::from(a - last));
            put(out, u64::from(*b));
            put(out, u64::from(form.start));
            put(out, u64::from(form.end.saturating_sub(form.start)));
            last = *a;
        }
        let row = &self.row;
        // A row starts less than `block` into its block (that is how `row` finds it), so only a
        // block of the usual size takes more rows: one made bigger for a long row holds it alone,
        // whatever capacity the allocator gave it.
        let block_size = self.block;
        let fits = |b: &Vec<u8>| b.len() + row.len() <= b.capacity().min(block_size);
        if !self.blocks.last().is_some_and(fits) {
            self.blocks
                .push(Vec::with_capacity(self.block.max(row.len())));
        }
        let block = self.blocks.len() - 1;
        let bytes = &mut self.blocks[block];
        self.starts.push((block * self.block + bytes.len()) as u64);
        bytes.extend_from_slice(row);
    }

    pub(super) fn row(&self, i: usize) -> Row<'_> {
        let at = self.starts.get(i) as usize;
        let (block, start) = (at / self.block, at % self.block);
        let bytes = &self.blocks[block];
        let end = match (i + 1 < self.len()).then(|| self.starts.get(i + 1) as usize) {
            Some(next) if next / self.block == block => next % self.block,
            _ => bytes.len(),
        };
        let mut r = &bytes[start..end];
        let tense = r.first().copied().unwrap_or(0);
        r = r.get(1..).unwrap_or_default();
        let actors = next(&mut r);
        let causal = (next(&mut r) as usize)
            .checked_sub(1)
            .and_then(|c| self.causals.get(c))
            .map(String::as_str);
        let n = next(&mut r) as usize;
        let codes = r;
        for _ in 0..3 * n {
            next(&mut r);
        }
        let codes = Codes {
            bytes: &codes[..codes.len() - r.len()],
            n,
        };
        let n = next(&mut r) as usize;
        Row {
            tense,
            actors,
            causal,
            codes,
            keys: Keys { bytes: r, n },
        }
    }
}

/// The next number of a row (the table writes every row whole, so one is always there).
fn next(r: &mut &[u8]) -> u64 {
    get(r).unwrap_or_default()
}

/// A row's codebook themes, in codebook order ([`Coded`]).
#[derive(Clone, Copy)]
pub struct Codes<'a> {
    bytes: &'a [u8],
    n: usize,
}

impl<'a> Codes<'a> {
    pub fn iter(&self) -> impl Iterator<Item = Coded> + 'a {
        let mut r = self.bytes;
        (0..self.n).map(move |_| Coded {
            code: next(&mut r) as u32,
            own: next(&mut r) as u16,
            before: next(&mut r) as u16,
        })
    }
}

/// A row's candidate keys, each with the byte range of its form in the quote, in key order.
#[derive(Clone, Copy)]
pub struct Keys<'a> {
    bytes: &'a [u8],
    n: usize,
}

impl<'a> Keys<'a> {
    pub fn iter(&self) -> impl Iterator<Item = (Key, Range<u32>)> + 'a {
        let mut r = self.bytes;
        let mut a = 0u32;
        (0..self.n).map(move |_| {
            a = a.wrapping_add(next(&mut r) as u32);
            let b = next(&mut r) as u32;
            let start = next(&mut r) as u32;
            let len = next(&mut r) as u32;
            ((a, b), start..start.saturating_add(len))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Rows read back as written, whatever their numbers.
        #[test]
        fn rows_read_back_as_written(
            rows in proptest::collection::vec(
                (
                    0u8..8,
                    any::<u64>(),
                    proptest::option::of("[a-z]{1,3}"),
                    proptest::collection::vec((any::<u32>(), any::<u16>(), any::<u16>()), 0..4),
                    proptest::collection::btree_set((any::<u32>(), any::<u32>()), 0..6),
                    any::<u32>(),
                ),
                0..20,
            ),
            block in prop_oneof![Just(BLOCK), 1usize..48],
        ) {
            let mut table = Table::with_block(block);
            let mut written = Vec::new();
            for (tense, actors, causal, codes, keys, at) in rows {
                let codes: Vec<Coded> = codes
                    .into_iter()
                    .map(|(code, own, before)| Coded { code, own, before })
                    .collect();
                let keys: Vec<(Key, Range<u32>)> = keys
                    .into_iter()
                    .map(|key| (key, at / 2..at / 2 + at % 1000))
                    .collect();
                table.push(tense, actors, causal.as_deref(), &codes, &keys);
                written.push((tense, actors, causal, codes, keys));
            }
            prop_assert_eq!(table.len(), written.len());
            for (i, (tense, actors, causal, codes, keys)) in written.iter().enumerate() {
                let row = table.row(i);
                prop_assert_eq!(row.tense, *tense);
                prop_assert_eq!(row.actors, *actors);
                prop_assert_eq!(row.causal, causal.as_deref());
                prop_assert_eq!(row.codes.iter().collect::<Vec<_>>(), codes.clone());
                prop_assert_eq!(row.keys.iter().collect::<Vec<_>>(), keys.clone());
            }
        }
    }
}
