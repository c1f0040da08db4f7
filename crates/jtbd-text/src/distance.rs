//! How far apart two words are: what suggestions ("did you mean...") and typo-tolerant matching
//! measure.

/// The Levenshtein distance between `a` and `b`, in characters: insertions, deletions and
/// substitutions, each counting one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The candidate closest to `word` (any case), if one is within a distance that still reads
/// as a typo: 1 for words of up to four letters, 2 beyond. Ties go to the first candidate.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let limit = if word.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(edit_distance("compnay", "company"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("cisco", "ciso"), 1);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(
            closest("compnay", ["industry", "company", "role"]),
            Some("company")
        );
        assert_eq!(closest("CISCO", ["cto", "ciso"]), Some("ciso"));
        assert_eq!(closest("zzz", ["company"]), None);
    }
}
