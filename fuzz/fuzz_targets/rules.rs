#![no_main]
//! The rule loader on arbitrary text: a rule file either loads (and then classifies its own
//! examples without panicking) or is refused with an error.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(set) = jtbd_extract::RuleSet::from_texts(&[("fuzz.toml", text)]) {
            for (i, r) in set.rules().iter().enumerate() {
                for ex in &r.examples {
                    let _ = set.rule_fires(i, &ex.text);
                    let _ = set.classify(&ex.text);
                }
            }
        }
    }
});
