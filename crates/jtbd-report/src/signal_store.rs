//! Every signal row of a study, kept in a file rather than in memory: a study has about four
//! signals per kB of transcript, and their rows (quote, rules, cues, question) held at once cost
//! more memory than the transcripts themselves. The pass appends each interview's rows, encoded
//! on the worker that read it ([`encode`]); `signals.csv` reads them back a few thousand at a
//! time and decodes and renders them on every core ([`SignalStore::par_map`]); the report lists
//! the first [`HEAD`], kept in memory.

use crate::SignalRow;
use jtbd_model::{Force, Role, Timestamp};
use jtbd_stories::Quote;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};

/// Rows kept in memory as well: the ones `report.html` lists.
pub const HEAD: usize = 2000;

/// Rows read back at a time (whole runs, so up to a run more): a few MB.
const BATCH: usize = 16 * 1024;

/// Rows made into something at once, at most: a run of one interview's rows.
const RUN: usize = 2048;

/// Bytes gathered before they go to the file.
const FLUSH: usize = 1 << 20;

/// Signal rows in walk order, spilled to a file (a temporary one: the caller picks where, so a
/// machine whose temporary folder is memory can keep them on disk).
#[derive(Debug)]
pub struct SignalStore {
    file: Option<File>,
    /// Encoded rows not yet in the file (all of them without a file).
    pending: Vec<u8>,
    /// Bytes in the file.
    written: u64,
    len: usize,
    head: Vec<SignalRow>,
}

impl Default for SignalStore {
    /// A store that keeps everything in memory (small studies, tests).
    fn default() -> Self {
        SignalStore {
            file: None,
            pending: Vec::new(),
            written: 0,
            len: 0,
            head: Vec::new(),
        }
    }
}

impl SignalStore {
    /// A store that writes its rows to `file` (empty, open for reading and writing; a
    /// `tempfile::tempfile_in` is removed when closed).
    pub fn spilled(file: File) -> SignalStore {
        SignalStore {
            file: Some(file),
            ..SignalStore::default()
        }
    }

    /// Appends the `rows` rows of interview `k` that [`encode`] wrote into `encoded`.
    pub fn push(&mut self, k: usize, rows: usize, encoded: &[u8]) -> io::Result<()> {
        if self.head.len() < HEAD {
            let mut r = encoded;
            for _ in 0..rows.min(HEAD - self.head.len()) {
                self.head.push(decode(&mut r, k)?);
            }
        }
        put_u64(&mut self.pending, k as u64);
        put_u64(&mut self.pending, rows as u64);
        put_u64(&mut self.pending, encoded.len() as u64);
        self.pending.extend_from_slice(encoded);
        self.len += rows;
        if self.pending.len() >= FLUSH {
            if let Some(f) = &mut self.file {
                f.write_all(&self.pending)?;
                self.written += self.pending.len() as u64;
                self.pending.clear();
            }
        }
        Ok(())
    }

    /// Rows stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no row is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first [`HEAD`] rows (all of them in a smaller study).
    pub fn head(&self) -> &[SignalRow] {
        &self.head
    }

    /// Makes something of the rows with `make`, on every core, a run at a time, and calls `each`
    /// with what was made, in order. A run is one interview's rows, at most [`RUN`] of them (an
    /// interview with none gives an empty run). About [`BATCH`] rows are read back at a time;
    /// an interview's rows are decoded where they are made into something (`signals.csv`: a
    /// reading thread alone could not keep the cores busy), but a long interview's here, a run
    /// at a time, so that no more than a batch is held however long one transcript is.
    pub fn par_map<R: Send>(
        &self,
        make: impl Fn(&[SignalRow]) -> R + Sync,
        mut each: impl FnMut(R) -> io::Result<()>,
    ) -> io::Result<()> {
        use rayon::prelude::*;
        enum Run {
            Encoded(usize, usize, Vec<u8>),
            Decoded(Vec<SignalRow>),
        }
        let mut runs: Vec<Run> = Vec::new();
        let mut held = 0;
        let mut made = |runs: &mut Vec<Run>| -> io::Result<()> {
            let out: Vec<io::Result<R>> = runs
                .par_drain(..)
                .map(|run| match run {
                    Run::Decoded(rows) => Ok(make(&rows)),
                    Run::Encoded(k, rows, bytes) => {
                        Ok(make(&decode_rows(&mut bytes.as_slice(), rows, k)?))
                    }
                })
                .collect();
            out.into_iter().try_for_each(|r| each(r?))
        };
        let mut add = |run: Run, rows: usize| -> io::Result<()> {
            runs.push(run);
            held += rows;
            if held >= BATCH {
                held = 0;
                made(&mut runs)?;
            }
            Ok(())
        };
        self.for_each_block(|k, rows, block| {
            if rows <= RUN {
                return add(Run::Encoded(k, rows, block), rows);
            }
            let (mut b, mut left) = (block.as_slice(), rows);
            while left > 0 {
                let n = left.min(RUN);
                let decoded = decode_rows(&mut b, n, k)?;
                left -= n;
                add(Run::Decoded(decoded), n)?;
            }
            Ok(())
        })?;
        made(&mut runs)
    }

    /// Calls `each` with every block in order: the interview, its number of rows and their
    /// bytes as [`SignalStore::push`] took them (each block read into a buffer of its own, which
    /// `each` keeps).
    fn for_each_block(
        &self,
        mut each: impl FnMut(usize, usize, Vec<u8>) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut read_blocks = |r: &mut dyn Read| -> io::Result<()> {
            loop {
                let mut head = [0u8; 24];
                match r.read_exact(&mut head) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
                    Err(e) => return Err(e),
                }
                let mut h: &[u8] = &head;
                let (k, rows, bytes) = (get_usize(&mut h)?, get_usize(&mut h)?, get_u64(&mut h)?);
                let mut block = Vec::new();
                r.take(bytes).read_to_end(&mut block)?;
                each(k, rows, block)?;
            }
        };
        if let Some(mut f) = self.file.as_ref() {
            f.seek(SeekFrom::Start(0))?;
            let mut r = BufReader::with_capacity(1 << 20, f.take(self.written));
            let read = read_blocks(&mut r);
            // Appends go on where the rows end, whether or not the rows read back.
            f.seek(SeekFrom::Start(self.written))?;
            read?;
        }
        read_blocks(&mut self.pending.as_slice())
    }
}

/// Appends `row` (its interview left out: [`SignalStore::push`] gives it) to `out`.
pub fn encode(row: &SignalRow, out: &mut Vec<u8>) {
    out.push(row.force.index() as u8);
    put_u64(out, row.confidence.to_bits());
    put_u64(out, row.rules.len() as u64);
    for r in &row.rules {
        put_str(out, r);
    }
    put_u64(out, row.cues.len() as u64);
    for c in &row.cues {
        put_str(out, c);
    }
    put_opt_str(out, row.question.as_deref());
    let q = &row.quote;
    put_str(out, &q.text);
    put_opt_str(out, q.speaker.as_deref());
    out.push(match q.role {
        Role::Interviewer => 0,
        Role::Interviewee => 1,
        Role::Unknown => 2,
    });
    for n in [q.line, q.byte_start, q.byte_end] {
        put_u64(out, n as u64);
    }
    match q.timestamp {
        Some(t) => {
            out.push(1);
            put_u64(out, t.millis());
        }
        None => out.push(0),
    }
    put_u64(out, row.source_range.start as u64);
    put_u64(out, row.source_range.end as u64);
}

/// The next `rows` rows of interview `interview`.
fn decode_rows(r: &mut &[u8], rows: usize, interview: usize) -> io::Result<Vec<SignalRow>> {
    (0..rows).map(|_| decode(r, interview)).collect()
}

fn decode(r: &mut &[u8], interview: usize) -> io::Result<SignalRow> {
    let force = *Force::ALL
        .get(usize::from(get_u8(r)?))
        .ok_or_else(|| bad("force"))?;
    let confidence = f64::from_bits(get_u64(r)?);
    let rules = (0..get_usize(r)?)
        .map(|_| get_str(r))
        .collect::<io::Result<_>>()?;
    let cues = (0..get_usize(r)?)
        .map(|_| get_str(r))
        .collect::<io::Result<_>>()?;
    let question = get_opt_str(r)?;
    let text = get_str(r)?;
    let speaker = get_opt_str(r)?;
    let role = match get_u8(r)? {
        0 => Role::Interviewer,
        1 => Role::Interviewee,
        2 => Role::Unknown,
        _ => return Err(bad("role")),
    };
    let (line, byte_start, byte_end) = (get_usize(r)?, get_usize(r)?, get_usize(r)?);
    let timestamp = match get_u8(r)? {
        0 => None,
        _ => Some(Timestamp(get_u64(r)?)),
    };
    let source_range = get_usize(r)?..get_usize(r)?;
    Ok(SignalRow {
        interview,
        force,
        confidence,
        rules,
        cues,
        question,
        quote: Quote {
            text: text.into_boxed_str(),
            speaker: speaker.map(std::sync::Arc::from),
            role,
            line,
            byte_start,
            byte_end,
            timestamp,
        },
        source_range,
    })
}

fn bad(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the signal store is damaged ({what})"),
    )
}

fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
        None => out.push(0),
    }
}

fn take<'a>(r: &mut &'a [u8], n: usize) -> io::Result<&'a [u8]> {
    if r.len() < n {
        return Err(bad("cut short"));
    }
    let (head, rest) = r.split_at(n);
    *r = rest;
    Ok(head)
}

fn get_u8(r: &mut &[u8]) -> io::Result<u8> {
    Ok(take(r, 1)?[0])
}

fn get_u64(r: &mut &[u8]) -> io::Result<u64> {
    let b = take(r, 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Ok(u64::from_le_bytes(a))
}

fn get_usize(r: &mut &[u8]) -> io::Result<usize> {
    usize::try_from(get_u64(r)?).map_err(|_| bad("size"))
}

fn get_str(r: &mut &[u8]) -> io::Result<String> {
    let n = get_usize(r)?;
    String::from_utf8(take(r, n)?.to_vec()).map_err(|_| bad("text"))
}

fn get_opt_str(r: &mut &[u8]) -> io::Result<Option<String>> {
    match get_u8(r)? {
        0 => Ok(None),
        _ => get_str(r).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize) -> SignalRow {
        SignalRow {
            interview: 0,
            force: Force::ALL[n % 4],
            confidence: 0.1 + n as f64 / 7.0,
            rules: (0..n % 3).map(|r| format!("rule/{r}")).collect(),
            cues: vec!["naïve ☃".into(); n % 2],
            question: (n % 2 == 0).then(|| format!("why {n}?")),
            quote: Quote {
                text: format!("quote {n} \u{202e} é").into(),
                speaker: (n % 3 != 0).then(|| "Dana".into()),
                role: [Role::Interviewer, Role::Interviewee, Role::Unknown][n % 3],
                line: n + 1,
                byte_start: 10 * n,
                byte_end: 10 * n + 9,
                timestamp: (n % 2 == 1).then_some(Timestamp(n as u64 * 1000)),
            },
            source_range: n..n + 9,
        }
    }

    /// Rows of interviews of 0 to 9 signals, `interviews` of them, each with its interview set.
    fn study(interviews: usize) -> Vec<SignalRow> {
        (0..interviews)
            .flat_map(|k| {
                (0..k % 10).map(move |n| SignalRow {
                    interview: k,
                    ..row(n + k)
                })
            })
            .collect()
    }

    fn fill(store: &mut SignalStore, rows: &[SignalRow]) {
        for k in 0..=rows.last().map_or(0, |r| r.interview) {
            let mine: Vec<&SignalRow> = rows.iter().filter(|r| r.interview == k).collect();
            let mut buf = Vec::new();
            for r in &mine {
                encode(r, &mut buf);
            }
            store.push(k, mine.len(), &buf).unwrap();
        }
    }

    fn read_back(store: &SignalStore) -> Vec<SignalRow> {
        let mut all = Vec::new();
        store
            .par_map(
                |mine| mine.to_vec(),
                |mine| {
                    all.extend(mine);
                    Ok(())
                },
            )
            .unwrap();
        all
    }

    #[test]
    fn rows_come_back_as_they_went_in_from_a_file_or_memory() {
        // Enough rows for several batches and several flushes to the file.
        let rows = study(9000);
        assert!(rows.len() > 2 * BATCH);
        for mut store in [
            SignalStore::spilled(tempfile::tempfile().unwrap()),
            SignalStore::default(),
        ] {
            fill(&mut store, &rows);
            assert_eq!(store.len(), rows.len());
            assert_eq!(store.head(), &rows[..HEAD]);
            assert_eq!(read_back(&store), rows);
            // Read twice, then appended to: the file goes on where it ended.
            assert_eq!(read_back(&store), rows);
            let more = SignalRow {
                interview: 9000,
                ..row(3)
            };
            let mut buf = Vec::new();
            encode(&more, &mut buf);
            store.push(9000, 1, &buf).unwrap();
            assert_eq!(read_back(&store).last(), Some(&more));
        }
    }

    #[test]
    fn a_small_study_is_all_head() {
        let rows = study(12);
        let mut store = SignalStore::default();
        fill(&mut store, &rows);
        assert_eq!(store.head(), rows.as_slice());
        assert!(!store.is_empty());
    }

    #[test]
    fn a_long_interview_comes_back_in_runs_in_order() {
        // One interview longer than a batch, between two short ones.
        let mut rows = study(3);
        let long: Vec<SignalRow> = (0..BATCH + RUN + 5)
            .map(|n| SignalRow {
                interview: 3,
                ..row(n)
            })
            .collect();
        rows.extend(long);
        rows.push(SignalRow {
            interview: 4,
            ..row(1)
        });
        for mut store in [
            SignalStore::spilled(tempfile::tempfile().unwrap()),
            SignalStore::default(),
        ] {
            fill(&mut store, &rows);
            let mut back = Vec::new();
            store
                .par_map(
                    |run| {
                        assert!(run.len() <= RUN, "a run of {}", run.len());
                        run.to_vec()
                    },
                    |run| {
                        back.extend(run);
                        Ok(())
                    },
                )
                .unwrap();
            assert_eq!(back, rows);
        }
    }

    #[test]
    fn a_damaged_block_is_an_error_not_a_panic() {
        let mut buf = Vec::new();
        encode(&row(4), &mut buf);
        for cut in 0..buf.len() {
            let mut store = SignalStore::default();
            // The head decodes at once: a cut row fails there, or later when read back.
            let pushed = store.push(0, 1, &buf[..cut]);
            let made = store.par_map(|_| (), |()| Ok(()));
            assert!(pushed.is_err() || made.is_err(), "cut at {cut}");
        }
        // Past the head, a cut row fails only when read back, short run or long.
        for rows in [1, RUN + 1] {
            let mut store = SignalStore::default();
            let mut good = Vec::new();
            for n in 0..HEAD {
                encode(&row(n), &mut good);
            }
            store.push(0, HEAD, &good).unwrap();
            let mut cut = Vec::new();
            for n in 0..rows {
                encode(&row(n), &mut cut);
            }
            cut.pop();
            store.push(1, rows, &cut).unwrap();
            assert!(store.par_map(|_| (), |()| Ok(())).is_err(), "{rows} rows");
            // A header that claims more rows than there are bytes for.
            let mut store = SignalStore::default();
            store.push(0, HEAD, &good).unwrap();
            store.push(1, u32::MAX as usize, &cut).unwrap();
            assert!(store.par_map(|_| (), |()| Ok(())).is_err());
        }
    }
}
