//! Frame headers: incremental decoding and encoding (RFC 6455 §5.2).

mod decode;
mod encode;

pub use decode::{decode_header, HeaderDecode};
pub use encode::{encode_frame, header_len_for, MAX_HEADER_LEN};

/// A decoded frame header. `opcode` is the raw 4-bit value: whether it is a
/// defined opcode is checked by the connection, after the length checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// Final fragment of a message.
    pub fin: bool,
    /// Reserved bit 1 (extensions only).
    pub rsv1: bool,
    /// Reserved bit 2 (extensions only).
    pub rsv2: bool,
    /// Reserved bit 3 (extensions only).
    pub rsv3: bool,
    /// The 4-bit opcode.
    pub opcode: u8,
    /// The masking key, when the mask bit is set (RFC 6455 §5.3).
    pub mask: Option<[u8; 4]>,
    /// Payload length in bytes (at most 2^63 - 1).
    pub payload_len: u64,
}

impl FrameHeader {
    /// Whether any RSV bit is set.
    pub fn has_rsv(&self) -> bool {
        self.rsv1 || self.rsv2 || self.rsv3
    }
}
