//! cargo-fuzz entry point; the harness is `../harness/connection_server.rs`.
#![no_main]

#[path = "../harness/connection_server.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
