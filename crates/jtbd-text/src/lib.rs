//! Text primitives shared by every stage of jtbd.
//!
//! - [`decode`]: bytes to text (UTF-8 with or without BOM, UTF-16 with or without BOM), with
//!   offsets that stay file offsets for UTF-8.
//! - [`lines`]: line numbers for byte offsets, whatever the line ends (LF, CRLF, CR).
//! - [`markup`]: inline timestamps (`[00:12:03]`, `\[12:03\]`, `(12:03)`) and annotations
//!   (`[laughter]`) that are kept out of sentence text.
//! - [`sentences`]: sentence boundaries as byte ranges.
//! - [`tokens`]: the one normalise (NFKC, lower case) + stem function that extraction and search
//!   both use, so a term in a rule and a term in the index are the same term.
//!
//! Knowledge (abbreviations, annotation words) is data in `data/*.toml`, embedded at build time.

pub mod decode;
pub mod distance;
pub mod entities;
pub mod leb128;
pub mod lexicon;
pub mod lines;
pub mod markup;
pub mod sentences;
pub mod tokens;

#[cfg(test)]
mod props;

pub use decode::{DecodeError, Decoded, decode, decode_owned, windows_1252_line};
pub use distance::{closest, edit_distance};
pub use lines::{LineCursor, LineIndex};
pub use markup::{Markup, MarkupKind, parse_timestamp, scan_markup};
pub use sentences::{count_words, for_each_sentence, is_ascii_space, split_sentences};
pub use tokens::{
    TERM_ID_LIMIT, TermId, Token, for_each_term, for_each_term_id, normalize_word, stem, tokenize,
};
