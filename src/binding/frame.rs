//! `WebSocketFrame` support: stateless header decoding and frame encoding.

use napi::bindgen_prelude::{Buffer, Float64Array};
use napi::Result;
use napi_derive::napi;
use wsproto::frame::{decode_header, encode_frame, FrameHeader, HeaderDecode};
use wsproto::mask::apply_mask;
use wsproto::ProtocolError;

/// What a decode attempt found, before it is reported to JS.
enum Decoded {
    NeedMore,
    Header(FrameHeader, usize),
    Error(ProtocolError),
}

fn decode(head: &[u8], max_frame_size: f64) -> Decoded {
    match decode_header(head) {
        Ok(HeaderDecode::Incomplete { .. }) => Decoded::NeedMore,
        Ok(HeaderDecode::Complete { header, len }) => {
            if (header.payload_len as f64) > max_frame_size {
                Decoded::Error(ProtocolError::FrameTooLarge {
                    size: header.payload_len,
                    max: if max_frame_size >= u64::MAX as f64 {
                        u64::MAX
                    } else {
                        max_frame_size.max(0.0) as u64
                    },
                })
            } else {
                Decoded::Header(header, len)
            }
        }
        Err(e) => Decoded::Error(e),
    }
}

/// Decodes a frame header from `head` (at most 14 bytes). Returns 0 when more
/// bytes are needed, the header length when complete (then `info` holds
/// flags [fin=1, rsv1=2, rsv2=4, rsv3=8, mask=16], opcode, payload length), or
/// -1 on a protocol error (then `info[0]` is 1 for "frame too large", else 2;
/// [`frame_decode_error`] gives the text).
#[napi(catch_unwind)]
pub fn frame_decode_header(head: &[u8], max_frame_size: f64, mut info: Float64Array) -> i32 {
    // SAFETY: the JS thread is blocked in this call; the slice does not outlive it.
    let info = unsafe { info.as_mut() };
    if info.len() < 3 {
        return -1;
    }
    match decode(head, max_frame_size) {
        Decoded::NeedMore => 0,
        Decoded::Header(h, len) => {
            let flags = u8::from(h.fin)
                | (u8::from(h.rsv1) << 1)
                | (u8::from(h.rsv2) << 2)
                | (u8::from(h.rsv3) << 3)
                | (u8::from(h.mask.is_some()) << 4);
            info[0] = f64::from(flags);
            info[1] = f64::from(h.opcode);
            info[2] = h.payload_len as f64;
            i32::try_from(len).unwrap_or(-1)
        }
        Decoded::Error(e) => {
            info[0] = if matches!(e, ProtocolError::FrameTooLarge { .. }) {
                1.0
            } else {
                2.0
            };
            -1
        }
    }
}

/// The error text for a header that [`frame_decode_header`] rejected.
#[napi(catch_unwind)]
pub fn frame_decode_error(head: &[u8], max_frame_size: f64) -> String {
    match decode(head, max_frame_size) {
        Decoded::Error(e) => e.to_string(),
        _ => String::new(),
    }
}

/// Returns a copy of `payload` unmasked with `key` (4 bytes).
#[napi(catch_unwind)]
pub fn frame_unmask(payload: &[u8], key: &[u8]) -> Buffer {
    let mut out = payload.to_vec();
    if let [a, b, c, d, ..] = key {
        apply_mask(&mut out, [*a, *b, *c, *d], 0);
    }
    if out.is_empty() {
        out.reserve(1);
    }
    Buffer::from(out)
}

/// Encodes one frame. `flags`: fin bit 0, rsv1-3 bits 1-3, opcode bits 8-11.
/// `close_status` >= 0 is written as the 2-byte status of a close frame.
/// `mask_key` (4 bytes) masks the payload when given.
#[napi(catch_unwind)]
pub fn frame_encode(
    flags: u32,
    payload: &[u8],
    close_status: i32,
    mask_key: Option<&[u8]>,
) -> Result<Buffer> {
    let mask = match mask_key {
        Some([a, b, c, d, ..]) => Some([*a, *b, *c, *d]),
        _ => None,
    };
    let header = FrameHeader {
        fin: flags & 1 != 0,
        rsv1: flags & 2 != 0,
        rsv2: flags & 4 != 0,
        rsv3: flags & 8 != 0,
        opcode: ((flags >> 8) & 0x0f) as u8,
        mask,
        payload_len: 0,
    };
    let status = u16::try_from(close_status).ok().map(u16::to_be_bytes);
    let mut out = Vec::new();
    match &status {
        Some(s) => encode_frame(&mut out, &header, &[s, payload]),
        None => encode_frame(&mut out, &header, &[payload]),
    }
    Ok(Buffer::from(out))
}
