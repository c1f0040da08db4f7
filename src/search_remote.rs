//! `jtbd search --quickwit URL`: the same query and filters against a Quickwit node holding the
//! search export, translated by `jtbd_index::remote`, printed as local results are.

use crate::cli::SearchArgs;
use crate::quickwit::Quickwit;
use crate::search_cmd::{render, request, with_caret};
use crate::style::Style;
use std::io::Write;
use std::time::Instant;

/// Runs the search on Quickwit; returns the number of matching turns.
pub fn run(args: &SearchArgs, style: Style, url: &str) -> anyhow::Result<usize> {
    let started = Instant::now();
    let req = request(args);
    let body = jtbd_index::remote::query_body(&req).map_err(|e| with_caret(&args.query, e))?;
    let node = Quickwit::new(url)?;
    let index = match &args.index_id {
        Some(id) => id.clone(),
        None => only_study(&node, url)?,
    };
    if node.published(&index)?.is_none() {
        anyhow::bail!(
            "{url} has no index {index:?}; its indexes: {} (load one with `jtbd export quickwit FOLDER --ingest {url}`)",
            node.indexes()?.join(", ")
        );
    }
    let limit = if args.count { 0 } else { args.limit };
    let (total, found) = node.search(&index, body, limit)?;
    if args.count {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{total}")?;
        out.flush()?;
    } else {
        let results = jtbd_index::remote::present(&req, total, &found)?;
        render(args, style, &results, started)?;
    }
    if total == 0 {
        eprintln!("no turns match '{}' in Quickwit index {index}", args.query);
    }
    Ok(total)
}

/// The node's one index named as `jtbd export` names them; an error listing them otherwise.
fn only_study(node: &Quickwit, url: &str) -> anyhow::Result<String> {
    let ids: Vec<String> = node
        .indexes()?
        .into_iter()
        .filter(|i| i.starts_with("jtbd"))
        .collect();
    match ids.as_slice() {
        [one] => Ok(one.clone()),
        [] => anyhow::bail!(
            "{url} holds no jtbd index; load one with `jtbd export quickwit FOLDER --ingest {url}`"
        ),
        many => anyhow::bail!(
            "{url} holds several jtbd indexes; choose one with --index-id: {}",
            many.join(", ")
        ),
    }
}
