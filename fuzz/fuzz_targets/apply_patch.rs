//! A unified diff through the patch applier (`cairn policy test`'s `patch:`), over a small tree.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::apply_patch(data));
