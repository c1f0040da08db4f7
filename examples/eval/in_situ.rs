//! The interview set scored in place: each labelled sentence is found in its transcript
//! (`../shared/eval/transcripts/`), the transcript goes through ingest and `signals()` as
//! `jtbd extract` runs them, and a sentence counts as found for a force when a signal of that
//! force covers it. Unlike the sentence-alone table this sees what the tool sees: the speaker's
//! role, the sentence split, and the interviewer's question before the answer.

use crate::interviews::Item;
use crate::metrics::Counts;
use jtbd_extract::{Force, RuleSet, SpeakerFilter};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Text as the labelled set writes it: inline timestamps and link targets out, no escapes or
/// emphasis marks, white space collapsed.
fn normalise(text: &str, markup: &regex::Regex, link: &regex::Regex) -> String {
    let text = markup.replace_all(text, " ");
    let text = link.replace_all(&text, "$1");
    let text: String = text.chars().filter(|c| !matches!(c, '\\' | '*')).collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One transcript's interviewee sentences: per speaker, the turns' normalised text with the
/// place of each sentence in it and the forces found there.
type Spoken = BTreeMap<String, Vec<(String, Vec<(std::ops::Range<usize>, HashSet<Force>)>)>>;

fn spoken(dir: &Path, file: &str, rules: &RuleSet) -> Option<Spoken> {
    let markup = regex::Regex::new(r"\\\[[^\]]*\\\]").ok()?;
    let link = regex::Regex::new(r"\[([^\]]*)\]\([^)]*\)").ok()?;
    let path = dir.join("transcripts").join(file);
    let opts = jtbd_ingest::Options::default();
    let interview = jtbd_ingest::read_path(&path, file, &opts, None).ok()?;
    let mut found: BTreeMap<(usize, usize), HashSet<Force>> = BTreeMap::new();
    for s in jtbd_extract::signals(&interview, rules, SpeakerFilter::Interviewee) {
        found
            .entry((s.turn, s.sentence))
            .or_default()
            .insert(s.force);
    }
    let mut out = Spoken::new();
    for (ti, turn) in interview.turns.iter().enumerate() {
        let Some(name) = &turn.speaker else { continue };
        let mut text = String::new();
        let mut places = Vec::new();
        for (si, s) in turn.sentences.iter().enumerate() {
            let n = normalise(s.text(&interview.source), &markup, &link);
            if !text.is_empty() {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(&n);
            places.push((
                start..text.len(),
                found.remove(&(ti, si)).unwrap_or_default(),
            ));
        }
        out.entry(name.clone()).or_default().push((text, places));
    }
    Some(out)
}

/// Prints P/R/F1 per force for the items found in their transcripts.
pub fn score(dir: &Path, rules: &RuleSet, items: &[Item]) {
    const FORCES: [Force; 3] = [Force::Anxiety, Force::Frustration, Force::DesiredProgress];
    let mut transcripts: BTreeMap<&str, Option<Spoken>> = BTreeMap::new();
    let mut counts = [Counts::default(); 3];
    let (mut placed, mut missing) = (0, 0);
    let markup = regex::Regex::new(r"\\\[[^\]]*\\\]").expect("valid");
    let link = regex::Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("valid");
    for item in items {
        let spoken = transcripts
            .entry(item.file.as_str())
            .or_insert_with(|| spoken(dir, &item.file, rules));
        let want = normalise(&item.text, &markup, &link);
        // The forces of every sentence the labelled text overlaps, in the first turn of its
        // speaker that holds it.
        let forces = spoken
            .as_ref()
            .and_then(|s| s.get(&item.speaker))
            .and_then(|turns| {
                turns.iter().find_map(|(text, places)| {
                    let at = text.find(&want)?;
                    let span = at..at + want.len();
                    Some(
                        places
                            .iter()
                            .filter(|(r, _)| r.start < span.end && span.start < r.end)
                            .flat_map(|(_, f)| f.iter().copied())
                            .collect::<HashSet<Force>>(),
                    )
                })
            });
        let Some(forces) = forces else {
            missing += 1;
            continue;
        };
        placed += 1;
        for (c, force) in counts.iter_mut().zip(FORCES) {
            c.add(
                item.labels.iter().any(|l| l == force.as_str()),
                forces.contains(&force),
            );
        }
    }
    println!(
        "in place (jtbd extract on the transcripts, interviewees only, questions priming): {placed} sentences found, {missing} not found"
    );
    for (c, force) in counts.iter().zip(FORCES) {
        let (p, r, f1) = c.prf();
        println!(
            "{:<10} {:<17} {:>5} {:>5} {:>5} {:>5} {p:>6.3} {r:>6.3} {f1:>6.3}",
            "in place",
            force.as_str(),
            c.pos,
            c.tp,
            c.fp,
            c.fneg
        );
    }
    println!();
}
