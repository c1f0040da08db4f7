//! CSV that spreadsheets open right: UTF-8 with a byte order mark (Excel reads it as UTF-8; a
//! script can ask for none), one row
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

/// The columns of every signals CSV (`jtbd extract --format csv`, and `signals.csv` of `jtbd
/// analyze`, which adds `theme` after the quote), in the order a reader scans them: who, which
/// force, the words, then where (interview, line, time), then the rest.
pub const SIGNAL_LEAD: [&str; 3] = ["interviewee", "force", "quote"];
/// After the lead (and the theme): where the quote stands and who said it.
pub const SIGNAL_PLACE: [&str; 5] = ["interview", "line", "timestamp", "speaker", "role"];
/// After the interview's metadata: how it was found, and the exact bytes.
pub const SIGNAL_TAIL: [&str; 8] = [
    "confidence",
    "rules",
    "cues",
    "question",
    "interview_id",
    "byte_start",
    "byte_end",
    "signal_id",
];

/// The header of a signals CSV; `theme` only where themes were found.
pub fn signal_header(with_theme: bool) -> Vec<Cow<'static, str>> {
    let theme: &[&'static str] = if with_theme { &["theme"] } else { &[] };
    SIGNAL_LEAD
        .iter()
        .chain(theme)
        .chain(&SIGNAL_PLACE)
        .chain(&META_HEADER)
        .chain(&SIGNAL_TAIL)
        .map(|c| Cow::from(*c))
        .collect()
}

/// One row under [`signal_header`]: the signal `row` of the interview `id` shown as `path`,
/// whose interviewee is `interviewee` and whose metadata cells are `meta`; `theme` (empty when
/// it joined none) only where the header has the column.
pub fn signal_row<'a>(
    interviewee: &'a str,
    id: &'a str,
    path: &'a str,
    meta: &'a [Cow<'a, str>; 7],
    row: &'a crate::SignalRow,
    theme: Option<&'a str>,
) -> Vec<Cow<'a, str>> {
    let s = &row.quote;
    let mut cells: Vec<Cow<'a, str>> = Vec::with_capacity(24);
    cells.extend([
        safe(interviewee),
        row.force.as_str().into(),
        safe(&jtbd_text::markup::readable(&s.text))
            .into_owned()
            .into(),
    ]);
    cells.extend(theme.map(safe));
    cells.extend([
        safe(path),
        s.line.to_string().into(),
        s.timestamp
            .map(|t| t.to_string())
            .unwrap_or_default()
            .into(),
        safe(s.speaker.as_deref().unwrap_or("")),
        s.role.as_str().into(),
    ]);
    cells.extend(meta.iter().map(|c| Cow::Borrowed(c.as_ref())));
    cells.extend([
        format!("{:.3}", row.confidence).into(),
        row.rules.join(" ").into(),
        safe(&row.cues.join(" | ")).into_owned().into(),
        safe(row.question.as_deref().unwrap_or("")),
        id.into(),
        s.byte_start.to_string().into(),
        s.byte_end.to_string().into(),
        // The id `corrections.jsonl` names it by, made of what the row holds: the same as the
        // JSON Lines' `id`.
        jtbd_model::signal_id(id, s.byte_start, s.byte_end, row.force, &s.text).into(),
    ]);
    cells
}

/// `signals.csv`: one row per signal, with its interview's metadata and the theme it joined.
/// Paths as the report shows them (below the folder read).
pub fn signals(study: &Study<'_>, bom: bool, out: &mut dyn Write) -> io::Result<()> {
    if bom {
        out.write_all(UTF8_BOM)?;
    }
    // An interview's metadata cells are made once, not once for each of its signals.
    let meta: Vec<[Cow<'_, str>; 7]> = study
        .interviews
        .iter()
        .map(|i| metadata_cells(&i.metadata))
        .collect();
    out.write_all(&rows([signal_header(true)])?)?;
    // Made on every core an interview at a time, written in order: a study's signals CSV is
    // several times the size of its transcripts.
    study.signals.par_map(
        |signals| {
            rows(signals.iter().map(|s| {
                let i = &study.interviews[s.interview];
                let theme = study
                    .theme_of(s.interview, s.quote.byte_start)
                    .map_or("", |t| t.label.as_str());
                signal_row(
                    study.shown(i.people.of_quote(&s.quote)),
                    &i.id,
                    study.shown(&i.path),
                    &meta[s.interview],
                    s,
                    Some(theme),
                )
            }))
        },
        |made| out.write_all(&made?),
    )
}

/// The theme each signal joined, by (interview, file byte start of its quote): made once a run
/// ([`Study::theme_of`]), for `signals.csv`, the report and the REFI-QDA project.
pub(crate) fn theme_of(study: &Study<'_>) -> ThemeOf {
    use jtbd_stories::SignalRef;
    let records = study.records;
    let mut by_interview: Vec<(usize, usize)> = (0..records.len())
        .map(|r| (records.head(r).interview, r))
        .collect();
    by_interview.sort_unstable();
    let unsorted = (0..records.len())
        .map(|r| {
            let n = records.said_count(r);
            !(0..n)
                .map(|said| records.byte_start(SignalRef { record: r, said }))
                .is_sorted()
        })
        .collect();
    ThemeOf {
        by_interview,
        unsorted,
    }
}

/// Finds the signals a quote stands for: each interview's records, and each record's signals by
/// where their quotes start (in file order, so halved, but for a record whose are not). The
/// themes come from [`jtbd_stories::Findings::joined`], 4 bytes a signal: a table keyed by
/// (interview, byte start) took 24, and three times that while it was made.
#[derive(Debug, Default)]
pub struct ThemeOf {
    /// (interview, record) of every record, sorted.
    by_interview: Vec<(usize, usize)>,
    /// By record: its quotes do not start in file order.
    unsorted: Vec<bool>,
}

impl ThemeOf {
    /// The index of the theme the signal quoting `byte_start` of `interview` joined. Where two
    /// signals of one sentence joined themes, the later theme's stands (as when a table of them
    /// was filled theme by theme).
    pub(crate) fn get(
        &self,
        records: &jtbd_stories::Records,
        joined: &jtbd_stories::Joined,
        interview: usize,
        byte_start: usize,
    ) -> Option<usize> {
        use jtbd_stories::SignalRef;
        let from = self.by_interview.partition_point(|&(i, _)| i < interview);
        let mut best = None;
        for &(_, record) in self.by_interview[from..]
            .iter()
            .take_while(|(i, _)| *i == interview)
        {
            let start = |said| records.byte_start(SignalRef { record, said });
            let n = records.said_count(record);
            let signals = if self.unsorted.get(record).copied().unwrap_or(true) {
                0..n
            } else {
                first_where(n, |said| start(said) >= byte_start)..first_where(n, |said| {
                    start(said) > byte_start
                })
            };
            let first = records.index(SignalRef { record, said: 0 });
            for said in signals.filter(|&said| start(said) == byte_start) {
                best = best.max(joined.get(first + said));
            }
        }
        best
    }
}

/// The first of `0..n` where `is_past` holds, which once true stays true (`n` if none).
fn first_where(n: usize, is_past: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if is_past(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// Columns of `stories.csv`: the theme, the story and who tells it, each slot's quote and place,
/// then the theme's strength and everyone who speaks to it.
const STORY_COLUMNS: [&str; 19] = [
    "theme",
    "story",
    "told_by",
    "situation_quote",
    "situation_place",
    "motivation_quote",
    "motivation_place",
    "outcome_quote",
    "outcome_place",
    "interviewees",
    "companies",
    "roles",
    "signals",
    "anxiety",
    "frustration",
    "desired_progress",
    "who",
    "theme_id",
    "story_id",
];

/// `stories.csv`: one row per job story, with its theme's strength and each slot's quote and
/// place (`path:line`), or empty where the story has a gap.
pub fn stories(study: &Study<'_>, bom: bool, out: &mut dyn Write) -> io::Result<()> {
    if bom {
        out.write_all(UTF8_BOM)?;
    }
    let f = study.findings;
    let header: Vec<Cow<'_, str>> = STORY_COLUMNS.iter().map(|c| Cow::from(*c)).collect();
    let body = f.stories.iter().map(|story| {
        let t = &f.themes[story.theme];
        let s = &t.strength;
        let mut row: Vec<Cow<'_, str>> = vec![
            safe(&t.label),
            safe(&story.text),
            safe(study.shown(story.teller(study.records))),
        ];
        for (_, slot) in crate::slots(story) {
            match slot {
                Some(d) => {
                    let rec = study.records.head(d.evidence.record);
                    row.push(
                        safe(&jtbd_text::markup::readable(&d.evidence.quote.text))
                            .into_owned()
                            .into(),
                    );
                    row.push(
                        safe(&format!(
                            "{}:{}",
                            study.shown(&rec.path),
                            d.evidence.quote.line
                        ))
                        .into_owned()
                        .into(),
                    );
                }
                None => row.extend([Cow::from(""), Cow::from("")]),
            }
        }
        row.extend([
            s.interviewees.to_string().into(),
            s.companies.to_string().into(),
            s.roles.to_string().into(),
            s.signals.to_string().into(),
            s.anxiety.to_string().into(),
            s.frustration.to_string().into(),
            s.desired_progress.to_string().into(),
        ]);
        let who: Vec<&str> = t
            .signals
            .iter()
            .map(|r| study.shown(&study.records.head(r.record).interviewee))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        row.push(safe(&who.join("; ")).into_owned().into());
        row.push(t.id.as_str().into());
        row.push(story.id.as_str().into());
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
