//! HTML character references in Markdown text (`I&#39;m`, `&amp;`, `&rsquo;`), decoded with a map
//! back to the exact bytes they were written as.

/// Named references a transcript tool writes; anything else is left as written.
const NAMED: [(&str, char); 30] = [
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{a0}'),
    ("rsquo", '\u{2019}'),
    ("lsquo", '\u{2018}'),
    ("rdquo", '\u{201d}'),
    ("ldquo", '\u{201c}'),
    ("mdash", '\u{2014}'),
    ("ndash", '\u{2013}'),
    ("hellip", '\u{2026}'),
    ("copy", '\u{a9}'),
    ("reg", '\u{ae}'),
    ("trade", '\u{2122}'),
    ("eacute", '\u{e9}'),
    ("egrave", '\u{e8}'),
    ("aacute", '\u{e1}'),
    ("agrave", '\u{e0}'),
    ("iacute", '\u{ed}'),
    ("oacute", '\u{f3}'),
    ("uacute", '\u{fa}'),
    ("uuml", '\u{fc}'),
    ("ouml", '\u{f6}'),
    ("auml", '\u{e4}'),
    ("iuml", '\u{ef}'),
    ("ccedil", '\u{e7}'),
    ("ntilde", '\u{f1}'),
    ("euro", '\u{20ac}'),
];

/// The text of `s` with its character references decoded, and `(text offset, offset in s)` steps
/// (as [`jtbd_model::FileOffsets`] takes them) placing every byte of the text in `s`; `None`
/// when `s` holds no reference.
pub fn decode_entities(s: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let mut from = 0;
    let mut out = String::new();
    let mut steps = Vec::new();
    let mut copied = 0;
    while let Some(amp) = memchr::memchr(b'&', &s.as_bytes()[from..]).map(|i| i + from) {
        from = amp + 1;
        let Some((c, len)) = reference(&s[amp..]) else {
            continue;
        };
        out.push_str(&s[copied..amp]);
        out.push(c);
        copied = amp + len;
        from = copied;
        steps.push((out.len(), copied));
    }
    if steps.is_empty() {
        return None;
    }
    out.push_str(&s[copied..]);
    Some((out, steps))
}

/// The character a reference at the start of `s` stands for, and its length in bytes.
fn reference(s: &str) -> Option<(char, usize)> {
    let end = s.as_bytes().iter().take(12).position(|&b| b == b';')?;
    let name = &s[1..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(code).filter(|&c| c != '\0')?
    } else {
        NAMED.iter().find(|(n, _)| *n == name)?.1
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jtbd_model::FileOffsets;

    #[test]
    fn references_decode_and_stay_placed() {
        let s = "I&#39;m sure &amp; calm &rsquo;really&#x2019; &bogus; & done";
        let (text, steps) = decode_entities(s).unwrap();
        assert_eq!(
            text,
            "I'm sure & calm \u{2019}really\u{2019} &bogus; & done"
        );
        let map = FileOffsets::from_steps(steps);
        // Every word of the text is found at its place in `s`.
        for word in ["sure", "calm", "really", "&bogus;", "done"] {
            let at = text.find(word).unwrap();
            let place = map.file_offset(at);
            assert_eq!(&s[place..place + word.len()], word);
        }
        assert_eq!(map.file_offset(text.len()), s.len());
        assert_eq!(decode_entities("no references & none here"), None);
        assert_eq!(decode_entities("&#0; &#xZZ; &;"), None);
    }
}
