//! Queries: tantivy's query syntax over the turn text, filters on the other fields, hits in
//! rank order with snippets whose highlights map back to the source.

use crate::document::to_source;
use crate::error::IndexError;
use crate::schema::Fields;
use crate::store::{Index, force_facet};
use jtbd_model::{Force, Role};
use std::collections::BTreeMap;
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
            let parser = if req.fuzzy {
                &self.fuzzy_parser
            } else {
                &self.parser
            };
            parser
                .parse_query(&req.query)
                .map_err(|e| query_error(&req.query, e))?
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
                terms.push(meta_term(f, "role", t));
                terms.push(meta_term(f, "title", t));
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

    /// Runs the request.
    pub fn search(&self, req: &Request) -> Result<Results, IndexError> {
        let q = self.query(req)?;
        let searcher = self.reader.searcher();
        let (total, top) = rank_query(&searcher, &*q, req.limit)?;
        let mut generator = if req.snippets {
            let mut g =
                SnippetGenerator::create(&searcher, &*q, self.fields.text).map_err(search_error)?;
            g.set_max_num_chars(SNIPPET_CHARS);
            Some(g)
        } else {
            None
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(search_error)?;
            hits.push(self.hit(score, &doc, generator.as_mut()));
        }
        // Equal scores in a stable order, whatever segment a document landed in.
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.path.cmp(&b.path))
                .then(a.turn.cmp(&b.turn))
        });
        Ok(Results { total, hits })
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
