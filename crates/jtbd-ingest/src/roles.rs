//! Speaker roles: who interviews whom.
//!
//! In order of authority: `--interviewer NAME`; metadata (`interviewer:`, `interviewee:`,
//! `host:`, `guest:`, `participant:`); known labels (`Q`, `Interviewer`, `Respondent`); then, for
//! whoever is left, the shape of the conversation. The speaker with the most words anchors the
//! interviewee side; every other speaker is an interviewer when they ask clearly more questions
//! per turn and speak in clearly shorter turns than the anchor (a second guest answers, a
//! co-host asks). Two speakers: the other one interviews.

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

/// Fills `interview.speakers` and every turn's role.
pub fn assign(interview: &mut Interview, flag_interviewers: &[String]) {
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
    for s in &mut speakers {
        let lower = s.name.to_lowercase();
        let (role, source) = if flag_interviewers.iter().any(|n| same_person(&s.name, n)) {
            (Role::Interviewer, "flag")
        } else if meta_interviewers.iter().any(|n| same_person(&s.name, n)) {
            (Role::Interviewer, "metadata")
        } else if meta_interviewees.iter().any(|n| same_person(&s.name, n)) {
            (Role::Interviewee, "metadata")
        } else if labels_mean_roles && l.interviewer.contains(&lower) {
            (Role::Interviewer, "label")
        } else if labels_mean_roles && l.interviewee.contains(&lower) {
            (Role::Interviewee, "label")
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
    if has_er != has_ee {
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

    #[test]
    fn names_match_loosely() {
        assert!(same_person("SCHLESINGER", "Sondra Schlesinger"));
        assert!(same_person("Jerod Santo", "jerod"));
        assert!(!same_person("Ann", "Anna Lee"));
        assert_eq!(split_names("Ann Lee, Bo and Cy"), ["Ann Lee", "Bo", "Cy"]);
    }
}
