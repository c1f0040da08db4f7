//! `jtbd stories`: files -> interviews -> signals -> records (on the workers), then themes,
//! stories and segments over all records (`jtbd_stories::find`), then one renderer. This file
//! only wires the stages and the flags.

use crate::cli::{StoriesArgs, StoriesOutput};
use crate::emit_stories::{StoriesFormat, render};
use crate::pipeline::{self, Done, Notes, ReadSetup, problems, progress_bar_for};
use crate::style::Style;
use crate::wire_stories::StoriesSummary;
use anyhow::Context;
use jtbd_extract::{RuleSet, SpeakerFilter};
use jtbd_model::MetaKey;
use jtbd_stories::{Knowledge, Packed, Record, Records};
use std::io::Write;
use std::time::Instant;

/// Whether a record passes `--role` and `--where` (whole values, any case; one key given twice
/// means either value).
fn admitted(r: &Record, args: &StoriesArgs) -> bool {
    let has = |key: &str, want: &str| {
        r.metadata
            .get(&key.to_lowercase())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(want.trim()))
    };
    let role_ok = args.role.is_empty()
        || args
            .role
            .iter()
            .any(|want| MetaKey::JOB.iter().any(|k| has(k.as_str(), want)));
    let mut keys: Vec<&str> = args.wheres.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let where_ok = keys.iter().all(|key| {
        args.wheres
            .iter()
            .filter(|(k, _)| k == key)
            .any(|(k, v)| has(k, v))
    });
    role_ok && where_ok
}

/// Runs `jtbd stories`; returns the exit code.
pub fn run(
    args: &StoriesArgs,
    style: Style,
    quiet: bool,
) -> anyhow::Result<crate::outcome::Outcome> {
    let started = Instant::now();
    if let Some(n) = args.threads {
        // Only the first call in a process can set the pool; a second is harmless.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let rules = RuleSet::load(args.rules.as_deref()).context("cannot load the extraction rules")?;
    let knowledge = Knowledge::embedded().context("cannot load the stories knowledge")?;
    let codebook = crate::study_cmd::load_codebook(&args.codebook)?;
    let setup = ReadSetup::new(&args.read, quiet)?;
    let bar = progress_bar_for("reading", quiet);
    let mut notes = Notes::new(&bar, quiet);
    // The records' signals wait in a temporary file (in TMPDIR) until the stories are found: a
    // study's quotes take more memory than its transcripts. Without one they are held.
    let mut records = match tempfile::tempfile() {
        Ok(file) => Records::spilled(file),
        Err(e) => {
            if !quiet {
                eprintln!(
                    "note: no temporary file for the stories' records ({e}; TMPDIR names its \
                     folder): they are held in memory"
                );
            }
            Records::default()
        }
    };
    let (mut filtered_out, mut interviews) = (0usize, 0usize);
    pipeline::consume(
        &args.read.paths,
        &setup,
        &bar,
        &mut notes,
        |item| read(item, &setup, &rules, &knowledge),
        |done| {
            if let Done::Read { made, .. } | Done::Unchanged(made) = done {
                // The people of one interview share its metadata: all in or all out.
                if made.first().is_some_and(|r| admitted(r.head(), args)) {
                    let k = interviews;
                    interviews += 1;
                    records.push_interview(made, k)?;
                } else {
                    filtered_out += 1;
                }
            }
            Ok(())
        },
    )?;
    // A verdict the pass could not use is an error of the run.
    let review_errors = setup.review.as_ref().map_or(0, |r| r.finish(true));
    // The summary counts files, as every command's does; the exit code counts the verdicts too.
    let (files, errors, skipped) = (notes.files(), notes.errors(), notes.skipped_count());
    let min = usize::try_from(args.min_interviewees).unwrap_or(usize::MAX);
    let spinner = pipeline::spinner("finding themes, stories and segments", quiet);
    let findings = jtbd_stories::find(&records, &knowledge, &codebook, min)?;
    // What the output quotes is read back from the file.
    records.fetch(jtbd_report::quoted(&findings, args.quotes))?;
    spinner.finish_and_clear();
    let summary = StoriesSummary {
        files,
        filtered_out,
        min_interviewees: min,
        errors,
        skipped,
        elapsed_ms: started.elapsed().as_millis() as u64,
        ..StoriesSummary::of(&findings, &records)
    };
    let format = match args.format {
        StoriesOutput::Human => StoriesFormat::Human(style),
        StoriesOutput::Jsonl => StoriesFormat::Jsonl,
        StoriesOutput::Json => StoriesFormat::Json,
        StoriesOutput::Markdown => StoriesFormat::Markdown,
    };
    let bytes = render(format, &records, &findings, &summary, args.quotes)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)?;
    out.flush()?;
    if !quiet {
        eprintln!(
            "{} stories from {} interviews ({} signals, {} in no theme; {} left out by filters) in {:.2} s{}",
            findings.stories.len(),
            summary.interviews,
            summary.signals,
            findings.unthemed,
            filtered_out,
            summary.elapsed_ms as f64 / 1e3,
            problems(errors, skipped),
        );
    }
    let outcome = crate::outcome::Outcome::of(errors + review_errors, findings.themes.len());
    if outcome == crate::outcome::Outcome::NothingFound {
        eprintln!(
            "nothing found: no theme is shared by {min} or more of the {} interviewees read{}",
            records
                .heads()
                .iter()
                .map(|r| r.interviewee.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            if min > 1 {
                format!(" (try --min-interviewees {})", min - 1)
            } else {
                String::new()
            }
        );
    }
    Ok(outcome)
}

/// Reads one walk item into its records (one per person it interviews), packed for the
/// records' file on the worker.
fn read(
    item: &jtbd_ingest::WalkItem,
    setup: &ReadSetup,
    rules: &RuleSet,
    knowledge: &Knowledge,
) -> Done<Vec<Packed>> {
    match pipeline::read_item(item, setup) {
        Ok(i) => {
            let found = jtbd_extract::signals(&i, rules, SpeakerFilter::Interviewee);
            let signals = pipeline::corrected(&i, item, setup, found);
            Done::Read {
                made: Record::people(&i, &signals, knowledge)
                    .into_iter()
                    .map(Packed::new)
                    .collect(),
                named: pipeline::interviewers_seen(&i, &setup.opts.interviewers),
                noticed: pipeline::file_notes(&i),
            }
        }
        Err(u) => u.into(),
    }
}
