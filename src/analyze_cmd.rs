//! `jtbd analyze`: the whole job on a folder. Wires the stages (index, then one pass that reads,
//! extracts and keeps what the stories need) and hands the results to the formats: the JSON
//! Lines writers of the other commands and `jtbd-report` for the report, CSV and exports.

use crate::cli::AnalyzeArgs;
use crate::emit::line;
use crate::wire::{Begin, Message, Summary};
use crate::wire_stories::StoriesSummary;
use anyhow::Context;
use jtbd_model::Force;
use jtbd_report::atomic::Staged;
use std::io::Write;
use std::path::Path;

/// Runs `jtbd analyze`; returns the exit code.
pub fn run(args: &AnalyzeArgs, quiet: bool) -> anyhow::Result<crate::outcome::Outcome> {
    let started = std::time::Instant::now();
    let out = &args.out;
    // A path that cannot be opened is an error before anything is written: an empty study
    // pointing at its report would look like a result.
    crate::pipeline::check_inputs(&args.read.paths)?;
    std::fs::create_dir_all(out)
        .with_context(|| format!("{}: cannot create the output folder", out.display()))?;
    // The output folder may sit inside the folder read: it is never read back.
    let mut read = args.read.clone();
    read.skip_dirs.push(out.clone());
    let args = &AnalyzeArgs {
        read,
        out: out.clone(),
        excel: args.excel,
        no_bom: args.no_bom,
        min_interviewees: args.min_interviewees,
        rules: args.rules.clone(),
        codebook: args.codebook.clone(),
        rebuild: args.rebuild,
        title: args.title.clone(),
    };

    // One pass: read, extract, index what changed (a second run reuses the index), keep what the
    // stories need; the JSON Lines of interviews and signals are written as interviews come.
    let index_dir = out.join("index");
    if args.rebuild {
        crate::index_cmd::remove_index(&index_dir)?;
    }
    let index =
        jtbd_index::Index::open_or_create(&index_dir, concat!("jtbd ", env!("CARGO_PKG_VERSION")))?;
    let mut writer = index.writer()?;
    let known = writer.files().clone();
    let roots = crate::identity::Roots::new(&args.read.paths);
    let plan = crate::study_cmd::IndexPlan {
        index: &index,
        known: &known,
        roots: &roots,
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut interviews = Staged::create(&out.join("interviews.jsonl"))?;
    let mut signals = Staged::create(&out.join("signals.jsonl"))?;
    let mut buf = Vec::with_capacity(64 * 1024);
    line(&mut buf, &Message::Begin(Begin::new("analyze")))?;
    interviews.write_all(&buf)?;
    signals.write_all(&buf)?;
    let mut summary = Summary::default();
    let min = usize::try_from(args.min_interviewees).unwrap_or(usize::MAX);
    let codebook = crate::study_cmd::load_codebook(&args.codebook)?;
    let mut g = crate::study_cmd::read_all(
        &args.read,
        args.rules.as_deref(),
        min,
        quiet,
        Some(&plan),
        out,
        |_, i, found, indexed| {
            if let Some(x) = indexed {
                if let Some(docs) = x.docs {
                    writer.replace(&x.key, &x.fingerprint, docs)?;
                }
                seen.insert(x.key);
            }
            buf.clear();
            crate::fast_json::interview_line(&mut buf, i);
            interviews.write_all(&buf)?;
            for s in found {
                crate::fast_json::signal_line(&mut buf, i, s);
            }
            signals.write_all(&buf)?;
            summary.turns += i.turns.len();
            summary.sentences += i.sentence_count();
            summary.words += i.word_count();
            summary.bytes += i.bytes;
            Ok(())
        },
    )?;
    summary.files = g.files;
    summary.interviews = g.interviews.len();
    // The summary counts files, as every command's does; the exit code counts the verdicts too.
    summary.errors = g.file_errors();
    // Counted from the files themselves: `errors` also counts the corrections file's bad lines.
    summary.skipped = g.problems.iter().filter(|p| p.skipped).count();
    summary.elapsed_ms = g.elapsed_ms;
    let totals = g.study().force_totals();
    buf.clear();
    line(&mut buf, &Message::Summary(&summary))?;
    interviews.write_all(&buf)?;
    // The signals stream's summary counts them, as `jtbd extract` does.
    summary.signals = Some(Force::ALL.iter().map(|f| f.as_str()).zip(totals).collect());
    buf.clear();
    line(&mut buf, &Message::Summary(&summary))?;
    signals.write_all(&buf)?;
    interviews.commit()?;
    signals.commit()?;
    // A file that failed keeps what the index had of it; files gone from the folders leave it.
    seen.extend(
        g.problems
            .iter()
            .filter(|p| !p.skipped)
            .map(|p| roots.key(Path::new(&p.path))),
    );
    writer.remove_gone(&roots.keys(), &seen);
    let files_in_index = writer.files().len();
    // The index commits and merges its segments on its own thread while the stories are found
    // and the files written.
    let committing = std::thread::spawn(move || writer.finish());
    let spinner = crate::pipeline::spinner("finding themes, stories and segments", quiet);
    g.find(&codebook)?;
    spinner.set_message("writing the report, CSV and JSON Lines");

    // Stage 3: the formats.
    g.show_relative(&roots);
    g.title = args.title.clone();
    let study = g.study();
    let stories_summary = StoriesSummary {
        files: g.files,
        min_interviewees: min,
        errors: summary.errors,
        skipped: summary.skipped,
        elapsed_ms: g.elapsed_ms,
        ..StoriesSummary::of(&g.findings, &g.records)
    };
    // `signals.csv` is most of what is written (several times the transcripts' size, rendered
    // on every core a batch at a time, written in order): the other files are made beside it,
    // while its batches are being written out.
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let csv = scope.spawn(|| {
            write(out, "signals.csv", |w| {
                jtbd_report::csv::signals(&study, !args.no_bom, w)
            })
        });
        let others = (|| {
            let stories = crate::emit_stories::render(
                crate::emit_stories::StoriesFormat::Jsonl,
                &g.records,
                &g.findings,
                &stories_summary,
                crate::study_cmd::STORIES_QUOTES,
            )?;
            write(out, "stories.jsonl", |w| w.write_all(&stories))?;
            write(out, "stories.csv", |w| {
                jtbd_report::csv::stories(&study, !args.no_bom, w)
            })?;
            write(out, "report.md", |w| {
                jtbd_report::markdown::report(&study, w)
            })?;
            write(out, "report.html", |w| jtbd_report::html::report(&study, w))
        })();
        let csv = csv
            .join()
            .map_err(|_| anyhow::anyhow!("writing signals.csv stopped unexpectedly"))?;
        // Both are waited for; a failure of the other files is reported before one of the CSV.
        others.and(csv)
    })?;
    spinner.set_message("committing the index");
    committing
        .join()
        .map_err(|_| anyhow::anyhow!("the index writer stopped unexpectedly"))??;
    spinner.finish_and_clear();

    if !quiet {
        let f = &g.findings;
        eprintln!(
            "analysed {} interviews ({} turns): {} anxiety, {} frustration, {} desired progress, {} habit; \
             {} themes, {} stories, {} segments; {} files with errors, {} skipped; {:.2} s",
            g.interviews.len(),
            summary.turns,
            totals[Force::Anxiety],
            totals[Force::Frustration],
            totals[Force::DesiredProgress],
            totals[Force::Habit],
            f.themes.len(),
            f.stories.len(),
            f.segments.len(),
            summary.errors,
            summary.skipped,
            started.elapsed().as_secs_f64(),
        );
        eprintln!(
            "open {} (index: {} files; search it with `jtbd search QUERY --index {}`)",
            out.join("report.html").display(),
            files_in_index,
            out.join("index").display()
        );
        // Roles guessed or no details given: the exact lines that would settle them.
        let rows = study.who_was_interviewed();
        if let Some(hint) = study.participants_hint(&rows) {
            let inferred = rows.iter().filter(|r| r.inferred).count();
            let mut lines = hint.lines();
            if study.described() {
                // The team keeps a manifest already: only who interviews is missing from it.
                eprintln!(
                    "roles inferred from the talk in {inferred} of {} interviews (see \"Who was \
                     interviewed\" in the report); to set them, name the interviewer in an \
                     `interviewer` column of participants.csv",
                    rows.len()
                );
            } else {
                eprintln!(
                    "roles inferred from the talk in {inferred} of {} interviews (see \"Who was \
                 interviewed\" in the report); to set them and add roles and companies, save a \
                 participants.csv beside the transcripts, one line per file, e.g.:\n  {}\n  {}",
                    rows.len(),
                    lines.next().unwrap_or_default(),
                    lines.next().unwrap_or_default(),
                );
            }
        }
    }
    let code = crate::outcome::Outcome::of_transcripts(g.errors(), g.interviews.len());
    // The process ends with this command: the study (every signal and quote, a gigabyte on a
    // big corpus) is left to the operating system rather than freed piece by piece.
    std::mem::forget(g);
    Ok(code)
}

/// Writes `dir/name` whole or not at all.
fn write(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let path = dir.join(name);
    jtbd_report::atomic::write(&path, fill)
        .with_context(|| format!("{}: cannot write", path.display()))
}
