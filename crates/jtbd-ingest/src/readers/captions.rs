//! Caption readers: WebVTT (Zoom `Name: text`, Teams `<v Name>text</v>`) and SubRip.
//!
//! Every cue becomes a segment; the assembler merges consecutive cues of one speaker into a turn.
//! Tags inside a cue (`<v>`, `<i>`, `<c.x>`) are cut out of the content, so sentences stay
//! verbatim slices of the file.

use super::labelled::plain_label;
use crate::{Chunk, IngestError, Parsed, Segment};
use jtbd_model::Note;
use jtbd_text::LineIndex;
use jtbd_text::lines::line_ranges;

/// Reads WebVTT.
pub fn read_vtt(source: &str) -> Result<Parsed, IngestError> {
    read_cues(source, true)
}

/// Reads SubRip (`.srt`).
pub fn read_srt(source: &str) -> Result<Parsed, IngestError> {
    read_cues(source, false)
}

fn read_cues(source: &str, vtt: bool) -> Result<Parsed, IngestError> {
    // Lines are only needed for an error message: counted then, not indexed up front.
    let line_of = |byte: usize| LineIndex::new(&source[..byte]).len();
    let mut blocks: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut current = Vec::new();
    for (s, e) in line_ranges(source) {
        if source[s..e].trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            current.push((s, e));
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    let mut segments = Vec::new();
    let mut notes = Vec::new();
    for (n, block) in blocks.iter().enumerate() {
        let first = source[block[0].0..block[0].1]
            .trim_start_matches('\u{feff}')
            .trim();
        if vtt && n == 0 {
            if !first.starts_with("WEBVTT") {
                return Err(IngestError::Parse {
                    line: 1,
                    message: "a WebVTT file must start with `WEBVTT`".into(),
                });
            }
            continue;
        }
        if vtt && (first.starts_with("NOTE") || first == "STYLE" || first == "REGION") {
            continue;
        }
        let Some(t) = block
            .iter()
            .take(2)
            .position(|&(s, e)| source[s..e].contains("-->"))
        else {
            return Err(IngestError::Parse {
                line: line_of(block[0].0),
                message: format!(
                    "expected a cue timing line like `00:00:01{0}000 --> 00:00:04{0}000`, found {first:?}",
                    if vtt { '.' } else { ',' }
                ),
            });
        };
        let (ts, te) = block[t];
        let payload = &block[t + 1..];
        let Some(start) = cue_time(&source[ts..te]) else {
            // A broken timing costs its cue, never the file; the user hears of it.
            let words: usize = payload
                .iter()
                .map(|&(s, e)| source[s..e].split_whitespace().count())
                .sum();
            notes.push(Note {
                line: Some(line_of(ts)),
                message: format!(
                    "cue left out ({words} words): malformed timing {:?} (expected \
                     `00:01.000 --> 00:04.000` or `0:0:1.0 --> 0:0:4.0`)",
                    source[ts..te].trim()
                ),
            });
            continue;
        };
        let Some((&(ps, _), &(_, pe))) = payload.first().zip(payload.last()) else {
            continue;
        };
        segments.push(cue_segment(source, ps, pe, start));
    }
    if segments.is_empty() && !notes.is_empty() {
        // Every cue had a broken timing: that is the file's problem, not a few cues'.
        let first = &notes[0];
        return Err(IngestError::Parse {
            line: first.line.unwrap_or(1),
            message: format!("no cue has a readable timing; the first: {}", first.message),
        });
    }
    Ok(Parsed {
        segments,
        metadata: Default::default(),
        notes,
        breaks: Vec::new(),
    })
}

/// Parses `start --> end [settings]` and returns the start in milliseconds.
fn cue_time(line: &str) -> Option<u64> {
    let (a, b) = line.split_once("-->")?;
    let start = cue_timestamp(a.trim())?;
    let end = cue_timestamp(b.split_whitespace().next()?)?;
    (end >= start).then_some(start)
}

/// A cue timestamp in every form players accept and tools write: `hh:mm:ss.ttt`, `mm:ss.ttt`,
/// SubRip's comma, and the unpadded `0:0:3.0` / `0:00:05.55` of Microsoft Teams. Minutes and
/// seconds are one or two digits below 60; the fraction has one to three digits (more are cut to
/// milliseconds).
pub fn cue_timestamp(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 24 {
        return None;
    }
    let (clock, frac) = match s.split_once(['.', ',']) {
        Some((c, f)) => (c, Some(f)),
        None => (s, None),
    };
    let number = |p: &str, max_len: usize| -> Option<u64> {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let fields: Vec<&str> = clock.split(':').collect();
    let (h, m, sec) = match fields[..] {
        [h, m, s] => (number(h, 9)?, number(m, 2)?, number(s, 2)?),
        [m, s] => (0, number(m, 9)?, number(s, 2)?),
        _ => return None,
    };
    if (fields.len() == 3 && m >= 60) || sec >= 60 {
        return None;
    }
    let ms = match frac {
        None => 0,
        Some(f) => {
            let digits = number(f, 9)?;
            let len = f.len() as u32;
            if len <= 3 {
                digits * 10u64.pow(3 - len)
            } else {
                digits / 10u64.pow(len - 3)
            }
        }
    };
    Some(((h * 60 + m) * 60 + sec) * 1000 + ms)
}

/// The payload `source[ps..pe]` of one cue: its speaker and its content without tags.
fn cue_segment(source: &str, ps: usize, pe: usize, start: u64) -> Segment {
    let payload = &source[ps..pe];
    let mut speaker = None;
    let mut from = 0;
    if let Some(rest) = payload.strip_prefix("<v") {
        if let Some(close) = rest.find('>') {
            let inner = &rest[..close];
            // `<v Name>` or `<v.class Name>`: the name follows the first space.
            if let Some((_, name)) = inner.split_once([' ', '\t']) {
                let name = name.trim();
                if !name.is_empty() {
                    speaker = Some(name.to_owned());
                }
            }
            from = 2 + close + 1;
        }
    } else if let Some(hit) = plain_label(payload.lines().next().unwrap_or(""), true) {
        speaker = Some(payload[hit.name].to_owned());
        from = hit.content;
    }
    Segment {
        speaker,
        timestamp: Some(start),
        chunks: untagged(payload, from)
            .into_iter()
            .map(|(s, e)| Chunk::verbatim(ps + s..ps + e))
            .collect(),
    }
}

/// Ranges of `text[from..]` outside `<...>` tags.
fn untagged(text: &str, from: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = from;
    while let Some(open) = text[pos..].find('<').map(|i| i + pos) {
        let Some(close) = text[open..]
            .find(['>', '\n'])
            .map(|i| i + open)
            .filter(|&c| text.as_bytes()[c] == b'>' && c - open <= 64)
        else {
            break;
        };
        if open > pos {
            out.push((pos, open));
        }
        pos = close + 1;
    }
    if pos < text.len() {
        out.push((pos, text.len()));
    }
    out.retain(|&(s, e)| !text[s..e].trim().is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(src: &str, vtt: bool) -> Vec<(Option<String>, Option<u64>, Vec<String>)> {
        read_cues(src, vtt)
            .unwrap()
            .segments
            .into_iter()
            .map(|s| {
                let texts = s
                    .chunks
                    .iter()
                    .map(|c| src[c.raw.clone()].to_owned())
                    .collect();
                (s.speaker, s.timestamp, texts)
            })
            .collect()
    }

    #[test]
    fn zoom_and_teams_vtt() {
        let zoom = "WEBVTT\r\n\r\n1\r\n00:00:01.000 --> 00:00:02.500\r\nAnn Lee: We moved\r\n\r\n2\r\n00:00:03.000 --> 00:00:04.000\r\nAnn Lee: to one vendor.\r\n";
        assert_eq!(
            cues(zoom, true),
            [
                (Some("Ann Lee".into()), Some(1000), vec!["We moved".into()]),
                (
                    Some("Ann Lee".into()),
                    Some(3000),
                    vec!["to one vendor.".into()]
                )
            ]
        );
        let teams = "WEBVTT\n\nNOTE a note\n\nab-12/3\n00:01.000 --> 00:02.000\n<v Bo Chen>I <i>really</i> doubt it.</v>\n";
        assert_eq!(
            cues(teams, true),
            [(
                Some("Bo Chen".into()),
                Some(1000),
                vec!["I ".into(), "really".into(), " doubt it.".into()]
            )]
        );
    }

    #[test]
    fn every_timing_form_players_accept() {
        for (t, ms) in [
            ("00:00:03.000", 3_000),
            ("00:03.000", 3_000),
            ("0:0:3.0", 3_000),
            ("0:0:5.550", 5_550),
            ("0:00:05.55", 5_550),
            ("1:02:03.4", 3_723_400),
            ("00:00:01,500", 1_500),
            ("75:00.000", 4_500_000),
            ("00:00:02.1234", 2_123),
            ("00:00:02", 2_000),
        ] {
            assert_eq!(cue_timestamp(t), Some(ms), "{t}");
        }
        for t in [
            "",
            "soon",
            "0:60:00.0",
            "0:0:61.0",
            "1:2:3:4",
            "a:0:1.0",
            "0:0:1.x",
            "0::1",
        ] {
            assert_eq!(cue_timestamp(t), None, "{t}");
        }
        let teams = "WEBVTT\n\n0:0:0.0 --> 0:0:3.0\n<v Ana Ruiz>We moved.</v>\n\n0:0:3.0 --> 0:0:5.550\n<v Ana Ruiz>Twice.</v>\n";
        let got = cues(teams, true);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].1, Some(3_000));
    }

    #[test]
    fn srt_and_broken_timings() {
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nQ: Why?\n\n2\n00:00:02,000 --> 00:00:05,000\nA: Cost,\nmostly.\n";
        let got = cues(srt, false);
        assert_eq!(
            got[1],
            (Some("A".into()), Some(2000), vec!["Cost,\nmostly.".into()])
        );
        // A broken timing costs its cue, with a note; the other cues are read.
        let one_bad =
            "1\n00:00:01,000 --> soon\nhi\n\n2\n00:00:02,000 --> 00:00:03,000\nA: still here\n";
        let p = read_srt(one_bad).unwrap();
        assert_eq!(p.segments.len(), 1);
        assert_eq!(p.notes.len(), 1);
        assert_eq!(p.notes[0].line, Some(2), "{:?}", p.notes);
        assert!(p.notes[0].message.contains("1 words"), "{:?}", p.notes);
        // When no cue has a timing, the file is refused at the first.
        let bad = "1\n00:00:01,000 --> soon\nhi\n";
        let e = read_srt(bad).unwrap_err();
        assert_eq!(e.line(), Some(2), "{e}");
        let e = read_vtt("WEBVTT\n\njust text\n").unwrap_err();
        assert_eq!(e.line(), Some(3), "{e}");
        assert!(read_vtt("hello\n").is_err());
    }
}
