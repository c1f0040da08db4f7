#![no_main]
//! The srt reader on arbitrary bytes: no panic, sentences at real places.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::check(data, Some(jtbd_model::Format::Srt), "t.srt");
});
