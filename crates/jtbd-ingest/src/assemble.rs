//! Segments to turns: merge consecutive segments of one speaker, cut inline markup out, split
//! sentences, and place everything in the source.

use crate::{Chunk, Segment};
use jtbd_model::{Format, Role, Sentence, Turn};
use jtbd_text::{LineCursor, MarkupKind, for_each_sentence, scan_markup};
use std::ops::Range;

/// Builds the turns of an interview from its segments. Segments with no text left after markup
/// is cut out add no turn and do not interrupt a speaker's turn.
pub fn assemble(source: &str, format: Format, segments: &[Segment]) -> Vec<Turn> {
    let mut lines = LineCursor::new(source);
    let mut turns: Vec<Turn> = Vec::new();
    for seg in segments {
        let mut sentences = Vec::new();
        let mut spans = Vec::new();
        let mut inline_ts = None;
        for chunk in &seg.chunks {
            let before = sentences.len();
            chunk_sentences(source, chunk, &mut lines, &mut sentences, &mut inline_ts);
            if sentences.len() > before {
                spans.push(chunk.raw.clone());
            }
        }
        if sentences.is_empty() {
            continue;
        }
        let timestamp = seg.timestamp.or(inline_ts).map(jtbd_model::Timestamp);
        match turns.last_mut() {
            Some(last) if last.speaker == seg.speaker => {
                last.byte_end = sentences.last().map_or(last.byte_end, |s| s.byte_end);
                last.spans.extend(spans);
                last.sentences.extend(sentences);
                last.timestamp = last.timestamp.or(timestamp);
            }
            _ => {
                let first = &sentences[0];
                turns.push(Turn {
                    index: turns.len(),
                    speaker: seg.speaker.clone(),
                    role: Role::Unknown,
                    line: first.line,
                    byte_start: first.byte_start,
                    byte_end: sentences.last().map_or(first.byte_end, |s| s.byte_end),
                    timestamp,
                    joined: None,
                    spans,
                    sentences,
                });
            }
        }
    }
    if !(format.is_verbatim() || format == Format::Docx) {
        for turn in &mut turns {
            let texts: Vec<&str> = turn.sentences.iter().map(|s| s.text(source)).collect();
            turn.joined = Some(texts.join(" "));
        }
    }
    turns
}

/// Appends the sentences of one chunk. A timestamp that opens the chunk is reported through
/// `inline_ts` (the Changelog style `**Name:** \[03:58\] text`).
fn chunk_sentences(
    source: &str,
    chunk: &Chunk,
    lines: &mut LineCursor<'_>,
    out: &mut Vec<Sentence>,
    inline_ts: &mut Option<u64>,
) {
    let text: &str = match &chunk.text {
        Some(t) => t,
        None => &source[chunk.raw.clone()],
    };
    let markup = scan_markup(text);
    if let Some(m) = markup.first() {
        if let MarkupKind::Timestamp(ms) = m.kind {
            if text[..m.range.start].trim().is_empty() && inline_ts.is_none() {
                *inline_ts = Some(ms);
            }
        }
    }
    // Markup is blanked out (same length, so places do not move) rather than cut: a sentence
    // runs on across `[crosstalk]` or an inline timestamp inside it and keeps it in its text, and
    // markup between sentences or alone is no sentence.
    let masked = blank_out(text, &markup);
    for_each_sentence(&masked, |local| {
        let raw = to_raw(source, chunk, text, local.clone());
        out.push(Sentence {
            byte_start: raw.start,
            byte_end: raw.end,
            line: lines.line(raw.start),
            words: jtbd_text::count_words(&masked[local.clone()]),
            unescaped: chunk.text.as_ref().map(|_| text[local].to_owned()),
        });
    });
}

/// `text` with each markup range replaced by as many spaces.
fn blank_out<'a>(text: &'a str, markup: &[jtbd_text::Markup]) -> std::borrow::Cow<'a, str> {
    if markup.is_empty() {
        return text.into();
    }
    let mut s = String::with_capacity(text.len());
    let mut pos = 0;
    for m in markup {
        s.push_str(&text[pos..m.range.start]);
        s.extend(std::iter::repeat_n(' ', m.range.len()));
        pos = m.range.end;
    }
    s.push_str(&text[pos..]);
    s.into()
}

/// Maps a range of the chunk's text to the source: exact for verbatim chunks; for unescaped JSON
/// text, proportional inside the literal (the literal is the place; escapes shift bytes), widened
/// to character boundaries so the range always slices the source.
fn to_raw(source: &str, chunk: &Chunk, text: &str, local: Range<usize>) -> Range<usize> {
    let raw = &chunk.raw;
    if chunk.text.is_none() {
        return raw.start + local.start..raw.start + local.end;
    }
    if let Some(map) = &chunk.map {
        return raw.start + map.file_offset(local.start)..raw.start + map.file_offset(local.end);
    }
    let scale = |x: usize| {
        if text.is_empty() {
            raw.start
        } else {
            raw.start + ((x as u128 * raw.len() as u128) / text.len() as u128) as usize
        }
    };
    let (mut a, mut b) = (
        scale(local.start),
        scale(local.end).max(scale(local.start)).min(raw.end),
    );
    while a > raw.start && !source.is_char_boundary(a) {
        a -= 1;
    }
    while b < raw.end && !source.is_char_boundary(b) {
        b += 1;
    }
    a..b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescaped_text_is_placed_on_character_boundaries() {
        // Found by fuzzing: escapes shrink the text, so a proportional place can fall inside a
        // multi-byte character of the literal.
        for pad in 0..12 {
            let src = format!(
                "[\"{}\\n\\nHe said: é\u{5ca}ü. Then ✓✓✓ more. Done\"]",
                "\\t".repeat(pad)
            );
            let raw = 2..src.len() - 2;
            let text = src[raw.clone()].replace("\\n", "\n").replace("\\t", "\t");
            let seg = Segment {
                speaker: Some("A".into()),
                timestamp: None,
                chunks: vec![Chunk::rewritten(raw, Some(text))],
            };
            let turns = assemble(&src, Format::Json, &[seg]);
            assert_eq!(turns.len(), 1, "pad {pad}");
            assert!(turns[0].sentences.len() >= 3, "pad {pad}");
            for t in turns {
                assert!(t.text(&src).contains("He said"));
                for s in &t.sentences {
                    assert!(src.get(s.range()).is_some(), "pad {pad}: {:?}", s.range());
                }
            }
        }
    }

    #[test]
    fn merges_cuts_markup_and_places_sentences() {
        let src = "A: \\[00:10\\] We pay. [laughs] Too much.\nB: Why?\nB: Tell me.";
        let seg = |sp: &str, r: Range<usize>| Segment {
            speaker: Some(sp.into()),
            timestamp: None,
            chunks: vec![Chunk::verbatim(r)],
        };
        let segments = [seg("A", 3..39), seg("B", 43..47), seg("B", 51..59)];
        let turns = assemble(src, Format::Text, &segments);
        assert_eq!(turns.len(), 2);
        let a = &turns[0];
        assert_eq!(a.timestamp, Some(jtbd_model::Timestamp(10_000)));
        let texts: Vec<&str> = a.sentences.iter().map(|s| s.text(src)).collect();
        assert_eq!(texts, ["We pay.", "Too much."]);
        // The leading timestamp is the turn's time, not its text; the stage direction stays in
        // the turn (verbatim) and out of its sentences.
        assert_eq!(a.text(src), "We pay. [laughs] Too much.");
        assert_eq!(turns[1].text(src), "Why?\nB: Tell me.");
        assert_eq!(turns[1].spans.len(), 2);
        assert_eq!(turns[1].line, 2);
    }
}
