//! The embedded text lexicon (`data/text.toml`): abbreviations and annotation words.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The lexicon, parsed.
#[derive(Debug)]
pub struct TextLexicon {
    /// Lower-case abbreviations without their final full stop.
    pub abbreviations: HashSet<String>,
    /// Lower-case opening words of stage directions, longest first.
    pub annotations: Vec<String>,
}

#[derive(serde::Deserialize)]
struct Raw {
    abbreviations: Vec<String>,
    annotations: Vec<String>,
}

/// The embedded lexicon, parsed once.
pub fn text_lexicon() -> &'static TextLexicon {
    static LEXICON: OnceLock<TextLexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        // The file is part of the build and covered by a test, so a parse error is a bug here.
        let raw: Raw = toml::from_str(include_str!("../data/text.toml"))
            .unwrap_or_else(|e| panic!("embedded data/text.toml is invalid: {e}"));
        let mut annotations: Vec<String> =
            raw.annotations.iter().map(|a| a.to_lowercase()).collect();
        annotations.sort_by_key(|a| std::cmp::Reverse(a.len()));
        assert!(
            raw.abbreviations
                .iter()
                .all(|a| a.len() <= 8 && a.is_ascii()),
            "abbreviations must be ASCII of at most 8 bytes (sentences.rs looks them up so)"
        );
        TextLexicon {
            abbreviations: raw.abbreviations.iter().map(|a| a.to_lowercase()).collect(),
            annotations,
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_lexicon_parses() {
        let l = super::text_lexicon();
        assert!(l.abbreviations.contains("e.g"));
        assert!(l.annotations.iter().any(|a| a == "laughter"));
    }
}
