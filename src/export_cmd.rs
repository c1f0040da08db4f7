//! `jtbd export`: a study for other tools. Wires the shared pass (`study_cmd::gather`) to the
//! exporters of `jtbd-report`: REFI-QDA projects and codebooks, Quickwit and Elasticsearch.

use crate::cli::{ExportArgs, ExportCommand, SearchEngine, SearchExportArgs};
use crate::outcome::Outcome;
use anyhow::Context;
use jtbd_report::search_export::{Chunks, Target, check_index_id, default_index_id, turn_docs};

/// Runs `jtbd export ...`; returns the exit code.
pub fn run(cmd: &ExportCommand, quiet: bool) -> anyhow::Result<Outcome> {
    let read = match cmd {
        ExportCommand::Qdpx(args) | ExportCommand::Qdc(args) => &args.read,
        ExportCommand::Quickwit(args) => &args.read,
    };
    crate::pipeline::check_inputs(&read.paths)?;
    match cmd {
        ExportCommand::Qdpx(args) => qdpx(args, quiet),
        ExportCommand::Qdc(args) => qdc(args, quiet),
        ExportCommand::Quickwit(args) => search(args, quiet),
    }
}

fn min(args: &ExportArgs) -> usize {
    usize::try_from(args.min_interviewees).unwrap_or(usize::MAX)
}

/// Where the signal rows of a study written to the file `output` are kept while it is read:
/// beside it.
fn spill_dir(output: &std::path::Path) -> &std::path::Path {
    match output.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => std::path::Path::new("."),
    }
}

fn outcome(errors: usize, interviews: usize) -> Outcome {
    Outcome::of_transcripts(errors, interviews)
}

fn qdpx(args: &ExportArgs, quiet: bool) -> anyhow::Result<Outcome> {
    let path = &args.output;
    let mut staged = jtbd_report::atomic::Staged::create(path)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    // The zip needs to seek; it is built in memory and written whole.
    let mut project = jtbd_report::qdpx::Qdpx::new(std::io::Cursor::new(Vec::new()));
    // A project is shared: its sources name their folder, never this machine's path.
    let roots = crate::identity::Roots::new(&args.read.paths);
    let g = crate::study_cmd::gather(
        &args.read,
        &args.codebook,
        args.rules.as_deref(),
        min(args),
        quiet,
        None,
        spill_dir(path),
        |k, i, found, _| {
            // The file's modification time dates its source when no `date` metadata does.
            let modified = std::fs::metadata(&i.path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs());
            let shown = roots.relative(std::path::Path::new(&i.path));
            project.add(k, i, found, &shown, modified)?;
            Ok(())
        },
    )?;
    let bytes = project.finish(&g.study())?.into_inner();
    std::io::Write::write_all(&mut staged, &bytes)?;
    staged.commit()?;
    if !quiet {
        eprintln!(
            "wrote {}: {} sources, {} coded selections, {} themes as codes",
            path.display(),
            g.interviews.len(),
            g.signals.len(),
            g.findings.themes.len()
        );
    }
    Ok(outcome(g.errors(), g.interviews.len()))
}

fn qdc(args: &ExportArgs, quiet: bool) -> anyhow::Result<Outcome> {
    let g = crate::study_cmd::gather(
        &args.read,
        &args.codebook,
        args.rules.as_deref(),
        min(args),
        quiet,
        None,
        spill_dir(&args.output),
        |_, _, _, _| Ok(()),
    )?;
    jtbd_report::atomic::write(&args.output, |w| jtbd_report::qdpx::codebook(&g.study(), w))
        .with_context(|| format!("{}: cannot write", args.output.display()))?;
    if !quiet {
        eprintln!(
            "wrote {}: 4 forces and {} themes as codes",
            args.output.display(),
            g.findings.themes.len()
        );
    }
    Ok(outcome(g.errors(), g.interviews.len()))
}

fn search(args: &SearchExportArgs, quiet: bool) -> anyhow::Result<Outcome> {
    let target = match args.to {
        SearchEngine::Quickwit => Target::Quickwit,
        SearchEngine::Elasticsearch => Target::Elasticsearch,
    };
    if args.ingest.is_some() && target != Target::Quickwit {
        anyhow::bail!(
            "--ingest loads into Quickwit only; for Elasticsearch, send each bulk-*.ndjson to \
             its _bulk endpoint (see `jtbd export quickwit --help`)"
        );
    }
    let index_id = match &args.index_id {
        Some(id) => id.clone(),
        None => default_index_id(&args.read.paths[0]),
    };
    check_index_id(target, &index_id).map_err(|e| anyhow::anyhow!("--index-id: {e}"))?;
    // With --ingest and no -o, the chunks go to a temporary folder removed afterwards.
    let (output, temporary) = match &args.output {
        Some(dir) => (dir.clone(), false),
        None => (
            std::env::temp_dir().join(format!("jtbd-export-{}", std::process::id())),
            true,
        ),
    };
    let result = write_and_load(args, target, &index_id, &output, quiet);
    if temporary {
        let _ = std::fs::remove_dir_all(&output);
    }
    result
}

fn write_and_load(
    args: &SearchExportArgs,
    target: Target,
    index_id: &str,
    output: &std::path::Path,
    quiet: bool,
) -> anyhow::Result<Outcome> {
    let mut chunks = Chunks::new(output, target, index_id)
        .with_context(|| format!("{}: cannot create", output.display()))?;
    if let Some(bytes) = args.chunk_bytes {
        chunks = chunks.with_limit(bytes);
    }
    let g = crate::study_cmd::gather(
        &args.read,
        &crate::cli::CodebookArgs::default(),
        args.rules.as_deref(),
        2,
        quiet,
        None,
        output,
        |_, i, found, _| {
            let forces = crate::index_cmd::forces_by_turn(i, found);
            for doc in turn_docs(i, &forces) {
                chunks.add(&doc)?;
            }
            Ok(())
        },
    )?;
    let docs = chunks.docs;
    let files = chunks.finish()?;
    if !quiet && args.output.is_some() {
        eprintln!(
            "wrote {docs} documents in {} files to {} for index {index_id}",
            files.len(),
            output.display()
        );
    }
    if let Some(url) = &args.ingest {
        crate::quickwit_load::load(url, index_id, &files, docs, quiet)?;
    }
    Ok(outcome(g.errors(), g.interviews.len()))
}
