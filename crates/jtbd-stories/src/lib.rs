//! Stories: from what many interviewees said to what a researcher takes to a product meeting.
//!
//! In: compact per-interview [`Record`]s (the interviewees' signals with their quotes and the
//! sentence before each, and the interview's metadata). Out: [`Findings`]: themes (signals from
//! several interviewees about one thing), one drafted job story per theme (`When <situation>, I
//! want to <motivation>, so I can <outcome>.`, each slot from the interviewees' words with its
//! quote, or a reported gap), chains from a fear or pain to a want, who does the job and who
//! benefits, and needs-based segments with their poster child and language.
//!
//! The stage never reads files nor writes output, and knows no rule engine: it reads plain
//! [`jtbd_model::Signal`]s. Its knowledge (stop words, tense and actor words, the grammar that
//! drafts slots, the story template) is `data/stories.toml`, embedded at build time; every
//! grammar rule has examples a test runs. Memory grows with the signals and themes, not with the
//! corpus text; the output depends only on the records and their order.

mod draft;
mod knowledge;
mod record;
mod scan;
mod segments;
mod themes;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

use rayon::prelude::*;

pub use draft::{Chain, Drafted, Evidence, Party, Story};
pub use knowledge::{GrammarExample, GrammarRule, Knowledge, KnowledgeError, Slot};
pub use record::{Quote, Record, Said, interviewee};
pub use segments::Segment;
pub use themes::{SignalRef, Strength, Theme};

/// What the stage found in a set of records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    /// Themes, strongest first.
    pub themes: Vec<Theme>,
    /// One story per theme, in theme order.
    pub stories: Vec<Story>,
    /// Segments, largest first.
    pub segments: Vec<Segment>,
    /// Every chain found, themed or not.
    pub chains: Vec<Chain>,
    /// Signals no theme took.
    pub unthemed: usize,
}

/// Themes, stories, chains and segments of `records`. A theme (and so a story) rests on at
/// least `min_interviewees` interviewees.
pub fn find(records: &[Record], k: &Knowledge, min_interviewees: usize) -> Findings {
    let scanned = scan::scan(records, k);
    let themes = themes::themes(records, &scanned, k, min_interviewees);
    let chains = draft::chains(records, &scanned, k);
    // Stories are independent of each other: drafted in parallel, collected in theme order.
    let stories = (0..themes.len())
        .into_par_iter()
        .map(|i| draft::story(records, &scanned, &themes, i, &chains, k))
        .collect();
    let segments = segments::segments(records, &scanned, &themes, k);
    let themed: usize = themes.iter().map(|t| t.signals.len()).sum();
    let total: usize = records.iter().map(|r| r.said.len()).sum();
    Findings {
        themes,
        stories,
        segments,
        chains,
        unthemed: total - themed,
    }
}
