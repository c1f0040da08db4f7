//! `jtbd export quickwit --ingest URL`: the written export into a Quickwit node, whole or with
//! an error: the index replaced (deleted, then created from the written config), every chunk
//! sent and committed, the count Quickwit publishes checked against the documents written.

use crate::quickwit::Quickwit;
use anyhow::Context;
use std::path::PathBuf;

/// Loads the files of one export (`quickwit-index.yaml` and `docs-*.ndjson`).
pub fn load(
    url: &str,
    index_id: &str,
    files: &[PathBuf],
    docs: usize,
    quiet: bool,
) -> anyhow::Result<()> {
    let node = Quickwit::new(url)?;
    let config = files
        .iter()
        .find(|f| f.ends_with("quickwit-index.yaml"))
        .context("the export wrote no quickwit-index.yaml")?;
    let config = std::fs::read_to_string(config)
        .with_context(|| format!("{}: cannot read", config.display()))?;
    if let Some(held) = node.published(index_id)? {
        if !quiet {
            eprintln!("replacing Quickwit index {index_id} ({held} documents) at {url}");
        }
        node.delete(index_id)?;
    }
    node.create(&config).with_context(|| {
        format!("cannot create index {index_id} (an index of that id is gone: load again)")
    })?;
    let mut sent = 0u64;
    let chunks: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "ndjson"))
        .collect();
    // Loading 100 MB takes about a minute: a bar over the chunk files, on a terminal.
    let bar = crate::pipeline::progress_bar_for("loading into Quickwit", quiet);
    bar.set_length(chunks.len() as u64);
    for chunk in chunks {
        let bytes =
            std::fs::read(chunk).with_context(|| format!("{}: cannot read", chunk.display()))?;
        // Each chunk is committed (one split each; Quickwit scores within a split, see
        // docs/scale.md): committing only the last one gave one split, but a node measured here
        // then refused a reload of that index for minutes ("no shards available").
        let took = node
            .ingest(index_id, &bytes, true)
            .with_context(|| format!("{}: not loaded", chunk.display()))?;
        sent += took;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let published = node.published(index_id)?.unwrap_or(0);
    if published != docs as u64 || sent != docs as u64 {
        anyhow::bail!(
            "Quickwit index {index_id} publishes {published} documents ({sent} taken) but the \
             export has {docs}"
        );
    }
    if !quiet {
        eprintln!(
            "loaded {docs} documents into Quickwit index {index_id} at {url}\n\
             search it with: jtbd search QUERY --quickwit {url} --index-id {index_id}"
        );
    }
    Ok(())
}
