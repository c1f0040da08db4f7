//! JSON values read whatever their type: a reader sees what a key holds (the value it wanted, or
//! the kind of value that stood there instead) and never fails on an unexpected shape. Only
//! syntax errors (and a key written twice) fail a parse.

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The kind of a JSON value, for fit scores and error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        })
    }
}

/// What a key held: nothing, a value of another kind, or the value wanted.
#[derive(Debug, Default)]
pub enum Got<T> {
    #[default]
    Missing,
    Wrong(Kind),
    Is(T),
}

impl<T> Got<T> {
    pub fn ok(self) -> Option<T> {
        match self {
            Got::Is(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Got::Is(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, Got::Missing)
    }
}

/// A number as JSON wrote it.
#[derive(Debug, Clone, Copy)]
pub enum Num {
    U(u64),
    I(i64),
    F(f64),
}

/// A type read from some kinds of JSON value; every other kind is drained and reported.
pub trait FromJson<'de>: Sized {
    fn from_str(_v: Cow<'de, str>) -> Option<Self> {
        None
    }
    fn from_number(_n: Num) -> Option<Self> {
        None
    }
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

impl<'de, T: FromJson<'de>> Deserialize<'de> for Got<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        fn got<T>(v: Option<T>, kind: Kind) -> Got<T> {
            v.map_or(Got::Wrong(kind), Got::Is)
        }
        impl<'de, T: FromJson<'de>> Visitor<'de> for Visit<T> {
            type Value = Got<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Got::Wrong(Kind::Null))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Got::Wrong(Kind::Null))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Got::Wrong(Kind::Bool))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(got(T::from_number(Num::U(v)), Kind::Number))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(got(T::from_number(Num::I(v)), Kind::Number))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(got(T::from_number(Num::F(v)), Kind::Number))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(got(T::from_str(Cow::Borrowed(v)), Kind::String))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(got(T::from_str(Cow::Owned(v.to_owned())), Kind::String))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(got(T::from_str(Cow::Owned(v)), Kind::String))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Ok(got(T::from_seq(seq)?, Kind::Array))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Ok(got(T::from_map(map)?, Kind::Object))
            }
        }
        d.deserialize_any(Visit(std::marker::PhantomData))
    }
}

/// A string value, borrowed from the source when it holds no escapes (serde's own `Cow` always
/// copies), so its place in the file is known without a search.
#[derive(Debug)]
pub struct Text<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> FromJson<'de> for Text<'a> {
    fn from_str(v: Cow<'de, str>) -> Option<Self> {
        Some(Text(v))
    }
}

/// A time in the file's unit: a number, or a number written as a string (`"12.5"`).
#[derive(Debug, Clone, Copy)]
pub struct Seconds(pub f64);

impl<'de> FromJson<'de> for Seconds {
    fn from_number(n: Num) -> Option<Self> {
        Some(Seconds(match n {
            Num::U(v) => v as f64,
            Num::I(v) => v as f64,
            Num::F(v) => v,
        }))
    }
    fn from_str(v: Cow<'de, str>) -> Option<Self> {
        v.trim().parse().ok().map(Seconds)
    }
}

/// A speaker id: a string or a number (`"A"`, `"SPEAKER_01"`, `0`), as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Id(pub String);

impl<'de> FromJson<'de> for Id {
    fn from_str(v: Cow<'de, str>) -> Option<Self> {
        Some(Id(v.into_owned()))
    }
    fn from_number(n: Num) -> Option<Self> {
        Some(Id(match n {
            Num::U(v) => v.to_string(),
            Num::I(v) => v.to_string(),
            Num::F(v) if v.fract() == 0.0 && v.abs() < 1e15 => (v as i64).to_string(),
            Num::F(v) => v.to_string(),
        }))
    }
}

/// An array, each element read leniently.
#[derive(Debug)]
pub struct List<T>(pub Vec<Got<T>>);

impl<'de, T: FromJson<'de>> FromJson<'de> for List<T> {
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(x) = seq.next_element::<Got<T>>()? {
            out.push(x);
        }
        Ok(Some(List(out)))
    }
}

impl<T> List<T> {
    /// The first element of the kind wanted, if any.
    pub fn first(&self) -> Option<&T> {
        self.0.iter().find_map(Got::as_ref)
    }
}
