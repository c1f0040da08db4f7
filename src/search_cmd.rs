//! `jtbd search`: one query against the index, hits in rank order.

use crate::cli::{OutputFormat, SearchArgs};
use crate::style::Style;
use jtbd_index::{Index, Request};
use jtbd_model::Role;
use jtbd_report::emit_search::SearchFormat;
use std::io::Write;
use std::time::Instant;

/// The index at `path`; the folder `jtbd analyze --out` wrote is taken for the index inside it.
/// When there is none, the error names the indexes it can see from here.
fn open_index(path: &std::path::Path) -> anyhow::Result<Index> {
    let is_index = |p: &std::path::Path| p.join(jtbd_index::VERSION_FILE).is_file();
    if !is_index(path) && is_index(&path.join("index")) {
        return Ok(Index::open(&path.join("index"))?);
    }
    match Index::open(path) {
        Err(jtbd_index::IndexError::Missing(p)) => {
            // Analyze folders (DIR/index) and indexes one level below the working directory.
            let mut seen: Vec<String> = std::fs::read_dir(".")
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|d| is_index(d) || is_index(&d.join("index")))
                .map(|d| d.strip_prefix(".").unwrap_or(&d).display().to_string())
                .collect();
            seen.sort();
            let hint = match seen.as_slice() {
                [] => "build one with `jtbd analyze PATH --out DIR` (then `--index DIR`) or \
                       `jtbd index PATH... --index DIR`"
                    .to_owned(),
                found => format!("indexes here: {} (pass one with --index)", found.join(", ")),
            };
            anyhow::bail!("no index at {}; {hint}", p.display())
        }
        other => Ok(other?),
    }
}

/// Runs `jtbd search`; returns the number of matching turns.
pub fn run(args: &SearchArgs, style: Style) -> anyhow::Result<usize> {
    if let Some(url) = &args.quickwit {
        return crate::search_remote::run(args, style, url);
    }
    let started = Instant::now();
    let index = open_index(&args.location.index)?;
    let searcher = index.searcher()?;
    let req = request(args);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.count {
        let n = searcher
            .count(&req)
            .map_err(|e| with_caret(&args.query, e))?;
        writeln!(out, "{n}")?;
        out.flush()?;
        if n == 0 {
            explain_no_hits(args, &searcher, &req)?;
        }
        return Ok(n);
    }
    let results = searcher
        .search(&req)
        .map_err(|e| with_caret(&args.query, e))?;
    render(args, style, &results, started)?;
    if results.total == 0 {
        explain_no_hits(args, &searcher, &req)?;
    }
    Ok(results.total)
}

/// The request the flags describe.
pub fn request(args: &SearchArgs) -> Request {
    let (roles, titles): (Vec<&String>, Vec<&String>) =
        args.role.iter().partition(|r| Role::parse(r).is_some());
    Request {
        query: args.query.clone(),
        roles: roles.iter().filter_map(|r| Role::parse(r)).collect(),
        titles: titles.into_iter().cloned().collect(),
        speakers: args.speaker.clone(),
        forces: args.force.clone(),
        wheres: args.wheres.clone(),
        limit: args.limit,
        fuzzy: args.fuzzy,
        snippets: true,
    }
}

/// Writes results on stdout in the chosen format.
pub fn render(
    args: &SearchArgs,
    style: Style,
    results: &jtbd_index::Results,
    started: Instant,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let format = match args.format {
        OutputFormat::Human => SearchFormat::Human {
            style,
            full: args.full,
        },
        OutputFormat::Jsonl => SearchFormat::Jsonl,
        OutputFormat::Json => SearchFormat::Json,
        OutputFormat::Csv => SearchFormat::Csv,
    };
    jtbd_report::emit_search::render(&mut out, format, &args.query, results, elapsed_ms)?;
    out.flush()?;
    Ok(())
}

/// Values listed in a note before `...`.
const LISTED: usize = 12;

/// A list for a note: the first values, then how many more.
fn listed<'a>(values: impl IntoIterator<Item = &'a String>) -> String {
    let values: Vec<&String> = values.into_iter().collect();
    let mut s = values
        .iter()
        .take(LISTED)
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if values.len() > LISTED {
        s.push_str(&format!(" (and {} more)", values.len() - LISTED));
    }
    s
}

/// ` (did you mean `x`?)` when one is close.
fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a String>) -> String {
    jtbd_text::closest(word, candidates.into_iter().map(String::as_str))
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// Says on stderr why nothing matched: the filters in force, a filter no interview can meet
/// (an unknown metadata key or value, role or speaker) with the closest one, a query word the
/// index does not hold with the closest word it does, and what the query alone matches.
fn explain_no_hits(
    args: &SearchArgs,
    searcher: &jtbd_index::Searcher,
    req: &Request,
) -> anyhow::Result<()> {
    let o = searcher.overview()?;
    let mut filters: Vec<String> = Vec::new();
    filters.extend(args.role.iter().map(|r| format!("--role {r}")));
    filters.extend(args.speaker.iter().map(|s| format!("--speaker {s}")));
    filters.extend(args.force.iter().map(|f| format!("--force {}", f.as_str())));
    filters.extend(args.wheres.iter().map(|(k, v)| format!("--where {k}={v}")));
    let what = if args.query.trim().is_empty() {
        "no turns match the filters".to_owned()
    } else {
        format!("no turns match '{}'", args.query)
    };
    let with = if filters.is_empty() {
        String::new()
    } else {
        format!(" with {}", filters.join(" "))
    };
    eprintln!("{what} in {} interviews{with}", o.interviews);
    // `speaker:Dana Okafor` searches the speaker `Dana` and the word `Okafor`.
    if let Some(c) = name_cut_at_its_space(&args.query) {
        eprintln!(
            "note: a value with a space is quoted: {0}:\"{1} {2}\" (or use --{0} \"{1} {2}\" where there is such a flag)",
            c.0, c.1, c.2
        );
    }
    for (k, v) in &args.wheres {
        let key = k.trim().to_lowercase();
        match o.metadata.get(&key) {
            None => eprintln!(
                "note: no interview has metadata key `{k}`; keys are: {}{}",
                listed(o.metadata.keys()),
                did_you_mean(&key, o.metadata.keys())
            ),
            Some(values) if !values.contains(&v.trim().to_lowercase()) => eprintln!(
                "note: no interview has {key} = `{v}`; values are: {}{}",
                listed(values),
                did_you_mean(v.trim(), values)
            ),
            Some(_) => {}
        }
    }
    let titles: std::collections::BTreeSet<&String> = jtbd_model::MetaKey::JOB
        .iter()
        .filter_map(|k| o.metadata.get(k.as_str()))
        .flatten()
        .collect();
    for r in args.role.iter().filter(|r| Role::parse(r).is_none()) {
        if !titles.contains(&r.trim().to_lowercase()) {
            // With no participants.csv there are no job titles to list: say so, not an empty list.
            let theirs = if titles.is_empty() {
                "; no interview names a participant's role (a participants.csv with a `role` \
                 column does)"
                    .to_owned()
            } else {
                format!(", or a participant's: {}", listed(titles.iter().copied()))
            };
            eprintln!(
                "note: no interview has role `{r}`; roles are: interviewer, interviewee, unknown{theirs}{}",
                did_you_mean(r.trim(), titles.iter().copied())
            );
        }
    }
    for s in &args.speaker {
        if !o.speakers.contains(&s.trim().to_lowercase()) {
            eprintln!(
                "note: no speaker `{s}` in the index; speakers are: {}{}",
                listed(&o.speakers),
                did_you_mean(s.trim(), &o.speakers)
            );
        }
    }
    // Query words the index does not hold, and the closest word it does.
    if !args.fuzzy {
        for word in args
            .query
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-' || c == ':'))
        {
            if word.is_empty() || word.contains(':') || ["AND", "OR", "NOT"].contains(&word) {
                continue;
            }
            let Some(stem) = jtbd_text::tokenize(word).into_iter().next().map(|t| t.term) else {
                continue;
            };
            if o.terms.contains_key(&stem) {
                continue;
            }
            // A word one edit away first (a typo), else the closest stem the index holds.
            let near = searcher.similar_words(word).into_iter().next().or_else(|| {
                o.terms
                    .keys()
                    .map(|t| (jtbd_text::edit_distance(&stem, t), t))
                    .filter(|(d, _)| *d <= if stem.chars().count() <= 4 { 1 } else { 2 })
                    .min_by(|a, b| a.0.cmp(&b.0).then(o.terms[b.1].cmp(&o.terms[a.1])))
                    .map(|(_, t)| surface(searcher, t))
            });
            match near {
                Some(w) => {
                    eprintln!("note: no turn says `{word}`; did you mean `{w}`? (or try --fuzzy)")
                }
                None => eprintln!("note: no turn says `{word}`"),
            }
        }
    }
    if !filters.is_empty() && !args.query.trim().is_empty() {
        let alone = Request {
            query: req.query.clone(),
            fuzzy: req.fuzzy,
            ..Request::default()
        };
        if let Ok(n) = searcher.count(&alone) {
            if n > 0 {
                eprintln!("without the filters, {n} turns match '{}'", args.query);
            }
        }
    }
    Ok(())
}

/// A word of the index as a turn writes it: the first word of a turn holding `term` whose
/// stem is `term` (the stem itself when no turn can be read).
fn surface(searcher: &jtbd_index::Searcher, term: &str) -> String {
    let req = Request {
        query: term.to_owned(),
        limit: 1,
        ..Request::default()
    };
    searcher
        .search(&req)
        .ok()
        .and_then(|r| r.hits.into_iter().next())
        .and_then(|h| {
            jtbd_text::tokenize(&h.text)
                .into_iter()
                .find(|t| t.term == term)
                .map(|t| h.text[t.start..t.end].to_lowercase())
        })
        .unwrap_or_else(|| term.to_owned())
}

/// A query error shown with the query and a caret under the problem.
/// `field:Word Word` outside quotes, the second word capitalised (a name cut at its space):
/// the field, the first word and the second.
fn name_cut_at_its_space(query: &str) -> Option<(String, String, String)> {
    let mut in_quotes = false;
    let outside: String = query
        .chars()
        .map(|c| {
            if c == '"' {
                in_quotes = !in_quotes;
            }
            if in_quotes || c == '"' { ' ' } else { c }
        })
        .collect();
    let words: Vec<&str> = outside.split_whitespace().collect();
    words.windows(2).find_map(|w| {
        let (field, value) = w[0].split_once(':')?;
        let next = w[1];
        let name_like = |s: &str| {
            s.chars().next().is_some_and(char::is_uppercase) && s.chars().all(char::is_alphabetic)
        };
        (!field.is_empty()
            && name_like(value)
            && name_like(next)
            && !["AND", "OR", "NOT"].contains(&next))
        .then(|| (field.to_owned(), value.to_owned(), next.to_owned()))
    })
}

/// What an engine error means in the user's terms, with the form that works.
fn in_user_terms(query: &str, message: &str) -> Option<String> {
    if message.contains("facet") && query.contains("forces:") {
        return Some(
            "a force is searched as `forces:/anxiety` (with the slash), or with `--force anxiety`"
                .to_owned(),
        );
    }
    if message.contains("Only excluding terms") {
        return Some(
            "NOT and - only leave things out: say what to find too (`vendor -audit`), or search \
             everything (\"\") with --force, --role or --where"
                .to_owned(),
        );
    }
    let last = query.split_whitespace().last().unwrap_or("");
    if message.contains("syntax error") && ["AND", "OR", "NOT"].contains(&last) {
        return Some(format!(
            "the query ends with `{last}`: put a word after it, or leave it out"
        ));
    }
    if message.contains("syntax error") {
        return Some(
            "the query could not be read: check its quotes and parentheses, and write AND, OR, NOT \
             in capitals between words"
                .to_owned(),
        );
    }
    None
}

pub fn with_caret(query: &str, e: jtbd_index::IndexError) -> anyhow::Error {
    if let Some(plain) = in_user_terms(query, &e.to_string()) {
        return anyhow::anyhow!("invalid query '{query}': {plain} (see `jtbd search --help`)");
    }
    if let jtbd_index::IndexError::Query {
        position: Some(p), ..
    } = &e
    {
        let col = query[..(*p).min(query.len())].chars().count();
        return anyhow::anyhow!(
            "invalid query: {e}\n  {query}\n  {}^\n(see `jtbd search --help` for the syntax)",
            " ".repeat(col)
        );
    }
    anyhow::anyhow!("invalid query: {e} (see `jtbd search --help` for the syntax)")
}
