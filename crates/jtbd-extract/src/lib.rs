//! Extraction: finds the forces of progress in what interviewees said.
//!
//! Knowledge is data: rules and lexicons are TOML files (`data/rules/*.toml`), one per force
//! plus `modifiers.toml` (negations, hedges, hypotheticals, intensifiers, first-person and
//! on-behalf-of cues). They are embedded at build time; `RuleSet::load` adds or replaces rules
//! from a user's folder. Code holds the mechanism:
//!
//! - lexicon cues are matched on the shared normalised + stemmed tokens of
//!   [`jtbd_text::tokenize`], whole terms only, with a trie over terms (`phrase_trie.rs`), so
//!   `worried`, `worrying` and `Worry` are one cue; modifier phrases with a second trie over
//!   the same terms, in a sentence where something fired;
//! - pattern rules and idiom patterns are regexes (ASCII word boundaries) behind one
//!   `RegexSet` gate;
//! - a cue after someone else's subject (`you seem worried`) counts less, unless its rule is
//!   `evaluative` (a judgement such as `useless` is the speaker's whoever it is about);
//! - a negation shortly before a cue cancels it (`not worried`), a hedge cancels the force
//!   (`I wouldn't say it's painful`), a hypothetical weakens frustration but not anxiety
//!   (`if we ever get breached` is still fear), intensifiers and first-person or on-behalf-of
//!   cues raise confidence;
//! - a force's confidence combines the weights of the rules that fired, `1 - Π(1 - w)`;
//! - in the answer to an interviewer's question that asks for a force ("what was the hardest
//!   part?"), that force gets a bonus where one of its rules fired ([`RuleSet::prime`]).
//!
//! - the rules' weights and the thresholds are learned from labelled interview sentences by a
//!   logistic regression per force over the rules' evidence ([`learn`], `just eval --learn`).
//!
//! [`RuleSet::classify`] scores one text; [`signals`] runs over an interview's sentences.

mod classify;
mod gate;
pub mod learn;
mod phrase_trie;
mod rules;
mod signals;

#[cfg(test)]
mod props;

pub use classify::{Classification, ForceHit};
pub use jtbd_model::{Force, Signal};
pub use rules::{Example, Expect, Prime, Rule, RuleError, RuleSet};
pub use signals::{SpeakerFilter, signals};

/// A loaded rule set, ready to classify text.
pub type Extractor = RuleSet;
