//! A record's signals as bytes, for the records' temporary file: [`encode`] on the worker that
//! read the interview, [`decode`] when a slice is read back. A damaged body is refused
//! (`None`), never misread and never a panic.

use crate::record::{Quote, Said};
use jtbd_model::{Force, Role, Timestamp};
use jtbd_text::leb128::{get, put, take};
use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::Arc;

/// A record's signals as bytes: its speaker labels and quotes once each (a quote shared by a
/// signal and its neighbour's `before` stays shared when read back), then the signals naming
/// them by number. Integers are LEB128.
pub(super) fn encode(said: &[Said], out: &mut Vec<u8>) {
    let mut quotes: Vec<&Arc<Quote>> = Vec::new();
    let mut quote_at: FxHashMap<*const Quote, u64> = FxHashMap::default();
    let mut speakers: Vec<&str> = Vec::new();
    let mut speaker_at: FxHashMap<&str, u64> = FxHashMap::default();
    for s in said {
        let all = [Some(&s.quote), s.before.as_ref(), s.after.as_ref()]
            .into_iter()
            .flatten()
            .chain(s.earlier.iter())
            .chain(s.later.iter());
        for q in all {
            if let std::collections::hash_map::Entry::Vacant(e) = quote_at.entry(Arc::as_ptr(q)) {
                e.insert(quotes.len() as u64);
                quotes.push(q);
                if let Some(label) = q.speaker.as_deref() {
                    if !speaker_at.contains_key(label) {
                        speaker_at.insert(label, speakers.len() as u64);
                        speakers.push(label);
                    }
                }
            }
        }
    }
    put(out, speakers.len() as u64);
    for label in &speakers {
        put_str(out, label);
    }
    put(out, quotes.len() as u64);
    for q in &quotes {
        put_str(out, &q.text);
        put(out, q.speaker.as_deref().map_or(0, |l| speaker_at[l] + 1));
        out.push(match q.role {
            Role::Interviewer => 0,
            Role::Interviewee => 1,
            Role::Unknown => 2,
        });
        put(out, q.line as u64);
        put(out, q.byte_start as u64);
        put(out, q.byte_end as u64);
        match q.timestamp {
            None => out.push(0),
            Some(t) => {
                out.push(1);
                put(out, t.millis());
            }
        }
    }
    let num = |q: &Arc<Quote>| quote_at[&Arc::as_ptr(q)];
    let opt = |q: &Option<Arc<Quote>>| q.as_ref().map_or(0, |q| num(q) + 1);
    put(out, said.len() as u64);
    for s in said {
        out.push(s.force.index() as u8);
        out.extend_from_slice(&s.confidence.to_bits().to_le_bytes());
        put(out, num(&s.quote));
        put(out, s.turn as u64);
        put(out, s.sentence as u64);
        put(out, s.cues.len() as u64);
        for c in &s.cues {
            put(out, u64::from(c.start));
            put(out, u64::from(c.end));
        }
        put(out, opt(&s.before));
        put(out, opt(&s.after));
        for side in [&s.earlier, &s.later] {
            put(out, side.len() as u64);
            for q in side.iter() {
                put(out, num(q));
            }
        }
    }
}

/// [`encode`]'s signals back; `None` if the bytes are not what it wrote.
pub(super) fn decode(mut r: &[u8]) -> Option<Vec<Said>> {
    let r = &mut r;
    let speakers: Vec<Arc<str>> = (0..get(r)?)
        .map(|_| get_str(r).map(Arc::from))
        .collect::<Option<_>>()?;
    let n = get(r)?;
    let mut quotes: Vec<Arc<Quote>> = Vec::with_capacity(n.min(r.len() as u64) as usize);
    for _ in 0..n {
        let text = Box::from(get_str(r)?);
        let speaker = match get(r)? {
            0 => None,
            i => Some(Arc::clone(speakers.get(i as usize - 1)?)),
        };
        let role = match take(r, 1)?[0] {
            0 => Role::Interviewer,
            1 => Role::Interviewee,
            2 => Role::Unknown,
            _ => return None,
        };
        let (line, byte_start, byte_end) = (get_usize(r)?, get_usize(r)?, get_usize(r)?);
        let timestamp = match take(r, 1)?[0] {
            0 => None,
            1 => Some(Timestamp(get(r)?)),
            _ => return None,
        };
        quotes.push(Arc::new(Quote {
            text,
            speaker,
            role,
            line,
            byte_start,
            byte_end,
            timestamp,
        }));
    }
    let quote = |i: u64| quotes.get(i as usize).cloned();
    let opt = |i: u64| -> Option<Option<Arc<Quote>>> {
        match i {
            0 => Some(None),
            i => quote(i - 1).map(Some),
        }
    };
    let n = get(r)?;
    // Each entry takes a byte at least: a damaged count allocates no more than the bytes left.
    let mut said = Vec::with_capacity(n.min(r.len() as u64) as usize);
    for _ in 0..n {
        let force = *Force::ALL.get(take(r, 1)?[0] as usize)?;
        let confidence = f64::from_bits(u64::from_le_bytes(take(r, 8)?.try_into().ok()?));
        let q = quote(get(r)?)?;
        let turn = get_usize(r)?;
        let sentence = get_usize(r)?;
        let cues = (0..get(r)?)
            .map(|_| Some(get_u32(r)?..get_u32(r)?))
            .collect::<Option<Box<[Range<u32>]>>>()?;
        let before = opt(get(r)?)?;
        let after = opt(get(r)?)?;
        let mut side =
            || -> Option<Box<[Arc<Quote>]>> { (0..get(r)?).map(|_| quote(get(r)?)).collect() };
        let earlier = side()?;
        let later = side()?;
        said.push(Said {
            force,
            confidence,
            quote: q,
            turn,
            sentence,
            cues,
            before,
            after,
            earlier,
            later,
        });
    }
    r.is_empty().then_some(said)
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn get_usize(r: &mut &[u8]) -> Option<usize> {
    usize::try_from(get(r)?).ok()
}

fn get_u32(r: &mut &[u8]) -> Option<u32> {
    u32::try_from(get(r)?).ok()
}

fn get_str(r: &mut &[u8]) -> Option<String> {
    let n = usize::try_from(get(r)?).ok()?;
    String::from_utf8(take(r, n)?.to_vec()).ok()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn quote(text: &str, at: usize, speaker: Option<&Arc<str>>) -> Arc<Quote> {
        Arc::new(Quote {
            text: text.into(),
            speaker: speaker.cloned(),
            role: Role::Interviewee,
            line: at + 1,
            byte_start: at * 100,
            byte_end: at * 100 + text.len(),
            timestamp: (at % 2 == 0).then_some(Timestamp(at as u64 * 1000)),
        })
    }

    /// Two signals of one turn: the first's quote is the second's `before`.
    pub(crate) fn said() -> Vec<Said> {
        let ana: Arc<str> = Arc::from("Ana");
        let a = quote("Audits take us a week.", 0, Some(&ana));
        let b = quote("I want one place for the evidence.", 1, Some(&ana));
        let c = quote("So we can stop chasing screenshots.", 2, None);
        vec![
            Said {
                force: Force::Frustration,
                confidence: 0.61,
                quote: Arc::clone(&a),
                turn: 3,
                sentence: 0,
                cues: vec![0..6, 8..10].into_boxed_slice(),
                before: None,
                after: None,
                earlier: Box::default(),
                later: Box::default(),
            },
            Said {
                force: Force::DesiredProgress,
                confidence: 0.9,
                quote: Arc::clone(&b),
                turn: 3,
                sentence: 1,
                cues: Box::new([2..9, 10..13]),
                before: Some(Arc::clone(&a)),
                after: Some(Arc::clone(&c)),
                earlier: Box::default(),
                later: Box::new([c]),
            },
        ]
    }

    #[test]
    fn a_body_comes_back_equal_with_its_quotes_shared() {
        let mut bytes = Vec::new();
        encode(&said(), &mut bytes);
        let back = decode(&bytes).unwrap();
        assert_eq!(back, said());
        // The first signal's quote is the second's sentence before, one allocation.
        assert!(Arc::ptr_eq(
            &back[0].quote,
            back[1].before.as_ref().unwrap()
        ));
        assert!(Arc::ptr_eq(
            back[1].after.as_ref().unwrap(),
            &back[1].later[0]
        ));
        // Each cut of the bytes is refused, never misread.
        for end in 0..bytes.len() {
            assert_eq!(decode(&bytes[..end]), None, "cut at {end}");
        }
    }

    #[test]
    fn the_latest_timestamp_comes_back_as_it_went() {
        let mut said = said();
        let mut q = (*said[0].quote).clone();
        q.timestamp = Some(Timestamp(u64::MAX));
        said[0].quote = Arc::new(q);
        let mut bytes = Vec::new();
        encode(&said, &mut bytes);
        assert_eq!(decode(&bytes).unwrap(), said);
    }

    proptest! {
        /// Whatever bytes the file holds, reading them back gives signals or `None`, never a panic.
        #[test]
        fn any_bytes_decode_or_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&bytes);
        }

        /// A body with some of its bytes changed decodes to something or nothing, never a panic.
        #[test]
        fn a_damaged_body_decodes_or_is_refused(
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)
        ) {
            let mut bytes = Vec::new();
            encode(&said(), &mut bytes);
            for (at, b) in flips {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            let _ = decode(&bytes);
        }
    }
}
