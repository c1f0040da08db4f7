//! Turns as index documents, and back.
//!
//! A document's `text` is the turn's sentences joined by one space: the words the speaker said,
//! without labels, cue timings or inline timestamps between them (those would break phrases).
//! `spans` records where each sentence sits in the source, so a highlight in `text` maps back to
//! the exact bytes of the file.

use crate::schema::Fields;
use crate::store::force_facet;
use jtbd_model::{Force, Interview};
use std::collections::BTreeMap;
use tantivy::schema::{OwnedValue, TantivyDocument};

/// One document per turn with at least one sentence.
pub fn turn_documents(
    f: &Fields,
    interview: &Interview,
    forces: &[Vec<Force>],
) -> Vec<TantivyDocument> {
    let meta: BTreeMap<String, OwnedValue> = interview
        .metadata
        .iter()
        .map(|(k, v)| (k.clone(), OwnedValue::Str(v.clone())))
        .collect();
    let src = &interview.source;
    let mut docs = Vec::with_capacity(interview.turns.len());
    for turn in &interview.turns {
        if turn.sentences.is_empty() {
            continue;
        }
        let mut text = String::new();
        let mut spans = Vec::with_capacity(turn.sentences.len() * 16);
        // Highlights map back through `spans` byte for byte: only where the source is the file.
        let verbatim =
            interview.offsets.is_identity() && turn.sentences.iter().all(|s| s.unescaped.is_none());
        for s in &turn.sentences {
            if !text.is_empty() {
                text.push(' ');
            }
            if verbatim {
                spans.extend_from_slice(&(text.len() as u64).to_le_bytes());
                spans.extend_from_slice(&(s.byte_start as u64).to_le_bytes());
            }
            text.push_str(s.text(src));
        }
        let mut d = TantivyDocument::default();
        d.add_text(f.text, &text);
        d.add_text(f.interview, &interview.id);
        d.add_text(f.path, &interview.path);
        if let Some(sp) = &turn.speaker {
            d.add_text(f.speaker, sp);
        }
        d.add_text(f.role, turn.role.as_str());
        d.add_text(f.format, interview.format.as_str());
        d.add_u64(f.turn, turn.index as u64);
        d.add_u64(f.line, turn.line as u64);
        d.add_u64(f.byte_start, interview.file_offset(turn.byte_start) as u64);
        d.add_u64(f.byte_end, interview.file_offset(turn.byte_end) as u64);
        if let Some(ts) = turn.timestamp {
            d.add_u64(f.timestamp_ms, ts.millis());
        }
        let mut turn_forces: Vec<Force> = forces.get(turn.index).cloned().unwrap_or_default();
        turn_forces.sort();
        turn_forces.dedup();
        for force in turn_forces {
            d.add_facet(f.forces, force_facet(force));
        }
        if !meta.is_empty() {
            d.add_object(f.meta, meta.clone());
        }
        d.add_bytes(f.spans, &spans);
        docs.push(d);
    }
    docs
}

/// Maps a byte range of a document's `text` to the source, given its `spans`; `None` when the
/// text is not verbatim in the source or the range crosses a sentence boundary.
pub fn to_source(spans: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
    let pairs: Vec<(usize, usize)> = spans
        .chunks_exact(16)
        .map(|c| {
            let mut a = [0u8; 8];
            let mut b = [0u8; 8];
            a.copy_from_slice(&c[..8]);
            b.copy_from_slice(&c[8..]);
            (
                u64::from_le_bytes(a) as usize,
                u64::from_le_bytes(b) as usize,
            )
        })
        .collect();
    let k = pairs
        .partition_point(|&(at, _)| at <= start)
        .checked_sub(1)?;
    let (at, src) = pairs[k];
    // The range must end before the next sentence starts (the joining space is not in the source).
    if pairs.get(k + 1).is_some_and(|&(next, _)| end >= next) {
        return None;
    }
    Some((src + start - at, src + end - at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(pairs: &[(u64, u64)]) -> Vec<u8> {
        pairs
            .iter()
            .flat_map(|(a, b)| a.to_le_bytes().into_iter().chain(b.to_le_bytes()))
            .collect()
    }

    #[test]
    fn ranges_map_into_their_sentence() {
        // "Lock-in scares me. We left." from sentences at source bytes 100 and 140.
        let s = spans(&[(0, 100), (19, 140)]);
        assert_eq!(to_source(&s, 0, 4), Some((100, 104)));
        assert_eq!(to_source(&s, 22, 26), Some((143, 147)));
        assert_eq!(to_source(&s, 15, 21), None);
        assert_eq!(to_source(&[], 0, 4), None);
    }
}
