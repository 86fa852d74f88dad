//! Encoding a message once for many connections (`broadcastUTF`,
//! `broadcastBytes`): a server's frames are unmasked (RFC 6455 §5.1), so every
//! connection of the server sends the same bytes.

use crate::frame::{encode_frame, FrameHeader};
use crate::limits::Limits;

/// The frames a server sends for one text (`binary` = false) or binary
/// message, fragmented by the same rule as
/// [`Connection::send_message`](crate::Connection::send_message) under
/// `limits`. Queue them with
/// [`Connection::send_encoded`](crate::Connection::send_encoded).
pub fn encode_server_message(limits: &Limits, binary: bool, payload: &[u8]) -> Vec<u8> {
    let opcode = if binary { 0x2 } else { 0x1 };
    let threshold = limits.fragmentation_threshold;
    let mut out = Vec::with_capacity(payload.len() + 14);
    let frame = |out: &mut Vec<u8>, fin: bool, opcode: u8, piece: &[u8]| {
        let header = FrameHeader {
            fin,
            rsv1: false,
            rsv2: false,
            rsv3: false,
            opcode,
            mask: None,
            payload_len: 0,
        };
        encode_frame(out, &header, &[piece]);
    };
    if !limits.fragment_outgoing || threshold == 0 || payload.len() <= threshold {
        frame(&mut out, true, opcode, payload);
        return out;
    }
    let count = payload.len().div_ceil(threshold);
    for (i, piece) in payload.chunks(threshold).enumerate() {
        frame(
            &mut out,
            i + 1 == count,
            if i == 0 { opcode } else { 0x0 },
            piece,
        );
    }
    out
}
