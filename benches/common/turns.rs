//! The turns of a corpus as a TSV for SQLite FTS5 (`role, industry, text`, one line per
//! turn), read by jtbd's own reader: the peers index the same turns jtbd does.

use std::io::Write;
use std::path::{Path, PathBuf};

/// One line per turn: role, industry, text (what FTS5 indexes).
pub fn write_turns_tsv(corpus: &Path, out: &Path) {
    if out.exists() {
        return;
    }
    let mut w = std::io::BufWriter::new(std::fs::File::create(out).unwrap());
    let opts = jtbd_ingest::Options::default();
    let mut paths: Vec<PathBuf> = jtbd_ingest::walk(&[corpus.to_path_buf()])
        .filter_map(|i| match i {
            jtbd_ingest::WalkItem::File { path, .. } => Some(path),
            _ => None,
        })
        .collect();
    paths.sort();
    for p in paths {
        let i = jtbd_ingest::read_path(&p, &p.to_string_lossy(), &opts, None).unwrap();
        let industry = i.metadata.get("industry").cloned().unwrap_or_default();
        for t in &i.turns {
            let text: Vec<&str> = t.sentences.iter().map(|s| s.text(&i.source)).collect();
            let text = text.join(" ").replace(['\t', '\n'], " ");
            writeln!(w, "{}\t{industry}\t{text}", t.role.as_str()).unwrap();
        }
    }
}
