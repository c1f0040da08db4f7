//! What the formats are given: the finished results of one run, without transcript text beyond
//! the quotes they print (the stories' records may be spilled to a file: the signals the
//! formats quote, [`quoted`], are read back before they run).

use jtbd_model::{Force, Interview, PerForce, Role, RoleSource, Signal};
use jtbd_stories::{Findings, Quote, Records};
use std::collections::BTreeMap;

/// One interview read.
#[derive(Debug, Clone, PartialEq)]
pub struct InterviewRow {
    /// Stable id.
    pub id: String,
    /// Path as given.
    pub path: String,
    /// Format read as.
    pub format: &'static str,
    /// Metadata, keys lower case (shared with the interview's stories records).
    pub metadata: std::sync::Arc<BTreeMap<String, String>>,
    /// Speakers, their roles and why each role was given (`label`, `flag`, `metadata`,
    /// `introduction`, `heuristic`, `single`), in order of first appearance.
    pub speakers: Vec<(String, Role, RoleSource)>,
    /// Turns and words.
    pub turns: usize,
    /// Words over all sentences.
    pub words: usize,
    /// Signals per force.
    pub forces: PerForce<usize>,
    /// Who was interviewed and whose words each turn holds, as the stories stage counts people.
    pub people: jtbd_stories::People,
}

impl InterviewRow {
    /// The row of `i`, whose signals are `signals`, and whose metadata is `metadata` (kept once
    /// for the row and the interview's stories records: `Record::people` made it).
    pub fn new(
        i: &Interview,
        signals: &[Signal],
        metadata: std::sync::Arc<BTreeMap<String, String>>,
    ) -> InterviewRow {
        let forces = PerForce::count(signals.iter().map(|s| s.force));
        InterviewRow {
            id: i.id.clone(),
            path: i.path.clone(),
            format: i.format.as_str(),
            metadata,
            speakers: i
                .speakers
                .iter()
                .map(|s| (s.name.clone(), s.role, s.role_source))
                .collect(),
            turns: i.turns.len(),
            words: i.word_count(),
            forces,
            people: jtbd_stories::People::of(i),
        }
    }

    /// Who was interviewed: the `participant` metadata, else the speaker (not an interviewer)
    /// who said most, else the interview's id.
    pub fn interviewee(&self) -> &str {
        &self.people.interviewee
    }

    /// Every speaker was taken for an interviewer (hosts talking among themselves): nothing in
    /// the interview is read for forces, themes or stories.
    pub fn no_interviewee(&self) -> bool {
        !self.speakers.is_empty() && self.speakers.iter().all(|s| s.1 == Role::Interviewer)
    }
}

/// One signal, with its quote and place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalRow {
    /// Index into [`Study::interviews`].
    pub interview: usize,
    /// The force.
    pub force: Force,
    /// How sure, 0 to 1.
    pub confidence: f64,
    /// Rules that fired.
    pub rules: Vec<String>,
    /// The cue words as they stand in the text.
    pub cues: Vec<String>,
    /// The interviewer's question before it, if any.
    pub question: Option<String>,
    /// The sentence, its speaker and its place in the file, as the stories quote it.
    pub quote: Quote,
    /// Byte range in the decoded source (for character positions in exports).
    pub source_range: std::ops::Range<usize>,
}

impl SignalRow {
    /// The row of signal `s` of `i`, the `interview`-th interview of the study.
    pub fn new(interview: usize, i: &Interview, s: &Signal) -> SignalRow {
        let sentence = &i.turns[s.turn].sentences[s.sentence];
        SignalRow {
            interview,
            force: s.force,
            confidence: s.confidence,
            rules: s.rules.clone(),
            cues: s
                .cues
                .iter()
                .filter_map(|c| sentence.text(&i.source).get(c.clone()))
                .map(str::to_owned)
                .collect(),
            question: s
                .question
                .map(|(t, q)| i.turns[t].sentences[q].text(&i.source).to_owned()),
            quote: Quote::of(i, s.turn, s.sentence),
            source_range: sentence.range(),
        }
    }
}

/// Who was taken for the interviewer and the interviewee in one interview, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct WhoRow<'a> {
    /// The interview as the report names it.
    pub shown: &'a str,
    pub interviewees: Vec<&'a str>,
    pub interviewers: Vec<&'a str>,
    /// Who the analysis took the interview to be of (the `participant` the stories used), empty
    /// when only the file names them (a voice label, or no interviewee at all).
    pub participant: &'a str,
    /// How the roles were decided, in words: given (a flag, the metadata, the labels) or
    /// inferred from the talk.
    pub how: &'static str,
    /// Roles were inferred, not given: a reader should check them.
    pub inferred: bool,
    /// Every speaker was taken for an interviewer ([`InterviewRow::no_interviewee`]).
    pub no_interviewee: bool,
}

impl WhoRow<'_> {
    /// The interviewees as the table shows them; "none" when every speaker was taken for an
    /// interviewer.
    pub fn interviewee_cell(&self) -> String {
        if self.no_interviewee {
            "none".to_owned()
        } else {
            self.interviewees.join(", ")
        }
    }
}

/// How a role was decided, in a reader's words.
fn how(source: RoleSource) -> (&'static str, bool) {
    match source {
        RoleSource::Flag => ("given on the command line", false),
        RoleSource::Metadata => (
            "given by the metadata (participants.csv, front matter)",
            false,
        ),
        RoleSource::Label => ("said by the speaker labels (Interviewer:, Q:)", false),
        RoleSource::Introduction => ("inferred: who introduces whom", true),
        RoleSource::Study => ("inferred: hosts nearly all the other interviews", true),
        RoleSource::Single => ("inferred: one speaker only", true),
        RoleSource::Heuristic => ("inferred: who asks the questions", true),
    }
}

impl<'a> Study<'a> {
    /// The theme the signal quoting `byte_start` of interview `interview` joined, if any.
    pub fn theme_of(&self, interview: usize, byte_start: usize) -> Option<&'a jtbd_stories::Theme> {
        let t = self.themed.get_or_init(|| crate::csv::theme_of(self)).get(
            self.records,
            &self.findings.joined,
            interview,
            byte_start,
        )?;
        self.findings.themes.get(t)
    }

    /// Per interview, who was taken for whom, and how that was decided.
    pub fn who_was_interviewed(&self) -> Vec<WhoRow<'a>> {
        self.interviews
            .iter()
            .map(|i| {
                let with = |role: Role| -> Vec<&'a str> {
                    i.speakers
                        .iter()
                        .filter(|s| s.1 == role)
                        .map(|s| s.0.as_str())
                        .collect()
                };
                // The least certain source among the speakers says how the roles were decided.
                let (how, inferred) = i
                    .speakers
                    .iter()
                    .map(|s| how(s.2))
                    .max_by_key(|(_, inferred)| *inferred)
                    .unwrap_or(("no speaker labels", true));
                let participant = if i.interviewee() == i.path {
                    ""
                } else {
                    i.interviewee()
                };
                WhoRow {
                    shown: self.shown(&i.path),
                    participant,
                    interviewees: with(Role::Interviewee),
                    interviewers: with(Role::Interviewer),
                    how,
                    inferred,
                    no_interviewee: i.no_interviewee(),
                }
            })
            .collect()
    }

    /// Whether any interview carries metadata of its own (a file's heading is not about anyone).
    pub fn described(&self) -> bool {
        self.interviews.iter().any(|i| {
            i.metadata
                .keys()
                .any(|k| k != jtbd_model::MetaKey::Heading.as_str())
        })
    }

    /// When roles were inferred (in `rows`, [`Study::who_was_interviewed`]) or no interview
    /// carries metadata: the lines of a
    /// `participants.csv` that would set them (one row per interview, the interviewee filled in,
    /// the other columns left for the team), to put beside the transcripts.
    pub fn participants_hint(&self, rows: &[WhoRow<'_>]) -> Option<String> {
        if self.described() && rows.iter().all(|r| !r.inferred) {
            return None;
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(["file", "participant", "role", "company", "industry", "size"]);
        for r in rows {
            // The path below the folder read: what the manifest's `file` column matches.
            let file = r.shown.split_once('/').map_or(r.shown, |(_, below)| below);
            // Whom the analysis took the file to be of: saved as it stands, the manifest changes
            // no one's words (a second guest stays their own person by their label).
            let _ = w.write_record([file, r.participant, "", "", "", ""]);
        }
        let csv = String::from_utf8(w.into_inner().ok()?).ok()?;
        Some(csv)
    }
}

/// A file not read: an error, or skipped on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path as given.
    pub path: String,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// What happened.
    pub message: String,
    /// Left out on purpose (a note), rather than failed.
    pub skipped: bool,
}

/// The results of one run, as every format takes them.
#[derive(Debug, Clone, Copy)]
pub struct Study<'a> {
    /// Interviews read, in walk order.
    pub interviews: &'a [InterviewRow],
    /// Signals of every speaker, grouped by interview in walk order.
    pub signals: &'a crate::SignalStore,
    /// What the stories stage was given, indexed by the findings. When spilled, only the
    /// signals [`quoted`] lists can be read with `Records::said`.
    pub records: &'a Records,
    /// Themes, stories, segments and chains.
    pub findings: &'a Findings,
    /// The theme of each themed signal's quote, made when first asked ([`Study::theme_of`]):
    /// `signals.csv` and the report are written at once and share it.
    pub themed: &'a std::sync::OnceLock<crate::csv::ThemeOf>,
    /// Files not read.
    pub problems: &'a [Problem],
    /// Interviewees a theme needs.
    pub min_interviewees: usize,
    /// How the reports for people (HTML, Markdown) show a path: the folder it was read from and
    /// the path below it, never the machine's folders. A path not in it is shown as given.
    pub shown_paths: &'a std::collections::BTreeMap<String, String>,
    /// The title of the reports for people.
    pub title: &'a str,
    /// The turns around every signal, so a quote opens in its passage.
    pub passages: &'a crate::passage::Passages,
    /// The research team's verdicts and how often they agree with the rules, when the run had
    /// a corrections file.
    pub review: Option<Reviewed<'a>>,
}

/// A corrections file the run applied, and its agreement figures (`jtbd review stats`).
#[derive(Debug, Clone, Copy)]
pub struct Reviewed<'a> {
    /// The file, as the reports show it.
    pub file: &'a str,
    pub verdicts: usize,
    pub agreement: &'a jtbd_review::Agreement,
}

impl<'a> Study<'a> {
    /// `path` (or an interviewee known only by their file's path) as the reports for people show
    /// it ([`Study::shown_paths`]).
    pub fn shown(&self, path: &'a str) -> &'a str {
        self.shown_paths.get(path).map_or(path, String::as_str)
    }

    /// How the reports name an interview: the person it is of, then any other guest who spoke
    /// ("Andrew Rynhard, Steve Francis": the interview's counts hold both); its file with "(no
    /// interviewee)" when every speaker was taken for an interviewer (nothing in it is read).
    pub fn interview_name(&self, i: &'a InterviewRow) -> String {
        if i.no_interviewee() {
            return format!("{} (no interviewee)", self.shown(&i.path));
        }
        let mut names = vec![i.interviewee()];
        for (label, role, _) in &i.speakers {
            let person = i.people.person(Some(label));
            if *role == Role::Interviewee && !names.contains(&person) {
                names.push(person);
            }
        }
        let shown: Vec<&str> = names.into_iter().map(|n| self.shown(n)).collect();
        shown.join(", ")
    }

    /// What the reports say of interviews whose speakers were all taken for interviewers (in
    /// `rows`, [`Study::who_was_interviewed`]): nothing in them is read, and how to say who
    /// was interviewed if someone was. `None` when every interview has an interviewee.
    pub fn no_interviewee_note(&self, rows: &[WhoRow<'_>]) -> Option<String> {
        let none = rows.iter().filter(|r| r.no_interviewee).count();
        (none > 0).then(|| {
            format!(
                "{} of {} interviews {} no interviewee: every speaker was taken for an interviewer \
                 (hosts talking among themselves), so nothing in {} is read for forces, themes or \
                 stories. If someone was interviewed, name them in the participant column of \
                 participants.csv.",
                none,
                rows.len(),
                if none == 1 { "has" } else { "have" },
                if none == 1 { "it" } else { "them" },
            )
        })
    }

    /// Whether the themes' company and role counts say anything: some interview's metadata
    /// names a company or a role (without it every count is 0, a column of noise).
    pub fn themes_count_metadata(&self) -> bool {
        self.findings
            .themes
            .iter()
            .any(|t| t.strength.companies > 0 || t.strength.roles > 0)
    }

    /// Names (an interviewee known only by its file is named by it) as the reports show them,
    /// joined by commas.
    pub fn shown_all(&self, names: &'a [String]) -> String {
        let shown: Vec<&str> = names.iter().map(|n| self.shown(n)).collect();
        shown.join(", ")
    }
    /// Signals per force over all interviews.
    pub fn force_totals(&self) -> PerForce<usize> {
        let mut t = PerForce::default();
        for i in self.interviews {
            t.add(&i.forces);
        }
        t
    }

    /// Files that failed.
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| !p.skipped).count()
    }

    /// Signals per force summed over the interviews with each value of a metadata field (`role`,
    /// `size`, `industry`), values in order (numbers as numbers: `150` before `1200`); empty
    /// when no interview has the field.
    pub fn forces_by(&self, field: jtbd_model::MetaKey) -> Vec<(String, PerForce<usize>)> {
        let mut by: BTreeMap<&str, PerForce<usize>> = BTreeMap::new();
        for i in self.interviews {
            let Some(v) = i
                .metadata
                .get(field.as_str())
                .filter(|v| !v.trim().is_empty())
            else {
                continue;
            };
            by.entry(v.as_str()).or_default().add(&i.forces);
        }
        let mut rows: Vec<(String, PerForce<usize>)> =
            by.into_iter().map(|(v, n)| (v.to_owned(), n)).collect();
        let number = |s: &str| s.trim().replace([',', '_'], "").parse::<f64>().ok();
        if rows.iter().all(|(v, _)| number(v).is_some()) {
            rows.sort_by(|a, b| {
                number(&a.0)
                    .partial_cmp(&number(&b.0))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            // Many numbers (company sizes) read as ranges, not one category per value.
            if rows.len() > MAX_NUMERIC_VALUES {
                let mut bands: Vec<(String, PerForce<usize>)> = Vec::new();
                for (v, n) in rows {
                    let band = size_band(number(&v).unwrap_or(0.0));
                    match bands.last_mut() {
                        Some((b, total)) if *b == band => total.add(&n),
                        _ => bands.push((band, n)),
                    }
                }
                return bands;
            }
        }
        rows
    }
}

/// Each story in order with its theme, whether it is the theme's first (strongest) story (the
/// theme's evidence goes with that one), and who tells it with how many of the theme's
/// interviewees tell one: `Dana Okafor; 3 of 5 interviewees tell one`.
pub fn story_heads<'a>(
    study: &'a Study<'a>,
) -> impl Iterator<
    Item = (
        &'a jtbd_stories::Story,
        &'a jtbd_stories::Theme,
        bool,
        String,
    ),
> + 'a {
    let f = study.findings;
    f.stories.iter().enumerate().map(move |(i, story)| {
        let t = &f.themes[story.theme];
        let first = i == 0 || f.stories[i - 1].theme != story.theme;
        let teller = story.teller(study.records);
        let note = format!(
            "{teller}; {} of {} interviewees tell one",
            t.tellers, t.strength.interviewees
        );
        (story, t, first, note)
    })
}

/// More distinct numbers than this in a field are shown as ranges.
const MAX_NUMERIC_VALUES: usize = 4;

/// The range a number falls in, in the bands company sizes are told in.
pub fn size_band(x: f64) -> String {
    const BANDS: [(f64, &str); 6] = [
        (50.0, "under 50"),
        (250.0, "50-249"),
        (1000.0, "250-999"),
        (5000.0, "1,000-4,999"),
        (10000.0, "5,000-9,999"),
        (f64::INFINITY, "10,000 or more"),
    ];
    BANDS
        .iter()
        .find(|(upper, _)| x < *upper)
        .map_or("10,000 or more", |(_, label)| label)
        .to_owned()
}

/// How many of a segment's themes name it in a heading: the ones that set it apart.
pub const SEGMENT_HEAD: usize = 3;

/// The labels of a segment's themes, each made safe by `safe`, joined by `; ` (a label may hold
/// a comma): the first
/// [`SEGMENT_HEAD`] (what sets it apart, for its heading) and the rest (also shared).
pub fn theme_labels(
    study: &Study<'_>,
    seg: &jtbd_stories::Segment,
    safe: impl Fn(&str) -> String,
) -> (String, String) {
    let labels: Vec<String> = seg
        .themes
        .iter()
        .filter_map(|&t| study.findings.themes.get(t))
        .map(|t| safe(&t.label))
        .collect();
    let cut = labels.len().min(SEGMENT_HEAD);
    (labels[..cut].join("; "), labels[cut..].join("; "))
}

/// Quotes of a theme's evidence the report and the Markdown show.
pub(crate) const QUOTES_PER_STORY: usize = 6;

/// Every signal the outputs of a study quote with [`jtbd_stories::Records::said`], when the
/// stories' JSON Lines show `quotes` quotes a theme (0: all): what a study whose records are
/// spilled reads back before they are written. Each theme's first quotes, its stories' chains
/// and parties, each segment's poster quotes.
pub fn quoted(f: &Findings, quotes: usize) -> Vec<jtbd_stories::SignalRef> {
    let per_theme = match quotes {
        0 => usize::MAX,
        n => n.max(QUOTES_PER_STORY),
    };
    let mut out: Vec<jtbd_stories::SignalRef> = Vec::new();
    for t in &f.themes {
        out.extend(t.evidence.iter().take(per_theme));
    }
    for s in &f.stories {
        out.extend(s.chains.iter().flat_map(|c| [c.from, c.to]));
        for p in [&s.executor, &s.beneficiary].into_iter().flatten() {
            out.extend(&p.evidence);
        }
    }
    for seg in &f.segments {
        out.extend(&seg.poster_quotes);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A theme's evidence to show: its first `n` quotes as the stage ranked them
/// ([`jtbd_stories::Theme::evidence`]).
pub fn evidence<'a>(
    study: &Study<'a>,
    theme: &'a jtbd_stories::Theme,
    n: usize,
) -> Vec<(usize, &'a jtbd_stories::Said)> {
    theme
        .evidence
        .iter()
        .take(n)
        .map(|r| (r.record, study.records.said(r)))
        .collect()
}

/// A job story's slots in reading order, each with its name: situation, motivation, outcome.
pub fn slots(story: &jtbd_stories::Story) -> [(&'static str, Option<&jtbd_stories::Drafted>); 3] {
    [
        ("situation", story.situation.as_ref()),
        ("motivation", story.motivation.as_ref()),
        ("outcome", story.outcome.as_ref()),
    ]
}

#[cfg(test)]
mod tests {
    use super::size_band;

    #[test]
    fn numbers_fall_in_size_bands() {
        let got: Vec<String> = [10.0, 50.0, 249.0, 999.0, 1200.0, 5000.0, 25000.0]
            .into_iter()
            .map(size_band)
            .collect();
        assert_eq!(
            got,
            [
                "under 50",
                "50-249",
                "50-249",
                "250-999",
                "1,000-4,999",
                "5,000-9,999",
                "10,000 or more"
            ]
        );
    }
}
