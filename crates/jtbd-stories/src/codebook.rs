//! The codebook: named themes of the field (`data/codebook.toml`), each with a label, a
//! definition and cue phrases matched on stems. A team replaces or extends it with a TOML file
//! of the same shape or a REFI-QDA `.qdc` codebook (ATLAS.ti, NVivo, MAXQDA, QualCoder).

use rustc_hash::FxHashMap;
use std::ops::Range;

/// The embedded codebook.
const EMBEDDED: &str = include_str!("../data/codebook.toml");

/// A problem in a codebook file.
#[derive(Debug, thiserror::Error)]
pub enum CodebookError {
    /// The TOML does not parse or has the wrong shape.
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    /// The REFI-QDA XML does not parse.
    #[error("{file}: byte {offset}: {message}")]
    Xml {
        file: String,
        offset: u64,
        message: String,
    },
    /// A theme has no cue that says a word.
    #[error("{file}: theme {id:?}: no cue phrase with a word in it")]
    NoCues { file: String, id: String },
    /// A cue word (matched as written, one word at a time) holds more than one word.
    #[error(
        "{file}: theme {id:?}: words entry {word:?} is more than one word (a phrase goes in `cues`)"
    )]
    NotOneWord {
        file: String,
        id: String,
        word: String,
    },
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    theme: Vec<RawTheme>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    id: String,
    label: String,
    definition: String,
    cues: Vec<String>,
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    matches: Vec<String>,
    #[serde(default)]
    misses: Vec<String>,
}

/// One theme of the codebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// Stable id (`vendor-sprawl`).
    pub id: String,
    /// What a report calls it.
    pub label: String,
    /// One line on what belongs in it.
    pub definition: String,
    /// The cue phrases as written, matched on stems.
    pub cues: Vec<String>,
    /// Cue words matched as written, singular or plural, not by stem: a word whose stem is a
    /// common word's too ("maintainers" and "maintain", "AWS" and "awful").
    pub words: Vec<String>,
    /// Sentences that must find this theme, and sentences that must not.
    pub matches: Vec<String>,
    pub misses: Vec<String>,
}

/// Named themes and their cues, compiled for matching.
#[derive(Debug, Clone)]
pub struct Codebook {
    pub codes: Vec<Code>,
    /// Cue phrases by their first stemmed term: the rest of the phrase and the theme.
    index: FxHashMap<String, Vec<(Vec<String>, usize)>>,
    /// Cue words by their [`singular`] form: the themes.
    exact: FxHashMap<String, Vec<usize>>,
    /// The first letters (ASCII, lower case) of the cue words: a text's word that starts with
    /// no such letter is not looked up (most words are not, and a lookup lower-cases it).
    exact_first: [bool; 128],
}

impl Default for Codebook {
    fn default() -> Codebook {
        Codebook {
            codes: Vec::new(),
            index: FxHashMap::default(),
            exact: FxHashMap::default(),
            exact_first: [false; 128],
        }
    }
}

/// A word lower-cased, without a possessive, in the singular ("AWS" -> "aw", "Maintainers'" ->
/// "maintainer", "dependencies" -> "dependency"): a cue word and a text's word match when theirs
/// are equal.
pub fn singular(word: &str) -> String {
    let w = word.to_lowercase();
    let w = w.trim_end_matches(['\'', '\u{2019}']);
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("\u{2019}s"))
        .unwrap_or(w);
    if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() > 1) {
        format!("{stem}y")
    } else if let Some(stem) = w
        .strip_suffix('s')
        .filter(|s| s.len() > 1 && !s.ends_with('s'))
    {
        stem.to_owned()
    } else {
        w.to_owned()
    }
}

fn terms(phrase: &str) -> Vec<String> {
    crate::knowledge::terms(phrase)
}

impl Codebook {
    /// The codebook that ships with jtbd.
    pub fn embedded() -> Result<Codebook, CodebookError> {
        Codebook::from_toml("codebook.toml", EMBEDDED)
    }

    /// The embedded file's text, to start a team's own from.
    pub fn embedded_text() -> &'static str {
        EMBEDDED
    }

    /// A codebook from a file's text: REFI-QDA XML when the name ends in `.qdc` (or the text
    /// opens with `<`), TOML otherwise.
    pub fn load(file: &str, text: &str) -> Result<Codebook, CodebookError> {
        let xml = file.to_lowercase().ends_with(".qdc") || text.trim_start().starts_with('<');
        if xml {
            Codebook::from_qdc(file, text)
        } else {
            Codebook::from_toml(file, text)
        }
    }

    /// A codebook from TOML of the embedded file's shape.
    pub fn from_toml(file: &str, text: &str) -> Result<Codebook, CodebookError> {
        let raw: Raw = toml::from_str(text).map_err(|e| CodebookError::Parse {
            file: file.into(),
            message: e.to_string(),
        })?;
        let codes = raw
            .theme
            .into_iter()
            .map(|t| Code {
                id: t.id,
                label: t.label,
                definition: t.definition,
                cues: t.cues,
                words: t.words,
                matches: t.matches,
                misses: t.misses,
            })
            .collect();
        Codebook::new(file, codes)
    }

    /// A codebook from a REFI-QDA `.qdc` file: every codable `<Code>` (at any depth) is a
    /// theme named by its `name`; its `<Description>` is the definition, and a description
    /// line `Cues: a; b; c` lists cue phrases besides the name itself, matched on stems, and
    /// a line `Words: a; b` cue words matched as written ([`Code::words`]).
    pub fn from_qdc(file: &str, text: &str) -> Result<Codebook, CodebookError> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(text);
        let mut codes = Vec::new();
        // Open <Code> elements: (name, guid, codable, description).
        let mut open: Vec<(String, String, bool, String)> = Vec::new();
        let mut in_description = false;
        let err = |reader: &quick_xml::Reader<&[u8]>, message: String| CodebookError::Xml {
            file: file.into(),
            offset: reader.buffer_position(),
            message,
        };
        loop {
            let event = reader
                .read_event()
                .map_err(|e| err(&reader, e.to_string()))?;
            match event {
                Event::Start(e) if e.local_name().as_ref() == b"Code" && !in_description => {
                    open.push(code_attributes(&e).map_err(|m| err(&reader, m))?);
                }
                // <Code .../> has no end: it is whole at once.
                Event::Empty(e) if e.local_name().as_ref() == b"Code" && !in_description => {
                    push_code(
                        &mut codes,
                        code_attributes(&e).map_err(|m| err(&reader, m))?,
                    );
                }
                Event::End(e) if e.local_name().as_ref() == b"Code" => {
                    if let Some(code) = open.pop() {
                        push_code(&mut codes, code);
                    }
                }
                Event::Start(e) if e.local_name().as_ref() == b"Description" => {
                    in_description = true;
                }
                Event::End(e) if e.local_name().as_ref() == b"Description" => {
                    in_description = false;
                }
                Event::Text(t) if in_description => {
                    let s = t.xml_content().map_err(|e| err(&reader, e.to_string()))?;
                    if let Some(last) = open.last_mut() {
                        last.3.push_str(&s);
                    }
                }
                Event::GeneralRef(r) if in_description => {
                    let name = r.decode().map_err(|e| err(&reader, e.to_string()))?;
                    let ch = match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    };
                    if let Some(last) = open.last_mut() {
                        last.3.push_str(ch);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !open.is_empty() {
            return Err(err(&reader, "a <Code> element is never closed".into()));
        }
        Codebook::new(file, codes)
    }

    fn new(file: &str, codes: Vec<Code>) -> Result<Codebook, CodebookError> {
        let mut book = Codebook::default();
        for code in codes {
            book.insert(file, code)?;
        }
        Ok(book)
    }

    /// Adds a theme, or replaces the one with the same id.
    fn insert(&mut self, file: &str, code: Code) -> Result<(), CodebookError> {
        if let Some(word) = code.words.iter().find(|w| w.split_whitespace().count() > 1) {
            return Err(CodebookError::NotOneWord {
                file: file.into(),
                id: code.id,
                word: word.clone(),
            });
        }
        if !code.cues.iter().any(|c| !terms(c).is_empty())
            && !code.words.iter().any(|w| !w.trim().is_empty())
        {
            return Err(CodebookError::NoCues {
                file: file.into(),
                id: code.id,
            });
        }
        match self.codes.iter().position(|c| c.id == code.id) {
            Some(at) => self.codes[at] = code,
            None => self.codes.push(code),
        }
        self.reindex();
        Ok(())
    }

    fn reindex(&mut self) {
        self.index.clear();
        self.exact.clear();
        self.exact_first = [false; 128];
        for (i, code) in self.codes.iter().enumerate() {
            for word in code.words.iter().filter(|w| !w.trim().is_empty()) {
                let form = singular(word.trim());
                // A word opening beyond ASCII needs no mark: such words are always looked up.
                if let Some(b) = form.bytes().next().filter(u8::is_ascii) {
                    self.exact_first[usize::from(b)] = true;
                }
                self.exact.entry(form).or_default().push(i);
            }
            for cue in &code.cues {
                let mut t = terms(cue);
                if t.is_empty() {
                    continue;
                }
                let first = t.remove(0);
                self.index.entry(first).or_default().push((t, i));
            }
        }
    }

    /// This codebook with `other`'s themes added (a theme of the same id replaced).
    pub fn extend(&mut self, other: Codebook) {
        for code in other.codes {
            match self.codes.iter().position(|c| c.id == code.id) {
                Some(at) => self.codes[at] = code,
                None => self.codes.push(code),
            }
        }
        self.reindex();
    }

    /// Every cue that matches in a text's words, once per mention: (theme, range of words), by
    /// theme and place. `terms` are the words' stemmed terms, `written` the same words as the
    /// text has them.
    pub fn hits(&self, terms: &[&str], written: &[&str]) -> Vec<(usize, Range<usize>)> {
        let mut out = Vec::new();
        if !self.exact.is_empty() {
            for (at, w) in written.iter().enumerate() {
                let first = w.bytes().next().map(|b| b.to_ascii_lowercase());
                if first.is_some_and(|b| b.is_ascii() && !self.exact_first[usize::from(b)]) {
                    continue;
                }
                for code in self.exact.get(&singular(w)).into_iter().flatten() {
                    out.push((*code, at..at + 1));
                }
            }
        }
        for (at, t) in terms.iter().enumerate() {
            for (rest, code) in self.index.get(*t).into_iter().flatten() {
                let after = &terms[at + 1..];
                if after.len() >= rest.len() && rest.iter().zip(after).all(|(a, b)| a == b) {
                    out.push((*code, at..at + 1 + rest.len()));
                }
            }
        }
        // One mention counts once for a theme: "pipeline" and "pipelines" stem alike, and
        // "deployment" lies inside "continuous deployment". The longest cue at a place is kept,
        // and no hit that overlaps one already kept for the same theme.
        out.sort_by_key(|(code, r)| (*code, r.start, std::cmp::Reverse(r.end)));
        let mut kept: Vec<(usize, Range<usize>)> = Vec::with_capacity(out.len());
        for (code, r) in out {
            let overlaps = kept
                .last()
                .is_some_and(|(c, k)| *c == code && r.start < k.end);
            if !overlaps {
                kept.push((code, r));
            }
        }
        kept
    }

    /// The theme whose cues a text says most (the first in the codebook on a tie), if any.
    pub fn theme_of(&self, text: &str) -> Option<usize> {
        let tokens = jtbd_text::tokenize(text);
        let terms: Vec<&str> = tokens.iter().map(|t| t.term.as_str()).collect();
        let written: Vec<&str> = tokens.iter().map(|t| &text[t.start..t.end]).collect();
        let mut score = vec![0usize; self.codes.len()];
        for (code, _) in self.hits(&terms, &written) {
            score[code] += 1;
        }
        best(&score)
    }
}

/// The index of the highest positive score, the first on a tie.
pub(crate) fn best<T: PartialOrd + Default + Copy>(score: &[T]) -> Option<usize> {
    let mut out: Option<usize> = None;
    for (i, s) in score.iter().enumerate() {
        if *s > T::default() && out.is_none_or(|b| *s > score[b]) {
            out = Some(i);
        }
    }
    out
}

/// A `<Code>` element's name, guid and whether it is codable, with an empty description.
fn code_attributes(
    e: &quick_xml::events::BytesStart<'_>,
) -> Result<(String, String, bool, String), String> {
    let mut name = String::new();
    let mut guid = String::new();
    let mut codable = true;
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let value = a.unescape_value().map_err(|e| e.to_string())?.into_owned();
        match a.key.local_name().as_ref() {
            b"name" => name = value,
            b"guid" => guid = value,
            b"isCodable" => codable = value != "false",
            _ => {}
        }
    }
    Ok((name, guid, codable, String::new()))
}

fn push_code(
    codes: &mut Vec<Code>,
    (name, guid, codable, description): (String, String, bool, String),
) {
    let name = name.trim().to_owned();
    if !codable || name.is_empty() {
        return;
    }
    let mut cues = vec![name.clone()];
    let mut words = Vec::new();
    let mut definition = Vec::new();
    for line in description.lines() {
        let line = line.trim();
        let lower = line.to_lowercase();
        let list = |rest: &str| -> Vec<String> {
            let at = line.len() - rest.len();
            line[at..]
                .split([';', ','])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect()
        };
        if let Some(rest) = lower.strip_prefix("cues:") {
            cues.extend(list(rest));
        } else if let Some(rest) = lower.strip_prefix("words:") {
            words.extend(list(rest));
        } else if !line.is_empty() {
            definition.push(line);
        }
    }
    let slug = crate::themes::slug(&name);
    let id = if slug.is_empty() { guid } else { slug };
    codes.push(Code {
        id,
        label: name,
        definition: definition.join(" "),
        cues,
        words,
        matches: Vec::new(),
        misses: Vec::new(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_codebook_theme_finds_its_examples_and_leaves_its_misses() {
        let book = Codebook::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert!(book.codes.len() >= 14, "{}", book.codes.len());
        let mut failures = Vec::new();
        for (i, code) in book.codes.iter().enumerate() {
            assert!(
                !code.matches.is_empty() && !code.misses.is_empty(),
                "{}: needs examples it finds and examples it leaves",
                code.id
            );
            for text in &code.matches {
                if book.theme_of(text) != Some(i) {
                    let got = book.theme_of(text).map(|c| book.codes[c].id.as_str());
                    failures.push(format!("{}: {text:?} found {got:?}", code.id));
                }
            }
            for text in &code.misses {
                if book.theme_of(text) == Some(i) {
                    failures.push(format!("{}: {text:?} should miss", code.id));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn labels_are_topics_and_ids_are_unique() {
        let book = Codebook::embedded().unwrap_or_else(|e| panic!("{e}"));
        let one_word = book.codes.iter().filter(|c| !c.label.contains(' ')).count();
        assert!(
            one_word * 4 <= book.codes.len(),
            "{one_word} one-word labels"
        );
        let mut ids: Vec<&str> = book.codes.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), book.codes.len());
        for c in &book.codes {
            assert!(!c.definition.is_empty(), "{}", c.id);
        }
    }

    #[test]
    fn a_qdc_codebook_drives_the_themes() {
        let qdc = r#"<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code guid="0b7c1b0e-1111-4a4a-8c8c-000000000001" name="Buying process" isCodable="false">
      <Description>Grouping only.</Description>
      <Code guid="0b7c1b0e-1111-4a4a-8c8c-000000000002" name="Procurement delays" isCodable="true">
        <Description>Deals stuck in legal &amp; purchasing.
Cues: purchase order; legal review</Description>
      </Code>
      <Code guid="0b7c1b0e-1111-4a4a-8c8c-000000000003" name="Renewal pricing" isCodable="true"/>
      <Code guid="0b7c1b0e-1111-4a4a-8c8c-000000000004" name="Open source upkeep" isCodable="true">
        <Description>Words: maintainers</Description>
      </Code>
    </Code>
  </Codes>
</CodeBook>"#;
        let book = Codebook::load("team.qdc", qdc).unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<&str> = book.codes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "procurement-delays",
                "renewal-pricing",
                "open-source-upkeep"
            ]
        );
        assert_eq!(
            book.codes[0].definition,
            "Deals stuck in legal & purchasing."
        );
        assert_eq!(
            book.theme_of("The legal review alone took a quarter."),
            Some(0)
        );
        assert_eq!(book.theme_of("Renewal pricing went up again."), Some(1));
        assert_eq!(book.theme_of("We like the product."), None);
        // A `Words:` line matches the word as written, not its stem's other words.
        assert_eq!(book.theme_of("Two maintainers left in May."), Some(2));
        assert_eq!(book.theme_of("We maintain it ourselves."), None);
    }

    #[test]
    fn one_mention_counts_once_for_a_theme() {
        let book = Codebook::embedded().unwrap_or_else(|e| panic!("{e}"));
        let text = "Our pipeline runs continuous deployment for every service.";
        let tokens = jtbd_text::tokenize(text);
        let terms: Vec<&str> = tokens.iter().map(|t| t.term.as_str()).collect();
        let written: Vec<&str> = tokens.iter().map(|t| &text[t.start..t.end]).collect();
        let hits = book.hits(&terms, &written);
        // "pipeline" (two cues stem alike) once, "continuous deployment" once, not its
        // "deployment" again.
        let ci = book.codes.iter().position(|c| c.id == "ci-cd-releases");
        let ranges: Vec<Range<usize>> = hits
            .iter()
            .filter(|(c, _)| Some(*c) == ci)
            .map(|(_, r)| r.clone())
            .collect();
        assert_eq!(ranges, [1..2, 3..5], "{hits:?}");
    }

    #[test]
    fn a_cue_word_matches_singular_and_plural_not_its_stems_other_words() {
        for (word, form) in [
            ("AWS", "aw"),
            ("Maintainers'", "maintainer"),
            ("dependencies", "dependency"),
            ("container's", "container"),
            ("class", "class"),
            ("s", "s"),
        ] {
            assert_eq!(singular(word), form, "{word}");
        }
        assert_ne!(singular("awful"), singular("aws"));
        assert_ne!(singular("contains"), singular("containers"));
    }

    #[test]
    fn a_broken_codebook_is_refused_with_the_file_named() {
        let e = Codebook::load("team.qdc", "<CodeBook><Codes><Code name=\"x\">")
            .unwrap_err()
            .to_string();
        assert!(e.contains("team.qdc"), "{e}");
        let e = Codebook::load("team.toml", "[[theme]]\nid = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("team.toml") && e.contains("label"), "{e}");
        let e = Codebook::load(
            "team.toml",
            "[[theme]]\nid = \"x\"\nlabel = \"x\"\ndefinition = \"d\"\ncues = [\"...\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("no cue phrase"), "{e}");
        let e = Codebook::load(
            "team.toml",
            "[[theme]]\nid = \"x\"\nlabel = \"x\"\ndefinition = \"d\"\ncues = [\"spend\"]\nwords = [\"cloud bill\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("team.toml") && e.contains("\"cloud bill\" is more than one word"),
            "{e}"
        );
    }

    #[test]
    fn a_team_theme_replaces_the_built_in_one_of_its_id() {
        let mut book = Codebook::embedded().unwrap_or_else(|e| panic!("{e}"));
        let n = book.codes.len();
        let mine = Codebook::from_toml(
            "mine.toml",
            "[[theme]]\nid = \"cloud-cost\"\nlabel = \"spend control\"\ndefinition = \"d\"\ncues = [\"invoice shock\"]\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        book.extend(mine);
        assert_eq!(book.codes.len(), n);
        let at = book.theme_of("The invoice shock came in March.");
        assert_eq!(
            at.map(|c| book.codes[c].label.as_str()),
            Some("spend control")
        );
    }
}
