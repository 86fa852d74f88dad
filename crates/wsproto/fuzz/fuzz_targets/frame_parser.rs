//! cargo-fuzz entry point; the harness is `../harness/frame_parser.rs`.
#![no_main]

#[path = "../harness/frame_parser.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
