//! The fast path of the JSON reader: a strict walk over the document that picks out the fields of
//! the transcript shapes and skips everything else without building it.
//!
//! Word-level exports (Rev `elements`, words with timings and confidences) are mostly fields
//! jtbd does not read; serde skips them too, but through generic machinery that costs several
//! times this walk. The walk gives up (`None`) on anything it does not fully expect (a syntax
//! error, a duplicate or mistyped field, nesting too deep, a number it would have to round), and
//! the serde path then reads the file as before, with its own error messages: the fast path
//! never decides what is an error, and what it returns is what serde would read.

use super::json::{Unit, millis, speaker_text};
use std::borrow::Cow;

/// Deepest nesting walked before giving up (serde_json's own limit is 128).
const MAX_DEPTH: usize = 100;

/// Bytes that go on a string literal with no more thought: not `"`, `\` or a control byte.
const PLAIN: [bool; 256] = {
    let mut t = [true; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = false;
        c += 1;
    }
    t[b'"' as usize] = false;
    t[b'\\' as usize] = false;
    t
};

/// The units of a JSON transcript, or `None` to leave the file to the serde path.
pub(super) fn units(body: &str) -> Option<Vec<Unit<'_>>> {
    let mut w = Walk {
        s: body,
        b: body.as_bytes(),
        i: 0,
        depth: 0,
    };
    let units = match w.peek()? {
        b'[' => w.items(1000.0)?,
        b'{' => w.doc()?,
        _ => return None,
    };
    // serde_json refuses anything but white space after the value.
    (w.peek().is_none()).then_some(units)
}

struct Walk<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

/// A field of an object, seen once at most (serde refuses a repeated field).
fn once(seen: &mut bool) -> Option<()> {
    (!std::mem::replace(seen, true)).then_some(())
}

/// Stores a field's value read by the walk, once.
fn field<T>(seen: &mut bool, slot: &mut Option<T>, value: Option<Option<T>>) -> Option<()> {
    once(seen)?;
    *slot = value?;
    Some(())
}

impl<'a> Walk<'a> {
    /// The next byte that is not JSON white space, without taking it.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&c) = self.b.get(self.i) {
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(c);
            }
            self.i += 1;
        }
        None
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// Whether the next value is `null` (taken if so).
    fn null(&mut self) -> Option<bool> {
        if self.peek()? == b'n' {
            self.word(b"null")?;
            return Some(true);
        }
        Some(false)
    }

    fn word(&mut self, w: &[u8]) -> Option<()> {
        self.b
            .get(self.i..)?
            .starts_with(w)
            .then(|| self.i += w.len())
    }

    /// A string literal: its value, borrowed when it holds no escapes.
    #[inline]
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        // Literals are mostly a few bytes (keys, words): a byte loop beats a vector search.
        // Plain bytes are stepped over four at a time, by table.
        loop {
            let b = self.b;
            let mut i = self.i;
            while i + 4 <= b.len()
                && PLAIN[b[i] as usize]
                    & PLAIN[b[i + 1] as usize]
                    & PLAIN[b[i + 2] as usize]
                    & PLAIN[b[i + 3] as usize]
            {
                i += 4;
            }
            while b.get(i).is_some_and(|&c| PLAIN[c as usize]) {
                i += 1;
            }
            self.i = i;
            match *self.b.get(self.i)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    // `\uXXXX` or one of `"\/bfnrt`; serde checks the hex digits and surrogates.
                    match self.b.get(self.i + 1)? {
                        b'u' => self.i += 6,
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                        _ => return None,
                    }
                }
                // Raw control characters are not allowed inside a JSON string.
                0..0x20 => return None,
                _ => self.i += 1,
            }
        }
        let raw = self.s.get(start..self.i)?;
        self.i += 1;
        if escaped {
            // Rare: let serde_json unescape it (and validate the escapes).
            let quoted = &self.s[start - 1..self.i];
            return serde_json::from_str::<String>(quoted).ok().map(Cow::Owned);
        }
        Some(Cow::Borrowed(raw))
    }

    /// A number literal, as written, checked against the JSON grammar.
    fn number(&mut self) -> Option<&'a str> {
        self.peek()?;
        let start = self.i;
        let digits = |w: &mut Self| {
            let from = w.i;
            while w.b.get(w.i).is_some_and(u8::is_ascii_digit) {
                w.i += 1;
            }
            w.i > from
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        if self.b.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else if !digits(self) {
            return None;
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            digits(self).then_some(())?;
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            digits(self).then_some(())?;
        }
        Some(&self.s[start..self.i])
    }

    /// An optional number as an `f64`: `null` is `None`.
    fn float(&mut self) -> Option<Option<f64>> {
        self.float_literal()?
            .map_or(Some(None), |n| n.parse().ok().map(Some))
    }

    /// A number [`Self::float`] would take, unparsed (`None` for `null`): a value that only has
    /// to be well formed is not converted.
    fn float_literal(&mut self) -> Option<Option<&'a str>> {
        if self.null()? {
            return Some(None);
        }
        let n = self.number()?;
        // Short decimals parse to the same double in serde_json and in `str::parse`; longer ones
        // are left to serde so both paths agree to the bit.
        (n.len() <= 15 && !n.contains(['e', 'E'])).then_some(())?;
        Some(Some(n))
    }

    /// An optional string: `null` is `None`.
    fn text(&mut self) -> Option<Option<Cow<'a, str>>> {
        if self.null()? {
            return Some(None);
        }
        self.string().map(Some)
    }

    /// A speaker as serde's `Value` would give it: a non-empty string, or a whole number;
    /// anything else is no speaker.
    fn speaker(&mut self) -> Option<Option<String>> {
        match self.peek()? {
            b'"' => Some(speaker_text(self.string()?)),
            b'-' | b'0'..=b'9' => {
                let n = self.number()?;
                // Small non-negative integers print as written; leave the rest to serde.
                (n.len() <= 18 && n.bytes().all(|c| c.is_ascii_digit())).then_some(())?;
                Some(Some(n.to_owned()))
            }
            _ => {
                self.skip()?;
                Some(None)
            }
        }
    }

    /// Walks an object, calling `field` with each key; `field` takes the value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.members(b'{', b'}', |w| {
            let key = w.string()?;
            w.eat(b':')?;
            field(w, &key)
        })
    }

    /// Walks an array, calling `item` for each element; `item` takes it.
    fn array(&mut self, item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.members(b'[', b']', item)
    }

    /// `open`, members separated by commas (each taken by `member`), `close`.
    fn members(
        &mut self,
        open: u8,
        close: u8,
        mut member: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.enter()?;
        self.eat(open)?;
        if self.peek()? != close {
            loop {
                member(self)?;
                match self.peek()? {
                    b',' => self.i += 1,
                    c if c == close => break,
                    _ => return None,
                }
            }
        }
        self.i += 1;
        self.leave()
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn leave(&mut self) -> Option<()> {
        self.depth -= 1;
        Some(())
    }

    /// Skips any value.
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(|w, _| w.skip()),
            b'[' => self.array(Self::skip),
            b't' => self.word(b"true"),
            b'f' => self.word(b"false"),
            b'n' => self.word(b"null"),
            _ => self.number().map(drop),
        }
    }

    /// The top-level object: the first shape present wins, in the serde path's order.
    fn doc(&mut self) -> Option<Vec<Unit<'a>>> {
        let (mut segments, mut utterances, mut results, mut monologues) = (None, None, None, None);
        let mut seen = [false; 4];
        self.object(|w, key| match key {
            "segments" => {
                once(&mut seen[0])?;
                segments = w.list(|w| w.items(1000.0))?;
                Some(())
            }
            "utterances" => {
                once(&mut seen[1])?;
                // AssemblyAI counts milliseconds.
                utterances = w.list(|w| w.items(1.0))?;
                Some(())
            }
            "results" => {
                once(&mut seen[2])?;
                results = if w.null()? { None } else { Some(w.results()?) };
                Some(())
            }
            "monologues" => field(&mut seen[3], &mut monologues, w.list(Self::monologues)),
            // Rev's editor export (speaker names by id, `spans`): the serde path reads it.
            "speakers" => None,
            _ => w.skip(),
        })?;
        // None of them: the serde path reports the unknown shape.
        segments.or(utterances).or(results.flatten()).or(monologues)
    }

    /// `null` or a list read by `read`.
    fn list(
        &mut self,
        read: impl FnOnce(&mut Self) -> Option<Vec<Unit<'a>>>,
    ) -> Option<Option<Vec<Unit<'a>>>> {
        if self.null()? {
            return Some(None);
        }
        read(self).map(Some)
    }

    /// Deepgram's `results`: its utterances, else the first channel's first transcript.
    fn results(&mut self) -> Option<Option<Vec<Unit<'a>>>> {
        let (mut utterances, mut transcript) = (None, None);
        let (mut seen_u, mut seen_c) = (false, false);
        self.object(|w, key| match key {
            "utterances" => {
                once(&mut seen_u)?;
                utterances = w.list(|w| w.items(1000.0))?;
                Some(())
            }
            "channels" => {
                once(&mut seen_c)?;
                if w.null()? {
                    return Some(());
                }
                let mut first = true;
                w.array(|w| {
                    let t = w.channel()?;
                    if std::mem::take(&mut first) {
                        transcript = t;
                    }
                    Some(())
                })
            }
            _ => w.skip(),
        })?;
        Some(utterances.or_else(|| {
            transcript.map(|t| {
                vec![Unit {
                    speaker: None,
                    start_ms: None,
                    pieces: vec![t],
                    spaced: false,
                }]
            })
        }))
    }

    /// A channel: the transcript of its first alternative.
    fn channel(&mut self) -> Option<Option<Cow<'a, str>>> {
        let mut transcript = None;
        let mut seen = false;
        self.object(|w, key| match key {
            "alternatives" => {
                once(&mut seen)?;
                // serde reads a missing list as empty, but refuses `null`.
                let mut first = true;
                w.array(|w| {
                    let mut t = None;
                    let mut seen_t = false;
                    w.object(|w, key| match key {
                        "transcript" => field(&mut seen_t, &mut t, w.text()),
                        _ => w.skip(),
                    })?;
                    if std::mem::take(&mut first) {
                        transcript = t;
                    }
                    Some(())
                })
            }
            _ => w.skip(),
        })?;
        Some(transcript)
    }

    /// A list of Whisper segments or utterances, each with its text.
    fn items(&mut self, to_ms: f64) -> Option<Vec<Unit<'a>>> {
        let mut out = Vec::new();
        self.array(|w| {
            let (mut text, mut transcript, mut start, mut speaker) = (None, None, None, None);
            let mut seen = [false; 4];
            w.object(|w, key| match key {
                "text" => field(&mut seen[0], &mut text, w.text()),
                "transcript" => field(&mut seen[1], &mut transcript, w.text()),
                "start" => field(&mut seen[2], &mut start, w.float()),
                "speaker" => field(&mut seen[3], &mut speaker, w.speaker()),
                _ => w.skip(),
            })?;
            // An item without text is an error the serde path words.
            let text = text.or(transcript)?;
            out.push(Unit {
                speaker,
                start_ms: millis(start, to_ms),
                pieces: vec![text],
                spaced: false,
            });
            Some(())
        })?;
        Some(out)
    }

    /// Rev monologues: a speaker and the values of the elements.
    fn monologues(&mut self) -> Option<Vec<Unit<'a>>> {
        let mut out = Vec::new();
        self.array(|w| {
            let (mut speaker, mut name, mut elements) = (None, None, None);
            let mut seen = [false; 3];
            w.object(|w, key| match key {
                "speaker" => field(&mut seen[0], &mut speaker, w.speaker()),
                "speaker_name" => field(&mut seen[1], &mut name, w.text()),
                "spans" => None,
                "elements" => {
                    once(&mut seen[2])?;
                    if !w.null()? {
                        elements = Some(w.elements()?);
                    }
                    Some(())
                }
                _ => w.skip(),
            })?;
            // A monologue without elements is an error the serde path words.
            let (start_ms, pieces) = elements?;
            let speaker = name
                .filter(|s| !s.is_empty())
                .map(Cow::into_owned)
                .or_else(|| speaker.map(|s| format!("Speaker {s}")));
            out.push(Unit {
                speaker,
                start_ms,
                pieces,
                spaced: false,
            });
            Some(())
        })?;
        Some(out)
    }

    /// Rev elements: the first time given, and every value.
    fn elements(&mut self) -> Option<(Option<u64>, Vec<Cow<'a, str>>)> {
        let (mut first_ts, mut pieces) = (None, Vec::new());
        self.array(|w| {
            let (mut value, mut ts) = (None, None);
            let mut seen = [false; 2];
            w.object(|w, key| match key {
                "value" => field(&mut seen[0], &mut value, w.text()),
                "ts" => field(&mut seen[1], &mut ts, w.float_literal()),
                _ => w.skip(),
            })?;
            // Only the first time is used; the others need only be numbers serde would take.
            if first_ts.is_none() {
                if let Some(n) = ts {
                    first_ts = Some(n.parse().ok()?);
                }
            }
            pieces.extend(value);
            Some(())
        })?;
        Some((millis(first_ts, 1000.0), pieces))
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::serde_units;
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    /// Checks the fast path against the serde path: whatever it reads, serde reads the same.
    fn agrees(doc: &str) -> Result<bool, TestCaseError> {
        let Some(fast) = units(doc) else {
            return Ok(false);
        };
        match serde_units(doc, doc) {
            Ok(slow) => prop_assert_eq!(&fast, &slow, "{}", doc),
            Err(e) => prop_assert!(false, "fast path read what serde refuses ({e}): {doc}"),
        }
        Ok(true)
    }

    #[test]
    fn takes_the_sample_transcripts() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpora");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(agrees(&text).unwrap(), "{} left to serde", path.display());
                n += 1;
            }
        }
        assert!(n >= 3, "{n} JSON samples");
    }

    #[test]
    fn leaves_what_it_does_not_expect_to_serde() {
        for doc in [
            r#"{"segments":[{"text":"a"}],"segments":[]}"#,
            r#"{"segments":[{"text":"a","text":"b"}]}"#,
            r#"{"segments":[{"text":"a"}]} x"#,
            r#"{"segments":[{"text":"a",}]}"#,
            r#"{"segments":[{"start":1}]}"#,
            r#"{"segments":[{"text":"a","start":1.00000000000001}]}"#,
            r#"{"segments":[{"text":"a","speaker":-1}]}"#,
            r#"{"segments":[{"text":"tab	here"}]}"#,
            r#"{"segments":[{"text":"\x"}]}"#,
            r#"{"results":{"channels":[{"alternatives":null}]}}"#,
            r#"{"foo":1}"#,
            "[",
        ] {
            assert!(units(doc).is_none(), "{doc}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(units(&format!(r#"{{"x":{deep},"segments":[]}}"#)).is_none());
    }

    const KEYS: &[&str] = &[
        "segments",
        "utterances",
        "results",
        "monologues",
        "channels",
        "alternatives",
        "transcript",
        "text",
        "start",
        "speaker",
        "speaker_name",
        "elements",
        "value",
        "ts",
        "other",
    ];

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (0u64..5000).prop_map(Value::from),
            (-50i64..0).prop_map(Value::from),
            (0.0f64..5000.0).prop_map(Value::from),
            Just(Value::from(1e21)),
            "[a-z \"\\\\\n\t/é😀]{0,12}".prop_map(Value::from),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..6).prop_map(
                    |kv| {
                        Value::Object(
                            kv.into_iter()
                                .map(|(k, v)| (k.to_owned(), v))
                                .collect::<Map<_, _>>(),
                        )
                    }
                ),
            ]
        })
    }

    /// A field of a transcript unit: mostly well typed, sometimes not.
    fn field(typed: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Option<Value>> {
        prop_oneof![
            4 => typed.prop_map(Some),
            1 => leaf().prop_map(Some),
            1 => Just(None),
        ]
        .boxed()
    }

    fn object(fields: Vec<(&'static str, Option<Value>)>) -> Value {
        Value::Object(
            fields
                .into_iter()
                .filter_map(|(k, v)| Some((k.to_owned(), v?)))
                .collect(),
        )
    }

    fn text() -> impl Strategy<Value = Value> {
        "[A-Za-z .,'\"\\\n/é]{0,16}".prop_map(Value::from)
    }

    fn time() -> impl Strategy<Value = Value> {
        prop_oneof![
            (0u64..100_000).prop_map(Value::from),
            (0u32..100_000, 0u32..1000)
                .prop_map(|(a, b)| Value::from(f64::from(a) + f64::from(b) / 1000.0)),
        ]
    }

    fn speaker() -> impl Strategy<Value = Value> {
        prop_oneof![
            (0u64..4).prop_map(Value::from),
            "(SPEAKER_0[0-3]|[A-D]|)".prop_map(Value::from)
        ]
    }

    fn item() -> impl Strategy<Value = Value> {
        (
            field(text()),
            field(text()),
            field(time()),
            field(speaker()),
            field(leaf()),
        )
            .prop_map(|(t, tr, st, sp, o)| {
                object(vec![
                    ("text", t),
                    ("transcript", tr),
                    ("start", st),
                    ("speaker", sp),
                    ("words", o),
                ])
            })
    }

    fn monologue() -> impl Strategy<Value = Value> {
        let element = (field(text()), field(time()), field(leaf()))
            .prop_map(|(v, ts, o)| object(vec![("type", o), ("value", v), ("ts", ts)]));
        (
            field(speaker()),
            field(text()),
            proptest::collection::vec(element, 0..6),
        )
            .prop_map(|(sp, name, els)| {
                object(vec![
                    ("speaker", sp),
                    ("speaker_name", name),
                    ("elements", Some(Value::Array(els))),
                ])
            })
    }

    fn shaped() -> impl Strategy<Value = Value> {
        let items = || proptest::collection::vec(item(), 0..5).prop_map(Value::Array);
        prop_oneof![
            items(),
            items().prop_map(|v| object(vec![("segments", Some(v))])),
            items().prop_map(|v| object(vec![
                ("utterances", Some(v)),
                ("text", Some(Value::from("all")))
            ])),
            items().prop_map(|v| object(vec![(
                "results",
                Some(object(vec![("utterances", Some(v))]))
            )])),
            field(text()).prop_map(|t| {
                let alt = object(vec![("transcript", t)]);
                let channel = object(vec![("alternatives", Some(Value::Array(vec![alt])))]);
                object(vec![(
                    "results",
                    Some(object(vec![(
                        "channels",
                        Some(Value::Array(vec![channel])),
                    )])),
                )])
            }),
            proptest::collection::vec(monologue(), 0..4)
                .prop_map(|m| object(vec![("monologues", Some(Value::Array(m)))])),
        ]
    }

    #[test]
    fn reads_transcript_shapes_as_serde_does() {
        use proptest::test_runner::{Config, TestRunner};
        let mut runner = TestRunner::new(Config::with_cases(800));
        let taken = std::cell::Cell::new(0);
        runner
            .run(&(shaped(), any::<bool>()), |(v, pretty)| {
                let doc = if pretty {
                    serde_json::to_string_pretty(&v)
                } else {
                    serde_json::to_string(&v)
                }
                .unwrap();
                if agrees(&doc)? {
                    taken.set(taken.get() + 1);
                }
                Ok(())
            })
            .unwrap();
        // Most well-formed transcripts take the fast path.
        assert!(taken.get() > 200, "{} of 800 taken", taken.get());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn reads_what_serde_reads(v in value(), pretty in any::<bool>(), cut in any::<prop::sample::Index>(), mutate in 0u8..4) {
            let mut doc = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }.unwrap();
            // Now and then a broken document: a byte gone, or one too many.
            if mutate == 1 && !doc.is_empty() {
                let at = cut.index(doc.len());
                if doc.is_char_boundary(at) && doc.is_char_boundary(at + 1) {
                    doc.remove(at);
                }
            } else if mutate == 2 {
                let at = cut.index(doc.len() + 1);
                if doc.is_char_boundary(at) {
                    doc.insert(at, ',');
                }
            }
            agrees(&doc)?;
        }
    }
}
