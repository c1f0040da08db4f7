//! Shared by the reader targets: parse bytes as one format and check the one invariant that
//! matters, that every sentence names a real place in the source.

use jtbd_ingest::{Options, parse_bytes};
use jtbd_model::Format;

pub fn check(data: &[u8], format: Option<Format>, name: &str) {
    let opts = Options {
        format,
        max_file_bytes: 1 << 20,
        ..Options::default()
    };
    if let Ok(i) = parse_bytes(data, name, &opts, None) {
        for t in &i.turns {
            for s in &t.sentences {
                let slice = i.source.get(s.byte_start..s.byte_end);
                assert!(slice.is_some(), "sentence range off a char boundary");
                if s.unescaped.is_none() && format.is_some_and(Format::is_verbatim) {
                    assert_eq!(slice, Some(s.text(&i.source)));
                }
            }
        }
    }
}
