//! The hot paths of `--format jsonl`: `interview` and `turn` messages (`jtbd ingest`) and
//! `signal` messages (`jtbd extract`) written by hand, byte for byte what serde_json writes for
//! [`crate::wire::Message::Interview`], [`crate::wire::Message::Turn`] and
//! [`crate::wire::Message::Signal`] (tests hold them equal),
//! but with strings escaped eight bytes at a time. Text is most of each message.

use jtbd_extract::Signal;
use jtbd_model::{Interview, Timestamp, Turn};

/// The start of every `turn` message of `i`, up to its index: the same for all its turns, so it
/// is escaped once.
pub fn turn_head(i: &Interview) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + i.id.len() + i.path.len());
    out.extend_from_slice(b"{\"type\":\"turn\",\"data\":{\"interview\":");
    string(&mut out, &i.id);
    out.extend_from_slice(b",\"path\":");
    string(&mut out, &i.path);
    out.extend_from_slice(b",\"index\":");
    out
}

/// Appends the `turn` message of `t` (without tokens) and a newline; `head` is [`turn_head`].
pub fn turn_line(out: &mut Vec<u8>, head: &[u8], i: &Interview, t: &Turn) {
    #[cfg(feature = "plain-serde")]
    {
        let _ = head;
        let m = crate::wire::Message::Turn(crate::wire::WireTurn::new(i, t, false));
        let _ = crate::emit::line(out, &m);
        return;
    }
    #[allow(unreachable_code)]
    let mut n = itoa::Buffer::new();
    out.extend_from_slice(head);
    out.extend_from_slice(n.format(t.index).as_bytes());
    out.extend_from_slice(b",\"speaker\":");
    optional_string(out, t.speaker.as_deref());
    out.extend_from_slice(b",\"role\":\"");
    out.extend_from_slice(t.role.as_str().as_bytes());
    out.extend_from_slice(b"\",");
    place(
        out,
        &mut n,
        t.line,
        i.file_offset(t.byte_start),
        i.file_offset(t.byte_end),
    );
    clock_time(out, t.timestamp);
    match t.timestamp {
        Some(ts) => {
            out.extend_from_slice(b",\"timestamp_ms\":");
            out.extend_from_slice(n.format(ts.millis()).as_bytes());
        }
        None => out.extend_from_slice(b",\"timestamp_ms\":null"),
    }
    out.extend_from_slice(b",\"text\":");
    let text = t.text(&i.source);
    let clean = string(out, text);
    out.extend_from_slice(b",\"spans\":");
    ranges(out, &mut n, &t.spans, &i.offsets);
    out.extend_from_slice(b",\"sentences\":");
    separated(out, b'[', b']', &t.sentences, |out, s| {
        out.extend_from_slice(b"{\"byte_start\":");
        out.extend_from_slice(n.format(i.file_offset(s.byte_start)).as_bytes());
        out.extend_from_slice(b",\"byte_end\":");
        out.extend_from_slice(n.format(i.file_offset(s.byte_end)).as_bytes());
        out.extend_from_slice(b",\"line\":");
        out.extend_from_slice(n.format(s.line).as_bytes());
        out.extend_from_slice(b",\"text\":");
        let sentence = s.text(&i.source);
        // Most sentences lie inside their turn's text: when that needed no escape, nor do they.
        if clean && inside(sentence, text) {
            out.push(b'"');
            out.extend_from_slice(sentence.as_bytes());
            out.push(b'"');
        } else {
            string(out, sentence);
        }
        out.push(b'}');
    });
    out.extend_from_slice(b"}}\n");
}

/// Appends the `interview` message of `i` and a newline.
pub fn interview_line(out: &mut Vec<u8>, i: &Interview) {
    #[cfg(feature = "plain-serde")]
    {
        let m = crate::wire::Message::Interview(crate::wire::WireInterview::new(i));
        let _ = crate::emit::line(out, &m);
        return;
    }
    #[allow(unreachable_code)]
    let mut n = itoa::Buffer::new();
    out.extend_from_slice(b"{\"type\":\"interview\",\"data\":{\"id\":");
    string(out, &i.id);
    out.extend_from_slice(b",\"path\":");
    string(out, &i.path);
    out.extend_from_slice(b",\"format\":\"");
    out.extend_from_slice(i.format.as_str().as_bytes());
    out.extend_from_slice(b"\",\"encoding\":\"");
    out.extend_from_slice(i.encoding.as_str().as_bytes());
    out.extend_from_slice(b"\",\"bytes\":");
    out.extend_from_slice(n.format(i.bytes).as_bytes());
    out.extend_from_slice(b",\"metadata\":");
    separated(out, b'{', b'}', &i.metadata, |out, (key, value)| {
        string(out, key);
        out.push(b':');
        string(out, value);
    });
    out.extend_from_slice(b",\"speakers\":");
    separated(out, b'[', b']', &i.speakers, |out, sp| {
        out.extend_from_slice(b"{\"name\":");
        string(out, &sp.name);
        out.extend_from_slice(b",\"role\":\"");
        out.extend_from_slice(sp.role.as_str().as_bytes());
        out.extend_from_slice(b"\",\"role_source\":");
        string(out, sp.role_source.as_str());
        out.extend_from_slice(b",\"turns\":");
        out.extend_from_slice(n.format(sp.turns).as_bytes());
        out.extend_from_slice(b",\"words\":");
        out.extend_from_slice(n.format(sp.words).as_bytes());
        out.extend_from_slice(b",\"question_share\":");
        // Floats as serde_json writes them.
        let _ = serde_json::to_writer(&mut *out, &crate::wire::question_share(sp));
        out.push(b'}');
    });
    out.extend_from_slice(b",\"turn_count\":");
    out.extend_from_slice(n.format(i.turns.len()).as_bytes());
    out.extend_from_slice(b",\"sentence_count\":");
    out.extend_from_slice(n.format(i.sentence_count()).as_bytes());
    out.extend_from_slice(b",\"word_count\":");
    out.extend_from_slice(n.format(i.word_count()).as_bytes());
    out.extend_from_slice(b",\"notes\":");
    separated(out, b'[', b']', &i.notes, |out, note| {
        out.extend_from_slice(b"{\"line\":");
        match note.line {
            Some(l) => out.extend_from_slice(n.format(l).as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"message\":");
        string(out, &note.message);
        out.push(b'}');
    });
    out.extend_from_slice(b"}}\n");
}

/// Appends the `signal` message of `s`, a signal of `i`, and a newline.
pub fn signal_line(out: &mut Vec<u8>, i: &Interview, s: &Signal) {
    #[cfg(feature = "plain-serde")]
    {
        let m = crate::wire::Message::Signal(crate::wire_signal::WireSignal::new(i, s));
        let _ = crate::emit::line(out, &m);
        return;
    }
    #[allow(unreachable_code)]
    let mut n = itoa::Buffer::new();
    let turn = &i.turns[s.turn];
    let sentence = &turn.sentences[s.sentence];
    out.extend_from_slice(b"{\"type\":\"signal\",\"data\":{\"id\":\"");
    out.extend_from_slice(i.signal_id(s).as_bytes());
    out.extend_from_slice(b"\",\"force\":\"");
    out.extend_from_slice(s.force.as_str().as_bytes());
    out.extend_from_slice(b"\",\"text\":");
    string(out, sentence.text(&i.source));
    out.extend_from_slice(b",\"interview\":");
    string(out, &i.id);
    out.extend_from_slice(b",\"path\":");
    string(out, &i.path);
    out.extend_from_slice(b",\"speaker\":");
    optional_string(out, turn.speaker.as_deref());
    out.extend_from_slice(b",\"role\":\"");
    out.extend_from_slice(turn.role.as_str().as_bytes());
    out.extend_from_slice(b"\",");
    place(
        out,
        &mut n,
        sentence.line,
        i.file_offset(sentence.byte_start),
        i.file_offset(sentence.byte_end),
    );
    clock_time(out, turn.timestamp);
    out.extend_from_slice(b",\"rules\":");
    separated(out, b'[', b']', &s.rules, |out, r| {
        string(out, r);
    });
    out.extend_from_slice(b",\"cues\":");
    // Cues are offsets into the sentence's text, not the file: no mapping.
    ranges(out, &mut n, &s.cues, &jtbd_model::FileOffsets::default());
    out.extend_from_slice(b",\"confidence\":");
    // Floats as serde_json writes them (shortest round-trip form); writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &s.confidence);
    out.extend_from_slice(b",\"question\":");
    match s.question {
        Some((t, q)) => {
            let qt = &i.turns[t];
            let qs = &qt.sentences[q];
            out.extend_from_slice(b"{\"speaker\":");
            optional_string(out, qt.speaker.as_deref());
            out.push(b',');
            place(
                out,
                &mut n,
                qs.line,
                i.file_offset(qs.byte_start),
                i.file_offset(qs.byte_end),
            );
            out.extend_from_slice(b",\"text\":");
            string(out, qs.text(&i.source));
            out.push(b'}');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b"}}\n");
}

/// `"line":L,"byte_start":A,"byte_end":B`: where a turn, a sentence or a question is.
fn place(out: &mut Vec<u8>, n: &mut itoa::Buffer, line: usize, start: usize, end: usize) {
    out.extend_from_slice(b"\"line\":");
    out.extend_from_slice(n.format(line).as_bytes());
    out.extend_from_slice(b",\"byte_start\":");
    out.extend_from_slice(n.format(start).as_bytes());
    out.extend_from_slice(b",\"byte_end\":");
    out.extend_from_slice(n.format(end).as_bytes());
}

/// Byte ranges as `[[start,end],...]`.
fn ranges(
    out: &mut Vec<u8>,
    n: &mut itoa::Buffer,
    list: &[std::ops::Range<usize>],
    offsets: &jtbd_model::FileOffsets,
) {
    separated(out, b'[', b']', list, |out, r| {
        out.push(b'[');
        out.extend_from_slice(n.format(offsets.file_offset(r.start)).as_bytes());
        out.push(b',');
        out.extend_from_slice(n.format(offsets.file_offset(r.end)).as_bytes());
        out.push(b']');
    });
}

/// `open`, each item as `each` writes it, separated by commas, `close`: a JSON array or object.
fn separated<T>(
    out: &mut Vec<u8>,
    open: u8,
    close: u8,
    items: impl IntoIterator<Item = T>,
    mut each: impl FnMut(&mut Vec<u8>, T),
) {
    out.push(open);
    for (k, item) in items.into_iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        each(out, item);
    }
    out.push(close);
}

/// `,"timestamp":"HH:MM:SS"` or `,"timestamp":null`.
fn clock_time(out: &mut Vec<u8>, t: Option<Timestamp>) {
    match t {
        Some(ts) => {
            out.extend_from_slice(b",\"timestamp\":\"");
            clock(out, ts);
            out.push(b'"');
        }
        None => out.extend_from_slice(b",\"timestamp\":null"),
    }
}

/// `ts` as its `Display` writes it (`HH:MM:SS`, `.mmm` when there are milliseconds), without
/// the formatting machinery.
fn clock(out: &mut Vec<u8>, ts: Timestamp) {
    let mut n = itoa::Buffer::new();
    let mut padded = |out: &mut Vec<u8>, v: u64, width: usize| {
        let digits = n.format(v);
        out.extend(std::iter::repeat_n(
            b'0',
            width.saturating_sub(digits.len()),
        ));
        out.extend_from_slice(digits.as_bytes());
    };
    let (ms, s) = (ts.0 % 1000, ts.0 / 1000);
    padded(out, s / 3600, 2);
    out.push(b':');
    padded(out, (s / 60) % 60, 2);
    out.push(b':');
    padded(out, s % 60, 2);
    if ms != 0 {
        out.push(b'.');
        padded(out, ms, 3);
    }
}

/// A string or `null`.
fn optional_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            string(out, s);
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// Whether `part` is a slice of the memory of `whole`.
fn inside(part: &str, whole: &str) -> bool {
    let (p, w) = (
        part.as_bytes().as_ptr_range(),
        whole.as_bytes().as_ptr_range(),
    );
    w.start <= p.start && p.end <= w.end
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any of the eight bytes of `x` needs escaping: a control byte, `"` or `\`.
fn needs_escape(x: u64) -> bool {
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    // Bytes below 0x20 (bytes with the high bit set are never below it: `!x` masks them).
    let control = x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
    control | has_zero(x ^ (ONES * b'"' as u64)) | has_zero(x ^ (ONES * b'\\' as u64)) != 0
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it; true when nothing needed
/// escaping.
pub fn string(out: &mut Vec<u8>, s: &str) -> bool {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut done = 0;
    let mut i = 0;
    while i < bytes.len() {
        if i + 8 <= bytes.len() {
            let mut word = [0u8; 8];
            word.copy_from_slice(&bytes[i..i + 8]);
            if !needs_escape(u64::from_le_bytes(word)) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[done..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.extend_from_slice(escape);
        }
        i += 1;
        done = i;
    }
    out.extend_from_slice(&bytes[done..]);
    out.push(b'"');
    // `done` moves past every escape, so it is still 0 when there was none.
    done == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Message, WireTurn};
    use proptest::prelude::*;

    #[test]
    fn clock_matches_display() {
        let samples = (0..200_000u64).step_by(997).chain([
            0,
            1,
            999,
            1000,
            59_999,
            3_599_999,
            3_600_000,
            359_999_999,
            360_000_000,
            u64::MAX,
        ]);
        for ms in samples {
            let mut out = Vec::new();
            clock(&mut out, Timestamp(ms));
            assert_eq!(String::from_utf8(out).unwrap(), Timestamp(ms).to_string());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn strings_escape_as_serde_json_does(s in any::<String>(), c in 0u8..0x80) {
            for s in [s.clone(), format!("{s}{}{s}", c as char)] {
                let mut mine = Vec::new();
                string(&mut mine, &s);
                prop_assert_eq!(String::from_utf8(mine).unwrap(), serde_json::to_string(&s).unwrap());
            }
        }
    }

    #[test]
    fn signals_are_written_as_serde_json_writes_them() {
        let opts = jtbd_ingest::Options::default();
        let rules = jtbd_extract::RuleSet::embedded().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpora");
        let (mut seen, mut questions, mut untimed) = (0, 0, 0);
        for e in std::fs::read_dir(root).unwrap() {
            let p = e.unwrap().path();
            let Ok(i) = jtbd_ingest::read_path(&p, &p.to_string_lossy(), &opts, None) else {
                continue;
            };
            // Every speaker's signals: some with the interviewer's question before them, some not.
            for s in jtbd_extract::signals(&i, &rules, jtbd_extract::SpeakerFilter::All) {
                let mut mine = Vec::new();
                signal_line(&mut mine, &i, &s);
                let mut theirs = serde_json::to_vec(&Message::Signal(
                    crate::wire_signal::WireSignal::new(&i, &s),
                ))
                .unwrap();
                theirs.push(b'\n');
                assert_eq!(
                    String::from_utf8(mine).unwrap(),
                    String::from_utf8(theirs).unwrap()
                );
                seen += 1;
                questions += usize::from(s.question.is_some());
                untimed += usize::from(i.turns[s.turn].timestamp.is_none());
            }
        }
        // Signals with and without a question, with and without a timestamp, were compared.
        assert!(
            seen > 50 && questions > 10 && questions < seen,
            "{seen} {questions}"
        );
        assert!(untimed > 0 && untimed < seen, "{untimed}");
    }

    #[test]
    fn interviews_and_turns_are_written_as_serde_json_writes_them() {
        let opts = jtbd_ingest::Options::default();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpora");
        let mut seen = 0;
        // Turns whose text needs escapes (quotes, a backslash, a tab), in a file and in JSON.
        let escaped = [
            (
                "quoted \"one\".txt",
                "Ann: She said \"no\". Then \\ and\ta tab. Fine.\nBo: Ok.\n",
            ),
            (
                "escaped.json",
                r#"{"segments":[{"start":0,"end":1,"text":"A \"quote\". And a \\ too. Done."}]}"#,
            ),
        ];
        let corpus = std::fs::read_dir(root).unwrap().map(|e| {
            let p = e.unwrap().path();
            jtbd_ingest::read_path(&p, &p.to_string_lossy(), &opts, None)
        });
        let made = escaped
            .iter()
            .map(|(name, text)| jtbd_ingest::parse_bytes(text.as_bytes(), name, &opts, None))
            .inspect(|r| assert!(r.is_ok(), "{r:?}"));
        for i in corpus.chain(made) {
            let Ok(mut i) = i else {
                continue;
            };
            i.metadata
                .insert("odd \"key\"".into(), "tab\there\nand \\ é".into());
            let mut mine = Vec::new();
            interview_line(&mut mine, &i);
            let mut theirs =
                serde_json::to_vec(&Message::Interview(crate::wire::WireInterview::new(&i)))
                    .unwrap();
            theirs.push(b'\n');
            assert_eq!(
                String::from_utf8(mine).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
            let head = turn_head(&i);
            for t in &i.turns {
                let mut mine = Vec::new();
                turn_line(&mut mine, &head, &i, t);
                let mut theirs =
                    serde_json::to_vec(&Message::Turn(WireTurn::new(&i, t, false))).unwrap();
                theirs.push(b'\n');
                assert_eq!(
                    String::from_utf8(mine).unwrap(),
                    String::from_utf8(theirs).unwrap()
                );
                seen += 1;
            }
        }
        assert!(seen > 100);
    }
}
