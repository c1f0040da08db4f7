//! Bytes to text. UTF-8 offsets stay file offsets (a BOM is kept as U+FEFF in the text).
//! UTF-16 and legacy encodings (Windows-1252 from Word's "Save as text", Latin-1, ...) are
//! transcoded; [`Decoded::offsets`] maps every offset of the transcoding back to the file.

use jtbd_model::{Encoding, FileOffsets};

/// A decoded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text every later offset refers to.
    pub text: String,
    /// How it was decoded.
    pub encoding: Encoding,
    /// Where the text's bytes are in the file (the identity for UTF-8).
    pub offsets: FileOffsets,
}

impl Decoded {
    fn utf8(text: String, has_bom: bool) -> Decoded {
        Decoded {
            text,
            encoding: if has_bom {
                Encoding::Utf8Bom
            } else {
                Encoding::Utf8
            },
            offsets: FileOffsets::default(),
        }
    }
}

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The file is neither valid UTF-8, UTF-16 nor a legacy encoding: UTF-8 with a broken byte.
    #[error(
        "line {line}: invalid UTF-8 at byte {byte} (the rest of the file is UTF-8, so this is a damaged byte, not another encoding; re-save it as UTF-8)"
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
/// then UTF-8. NUL bytes in UTF-8 mean a binary file. Bytes that are not UTF-8 and hold no valid
/// multi-byte UTF-8 sequence at all are a legacy encoding, guessed by `chardetng`; bytes that mix
/// valid UTF-8 with invalid bytes are a damaged UTF-8 file, refused at the first bad byte.
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
        Ok(text) => Ok(Decoded::utf8(text.to_owned(), has_bom)),
        Err(e) => {
            let byte = e.valid_up_to();
            let damaged = DecodeError::InvalidUtf8 {
                line: line_of(bytes, byte),
                byte,
            };
            if has_bom || holds_utf8_sequences(bytes) {
                return Err(damaged);
            }
            legacy(bytes).ok_or(damaged)
        }
    }
}

/// Whether any valid multi-byte UTF-8 sequence is in `bytes`: then it was written as UTF-8.
fn holds_utf8_sequences(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|c| !c.valid().is_ascii())
}

/// Decodes bytes in the legacy encoding `chardetng` guesses; `None` when they do not decode
/// cleanly in it (a replacement character would break the offsets).
fn legacy(bytes: &[u8]) -> Option<Decoded> {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let enc = detector.guess(None, false);
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors || enc == encoding_rs::UTF_8 {
        return None;
    }
    let text = text.into_owned();
    let offsets = if enc.is_single_byte() {
        FileOffsets::from_chars(&text, 0, 1, |_| 1)
    } else {
        let mut encoder = enc.new_encoder();
        FileOffsets::from_chars(&text, 0, 1, |c| {
            let mut buf = [0u8; 4];
            let mut out = [0u8; 16];
            let (_, _, written, _) =
                encoder.encode_from_utf8(c.encode_utf8(&mut buf), &mut out, false);
            written
        })
    };
    Some(Decoded {
        text,
        encoding: Encoding::Legacy(enc.name()),
        offsets,
    })
}

/// One line of a text saved in Windows-1252 (a survey export from Excel on Windows: `We\x92re`),
/// when every byte past ASCII reads as a letter or a mark such text holds (curly quotes, dashes,
/// accented letters, the euro sign); `None` for other bytes (`\xFF\xFE` reads `ÿþ`, a damaged
/// line, not Windows-1252 text). A line read this way is copied: its offsets are the line's own.
pub fn windows_1252_line(bytes: &[u8]) -> Option<String> {
    const MARKS: &str = "€‚„…†‡‰‹›‘’“”•–—™\u{a0}¡¢£¥§©«®°±²³µ¶·¹º»¼½¾¿";
    let (text, had_errors) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    let plausible =
        |c: char| c.is_ascii() || MARKS.contains(c) || (c.is_alphabetic() && !"þÞðÐÿ".contains(c));
    (!had_errors && text.chars().all(plausible)).then(|| text.into_owned())
}

/// [`decode`] for bytes it may keep: valid UTF-8 becomes the text without a copy.
pub fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    let plain_utf8 = !bytes.starts_with(&[0xFF, 0xFE])
        && !bytes.starts_with(&[0xFE, 0xFF])
        && memchr::memchr(0, &bytes).is_none();
    if plain_utf8 {
        let has_bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
        return match String::from_utf8(bytes) {
            Ok(text) => Ok(Decoded::utf8(text, has_bom)),
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
    let lead = offset;
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
    let offsets = FileOffsets::from_chars(&text, lead, 2, |c| 2 * c.len_utf16());
    Ok(Decoded {
        text,
        encoding,
        offsets,
    })
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
        let d = decode(&with_bom).unwrap();
        assert_eq!(d.text, "Q: héllo\n");
        // `h` is the fourth char: after the BOM and three UTF-16 units.
        assert_eq!(d.offsets.file_offset(3), 2 + 3 * 2);
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
    fn legacy_encodings_are_decoded_with_file_offsets() {
        // Word's "Save as text" on Windows: Windows-1252 curly quotes and accents.
        let bytes = b"Q: Caf\xe9 or tea?\nA: I\x92d say caf\xe9, the na\xefve choice.\n";
        let d = decode(bytes).unwrap();
        assert_eq!(d.encoding, Encoding::Legacy("windows-1252"));
        assert!(
            d.text
                .contains("I\u{2019}d say caf\u{e9}, the na\u{ef}ve choice.")
        );
        // Every char of the text sits at the file byte that encodes it.
        for (at, c) in d.text.char_indices() {
            let file = d.offsets.file_offset(at);
            let mut buf = [0; 4];
            let (enc, _, _) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
            assert_eq!(&bytes[file..file + enc.len()], &enc[..], "{c:?} at {at}");
        }
        assert_eq!(d.offsets.file_offset(d.text.len()), bytes.len());
    }

    #[test]
    fn errors_name_the_line() {
        // Valid UTF-8 ("é") and then a lone bad byte: a damaged UTF-8 file, not Latin-1.
        assert_eq!(
            decode(b"ok \xC3\xA9\nok\n\xFFbad"),
            Err(DecodeError::InvalidUtf8 { line: 3, byte: 9 })
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

    #[test]
    fn a_windows_1252_line_reads_and_a_damaged_one_does_not() {
        assert_eq!(
            windows_1252_line(b"We\x92re moving off the old VPN \x96 finally.").as_deref(),
            Some("We\u{2019}re moving off the old VPN \u{2013} finally.")
        );
        assert_eq!(
            windows_1252_line(b"caf\xe9 r\xe9sum\xe9").as_deref(),
            Some("caf\u{e9} r\u{e9}sum\u{e9}")
        );
        assert_eq!(windows_1252_line(b"\xff\xfe bad"), None);
        assert_eq!(windows_1252_line(b"odd \x81 byte"), None);
    }
}
