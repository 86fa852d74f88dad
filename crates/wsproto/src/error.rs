//! Every protocol violation the core can detect, with its close code and the
//! exact text users see (`websocket`'s texts are API: keep them here, only here).

use std::fmt;

/// A violation of RFC 6455 (or of a configured limit) by the peer, or an
/// invalid argument to a local call. `Display` is the user-visible text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// RSV1-3 set while no extension is negotiated (RFC 6455 §5.2).
    ReservedBits,
    /// A reserved opcode (0x3-0x7, 0xB-0xF) (RFC 6455 §5.2).
    UnknownOpcode {
        /// The opcode received.
        opcode: u8,
    },
    /// A control frame with a payload longer than 125 bytes (RFC 6455 §5.5).
    ControlFrameTooLong {
        /// The payload length announced by the header.
        length: u64,
    },
    /// A control frame without FIN (RFC 6455 §5.5).
    FragmentedControlFrame,
    /// A 64-bit payload length with the most significant bit set (RFC 6455 §5.2).
    InvalidPayloadLength,
    /// A frame whose announced payload exceeds `maxReceivedFrameSize`.
    FrameTooLarge {
        /// The payload length announced by the header.
        size: u64,
        /// The configured maximum.
        max: u64,
    },
    /// A server received an unmasked frame (RFC 6455 §5.1).
    UnmaskedClientFrame,
    /// A client received a masked frame (RFC 6455 §5.1).
    MaskedServerFrame,
    /// A continuation frame with no fragmented message open (RFC 6455 §5.4).
    UnexpectedContinuation,
    /// A text or binary frame while a fragmented message is open (RFC 6455 §5.4).
    DataFrameInFragmentedMessage {
        /// The opcode received.
        opcode: u8,
    },
    /// A message that would grow beyond `maxReceivedMessageSize`.
    MessageTooLarge {
        /// The size the message would reach.
        size: u64,
        /// The configured maximum.
        max: u64,
    },
    /// A message split into more fragments than `Limits::max_fragments`.
    TooManyFragments {
        /// The configured maximum.
        max: usize,
    },
    /// A text message or close reason that is not valid UTF-8 (RFC 6455 §8.1).
    InvalidUtf8,
    /// RSV1 on a continuation or control frame, where permessage-deflate
    /// never sets it (RFC 7692 §6.1).
    CompressedNonFirstFrame,
    /// A compressed message that does not inflate (RFC 7692 §6.2).
    InvalidCompressedData,
    /// A local `close()` with a code `websocket` does not allow.
    InvalidCloseCode {
        /// The code passed by the caller.
        code: u16,
    },
}

impl ProtocolError {
    /// The close code sent to the peer when this error fails the connection
    /// (RFC 6455 §7.4.1): 1002 protocol error, 1007 invalid data, 1009 too big.
    pub fn close_code(&self) -> u16 {
        match self {
            ProtocolError::FrameTooLarge { .. }
            | ProtocolError::MessageTooLarge { .. }
            | ProtocolError::TooManyFragments { .. } => 1009,
            ProtocolError::InvalidUtf8 | ProtocolError::InvalidCompressedData => 1007,
            _ => 1002,
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::ReservedBits => {
                f.write_str("Unsupported usage of rsv bits without negotiated extension.")
            }
            ProtocolError::UnknownOpcode { opcode } => {
                write!(f, "Unrecognized Opcode: 0x{opcode:x}")
            }
            ProtocolError::ControlFrameTooLong { .. } => {
                f.write_str("Illegal control frame longer than 125 bytes.")
            }
            ProtocolError::FragmentedControlFrame => {
                f.write_str("Control frames must not be fragmented.")
            }
            ProtocolError::InvalidPayloadLength => {
                f.write_str("Invalid 64-bit frame length: the most significant bit must be 0.")
            }
            ProtocolError::FrameTooLarge { size, .. } => {
                write!(
                    f,
                    "Frame size of {size} bytes exceeds maximum accepted frame size"
                )
            }
            ProtocolError::UnmaskedClientFrame => {
                f.write_str("Received an unmasked frame from the client.")
            }
            ProtocolError::MaskedServerFrame => {
                f.write_str("Received a masked frame from the server.")
            }
            ProtocolError::UnexpectedContinuation => f.write_str("Unexpected Continuation Frame"),
            ProtocolError::DataFrameInFragmentedMessage { opcode } => write!(
                f,
                "Illegal frame opcode 0x{opcode:x} received in middle of fragmented message."
            ),
            ProtocolError::MessageTooLarge { .. } => f.write_str("Maximum message size exceeded."),
            ProtocolError::TooManyFragments { max } => {
                write!(f, "Maximum number of message fragments ({max}) exceeded.")
            }
            ProtocolError::InvalidUtf8 => f.write_str("Invalid UTF-8 Data Received"),
            ProtocolError::CompressedNonFirstFrame => {
                f.write_str("RSV1 set on a frame that is not the first of a data message.")
            }
            ProtocolError::InvalidCompressedData => {
                f.write_str("Invalid compressed data received.")
            }
            ProtocolError::InvalidCloseCode { code } => {
                write!(f, "Close code {code} is not valid.")
            }
        }
    }
}

impl std::error::Error for ProtocolError {}

#[cfg(test)]
mod tests {
    use super::ProtocolError as E;

    #[test]
    fn texts_and_codes_are_exact() {
        let cases: Vec<(E, u16, &str)> = vec![
            (
                E::ReservedBits,
                1002,
                "Unsupported usage of rsv bits without negotiated extension.",
            ),
            (
                E::UnknownOpcode { opcode: 0xb },
                1002,
                "Unrecognized Opcode: 0xb",
            ),
            (
                E::UnknownOpcode { opcode: 3 },
                1002,
                "Unrecognized Opcode: 0x3",
            ),
            (
                E::ControlFrameTooLong { length: 126 },
                1002,
                "Illegal control frame longer than 125 bytes.",
            ),
            (
                E::FragmentedControlFrame,
                1002,
                "Control frames must not be fragmented.",
            ),
            (
                E::InvalidPayloadLength,
                1002,
                "Invalid 64-bit frame length: the most significant bit must be 0.",
            ),
            (
                E::FrameTooLarge {
                    size: 65537,
                    max: 65536,
                },
                1009,
                "Frame size of 65537 bytes exceeds maximum accepted frame size",
            ),
            (
                E::UnmaskedClientFrame,
                1002,
                "Received an unmasked frame from the client.",
            ),
            (
                E::MaskedServerFrame,
                1002,
                "Received a masked frame from the server.",
            ),
            (
                E::UnexpectedContinuation,
                1002,
                "Unexpected Continuation Frame",
            ),
            (
                E::DataFrameInFragmentedMessage { opcode: 1 },
                1002,
                "Illegal frame opcode 0x1 received in middle of fragmented message.",
            ),
            (
                E::MessageTooLarge { size: 9, max: 8 },
                1009,
                "Maximum message size exceeded.",
            ),
            (
                E::TooManyFragments { max: 1024 },
                1009,
                "Maximum number of message fragments (1024) exceeded.",
            ),
            (E::InvalidUtf8, 1007, "Invalid UTF-8 Data Received"),
            (
                E::CompressedNonFirstFrame,
                1002,
                "RSV1 set on a frame that is not the first of a data message.",
            ),
            (
                E::InvalidCompressedData,
                1007,
                "Invalid compressed data received.",
            ),
            (
                E::InvalidCloseCode { code: 1005 },
                1002,
                "Close code 1005 is not valid.",
            ),
        ];
        for (err, code, text) in cases {
            assert_eq!(err.close_code(), code, "{err:?}");
            assert_eq!(err.to_string(), text, "{err:?}");
        }
    }
}
