//! Decodes frame headers back to back, skipping payloads: must never panic,
//! and a complete header must round-trip through the encoder.
//!
//! Shared by the fuzz target and by `cargo test` (`tests/fuzz_seeds.rs`), which
//! replays every seed in `tests/corpus/frame_parser/` through this same function.
use wsproto::{decode_header, encode_frame, HeaderDecode};

/// Runs one input; panics on a broken invariant.
pub fn run(data: &[u8]) {
    let mut rest = data;
    while let Ok(HeaderDecode::Complete { header, len }) = decode_header(rest) {
        let Ok(payload_len) = usize::try_from(header.payload_len) else {
            break;
        };
        let Some(end) = len.checked_add(payload_len) else {
            break;
        };
        let Some(payload) = rest.get(len..end) else {
            break;
        };
        let mut out = Vec::new();
        encode_frame(&mut out, &header, &[payload]);
        match decode_header(&out) {
            Ok(HeaderDecode::Complete { header: again, .. }) => assert_eq!(again, header),
            other => panic!("re-encoded header does not decode: {other:?}"),
        }
        rest = &rest[end..];
    }
}
