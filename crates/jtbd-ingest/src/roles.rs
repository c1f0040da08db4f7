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

use crate::labels::labels;
use jtbd_model::{Interview, Role, Speaker};

/// Metadata keys naming the interviewer side.
const INTERVIEWER_KEYS: [&str; 5] = ["interviewer", "interviewers", "host", "hosts", "moderator"];
/// Metadata keys naming the interviewee side.
const INTERVIEWEE_KEYS: [&str; 6] = [
    "interviewee",
    "interviewees",
    "participant",
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
/// Turns at the end, and bytes at the end of each, where the words that close a show stand.
const OUTRO_TURNS: usize = 2;
const OUTRO_BYTES: usize = 200;

/// Fills `interview.speakers` and every turn's role. `given` are roles the researcher wrote down
/// for speaker labels (the manifest's `speakers` column).
pub fn assign(interview: &mut Interview, flag_interviewers: &[String], given: &[(String, Role)]) {
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
                role_source: "heuristic",
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
    let (hosts, guests) = if speakers.len() >= 3 {
        introductions(interview, &speakers)
    } else {
        Default::default()
    };
    for s in &mut speakers {
        let lower = s.name.to_lowercase();
        let (role, source) = if flag_interviewers.iter().any(|n| same_person(&s.name, n)) {
            (Role::Interviewer, "flag")
        } else if let Some((_, role)) = given.iter().find(|(n, _)| n == &s.name) {
            (*role, "metadata")
        } else if meta_interviewers.iter().any(|n| same_person(&s.name, n)) {
            (Role::Interviewer, "metadata")
        } else if meta_interviewees.iter().any(|n| same_person(&s.name, n)) {
            (Role::Interviewee, "metadata")
        } else if labels_mean_roles && l.interviewer.contains(&lower) {
            (Role::Interviewer, "label")
        } else if labels_mean_roles && l.interviewee.contains(&lower) {
            (Role::Interviewee, "label")
        } else if guests.contains(&s.name) {
            (Role::Interviewee, "introduction")
        } else if hosts.contains(&s.name) || (!hosts.is_empty() && !guests.is_empty()) {
            (Role::Interviewer, "introduction")
        } else {
            continue;
        };
        s.role = role;
        s.role_source = source;
    }
    infer_rest(&mut speakers);

    for turn in &mut interview.turns {
        turn.role = turn
            .speaker
            .as_ref()
            .and_then(|n| speakers.iter().find(|s| &s.name == n))
            .map_or(Role::Unknown, |s| s.role);
    }
    interview.speakers = speakers;
}

/// Who introduces the show in its first or last turns (hosts), and whom they name right after a
/// guest cue (guests, as speaker labels). A speaker never counts as both.
fn introductions(interview: &Interview, speakers: &[Speaker]) -> (Vec<String>, Vec<String>) {
    let l = labels();
    let (mut hosts, mut guests) = (Vec::new(), Vec::new());
    let n = interview.turns.len();
    for (i, turn) in interview.turns.iter().enumerate() {
        let (opens, closes) = (i < INTRO_TURNS, i + OUTRO_TURNS >= n);
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
        let text = head;
        if !hosts.contains(name) {
            hosts.push(name.clone());
        }
        for cue in &l.guest_cues {
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
                    if hit && &s.name != name && !guests.contains(&s.name) {
                        guests.push(s.name.clone());
                    }
                }
            }
        }
    }
    hosts.retain(|h| !guests.contains(h));
    (hosts, guests)
}

/// The largest char boundary of `s` at or below `at`.
fn floor_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn infer_rest(speakers: &mut [Speaker]) {
    let open: Vec<usize> = (0..speakers.len())
        .filter(|&i| speakers[i].role == Role::Unknown)
        .collect();
    if open.is_empty() {
        return;
    }
    let known = |r: Role| speakers.iter().any(|s| s.role == r);
    let (has_er, has_ee) = (known(Role::Interviewer), known(Role::Interviewee));
    if speakers.len() == 1 {
        speakers[0].role_source = "single";
        return;
    }
    // A host found by the introduction alone says nothing of the others: a co-host may be there.
    let by_intro = speakers
        .iter()
        .filter(|s| s.role != Role::Unknown)
        .all(|s| s.role_source == "introduction");
    if has_er != has_ee && !by_intro {
        // One side is named: everyone else is on the other side.
        let other = if has_er {
            Role::Interviewee
        } else {
            Role::Interviewer
        };
        for i in open {
            speakers[i].role = other;
            speakers[i].role_source = "heuristic";
        }
        return;
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
        s.role_source = "heuristic";
        if i == anchor {
            s.role = Role::Interviewee;
            continue;
        }
        let wpt = s.words as f64 / s.turns as f64;
        let score = (s.question_share - a_q) + 0.5 * (1.0 - wpt / a_wpt.max(1.0));
        s.role = if two || score >= INTERVIEWER_SCORE {
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
            role_source: "",
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
        infer_rest(&mut s);
        assert_eq!(
            s.map(|x| x.role),
            [Role::Interviewer, Role::Interviewee, Role::Interviewer]
        );
        let mut s = [
            sp("H", 90, 3700, 0.48),
            sp("G1", 78, 4600, 0.18),
            sp("G2", 47, 2060, 0.06),
        ];
        infer_rest(&mut s);
        assert_eq!(
            s.map(|x| x.role),
            [Role::Interviewer, Role::Interviewee, Role::Interviewee]
        );
    }

    fn roles_of(src: &str, meta: Option<&[(&str, &str)]>) -> Vec<(String, Role, &'static str)> {
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
                ("Mara Quinn".into(), Role::Interviewer, "introduction"),
                ("Omar Haddad".into(), Role::Interviewee, "introduction"),
                ("Jo Park".into(), Role::Interviewer, "introduction"),
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
                ("Dana Reyes".into(), Role::Interviewer, "metadata"),
                ("Omar Haddad".into(), Role::Interviewee, "heuristic"),
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

    #[test]
    fn names_match_loosely() {
        assert!(same_person("SCHLESINGER", "Sondra Schlesinger"));
        assert!(same_person("Jerod Santo", "jerod"));
        assert!(!same_person("Ann", "Anna Lee"));
        assert_eq!(split_names("Ann Lee, Bo and Cy"), ["Ann Lee", "Bo", "Cy"]);
    }
}
