//! Stories: from what many interviewees said to what a researcher takes to a product meeting.
//!
//! In: [`Records`], a [`Record`] per person interviewed (the interviewees' signals with their
//! quotes and the sentences around each, and the interview's metadata), held in memory or with
//! their signals spilled to a temporary file and read back a slice of records at a time. Out:
//! [`Findings`]: themes (signals from several interviewees about one thing), one drafted job
//! story per theme (`When <situation>, I want to <motivation>, so I can <outcome>.`, each slot
//! from the interviewees' words with its quote, or a reported gap), chains from a fear or pain
//! to a want, who does the job and who benefits, and needs-based segments with their poster
//! child and language.
//!
//! The stage never reads the user's files nor writes output (its one file is the temporary file
//! of spilled records, which the caller opens), and knows no rule engine: it reads plain
//! [`jtbd_model::Signal`]s. Its knowledge (stop words, tense and actor words, the grammar that
//! drafts slots, the story template) is `data/stories.toml`, embedded at build time; every
//! grammar rule has examples a test runs. With spilled records, memory grows with the signals
//! (a few numbers each) and themes, not with the quotes' text; the output depends only on the
//! records and their order, the same held or spilled.

mod codebook;
mod column;
mod draft;
mod knowledge;
mod record;
mod records;
mod scan;
mod segments;
mod themes;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

pub use codebook::{Code, Codebook, CodebookError};
pub use draft::{Chain, Drafted, Evidence, Party, Story};
pub use knowledge::{GrammarExample, GrammarRule, Knowledge, KnowledgeError, Place, Slot};
pub use record::{People, Quote, Record, Said, interviewee, numbered};
pub use records::{Brief, Packed, Records, Slice, SpillError};
pub use segments::Segment;
pub use themes::{Joined, Origin, Refs, RefsIter, SignalRef, Strength, Theme};

/// What the stage found in a set of records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    /// Themes, strongest first.
    pub themes: Vec<Theme>,
    /// Each theme's strongest stories (each one interviewee's), in theme order.
    pub stories: Vec<Story>,
    /// Segments, largest first.
    pub segments: Vec<Segment>,
    /// How many chains were found, themed or not (each story keeps those of its passage: a
    /// gigabyte of transcripts has well over a million, held only while stories are drafted).
    pub chain_count: usize,
    /// Signals no theme took.
    pub unthemed: usize,
    /// The theme each signal joined, by its number ([`Records::index`]).
    pub joined: Joined,
}

/// Themes, stories, chains and segments of `records`. A theme rests on at least
/// `min_interviewees` interviewees; the codebook names the themes it can, emergent phrases the
/// rest. Fails only when spilled records cannot be read back.
pub fn find(
    records: &Records,
    k: &Knowledge,
    codebook: &Codebook,
    min_interviewees: usize,
) -> Result<Findings, SpillError> {
    // Two passes over the records read their text: the scan (which counts the chains), and the
    // drafting (with the segments' language); a third names the emergent themes, when there are.
    let (scanned, chain_count) = scan::scan(records, k, codebook)?;
    let mut themes = themes::themes(records, &scanned, k, codebook, min_interviewees)?;
    let mut segments = segments::segments(records, &scanned, &themes, k);
    let joined = Joined::of(&themes, records);
    let mut drafting = draft::Drafting::new(&scanned, &themes, &joined, k);
    let mut languages = segments::Languages::new(&scanned, &segments);
    records.for_each_slice(|slice| {
        // Drafting keeps every core busy; a language is gathered on one, beside it.
        rayon::join(
            || drafting.add(slice),
            || {
                if languages.wanted() {
                    languages.add(slice);
                }
            },
        );
    })?;
    let drafted = drafting.finish();
    let languages = languages.finish(k);
    for (seg, language) in segments.iter_mut().zip(languages) {
        seg.language = language;
    }
    // A passage tells one story: the strongest theme that drafts it keeps it.
    let mut stories = Vec::new();
    let mut told = std::collections::HashSet::new();
    for (t, (drafts, tellers)) in themes.iter_mut().zip(drafted) {
        t.tellers = tellers;
        let fresh = drafts.into_iter().filter(|s| {
            let m = s.motivation.as_ref().map(|d| d.evidence.quote.byte_start);
            told.insert((s.record, m))
        });
        stories.extend(fresh.take(k.stories_per_theme));
    }
    let themed: usize = themes.iter().map(|t| t.signals.len()).sum();
    Ok(Findings {
        themes,
        stories,
        segments,
        chain_count,
        unthemed: records.signal_count() - themed,
        joined,
    })
}
