#![no_main]
//! Front matter and the manifest CSV on arbitrary bytes: errors, never panics.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok((_, end)) = jtbd_ingest::meta::front_matter(text) {
            assert!(end <= text.len() && text.is_char_boundary(end));
        }
    }
    if let Ok(m) = jtbd_ingest::Manifest::parse(data, "participants.csv") {
        let _ = m.lookup("a.txt");
    }
});
