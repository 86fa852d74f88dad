//! Encoding a message once for many connections (`broadcastUTF`,
//! `broadcastBytes`): a server's frames are unmasked (RFC 6455 §5.1), so every
//! connection of the server sends the same bytes.

use crate::connection::for_each_fragment;
use crate::deflate::compress_standalone;
use crate::frame::{encode_frame, FrameHeader};
use crate::limits::Limits;

/// The frames a server sends for one text (`binary` = false) or binary
/// message, fragmented by the same rule as
/// [`Connection::send_message`](crate::Connection::send_message) under
/// `limits`. Queue them with
/// [`Connection::send_encoded`](crate::Connection::send_encoded).
pub fn encode_server_message(limits: &Limits, binary: bool, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 14);
    let threshold = limits
        .fragment_outgoing
        .then_some(limits.fragmentation_threshold);
    for_each_fragment(threshold, binary, payload, |fin, opcode, piece| {
        let header = FrameHeader {
            fin,
            rsv1: false,
            rsv2: false,
            rsv3: false,
            opcode,
            mask: None,
            payload_len: 0,
        };
        encode_frame(&mut out, &header, &[piece]);
    });
    out
}

/// Like [`encode_server_message`], compressed once for every connection that
/// negotiated permessage-deflate without context takeover on the server side
/// (RFC 7692 §7.1.1.1) and a window of at least `window_bits`: one fresh
/// compressor, RSV1 on the first frame. Queue the frames with
/// [`Connection::send_encoded_deflated`](crate::Connection::send_encoded_deflated),
/// which refuses connections that cannot take them.
pub fn encode_server_message_deflated(
    limits: &Limits,
    level: u32,
    window_bits: u8,
    binary: bool,
    payload: &[u8],
) -> Vec<u8> {
    let compressed = compress_standalone(level, window_bits, payload);
    let mut out = Vec::with_capacity(compressed.len() + 14);
    let threshold = limits
        .fragment_outgoing
        .then_some(limits.fragmentation_threshold);
    for_each_fragment(threshold, binary, &compressed, |fin, opcode, piece| {
        let header = FrameHeader {
            fin,
            rsv1: opcode != 0x0,
            rsv2: false,
            rsv3: false,
            opcode,
            mask: None,
            payload_len: 0,
        };
        encode_frame(&mut out, &header, &[piece]);
    });
    out
}
