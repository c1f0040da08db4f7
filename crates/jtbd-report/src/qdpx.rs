//! REFI-QDA: a `.qdpx` project (ATLAS.ti, NVivo, MAXQDA, QualCoder import it) and a `.qdc`
//! codebook. Sources are the transcripts as plain UTF-8 text (no BOM, LF line ends); forces and
//! themes are the codebook; each signal is a coded selection at code-point positions in that
//! text (0-based, end exclusive); each interviewee is a case with the metadata as variables.
//! GUIDs are derived from stable keys, so the same input gives the same bytes.

use crate::{Study, escape};
use jtbd_model::{Force, Format, Interview, Signal};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Seek, Write};

/// The user every element names as its creator.
const USER: &str = "jtbd";
/// The time of an item whose source gives none (no `date`, no modification time): fixed, so the
/// output does not change between runs of the same input.
const WHEN: &str = "2000-01-01T00:00:00Z";

/// `YYYY-MM-DDThh:mm:ssZ` of a time in seconds since 1970-01-01 UTC.
pub fn rfc3339(unix_seconds: u64) -> String {
    let secs = unix_seconds % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date(unix_seconds),
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// `YYYY-MM-DD` of a time in seconds since 1970-01-01 UTC (also the `at` of a verdict `jtbd
/// serve` writes).
pub fn date(unix_seconds: u64) -> String {
    let (y, m, d) = civil((unix_seconds / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// When an interview was made, as the project says it: its `date` metadata when that is a
/// date (`2026-03-14`), else its file's modification time, else [`WHEN`].
fn source_date(i: &Interview, modified: Option<u64>) -> String {
    let date = i.metadata.get("date").map(|d| d.trim()).filter(|d| {
        let b = d.as_bytes();
        b.len() == 10
            && b.iter().enumerate().all(|(n, c)| match n {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            })
    });
    match (date, modified) {
        (Some(d), _) => format!("{d}T00:00:00Z"),
        (None, Some(t)) => rfc3339(t),
        (None, None) => WHEN.to_owned(),
    }
}

/// A GUID derived from a key (xxh3-128, shaped as a version-5-style UUID).
pub fn guid(key: &str) -> String {
    let h = xxhash_rust::xxh3::xxh3_128(key.as_bytes()).to_be_bytes();
    let mut b = h;
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A transcript as plain text for QDA programs: no BOM, `\r\n` and `\r` as `\n`. Returns the
/// text and, for each byte offset of the source that starts a char, its code-point position.
pub fn plain_text(source: &str) -> (String, impl Fn(usize) -> usize + '_) {
    let mut text = String::with_capacity(source.len());
    // (source byte offset, code points written before it), at each char of the source.
    let mut marks: Vec<(usize, usize)> = Vec::with_capacity(source.len() / 4);
    let mut points = 0usize;
    let mut chars = source.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        marks.push((at, points));
        match c {
            '\u{feff}' if at == 0 => {}
            '\r' => {
                if chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    // `\r\n` is one `\n`: the `\n` is written, the `\r` is not.
                } else {
                    text.push('\n');
                    points += 1;
                }
            }
            c => {
                text.push(c);
                points += 1;
            }
        }
    }
    marks.push((source.len(), points));
    let position = move |at: usize| match marks.binary_search_by_key(&at, |m| m.0) {
        Ok(k) => marks[k].1,
        Err(k) => marks[k.saturating_sub(1)].1,
    };
    (text, position)
}

/// A sentence placed in [`transcript_text`]: its code-point range there and its text.
pub type Placed = (usize, usize, String);

/// A transcript whose file is not readable text (speech-to-text JSON, captions, DOCX) as plain
/// text for QDA programs: each turn a paragraph, `Speaker: ` then its sentences joined by a
/// space (line ends as `\n`). Returns the text and each sentence's code-point range in it, by
/// turn and sentence, with the sentence's text as it stands there.
pub fn transcript_text(i: &Interview) -> (String, Vec<Vec<Placed>>) {
    let mut text = String::with_capacity(i.source.len() / 2);
    let mut points = 0usize;
    let mut push = |text: &mut String, piece: &str| {
        text.push_str(piece);
        points += piece.chars().count();
        points
    };
    let mut ranges = Vec::with_capacity(i.turns.len());
    for t in &i.turns {
        if !text.is_empty() {
            push(&mut text, "\n\n");
        }
        if let Some(speaker) = &t.speaker {
            push(&mut text, speaker);
            push(&mut text, ": ");
        }
        let mut sentences = Vec::with_capacity(t.sentences.len());
        for (n, sentence) in t.sentences.iter().enumerate() {
            if n > 0 {
                push(&mut text, " ");
            }
            let body = sentence
                .text(&i.source)
                .replace("\r\n", "\n")
                .replace('\r', "\n");
            let start = push(&mut text, "");
            let end = push(&mut text, &body);
            sentences.push((start, end, body));
        }
        ranges.push(sentences);
    }
    text.push('\n');
    (text, ranges)
}

/// Whether a source goes into the project as its own file's text (plain text and Markdown
/// transcripts read as they are) rather than as [`transcript_text`].
fn readable_as_is(format: Format) -> bool {
    matches!(format, Format::Text | Format::Markdown | Format::Otter)
}

/// One coded selection waiting for the codebook.
struct Selection {
    start: usize,
    end: usize,
    name: String,
    force: Force,
    /// `(interview, file byte start)`: how the theme of the quote is found.
    key: (usize, usize),
}

/// One source written into the zip.
struct Source {
    guid: String,
    /// Its name in the project (a file name, unique) and its path below its folder's name.
    name: String,
    path: String,
    /// When it was made (`creationDateTime`).
    date: String,
    interview: usize,
    selections: Vec<Selection>,
}

/// A `.qdpx` being written: sources go into the zip as they come; `project.qde` at the end.
pub struct Qdpx<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    sources: Vec<Source>,
    /// The sources' names so far, lower case.
    names: std::collections::HashSet<String>,
}

impl<W: Write + Seek> Qdpx<W> {
    /// Starts a project in `out`.
    pub fn new(out: W) -> Qdpx<W> {
        Qdpx {
            zip: zip::ZipWriter::new(out),
            sources: Vec::new(),
            names: std::collections::HashSet::new(),
        }
    }

    /// Adds the `k`-th interview and its signals. A plain-text or Markdown transcript goes in
    /// as its file's text; any other as [`transcript_text`]. The source is named by its file
    /// name, made unique in the project (a client stores every source in one folder), with its
    /// path `shown` (below the name of the folder it was read from, never a machine's path) as
    /// its description and the key of its GUIDs; it and its codings are dated by
    /// [`source_date`] (`modified`: the file's modification time, in seconds since 1970).
    pub fn add(
        &mut self,
        k: usize,
        i: &Interview,
        found: &[Signal],
        shown: &str,
        modified: Option<u64>,
    ) -> io::Result<()> {
        let guid = guid(&format!("source\n{shown}"));
        // Each signal with its quote (whose file offset keys its theme), nothing else of a row.
        let rows = found
            .iter()
            .map(|s| (s, jtbd_stories::Quote::of(i, s.turn, s.sentence)));
        let (text, selections, extension) = if readable_as_is(i.format) {
            let (text, position) = plain_text(&i.source);
            let selections = rows
                .map(|(s, quote)| {
                    let range = i.turns[s.turn].sentences[s.sentence].range();
                    Selection {
                        start: position(range.start),
                        end: position(range.end),
                        name: quote.text.into_string(),
                        force: s.force,
                        key: (k, quote.byte_start),
                    }
                })
                .collect();
            (text, selections, "")
        } else {
            let (text, ranges) = transcript_text(i);
            let selections = rows
                .filter_map(|(s, quote)| {
                    let (start, end, body) = ranges.get(s.turn)?.get(s.sentence)?;
                    Some(Selection {
                        start: *start,
                        end: *end,
                        name: body.clone(),
                        force: s.force,
                        key: (k, quote.byte_start),
                    })
                })
                .collect();
            (text, selections, ".txt")
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        self.zip
            .start_file(format!("sources/{guid}.txt"), options)
            .map_err(io::Error::other)?;
        self.zip.write_all(text.as_bytes())?;
        let file = std::path::Path::new(&i.path)
            .file_name()
            .map_or_else(|| i.path.clone(), |f| f.to_string_lossy().into_owned());
        let name = self.unique_name(&format!("{file}{extension}"));
        self.sources.push(Source {
            guid,
            name,
            date: source_date(i, modified),
            path: shown.to_owned(),
            interview: k,
            selections,
        });
        Ok(())
    }

    /// `name`, or `stem (2).ext`, `stem (3).ext`... when a source already has it (in any case).
    fn unique_name(&mut self, name: &str) -> String {
        let (stem, ext) = match name.rfind('.').filter(|&d| d > 0) {
            Some(d) => name.split_at(d),
            None => (name, ""),
        };
        let mut candidate = name.to_owned();
        let mut n = 2;
        while !self.names.insert(candidate.to_lowercase()) {
            candidate = format!("{stem} ({n}){ext}");
            n += 1;
        }
        candidate
    }

    /// Writes `project.qde` (codebook, variables, cases, sources with their codings) and closes
    /// the zip.
    pub fn finish(mut self, study: &Study<'_>) -> io::Result<W> {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        self.zip
            .start_file("project.qde", options)
            .map_err(io::Error::other)?;
        let xml = project(study, &self.sources);
        self.zip.write_all(xml.as_bytes())?;
        self.zip.finish().map_err(io::Error::other)
    }
}

/// An attribute value: escaped as XML text, and its line ends and tabs as character references
/// (an XML reader turns a raw newline in an attribute into a space).
fn attr(s: &str) -> String {
    let escaped = escape(s);
    if !escaped.contains(['\n', '\r', '\t']) {
        return escaped.into_owned();
    }
    escaped
        .replace('\r', "&#13;")
        .replace('\n', "&#10;")
        .replace('\t', "&#9;")
}

/// Each theme's code name: its label, unique in the code tree (QDA programs key codes by name
/// and keep one of two that share it): a label another theme (or a force or folder) already
/// has, in any case, gets its theme id in brackets.
fn theme_names(study: &Study<'_>) -> Vec<String> {
    unique_names(
        study
            .findings
            .themes
            .iter()
            .map(|t| (t.label.as_str(), t.id.as_str())),
    )
}

/// [`theme_names`] of (label, id) pairs.
fn unique_names<'a>(themes: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = ["forces", "themes"]
        .into_iter()
        .map(str::to_owned)
        .chain(Force::ALL.iter().map(|f| force_name(*f).to_lowercase()))
        .collect();
    let mut names = Vec::new();
    for (label, id) in themes {
        let mut name = label.to_owned();
        if !taken.insert(name.to_lowercase()) {
            name = format!("{label} ({id})");
            let mut n = 2;
            while !taken.insert(name.to_lowercase()) {
                name = format!("{label} ({id} {n})");
                n += 1;
            }
        }
        names.push(name);
    }
    names
}

fn force_name(f: Force) -> &'static str {
    match f {
        Force::Anxiety => "Anxiety",
        Force::Frustration => "Frustration",
        Force::DesiredProgress => "Desired progress",
        Force::Habit => "Habit",
    }
}

fn force_guid(f: Force) -> String {
    guid(&format!("code\nforce\n{}", f.as_str()))
}

fn theme_guid(id: &str) -> String {
    guid(&format!("code\ntheme\n{id}"))
}

/// The code tree: Forces (a folder) with the four forces, Themes (a folder) with each theme.
fn codes(study: &Study<'_>, s: &mut String, indent: &str) {
    let _ = writeln!(s, "{indent}<Codes>");
    let _ = writeln!(
        s,
        "{indent}  <Code guid=\"{}\" name=\"Forces\" isCodable=\"false\">\n{indent}    <Description>The forces of progress (Jobs to be Done).</Description>",
        guid("code\nforces")
    );
    for f in Force::ALL {
        let _ = writeln!(
            s,
            "{indent}    <Code guid=\"{}\" name=\"{}\" isCodable=\"true\" color=\"{}\"/>",
            force_guid(f),
            force_name(f),
            crate::charts::colour(f)
        );
    }
    let _ = writeln!(s, "{indent}  </Code>");
    if !study.findings.themes.is_empty() {
        let _ = writeln!(
            s,
            "{indent}  <Code guid=\"{}\" name=\"Themes\" isCodable=\"false\">\n{indent}    <Description>Themes shared by at least {} interviewees, with their job stories.</Description>",
            guid("code\nthemes"),
            study.min_interviewees
        );
        let names = theme_names(study);
        for (k, t) in study.findings.themes.iter().enumerate() {
            let story = study
                .findings
                .stories
                .iter()
                .find(|st| st.theme == k)
                .map(|st| st.text.as_str())
                .unwrap_or("");
            let _ = writeln!(
                s,
                "{indent}    <Code guid=\"{}\" name=\"{}\" isCodable=\"true\">\n{indent}      <Description>{}</Description>\n{indent}    </Code>",
                theme_guid(&t.id),
                attr(&names[k]),
                escape(story)
            );
        }
        let _ = writeln!(s, "{indent}  </Code>");
    }
    let _ = writeln!(s, "{indent}</Codes>");
}

fn project(study: &Study<'_>, sources: &[Source]) -> String {
    let user = guid("user\njtbd");
    let mut s = String::with_capacity(64 * 1024);
    let _ = writeln!(
        s,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"jtbd study\" origin=\"jtbd {}\" creatingUserGUID=\"{user}\" creationDateTime=\"{}\">",
        env!("CARGO_PKG_VERSION"),
        // The latest of its sources: the same input gives the same project.
        sources
            .iter()
            .map(|x| x.date.as_str())
            .max()
            .unwrap_or(WHEN)
    );
    let _ = writeln!(
        s,
        "  <Users>\n    <User guid=\"{user}\" name=\"{USER}\"/>\n  </Users>"
    );
    s.push_str("  <CodeBook>\n");
    codes(study, &mut s, "    ");
    s.push_str("  </CodeBook>\n");

    // Variables: every metadata key any interview has (the speakers map is not an attribute).
    let keys: std::collections::BTreeSet<&str> = study
        .interviews
        .iter()
        .flat_map(|i| i.metadata.keys().map(String::as_str))
        .filter(|k| *k != "speakers")
        .collect();
    if !keys.is_empty() {
        s.push_str("  <Variables>\n");
        for k in &keys {
            let _ = writeln!(
                s,
                "    <Variable guid=\"{}\" name=\"{}\" typeOfVariable=\"Text\"/>",
                guid(&format!("variable\n{k}")),
                attr(k)
            );
        }
        s.push_str("  </Variables>\n");
    }

    // Cases: one per interviewee, with the metadata of their first interview.
    let source_of: BTreeMap<usize, &Source> = sources.iter().map(|x| (x.interview, x)).collect();
    let mut cases: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, i) in study.interviews.iter().enumerate() {
        // An interviewee known only by the file (a voice label such as `B`) is named by the
        // source's shown path, never the path as typed.
        let who = match (i.interviewee(), source_of.get(&k)) {
            (who, Some(src)) if who == i.path => src.path.as_str(),
            (who, _) => who,
        };
        cases.entry(who).or_default().push(k);
    }
    if !cases.is_empty() {
        s.push_str("  <Cases>\n");
        for (who, list) in &cases {
            let _ = writeln!(
                s,
                "    <Case guid=\"{}\" name=\"{}\">",
                guid(&format!("case\n{who}")),
                attr(who)
            );
            let first = &study.interviews[list[0]];
            for (k, v) in first.metadata.iter() {
                if k == "speakers" {
                    continue;
                }
                let _ = writeln!(
                    s,
                    "      <VariableValue>\n        <VariableRef targetGUID=\"{}\"/>\n        <TextValue>{}</TextValue>\n      </VariableValue>",
                    guid(&format!("variable\n{k}")),
                    escape(v)
                );
            }
            for k in list {
                if let Some(src) = source_of.get(k) {
                    let _ = writeln!(s, "      <SourceRef targetGUID=\"{}\"/>", src.guid);
                }
            }
            s.push_str("    </Case>\n");
        }
        s.push_str("  </Cases>\n");
    }

    if !sources.is_empty() {
        s.push_str("  <Sources>\n");
        for src in sources {
            let _ = writeln!(
                s,
                "    <TextSource guid=\"{g}\" name=\"{}\" plainTextPath=\"internal://{g}.txt\" creatingUser=\"{user}\" creationDateTime=\"{}\">",
                attr(&src.name),
                src.date,
                g = src.guid
            );
            let _ = writeln!(s, "      <Description>{}</Description>", escape(&src.path));
            // One selection per span, carrying every code of it: QDA programs load one coding
            // of a code and a coder per span and warn about the rest.
            let mut spans: BTreeMap<(usize, usize), (&str, Vec<String>)> = BTreeMap::new();
            for sel in &src.selections {
                let (_, codes) = spans
                    .entry((sel.start, sel.end))
                    .or_insert((sel.name.as_str(), Vec::new()));
                codes.push(force_guid(sel.force));
                if let Some(theme) = study.theme_of(sel.key.0, sel.key.1) {
                    codes.push(theme_guid(&theme.id));
                }
            }
            for ((start, end), (name, mut codes)) in spans {
                codes.sort();
                codes.dedup();
                let sel_guid = guid(&format!("selection\n{}\n{start}\n{end}", src.path));
                let _ = writeln!(
                    s,
                    "      <PlainTextSelection guid=\"{sel_guid}\" name=\"{}\" startPosition=\"{start}\" endPosition=\"{end}\" creatingUser=\"{user}\" creationDateTime=\"{}\">",
                    attr(name),
                    src.date,
                );
                for code in codes {
                    let _ = writeln!(
                        s,
                        "        <Coding guid=\"{}\" creatingUser=\"{user}\" creationDateTime=\"{}\">\n          <CodeRef targetGUID=\"{code}\"/>\n        </Coding>",
                        guid(&format!("coding\n{}\n{start}\n{end}\n{code}", src.path)),
                        src.date
                    );
                }
                s.push_str("      </PlainTextSelection>\n");
            }
            s.push_str("    </TextSource>\n");
        }
        s.push_str("  </Sources>\n");
    }
    s.push_str("</Project>\n");
    s
}

/// The codebook alone (`.qdc`): forces and themes.
pub fn codebook(study: &Study<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"jtbd {}\">",
        env!("CARGO_PKG_VERSION")
    );
    codes(study, &mut s, "  ");
    s.push_str("</CodeBook>\n");
    out.write_all(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_code_points_of_the_lf_text() {
        let src = "\u{feff}Q: caf\u{e9}?\r\nA: I\u{2019}m sure \u{1f600}.\r\n";
        let (text, pos) = plain_text(src);
        assert_eq!(text, "Q: caf\u{e9}?\nA: I\u{2019}m sure \u{1f600}.\n");
        let at = src.find("I\u{2019}m").unwrap();
        let end = src.find(".\r\n").unwrap() + 1;
        let chars: Vec<char> = text.chars().collect();
        let got: String = chars[pos(at)..pos(end)].iter().collect();
        assert_eq!(got, "I\u{2019}m sure \u{1f600}.");
    }

    #[test]
    fn code_names_are_unique_in_any_case() {
        let names = unique_names(
            [
                ("best practices", "best-practices"),
                ("Best Practices", "best-practices-2"),
                ("frustration", "frustration-talk"),
                ("best practices (best-practices-2)", "x"),
                ("alert fatigue", "alert-fatigue"),
            ]
            .into_iter(),
        );
        assert_eq!(
            names,
            [
                "best practices",
                "Best Practices (best-practices-2)",
                "frustration (frustration-talk)",
                "best practices (best-practices-2) (x)",
                "alert fatigue",
            ]
        );
    }

    #[test]
    fn attribute_values_keep_their_line_ends() {
        assert_eq!(
            attr("one\ntwo\r\n\t<three> & \"four\""),
            "one&#10;two&#13;&#10;&#9;&lt;three&gt; &amp; &quot;four&quot;"
        );
        assert_eq!(attr("plain"), "plain");
    }

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        // 2024-02-29 12:34:56 UTC, a leap day.
        assert_eq!(rfc3339(1_709_210_096), "2024-02-29T12:34:56Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn days_become_dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(59), (1970, 3, 1));
        assert_eq!(civil(11_016), (2000, 2, 29));
        assert_eq!(civil(20_793), (2026, 12, 6));
        assert_eq!(date(20_793 * 86_400 + 86_399), "2026-12-06");
    }

    #[test]
    fn guids_are_stable_and_well_formed() {
        let g = guid("source\na.txt");
        assert_eq!(g, guid("source\na.txt"));
        assert_ne!(g, guid("source\nb.txt"));
        assert_eq!(g.len(), 36);
        assert_eq!(&g[14..15], "5");
    }
}
