//! The stage's knowledge, `data/stories.toml`: parsed, checked and compiled once.

use jtbd_model::Force;
use std::collections::HashSet;

/// The embedded knowledge file.
const EMBEDDED: &str = include_str!("../data/stories.toml");

/// A problem in a knowledge file.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    /// The TOML does not parse or has the wrong shape.
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    /// A grammar rule's pattern does not compile.
    #[error("{file}: grammar rule {id}: pattern: {message}")]
    Pattern {
        file: String,
        id: String,
        message: String,
    },
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    template: String,
    gap: String,
    clause_opens: String,
    cut_at: Vec<String>,
    dangling: String,
    dangling_examples: Vec<String>,
    complete_examples: Vec<String>,
    unfit: String,
    unfit_examples: Vec<String>,
    pitch: String,
    pitch_examples: Vec<String>,
    job_examples: Vec<String>,
    not_a_want: String,
    not_a_want_examples: Vec<String>,
    not_a_situation: String,
    not_a_situation_examples: Vec<String>,
    situation_examples: Vec<String>,
    voicing: String,
    voicing_examples: Vec<String>,
    own_voice_examples: Vec<String>,
    promotion: String,
    promotion_examples: Vec<String>,
    struggle_examples: Vec<String>,
    small_talk: String,
    small_talk_examples: Vec<String>,
    work_talk_examples: Vec<String>,
    qualifier: String,
    qualifier_examples: Vec<String>,
    unqualified_examples: Vec<String>,
    fit_examples: Vec<String>,
    trailing: Vec<String>,
    leading: Vec<String>,
    lower_first: Vec<String>,
    themes: RawThemes,
    tense: RawTense,
    actor: Vec<RawActor>,
    chains: RawChains,
    segments: RawSegments,
    grammar: Vec<RawGrammar>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThemes {
    stop_words: Vec<String>,
    min_interviewees: usize,
    votes: usize,
    /// Read by nothing since every theme key is a pair of words; accepted so that a knowledge
    /// file written before still loads.
    #[serde(default, rename = "pair_weight")]
    _pair_weight: Option<f64>,
    max_share: f64,
    min_code_score: u32,
    min_emergent_signals: usize,
    min_slot_words: usize,
    max_slot_words: usize,
    min_content_words: usize,
    passage_turns: usize,
    situation_reach: usize,
    stories_per_theme: usize,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTense {
    past: Vec<String>,
    hypothetical: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActor {
    name: String,
    #[serde(default, rename = "self")]
    own_side: bool,
    cues: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChains {
    turns: usize,
    causal: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSegments {
    min_similarity: f64,
    max_clustered: usize,
    language: usize,
    #[serde(default = "default_struggles")]
    struggles: usize,
}

/// A knowledge file written before `struggles` existed keeps working.
fn default_struggles() -> usize {
    4
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrammar {
    id: String,
    slot: String,
    pattern: String,
    #[serde(default)]
    reject: Option<String>,
    #[serde(default)]
    forces: Vec<String>,
    #[serde(default)]
    reads: Option<Vec<Place>>,
    template: String,
    examples: Vec<GrammarExample>,
}

/// An example of a grammar rule: the slot text it drafts from `text` ("" when it must not
/// match).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrammarExample {
    pub text: String,
    pub expect: String,
}

/// A slot of a job story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    /// `When <situation>`.
    Situation,
    /// `I want to <motivation>`.
    Motivation,
    /// `so I can <outcome>`.
    Outcome,
}

impl Slot {
    /// The slot's name in data and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Situation => "situation",
            Slot::Motivation => "motivation",
            Slot::Outcome => "outcome",
        }
    }

    /// Every slot, in the order a story says them.
    pub const ALL: [Slot; 3] = [Slot::Situation, Slot::Motivation, Slot::Outcome];
}

/// A sentence a grammar rule may read, relative to a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// The signal's own sentence.
    Own,
    /// The sentence before it in its turn.
    Before,
    /// For a want, the sentence after it in its turn ("So we can ...": its outcome; "Because
    /// ...": its reason).
    After,
    /// For a want, the sentences before `Before` in its turn, nearest first (at most
    /// [`crate::record::FURTHER`]): the scene an answer sets a few sentences ahead of the want
    /// it comes to. Only for rules whose cue ties a clause to what follows ("when ...").
    Earlier,
    /// For a want, the sentences after `After` in its turn, nearest first: "that way we can ...".
    Later,
}

impl Place {
    pub const ALL: [Place; 5] = [
        Place::Own,
        Place::Before,
        Place::After,
        Place::Earlier,
        Place::Later,
    ];
}

/// One grammar rule, compiled.
#[derive(Debug, Clone)]
pub struct GrammarRule {
    pub id: String,
    pub slot: Slot,
    pattern: regex::Regex,
    /// A draft this matches (from its start) is no slot ("when you...", "so we can do that").
    reject: Option<regex::Regex>,
    template: String,
    /// Fewer words than this, or more than `max_words`, is no slot.
    min_words: usize,
    max_words: usize,
    /// The forces of the signals whose own sentence it may read (empty: any sentence).
    pub forces: Vec<Force>,
    /// The sentences it reads around a signal (`reads` in the data; by default a motivation
    /// its own sentence, a situation that and the one before, an outcome its own).
    pub reads: Vec<Place>,
    pub examples: Vec<GrammarExample>,
}

impl GrammarRule {
    /// Where in `text` this rule's pattern first matches.
    pub fn match_start(&self, text: &str) -> Option<usize> {
        self.pattern.find(text).map(|m| m.start())
    }

    /// The slot text this rule drafts from `text`: the template filled with the named groups
    /// (each cut where a clause of `cut_at` begins), white space collapsed, without trailing
    /// punctuation; `None` when it does not match, or a captured value matches `refuse`.
    pub fn draft(
        &self,
        text: &str,
        cut_at: &aho_corasick::AhoCorasick,
        refuse: Option<&regex::Regex>,
    ) -> Option<String> {
        let caps = self.pattern.captures(text)?;
        let mut out = self.template.clone();
        for name in self.pattern.capture_names().flatten() {
            let mut value = caps.name(name).map_or("", |m| m.as_str());
            // Refused on the whole clause, before it is cut: "..., and that's been great" is
            // praise however the slot would end.
            if refuse.is_some_and(|r| r.is_match(value.trim())) {
                return None;
            }
            // The leftmost clause that begins in it ends it (one pass over the value for all of
            // them, any ASCII case), unless it is the "but" of "not X but Y", one clause.
            if let Some(m) = cut_at
                .find_iter(value)
                .find(|m| !contrast(value, m.start(), m.end()))
            {
                value = &value[..m.start()];
            }
            out = out.replace(&format!("{{{name}}}"), value);
        }
        let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
        let out = out
            .trim_end_matches([',', ' ', '-', ':', '"', '\u{201d}'])
            .to_owned();
        let rejected = self.reject.as_ref().is_some_and(|r| r.is_match(&out));
        (out.split_whitespace().count() >= self.min_words.max(1) && !rejected).then_some(out)
    }
}

/// Where a slot longer than `max` words may end instead: after its longest run of whole clauses
/// (ended by a dash, or by a comma or semicolon before a word that opens a clause: `or`,
/// `which`...) of `min` to `max` words. Speech strings clauses
/// together; the first of them still says the want ("make sure we keep the transparency a managed
/// service gives, or something you run yourself, which..."). `None` when the slot fits, or no
/// clause boundary leaves enough words.
fn clauses_within(slot: &str, min: usize, max: usize) -> Option<usize> {
    // Words that open a clause or an addition after a comma; "have been, I guess, too long"
    // pauses inside one clause.
    const OPENS: [&str; 17] = [
        "or",
        "and",
        "but",
        "which",
        "where",
        "who",
        "so",
        "because",
        "like",
        "then",
        "while",
        "whereas",
        "although",
        "though",
        "especially",
        "including",
        "not",
    ];
    if slot.split_whitespace().count() <= max.max(1) {
        return None;
    }
    let words: Vec<(usize, &str)> = slot
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - slot.as_ptr() as usize, w))
        .collect();
    let mut best = None;
    let mut count = 0;
    for (i, &(at, word)) in words.iter().enumerate() {
        // A dash stands as a word of its own: the clause ends before it, and it is no word.
        if matches!(word, "-" | "--" | "\u{2013}" | "\u{2014}") {
            if count >= min.max(1) {
                best = Some(at);
            }
            continue;
        }
        count += 1;
        if count > max {
            break;
        }
        let next = words
            .get(i + 1)
            .map_or(String::new(), |(_, w)| w.to_lowercase());
        if word.ends_with([',', ';']) && count >= min.max(1) && OPENS.contains(&next.as_str()) {
            best = Some(at + word.len() - 1);
        }
    }
    best
}

/// Whether the cut at `start..end` of `text` is the "but" of "not X, but Y" (one clause: "changed
/// not by the package, but by our config tool"): a "not" among the five words before it, and no
/// new subject after it ("not this, but we had to" starts a clause).
fn contrast(text: &str, start: usize, end: usize) -> bool {
    const SUBJECTS: [&str; 10] = [
        "we", "i", "they", "he", "she", "it", "that", "this", "there", "you",
    ];
    let cut = text[start..end].trim().trim_start_matches(',').trim();
    if !cut.eq_ignore_ascii_case("but") {
        return false;
    }
    let negated = text[..start]
        .split_whitespace()
        .rev()
        .take(5)
        .any(|w| w.eq_ignore_ascii_case("not"));
    let next = text[end..].split_whitespace().next().unwrap_or("");
    let next = next
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    negated && !next.is_empty() && !SUBJECTS.contains(&next.as_str())
}

/// A kind of person a quote speaks of.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    /// The speaker's own side (I, my team): a job executor.
    pub own_side: bool,
    /// Stemmed cue phrases (terms joined by a space).
    pub cues: Vec<Vec<String>>,
}

/// Everything the stage knows, compiled.
#[derive(Debug, Clone)]
pub struct Knowledge {
    pub template: String,
    pub gap: String,
    /// Clauses that end a drafted slot (`cut_at` in the data), as one automaton that finds the
    /// leftmost of them in a slot, any ASCII case: a clause word with a space on each side
    /// (" so that "), a mark with a space after it (", and ").
    cut_finder: aho_corasick::AhoCorasick,
    pub stop_terms: HashSet<String>,
    pub min_interviewees: usize,
    pub votes: usize,
    /// Keys used by more than this share of interviewees name no theme.
    pub max_share: f64,
    /// A signal joins a codebook theme whose cues score at least this (a cue in its own
    /// sentence 2, in the sentence before 1).
    pub min_code_score: u32,
    /// A theme no codebook names needs at least this many signals.
    pub min_emergent_signals: usize,
    pub past: Vec<Vec<String>>,
    pub hypothetical: Vec<Vec<String>>,
    pub actors: Vec<Actor>,
    pub chain_turns: usize,
    pub causal: Vec<Vec<String>>,
    pub min_similarity: f64,
    /// People clustered pair by pair at most; the rest join the nearest segment.
    pub max_clustered: usize,
    pub language: usize,
    /// A segment's struggles: at most this many of the themes most of its members speak to.
    pub struggles: usize,
    pub grammar: Vec<GrammarRule>,
    /// A slot that ends pointing at what it does not say.
    pub dangling: Cue,
    /// A slot that carries markup, speaks to the host or names nothing.
    pub unfit: Cue,
    /// A motivation that is a vendor's pitch, not a job.
    pub pitch: Cue,
    /// What a motivation rule captured that is no want (its own subject, talk about the talk).
    pub not_a_want: Cue,
    /// What a situation rule captured that drives no job (praise, a pointer back to something
    /// said before, an opinion).
    pub not_a_situation: Cue,
    /// A sentence that hands the voice to others: the first-person want after it is theirs.
    pub voicing: Cue,
    /// A sentence that promotes the speaker's own company: quoted after the others.
    pub promotion: Cue,
    /// Small talk about life outside work: a want said in such a sentence is no job.
    pub small_talk: Cue,
    /// A hedge or scope a slot ends on ("..., in our case"): taken off.
    pub qualifier: Cue,
    /// Words a slot never ends on, lower case.
    pub trailing: Vec<String>,
    /// Words a slot never starts on, lower case.
    pub leading: Vec<String>,
    /// Words written capitalised only because they open a sentence, lower case.
    pub lower_first: HashSet<String>,
    /// A slot needs this many words that say something (not stop words, three letters or more).
    pub min_content_words: usize,
    /// A story's passage: its signal's turn and the speaker's turns this far around it.
    pub passage_turns: usize,
    /// A situation comes from the want's own turn, at most this many sentences before it, or
    /// from a fear or pain chained to it.
    pub situation_reach: usize,
    /// Stories a theme lists.
    pub stories_per_theme: usize,
    /// The grammar patterns of the rules of each slot that read each place as one set (by
    /// [`Slot::ALL`], then [`Place::ALL`] order), with the index in `grammar` of each, `None`
    /// where no rule does: one scan of a sentence tells which rules can draft from it there, and
    /// most (slot, place) pairs have no rule to run.
    place_sets: Vec<Option<(regex::RegexSet, Vec<usize>)>>,
    /// The rules that read [`Place::Earlier`] and [`Place::Later`], each as one set.
    further_sets: [regex::RegexSet; 2],
}

/// The placeholder a grammar pattern writes for `clause_opens`, where a clause opens.
const CLAUSE_OPENS: &str = "{clause_opens}";

/// A phrase's stemmed terms, the project's one analyzer.
pub fn terms(phrase: &str) -> Vec<String> {
    jtbd_text::tokenize(phrase)
        .into_iter()
        .map(|t| t.term)
        .collect()
}

impl Knowledge {
    /// The embedded knowledge.
    pub fn embedded() -> Result<Knowledge, KnowledgeError> {
        Knowledge::from_text("stories.toml", EMBEDDED)
    }

    /// Knowledge from a file's text (a user's replacement of `stories.toml`).
    pub fn from_text(file: &str, text: &str) -> Result<Knowledge, KnowledgeError> {
        let raw: Raw = toml::from_str(text).map_err(|e| KnowledgeError::Parse {
            file: file.into(),
            message: e.to_string(),
        })?;
        let phrases = |list: &[String]| list.iter().map(|p| terms(p)).collect::<Vec<_>>();
        let mut grammar = Vec::new();
        for g in raw.grammar {
            let slot = match g.slot.as_str() {
                "situation" => Slot::Situation,
                "motivation" => Slot::Motivation,
                "outcome" => Slot::Outcome,
                other => {
                    return Err(KnowledgeError::Parse {
                        file: file.into(),
                        message: format!(
                            "grammar rule {}: slot {other:?} is not situation, motivation or outcome",
                            g.id
                        ),
                    });
                }
            };
            // `{clause_opens}` in a pattern is the one definition of where a clause opens.
            let compile = |p: &str| {
                regex::RegexBuilder::new(&p.replace(CLAUSE_OPENS, &raw.clause_opens))
                    .case_insensitive(true)
                    .build()
                    .map_err(|e| KnowledgeError::Pattern {
                        file: file.into(),
                        id: g.id.clone(),
                        message: e.to_string(),
                    })
            };
            let pattern = compile(&g.pattern)?;
            let reject = g.reject.as_deref().map(compile).transpose()?;
            let mut forces = Vec::new();
            for f in &g.forces {
                forces.push(Force::parse(f).ok_or_else(|| KnowledgeError::Parse {
                    file: file.into(),
                    message: format!(
                        "grammar rule {}: force {f:?} is not anxiety, frustration, desired_progress or habit",
                        g.id
                    ),
                })?);
            }
            grammar.push(GrammarRule {
                id: g.id,
                slot,
                pattern,
                reject,
                template: g.template,
                min_words: raw.themes.min_slot_words,
                max_words: raw.themes.max_slot_words,
                forces,
                reads: g.reads.unwrap_or_else(|| match slot {
                    Slot::Situation => vec![Place::Own, Place::Before],
                    Slot::Motivation | Slot::Outcome => vec![Place::Own],
                }),
                examples: g.examples,
            });
        }
        // The rules that `keep` picks, as one set matched in a single pass.
        let set_of = |keep: &dyn Fn(&GrammarRule) -> bool, what: &str| {
            let rules: Vec<usize> = (0..grammar.len()).filter(|&i| keep(&grammar[i])).collect();
            regex::RegexSetBuilder::new(rules.iter().map(|&i| grammar[i].pattern.as_str()))
                .case_insensitive(true)
                .build()
                .map(|set| (set, rules))
                .map_err(|e| KnowledgeError::Parse {
                    file: file.into(),
                    message: format!("the {what} grammar as one set: {e}"),
                })
        };
        let mut place_sets = Vec::new();
        for slot in Slot::ALL {
            for place in Place::ALL {
                let keep = |r: &GrammarRule| r.slot == slot && r.reads.contains(&place);
                place_sets.push(if grammar.iter().any(keep) {
                    Some(set_of(&keep, slot.as_str())?)
                } else {
                    None
                });
            }
        }
        let reading = |place: Place| set_of(&|r| r.reads.contains(&place), "further");
        let further_sets = [reading(Place::Earlier)?.0, reading(Place::Later)?.0];
        let cue = |name, pattern: &str, matches: &[String], misses: &[String]| {
            Cue::new(file, name, pattern, matches, misses)
        };
        let dangling = cue(
            "dangling",
            &raw.dangling,
            &raw.dangling_examples,
            &raw.complete_examples,
        )?;
        let unfit = cue("unfit", &raw.unfit, &raw.unfit_examples, &raw.fit_examples)?;
        let pitch = cue("pitch", &raw.pitch, &raw.pitch_examples, &raw.job_examples)?;
        let not_a_want = cue(
            "not_a_want",
            &raw.not_a_want,
            &raw.not_a_want_examples,
            &raw.job_examples,
        )?;
        let not_a_situation = cue(
            "not_a_situation",
            &raw.not_a_situation,
            &raw.not_a_situation_examples,
            &raw.situation_examples,
        )?;
        let voicing = cue(
            "voicing",
            &raw.voicing,
            &raw.voicing_examples,
            &raw.own_voice_examples,
        )?;
        let promotion = cue(
            "promotion",
            &raw.promotion,
            &raw.promotion_examples,
            &raw.struggle_examples,
        )?;
        let small_talk = cue(
            "small_talk",
            &raw.small_talk,
            &raw.small_talk_examples,
            &raw.work_talk_examples,
        )?;
        let qualifier = cue(
            "qualifier",
            &raw.qualifier,
            &raw.qualifier_examples,
            &raw.unqualified_examples,
        )?;
        let cut_at: Vec<String> = raw
            .cut_at
            .iter()
            .map(|c| {
                let c = c.to_lowercase();
                // A clause word stands alone; a mark (", and", "--") follows a word.
                if c.starts_with(char::is_alphanumeric) {
                    format!(" {c} ")
                } else {
                    format!("{c} ")
                }
            })
            .collect();
        let cut_finder = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(&cut_at)
            .map_err(|e| KnowledgeError::Parse {
                file: file.to_owned(),
                message: format!("cut_at: {e}"),
            })?;
        Ok(Knowledge {
            pitch,
            not_a_want,
            not_a_situation,
            voicing,
            promotion,
            small_talk,
            qualifier,
            unfit,
            trailing: raw.trailing.iter().map(|t| t.to_lowercase()).collect(),
            leading: raw.leading.iter().map(|t| t.to_lowercase()).collect(),
            lower_first: raw.lower_first.iter().map(|t| t.to_lowercase()).collect(),
            passage_turns: raw.themes.passage_turns,
            situation_reach: raw.themes.situation_reach,
            min_content_words: raw.themes.min_content_words,
            stories_per_theme: raw.themes.stories_per_theme.max(1),
            dangling,
            place_sets,
            further_sets,
            template: raw.template,
            gap: raw.gap,
            cut_finder,
            stop_terms: raw
                .themes
                .stop_words
                .iter()
                .flat_map(|w| terms(w))
                .collect(),
            min_interviewees: raw.themes.min_interviewees.max(1),
            votes: raw.themes.votes.max(1),
            max_share: raw.themes.max_share,
            min_code_score: raw.themes.min_code_score,
            min_emergent_signals: raw.themes.min_emergent_signals,
            past: phrases(&raw.tense.past),
            hypothetical: phrases(&raw.tense.hypothetical),
            actors: raw
                .actor
                .into_iter()
                .map(|a| Actor {
                    cues: phrases(&a.cues),
                    name: a.name,
                    own_side: a.own_side,
                })
                .collect(),
            chain_turns: raw.chains.turns,
            causal: phrases(&raw.chains.causal),
            min_similarity: raw.segments.min_similarity,
            max_clustered: raw.segments.max_clustered.max(2),
            language: raw.segments.language,
            struggles: raw.segments.struggles.max(1),
            grammar,
        })
    }
}

impl Knowledge {
    /// The rules of `slot` whose pattern matches `text`, in grammar order, one by one (what the
    /// sets of [`Knowledge::matching_at`] find at once).
    #[cfg(test)]
    fn matching<'k>(&'k self, slot: Slot, text: &'k str) -> impl Iterator<Item = &'k GrammarRule> {
        self.grammar
            .iter()
            .filter(move |r| r.slot == slot && r.pattern.is_match(text))
    }

    /// The rules of `slot` that read `place` and whose pattern matches `text`, in grammar order
    /// (as [`Knowledge::matching`] with the rules that do not read `place` left out).
    pub fn matching_at<'k>(
        &'k self,
        slot: Slot,
        place: Place,
        text: &str,
    ) -> impl Iterator<Item = &'k GrammarRule> {
        let s = Slot::ALL.iter().position(|x| *x == slot).unwrap_or(0);
        let p = Place::ALL.iter().position(|x| *x == place).unwrap_or(0);
        let found = self.place_sets[s * Place::ALL.len() + p]
            .as_ref()
            .map(|(set, rules)| (set.matches(text), rules));
        found.into_iter().flat_map(move |(hits, rules)| {
            rules
                .iter()
                .enumerate()
                .filter(move |(i, _)| hits.matched(*i))
                .map(|(_, &r)| &self.grammar[r])
        })
    }

    /// Whether a rule that reads sentences `place` ([`Place::Earlier`], [`Place::Later`]) could
    /// draft from `text`: a record keeps only such sentences of a want's answer.
    pub fn reads_there(&self, place: Place, text: &str) -> bool {
        match place {
            Place::Earlier => self.further_sets[0].is_match(text),
            Place::Later => self.further_sets[1].is_match(text),
            Place::Own | Place::Before | Place::After => false,
        }
    }

    /// The grammar rule with this id.
    pub fn rule(&self, id: &str) -> Option<&GrammarRule> {
        self.grammar.iter().find(|r| r.id == id)
    }

    /// The embedded file's text, to start a user's own from.
    pub fn embedded_text() -> &'static str {
        EMBEDDED
    }

    /// The slot `rule` drafts from `text`, made to read after the template's words: words the
    /// clause went on with taken off its end, a sentence-opening capital lowered; `None` when
    /// the rule does not match, or the draft dangles, carries markup or speaks to the host.
    pub fn draft(&self, rule: &GrammarRule, text: &str) -> Option<String> {
        // Every motivation rule's capture is held to what a want is (`not_a_want`), whatever
        // words led to it.
        let refuse = match rule.slot {
            Slot::Motivation => Some(&self.not_a_want.re),
            // And every situation rule's to what drives a job (`not_a_situation`).
            Slot::Situation => Some(&self.not_a_situation.re),
            Slot::Outcome => None,
        };
        let mut out = rule.draft(text, &self.cut_finder, refuse)?;
        if let Some(m) = self.qualifier.re.find(&out) {
            out.truncate(m.start());
        }
        if let Some(end) = clauses_within(&out, rule.min_words, rule.max_words) {
            out.truncate(end);
            out.truncate(out.trim_end().len());
        }
        loop {
            let lower = out.to_lowercase();
            let Some(cut) = self.trailing.iter().find_map(|t| {
                lower
                    .strip_suffix(t.as_str())
                    .filter(|rest| rest.ends_with([' ', ',']))
                    .map(str::len)
            }) else {
                break;
            };
            out.truncate(cut);
            let kept = out.trim_end_matches([',', ' ', '-', ':', ';']).len();
            out.truncate(kept);
        }
        loop {
            let lower = out.to_lowercase();
            let Some(cut) = self.leading.iter().find_map(|w| {
                lower
                    .strip_prefix(w.as_str())
                    .filter(|rest| rest.starts_with(' '))
                    .map(|rest| lower.len() - rest.len() + 1)
            }) else {
                break;
            };
            out = out[cut..].to_owned();
        }
        out = without_repeats(&out);
        // A bracket the slot closes but never opened ends the aside the rule began in.
        if let Some(end) = out.find(')').filter(|&end| !out[..end].contains('(')) {
            out.truncate(end);
            out.truncate(out.trim_end().len());
        }
        let first = out.split([' ', ',']).next().unwrap_or("");
        if first.chars().next().is_some_and(char::is_uppercase)
            && self.lower_first.contains(&first.to_lowercase())
        {
            let mut chars = out.chars();
            if let Some(c) = chars.next() {
                out = c.to_lowercase().chain(chars).collect();
            }
        }
        let words = out.split_whitespace().count();
        let fits = words >= rule.min_words.max(1)
            && words <= rule.max_words.max(1)
            && !self.dangling.is_match(&out)
            && !(rule.slot == Slot::Motivation && self.pitch.is_match(&out))
            && !self.unfit.is_match(&out);
        if !fits {
            return None;
        }
        let content = terms(&out)
            .iter()
            .filter(|t| {
                t.chars().count() >= 3
                    && !t.chars().all(|c| c.is_ascii_digit())
                    && !self.stop_terms.contains(t.as_str())
            })
            .count();
        (content >= self.min_content_words).then_some(out)
    }
}

/// `text` with a word said twice in a row said once ("at incredible, incredible scale", "the
/// configuration, configuration which"): a speaker's restart, not part of what they mean. A
/// slot is a reading of its quote, which stays verbatim. Words that may stand twice in good
/// English ("that that", "had had") are kept.
fn without_repeats(text: &str) -> String {
    const MAY_REPEAT: [&str; 3] = ["that", "had", "is"];
    let mut out: Vec<&str> = Vec::new();
    for w in text.split(' ') {
        let bare = |s: &str| s.trim_end_matches(',').to_lowercase();
        let repeat = out.last().is_some_and(|prev| {
            let (p, this) = (bare(prev), bare(w));
            p == this && !p.is_empty() && !MAY_REPEAT.contains(&p.as_str())
        });
        if repeat {
            // The second saying stands for both: "incredible, incredible scale" -> "incredible
            // scale", keeping the punctuation that follows the second.
            out.pop();
        }
        out.push(w);
    }
    out.join(" ")
}

/// A regex of the data with its examples both ways (sentences or slots it must match, and ones
/// it must not), which a test runs: how the data says what a slot or a sentence is not.
#[derive(Debug, Clone)]
pub struct Cue {
    /// Its key in the data.
    pub name: &'static str,
    pub re: regex::Regex,
    matches: Vec<String>,
    misses: Vec<String>,
}

impl Cue {
    fn new(
        file: &str,
        name: &'static str,
        pattern: &str,
        matches: &[String],
        misses: &[String],
    ) -> Result<Cue, KnowledgeError> {
        Ok(Cue {
            name,
            re: compile(file, name, pattern)?,
            matches: matches.to_vec(),
            misses: misses.to_vec(),
        })
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.re.is_match(text)
    }

    /// What its examples say that it does not do: an empty list when it tells them apart (and
    /// has examples both ways).
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.matches.is_empty() || self.misses.is_empty() {
            out.push(format!("{}: needs examples both ways", self.name));
        }
        for t in self.matches.iter().filter(|t| !self.re.is_match(t)) {
            out.push(format!("{}: {t:?} should match", self.name));
        }
        for t in self.misses.iter().filter(|t| self.re.is_match(t)) {
            out.push(format!("{}: {t:?} should not match", self.name));
        }
        out
    }
}

impl Knowledge {
    /// Every cue of the data, for the test of their examples.
    pub fn cues(&self) -> [&Cue; 9] {
        [
            &self.dangling,
            &self.unfit,
            &self.pitch,
            &self.not_a_want,
            &self.not_a_situation,
            &self.voicing,
            &self.promotion,
            &self.small_talk,
            &self.qualifier,
        ]
    }
}

/// A regex of the data, any case; an error names the key.
fn compile(file: &str, key: &str, pattern: &str) -> Result<regex::Regex, KnowledgeError> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .map_err(|e| KnowledgeError::Parse {
            file: file.into(),
            message: format!("{key}: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_knowledge_file_written_with_pair_weight_still_loads() {
        let older = EMBEDDED.replacen("votes = 3\n", "votes = 3\npair_weight = 1.5\n", 1);
        assert_ne!(older, EMBEDDED, "the embedded file sets votes = 3");
        let k = Knowledge::from_text("old.toml", &older).expect("an older file loads");
        assert_eq!(k.votes, 3);
        let unknown = EMBEDDED.replacen("votes = 3\n", "votes = 3\nno_such_knob = 1\n", 1);
        assert!(Knowledge::from_text("bad.toml", &unknown).is_err());
    }

    #[test]
    fn a_long_slot_keeps_its_longest_run_of_whole_clauses() {
        let long = "make sure we keep the transparency a managed service gives, or something you run yourself, which a lot of teams ask about every single week";
        let end = clauses_within(long, 3, 20).expect("a clause boundary within 20 words");
        assert_eq!(
            &long[..end],
            "make sure we keep the transparency a managed service gives, or something you run yourself"
        );
        assert_eq!(
            clauses_within("keep the lights on", 3, 20),
            None,
            "a slot that fits is left"
        );
        let dash = "stop rebuilding the same images every night - the registry fills up and nobody knows which tag is current or who pushed it last";
        assert_eq!(
            &dash[..clauses_within(dash, 3, 20).expect("a dash ends a clause")],
            "stop rebuilding the same images every night "
        );
        let none = "have one long clause that never pauses for breath and goes on well past any sensible number of words for a slot";
        assert_eq!(clauses_within(none, 3, 20), None, "no boundary: no slot");
        let pause = "build a tool that caters to the needs of the folks who have been, I guess, too long left out of every incident";
        assert_eq!(
            clauses_within(pause, 3, 20),
            None,
            "a comma inside a clause ends none"
        );
        assert_eq!(
            clauses_within(
                "ok, then we go on and on and on and on and on and on and on and on and on and on",
                3,
                20
            ),
            None,
            "too short a first clause"
        );
    }

    #[test]
    fn every_grammar_rule_drafts_its_examples() {
        let k = Knowledge::embedded().unwrap_or_else(|e| panic!("{e}"));
        let mut failures = Vec::new();
        for rule in &k.grammar {
            assert!(
                rule.examples.iter().any(|e| !e.expect.is_empty())
                    && rule.examples.iter().any(|e| e.expect.is_empty()),
                "{}: needs an example it drafts and one it leaves alone",
                rule.id
            );
            for ex in &rule.examples {
                // As a story reads it: in a sentence that says a want, a situation only from the
                // words before the want and an outcome only from the want on.
                let want = k
                    .matching(Slot::Motivation, &ex.text)
                    .find(|m| k.draft(m, &ex.text).is_some())
                    .and_then(|m| m.match_start(&ex.text));
                let text = match (rule.slot, want) {
                    (Slot::Situation, Some(at)) => &ex.text[..at],
                    (Slot::Outcome, Some(at)) => &ex.text[at..],
                    _ => ex.text.as_str(),
                };
                let got = k.draft(rule, text).unwrap_or_default();
                if got != ex.expect {
                    failures.push(format!(
                        "{}: {:?} gave {got:?}, not {:?}",
                        rule.id, ex.text, ex.expect
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    /// The grammar rule `id`, which the data must have.
    fn rule<'k>(k: &'k Knowledge, id: &str) -> &'k GrammarRule {
        k.rule(id).unwrap_or_else(|| panic!("{id}"))
    }

    /// The set of a slot and a place finds exactly the slot's matching rules that read the
    /// place, in grammar order, on every example sentence of the grammar.
    #[test]
    fn the_rules_of_a_place_are_the_slots_rules_that_read_it() {
        let k = Knowledge::embedded().unwrap_or_else(|e| panic!("{e}"));
        let mut checked = 0;
        for ex in k.grammar.iter().flat_map(|r| &r.examples) {
            for slot in Slot::ALL {
                for place in Place::ALL {
                    let ids = |rules: &mut dyn Iterator<Item = &GrammarRule>| -> Vec<String> {
                        rules.map(|r| r.id.clone()).collect()
                    };
                    let want = ids(&mut k
                        .matching(slot, &ex.text)
                        .filter(|r| r.reads.contains(&place)));
                    let got = ids(&mut k.matching_at(slot, place, &ex.text));
                    assert_eq!(got, want, "{slot:?} {place:?} on {:?}", ex.text);
                    checked += usize::from(!got.is_empty());
                }
            }
        }
        assert!(checked > 50, "only {checked} examples matched any rule");
    }

    #[test]
    fn every_cue_tells_its_examples_apart() {
        let k = Knowledge::embedded().unwrap_or_else(|e| panic!("{e}"));
        let failures: Vec<String> = k.cues().iter().flat_map(|c| c.failures()).collect();
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn a_slot_loses_the_words_its_clause_went_on_with() {
        let k = Knowledge::embedded().unwrap_or_else(|e| panic!("{e}"));
        let rule = rule(&k, "situation/pain");
        assert_eq!(
            k.draft(
                rule,
                "So it took us a year to move the billing jobs, and, um."
            )
            .as_deref(),
            Some("it took us a year to move the billing jobs")
        );
    }

    #[test]
    fn a_word_said_twice_in_a_row_is_read_once() {
        assert_eq!(
            without_repeats("operate it at incredible, incredible scale"),
            "operate it at incredible scale"
        );
        assert_eq!(
            without_repeats("change the configuration, configuration which was left"),
            "change the configuration which was left"
        );
        assert_eq!(without_repeats("we we want it, it"), "we want it");
        assert_eq!(
            without_repeats("know that that is true"),
            "know that that is true"
        );
        let k = Knowledge::embedded().unwrap_or_else(|e| panic!("{e}"));
        let rule = rule(&k, "motivation/want-to");
        assert_eq!(
            k.draft(rule, "We want to move the the builds off our own servers.")
                .as_deref(),
            Some("move the builds off our own servers")
        );
    }

    #[test]
    fn not_x_but_y_is_one_clause() {
        let k = Knowledge::embedded().unwrap_or_else(|e| panic!("{e}"));
        let rule = rule(&k, "motivation/want-to");
        assert_eq!(
            k.draft(
                rule,
                "We want to own the settings changed not by the installer, but by our config tool."
            )
            .as_deref(),
            Some("own the settings changed not by the installer, but by our config tool")
        );
        assert_eq!(
            k.draft(
                rule,
                "We want to own the settings, not the installer, but we had no time."
            )
            .as_deref(),
            Some("own the settings, not the installer")
        );
        assert_eq!(
            k.draft(
                rule,
                "We want to own the billing settings, but the vendor said no."
            )
            .as_deref(),
            Some("own the billing settings")
        );
    }

    #[test]
    fn a_qualifier_at_the_end_is_taken_off() {
        let k = Knowledge::embedded().unwrap_or_else(|e| panic!("{e}"));
        let rule = rule(&k, "motivation/want-to");
        assert_eq!(
            k.draft(
                rule,
                "We want to stop running the backups by hand, in our team's case."
            )
            .as_deref(),
            Some("stop running the backups by hand")
        );
    }

    #[test]
    fn a_slot_that_names_nothing_is_refused() {
        let k = Knowledge::embedded().unwrap_or_else(|e| panic!("{e}"));
        let rule = rule(&k, "motivation/want-to");
        assert_eq!(k.draft(rule, "We want to go as fast as possible."), None);
        assert_eq!(
            k.draft(rule, "We want to go as fast as the auditors allow.")
                .as_deref(),
            Some("go as fast as the auditors allow")
        );
    }

    #[test]
    fn an_unknown_key_is_refused_with_the_file_named() {
        let text = Knowledge::embedded_text().replace(
            r#"id = "situation/when""#,
            "id = \"situation/when\"\nbroken = true",
        );
        let e = Knowledge::from_text("mine.toml", &text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("mine.toml") && e.contains("broken"), "{e}");
    }
}
