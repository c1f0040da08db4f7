//! A deterministic generator of synthetic interview transcripts, for benchmarks: invented
//! vocabulary and grammar about buying and running software, five formats (labelled text and
//! Markdown with and without blank lines between turns and with breaks, WebVTT, SRT, and JSON:
//! Whisper `segments`, Whisper-like with a `speakers` list of names, Rev editor `spans`),
//! metadata in front matter, any total size.
//!
//! Same seed and size, same bytes. Used by `just bench`, and by `cargo run --example
//! gen-corpus -- DIR SIZE` for anyone who wants a big corpus to try the tool on.

use std::fmt::Write as _;
use std::path::Path;

/// The generator's version: a corpus written by another is written again.
const GENERATOR: u32 = 2;

/// A small xorshift generator: deterministic across platforms and runs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ROLES: [&str; 8] = [
    "CISO",
    "CTO",
    "CIO",
    "VP of engineering",
    "IT director",
    "head of security operations",
    "enterprise architect",
    "IT operations manager",
];
const INDUSTRIES: [&str; 8] = [
    "banking",
    "insurance",
    "healthcare",
    "retail",
    "logistics",
    "education",
    "energy",
    "software",
];
const COMPANY_A: [&str; 10] = [
    "North", "Harbor", "Granite", "Cedar", "Lumen", "Quarry", "Alder", "Copper", "Tide", "Summit",
];
const COMPANY_B: [&str; 6] = ["wind", "field", "stone", "line", "point", "gate"];
const FIRST: [&str; 12] = [
    "Ana", "Bram", "Chidi", "Dana", "Emre", "Fiona", "Goran", "Hana", "Ivo", "Jia", "Kofi", "Lena",
];
const LAST: [&str; 10] = [
    "Okafor",
    "Lindqvist",
    "Mendes",
    "Sato",
    "Novak",
    "Brennan",
    "Achebe",
    "Kowal",
    "Reyes",
    "Haddad",
];

const SUBJECTS: [&str; 10] = [
    "our identity platform",
    "the old ticketing tool",
    "the SIEM",
    "our backup vendor",
    "the access review process",
    "the data warehouse",
    "our endpoint agent",
    "the cloud bill",
    "the onboarding workflow",
    "the audit trail",
];
const PAINS: [&str; 10] = [
    "takes three people a full week every quarter",
    "breaks whenever the vendor ships an update",
    "costs more every renewal without doing more",
    "needs a spreadsheet on the side to be usable",
    "sends so many alerts that nobody reads them",
    "cannot tell us who approved what",
    "forces the team to copy data by hand",
    "was bought for a company half our size",
    "hides the export behind a premium tier",
    "has a support queue measured in weeks",
];
const FEARS: [&str; 8] = [
    "a breach through a partner account",
    "getting locked in for another five years",
    "failing the next regulator visit",
    "losing the audit history in a migration",
    "the vendor being acquired and the product frozen",
    "a cutover during quarter close",
    "being the one who explains the outage to the board",
    "the price doubling at renewal",
];
const WANTS: [&str; 8] = [
    "one place to see every account",
    "reviews that finish in a day",
    "a migration we can roll back",
    "reports the auditors accept as they are",
    "fewer vendors to manage",
    "alerts that mean something",
    "automation that the team trusts",
    "a contract we can leave without pain",
];
const HABITS: [&str; 6] = [
    "we have always done it this way",
    "the current setup is good enough for now",
    "everyone already knows the old screens",
    "switching would mean retraining two hundred people",
    "the contract still has two years to run",
    "nobody wants to own the migration",
];
const QUESTIONS: [&str; 8] = [
    "What made you start looking?",
    "How does that work today?",
    "What would good look like?",
    "Who else was involved in the decision?",
    "What worried you about switching?",
    "How did you evaluate the options?",
    "What happened after the pilot?",
    "If you could change one thing, what would it be?",
];
const FILLERS: [&str; 6] = [
    "Honestly,",
    "So",
    "Well,",
    "I mean,",
    "Right, so",
    "To be fair,",
];

/// One interviewee sentence.
fn answer_sentence(r: &mut Rng) -> String {
    match r.below(6) {
        0 => format!(
            "{} {} {}.",
            r.pick(&FILLERS),
            r.pick(&SUBJECTS),
            r.pick(&PAINS)
        ),
        1 => format!("What worries me is {}.", r.pick(&FEARS)),
        2 => format!("We want {} before the end of the year.", r.pick(&WANTS)),
        3 => format!("The problem is that {}.", r.pick(&HABITS)),
        4 => format!(
            "When {} {}, I have to chase it myself.",
            r.pick(&SUBJECTS),
            r.pick(&PAINS)
        ),
        _ => format!(
            "If we moved {}, we would need {}.",
            r.pick(&SUBJECTS),
            r.pick(&WANTS)
        ),
    }
}

fn answer(r: &mut Rng) -> String {
    let n = 2 + r.below(5);
    (0..n)
        .map(|_| answer_sentence(r))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A speaker's turns: (speaker, text) with the interviewer first.
fn dialogue(r: &mut Rng, host: &str, guest: &str, turns: usize) -> Vec<(String, String)> {
    (0..turns)
        .map(|i| {
            if i % 2 == 0 {
                (host.to_owned(), r.pick(&QUESTIONS).to_owned())
            } else {
                (guest.to_owned(), answer(r))
            }
        })
        .collect()
}

fn clock(ms: u64, sep: char) -> String {
    format!(
        "{:02}:{:02}:{:02}{sep}{:03}",
        ms / 3_600_000,
        (ms / 60_000) % 60,
        (ms / 1000) % 60,
        ms % 1000
    )
}

/// One transcript file of about 40 KB: its name and contents.
pub fn transcript(r: &mut Rng, n: usize) -> (String, String) {
    let host = format!("{} {}", r.pick(&FIRST), r.pick(&LAST));
    let mut guest = format!("{} {}", r.pick(&FIRST), r.pick(&LAST));
    if guest == host {
        guest.push_str(" Jr");
    }
    let role = r.pick(&ROLES);
    let company = format!("{}{}", r.pick(&COMPANY_A), r.pick(&COMPANY_B));
    let industry = r.pick(&INDUSTRIES);
    let turns = dialogue(r, &host, &guest, 90);
    let front = format!(
        "---\nparticipant: {guest}\nrole: {role}\ncompany: {company}\nindustry: {industry}\ninterviewer: {host}\n---\n\n"
    );
    let mut out = String::new();
    let mut ms = 0u64;
    // Each format comes in the variants real tools write, in turn.
    let variant = n / 5;
    let ext = match n % 5 {
        0 => {
            out.push_str(&front);
            // Blank lines between turns, or none.
            let gap = if variant % 2 == 0 { "\n" } else { "" };
            for (s, t) in &turns {
                let _ = writeln!(out, "{s}: {t}{gap}");
            }
            "txt"
        }
        1 => {
            out.push_str(&front);
            let _ = writeln!(out, "# {company}: interview {n}\n");
            // As written, with no blank lines, or with breaks (both spellings) before a question.
            let gap = if variant % 3 == 1 { "" } else { "\n" };
            for (k, (s, t)) in turns.iter().enumerate() {
                if variant % 3 == 2 && k > 0 && k % 30 == 0 {
                    let m = k as u64;
                    let marker = if k % 60 == 0 {
                        "**Break:**"
                    } else {
                        "**Break**:"
                    };
                    let _ = writeln!(out, "{marker} \\[{m:02}:00\\] to \\[{:02}:30\\]\n", m + 1);
                }
                let _ = writeln!(out, "**{s}:** {t}{gap}");
            }
            "md"
        }
        2 => {
            out.push_str("WEBVTT\n\n");
            cues(&mut out, &turns, '.');
            "vtt"
        }
        3 => {
            cues(&mut out, &turns, ',');
            "srt"
        }
        _ if variant % 4 != 0 => {
            json_variant(&mut out, &turns, &host, &guest, variant % 4);
            "json"
        }
        _ => {
            let segments: Vec<String> = turns
                .iter()
                .map(|(s, t)| {
                    let end = ms + 2000 + 40 * t.len() as u64;
                    let seg = format!(
                        "{{\"start\": {:.2}, \"end\": {:.2}, \"speaker\": {}, \"text\": {}}}",
                        ms as f64 / 1000.0,
                        end as f64 / 1000.0,
                        json_string(s),
                        json_string(t)
                    );
                    ms = end + 300;
                    seg
                })
                .collect();
            let _ = write!(
                out,
                "{{\"segments\": [\n  {}\n]}}\n",
                segments.join(",\n  ")
            );
            "json"
        }
    };
    (format!("interview-{n:06}.{ext}"), out)
}

/// The JSON shapes beside plain Whisper `segments`: 1, Whisper-like segments with a `speakers`
/// list of names and keys no reader knows; 2, Rev's editor export (`monologues` of `spans` with
/// a numeric `type`, spaces as spans of their own, speakers as objects with an `id` and a
/// `name`); 3, Rev spans of words alone, the speaker an object in each monologue.
fn json_variant(out: &mut String, turns: &[(String, String)], host: &str, guest: &str, v: usize) {
    let id = |s: &str| usize::from(s != host);
    let mut ms = 0u64;
    let mut units = Vec::new();
    for (s, t) in turns {
        let end = ms + 2000 + 40 * t.len() as u64;
        let (a, b) = (ms as f64 / 1000.0, end as f64 / 1000.0);
        ms = end + 300;
        units.push(match v {
            1 => format!(
                "{{\"id\": {}, \"seek\": 0, \"start\": {a:.2}, \"end\": {b:.2}, \"speaker\": {}, \"text\": {}, \"avg_logprob\": -0.21, \"tokens\": [50364, 407]}}",
                units.len(),
                json_string(s),
                json_string(t)
            ),
            _ => {
                let mut spans = Vec::new();
                for (k, word) in t.split(' ').enumerate() {
                    let cut = word.trim_end_matches(['.', ',', '?', '!']).len();
                    let (w, punct) = word.split_at(cut);
                    if k > 0 && v == 2 {
                        spans.push("{\"type\": 2, \"value\": \" \"}".to_owned());
                    }
                    let ts = if k == 0 { format!(", \"ts\": {a:.2}, \"end_ts\": {b:.2}") } else { String::new() };
                    spans.push(format!("{{\"type\": 0, \"value\": {}{ts}, \"confidence\": 0.98}}", json_string(w)));
                    if !punct.is_empty() {
                        spans.push(format!("{{\"type\": 1, \"value\": {}}}", json_string(punct)));
                    }
                }
                let speaker = if v == 2 {
                    id(s).to_string()
                } else {
                    format!("{{\"id\": {}, \"name\": {}}}", id(s), json_string(s))
                };
                format!("{{\"speaker\": {speaker}, \"spans\": [{}]}}", spans.join(", "))
            }
        });
    }
    let names = format!("[{}, {}]", json_string(host), json_string(guest));
    let _ = match v {
        1 => write!(
            out,
            "{{\"language\": \"en\", \"speakers\": {names},\n \"segments\": [\n  {}\n]}}\n",
            units.join(",\n  ")
        ),
        2 => write!(
            out,
            "{{\"speakers\": [{{\"id\": 0, \"name\": {}}}, {{\"id\": 1, \"name\": {}}}],\n \"monologues\": [\n  {}\n]}}\n",
            json_string(host),
            json_string(guest),
            units.join(",\n  ")
        ),
        _ => write!(
            out,
            "{{\"version\": \"1.0\", \"monologues\": [\n  {}\n], \"speakers\": {names}}}\n",
            units.join(",\n  ")
        ),
    };
}

/// Numbered caption cues, `Name: text`, timings with `sep` before the milliseconds.
fn cues(out: &mut String, turns: &[(String, String)], sep: char) {
    let mut ms = 0u64;
    for (k, (s, t)) in turns.iter().enumerate() {
        let end = ms + 2000 + 40 * t.len() as u64;
        let _ = writeln!(
            out,
            "{}\n{} --> {}\n{s}: {t}\n",
            k + 1,
            clock(ms, sep),
            clock(end, sep)
        );
        ms = end + 300;
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes transcripts under `dir` (in sub-folders of 100) until they add up to `bytes`.
/// Returns (files, bytes written).
pub fn generate(dir: &Path, bytes: u64, seed: u64) -> std::io::Result<(usize, u64)> {
    generate_until(dir, seed, |_, total| total >= bytes)
}

/// Writes transcripts under `dir` until `done(files, bytes)` says so.
pub fn generate_until(
    dir: &Path,
    seed: u64,
    done: impl Fn(usize, u64) -> bool,
) -> std::io::Result<(usize, u64)> {
    let mut r = Rng::new(seed);
    let (mut n, mut total) = (0usize, 0u64);
    while !done(n, total) {
        let (name, text) = transcript(&mut r, n);
        let sub = dir.join(format!("{:04}", n / 100));
        if n % 100 == 0 {
            std::fs::create_dir_all(&sub)?;
        }
        std::fs::write(sub.join(name), &text)?;
        total += text.len() as u64;
        n += 1;
    }
    Ok((n, total))
}

/// Generates once: a marker file records a complete corpus of that size and seed.
pub fn ensure(dir: &Path, bytes: u64, seed: u64) -> std::io::Result<(usize, u64)> {
    ensure_with(dir, &format!("{bytes}-{seed}-{GENERATOR}"), || {
        generate(dir, bytes, seed)
    })
}

/// Generates `files` transcripts once (a marker file records a complete corpus).
pub fn ensure_files(dir: &Path, files: usize, seed: u64) -> std::io::Result<(usize, u64)> {
    ensure_with(dir, &format!("files-{files}-{seed}-{GENERATOR}"), || {
        generate_until(dir, seed, |n, _| n >= files)
    })
}

fn ensure_with(
    dir: &Path,
    tag: &str,
    make: impl FnOnce() -> std::io::Result<(usize, u64)>,
) -> std::io::Result<(usize, u64)> {
    let marker = dir.with_extension(format!("complete-{tag}"));
    if let Ok(s) = std::fs::read_to_string(&marker) {
        let mut it = s.split_whitespace().filter_map(|x| x.parse::<u64>().ok());
        if let (Some(f), Some(b)) = (it.next(), it.next()) {
            return Ok((f as usize, b));
        }
    }
    let _ = std::fs::remove_dir_all(dir);
    let (files, written) = make()?;
    std::fs::write(&marker, format!("{files} {written}"))?;
    Ok((files, written))
}
