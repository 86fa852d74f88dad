//! Header + payload encoding straight into the outgoing buffer.

use super::FrameHeader;
use crate::mask::apply_mask;

/// The largest header: 2 bytes, 8-byte length, 4-byte mask key.
pub const MAX_HEADER_LEN: usize = 14;

/// Header size for a payload of `payload_len` bytes (RFC 6455 §5.2: the
/// shortest length encoding is used).
pub fn header_len_for(payload_len: u64, masked: bool) -> usize {
    let len_bytes = match payload_len {
        0..=125 => 0,
        126..=0xFFFF => 2,
        _ => 8,
    };
    2 + len_bytes + if masked { 4 } else { 0 }
}

/// Appends one frame to `out`: the header described by `header` (its
/// `payload_len` is ignored and computed from `parts`), then the payload made of
/// `parts` concatenated, masked in place when `header.mask` is set. No
/// allocation beyond growing `out`.
pub fn encode_frame(out: &mut Vec<u8>, header: &FrameHeader, parts: &[&[u8]]) {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let len64 = len as u64;
    out.reserve(header_len_for(len64, header.mask.is_some()) + len);
    let mut b0 = header.opcode & 0x0F;
    for (bit, on) in [
        (0x80, header.fin),
        (0x40, header.rsv1),
        (0x20, header.rsv2),
        (0x10, header.rsv3),
    ] {
        if on {
            b0 |= bit;
        }
    }
    let mask_bit = if header.mask.is_some() { 0x80 } else { 0 };
    out.push(b0);
    match len64 {
        0..=125 => out.push(mask_bit | len64 as u8),
        126..=0xFFFF => {
            out.push(mask_bit | 126);
            out.extend_from_slice(&(len64 as u16).to_be_bytes());
        }
        _ => {
            out.push(mask_bit | 127);
            out.extend_from_slice(&len64.to_be_bytes());
        }
    }
    if let Some(key) = header.mask {
        out.extend_from_slice(&key);
    }
    let start = out.len();
    for part in parts {
        out.extend_from_slice(part);
    }
    if let Some(key) = header.mask {
        if let Some(payload) = out.get_mut(start..) {
            apply_mask(payload, key, 0);
        }
    }
}
