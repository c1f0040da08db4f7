//! Speech-to-text JSON: Whisper / WhisperX `segments`, AssemblyAI `utterances`, Deepgram
//! `results.utterances` (or its single transcript), and Rev `monologues`.
//!
//! The text of each unit is found again in the file (its string literal), so offsets point at
//! the place in the file; where the literal holds escapes the text is the unescaped string.

use crate::{Chunk, IngestError, Parsed, Segment};
use jtbd_text::LineIndex;
use serde_json::Value;
use std::ops::Range;

/// Reads a JSON transcript.
pub fn read(source: &str) -> Result<Parsed, IngestError> {
    let body = source.trim_start_matches('\u{feff}');
    let value: Value = serde_json::from_str(body).map_err(|e| IngestError::Parse {
        line: e.line().max(1),
        message: format!("invalid JSON: {e}"),
    })?;
    let units = units(&value, source)?;
    let mut finder = LiteralFinder::new(source);
    let mut segments = Vec::with_capacity(units.len());
    for unit in units {
        let mut raws = Vec::new();
        for piece in &unit.pieces {
            match finder.find(piece) {
                Some(r) => raws.push(r),
                None => {
                    return Err(IngestError::Parse {
                        line: 1,
                        message: format!("cannot locate the text {piece:?} in the file"),
                    });
                }
            }
        }
        let text: String = unit.pieces.concat();
        let (Some(first), Some(last)) = (raws.first(), raws.last()) else {
            continue;
        };
        let raw = first.start..last.end;
        let verbatim = source.get(raw.clone()) == Some(text.as_str());
        segments.push(Segment {
            speaker: unit.speaker,
            timestamp: unit.start_ms,
            chunks: vec![Chunk {
                raw,
                text: (!verbatim).then_some(text),
            }],
        });
    }
    Ok(Parsed {
        segments,
        metadata: Default::default(),
    })
}

struct Unit {
    speaker: Option<String>,
    start_ms: Option<u64>,
    /// String values whose concatenation is the unit's text (one, except Rev's elements).
    pieces: Vec<String>,
}

fn shape_error(source: &str, key: &str, message: String) -> IngestError {
    let line = source
        .find(&format!("\"{key}\""))
        .map_or(1, |p| LineIndex::new(source).line(p));
    IngestError::Parse { line, message }
}

fn units(v: &Value, source: &str) -> Result<Vec<Unit>, IngestError> {
    let results = v.get("results");
    if let Some(list) = v.get("segments") {
        return list_units(list, source, "segments", "text", "start", 1000.0);
    }
    if let Some(list) = v.get("utterances") {
        // AssemblyAI counts milliseconds.
        return list_units(list, source, "utterances", "text", "start", 1.0);
    }
    if let Some(list) = results.and_then(|r| r.get("utterances")) {
        return list_units(list, source, "utterances", "transcript", "start", 1000.0);
    }
    if let Some(list) = v.get("monologues") {
        return rev_units(list, source);
    }
    if let Some(t) = results
        .and_then(|r| r.pointer("/channels/0/alternatives/0/transcript"))
        .and_then(Value::as_str)
    {
        return Ok(vec![Unit {
            speaker: None,
            start_ms: None,
            pieces: vec![t.to_owned()],
        }]);
    }
    if v.is_array() {
        return list_units(v, source, "[", "text", "start", 1000.0);
    }
    Err(IngestError::Parse {
        line: 1,
        message: "JSON of an unknown shape: expected `segments` (Whisper, WhisperX), `utterances` \
                  (AssemblyAI), `results.utterances` (Deepgram) or `monologues` (Rev)"
            .into(),
    })
}

fn list_units(
    list: &Value,
    source: &str,
    key: &str,
    text_key: &str,
    start_key: &str,
    to_ms: f64,
) -> Result<Vec<Unit>, IngestError> {
    let items = list
        .as_array()
        .ok_or_else(|| shape_error(source, key, format!("`{key}` must be an array")))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let text = item.get(text_key).and_then(Value::as_str).ok_or_else(|| {
            shape_error(
                source,
                key,
                format!("`{key}[{i}]` has no string `{text_key}`"),
            )
        })?;
        out.push(Unit {
            speaker: item.get("speaker").and_then(speaker_name),
            start_ms: item
                .get(start_key)
                .and_then(Value::as_f64)
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(|s| (s * to_ms).round() as u64),
            pieces: vec![text.to_owned()],
        });
    }
    Ok(out)
}

fn rev_units(list: &Value, source: &str) -> Result<Vec<Unit>, IngestError> {
    let items = list
        .as_array()
        .ok_or_else(|| shape_error(source, "monologues", "`monologues` must be an array".into()))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, m) in items.iter().enumerate() {
        let elements = m.get("elements").and_then(Value::as_array).ok_or_else(|| {
            shape_error(
                source,
                "monologues",
                format!("`monologues[{i}]` has no `elements` array"),
            )
        })?;
        let pieces: Vec<String> = elements
            .iter()
            .filter_map(|e| e.get("value").and_then(Value::as_str).map(str::to_owned))
            .collect();
        let speaker = m
            .get("speaker_name")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .or_else(|| {
                m.get("speaker")
                    .and_then(speaker_name)
                    .map(|s| format!("Speaker {s}"))
            });
        let start_ms = elements
            .iter()
            .find_map(|e| e.get("ts").and_then(Value::as_f64))
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| (s * 1000.0).round() as u64);
        out.push(Unit {
            speaker,
            start_ms,
            pieces,
        });
    }
    Ok(out)
}

fn speaker_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Walks the string literals of a JSON text in order, to find where a value is written.
struct LiteralFinder<'a> {
    source: &'a str,
    literals: Vec<Range<usize>>,
    next: usize,
}

impl<'a> LiteralFinder<'a> {
    fn new(source: &'a str) -> Self {
        let b = source.as_bytes();
        let mut literals = Vec::new();
        let mut i = 0;
        while let Some(q) = memchr::memchr(b'"', &b[i..]).map(|q| q + i) {
            let start = q + 1;
            let mut j = start;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let end = j.min(b.len());
            literals.push(start..end);
            i = end + 1;
            if i >= b.len() {
                break;
            }
        }
        LiteralFinder {
            source,
            literals,
            next: 0,
        }
    }

    /// The raw range of the next literal (from the cursor on) whose value is `value`.
    fn find(&mut self, value: &str) -> Option<Range<usize>> {
        for k in self.next..self.literals.len() {
            let raw = &self.source[self.literals[k].clone()];
            let hit = raw == value
                || (raw.len() >= value.len()
                    && raw.contains('\\')
                    && serde_json::from_str::<String>(&format!("\"{raw}\""))
                        .is_ok_and(|v| v == value));
            if hit {
                self.next = k + 1;
                return Some(self.literals[k].clone());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(src: &str) -> Vec<(Option<String>, Option<u64>, String)> {
        read(src)
            .unwrap()
            .segments
            .into_iter()
            .map(|s| {
                let c = &s.chunks[0];
                let text = c
                    .text
                    .clone()
                    .unwrap_or_else(|| src[c.raw.clone()].to_owned());
                (s.speaker, s.timestamp, text)
            })
            .collect()
    }

    #[test]
    fn shapes() {
        let whisper =
            r#"{"text":" Hi there.","segments":[{"id":0,"start":1.5,"text":" Hi there."}]}"#;
        assert_eq!(seg(whisper), [(None, Some(1500), " Hi there.".to_owned())]);
        let aai = r#"{"utterances":[{"speaker":"A","start":250,"text":"We \"pay\" twice."}]}"#;
        assert_eq!(
            seg(aai),
            [(Some("A".into()), Some(250), "We \"pay\" twice.".to_owned())]
        );
        let dg = r#"{"results":{"utterances":[{"speaker":0,"start":2.0,"transcript":"Yes."}]}}"#;
        assert_eq!(seg(dg), [(Some("0".into()), Some(2000), "Yes.".to_owned())]);
        let rev = r#"{"monologues":[{"speaker":1,"elements":[{"type":"text","value":"Fine","ts":0.5},{"type":"punct","value":"."}]}]}"#;
        assert_eq!(
            seg(rev),
            [(Some("Speaker 1".into()), Some(500), "Fine.".to_owned())]
        );
    }

    #[test]
    fn wrong_shapes_are_errors() {
        for bad in [
            r#"{"foo":1}"#,
            r#"{"segments":{}}"#,
            r#"{"segments":[{"start":1}]}"#,
            "{\n\"a\": ]",
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
        let e = read("{\n\"segments\": [\n{\"start\": 1}]}").unwrap_err();
        assert_eq!(e.line(), Some(2), "{e}");
    }
}
