//! The conversation around a quote: the turn it stands in, with the turn before (usually the
//! question) and the turn after, so a reader of `report.html` can open any quote in its passage
//! without the transcript at hand.
//!
//! [`Passages`] is kept while the study is read (only the turns that hold a signal, and their
//! neighbours, so it grows with the signals, not with the text); [`PassageTable`] collects the
//! passages a page cites and writes them once, as JSON the page's script reads.

use crate::Study;
use jtbd_model::{Interview, Role, Signal, Timestamp};
use jtbd_stories::Quote;
use jtbd_text::leb128;
use std::collections::BTreeMap;

/// Characters of a turn kept when a quote stands in it: enough for a long answer; a longer turn
/// is cut, and the page then shows the quote on its own where the cut falls.
const OWN_CHARS: usize = 2500;
/// Characters of a neighbouring turn kept (the end of the turn before, the start of the one
/// after).
const NEIGHBOUR_CHARS: usize = 500;

/// One turn as a passage shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PassageTurn {
    pub speaker: Option<String>,
    pub role: Role,
    pub timestamp: Option<Timestamp>,
    pub line: usize,
    /// The turn's words as a reader reads them (markup resolved), cut to a bound; `…` marks a
    /// cut.
    pub text: String,
    /// Kept as a quote's own turn (to the longer bound), not only as a neighbour.
    pub whole: bool,
}

/// How a turn is kept for the passages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    No,
    /// A quote stands in it: kept to [`OWN_CHARS`].
    Own,
    /// The turn after a quote's: its start, to [`NEIGHBOUR_CHARS`].
    Head,
    /// The turn before a quote's: its end leads into the quote's turn.
    Tail,
}

/// Reads the study's `k`-th interview again, as the pass read it; `None` when it cannot.
pub type Reread = dyn Fn(usize) -> Option<Interview> + Send + Sync;

/// The turns around every signal of the study, by interview (its index in the study) and turn.
///
/// While the study is read it keeps only which turns a passage shows and where each turn
/// starts (bytes a turn); the words are made when a page cites them ([`Passages::texts`]),
/// from the interview read again when a [`Reread`] is given, so the passages of a big study cost
/// no memory for their text. [`Passages::add`] keeps the words at once (no rereading).
#[derive(Default)]
pub struct Passages {
    /// Per interview, where each turn starts in the file (bytes), to find a quote's turn:
    /// [`TurnStarts`], a few bytes a turn (a gigabyte of transcripts has millions of turns).
    starts: Vec<TurnStarts>,
    /// Per interview, how each turn is kept.
    kept: Vec<Vec<Kept>>,
    /// Turns made while reading ([`Passages::add`]).
    turns: BTreeMap<(usize, usize), PassageTurn>,
    reread: Option<Box<Reread>>,
}

impl std::fmt::Debug for Passages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passages")
            .field("interviews", &self.starts.len())
            .field("turns", &self.turns.len())
            .field("reread", &self.reread.is_some())
            .finish()
    }
}

impl Passages {
    /// Makes the words of the turns [`Passages::mark`]ed from the interviews read again by
    /// `reread`, when a page cites them.
    pub fn reread_with(&mut self, reread: Box<Reread>) {
        self.reread = Some(reread);
    }

    /// Keeps the turns of `interview` (the study's `k`-th) that hold one of `signals`, and the
    /// turn before and after each, with their words.
    pub fn add(&mut self, k: usize, interview: &Interview, signals: &[Signal]) {
        self.mark(k, interview, signals);
        for (t, &kept) in self.kept[k].iter().enumerate() {
            if let Some(turn) = make(interview, t, kept) {
                self.turns.insert((k, t), turn);
            }
        }
    }

    /// Notes which turns of `interview` (the study's `k`-th) a passage shows: those that hold
    /// one of `signals`, and the turn before and after each. Their words are made when cited.
    pub fn mark(&mut self, k: usize, interview: &Interview, signals: &[Signal]) {
        if self.starts.len() <= k {
            self.starts.resize(k + 1, TurnStarts::default());
            self.kept.resize(k + 1, Vec::new());
        }
        self.starts[k] = TurnStarts::of(interview);
        let kept = &mut self.kept[k];
        *kept = vec![Kept::No; interview.turns.len()];
        let last = interview.turns.len().saturating_sub(1);
        for s in signals {
            for (t, own) in [
                (s.turn.checked_sub(1), false),
                (Some(s.turn), true),
                ((s.turn < last).then_some(s.turn + 1), false),
            ] {
                let Some(slot) = t.and_then(|t| kept.get_mut(t)) else {
                    continue;
                };
                // A quote's own turn is kept to its bound even when a neighbour's cut of it came
                // first; a neighbour is cut as the first quote next to it needs.
                if *slot == Kept::Own || (*slot != Kept::No && !own) {
                    continue;
                }
                *slot = match t {
                    _ if own => Kept::Own,
                    Some(t) if t < s.turn => Kept::Tail,
                    _ => Kept::Head,
                };
            }
        }
    }

    /// The turn of interview `k` that `q` stands in, by where it starts in the file.
    pub fn turn_of(&self, k: usize, q: &Quote) -> Option<usize> {
        let starts = self.starts.get(k)?.read();
        starts
            .partition_point(|&s| s <= q.byte_start)
            .checked_sub(1)
    }

    /// Whether a passage shows turn `turn` of interview `k`.
    pub fn is_kept(&self, k: usize, turn: usize) -> bool {
        self.kept_as(k, turn) != Kept::No
    }

    fn kept_as(&self, k: usize, turn: usize) -> Kept {
        self.kept
            .get(k)
            .and_then(|t| t.get(turn))
            .copied()
            .unwrap_or(Kept::No)
    }

    /// The words of the kept turns among `wanted` (interview, turn): made while reading, or from
    /// each interview read again, on every core. A file that changed since the pass (its turns
    /// start elsewhere) gives none.
    pub fn texts(
        &self,
        wanted: &std::collections::BTreeSet<(usize, usize)>,
    ) -> BTreeMap<(usize, usize), PassageTurn> {
        use rayon::prelude::*;
        let Some(reread) = &self.reread else {
            return wanted
                .iter()
                .filter_map(|key| Some((*key, self.turns.get(key)?.clone())))
                .collect();
        };
        let mut by_interview: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &(k, t) in wanted {
            if self.is_kept(k, t) {
                by_interview.entry(k).or_default().push(t);
            }
        }
        let by_interview: Vec<(usize, Vec<usize>)> = by_interview.into_iter().collect();
        by_interview
            .par_iter()
            .flat_map_iter(|(k, turns)| {
                let interview =
                    reread(*k).filter(|i| Some(&TurnStarts::of(i)) == self.starts.get(*k));
                turns
                    .iter()
                    .filter_map(|&t| {
                        let turn = make(interview.as_ref()?, t, self.kept_as(*k, t))?;
                        Some(((*k, t), turn))
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// Where each turn of an interview starts in its file, as steps from the turn before (zigzag, so
/// a turn that starts before the one before it is kept as well), in LEB128.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct TurnStarts(Box<[u8]>);

impl TurnStarts {
    fn of(interview: &Interview) -> TurnStarts {
        let starts = interview.turns.iter();
        TurnStarts::new(starts.map(|t| interview.file_offset(t.byte_start)))
    }

    fn new(starts: impl ExactSizeIterator<Item = usize>) -> TurnStarts {
        let mut out = Vec::with_capacity(2 * starts.len());
        let mut last = 0i64;
        for at in starts {
            let at = at as i64;
            leb128::put_signed(&mut out, at.wrapping_sub(last));
            last = at;
        }
        TurnStarts(out.into_boxed_slice())
    }

    /// Each turn's start, in turn order.
    fn read(&self) -> Vec<usize> {
        let (mut r, mut last, mut out) = (&self.0[..], 0i64, Vec::new());
        while let Some(step) = leb128::get_signed(&mut r) {
            last = last.wrapping_add(step);
            out.push(last as usize);
        }
        out
    }
}

/// Turn `t` of `interview` as a passage shows it, kept as `kept`.
fn make(interview: &Interview, t: usize, kept: Kept) -> Option<PassageTurn> {
    let turn = interview.turns.get(t)?;
    // As the page shows a quote: markup resolved, a direction control shown (never obeyed),
    // other controls a space.
    let readable = jtbd_text::markup::readable(turn.text(&interview.source));
    let text = crate::terminal(&readable);
    let text = match kept {
        Kept::No => return None,
        Kept::Own => head(&text, OWN_CHARS),
        Kept::Tail => tail(&text, NEIGHBOUR_CHARS),
        Kept::Head => head(&text, NEIGHBOUR_CHARS),
    };
    Some(PassageTurn {
        speaker: turn.speaker.clone(),
        role: turn.role,
        timestamp: turn.timestamp,
        line: turn.line,
        text,
        whole: kept == Kept::Own,
    })
}

/// At most `n` characters of `text` from its start, `…` where it was cut.
fn head(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_owned(),
    }
}

/// At most `n` characters of `text` up to its end, `…` where it was cut.
fn tail(text: &str, n: usize) -> String {
    let count = text.chars().count();
    if count <= n {
        return text.to_owned();
    }
    let (cut, _) = text.char_indices().nth(count - n).unwrap_or((0, ' '));
    format!("…{}", text[cut..].trim_start())
}

/// The passages a page cites, each written once: [`PassageTable::cite`] gives a quote its
/// passage's number, [`PassageTable::json`] writes them all.
#[derive(Debug, Default)]
pub struct PassageTable {
    /// (interview, turn) of each cited passage, in order of first citation.
    cited: Vec<(usize, usize)>,
    number: BTreeMap<(usize, usize), usize>,
}

impl PassageTable {
    /// The number of the passage of `q`, a quote of the study's `k`-th interview; `None` when its
    /// turn was not kept.
    pub fn cite(&mut self, study: &Study<'_>, k: usize, q: &Quote) -> Option<usize> {
        let turn = study.passages.turn_of(k, q)?;
        if !study.passages.is_kept(k, turn) {
            return None;
        }
        let next = self.cited.len();
        let n = *self.number.entry((k, turn)).or_insert(next);
        if n == next {
            self.cited.push((k, turn));
        }
        Some(n)
    }

    /// The cited passages as JSON, safe inside a `<script>` element: `{"turns": [...],
    /// "passages": [[before, own, after], ...]}`, each passage three indices into `turns` (`null`
    /// where there is none; a turn is written once however many passages show it), each turn
    /// `{"who", "role", "time", "at", "text"}`, `at` its place `path:line`.
    pub fn json(&self, study: &Study<'_>) -> String {
        // The words of every turn written, made at once (each interview read again once).
        let wanted = self
            .cited
            .iter()
            .flat_map(|&(k, t)| [t.checked_sub(1), Some(t), Some(t + 1)].map(|t| t.map(|t| (k, t))))
            .flatten()
            .collect();
        let texts = study.passages.texts(&wanted);
        let mut turns: Vec<serde_json::Value> = Vec::new();
        let mut index: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut turn = |k: usize, t: usize| -> serde_json::Value {
            let Some(p) = texts.get(&(k, t)) else {
                return serde_json::Value::Null;
            };
            let next = turns.len();
            let n = *index.entry((k, t)).or_insert(next);
            if n == next {
                let path = study.interviews.get(k).map_or("", |i| study.shown(&i.path));
                turns.push(serde_json::json!({
                    "who": p.speaker.as_deref().unwrap_or(""),
                    "role": p.role.as_str(),
                    "time": p.timestamp.map(|t| t.to_string()),
                    "at": format!("{path}:{}", p.line),
                    "text": p.text,
                }));
            }
            n.into()
        };
        let passages: Vec<serde_json::Value> = self
            .cited
            .iter()
            .map(|&(k, t)| {
                let before = t
                    .checked_sub(1)
                    .map_or(serde_json::Value::Null, |b| turn(k, b));
                serde_json::json!([before, turn(k, t), turn(k, t + 1)])
            })
            .collect();
        let text = serde_json::json!({"turns": turns, "passages": passages}).to_string();
        // Inside <script>, markup stays text: `<`, `>` and `&` occur only inside JSON strings
        // here, where their \u escapes read the same; U+2028/9 would end a line in old readers.
        text.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The interviews of `corpora/` with every speaker's signals.
    fn corpus() -> Vec<(Interview, Vec<Signal>)> {
        let opts = jtbd_ingest::Options::default();
        let rules = jtbd_extract::RuleSet::embedded().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpora");
        let mut paths: Vec<_> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        // And one whose turns around a quote are long enough to be cut at either end.
        let long = "one two three four five six seven eight nine ten ".repeat(20);
        let cut = jtbd_ingest::parse_bytes(
            format!(
                "Hannah Cole  0:00\n{long}?\n\nVictor Almeida  0:04\nWhat worries me is a \
                 cutover during quarter close.\n\nHannah Cole  0:17\n{long}?\n\n\
                 Victor Almeida  0:21\nWe never upgraded.\n"
            )
            .as_bytes(),
            "cut.txt",
            &opts,
            None,
        );
        paths
            .iter()
            .filter_map(|p| jtbd_ingest::read_path(p, &p.to_string_lossy(), &opts, None).ok())
            .chain(cut.ok())
            .map(|i| {
                let s = jtbd_extract::signals(&i, &rules, jtbd_extract::SpeakerFilter::All);
                (i, s)
            })
            .collect()
    }

    proptest::proptest! {
        /// Turn starts come back as they went in, in any order and of any size.
        #[test]
        fn turn_starts_read_back_as_kept(starts in proptest::collection::vec(
            proptest::prop_oneof![0usize..100_000, proptest::num::usize::ANY], 0..64)) {
            let kept = TurnStarts::new(starts.iter().copied());
            proptest::prop_assert_eq!(kept.read(), starts);
        }
    }

    #[test]
    fn passages_made_again_from_the_file_are_the_ones_kept_while_reading() {
        let corpus = corpus();
        let (mut kept, mut marked) = (Passages::default(), Passages::default());
        for (k, (i, s)) in corpus.iter().enumerate() {
            kept.add(k, i, s);
            marked.mark(k, i, s);
        }
        let interviews: Vec<Interview> = corpus.iter().map(|c| c.0.clone()).collect();
        marked.reread_with(Box::new(move |k| interviews.get(k).cloned()));
        // Every turn of every interview, kept or not, and one past the end.
        let all: std::collections::BTreeSet<(usize, usize)> = corpus
            .iter()
            .enumerate()
            .flat_map(|(k, (i, _))| (0..=i.turns.len()).map(move |t| (k, t)))
            .collect();
        let texts = kept.texts(&all);
        assert_eq!(texts, marked.texts(&all));
        // Quotes' own turns and neighbours cut at either end are all there.
        let count = |whole: bool| texts.values().filter(|t| t.whole == whole).count();
        assert!(count(true) > 20 && count(false) > 20, "{texts:?}");
        assert!(texts.values().any(|t| t.text.starts_with('…')));
        assert!(texts.values().any(|t| !t.whole && t.text.ends_with('…')));
        for &(k, t) in &all {
            assert_eq!(kept.is_kept(k, t), texts.contains_key(&(k, t)), "{k} {t}");
            assert_eq!(kept.is_kept(k, t), marked.is_kept(k, t));
        }
    }

    #[test]
    fn a_file_that_changed_since_gives_no_passage() {
        let corpus = corpus();
        let (i, s) = corpus
            .iter()
            .find(|(i, s)| !s.is_empty() && i.turns.len() > 3)
            .unwrap();
        let mut marked = Passages::default();
        marked.mark(0, i, s);
        // The same file with a line put in front: every turn starts elsewhere.
        let moved = jtbd_ingest::parse_bytes(
            format!("Note: moved\n{}", i.source).as_bytes(),
            &i.path,
            &jtbd_ingest::Options::default(),
            None,
        )
        .unwrap();
        marked.reread_with(Box::new(move |_| Some(moved.clone())));
        let own = (s[0].turn..=s[0].turn).map(|t| (0, t)).collect();
        assert!(marked.is_kept(0, s[0].turn));
        assert!(marked.texts(&own).is_empty());
    }

    #[test]
    fn cuts_keep_whole_characters_and_say_so() {
        assert_eq!(head("héllo wörld", 5), "héllo…");
        assert_eq!(head("short", 10), "short");
        assert_eq!(tail("héllo wörld", 5), "…wörld");
        assert_eq!(tail("short", 5), "short");
    }
}
