//! DOCX: the paragraphs of `word/document.xml`, as text, for the labelled readers.
//!
//! The extracted text is what offsets and lines of a DOCX interview refer to: one paragraph per
//! line, paragraphs separated by a blank line (so line `2k - 1` is paragraph `k`).

use crate::IngestError;
use std::io::Read;

/// Whether `bytes` start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn bad(message: String) -> IngestError {
    IngestError::Parse { line: 1, message }
}

/// Extracts the paragraphs of a DOCX. `limit` bounds the uncompressed XML read (zip bombs).
pub fn extract_text(bytes: &[u8], limit: u64) -> Result<String, IngestError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("not a valid DOCX (zip) file: {e}")))?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|_| bad("no word/document.xml inside: not a Word document".into()))?;
    let mut xml = Vec::new();
    entry
        .take(limit + 1)
        .read_to_end(&mut xml)
        .map_err(|e| bad(format!("cannot decompress word/document.xml: {e}")))?;
    if xml.len() as u64 > limit {
        return Err(bad(format!(
            "word/document.xml expands past the limit of {limit} bytes (raise it with --max-file-size)"
        )));
    }
    let xml =
        String::from_utf8(xml).map_err(|e| bad(format!("word/document.xml is not UTF-8: {e}")))?;
    Ok(paragraphs(&xml).join("\n\n"))
}

/// The text of each `<w:p>` paragraph: `<w:t>` runs, tabs and breaks.
fn paragraphs(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_text = false;
    let mut pos = 0;
    while let Some(lt) = xml[pos..].find('<').map(|i| i + pos) {
        if in_text {
            current.push_str(&unescape(&xml[pos..lt]));
        }
        let Some(gt) = xml[lt..].find('>').map(|i| i + lt) else {
            break;
        };
        let tag = &xml[lt + 1..gt];
        let name = tag
            .trim_end_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or("");
        match name {
            "w:t" => in_text = !tag.ends_with('/'),
            "/w:t" => in_text = false,
            "w:tab" => current.push('\t'),
            "w:br" | "w:cr" => current.push('\n'),
            "/w:p" => {
                let p = current.trim_end().to_owned();
                current.clear();
                if !p.trim().is_empty() {
                    out.push(p);
                }
            }
            _ => {}
        }
        pos = gt + 1;
    }
    if !current.trim().is_empty() {
        out.push(current.trim_end().to_owned());
    }
    out
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let Some(semi) = after.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_entities() {
        let xml = r#"<w:body><w:p><w:r><w:t>Ann Lee</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">0:03</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>R&amp;D &lt;3 &#233;</w:t></w:r></w:p></w:body>"#;
        assert_eq!(paragraphs(xml), ["Ann Lee\t0:03", "R&D <3 é"]);
        assert!(extract_text(b"PK\x03\x04garbage", 1000).is_err());
    }
}
