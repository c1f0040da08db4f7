//! Choosing a reader: content first, extension second.

use crate::readers::labelled::{bold_label, otter_header, plain_label};
use jtbd_model::Format;
use jtbd_text::lines::line_ranges;

/// How many lines are looked at to recognise a labelled format.
const SNIFF_LINES: usize = 60;

/// Detects the format of decoded text. `path` only breaks ties.
pub fn detect(text: &str, path: &str) -> Format {
    let body = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if body.starts_with("WEBVTT") {
        return Format::Vtt;
    }
    if body.starts_with('{') || body.starts_with('[') && looks_like_json_array(body) {
        return Format::Json;
    }
    let mut lines = line_ranges(body).map(|(s, e)| body[s..e].trim_end());
    let first = lines.by_ref().find(|l| !l.trim().is_empty());
    if let (Some(first), Some(second)) = (first, lines.next()) {
        if first.trim().bytes().all(|b| b.is_ascii_digit()) && second.contains("-->") {
            return Format::Srt;
        }
    }
    let (mut bold, mut otter, mut plain) = (0, 0, 0);
    let mut prev_blank = true;
    for (s, e) in line_ranges(body).take(SNIFF_LINES) {
        let line = &body[s..e];
        if bold_label(line).is_some() {
            bold += 1;
        } else if prev_blank && otter_header(line).is_some() {
            otter += 1;
        } else if plain_label(line, false).is_some() {
            plain += 1;
        }
        prev_blank = line.trim().is_empty();
    }
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if bold >= 2 && bold >= plain {
        return Format::Markdown;
    }
    if otter >= 2 && otter >= plain {
        return Format::Otter;
    }
    if plain >= 1 {
        return Format::Text;
    }
    match ext.as_str() {
        "vtt" => Format::Vtt,
        "srt" => Format::Srt,
        "json" => Format::Json,
        "md" | "markdown" => Format::Markdown,
        _ => Format::Text,
    }
}

/// Whether any line of `text` looks like a speaker line (`Name: text`, `**Name:**`, `Name  0:03`),
/// accepted as a label or not: a file without one has no transcript structure.
pub fn has_speaker_lines(text: &str) -> bool {
    line_ranges(text).any(|(s, e)| {
        let line = &text[s..e];
        bold_label(line).is_some()
            || otter_header(line).is_some()
            || plain_label(line, false).is_some()
    })
}

fn looks_like_json_array(body: &str) -> bool {
    // `[` also opens a bracketed timestamp line in plain text: `[00:01:02] Name: hi`.
    body[1..].trim_start().starts_with(['{', '"', ']'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_beats_extension() {
        assert_eq!(
            detect("WEBVTT\n\n00:00.000 --> 00:01.000\nhi", "a.txt"),
            Format::Vtt
        );
        assert_eq!(
            detect("\u{feff}1\n00:00:01,000 --> 00:00:02,000\nhi\n", "a.txt"),
            Format::Srt
        );
        assert_eq!(detect("{\"segments\": []}", "a.txt"), Format::Json);
        assert_eq!(
            detect("**Ann:** hi\n\n**Bo:** yo\n", "a.txt"),
            Format::Markdown
        );
        assert_eq!(
            detect("Ann  0:01\nhi\n\nBo  0:05\nyo\n", "a.md"),
            Format::Otter
        );
        assert_eq!(detect("Q: hi\nA: yo\n", "a.md"), Format::Text);
        assert_eq!(detect("[00:00:01] Ann Lee: hi\n", "a.md"), Format::Text);
        assert_eq!(detect("no labels at all", "notes.vtt"), Format::Vtt);
    }
}
