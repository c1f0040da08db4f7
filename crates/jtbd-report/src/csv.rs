//! CSV that spreadsheets open right: UTF-8 (with a byte order mark for Excel on request), one row
//! per signal or story, the interview's metadata as columns, and no cell a spreadsheet would run
//! as a formula.

use crate::Study;
use jtbd_model::Force;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// What Excel needs to read a CSV file as UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Metadata keys that have a column of their own, to sort and filter by without a join; every
/// key is also in the `metadata` column.
const META_COLUMNS: [jtbd_model::MetaKey; 6] = jtbd_model::MetaKey::COLUMNS;

/// The CSV columns of an interview's metadata (a participant's `role` is `participant_role`,
/// beside the speaker's `role`).
pub const META_HEADER: [&str; 7] = [
    "participant",
    "participant_role",
    "title",
    "company",
    "industry",
    "size",
    "metadata",
];

/// The cells under [`META_HEADER`]: the six keys, then every key as `key=value; ...`.
pub fn metadata_cells(m: &BTreeMap<String, String>) -> [Cow<'_, str>; 7] {
    let all: String = m
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let [a, b, c, d, e, f] =
        META_COLUMNS.map(|k| safe(m.get(k.as_str()).map_or("", String::as_str)));
    [a, b, c, d, e, f, safe(&all).into_owned().into()]
}

/// A header: the columns before the metadata, the metadata's, and the ones after.
pub fn header_with_metadata<'a>(before: &[&'a str], after: &[&'a str]) -> Vec<Cow<'a, str>> {
    before
        .iter()
        .chain(&META_HEADER)
        .chain(after)
        .map(|c| Cow::from(*c))
        .collect()
}

/// A cell a spreadsheet would run as a formula (`= + - @`, tab, carriage return first) gets a
/// leading `'` (CSV injection).
pub fn safe(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Rows as CSV bytes.
pub fn rows<'a, I, R>(rows: I) -> io::Result<Vec<u8>>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = Cow<'a, str>>,
{
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for row in rows {
        let row: Vec<Cow<'a, str>> = row.into_iter().collect();
        w.write_record(row.iter().map(|c| c.as_bytes()))
            .map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// The columns of a signal after the interview's metadata, in every signals CSV (`jtbd extract
/// --format csv`, and `signals.csv` of `jtbd analyze`, which adds `theme`).
pub const SIGNAL_COLUMNS: [&str; 12] = [
    "line",
    "byte_start",
    "byte_end",
    "timestamp",
    "speaker",
    "role",
    "force",
    "confidence",
    "rules",
    "cues",
    "text",
    "question",
];

/// The cells of a signal under [`SIGNAL_COLUMNS`].
pub fn signal_cells(row: &crate::SignalRow) -> [Cow<'_, str>; 12] {
    let s = &row.quote;
    [
        s.line.to_string().into(),
        s.byte_start.to_string().into(),
        s.byte_end.to_string().into(),
        s.timestamp
            .map(|t| t.to_string())
            .unwrap_or_default()
            .into(),
        safe(s.speaker.as_deref().unwrap_or("")),
        s.role.as_str().into(),
        row.force.as_str().into(),
        format!("{:.3}", row.confidence).into(),
        row.rules.join(" ").into(),
        safe(&row.cues.join(" | ")).into_owned().into(),
        safe(&jtbd_text::markup::readable(&s.text))
            .into_owned()
            .into(),
        safe(row.question.as_deref().unwrap_or("")),
    ]
}

/// `signals.csv`: one row per signal, with its interview's metadata and the theme it joined.
pub fn signals(study: &Study<'_>, excel: bool, out: &mut dyn Write) -> io::Result<()> {
    if excel {
        out.write_all(UTF8_BOM)?;
    }
    let themes = theme_of(study);
    let header = header_with_metadata(
        &["interview", "path"],
        &[&SIGNAL_COLUMNS[..], &["theme"]].concat(),
    );
    // An interview's metadata cells are made once, not once for each of its signals.
    let meta: Vec<[Cow<'_, str>; 7]> = study
        .interviews
        .iter()
        .map(|i| metadata_cells(&i.metadata))
        .collect();
    out.write_all(&rows([header])?)?;
    par_rows(
        study.signals,
        |s| {
            let i = &study.interviews[s.interview];
            let mut row: Vec<Cow<'_, str>> = vec![i.id.as_str().into(), safe(&i.path)];
            row.extend(meta[s.interview].iter().map(|c| Cow::Borrowed(c.as_ref())));
            let theme = themes
                .get(&(s.interview, s.quote.byte_start))
                .map_or("", |t| t.1);
            row.extend(signal_cells(s));
            row.push(safe(theme));
            row
        },
        out,
    )
}

/// Rows of `items` as CSV, made on every core a batch at a time (so memory stays bounded) and
/// written in order: a study's signals CSV is several times the size of its transcripts.
fn par_rows<'a, T: Sync>(
    items: &'a [T],
    row: impl Fn(&'a T) -> Vec<Cow<'a, str>> + Sync,
    out: &mut dyn Write,
) -> io::Result<()> {
    use rayon::prelude::*;
    const CHUNK: usize = 2048;
    for batch in items.chunks(CHUNK * 16) {
        let parts: Vec<io::Result<Vec<u8>>> = batch
            .par_chunks(CHUNK)
            .map(|chunk| rows(chunk.iter().map(&row)))
            .collect();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    Ok(())
}

/// The theme (id, label) each signal joined, by (interview, file byte start of its quote): the
/// study keeps one record per interview, in the same order.
pub fn theme_of<'a>(
    study: &Study<'a>,
) -> std::collections::HashMap<(usize, usize), (&'a str, &'a str)> {
    let mut out = std::collections::HashMap::new();
    for t in &study.findings.themes {
        for r in &t.signals {
            let q = &study.records[r.record].said[r.said].quote;
            out.insert((r.record, q.byte_start), (t.id.as_str(), t.label.as_str()));
        }
    }
    out
}

/// Columns of `stories.csv`.
const STORY_COLUMNS: [&str; 17] = [
    "theme_id",
    "theme",
    "story",
    "interviewees",
    "companies",
    "roles",
    "signals",
    "anxiety",
    "frustration",
    "desired_progress",
    "situation_quote",
    "situation_place",
    "motivation_quote",
    "motivation_place",
    "outcome_quote",
    "outcome_place",
    "who",
];

/// `stories.csv`: one row per job story, with its theme's strength and each slot's quote and
/// place (`path:line`), or empty where the story has a gap.
pub fn stories(study: &Study<'_>, excel: bool, out: &mut dyn Write) -> io::Result<()> {
    if excel {
        out.write_all(UTF8_BOM)?;
    }
    let f = study.findings;
    let header: Vec<Cow<'_, str>> = STORY_COLUMNS.iter().map(|c| Cow::from(*c)).collect();
    let body = f.stories.iter().map(|story| {
        let t = &f.themes[story.theme];
        let s = &t.strength;
        let mut row: Vec<Cow<'_, str>> = vec![
            t.id.as_str().into(),
            safe(&t.label),
            safe(&story.text),
            s.interviewees.to_string().into(),
            s.companies.to_string().into(),
            s.roles.to_string().into(),
            s.signals.to_string().into(),
            s.anxiety.to_string().into(),
            s.frustration.to_string().into(),
            s.desired_progress.to_string().into(),
        ];
        for (_, slot) in crate::slots(story) {
            match slot {
                Some(d) => {
                    let rec = &study.records[d.evidence.record];
                    row.push(
                        safe(&jtbd_text::markup::readable(&d.evidence.quote.text))
                            .into_owned()
                            .into(),
                    );
                    row.push(
                        safe(&format!("{}:{}", rec.path, d.evidence.quote.line))
                            .into_owned()
                            .into(),
                    );
                }
                None => row.extend([Cow::from(""), Cow::from("")]),
            }
        }
        let who: Vec<&str> = t
            .signals
            .iter()
            .map(|r| study.records[r.record].interviewee.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        row.push(safe(&who.join("; ")).into_owned().into());
        row
    });
    out.write_all(&rows(std::iter::once(header).chain(body))?)
}

/// The force names in output order, for headers.
pub fn force_names() -> [&'static str; 4] {
    Force::ALL.map(Force::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx"] {
            assert!(safe(bad).starts_with('\''), "{bad}");
        }
        assert_eq!(safe("plain - text"), "plain - text");
        let bytes = rows([[safe("=HYPERLINK(\"x\")"), Cow::from("a,b")]]).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\"'=HYPERLINK(\"\"x\"\")\",\"a,b\"\n"
        );
    }
}
