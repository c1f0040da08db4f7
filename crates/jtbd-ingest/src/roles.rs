//! Speaker roles: who interviews whom.
//!
//! In order of authority: `--interviewer NAME`; metadata (`interviewer:`, `interviewee:`,
//! `host:`, `guest:`, `participant:`, and roles in the manifest's `speakers` column); known labels
//! (`Q`, `Interviewer`, `Respondent`); the show's introduction (who says "welcome to the show" or
//! "we're joined by" in the first or last turns hosts; whom they name is a guest, and when they
//! name one, every other speaker is a host too); then, for whoever is left, the shape of the
//! conversation. The speaker with the most words anchors the interviewee side; every other
//! speaker is an interviewer when they ask clearly more questions per turn and speak in clearly
//! shorter turns than the anchor (a second guest answers, a co-host asks). Two speakers: the
//! other one interviews.
//!
//! Shows with several hosts, read across the whole file when three or more voices speak: a
//! host names a co-host (`my co-host, Bo Chen`: both host, and with two voices there may be no
//! guest at all); the speaker who asks the most questions for their words hosts; so does the
//! one who reads the breaks (speaks on both sides of a `**Break:**`, or resumes after most of
//! them); a speaker taken for a host by the show's words who asks next to nothing (a guest who
//! says "on this episode") is not; and once a host is known, every other speaker interviews when
//! they ask at least half as many questions for their words as the most asking host.
//!
//! Across a study: a named speaker who hosts nearly all the interviews they speak in, and at least
//! [`STUDY_HOST_FILES`] of them ([`StudyHosts`]), hosts every interview where nothing stronger (a
//! flag, metadata, a label, the show naming them as its guest) says otherwise: the researcher who
//! runs every interview, or a show's host in an episode where the hosts talk among themselves.

use crate::labels::labels;
use jtbd_model::{Interview, MetaKey, Role, RoleSource, Speaker};

/// Metadata keys naming the interviewer side.
const INTERVIEWER_KEYS: [&str; 5] = [
    MetaKey::Interviewer.as_str(),
    "interviewers",
    "host",
    "hosts",
    "moderator",
];
/// Metadata keys naming the interviewee side.
const INTERVIEWEE_KEYS: [&str; 6] = [
    "interviewee",
    "interviewees",
    MetaKey::Participant.as_str(),
    "respondent",
    "guest",
    "guests",
];

/// Score above which a non-anchor speaker is taken for an interviewer.
const INTERVIEWER_SCORE: f64 = 0.15;

/// Turns at each end of an interview where a host opens or closes the show.
const INTRO_TURNS: usize = 4;
/// Bytes at the start of an opening turn where the words that open a show stand.
const INTRO_BYTES: usize = 400;
/// A host by the show's words asks at least this share of the most asking speaker's questions
/// per word.
const INTRO_MIN_RATE: f64 = 0.25;
/// A speaker interviews, next to a known host, when asking at least this share of the most
/// asking host's questions per word.
const COHOST_RATE: f64 = 0.5;

/// With a host known and no guest named, when every other speaker asks at least this share of
/// the most asking host's questions per word, they are all hosts.
const ALL_HOSTS_RATE: f64 = 0.7;
/// Bytes at the start of an opening turn where a host names a co-host.
const COHOST_BYTES: usize = 1000;
/// Turns at the end, and bytes at the end of each, where the words that close a show stand.
const OUTRO_TURNS: usize = 2;
const OUTRO_BYTES: usize = 200;

/// A speaker hosts across a study when hosting at least this many of its interviews...
pub const STUDY_HOST_FILES: usize = 2;
/// ...and at least this share (in percent) of those they speak in: a name that hosts some
/// interviews and answers in others as often is two people, or one who is both, and the file's
/// own evidence decides.
pub const STUDY_HOST_PERCENT: usize = 80;

/// Who hosts across a study: each named speaker's interviews and how many of them they host, as
/// read one file at a time with only that file's evidence. Voice labels (`A`, `Speaker 1`) are
/// different people in different files and are not counted.
#[derive(Debug, Default, Clone)]
pub struct StudyHosts {
    /// Label -> (interviews hosted, interviews spoken in).
    tally: std::collections::BTreeMap<String, (usize, usize)>,
}

impl StudyHosts {
    /// Counts the speakers of one interview (read without study knowledge).
    pub fn add(&mut self, speakers: &[Speaker]) {
        for s in speakers.iter().filter(|s| !s.voice) {
            let e = self.tally.entry(s.name.clone()).or_default();
            e.0 += usize::from(s.role == Role::Interviewer);
            e.1 += 1;
        }
    }

    /// Adds another tally (one worker's share of the files).
    pub fn merge(&mut self, other: StudyHosts) {
        for (name, (h, n)) in other.tally {
            let e = self.tally.entry(name).or_default();
            e.0 += h;
            e.1 += n;
        }
    }

    /// The speakers who host at least [`STUDY_HOST_FILES`] interviews and at least
    /// [`STUDY_HOST_PERCENT`] of those they speak in, sorted.
    pub fn hosts(&self) -> Vec<String> {
        self.tally
            .iter()
            .filter(|(_, (h, n))| *h >= STUDY_HOST_FILES && 100 * h >= STUDY_HOST_PERCENT * n)
            .map(|(name, _)| name.clone())
            .collect()
    }
}

/// Fills `interview.speakers` and every turn's role. `given` are roles the researcher wrote down
/// for speaker labels (the manifest's `speakers` column); `study_hosts` are the speakers who host
/// across the study ([`StudyHosts::hosts`]).
/// `breaks` are the byte offsets of the stage directions that stand for a break.
pub fn assign(
    interview: &mut Interview,
    flag_interviewers: &[String],
    given: &[(String, Role)],
    study_hosts: &[String],
    breaks: &[usize],
) {
    let mut speakers: Vec<Speaker> = Vec::new();
    for turn in &interview.turns {
        let Some(name) = &turn.speaker else { continue };
        let words: usize = turn.sentences.iter().map(|s| s.words).sum();
        let asks = turn
            .sentences
            .iter()
            .any(|s| memchr::memchr(b'?', s.text(&interview.source).as_bytes()).is_some());
        match speakers.iter_mut().find(|s| &s.name == name) {
            Some(s) => {
                s.turns += 1;
                s.words += words;
                s.question_share += f64::from(u8::from(asks));
            }
            None => speakers.push(Speaker {
                name: name.clone(),
                role: Role::Unknown,
                role_source: RoleSource::Heuristic,
                turns: 1,
                words,
                question_share: f64::from(u8::from(asks)),
                voice: crate::labels::labels().is_voice(name),
            }),
        }
    }
    for s in &mut speakers {
        s.question_share /= s.turns as f64;
    }

    let names_for = |keys: &[&str]| -> Vec<String> {
        keys.iter()
            .filter_map(|k| interview.metadata.get(*k))
            .flat_map(|v| split_names(v))
            .collect()
    };
    let meta_interviewers = names_for(&INTERVIEWER_KEYS);
    let meta_interviewees = names_for(&INTERVIEWEE_KEYS);
    let l = labels();
    // Speech-to-text JSON names speakers `A`, `B` or `0`, `1` by order of voice: no role in that.
    let labels_mean_roles = interview.format != jtbd_model::Format::Json;
    // Two speakers need no introduction (the other one interviews); every file passes here, so
    // the opening and closing turns are read only when a third voice makes the shape unsure.
    let (hosts, guests, rates) = if speakers.len() >= 3 {
        let (mut hosts, guests, cohosts) = introductions(interview, &speakers, INTRO_TURNS);
        let rates = question_rates(interview, &speakers);
        let top = rates.iter().copied().fold(0.0, f64::max);
        let rate = |name: &String| {
            speakers
                .iter()
                .position(|s| &s.name == name)
                .map_or(0.0, |i| rates[i])
        };
        hosts.retain(|h| cohosts.contains(h) || rate(h) >= INTRO_MIN_RATE * top);
        (hosts, guests, Some(rates))
    } else if speakers.len() == 2 && names_a_host(interview) {
        // Two voices: only a co-host named in the opening turns changes who interviews.
        let (_, _, cohosts) = introductions(interview, &speakers, 2);
        (cohosts, Vec::new(), None)
    } else {
        Default::default()
    };
    // The shape of a show with several hosts: who asks the most, who reads the breaks.
    let shape_hosts: Vec<String> = match &rates {
        Some(rates) => {
            let mut out = break_readers(interview, breaks);
            let asker = (0..speakers.len())
                .filter(|&i| rates[i] > 0.0)
                .max_by(|&a, &b| rates[a].total_cmp(&rates[b]));
            out.extend(asker.map(|i| speakers[i].name.clone()));
            out.retain(|h| !guests.contains(h));
            out
        }
        None => Vec::new(),
    };
    for s in &mut speakers {
        let lower = s.name.to_lowercase();
        let (role, source) = if flag_interviewers.iter().any(|n| same_person(&s.name, n)) {
            (Role::Interviewer, RoleSource::Flag)
        } else if let Some((_, role)) = given.iter().find(|(n, _)| n == &s.name) {
            (*role, RoleSource::Metadata)
        } else if meta_interviewers.iter().any(|n| same_person(&s.name, n)) {
            (Role::Interviewer, RoleSource::Metadata)
        } else if meta_interviewees.iter().any(|n| same_person(&s.name, n)) {
            (Role::Interviewee, RoleSource::Metadata)
        } else if labels_mean_roles && l.interviewer.contains(&lower) {
            (Role::Interviewer, RoleSource::Label)
        } else if labels_mean_roles && l.interviewee.contains(&lower) {
            (Role::Interviewee, RoleSource::Label)
        } else if guests.contains(&s.name) {
            (Role::Interviewee, RoleSource::Introduction)
        } else if hosts.contains(&s.name) || (!hosts.is_empty() && !guests.is_empty()) {
            (Role::Interviewer, RoleSource::Introduction)
        } else if study_hosts.binary_search(&s.name).is_ok() {
            (Role::Interviewer, RoleSource::Study)
        } else if shape_hosts.contains(&s.name) {
            (Role::Interviewer, RoleSource::Heuristic)
        } else {
            continue;
        };
        s.role = role;
        s.role_source = source;
    }
    infer_rest(&mut speakers, rates.as_deref());

    for turn in &mut interview.turns {
        turn.role = turn
            .speaker
            .as_ref()
            .and_then(|n| speakers.iter().find(|s| &s.name == n))
            .map_or(Role::Unknown, |s| s.role);
    }
    interview.speakers = speakers;
}

/// A note when every speaker of `interview` was taken for an interviewer: nothing of it will be
/// read for forces or stories, and a reader should know why (a show's hosts talking among
/// themselves, or a guest taken for a host).
pub fn no_interviewee(interview: &Interview) -> Option<jtbd_model::Note> {
    let speakers = &interview.speakers;
    if speakers.is_empty() || speakers.iter().any(|s| s.role != Role::Interviewer) {
        return None;
    }
    let names: Vec<&str> = speakers.iter().map(|s| s.name.as_str()).collect();
    Some(jtbd_model::Note {
        line: None,
        message: format!(
            "no interviewee: every speaker ({}) was taken for an interviewer, so nothing in it is \
             read for forces, themes or stories; if one of them was interviewed, name them in the \
             `participant` column of participants.csv (or in an `interviewee:` line)",
            names.join(", ")
        ),
    })
}

/// Who introduces the show in its first or last turns (hosts), and whom they name right after a
/// guest cue (guests, as speaker labels). A speaker never counts as both.
fn introductions(
    interview: &Interview,
    speakers: &[Speaker],
    intro_turns: usize,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let l = labels();
    let (mut hosts, mut guests, mut cohosts) = (Vec::new(), Vec::new(), Vec::new());
    let n = interview.turns.len();
    let two = speakers.len() == 2;
    for (i, turn) in interview.turns.iter().enumerate() {
        if two && i >= intro_turns {
            break;
        }
        let (opens, closes) = (i < intro_turns, i + OUTRO_TURNS >= n);
        if !(opens || closes) {
            continue;
        }
        let Some(name) = &turn.speaker else { continue };
        let text = turn.text(&interview.source);
        // Every file passes here: look only where a show is opened or closed, in one pass.
        let head = &text[..floor_boundary(text, INTRO_BYTES)];
        let tail = &text[floor_boundary(text, text.len().saturating_sub(OUTRO_BYTES))..];
        let tail_unseen = !opens || text.len() > head.len();
        let said = (opens && l.host_matcher.is_match(head))
            || (closes && tail_unseen && l.host_matcher.is_match(tail));
        if !said {
            continue;
        }
        let lower = head.to_lowercase();
        // A co-host is named after the host's own introduction: a longer look.
        let intro = &text[..floor_boundary(text, COHOST_BYTES)];
        let co = named_after(intro, &intro.to_lowercase(), &l.cohost_cues, speakers, name);
        if two {
            // Two voices: a named co-host makes both hosts; nothing else is looked at.
            if !co.is_empty() {
                cohosts.push(name.clone());
                cohosts.extend(co);
            }
            continue;
        }
        if !hosts.contains(name) {
            hosts.push(name.clone());
        }
        for c in co {
            if !cohosts.contains(&c) {
                cohosts.push(c);
            }
        }
        for g in named_after(head, &lower, &l.guest_cues, speakers, name) {
            if !guests.contains(&g) && !cohosts.contains(&g) {
                guests.push(g);
            }
        }
    }
    hosts.retain(|h| !guests.contains(h));
    for c in &cohosts {
        if !hosts.contains(c) && !two {
            hosts.push(c.clone());
        }
    }
    (hosts, guests, cohosts)
}

/// Whether the opening turn says `host` at all (every co-host cue does): most files with two
/// voices are done with one fast search.
fn names_a_host(interview: &Interview) -> bool {
    interview.turns.iter().take(1).any(|t| {
        let text = t.text(&interview.source);
        let head = &text.as_bytes()[..floor_boundary(text, COHOST_BYTES)];
        memchr::memmem::find(head, b"host").is_some()
            || memchr::memmem::find(head, b"Host").is_some()
    })
}

/// The speakers (other than `by`) that `text` names right after one of `cues` (`lower` is the
/// text in lower case).
fn named_after(
    text: &str,
    lower: &str,
    cues: &[String],
    speakers: &[Speaker],
    by: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for cue in cues {
        for (at, _) in lower.match_indices(cue.as_str()) {
            let after = text.get(at + cue.len()..).unwrap_or("");
            let named: Vec<&str> = after
                .trim_start_matches([',', ' ', ':'])
                .split_whitespace()
                .take(3)
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
                .collect();
            for s in speakers {
                let hit = named.iter().any(|w| same_person(&s.name, w))
                    || (!named.is_empty() && same_person(&s.name, &named.join(" ")));
                if hit && s.name != by && !out.contains(&s.name) {
                    out.push(s.name.clone());
                }
            }
        }
    }
    out
}

/// Question marks per word of each speaker (in `speakers` order), over the whole file.
fn question_rates(interview: &Interview, speakers: &[Speaker]) -> Vec<f64> {
    let mut marks = vec![0usize; speakers.len()];
    for turn in &interview.turns {
        let Some(i) = turn
            .speaker
            .as_ref()
            .and_then(|n| speakers.iter().position(|s| &s.name == n))
        else {
            continue;
        };
        marks[i] += turn
            .sentences
            .iter()
            .map(|s| memchr::memchr_iter(b'?', s.text(&interview.source).as_bytes()).count())
            .sum::<usize>();
    }
    speakers
        .iter()
        .zip(marks)
        .map(|(s, m)| m as f64 / s.words.max(1) as f64)
        .collect()
}

/// Who reads the breaks: a speaker who speaks right before and right after the same break, or
/// who resumes after at least two breaks and after more of them than anyone else.
fn break_readers(interview: &Interview, breaks: &[usize]) -> Vec<String> {
    let turns = &interview.turns;
    let mut out: Vec<String> = Vec::new();
    let mut resumes: Vec<(&String, usize)> = Vec::new();
    for &at in breaks {
        let next = turns.partition_point(|t| t.byte_start < at);
        let last = next.checked_sub(1).and_then(|i| turns.get(i));
        // One speaker on both sides of a break is one turn: the break does not end it.
        let spans = last.filter(|t| t.byte_end > at);
        let after = spans.or(turns.get(next)).and_then(|t| t.speaker.as_ref());
        let before = last.and_then(|t| t.speaker.as_ref());
        let Some(after) = after else { continue };
        if before == Some(after) && !out.contains(after) {
            out.push(after.clone());
        }
        match resumes.iter_mut().find(|(n, _)| *n == after) {
            Some((_, k)) => *k += 1,
            None => resumes.push((after, 1)),
        }
    }
    resumes.sort_by_key(|&(_, k)| std::cmp::Reverse(k));
    if let Some(&(name, k)) = resumes.first() {
        let alone = resumes.get(1).is_none_or(|&(_, k2)| k2 < k);
        if k >= 2 && alone && !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

/// The largest char boundary of `s` at or below `at`.
fn floor_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Roles for the speakers no evidence named. `rates` are the questions per word of each speaker
/// when three or more speak.
fn infer_rest(speakers: &mut [Speaker], rates: Option<&[f64]>) {
    let open: Vec<usize> = (0..speakers.len())
        .filter(|&i| speakers[i].role == Role::Unknown)
        .collect();
    if open.is_empty() {
        return;
    }
    let known = |r: Role| speakers.iter().any(|s| s.role == r);
    let (has_er, has_ee) = (known(Role::Interviewer), known(Role::Interviewee));
    if speakers.len() == 1 {
        speakers[0].role_source = RoleSource::Single;
        return;
    }
    // A host found by the introduction, the study or the shape of the show alone says nothing
    // of the others: a co-host may be there.
    let by_intro = speakers
        .iter()
        .filter(|s| s.role != Role::Unknown)
        .all(|s| {
            matches!(
                s.role_source,
                RoleSource::Introduction | RoleSource::Study | RoleSource::Heuristic
            )
        });
    // The most asking known host's questions per word.
    let host_rate = rates.map(|r| {
        (0..speakers.len())
            .filter(|&i| speakers[i].role == Role::Interviewer)
            .map(|i| r[i])
            .fold(0.0, f64::max)
    });
    if has_er != has_ee && !by_intro {
        // One side is named: everyone else is on the other side.
        let other = if has_er {
            Role::Interviewee
        } else {
            Role::Interviewer
        };
        for i in open {
            speakers[i].role = other;
            speakers[i].role_source = RoleSource::Heuristic;
        }
        return;
    }
    // Everyone left asks nearly as much as the most asking host: hosts talking among
    // themselves, with no guest (a show's retrospective).
    if let (Some(r), Some(h), false) = (rates, host_rate, has_ee) {
        if h > 0.0 && open.iter().all(|&i| r[i] >= ALL_HOSTS_RATE * h) {
            for i in open {
                speakers[i].role = Role::Interviewer;
                speakers[i].role_source = RoleSource::Heuristic;
            }
            return;
        }
    }
    let anchor = if has_ee {
        (0..speakers.len())
            .filter(|&i| speakers[i].role == Role::Interviewee)
            .max_by_key(|&i| speakers[i].words)
    } else {
        open.iter().copied().max_by_key(|&i| speakers[i].words)
    };
    let Some(anchor) = anchor else { return };
    let a_q = speakers[anchor].question_share;
    let a_wpt = speakers[anchor].words as f64 / speakers[anchor].turns as f64;
    let two = speakers.len() == 2;
    for i in open {
        let s = &mut speakers[i];
        s.role_source = RoleSource::Heuristic;
        if i == anchor {
            s.role = Role::Interviewee;
            continue;
        }
        let wpt = s.words as f64 / s.turns as f64;
        let score = (s.question_share - a_q) + 0.5 * (1.0 - wpt / a_wpt.max(1.0));
        let asks_like_a_host = match (rates, host_rate) {
            (Some(r), Some(h)) if h > 0.0 => r[i] >= COHOST_RATE * h,
            _ => score >= INTERVIEWER_SCORE,
        };
        s.role = if two || asks_like_a_host {
            Role::Interviewer
        } else {
            Role::Interviewee
        };
    }
}

/// Splits a metadata value naming people: `Ann Lee, Bo Chen` or `Ann Lee and Bo Chen`.
fn split_names(v: &str) -> Vec<String> {
    v.split([',', ';', '&'])
        .flat_map(|p| p.split(" and "))
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether a speaker label names this person: the same name, or one is a word of the other
/// (`SCHLESINGER` for `Sondra Schlesinger`, `Jerod` for `Jerod Santo`), case-insensitively.
pub fn same_person(label: &str, name: &str) -> bool {
    let (a, b) = (label.trim().to_lowercase(), name.trim().to_lowercase());
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b || b.split_whitespace().any(|w| w == a) || a.split_whitespace().any(|w| w == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(name: &str, turns: usize, words: usize, q: f64) -> Speaker {
        Speaker {
            name: name.into(),
            role: Role::Unknown,
            role_source: RoleSource::Heuristic,
            turns,
            words,
            question_share: q,
            voice: false,
        }
    }

    #[test]
    fn two_hosts_one_guest_and_two_guests_one_host() {
        let mut s = [
            sp("H1", 40, 1700, 0.6),
            sp("G", 60, 9000, 0.25),
            sp("H2", 30, 1400, 0.5),
        ];
        infer_rest(&mut s, None);
        assert_eq!(
            s.map(|x| x.role),
            [Role::Interviewer, Role::Interviewee, Role::Interviewer]
        );
        let mut s = [
            sp("H", 90, 3700, 0.48),
            sp("G1", 78, 4600, 0.18),
            sp("G2", 47, 2060, 0.06),
        ];
        infer_rest(&mut s, None);
        assert_eq!(
            s.map(|x| x.role),
            [Role::Interviewer, Role::Interviewee, Role::Interviewee]
        );
    }

    fn roles_of(src: &str, meta: Option<&[(&str, &str)]>) -> Vec<(String, Role, RoleSource)> {
        let meta: Option<std::collections::BTreeMap<String, String>> = meta.map(|m| {
            m.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        });
        let i = crate::parse_bytes(
            src.as_bytes(),
            "show.txt",
            &Default::default(),
            meta.as_ref(),
        )
        .unwrap();
        i.speakers
            .into_iter()
            .map(|s| (s.name, s.role, s.role_source))
            .collect()
    }

    #[test]
    fn two_hosts_are_found_by_the_introduction() {
        // The co-host asks no question and speaks at length: by shape alone, a guest.
        let src = "Mara Quinn: Welcome to the show! Today we're joined by Omar Haddad, who runs security at a bank.\n\
            Omar Haddad: Thanks for having me.\n\
            Jo Park: I've been looking forward to this one for a long while, since we met last spring at that conference in Lisbon.\n\
            Mara Quinn: Omar, what made you change vendors?\n\
            Omar Haddad: The renewal doubled and nobody could tell us why. We spent a month on it.\n\
            Jo Park: That matches what we keep hearing from other teams, honestly, and it is a pattern.\n\
            Omar Haddad: It is. We wanted one console and a price we could plan around next year.\n\
            Mara Quinn: Thanks for listening, everyone.\n";
        assert_eq!(
            roles_of(src, None),
            [
                (
                    "Mara Quinn".into(),
                    Role::Interviewer,
                    RoleSource::Introduction
                ),
                (
                    "Omar Haddad".into(),
                    Role::Interviewee,
                    RoleSource::Introduction
                ),
                (
                    "Jo Park".into(),
                    Role::Interviewer,
                    RoleSource::Introduction
                ),
            ]
        );
    }

    #[test]
    fn diarised_labels_take_the_manifests_names_and_roles() {
        let src = "SPEAKER_00: What did the last renewal cost you?\nSPEAKER_01: Twice the year before.\nSPEAKER_00: And then?\nSPEAKER_01: We left.\n";
        let meta = [(
            "speakers",
            "SPEAKER_00=Dana Reyes (interviewer); SPEAKER_01=Omar Haddad; SPEAKER_07=Nobody",
        )];
        let got = roles_of(src, Some(&meta));
        assert_eq!(
            got,
            [
                ("Dana Reyes".into(), Role::Interviewer, RoleSource::Metadata),
                (
                    "Omar Haddad".into(),
                    Role::Interviewee,
                    RoleSource::Heuristic
                ),
            ]
        );
        let meta: std::collections::BTreeMap<String, String> = meta
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        let i =
            crate::parse_bytes(src.as_bytes(), "d.txt", &Default::default(), Some(&meta)).unwrap();
        assert_eq!(i.notes.len(), 1, "{:?}", i.notes);
        assert!(i.notes[0].message.contains("SPEAKER_07"));
    }

    /// The notes of a two-speaker file whose metadata names `interviewers`.
    fn notes_with_interviewers(interviewers: &str) -> Vec<String> {
        let src = "Ann Lee: Welcome back, what's new?\nBo Chen: Not much, what about you?\n";
        let meta: std::collections::BTreeMap<String, String> =
            [("interviewer".to_owned(), interviewers.to_owned())].into();
        let i = crate::parse_bytes(
            src.as_bytes(),
            "hosts.txt",
            &Default::default(),
            Some(&meta),
        )
        .unwrap();
        i.notes.into_iter().map(|n| n.message).collect()
    }

    #[test]
    fn a_file_of_interviewers_only_says_so() {
        let notes = notes_with_interviewers("Ann Lee and Bo Chen");
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("no interviewee") && n.contains("Ann Lee, Bo Chen")),
            "{notes:?}"
        );
        let notes = notes_with_interviewers("Ann Lee");
        assert!(
            notes.iter().all(|n| !n.starts_with("no interviewee")),
            "{notes:?}"
        );
    }

    #[test]
    fn names_match_loosely() {
        assert!(same_person("SCHLESINGER", "Sondra Schlesinger"));
        assert!(same_person("Jerod Santo", "jerod"));
        assert!(!same_person("Ann", "Anna Lee"));
        assert_eq!(split_names("Ann Lee, Bo and Cy"), ["Ann Lee", "Bo", "Cy"]);
    }

    fn roles_md(src: &str) -> Vec<(String, Role)> {
        let i = crate::parse_bytes(src.as_bytes(), "show.md", &Default::default(), None).unwrap();
        i.speakers.into_iter().map(|s| (s.name, s.role)).collect()
    }

    /// An invented two-host show: `guest` answers at length; the hosts ask, one of them more.
    fn two_host_show(opening: &str, host_b_asks: bool, breaks: bool) -> String {
        let mut out = format!("**Nell Ash:** {opening}\n\n");
        for k in 0..6 {
            out.push_str("**Tomas Reed:** We kept the old tool for years because nobody owned the move. \
                Then the bill came in twice as high, and the audit found gaps we could not explain. \
                So we ran a pilot with two teams, and it went better than anyone hoped.\n\n");
            if host_b_asks {
                out.push_str("**Ida Fenn:** And who signed off on it?\n\n");
            } else {
                out.push_str("**Ida Fenn:** Right. I have seen the same thing at two places I worked at, and it \
                    took a year each time.\n\n");
            }
            if breaks && k == 2 {
                out.push_str(
                    "**Nell Ash:** Let's take a short pause.\n\n**Break:** \\[20:00\\]\n\n\
                    **Nell Ash:** We are back. What did the pilot show?\n\n",
                );
            } else {
                out.push_str("**Nell Ash:** How did that go? What did the team say?\n\n");
            }
        }
        out
    }

    #[test]
    fn a_co_host_who_asks_most_is_a_host() {
        // No introduction at all: the one asking most for their words hosts, the other host
        // too when asking half as much, and the one answering at length is the guest.
        let got = roles_md(&two_host_show("Shall we start?", true, false));
        assert_eq!(
            got,
            [
                ("Nell Ash".into(), Role::Interviewer),
                ("Tomas Reed".into(), Role::Interviewee),
                ("Ida Fenn".into(), Role::Interviewer),
            ]
        );
    }

    #[test]
    fn the_one_who_reads_the_breaks_is_a_host() {
        // Nell asks less per word than Ida here (long openings), but speaks on both sides of the
        // break; Ida asks most. Tomas answers.
        let opening = "Today is a long one, so settle in; we cover how a team of nine moved two \
            hundred people off a tool they had for a decade, and what it cost them in the end.";
        let got = roles_md(&two_host_show(opening, true, true));
        assert_eq!(got[0], ("Nell Ash".into(), Role::Interviewer));
        assert_eq!(got[1], ("Tomas Reed".into(), Role::Interviewee));
        assert_eq!(got[2], ("Ida Fenn".into(), Role::Interviewer));
        let i = crate::parse_bytes(
            two_host_show(opening, true, true).as_bytes(),
            "show.md",
            &Default::default(),
            None,
        )
        .unwrap();
        let readers = break_readers(
            &i,
            &[two_host_show(opening, true, true).find("**Break").unwrap()],
        );
        assert_eq!(readers, ["Nell Ash"]);
    }

    #[test]
    fn a_guest_who_says_a_hosts_words_stays_a_guest() {
        // "on this episode" from the guest in an opening turn; the guest asks nothing.
        let mut src = two_host_show("Shall we start?", true, false);
        src = src.replacen(
            "**Tomas Reed:** We kept",
            "**Tomas Reed:** Glad to be on this episode. We kept",
            1,
        );
        let got = roles_md(&src);
        assert_eq!(got[1], ("Tomas Reed".into(), Role::Interviewee), "{got:?}");
    }

    #[test]
    fn hosts_named_as_co_hosts_with_no_guest() {
        let src = "**Vera Holm:** Welcome to the show! I'm joined as always by my co-host, Emil Dace. \
            How are you?\n\n**Emil Dace:** Good. I spent the week moving our builds to a new runner, \
            and it broke twice before it worked.\n\n**Vera Holm:** What broke?\n\n\
            **Emil Dace:** The cache, both times, and the logs said nothing useful about it.\n";
        assert_eq!(
            roles_md(src),
            [
                ("Vera Holm".into(), Role::Interviewer),
                ("Emil Dace".into(), Role::Interviewer),
            ]
        );
    }

    #[test]
    fn a_study_host_hosts_only_when_hosting_nearly_everywhere() {
        let file = |people: &[(&str, Role)]| -> Vec<Speaker> {
            people
                .iter()
                .map(|(n, r)| Speaker {
                    role: *r,
                    ..sp(n, 1, 1, 0.0)
                })
                .collect()
        };
        let (er, ee) = (Role::Interviewer, Role::Interviewee);
        let mut t = StudyHosts::default();
        // Ann hosts 4 of 5 (a host), Bo 1 of 1 (too few), Cy 3 of 5 (as often a guest).
        for _ in 0..3 {
            t.add(&file(&[("Ann", er), ("Cy", er), ("Dee", ee)]));
        }
        t.add(&file(&[("Ann", er), ("Bo", er), ("Cy", ee)]));
        let mut other = StudyHosts::default();
        other.add(&file(&[("Ann", ee), ("Cy", ee)]));
        t.merge(other);
        assert_eq!(t.hosts(), ["Ann"]);
        // Voice labels are different people in every file.
        let mut v = StudyHosts::default();
        for _ in 0..3 {
            v.add(&[Speaker {
                role: er,
                voice: true,
                ..sp("A", 1, 1, 0.0)
            }]);
        }
        assert!(v.hosts().is_empty());
    }

    #[test]
    fn study_hosts_host_but_never_over_a_named_guest() {
        // Two voices: Ida talks at length, so by this file alone she is the guest.
        let src = "**Nell Ash:** How did the move go this quarter, in your view?\n\n\
            **Ida Fenn:** Slowly. We kept the old runner for a month and the logs said little.\n\n\
            **Nell Ash:** Why?\n\n**Ida Fenn:** Nobody owned it, and the cache broke twice.\n";
        let read = |hosts: &[&str]| -> Vec<(String, Role, RoleSource)> {
            let opts = crate::Options {
                study_hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
                ..Default::default()
            };
            let i = crate::parse_bytes(src.as_bytes(), "retro.md", &opts, None).unwrap();
            i.speakers
                .into_iter()
                .map(|s| (s.name, s.role, s.role_source))
                .collect()
        };
        assert_eq!(
            read(&[])[1],
            ("Ida Fenn".into(), Role::Interviewee, RoleSource::Heuristic)
        );
        assert_eq!(
            read(&["Ida Fenn", "Nell Ash"]),
            [
                ("Nell Ash".into(), Role::Interviewer, RoleSource::Study),
                ("Ida Fenn".into(), Role::Interviewer, RoleSource::Study),
            ]
        );
        // The show naming her as its guest outweighs the study.
        let named = "**Nell Ash:** Welcome to the show! Today we're joined by Ida Fenn.\n\n\
            **Ida Fenn:** Thanks. We moved our builds this quarter and it broke twice.\n\n\
            **Tomas Reed:** What broke?\n\n**Ida Fenn:** The cache, both times.\n";
        let opts = crate::Options {
            study_hosts: vec!["Ida Fenn".into()],
            ..Default::default()
        };
        let i = crate::parse_bytes(named.as_bytes(), "ep.md", &opts, None).unwrap();
        let ida = i.speakers.iter().find(|s| s.name == "Ida Fenn").unwrap();
        assert_eq!(
            (ida.role, ida.role_source),
            (Role::Interviewee, RoleSource::Introduction)
        );
    }
}
