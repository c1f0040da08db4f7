//! `report.html`: one self-contained page (no network, works from `file://`, prints well) with
//! the summary, charts, themes ranked by evidence, each job story with its quotes, and segments.
//! Every piece of transcript text is escaped. A small inline script filters by force, role and
//! segment; without it the page shows everything.

use crate::charts;
use crate::passage::PassageTable;
use crate::text_out::TextOut;
use crate::{Study, escape};
use jtbd_model::Force;
use jtbd_model::{MetaKey, Metadata};
use jtbd_stories::Quote;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Themes on the first screen, each with its best story.
const TOP_THEMES: usize = 15;
/// Signals listed in the closing section; every one is in `signals.csv`.
const SIGNALS_LISTED: usize = crate::signal_store::HEAD;

const STYLE: &str = r#"
:root { --ink: #1d2430; --muted: #5b6472; --line: #d9dde3; --bg: #fbfbfc; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: var(--bg); margin: 0 auto; max-width: 1000px; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 32px 0 8px;
  border-bottom: 1px solid var(--line); padding-bottom: 4px; } h3 { font-size: 16px; margin: 18px 0 6px; }
.muted { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.card b { display: block; font-size: 22px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.story { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 12px 0; }
.story p.text { font-size: 17px; margin: 4px 0 10px; }
.gap { color: #a33; font-style: italic; }
nav.toc { font-size: 14px; margin: 8px 0 0; } nav.toc a { margin-right: 12px; }
ol.findings li { margin: 0 0 10px; } ol.findings .story-text, ol.findings .definition { display: block; }
details > summary { cursor: pointer; color: var(--muted); }
@media print { details { display: block; } details > summary { display: none; }
  #signals, #charts, nav.toc, #filters { display: none; } }
blockquote { margin: 6px 0; padding: 4px 10px; border-left: 4px solid var(--line); background: #fafafa; }
blockquote.anxiety { border-color: #c8553d; } blockquote.frustration { border-color: #e9a23b; }
blockquote.desired_progress { border-color: #2d7d9a; } blockquote.habit { border-color: #7a7a7a; }
cite { display: block; font-style: normal; font-size: 12px; color: var(--muted); }
.chart { max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; }
.chart .label, .chart .legend, .chart .count { font: 12px system-ui, sans-serif; fill: #1d2430; }
/* On a narrow screen a chart keeps a readable size and scrolls sideways instead of shrinking its
   labels to a few pixels; tables scroll the same way. */
.scroll { overflow-x: auto; }
@media (max-width: 640px) { body { padding: 12px; } .chart { max-width: none; min-width: 560px; }
  table { display: block; overflow-x: auto; } }
nav#filters { position: sticky; top: 0; background: var(--bg); padding: 8px 0; border-bottom: 1px solid var(--line); z-index: 1; }
nav#filters label { margin-right: 14px; font-size: 14px; }
button.ctx { font-size: 11px; margin-left: 6px; padding: 0 6px; border: 1px solid var(--line); border-radius: 4px; background: #fff; color: var(--muted); cursor: pointer; }
dialog#passage { max-width: 760px; width: 92vw; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; }
dialog#passage form { text-align: right; } dialog#passage .turn { margin: 10px 0; } dialog#passage .who { font-size: 12px; color: var(--muted); }
dialog#passage .turn p { margin: 2px 0; white-space: pre-wrap; } dialog#passage .own p { background: #fff; }
@media print { nav#filters, button.ctx, dialog { display: none; } .story, table, .chart { break-inside: avoid; } body { background: #fff; } }
"#;

const SCRIPT: &str = r#"
(function () {
  var nav = document.getElementById('filters');
  if (!nav) return;
  nav.hidden = false;
  var all = function (root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); };
  function apply() {
    var want = {};
    all(nav, 'select').forEach(function (s) { want[s.name] = s.value; });
    var on = Object.keys(want).some(function (k) { return want[k]; });
    var shown = 0;
    all(document, 'blockquote[data-force]').forEach(function (e) {
      var ok = Object.keys(want).every(function (k) { return !want[k] || e.dataset[k] === want[k]; });
      e.hidden = !ok;
      if (ok) shown++;
    });
    // A slot's label goes with its quote; a card or an evidence list with no quote left goes.
    all(document, '.slot').forEach(function (e) {
      var q = e.querySelector('blockquote');
      e.hidden = on && !!q && q.hidden;
    });
    all(document, 'article.story, details.evidence').forEach(function (e) {
      var quotes = all(e, 'blockquote[data-force]');
      e.hidden = on && quotes.length > 0 && quotes.every(function (q) { return q.hidden; });
    });
    // The theme table keeps the themes the filters leave: the theme chosen, the ones the
    // interview chosen speaks to, the ones with signals of the force chosen.
    all(document, '#themes tr[data-theme]').forEach(function (r) {
      r.hidden = (want.theme && r.dataset.theme !== want.theme) ||
        (want.interview && r.dataset.interviews.indexOf(' ' + want.interview + ' ') < 0) ||
        (want.force && (' ' + r.dataset.forces + ' ').indexOf(' ' + want.force + ' ') < 0);
    });
    // The charts' bars of the other forces fade under the force filter.
    all(document, 'svg.chart rect[data-force]').forEach(function (r) {
      r.style.opacity = want.force && r.getAttribute('data-force') !== want.force ? '0.15' : '';
    });
    var note = document.getElementById('filtered');
    note.textContent = !on ? '' : shown ? shown + ' quotes shown' : 'No quote matches these filters.';
  }
  nav.addEventListener('change', apply);
})();
// "in context": the quote's passage (the turn before, its own turn with the quote marked, the
// turn after) in a dialog, built as text nodes from the page's passages.
(function () {
  var data = null;
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest ? ev.target.closest('button.ctx') : null;
    if (!b) return;
    if (!data) data = JSON.parse(document.getElementById('passages').textContent);
    var turns = (data.passages[+b.dataset.passage] || []).map(function (n, i) {
      var t = n === null ? null : data.turns[n];
      return t && { who: t.who, role: t.role, time: t.time, at: t.at, text: t.text, own: i === 1 };
    });
    var quote = b.closest('blockquote').querySelector('.q').textContent;
    var body = document.getElementById('passage-body');
    body.textContent = '';
    turns.forEach(function (t) {
      if (!t) return;
      var d = document.createElement('div');
      d.className = t.own ? 'turn own' : 'turn';
      var h = document.createElement('div');
      h.className = 'who';
      h.textContent = (t.who || 'unlabelled') + ' (' + t.role + ')' + (t.time ? ' · ' + t.time : '') + ' · ' + t.at;
      var p = document.createElement('p');
      var at = t.own ? t.text.indexOf(quote) : -1;
      if (at >= 0) {
        var m = document.createElement('mark');
        m.textContent = quote;
        p.append(t.text.slice(0, at), m, t.text.slice(at + quote.length));
      } else if (t.own) {
        var q = document.createElement('mark');
        q.textContent = quote;
        p.append(t.text, ' ', q);
      } else {
        p.textContent = t.text;
      }
      d.append(h, p);
      body.append(d);
    });
    document.getElementById('passage').showModal();
  });
})();
"#;

/// Writes the report page.
pub fn report(study: &Study<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut text = TextOut::new(out);
    let s = &mut text;
    let n = study.interviews.len();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}: {n} interviews</title><style>{STYLE}</style></head><body>\n",
        title = escape(study.title)
    );
    let _ = writeln!(
        s,
        "<header><h1>{}</h1><p class=\"muted\">{n} interviews read by jtbd {}; \
         every quote is verbatim from its file, with its place.</p></header>",
        escape(study.title),
        env!("CARGO_PKG_VERSION")
    );
    toc(s);
    top_findings(study, s);
    summary(study, s);
    filters(study, s);
    charts_section(study, s);
    themes(study, s);
    let mut q = Quoting {
        segs: record_segments(study),
        passages: PassageTable::default(),
    };
    stories(study, &mut q, s);
    segments(study, &mut q, s);
    all_signals(study, &mut q, s);
    who_was_interviewed(study, s);
    agreement(study, s);
    problems(study, s);
    glossary(s);
    let _ = write!(
        s,
        "<dialog id=\"passage\"><form method=\"dialog\"><button>Close</button></form>\
         <div id=\"passage-body\"></div></dialog>\
         <script type=\"application/json\" id=\"passages\">{}</script>\
         <script>{SCRIPT}</script>\n</body></html>\n",
        q.passages.json(study)
    );
    text.finish()
}

/// How often the rules and the research team agree, when the run applied their verdicts.
fn agreement(study: &Study<'_>, s: &mut TextOut<'_>) {
    let Some(r) = study.review else {
        return;
    };
    let _ = writeln!(
        s,
        "<section id=\"agreement\"><h2>Rules and reviewers</h2><p class=\"muted\">{} verdicts in \
         {}, applied to every quote above. Precision: the share of the reviewed signals of each \
         force that a reviewer accepted; Cohen's kappa over the signals both sides judged.</p>{}</section>",
        r.verdicts,
        escape(r.file),
        crate::emit_review::html(r.agreement)
    );
}

/// Links to every part of the page.
fn toc(s: &mut TextOut<'_>) {
    s.push_str("<nav class=\"toc\">");
    for (id, name) in [
        ("findings", "what we learned"),
        ("summary", "summary"),
        ("charts", "charts"),
        ("themes", "themes"),
        ("stories", "job stories"),
        ("segments", "segments"),
        ("signals", "all quotes"),
        ("roles", "who was interviewed"),
        ("glossary", "words used here"),
    ] {
        let _ = write!(s, "<a href=\"#{id}\">{name}</a>");
    }
    s.push_str("</nav>\n");
}

/// The first screen: the strongest themes, each with its best story (or its strongest quote
/// when no story could be drafted) and how many interviewees speak to it.
fn top_findings(study: &Study<'_>, s: &mut TextOut<'_>) {
    let f = study.findings;
    let _ = write!(
        s,
        "<section id=\"findings\"><h2>What we learned</h2><p class=\"muted\">The {} strongest of {} themes across {} interviews, each with its best job story; every detail is below.</p><ol class=\"findings\">",
        f.themes.len().min(TOP_THEMES),
        f.themes.len(),
        study.interviews.len()
    );
    for (k, t) in f.themes.iter().enumerate().take(TOP_THEMES) {
        let story = f.stories.iter().find(|st| st.theme == k);
        let link = if story.is_some() {
            escape(&t.id).into_owned()
        } else {
            format!("theme-{}", escape(&t.id))
        };
        let _ = write!(
            s,
            "<li><a href=\"#{link}\"><b>{}</b></a> <span class=\"muted\">{}, {}</span><span class=\"definition muted\">{}</span>",
            escape(&t.label),
            crate::count(t.strength.interviewees, "interviewee"),
            // Quoted sentences, as the theme's evidence counts them below (a sentence with two
            // signals is one quote).
            crate::count(t.evidence.len(), "quote"),
            escape(&t.definition)
        );
        match (story, t.evidence.first()) {
            (Some(st), _) => {
                let _ = write!(s, "<span class=\"story-text\">{}</span>", escape(&st.text));
            }
            (None, Some(r)) => {
                let said = study.records.said(r);
                let _ = write!(
                    s,
                    "<span class=\"story-text muted\">No story drafted; strongest quote: \u{201c}{}\u{201d} ({})</span>",
                    escape(&jtbd_text::markup::readable(&said.quote.text)),
                    escape(study.shown(&study.records.head(r.record).interviewee))
                );
            }
            (None, None) => {}
        }
        s.push_str("</li>");
    }
    s.push_str("</ol></section>\n");
}

fn summary(study: &Study<'_>, s: &mut TextOut<'_>) {
    let f = study.findings;
    let totals = study.force_totals();
    let turns: usize = study.interviews.iter().map(|i| i.turns).sum();
    s.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
    let mut card = |label: &str, value: usize| {
        let _ = write!(
            s,
            "<div class=\"card\"><b>{value}</b>{}</div>",
            escape(label)
        );
    };
    card("interviews", study.interviews.len());
    card("turns", turns);
    for (f, n) in Force::ALL.iter().zip(totals) {
        card(&f.as_str().replace('_', " "), n);
    }
    card("themes", f.themes.len());
    card("job stories", f.stories.len());
    card("segments", f.segments.len());
    card("files with errors", study.errors());
    s.push_str("</div>");
    let _ = writeln!(
        s,
        "<p class=\"muted\">A theme needs at least {} interviewees; {} signals joined no theme.</p></section>",
        study.min_interviewees, f.unthemed
    );
}

/// Which segment each interviewee is in (1-based, as the page numbers them).
fn segment_of<'a>(study: &Study<'a>) -> BTreeMap<&'a str, usize> {
    let mut m = BTreeMap::new();
    for (k, seg) in study.findings.segments.iter().enumerate() {
        for who in &seg.members {
            m.insert(who.as_str(), k + 1);
        }
    }
    m
}

fn filters(study: &Study<'_>, s: &mut TextOut<'_>) {
    let roles: std::collections::BTreeSet<&str> = study
        .records
        .heads()
        .iter()
        .filter_map(|r| r.metadata.meta(MetaKey::Role))
        .collect();
    s.push_str("<nav id=\"filters\" hidden><label>force <select name=\"force\"><option value=\"\">all</option>");
    for f in Force::ALL {
        let _ = write!(
            s,
            "<option value=\"{0}\">{1}</option>",
            f.as_str(),
            f.as_str().replace('_', " ")
        );
    }
    s.push_str("</select></label>");
    // A control with one value to choose filters nothing: it is left out.
    if !roles.is_empty() {
        s.push_str("<label>role <select name=\"role\"><option value=\"\">all</option>");
        for r in roles {
            let _ = write!(s, "<option value=\"{0}\">{0}</option>", escape(r));
        }
        s.push_str("</select></label>");
    }
    if !study.findings.segments.is_empty() {
        s.push_str("<label>segment <select name=\"segment\"><option value=\"\">all</option>");
        for k in 1..=study.findings.segments.len() {
            let _ = write!(s, "<option value=\"{k}\">{k}</option>");
        }
        s.push_str("</select></label>");
    }
    if study.interviews.len() > 1 {
        s.push_str("<label>interview <select name=\"interview\"><option value=\"\">all</option>");
        for (k, i) in study.interviews.iter().enumerate() {
            let _ = write!(
                s,
                "<option value=\"{k}\">{}</option>",
                escape(&study.interview_name(i))
            );
        }
        s.push_str("</select></label>");
    }
    if study.findings.themes.len() > 1 {
        s.push_str("<label>theme <select name=\"theme\"><option value=\"\">all</option>");
        for t in &study.findings.themes {
            let _ = write!(
                s,
                "<option value=\"{}\">{}</option>",
                escape(&t.id),
                escape(&t.label)
            );
        }
        s.push_str("</select></label>");
    }
    s.push_str("<span id=\"filtered\" class=\"muted\"></span></nav>\n");
}

fn charts_section(study: &Study<'_>, s: &mut TextOut<'_>) {
    s.push_str("<section id=\"charts\"><h2>Charts</h2><details><summary>Forces by interview, theme and metadata</summary><h3>Forces by interview</h3>");
    s.push_str(
        "<p class=\"muted\">Signals of every speaker per 1,000 words of the interview, so that a \
         long interview does not lead by length; the highest rate first.</p>",
    );
    s.push_str("<div class=\"scroll\">");
    charts::forces_by_interview(study, s);
    s.push_str("</div>");
    if let Some(svg) = charts::themes_by_segment(study) {
        let _ = write!(
            s,
            "<h3>Themes by segment</h3><p class=\"muted\">The larger the dot, the more of the \
             segment's members voiced the theme.</p><div class=\"scroll\">{svg}</div>"
        );
    }
    for field in MetaKey::BREAKDOWNS {
        if let Some(svg) = charts::forces_by_field(study, field) {
            let _ = write!(
                s,
                "<h3>Forces by {field}</h3><p class=\"muted\">Signals counted over the interviews with each {field}.</p><div class=\"scroll\">{svg}</div>"
            );
        }
    }
    s.push_str("</details></section>\n");
}

fn themes(study: &Study<'_>, s: &mut TextOut<'_>) {
    s.push_str("<section id=\"themes\"><h2>Themes, by evidence</h2>");
    if study.findings.themes.is_empty() {
        s.push_str("<p>No theme is shared by enough interviewees.</p></section>\n");
        return;
    }
    // Companies and roles are counted from the metadata: without any, the columns go.
    let meta = study.themes_count_metadata();
    let _ = write!(
        s,
        "<table><thead><tr><th>theme</th><th>interviewees</th>{}\
         <th>signals</th><th>anxiety</th><th>frustration</th><th>desired progress</th></tr></thead><tbody>",
        if meta {
            "<th>companies</th><th>roles</th>"
        } else {
            ""
        }
    );
    for t in &study.findings.themes {
        let st = &t.strength;
        let by_meta = if meta {
            format!(
                "<td class=\"n\">{}</td><td class=\"n\">{}</td>",
                st.companies, st.roles
            )
        } else {
            String::new()
        };
        let _ = write!(
            s,
            "<tr id=\"theme-{id}\" data-theme=\"{id}\" data-forces=\"{forces}\" data-interviews=\" {interviews} \"><td><a href=\"#{id}\">{}</a><br><span class=\"muted\">{}</span></td><td class=\"n\">{}</td>{by_meta}\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            escape(&t.label),
            escape(&t.definition),
            st.interviewees,
            st.signals,
            st.anxiety,
            st.frustration,
            st.desired_progress,
            id = escape(&t.id),
            forces = [
                (Force::Anxiety, st.anxiety),
                (Force::Frustration, st.frustration),
                (Force::DesiredProgress, st.desired_progress),
            ]
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(f, _)| f.as_str())
            .collect::<Vec<_>>()
            .join(" "),
            // By interview, as the filter's options number them (two guests of one interview
            // are two records of it).
            interviews = t
                .signals
                .iter()
                .map(|r| study.records.head(r.record).interview)
                .collect::<std::collections::BTreeSet<_>>()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    s.push_str("</tbody></table></section>\n");
}

/// The segment of each record (1-based; 0 for none), found once per page.
fn record_segments(study: &Study<'_>) -> Vec<usize> {
    let by_name = segment_of(study);
    study
        .records
        .heads()
        .iter()
        .map(|r| by_name.get(r.interviewee.as_str()).copied().unwrap_or(0))
        .collect()
}

/// What writing quotes needs across the page: each record's segment, and the passages cited.
struct Quoting {
    segs: Vec<usize>,
    passages: PassageTable,
}

/// One quote of a record, as every section but the list of all signals shows it.
fn quote_html(
    study: &Study<'_>,
    q: &mut Quoting,
    record: usize,
    quote: &Quote,
    force: Force,
    s: &mut TextOut<'_>,
) {
    let rec = study.records.head(record);
    let seg = q.segs.get(record).copied().filter(|&k| k > 0);
    let role = rec.metadata.meta(MetaKey::Role).unwrap_or("");
    let cite = format!(
        "{} · {} ({}){} · {}:{}{}",
        force.as_str().replace('_', " "),
        escape(
            quote
                .speaker
                .as_deref()
                .unwrap_or(study.shown(&rec.interviewee))
        ),
        quote.role.as_str(),
        if role.is_empty() {
            String::new()
        } else {
            format!(", {}", escape(role))
        },
        escape(study.shown(&rec.path)),
        quote.line,
        quote
            .timestamp
            .map(|t| format!(" · {t}"))
            .unwrap_or_default(),
    );
    // Passages and themes are looked up by interview (its people's records share it).
    let passage = q.passages.cite(study, rec.interview, quote);
    let theme = study
        .theme_of(rec.interview, quote.byte_start)
        .map_or("", |t| t.id.as_str());
    let data = Data {
        force,
        role,
        segment: seg,
        interview: rec.interview,
        theme,
    };
    blockquote(s, &data, quote, &cite, passage);
}

/// What the filters read off a quote.
struct Data<'a> {
    force: Force,
    role: &'a str,
    segment: Option<usize>,
    /// The interview, by its index in the study.
    interview: usize,
    /// The id of the theme its signal joined, or empty.
    theme: &'a str,
}

/// A quote's element: its words as read, the filters' data, its cite (already escaped) and the
/// button that opens its passage.
fn blockquote(
    s: &mut TextOut<'_>,
    d: &Data<'_>,
    quote: &Quote,
    cite: &str,
    passage: Option<usize>,
) {
    let _ = write!(
        s,
        "<blockquote class=\"{f}\" data-force=\"{f}\" data-role=\"{}\" data-segment=\"{}\" data-interview=\"{}\" data-theme=\"{}\"><span class=\"q\">{}</span><cite>{cite}{}</cite></blockquote>",
        escape(d.role),
        d.segment.map(|k| k.to_string()).unwrap_or_default(),
        d.interview,
        escape(d.theme),
        escape(&jtbd_text::markup::readable(&quote.text)),
        passage
            .map(|n| format!(
                " <button type=\"button\" class=\"ctx\" data-passage=\"{n}\">in context</button>"
            ))
            .unwrap_or_default(),
        f = d.force.as_str(),
    );
}

fn stories(study: &Study<'_>, q: &mut Quoting, s: &mut TextOut<'_>) {
    let f = study.findings;
    s.push_str("<section id=\"stories\"><h2>Job stories</h2>");
    if f.stories.is_empty() {
        s.push_str("<p>No job story: no theme is shared by enough interviewees.</p>");
    }
    for (story, t, first, note) in crate::story_heads(study) {
        let anchor = if first {
            format!(" id=\"{}\"", escape(&t.id))
        } else {
            String::new()
        };
        let _ = write!(
            s,
            "<article class=\"story\"{anchor}><h3>{} <span class=\"muted\">({})</span></h3><p class=\"text\">{}</p>",
            escape(&t.label),
            escape(&note),
            escape(&story.text)
        );
        for (name, slot) in crate::slots(story) {
            match slot {
                Some(d) => {
                    let force = study
                        .records
                        .briefs(d.evidence.record)
                        .find(|x| x.byte_start == d.evidence.quote.byte_start)
                        .map_or(Force::DesiredProgress, |x| x.force);
                    let _ = write!(s, "<div class=\"slot\"><p class=\"muted\">{name}, from</p>");
                    quote_html(study, q, d.evidence.record, &d.evidence.quote, force, s);
                    s.push_str("</div>");
                }
                None => {
                    let _ = write!(
                        s,
                        "<p class=\"gap\">{name}: a gap, no quote of theirs says it; ask in the next interviews.</p>"
                    );
                }
            }
        }
        if let (Some(e), Some(b)) = (&story.executor, &story.beneficiary) {
            let _ = write!(
                s,
                "<p class=\"muted\">Job done by <b>{}</b>, for <b>{}</b>.</p>",
                escape(&e.name),
                escape(&b.name)
            );
        }
        if !story.chains.is_empty() {
            let _ = write!(
                s,
                "<details><summary>What drives it: {} from a fear or pain to a want</summary>",
                if story.chains.len() == 1 {
                    "one link".to_owned()
                } else {
                    format!("{} links", story.chains.len())
                }
            );
            for c in &story.chains {
                let from = study.records.said(c.from).force;
                let _ = write!(
                    s,
                    "<p class=\"muted\">{} leads to a want ({}):</p>",
                    if from == Force::Anxiety {
                        "A fear"
                    } else {
                        "A pain"
                    },
                    escape(&c.link)
                );
                for r in [c.from, c.to] {
                    let said = study.records.said(r);
                    quote_html(study, q, r.record, &said.quote, said.force, s);
                }
            }
            s.push_str("</details>");
        }
        if first {
            let shown = crate::evidence(study, t, crate::study::QUOTES_PER_STORY);
            let _ = write!(
                s,
                "<details class=\"evidence\"><summary>Evidence of the theme: {} of its {} quotes</summary>",
                shown.len(),
                t.evidence.len()
            );
            for (record, said) in &shown {
                quote_html(study, q, *record, &said.quote, said.force, s);
            }
            if t.evidence.len() > shown.len() {
                let _ = write!(
                    s,
                    "<p class=\"muted\">+{} more: every quote is in <code>signals.csv</code> (column <code>theme</code>) and under all quotes below.</p>",
                    t.evidence.len() - shown.len()
                );
            }
            s.push_str("</details>");
        }
        s.push_str("</article>\n");
    }
    s.push_str("</section>\n");
}

fn segments(study: &Study<'_>, q: &mut Quoting, s: &mut TextOut<'_>) {
    let f = study.findings;
    s.push_str("<section id=\"segments\"><h2>Segments</h2>");
    if f.segments.is_empty() {
        s.push_str("<p>No segment: too few interviewees share themes.</p>");
    }
    for (k, seg) in f.segments.iter().enumerate() {
        let (head, also) = crate::theme_labels(study, seg, |l| escape(l).into_owned());
        let _ = write!(
            s,
            "<article class=\"story\"><h3>Segment {}: {}</h3><p>{} members (cohesion {:.2}): {}</p>{}<p>Poster child: <b>{}</b></p>",
            k + 1,
            head,
            seg.members.len(),
            seg.cohesion,
            escape(&study.shown_all(&seg.members)),
            if also.is_empty() {
                String::new()
            } else {
                format!("<p class=\"muted\">Also shared: {also}</p>")
            },
            escape(study.shown(&seg.poster_child))
        );
        if !seg.profile.is_empty() {
            let profile: Vec<String> = seg
                .profile
                .iter()
                .map(|(key, v)| format!("{}: {}", escape(key), escape(v)))
                .collect();
            let _ = write!(s, "<p class=\"muted\">{}</p>", profile.join(" · "));
        }
        if !seg.language.is_empty() {
            let words: Vec<String> = seg
                .language
                .iter()
                .map(|(w, n)| format!("{} ({n})", escape(w)))
                .collect();
            let _ = write!(s, "<p>Their words: {}</p>", words.join(", "));
        }
        for r in &seg.poster_quotes {
            let said = study.records.said(*r);
            quote_html(study, q, r.record, &said.quote, said.force, s);
        }
        s.push_str("</article>\n");
    }
    s.push_str("</section>\n");
}

/// Every signal by interview, folded away (the first [`SIGNALS_LISTED`]).
fn all_signals(study: &Study<'_>, q: &mut Quoting, s: &mut TextOut<'_>) {
    let _ = write!(
        s,
        "<section id=\"signals\"><h2>Signals by interview</h2><details><summary>{} signals{}</summary>",
        study.signals.len(),
        if study.signals.len() > SIGNALS_LISTED {
            format!(" (the first {SIGNALS_LISTED} here; every one is in signals.csv)")
        } else {
            String::new()
        }
    );
    let mut last = usize::MAX;
    for sig in study.signals.head().iter().take(SIGNALS_LISTED) {
        let i = &study.interviews[sig.interview];
        if sig.interview != last {
            last = sig.interview;
            let _ = write!(
                s,
                "<h3>{} <span class=\"muted\">{}</span></h3>",
                escape(&study.interview_name(i)),
                escape(study.shown(&i.path))
            );
        }
        let role = i.metadata.meta(MetaKey::Role).unwrap_or("");
        let cite = format!(
            "{} ({}) · {} {:.2} · {}:{}{}",
            escape(sig.quote.speaker.as_deref().unwrap_or("")),
            sig.quote.role.as_str(),
            sig.force.as_str().replace('_', " "),
            sig.confidence,
            escape(study.shown(&i.path)),
            sig.quote.line,
            sig.quote
                .timestamp
                .map(|t| format!(" · {t}"))
                .unwrap_or_default(),
        );
        let passage = q.passages.cite(study, sig.interview, &sig.quote);
        let theme = study
            .theme_of(sig.interview, sig.quote.byte_start)
            .map_or("", |t| t.id.as_str());
        let data = Data {
            force: sig.force,
            role,
            segment: q.segs.get(sig.interview).copied().filter(|&k| k > 0),
            interview: sig.interview,
            theme,
        };
        blockquote(s, &data, &sig.quote, &cite, passage);
    }
    s.push_str("</details></section>\n");
}

/// Who was taken for the interviewer and the interviewee, and how: a reader can catch a wrong
/// guess, and fix it with the `participants.csv` shown.
fn who_was_interviewed(study: &Study<'_>, s: &mut TextOut<'_>) {
    let rows = study.who_was_interviewed();
    let inferred = rows.iter().filter(|r| r.inferred).count();
    let _ = write!(
        s,
        "<section id=\"roles\"><h2>Who was interviewed</h2><p class=\"muted\">Roles inferred from the talk in {inferred} of {} interviews: check them below.</p>",
        rows.len()
    );
    if let Some(note) = study.no_interviewee_note(&rows) {
        let _ = write!(s, "<p>{}</p>", escape(&note));
    }
    s.push_str("<details><summary>Interviewer and interviewee of each interview</summary><table><thead><tr><th>interview</th><th>interviewee</th><th>interviewer</th><th>how</th></tr></thead><tbody>");
    for r in &rows {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(r.shown),
            escape(&r.interviewee_cell()),
            escape(&r.interviewers.join(", ")),
            r.how
        );
    }
    s.push_str("</tbody></table></details>");
    if let Some(csv) = study.participants_hint(&rows) {
        let _ = write!(
            s,
            "<p>To set roles and metadata yourself, save this as <code>participants.csv</code> in the folder read and fill it in: the next run reads it from there (or name it with <code>--meta FILE</code>).</p><pre>{}</pre>",
            escape(&csv)
        );
    }
    s.push_str("</section>\n");
}

/// The words of the page, as a researcher reads them.
fn glossary(s: &mut TextOut<'_>) {
    s.push_str("<section id=\"glossary\"><h2>Words used here</h2><dl>");
    for (term, meaning) in crate::GLOSSARY {
        let _ = write!(
            s,
            "<dt><b>{}</b></dt><dd>{}</dd>",
            escape(term),
            escape(meaning)
        );
    }
    s.push_str("</dl></section>\n");
}

fn problems(study: &Study<'_>, s: &mut TextOut<'_>) {
    if study.problems.is_empty() {
        return;
    }
    s.push_str("<section id=\"problems\"><h2>Files not read</h2><table><thead><tr><th>file</th><th>line</th><th>why</th></tr></thead><tbody>");
    for p in study.problems {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}{}</td></tr>",
            escape(study.shown(&p.path)),
            p.line.map(|l| l.to_string()).unwrap_or_default(),
            if p.skipped { "skipped: " } else { "error: " },
            escape(&p.message)
        );
    }
    s.push_str("</tbody></table></section>\n");
}
