//! Speech-to-text JSON: Whisper / WhisperX `segments` (with or without a `speakers` list of
//! names), AssemblyAI `utterances`, Deepgram `results.utterances` (or its single transcript),
//! Rev `monologues` of `elements` or `spans`, and a bare array of segments.
//!
//! The file is parsed once, leniently ([`lenient`]): every key a reader looks at is read whatever
//! its type, so an unexpected shape under one key costs no other reader its chance. Each reader
//! says how well the document fits it (its keys and their types, [`shapes::Reader::fit`]); the
//! best fit reads it, the others are tried before the file is refused, and the error names what
//! was tried and why each did not fit.
//!
//! The text of each unit is found again in the file (its string literal), so offsets point at
//! the place in the file; where the literal holds escapes the text is the unescaped string.

mod lenient;
mod place;
mod shapes;

use crate::{Chunk, IngestError, Parsed, Segment};
use jtbd_text::LineIndex;
use lenient::{Got, List};
use place::{LiteralFinder, spaced_words};
use shapes::{Doc, Reader, Top, Unit};

/// Reads a JSON transcript.
pub fn read(source: &str) -> Result<Parsed, IngestError> {
    let body = source.trim_start_matches('\u{feff}');
    let units = select_units(body, source)?;
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

/// Parses the file once, then lets the readers that fit it try, best fit first.
fn select_units<'a>(body: &'a str, source: &str) -> Result<Vec<Unit<'a>>, IngestError> {
    let mut top = if body.trim_start().starts_with('[') {
        Top::List(
            parse::<Got<List<_>>>(body)?
                .ok()
                .unwrap_or(List(Vec::new())),
        )
    } else {
        Top::Doc(Box::new(parse::<Doc<'_>>(body)?))
    };
    let mut fits: Vec<(u32, Reader)> = Reader::ALL
        .into_iter()
        .map(|r| (r.fit(&top), r))
        .filter(|(fit, _)| *fit > 0)
        .collect();
    if fits.is_empty() {
        return Err(IngestError::NotTranscript(
            "JSON of an unknown shape: no `segments` (Whisper, WhisperX), `utterances` \
             (AssemblyAI), `results` (Deepgram) or `monologues` (Rev), and not an array of \
             segments"
                .into(),
        ));
    }
    // Stable: equal fits keep the readers' order.
    fits.sort_by_key(|&(fit, _)| std::cmp::Reverse(fit));
    let mut tried = Vec::new();
    let mut empty = None;
    for (_, reader) in fits {
        match reader.read(&mut top) {
            Ok(units) if units.iter().any(|u| !u.pieces.is_empty()) => return Ok(units),
            Ok(units) => {
                empty.get_or_insert(units);
            }
            Err(misfit) => tried.push((reader, misfit)),
        }
    }
    if let Some(units) = empty {
        return Ok(units);
    }
    // The best fit's problem places the error.
    let line = tried
        .first()
        .and_then(|(_, m)| source.find(&format!("\"{}\"", m.key)))
        .map_or(1, |p| LineIndex::new(source).line(p));
    let why: Vec<String> = tried
        .iter()
        .map(|(r, m)| format!("{}: {}", r.name(), m.message))
        .collect();
    Err(IngestError::Parse {
        line,
        message: format!("no JSON reader fits: tried {}", why.join("; ")),
    })
}

fn parse<'a, T: serde::Deserialize<'a>>(body: &'a str) -> Result<T, IngestError> {
    serde_json::from_str(body).map_err(|e| IngestError::Parse {
        line: e.line().max(1),
        message: format!("invalid JSON transcript: {e}"),
    })
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

    #[test]
    fn whisper_like_segments_with_a_list_of_speaker_names() {
        // A `speakers` key no longer makes it Rev's: the names are strings, the segments fit.
        let src = r#"{"speakers": ["Tova Brink", "Ilse Marr"],
 "segments": [
  {"start": 0.0, "end": 2.1, "speaker": "Tova Brink", "text": "Why did you leave?"},
  {"start": 2.4, "end": 5.0, "speaker": 1, "text": "The renewal doubled."}
 ]}"#;
        assert_eq!(
            seg(src),
            [
                (
                    Some("Tova Brink".into()),
                    Some(0),
                    "Why did you leave?".into()
                ),
                // A numeric speaker is a place in the list of names.
                (
                    Some("Ilse Marr".into()),
                    Some(2400),
                    "The renewal doubled.".into()
                ),
            ]
        );
    }

    #[test]
    fn rev_editor_spans_in_their_shapes() {
        // Numeric `type`, spaces as spans of their own, speakers as objects in the monologue,
        // an empty `elements` beside the `spans`, string times, unknown keys everywhere.
        let src = r#"{"version": 3, "monologues": [
  {"speaker": {"id": 4, "name": "Pim Ostrova"}, "elements": [], "spans": [
    {"type": 0, "value": "We", "ts": "1.25", "conf": 0.9}, {"type": 1, "value": " "},
    {"type": 0, "value": "moved"}, {"type": 1, "value": "."}]},
  {"speaker": {"id": 5}, "spans": [{"type": 0, "value": "When"}, {"type": 1, "value": "?"}]},
  {"speaker": 4, "speaker_name": "", "spans": [{"value": "Last"}, {"value": "May"}, {"value": "."}]}
 ], "speakers": [{"id": 5, "name": "Rue Adair"}, {"id": 4, "name": "Pim Ostrova"}]}"#;
        assert_eq!(
            seg(src),
            [
                (Some("Pim Ostrova".into()), Some(1250), "We moved.".into()),
                (Some("Rue Adair".into()), None, "When?".into()),
                (Some("Pim Ostrova".into()), None, "Last May.".into()),
            ]
        );
    }

    #[test]
    fn the_best_fit_reads_and_the_others_are_tried() {
        // `segments` of the wrong shape beside good `utterances`: the utterances are read.
        let src = r#"{"segments": "see below", "utterances": [{"speaker": "A", "start": 10, "text": "Hi."}]}"#;
        assert_eq!(seg(src), [(Some("A".into()), Some(10), "Hi.".into())]);
        // Nothing fits: the error names every reader tried and why.
        let e = read(r#"{"segments": {"a": 1}, "monologues": [{"speaker": 1}]}"#).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("Whisper `segments`: `segments` is an object"),
            "{msg}"
        );
        assert!(
            msg.contains("Rev `monologues`: `monologues[0]` has no"),
            "{msg}"
        );
        // A bare array of segments reads too.
        let src = r#"[{"start": 1, "text": "Yes."}]"#;
        assert_eq!(seg(src), [(None, Some(1000), "Yes.".into())]);
    }
}
