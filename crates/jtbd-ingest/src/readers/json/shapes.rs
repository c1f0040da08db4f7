//! The JSON shapes read, as lenient borrowed views, and one reader per shape. Each reader says
//! how well a document fits it (its keys and the types of their values) and reads the document
//! into units, or says why it cannot.

use super::lenient::{FromJson, Got, Id, Kind, List, Seconds, Text};
use serde::Deserialize;
use std::borrow::Cow;

/// An object at the top of the file: the keys every reader looks at. Other keys are skipped
/// without being built.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Doc<'a> {
    #[serde(borrow)]
    pub segments: Got<List<Item<'a>>>,
    #[serde(borrow)]
    pub utterances: Got<List<Item<'a>>>,
    #[serde(borrow)]
    pub results: Got<Results<'a>>,
    #[serde(borrow)]
    pub monologues: Got<List<Monologue<'a>>>,
    /// Who speaks: names (`["Ann Lee", "Bo Chen"]`, Whisper-like exports) or objects with an
    /// `id` and a `name` (Rev's editor).
    #[serde(borrow)]
    pub speakers: Got<List<SpeakerEntry<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Results<'a> {
    #[serde(borrow)]
    pub utterances: Got<List<Item<'a>>>,
    #[serde(borrow)]
    pub channels: Got<List<Channel<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Channel<'a> {
    #[serde(borrow)]
    pub alternatives: Got<List<Alternative<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Alternative<'a> {
    #[serde(borrow)]
    pub transcript: Got<Text<'a>>,
}

/// A Whisper segment, an AssemblyAI or Deepgram utterance.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Item<'a> {
    #[serde(borrow)]
    pub text: Got<Text<'a>>,
    #[serde(borrow)]
    pub transcript: Got<Text<'a>>,
    pub start: Got<Seconds>,
    #[serde(borrow)]
    pub speaker: Got<Who<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Monologue<'a> {
    #[serde(borrow)]
    pub speaker: Got<Who<'a>>,
    #[serde(borrow)]
    pub speaker_name: Got<Text<'a>>,
    #[serde(borrow)]
    pub elements: Got<List<Element<'a>>>,
    /// Rev's editor export: words, punctuation and (in some exports) spaces as spans.
    #[serde(borrow)]
    pub spans: Got<List<Element<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Element<'a> {
    #[serde(borrow)]
    pub value: Got<Text<'a>>,
    pub ts: Got<Seconds>,
}

/// `{"id": 0, "name": "Ann"}` (an object) inside a speaker field or list.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Named<'a> {
    pub id: Got<Id>,
    #[serde(borrow)]
    pub name: Got<Text<'a>>,
}

/// Objects read by a derived `Deserialize` whose fields are all lenient ([`Got`]).
macro_rules! json_object {
    ($($t:ident),*) => {$(
        impl<'de: 'a, 'a> FromJson<'de> for $t<'a> {
            fn from_map<A: serde::de::MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
                <$t<'a> as serde::Deserialize>::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )
                .map(Some)
            }
        }
    )*};
}

json_object!(
    Doc,
    Results,
    Channel,
    Alternative,
    Item,
    Monologue,
    Element,
    Named
);

/// A speaker field: an id (`"A"`, `0`), or an object with an id and a name.
pub enum Who<'a> {
    Id(Id),
    Named(Named<'a>),
}

impl<'de: 'a, 'a> FromJson<'de> for Who<'a> {
    fn from_str(v: Cow<'de, str>) -> Option<Self> {
        Id::from_str(v).map(Who::Id)
    }
    fn from_number(n: super::lenient::Num) -> Option<Self> {
        Id::from_number(n).map(Who::Id)
    }
    fn from_map<A: serde::de::MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        Ok(Named::from_map(map)?.map(Who::Named))
    }
}

/// An entry of a `speakers` list: a name, or an id with a name.
pub enum SpeakerEntry<'a> {
    Name(Cow<'a, str>),
    Named(Named<'a>),
}

impl<'de: 'a, 'a> FromJson<'de> for SpeakerEntry<'a> {
    fn from_str(v: Cow<'de, str>) -> Option<Self> {
        Some(SpeakerEntry::Name(v))
    }
    fn from_map<A: serde::de::MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        Ok(Named::from_map(map)?.map(SpeakerEntry::Named))
    }
}

/// One unit of speech as a reader finds it.
#[derive(Debug, PartialEq)]
pub struct Unit<'a> {
    pub speaker: Option<String>,
    pub start_ms: Option<u64>,
    /// String values whose concatenation is the unit's text (one, except Rev's elements).
    pub pieces: Vec<Cow<'a, str>>,
    /// The pieces are words and punctuation without the spaces between them (Rev `spans`).
    pub spaced: bool,
}

/// Why a reader could not read a document: the key to point the line at, and the problem.
#[derive(Debug)]
pub struct Misfit {
    pub key: &'static str,
    pub message: String,
}

fn misfit(key: &'static str, message: String) -> Misfit {
    Misfit { key, message }
}

/// The readers, in the order that breaks ties between equal fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Whisper, WhisperX and their likes: `segments`.
    Segments,
    /// AssemblyAI: `utterances`, in milliseconds.
    Utterances,
    /// Deepgram: `results.utterances`, or its single transcript.
    Deepgram,
    /// Rev: `monologues` of `elements` or `spans`.
    Rev,
    /// A bare array of segments.
    List,
}

impl Reader {
    pub const ALL: [Reader; 5] = [
        Reader::Segments,
        Reader::Utterances,
        Reader::Deepgram,
        Reader::Rev,
        Reader::List,
    ];

    /// How the reader is named in an error.
    pub fn name(self) -> &'static str {
        match self {
            Reader::Segments => "Whisper `segments`",
            Reader::Utterances => "AssemblyAI `utterances`",
            Reader::Deepgram => "Deepgram `results`",
            Reader::Rev => "Rev `monologues`",
            Reader::List => "a list of segments",
        }
    }

    /// How well `top` fits this reader: 0 when its key is absent; more for the key with the
    /// right type, its first element of the right shape, and a `speakers` list of the kind the
    /// shape writes.
    pub fn fit(self, top: &Top<'_>) -> u32 {
        let doc = match top {
            Top::List(list) => {
                return match self {
                    Reader::List => 4 + u32::from(list.first().is_some_and(Item::has_text)) * 2,
                    _ => 0,
                };
            }
            Top::Doc(doc) => doc,
        };
        let names = doc
            .speakers
            .as_ref()
            .and_then(List::first)
            .map(|e| matches!(e, SpeakerEntry::Name(_)));
        let items = |got: &Got<List<Item<'_>>>| match got {
            Got::Missing => 0,
            Got::Wrong(_) => 1,
            Got::Is(list) => {
                4 + u32::from(list.first().is_some_and(Item::has_text)) * 2
                    + u32::from(names == Some(true))
            }
        };
        match self {
            Reader::Segments => items(&doc.segments),
            Reader::Utterances => items(&doc.utterances),
            Reader::Deepgram => match &doc.results {
                Got::Missing => 0,
                Got::Wrong(_) => 1,
                Got::Is(r) => {
                    let utterances = r.utterances.as_ref().and_then(List::first);
                    4 + u32::from(
                        utterances.is_some_and(Item::has_text) || r.transcript().is_some(),
                    ) * 2
                }
            },
            Reader::Rev => match &doc.monologues {
                Got::Missing => 0,
                Got::Wrong(_) => 1,
                Got::Is(list) => {
                    4 + u32::from(list.first().is_some_and(Monologue::has_words)) * 2
                        + u32::from(names == Some(false))
                }
            },
            Reader::List => 0,
        }
    }

    /// Reads `top` into units (taking the part of it this reader reads).
    pub fn read<'a>(self, top: &mut Top<'a>) -> Result<Vec<Unit<'a>>, Misfit> {
        let (doc, dir) = match top {
            Top::List(list) => {
                let list = std::mem::replace(list, List(Vec::new()));
                return list_units(list, "[", 1000.0, &Directory::default());
            }
            Top::Doc(doc) => {
                let dir = Directory::new(&doc.speakers);
                (doc, dir)
            }
        };
        let wrong = |key: &'static str, kind: Kind, want: &str| {
            misfit(key, format!("`{key}` is {kind}, expected {want}"))
        };
        match self {
            Reader::Segments => match std::mem::take(&mut doc.segments) {
                Got::Is(list) => list_units(list, "segments", 1000.0, &dir),
                Got::Wrong(k) => Err(wrong("segments", k, "an array of segments")),
                Got::Missing => Err(misfit("segments", "no `segments` key".into())),
            },
            // AssemblyAI counts milliseconds.
            Reader::Utterances => match std::mem::take(&mut doc.utterances) {
                Got::Is(list) => list_units(list, "utterances", 1.0, &dir),
                Got::Wrong(k) => Err(wrong("utterances", k, "an array of utterances")),
                Got::Missing => Err(misfit("utterances", "no `utterances` key".into())),
            },
            Reader::Deepgram => match std::mem::take(&mut doc.results) {
                Got::Is(mut r) => {
                    if let Got::Is(list) = std::mem::take(&mut r.utterances) {
                        return list_units(list, "utterances", 1000.0, &dir);
                    }
                    match r.take_transcript() {
                        Some(t) => Ok(vec![Unit {
                            speaker: None,
                            start_ms: None,
                            pieces: vec![t.0],
                            spaced: false,
                        }]),
                        None => Err(misfit(
                            "results",
                            "`results` has no `utterances` array and no \
                             `channels[0].alternatives[0].transcript`"
                                .into(),
                        )),
                    }
                }
                Got::Wrong(k) => Err(wrong("results", k, "an object")),
                Got::Missing => Err(misfit("results", "no `results` key".into())),
            },
            Reader::Rev => match std::mem::take(&mut doc.monologues) {
                Got::Is(list) => rev_units(list, &dir),
                Got::Wrong(k) => Err(wrong("monologues", k, "an array of monologues")),
                Got::Missing => Err(misfit("monologues", "no `monologues` key".into())),
            },
            Reader::List => Err(misfit("[", "the file is not an array".into())),
        }
    }
}

/// The top of a file: an object, or a bare array of segments.
pub enum Top<'a> {
    Doc(Box<Doc<'a>>),
    List(List<Item<'a>>),
}

impl Item<'_> {
    fn has_text(&self) -> bool {
        !self.text.is_missing() || !self.transcript.is_missing()
    }
}

impl Monologue<'_> {
    fn has_words(&self) -> bool {
        !self.elements.is_missing() || !self.spans.is_missing()
    }
}

impl<'a> Results<'a> {
    fn transcript(&self) -> Option<&Text<'a>> {
        let channel = self.channels.as_ref()?.first()?;
        channel.alternatives.as_ref()?.first()?.transcript.as_ref()
    }

    fn take_transcript(&mut self) -> Option<Text<'a>> {
        let Got::Is(channels) = std::mem::take(&mut self.channels) else {
            return None;
        };
        let channel = channels.0.into_iter().find_map(Got::ok)?;
        let alternatives = channel.alternatives.ok()?;
        alternatives
            .0
            .into_iter()
            .find_map(Got::ok)?
            .transcript
            .ok()
    }
}

/// The names a file gives its speakers: by id (`{"id": 0, "name": "Ann"}`) or by place in a
/// list of names (`["Ann", "Bo"]`, where a numeric speaker is an index).
#[derive(Default)]
struct Directory {
    by_id: Vec<(String, String)>,
    by_index: Vec<String>,
}

impl Directory {
    fn new(speakers: &Got<List<SpeakerEntry<'_>>>) -> Directory {
        let mut dir = Directory::default();
        let Some(list) = speakers.as_ref() else {
            return dir;
        };
        for entry in &list.0 {
            match entry {
                Got::Is(SpeakerEntry::Name(n)) => dir.by_index.push(n.trim().to_owned()),
                Got::Is(SpeakerEntry::Named(Named {
                    id: Got::Is(id),
                    name: Got::Is(name),
                })) if !name.0.trim().is_empty() => {
                    dir.by_id.push((id.0.clone(), name.0.trim().to_owned()));
                }
                _ => dir.by_index.push(String::new()),
            }
        }
        dir
    }

    /// The name of speaker `id`, if the file gives one.
    fn name(&self, id: &str) -> Option<String> {
        if let Some((_, n)) = self.by_id.iter().find(|(i, _)| i == id) {
            return Some(n.clone());
        }
        let at: usize = id.parse().ok()?;
        self.by_index.get(at).filter(|n| !n.is_empty()).cloned()
    }

    /// The speaker of a unit: a name written with it, the directory's name for its id, or the id
    /// itself (`unnamed` words it: `Speaker 1` for Rev's bare numbers).
    fn speaker(&self, who: Got<Who<'_>>, unnamed: impl Fn(String) -> String) -> Option<String> {
        let id = match who.ok()? {
            Who::Id(id) => id.0,
            Who::Named(Named {
                name: Got::Is(n), ..
            }) if !n.0.trim().is_empty() => {
                return Some(n.0.trim().to_owned());
            }
            Who::Named(Named {
                id: Got::Is(id), ..
            }) => id.0,
            Who::Named(_) => return None,
        };
        if id.is_empty() {
            return None;
        }
        Some(self.name(&id).unwrap_or_else(|| unnamed(id)))
    }
}

fn millis(seconds: Option<Seconds>, to_ms: f64) -> Option<u64> {
    seconds
        .map(|s| s.0)
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| (s * to_ms).round() as u64)
}

fn list_units<'a>(
    items: List<Item<'a>>,
    key: &'static str,
    to_ms: f64,
    dir: &Directory,
) -> Result<Vec<Unit<'a>>, Misfit> {
    let mut out = Vec::with_capacity(items.0.len());
    for (i, item) in items.0.into_iter().enumerate() {
        let item = match item {
            Got::Is(item) => item,
            Got::Wrong(k) => {
                return Err(misfit(
                    key,
                    format!("`{key}[{i}]` is {k}, expected an object"),
                ));
            }
            Got::Missing => continue,
        };
        let text = item.text.ok().or(item.transcript.ok()).ok_or_else(|| {
            misfit(
                key,
                format!("`{key}[{i}]` has no string `text` or `transcript`"),
            )
        })?;
        out.push(Unit {
            speaker: dir.speaker(item.speaker, |id| id),
            start_ms: millis(item.start.ok(), to_ms),
            pieces: vec![text.0],
            spaced: false,
        });
    }
    Ok(out)
}

fn rev_units<'a>(list: List<Monologue<'a>>, dir: &Directory) -> Result<Vec<Unit<'a>>, Misfit> {
    let mut out = Vec::with_capacity(list.0.len());
    for (i, m) in list.0.into_iter().enumerate() {
        let Got::Is(m) = m else {
            return Err(misfit(
                "monologues",
                format!("`monologues[{i}]` is not an object"),
            ));
        };
        // The API writes `elements`; the editor writes `spans`. Some exports carry both, one of
        // them empty: the one with words is read.
        let words = |l: &Got<List<Element<'_>>>| {
            l.as_ref().is_some_and(|l| {
                l.0.iter()
                    .any(|e| e.as_ref().is_some_and(|e| e.value.as_ref().is_some()))
            })
        };
        let elements = if words(&m.elements) || !words(&m.spans) {
            m.elements.ok().or(m.spans.ok())
        } else {
            m.spans.ok()
        };
        let elements = elements.ok_or_else(|| {
            misfit(
                "monologues",
                format!("`monologues[{i}]` has no `elements` or `spans` array"),
            )
        })?;
        let elements: Vec<Element<'a>> = elements.0.into_iter().filter_map(Got::ok).collect();
        let start_ms = millis(elements.iter().find_map(|e| e.ts.as_ref().copied()), 1000.0);
        // Spaces written as pieces of their own (the API, some editor exports): the pieces
        // join as they are. Words alone: they join with spaces.
        let spaced = !elements.iter().any(|e| {
            e.value
                .as_ref()
                .is_some_and(|v| !v.0.is_empty() && v.0.trim().is_empty())
        });
        let named = m
            .speaker_name
            .ok()
            .map(|s| s.0.trim().to_owned())
            .filter(|s| !s.is_empty());
        let speaker = named.or_else(|| dir.speaker(m.speaker, |id| format!("Speaker {id}")));
        out.push(Unit {
            speaker,
            start_ms,
            pieces: elements
                .into_iter()
                .filter_map(|e| e.value.ok().map(|v| v.0))
                .filter(|v| !spaced || !v.trim().is_empty())
                .collect(),
            spaced,
        });
    }
    Ok(out)
}
