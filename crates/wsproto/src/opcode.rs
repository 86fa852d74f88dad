//! Frame opcodes (RFC 6455 §5.2, §11.8).

use crate::error::ProtocolError;

/// A defined frame opcode. Reserved values are rejected by [`OpCode::from_u8`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpCode {
    /// 0x0: continues a fragmented message.
    Continuation,
    /// 0x1: first frame of a text message.
    Text,
    /// 0x2: first frame of a binary message.
    Binary,
    /// 0x8: connection close.
    Close,
    /// 0x9: ping.
    Ping,
    /// 0xA: pong.
    Pong,
}

impl OpCode {
    /// Parses the low nibble of the first header byte; reserved opcodes
    /// (0x3-0x7, 0xB-0xF) are a protocol error (RFC 6455 §5.2).
    pub fn from_u8(value: u8) -> Result<OpCode, ProtocolError> {
        match value {
            0x0 => Ok(OpCode::Continuation),
            0x1 => Ok(OpCode::Text),
            0x2 => Ok(OpCode::Binary),
            0x8 => Ok(OpCode::Close),
            0x9 => Ok(OpCode::Ping),
            0xA => Ok(OpCode::Pong),
            other => Err(ProtocolError::UnknownOpcode { opcode: other }),
        }
    }

    /// The wire value.
    pub fn as_u8(self) -> u8 {
        match self {
            OpCode::Continuation => 0x0,
            OpCode::Text => 0x1,
            OpCode::Binary => 0x2,
            OpCode::Close => 0x8,
            OpCode::Ping => 0x9,
            OpCode::Pong => 0xA,
        }
    }

    /// Control frames are those with the high bit of the opcode set (RFC 6455 §5.5).
    pub fn is_control(self) -> bool {
        self.as_u8() >= 0x8
    }
}

/// True for any opcode value in the control range 0x8-0xF, reserved or not.
pub fn is_control_value(value: u8) -> bool {
    value & 0x08 != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_defined_and_rejects_reserved() {
        for v in 0u8..16 {
            match OpCode::from_u8(v) {
                Ok(op) => {
                    assert_eq!(op.as_u8(), v);
                    assert_eq!(op.is_control(), v >= 8);
                }
                Err(e) => {
                    assert!(matches!(v, 3..=7 | 0xB..=0xF));
                    assert_eq!(e, ProtocolError::UnknownOpcode { opcode: v });
                }
            }
            assert_eq!(is_control_value(v), v >= 8);
        }
    }
}
