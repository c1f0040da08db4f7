//! Where the outputs of a study are written: the formats people open (an HTML report with charts
//! drawn as inline SVG, the same report in Markdown, CSV that spreadsheets read right) and the
//! ones other tools load (a REFI-QDA project for ATLAS.ti, NVivo, MAXQDA and QualCoder; Quickwit
//! and Elasticsearch documents).
//!
//! It is also where every command's wire types (`wire*`: the JSON Lines messages, documented in
//! `docs/output.md`) and renderers (`emit*`: JSON Lines, JSON, CSV, the human views; `fast_json`
//! for the hot JSON Lines messages) live. The report formats take a [`Study`], the finished
//! results of the stages (interviews read, signals extracted, stories found), and write it to an
//! `impl Write`. Nothing here reads a transcript or computes a finding: a format only arranges
//! what it is given.

pub use jtbd_model::atomic;
pub mod charts;
pub mod csv;
pub mod emit;
pub mod emit_review;
pub mod emit_rules;
pub mod emit_search;
pub mod emit_signals;
pub mod emit_stories;
pub mod emit_tune;
pub mod fast_json;
pub mod html;
pub mod markdown;
pub mod passage;
pub mod qdpx;
pub mod search_export;
pub mod serve_page;
pub mod signal_store;
mod study;
pub mod style;
mod text_out;
pub mod wire;
pub mod wire_search;
pub mod wire_serve;
pub mod wire_signal;
pub mod wire_stories;

pub use signal_store::SignalStore;
pub use study::{
    InterviewRow, Problem, Reviewed, SignalRow, Study, evidence, quoted, slots, story_heads,
    theme_labels,
};

/// Escapes text for HTML and XML content and attribute values.
/// `n` and the noun, in the plural unless `n` is one ("1 quote", "3 quotes", "2 companies":
/// the regular plurals of the reports' nouns).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) && !s.chars().any(is_direction_control) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Shown, not obeyed: an invisible direction control can make a quote read as
            // something else.
            c if is_direction_control(c) => out.push_str(&shown_control(c)),
            c => out.push(c),
        }
    }
    out.into()
}

/// The words the reports use, as a researcher reads them: the glossary at the end of
/// `report.html` and `report.md`.
pub const GLOSSARY: [(&str, &str); 10] = [
    (
        "force",
        "what moves someone to change or holds them back (the forces of progress): frustration with today pushes, desired progress pulls, anxiety about the new and habit of the old hold back",
    ),
    (
        "quote",
        "one sentence an interviewee said that shows a force, verbatim, with its file and line (a \"signal\" in the data files); a sentence that shows two forces (a pain and the want it leads to) counts once for each force; a theme quotes it once",
    ),
    (
        "turn",
        "what one speaker says before the next speaker talks",
    ),
    (
        "theme",
        "a topic several interviewees speak to, named by the codebook or by the words they share",
    ),
    (
        "job story",
        "one interviewee's situation, motivation and expected outcome: When ..., I want to ..., so I can ...",
    ),
    (
        "gap",
        "a part of a job story no quote of that person gives: ask about it in the next interviews",
    ),
    (
        "what drives it",
        "a fear or pain the same person links to a want, in the same answer or the next",
    ),
    (
        "segment",
        "interviewees who share struggles (themes and forces), whatever their titles",
    ),
    (
        "poster child",
        "the member of a segment closest to its centre: the person to read first",
    ),
    (
        "interviewer, interviewee",
        "who asks and who answers; inferred from the talk unless labels, flags or participants.csv say",
    ),
];

/// Transcript text for a terminal: a direction control shown as `⟨U+202E⟩`, any other control
/// character (an escape sequence that would clear the screen or recolour it, a line break) as a
/// space. The human views pass every piece of transcript text through it.
pub fn terminal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() || is_direction_control(c)) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_direction_control(c) {
            out.push_str(&shown_control(c));
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// How an invisible direction control is shown: `⟨U+202E⟩`.
pub(crate) fn shown_control(c: char) -> String {
    format!("⟨U+{:04X}⟩", c as u32)
}

/// The invisible characters that change the direction text is shown in (Unicode bidi
/// controls): [`escape`], [`markdown::md`] and [`terminal`] show them as `⟨U+202E⟩`.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_count_of_one_is_singular() {
        assert_eq!(super::count(1, "quote"), "1 quote");
        assert_eq!(super::count(0, "quote"), "0 quotes");
        assert_eq!(super::count(12, "interviewee"), "12 interviewees");
        assert_eq!(super::count(2, "company"), "2 companies");
        assert_eq!(super::count(3, "day"), "3 days");
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            super::escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(super::escape("plain"), "plain");
        assert_eq!(
            super::terminal("a\u{1b}[2Jb \u{202E}c\nd"),
            "a [2Jb ⟨U+202E⟩c d"
        );
        assert!(matches!(
            super::terminal("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
