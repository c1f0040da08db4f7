//! Running the rules over an interview: which sentences carry which force.

use crate::rules::{Prime, RuleSet};
use jtbd_model::{Interview, Role, Signal};

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

/// Words a turn may have and still be only a back-channel, when it asks nothing.
const BACK_CHANNEL_WORDS: usize = 3;

/// Whether an interviewer's turn only acknowledges ("Yeah.", "Mm-hmm, right.", "Got it.").
fn is_back_channel(turn: &jtbd_model::Turn, src: &str) -> bool {
    turn.sentences
        .iter()
        .map(|s| s.text(src).split_whitespace().count())
        .sum::<usize>()
        <= BACK_CHANNEL_WORDS
}

/// The signals of an interview, in source order (and force order within a sentence).
pub fn signals(interview: &Interview, rules: &RuleSet, filter: SpeakerFilter) -> Vec<Signal> {
    let src = &interview.source;
    let mut out = Vec::new();
    let mut question: Option<(usize, usize)> = None;
    let mut prime = Prime::default();
    for (ti, turn) in interview.turns.iter().enumerate() {
        if turn.role == Role::Interviewer {
            // The last sentence with a question mark, else the last sentence of a prompt
            // ("Tell me about the audit."). A back-channel ("Yeah.", "Right, okay.") asks
            // nothing: the question before it still stands.
            // The question primes the forces it asks for in the answers to it.
            let last = turn.sentences.len().saturating_sub(1);
            let asked = match turn
                .sentences
                .iter()
                .rposition(|s| s.text(src).contains('?'))
            {
                Some(q) => Some(q),
                None => (!is_back_channel(turn, src)).then_some(last),
            };
            if let Some(q) = asked {
                question = Some((ti, q));
                prime = turn
                    .sentences
                    .get(q)
                    .map_or(Prime::default(), |s| rules.prime(s.text(src)));
            }
        }
        if !filter.admits(turn.role) {
            continue;
        }
        for (si, s) in turn.sentences.iter().enumerate() {
            for hit in rules.classify_primed(s.text(src), prime).hits {
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
