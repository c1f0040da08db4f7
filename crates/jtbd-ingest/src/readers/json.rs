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
    // serde with borrowed strings; a hand-written scanner saved 3.7% of the instructions of
    // reading JSON transcripts (37.25 against 38.70 per byte), not worth its 720 lines.
    let units = serde_units(body, source)?;
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
        let text = match (verbatim, unit.spaced) {
            (true, _) => None,
            (false, false) => Some(unit.pieces.concat()),
            (false, true) => Some(spaced_words(&unit.pieces)),
        };
        segments.push(Segment {
            speaker: unit.speaker,
            timestamp: unit.start_ms,
            chunks: vec![Chunk::rewritten(raw, text)],
        });
    }
    Ok(Parsed {
        segments,
        ..Parsed::default()
    })
}

/// The units as serde reads them: the reference reading, and the one that words the errors.
fn serde_units<'a>(body: &'a str, source: &str) -> Result<Vec<Unit<'a>>, IngestError> {
    if body.trim_start().starts_with('[') {
        let items: Vec<Item<'_>> = parse(body)?;
        list_units(items, source, "[", 1000.0)
    } else {
        units(parse(body)?, source)
    }
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
    /// Rev's editor export names its speakers here; monologues give the id.
    #[serde(borrow, default)]
    speakers: Option<Vec<RevSpeaker<'a>>>,
}

#[derive(Deserialize)]
struct RevSpeaker<'a> {
    #[serde(default)]
    id: Option<Value>,
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
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
    transcript: Option<Text<'a>>,
}

/// A Whisper segment, an AssemblyAI or Deepgram utterance.
#[derive(Deserialize)]
struct Item<'a> {
    #[serde(borrow, default)]
    text: Option<Text<'a>>,
    #[serde(borrow, default)]
    transcript: Option<Text<'a>>,
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
    speaker_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    elements: Option<Vec<Element<'a>>>,
    /// Rev's editor export: word pieces without the spaces between them.
    #[serde(borrow, default)]
    spans: Option<Vec<Element<'a>>>,
}

#[derive(Deserialize)]
struct Element<'a> {
    #[serde(borrow, default)]
    value: Option<Text<'a>>,
    #[serde(default)]
    ts: Option<f64>,
}

/// A string value, borrowed from the source when it holds no escapes (serde's own `Cow` always
/// copies), so its place in the file is known without a search.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        d.deserialize_str(Visit).map(Text)
    }
}

#[derive(Debug, PartialEq)]
struct Unit<'a> {
    speaker: Option<String>,
    start_ms: Option<u64>,
    /// String values whose concatenation is the unit's text (one, except Rev's elements).
    pieces: Vec<Cow<'a, str>>,
    /// The pieces are words and punctuation without the spaces between them (Rev `spans`).
    spaced: bool,
}

/// Words and punctuation joined as written: a space before each word, none before punctuation
/// that closes (`,` `.` `?` `!` `;` `:` `)` and `'s`-style endings).
fn spaced_words(pieces: &[Cow<'_, str>]) -> String {
    let mut out = String::new();
    for p in pieces {
        let p = p.trim();
        let closes = p.starts_with([',', '.', '?', '!', ';', ':', ')', '\'', '\u{2019}']);
        if !out.is_empty() && !closes && !out.ends_with(['(', '-']) {
            out.push(' ');
        }
        out.push_str(p);
    }
    out
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
                pieces: vec![t.0],
                spaced: false,
            }]);
        }
    }
    if let Some(list) = doc.monologues {
        return rev_units(list, doc.speakers.unwrap_or_default(), source);
    }
    Err(IngestError::NotTranscript(
        "JSON of an unknown shape: no `segments` (Whisper, WhisperX), `utterances` \
         (AssemblyAI), `results.utterances` (Deepgram) or `monologues` (Rev)"
            .into(),
    ))
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
            pieces: vec![text.0],
            spaced: false,
        });
    }
    Ok(out)
}

fn rev_units<'a>(
    list: Vec<Monologue<'a>>,
    speakers: Vec<RevSpeaker<'_>>,
    source: &str,
) -> Result<Vec<Unit<'a>>, IngestError> {
    let names: Vec<(String, String)> = speakers
        .into_iter()
        .filter_map(|s| Some((speaker_name(s.id.as_ref()?)?, speaker_text(s.name?.0)?)))
        .collect();
    let mut out = Vec::with_capacity(list.len());
    for (i, m) in list.into_iter().enumerate() {
        // The API writes `elements` with the spaces as elements; the editor writes `spans`, words
        // and punctuation without them.
        let spaced = m.elements.is_none() && m.spans.is_some();
        let elements = m.elements.or(m.spans).ok_or_else(|| {
            shape_error(
                source,
                "monologues",
                format!("`monologues[{i}]` has no `elements` or `spans` array"),
            )
        })?;
        let start_ms = millis(elements.iter().find_map(|e| e.ts), 1000.0);
        let speaker = m
            .speaker_name
            .map(|s| s.0)
            .filter(|s| !s.is_empty())
            .map(Cow::into_owned)
            .or_else(|| {
                let id = m.speaker.as_ref().and_then(speaker_name)?;
                Some(match names.iter().find(|(n, _)| *n == id) {
                    Some((_, name)) => name.clone(),
                    None => format!("Speaker {id}"),
                })
            });
        out.push(Unit {
            speaker,
            start_ms,
            pieces: elements
                .into_iter()
                .filter_map(|e| e.value.map(|v| v.0))
                .filter(|v| !spaced || !v.trim().is_empty())
                .collect(),
            spaced,
        });
    }
    Ok(out)
}

fn speaker_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => speaker_text(Cow::Borrowed(s)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A string speaker: none when empty.
fn speaker_text(s: Cow<'_, str>) -> Option<String> {
    (!s.is_empty()).then(|| s.into_owned())
}

/// Finds, in order, the string literal each value was read from.
///
/// A value serde_json borrowed (no escapes) points into the source, so its place is known at
/// once. Only a value with escapes is looked for, literal by literal from the last place found.
struct LiteralFinder<'a> {
    source: &'a str,
    /// A byte outside every literal: where the next search starts.
    pos: usize,
}

impl<'a> LiteralFinder<'a> {
    fn new(source: &'a str) -> Self {
        LiteralFinder { source, pos: 0 }
    }

    /// The raw range (inside the quotes) of the next literal whose value is `value`.
    fn find(&mut self, value: &str) -> Option<Range<usize>> {
        // A copy (an unescaped value) never points into the source.
        if let Some(r) = self.borrowed(value) {
            self.pos = r.end + 1;
            return Some(r);
        }
        while let Some(raw) = self.next_literal() {
            let text = &self.source[raw.clone()];
            let hit = text == value
                || (text.len() >= value.len()
                    && text.contains('\\')
                    && serde_json::from_str::<String>(&format!("\"{text}\""))
                        .is_ok_and(|v| v == value));
            if hit {
                return Some(raw);
            }
        }
        None
    }

    /// The place of `v` when it is a slice of the source at or after the cursor.
    fn borrowed(&self, v: &str) -> Option<Range<usize>> {
        let start = (v.as_ptr() as usize).checked_sub(self.source.as_ptr() as usize)?;
        let range = start..start.checked_add(v.len())?;
        // `pos` is at least 0, so a place after it has a byte before it for the quote.
        let quoted = start > self.pos
            && self.source.as_bytes().get(start - 1) == Some(&b'"')
            && self.source.as_bytes().get(range.end) == Some(&b'"');
        (quoted
            && self
                .source
                .get(range.clone())
                .is_some_and(|s| std::ptr::eq(s, v)))
        .then_some(range)
    }

    /// The next value literal (not an object key) from the cursor on; moves the cursor past it.
    fn next_literal(&mut self) -> Option<Range<usize>> {
        loop {
            let raw = self.next_any_literal()?;
            let after = self
                .source
                .as_bytes()
                .get(raw.end + 1..)
                .unwrap_or_default();
            let key = after.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b':');
            if !key {
                return Some(raw);
            }
        }
    }

    /// The next literal from the cursor on, key or value; moves the cursor past it.
    fn next_any_literal(&mut self) -> Option<Range<usize>> {
        let b = self.source.as_bytes();
        let q = self.pos + memchr::memchr(b'"', b.get(self.pos..)?)?;
        let start = q + 1;
        let mut j = start;
        let end = loop {
            match memchr::memchr2(b'"', b'\\', b.get(j..).unwrap_or_default()) {
                Some(k) if b[j + k] == b'\\' => j += k + 2,
                Some(k) => break j + k,
                None => break b.len(),
            }
        };
        let end = end.min(b.len());
        self.pos = end + 1;
        Some(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(src: &str) -> Vec<(Option<String>, Option<u64>, String)> {
        read(src).unwrap().summary(src)
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
    fn pieces_are_placed_at_their_own_literals() {
        // A value equal to a key, then one with escapes: each is placed at its own literal.
        let src = r#"{"monologues":[{"speaker":1,"elements":[{"type":"text","value":"type"},{"type":"punct","value":" "},{"type":"text","value":"say \"hi\""}]}]}"#;
        let parsed = read(src).unwrap();
        let chunk = &parsed.segments[0].chunks[0];
        let start = src.find(r#""value":"type""#).unwrap() + r#""value":""#.len();
        let end = src.rfind(r#"\"""#).unwrap() + 2;
        assert_eq!(chunk.raw, start..end);
        assert_eq!(chunk.text.as_deref(), Some(r#"type say "hi""#));
        // An escaped value is looked for among values only, not keys.
        let src = r#"{"utterances":[{"type":1,"text":"t\u0079pe"}]}"#;
        let chunk = &read(src).unwrap().segments[0].chunks[0];
        assert_eq!(&src[chunk.raw.clone()], r#"t\u0079pe"#);
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
        // A JSON file of no transcript shape at all is not a transcript (a note, not an error).
        let e = read(r#"{"name": "site", "version": "1.0.0", "dependencies": {}}"#).unwrap_err();
        assert!(matches!(e, IngestError::NotTranscript(_)), "{e}");
    }

    #[test]
    fn rev_editor_spans_with_a_speakers_list() {
        let src = r#"{"speakers": [{"id": 0, "name": "Maya Chen"}, {"id": 1, "name": "Leo"}],
 "monologues": [
  {"speaker": 1, "spans": [{"type": 0, "value": "Why", "ts": 0.39}, {"type": 0, "value": "switch"},
    {"type": 1, "value": "?"}]},
  {"speaker": 0, "spans": [{"type": 0, "value": "Our", "ts": 2.5}, {"type": 0, "value": "bill"},
    {"type": 0, "value": "doubled"}, {"type": 1, "value": "."}]},
  {"speaker": 2, "spans": [{"type": 0, "value": "Hm", "ts": 4.0}]}
 ]}"#;
        assert_eq!(
            seg(src),
            [
                (Some("Leo".into()), Some(390), "Why switch?".into()),
                (
                    Some("Maya Chen".into()),
                    Some(2500),
                    "Our bill doubled.".into()
                ),
                (Some("Speaker 2".into()), Some(4000), "Hm".into()),
            ]
        );
    }
}
