//! `jtbd ingest`: walk, read in parallel, write in order.

use crate::cli::{IngestArgs, OutputFormat};
use crate::emit::{Csv, Human, Json, Jsonl, Sink};
use crate::style::Style;
use crate::wire::{Summary, WireError, WireSkipped};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jtbd_ingest::{IngestError, Manifest, Options, WalkItem, walk};
use jtbd_model::Interview;
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::time::Instant;

/// The manifest picked up from a folder when `--meta` is not given.
const DEFAULT_MANIFEST: &str = "participants.csv";

/// Files read in parallel before their results are written, in order. Bounds memory.
const BATCH: usize = 64;

/// What a run ended with, for the exit code.
pub struct Outcome {
    /// Interviews read.
    pub interviews: usize,
    /// Files that failed.
    pub errors: usize,
}

/// Runs `jtbd ingest`.
pub fn run(args: &IngestArgs, style: Style, quiet: bool) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    // Without --meta, a `participants.csv` at the top of a folder given is the manifest.
    let meta_file = args.meta.clone().or_else(|| {
        args.paths
            .iter()
            .map(|p| p.join(DEFAULT_MANIFEST))
            .find(|p| p.is_file())
            .inspect(|p| {
                if !quiet {
                    eprintln!(
                        "note: using metadata from {}",
                        jtbd_ingest::walk::display_path(p)
                    );
                }
            })
    });
    let manifest = match &meta_file {
        Some(p) => Some(Manifest::read(p).context("cannot use the manifest")?),
        None => None,
    };
    let opts = Options {
        format: args.input_format.map(|f| f.to_model()),
        interviewers: args.interviewer.clone(),
        max_file_bytes: args.max_file_size,
    };
    let meta_path = meta_file.as_ref().and_then(|p| p.canonicalize().ok());
    let items: Vec<WalkItem> = walk(&args.paths)
        .into_iter()
        .filter(|item| match (item, &meta_path) {
            // The manifest often sits in the folder it describes; it is not a skipped transcript.
            (WalkItem::Skipped(s), Some(m)) => {
                std::path::Path::new(&s.path).canonicalize().ok().as_ref() != Some(m)
            }
            _ => true,
        })
        .collect();

    let stdout = std::io::stdout().lock();
    let out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let mut sink: Box<dyn Sink> = match args.format {
        OutputFormat::Human => Box::new(Human { out, style }),
        OutputFormat::Jsonl => Box::new(Jsonl {
            out,
            tokens: args.tokens,
        }),
        OutputFormat::Json => Box::new(Json {
            out,
            tokens: args.tokens,
            first: true,
            errors: Vec::new(),
            skipped: Vec::new(),
        }),
        OutputFormat::Csv => Box::new(Csv {
            out: csv::Writer::from_writer(out),
        }),
    };

    let files = items
        .iter()
        .filter(|i| matches!(i, WalkItem::File { .. }))
        .count();
    let bar = progress_bar(files as u64, quiet);
    let mut summary = Summary::default();
    let stderr = std::io::stderr();
    sink.begin()?;
    for batch in items.chunks(BATCH) {
        let results: Vec<Option<Result<Interview, IngestError>>> = batch
            .par_iter()
            .map(|item| match item {
                WalkItem::File { path, display, .. } => {
                    let extra = manifest.as_ref().and_then(|m| m.lookup(display));
                    Some(jtbd_ingest::read_path(path, display, &opts, extra))
                }
                _ => None,
            })
            .collect();
        for (item, result) in batch.iter().zip(results) {
            match (item, result) {
                (
                    WalkItem::File {
                        display, walked, ..
                    },
                    Some(result),
                ) => {
                    summary.files += 1;
                    bar.inc(1);
                    match result {
                        Ok(interview) => {
                            summary.interviews += 1;
                            summary.turns += interview.turns.len();
                            summary.sentences += interview
                                .turns
                                .iter()
                                .map(|t| t.sentences.len())
                                .sum::<usize>();
                            summary.words += interview.word_count();
                            summary.bytes += interview.bytes;
                            sink.interview(&interview)?;
                        }
                        Err(IngestError::Decode(jtbd_text::DecodeError::Binary { .. }))
                            if *walked =>
                        {
                            let s = WireSkipped {
                                path: display.clone(),
                                reason: "binary file".into(),
                            };
                            note(
                                &bar,
                                &stderr,
                                &format!("note: skipped {}: {}", s.path, s.reason),
                            );
                            summary.skipped += 1;
                            sink.skipped(&s)?;
                        }
                        Err(error) => {
                            let e = WireError {
                                path: display.clone(),
                                line: error.line(),
                                message: error.to_string(),
                            };
                            note(&bar, &stderr, &format!("error: {display}: {error}"));
                            summary.errors += 1;
                            sink.error(&e)?;
                        }
                    }
                }
                (WalkItem::Skipped(s), _) => {
                    let s = WireSkipped {
                        path: s.path.clone(),
                        reason: s.reason.clone(),
                    };
                    note(
                        &bar,
                        &stderr,
                        &format!("note: skipped {}: {}", s.path, s.reason),
                    );
                    summary.skipped += 1;
                    sink.skipped(&s)?;
                }
                (WalkItem::Error { display, message }, _) => {
                    let e = WireError {
                        path: display.clone(),
                        line: None,
                        message: message.clone(),
                    };
                    note(&bar, &stderr, &format!("error: {display}: {message}"));
                    summary.files += 1;
                    summary.errors += 1;
                    sink.error(&e)?;
                }
                (WalkItem::File { .. }, None) => {}
            }
        }
    }
    bar.finish_and_clear();
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    sink.finish(&summary)?;
    if !quiet {
        let mut err = stderr.lock();
        let _ = writeln!(
            err,
            "read {} of {} files: {} turns, {} sentences, {} words, {:.1} MB in {:.2} s{}{}",
            summary.interviews,
            summary.files,
            summary.turns,
            summary.sentences,
            summary.words,
            summary.bytes as f64 / 1e6,
            summary.elapsed_ms as f64 / 1e3,
            plural(summary.errors, "error"),
            plural(summary.skipped, "skipped"),
        );
    }
    Ok(Outcome {
        interviews: summary.interviews,
        errors: summary.errors,
    })
}

fn plural(n: usize, what: &str) -> String {
    match (n, what) {
        (0, _) => String::new(),
        (1, _) | (_, "skipped") => format!("; {n} {what}"),
        _ => format!("; {n} {what}s"),
    }
}

/// A diagnostic line on stderr that does not tear the progress bar.
fn note(bar: &ProgressBar, stderr: &std::io::Stderr, msg: &str) {
    bar.suspend(|| {
        let _ = writeln!(stderr.lock(), "{msg}");
    });
}

fn progress_bar(len: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} files  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
