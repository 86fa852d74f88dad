//! Frame header decoding and encoding against hex vectors (RFC 6455 §5.2, §5.7).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{hex, to_hex};
use proptest::prelude::*;
use wsproto::{decode_header, encode_frame, FrameHeader, HeaderDecode, ProtocolError};

fn complete(bytes: &[u8]) -> (FrameHeader, usize) {
    match decode_header(bytes) {
        Ok(HeaderDecode::Complete { header, len }) => (header, len),
        other => panic!("expected a complete header, got {other:?}"),
    }
}

fn needed(bytes: &[u8]) -> usize {
    match decode_header(bytes) {
        Ok(HeaderDecode::Incomplete { needed }) => needed,
        other => panic!("expected incomplete, got {other:?}"),
    }
}

fn header(fin: bool, opcode: u8, mask: Option<[u8; 4]>) -> FrameHeader {
    FrameHeader {
        fin,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        opcode,
        mask,
        payload_len: 0,
    }
}

#[test]
fn decodes_rfc_examples() {
    // RFC 6455 §5.7: single-frame unmasked text "Hello".
    let (h, len) = complete(&hex("81 05 48 65 6c 6c 6f"));
    assert_eq!(
        (h.fin, h.opcode, h.mask, h.payload_len, len),
        (true, 1, None, 5, 2)
    );
    // Masked "Hello".
    let (h, len) = complete(&hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
    assert_eq!(
        (h.mask, h.payload_len, len),
        (Some([0x37, 0xfa, 0x21, 0x3d]), 5, 6)
    );
    // Fragmented: first and last frame.
    let (h, _) = complete(&hex("01 03 48 65 6c"));
    assert_eq!((h.fin, h.opcode, h.payload_len), (false, 1, 3));
    let (h, _) = complete(&hex("80 02 6c 6f"));
    assert_eq!((h.fin, h.opcode, h.payload_len), (true, 0, 2));
    // Ping "Hello" and masked pong "Hello".
    let (h, _) = complete(&hex("89 05 48 65 6c 6c 6f"));
    assert_eq!((h.opcode, h.payload_len), (9, 5));
    let (h, len) = complete(&hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
    assert_eq!((h.opcode, len), (0xa, 6));
    // 256-byte binary (16-bit length) and 64 KiB binary (64-bit length).
    let (h, len) = complete(&hex("82 7e 01 00"));
    assert_eq!((h.opcode, h.payload_len, len), (2, 256, 4));
    let (h, len) = complete(&hex("82 7f 00 00 00 00 00 01 00 00"));
    assert_eq!((h.payload_len, len), (65536, 10));
    // Largest header: 64-bit length and mask.
    let (h, len) = complete(&hex("82 ff 00 00 00 00 00 01 00 00 01 02 03 04"));
    assert_eq!(
        (h.payload_len, h.mask, len),
        (65536, Some([1, 2, 3, 4]), 14)
    );
}

#[test]
fn decodes_bits() {
    let (h, _) = complete(&hex("f2 00"));
    assert!(h.fin && h.rsv1 && h.rsv2 && h.rsv3 && h.has_rsv());
    let (h, _) = complete(&hex("42 00"));
    assert!(!h.fin && h.rsv1 && !h.rsv2 && !h.rsv3);
    // Reserved opcodes decode: the connection rejects them after the length checks.
    let (h, _) = complete(&hex("83 00"));
    assert_eq!(h.opcode, 3);
}

#[test]
fn reports_how_many_bytes_are_missing() {
    assert_eq!(needed(&[]), 2);
    assert_eq!(needed(&hex("81")), 1);
    assert_eq!(needed(&hex("81 85")), 4);
    assert_eq!(needed(&hex("81 85 37 fa")), 2);
    assert_eq!(needed(&hex("82 7e")), 2);
    assert_eq!(needed(&hex("82 7e 01")), 1);
    assert_eq!(needed(&hex("82 fe")), 6);
    assert_eq!(needed(&hex("82 7f")), 8);
    assert_eq!(needed(&hex("82 ff 00 00")), 10);
    // Every strict prefix of a full header is incomplete, never an error; once
    // the second byte is here the exact header size is known.
    let full = hex("82 ff 00 00 00 00 00 01 00 00 01 02 03 04");
    for cut in 0..full.len() {
        let expected = if cut < 2 { 2 - cut } else { full.len() - cut };
        assert_eq!(needed(&full[..cut]), expected, "cut {cut}");
    }
}

#[test]
fn rejects_what_rfc_forbids_in_every_connection() {
    let err = |s: &str| decode_header(&hex(s)).unwrap_err();
    // RFC 6455 §5.2: the most significant bit of a 64-bit length must be 0,
    // rejected as soon as that byte is here.
    assert_eq!(err("82 7f 80"), ProtocolError::InvalidPayloadLength);
    assert_eq!(
        err("82 7f 80 00 00 00 00 00 00 00"),
        ProtocolError::InvalidPayloadLength
    );
    assert_eq!(
        err("82 7f ff ff ff ff ff ff ff ff"),
        ProtocolError::InvalidPayloadLength
    );
    // RFC 6455 §5.5: control frames are at most 125 bytes and never fragmented.
    assert_eq!(
        err("89 7e"),
        ProtocolError::ControlFrameTooLong { length: 126 }
    );
    assert_eq!(
        err("88 7f"),
        ProtocolError::ControlFrameTooLong { length: 127 }
    );
    assert_eq!(err("09 00"), ProtocolError::FragmentedControlFrame);
    assert_eq!(err("0a 80"), ProtocolError::FragmentedControlFrame);
    // Reserved control opcodes (0xB-0xF) get the same checks.
    assert_eq!(err("0b 00"), ProtocolError::FragmentedControlFrame);
}

#[test]
fn follows_rfc_not_websocket_for_large_64_bit_lengths() {
    // `websocket` rejects any length with the high 32 bits set; RFC 6455 allows up
    // to 2^63-1 (the frame-size limit then rejects it with 1009).
    let (h, _) = complete(&hex("82 7f 00 00 00 01 00 00 00 00"));
    assert_eq!(h.payload_len, 1 << 32);
    let (h, _) = complete(&hex("82 7f 7f ff ff ff ff ff ff ff"));
    assert_eq!(h.payload_len, u64::MAX >> 1);
}

#[test]
fn encodes_hex_vectors() {
    let enc = |h: FrameHeader, payload: &[u8]| {
        let mut out = Vec::new();
        encode_frame(&mut out, &h, &[payload]);
        to_hex(&out)
    };
    assert_eq!(enc(header(true, 1, None), b"Hello"), "810548656c6c6f");
    assert_eq!(
        enc(header(true, 1, Some([0x37, 0xfa, 0x21, 0x3d])), b"Hello"),
        "818537fa213d7f9f4d5158"
    );
    // `websocket`'s unit test: an empty masked ping with a null mask.
    assert_eq!(enc(header(true, 9, Some([0; 4])), b""), "898000000000");
    assert_eq!(enc(header(false, 1, None), b"Hel"), "010348656c");
    assert_eq!(enc(header(true, 0, None), b"lo"), "80026c6f");
    let mut rsv = header(true, 2, None);
    rsv.rsv1 = true;
    rsv.rsv3 = true;
    assert_eq!(enc(rsv, b""), "d200");
    // Length boundaries: 125 (7-bit), 126 and 65535 (16-bit), 65536 (64-bit).
    assert!(enc(header(true, 2, None), &[0; 125]).starts_with("827d00"));
    assert!(enc(header(true, 2, None), &[0; 126]).starts_with("827e007e00"));
    assert!(enc(header(true, 2, None), &[0; 65535]).starts_with("827effff00"));
    assert!(enc(header(true, 2, None), &[0; 65536]).starts_with("827f000000000001000000"));
    // Several parts form one payload (close status + reason).
    let mut out = Vec::new();
    encode_frame(
        &mut out,
        &header(true, 8, None),
        &[&1000u16.to_be_bytes(), b"bye"],
    );
    assert_eq!(to_hex(&out), "880503e8627965");
}

#[test]
fn encode_appends_after_existing_bytes() {
    let mut out = vec![0xaa];
    encode_frame(&mut out, &header(true, 1, Some([1, 2, 3, 4])), &[b"ab"]);
    assert_eq!(
        to_hex(&out),
        "aa818201020304".to_owned() + &to_hex(&[b'a' ^ 1, b'b' ^ 2])
    );
}

proptest! {
    #[test]
    fn encode_then_decode_round_trips(
        fin: bool, rsv in 0u8..8, opcode in prop::sample::select(vec![0u8, 1, 2]),
        mask: Option<[u8; 4]>, payload in prop::collection::vec(any::<u8>(), 0..70_000usize),
    ) {
        let mut h = header(fin, opcode, mask);
        h.rsv1 = rsv & 4 != 0;
        h.rsv2 = rsv & 2 != 0;
        h.rsv3 = rsv & 1 != 0;
        let mut out = Vec::new();
        encode_frame(&mut out, &h, &[&payload]);
        let (got, len) = complete(&out);
        prop_assert_eq!(got, FrameHeader { payload_len: payload.len() as u64, ..h });
        prop_assert_eq!(out.len(), len + payload.len());
        let mut body = out[len..].to_vec();
        if let Some(key) = mask {
            wsproto::apply_mask(&mut body, key, 0);
        }
        prop_assert_eq!(body, payload);
    }

    #[test]
    fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..20)) {
        let _ = decode_header(&bytes);
    }
}
