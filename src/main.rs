//! `jtbd`: the command-line program. It alone knows every pipeline stage; it adds context to
//! the libraries' typed errors and turns them into messages and exit codes
//! (0 results, 1 nothing found, 2 error) in one place, [`outcome`].

mod analyze_cmd;
mod cli;
mod corrections;
mod export_cmd;
mod extract_cmd;
mod gather;
mod identity;
mod index_cmd;
#[cfg(test)]
mod index_model_tests;
mod ingest_cmd;
mod manifests;
mod outcome;
mod pipeline;
mod quickwit;
mod quickwit_load;
mod review_cmd;
mod reviewed;
mod search_cmd;
mod search_remote;
mod serve;
mod serve_cmd;
mod stories_cmd;
mod study_cmd;
mod tune_cmd;

// The formats live in `jtbd-report`; the commands name them as if they were here.
use jtbd_report::{
    emit, emit_signals, emit_stories, fast_json, style, wire, wire_signal, wire_stories,
};

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let style = style::Style::for_stdout(match cli.color {
        cli::ColorChoice::Always => Some(true),
        cli::ColorChoice::Never => Some(false),
        cli::ColorChoice::Auto => None,
    });
    use outcome::Outcome;
    let result = match &cli.command {
        cli::Command::Ingest(args) => ingest_cmd::run(args, style, cli.quiet),
        cli::Command::Extract(args) => extract_cmd::extract(args, style, cli.quiet),
        cli::Command::Classify(args) => {
            // A bad line is an error once every other line is classified.
            extract_cmd::classify(args).map(|c| Outcome::of(c.bad_lines, c.with_force))
        }
        cli::Command::Rules(cmd) => extract_cmd::rules(cmd, style, cli.quiet),
        cli::Command::Index(args) => {
            index_cmd::run(args, cli.quiet).map(|o| Outcome::of_transcripts(o.errors, o.files))
        }
        cli::Command::Stories(args) => stories_cmd::run(args, style, cli.quiet),
        cli::Command::Analyze(args) => analyze_cmd::run(args, cli.quiet),
        cli::Command::Export(cmd) => export_cmd::run(cmd, cli.quiet),
        cli::Command::Review(cmd) => review_cmd::run(cmd, style, cli.quiet),
        cli::Command::Search(args) => search_cmd::run(args, style).map(|n| Outcome::of(0, n)),
        cli::Command::Serve(args) => serve_cmd::run(args, cli.quiet),
    };
    outcome::exit(result)
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
