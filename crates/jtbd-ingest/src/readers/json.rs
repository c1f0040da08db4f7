//! Speech-to-text JSON: Whisper / WhisperX `segments`, AssemblyAI `utterances`, Deepgram
//! `results.utterances` (or its single transcript), and Rev `monologues`.
//!
//! The text of each unit is found again in the file (its string literal), so offsets point at
//! the place in the file; where the literal holds escapes the text is the unescaped string.

use crate::{Chunk, IngestError, Parsed, Segment};
use jtbd_text::LineIndex;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::ops::Range;

/// Reads a JSON transcript.
pub fn read(source: &str) -> Result<Parsed, IngestError> {
    let body = source.trim_start_matches('\u{feff}');
    let units = if body.trim_start().starts_with('[') {
        let items: Vec<Item<'_>> = parse(body)?;
        list_units(items, source, "[", 1000.0)?
    } else {
        units(parse(body)?, source)?
    };
    let mut finder = LiteralFinder::new(source);
    let mut segments = Vec::with_capacity(units.len());
    for unit in units {
        let mut raws = Vec::with_capacity(unit.pieces.len());
        for piece in &unit.pieces {
            let Some(r) = finder.find(piece) else {
                return Err(IngestError::Parse {
                    line: 1,
                    message: format!("cannot locate the text {piece:?} in the file"),
                });
            };
            raws.push(r);
        }
        let (Some(first), Some(last)) = (raws.first(), raws.last()) else {
            continue;
        };
        let raw = first.start..last.end;
        let verbatim = unit.pieces.len() == 1 && source.get(raw.clone()) == Some(&*unit.pieces[0]);
        segments.push(Segment {
            speaker: unit.speaker,
            timestamp: unit.start_ms,
            chunks: vec![Chunk {
                raw,
                text: (!verbatim).then(|| unit.pieces.concat()),
            }],
        });
    }
    Ok(Parsed {
        segments,
        metadata: Default::default(),
    })
}

fn parse<'a, T: Deserialize<'a>>(body: &'a str) -> Result<T, IngestError> {
    serde_json::from_str(body).map_err(|e| IngestError::Parse {
        line: e.line().max(1),
        message: format!("invalid JSON transcript: {e}"),
    })
}

/// The shapes read, as borrowed views: unknown fields are skipped without being built.
#[derive(Deserialize)]
struct Doc<'a> {
    #[serde(borrow, default)]
    segments: Option<Vec<Item<'a>>>,
    #[serde(borrow, default)]
    utterances: Option<Vec<Item<'a>>>,
    #[serde(borrow, default)]
    results: Option<Results<'a>>,
    #[serde(borrow, default)]
    monologues: Option<Vec<Monologue<'a>>>,
}

#[derive(Deserialize)]
struct Results<'a> {
    #[serde(borrow, default)]
    utterances: Option<Vec<Item<'a>>>,
    #[serde(borrow, default)]
    channels: Option<Vec<Channel<'a>>>,
}

#[derive(Deserialize)]
struct Channel<'a> {
    #[serde(borrow, default)]
    alternatives: Vec<Alternative<'a>>,
}

#[derive(Deserialize)]
struct Alternative<'a> {
    #[serde(borrow, default)]
    transcript: Option<Cow<'a, str>>,
}

/// A Whisper segment, an AssemblyAI or Deepgram utterance.
#[derive(Deserialize)]
struct Item<'a> {
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    transcript: Option<Cow<'a, str>>,
    #[serde(default)]
    start: Option<f64>,
    #[serde(default)]
    speaker: Option<Value>,
}

#[derive(Deserialize)]
struct Monologue<'a> {
    #[serde(default)]
    speaker: Option<Value>,
    #[serde(borrow, default)]
    speaker_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    elements: Option<Vec<Element<'a>>>,
}

#[derive(Deserialize)]
struct Element<'a> {
    #[serde(borrow, default)]
    value: Option<Cow<'a, str>>,
    #[serde(default)]
    ts: Option<f64>,
}

struct Unit<'a> {
    speaker: Option<String>,
    start_ms: Option<u64>,
    /// String values whose concatenation is the unit's text (one, except Rev's elements).
    pieces: Vec<Cow<'a, str>>,
}

fn shape_error(source: &str, key: &str, message: String) -> IngestError {
    let line = source
        .find(&format!("\"{key}\""))
        .map_or(1, |p| LineIndex::new(source).line(p));
    IngestError::Parse { line, message }
}

fn units<'a>(doc: Doc<'a>, source: &str) -> Result<Vec<Unit<'a>>, IngestError> {
    if let Some(list) = doc.segments {
        return list_units(list, source, "segments", 1000.0);
    }
    if let Some(list) = doc.utterances {
        // AssemblyAI counts milliseconds.
        return list_units(list, source, "utterances", 1.0);
    }
    if let Some(results) = doc.results {
        if let Some(list) = results.utterances {
            return list_units(list, source, "utterances", 1000.0);
        }
        let transcript = results
            .channels
            .and_then(|c| c.into_iter().next())
            .and_then(|c| c.alternatives.into_iter().next())
            .and_then(|a| a.transcript);
        if let Some(t) = transcript {
            return Ok(vec![Unit {
                speaker: None,
                start_ms: None,
                pieces: vec![t],
            }]);
        }
    }
    if let Some(list) = doc.monologues {
        return rev_units(list, source);
    }
    Err(IngestError::Parse {
        line: 1,
        message: "JSON of an unknown shape: expected `segments` (Whisper, WhisperX), `utterances` \
                  (AssemblyAI), `results.utterances` (Deepgram) or `monologues` (Rev)"
            .into(),
    })
}

fn millis(seconds: Option<f64>, to_ms: f64) -> Option<u64> {
    seconds
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| (s * to_ms).round() as u64)
}

fn list_units<'a>(
    items: Vec<Item<'a>>,
    source: &str,
    key: &str,
    to_ms: f64,
) -> Result<Vec<Unit<'a>>, IngestError> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let text = item.text.or(item.transcript).ok_or_else(|| {
            shape_error(
                source,
                key,
                format!("`{key}[{i}]` has no string `text` or `transcript`"),
            )
        })?;
        out.push(Unit {
            speaker: item.speaker.as_ref().and_then(speaker_name),
            start_ms: millis(item.start, to_ms),
            pieces: vec![text],
        });
    }
    Ok(out)
}

fn rev_units<'a>(list: Vec<Monologue<'a>>, source: &str) -> Result<Vec<Unit<'a>>, IngestError> {
    let mut out = Vec::with_capacity(list.len());
    for (i, m) in list.into_iter().enumerate() {
        let elements = m.elements.ok_or_else(|| {
            shape_error(
                source,
                "monologues",
                format!("`monologues[{i}]` has no `elements` array"),
            )
        })?;
        let start_ms = millis(elements.iter().find_map(|e| e.ts), 1000.0);
        let speaker = m
            .speaker_name
            .filter(|s| !s.is_empty())
            .map(Cow::into_owned)
            .or_else(|| {
                m.speaker
                    .as_ref()
                    .and_then(speaker_name)
                    .map(|s| format!("Speaker {s}"))
            });
        out.push(Unit {
            speaker,
            start_ms,
            pieces: elements.into_iter().filter_map(|e| e.value).collect(),
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
