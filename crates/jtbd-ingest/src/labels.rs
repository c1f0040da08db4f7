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
}

#[derive(serde::Deserialize)]
struct Raw {
    interviewer: Vec<String>,
    interviewee: Vec<String>,
    markers: Vec<String>,
    header_keys: Vec<String>,
    host_phrases: Vec<String>,
    guest_cues: Vec<String>,
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
}
