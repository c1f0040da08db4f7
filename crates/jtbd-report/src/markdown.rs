//! `report.md`: the report's content for a wiki or a pull request. Charts become tables.

use crate::Study;
use crate::text_out::TextOut;
use jtbd_model::Force;
use jtbd_stories::Quote;
use std::fmt::Write as _;
use std::io::{self, Write};

/// The one escape of every Markdown output (`report.md`, `jtbd stories --format markdown`):
/// text safe inside a table cell, a heading, a list item or a quote line. No raw HTML (`<`,
/// `>` and an `&` that starts a character reference become references), no emphasis, link,
/// code or table syntax (`\ * _ [ ] ` | ~ #` are backslash-escaped), no line breaks, no list or
/// numbered-list start, and the invisible direction controls (which can make a quote read as
/// something else) shown as `⟨U+202E⟩`. The words stay as said; only their markup is
/// neutralised.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' if starts_reference(&bytes[i + 1..]) => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c if crate::is_direction_control(c) => out.push_str(&crate::shown_control(c)),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    // A line that starts `- `, `+ ` or `1. ` would become a list item.
    let digits = out.bytes().take_while(u8::is_ascii_digit).count();
    if out.starts_with(['-', '+']) || (digits > 0 && out[digits..].starts_with(['.', ')'])) {
        let at = if digits > 0 { digits } else { 0 };
        out.insert(at, '\\');
    }
    out
}

/// Whether the bytes after an `&` make a character reference (`lt;`, `#60;`, `#x3c;`).
fn starts_reference(rest: &[u8]) -> bool {
    let name = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'#')
        .count();
    name > 0 && rest.get(name) == Some(&b';')
}

/// Writes the report in Markdown.
pub fn report(study: &Study<'_>, out: &mut dyn Write) -> io::Result<()> {
    let f = study.findings;
    let mut text = TextOut::new(out);
    let s = &mut text;
    let totals = study.force_totals();
    let turns: usize = study.interviews.iter().map(|i| i.turns).sum();
    let _ = writeln!(s, "# {}\n", md(study.title));
    let _ = writeln!(
        s,
        "{} interviews ({turns} turns) read by jtbd {}; every quote is verbatim from its file, with its place.\n",
        study.interviews.len(),
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(s, "## Summary\n");
    let _ = writeln!(s, "| | |\n|---|---:|");
    let _ = writeln!(s, "| interviews | {} |", study.interviews.len());
    for (force, n) in Force::ALL.iter().zip(totals) {
        let _ = writeln!(s, "| {} | {n} |", force.as_str().replace('_', " "));
    }
    let _ = writeln!(s, "| themes | {} |", f.themes.len());
    let _ = writeln!(s, "| job stories | {} |", f.stories.len());
    let _ = writeln!(s, "| segments | {} |", f.segments.len());
    let _ = writeln!(s, "| files with errors | {} |\n", study.errors());
    let _ = writeln!(
        s,
        "A theme needs at least {} interviewees; {} signals joined no theme.\n",
        study.min_interviewees, f.unthemed
    );

    let _ = writeln!(s, "## Forces by interview\n");
    force_table(
        s,
        "interviewee",
        study
            .interviews
            .iter()
            .map(|i| (study.interview_name(i), i.forces)),
    );
    for field in jtbd_model::MetaKey::BREAKDOWNS {
        let rows = study.forces_by(field);
        if !rows.is_empty() {
            let _ = writeln!(s, "## Forces by {field}\n");
            force_table(s, field.as_str(), rows.into_iter());
        }
    }

    let _ = writeln!(s, "## Themes, by evidence\n");
    if f.themes.is_empty() {
        let _ = writeln!(s, "No theme is shared by enough interviewees.\n");
    } else {
        // Companies and roles are counted from the metadata: without any, the columns go.
        let meta = study.themes_count_metadata();
        let _ = writeln!(
            s,
            "| theme | interviewees |{} signals | anxiety | frustration | desired progress | what it covers |\n|---|---:|{}---:|---:|---:|---:|---|",
            if meta { " companies | roles |" } else { "" },
            if meta { "---:|---:|" } else { "" },
        );
        for t in &f.themes {
            let st = &t.strength;
            let by_meta = if meta {
                format!(" {} | {} |", st.companies, st.roles)
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "| {} | {} |{by_meta} {} | {} | {} | {} | {} |",
                md(&t.label),
                st.interviewees,
                st.signals,
                st.anxiety,
                st.frustration,
                st.desired_progress,
                md(&t.definition)
            );
        }
        s.push('\n');
    }

    let _ = writeln!(s, "## Job stories\n");
    for (story, t, first, note) in crate::story_heads(study) {
        let _ = writeln!(
            s,
            "### {} ({})\n\n**{}**\n",
            md(&t.label),
            md(&note),
            md(&story.text)
        );
        for (name, slot) in crate::slots(story) {
            match slot {
                Some(d) => {
                    let _ = writeln!(s, "- {name}, from:");
                    quote(s, study, d.evidence.record, &d.evidence.quote, "  ");
                }
                None => {
                    let _ = writeln!(
                        s,
                        "- {name}: *a gap, no quote of theirs says it; ask in the next interviews.*"
                    );
                }
            }
        }
        if first {
            let _ = writeln!(
                s,
                "\nEvidence of the theme ({} signals):\n",
                t.signals.len()
            );
            for (record, said) in crate::evidence(study, t, crate::study::QUOTES_PER_STORY) {
                quote(s, study, record, &said.quote, "");
            }
        }
        s.push('\n');
    }

    let _ = writeln!(s, "## Segments\n");
    for (k, seg) in f.segments.iter().enumerate() {
        let (head, also) = crate::theme_labels(study, seg, md);
        let _ = writeln!(
            s,
            "### Segment {}: {}\n\n{} members (cohesion {:.2}): {}. Poster child: **{}**.{}\n",
            k + 1,
            head,
            seg.members.len(),
            seg.cohesion,
            md(&study.shown_all(&seg.members)),
            md(study.shown(&seg.poster_child)),
            if also.is_empty() {
                String::new()
            } else {
                format!(" Also shared: {also}.")
            }
        );
        if !seg.language.is_empty() {
            let words: Vec<String> = seg
                .language
                .iter()
                .map(|(w, n)| format!("{} ({n})", md(w)))
                .collect();
            let _ = writeln!(s, "Their words: {}\n", words.join(", "));
        }
        for r in &seg.poster_quotes {
            let said = study.records.said(*r);
            quote(s, study, r.record, &said.quote, "");
        }
        s.push('\n');
    }

    let rows = study.who_was_interviewed();
    let _ = writeln!(
        s,
        "## Who was interviewed\n\nRoles inferred from the talk in {} of {} interviews.\n",
        rows.iter().filter(|r| r.inferred).count(),
        rows.len()
    );
    if let Some(note) = study.no_interviewee_note(&rows) {
        let _ = writeln!(s, "{}\n", md(&note));
    }
    let _ = writeln!(
        s,
        "| interview | interviewee | interviewer | how |\n|---|---|---|---|"
    );
    for r in &rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            md(r.shown),
            md(&r.interviewee_cell()),
            md(&r.interviewers.join(", ")),
            r.how
        );
    }
    if let Some(csv) = study.participants_hint(&rows) {
        let _ = writeln!(
            s,
            "\nTo set roles and metadata yourself, save this as `participants.csv` in the folder read and fill it in: the next run reads it from there (or name it with `--meta FILE`).\n\n```csv\n{}```",
            csv.replace("```", "'''")
        );
    }
    s.push('\n');

    if let Some(r) = study.review {
        let _ = writeln!(
            s,
            "## Rules and reviewers\n\n{} verdicts in {}, applied to every quote above. Precision: the share of the reviewed signals of each force that a reviewer accepted; Cohen's kappa over the signals both sides judged.\n\n{}",
            r.verdicts,
            md(r.file),
            crate::emit_review::markdown(r.agreement)
        );
    }
    if !study.problems.is_empty() {
        let _ = writeln!(
            s,
            "## Files not read\n\n| file | line | why |\n|---|---:|---|"
        );
        for p in study.problems {
            let _ = writeln!(
                s,
                "| {} | {} | {}{} |",
                md(study.shown(&p.path)),
                p.line.map(|l| l.to_string()).unwrap_or_default(),
                if p.skipped { "skipped: " } else { "error: " },
                md(&p.message)
            );
        }
    }
    let _ = writeln!(s, "## Words used here\n");
    for (term, meaning) in crate::GLOSSARY {
        let _ = writeln!(s, "- **{}**: {}", md(term), md(meaning));
    }
    text.finish()
}

fn force_table(
    s: &mut TextOut<'_>,
    head: &str,
    rows: impl Iterator<Item = (String, jtbd_model::PerForce<usize>)>,
) {
    let _ = writeln!(
        s,
        "| {head} | anxiety | frustration | desired progress | habit |\n|---|---:|---:|---:|---:|"
    );
    for (label, n) in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            md(&label),
            n[Force::Anxiety],
            n[Force::Frustration],
            n[Force::DesiredProgress],
            n[Force::Habit]
        );
    }
    s.push('\n');
}

fn quote(s: &mut TextOut<'_>, study: &Study<'_>, record: usize, q: &Quote, indent: &str) {
    let rec = study.records.head(record);
    let _ = writeln!(
        s,
        "{indent}> {}  \n{indent}> — {} ({}), `{}:{}`{}",
        md(&jtbd_text::markup::readable(&q.text)),
        md(q.speaker
            .as_deref()
            .unwrap_or(study.shown(&rec.interviewee))),
        q.role.as_str(),
        study.shown(&rec.path).replace('`', "'"),
        q.line,
        q.timestamp.map(|t| format!(" at {t}")).unwrap_or_default()
    );
}

#[cfg(test)]
mod md_tests {
    use super::md;

    #[test]
    fn md_neutralises_markup_and_keeps_the_words() {
        assert_eq!(
            md("<img src=x onerror=alert(1)> **b** _i_ [l](u) `c` | # ~s~ a\\b"),
            "&lt;img src=x onerror=alert(1)&gt; \\*\\*b\\*\\* \\_i\\_ \\[l\\](u) \\`c\\` \\| \\# \\~s\\~ a\\\\b"
        );
        assert_eq!(md("AT&T &lt; &#60;"), "AT&T &amp;lt; &amp;\\#60;");
        assert_eq!(md("a\u{202E}b\nc"), "a⟨U+202E⟩b c");
        assert_eq!(md("- item"), "\\- item");
        assert_eq!(md("12. point"), "12\\. point");
        assert_eq!(md("plain words, kept."), "plain words, kept.");
    }
}
