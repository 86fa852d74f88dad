//! Encoding a message once for many connections (`broadcastUTF`,
//! `broadcastBytes`): a server's frames are unmasked (RFC 6455 §5.1), so every
//! connection of the server sends the same bytes.

use crate::connection::for_each_fragment;
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
