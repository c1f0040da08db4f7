//! One reader per family of formats. Each turns decoded text into [`Segment`](crate::Segment)s.

pub mod captions;
pub mod docx;
pub mod json;
pub mod labelled;

use crate::{IngestError, Parsed};
use jtbd_model::Format;

/// Reads `source` as `format`.
pub fn read(format: Format, source: &str) -> Result<Parsed, IngestError> {
    match format {
        Format::Text | Format::Markdown | Format::Otter => labelled::read(source, format),
        Format::Vtt => captions::read_vtt(source),
        Format::Srt => captions::read_srt(source),
        Format::Json => json::read(source),
        Format::Docx => {
            // A Word document's paragraphs are read like the text exports they usually carry
            // (Teams and Otter headers, `Name:` paragraphs, `**Name:**` when pasted from Markdown).
            let inner = match crate::detect::detect(source, "document.txt") {
                f @ (Format::Markdown | Format::Otter) => f,
                _ => Format::Text,
            };
            labelled::read(source, inner)
        }
    }
}
