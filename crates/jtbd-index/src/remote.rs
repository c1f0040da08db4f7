//! The same search against an engine that holds the search export (`jtbd export quickwit`):
//! a [`Request`] as the Elasticsearch-style query body that Quickwit's `_elastic` search endpoint
//! takes, and the documents it returns shown as local hits are.
//!
//! The export has no language of its own: its `words` field holds the terms of this crate's
//! analyzer, so every word of a query is turned into its term here. Fields map one to one,
//! except `text` (searched as `words`) and `forces` (names, where the index has facets).
//! The local query parser judges the query first, so an error is the same error, at the same
//! place, as against the local index.

use crate::error::IndexError;
use crate::search::{Request, Results, prepare};
use crate::store::{Index, force_facet};
use crate::{analyzer, schema::Fields};
use jtbd_model::Force;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tantivy::query_grammar::{Occur, UserInputAst, UserInputBound, UserInputLeaf};
use tantivy::schema::{OwnedValue, TantivyDocument};

/// A turn as the export holds it (the fields a hit shows).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RemoteTurn {
    pub interview: String,
    pub path: String,
    pub format: String,
    #[serde(default)]
    pub speaker: Option<String>,
    pub role: String,
    pub turn: u64,
    pub line: u64,
    pub byte_start: u64,
    pub byte_end: u64,
    #[serde(default)]
    pub timestamp_ms: Option<u64>,
    pub text: String,
    #[serde(default)]
    pub forces: Vec<String>,
    #[serde(default)]
    pub meta: BTreeMap<String, String>,
    #[serde(default)]
    pub spans: Vec<u64>,
}

/// The query body for `POST /api/v1/_elastic/INDEX/_search` (without size and sort): the same
/// turns as [`crate::Searcher::query`] finds in a local index of the same interviews.
pub fn query_body(req: &Request) -> Result<Value, IndexError> {
    let refuse = |message: &str| IndexError::Query {
        query: req.query.clone(),
        position: None,
        message: message.to_owned(),
    };
    if req.fuzzy {
        return Err(refuse(
            "--fuzzy needs the local index (it looks up the words one edit away in its term \
             dictionary); against Quickwit, spell the words or add alternatives with OR",
        ));
    }
    // The local parser judges the query: the same errors, at the same place.
    Index::in_memory().searcher()?.query(req)?;
    let mut must: Vec<Value> = Vec::new();
    if !req.query.trim().is_empty() {
        let quoted = prepare(&req.query);
        let ast =
            tantivy::query_grammar::parse_query(&quoted).map_err(|_| refuse("syntax error"))?;
        match convert(&ast).map_err(|m| refuse(&m))? {
            Some(q) => must.push(q),
            None => return Ok(json!({ "match_none": {} })),
        }
    }
    let any = |terms: Vec<Value>| json!({ "bool": { "should": terms } });
    let term = |field: &str, value: &str| json!({ "term": { field: value } });
    if !req.roles.is_empty() {
        must.push(any(req
            .roles
            .iter()
            .map(|r| term("role", r.as_str()))
            .collect()));
    }
    if !req.titles.is_empty() {
        let mut terms = Vec::new();
        for t in &req.titles {
            let v = t.trim().to_lowercase();
            terms.push(term("meta.role", &v));
            terms.push(term("meta.title", &v));
        }
        must.push(any(terms));
    }
    if !req.speakers.is_empty() {
        must.push(any(req
            .speakers
            .iter()
            .map(|s| term("speaker", &s.to_lowercase()))
            .collect()));
    }
    if !req.forces.is_empty() {
        must.push(any(req
            .forces
            .iter()
            .map(|f| term("forces", f.as_str()))
            .collect()));
    }
    let mut by_key: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, v) in &req.wheres {
        let key = k.trim().to_lowercase();
        let t = term(&format!("meta.{key}"), &v.trim().to_lowercase());
        by_key.entry(key).or_default().push(t);
    }
    must.extend(by_key.into_values().map(any));
    Ok(match must.len() {
        0 => json!({ "match_all": {} }),
        1 => must.remove(0),
        _ => json!({ "bool": { "must": must } }),
    })
}

/// One node of the parsed query; `None` for a leaf with no word in it (the local parser drops
/// it too).
fn convert(ast: &UserInputAst) -> Result<Option<Value>, String> {
    match ast {
        UserInputAst::Clause(children) => {
            let (mut must, mut should, mut must_not) = (Vec::new(), Vec::new(), Vec::new());
            for (occur, child) in children {
                let Some(q) = convert(child)? else { continue };
                match occur {
                    None | Some(Occur::Must) => must.push(q),
                    Some(Occur::Should) => should.push(q),
                    Some(Occur::MustNot) => must_not.push(q),
                }
            }
            if must.is_empty() && should.is_empty() {
                if must_not.is_empty() {
                    return Ok(None);
                }
                // Only exclusions inside a query (`a AND (NOT b)`): tantivy matches nothing
                // there, where Quickwit would match every other turn.
                return Ok(Some(json!({ "match_none": {} })));
            }
            Ok(Some(
                json!({ "bool": { "must": must, "should": should, "must_not": must_not } }),
            ))
        }
        // Quickwit 0.9 took a boosted clause but ranked otherwise than tantivy (tried on
        // `worried^2 OR vendor`): refused rather than answered differently.
        UserInputAst::Boost(..) => {
            Err("a boost (word^2) is not translated for Quickwit; leave it out".to_owned())
        }
        UserInputAst::Leaf(leaf) => leaf_query(leaf),
    }
}

fn leaf_query(leaf: &UserInputLeaf) -> Result<Option<Value>, String> {
    match leaf {
        UserInputLeaf::All => Ok(Some(json!({ "match_all": {} }))),
        UserInputLeaf::Literal(lit) => {
            let field = lit.field_name.as_deref().unwrap_or("text");
            literal(field, &lit.phrase, lit.slop, lit.prefix)
        }
        UserInputLeaf::Range {
            field,
            lower,
            upper,
        } => {
            let field = field.as_deref().unwrap_or("text");
            numeric(field)?;
            let mut bounds = serde_json::Map::new();
            for (bound, inclusive, exclusive) in [(lower, "gte", "gt"), (upper, "lte", "lt")] {
                match bound {
                    UserInputBound::Inclusive(v) => {
                        bounds.insert(inclusive.into(), number(field, v)?);
                    }
                    UserInputBound::Exclusive(v) => {
                        bounds.insert(exclusive.into(), number(field, v)?);
                    }
                    UserInputBound::Unbounded => {}
                }
            }
            Ok(Some(json!({ "range": { field: bounds } })))
        }
        UserInputLeaf::Set { field, elements } => {
            // A set of whole values, scored as one (tantivy's term set): Quickwit's `terms`.
            let field = field.as_deref().unwrap_or("text");
            let values: Vec<String> = match field {
                "role" | "interview" | "path" | "format" => elements.clone(),
                "speaker" => elements.iter().map(|e| e.to_lowercase()).collect(),
                "forces" => elements
                    .iter()
                    .map(|e| e.trim_start_matches('/').to_owned())
                    .collect(),
                f if f.starts_with("meta.") => {
                    elements.iter().map(|e| e.trim().to_lowercase()).collect()
                }
                other => {
                    return Err(format!(
                        "a set (IN [...]) on {other} is not translated for Quickwit"
                    ));
                }
            };
            Ok(Some(json!({ "terms": { field: values } })))
        }
        UserInputLeaf::Exists { field } => {
            let field = if field == "text" { "words" } else { field };
            Ok(Some(json!({ "exists": { "field": field } })))
        }
        UserInputLeaf::Regex { .. } => {
            Err("a regular expression is not translated for Quickwit".to_owned())
        }
    }
}

/// A word, phrase or value on one field.
fn literal(field: &str, phrase: &str, slop: u32, prefix: bool) -> Result<Option<Value>, String> {
    let term = |f: &str, v: &str| Ok(Some(json!({ "term": { f: v } })));
    match field {
        "text" => {
            let terms = analyzer::terms(phrase);
            if terms.is_empty() {
                return Ok(None);
            }
            let words = terms.join(" ");
            if prefix {
                Ok(Some(
                    json!({ "match_phrase_prefix": { "words": { "query": words } } }),
                ))
            } else if terms.len() == 1 {
                term("words", &words)
            } else {
                Ok(Some(
                    json!({ "match_phrase": { "words": { "query": words, "slop": slop } } }),
                ))
            }
        }
        "speaker" => term("speaker", &phrase.to_lowercase()),
        "role" | "interview" | "path" | "format" => term(field, phrase),
        "forces" => term("forces", phrase.trim_start_matches('/')),
        "line" | "timestamp_ms" => {
            let n = number(field, phrase)?;
            Ok(Some(json!({ "range": { field: { "gte": n, "lte": n } } })))
        }
        f if f.starts_with("meta.") => term(f, &phrase.trim().to_lowercase()),
        other => Err(format!("field {other} is not in the Quickwit export")),
    }
}

fn numeric(field: &str) -> Result<(), String> {
    match field {
        "line" | "timestamp_ms" => Ok(()),
        other => Err(format!(
            "a range on {other} is not translated for Quickwit (ranges: line, timestamp_ms)"
        )),
    }
}

fn number(field: &str, v: &str) -> Result<Value, String> {
    v.parse::<u64>()
        .map(Value::from)
        .map_err(|_| format!("{field} takes a whole number, not {v:?}"))
}

/// The hits of an engine, best first with their scores, shown as local hits are: snippets and
/// highlights from the local query over these turns, ties in path and turn order.
pub fn present(
    req: &Request,
    total: usize,
    found: &[(f32, RemoteTurn)],
) -> Result<Results, IndexError> {
    let index = Index::in_memory();
    let tantivy_error = |e| IndexError::tantivy(std::path::Path::new("(memory)"), e);
    let mut writer: tantivy::IndexWriter = index
        .inner
        .writer_with_num_threads(1, 20_000_000)
        .map_err(tantivy_error)?;
    for (_, t) in found {
        writer
            .add_document(document(&index.fields, t))
            .map_err(tantivy_error)?;
    }
    writer.commit().map_err(tantivy_error)?;
    let scores: Vec<f32> = found.iter().map(|(s, _)| *s).collect();
    let hits = index.searcher()?.hits_in_order(req, &scores)?;
    Ok(Results { total, hits })
}

/// A remote turn as a local document (the fields a hit reads).
fn document(f: &Fields, t: &RemoteTurn) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.text, &t.text);
    d.add_text(f.interview, &t.interview);
    d.add_text(f.path, &t.path);
    if let Some(s) = &t.speaker {
        d.add_text(f.speaker, s);
    }
    d.add_text(f.role, &t.role);
    d.add_text(f.format, &t.format);
    d.add_u64(f.turn, t.turn);
    d.add_u64(f.line, t.line);
    d.add_u64(f.byte_start, t.byte_start);
    d.add_u64(f.byte_end, t.byte_end);
    if let Some(ms) = t.timestamp_ms {
        d.add_u64(f.timestamp_ms, ms);
    }
    for force in t.forces.iter().filter_map(|n| Force::parse(n)) {
        d.add_facet(f.forces, force_facet(force));
    }
    if !t.meta.is_empty() {
        let meta: BTreeMap<String, OwnedValue> = t
            .meta
            .iter()
            .map(|(k, v)| (k.clone(), OwnedValue::Str(v.clone())))
            .collect();
        d.add_object(f.meta, meta);
    }
    let spans: Vec<u8> = t.spans.iter().flat_map(|v| v.to_le_bytes()).collect();
    d.add_bytes(f.spans, &spans);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(query: &str) -> Value {
        query_body(&Request {
            query: query.to_owned(),
            ..Request::default()
        })
        .unwrap()
    }

    #[test]
    fn words_become_terms_and_fields_map() {
        assert_eq!(body("worried"), json!({ "term": { "words": "worri" } }));
        assert_eq!(
            body("\"vendor lock-in\""),
            json!({ "match_phrase": { "words": { "query": "vendor lock in", "slop": 0 } } })
        );
        let q = body("forces:/anxiety AND speaker:\"Dana Okafor\" AND line:[10 TO 40]");
        let s = q.to_string();
        assert!(s.contains(r#"{"term":{"forces":"anxiety"}}"#), "{s}");
        assert!(s.contains(r#"{"term":{"speaker":"dana okafor"}}"#), "{s}");
        assert!(
            s.contains(r#"{"range":{"line":{"gte":10,"lte":40}}}"#),
            "{s}"
        );
        assert_eq!(body("don't").to_string(), body("\"don't\"").to_string());
        let boosted = query_body(&Request {
            query: "worried^2 OR vendor".to_owned(),
            ..Request::default()
        });
        assert!(boosted.unwrap_err().to_string().contains("boost"));
    }

    #[test]
    fn the_local_parser_judges_the_query() {
        let e = query_body(&Request {
            query: "nosuchfield:x".to_owned(),
            ..Request::default()
        })
        .unwrap_err();
        assert!(e.to_string().contains("no field"), "{e}");
    }
}
