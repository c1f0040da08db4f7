//! `jtbd serve FOLDER`: the review loop in a browser, on 127.0.0.1 only. The folder is read
//! once as `jtbd stories` reads it (`serve::state`); the page shows themes, their stories and
//! quotes, each quote in its transcript, with the search of `jtbd search` over an in-memory
//! index of the same interviews; its buttons append verdicts to the corrections file and the
//! page shows the findings derived again. One request is answered at a time: a reviewer's
//! clicks, not a crowd.

use crate::cli::{CodebookArgs, ReadArgs};
use crate::outcome::Outcome;
use crate::serve::routes::{self, Server};
use crate::serve::state::{Reading, Study};
use anyhow::Context;
use std::path::PathBuf;

pub const SERVE_HELP: &str = "\
Opens a review page at http://127.0.0.1:PORT/ (printed on stderr): themes, their job stories and
quotes, each quote with its signal id and force and the transcript around it; a search box with
the filters of `jtbd search`. The buttons write verdicts, one JSON line each, to
corrections.jsonl at the root of the folder (or --corrections FILE; made when missing):
  accept / reject       the signal is right / wrong
  recode                it carries the force chosen beside the button
  add                   (in the transcript) an interviewee's sentence is a signal the rules missed
Each line gets `by` (--by, else $USER) and `at` (today); the page then shows the findings again,
with the verdict applied, as `jtbd stories` and `jtbd analyze` will. A verdict the file would
not take (an unknown id, a sentence of the interviewer, a path outside the folder) is refused
with its reason and nothing is written.

The server listens on 127.0.0.1 only and answers only requests addressed to it there. Search
runs over an index of the folder built in memory at start (no .jtbd folder is read or written),
so it always holds the corrected forces. Stop it with Ctrl-C.

Examples:
  jtbd serve interviews/
  jtbd serve interviews/ --port 8080 --by dana
  jtbd serve interviews/ --corrections review/round-2.jsonl
  curl -s http://127.0.0.1:7878/api/study | jq '.themes[].label'

Exit codes: 2 error (no folder, the port in use); it runs until stopped otherwise.";

/// `jtbd serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub read: ReadArgs,

    #[command(flatten)]
    pub codebook: CodebookArgs,

    /// The port on 127.0.0.1 (0: any free port; the URL is printed on stderr).
    #[arg(long, short = 'p', default_value_t = 7878)]
    pub port: u16,

    /// The reviewer's name, written as `by` on every verdict (default: $USER).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,

    /// A theme (and its story) must rest on at least this many interviewees.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..))]
    pub min_interviewees: u64,

    /// Add or replace extraction rules from the *.toml files of this folder.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// Runs `jtbd serve` until the process is stopped.
pub fn run(args: &ServeArgs, quiet: bool) -> anyhow::Result<Outcome> {
    let folder = match args.read.paths.as_slice() {
        [one] if one.is_dir() => one.clone(),
        [one] => anyhow::bail!(
            "{}: not a folder (jtbd serve reviews one folder of transcripts)",
            one.display()
        ),
        _ => anyhow::bail!("give one folder: jtbd serve FOLDER"),
    };
    // Bound first: a port in use is said before the folder is read.
    let listener = std::net::TcpListener::bind(("127.0.0.1", args.port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!(
                "127.0.0.1:{} is in use (another jtbd serve?): choose another with --port",
                args.port
            )
        } else {
            anyhow::anyhow!("cannot listen on 127.0.0.1:{}: {e}", args.port)
        }
    })?;
    let port = listener.local_addr()?.port();
    let file = args
        .read
        .corrections
        .clone()
        .unwrap_or_else(|| folder.join(crate::corrections::FILE_NAME));
    let study = Study::load(&Reading {
        read: &args.read,
        rules: args.rules.as_deref(),
        codebook: &args.codebook,
        min_interviewees: usize::try_from(args.min_interviewees).unwrap_or(usize::MAX),
        file: file.clone(),
        quiet,
    })?;
    let by = args
        .by
        .clone()
        .or_else(|| {
            ["USER", "USERNAME", "LOGNAME"]
                .iter()
                .find_map(|v| std::env::var(v).ok())
        })
        .filter(|b| !b.trim().is_empty());
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| anyhow::anyhow!("cannot serve on 127.0.0.1:{port}: {e}"))?;
    let host = format!("127.0.0.1:{port}");
    eprintln!(
        "jtbd serve: http://{host}/ ({} interviews, {} themes; verdicts go to {}; Ctrl-C to stop)",
        study.loaded.len(),
        study.findings.themes.len(),
        file.display()
    );
    let mut state = Server {
        study,
        host,
        port,
        by,
        folder_shown: folder.display().to_string(),
        file_shown: file.display().to_string(),
    };
    for req in server.incoming_requests() {
        // A bug must cost one answer (tiny_http answers 500 for a request dropped unanswered),
        // not the reviewer's session.
        let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            routes::handle(&mut state, req)
        }));
        if handled.is_err() {
            eprintln!("error: a request failed inside jtbd serve (a bug: please report it)");
        }
    }
    Err(std::io::Error::other("the server stopped listening")).context("jtbd serve")
}
