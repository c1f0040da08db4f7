//! What the pattern gate holds for each pattern: a part every match of the pattern contains.
//!
//! The gate only decides which patterns to run on a sentence; each one that passes is then run
//! in full. So the gate may hold, for a pattern, any piece that a match of the whole cannot do
//! without. A pattern with a wide gap (`what if ... break`, `[^.?!]*`) is cut at the gap and
//! the gate keeps the longer side: in one automaton over every pattern, a gap's "seen the
//! first half" must be remembered in every state after it, which multiplies the states (and
//! the memory a sentence walks through) for every pattern at once.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The gate's part of `pattern` (a rule's pattern as written), as a regex source in the same
/// dialect as [`crate::rules`] compiles: ASCII, case-insensitive, on bytes.
pub(crate) fn gate_source(pattern: &str) -> String {
    let whole = format!("(?i-u){pattern}");
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(&whole)
    else {
        // A pattern that does not parse is reported when it is compiled on its own.
        return whole;
    };
    let HirKind::Concat(items) = hir.kind() else {
        return whole;
    };
    // Runs of items between wide gaps. Every item of a run matches at the same place in the
    // haystack as in a match of the whole, look-arounds (`\b`) included, since they look at
    // the haystack, not at the match: a run is a piece every match contains.
    let mut runs: Vec<&[Hir]> = Vec::new();
    let mut from = 0;
    for (i, item) in items.iter().enumerate() {
        if is_wide_gap(item) {
            runs.push(&items[from..i]);
            from = i + 1;
        }
    }
    runs.push(&items[from..]);
    let min_len = |run: &&[Hir]| {
        Hir::concat(run.to_vec())
            .properties()
            .minimum_len()
            .unwrap_or(0)
    };
    // A gap at the very start (`^\W*...`) cuts off nothing worth keeping: only a gap with text
    // on both sides is cut.
    if runs.len() < 2 || runs.iter().any(|r| min_len(r) == 0) {
        return whole;
    }
    let best = runs
        .iter()
        .max_by_key(|r| min_len(r))
        .map_or_else(|| hir.clone(), |r| Hir::concat(r.to_vec()));
    best.to_string()
}

/// An unbounded repetition of a class of most bytes: `[^.?!]*`, `.*`, `\W+`.
fn is_wide_gap(hir: &Hir) -> bool {
    let HirKind::Repetition(rep) = hir.kind() else {
        return false;
    };
    if rep.max.is_some() {
        return false;
    }
    let bytes = match rep.sub.kind() {
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .map(|r| usize::from(r.end() - r.start()) + 1)
            .sum(),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .map(|r| (r.end().min('\u{ff}') as usize + 1).saturating_sub(r.start() as usize))
            .sum(),
        _ => 0,
    };
    bytes >= 128
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::bytes::Regex;

    #[test]
    fn a_gap_is_cut_and_the_longer_side_kept() {
        let g = gate_source(r"\b(if|when)\b[^.?!]*\b(breach|outage)\b");
        let re = Regex::new(&g).unwrap();
        assert!(re.is_match(b"a breach"), "{g}");
        assert!(!re.is_match(b"if only"), "{g}");
    }

    #[test]
    fn patterns_without_a_gap_between_text_stay_whole() {
        for p in [
            r"\bgood enough\b",
            r"^\W*(please\s+)?(add|allow)\s+(a|the)\b",
            r"\bbabysit",
        ] {
            assert_eq!(gate_source(p), format!("(?i-u){p}"));
        }
    }

    const WORDS: [&str; 14] = [
        "if", "when", "we", "breach", "outage", "Breach", ".", "the", "day", "fails", "every",
        "time", "x", "!",
    ];

    proptest! {
        /// Wherever a pattern matches, its gate part matches.
        #[test]
        fn the_gate_part_matches_wherever_the_pattern_does(
            words in proptest::collection::vec(proptest::sample::select(&WORDS[..]), 0..12),
            p in proptest::sample::select(&[
                r"\b(if|when)\b[^.?!]*\b(breach|outage)\b",
                r"\b(every|each) (single )?(time|day)\b[^.?!]*\b(fail|fails)\b",
                r"\b(fails|breach)\b[^.?!]*\bevery (single )?time\b",
                r"\b(the day)\b.*\b(fails)\b",
            ][..]),
        ) {
            let text = words.join(" ");
            let whole = Regex::new(&format!("(?i-u){p}")).unwrap();
            let part = Regex::new(&gate_source(p)).unwrap();
            if whole.is_match(text.as_bytes()) {
                prop_assert!(part.is_match(text.as_bytes()), "{} / {}", p, text);
            }
        }
    }
}
