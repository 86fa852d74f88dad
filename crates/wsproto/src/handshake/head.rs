//! Parsing a raw HTTP/1.1 request head (for a Rust-owned listener and the
//! fuzz target; the Node-mounted path uses Node's own parser).

use super::error::HandshakeError;
use super::headers::Headers;
use super::request::{ServerOptions, UpgradeRequest};

/// Limits on a request head, checked before anything is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadLimits {
    /// Most header lines accepted (default 2000, Node's `maxHeadersCount`).
    /// More → 431.
    pub max_headers: usize,
    /// Most bytes for the request line plus headers plus the blank line
    /// (default 16384, Node's `--max-http-header-size`). More → 431.
    pub max_head_size: usize,
}

impl Default for HeadLimits {
    fn default() -> Self {
        HeadLimits {
            max_headers: 2000,
            max_head_size: 16 * 1024,
        }
    }
}

/// A complete request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHead {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target (path and query), e.g. `/chat?x=1`.
    pub target: String,
    /// The headers, folded like Node folds them.
    pub headers: Headers,
    /// How many bytes of the input the head took; what follows belongs to
    /// the WebSocket stream.
    pub len: usize,
}

/// Where parsing stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadStatus {
    /// More bytes are needed.
    Partial,
    /// The head is complete.
    Complete(RequestHead),
}

/// Parses the request head at the start of `buf`.
///
/// Call again with the grown buffer after [`HeadStatus::Partial`]. Errors are
/// final: answer them with their status and close.
pub fn parse_request_head(buf: &[u8], limits: &HeadLimits) -> Result<HeadStatus, HandshakeError> {
    // A header line takes at least 2 bytes ("a:" + LF is 3), so this many
    // slots is enough to tell "too many" apart; never more than the limit.
    let slots = limits.max_headers.min(buf.len() / 2 + 1);
    let mut storage = vec![httparse::EMPTY_HEADER; slots];
    let mut request = httparse::Request::new(&mut storage);
    let status = match request.parse(buf) {
        Ok(status) => status,
        Err(httparse::Error::TooManyHeaders) => {
            return Err(HandshakeError::TooManyHeaders {
                max: limits.max_headers,
            })
        }
        Err(e) => return Err(HandshakeError::MalformedRequest(e.to_string())),
    };
    let len = match status {
        httparse::Status::Partial if buf.len() > limits.max_head_size => {
            return Err(HandshakeError::HeadTooLarge {
                max: limits.max_head_size,
            })
        }
        httparse::Status::Partial => return Ok(HeadStatus::Partial),
        httparse::Status::Complete(len) if len > limits.max_head_size => {
            return Err(HandshakeError::HeadTooLarge {
                max: limits.max_head_size,
            })
        }
        httparse::Status::Complete(len) => len,
    };
    // Node reads header bytes as Latin-1; so do we.
    let latin1 = |bytes: &[u8]| bytes.iter().map(|&b| char::from(b)).collect::<String>();
    let headers = Headers::from_pairs(
        request
            .headers
            .iter()
            .map(|h| (h.name.to_owned(), latin1(h.value))),
    );
    Ok(HeadStatus::Complete(RequestHead {
        method: request.method.unwrap_or("").to_owned(),
        target: request.path.unwrap_or("").to_owned(),
        headers,
        len,
    }))
}

impl UpgradeRequest {
    /// Validates a parsed head: `GET` (RFC 6455 §4.1 item 2), `Upgrade:
    /// websocket` and `Connection: Upgrade` (items 5-6; Node checks these
    /// before reporting an upgrade), then everything
    /// [`UpgradeRequest::from_headers`] checks.
    pub fn from_head(head: &RequestHead, options: ServerOptions) -> Result<Self, HandshakeError> {
        if head.method != "GET" {
            return Err(HandshakeError::MethodNotAllowed(head.method.clone()));
        }
        if !head.headers.has_token("upgrade", "websocket")
            || !head.headers.has_token("connection", "upgrade")
        {
            return Err(HandshakeError::NotAnUpgrade);
        }
        UpgradeRequest::from_headers(&head.headers, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = b"GET /chat?x=1 HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n\
        Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n\x81";

    #[test]
    fn parses_the_rfc_sample_and_leaves_the_rest() {
        let Ok(HeadStatus::Complete(head)) = parse_request_head(SAMPLE, &HeadLimits::default())
        else {
            panic!("not complete");
        };
        assert_eq!(head.target, "/chat?x=1");
        assert_eq!(head.len, SAMPLE.len() - 1);
        let request = UpgradeRequest::from_head(&head, ServerOptions::default());
        assert_eq!(request.map(|r| r.host), Ok("server.example.com".to_owned()));
    }

    #[test]
    fn partial_then_limits() {
        let limits = HeadLimits {
            max_headers: 3,
            max_head_size: 64,
        };
        assert_eq!(
            parse_request_head(b"GET / HTTP/1.1\r\nHost: a\r\n", &limits),
            Ok(HeadStatus::Partial)
        );
        assert_eq!(
            parse_request_head(SAMPLE, &limits),
            Err(HandshakeError::TooManyHeaders { max: 3 })
        );
        let big = [b"GET / HTTP/1.1\r\nX: ".as_slice(), &[b'a'; 100]].concat();
        assert_eq!(
            parse_request_head(&big, &limits),
            Err(HandshakeError::HeadTooLarge { max: 64 })
        );
        assert!(matches!(
            parse_request_head(b"\x00\x01 nonsense\r\n\r\n", &limits),
            Err(HandshakeError::MalformedRequest(_))
        ));
    }

    #[test]
    fn method_and_upgrade_headers_are_required() {
        let post = [b"POST".as_slice(), &SAMPLE[3..]].concat();
        let Ok(HeadStatus::Complete(head)) = parse_request_head(&post, &HeadLimits::default())
        else {
            panic!("not complete");
        };
        assert_eq!(
            UpgradeRequest::from_head(&head, ServerOptions::default()),
            Err(HandshakeError::MethodNotAllowed("POST".into()))
        );
        let plain = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        let Ok(HeadStatus::Complete(head)) = parse_request_head(plain, &HeadLimits::default())
        else {
            panic!("not complete");
        };
        assert_eq!(
            UpgradeRequest::from_head(&head, ServerOptions::default()),
            Err(HandshakeError::NotAnUpgrade)
        );
    }
}
