//! Rule files: parsing, validation with file/line/rule id, and the compiled matchers.

use crate::phrase_trie::PhraseTries;
use jtbd_model::Force;
use regex::bytes::RegexSet;
use regex_automata::meta::Regex;
use std::collections::BTreeMap;
use std::path::Path;

/// The embedded rule files, name and text.
const EMBEDDED: [(&str, &str); 5] = [
    ("anxiety.toml", include_str!("../data/rules/anxiety.toml")),
    (
        "frustration.toml",
        include_str!("../data/rules/frustration.toml"),
    ),
    (
        "desired_progress.toml",
        include_str!("../data/rules/desired_progress.toml"),
    ),
    ("habit.toml", include_str!("../data/rules/habit.toml")),
    (
        "modifiers.toml",
        include_str!("../data/rules/modifiers.toml"),
    ),
];

/// What an example expects of its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// The rule fires on the text.
    Match,
    /// The rule does not fire on the text.
    None,
}

/// An example of a rule, run by tests and by `jtbd rules test`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Example {
    /// The text.
    pub text: String,
    /// Whether the rule fires.
    pub expect: Expect,
}

/// One rule: cues or patterns that signal a force.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id, `force/topic/name`.
    pub id: String,
    /// The force it signals.
    pub force: Force,
    /// How much one hit counts (0 to 1): learned from labelled interview sentences
    /// (`just eval --learn`), or set by hand in a rule of one's own.
    pub weight: f64,
    /// The weight before learning, set by hand: where the learning starts and what it holds a
    /// rule near when few labelled sentences say anything about it (`weight` when not given).
    pub prior: f64,
    /// Lexicon cues: words or phrases, matched on stemmed tokens.
    pub cues: Vec<String>,
    /// Regex patterns, matched on the text (case-insensitive, ASCII word boundaries).
    pub patterns: Vec<String>,
    /// Whether `just eval --learn` learns its weight (default yes); a rule the interview set says
    /// too little about for its genre (written suggestions) keeps the weight it is given.
    pub learn: bool,
    /// Whether a negation before a cue cancels it (default yes).
    pub negatable: bool,
    /// Whether the rule speaks for the speaker only: without a first-person or on-behalf-of cue
    /// in the sentence its weight is multiplied by `no_speaker_factor` ("you seem worried").
    pub needs_speaker: bool,
    /// Whether the cues judge a thing ("stupid", "useless") rather than name a feeling
    /// ("annoyed", "afraid"): a judgement is the speaker's whoever the sentence is about ("you
    /// are stupid", "their portal is useless"), so a cue after someone else's subject is not
    /// weakened by `other_subject_factor` (default no).
    pub evaluative: bool,
    /// Its examples.
    pub examples: Vec<Example>,
    /// File it came from.
    pub file: String,
    /// Line of its `id` in that file.
    pub line: usize,
}

/// A problem in a rule file.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {}{message}", rule.as_ref().map(|r| format!("rule {r}: ")).unwrap_or_default())]
pub struct RuleError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The rule id, when the problem is in one rule.
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    force: Option<String>,
    #[serde(default)]
    rule: Vec<RawRule>,
    #[serde(default)]
    modifiers: Option<RawModifiers>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    weight: f64,
    #[serde(default)]
    prior: Option<f64>,
    #[serde(default)]
    cues: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default = "yes")]
    negatable: bool,
    #[serde(default = "yes")]
    learn: bool,
    #[serde(default)]
    needs_speaker: bool,
    #[serde(default)]
    evaluative: bool,
    #[serde(default)]
    examples: Vec<Example>,
}

fn yes() -> bool {
    true
}

/// Words that change what a cue means. All matched on stemmed tokens.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModifiers {
    /// Cancel a cue that follows within `negation_window` tokens.
    pub negations: Vec<String>,
    /// How many tokens before a cue a negation reaches.
    pub negation_window: usize,
    /// Phrases that take the force out of the sentence (`wouldn't say`).
    pub hedges: Vec<String>,
    /// Phrases that make the sentence hypothetical (`if`, `in case`).
    pub hypotheticals: Vec<String>,
    /// Set phrases in which a cue word means nothing (`I'm afraid not`, `no worries`).
    pub idioms: Vec<String>,
    /// Set phrases as regexes (case-insensitive, ASCII word boundaries), for idioms that
    /// depend on what follows (`..., I'm afraid.`).
    #[serde(default)]
    pub idiom_patterns: Vec<String>,
    /// Factor applied to a lexicon cue's weight in a hypothetical sentence, per force. Pattern
    /// rules are not weakened: they say themselves what they mean (`what if it fails`).
    pub hypothetical_factor: BTreeMap<String, f64>,
    /// Words that strengthen a following cue.
    pub intensifiers: Vec<String>,
    /// Bonus for an intensifier within two tokens before a cue.
    pub intensifier_bonus: f64,
    /// First-person and on-behalf-of cues (`I`, `we`, `our customers`).
    pub speaker_cues: Vec<String>,
    /// Bonus when the sentence speaks for the speaker or their people.
    pub speaker_bonus: f64,
    /// Factor on the weight of a `needs_speaker` rule in a sentence without a speaker cue.
    pub no_speaker_factor: f64,
    /// Words of laughter or delight that soften a complaint or a fear in the same text
    /// ("terrible film making, I love it").
    #[serde(default)]
    pub softeners: Vec<String>,
    /// Factor applied to a force's confidence when a softener is present, per force.
    #[serde(default)]
    pub softener_factor: BTreeMap<String, f64>,
    /// Subjects other than the speaker and their people (`you`, `he`, `someone`): a cue right
    /// after one, with no first-person word between, is someone else's feeling.
    #[serde(default)]
    pub other_subjects: Vec<String>,
    /// How many words before a cue an other subject reaches (same clause).
    #[serde(default)]
    pub other_subject_window: usize,
    /// Factor on a cue's weight when it belongs to an other subject, per force.
    #[serde(default)]
    pub other_subject_factor: BTreeMap<String, f64>,
    /// Interviewer questions that ask for a force, as regexes per force ("what was the hardest
    /// part?" asks for a struggle): in the answer to one, a force that fired gets
    /// `question_bonus`.
    #[serde(default)]
    pub question_prompts: BTreeMap<String, Vec<String>>,
    /// What a question asking for a force adds to that force's confidence in the answer.
    #[serde(default)]
    pub question_bonus: f64,
    /// Confidence a force needs to be reported.
    pub thresholds: BTreeMap<String, f64>,
}

/// A compiled rule set.
#[derive(Debug)]
pub struct RuleSet {
    /// The rule files it was built from, as (name, text) in load order: the stable form of
    /// everything a classification depends on ([`RuleSet::fingerprint_text`]).
    pub(crate) sources: String,
    pub(crate) rules: Vec<Rule>,
    pub(crate) modifiers: RawModifiers,
    /// The cues (group [`CUES`]: cue i is of rule `cue_rule[i]`) and the modifier phrases
    /// (group [`MODIFIERS`]: phrase k is of kind `modifier_kind[k]`), tries over their terms.
    /// The modifier phrases are searched only in a sentence where something fired (most fire
    /// nothing, and "i", "we", "if" are in nearly every sentence).
    pub(crate) phrase_tries: PhraseTries,
    /// The cues and the modifier phrases (as ` term term`), for tests that check the searches
    /// against one by hand.
    #[cfg(test)]
    pub(crate) cue_texts: Vec<String>,
    #[cfg(test)]
    pub(crate) modifier_texts: Vec<String>,
    /// Rule and word count of each cue.
    pub(crate) cue_rule: Vec<usize>,
    /// Each cue's words as written, normalised but not stemmed: a word in a text matches a cue
    /// word only if they also begin alike ([`crate::classify`]), so that a stem shared by
    /// unrelated words (`awful` and `AWS` both stem to `aw`) is no match.
    pub(crate) cue_words: Vec<Vec<String>>,
    /// Every pattern, then (when there are idiom patterns) their alternation: which of them
    /// can match a text, in one pass.
    pub(crate) gate: RegexSet,
    pub(crate) patterns: Vec<(usize, Regex)>,
    /// Kind of each modifier phrase: 0 hedge, 1 hypothetical, 2 speaker cue, 3 idiom, 4 softener.
    pub(crate) modifier_kind: Vec<u8>,
    /// Every idiom pattern in one alternation.
    pub(crate) idiom_patterns: Option<Regex>,
    pub(crate) thresholds: [f64; 4],
    /// Per force, the question prompts in one alternation.
    pub(crate) question_prompts: [Option<Regex>; 4],
    pub(crate) hypothetical_factor: [f64; 4],
    pub(crate) softener_factor: [f64; 4],
    pub(crate) other_subject_factor: [f64; 4],
}

/// What a question asked before a text adds to each force's confidence in it
/// ([`RuleSet::prime`]); the default adds nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prime(pub(crate) [f64; 4]);

/// The group of the cues in [`RuleSet::phrase_tries`].
pub(crate) const CUES: usize = 0;
/// The group of the modifier phrases in [`RuleSet::phrase_tries`].
pub(crate) const MODIFIERS: usize = 1;
/// The groups of the word lists in [`RuleSet::phrase_tries`]: a word before a cue is looked up
/// in them by its number, so only their one-word entries are ever found.
pub(crate) const NEGATIONS: usize = 2;
pub(crate) const INTENSIFIERS: usize = 3;
pub(crate) const OTHER_SUBJECTS: usize = 4;
/// The speaker cues again: a one-word one (first person) cuts an other subject off.
pub(crate) const FIRST_PERSON: usize = 5;

/// The stemmed form of a cue or modifier phrase, as ` term term` (a space before each term);
/// empty when the phrase has no word.
pub(crate) fn stem_phrase(phrase: &str) -> String {
    let mut out = String::new();
    for t in jtbd_text::tokenize(phrase) {
        out.push(' ');
        out.push_str(&t.term);
    }
    out
}

fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(1, |p| text[..p].matches('\n').count() + 1)
}

impl RuleSet {
    /// The embedded rules.
    pub fn embedded() -> Result<RuleSet, RuleError> {
        RuleSet::from_files(
            EMBEDDED
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
        )
    }

    /// The embedded rules, extended by the `*.toml` files of `dir`: a rule with an id already
    /// known replaces it, a new id is added, and a `modifiers.toml` replaces the modifiers.
    pub fn load(dir: Option<&Path>) -> Result<RuleSet, RuleError> {
        let mut files: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        if let Some(dir) = dir {
            files.extend(read_dir(dir)?);
        }
        RuleSet::from_files(files)
    }

    /// Only the rules of `dir` (with the embedded modifiers unless it has its own): what
    /// `jtbd rules check` and `jtbd rules test` look at.
    pub fn load_only(dir: &Path) -> Result<RuleSet, RuleError> {
        let mut files = vec![("modifiers.toml".to_string(), EMBEDDED[4].1.to_string())];
        files.extend(read_dir(dir)?);
        RuleSet::from_files(files)
    }

    /// The embedded modifiers plus rule files given as (name, text): [`RuleSet::load_only`]
    /// without a folder (for fuzzing and for callers holding rules in memory).
    pub fn from_texts(texts: &[(&str, &str)]) -> Result<RuleSet, RuleError> {
        let mut files = vec![("modifiers.toml".to_string(), EMBEDDED[4].1.to_string())];
        files.extend(texts.iter().map(|(n, t)| (n.to_string(), t.to_string())));
        RuleSet::from_files(files)
    }

    fn from_files(files: Vec<(String, String)>) -> Result<RuleSet, RuleError> {
        let mut errors = Vec::new();
        let (rules, modifiers) = read_files(&files, &mut errors);
        if let Some(first) = errors.into_iter().next() {
            return Err(first);
        }
        let modifiers = modifiers.ok_or_else(|| RuleError {
            file: "modifiers.toml".into(),
            line: 1,
            rule: None,
            message: "no [modifiers] table found".into(),
        })?;
        let mut set = compile_set(rules, modifiers)?;
        // Length-prefixed, so no two lists of files give the same text.
        for (name, text) in &files {
            use std::fmt::Write;
            let _ = write!(
                set.sources,
                "{}:{name}\n{}:{text}\n",
                name.len(),
                text.len()
            );
        }
        Ok(set)
    }

    /// Every problem of the rule files of `dir` (at most `limit`), each with its file, line and
    /// rule id: what `jtbd rules check` reports. A bad rule is left out and the rest are read
    /// on, so one mistake does not hide the next.
    pub fn check_dir(dir: &Path, limit: usize) -> Result<RuleSet, Vec<RuleError>> {
        let mut files = vec![("modifiers.toml".to_string(), EMBEDDED[4].1.to_string())];
        files.extend(read_dir(dir).map_err(|e| vec![e])?);
        let mut errors = Vec::new();
        let (rules, _) = read_files(&files, &mut errors);
        for r in &rules {
            for p in &r.patterns {
                if let Err(e) = compile(p) {
                    errors.push(RuleError {
                        file: r.file.clone(),
                        line: r.line,
                        rule: Some(r.id.clone()),
                        message: format!("pattern {p:?}: {e}"),
                    });
                }
            }
        }
        if !errors.is_empty() {
            errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            errors.truncate(limit.max(1));
            return Err(errors);
        }
        RuleSet::from_files(files).map_err(|e| vec![e])
    }

    /// A text that changes whenever anything that decides a classification changes (rules,
    /// modifiers, thresholds): callers hash it, with the program's version, to know when stored
    /// results are stale. It is the rule files' own text (names and contents, in load order),
    /// a stable form, where `Debug` output may change with any release of the compiler.
    pub fn fingerprint_text(&self) -> &str {
        &self.sources
    }

    /// The rules, in the order they were loaded.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// What an interviewer's question primes in the answer: for each force it asks for
    /// (`question_prompts` in `modifiers.toml`), `question_bonus` on that force's confidence
    /// wherever one of its rules fired. No rule firing, no signal: a question adds to evidence
    /// and never stands in for it.
    pub fn prime(&self, question: &str) -> Prime {
        let mut bonus = [0.0; 4];
        for (b, re) in bonus.iter_mut().zip(&self.question_prompts) {
            if re
                .as_ref()
                .is_some_and(|re| re.is_match(question.as_bytes()))
            {
                *b = self.modifiers.question_bonus;
            }
        }
        Prime(bonus)
    }

    /// Sets the weight of rule `rule` (clamped into (0, 1]): a weight learned from labelled
    /// sentences ([`crate::learn`]) scored without rebuilding the set.
    pub fn set_weight(&mut self, rule: usize, weight: f64) {
        if let Some(r) = self.rules.get_mut(rule) {
            r.weight = weight.clamp(0.01, 1.0);
        }
    }

    /// The confidence a force needs to be reported.
    pub fn threshold(&self, force: Force) -> f64 {
        self.thresholds[force_index(force)]
    }

    /// Sets the confidence a force needs to be reported.
    pub fn set_threshold(&mut self, force: Force, threshold: f64) {
        self.thresholds[force_index(force)] = threshold;
    }

    /// Reports a force only at `min` confidence or more (a force's own threshold still holds
    /// when it is higher): trades recall for precision, as `--min-confidence` does.
    pub fn set_min_confidence(&mut self, min: f64) {
        for t in &mut self.thresholds {
            *t = t.max(min);
        }
    }
}

/// The rules and the last `[modifiers]` of `files`, in order (a later rule with a known id
/// replaces it); every problem goes into `errors`, and a rule with one is left out.
fn read_files(
    files: &[(String, String)],
    errors: &mut Vec<RuleError>,
) -> (Vec<Rule>, Option<RawModifiers>) {
    let mut rules: Vec<Rule> = Vec::new();
    let mut modifiers = None;
    for (name, text) in files {
        let raw: RawFile = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                errors.push(RuleError {
                    file: name.clone(),
                    line: e.span().map_or(1, |s| {
                        text[..s.start.min(text.len())].matches('\n').count() + 1
                    }),
                    rule: None,
                    message: e.message().to_owned(),
                });
                continue;
            }
        };
        if let Some(m) = raw.modifiers {
            modifiers = Some(m);
        }
        if raw.rule.is_empty() {
            continue;
        }
        let file_err = |line: usize, message: String| RuleError {
            file: name.clone(),
            line,
            rule: None,
            message,
        };
        let Some(force_name) = raw.force else {
            errors.push(file_err(1, "a file with rules needs `force = \"anxiety\"` (or frustration, desired_progress, habit)".into()));
            continue;
        };
        let Some(force) = Force::parse(&force_name) else {
            errors.push(file_err(
                line_of(text, "force"),
                format!("unknown force {force_name:?}: one of anxiety, frustration, desired_progress, habit"),
            ));
            continue;
        };
        let mut ids_here = std::collections::HashSet::new();
        for r in raw.rule {
            let line = line_of(text, &format!("\"{}\"", r.id));
            let before = errors.len();
            let mut err = |message: String| {
                errors.push(RuleError {
                    file: name.clone(),
                    line,
                    rule: Some(r.id.clone()),
                    message,
                })
            };
            if !r.id.starts_with(&format!("{}/", force.as_str())) {
                err(format!("the id must start with `{}/`", force.as_str()));
            }
            if !(r.weight > 0.0 && r.weight <= 1.0) {
                err(format!("weight {} is not in (0, 1]", r.weight));
            }
            if let Some(p) = r.prior.filter(|p| !(*p > 0.0 && *p <= 1.0)) {
                err(format!("prior {p} is not in (0, 1]"));
            }
            if r.cues.is_empty() && r.patterns.is_empty() {
                err("a rule needs `cues` or `patterns`".into());
            }
            if r.examples.is_empty() {
                err("a rule needs examples (`expect = \"match\"` and `\"none\"`)".into());
            }
            for c in &r.cues {
                if stem_phrase(c).trim().is_empty() {
                    err(format!("cue {c:?} has no words"));
                }
            }
            if !ids_here.insert(r.id.clone()) {
                err("this id is used twice in the file".into());
            }
            if errors.len() > before {
                continue;
            }
            // Patterns are compiled (and their errors reported) in `compile_set`, beside the
            // gate's build, or by `check_dir`.
            let rule = Rule {
                id: r.id.clone(),
                force,
                weight: r.weight,
                prior: r.prior.unwrap_or(r.weight),
                cues: r.cues,
                patterns: r.patterns,
                learn: r.learn,
                negatable: r.negatable,
                needs_speaker: r.needs_speaker,
                evaluative: r.evaluative,
                examples: r.examples,
                file: name.clone(),
                line,
            };
            match rules.iter_mut().find(|x| x.id == rule.id) {
                Some(old) => *old = rule,
                None => rules.push(rule),
            }
        }
    }
    (rules, modifiers)
}

fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, RuleError> {
    let io_err = |e: std::io::Error| RuleError {
        file: dir.display().to_string(),
        line: 1,
        rule: None,
        message: format!("cannot read: {e}"),
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(io_err)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(RuleError {
            file: dir.display().to_string(),
            line: 1,
            rule: None,
            message: "no .toml rule files in this folder".into(),
        });
    }
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| RuleError {
                file: p.display().to_string(),
                line: 1,
                rule: None,
                message: format!("cannot read: {e}"),
            })?;
            Ok((p.display().to_string(), text))
        })
        .collect()
}

/// Case-insensitive ASCII, with ASCII word boundaries, matched on bytes: the lazy DFA stays
/// small and fast (Unicode classes would multiply its states).
fn pattern_source(pattern: &str) -> String {
    format!("(?i-u){pattern}")
}

/// A pattern as a regex that is quick to build: it runs only on sentences the set of all
/// patterns (the gate) has already matched, so it needs no full DFA and no literal prefilter,
/// which cost most of the start-up time when every pattern had them.
fn compile(pattern: &str) -> Result<Regex, String> {
    use regex_automata::{meta, util::syntax};
    meta::Regex::builder()
        .syntax(syntax::Config::new().utf8(false))
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .dfa(false)
                .onepass(false)
                .auto_prefilter(false),
        )
        .build(&pattern_source(pattern))
        .map_err(|e| e.to_string())
}

/// Lazy DFA cache of the pattern gate, per thread.
const GATE_CACHE_BYTES: usize = 16 << 20;

fn force_index(f: Force) -> usize {
    Force::ALL.iter().position(|x| *x == f).unwrap_or(0)
}

/// Each phrase's terms, from its ` term term` form.
fn terms_of(phrases: &[String]) -> Vec<Vec<&str>> {
    phrases
        .iter()
        .map(|p| p.split_whitespace().collect())
        .collect()
}

fn compile_set(rules: Vec<Rule>, modifiers: RawModifiers) -> Result<RuleSet, RuleError> {
    let mut cue_texts = Vec::new();
    let mut cue_rule = Vec::new();
    let mut cue_words = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        for c in &r.cues {
            let s = stem_phrase(c);
            cue_rule.push(i);
            cue_words.push(
                jtbd_text::tokenize(c)
                    .iter()
                    .map(|t| jtbd_text::normalize_word(&c[t.start..t.end]))
                    .collect(),
            );
            cue_texts.push(s);
        }
    }
    let build_err = |e: String| RuleError {
        file: "(rules)".into(),
        line: 1,
        rule: None,
        message: e,
    };
    let mut phrases = Vec::new();
    let mut kind = Vec::new();
    for (k, list) in [
        &modifiers.hedges,
        &modifiers.hypotheticals,
        &modifiers.speaker_cues,
        &modifiers.idioms,
        &modifiers.softeners,
    ]
    .into_iter()
    .enumerate()
    {
        for p in list {
            phrases.push(stem_phrase(p));
            kind.push(k as u8);
        }
    }
    let idiom_error = |p: &str, e: String| RuleError {
        file: "modifiers.toml".into(),
        line: 1,
        rule: None,
        message: format!("idiom pattern {p:?}: {e}"),
    };
    // One alternation: one pass over each sentence, however many idiom patterns there are.
    let idioms_joined = (!modifiers.idiom_patterns.is_empty()).then(|| {
        let joined: Vec<String> = modifiers
            .idiom_patterns
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect();
        joined.join("|")
    });
    // The gate holds every pattern (or the part of it every match contains, `gate.rs`) and the
    // idioms: a sentence is scanned once for all of them, and a pattern or the idiom
    // alternation runs only where the gate saw it.
    let sources: Vec<String> = rules
        .iter()
        .flat_map(|r| r.patterns.iter().map(|p| crate::gate::gate_source(p)))
        .chain(idioms_joined.as_deref().map(pattern_source))
        .collect();
    // The gate is the largest thing to build: it is built on a second thread while this one
    // compiles the rest (start-up is serial time before any file is classified).
    let (gate, rest) = std::thread::scope(|scope| {
        let gate = scope.spawn(|| {
            // The gate runs on every sentence, overlapping, over every pattern at once: its lazy
            // DFA needs new states for much new text, and with the default 2 MB cache it filled,
            // was cleared and rebuilt over and over on text it had not seen (scoring the 52,000
            // sentences of the eval train splits took 1.8 to 2.1 s with it; 1.1 to 1.2 s with 8,
            // 16 or 64 MB, the peak memory of the run 2 MB higher). 16 MB a thread leaves room
            // for more varied text.
            regex::bytes::RegexSetBuilder::new(&sources)
                .dfa_size_limit(GATE_CACHE_BYTES)
                .build()
        });
        let rest = (|| {
            let mut patterns = Vec::new();
            for (i, r) in rules.iter().enumerate() {
                for p in &r.patterns {
                    let re = compile(p).map_err(|e| RuleError {
                        file: r.file.clone(),
                        line: r.line,
                        rule: Some(r.id.clone()),
                        message: format!("pattern {p:?}: {e}"),
                    })?;
                    patterns.push((i, re));
                }
            }
            for p in &modifiers.idiom_patterns {
                compile(p).map_err(|e| idiom_error(p, e))?;
            }
            let idiom_patterns = match &idioms_joined {
                Some(joined) => Some(compile(joined).map_err(|e| idiom_error(joined, e))?),
                None => None,
            };
            let mut question_prompts: [Option<Regex>; 4] = Default::default();
            for (force, list) in &modifiers.question_prompts {
                let f = Force::parse(force).ok_or_else(|| RuleError {
                    file: "modifiers.toml".into(),
                    line: 1,
                    rule: None,
                    message: format!("question_prompts: no force {force:?}"),
                })?;
                let joined: Vec<String> = list.iter().map(|p| format!("(?:{p})")).collect();
                let joined = joined.join("|");
                question_prompts[force_index(f)] =
                    Some(compile(&joined).map_err(|e| RuleError {
                        file: "modifiers.toml".into(),
                        line: 1,
                        rule: None,
                        message: format!("question prompt of {force}: {e}"),
                    })?);
            }
            Ok((patterns, idiom_patterns, question_prompts))
        })();
        (gate.join(), rest)
    });
    // A bad pattern is reported as itself (above), not as the gate's failure.
    let (patterns, idiom_patterns, question_prompts) = rest?;
    let stemmed =
        |list: &[String]| -> Vec<String> { list.iter().map(|w| stem_phrase(w)).collect() };
    let word_lists = [
        stemmed(&modifiers.negations),
        stemmed(&modifiers.intensifiers),
        stemmed(&modifiers.other_subjects),
        stemmed(&modifiers.speaker_cues),
    ];
    let mut groups = vec![terms_of(&cue_texts), terms_of(&phrases)];
    groups.extend(word_lists.iter().map(|l| terms_of(l)));
    let phrase_tries = PhraseTries::new(&groups);
    let gate = match gate {
        Ok(built) => built.map_err(|e| build_err(e.to_string()))?,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let mut thresholds = [0.5; 4];
    let mut hypothetical_factor = [1.0; 4];
    let mut softener_factor = [1.0; 4];
    let mut other_subject_factor = [1.0; 4];
    for f in Force::ALL {
        if let Some(o) = modifiers.other_subject_factor.get(f.as_str()) {
            other_subject_factor[force_index(f)] = *o;
        }
        if let Some(t) = modifiers.thresholds.get(f.as_str()) {
            thresholds[force_index(f)] = *t;
        }
        if let Some(h) = modifiers.hypothetical_factor.get(f.as_str()) {
            hypothetical_factor[force_index(f)] = *h;
        }
        if let Some(s) = modifiers.softener_factor.get(f.as_str()) {
            softener_factor[force_index(f)] = *s;
        }
    }
    Ok(RuleSet {
        sources: String::new(),
        idiom_patterns,
        other_subject_factor,
        rules,
        modifiers,
        phrase_tries,
        #[cfg(test)]
        cue_texts,
        #[cfg(test)]
        modifier_texts: phrases,
        cue_rule,
        cue_words,
        gate,
        patterns,
        modifier_kind: kind,
        thresholds,
        question_prompts,
        hypothetical_factor,
        softener_factor,
    })
}

pub(crate) fn index_of(f: Force) -> usize {
    force_index(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load_and_every_example_holds() {
        let set = RuleSet::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert!(set.rules().len() >= 15);
        let mut failures = Vec::new();
        for (i, rule) in set.rules().iter().enumerate() {
            assert!(
                rule.examples.iter().any(|e| e.expect == Expect::Match),
                "{}",
                rule.id
            );
            assert!(
                rule.examples.iter().any(|e| e.expect == Expect::None),
                "{}",
                rule.id
            );
            for ex in &rule.examples {
                let fired = set.rule_fires(i, &ex.text);
                if fired != (ex.expect == Expect::Match) {
                    failures.push(format!(
                        "{}: {:?} expected {:?}",
                        rule.id, ex.text, ex.expect
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    /// The sample corpus is test material, not tuning material: no rule example is a sentence
    /// of `corpora/` (whitespace runs compared as one space).
    #[test]
    fn no_rule_example_comes_from_the_sample_corpus() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpora");
        let mut corpus = String::new();
        let mut files = 0;
        for e in std::fs::read_dir(&dir).unwrap() {
            let bytes = std::fs::read(e.unwrap().path()).unwrap();
            corpus.push_str(&String::from_utf8_lossy(&bytes));
            corpus.push('\n');
            files += 1;
        }
        assert!(files >= 10, "{files} files in {}", dir.display());
        let corpus = corpus.split_whitespace().collect::<Vec<_>>().join(" ");
        let set = RuleSet::embedded().unwrap();
        let mut examples = 0;
        let mut copied = Vec::new();
        for rule in set.rules() {
            for ex in &rule.examples {
                examples += 1;
                let text = ex.text.split_whitespace().collect::<Vec<_>>().join(" ");
                if text.len() > 15 && corpus.contains(&text) {
                    copied.push(format!("{}: {:?}", rule.id, ex.text));
                }
            }
        }
        assert!(examples >= 100, "{examples}");
        assert!(copied.is_empty(), "{copied:#?}");
    }

    /// A `match` example is a signal through the path users see (`classify`, with thresholds
    /// and modifiers): its rule's force is found, with the rule among those that found it. A
    /// weak rule (a cue as often neutral, whose learned weight stays under the threshold alone)
    /// shows itself in a sentence that is a signal with it.
    #[test]
    fn every_match_example_is_a_signal_through_classify() {
        let set = RuleSet::embedded().unwrap();
        let mut failures = Vec::new();
        let mut checked = 0;
        for rule in set.rules() {
            for ex in rule.examples.iter().filter(|e| e.expect == Expect::Match) {
                checked += 1;
                let c = set.classify(&ex.text);
                let me = set.rules().iter().position(|r| r.id == rule.id);
                let found = c
                    .hits
                    .iter()
                    .any(|h| h.force == rule.force && me.is_some_and(|m| h.rules.contains(&m)));
                if !found {
                    failures.push(format!("{}: {:?}", rule.id, ex.text));
                }
            }
        }
        assert!(checked >= 50, "{checked}");
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn every_force_has_rules() {
        let set = RuleSet::embedded().unwrap();
        for f in Force::ALL {
            assert!(set.rules().iter().any(|r| r.force == f), "{f}");
        }
    }

    fn errors_of(files: &[(&str, &str)]) -> String {
        let mut all = vec![("modifiers.toml".to_string(), EMBEDDED[4].1.to_string())];
        all.extend(files.iter().map(|(n, t)| (n.to_string(), t.to_string())));
        RuleSet::from_files(all)
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn bad_rules_name_file_line_and_rule() {
        let ex =
            r#"examples = [{ text = "a", expect = "match" }, { text = "b", expect = "none" }]"#;
        let e = errors_of(&[(
            "x.toml",
            &format!(
                "force = \"anxiety\"\n\n[[rule]]\nid = \"anxiety/x\"\nweight = 0.5\npatterns = ['(unclosed']\n{ex}\n"
            ),
        )]);
        assert!(e.starts_with("x.toml:4: rule anxiety/x: pattern"), "{e}");
        let e = errors_of(&[(
            "y.toml",
            &format!(
                "force = \"anxiety\"\n[[rule]]\nid = \"frustration/y\"\nweight = 0.5\ncues = [\"a\"]\n{ex}\n"
            ),
        )]);
        assert!(
            e.contains("y.toml:3: rule frustration/y: the id must start with `anxiety/`"),
            "{e}"
        );
        let e = errors_of(&[(
            "z.toml",
            "force = \"fear\"\n[[rule]]\nid = \"fear/z\"\nweight = 0.5\ncues = [\"a\"]\n",
        )]);
        assert!(e.contains("z.toml:1: unknown force"), "{e}");
        let e = errors_of(&[(
            "w.toml",
            "force = \"anxiety\"\n[[rule]]\nid = \"anxiety/w\"\nweight = 2.0\ncues = [\"a\"]\n",
        )]);
        assert!(e.contains("weight 2 is not in (0, 1]"), "{e}");
        let e = errors_of(&[(
            "v.toml",
            "force = \"anxiety\"\n[[rule]]\nid = \"anxiety/v\"\nweight = 0.5\ncues = [\"a\"]\n",
        )]);
        assert!(e.contains("needs examples"), "{e}");
        let e = errors_of(&[(
            "u.toml",
            "force = \"anxiety\"\n[[rule]]\nid = \"anxiety/u\"\nwieght = 0.5\n",
        )]);
        assert!(
            e.starts_with("u.toml:4:") && e.contains("unknown field"),
            "{e}"
        );
    }
}
