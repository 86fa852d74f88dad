//! cargo-fuzz entry point; the harness is `../harness/connection_client.rs`.
#![no_main]

#[path = "../harness/connection_client.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
