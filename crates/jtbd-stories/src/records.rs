//! The records a study's stages read: each record's head (who, where, metadata) and a few
//! numbers per signal in memory, and the signals themselves (quotes and the sentences around
//! them) either in memory or spilled to a file and read back a slice of records at a time.
//!
//! A gigabyte of transcripts gives about 3.6 million signals, whose quotes and neighbours take
//! about 1.6 GB held at once; every stage that reads them (scan, chains, drafting, emergent
//! labels, segments' language) is a pass in record order, so only a slice need be in memory.
//! The outputs quote a few hundred signals: [`Records::fetch`] reads those back before they run.

mod codec;

use crate::column::{Few, Half, Wide};
use crate::record::{Record, Said};
use crate::themes::SignalRef;
use codec::{decode, encode};
use jtbd_model::Force;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::fs::File;
use std::ops::Range;

/// The records' temporary file could not be written or read back.
#[derive(Debug, thiserror::Error)]
pub enum SpillError {
    #[error("cannot write the stories' temporary file of records: {0}")]
    Write(std::io::Error),
    #[error("cannot read the stories' temporary file of records back: {0}")]
    Read(std::io::Error),
    #[error("the stories' temporary file of records is damaged (record {0})")]
    Damaged(usize),
}

/// What stages look up of any signal by its number, without reading its record back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Brief {
    pub force: Force,
    pub confidence: f64,
    /// Its turn in the interview, and its sentence in the turn.
    pub turn: usize,
    pub sentence: usize,
    /// Where its quote starts in the file.
    pub byte_start: usize,
}

impl Brief {
    fn of(s: &Said) -> Brief {
        Brief {
            force: s.force,
            confidence: s.confidence,
            turn: s.turn,
            sentence: s.sentence,
            byte_start: s.quote.byte_start,
        }
    }
}

/// A record made ready for a spilled [`Records`] on the worker that read its interview: its
/// head, its signals encoded, and their briefs.
#[derive(Debug)]
pub struct Packed {
    head: Record,
    body: Vec<u8>,
    briefs: Vec<Brief>,
}

impl Packed {
    /// Packs `record` (its signals are encoded and dropped).
    pub fn new(mut record: Record) -> Packed {
        let said = std::mem::take(&mut record.said);
        let mut body = Vec::new();
        encode(&said, &mut body);
        Packed {
            briefs: said.iter().map(Brief::of).collect(),
            head: record,
            body,
        }
    }

    /// The record, its signals left out.
    pub fn head(&self) -> &Record {
        &self.head
    }
}

/// Records in study order; see the module's documentation.
#[derive(Debug)]
pub struct Records {
    /// Each record; a spilled record's `said` is empty (its signals are in the file).
    heads: Vec<Record>,
    /// Each record's first signal number; one more entry, the number of signals.
    first: Vec<usize>,
    /// Per signal number, as [`Brief`] has them (a column each: 11 bytes a signal while its
    /// file is under 4 GiB, its rules give at most 65,536 distinct confidences, and its turn
    /// and sentence numbers are under 65,536).
    force: Vec<Force>,
    confidence: Few,
    turn: Half,
    sentence: Half,
    byte_start: Wide,
    spill: Option<Spill>,
    /// Signals read back for the outputs.
    fetched: FxHashMap<SignalRef, Said>,
}

#[derive(Debug)]
struct Spill {
    file: File,
    /// Each record's body's start; one more entry, the bytes written so far (in the file and
    /// pending).
    at: Vec<u64>,
    /// Bodies not yet written.
    pending: Vec<u8>,
    /// Pending bytes that make a write.
    flush_at: usize,
}

/// Bytes gathered before they go to the file.
const FLUSH: usize = 1 << 20;

/// Records a slice holds when read back, per thread of the pool: enough to keep every core
/// busy, about 20 MB on two (256 held 20 MB more through the drafting, with no gain in speed).
const SLICE_PER_THREAD: usize = 128;

/// Records a slice holds when read back.
fn slice_len() -> usize {
    SLICE_PER_THREAD * rayon::current_num_threads().max(1)
}

/// Some records read back: `records[i]` is record `first + i` of the study, indexed by its
/// number in the study.
pub struct Slice<'a> {
    pub first: usize,
    pub records: Cow<'a, [Record]>,
}

impl Slice<'_> {
    /// The records' numbers in the study.
    pub fn range(&self) -> Range<usize> {
        self.first..self.first + self.records.len()
    }
}

impl std::ops::Index<usize> for Slice<'_> {
    type Output = Record;
    fn index(&self, record: usize) -> &Record {
        &self.records[record - self.first]
    }
}

impl Default for Records {
    /// No records, held in memory.
    fn default() -> Records {
        Records {
            heads: Vec::new(),
            first: vec![0],
            force: Vec::new(),
            confidence: Few::default(),
            turn: Half::default(),
            sentence: Half::default(),
            byte_start: Wide::default(),
            spill: None,
            fetched: FxHashMap::default(),
        }
    }
}

impl Records {
    /// Records held in memory.
    pub fn new(records: Vec<Record>) -> Records {
        let mut out = Records::default();
        for r in records {
            out.note(r.said.iter().map(Brief::of));
            out.heads.push(r);
        }
        out
    }

    /// Records whose signals go to `file` (empty, open for reading and writing; a
    /// `tempfile::tempfile_in` is removed when closed).
    pub fn spilled(file: File) -> Records {
        Records {
            spill: Some(Spill {
                file,
                at: vec![0],
                pending: Vec::new(),
                flush_at: FLUSH,
            }),
            ..Records::default()
        }
    }

    fn note(&mut self, briefs: impl Iterator<Item = Brief>) {
        for b in briefs {
            self.force.push(b.force);
            self.confidence.push(b.confidence);
            // A file with 4 billion turns, or a turn of as many sentences, is not an interview:
            // its places are kept as the last a column holds, the same in either mode.
            self.turn.push(u32::try_from(b.turn).unwrap_or(u32::MAX));
            self.sentence
                .push(u32::try_from(b.sentence).unwrap_or(u32::MAX));
            self.byte_start.push(b.byte_start as u64);
        }
        self.first.push(self.force.len());
    }

    /// Appends a record.
    pub fn push(&mut self, record: Record) -> Result<(), SpillError> {
        if self.spill.is_some() {
            self.push_packed(Packed::new(record))
        } else {
            self.note(record.said.iter().map(Brief::of));
            self.heads.push(record);
            Ok(())
        }
    }

    /// Appends a packed record (its signals kept in memory again if these records are).
    pub fn push_packed(&mut self, p: Packed) -> Result<(), SpillError> {
        let Some(spill) = &mut self.spill else {
            let mut head = p.head;
            head.said = decode(&p.body).ok_or(SpillError::Damaged(self.heads.len()))?;
            return self.push(head);
        };
        spill.pending.extend_from_slice(&p.body);
        let end = spill.at.last().copied().unwrap_or(0) + p.body.len() as u64;
        spill.at.push(end);
        let full = spill.pending.len() >= spill.flush_at;
        self.note(p.briefs.into_iter());
        self.heads.push(p.head);
        match &mut self.spill {
            Some(spill) if full => spill.flush(),
            _ => Ok(()),
        }
    }

    /// Writes the pending bodies once they reach `bytes` (tests: 0 sends every read to the
    /// file; a record and a half leaves a slice partly in the file and partly pending).
    #[cfg(test)]
    pub(crate) fn flush_at(&mut self, bytes: usize) {
        if let Some(spill) = &mut self.spill {
            spill.flush_at = bytes;
        }
    }

    /// Appends the records of one interview (one per person it interviews), numbered
    /// `interview` in the study ([`crate::numbered`]).
    pub fn push_interview(
        &mut self,
        records: Vec<Packed>,
        interview: usize,
    ) -> Result<(), SpillError> {
        for mut r in records {
            r.head.interview = interview;
            self.push_packed(r)?;
        }
        Ok(())
    }

    /// How many records.
    pub fn len(&self) -> usize {
        self.heads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    /// A record's head: its `said` is empty when the records are spilled (read the signals
    /// with [`Records::slice`], [`Records::for_each_slice`], [`Records::said`] or
    /// [`Records::brief`]).
    pub fn head(&self, record: usize) -> &Record {
        &self.heads[record]
    }

    /// Record `record`'s head, if there is one.
    pub fn get(&self, record: usize) -> Option<&Record> {
        self.heads.get(record)
    }

    /// Every record's head, in order.
    pub fn heads(&self) -> &[Record] {
        &self.heads
    }

    /// How many signals record `record` has.
    pub fn said_count(&self, record: usize) -> usize {
        self.first[record + 1] - self.first[record]
    }

    /// How many signals the study has.
    pub fn signal_count(&self) -> usize {
        self.force.len()
    }

    /// A signal's number among all the study's signals (records in order, then their
    /// signals).
    pub fn index(&self, s: SignalRef) -> usize {
        self.first[s.record] + s.said
    }

    /// What stages look up of a signal.
    pub fn brief(&self, s: SignalRef) -> Brief {
        let i = self.index(s);
        Brief {
            force: self.force[i],
            confidence: self.confidence.get(i),
            turn: self.turn.get(i) as usize,
            sentence: self.sentence.get(i) as usize,
            byte_start: self.byte_start.get(i) as usize,
        }
    }

    /// Where a signal's quote starts in its file: [`Records::brief`]'s `byte_start` alone, for
    /// lookups that halve a record's signals by it.
    pub fn byte_start(&self, s: SignalRef) -> usize {
        self.byte_start.get(self.index(s)) as usize
    }

    /// The briefs of a record's signals, in order.
    pub fn briefs(&self, record: usize) -> impl Iterator<Item = Brief> + '_ {
        (0..self.said_count(record)).map(move |said| self.brief(SignalRef { record, said }))
    }

    /// The records in `range`, with their signals (read back from the file when spilled,
    /// decoded on every core).
    pub fn slice(&self, range: Range<usize>) -> Result<Slice<'_>, SpillError> {
        let Some(spill) = &self.spill else {
            return Ok(Slice {
                first: range.start,
                records: Cow::Borrowed(&self.heads[range]),
            });
        };
        let bytes = spill.read(range.clone())?;
        let base = spill.at[range.start];
        use rayon::prelude::*;
        let records = range
            .clone()
            .into_par_iter()
            .map(|r| {
                let body = &bytes[(spill.at[r] - base) as usize..(spill.at[r + 1] - base) as usize];
                let said = decode(body).ok_or(SpillError::Damaged(r))?;
                Ok(Record {
                    said,
                    ..self.heads[r].clone()
                })
            })
            .collect::<Result<Vec<Record>, SpillError>>()?;
        Ok(Slice {
            first: range.start,
            records: Cow::Owned(records),
        })
    }

    /// Calls `f` with every slice of records ([`slice_len`] at most), in order.
    pub fn for_each_slice(&self, f: impl FnMut(&Slice<'_>)) -> Result<(), SpillError> {
        self.for_each_slice_of(slice_len(), f)
    }

    /// Calls `f` with every slice of at most `per` records, in order.
    pub(crate) fn for_each_slice_of(
        &self,
        per: usize,
        mut f: impl FnMut(&Slice<'_>),
    ) -> Result<(), SpillError> {
        let mut at = 0;
        while at < self.len() {
            let end = self.len().min(at + per.max(1));
            let s = self.slice(at..end)?;
            f(&s);
            // A slice holds a few hundred thousand allocations: freed on every core.
            if let Cow::Owned(records) = s.records {
                use rayon::prelude::*;
                records.into_par_iter().for_each(drop);
            }
            at = end;
        }
        Ok(())
    }

    /// Reads back the signals `wanted` names, for [`Records::said`] (nothing to do when the
    /// records are in memory). Each record is read once, on every core; what is kept is only
    /// the signals named (with `--quotes 0`, every themed signal: most of the study).
    pub fn fetch(&mut self, wanted: impl IntoIterator<Item = SignalRef>) -> Result<(), SpillError> {
        use rayon::prelude::*;
        let Some(spill) = &self.spill else {
            return Ok(());
        };
        let mut by_record: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for s in wanted {
            if s.record < self.heads.len() && s.said < self.said_count(s.record) {
                by_record.entry(s.record).or_default().push(s.said);
            }
        }
        let by_record: Vec<(usize, Vec<usize>)> = by_record.into_iter().collect();
        let read: Vec<Vec<(SignalRef, Said)>> = by_record
            .par_iter()
            .map(|(record, saids)| {
                let bytes = spill.read(*record..*record + 1)?;
                let said = decode(&bytes).ok_or(SpillError::Damaged(*record))?;
                Ok(saids
                    .iter()
                    .filter_map(|&i| {
                        let s = SignalRef {
                            record: *record,
                            said: i,
                        };
                        Some((s, said.get(i)?.clone()))
                    })
                    .collect())
            })
            .collect::<Result<_, SpillError>>()?;
        self.fetched.extend(read.into_iter().flatten());
        Ok(())
    }

    /// A signal with its quotes: from memory, or as [`Records::fetch`] read it back.
    ///
    /// # Panics
    ///
    /// When the study has no such signal, or the records are spilled and it was not fetched:
    /// every output fetches what it quotes first (`jtbd_report::quoted`), so this is a bug of
    /// the program, not of its input.
    pub fn said(&self, s: SignalRef) -> &Said {
        self.said_at(s)
            .unwrap_or_else(|| panic!("signal {s:?} is quoted but was not read back (or is none)"))
    }

    /// A signal with its quotes, if the study has it in memory ([`Records::said`]).
    pub fn said_at(&self, s: SignalRef) -> Option<&Said> {
        match self.spill {
            None => self.heads.get(s.record)?.said.get(s.said),
            Some(_) => self.fetched.get(&s),
        }
    }
}

impl Spill {
    fn flush(&mut self) -> Result<(), SpillError> {
        use std::io::{Seek, SeekFrom, Write};
        let written = self.at.last().copied().unwrap_or(0) - self.pending.len() as u64;
        self.file
            .seek(SeekFrom::Start(written))
            .and_then(|_| self.file.write_all(&self.pending))
            .map_err(SpillError::Write)?;
        self.pending.clear();
        Ok(())
    }

    /// The bodies of the records in `range`, one after the other.
    fn read(&self, range: Range<usize>) -> Result<Cow<'_, [u8]>, SpillError> {
        let (start, end) = (self.at[range.start], self.at[range.end]);
        let in_file = self.at.last().copied().unwrap_or(0) - self.pending.len() as u64;
        if start >= in_file {
            let from = (start - in_file) as usize;
            return Ok(Cow::Borrowed(&self.pending[from..(end - in_file) as usize]));
        }
        let mut buf = vec![0; (end - start) as usize];
        let from_file = (end.min(in_file) - start) as usize;
        read_at(&self.file, &mut buf[..from_file], start).map_err(SpillError::Read)?;
        buf[from_file..].copy_from_slice(&self.pending[..(end - start) as usize - from_file]);
        Ok(Cow::Owned(buf))
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(not(unix))]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    // `seek_read` may read less than asked: loop until the buffer is full.
    let mut done = 0;
    while done < buf.len() {
        let n = std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], at + done as u64)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        done += n;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::codec::tests::said;
    use super::*;

    fn record(who: &str, said: Vec<Said>) -> Record {
        Record {
            id: format!("{who}.md"),
            interview: 0,
            path: format!("{who}.md"),
            interviewee: who.to_owned(),
            metadata: Default::default(),
            said,
            voices: Vec::new(),
        }
    }

    #[test]
    fn spilled_records_read_back_as_held_in_memory() {
        let records: Vec<Record> = ["Ana", "Ben", "Cy"]
            .iter()
            .map(|w| record(w, said()))
            .chain([record("Dee", Vec::new())])
            .collect();
        let memory = Records::new(records.clone());
        let mut body = Vec::new();
        encode(&said(), &mut body);
        // Never written, every body written as it comes, and written a record and a half at a
        // time (a slice then reads some bodies from the file and the rest from memory).
        for flush_at in [usize::MAX, 0, body.len() * 3 / 2] {
            let mut spilled = Records::spilled(tempfile::tempfile().unwrap());
            spilled.flush_at(flush_at);
            for r in &records {
                spilled.push(r.clone()).unwrap();
            }
            assert_eq!(spilled.len(), 4);
            assert_eq!(spilled.signal_count(), 6);
            assert!(spilled.head(0).said.is_empty());
            for range in [0..4, 0..3, 1..3, 1..4, 3..4, 2..2] {
                let back = spilled.slice(range.clone()).unwrap();
                assert_eq!(&*back.records, &records[range]);
            }
            let mut seen = Vec::new();
            spilled
                .for_each_slice_of(3, |s| seen.push(s.range()))
                .unwrap();
            assert_eq!(seen, [0..3, 3..4]);
            let wanted = SignalRef { record: 2, said: 1 };
            spilled.fetch([wanted]).unwrap();
            assert_eq!(spilled.said(wanted), memory.said(wanted));
            assert_eq!(spilled.brief(wanted), memory.brief(wanted));
            assert_eq!(spilled.brief(wanted).byte_start, 100);
            assert_eq!(spilled.byte_start(wanted), 100);
        }
    }
}
