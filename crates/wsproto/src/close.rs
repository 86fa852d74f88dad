//! Close codes (RFC 6455 §7.4) and close reasons.

/// 1000: normal closure.
pub const NORMAL: u16 = 1000;
/// 1002: protocol error.
pub const PROTOCOL_ERROR: u16 = 1002;
/// 1005: no status code was present (never sent on the wire).
pub const NOT_PROVIDED: u16 = 1005;
/// 1006: closed without a close frame (never sent on the wire).
pub const ABNORMAL: u16 = 1006;
/// 1007: invalid data (e.g. bad UTF-8).
pub const INVALID_DATA: u16 = 1007;
/// 1009: message too big.
pub const MESSAGE_TOO_BIG: u16 = 1009;

/// Longest close reason that fits a control frame: 125 bytes minus the 2-byte code.
pub const MAX_REASON_LEN: usize = 123;

/// The description reported when the transport closes without any close frame.
pub const DROPPED_BY_PEER: &str = "Connection dropped by remote peer.";

/// Whether a code received in a close frame is allowed (RFC 6455 §7.4.1, §7.4.2):
/// 1000-1003, 1007-1014 and 3000-4999. 1004-1006 and 1015 must never be on the
/// wire; 1016-2999 are reserved; 0-999 and 5000+ are not used.
pub fn is_valid_wire_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

/// Whether a local `close(code)` accepts `code`: `websocket`'s rule, which also
/// admits 1015 (error text `Close code N is not valid.`).
pub fn is_valid_local_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1015 | 3000..=4999)
}

/// `websocket`'s `WebSocketConnection.CLOSE_DESCRIPTIONS` lookup.
pub fn description(code: u16) -> Option<&'static str> {
    Some(match code {
        1000 => "Normal connection closure",
        1001 => "Remote peer is going away",
        1002 => "Protocol error",
        1003 => "Unprocessable input",
        1004 => "Reserved",
        1005 => "Reason not provided",
        1006 => "Abnormal closure, no further detail available",
        1007 => "Invalid data received",
        1008 => "Policy violation",
        1009 => "Message too big",
        1010 => "Extension requested by client is required",
        1011 => "Internal Server Error",
        1015 => "TLS Handshake Failed",
        _ => return None,
    })
}

/// Cuts `reason` to at most [`MAX_REASON_LEN`] bytes at a char boundary, so the
/// close frame stays a valid control frame (RFC 6455 §5.5) with a UTF-8 reason.
pub fn truncate_reason(reason: &str) -> &str {
    if reason.len() <= MAX_REASON_LEN {
        return reason;
    }
    let mut end = MAX_REASON_LEN;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason.get(..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_codes_follow_rfc() {
        let valid = |c| is_valid_wire_code(c);
        for c in [
            1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
            4000, 4999,
        ] {
            assert!(valid(c), "{c}");
        }
        for c in [
            0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535,
        ] {
            assert!(!valid(c), "{c}");
        }
    }

    #[test]
    fn local_codes_follow_websocket() {
        assert!(is_valid_local_code(1015));
        assert!(is_valid_local_code(1000) && is_valid_local_code(4999));
        for c in [999, 1004, 1005, 1006, 1016, 2999, 5000] {
            assert!(!is_valid_local_code(c), "{c}");
        }
    }

    #[test]
    fn descriptions() {
        assert_eq!(description(1000), Some("Normal connection closure"));
        assert_eq!(description(1005), Some("Reason not provided"));
        assert_eq!(description(1015), Some("TLS Handshake Failed"));
        assert_eq!(description(1012), None);
        assert_eq!(description(3000), None);
    }

    #[test]
    fn truncates_at_char_boundary() {
        assert_eq!(truncate_reason("bye"), "bye");
        let exact = "a".repeat(123);
        assert_eq!(truncate_reason(&exact), exact);
        let long = "a".repeat(200);
        assert_eq!(truncate_reason(&long).len(), 123);
        // 122 ASCII bytes, then a 2-byte char straddling the limit: it is dropped whole.
        let s = format!("{}é", "a".repeat(122));
        assert_eq!(truncate_reason(&s), "a".repeat(122));
        let euro = "€".repeat(50); // 150 bytes, 3 per char
        assert_eq!(truncate_reason(&euro).len(), 123);
        let four = "😀".repeat(40); // 160 bytes, 4 per char
        assert_eq!(truncate_reason(&four).len(), 120);
    }
}
