//! The routes of `jtbd serve`: one request at a time, each answered whatever it holds (a bad
//! request is a 4xx with a message, never a crash).
//!
//! - `GET /`: the review page; `GET /fragment/study`: the study part of it, again.
//! - `GET /fragment/passage?path=P&start=N&end=M`: the turns around a place of a file.
//! - `GET /fragment/search?q=..&force=..&role=..&speaker=..&where=K=V&fuzzy=1&limit=N`: hits.
//! - `GET /api/study`: the study as JSON; `POST /api/verdict`: a verdict (JSON) to append.
//!
//! Only requests addressed to this server's own address are answered (a page elsewhere cannot
//! reach it through a name that resolves to 127.0.0.1), and a verdict must come as JSON from
//! its own page: a form of another site cannot post one.

use super::state::Study;
use super::verdict;
use jtbd_index::Request;
use jtbd_model::{Force, Role};
use jtbd_report::{serve_page, wire_serve};
use std::io::Read;
use tiny_http::{Header, Method, Response};

/// The largest request body read: a verdict is a few hundred bytes.
const MAX_BODY: u64 = 64 * 1024;
/// The most hits a search shows.
const MAX_HITS: usize = 500;

/// What the server knows of itself.
pub struct Server {
    pub study: Study,
    /// `127.0.0.1:PORT`.
    pub host: String,
    pub port: u16,
    pub by: Option<String>,
    /// The folder and the corrections file as shown on the page.
    pub folder_shown: String,
    pub file_shown: String,
}

/// An answer: status, content type, body.
struct Answer {
    status: u16,
    kind: &'static str,
    body: Vec<u8>,
}

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";
const TEXT: &str = "text/plain; charset=utf-8";

fn text(status: u16, message: impl Into<String>) -> Answer {
    Answer {
        status,
        kind: TEXT,
        body: message.into().into_bytes(),
    }
}

fn html(body: String) -> Answer {
    Answer {
        status: 200,
        kind: HTML,
        body: body.into_bytes(),
    }
}

/// Answers one request.
pub fn handle(server: &mut Server, mut req: tiny_http::Request) {
    let answer = answer(server, &mut req);
    let mut response = Response::from_data(answer.body).with_status_code(answer.status);
    for (name, value) in [
        ("Content-Type", answer.kind),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        // The page loads nothing from elsewhere and talks only to this server.
        (
            "Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
    ] {
        if let Ok(h) = Header::from_bytes(name, value) {
            response.add_header(h);
        }
    }
    // A client gone before its answer is its own business.
    let _ = req.respond(response);
}

fn header<'a>(req: &'a tiny_http::Request, name: &str) -> Option<&'a str> {
    req.headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

fn answer(server: &mut Server, req: &mut tiny_http::Request) -> Answer {
    let own = [server.host.clone(), format!("localhost:{}", server.port)];
    if !header(req, "Host").is_some_and(|h| own.iter().any(|o| o == h)) {
        return text(
            421,
            format!("this server answers only at http://{}/", server.host),
        );
    }
    let url = req.url().to_owned();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let params = form(query);
    let method = req.method().clone();
    if method == Method::Get {
        if let Err(e) = server.study.refresh() {
            return text(500, format!("{e:#}"));
        }
    }
    match (&method, path) {
        (Method::Get, "/") => html(serve_page::page(&served(server))),
        (Method::Get, "/fragment/study") => html(serve_page::study(&served(server))),
        (Method::Get, "/api/study") => Answer {
            status: 200,
            kind: JSON,
            body: wire_serve::study(&served(server)),
        },
        (Method::Get, "/fragment/passage") => passage(server, &params),
        (Method::Get, "/fragment/search") => search(server, &params),
        (Method::Post, "/api/verdict") => post_verdict(server, req),
        (_, "/" | "/fragment/study" | "/api/study" | "/fragment/passage" | "/fragment/search")
        | (_, "/api/verdict") => text(405, format!("{method} is not answered at {path}")),
        _ => text(
            404,
            format!("nothing at {path}: open http://{}/", server.host),
        ),
    }
}

fn served(server: &Server) -> serve_page::Served<'_> {
    server
        .study
        .served(&server.folder_shown, &server.file_shown)
}

fn json_answer(status: u16, message: &str, line: Option<usize>) -> Answer {
    Answer {
        status,
        kind: JSON,
        body: wire_serve::answer(status < 300, message, line),
    }
}

fn post_verdict(server: &mut Server, req: &mut tiny_http::Request) -> Answer {
    let own_origin = |o: &str| {
        o == format!("http://{}", server.host) || o == format!("http://localhost:{}", server.port)
    };
    if header(req, "Origin").is_some_and(|o| !own_origin(o)) {
        return json_answer(
            403,
            "a verdict is taken only from this server's own page",
            None,
        );
    }
    if !header(req, "Content-Type").is_some_and(|t| t.trim().to_ascii_lowercase().starts_with(JSON))
    {
        return json_answer(
            415,
            "send the verdict as Content-Type: application/json",
            None,
        );
    }
    let mut body = Vec::new();
    if req
        .as_reader()
        .take(MAX_BODY + 1)
        .read_to_end(&mut body)
        .is_err()
    {
        return json_answer(400, "the request body could not be read", None);
    }
    if body.len() as u64 > MAX_BODY {
        return json_answer(413, "a verdict is one short JSON object", None);
    }
    match verdict::offer(&mut server.study, &body, server.by.as_deref()) {
        Ok((line, message)) => json_answer(200, &message, Some(line)),
        Err(r) => json_answer(r.status, &r.message, None),
    }
}

fn passage(server: &Server, params: &[(String, String)]) -> Answer {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let (Some(path), Some(start)) = (get("path"), get("start")) else {
        return text(
            400,
            "give path= (relative to the folder) and start= (a byte offset)",
        );
    };
    let Ok(start) = start.parse::<usize>() else {
        return text(400, format!("start={start} is not a byte offset"));
    };
    let end = get("end").and_then(|e| e.parse().ok()).unwrap_or(start);
    let Some(k) = server.study.at(path) else {
        return text(
            404,
            format!("no transcript of the folder has the path \"{path}\""),
        );
    };
    let l = &server.study.loaded[k];
    let signals: Vec<(usize, usize, Force)> = server.study.signals[k]
        .iter()
        .map(|s| (s.turn, s.sentence, s.force))
        .collect();
    match serve_page::passage(&l.interview, &l.rel, start, end, &signals) {
        Some(h) => html(h),
        None => text(404, format!("no turn of {path} holds byte {start}")),
    }
}

/// The search of `jtbd search`, its filters taken from the form.
fn search(server: &Server, params: &[(String, String)]) -> Answer {
    let all = |k: &str| -> Vec<String> {
        params
            .iter()
            .filter(|(n, v)| n == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    };
    let mut req = Request {
        query: all("q").join(" "),
        speakers: all("speaker"),
        fuzzy: all("fuzzy").iter().any(|v| v == "1" || v == "on"),
        limit: 20,
        snippets: true,
        ..Request::default()
    };
    for role in all("role") {
        match Role::parse(&role) {
            Some(r) => req.roles.push(r),
            None => req.titles.push(role),
        }
    }
    for f in all("force") {
        match Force::parse(&f) {
            Some(f) => req.forces.push(f),
            None => return text(400, format!("unknown force \"{f}\"")),
        }
    }
    for w in all("where") {
        match w.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                req.wheres.push((k.trim().to_owned(), v.trim().to_owned()))
            }
            _ => return text(400, format!("where: expected KEY=VALUE, got \"{w}\"")),
        }
    }
    if let Some(n) = all("limit").first() {
        match n.parse::<usize>() {
            Ok(n) if (1..=MAX_HITS).contains(&n) => req.limit = n,
            _ => {
                return text(
                    400,
                    format!("limit: a number from 1 to {MAX_HITS}, not \"{n}\""),
                );
            }
        }
    }
    match server.study.searcher.search(&req) {
        Ok(results) => html(serve_page::hits(&results, &|p| server.study.rel_of(p))),
        Err(e) => text(
            400,
            crate::search_cmd::with_caret(&req.query, e).to_string(),
        ),
    }
}

/// The pairs of a query string (`application/x-www-form-urlencoded`), decoded; a pair that is
/// not UTF-8 once decoded is read lossily.
pub fn form(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode() {
        assert_eq!(
            form("q=lock+in&where=company%3DNorthwind%20Bank&x&bad=%zz%4"),
            [
                ("q".into(), "lock in".into()),
                ("where".into(), "company=Northwind Bank".into()),
                ("x".into(), String::new()),
                ("bad".into(), "%zz%4".into()),
            ]
        );
        assert_eq!(decode("%C3%A9%FF"), "é\u{fffd}");
    }
}
