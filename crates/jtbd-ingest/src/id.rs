//! Stable interview ids, derived from the path alone.

/// The id of the interview at `path`: a readable slug of the path plus a short hash of it, so
/// two files with the same name in different folders never share an id, and the same path always
/// gets the same id on every machine.
pub fn interview_id(path: &str) -> String {
    let path = path.strip_prefix("./").unwrap_or(path);
    let stem = path
        .rsplit('/')
        .next()
        .map(|name| name.rsplit_once('.').map_or(name, |(s, _)| s))
        .unwrap_or(path);
    let mut slug = String::with_capacity(stem.len());
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    // FNV-1a: tiny, stable across platforms and releases (std's hasher is not).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!(
        "{}-{:08x}",
        if slug.is_empty() { "file" } else { slug },
        h >> 32
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_distinct() {
        let a = interview_id("corpora/CISO Acme.md");
        assert!(a.starts_with("ciso-acme-"), "{a}");
        assert_eq!(a, interview_id("./corpora/CISO Acme.md"));
        assert_ne!(a, interview_id("other/CISO Acme.md"));
        assert!(interview_id("...").starts_with("file-"));
    }
}
