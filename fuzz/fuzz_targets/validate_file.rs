//! One file's bytes through the loader, validation and every output format.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::validate_file(data));
