//! Readers for labelled text: plain text (`Name:`, `Q:`/`A:`), Markdown (`**Name:**`) and Otter
//! (`Name  0:03` header lines). They share one loop: a labelled line opens a segment of that
//! speaker; an unlabelled paragraph continues the previous speaker; headings, rules and bare
//! timestamp lines are structure, not speech.

use crate::labels::labels;
use crate::meta::front_matter;
use crate::{Chunk, IngestError, Parsed, Segment};
use jtbd_model::Format;
use jtbd_text::lines::line_ranges;
use jtbd_text::{MarkupKind, parse_timestamp, scan_markup};
use std::collections::HashMap;
use std::ops::Range;

/// A speaker label found at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelHit {
    /// The name, as a range of the line.
    pub name: Range<usize>,
    /// Where the content starts in the line.
    pub content: usize,
    /// A timestamp written with the label (`[00:01:02] Ann:` or `Ann (01:02):`).
    pub timestamp: Option<u64>,
}

/// Longest label accepted, in bytes.
const MAX_LABEL: usize = 60;

/// `Name: text` at the start of `line`. `loose` accepts lower-case handles (`stokes:`), as caption
/// files write them; strict mode wants capitalised words or a known label such as `Q`.
pub fn plain_label(line: &str, loose: bool) -> Option<LabelHit> {
    // A stray BOM mid-file (files concatenated by tools) is not part of the label.
    let mut pos = line.len()
        - line
            .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .len();
    let mut timestamp = None;
    if line[pos..].starts_with(['[', '(', '\\']) {
        // Only the leading bracket matters: scan just that far.
        let close = line[pos..]
            .find([']', ')'])
            .map_or(line.len(), |c| pos + c + 1);
        let m = scan_markup(&line[pos..close]).into_iter().next()?;
        let MarkupKind::Timestamp(ms) = m.kind else {
            return None;
        };
        if m.range.start != 0 {
            return None;
        }
        timestamp = Some(ms);
        pos += m.range.end;
        pos += line[pos..].len() - line[pos..].trim_start().len();
    }
    let rest = &line[pos..];
    // A label's colon is at most `MAX_LABEL` bytes in, and most lines have none there: memchr
    // says so faster than the char walk.
    let reach = rest.len().min(MAX_LABEL + 1);
    memchr::memchr(b':', &rest.as_bytes()[..reach])?;
    let colon = label_colon(rest).filter(|&c| c > 0 && c <= MAX_LABEL)?;
    let after = &rest[colon + 1..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let mut name = rest[..colon].trim_end();
    if name.ends_with([')', ']']) {
        if let Some(m) = scan_markup(name).into_iter().last() {
            if let (MarkupKind::Timestamp(ms), true) = (m.kind, m.range.end == name.len()) {
                timestamp = timestamp.or(Some(ms));
                name = name[..m.range.start].trim_end();
            }
        }
    }
    if !valid_name(name, loose) {
        return None;
    }
    let content = pos + colon + 1 + (after.len() - after.trim_start().len());
    Some(LabelHit {
        name: pos..pos + name.len(),
        content,
        timestamp,
    })
}

/// The first `:` outside brackets, within the label length limit.
fn label_colon(rest: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in rest.char_indices().take(MAX_LABEL + 1) {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ':' if depth <= 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// `**Name:** text` or `**Name**: text` at the start of `line`; also `**Name** [0:00] text` and
/// `**Name** 0:00` (Otter and podcast tools), where a timestamp stands in for the colon.
pub fn bold_label(line: &str) -> Option<LabelHit> {
    let rest = line.strip_prefix("**")?;
    let close = rest.find("**")?;
    let inner = &rest[..close];
    let mut after = close + 4;
    let mut timestamp = None;
    let name = if let Some(n) = inner.strip_suffix(':') {
        n
    } else if line[after..].starts_with(':') {
        after += 1;
        inner
    } else {
        let (ms, len) = leading_timestamp(&line[after..])?;
        timestamp = Some(ms);
        after += len;
        inner
    };
    let name = name.trim();
    if !valid_name(name, true) {
        return None;
    }
    let name_start = 2 + (inner.len() - inner.trim_start().len());
    let tail = &line[after..];
    Some(LabelHit {
        name: name_start..name_start + name.len(),
        content: after + (tail.len() - tail.trim_start().len()),
        timestamp,
    })
}

/// [`bold_label`] after an indent of spaces or tabs: a label opens a turn wherever its line
/// starts.
pub fn indented_bold_label(line: &str) -> Option<LabelHit> {
    // Most lines start with a letter or `**`: no indent to look past.
    match line.as_bytes().first() {
        Some(b'*') => return bold_label(line),
        Some(b' ' | b'\t') => {}
        _ => return None,
    }
    let rest = line.trim_start_matches([' ', '\t']);
    let lead = line.len() - rest.len();
    if lead == 0 {
        return bold_label(line);
    }
    let hit = bold_label(rest)?;
    Some(LabelHit {
        name: hit.name.start + lead..hit.name.end + lead,
        content: hit.content + lead,
        timestamp: hit.timestamp,
    })
}

/// A timestamp opening `s` after spaces: `[0:00]`, `\[01:02:03\]`, `(0:00)` or a bare `0:00`
/// followed by a space or the end. Its milliseconds and the bytes it takes, spaces included.
fn leading_timestamp(s: &str) -> Option<(u64, usize)> {
    let lead = s.len() - s.trim_start().len();
    if lead == 0 && !s.is_empty() {
        return None;
    }
    let t = &s[lead..];
    if t.starts_with(['[', '(', '\\']) {
        let m = scan_markup(t).into_iter().next()?;
        return match m.kind {
            MarkupKind::Timestamp(ms) if m.range.start == 0 => Some((ms, lead + m.range.end)),
            _ => None,
        };
    }
    let word = t.split_whitespace().next()?;
    Some((parse_timestamp(word)?, lead + word.len()))
}

/// `Name  0:03` alone on a line (Otter, Teams): the name and the time.
pub fn otter_header(line: &str) -> Option<(Range<usize>, u64)> {
    let trimmed = line.trim_end();
    // The time, all digits and colons, ends the line: most lines fail here, at their last byte.
    if !trimmed.ends_with(|c: char| c.is_ascii_digit() || c == ':') {
        return None;
    }
    // The time is the last word: `m:ss`, `mm:ss` or `h:mm:ss`.
    // The separator may be any Unicode space: step over its whole UTF-8 length.
    let (split, sep) = trimmed
        .char_indices()
        .rfind(|&(_, c)| c.is_whitespace() || c == '|')?;
    let time = &trimmed[split + sep.len_utf8()..];
    if time.len() < 4
        || !time.contains(':')
        || !time.bytes().all(|b| b.is_ascii_digit() || b == b':')
    {
        return None;
    }
    let ms = parse_timestamp(time)?;
    let name_part = trimmed[..split].trim_end_matches(|c: char| c.is_whitespace() || c == '|');
    let start = name_part.len() - name_part.trim_start().len();
    let name = &name_part[start..];
    if start != 0 || name.ends_with(':') || !valid_name(name, false) {
        return None;
    }
    Some((0..name.len(), ms))
}

/// A speaker name: at most six words, no sentence punctuation outside parentheses.
fn valid_name(name: &str, loose: bool) -> bool {
    match ascii_name(name.as_bytes()) {
        Some(AsciiName::Invalid) => false,
        Some(AsciiName::Capitalised) => true,
        Some(AsciiName::Other) if loose => true,
        _ => valid_name_chars(name, loose),
    }
}

/// What one pass over an ASCII name finds; `valid_name_chars` is the reference.
#[derive(Debug, PartialEq)]
enum AsciiName {
    Invalid,
    Capitalised,
    /// Valid in loose mode; strict mode asks the label list.
    Other,
}

/// [`valid_name_chars`] for ASCII names, a byte at a time (every line of a labelled file is
/// checked, so this is hot); `None` for any other name.
fn ascii_name(name: &[u8]) -> Option<AsciiName> {
    if !name.is_ascii() {
        return None;
    }
    if name.is_empty()
        || name.len() > MAX_LABEL
        || !(name[0].is_ascii_alphanumeric() || name[0] == b'@')
    {
        return Some(AsciiName::Invalid);
    }
    let (mut words, mut depth, mut capitalised) = (0, 0i32, true);
    // Start of the current space-separated word, for the dot rule (which splits on ' ' only).
    let mut word_start = 0;
    let mut prev_space = true;
    for (i, &b) in name.iter().enumerate() {
        let is_space = jtbd_text::is_ascii_space(b);
        if prev_space && !is_space {
            words += 1;
            capitalised &= b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'(';
        }
        prev_space = is_space;
        match b {
            b' ' => word_start = i + 1,
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'.' if depth == 0 && !(1..=3).contains(&(i - word_start)) => {
                return Some(AsciiName::Invalid);
            }
            b'?' | b'!' | b',' | b';' | b'"' | b'*' | b'<' | b'>' | b'=' | b'/' | b'\\'
                if depth == 0 =>
            {
                return Some(AsciiName::Invalid);
            }
            _ => {}
        }
    }
    if words > 6 || depth != 0 {
        return Some(AsciiName::Invalid);
    }
    Some(if capitalised {
        AsciiName::Capitalised
    } else {
        AsciiName::Other
    })
}

fn valid_name_chars(name: &str, loose: bool) -> bool {
    if name.is_empty() || name.len() > MAX_LABEL || name.split_whitespace().count() > 6 {
        return false;
    }
    let first = name.chars().next().unwrap_or(' ');
    if !(first.is_alphanumeric() || first == '@') {
        return false;
    }
    let mut depth = 0i32;
    for (i, c) in name.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            // "Dr. Lee", "J. Ruiz": a dot closing a short word.
            '.' if depth == 0 => {
                let word = name[..i].rsplit(' ').next().unwrap_or("");
                if word.is_empty() || word.len() > 3 {
                    return false;
                }
            }
            '?' | '!' | ',' | ';' | '"' | '“' | '”' | '*' | '<' | '>' | '=' | '/' | '\\'
                if depth == 0 =>
            {
                return false;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return false;
    }
    if loose {
        return true;
    }
    let capitalised = name.split_whitespace().all(|w| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '(')
    });
    if capitalised {
        return true;
    }
    labels().is_known(&name.to_lowercase(), false)
}

/// Whether a strict-mode label is a speaker in this file: known, recurring, or a full name.
fn accept_label(name: &str, counts: &HashMap<&str, usize>) -> bool {
    if counts.get(name).copied().unwrap_or(0) >= 2 {
        return true;
    }
    // Oral-history and script style: `BALTIMORE:`.
    if name.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && name.chars().all(|c| !c.is_lowercase())
    {
        return true;
    }
    if (2..=4).contains(&name.split_whitespace().count()) {
        return true;
    }
    labels().is_known(&name.to_lowercase(), true)
}

fn bare_timestamp(line: &str) -> Option<u64> {
    let t = line.trim();
    // `00:05:00`, `[12:03]`, `\[01:02:03.15\]`: short, and opening with a digit or a bracket.
    if t.len() > 20 || !t.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '[' | '(' | '\\'))
    {
        return None;
    }
    if let Some(ms) = parse_timestamp(t) {
        return Some(ms);
    }
    let m = scan_markup(t).into_iter().next()?;
    match m.kind {
        MarkupKind::Timestamp(ms) if m.range == (0..t.len()) => Some(ms),
        _ => None,
    }
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3
        && (t.bytes().all(|b| b == b'-')
            || t.bytes().all(|b| b == b'*')
            || t.bytes().all(|b| b == b'_'))
}

struct Builder<'a> {
    source: &'a str,
    /// Markdown text may hold HTML character references (`I&#39;m`), decoded in place.
    entities: bool,
    segments: Vec<Segment>,
    open: Option<(Option<String>, Option<u64>, usize, usize)>,
}

impl Builder<'_> {
    fn close(&mut self) {
        if let Some((speaker, timestamp, start, end)) = self.open.take() {
            let raw = &self.source[start..end];
            if raw.trim().is_empty() {
                return;
            }
            // A label alone on its line (`**Ali** 0:00`): the text starts on the next one.
            let start = start + (raw.len() - raw.trim_start().len());
            let raw = &self.source[start..end];
            let decoded = if self.entities {
                jtbd_text::entities::decode_entities(raw)
            } else {
                None
            };
            let chunk = match decoded {
                Some((text, steps)) => Chunk {
                    raw: start..end,
                    text: Some(text),
                    map: Some(jtbd_model::FileOffsets::from_steps(steps)),
                },
                None => Chunk::verbatim(start..end),
            };
            self.segments.push(Segment {
                speaker,
                timestamp,
                chunks: vec![chunk],
            });
        }
    }
}

/// The header block of a plain-text file: `Key: value` lines with header keys
/// (`INTERVIEWER: Ada Moss`, `Date: 2 May`) at the top, blank lines allowed between them, and a
/// blank line after the last. Returns the index of the line after it; 0 when there is none, when
/// the run goes straight on into other lines, or when one of its keys speaks (says more than a
/// value) anywhere in the file: then `Interviewer: Hi` is the first turn, not metadata.
fn header_block(
    source: &str,
    lines: &[(usize, usize)],
    hits: &[Option<LabelHit>],
    speaks: &HashMap<&str, usize>,
) -> usize {
    let l = labels();
    let (mut end, mut prev_blank) = (0, true);
    for (n, (&(s, e), hit)) in lines.iter().zip(hits).enumerate() {
        let line = &source[s..e];
        if line.trim().is_empty() {
            prev_blank = true;
            continue;
        }
        let header = hit.as_ref().is_some_and(|hit| {
            let name = &line[hit.name.clone()];
            l.header_keys.contains(&name.to_lowercase())
                && short_value(&line[hit.content..])
                && !speaks.contains_key(name)
        });
        if !header {
            return if prev_blank { end } else { 0 };
        }
        prev_blank = false;
        end = n + 1;
    }
    end
}

/// Labels that are header keys and say more than a metadata value somewhere in the file:
/// `Interviewer: How are things?` speaks, `INTERVIEWER: Sondra Schlesinger` at the head of each
/// session does not. Most files have no header-key label, and pay one look per distinct label.
fn speaking_header_keys<'a>(
    source: &'a str,
    lines: &[(usize, usize)],
    hits: &[Option<LabelHit>],
    counts: &HashMap<&'a str, usize>,
) -> HashMap<&'a str, usize> {
    let l = labels();
    let keys: Vec<&str> = counts
        .keys()
        .copied()
        .filter(|n| l.header_keys.contains(&n.to_lowercase()))
        .collect();
    let mut speaks = HashMap::new();
    if keys.is_empty() {
        return speaks;
    }
    for (hit, &(s, e)) in hits.iter().zip(lines) {
        if let Some(hit) = hit {
            let line = &source[s..e];
            let name = &line[hit.name.clone()];
            if keys.contains(&name) && !short_value(&line[hit.content..]) {
                *speaks.entry(name).or_default() += 1;
            }
        }
    }
    speaks
}

/// A metadata value: a few words, not a sentence.
fn short_value(content: &str) -> bool {
    let v = content.trim();
    // `nth`, not `count`: a long line stops at its ninth word.
    !v.is_empty() && v.split_whitespace().nth(8).is_none() && !v.ends_with(['?', '.', '!'])
}

/// Reads `source` as a labelled-text format (`Text`, `Markdown` or `Otter`).
pub fn read(source: &str, format: Format) -> Result<Parsed, IngestError> {
    let (mut metadata, body_start) = front_matter(source)?;
    let body = &source[body_start..];
    let lines: Vec<(usize, usize)> = line_ranges(body)
        .map(|(s, e)| (s + body_start, e + body_start))
        .collect();

    let strict = format == Format::Text;
    // Plain labels are found once; their counts decide which one-word labels are speakers.
    let plain_hits: Vec<Option<LabelHit>> = if strict {
        lines
            .iter()
            .map(|&(s, e)| plain_label(&source[s..e], false))
            .collect()
    } else {
        Vec::new()
    };
    // Bold labels are found once too: the names they give make `Name:` lines labels as well.
    let bold_hits: Vec<Option<LabelHit>> = if format == Format::Markdown {
        lines
            .iter()
            .map(|&(s, e)| indented_bold_label(&source[s..e]))
            .collect()
    } else {
        Vec::new()
    };
    // The distinct names, few: a list is cheaper than a hash set.
    let mut bold_names: Vec<&str> = Vec::new();
    for (h, &(s, e)) in bold_hits.iter().zip(&lines) {
        if let Some(h) = h {
            let name = &source[s..e][h.name.clone()];
            if !bold_names.contains(&name) {
                bold_names.push(name);
            }
        }
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (hit, &(s, e)) in plain_hits.iter().zip(&lines) {
        if let Some(hit) = hit {
            *counts.entry(&source[s..e][hit.name.clone()]).or_default() += 1;
        }
    }
    let speaks = speaking_header_keys(source, &lines, &plain_hits, &counts);

    let l = labels();
    let header_lines = if strict {
        let first = lines
            .iter()
            .position(|&(s, e)| !source[s..e].trim().is_empty())
            .unwrap_or(0);
        first + header_block(source, &lines[first..], &plain_hits[first..], &speaks)
    } else {
        0
    };
    let mut b = Builder {
        source,
        entities: format == Format::Markdown,
        segments: Vec::new(),
        open: None,
    };
    let mut speaker: Option<String> = None;
    let mut pending_ts: Option<u64> = None;
    // Inside the paragraph of a stage direction (`**Break:**`): what follows belongs to no one.
    let mut in_marker = false;
    let mut prev_blank = true;
    let mut after_attendees = false;
    let mut breaks = Vec::new();
    for (n, &(s, e)) in lines.iter().enumerate() {
        let line = &source[s..e];
        let blank = line.trim().is_empty();
        let was_blank = std::mem::replace(&mut prev_blank, blank);
        if blank {
            b.close();
            in_marker = false;
            continue;
        }
        if format != Format::Otter && (line.starts_with('#') || is_rule(line)) {
            b.close();
            let heading = line
                .trim_start_matches('#')
                .trim()
                .trim_matches(['_', '*'])
                .trim();
            after_attendees = matches!(
                heading.to_lowercase().as_str(),
                "attendees" | "participants"
            );
            // A heading names the document ("Q3 renewal call"), never a job title.
            let key = jtbd_model::MetaKey::Heading.as_str();
            if !heading.is_empty() && !after_attendees && !metadata.contains_key(key) {
                metadata.insert(key.into(), heading.to_owned());
            }
            continue;
        }
        if after_attendees && b.open.is_none() {
            after_attendees = false;
            metadata.insert("attendees".into(), line.trim().to_owned());
            continue;
        }
        if let Some(ms) = bare_timestamp(line) {
            b.close();
            pending_ts = Some(ms);
            continue;
        }
        let hit = match format {
            // A `Name:` line of a speaker the file names in bold elsewhere is theirs too.
            Format::Markdown => bold_hits[n].clone().or_else(|| {
                if bold_names.is_empty() {
                    return None;
                }
                plain_label(line, false).filter(|h| bold_names.contains(&&line[h.name.clone()]))
            }),
            Format::Otter => {
                if was_blank {
                    otter_header(line).map(|(name, ms)| LabelHit {
                        content: line.len(),
                        name,
                        timestamp: Some(ms),
                    })
                } else {
                    None
                }
            }
            // Bold labels (`**Name:**`, `**Break**:`) are labels in plain text too.
            _ => plain_hits[n]
                .clone()
                .filter(|h| accept_label(&line[h.name.clone()], &counts))
                .or_else(|| indented_bold_label(line)),
        };
        if let Some(hit) = hit {
            b.close();
            let name = line[hit.name.clone()].to_owned();
            let lower = name.to_lowercase();
            let content = &line[hit.content..];
            // Mid-file, an all-caps `DATE: 2 May` that never speaks again is a note of the
            // transcriber's (oral histories); `Interviewer: Hi` is never metadata.
            let caps_note = !name.chars().any(char::is_lowercase)
                && !speaks.contains_key(name.as_str())
                && short_value(content);
            if strict && l.header_keys.contains(&lower) && (n < header_lines || caps_note) {
                metadata
                    .entry(lower)
                    .or_insert_with(|| content.trim().to_owned());
                continue;
            }
            let ts = hit.timestamp.or(pending_ts.take());
            if l.markers.contains(&lower) {
                // `**Break:** \[19:59\] to \[21:06\]` is a stage direction: it ends the turn and
                // is never one; its first time dates what follows.
                let first_ts = scan_markup(content).into_iter().find_map(|m| match m.kind {
                    MarkupKind::Timestamp(ms) => Some(ms),
                    MarkupKind::Annotation => None,
                });
                pending_ts = first_ts.or(bare_timestamp(content)).or(ts);
                in_marker = true;
                breaks.push(s);
                continue;
            }
            in_marker = false;
            speaker = Some(name);
            b.open = Some((speaker.clone(), ts, s + hit.content, e));
            continue;
        }
        if format == Format::Otter
            && line
                .trim_start()
                .starts_with("Transcribed by https://otter.ai")
        {
            b.close();
            metadata.insert("transcribed_by".into(), "otter.ai".into());
            continue;
        }
        match &mut b.open {
            Some((_, _, _, end)) => *end = e,
            None => {
                let lead = line.len() - line.trim_start().len();
                let who = if in_marker { None } else { speaker.clone() };
                b.open = Some((who, pending_ts.take(), s + lead, e));
            }
        }
    }
    b.close();
    Ok(Parsed {
        segments: b.segments,
        metadata,
        notes: Vec::new(),
        breaks,
    })
}

#[cfg(test)]
#[path = "labelled_tests.rs"]
mod tests;
