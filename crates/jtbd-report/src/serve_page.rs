//! The pages of `jtbd serve`: the review page (its template `serve_page.html`, styles and the
//! script that posts verdicts, embedded) and the fragments the script swaps in without a reload:
//! the study (themes, their stories, every quote with its signal id, force and verdict
//! buttons), the transcript around a place, and search hits. Every piece of transcript text,
//! label and path passes through [`crate::escape`]; nothing is loaded from elsewhere.

use crate::escape;
use jtbd_index::Results;
use jtbd_model::{Force, Interview, Role};
use jtbd_review::{Agreement, Corrections, Problem, Severity, Verdict};
use jtbd_stories::{Findings, Quote, Record, Records, Said, SignalRef};
use std::collections::BTreeSet;
use std::fmt::Write as _;

const TEMPLATE: &str = include_str!("serve_page.html");

/// Turns shown before and after the turn of a place.
const AROUND: usize = 2;

/// What the review page shows: the findings over the signals as corrected so far.
#[derive(Debug, Clone, Copy)]
pub struct Served<'a> {
    /// The folder, as the reviewer gave it.
    pub folder: &'a str,
    /// The corrections file verdicts are appended to, as shown.
    pub corrections_file: &'a str,
    /// One record per interview read.
    pub records: &'a Records,
    /// Each record's file relative to the folder (the `path` of an addition), by record.
    pub paths: &'a [String],
    pub findings: &'a Findings,
    /// Every interviewee signal after the verdicts, in walk order: the stories leave habit out,
    /// and a theme takes only some, but a reviewer judges them all.
    pub signals: &'a [Shown],
    pub corrections: &'a Corrections,
    pub agreement: &'a Agreement,
    /// What the corrections file holds that could not be used, in line order.
    pub problems: &'a [Problem],
}

/// One signal as the page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub id: String,
    pub force: Force,
    pub confidence: f64,
    /// The first record of its interview (its interviewee's), by index into
    /// [`Served::records`]; the record's `interview` indexes [`Served::paths`].
    pub record: usize,
    pub quote: Quote,
}

/// A signal's stable id, from its record and what it says ([`jtbd_model::signal_id`]).
pub fn said_id(r: &Record, s: &Said) -> String {
    let q = &s.quote;
    jtbd_model::signal_id(&r.id, q.byte_start, q.byte_end, s.force, &q.text)
}

/// The whole page, the study fragment inside it.
pub fn page(v: &Served<'_>) -> String {
    let options = force_options(None);
    fill(
        TEMPLATE,
        &[
            ("title", &escape(v.folder)),
            ("corrections", &escape(v.corrections_file)),
            ("force_options", &options),
            ("study", &study(v)),
        ],
    )
}

/// The template with each `{{name}}` replaced by its value, in one pass: a value is never read
/// as a placeholder (a folder named `{{study}}` stays a name).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let value = after.find("}}").and_then(|j| {
            let (_, v) = values.iter().find(|(k, _)| *k == &after[..j])?;
            Some((j, v))
        });
        match value {
            Some((j, v)) => {
                out.push_str(v);
                rest = &after[j + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn force_options(selected: Option<Force>) -> String {
    let mut s = String::new();
    for f in Force::ALL {
        let _ = write!(
            s,
            "<option value=\"{0}\"{1}>{2}</option>",
            f.as_str(),
            if Some(f) == selected { " selected" } else { "" },
            f.label()
        );
    }
    s
}

/// The study fragment: a line of counts, the agreement so far, and every theme with its
/// stories and quotes.
pub fn study(v: &Served<'_>) -> String {
    let mut s = String::with_capacity(32 * 1024);
    // The themes first, to count the signals none of them shows (the count line leads).
    let mut themes = String::with_capacity(32 * 1024);
    let mut themed: BTreeSet<String> = BTreeSet::new();
    theme_sections(&mut themes, v, &mut themed);
    let rest: Vec<&Shown> = v
        .signals
        .iter()
        .filter(|x| !themed.contains(&x.id))
        .collect();
    let verdicts = v.corrections.verdicts.len();
    let _ = write!(
        s,
        "<p class=\"muted\" id=\"counts\">{} interviews, {} signals of interviewees, {} themes \
         ({} signals in no theme); {verdicts} verdict{} in the file.</p>",
        v.records.len(),
        v.signals.len(),
        v.findings.themes.len(),
        rest.len(),
        if verdicts == 1 { "" } else { "s" }
    );
    problems(&mut s, v.problems);
    if !v.corrections.verdicts.is_empty() {
        s.push_str("<details><summary>Agreement so far</summary>");
        s.push_str(&crate::emit_review::html(v.agreement));
        s.push_str("</details>");
    }
    if v.findings.themes.is_empty() {
        s.push_str("<p>No theme yet: too few interviewees share one.</p>");
    }
    s.push_str(&themes);
    if !rest.is_empty() {
        let _ = write!(
            s,
            "<section class=\"theme\" id=\"unthemed\"><h2>Signals in no theme</h2>\
             <p class=\"muted\">{} signals no theme shows (habit is never themed): review them too.</p>\
             <ul class=\"quotes\">",
            rest.len()
        );
        for x in rest {
            quote(&mut s, v, x.record, &x.id, x.force, &x.quote);
        }
        s.push_str("</ul></section>");
    }
    s
}

/// Every theme with its stories and quotes; `themed` gathers the ids of the signals shown.
fn theme_sections(s: &mut String, v: &Served<'_>, themed: &mut BTreeSet<String>) {
    for (t, theme) in v.findings.themes.iter().enumerate() {
        let _ = write!(
            s,
            "<section class=\"theme\" data-theme=\"{id}\"><h2>{label}</h2>\
             <p class=\"muted\">{def} · {n} interviewees, {k} signals</p>",
            id = escape(&theme.id),
            label = escape(&theme.label),
            def = escape(&theme.definition),
            n = theme.strength.interviewees,
            k = theme.signals.len()
        );
        let mut shown = BTreeSet::new();
        for story in v.findings.stories.iter().filter(|st| st.theme == t) {
            let _ = write!(
                s,
                "<div class=\"story\"><p>{}</p><p class=\"meta\">told by {}</p><ul class=\"quotes\">",
                escape(&story.text),
                escape(teller_shown(v, story.record, story.teller(v.records)))
            );
            for r in &story.signals {
                if shown.insert(*r) {
                    themed_quote(s, v, *r, themed);
                }
            }
            s.push_str("</ul></div>");
        }
        let rest: Vec<SignalRef> = theme
            .evidence
            .iter()
            .filter(|r| !shown.contains(r))
            .collect();
        if !rest.is_empty() {
            s.push_str("<h3>More quotes of this theme</h3><ul class=\"quotes\">");
            for r in rest {
                themed_quote(s, v, r, themed);
            }
            s.push_str("</ul>");
        }
        s.push_str("</section>");
    }
}

/// The notice of what the corrections file holds that could not be used: each problem as
/// `FILE:LINE: problem`, as `jtbd extract` prints it; nothing when there is none.
fn problems(s: &mut String, problems: &[Problem]) {
    if problems.is_empty() {
        return;
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let _ = write!(
        s,
        "<div class=\"problems\" id=\"problems\" role=\"alert\"><p><strong>The corrections file \
         has {} problem{}</strong>: these lines count nowhere ({errors} error{}, on which \
         <code>jtbd extract</code> and <code>jtbd analyze</code> exit 2; a warning names nothing \
         read):</p><ul>",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
    );
    for p in problems {
        let _ = write!(
            s,
            "<li class=\"{kind}\"><span class=\"kind\">{kind}</span> <code>{}</code></li>",
            escape(&p.error.to_string()),
            kind = p.severity.as_str()
        );
    }
    s.push_str("</ul></div>");
}

/// The quote of a theme's signal; its id joins `themed`.
fn themed_quote(s: &mut String, v: &Served<'_>, r: SignalRef, themed: &mut BTreeSet<String>) {
    let Some(said) = v.records.said_at(r) else {
        return;
    };
    let id = said_id(v.records.head(r.record), said);
    quote(s, v, r.record, &id, said.force, &said.quote);
    themed.insert(id);
}

/// A teller as the page names them: one known only by their file (no speaker label) by the
/// file's path relative to the folder, never the path as typed (it may be the machine's).
pub fn teller_shown<'v>(v: &'v Served<'_>, record: usize, name: &'v str) -> &'v str {
    let rel = v.records.get(record).and_then(|r| v.paths.get(r.interview));
    match (v.records.get(record), rel) {
        (Some(r), Some(rel)) if r.path == name => rel,
        _ => name,
    }
}

/// One quote with its id, force, place, the last verdict on it and the buttons.
fn quote(s: &mut String, v: &Served<'_>, at: usize, id: &str, force: Force, q: &Quote) {
    let path = v.records.get(at).and_then(|r| v.paths.get(r.interview));
    let (Some(record), Some(path)) = (v.records.get(at), path) else {
        return;
    };
    let last = v
        .corrections
        .latest(id)
        .map(|c| {
            let what = match &c.verdict {
                Verdict::Accept { .. } => "accepted",
                Verdict::Reject { .. } => "rejected",
                Verdict::Recode { .. } => "recoded",
                Verdict::Add { .. } => "added",
            };
            let by = c.by.as_deref().map(|b| format!(" by {}", escape(b)));
            format!(
                " <span class=\"verdict\">{what}{}</span>",
                by.unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let _ = write!(
        s,
        "<li class=\"quote\" data-signal=\"{id}\" data-force=\"{force}\" data-path=\"{path}\" \
         data-start=\"{a}\" data-end=\"{b}\"><span class=\"force\">{label}</span>{last} \
         <q>{text}</q><cite>{path}:{line} · {who} · <code>{id}</code></cite>\
         <button data-act=\"accept\">accept</button> <button data-act=\"reject\">reject</button> \
         <select class=\"force-choice\" aria-label=\"new force\">{options}</select>\
         <button data-act=\"recode\">recode</button> <button data-act=\"context\">transcript</button></li>",
        force = force.as_str(),
        label = force.label(),
        path = escape(path),
        a = q.byte_start,
        b = q.byte_end,
        text = escape(&q.text),
        line = q.line,
        who = escape(teller_shown(v, at, record.teller(q))),
        options = force_options(Force::ALL.into_iter().find(|f| *f != force)),
    );
}

/// The turns around the place `start..end` of `interview` (file offsets), the sentence there
/// marked; each sentence of an interviewee can be added as a signal. `signals`: the forces the
/// corrected signals give each (turn, sentence). `None` when no turn holds `start`.
pub fn passage(
    interview: &Interview,
    path: &str,
    start: usize,
    end: usize,
    signals: &[(usize, usize, Force)],
) -> Option<String> {
    let file = |at: usize| interview.file_offset(at);
    let at = interview
        .turns
        .iter()
        .position(|t| file(t.byte_start) <= start && start < file(t.byte_end))?;
    let from = at.saturating_sub(AROUND);
    let to = (at + AROUND + 1).min(interview.turns.len());
    let mut s = String::new();
    let _ = write!(s, "<p class=\"meta\">{}</p>", escape(path));
    for (ti, t) in interview.turns.iter().enumerate().take(to).skip(from) {
        let interviewer = t.role == Role::Interviewer;
        let _ = write!(
            s,
            "<div class=\"turn {}\"><div class=\"who\">{} ({}), line {}</div>",
            if interviewer {
                "interviewer"
            } else {
                "interviewee"
            },
            escape(t.speaker.as_deref().unwrap_or("unnamed")),
            t.role.as_str(),
            t.line
        );
        for (si, sentence) in t.sentences.iter().enumerate() {
            let (a, b) = (file(sentence.byte_start), file(sentence.byte_end));
            let text = escape(sentence.text(&interview.source));
            let here = (a, b) == (start, end);
            let _ = write!(
                s,
                "<span class=\"sent\" data-path=\"{}\" data-start=\"{a}\" data-end=\"{b}\">{}{text}{} ",
                escape(path),
                if here { "<mark>" } else { "" },
                if here { "</mark>" } else { "" },
            );
            for (_, _, f) in signals.iter().filter(|(st, ss, _)| (*st, *ss) == (ti, si)) {
                let _ = write!(s, "<span class=\"force\">[{}]</span> ", f.as_str());
            }
            if !interviewer {
                s.push_str(
                    "<button data-act=\"add\" title=\"add this sentence as a signal\">add</button>",
                );
            }
            s.push_str("</span>");
        }
        s.push_str("</div>");
    }
    Some(s)
}

/// Search hits, each with its snippet (matches marked) and a link to its transcript; `rel`
/// gives a hit's path relative to the folder (`None`: not a file of the study).
pub fn hits(results: &Results, rel: &dyn Fn(&str) -> Option<String>) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<p class=\"muted\">{} turns match; the best {} shown.</p><ol class=\"hits\">",
        results.total,
        results.hits.len()
    );
    for h in &results.hits {
        let path = rel(&h.path);
        let _ = write!(
            s,
            "<li data-path=\"{}\" data-start=\"{}\" data-end=\"{}\"><cite>{}:{} · {} ({}){}</cite>",
            escape(path.as_deref().unwrap_or_default()),
            h.byte_start,
            h.byte_end,
            escape(path.as_deref().unwrap_or(&h.path)),
            h.line,
            escape(h.speaker.as_deref().unwrap_or("unnamed")),
            h.role.as_str(),
            h.forces
                .iter()
                .map(|f| format!(" · {}", f.as_str()))
                .collect::<String>()
        );
        marked(&mut s, &h.snippet, &h.highlights);
        if path.is_some() {
            s.push_str(" <button data-act=\"context\">transcript</button>");
        }
        s.push_str("</li>");
    }
    s.push_str("</ol>");
    s
}

/// `text` with the byte ranges `marks` in `<mark>`, escaped; a range that does not fall on
/// character boundaries is not marked.
fn marked(s: &mut String, text: &str, marks: &[std::ops::Range<usize>]) {
    let mut at = 0;
    for m in marks {
        let (Some(before), Some(inside)) = (text.get(at..m.start), text.get(m.clone())) else {
            continue;
        };
        s.push_str(&escape(before));
        let _ = write!(s, "<mark>{}</mark>", escape(inside));
        at = m.end;
    }
    s.push_str(&escape(text.get(at..).unwrap_or_default()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_escape_and_skip_bad_ranges() {
        let mut s = String::new();
        marked(&mut s, "a <b> é c", &[(3..4), (7..8), (9..10)]);
        assert_eq!(s, "a &lt;<mark>b</mark>&gt; é <mark>c</mark>");
    }

    #[test]
    fn the_page_has_no_placeholder_left_and_loads_nothing() {
        let (records, findings) = (Records::default(), Findings::default());
        let corrections = Corrections::default();
        let agreement = Agreement::compute(&corrections, &|_| None, &Default::default());
        let v = Served {
            folder: "<study> {{study}}",
            corrections_file: "c.jsonl",
            records: &records,
            paths: &[],
            findings: &findings,
            signals: &[],
            corrections: &corrections,
            agreement: &agreement,
            problems: &[],
        };
        let p = page(&v);
        assert!(
            !p.contains("id=\"problems\""),
            "no notice without a problem"
        );
        assert_eq!(p.matches("{{").count(), 2, "only the folder's name: {p}");
        assert!(p.contains("<h1>&lt;study&gt; {{study}}</h1>"), "{p}");
        assert_eq!(p.matches("id=\"counts\"").count(), 1);
        for external in ["http://", "https://", "src=", "<link"] {
            assert!(!p.contains(external), "{external}");
        }
    }
}
