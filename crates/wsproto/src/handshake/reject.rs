//! The response that refuses an upgrade (`WebSocketRequest.reject()`).

use super::wire::{is_token, push_header, push_text};

/// The reason phrase `websocket` writes for a status. Its own table, which
/// differs from Node's in places (407, 413, 414, 416) and lacks some codes
/// (202, 429, ...): `websocket` writes `undefined` for those, and so do we,
/// byte for byte.
pub fn status_text(status: u16) -> Option<&'static str> {
    Some(match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        406 => "Not Acceptable",
        407 => "Proxy Authorization Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Request Entity Too Long",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Requested Range Not Satisfiable",
        417 => "Expectation Failed",
        426 => "Upgrade Required",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => return None,
    })
}

/// The status `reject()` uses when none is given.
pub const DEFAULT_REJECT_STATUS: u16 = 403;

/// Builds a reject response: the status line, `Connection: close`,
/// `X-WebSocket-Reject-Reason` when a non-empty reason is given, then the
/// extra headers in order, then the blank line.
///
/// CR and LF are removed from every piece (as `websocket` does for the
/// reason and extra headers); extra headers whose name is not a token once
/// cleaned are left out rather than written as broken lines.
pub fn reject_response(
    status: u16,
    reason: Option<&str>,
    extra_headers: &[(String, String)],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(format!("HTTP/1.1 {status} ").as_bytes());
    out.extend_from_slice(status_text(status).unwrap_or("undefined").as_bytes());
    out.extend_from_slice(b"\r\nConnection: close\r\n");
    if let Some(reason) = reason.filter(|r| !r.is_empty()) {
        push_header(&mut out, "X-WebSocket-Reject-Reason", reason);
    }
    for (name, value) in extra_headers {
        let mut clean = Vec::with_capacity(name.len());
        push_text(&mut clean, name);
        if std::str::from_utf8(&clean).is_ok_and(is_token) {
            push_header(&mut out, name, value);
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn default_forbidden() {
        assert_eq!(
            text(reject_response(DEFAULT_REJECT_STATUS, None, &[])),
            "HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn reason_and_extra_headers_are_sanitised() {
        let extra = vec![
            ("X-Extra".to_owned(), "v\r\nInjected: 1".to_owned()),
            ("Bad Name".to_owned(), "dropped".to_owned()),
            ("X-\r\nSplit".to_owned(), "kept".to_owned()),
        ];
        assert_eq!(
            text(reject_response(401, Some("bad\r\ntoken"), &extra)),
            "HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nX-WebSocket-Reject-Reason: badtoken\r\n\
             X-Extra: vInjected: 1\r\nX-Split: kept\r\n\r\n"
        );
    }

    #[test]
    fn unknown_status_reads_undefined() {
        assert!(text(reject_response(429, Some(""), &[]))
            .starts_with("HTTP/1.1 429 undefined\r\nConnection: close\r\n\r\n"));
    }
}
