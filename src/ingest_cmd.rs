//! `jtbd ingest`: the pipeline with the ingest renderers.

use crate::cli::{IngestArgs, OutputFormat};
use crate::emit::{Csv, Human, Json, Jsonl, Render};
use crate::outcome::Outcome;
use crate::pipeline;
use crate::style::Style;

/// Runs `jtbd ingest`.
pub fn run(args: &IngestArgs, style: Style, quiet: bool) -> anyhow::Result<Outcome> {
    let tokens = args.tokens;
    let render: Box<dyn Render> = match args.format {
        OutputFormat::Human => Box::new(Human {
            style,
            full: args.full,
        }),
        OutputFormat::Jsonl => Box::new(Jsonl { tokens }),
        OutputFormat::Json => Box::new(Json { tokens }),
        OutputFormat::Csv => Box::new(Csv),
    };
    pipeline::run(&args.read, render.as_ref(), quiet)
}
