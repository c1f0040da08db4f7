//! The conversation around a quote: the turn it stands in, with the turn before (usually the
//! question) and the turn after, so a reader of `report.html` can open any quote in its passage
//! without the transcript at hand.
//!
//! [`Passages`] is kept while the study is read (only the turns that hold a signal, and their
//! neighbours, so it grows with the signals, not with the text); [`PassageTable`] collects the
//! passages a page cites and writes them once, as JSON the page's script reads.

use crate::Study;
use jtbd_model::{Interview, Role, Signal, Timestamp};
use jtbd_stories::Quote;
use std::collections::BTreeMap;

/// Characters of a turn kept when a quote stands in it: enough for a long answer; a longer turn
/// is cut, and the page then shows the quote on its own where the cut falls.
const OWN_CHARS: usize = 2500;
/// Characters of a neighbouring turn kept (the end of the turn before, the start of the one
/// after).
const NEIGHBOUR_CHARS: usize = 500;

/// One turn as a passage shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PassageTurn {
    pub speaker: Option<String>,
    pub role: Role,
    pub timestamp: Option<Timestamp>,
    pub line: usize,
    /// The turn's words as a reader reads them (markup resolved), cut to a bound; `…` marks a
    /// cut.
    pub text: String,
    /// Kept as a quote's own turn (to the longer bound), not only as a neighbour.
    pub whole: bool,
}

/// The turns around every signal of the study, by interview (its index in the study) and turn.
#[derive(Debug, Default)]
pub struct Passages {
    /// Per interview, where each turn starts in the file (bytes), to find a quote's turn.
    starts: Vec<Vec<usize>>,
    turns: BTreeMap<(usize, usize), PassageTurn>,
}

impl Passages {
    /// Keeps the turns of `interview` (the study's `k`-th) that hold one of `signals`, and the
    /// turn before and after each.
    pub fn add(&mut self, k: usize, interview: &Interview, signals: &[Signal]) {
        if self.starts.len() <= k {
            self.starts.resize(k + 1, Vec::new());
        }
        self.starts[k] = interview
            .turns
            .iter()
            .map(|t| interview.file_offset(t.byte_start))
            .collect();
        for s in signals {
            let last = interview.turns.len().saturating_sub(1);
            for (t, own) in [
                (s.turn.checked_sub(1), false),
                (Some(s.turn), true),
                ((s.turn < last).then_some(s.turn + 1), false),
            ] {
                let Some(t) = t else { continue };
                // Made once: a quote's own turn is kept to its bound even when a neighbour's cut
                // of it came first, and never made again for the turn's next quote.
                if self.turns.get(&(k, t)).is_some_and(|p| p.whole || !own) {
                    continue;
                }
                let turn = &interview.turns[t];
                // As the page shows a quote: markup resolved, a direction control shown (never
                // obeyed), other controls a space.
                let readable = jtbd_text::markup::readable(turn.text(&interview.source));
                let text = crate::terminal(&readable);
                let text = if own {
                    head(&text, OWN_CHARS)
                } else if t < s.turn {
                    // The turn before: its end leads into the quote's turn.
                    tail(&text, NEIGHBOUR_CHARS)
                } else {
                    head(&text, NEIGHBOUR_CHARS)
                };
                self.turns.insert(
                    (k, t),
                    PassageTurn {
                        speaker: turn.speaker.clone(),
                        role: turn.role,
                        timestamp: turn.timestamp,
                        line: turn.line,
                        text,
                        whole: own,
                    },
                );
            }
        }
    }

    /// The turn of interview `k` that `q` stands in, by where it starts in the file.
    pub fn turn_of(&self, k: usize, q: &Quote) -> Option<usize> {
        let starts = self.starts.get(k)?;
        starts
            .partition_point(|&s| s <= q.byte_start)
            .checked_sub(1)
    }

    /// A kept turn.
    pub fn get(&self, k: usize, turn: usize) -> Option<&PassageTurn> {
        self.turns.get(&(k, turn))
    }
}

/// At most `n` characters of `text` from its start, `…` where it was cut.
fn head(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_owned(),
    }
}

/// At most `n` characters of `text` up to its end, `…` where it was cut.
fn tail(text: &str, n: usize) -> String {
    let count = text.chars().count();
    if count <= n {
        return text.to_owned();
    }
    let (cut, _) = text.char_indices().nth(count - n).unwrap_or((0, ' '));
    format!("…{}", text[cut..].trim_start())
}

/// The passages a page cites, each written once: [`PassageTable::cite`] gives a quote its
/// passage's number, [`PassageTable::json`] writes them all.
#[derive(Debug, Default)]
pub struct PassageTable {
    /// (interview, turn) of each cited passage, in order of first citation.
    cited: Vec<(usize, usize)>,
    number: BTreeMap<(usize, usize), usize>,
}

impl PassageTable {
    /// The number of the passage of `q`, a quote of the study's `k`-th interview; `None` when its
    /// turn was not kept.
    pub fn cite(&mut self, study: &Study<'_>, k: usize, q: &Quote) -> Option<usize> {
        let turn = study.passages.turn_of(k, q)?;
        study.passages.get(k, turn)?;
        let next = self.cited.len();
        let n = *self.number.entry((k, turn)).or_insert(next);
        if n == next {
            self.cited.push((k, turn));
        }
        Some(n)
    }

    /// The cited passages as JSON, safe inside a `<script>` element: `{"turns": [...],
    /// "passages": [[before, own, after], ...]}`, each passage three indices into `turns` (`null`
    /// where there is none; a turn is written once however many passages show it), each turn
    /// `{"who", "role", "time", "at", "text"}`, `at` its place `path:line`.
    pub fn json(&self, study: &Study<'_>) -> String {
        let mut turns: Vec<serde_json::Value> = Vec::new();
        let mut index: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut turn = |k: usize, t: usize| -> serde_json::Value {
            let Some(p) = study.passages.get(k, t) else {
                return serde_json::Value::Null;
            };
            let next = turns.len();
            let n = *index.entry((k, t)).or_insert(next);
            if n == next {
                let path = study.interviews.get(k).map_or("", |i| study.shown(&i.path));
                turns.push(serde_json::json!({
                    "who": p.speaker.as_deref().unwrap_or(""),
                    "role": p.role.as_str(),
                    "time": p.timestamp.map(|t| t.to_string()),
                    "at": format!("{path}:{}", p.line),
                    "text": p.text,
                }));
            }
            n.into()
        };
        let passages: Vec<serde_json::Value> = self
            .cited
            .iter()
            .map(|&(k, t)| {
                let before = t
                    .checked_sub(1)
                    .map_or(serde_json::Value::Null, |b| turn(k, b));
                serde_json::json!([before, turn(k, t), turn(k, t + 1)])
            })
            .collect();
        let text = serde_json::json!({"turns": turns, "passages": passages}).to_string();
        // Inside <script>, markup stays text: `<`, `>` and `&` occur only inside JSON strings
        // here, where their \u escapes read the same; U+2028/9 would end a line in old readers.
        text.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_keep_whole_characters_and_say_so() {
        assert_eq!(head("héllo wörld", 5), "héllo…");
        assert_eq!(head("short", 10), "short");
        assert_eq!(tail("héllo wörld", 5), "…wörld");
        assert_eq!(tail("short", 5), "short");
    }
}
