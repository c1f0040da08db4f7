//! Property tests: classification never panics, and every cue is a slice of the text.

use crate::RuleSet;
use proptest::prelude::*;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("embedded rules load"))
}

fn sentences() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("I'm worried ".to_owned()),
            Just("not ".to_owned()),
            Just("really annoying ".to_owned()),
            Just("it would be great if ".to_owned()),
            Just("we've always used ".to_owned()),
            Just("I'm afraid".to_owned()),
            Just(", ".to_owned()),
            Just(". ".to_owned()),
            Just("é́ 🙂 שלום ".to_owned()),
            "[A-Za-z' ,.!?]{0,20}",
            any::<String>(),
        ],
        0..16,
    )
    .prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn classify_never_panics_and_cues_are_slices(text in sentences()) {
        let c = rules().classify(&text);
        for hit in c.hits {
            prop_assert!(hit.confidence > 0.0 && hit.confidence <= 1.0);
            prop_assert!(!hit.rules.is_empty());
            for cue in hit.cues {
                prop_assert!(cue.start < cue.end && cue.end <= text.len());
                prop_assert!(text.is_char_boundary(cue.start) && text.is_char_boundary(cue.end));
            }
        }
    }
}

/// Text that looks like rule files: tables, keys, arrays, regexes, broken quoting.
fn rule_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("force = \"anxiety\"\n".to_owned()),
            Just("force = \"joy\"\n".to_owned()),
            Just("[[rule]]\n".to_owned()),
            Just("id = \"anxiety/x/y\"\n".to_owned()),
            Just("weight = 0.7\n".to_owned()),
            Just("weight = 7\n".to_owned()),
            Just("cues = [\"worried\", \"\"]\n".to_owned()),
            Just("patterns = ['\\b(a|b', '(?i)x']\n".to_owned()),
            Just("examples = [{ text = \"I'm worried.\", expect = \"match\" }, { text = \"ok\", expect = \"none\" }]\n".to_owned()),
            Just("[modifiers]\n".to_owned()),
            Just("\"unclosed = \n".to_owned()),
            "[a-z=\\[\\]\" \n.]{0,16}",
            any::<String>(),
        ],
        0..12,
    )
    .prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    /// The rule loader answers every file with a rule set or an error naming the file and line.
    #[test]
    fn rule_loader_never_panics(text in rule_text()) {
        match RuleSet::from_texts(&[("user.toml", &text)]) {
            Ok(set) => {
                for r in set.rules() {
                    for ex in &r.examples {
                        let _ = set.classify(&ex.text);
                    }
                }
            }
            Err(e) => {
                prop_assert!(e.line >= 1);
                prop_assert!(!e.file.is_empty());
            }
        }
    }
}
