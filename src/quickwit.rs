//! A Quickwit node over HTTP (its REST API, `api/v1`): create, delete and describe an index,
//! ingest NDJSON with a commit, search. Plain HTTP with `ureq`; a 429 or 503 (the node is busy)
//! is retried with growing pauses, any other failure names the request and what Quickwit said.

use anyhow::{Context, bail};
use jtbd_index::remote::RemoteTurn;
use serde_json::Value;
use std::time::Duration;

/// Tries of one request while the node answers 429 or 503 (about two minutes of pauses: a
/// node measured here answered "no shards available" for 24 s to the first requests into an
/// index just deleted and created again).
const TRIES: u32 = 20;
/// Largest response read (a page of hits with their whole turns).
const MAX_RESPONSE: u64 = 256 * 1024 * 1024;

/// A Quickwit node at a base URL (`http://127.0.0.1:7280`).
pub struct Quickwit {
    base: String,
    agent: ureq::Agent,
}

impl Quickwit {
    pub fn new(url: &str) -> anyhow::Result<Quickwit> {
        let base = url.trim_end_matches('/').to_owned();
        if !base.starts_with("http://") {
            bail!(
                "{url}: the Quickwit URL must start with http:// (this build speaks plain HTTP; \
                 reach a TLS cluster through a local proxy)"
            );
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(600)))
            .build()
            .into();
        Ok(Quickwit { base, agent })
    }

    /// One request; `(status, body)`, retrying while the node is busy.
    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, &[u8])>,
    ) -> anyhow::Result<(u16, String)> {
        let url = format!("{}{path}", self.base);
        let mut pause = Duration::from_millis(250);
        for attempt in 1..=TRIES {
            let sent = match (method, body) {
                ("GET", _) => self.agent.get(&url).call(),
                ("DELETE", _) => self.agent.delete(&url).call(),
                (_, Some((kind, bytes))) => self
                    .agent
                    .post(&url)
                    .header("content-type", kind)
                    .send(bytes),
                (_, None) => self.agent.post(&url).send_empty(),
            };
            let mut response = sent.with_context(|| format!("{method} {url}: no answer"))?;
            let status = response.status().as_u16();
            let text = response
                .body_mut()
                .with_config()
                .limit(MAX_RESPONSE)
                .read_to_string()
                .with_context(|| format!("{method} {url}: cannot read the answer"))?;
            if (status == 429 || status == 503) && attempt < TRIES {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(8));
                continue;
            }
            return Ok((status, text));
        }
        unreachable!("the last try returns")
    }

    /// A request that must succeed, its answer as JSON.
    fn json(&self, method: &str, path: &str, body: Option<(&str, &[u8])>) -> anyhow::Result<Value> {
        let (status, text) = self.call(method, path, body)?;
        if !(200..300).contains(&status) {
            bail!(
                "{method} {}{path}: Quickwit answered {status}: {}",
                self.base,
                message(&text)
            );
        }
        serde_json::from_str(&text)
            .with_context(|| format!("{method} {}{path}: the answer is not JSON", self.base))
    }

    /// The ids of the node's indexes.
    pub fn indexes(&self) -> anyhow::Result<Vec<String>> {
        let v = self.json("GET", "/api/v1/indexes", None)?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|m| m["index_config"]["index_id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Documents published in an index, `None` when there is no such index.
    pub fn published(&self, index: &str) -> anyhow::Result<Option<u64>> {
        let path = format!("/api/v1/indexes/{index}/describe");
        let (status, text) = self.call("GET", &path, None)?;
        if status == 404 {
            return Ok(None);
        }
        if status != 200 {
            bail!(
                "GET {}{path}: Quickwit answered {status}: {}",
                self.base,
                message(&text)
            );
        }
        let v: Value = serde_json::from_str(&text)?;
        Ok(Some(v["num_published_docs"].as_u64().unwrap_or(0)))
    }

    pub fn delete(&self, index: &str) -> anyhow::Result<()> {
        self.json("DELETE", &format!("/api/v1/indexes/{index}"), None)?;
        Ok(())
    }

    /// Creates an index from its YAML config.
    pub fn create(&self, config_yaml: &str) -> anyhow::Result<()> {
        self.json(
            "POST",
            "/api/v1/indexes",
            Some(("application/yaml", config_yaml.as_bytes())),
        )?;
        Ok(())
    }

    /// Sends one NDJSON chunk; with `commit`, waits until it and every chunk sent before are
    /// searchable (`commit=force`), else leaves them to be committed with a later chunk (one
    /// commit makes one split, and Quickwit scores within a split). The number of documents
    /// Quickwit took; a rejected document is an error.
    pub fn ingest(&self, index: &str, ndjson: &[u8], commit: bool) -> anyhow::Result<u64> {
        let mode = if commit { "force" } else { "auto" };
        let v = self.json(
            "POST",
            &format!("/api/v1/{index}/ingest?commit={mode}"),
            Some(("application/x-ndjson", ndjson)),
        )?;
        let rejected = v["num_rejected_docs"].as_u64().unwrap_or(0);
        if rejected > 0 {
            bail!("Quickwit rejected {rejected} documents of index {index}: {v}");
        }
        Ok(v["num_ingested_docs"].as_u64().unwrap_or(0))
    }

    /// Runs a query body (`jtbd_index::remote::query_body`) with relevance ranking; the
    /// number of matching turns and the best `limit`, with their scores.
    pub fn search(
        &self,
        index: &str,
        query: Value,
        limit: usize,
    ) -> anyhow::Result<(usize, Vec<(f32, RemoteTurn)>)> {
        let body = serde_json::json!({
            "query": query,
            "size": limit,
            "track_total_hits": true,
            "sort": [{ "_score": { "order": "desc" } }],
        });
        let bytes = serde_json::to_vec(&body)?;
        let v = self.json(
            "POST",
            &format!("/api/v1/_elastic/{index}/_search"),
            Some(("application/json", &bytes)),
        )?;
        let total = v["hits"]["total"]["value"].as_u64().unwrap_or(0) as usize;
        let mut hits = Vec::new();
        for h in v["hits"]["hits"].as_array().into_iter().flatten() {
            let score = h["sort"][0]
                .as_f64()
                .or(h["_score"].as_f64())
                .unwrap_or(0.0) as f32;
            let turn: RemoteTurn = serde_json::from_value(h["_source"].clone()).with_context(|| {
                format!("index {index} holds a document that is not a jtbd turn (export it with `jtbd export quickwit`)")
            })?;
            hits.push((score, turn));
        }
        Ok((total, hits))
    }
}

/// Quickwit's `message` of an error answer, else the answer.
fn message(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| text.chars().take(500).collect())
}
