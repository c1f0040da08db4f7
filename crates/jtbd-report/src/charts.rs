//! Charts as inline SVG, drawn here from counts: no script, no network, prints as it shows.

use crate::{Study, escape};
use jtbd_model::{Force, PerForce};
use std::fmt::Write;

/// A force's colour (colour-blind safe pairs; the legend names each).
pub fn colour(f: Force) -> &'static str {
    match f {
        Force::Anxiety => "#c8553d",
        Force::Frustration => "#e9a23b",
        Force::DesiredProgress => "#2d7d9a",
        Force::Habit => "#7a7a7a",
    }
}

const WIDTH: usize = 760;
const LABEL: usize = 220;
const ROW: usize = 22;

/// One horizontal bar per row, split by force, with the counts written on the bar.
pub fn stacked_bars(title: &str, rows: &[(String, PerForce<usize>)]) -> String {
    let rows: Vec<(String, PerForce<f64>)> = rows
        .iter()
        .map(|(label, n)| (label.clone(), PerForce(n.0.map(|v| v as f64))))
        .collect();
    let mut s = String::new();
    stacked_bars_of(title, &rows, 0, &mut s);
    s
}

/// [`stacked_bars`] of any amounts, shown with `decimals` decimals, written to `s`.
fn stacked_bars_of(
    title: &str,
    rows: &[(String, PerForce<f64>)],
    decimals: usize,
    s: &mut impl Write,
) {
    let max = rows.iter().map(|(_, n)| n.total()).fold(0.0, f64::max);
    let max = if max > 0.0 { max } else { 1.0 };
    let plot = WIDTH - LABEL - 60;
    let height = 40 + rows.len() * ROW + 30;
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    legend(s, 10);
    for (k, (label, counts)) in rows.iter().enumerate() {
        let y = 40 + k * ROW;
        let total = counts.total();
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text>"#,
            LABEL - 8,
            y + 15,
            escape(&short(label, 32))
        );
        let mut x = LABEL as f64;
        for (f, &n) in counts.iter() {
            if n <= 0.0 {
                continue;
            }
            let w = n * plot as f64 / max;
            let _ = write!(
                s,
                r#"<rect x="{x:.1}" y="{}" width="{w:.1}" height="{}" fill="{}" data-force="{}"><title>{}: {n:.decimals$} {}</title></rect>"#,
                y + 3,
                ROW - 6,
                colour(f),
                f.as_str(),
                escape(label),
                f.as_str().replace('_', " ")
            );
            x += w;
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" class="count">{total:.decimals$}</text>"#,
            x + 6.0,
            y + 15
        );
    }
    let _ = s.write_str("</svg>");
}

fn legend(s: &mut impl Write, y: usize) {
    let mut x = LABEL;
    for f in Force::ALL {
        let name = f.as_str().replace('_', " ");
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{y}" width="12" height="12" fill="{}"/><text x="{}" y="{}" class="legend">{name}</text>"#,
            colour(f),
            x + 16,
            y + 11
        );
        x += 24 + name.len() * 8;
    }
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// Signals per force for each interview per 1,000 of its words (a long interview does not
/// win by length), labelled by who was interviewed, the highest rate first, drawn into `s`
/// (one bar per interview: on a big study, megabytes, so never a `String` of its own). A
/// failed write is `s`'s to keep, as [`crate::text_out::TextOut`] does.
pub(crate) fn forces_by_interview(study: &Study<'_>, s: &mut impl Write) {
    let mut rows: Vec<(String, PerForce<f64>)> = study
        .interviews
        .iter()
        .map(|i| {
            let per = 1000.0 / (i.words.max(1) as f64);
            let rate = PerForce(i.forces.0.map(|n| n as f64 * per));
            (study.interview_name(i), rate)
        })
        .collect();
    rows.sort_by(|a, b| b.1.total().total_cmp(&a.1.total()).then(a.0.cmp(&b.0)));
    stacked_bars_of(
        "Signals per force per 1,000 words, by interview",
        &rows,
        1,
        s,
    );
}

/// Signals per force summed by the values of a metadata field (`role`, `size`, `industry`);
/// `None` when no interview has the field.
pub fn forces_by_field(study: &Study<'_>, field: jtbd_model::MetaKey) -> Option<String> {
    let rows = study.forces_by(field);
    (!rows.is_empty()).then(|| stacked_bars(&format!("Signals per force, by {field}"), &rows))
}

/// A grid: one row per theme, one column per segment, a dot as large as the number of the
/// segment's members who voiced the theme.
pub fn themes_by_segment(study: &Study<'_>) -> Option<String> {
    let f = study.findings;
    if f.themes.is_empty() || f.segments.is_empty() {
        return None;
    }
    let themes = &f.themes[..f.themes.len().min(15)];
    let cols = f.segments.len().min(8);
    let cell = 64;
    let width = LABEL + cols * cell + 20;
    let height = 50 + themes.len() * ROW + 10;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>Themes by segment</title>"#
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="16" text-anchor="middle" class="label">segment</text>"#,
        LABEL + cols * cell / 2
    );
    for c in 0..cols {
        let _ = write!(
            s,
            r#"<text x="{}" y="34" text-anchor="middle" class="label">{}</text>"#,
            LABEL + c * cell + cell / 2,
            c + 1
        );
    }
    for (r, t) in themes.iter().enumerate() {
        let y = 50 + r * ROW;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="label">{}</text>"#,
            LABEL - 8,
            y + 15,
            escape(&short(&t.label, 32))
        );
        for (c, seg) in f.segments.iter().take(cols).enumerate() {
            let voiced: std::collections::BTreeSet<&str> = t
                .signals
                .iter()
                .map(|x| study.shown(&study.records.head(x.record).interviewee))
                .filter(|who| seg.members.iter().any(|m| m == who))
                .collect();
            if voiced.is_empty() {
                continue;
            }
            let radius = 3.0 + 2.5 * (voiced.len() as f64).sqrt() * 2.0;
            let _ = write!(
                s,
                r##"<circle cx="{}" cy="{}" r="{:.1}" fill="#2d7d9a" fill-opacity="0.8"><title>{}: {} of segment {}</title></circle>"##,
                LABEL + c * cell + cell / 2,
                y + 11,
                radius.min(10.0),
                escape(&t.label),
                voiced.len(),
                c + 1
            );
        }
    }
    s.push_str("</svg>");
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_escaped_and_counted() {
        let svg = stacked_bars(
            "t",
            &[
                ("<Ann>".into(), PerForce([1, 2, 3, 0])),
                ("Bo".into(), PerForce([0, 0, 0, 0])),
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("&lt;Ann&gt;") && !svg.contains("<Ann>"));
        assert_eq!(
            svg.matches("<rect").count(),
            4 + 3,
            "legend plus Ann's three forces"
        );
        assert!(svg.contains(r#"class="count">6<"#));
    }

    #[test]
    fn rates_show_their_decimals() {
        let mut svg = String::new();
        stacked_bars_of(
            "t",
            &[("Ann".into(), PerForce([0.5, 1.25, 0.0, 0.0]))],
            1,
            &mut svg,
        );
        assert!(svg.contains(r#"class="count">1.8<"#), "{svg}");
        assert!(svg.contains("Ann: 0.5 anxiety"), "{svg}");
    }
}
