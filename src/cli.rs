//! The command line: every flag, with help that teaches by example.

use clap::{Parser, Subcommand, ValueEnum};
use jtbd_model::Format;
use std::path::PathBuf;

/// Turn folders of customer-interview transcripts into searchable evidence and
/// Jobs-to-be-Done job stories. Local, fast, reproducible; every quote points at its place.
#[derive(Debug, Parser)]
#[command(name = "jtbd", version, about, long_about = None, propagate_version = true)]
#[command(after_help = "Examples:
  jtbd ingest corpora/                      read every transcript under corpora/
  jtbd ingest corpora/ --format jsonl       the same as JSON Lines, for scripts
  jtbd extract corpora/                     anxieties, frustrations, desired progress, habit
  jtbd classify answers.txt                 code survey answers, one per line
  jtbd help extract                         everything extract can do

Exit codes: 0 results, 1 nothing found, 2 error (any file that could not be read).")]
pub struct Cli {
    /// When to colour output: auto (only on a terminal), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Do not draw progress bars (they are drawn only when stderr is a terminal anyway).
    #[arg(long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read transcripts into speakers, turns and sentences, each at its exact place in the source.
    #[command(after_help = INGEST_HELP)]
    Ingest(IngestArgs),
    /// Find anxieties, frustrations, desired progress and habit in what interviewees said.
    #[command(after_help = EXTRACT_HELP)]
    Extract(ExtractArgs),
    /// Code text one item per line (survey answers): one JSON object per input line.
    #[command(after_help = CLASSIFY_HELP)]
    Classify(ClassifyArgs),
    /// List, check and test extraction rules (the embedded ones, or a folder of your own).
    #[command(subcommand)]
    Rules(RulesCommand),
}

/// `jtbd rules ...`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rule set: id, force, weight, cues, patterns, examples, where it is defined.
    #[command(
        after_help = "Examples:\n  jtbd rules list\n  jtbd rules list --rules my-rules/ --format jsonl"
    )]
    List {
        /// Add or replace rules from the *.toml files of this folder.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Output format (human or jsonl).
        #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Validate a folder of rule files: clear errors with file, line and rule id.
    #[command(after_help = "Examples:\n  jtbd rules check my-rules/")]
    Check {
        /// The folder of *.toml rule files.
        dir: PathBuf,
    },
    /// Run the examples of a folder's rules; exit 2 if any example fails.
    #[command(after_help = "Examples:\n  jtbd rules test my-rules/")]
    Test {
        /// The folder of *.toml rule files.
        dir: PathBuf,
    },
}

const EXTRACT_HELP: &str = "\
Each signal is one sentence with its force, the rules and cue words that fired, a confidence,
its exact place (path, line, byte range, timestamp) and the interviewer's preceding question.

Forces: anxiety (fear of the new: risk, blame), frustration (push of the present: pains),
desired_progress (pull of the new: what they want), habit (inertia: \"we've always used\").

Examples:
  jtbd extract corpora/
  jtbd extract corpora/ --format jsonl | jq -c 'select(.data.force == \"anxiety\")'
  jtbd extract calls/ --speakers all --rules my-rules/ --format csv > signals.csv

Rules are TOML data: see `jtbd rules list`; add or replace rules with --rules DIR.";

const CLASSIFY_HELP: &str = "\
Prints one JSON object per input line, in input order, blank lines included:
  {\"line\": 3, \"forces\": [\"frustration\"], \"rules\": [...], \"confidence\": {\"frustration\": 0.75}}

Examples:
  jtbd classify answers.txt
  printf 'I am worried about lock-in\\nGreat product\\n' | jtbd classify";

/// Which speakers' turns extraction reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Speakers {
    /// Every turn.
    All,
    /// Interviewees, and text of unknown role (the default).
    Interviewee,
    /// Interviewers, and text of unknown role.
    Interviewer,
}

/// `jtbd extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Whose turns to read.
    #[arg(long, value_enum, default_value_t = Speakers::Interviewee)]
    pub speakers: Speakers,

    /// Add or replace rules from the *.toml files of this folder.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// `jtbd classify`.
#[derive(Debug, clap::Args)]
pub struct ClassifyArgs {
    /// The file to read, one item per line (stdin when absent).
    pub file: Option<PathBuf>,

    /// Add or replace rules from the *.toml files of this folder.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

const INGEST_HELP: &str = "\
Formats (detected by content first, extension second; --input-format forces one):
  text      `Name:` / `Interviewer:` / `Q:` / `A:` labels, Google Meet text, oral histories
  markdown  `**Name:**` paragraphs; an unlabelled paragraph continues the previous speaker
  vtt       WebVTT: Zoom `Name: text` cues, Teams `<v Name>text</v>` voice tags
  srt       SubRip captions, with `Name:` labels when present
  otter     Otter.ai text export: a `Name  0:03` line, then the text
  json      Whisper / WhisperX `segments`, AssemblyAI `utterances`, Deepgram, Rev `monologues`
  docx      Word documents (Word, Teams, Otter, Meet exports)

Metadata: front matter at the top of a text or Markdown file,
  ---
  role: CISO
  company: Northwind Bank
  interviewer: Priya Raman
  ---
and a manifest CSV with a `file` column plus any columns (--meta participants.csv).

Examples:
  jtbd ingest corpora/
  jtbd ingest corpora/ --format jsonl | jq -c 'select(.type == \"turn\") | .data.text'
  jtbd ingest calls/ --meta calls/participants.csv --interviewer \"Priya Raman\"
  jtbd ingest export.txt --input-format otter --format csv > turns.csv

JSON Lines (the contract, schema in schema/ingest.schema.json): one object per line,
{\"type\": ..., \"data\": {...}}: `begin`, then per file `interview` and its `turn`s
(or `error`, or `skipped`), then `summary`.";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Readable text.
    Human,
    /// JSON Lines: one message per line (the documented contract).
    Jsonl,
    /// One JSON document.
    Json,
    /// CSV, one row per turn.
    Csv,
}

/// `jtbd ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Add each sentence's normalised, stemmed tokens (jsonl and json output).
    #[arg(long)]
    pub tokens: bool,
}

/// What to read and how: shared by every command that reads transcripts.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// Files and folders to read (folders are walked recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Read every file as this format instead of detecting it: text, markdown, vtt, srt,
    /// otter, json or docx.
    #[arg(long, value_name = "FORMAT", value_parser = parse_input_format)]
    pub input_format: Option<Format>,

    /// Manifest CSV: a `file` column plus metadata columns (role, company, industry, size, date...).
    #[arg(long, value_name = "CSV")]
    pub meta: Option<PathBuf>,

    /// A speaker to treat as interviewer in every file (repeatable).
    #[arg(long, value_name = "NAME")]
    pub interviewer: Vec<String>,

    /// Refuse files larger than this (bytes; K, M and G suffixes accepted).
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub max_file_size: u64,
}

/// Parses `123`, `64K`, `64M`, `1G`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.chars().last() {
        Some('k' | 'K') => (&s[..s.len() - 1], 1u64 << 10),
        Some('m' | 'M') => (&s[..s.len() - 1], 1 << 20),
        Some('g' | 'G') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("not a size: {s:?} (examples: 500000, 64K, 64M, 1G)"))
}

/// Parses `--input-format` into the model's format (the names of [`Format::as_str`]).
fn parse_input_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        format!("unknown format {s:?}; one of: {}", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("10"), Ok(10));
        assert!(parse_size("lots").is_err());
        assert_eq!(parse_input_format("vtt"), Ok(Format::Vtt));
        assert!(
            parse_input_format("pdf")
                .unwrap_err()
                .contains("one of: text, markdown")
        );
    }

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
