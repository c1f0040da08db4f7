//! Applying a corrections file to one interview's signals: a rejected signal leaves, a recoded
//! one carries its new force, an added place becomes a signal when it is one of an
//! interviewee's sentences. Lines used are marked, so the caller can report the lines that no
//! longer name anything (the transcript changed) once every interview is read.

use crate::corrections::{CorrectionError, Corrections, Verdict};
use jtbd_model::{Interview, Role, Signal};
use std::path::Path;

/// Rule ids a reviewer's verdict leaves on a signal (the rules' own ids stay beside them).
pub const RECODED: &str = "review/recode";
pub const ADDED: &str = "review/add";

/// What the corrections made of one interview's signals.
#[derive(Debug, Default)]
pub struct Applied {
    /// The signals after the verdicts, in source order.
    pub signals: Vec<Signal>,
    pub rejected: usize,
    pub recoded: usize,
    pub added: usize,
    /// Additions to this interview that name no interviewee's sentence.
    pub problems: Vec<CorrectionError>,
}

impl Corrections {
    /// Applies the verdicts to `signals` of `interview`, whose path relative to the folder of
    /// the corrections file is `rel`. `used[k]` is set for each verdict (by index in
    /// [`Corrections::verdicts`]) that named something here.
    pub fn apply(
        &self,
        interview: &Interview,
        rel: &Path,
        signals: Vec<Signal>,
        used: &mut [bool],
    ) -> Applied {
        let mut out = Applied::default();
        for mut s in signals {
            let id = interview.signal_id(&s);
            let Some(k) = self.latest_index(&id) else {
                out.signals.push(s);
                continue;
            };
            // Every verdict on it was heard, the last one decides.
            for &j in self.of_signal(&id) {
                used[j] = true;
            }
            match &self.verdicts[k].verdict {
                Verdict::Reject { .. } => out.rejected += 1,
                Verdict::Recode { force, .. } => {
                    if s.force != *force {
                        s.force = *force;
                        s.rules.push(RECODED.to_owned());
                        out.recoded += 1;
                    }
                    out.signals.push(s);
                }
                Verdict::Accept { .. } | Verdict::Add { .. } => out.signals.push(s),
            }
        }
        for (k, c) in self.verdicts.iter().enumerate() {
            let Verdict::Add {
                path,
                byte_start,
                byte_end,
                force,
            } = &c.verdict
            else {
                continue;
            };
            if path != rel {
                continue;
            }
            used[k] = true;
            let problem = |problem: String| CorrectionError {
                file: self.file.clone(),
                line: c.line,
                problem,
            };
            match sentence_at(interview, *byte_start, *byte_end) {
                Err(p) => out
                    .problems
                    .push(problem(format!("{}: {p}", rel.display()))),
                Ok((turn, sentence)) => {
                    let known = out
                        .signals
                        .iter()
                        .any(|s| (s.turn, s.sentence, s.force) == (turn, sentence, *force));
                    if !known {
                        out.signals.push(Signal {
                            force: *force,
                            turn,
                            sentence,
                            confidence: 1.0,
                            rules: vec![ADDED.to_owned()],
                            cues: Vec::new(),
                            question: None,
                        });
                        out.added += 1;
                    }
                }
            }
        }
        // A recoded or added signal shows the id of its new force: verdicts given on that id
        // (a reviewer rejecting an addition) apply too.
        let mut kept = Vec::with_capacity(out.signals.len());
        for mut s in std::mem::take(&mut out.signals) {
            // Only a signal a verdict changed has a new id to look up.
            let reviewed = s.rules.iter().any(|r| r == RECODED || r == ADDED);
            let id = reviewed.then(|| interview.signal_id(&s));
            match id
                .as_deref()
                .and_then(|id| Some((id, self.latest_index(id)?)))
            {
                None => kept.push(s),
                Some((id, k)) => {
                    for &j in self.of_signal(id) {
                        used[j] = true;
                    }
                    match &self.verdicts[k].verdict {
                        Verdict::Reject { .. } => out.rejected += 1,
                        Verdict::Recode { force, .. } => {
                            s.force = *force;
                            kept.push(s);
                        }
                        Verdict::Accept { .. } | Verdict::Add { .. } => kept.push(s),
                    }
                }
            }
        }
        out.signals = kept;
        out.signals
            .sort_by_key(|s| (s.turn, s.sentence, s.force.index()));
        // A recode to a force the rules also found in that sentence is one signal, not two.
        let before = out.signals.len();
        out.signals.dedup_by_key(|s| (s.turn, s.sentence, s.force));
        out.recoded -= (before - out.signals.len()).min(out.recoded);
        out
    }
}

/// The interviewee's sentence at exactly `start..end` of the file: (turn, sentence); else why
/// not (an interviewer's words, not one sentence: the nearest is named). The one check an
/// addition passes, whether read from the file or offered by `jtbd serve` before it is written.
///
/// The nearest sentence is the one whose start is nearest (then whose end): a range that starts
/// at a sentence and runs past it most likely meant that sentence.
pub fn sentence_at(i: &Interview, start: usize, end: usize) -> Result<(usize, usize), String> {
    // (distance of the starts, of the ends), the sentence's bytes and line.
    let mut nearest: Option<((usize, usize), usize, usize, usize)> = None;
    for (ti, t) in i.turns.iter().enumerate() {
        for (si, s) in t.sentences.iter().enumerate() {
            let (a, b) = (i.file_offset(s.byte_start), i.file_offset(s.byte_end));
            if (a, b) == (start, end) {
                return if t.role == Role::Interviewer {
                    Err(format!(
                        "bytes {start}..{end} are an interviewer's words ({}, line {}), not an interviewee's",
                        t.speaker.as_deref().unwrap_or("unnamed"),
                        s.line
                    ))
                } else {
                    Ok((ti, si))
                };
            }
            let d = (a.abs_diff(start), b.abs_diff(end));
            if nearest.is_none_or(|(best, ..)| d < best) {
                nearest = Some((d, a, b, s.line));
            }
        }
    }
    Err(match nearest {
        Some((_, a, b, line)) if a == start && end > b => format!(
            "bytes {start}..{end} are not one sentence: they run past the end of the sentence at bytes {a}..{b} (line {line}), which starts there; did you mean bytes {a}..{b}?"
        ),
        Some((_, a, b, line)) => format!(
            "bytes {start}..{end} are not one sentence (the nearest sentence is bytes {a}..{b}, line {line})"
        ),
        None => "the file has no sentence".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jtbd_model::{Encoding, Force, Format, Sentence, Turn};
    use std::collections::BTreeMap;

    /// An interview of one question and one answer of two sentences, one line each.
    fn interview() -> Interview {
        let texts = [
            ("Q", Role::Interviewer, vec!["What worries you?"]),
            (
                "Dana",
                Role::Interviewee,
                vec!["The audit scares me.", "We keep every log."],
            ),
        ];
        let mut source = String::new();
        let mut turns = Vec::new();
        for (i, (who, role, sentences)) in texts.into_iter().enumerate() {
            source.push_str(who);
            source.push_str(": ");
            let start = source.len();
            let mut ss = Vec::new();
            for (k, s) in sentences.iter().enumerate() {
                if k > 0 {
                    source.push(' ');
                }
                let a = source.len();
                source.push_str(s);
                ss.push(Sentence {
                    byte_start: a,
                    byte_end: source.len(),
                    line: i + 1,
                    words: s.split_whitespace().count(),
                    unescaped: None,
                });
            }
            let end = source.len();
            source.push('\n');
            turns.push(Turn {
                index: i,
                speaker: Some(who.to_owned()),
                role,
                line: i + 1,
                byte_start: start,
                byte_end: end,
                timestamp: None,
                joined: None,
                spans: std::iter::once(start..end).collect(),
                sentences: ss,
            });
        }
        Interview {
            id: "dana-1".to_owned(),
            path: "study/dana.txt".to_owned(),
            format: Format::Text,
            encoding: Encoding::Utf8,
            metadata: BTreeMap::new(),
            speakers: Vec::new(),
            bytes: source.len() as u64,
            turns,
            source,
            offsets: Default::default(),
            notes: Vec::new(),
        }
    }

    fn signal(force: Force, turn: usize, sentence: usize) -> Signal {
        Signal {
            force,
            turn,
            sentence,
            confidence: 0.7,
            rules: vec!["rule".to_owned()],
            cues: Vec::new(),
            question: None,
        }
    }

    fn apply(i: &Interview, lines: &[String], signals: Vec<Signal>) -> (Applied, Vec<bool>) {
        let c = Corrections::parse(Path::new("corrections.jsonl"), &lines.join("\n"));
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        let mut used = vec![false; c.verdicts.len()];
        let applied = c.apply(i, Path::new("dana.txt"), signals, &mut used);
        (applied, used)
    }

    #[test]
    fn reject_recode_add_and_accept_are_respected() {
        let i = interview();
        let fear = signal(Force::Anxiety, 1, 0);
        let habit = signal(Force::Habit, 1, 1);
        let (fear_id, habit_id) = (i.signal_id(&fear), i.signal_id(&habit));
        let second = &i.turns[1].sentences[1];
        let lines = vec![
            format!(r#"{{"signal": "{fear_id}", "verdict": "recode", "force": "frustration"}}"#),
            format!(r#"{{"signal": "{habit_id}", "verdict": "reject"}}"#),
            format!(
                r#"{{"verdict": "add", "path": "dana.txt", "byte_start": {}, "byte_end": {}, "force": "desired_progress"}}"#,
                second.byte_start, second.byte_end
            ),
            r#"{"signal": "s0000000000000000", "verdict": "accept"}"#.to_owned(),
            r#"{"verdict": "add", "path": "other.txt", "byte_start": 1, "byte_end": 5, "force": "anxiety"}"#.to_owned(),
        ];
        let (a, used) = apply(&i, &lines, vec![fear, habit]);
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        let got: Vec<(Force, usize, usize, &str)> = a
            .signals
            .iter()
            .map(|s| {
                (
                    s.force,
                    s.turn,
                    s.sentence,
                    s.rules.last().unwrap().as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Force::Frustration, 1, 0, RECODED),
                (Force::DesiredProgress, 1, 1, ADDED),
            ]
        );
        assert_eq!((a.rejected, a.recoded, a.added), (1, 1, 1));
        // The unknown id and the other file's addition named nothing here.
        assert_eq!(used, [true, true, true, false, false]);
    }

    #[test]
    fn an_addition_must_be_one_sentence_of_an_interviewee() {
        let i = interview();
        let question = &i.turns[0].sentences[0];
        let answer = &i.turns[1].sentences[0];
        let lines = vec![
            format!(
                r#"{{"verdict": "add", "path": "dana.txt", "byte_start": {}, "byte_end": {}, "force": "anxiety"}}"#,
                question.byte_start, question.byte_end
            ),
            format!(
                r#"{{"verdict": "add", "path": "dana.txt", "byte_start": {}, "byte_end": {}, "force": "anxiety"}}"#,
                answer.byte_start + 1,
                answer.byte_end
            ),
        ];
        let (a, used) = apply(&i, &lines, Vec::new());
        assert!(a.signals.is_empty());
        assert_eq!(used, [true, true]);
        let text: Vec<String> = a.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            a.problems.iter().map(|p| p.line).collect::<Vec<_>>(),
            [1, 2]
        );
        assert!(
            text[0].contains("an interviewer's words (Q, line 1)"),
            "{}",
            text[0]
        );
        assert!(
            text[1].contains(&format!(
                "not one sentence (the nearest sentence is bytes {}..{}, line 2)",
                answer.byte_start, answer.byte_end
            )),
            "{}",
            text[1]
        );
    }

    /// A range from a sentence's start over the next one names the sentence it starts at,
    /// though the next one's start and end together are nearer.
    #[test]
    fn a_range_that_runs_past_a_sentence_names_the_sentence_it_starts_at() {
        let i = interview();
        let (question, answer) = (&i.turns[0].sentences[0], &i.turns[1].sentences[0]);
        let err = sentence_at(&i, question.byte_start, answer.byte_end).unwrap_err();
        assert_eq!(
            err,
            format!(
                "bytes {}..{} are not one sentence: they run past the end of the sentence at bytes {a}..{b} (line 1), which starts there; did you mean bytes {a}..{b}?",
                question.byte_start,
                answer.byte_end,
                a = question.byte_start,
                b = question.byte_end
            )
        );
    }

    #[test]
    fn every_verdict_on_a_signal_is_heard_and_a_recode_never_doubles_it() {
        let i = interview();
        let fear = signal(Force::Anxiety, 1, 0);
        let pain = signal(Force::Frustration, 1, 0);
        let id = i.signal_id(&fear);
        let lines = vec![
            format!(r#"{{"signal": "{id}", "verdict": "accept", "by": "dana"}}"#),
            format!(
                r#"{{"signal": "{id}", "verdict": "recode", "force": "frustration", "by": "kim"}}"#
            ),
        ];
        let (a, used) = apply(&i, &lines, vec![fear, pain]);
        assert_eq!(used, [true, true]);
        let forces: Vec<Force> = a.signals.iter().map(|s| s.force).collect();
        assert_eq!(forces, [Force::Frustration]);
    }

    #[test]
    fn a_verdict_on_an_added_signal_applies_too() {
        let i = interview();
        let second = &i.turns[1].sentences[1];
        let added = Signal {
            confidence: 1.0,
            rules: vec![ADDED.to_owned()],
            ..signal(Force::DesiredProgress, 1, 1)
        };
        let lines = vec![
            format!(
                r#"{{"verdict": "add", "path": "dana.txt", "byte_start": {}, "byte_end": {}, "force": "desired_progress"}}"#,
                second.byte_start, second.byte_end
            ),
            format!(
                r#"{{"signal": "{}", "verdict": "reject", "by": "kim"}}"#,
                i.signal_id(&added)
            ),
        ];
        let (a, used) = apply(&i, &lines, Vec::new());
        assert!(a.signals.is_empty(), "{:?}", a.signals);
        assert_eq!(used, [true, true]);
    }

    #[test]
    fn no_corrections_change_nothing() {
        let i = interview();
        let signals = vec![signal(Force::Anxiety, 1, 0), signal(Force::Habit, 1, 1)];
        let (a, _) = apply(&i, &[], signals.clone());
        assert_eq!(a.signals, signals);
    }
}
