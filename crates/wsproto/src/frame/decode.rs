//! Incremental header decoding: tells how many more bytes it needs.

use super::FrameHeader;
use crate::error::ProtocolError;
use crate::opcode::is_control_value;

/// The outcome of [`decode_header`] on the bytes available so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderDecode {
    /// The header is complete and occupies the first `len` bytes.
    Complete {
        /// The decoded header.
        header: FrameHeader,
        /// Header size in bytes (2 to 14).
        len: usize,
    },
    /// At least `needed` more bytes are required.
    Incomplete {
        /// Bytes missing before the header can be decoded further.
        needed: usize,
    },
}

/// Decodes a frame header from the start of `buf`, rejecting as early as the
/// bytes allow what RFC 6455 §5.2/§5.5 forbids in any connection: control frames
/// without FIN or longer than 125 bytes, and 64-bit lengths with the top bit set.
/// Role- and limit-dependent checks (mask bit, frame size, RSV, opcode) are the
/// connection's.
pub fn decode_header(buf: &[u8]) -> Result<HeaderDecode, ProtocolError> {
    let (b0, b1) = match buf {
        [b0, b1, ..] => (*b0, *b1),
        _ => {
            return Ok(HeaderDecode::Incomplete {
                needed: 2 - buf.len(),
            })
        }
    };
    let opcode = b0 & 0x0F;
    let len7 = b1 & 0x7F;
    let fin = b0 & 0x80 != 0;
    if is_control_value(opcode) {
        // RFC 6455 §5.5: "All control frames MUST have a payload length of 125
        // bytes or less and MUST NOT be fragmented."
        if len7 > 125 {
            return Err(ProtocolError::ControlFrameTooLong {
                length: u64::from(len7),
            });
        }
        if !fin {
            return Err(ProtocolError::FragmentedControlFrame);
        }
    }
    let masked = b1 & 0x80 != 0;
    let len_bytes = match len7 {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let total = 2 + len_bytes + if masked { 4 } else { 0 };
    if buf.len() < total {
        // Reject a bad 64-bit length as soon as its first byte is here.
        if len7 == 127 && buf.len() > 2 && buf[2] & 0x80 != 0 {
            return Err(ProtocolError::InvalidPayloadLength);
        }
        return Ok(HeaderDecode::Incomplete {
            needed: total - buf.len(),
        });
    }
    let payload_len = match len7 {
        126 => u64::from(u16::from_be_bytes([buf[2], buf[3]])),
        127 => {
            let mut be = [0u8; 8];
            be.copy_from_slice(&buf[2..10]);
            let n = u64::from_be_bytes(be);
            // RFC 6455 §5.2: "the most significant bit MUST be 0".
            if n >> 63 != 0 {
                return Err(ProtocolError::InvalidPayloadLength);
            }
            n
        }
        n => u64::from(n),
    };
    let mask = if masked {
        let at = 2 + len_bytes;
        Some([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
    } else {
        None
    };
    Ok(HeaderDecode::Complete {
        header: FrameHeader {
            fin,
            rsv1: b0 & 0x40 != 0,
            rsv2: b0 & 0x20 != 0,
            rsv3: b0 & 0x10 != 0,
            opcode,
            mask,
            payload_len,
        },
        len: total,
    })
}
