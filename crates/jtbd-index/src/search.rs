//! Queries: tantivy's query syntax over the turn text, filters on the other fields, hits in
//! rank order with snippets whose highlights map back to the source.

use crate::document::to_source;
use crate::error::IndexError;
use crate::schema::Fields;
use crate::store::{Index, force_facet};
use jtbd_model::{Force, Role};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{IndexRecordOption, TantivyDocument, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, IndexReader, ReloadPolicy, Term};

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 180;

/// What to look for. Values of one filter are alternatives (OR); filters combine with AND.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Tantivy query syntax over the text (AND / OR / NOT, "phrases", field:value, ranges);
    /// terms are ANDed by default. Empty: every turn (filters alone).
    pub query: String,
    /// Speaker roles (interviewer, interviewee, unknown).
    pub roles: Vec<Role>,
    /// Participant roles or titles, from the interview's `role` or `title` metadata (`CISO`).
    pub titles: Vec<String>,
    /// Speaker labels, whole and case-insensitive.
    pub speakers: Vec<String>,
    /// Forces found in the turn.
    pub forces: Vec<Force>,
    /// Metadata `key = value` pairs, values whole and case-insensitive.
    pub wheres: Vec<(String, String)>,
    /// Hits to return.
    pub limit: usize,
    /// Let each query term match words one edit away.
    pub fuzzy: bool,
    /// Build snippets (costs a little per hit).
    pub snippets: bool,
}

/// One matching turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// BM25 score.
    pub score: f32,
    /// Interview id.
    pub interview: String,
    /// Path of the file.
    pub path: String,
    /// Speaker label.
    pub speaker: Option<String>,
    /// Speaker role.
    pub role: Role,
    /// Source format name.
    pub format: String,
    /// Turn number in the interview.
    pub turn: u64,
    /// 1-based line of the turn.
    pub line: u64,
    /// Byte range of the turn in the source.
    pub byte_start: u64,
    /// One past its last byte.
    pub byte_end: u64,
    /// Milliseconds into the recording.
    pub timestamp_ms: Option<u64>,
    /// The turn's words (its sentences joined by a space).
    pub text: String,
    /// Forces found in the turn.
    pub forces: Vec<Force>,
    /// Interview metadata.
    pub metadata: BTreeMap<String, String>,
    /// A fragment of `text` around the best match.
    pub snippet: String,
    /// Where `snippet` sits in `text`.
    pub snippet_range: Range<usize>,
    /// Matched words, as byte ranges in `snippet`.
    pub highlights: Vec<Range<usize>>,
    /// The same, as byte ranges in the source; `None` when the format's text is not verbatim.
    pub source_highlights: Option<Vec<Range<usize>>>,
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Turns matching, in all.
    pub total: usize,
    /// The best `limit` of them, best first (ties in path and line order).
    pub hits: Vec<Hit>,
}

/// A reader over an index's last commit. Cheap to query many times.
pub struct Searcher {
    reader: IndexReader,
    parser: QueryParser,
    fuzzy_parser: QueryParser,
    fields: Fields,
}

impl Index {
    /// A searcher over the last commit (it does not see later commits: open a new one).
    pub fn searcher(&self) -> Result<Searcher, IndexError> {
        let reader = self
            .inner
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| IndexError::tantivy(self.dir(), e))?;
        let f = self.fields;
        let mut parser = QueryParser::for_index(&self.inner, vec![f.text]);
        parser.set_conjunction_by_default();
        let mut fuzzy_parser = parser.clone();
        fuzzy_parser.set_field_fuzzy(f.text, false, 1, true);
        Ok(Searcher {
            reader,
            parser,
            fuzzy_parser,
            fields: f,
        })
    }
}

impl Searcher {
    /// Documents (turns) in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Parses the request into one query.
    pub fn query(&self, req: &Request) -> Result<Box<dyn Query>, IndexError> {
        let f = &self.fields;
        let text: Box<dyn Query> = if req.query.trim().is_empty() {
            Box::new(AllQuery)
        } else {
            // A word with an apostrophe inside (`don't`, `company's`) is one word to the user;
            // the grammar would refuse it bare: it is searched as the phrase it stands for.
            let query = prepare(&req.query);
            if req.fuzzy {
                // Typos are measured on the word (`migrtion` is one edit from `migration`),
                // and the stems the words lead to are searched, each also one edit away.
                let widened = self.widen(&query);
                self.fuzzy_parser
                    .parse_query(&widened)
                    .map_err(|e| query_error(&req.query, e))?
            } else {
                self.parser
                    .parse_query(&query)
                    .map_err(|e| query_error(&req.query, e))?
            }
        };
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        let any = |terms: Vec<Term>| -> (Occur, Box<dyn Query>) {
            let q: Vec<(Occur, Box<dyn Query>)> = terms
                .into_iter()
                .map(|t| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
                .collect();
            (Occur::Must, Box::new(BooleanQuery::new(q)))
        };
        if !req.roles.is_empty() {
            must.push(any(req
                .roles
                .iter()
                .map(|r| Term::from_field_text(f.role, r.as_str()))
                .collect()));
        }
        if !req.titles.is_empty() {
            let mut terms = Vec::new();
            for t in &req.titles {
                for key in jtbd_model::MetaKey::JOB {
                    terms.push(meta_term(f, key.as_str(), t));
                }
            }
            must.push(any(terms));
        }
        if !req.speakers.is_empty() {
            must.push(any(req
                .speakers
                .iter()
                .map(|s| Term::from_field_text(f.speaker, &s.to_lowercase()))
                .collect()));
        }
        if !req.forces.is_empty() {
            must.push(any(req
                .forces
                .iter()
                .map(|&force| Term::from_facet(f.forces, &force_facet(force)))
                .collect()));
        }
        // Pairs with one key are alternatives; different keys must all hold.
        let mut by_key: BTreeMap<String, Vec<Term>> = BTreeMap::new();
        for (k, v) in &req.wheres {
            let key = k.trim().to_lowercase();
            let term = meta_term(f, &key, v);
            by_key.entry(key).or_default().push(term);
        }
        for terms in by_key.into_values() {
            must.push(any(terms));
        }
        Ok(if must.len() == 1 {
            must.pop()
                .map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |(_, q)| q)
        } else {
            Box::new(BooleanQuery::new(must))
        })
    }

    /// How many turns match.
    pub fn count(&self, req: &Request) -> Result<usize, IndexError> {
        let q = self.query(req)?;
        self.reader
            .searcher()
            .search(&*q, &Count)
            .map_err(search_error)
    }

    /// How many turns match and the best `limit`, as scores and addresses, without reading a
    /// stored document: the work an engine does before showing anything.
    pub fn rank(&self, req: &Request) -> Result<(usize, Vec<(f32, DocAddress)>), IndexError> {
        let q = self.query(req)?;
        rank_query(&self.reader.searcher(), &*q, req.limit)
    }

    /// `query` with each plain word outside quotes (not an operator, a field or a field's value)
    /// replaced by `(word OR w1 OR ...)`: the words one edit away (a letter left out, added,
    /// changed, or two swapped) whose stems the index holds, most frequent first.
    fn widen(&self, query: &str) -> String {
        let mut out = String::with_capacity(query.len());
        let mut in_quotes = false;
        let chars: Vec<(usize, char)> = query.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (at, c) = chars[i];
            if c == '"' {
                in_quotes = !in_quotes;
            }
            if in_quotes || !c.is_alphabetic() {
                out.push(c);
                i += 1;
                continue;
            }
            let mut j = i;
            while j < chars.len() && (chars[j].1.is_alphanumeric() || chars[j].1 == '\'') {
                j += 1;
            }
            let end = chars.get(j).map_or(query.len(), |(e, _)| *e);
            let word = &query[at..end];
            let field_side = query[..at].ends_with(':') || query[end..].starts_with(':');
            let operator = ["AND", "OR", "NOT", "TO"].contains(&word);
            i = j;
            if field_side || operator || word.chars().any(|c| c.is_ascii_digit()) {
                out.push_str(word);
                continue;
            }
            let found = self.similar_words(word);
            if found.is_empty() {
                out.push_str(word);
            } else {
                out.push('(');
                out.push_str(word);
                for w in &found {
                    out.push_str(" OR ");
                    out.push_str(w);
                }
                out.push(')');
            }
        }
        out
    }

    /// Words one edit from `word` (a letter left out, added, changed, or two swapped) that lead
    /// to a stem the index holds other than the word's own, one per stem, the most frequent
    /// first: what a typo may have meant.
    pub fn similar_words(&self, word: &str) -> Vec<String> {
        let searcher = self.reader.searcher();
        let held = |stem: &str| {
            searcher
                .doc_freq(&Term::from_field_text(self.fields.text, stem))
                .unwrap_or(0)
        };
        let stem = |w: &str| jtbd_text::tokenize(w).into_iter().next().map(|t| t.term);
        let lower = word.to_lowercase();
        let own = stem(&lower);
        let mut found: Vec<(u64, String, String)> = Vec::new();
        for candidate in one_edit(&lower) {
            let Some(st) = stem(&candidate) else { continue };
            if Some(&st) == own.as_ref() || found.iter().any(|(_, _, s)| *s == st) {
                continue;
            }
            let df = held(&st);
            if df > 0 {
                found.push((df, candidate, st));
            }
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        found.truncate(WIDEN_LIMIT);
        found.into_iter().map(|(_, w, _)| w).collect()
    }

    /// What the index holds, read from its term dictionaries (no document is loaded): for
    /// telling a user why nothing matched and what they may have meant.
    pub fn overview(&self) -> Result<Overview, IndexError> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let mut o = Overview::default();
        let mut interviews = BTreeSet::new();
        for segment in searcher.segment_readers() {
            let each = |field, visit: &mut dyn FnMut(&[u8], u32)| -> Result<(), IndexError> {
                let inverted = segment.inverted_index(field).map_err(search_error)?;
                let mut stream = inverted
                    .terms()
                    .stream()
                    .map_err(|e| IndexError::Search(e.to_string()))?;
                while stream.advance() {
                    visit(stream.key(), stream.value().doc_freq);
                }
                Ok(())
            };
            each(f.interview, &mut |k, _| {
                interviews.insert(k.to_vec());
            })?;
            each(f.speaker, &mut |k, _| {
                o.speakers.insert(String::from_utf8_lossy(k).into_owned());
            })?;
            each(f.text, &mut |k, df| {
                *o.terms
                    .entry(String::from_utf8_lossy(k).into_owned())
                    .or_default() += df;
            })?;
            // A metadata term is the key's path, a 0 byte, a type byte, then the value.
            each(f.meta, &mut |k, _| {
                if let Some(at) = k.iter().position(|&b| b == 0) {
                    let key = String::from_utf8_lossy(&k[..at]).replace('\u{1}', ".");
                    let value =
                        String::from_utf8_lossy(k.get(at + 2..).unwrap_or_default()).into_owned();
                    o.metadata.entry(key).or_default().insert(value);
                }
            })?;
        }
        o.interviews = interviews.len();
        Ok(o)
    }

    /// The snippet maker of a query, when snippets are wanted.
    fn snippets(
        &self,
        searcher: &tantivy::Searcher,
        q: &dyn Query,
        wanted: bool,
    ) -> Result<Option<SnippetGenerator>, IndexError> {
        if !wanted {
            return Ok(None);
        }
        let mut g =
            SnippetGenerator::create(searcher, q, self.fields.text).map_err(search_error)?;
        g.set_max_num_chars(SNIPPET_CHARS);
        Ok(Some(g))
    }

    /// Runs the request.
    pub fn search(&self, req: &Request) -> Result<Results, IndexError> {
        let q = self.query(req)?;
        let searcher = self.reader.searcher();
        let (total, top) = rank_query(&searcher, &*q, req.limit)?;
        let mut generator = self.snippets(&searcher, &*q, req.snippets)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(search_error)?;
            hits.push(self.hit(score, &doc, generator.as_mut()));
        }
        // Equal scores in a stable order, whatever segment a document landed in.
        in_rank_order(&mut hits);
        Ok(Results { total, hits })
    }

    /// The documents of a one-segment index, in order, as hits with the given scores (how
    /// [`crate::remote::present`] shows an engine's hits), ties in path and turn order.
    pub(crate) fn hits_in_order(
        &self,
        req: &Request,
        scores: &[f32],
    ) -> Result<Vec<Hit>, IndexError> {
        let q = self.query(req)?;
        let searcher = self.reader.searcher();
        let mut generator = self.snippets(&searcher, &*q, req.snippets && !scores.is_empty())?;
        let mut hits = Vec::with_capacity(scores.len());
        for (n, &score) in scores.iter().enumerate() {
            let doc: TantivyDocument = searcher
                .doc(DocAddress::new(0, n as u32))
                .map_err(search_error)?;
            hits.push(self.hit(score, &doc, generator.as_mut()));
        }
        in_rank_order(&mut hits);
        Ok(hits)
    }

    fn hit(
        &self,
        score: f32,
        doc: &TantivyDocument,
        generator: Option<&mut SnippetGenerator>,
    ) -> Hit {
        let f = &self.fields;
        let text_of = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let u64_of = |field| doc.get_first(field).and_then(|v| v.as_u64());
        let text = text_of(f.text).unwrap_or_default();
        let spans = doc
            .get_first(f.spans)
            .and_then(|v| v.as_bytes())
            .unwrap_or_default();
        let (snippet, snippet_range, highlights) = match generator {
            Some(g) => {
                let s = g.snippet(&text);
                if s.is_empty() {
                    lead(&text)
                } else {
                    (
                        s.fragment().to_owned(),
                        s.fragment_range(),
                        s.highlighted().to_vec(),
                    )
                }
            }
            None => lead(&text),
        };
        let source_highlights = if spans.is_empty() {
            None
        } else {
            highlights
                .iter()
                .map(|h| {
                    to_source(
                        spans,
                        snippet_range.start + h.start,
                        snippet_range.start + h.end,
                    )
                    .map(|(s, e)| s..e)
                })
                .collect()
        };
        let metadata = doc
            .get_first(f.meta)
            .and_then(|v| v.as_object())
            .map(|o| {
                o.filter_map(|(k, v)| Some((k.to_owned(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        Hit {
            score,
            interview: text_of(f.interview).unwrap_or_default(),
            path: text_of(f.path).unwrap_or_default(),
            speaker: text_of(f.speaker),
            role: text_of(f.role)
                .and_then(|r| Role::parse(&r))
                .unwrap_or_default(),
            format: text_of(f.format).unwrap_or_default(),
            turn: u64_of(f.turn).unwrap_or_default(),
            line: u64_of(f.line).unwrap_or_default(),
            byte_start: u64_of(f.byte_start).unwrap_or_default(),
            byte_end: u64_of(f.byte_end).unwrap_or_default(),
            timestamp_ms: u64_of(f.timestamp_ms),
            forces: doc
                .get_all(f.forces)
                .filter_map(|v| v.as_facet())
                .filter_map(|p| Force::parse(p.trim_start_matches('/')))
                .collect(),
            metadata,
            text,
            snippet,
            snippet_range,
            highlights,
            source_highlights,
        }
    }
}

/// What an index holds: its interviews, metadata keys with their values, speakers, and the
/// words of its turns (stemmed, with how many turns hold each). Values and names are lower
/// case, as the filters match them.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub interviews: usize,
    pub metadata: BTreeMap<String, BTreeSet<String>>,
    pub speakers: BTreeSet<String>,
    pub terms: BTreeMap<String, u32>,
}

/// Words one edit away that a fuzzy query word may also stand for, at most.
const WIDEN_LIMIT: usize = 8;

/// Every string one edit from `word`: a letter left out, two neighbours swapped, a letter
/// changed or added (a to z).
fn one_edit(word: &str) -> Vec<String> {
    let w: Vec<char> = word.chars().collect();
    let mut out = Vec::new();
    let make = |v: Vec<char>| v.into_iter().collect::<String>();
    for i in 0..w.len() {
        let mut v = w.clone();
        v.remove(i);
        out.push(make(v));
        if i + 1 < w.len() {
            let mut v = w.clone();
            v.swap(i, i + 1);
            out.push(make(v));
        }
    }
    for i in 0..=w.len() {
        for c in 'a'..='z' {
            let mut v = w.clone();
            v.insert(i, c);
            out.push(make(v));
            if i < w.len() && w[i] != c {
                let mut v = w.clone();
                v[i] = c;
                out.push(make(v));
            }
        }
    }
    out
}

/// The count and the best `limit` documents of one snapshot (tantivy wants a limit of at least
/// one: the extra document is dropped when none is asked for).
fn rank_query(
    searcher: &tantivy::Searcher,
    q: &dyn Query,
    limit: usize,
) -> Result<(usize, Vec<(f32, DocAddress)>), IndexError> {
    let (total, mut top) = searcher
        .search(
            q,
            &(Count, TopDocs::with_limit(limit.max(1)).order_by_score()),
        )
        .map_err(search_error)?;
    top.truncate(limit);
    Ok((total, top))
}

/// The beginning of a text, when there is no match to centre a snippet on.
fn lead(text: &str) -> (String, Range<usize>, Vec<Range<usize>>) {
    let end = text
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(text.len(), |(i, _)| i);
    (text[..end].to_owned(), 0..end, Vec::new())
}

/// A metadata term: `meta.<key>` = the value, lower-cased whole (the keyword analyzer).
fn meta_term(f: &Fields, key: &str, value: &str) -> Term {
    let mut t = Term::from_field_json_path(f.meta, key, false);
    t.append_type_and_str(&value.trim().to_lowercase());
    t
}

fn search_error(e: tantivy::TantivyError) -> IndexError {
    IndexError::Search(e.to_string())
}

/// A query the parser refused, with the position of the problem where the grammar knows it.
/// Hits by score, equal scores in path and turn order (whatever segment or split a document
/// landed in).
fn in_rank_order(hits: &mut [Hit]) {
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.path.cmp(&b.path))
            .then(a.turn.cmp(&b.turn))
    });
}

/// `query` as the grammar should read it: [`quote_apostrophes`], then every unquoted `AND NOT`
/// written as the exclusion it means (`vendor AND NOT audit` is `vendor -audit`; the grammar
/// would read `NOT audit` as a clause of its own that matches nothing, so the whole query
/// matched nothing).
pub(crate) fn prepare(query: &str) -> std::borrow::Cow<'_, str> {
    let quoted = quote_apostrophes(query);
    if !quoted.contains("NOT") {
        return quoted;
    }
    let mut out = String::with_capacity(quoted.len());
    for (k, part) in quoted.split('"').enumerate() {
        if k > 0 {
            out.push('"');
        }
        if k % 2 == 1 {
            out.push_str(part);
            continue;
        }
        let words: Vec<&str> = part.split(' ').collect();
        let mut i = 0;
        while i < words.len() {
            if words[i] == "AND" && words.get(i + 1) == Some(&"NOT") && i + 2 < words.len() {
                out.push('-');
                i += 2;
                continue;
            }
            out.push_str(words[i]);
            if i + 1 < words.len() {
                out.push(' ');
            }
            i += 1;
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `query` with every unquoted word that holds an apostrophe between letters (`don't`,
/// `O’Brien`) put in double quotes, a `field:` before it left outside: the query grammar reads
/// a bare apostrophe as syntax. Anything else is kept as written.
pub(crate) fn quote_apostrophes(query: &str) -> std::borrow::Cow<'_, str> {
    let is_apostrophe = |c: char| c == '\'' || c == '\u{2019}';
    if !query.contains(is_apostrophe) {
        return std::borrow::Cow::Borrowed(query);
    }
    let mut out = String::with_capacity(query.len() + 8);
    let mut in_quotes = false;
    let mut rest = query;
    while let Some(c) = rest.chars().next() {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        if in_quotes || !c.is_alphanumeric() {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let end = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || is_apostrophe(c) || c == '_'))
            .map_or(rest.len(), |(i, _)| i);
        let word = &rest[..end];
        let inner = word.trim_end_matches(is_apostrophe);
        if inner.contains(is_apostrophe) && !rest[end..].starts_with(':') {
            out.push('"');
            out.push_str(word);
            out.push('"');
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    std::borrow::Cow::Owned(out)
}

fn query_error(query: &str, e: tantivy::query::QueryParserError) -> IndexError {
    use tantivy::query::QueryParserError as E;
    let (position, message) = match e {
        E::SyntaxError(_) => {
            let (_, errors) = tantivy::query_grammar::parse_query_lenient(query);
            match errors.into_iter().next() {
                Some(l) => (Some(l.pos), l.message),
                None => (None, "syntax error".to_owned()),
            }
        }
        E::FieldDoesNotExist(field) => {
            let at = query.find(&format!("{field}:"));
            (
                at,
                format!(
                    "no field {field:?}; fields: text, speaker, role, interview, path, format, \
                     line, timestamp_ms, forces, meta.<key> (metadata, e.g. meta.company)"
                ),
            )
        }
        other => (None, other.to_string()),
    };
    IndexError::Query {
        query: query.to_owned(),
        position,
        message,
    }
}
