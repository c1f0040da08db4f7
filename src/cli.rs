//! The command line: every flag, with help that teaches by example.

use clap::{Parser, Subcommand, ValueEnum};
use jtbd_model::Format;
use std::path::PathBuf;

/// Turn folders of customer-interview transcripts into searchable evidence and
/// Jobs-to-be-Done job stories. Local, fast, reproducible; every quote points at its place.
#[derive(Debug, Parser)]
#[command(name = "jtbd", version, about, long_about = None, propagate_version = true)]
#[command(after_help = "Examples:
  jtbd analyze corpora/ --out study/        the whole job: open study/report.html
  jtbd stories corpora/                     themes, job stories and segments in the terminal
  jtbd search vendor --index study/         search what analyze indexed
  jtbd ingest corpora/                      read every transcript under corpora/
  jtbd ingest corpora/ --format jsonl       the same as JSON Lines, for scripts
  jtbd extract corpora/                     anxieties, frustrations, desired progress, habit
  jtbd classify answers.txt                 code survey answers, one per line
  jtbd index corpora/                       build the search index in .jtbd/
  jtbd search '\"lock in\"' --role CISO --force anxiety
  jtbd serve corpora/                       review the signals in a browser (127.0.0.1)
  jtbd help extract                         everything extract can do

Exit codes: 0 results, 1 nothing found, 2 error (any file that could not be read).")]
pub struct Cli {
    /// When to colour output: auto (only on a terminal), always, never.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ColorChoice::Auto,
        hide_possible_values = true,
        display_order = 900
    )]
    pub color: ColorChoice,

    /// Do not draw progress bars (they are drawn only when stderr is a terminal anyway).
    #[arg(long, global = true, display_order = 901)]
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
    /// Build or update the search index (incremental: only changed files are read again).
    #[command(after_help = INDEX_HELP)]
    Index(IndexArgs),
    /// Search the index: tantivy query syntax, filters by role, speaker, force and metadata.
    #[command(after_help = SEARCH_HELP)]
    Search(SearchArgs),
    /// Draft job stories: themes across interviewees, stories with quotes, chains, segments.
    #[command(after_help = STORIES_HELP)]
    Stories(StoriesArgs),
    /// The whole job on a folder: read, extract, index and draft stories in one command; leave a
    /// report to open and files other tools load.
    #[command(after_help = ANALYZE_HELP)]
    Analyze(AnalyzeArgs),
    /// Export a study to other tools: a REFI-QDA project or codebook, Quickwit or Elasticsearch.
    #[command(subcommand)]
    Export(ExportCommand),
    /// List, check and test extraction rules (the embedded ones, or a folder of your own).
    #[command(subcommand)]
    Rules(RulesCommand),
    /// The research team's verdicts on the signals (corrections.jsonl): how often they agree.
    #[command(subcommand)]
    Review(crate::review_cmd::ReviewCommand),
    /// Review in a browser on 127.0.0.1: themes, stories, quotes in their transcripts, search;
    /// accept, reject, recode and add buttons that append to corrections.jsonl.
    #[command(after_help = crate::serve_cmd::SERVE_HELP)]
    #[command(mut_arg("paths", |a| a.value_name("FOLDER").num_args(1).action(clap::ArgAction::Set).help("The folder of transcripts to review (its files are walked recursively)")))]
    Serve(crate::serve_cmd::ServeArgs),
}

const ANALYZE_HELP: &str = "What DIR gets:
  report.html      one self-contained page: summary, charts, themes, job stories with quotes,
                   segments (open it in a browser; works offline, prints well)
  report.md        the same for a wiki or a pull request
  signals.csv      one row per signal: interviewee, force, quote, theme, interview, line, time,
                   then the metadata and the exact bytes (opens in Excel; --no-bom for scripts)
  stories.csv      one row per job story: theme, story, who tells it, each slot's quote and place
  interviews.jsonl, signals.jsonl, stories.jsonl
                   the JSON Lines of `jtbd ingest`, `jtbd extract` and `jtbd stories`
  index/           the search index: `jtbd search QUERY --index DIR/index`

Every file is written whole or not at all (a temporary name, then renamed). A second run over
unchanged files reuses the index.

Examples:
  jtbd analyze corpora/ --out out/
  jtbd analyze interviews/ --out study/ --min-interviewees 3
  jtbd analyze calls/ --out out/ --glob '*.vtt' --meta participants.csv

Exit codes: 0 analysed, 1 no transcript found, 2 error (a file that could not be read, or DIR).";

/// `jtbd analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    /// The folder to write the report, the CSV and JSON Lines files and the index to.
    #[arg(long, short = 'o', value_name = "DIR", visible_alias = "output")]
    pub out: PathBuf,

    #[command(flatten)]
    pub codebook: CodebookArgs,

    /// Write the CSV files without the byte order mark they start with (Excel needs it to read
    /// them as UTF-8; pandas, R's readr and LibreOffice read them either way).
    #[arg(long)]
    pub no_bom: bool,

    /// The CSV files start with a byte order mark by default: kept so older scripts still run.
    #[arg(long, hide = true)]
    pub excel: bool,

    /// The report's title (`report.html`, `report.md`), e.g. "Q3 security buyers".
    #[arg(long, value_name = "TEXT", default_value = "Interview study")]
    pub title: String,

    /// Interviewees a theme needs (at least 1).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = at_least_one)]
    pub min_interviewees: u64,

    /// Add or replace extraction rules from the *.toml files of this folder.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Delete the output folder's index and build it anew (after it was damaged).
    #[arg(long)]
    pub rebuild: bool,
}

/// `jtbd export ...`.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// A REFI-QDA project (.qdpx) for ATLAS.ti, NVivo, MAXQDA and QualCoder: the transcripts as
    /// sources, forces and themes as codes, each signal a coded selection, each interviewee a
    /// case with the metadata as variables.
    #[command(
        after_help = "Examples:\n  jtbd export qdpx corpora/ -o study.qdpx\n  jtbd export qdpx interviews/ -o study.qdpx --min-interviewees 3\n\nImport: ATLAS.ti, MAXQDA, NVivo and QualCoder each have File > Import > REFI-QDA project.\nExit codes: 0 written, 1 no transcript found, 2 error."
    )]
    Qdpx(ExportArgs),
    /// A REFI-QDA codebook (.qdc): the forces and the themes found, as codes.
    #[command(
        after_help = "Examples:\n  jtbd export qdc corpora/ -o codebook.qdc\n\nExit codes: 0 written, 1 no transcript found, 2 error."
    )]
    Qdc(ExportArgs),
    /// Documents for a search engine: one per turn, with the same fields as the local index, as
    /// Quickwit NDJSON and its index config, or (--to elasticsearch) `_bulk` NDJSON in chunks
    /// of at most 10 MB and an index mapping.
    #[command(
        after_help = "Examples:\n  jtbd export quickwit corpora/ --ingest http://127.0.0.1:7280\n  jtbd search 'vendor lock-in' --quickwit http://127.0.0.1:7280\n  jtbd export quickwit corpora/ -o qw/ --index-id study-2026\n\n  jtbd export quickwit corpora/ -o es/ --to elasticsearch    _bulk files: docs/output.md\n\nWith --ingest, an index of the same id is replaced; the count Quickwit reports is checked.\nSee docs/scale.md.\nExit codes: 0 written, 1 no transcript found, 2 error."
    )]
    Quickwit(SearchExportArgs),
}

/// What every export takes.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    /// The file to write.
    #[arg(long, short = 'o', value_name = "FILE", visible_alias = "out")]
    pub output: PathBuf,

    #[command(flatten)]
    pub codebook: CodebookArgs,

    /// Interviewees a theme needs (at least 1).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = at_least_one)]
    pub min_interviewees: u64,

    /// Add or replace extraction rules from the *.toml files of this folder.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// `jtbd export quickwit`.
#[derive(Debug, clap::Args)]
pub struct SearchExportArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    /// The folder to write the documents and the index description to (with --ingest, a
    /// temporary folder when not given).
    #[arg(
        long,
        short = 'o',
        visible_alias = "out",
        value_name = "DIR",
        required_unless_present = "ingest"
    )]
    pub output: Option<PathBuf>,

    /// The engine: quickwit (NDJSON and an index config) or elasticsearch (_bulk and a mapping).
    #[arg(long, value_enum, default_value_t = SearchEngine::Quickwit)]
    pub to: SearchEngine,

    /// The index name written into the config and the bulk actions (default: `jtbd-`, the
    /// first folder's name and a hash of its path, one per study). Quickwit: a letter, then
    /// 2-254 letters, digits, `-`, `_`, `.`; Elasticsearch: lower case.
    #[arg(long, value_name = "NAME")]
    pub index_id: Option<String>,

    /// Load the documents into the Quickwit node at this URL: (re)create the index (an index of
    /// that id is deleted first, so a reload replaces it), send every chunk, wait for the
    /// commit and check the count Quickwit reports.
    #[arg(long, value_name = "URL")]
    pub ingest: Option<String>,

    /// Largest chunk in bytes (at most and by default 10 MiB): tests load many chunks with it.
    #[arg(long, hide = true, value_name = "BYTES")]
    pub chunk_bytes: Option<usize>,

    /// Add or replace extraction rules from the *.toml files of this folder.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// Where search documents go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchEngine {
    /// Quickwit.
    Quickwit,
    /// Elasticsearch (or OpenSearch).
    Elasticsearch,
}

/// `jtbd rules ...`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rule set: id, force, weight, cues, patterns, examples, where it is defined.
    #[command(
        after_help = "Examples:\n  jtbd rules list\n  jtbd rules list --rules my-rules/ --format jsonl\n  jtbd rules list --format csv > rules.csv\n\nExit codes: 0 listed, 2 error (a rule file that does not load)."
    )]
    List {
        /// Add or replace rules from the *.toml files of this folder.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Output format: human, jsonl (a `rule` message each), json (one document) or csv (one
        /// row per rule).
        #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Validate a folder of rule files: clear errors with file, line and rule id.
    #[command(
        after_help = "Examples:\n  jtbd rules check my-rules/\n\nExit codes: 0 every rule loads, 2 problems (each listed with file, line and rule id)."
    )]
    Check {
        /// The folder of *.toml rule files.
        dir: PathBuf,
    },
    /// Propose rule weights learned from the team's verdicts (corrections.jsonl), with the
    /// agreement before and after.
    #[command(after_help = crate::tune_cmd::TUNE_HELP)]
    Tune(crate::tune_cmd::TuneArgs),
    /// Run the examples of a folder's rules; exit 2 if any example fails.
    #[command(
        after_help = "Examples:\n  jtbd rules test my-rules/\n\nExit codes: 0 every example holds, 2 an example fails or a rule does not load."
    )]
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
  jtbd extract corpora/ --min-confidence 0.7     # fewer signals, more of them right

CSV: one row per signal, with the interview's metadata as columns.

Rules are TOML data: see `jtbd rules list`; add or replace rules with --rules DIR (the file
format is in docs/rules.md).

Exit codes: 0 interviews read, 1 nothing found, 2 error (any file that could not be read).";

const CLASSIFY_HELP: &str = "\
Prints one result per input line, in input order, blank lines included; by default a JSON object:
  {\"line\": 3, \"text\": \"...\", \"forces\": [\"frustration\"], \"rules\": [...], \"confidence\": {\"frustration\": 0.75}}

Examples:
  jtbd classify answers.txt
  printf 'I am worried about lock-in\\nGreat product\\n' | jtbd classify
  jtbd classify survey.txt --format csv > coded.csv      # back into a spreadsheet

Exit codes: 0 some line carries a force, 1 none does, 2 error.";

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

    /// Report a signal only at this confidence or more (0 to 1): higher trades recall for
    /// precision. `just eval` prints precision and recall at each step.
    #[arg(long, value_name = "X", value_parser = confidence)]
    pub min_confidence: Option<f64>,
}

/// A confidence from 0 to 1.
fn confidence(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a confidence from 0 to 1 (e.g. 0.7)")),
    }
}

const STORIES_HELP: &str = "\
Reads the transcripts, finds the forces in what interviewees said, and groups the signals of
several interviewees into themes: the topics of a codebook (a built-in one for technology and
security buyers, or your own with --codebook), then phrases several interviewees share that no
codebook names. A theme lists its strongest job stories, `When <situation>, I want to
<motivation>, so I can <outcome>.`, each one interviewee's, drafted from one passage of theirs:
every slot cites that person's quote; a slot they do not say is a gap, shown as
`[no evidence: ...]` and counted, never filled with anyone else's words. Stories also carry
chains (a fear or pain the same interviewee links to a want), who does the job and who benefits.
Segments cluster interviewees by the themes they struggle with, each with its cohesion, its
poster child, what their metadata have in common, and their language.

Examples:
  jtbd stories corpora/
  jtbd stories corpora/ --format markdown > stories.md
  jtbd stories calls/ --role CISO --min-interviewees 3
  jtbd stories calls/ --where industry=banking --format jsonl | jq -c 'select(.type == \"story\")'
  jtbd stories calls/ --codebook team-codes.qdc          # a codebook from ATLAS.ti, NVivo, MAXQDA
  jtbd stories calls/ --codebook ours.toml --own-codebook  # only our themes

Exit codes: 0 themes found, 1 none (too few interviewees share a theme), 2 error.
The grammar and templates are data: crates/jtbd-stories/data/stories.toml; the built-in
codebook: crates/jtbd-stories/data/codebook.toml (docs/stories.md). While the stories are
found, the interviewees' quotes wait in a temporary file of TMPDIR (about the size of the
transcripts), so memory does not grow with their text.";

/// The codebook that names themes.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CodebookArgs {
    /// Add themes from a codebook: TOML like the built-in one
    /// (crates/jtbd-stories/data/codebook.toml) or a REFI-QDA .qdc from ATLAS.ti, NVivo, MAXQDA
    /// or QualCoder (each code a theme, its name and a `Cues: a; b` line of its description
    /// its cues, matched on stems; a `Words: a; b` line, words matched as written). A theme with
    /// a built-in id replaces it. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub codebook: Vec<PathBuf>,

    /// Use only the --codebook files, not the built-in codebook of technology and security
    /// buyers' themes.
    #[arg(long)]
    pub own_codebook: bool,
}

/// `jtbd stories`.
#[derive(Debug, clap::Args)]
pub struct StoriesArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub codebook: CodebookArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = StoriesOutput::Human)]
    pub format: StoriesOutput,

    /// A theme (and its story) must rest on at least this many interviewees.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = at_least_one)]
    pub min_interviewees: u64,

    /// Only interviews whose participant role or title is this (any case). Repeatable.
    #[arg(long, value_name = "ROLE")]
    pub role: Vec<String>,

    /// Only interviews with this metadata KEY=VALUE (whole value, any case). Repeatable; one key
    /// given twice means either value.
    #[arg(long = "where", value_name = "KEY=VALUE", value_parser = parse_where)]
    pub wheres: Vec<(String, String)>,

    /// Add or replace extraction rules from the *.toml files of this folder.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Worker threads reading files (default: one per core). The output never depends on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Quotes listed per theme in JSON output, the strongest of each interviewee first (0: all;
    /// `strength.signals` counts them all).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub quotes: usize,
}

/// Output formats of `jtbd stories`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoriesOutput {
    /// For people, on a terminal.
    Human,
    /// JSON Lines: begin, theme, story, segment, summary messages.
    Jsonl,
    /// One JSON document.
    Json,
    /// Markdown, for a wiki or a pull request.
    Markdown,
}

/// `jtbd classify`.
#[derive(Debug, clap::Args)]
pub struct ClassifyArgs {
    /// The file to read, one item per line (stdin when absent): UTF-8, UTF-16 with a byte order
    /// mark, or lines saved in Windows-1252 (a note says so); a line that is none of these is
    /// named on stderr and left out, and the run exits 2 at the end.
    pub file: Option<PathBuf>,

    /// Add or replace rules from the *.toml files of this folder.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Report a force only at this confidence or more (0 to 1).
    #[arg(long, value_name = "X", value_parser = confidence)]
    pub min_confidence: Option<f64>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ClassifyOutput::Jsonl)]
    pub format: ClassifyOutput,

    /// Leave the input text out of each line (it is echoed by default, so the output reads on
    /// its own in a spreadsheet).
    #[arg(long)]
    pub no_text: bool,
}

/// Output formats of `jtbd classify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClassifyOutput {
    /// One JSON object per input line (schema/classify.schema.json).
    Jsonl,
    /// CSV: line, text, forces, rules, then a confidence column per force.
    Csv,
    /// Line number, forces with confidence, text.
    Human,
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
(or `error`, or `skipped`), then `summary`. CSV: one row per turn.

Exit codes: 0 interviews read, 1 nothing found, 2 error (any file that could not be read).";

const INDEX_HELP: &str = "\
Writes one document per turn, with its speaker, role, place, timestamp, the interview's metadata
and the forces extraction finds in it, into a tantivy index (default .jtbd/ in the current
folder, or $JTBD_INDEX). Run it again after files change: unchanged files are skipped, changed
ones replaced, files gone from the folders given removed. One writer at a time; searching while
it runs sees the last commit. A run that is killed leaves the index as of its last commit, and
the next run completes it.

Examples:
  jtbd index corpora/
  jtbd index calls/ --index ~/studies/q3.jtbd --meta calls/participants.csv
  jtbd index calls/ --rebuild            start over (after an upgrade that changed the schema)

Exit codes: 0 indexed, 1 nothing found (no transcript in the paths given), 2 error.";

const SEARCH_HELP: &str = "\
Query syntax (tantivy): words are ANDed; OR, AND, NOT (or -word); \"exact phrases\"; grouping
with ( ); fields: speaker:\"dana whitfield\", role:interviewee, meta.company:\"northwind bank\",
forces:/anxiety, line:[10 TO 40], timestamp_ms:[60000 TO 120000]. Words are matched after the
same normalising and stemming as extraction (worried = worrying = worry). An empty query with
filters lists every matching turn.

Examples:
  jtbd search 'lock in'
  jtbd search '\"lock in\"' --role CISO --force anxiety
  jtbd search 'budget OR cost' --role interviewee --where industry=banking
  jtbd search 'migration -cloud' --limit 50 --format jsonl | jq -r .data.path
  jtbd search 'regulater OR migrtion' --fuzzy --count      typos forgiven, one edit a word
  jtbd search \"don't\" --role interviewee     a word with an apostrophe is one word

With --quickwit URL (a node loaded by `jtbd export quickwit FOLDER --ingest URL`) the same
query and filters run there, translated (words stemmed, fields mapped: docs/scale.md);
--fuzzy needs the local index.

Exit codes: 0 hits, 1 no hits, 2 error (bad query, no index).";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Readable text.
    Human,
    /// JSON Lines: one message per line (the documented contract).
    Jsonl,
    /// One JSON document.
    Json,
    /// CSV: one row per turn (ingest), signal (extract) or hit (search).
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

    /// Show every turn whole in the human view (it is cut at one line otherwise).
    #[arg(long)]
    pub full: bool,
}

/// Where the index lives.
#[derive(Debug, clap::Args)]
pub struct IndexLocation {
    /// The index folder (default: $JTBD_INDEX, else .jtbd in the current folder); `jtbd search`
    /// also takes the folder `jtbd analyze --out` wrote.
    #[arg(long, value_name = "DIR", env = "JTBD_INDEX", default_value = ".jtbd")]
    pub index: PathBuf,
}

/// `jtbd index`.
#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub location: IndexLocation,

    /// Delete the index and build it anew.
    #[arg(long)]
    pub rebuild: bool,

    /// Add or replace extraction rules from the *.toml files of this folder.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Commit after this many input bytes (K, M, G suffixes): a killed run keeps what was
    /// committed. Few large commits index fastest.
    #[arg(long, value_name = "SIZE", default_value = "256M", value_parser = parse_size)]
    pub commit_every: u64,

    /// Output format of the run's report on stdout (human goes to stderr only).
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// Formats of a run report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A line on stderr.
    Human,
    /// JSON Lines on stdout: `begin`, `error`s, `summary`.
    Jsonl,
}

/// `jtbd search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query (tantivy syntax; see below). Empty ('') with filters: every matching turn.
    #[arg(value_name = "QUERY")]
    pub query: String,

    #[command(flatten)]
    pub location: IndexLocation,

    /// Speaker role (interviewer, interviewee, unknown), or the participant's role or title
    /// from metadata (CISO, CTO...). Repeat for alternatives.
    #[arg(long, value_name = "ROLE")]
    pub role: Vec<String>,

    /// Speaker name, whole, any case. Repeatable.
    #[arg(long, value_name = "NAME")]
    pub speaker: Vec<String>,

    /// Only turns where extraction found this force: anxiety, frustration, desired_progress,
    /// habit. Repeatable.
    #[arg(long, value_name = "FORCE", value_parser = parse_force)]
    pub force: Vec<jtbd_model::Force>,

    /// Metadata filter KEY=VALUE (company=Northwind Bank), whole value, any case. Repeatable;
    /// one key given twice means either value.
    #[arg(long = "where", value_name = "KEY=VALUE", value_parser = parse_where)]
    pub wheres: Vec<(String, String)>,

    /// Hits to show.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,

    /// Print only the number of matching turns.
    #[arg(long)]
    pub count: bool,

    /// Let each word match words one edit away (typos: `migrtion` finds migration).
    #[arg(long)]
    pub fuzzy: bool,

    /// Show each hit's whole turn in the human view, matches marked (a snippet otherwise).
    #[arg(long)]
    pub full: bool,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Search the Quickwit node at this URL (loaded by `jtbd export quickwit --ingest`) instead
    /// of the local index: the same query language and filters, the same output.
    #[arg(long, value_name = "URL")]
    pub quickwit: Option<String>,

    /// The Quickwit index to search (default: the node's only `jtbd-` index).
    #[arg(long, value_name = "ID", requires = "quickwit")]
    pub index_id: Option<String>,
}

fn parse_force(s: &str) -> Result<jtbd_model::Force, String> {
    jtbd_model::Force::parse(s).ok_or_else(|| {
        format!("unknown force {s:?}; one of: anxiety, frustration, desired_progress, habit")
    })
}

fn parse_where(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
        _ => Err(format!(
            "expected KEY=VALUE (like company=Northwind Bank), got {s:?}"
        )),
    }
}

/// What to read and how: shared by every command that reads transcripts.
#[derive(Debug, Clone, clap::Args)]
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

    /// Inside folders, read only files matching this glob; `!GLOB` leaves matches out
    /// (repeatable, as ripgrep's --glob: `--glob '*.vtt' --glob '!drafts/**'`).
    #[arg(long, short = 'g', value_name = "GLOB")]
    pub glob: Vec<String>,

    /// Inside folders, leave out files and folders matching this glob (repeatable; the same as
    /// `--glob '!GLOB'`).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Read files that a `.gitignore` or `.ignore` inside the folders leaves out.
    #[arg(long)]
    pub no_ignore: bool,

    /// The research team's verdicts on the signals (default: corrections.jsonl in the first
    /// folder given, when there is one): `extract`, `stories`, `index` and `analyze` leave
    /// rejected signals out, give recoded ones their new force and add the added ones. See
    /// docs/review.md.
    #[arg(long, value_name = "FILE")]
    pub corrections: Option<PathBuf>,

    /// Folders never read (a command's own output folder inside the folder it reads).
    #[arg(skip)]
    pub skip_dirs: Vec<PathBuf>,
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

/// A count that must be 1 or more (`--min-interviewees`): said in words, not as a range of
/// 64-bit numbers.
fn at_least_one(v: &str) -> Result<u64, String> {
    match v.trim().parse::<u64>() {
        Ok(0) => Err("must be 1 or more (a theme rests on one interviewee at least)".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{v}` is not a whole number (1, 2, 3...)")),
    }
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
