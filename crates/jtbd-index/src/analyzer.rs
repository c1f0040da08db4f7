//! The project's one analyzer, as tantivy tokenizers.
//!
//! [`TermTokenizer`] hands tantivy exactly the terms of [`jtbd_text::for_each_term`] (NFKC, lower
//! case, Snowball English), so a word in an extraction rule, in the index and in a query are the
//! same term. [`keyword`] keeps a whole value, lower-cased, for speaker names and metadata.

use crate::schema::{ANALYZER, KEYWORD};
use std::ops::Range;
use tantivy::tokenizer::{
    LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager,
};

/// Terms longer than this are not indexed (tantivy refuses terms near 64 KiB; nobody searches
/// for a 200-letter word). They still take a position, so phrases stay exact.
const MAX_TERM_BYTES: usize = 200;

/// Tokenizer over [`jtbd_text::for_each_term`]. Buffers are reused from text to text.
#[derive(Clone, Default)]
pub struct TermTokenizer {
    /// (start, end, range of the term in `terms`, position) of each word.
    words: Vec<(usize, usize, Range<usize>, usize)>,
    terms: String,
    token: Token,
}

/// The tokens of one text.
pub struct TermStream<'a> {
    words: &'a [(usize, usize, Range<usize>, usize)],
    terms: &'a str,
    token: &'a mut Token,
    next: usize,
}

impl Tokenizer for TermTokenizer {
    type TokenStream<'a> = TermStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermStream<'a> {
        self.words.clear();
        self.terms.clear();
        let mut position = 0;
        jtbd_text::for_each_term(text, |start, end, term| {
            if term.len() <= MAX_TERM_BYTES {
                let at = self.terms.len();
                self.terms.push_str(term);
                self.words
                    .push((start, end, at..self.terms.len(), position));
            }
            position += 1;
        });
        self.token.reset();
        TermStream {
            words: &self.words,
            terms: &self.terms,
            token: &mut self.token,
            next: 0,
        }
    }
}

impl TokenStream for TermStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((start, end, term, position)) = self.words.get(self.next) else {
            return false;
        };
        self.next += 1;
        self.token.offset_from = *start;
        self.token.offset_to = *end;
        self.token.position = *position;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(&self.terms[term.clone()]);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The whole value as one lower-cased term.
pub fn keyword() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Registers both analyzers under the names the schema uses.
pub fn register(manager: &TokenizerManager) {
    manager.register(ANALYZER, TermTokenizer::default());
    manager.register(KEYWORD, keyword());
}

/// The terms the index holds for `text`, in order (for tests and for callers that compare).
pub fn terms(text: &str) -> Vec<String> {
    let mut t = TermTokenizer::default();
    let mut stream = t.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The terms the index holds for `text`, joined by single spaces: a field an engine without
/// jtbd's analyzer splits on whitespace into the same terms (the search exports' `words`).
/// A term too long to index is left out, as here.
pub fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    jtbd_text::for_each_term(text, |_, _, term| {
        if term.len() <= MAX_TERM_BYTES && !term.contains(char::is_whitespace) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(term);
        }
    });
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_are_the_terms_split_by_spaces() {
        let text = "Our CISOs were WORRIED about vendor lock-in, naïvely.";
        let w = words(text);
        assert_eq!(
            w.split(' ').map(str::to_owned).collect::<Vec<_>>(),
            terms(text)
        );
    }

    use super::*;

    #[test]
    fn same_terms_as_the_shared_function() {
        let text = "Our CISOs were WORRIED about vendor lock-in, naïvely.";
        let shared: Vec<String> = jtbd_text::tokenize(text)
            .into_iter()
            .map(|t| t.term)
            .collect();
        assert_eq!(terms(text), shared);
        assert_eq!(terms("worrying")[0], terms("worried")[0]);
    }

    #[test]
    fn offsets_point_at_the_words_and_long_terms_keep_positions() {
        let long = "x".repeat(MAX_TERM_BYTES + 1);
        let text = format!("lock {long} in");
        let mut t = TermTokenizer::default();
        let mut s = t.token_stream(&text);
        let mut seen = Vec::new();
        while s.advance() {
            let tok = s.token();
            seen.push((
                text[tok.offset_from..tok.offset_to].to_owned(),
                tok.position,
            ));
        }
        assert_eq!(seen, [("lock".to_owned(), 0), ("in".to_owned(), 2)]);
    }
}
