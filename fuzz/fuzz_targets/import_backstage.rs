//! `cairn import backstage` on fuzzed sources: reading, mapping and the files it would write.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::import_backstage(data));
