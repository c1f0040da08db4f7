//! `jtbd`: the command-line program. It alone knows every pipeline stage; it adds context to
//! the libraries' typed errors and turns them into messages and exit codes
//! (0 results, 1 nothing found, 2 error).

mod analyze_cmd;
mod cli;
mod export_cmd;
mod extract_cmd;
mod gather;
mod identity;
#[cfg(test)]
mod index_model_tests;
mod index_cmd;
mod ingest_cmd;
mod manifests;
mod pipeline;
mod search_cmd;
mod stories_cmd;
mod study_cmd;

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
    let result = match &cli.command {
        cli::Command::Ingest(args) => ingest_cmd::run(args, style, cli.quiet),
        cli::Command::Extract(args) => extract_cmd::extract(args, style, cli.quiet),
        cli::Command::Classify(args) => {
            return exit(extract_cmd::classify(args).map(|c| {
                if c.bad_lines > 0 {
                    2
                } else if c.with_force > 0 {
                    0
                } else {
                    1
                }
            }));
        }
        cli::Command::Rules(cmd) => return exit(extract_cmd::rules(cmd)),
        cli::Command::Index(args) => {
            return exit(index_cmd::run(args, cli.quiet).map(|o| {
                if o.errors > 0 {
                    2
                } else if o.files == 0 {
                    eprintln!("nothing found: no transcript in the paths given");
                    1
                } else {
                    0
                }
            }));
        }
        cli::Command::Stories(args) => {
            return exit(stories_cmd::run(args, style, cli.quiet));
        }
        cli::Command::Analyze(args) => return exit(analyze_cmd::run(args, cli.quiet)),
        cli::Command::Export(cmd) => return exit(export_cmd::run(cmd, cli.quiet)),
        cli::Command::Search(args) => {
            return exit(search_cmd::run(args, style).map(|n| if n > 0 { 0 } else { 1 }));
        }
    };
    match result {
        Ok(outcome) if outcome.errors > 0 => ExitCode::from(2),
        Ok(outcome) if outcome.interviews == 0 => {
            eprintln!("nothing found: no transcript in the paths given");
            ExitCode::from(1)
        }
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => exit(Err(e)),
    }
}

/// The exit code of a command that returns one, with errors printed on stderr.
fn exit(result: anyhow::Result<u8>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // A closed pipe (`jtbd ... | head`) is the reader's choice, not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
