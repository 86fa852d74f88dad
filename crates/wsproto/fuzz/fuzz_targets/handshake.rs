//! cargo-fuzz entry point; the harness is `../harness/handshake.rs`.
#![no_main]

#[path = "../harness/handshake.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
