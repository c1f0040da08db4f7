//! The hot path of `jtbd ingest --format jsonl`: `turn` messages written by hand, byte for byte
//! what serde_json writes for [`crate::wire::Message::Turn`] (a test holds the two equal), but
//! with strings escaped eight bytes at a time. Turns are most of the output, and their text is
//! most of each turn.

use jtbd_model::{Interview, Turn};

/// Appends the `turn` message of `t` (without tokens) and a newline.
pub fn turn_line(out: &mut Vec<u8>, i: &Interview, t: &Turn) {
    let mut n = itoa::Buffer::new();
    out.extend_from_slice(b"{\"type\":\"turn\",\"data\":{\"interview\":");
    string(out, &i.id);
    out.extend_from_slice(b",\"path\":");
    string(out, &i.path);
    out.extend_from_slice(b",\"index\":");
    out.extend_from_slice(n.format(t.index).as_bytes());
    out.extend_from_slice(b",\"speaker\":");
    match &t.speaker {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"role\":\"");
    out.extend_from_slice(t.role.as_str().as_bytes());
    out.extend_from_slice(b"\",\"line\":");
    out.extend_from_slice(n.format(t.line).as_bytes());
    out.extend_from_slice(b",\"byte_start\":");
    out.extend_from_slice(n.format(t.byte_start).as_bytes());
    out.extend_from_slice(b",\"byte_end\":");
    out.extend_from_slice(n.format(t.byte_end).as_bytes());
    match t.timestamp {
        Some(ts) => {
            out.extend_from_slice(b",\"timestamp\":\"");
            out.extend_from_slice(ts.to_string().as_bytes());
            out.extend_from_slice(b"\",\"timestamp_ms\":");
            out.extend_from_slice(n.format(ts.millis()).as_bytes());
        }
        None => out.extend_from_slice(b",\"timestamp\":null,\"timestamp_ms\":null"),
    }
    out.extend_from_slice(b",\"text\":");
    string(out, t.text(&i.source));
    out.extend_from_slice(b",\"spans\":[");
    for (k, r) in t.spans.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.push(b'[');
        out.extend_from_slice(n.format(r.start).as_bytes());
        out.push(b',');
        out.extend_from_slice(n.format(r.end).as_bytes());
        out.push(b']');
    }
    out.extend_from_slice(b"],\"sentences\":[");
    for (k, s) in t.sentences.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"byte_start\":");
        out.extend_from_slice(n.format(s.byte_start).as_bytes());
        out.extend_from_slice(b",\"byte_end\":");
        out.extend_from_slice(n.format(s.byte_end).as_bytes());
        out.extend_from_slice(b",\"line\":");
        out.extend_from_slice(n.format(s.line).as_bytes());
        out.extend_from_slice(b",\"text\":");
        string(out, s.text(&i.source));
        out.push(b'}');
    }
    out.extend_from_slice(b"]}}\n");
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

/// Appends `s` as a JSON string, escaped as serde_json escapes it.
pub fn string(out: &mut Vec<u8>, s: &str) {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Message, WireTurn};
    use proptest::prelude::*;

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
    fn turns_are_written_as_serde_json_writes_them() {
        let opts = jtbd_ingest::Options::default();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora");
        let mut seen = 0;
        for e in std::fs::read_dir(root).unwrap() {
            let p = e.unwrap().path();
            let Ok(i) = jtbd_ingest::read_path(&p, &p.to_string_lossy(), &opts, None) else {
                continue;
            };
            for t in &i.turns {
                let mut mine = Vec::new();
                turn_line(&mut mine, &i, t);
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
