//! The pass of the commands that score the rules against the team's verdicts (`jtbd review
//! stats`, `jtbd rules tune`): every file read, its interviewees' signals named by id, the
//! verdicts applied as `extract` applies them, and the sentences the additions name.

use crate::corrections::Review;
use crate::pipeline::{self, Done, Notes, ReadSetup, progress_bar_for};
use jtbd_extract::{RuleSet, SpeakerFilter};
use jtbd_ingest::WalkItem;
use jtbd_model::{Force, Signal};
use jtbd_review::Verdict;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// An addition's place: path relative to the folder, byte range.
pub type AddAt = (PathBuf, usize, usize);

/// What the pass found in a reviewed folder.
pub struct Reviewed {
    /// Every interviewee signal the rules find, by id: its force and sentence.
    pub found: HashMap<String, (Force, String)>,
    /// The signals after the verdicts, by id (a recoded or added signal's new id is known).
    pub corrected: HashMap<String, (Force, String)>,
    /// The sentence at each addition's place, where it names one of a file read.
    pub added: HashMap<AddAt, String>,
    /// Files that could not be read.
    pub errors: usize,
}

/// One interview's share of [`Reviewed`]: its signals as found and as corrected, and the
/// sentences of the additions that name a place in it.
type Found = (
    Vec<(String, (Force, String))>,
    Vec<(String, (Force, String))>,
    Vec<(AddAt, String)>,
);

/// Reads `paths` with `setup` and the verdicts of `review`: the rules' interviewee signals of
/// every file, the verdicts applied as `extract` applies them (the pass hears which named
/// something, and refuses an addition that is not one interviewee sentence, the same error), and
/// the sentences the additions name.
pub fn read(
    paths: &[PathBuf],
    setup: &ReadSetup,
    review: &Review,
    rules: &RuleSet,
    quiet: bool,
) -> anyhow::Result<Reviewed> {
    let adds: Vec<AddAt> = review
        .corrections
        .verdicts
        .iter()
        .filter_map(|c| match &c.verdict {
            Verdict::Add {
                path,
                byte_start,
                byte_end,
                ..
            } => Some((path.clone(), *byte_start, *byte_end)),
            _ => None,
        })
        .collect();
    let bar = progress_bar_for("reading", quiet);
    let mut notes = Notes::new(&bar, quiet);
    let mut out = Reviewed {
        found: HashMap::new(),
        corrected: HashMap::new(),
        added: HashMap::new(),
        errors: 0,
    };
    pipeline::consume(
        paths,
        setup,
        &bar,
        &mut notes,
        |item| match pipeline::read_item(item, setup) {
            Ok(i) => {
                let sentence =
                    |t: usize, s: usize| i.turns[t].sentences[s].text(&i.source).to_owned();
                let signals = jtbd_extract::signals(&i, rules, SpeakerFilter::Interviewee);
                let named = |s: &Signal| (i.signal_id(s), (s.force, sentence(s.turn, s.sentence)));
                let found = signals.iter().map(named).collect();
                let corrected = pipeline::corrected(&i, item, setup, signals)
                    .iter()
                    .map(named)
                    .collect();
                let here = match item {
                    WalkItem::File { path, .. } => review.relative(path),
                    _ => Path::new(""),
                };
                let places = adds
                    .iter()
                    .filter(|(p, _, _)| p == here)
                    .filter_map(|at| {
                        let (t, s) = jtbd_review::sentence_at(&i, at.1, at.2).ok()?;
                        Some((at.clone(), sentence(t, s)))
                    })
                    .collect();
                let made: Found = (found, corrected, places);
                Done::Read {
                    made,
                    named: pipeline::interviewers_seen(&i, &setup.opts.interviewers),
                    noticed: pipeline::file_notes(&i),
                }
            }
            Err(u) => u.into(),
        },
        |done| {
            if let Done::Read { made, .. } | Done::Unchanged(made) = done {
                out.found.extend(made.0);
                out.corrected.extend(made.1);
                out.added.extend(made.2);
            }
            Ok(())
        },
    )?;
    out.errors = notes.errors();
    Ok(out)
}
