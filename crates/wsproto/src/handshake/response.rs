//! The 101 response that accepts an upgrade (RFC 6455 §4.2.2,
//! `WebSocketRequest.accept()`).

use super::accept::accept_key;
use super::cookie::{set_cookie_values, SetCookie};
use super::error::HandshakeError;
use super::wire::push_header;

/// Characters RFC 2616 §2.2 calls separators: not allowed in a subprotocol
/// token (RFC 6455 §4.1: `Sec-WebSocket-Protocol` values are tokens).
const SEPARATORS: &[char] = &[
    '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=', '{', '}', ' ', '\t',
];

/// The cookies argument of `accept()`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum CookiesArg<'a> {
    /// No cookies (argument absent or falsy).
    #[default]
    Absent,
    /// Something that is not an array.
    NotAnArray,
    /// The cookies to set, in order.
    List(&'a [SetCookie]),
}

/// What the server answers an upgrade request with.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AcceptParams<'a> {
    /// The client's `Sec-WebSocket-Key`.
    pub key: &'a str,
    /// The negotiated version (8 or 13): picks the origin header's name.
    pub version: u8,
    /// The subprotocol the application accepts, as it passed it (empty or
    /// `None` for none).
    pub protocol: Option<&'a str>,
    /// The protocols the client offered, lower-cased.
    pub requested_protocols: &'a [String],
    /// `(lower-cased, as sent)` pairs for echoing the client's spelling;
    /// the last pair for a name wins.
    pub protocol_full_case: &'a [(String, String)],
    /// The origin to echo (`Origin` for 13, `Sec-WebSocket-Origin` for 8).
    pub origin: Option<&'a str>,
    /// Cookies to set.
    pub cookies: CookiesArg<'a>,
}

/// Checks the accepted subprotocol and returns the spelling to echo: the
/// client's original case when it offered the name (in any case), else the
/// name as given.
///
/// As in `websocket`, `protocol` itself must appear in the lower-cased
/// offer list, so `accept('Chat')` fails even when the client sent `Chat`.
pub fn select_protocol(params: &AcceptParams<'_>) -> Result<Option<String>, HandshakeError> {
    let Some(accepted) = params.protocol.filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let lower = accepted.to_lowercase();
    let full_case = params
        .protocol_full_case
        .iter()
        .rev()
        .find(|(l, _)| *l == lower)
        .map_or(accepted, |(_, full)| full.as_str());
    if let Some(c) = full_case
        .chars()
        .find(|c| !('\u{21}'..='\u{7e}').contains(c) || SEPARATORS.contains(c))
    {
        return Err(HandshakeError::IllegalProtocolCharacter(c));
    }
    if !params.requested_protocols.iter().any(|p| p == accepted) {
        return Err(HandshakeError::ProtocolNotRequested);
    }
    Ok(Some(full_case.to_owned()))
}

/// Builds the `101 Switching Protocols` response in `websocket`'s header
/// order: `Upgrade`, `Connection`, `Sec-WebSocket-Accept`, then
/// `Sec-WebSocket-Protocol`, the origin header and `Set-Cookie` lines when
/// they apply. Fails, without output, on the first invalid argument; the
/// caller then rejects with 500 (as `websocket` does).
pub fn accept_response(params: &AcceptParams<'_>) -> Result<Vec<u8>, HandshakeError> {
    accept_response_with_extensions(params, None)
}

/// [`accept_response`] with the agreed `Sec-WebSocket-Extensions` value (e.g.
/// from [`negotiate_server`](crate::deflate::negotiate_server)), written
/// after `Sec-WebSocket-Protocol`.
pub fn accept_response_with_extensions(
    params: &AcceptParams<'_>,
    extensions: Option<&str>,
) -> Result<Vec<u8>, HandshakeError> {
    let protocol = select_protocol(params)?;
    let cookies = match params.cookies {
        CookiesArg::Absent => Vec::new(),
        CookiesArg::NotAnArray => return Err(HandshakeError::CookiesNotArray),
        CookiesArg::List(list) => set_cookie_values(list)?,
    };
    let mut out = Vec::with_capacity(160);
    out.extend_from_slice(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n",
    );
    push_header(&mut out, "Sec-WebSocket-Accept", &accept_key(params.key));
    if let Some(protocol) = protocol {
        push_header(&mut out, "Sec-WebSocket-Protocol", &protocol);
    }
    if let Some(extensions) = extensions.filter(|e| !e.is_empty()) {
        push_header(&mut out, "Sec-WebSocket-Extensions", extensions);
    }
    if let Some(origin) = params.origin.filter(|o| !o.is_empty()) {
        match params.version {
            13 => push_header(&mut out, "Origin", origin),
            8 => push_header(&mut out, "Sec-WebSocket-Origin", origin),
            _ => {}
        }
    }
    for cookie in cookies {
        push_header(&mut out, "Set-Cookie", &cookie);
    }
    out.extend_from_slice(b"\r\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(offered: &[&str]) -> (Vec<String>, Vec<(String, String)>) {
        let lower = offered.iter().map(|p| p.to_lowercase()).collect();
        let pairs = offered
            .iter()
            .map(|p| (p.to_lowercase(), (*p).to_owned()))
            .collect();
        (lower, pairs)
    }

    #[test]
    fn rfc6455_sample_response() {
        let params = AcceptParams {
            key: "dGhlIHNhbXBsZSBub25jZQ==",
            version: 13,
            ..AcceptParams::default()
        };
        assert_eq!(
            accept_response(&params).map(|b| String::from_utf8_lossy(&b).into_owned()),
            Ok(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
                    .to_owned()
            )
        );
    }

    #[test]
    fn protocol_origin_and_cookie_in_order() {
        let (requested, full) = lists(&["Chat", "other"]);
        let cookies = [SetCookie {
            name: Some("sid".into()),
            value: Some("abc".into()),
            ..SetCookie::default()
        }];
        let params = AcceptParams {
            key: "k",
            version: 8,
            protocol: Some("chat"),
            requested_protocols: &requested,
            protocol_full_case: &full,
            origin: Some("http://x\r\nEvil: 1"),
            cookies: CookiesArg::List(&cookies),
        };
        let text = accept_response_with_extensions(
            &params,
            Some("permessage-deflate; server_max_window_bits=10"),
        )
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
        let tail = text
            .split_once("Sec-WebSocket-Accept: ")
            .map(|(_, t)| t)
            .unwrap_or("");
        assert!(tail.ends_with("\r\nSec-WebSocket-Protocol: Chat\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\nSec-WebSocket-Origin: http://xEvil: 1\r\nSet-Cookie: sid=abc\r\n\r\n"), "{text}");
    }

    #[test]
    fn protocol_errors() {
        let (requested, full) = lists(&["Chat"]);
        let base = AcceptParams {
            key: "k",
            version: 13,
            requested_protocols: &requested,
            protocol_full_case: &full,
            ..AcceptParams::default()
        };
        assert_eq!(
            select_protocol(&AcceptParams {
                protocol: Some("Chat"),
                ..base
            }),
            Err(HandshakeError::ProtocolNotRequested)
        );
        assert_eq!(
            select_protocol(&AcceptParams {
                protocol: Some("nope"),
                ..base
            }),
            Err(HandshakeError::ProtocolNotRequested)
        );
        assert_eq!(
            select_protocol(&AcceptParams {
                protocol: Some("a b"),
                ..base
            }),
            Err(HandshakeError::IllegalProtocolCharacter(' '))
        );
        assert_eq!(
            select_protocol(&AcceptParams {
                protocol: Some("a\r\n"),
                ..base
            }),
            Err(HandshakeError::IllegalProtocolCharacter('\r'))
        );
        assert_eq!(
            select_protocol(&AcceptParams {
                protocol: Some(""),
                ..base
            }),
            Ok(None)
        );
        assert_eq!(
            accept_response(&AcceptParams {
                cookies: CookiesArg::NotAnArray,
                ..base
            }),
            Err(HandshakeError::CookiesNotArray)
        );
    }
}
