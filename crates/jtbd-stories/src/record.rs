//! What the stage keeps of an interview: its metadata and its interviewees' signals, each with
//! its quote and the sentences around it. Memory grows with the signals, not with the text.

use crate::knowledge::{Knowledge, Place};
use jtbd_model::{Force, Interview, Role, Signal, Timestamp};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

/// A verbatim quote and its exact place in its source file.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// The sentence, as the source has it (`source[byte_start..byte_end]` for verbatim formats).
    /// Boxed: a study holds over a million quotes a gigabyte, and a box is a word smaller.
    pub text: Box<str>,
    /// The speaker label as written (one allocation per speaker of a record, shared).
    pub speaker: Option<Arc<str>>,
    /// The speaker's role.
    pub role: Role,
    /// 1-based line of the first byte.
    pub line: usize,
    /// Byte range in the file (not in a transcoded source: see `Interview::file_offset`).
    pub byte_start: usize,
    pub byte_end: usize,
    /// When the turn starts in the recording, if the source says.
    pub timestamp: Option<Timestamp>,
}

/// One signal of an interviewee, with what the stage needs around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    pub force: Force,
    pub confidence: f64,
    pub quote: Arc<Quote>,
    /// Index of the turn in its interview, and of the sentence in the turn.
    pub turn: usize,
    pub sentence: usize,
    /// Cue ranges inside the quote's text.
    pub cues: Box<[Range<u32>]>,
    /// The sentence before it in the same turn, if any (a situation often stands there).
    pub before: Option<Arc<Quote>>,
    /// For a want, the sentence after it in the same turn, if any (an outcome often follows).
    pub after: Option<Arc<Quote>>,
    /// For a want, up to [`FURTHER`] sentences before `before` and after `after` in the same
    /// turn, nearest first: read only by rules whose cue ties a clause to the want.
    pub earlier: Box<[Arc<Quote>]>,
    pub later: Box<[Arc<Quote>]>,
}

/// Whether a sentence holds quotation marks: someone's words said in it ("and they say \"we need
/// it by Friday\"", a customer acted out), so what it shows may not be the speaker's own.
pub fn voices_someone(text: &str) -> bool {
    text.contains(['"', '\u{201c}', '\u{201d}'])
}

/// How many sentences past the neighbours of a want a rule may read for a situation or an
/// outcome (`reads = ["earlier"]`, `["later"]`): an answer sets its scene a few sentences
/// ahead of the want, and says what it is for a few after.
pub const FURTHER: usize = 2;

/// One interview as the stage sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The interview's stable id.
    pub id: String,
    /// The interview's number in the study (the order the study took interviews in), which
    /// the record shares with the other people of the same interview: set by whoever gathers
    /// the records ([`numbered`]; [`Record::people`] leaves it 0).
    pub interview: usize,
    /// Its path, as given.
    pub path: String,
    /// Who was interviewed: the `participant` metadata, else the interviewee who said most.
    pub interviewee: String,
    /// The interview's metadata (keys lower case), shared by its records and whatever else the
    /// caller keeps of the interview: a study at a gigabyte of transcripts has some 30,000 of
    /// them, several hundred bytes each.
    pub metadata: std::sync::Arc<BTreeMap<String, String>>,
    /// The interviewees' signals, in source order.
    pub said: Vec<Said>,
    /// Speaker labels that name a voice, not a person (`SPEAKER_01`, `B`): a quote under such a
    /// label is the interviewee's.
    pub voices: Vec<String>,
}

impl Quote {
    /// The quote of sentence `sentence` of turn `turn` of `interview`, at its place in the file.
    pub fn of(interview: &Interview, turn: usize, sentence: usize) -> Quote {
        quote(interview, turn, sentence)
    }
}

/// Who was interviewed: the `participant` metadata, else the speaker (not an interviewer) who
/// said most, else the interview's path. A speaker whose label names a voice rather than a
/// person (`B`, `SPEAKER_01`: [`jtbd_model::Speaker::voice`]) gives the path too: the same
/// label in two files is two people.
pub fn interviewee(interview: &Interview) -> String {
    interview
        .metadata
        .get(jtbd_model::MetaKey::Participant.as_str())
        .filter(|p| !p.trim().is_empty())
        .cloned()
        .or_else(|| main_speaker(interview).map(|s| s.name.clone()))
        .unwrap_or_else(|| interview.path.clone())
}

/// The speaker the interview is of: the one the `participant` metadata names, else the speaker
/// (not an interviewer) who said most; `None` when their label names a voice, not a person.
fn main_speaker(interview: &Interview) -> Option<&jtbd_model::Speaker> {
    let speaking = || {
        interview
            .speakers
            .iter()
            .filter(|s| s.role != Role::Interviewer)
    };
    // A `participant` that names one of the speakers says which one (a manifest may name the
    // quieter of two guests).
    let named = interview
        .metadata
        .get(jtbd_model::MetaKey::Participant.as_str())
        .map(|p| p.trim())
        .and_then(|p| speaking().find(|s| s.name.trim().eq_ignore_ascii_case(p)));
    named
        .or_else(|| {
            speaking().max_by(|a, b| a.words.cmp(&b.words).then_with(|| b.name.cmp(&a.name)))
        })
        .filter(|s| !s.voice)
}

/// Who an interview is of, and whose words each of its turns holds: what the stories and the
/// signal tables both count people by.
#[derive(Debug, Clone, PartialEq)]
pub struct People {
    /// The interviewee ([`interviewee`]).
    pub interviewee: String,
    /// The label of the speaker the interview is of, if it names a person.
    main: Option<String>,
    /// Labels that name a voice, not a person (`SPEAKER_01`).
    voices: Vec<String>,
}

impl People {
    pub fn of(interview: &Interview) -> People {
        People {
            interviewee: interviewee(interview),
            main: main_speaker(interview).map(|s| s.name.clone()),
            voices: interview
                .speakers
                .iter()
                .filter(|s| s.voice)
                .map(|s| s.name.clone())
                .collect(),
        }
    }

    /// Whose words a turn labelled `label` holds: a second guest's label names them; no label,
    /// the main speaker's or one that names a voice is the interviewee's (a diarised
    /// `SPEAKER_01` is the interviewee, and the same label in two files is two people).
    pub fn person<'a>(&'a self, label: Option<&'a str>) -> &'a str {
        label
            .filter(|l| {
                !l.trim().is_empty()
                    && Some(*l) != self.main.as_deref()
                    && !self.voices.iter().any(|v| v == l)
            })
            .unwrap_or(&self.interviewee)
    }

    /// Whose words a quote is ([`People::person`]); an interviewer's quote is filed under the
    /// interviewee, as the tables of every signal always have.
    pub fn of_quote<'a>(&'a self, quote: &'a Quote) -> &'a str {
        if quote.role == Role::Interviewer {
            return &self.interviewee;
        }
        self.person(quote.speaker.as_deref())
    }
}

/// A want's sentences `2..=1 + FURTHER` away on one side (`at(n)`: the sentence `n` away, if the
/// turn has it), nearest first, that a rule of `k` reads at `place`; nothing for another force.
fn further(
    quotes: &mut Quotes<'_>,
    s: &Signal,
    k: &Knowledge,
    place: Place,
    at: impl Fn(usize) -> Option<usize>,
) -> Box<[Arc<Quote>]> {
    if s.force != Force::DesiredProgress {
        return Box::default();
    }
    let interview = quotes.interview;
    let sentences = &interview.turns[s.turn].sentences;
    (2..=1 + FURTHER)
        .map_while(&at)
        .filter(|&i| k.reads_there(place, sentences[i].text(&interview.source)))
        .map(|i| quotes.get(s.turn, i))
        .collect()
}

fn quote(interview: &Interview, turn: usize, sentence: usize) -> Quote {
    let t = &interview.turns[turn];
    quote_by(
        interview,
        turn,
        sentence,
        t.speaker.as_deref().map(Arc::from),
    )
}

/// The quote of a sentence, said by `speaker` (the turn's label).
fn quote_by(
    interview: &Interview,
    turn: usize,
    sentence: usize,
    speaker: Option<Arc<str>>,
) -> Quote {
    let t = &interview.turns[turn];
    let s = &t.sentences[sentence];
    Quote {
        text: Box::from(s.text(&interview.source)),
        speaker,
        role: t.role,
        line: s.line,
        byte_start: interview.file_offset(s.byte_start),
        byte_end: interview.file_offset(s.byte_end),
        timestamp: t.timestamp,
    }
}

/// Each sentence's quote made once per interview: a sentence that is one signal's quote, the
/// next one's `before` and a want's `after` is held once, so a record grows with the sentences
/// it quotes, not with how often they are quoted.
struct Quotes<'a> {
    interview: &'a Interview,
    made: HashMap<(usize, usize), Arc<Quote>>,
    /// Each speaker label once.
    speakers: HashMap<&'a str, Arc<str>>,
}

impl<'a> Quotes<'a> {
    fn new(interview: &'a Interview) -> Quotes<'a> {
        Quotes {
            interview,
            made: HashMap::new(),
            speakers: HashMap::new(),
        }
    }

    fn get(&mut self, turn: usize, sentence: usize) -> Arc<Quote> {
        let interview = self.interview;
        if let Some(q) = self.made.get(&(turn, sentence)) {
            return q.clone();
        }
        let speaker = interview.turns[turn].speaker.as_deref().map(|label| {
            self.speakers
                .entry(label)
                .or_insert_with(|| Arc::from(label))
                .clone()
        });
        let q = Arc::new(quote_by(interview, turn, sentence, speaker));
        self.made.insert((turn, sentence), q.clone());
        q
    }
}

/// The records of one interview ([`Record::people`]) given the interview's number in the study:
/// what every command that gathers records does as each interview comes in.
pub fn numbered(records: Vec<Record>, interview: usize) -> impl Iterator<Item = Record> {
    records.into_iter().map(move |mut r| {
        r.interview = interview;
        r
    })
}

impl Record {
    /// Who said a quote: its speaker label when that names a person, else the interviewee (a
    /// show with two guests tells each guest's words apart; a diarised label is the
    /// interviewee's).
    pub fn teller<'a>(&'a self, q: &'a Quote) -> &'a str {
        match q.speaker.as_deref() {
            Some(label) if !label.trim().is_empty() && !self.voices.iter().any(|v| v == label) => {
                label
            }
            _ => &self.interviewee,
        }
    }

    /// The records of `interview`, one per person it interviews: its interviewees' signals
    /// (habit is left out: the stories are about struggles and wants), each in the record of
    /// who said it ([`People::person`]): a show with two guests is two people's words, counted and
    /// told apart in themes, stories and segments. The interviewee's record comes first (even
    /// with no signal), then each other guest's in the order they first say one. Of a want's
    /// further sentences a record keeps only those a rule of `k` reads there (memory grows with
    /// the signals, not with the text).
    pub fn people(interview: &Interview, signals: &[Signal], k: &Knowledge) -> Vec<Record> {
        let people = People::of(interview);
        let mut quotes = Quotes::new(interview);
        // Each person's signals, the interviewee's first.
        let mut by_person: Vec<(String, Vec<Said>)> =
            vec![(people.interviewee.clone(), Vec::new())];
        let kept = signals
            .iter()
            .filter(|s| s.force != Force::Habit)
            .filter(|s| interview.turns[s.turn].role != Role::Interviewer);
        for s in kept {
            let who = people.person(interview.turns[s.turn].speaker.as_deref());
            let at = match by_person.iter().position(|(p, _)| p == who) {
                Some(at) => at,
                None => {
                    by_person.push((who.to_owned(), Vec::new()));
                    by_person.len() - 1
                }
            };
            let said = Said {
                force: s.force,
                confidence: s.confidence,
                quote: quotes.get(s.turn, s.sentence),
                turn: s.turn,
                sentence: s.sentence,
                // A sentence is far shorter than 4 GiB (`--max-file-size` caps a file).
                cues: s
                    .cues
                    .iter()
                    .map(|c| c.start as u32..c.end as u32)
                    .collect(),
                before: s.sentence.checked_sub(1).map(|b| quotes.get(s.turn, b)),
                // Only a want's next sentence is ever read (its outcome or its reason).
                after: (s.force == Force::DesiredProgress
                    && s.sentence + 1 < interview.turns[s.turn].sentences.len())
                .then(|| quotes.get(s.turn, s.sentence + 1)),
                earlier: further(&mut quotes, s, k, Place::Earlier, |n| {
                    s.sentence.checked_sub(n)
                }),
                later: further(&mut quotes, s, k, Place::Later, |n| {
                    Some(s.sentence + n).filter(|&i| i < interview.turns[s.turn].sentences.len())
                }),
            };
            by_person[at].1.push(said);
        }
        let metadata = std::sync::Arc::new(interview.metadata.clone());
        by_person
            .into_iter()
            .map(|(interviewee, said)| Record {
                id: interview.id.clone(),
                interview: 0,
                path: interview.path.clone(),
                interviewee,
                metadata: std::sync::Arc::clone(&metadata),
                said,
                voices: people.voices.clone(),
            })
            .collect()
    }
}
