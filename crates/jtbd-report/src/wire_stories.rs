//! The wire format of `jtbd stories` (documented in `docs/stories.md`, schema in
//! `schema/stories.schema.json`): themes, job stories and segments, every quote with its exact
//! place in its file.

use crate::wire::ClockTime;
use jtbd_model::Force;
use jtbd_model::Metadata;
use jtbd_stories::{
    Chain, Drafted, Findings, Origin, Party, Quote, Record, Records, Segment, SignalRef, Slot,
    Story, Theme,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// A verbatim quote: `text` is the file's text at `byte_start..byte_end` (line `line`).
#[derive(Serialize)]
pub struct WireQuote<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    force: Option<&'static str>,
    /// The signal's stable id, on a quote of a signal (one with a force).
    #[serde(skip_serializing_if = "Option::is_none")]
    signal: Option<String>,
    interview: &'a str,
    path: &'a str,
    interviewee: &'a str,
    speaker: Option<&'a str>,
    role: &'static str,
    line: usize,
    byte_start: usize,
    byte_end: usize,
    timestamp: Option<ClockTime>,
}

impl<'a> WireQuote<'a> {
    fn new(record: &'a Record, q: &'a Quote, force: Option<Force>) -> Self {
        WireQuote {
            text: &q.text,
            force: force.map(Force::as_str),
            signal: force
                .map(|f| jtbd_model::signal_id(&record.id, q.byte_start, q.byte_end, f, &q.text)),
            interview: &record.id,
            path: &record.path,
            // In an interview of two named guests, the one who said it.
            interviewee: record.teller(q),
            speaker: q.speaker.as_deref(),
            role: q.role.as_str(),
            line: q.line,
            byte_start: q.byte_start,
            byte_end: q.byte_end,
            timestamp: q.timestamp.map(ClockTime::new),
        }
    }

    /// The quote of a signal.
    pub fn of(records: &'a Records, s: SignalRef) -> Self {
        let r = records.head(s.record);
        let said = records.said(s);
        WireQuote::new(r, &said.quote, Some(said.force))
    }

    /// Its place, as `path:line` with the timestamp when there is one.
    pub fn place(&self) -> String {
        match &self.timestamp {
            Some(t) => format!("{}:{} [{}]", self.path, self.line, t.0),
            None => format!("{}:{}", self.path, self.line),
        }
    }

    /// Who said it: the interviewee (with the speaker label when the file names them otherwise,
    /// as diarised exports do), and their role from metadata when known.
    pub fn who(&self, records: &Records) -> String {
        let role = records
            .heads()
            .iter()
            .find(|r| r.id == self.interview)
            .and_then(|r| r.metadata.job());
        let name = match self.speaker {
            Some(label) if label != self.interviewee => format!("{} as {label}", self.interviewee),
            _ => self.interviewee.to_owned(),
        };
        match role {
            Some(role) => format!("{name} ({role})"),
            None => name.to_owned(),
        }
    }

    /// The quote text.
    pub fn text(&self) -> &str {
        self.text
    }
}

/// How much a theme rests on.
#[derive(Serialize)]
pub struct WireStrength {
    pub interviewees: usize,
    pub companies: usize,
    pub roles: usize,
    pub signals: usize,
    pub past: usize,
    pub hypothetical: usize,
    pub forces: BTreeMap<&'static str, usize>,
}

/// The `theme` message.
#[derive(Serialize)]
pub struct WireTheme<'a> {
    pub id: &'a str,
    pub label: &'a str,
    /// What it holds: the codebook's definition, or the phrases its signals share.
    pub definition: &'a str,
    /// `codebook` (a theme of the codebook) or `emergent` (a phrase interviewees share).
    pub origin: &'static str,
    pub strength: WireStrength,
    /// How many of its interviewees tell a job story in it (`story` messages carry the
    /// strongest few).
    pub tellers: usize,
    pub interviewees: Vec<&'a str>,
    pub quotes: Vec<WireQuote<'a>>,
}

impl<'a> WireTheme<'a> {
    /// The theme, with at most `quotes` of its quotes (0: all), in the order the stage ranked
    /// them ([`Theme::evidence`]).
    pub fn new(records: &'a Records, t: &'a Theme, quotes: usize) -> Self {
        let s = &t.strength;
        // A record's signals come together: a name per record, not per signal (a theme of a
        // big study has hundreds of thousands of signals and a few thousand records).
        let mut last = None;
        let mut who: Vec<&str> = t
            .signals
            .iter()
            .filter(|r| last.replace(r.record) != Some(r.record))
            .map(|r| records.head(r.record).interviewee.as_str())
            .collect();
        who.sort_unstable();
        who.dedup();
        let limit = if quotes == 0 { usize::MAX } else { quotes };
        WireTheme {
            id: &t.id,
            label: &t.label,
            definition: &t.definition,
            origin: match t.origin {
                Origin::Codebook(_) => "codebook",
                Origin::Emergent => "emergent",
            },
            tellers: t.tellers,
            strength: WireStrength {
                interviewees: s.interviewees,
                companies: s.companies,
                roles: s.roles,
                signals: s.signals,
                past: s.past,
                hypothetical: s.hypothetical,
                forces: [
                    ("anxiety", s.anxiety),
                    ("frustration", s.frustration),
                    ("desired_progress", s.desired_progress),
                ]
                .into_iter()
                .collect(),
            },
            interviewees: who,
            quotes: t
                .evidence
                .iter()
                .take(limit)
                .map(|r| WireQuote::of(records, r))
                .collect(),
        }
    }
}

/// A drafted slot and the quote it came from.
#[derive(Serialize)]
pub struct WireSlot<'a> {
    pub text: &'a str,
    pub rule: &'a str,
    pub quote: WireQuote<'a>,
}

impl<'a> WireSlot<'a> {
    fn new(records: &'a Records, d: &'a Drafted) -> Self {
        WireSlot {
            text: &d.text,
            rule: &d.rule,
            quote: WireQuote::new(records.head(d.evidence.record), &d.evidence.quote, None),
        }
    }
}

/// Who does the job, or who benefits, with the quotes that say so.
#[derive(Serialize)]
pub struct WireParty<'a> {
    pub name: &'a str,
    pub quotes: Vec<WireQuote<'a>>,
}

impl<'a> WireParty<'a> {
    fn new(records: &'a Records, p: &'a Party) -> Self {
        WireParty {
            name: &p.name,
            quotes: p
                .evidence
                .iter()
                .take(PARTY_QUOTES)
                .map(|s| WireQuote::of(records, *s))
                .collect(),
        }
    }
}

/// Quotes shown for an executor or a beneficiary.
const PARTY_QUOTES: usize = 3;

/// A fear or pain and the want it leads to.
#[derive(Serialize)]
pub struct WireChain<'a> {
    pub link: &'a str,
    pub from: WireQuote<'a>,
    pub to: WireQuote<'a>,
}

/// The `story` message.
#[derive(Serialize)]
pub struct WireStory<'a> {
    /// Stable while its theme and its want stay (`jtbd_model::story_id`).
    pub id: &'a str,
    pub theme: &'a str,
    /// Whose story it is: every slot quotes this interviewee, in this interview.
    pub interviewee: &'a str,
    pub interview: &'a str,
    pub path: &'a str,
    pub text: &'a str,
    pub situation: Option<WireSlot<'a>>,
    pub motivation: Option<WireSlot<'a>>,
    pub outcome: Option<WireSlot<'a>>,
    pub gaps: Vec<&'static str>,
    pub executor: Option<WireParty<'a>>,
    pub beneficiary: Option<WireParty<'a>>,
    pub chains: Vec<WireChain<'a>>,
    /// How many chains touch the theme (`chains` lists at most `--quotes` of them, one per
    /// interviewee first).
    pub chain_count: usize,
}

impl<'a> WireStory<'a> {
    /// The story, with at most `quotes` of its chains (0: all).
    pub fn new(records: &'a Records, themes: &'a [Theme], s: &'a Story, quotes: usize) -> Self {
        let slot = |slot: Slot| s.slot(slot).map(|d| WireSlot::new(records, d));
        let r = records.head(s.record);
        WireStory {
            id: &s.id,
            theme: &themes[s.theme].id,
            interviewee: s.teller(records),
            interview: &r.id,
            path: &r.path,
            text: &s.text,
            situation: slot(Slot::Situation),
            motivation: slot(Slot::Motivation),
            outcome: slot(Slot::Outcome),
            gaps: s.gaps().into_iter().map(Slot::as_str).collect(),
            executor: s.executor.as_ref().map(|p| WireParty::new(records, p)),
            beneficiary: s.beneficiary.as_ref().map(|p| WireParty::new(records, p)),
            chain_count: s.chains.len(),
            chains: {
                let mut first_of = std::collections::BTreeSet::new();
                let (firsts, rest): (Vec<&Chain>, Vec<&Chain>) = s.chains.iter().partition(|c| {
                    first_of.insert(records.head(c.from.record).interviewee.as_str())
                });
                firsts
                    .into_iter()
                    .chain(rest)
                    .take(if quotes == 0 { usize::MAX } else { quotes })
                    .collect::<Vec<_>>()
            }
            .into_iter()
            .map(|c: &Chain| WireChain {
                link: &c.link,
                from: WireQuote::of(records, c.from),
                to: WireQuote::of(records, c.to),
            })
            .collect(),
        }
    }
}

/// A phrase of a segment's language.
#[derive(Serialize)]
pub struct WirePhrase<'a> {
    pub phrase: &'a str,
    pub members: usize,
}

/// The `segment` message.
#[derive(Serialize)]
pub struct WireSegment<'a> {
    pub id: String,
    pub members: &'a [String],
    pub poster_child: &'a str,
    pub poster_quotes: Vec<WireQuote<'a>>,
    /// How alike the members' struggles are: mean cosine similarity of their theme profiles.
    pub cohesion: f64,
    pub themes: Vec<&'a str>,
    /// Metadata every member shares; empty when they share nothing.
    pub profile: BTreeMap<&'a str, &'a str>,
    pub language: Vec<WirePhrase<'a>>,
}

impl<'a> WireSegment<'a> {
    /// What its members share, as `key: value; ...`, or `None` when they share nothing.
    pub fn in_common(&self) -> Option<String> {
        (!self.profile.is_empty()).then(|| {
            let common: Vec<String> = self
                .profile
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            common.join("; ")
        })
    }

    pub fn new(records: &'a Records, themes: &'a [Theme], k: usize, s: &'a Segment) -> Self {
        WireSegment {
            id: format!("segment-{}", k + 1),
            members: &s.members,
            poster_child: &s.poster_child,
            cohesion: (s.cohesion * 1000.0).round() / 1000.0,
            poster_quotes: s
                .poster_quotes
                .iter()
                .map(|q| WireQuote::of(records, *q))
                .collect(),
            themes: s.themes.iter().map(|t| themes[*t].id.as_str()).collect(),
            profile: s
                .profile
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            language: s
                .language
                .iter()
                .map(|(p, n)| WirePhrase {
                    phrase: p,
                    members: *n,
                })
                .collect(),
        }
    }
}

/// The `summary` message of `jtbd stories`.
#[derive(Serialize)]
pub struct StoriesSummary {
    pub files: usize,
    pub interviews: usize,
    /// Interviews left out by --where / --role.
    pub filtered_out: usize,
    pub signals: usize,
    pub themes: usize,
    pub stories: usize,
    pub segments: usize,
    /// Slots with no evidence, over all stories.
    pub gaps: usize,
    pub chains: usize,
    /// Signals no theme took.
    pub unthemed: usize,
    pub min_interviewees: usize,
    pub errors: usize,
    pub skipped: usize,
    pub elapsed_ms: u64,
}

impl StoriesSummary {
    /// The counts of `findings`; the run's own counts are filled by the caller.
    pub fn of(f: &Findings, records: &Records) -> StoriesSummary {
        StoriesSummary {
            files: 0,
            // Records are people: two guests of one interview are two records of it.
            interviews: records
                .heads()
                .iter()
                .map(|r| r.interview)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            filtered_out: 0,
            signals: records.signal_count(),
            themes: f.themes.len(),
            stories: f.stories.len(),
            segments: f.segments.len(),
            gaps: f.stories.iter().map(|s| s.gaps().len()).sum(),
            chains: f.chain_count,
            unthemed: f.unthemed,
            min_interviewees: 0,
            errors: 0,
            skipped: 0,
            elapsed_ms: 0,
        }
    }
}
