//! The embedded label lexicon (`data/labels.toml`).

use std::collections::HashSet;
use std::sync::OnceLock;

/// Known labels, lower case.
#[derive(Debug)]
pub struct Labels {
    /// Labels of the interviewer's side (`Q`, `Interviewer`, `Host`...).
    pub interviewer: HashSet<String>,
    /// Labels of the interviewee's side (`A`, `Respondent`...).
    pub interviewee: HashSet<String>,
    /// Section markers that are not people (`Break`).
    pub markers: HashSet<String>,
    /// Header-block keys (`INTERVIEWER:`, `DATE:`).
    pub header_keys: HashSet<String>,
    /// What only a host says opening or closing a show (`welcome to the show`).
    pub host_phrases: Vec<String>,
    /// `host_phrases` as one automaton, ASCII case-insensitive: one pass over a turn.
    pub host_matcher: aho_corasick::AhoCorasick,
    /// Words after which a host names a guest (`joined by`).
    pub guest_cues: Vec<String>,
    /// Words after which a host names a co-host (`my co-host`).
    pub cohost_cues: Vec<String>,
    /// Words that, with a number or a letter after them, name a numbered voice (`speaker`).
    pub voice_prefixes: Vec<String>,
    /// Labels [`Labels::is_voice`] must accept, and names it must not.
    pub voice_examples: Vec<String>,
    pub name_examples: Vec<String>,
}

impl Labels {
    /// Whether a lower-case label is one the lexicon knows: a side of the interview, a header
    /// key, or (with `markers`) a section marker.
    pub fn is_known(&self, lower: &str, markers: bool) -> bool {
        self.interviewer.contains(lower)
            || self.interviewee.contains(lower)
            || self.header_keys.contains(lower)
            || (markers && self.markers.contains(lower))
    }

    /// Whether a speaker label names a voice or a side rather than a person: a side label
    /// (`A`, `Respondent`), a bare number or letter (`0`, `B`), or a voice prefix with one
    /// after it (`SPEAKER_01`, `Speaker 2`).
    pub fn is_voice(&self, label: &str) -> bool {
        let lower = label.trim().to_lowercase();
        // A number of up to three digits, or one letter, after any separator.
        let numbered = |rest: &str| {
            let rest = rest.trim_start_matches([' ', '_', '-', '#']);
            let digits = (1..=3).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit());
            digits || (rest.len() == 1 && rest.as_bytes()[0].is_ascii_alphabetic())
        };
        self.interviewer.contains(&lower)
            || self.interviewee.contains(&lower)
            || numbered(&lower)
            || self.voice_prefixes.iter().any(|p| {
                lower.strip_prefix(p.as_str()).is_some_and(|rest| {
                    rest.starts_with([' ', '_', '-', '#'])
                        || rest.bytes().next().is_some_and(|b| b.is_ascii_digit())
                }) && numbered(&lower[p.len()..])
            })
    }
}

#[derive(serde::Deserialize)]
struct Raw {
    interviewer: Vec<String>,
    interviewee: Vec<String>,
    markers: Vec<String>,
    header_keys: Vec<String>,
    host_phrases: Vec<String>,
    guest_cues: Vec<String>,
    cohost_cues: Vec<String>,
    voice_prefixes: Vec<String>,
    voice_examples: Vec<String>,
    name_examples: Vec<String>,
}

/// The embedded label lexicon, parsed once.
pub fn labels() -> &'static Labels {
    static LABELS: OnceLock<Labels> = OnceLock::new();
    LABELS.get_or_init(|| {
        // The file is part of the build and covered by a test; a parse error is a bug here.
        let raw: Raw = toml::from_str(include_str!("../data/labels.toml"))
            .unwrap_or_else(|e| panic!("embedded data/labels.toml is invalid: {e}"));
        let set = |v: Vec<String>| v.into_iter().map(|s| s.to_lowercase()).collect();
        Labels {
            interviewer: set(raw.interviewer),
            interviewee: set(raw.interviewee),
            markers: set(raw.markers),
            header_keys: set(raw.header_keys),
            host_matcher: aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                // A DFA: every file is scanned, and 20-odd phrases make a small one.
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(&raw.host_phrases)
                .unwrap_or_else(|e| panic!("embedded data/labels.toml host_phrases: {e}")),
            host_phrases: raw.host_phrases,
            guest_cues: raw.guest_cues,
            cohost_cues: raw.cohost_cues,
            voice_prefixes: raw
                .voice_prefixes
                .iter()
                .map(|p| p.to_lowercase())
                .collect(),
            voice_examples: raw.voice_examples,
            name_examples: raw.name_examples,
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_labels_parse() {
        let l = super::labels();
        assert!(l.interviewer.contains("q") && l.interviewer.contains("host"));
        assert!(l.interviewee.contains("respondent"));
        assert!(l.markers.contains("break"));
        assert!(l.header_keys.contains("date"));
    }

    #[test]
    fn voices_are_told_from_names_by_their_examples() {
        let l = super::labels();
        assert!(!l.voice_examples.is_empty() && !l.name_examples.is_empty());
        for label in &l.voice_examples {
            assert!(l.is_voice(label), "{label:?} names a voice");
        }
        for name in &l.name_examples {
            assert!(!l.is_voice(name), "{name:?} is a name");
        }
    }

    #[test]
    fn every_cohost_cue_says_host() {
        assert!(!super::labels().cohost_cues.is_empty());
        for cue in &super::labels().cohost_cues {
            assert!(cue.contains("host"), "{cue}");
        }
    }
}
