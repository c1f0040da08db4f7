#![no_main]
//! Format detection and whichever reader it picks, on arbitrary bytes.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::check(data, None, "transcript.txt");
});
