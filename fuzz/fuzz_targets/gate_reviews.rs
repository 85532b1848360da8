//! Reviews and an event payload through the whole gate on a fixed pull request.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::gate_reviews(data));
