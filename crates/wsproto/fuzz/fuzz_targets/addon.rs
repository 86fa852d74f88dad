//! cargo-fuzz entry point; the harness is `../harness/addon.rs`.
#![no_main]

#[path = "../harness/addon.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
