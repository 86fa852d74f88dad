//! The client's side of the opening handshake (RFC 6455 §4.1): the
//! `Sec-WebSocket-Key` nonce, subprotocol token checks, and validation of the
//! server's `101 Switching Protocols` response.
//!
//! The HTTP exchange itself is done by the driver (Node's `http.request` in
//! the addon); this module only judges what was sent and received. Failure
//! texts are `websocket`'s (WebSocket-Node 1.0.35) where it has one, because
//! applications match on them in `connectFailed` handlers.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::accept::accept_key;
use crate::rng::MaskRng;

/// Length in bytes of the random nonce behind `Sec-WebSocket-Key`
/// (RFC 6455 §4.1, item 7: "a randomly selected 16-byte value").
pub const NONCE_LEN: usize = 16;

/// Characters RFC 2616 §2.2 calls separators; none may appear in a token,
/// and so in a subprotocol name (RFC 6455 §4.1, item 10). Space and tab
/// are also separators; they are caught by the range check in
/// [`validate_protocol`].
const SEPARATORS: &[char] = &[
    '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=', '{', '}',
];

/// Why a client-side handshake failed: either a bad argument to
/// `connect()`, or a server response that RFC 6455 §4.1 tells the client to
/// reject ("_Fail the WebSocket Connection_").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientHandshakeError {
    /// A requested subprotocol contains a character that is not allowed in
    /// an RFC 2616 token (RFC 6455 §4.1, item 10).
    InvalidProtocolCharacter(char),
    /// A requested subprotocol is the empty string, which is not a token.
    EmptyProtocol,
    /// Subprotocols were requested and the response has no (or an empty)
    /// `Sec-WebSocket-Protocol` header.
    MissingProtocol,
    /// The response's `Sec-WebSocket-Protocol` is not one the client
    /// requested (RFC 6455 §4.1, client requirement 6).
    UnrequestedProtocol,
    /// The client requested no subprotocol and the response names one
    /// (RFC 6455 §4.1, client requirement 6). `websocket` ignores this.
    UnexpectedProtocol(String),
    /// The response's `Connection` header does not contain the `upgrade`
    /// token (RFC 6455 §4.1, client requirement 3).
    MissingConnectionUpgrade,
    /// The response's `Upgrade` header is not `websocket` (RFC 6455 §4.1,
    /// client requirement 2).
    MissingUpgradeWebsocket,
    /// The response has no (or an empty) `Sec-WebSocket-Accept` header
    /// (RFC 6455 §4.1, client requirement 4).
    MissingAccept,
    /// The response's `Sec-WebSocket-Accept` is not the value derived from
    /// the key that was sent. Carries the expected value.
    AcceptMismatch(String),
    /// The response's `Sec-WebSocket-Extensions` names an extension the
    /// client did not request (RFC 6455 §4.1, client requirement 5).
    UnrequestedExtension(String),
}

impl fmt::Display for ClientHandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidProtocolCharacter(c) => {
                write!(f, "Protocol list contains invalid character \"{c}\"")
            }
            Self::EmptyProtocol => f.write_str("Protocol list contains an empty protocol name"),
            Self::MissingProtocol => f.write_str("Expected a Sec-WebSocket-Protocol header."),
            Self::UnrequestedProtocol => {
                f.write_str("Server did not respond with a requested protocol.")
            }
            Self::UnexpectedProtocol(p) => write!(
                f,
                "Server responded with protocol \"{p}\" but no protocol was requested."
            ),
            Self::MissingConnectionUpgrade => {
                f.write_str("Expected a Connection: Upgrade header from the server")
            }
            Self::MissingUpgradeWebsocket => {
                f.write_str("Expected an Upgrade: websocket header from the server")
            }
            Self::MissingAccept => f.write_str("Expected Sec-WebSocket-Accept header from server"),
            Self::AcceptMismatch(expected) => write!(
                f,
                "Sec-WebSocket-Accept header from server didn't match expected value of {expected}"
            ),
            Self::UnrequestedExtension(name) => write!(
                f,
                "Server accepted extension \"{name}\" that was not requested."
            ),
        }
    }
}

impl std::error::Error for ClientHandshakeError {}

/// Encodes a 16-byte nonce as the `Sec-WebSocket-Key` value (base64,
/// RFC 6455 §4.1, item 7).
pub fn key_from_nonce(nonce: &[u8; NONCE_LEN]) -> String {
    STANDARD.encode(nonce)
}

/// Draws a fresh `Sec-WebSocket-Key` from `rng`: 16 random bytes, base64
/// encoded (24 characters). RFC 6455 §4.1 item 7 asks for a nonce chosen
/// randomly for each connection, so the addon passes the OS's generator.
pub fn generate_key(rng: &mut dyn MaskRng) -> String {
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill(&mut nonce);
    key_from_nonce(&nonce)
}

/// Checks one subprotocol name the client is about to request.
///
/// RFC 6455 §4.1 item 10 requires each to be an RFC 2616 token: visible
/// ASCII (0x21..=0x7E) without separators. The first offending character is
/// reported with `websocket`'s text. `websocket` lets an empty name through
/// (producing a header such as `a, `); it is rejected here.
pub fn validate_protocol(protocol: &str) -> Result<(), ClientHandshakeError> {
    if protocol.is_empty() {
        return Err(ClientHandshakeError::EmptyProtocol);
    }
    match protocol
        .chars()
        .find(|&c| !('\u{21}'..='\u{7e}').contains(&c) || SEPARATORS.contains(&c))
    {
        Some(c) => Err(ClientHandshakeError::InvalidProtocolCharacter(c)),
        None => Ok(()),
    }
}

/// Checks every subprotocol in a requested list, in order (see
/// [`validate_protocol`]).
pub fn validate_protocols<S: AsRef<str>>(protocols: &[S]) -> Result<(), ClientHandshakeError> {
    protocols
        .iter()
        .try_for_each(|p| validate_protocol(p.as_ref()))
}

/// The value of header `name` (ASCII case-insensitive), with repeated
/// headers joined by `", "` the way Node joins them into
/// `IncomingMessage.headers`. `None` when absent.
fn header_value<N: AsRef<str>, V: AsRef<str>>(headers: &[(N, V)], name: &str) -> Option<String> {
    let mut found: Option<String> = None;
    for (n, v) in headers {
        if n.as_ref().eq_ignore_ascii_case(name) {
            match found.as_mut() {
                Some(joined) => {
                    joined.push_str(", ");
                    joined.push_str(v.as_ref());
                }
                None => found = Some(v.as_ref().to_owned()),
            }
        }
    }
    found
}

/// Validates the headers of a `101 Switching Protocols` response to a
/// request sent with `key` and `requested_protocols`, and returns the
/// subprotocol the server selected (`None` when none was requested).
///
/// `headers` are the response's (name, value) pairs in any case, e.g. Node's
/// `rawHeaders`. The checks run in `websocket`'s order, so the same broken
/// response yields the same text:
///
/// 1. subprotocol (RFC 6455 §4.1, client requirement 6): if any were
///    requested, `Sec-WebSocket-Protocol` must be present and equal one of
///    them exactly; if none were, the server must not name one;
/// 2. `Connection` must contain the `upgrade` token, case-insensitively
///    (requirement 3; `websocket` wanted the whole value to be `upgrade`);
/// 3. `Upgrade` must be `websocket`, case-insensitively (requirement 2);
/// 4. `Sec-WebSocket-Accept` must be present and equal
///    base64(SHA-1(key + GUID)) (requirement 4);
/// 5. `Sec-WebSocket-Extensions` may name only extensions listed in
///    `requested_extensions` (requirement 5; `websocket` ignored the
///    header). The names are compared case-insensitively.
pub fn validate_response<P, N, V>(
    key: &str,
    requested_protocols: &[P],
    requested_extensions: &[&str],
    headers: &[(N, V)],
) -> Result<Option<String>, ClientHandshakeError>
where
    P: AsRef<str>,
    N: AsRef<str>,
    V: AsRef<str>,
{
    let offered = header_value(headers, "sec-websocket-protocol").filter(|p| !p.is_empty());
    let protocol = if requested_protocols.is_empty() {
        if let Some(p) = offered {
            return Err(ClientHandshakeError::UnexpectedProtocol(p));
        }
        None
    } else {
        let p = offered.ok_or(ClientHandshakeError::MissingProtocol)?;
        if !requested_protocols.iter().any(|r| r.as_ref() == p) {
            return Err(ClientHandshakeError::UnrequestedProtocol);
        }
        Some(p)
    };

    let connection = header_value(headers, "connection").unwrap_or_default();
    if !connection
        .split(',')
        .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
    {
        return Err(ClientHandshakeError::MissingConnectionUpgrade);
    }

    let upgrade = header_value(headers, "upgrade").unwrap_or_default();
    if !upgrade.trim().eq_ignore_ascii_case("websocket") {
        return Err(ClientHandshakeError::MissingUpgradeWebsocket);
    }

    let accept = header_value(headers, "sec-websocket-accept").unwrap_or_default();
    if accept.is_empty() {
        return Err(ClientHandshakeError::MissingAccept);
    }
    let expected = accept_key(key);
    if accept.trim() != expected {
        return Err(ClientHandshakeError::AcceptMismatch(expected));
    }

    if let Some(extensions) = header_value(headers, "sec-websocket-extensions") {
        let unrequested = extensions
            .split(',')
            .filter_map(|ext| ext.split(';').next())
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .find(|name| {
                !requested_extensions
                    .iter()
                    .any(|r| r.eq_ignore_ascii_case(name))
            });
        if let Some(name) = unrequested {
            return Err(ClientHandshakeError::UnrequestedExtension(name.to_owned()));
        }
    }

    Ok(protocol)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::rng::FixedRng;

    const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
    const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    fn ok_headers() -> Vec<(&'static str, &'static str)> {
        vec![
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", ACCEPT),
        ]
    }

    #[test]
    fn key_is_16_bytes_base64() {
        let key = generate_key(&mut FixedRng::new(1));
        assert_eq!(key.len(), 24);
        assert_eq!(STANDARD.decode(&key).unwrap().len(), NONCE_LEN);
        assert_ne!(key, generate_key(&mut FixedRng::new(2)));
        assert_eq!(key_from_nonce(b"the sample nonce"), KEY);
    }

    #[test]
    fn accepts_minimal_response() {
        let none: [&str; 0] = [];
        assert_eq!(validate_response(KEY, &none, &[], &ok_headers()), Ok(None));
    }

    #[test]
    fn header_names_and_token_case_do_not_matter() {
        let headers = [
            ("UPGRADE", "WebSocket"),
            ("connection", "keep-alive, UPGRADE"),
            ("sec-websocket-accept", ACCEPT),
        ];
        let none: [&str; 0] = [];
        assert_eq!(validate_response(KEY, &none, &[], &headers), Ok(None));
    }

    #[test]
    fn repeated_accept_headers_are_joined_and_fail() {
        let mut headers = ok_headers();
        headers.push(("Sec-WebSocket-Accept", ACCEPT));
        let none: [&str; 0] = [];
        assert_eq!(
            validate_response(KEY, &none, &[], &headers),
            Err(ClientHandshakeError::AcceptMismatch(ACCEPT.into()))
        );
    }

    #[test]
    fn protocol_texts() {
        assert_eq!(
            validate_protocol("a b").unwrap_err().to_string(),
            "Protocol list contains invalid character \" \""
        );
        assert_eq!(
            validate_protocol("é").unwrap_err(),
            ClientHandshakeError::InvalidProtocolCharacter('é')
        );
        assert!(validate_protocols(&["chat", "v1.json!#$%&'*+-^_`|~"]).is_ok());
    }
}
