//! Running the rules over an interview: which sentences carry which force.

use crate::rules::RuleSet;
use jtbd_model::{Force, Interview, Role};
use std::ops::Range;

/// Whose turns are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeakerFilter {
    /// Every turn.
    All,
    /// Interviewees, and text of unknown role (the default).
    Interviewee,
    /// Interviewers, and text of unknown role.
    Interviewer,
}

impl SpeakerFilter {
    fn admits(self, role: Role) -> bool {
        match self {
            SpeakerFilter::All => true,
            SpeakerFilter::Interviewee => role != Role::Interviewer,
            SpeakerFilter::Interviewer => role != Role::Interviewee,
        }
    }
}

/// One sentence found to carry a force.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// The force.
    pub force: Force,
    /// Index of the turn in the interview.
    pub turn: usize,
    /// Index of the sentence in the turn.
    pub sentence: usize,
    /// Confidence, 0 to 1.
    pub confidence: f64,
    /// Ids of the rules that fired.
    pub rules: Vec<String>,
    /// Cue ranges, as byte offsets into the sentence text.
    pub cues: Vec<Range<usize>>,
    /// The interviewer's question before the turn: (turn, sentence).
    pub question: Option<(usize, usize)>,
}

/// The signals of an interview, in source order (and force order within a sentence).
pub fn signals(interview: &Interview, rules: &RuleSet, filter: SpeakerFilter) -> Vec<Signal> {
    let src = &interview.source;
    let mut out = Vec::new();
    let mut question: Option<(usize, usize)> = None;
    for (ti, turn) in interview.turns.iter().enumerate() {
        if turn.role == Role::Interviewer {
            // The last sentence with a question mark, else the last sentence.
            let q = turn
                .sentences
                .iter()
                .rposition(|s| s.text(src).contains('?'))
                .unwrap_or(turn.sentences.len().saturating_sub(1));
            question = Some((ti, q));
        }
        if !filter.admits(turn.role) {
            continue;
        }
        for (si, s) in turn.sentences.iter().enumerate() {
            for hit in rules.classify(s.text(src)).hits {
                out.push(Signal {
                    force: hit.force,
                    turn: ti,
                    sentence: si,
                    confidence: hit.confidence,
                    rules: hit
                        .rules
                        .iter()
                        .map(|&r| rules.rules()[r].id.clone())
                        .collect(),
                    cues: hit.cues,
                    question: question.filter(|(qt, _)| *qt != ti),
                });
            }
        }
    }
    out
}
