//! Bytes to text. UTF-8 offsets stay file offsets (a BOM is kept as U+FEFF in the text);
//! UTF-16 is transcoded and its offsets refer to the UTF-8 transcoding.

use jtbd_model::Encoding;

/// A decoded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text every later offset refers to.
    pub text: String,
    /// How it was decoded.
    pub encoding: Encoding,
}

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The file is not valid UTF-8 and not UTF-16.
    #[error(
        "line {line}: invalid UTF-8 at byte {byte} (the file is not UTF-8 or UTF-16 text; re-save it as UTF-8)"
    )]
    InvalidUtf8 {
        /// 1-based line of the bad byte.
        line: usize,
        /// Byte offset of the bad byte.
        byte: usize,
    },
    /// The file has a UTF-16 byte order mark but invalid UTF-16 content.
    #[error("invalid UTF-16 at byte {byte}: unpaired surrogate or odd length")]
    InvalidUtf16 {
        /// Byte offset of the bad code unit.
        byte: usize,
    },
    /// The file holds NUL bytes and does not look like UTF-16: it is binary, not a transcript.
    #[error(
        "line {line}: NUL byte at byte {byte}: this looks like a binary file, not a transcript"
    )]
    Binary {
        /// 1-based line of the NUL byte.
        line: usize,
        /// Byte offset of the NUL byte.
        byte: usize,
    },
}

/// Decodes a file's bytes.
///
/// Order: UTF-8 BOM, UTF-16 BOM, BOM-less UTF-16 (recognised by NUL bytes on one parity),
/// then UTF-8. NUL bytes in UTF-8 mean a binary file.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, 2, u16::from_le_bytes, Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, 2, u16::from_be_bytes, Encoding::Utf16Be);
    }
    let has_bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
    if !has_bom {
        if let Some(enc) = sniff_utf16(bytes) {
            let from = match enc {
                Encoding::Utf16Le => u16::from_le_bytes,
                _ => u16::from_be_bytes,
            };
            return utf16(bytes, 0, from, enc);
        }
    }
    if let Some(pos) = memchr::memchr(0, bytes) {
        return Err(DecodeError::Binary {
            line: line_of(bytes, pos),
            byte: pos,
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.to_owned(),
            encoding: if has_bom {
                Encoding::Utf8Bom
            } else {
                Encoding::Utf8
            },
        }),
        Err(e) => {
            let byte = e.valid_up_to();
            Err(DecodeError::InvalidUtf8 {
                line: line_of(bytes, byte),
                byte,
            })
        }
    }
}

/// [`decode`] for bytes it may keep: valid UTF-8 becomes the text without a copy.
pub fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    let plain_utf8 = !bytes.starts_with(&[0xFF, 0xFE])
        && !bytes.starts_with(&[0xFE, 0xFF])
        && memchr::memchr(0, &bytes).is_none();
    if plain_utf8 {
        let has_bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
        return match String::from_utf8(bytes) {
            Ok(text) => Ok(Decoded {
                text,
                encoding: if has_bom {
                    Encoding::Utf8Bom
                } else {
                    Encoding::Utf8
                },
            }),
            Err(e) => decode(e.as_bytes()),
        };
    }
    decode(&bytes)
}

/// BOM-less UTF-16: ASCII-heavy text puts a NUL in every other byte. Require an even length and
/// most of one parity to be NUL while the other parity has almost none.
fn sniff_utf16(bytes: &[u8]) -> Option<Encoding> {
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let units = sample.len() / 2;
    if odd * 10 >= units * 6 && even * 10 <= units {
        Some(Encoding::Utf16Le)
    } else if even * 10 >= units * 6 && odd * 10 <= units {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

fn utf16(
    body: &[u8],
    offset: usize,
    from: fn([u8; 2]) -> u16,
    encoding: Encoding,
) -> Result<Decoded, DecodeError> {
    if body.len() % 2 != 0 {
        return Err(DecodeError::InvalidUtf16 {
            byte: offset + body.len() - 1,
        });
    }
    let units = body.chunks_exact(2).map(|p| from([p[0], p[1]]));
    let mut text = String::with_capacity(body.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok('\0') => {
                return Err(DecodeError::Binary {
                    line: text.matches('\n').count() + 1,
                    byte: offset + i * 2,
                });
            }
            Ok(c) => text.push(c),
            Err(_) => {
                return Err(DecodeError::InvalidUtf16 {
                    byte: offset + i * 2,
                });
            }
        }
    }
    Ok(Decoded { text, encoding })
}

fn line_of(bytes: &[u8], pos: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..pos]).count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_plain_and_bom() {
        assert_eq!(decode(b"hi").unwrap().encoding, Encoding::Utf8);
        let d = decode(b"\xEF\xBB\xBFhi").unwrap();
        assert_eq!(d.encoding, Encoding::Utf8Bom);
        assert_eq!(d.text.len(), 5, "BOM kept so offsets are file offsets");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let le: Vec<u8> = "Q: héllo\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let mut with_bom = vec![0xFF, 0xFE];
        with_bom.extend(&le);
        assert_eq!(decode(&with_bom).unwrap().text, "Q: héllo\n");
        let d = decode(&le).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("Q: héllo\n", Encoding::Utf16Le)
        );
        let be: Vec<u8> = "Answer: fine"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(decode(&be).unwrap().encoding, Encoding::Utf16Be);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            decode(b"ok\nok\n\xFFbad"),
            Err(DecodeError::InvalidUtf8 { line: 3, byte: 6 })
        );
        assert_eq!(
            decode(b"a\nb\x00c"),
            Err(DecodeError::Binary { line: 2, byte: 3 })
        );
        assert!(matches!(
            decode(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]),
            Err(DecodeError::InvalidUtf16 { .. })
        ));
    }
}
