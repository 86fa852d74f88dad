//! The client handshake for `lib/WebSocketClient.js`: key generation,
//! subprotocol checks and validation of the server's 101 response. Each
//! failure becomes a JS `Error` whose message is the exact text
//! `websocket` would report.

use napi::{Error, Result};
use napi_derive::napi;
use wsproto::handshake::client::{self, NONCE_LEN};

/// A fresh `Sec-WebSocket-Key`: 16 bytes from the operating system's
/// random source, base64-encoded (RFC 6455 §4.1, item 7).
#[napi(catch_unwind)]
pub fn client_generate_key() -> Result<String> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce)
        .map_err(|e| Error::from_reason(format!("Unable to generate a Sec-WebSocket-Key: {e}")))?;
    Ok(client::key_from_nonce(&nonce))
}

/// Throws `Protocol list contains invalid character "<c>"` for the first
/// requested subprotocol that is not a valid token.
#[napi(catch_unwind)]
pub fn client_validate_protocols(protocols: Vec<String>) -> Result<()> {
    client::validate_protocols(&protocols).map_err(|e| Error::from_reason(e.to_string()))
}

/// Validates a 101 response to a request sent with `key` and `protocols`
/// (and the extensions named in `extensions`, e.g. `permessage-deflate`).
/// `raw_headers` is Node's `IncomingMessage.rawHeaders` (name, value, name,
/// value, ...). Returns the selected subprotocol, or `undefined` when none
/// was requested; throws an `Error` with `websocket`'s text otherwise.
#[napi(catch_unwind)]
pub fn client_validate_response(
    key: String,
    protocols: Vec<String>,
    raw_headers: Vec<String>,
    extensions: Option<Vec<String>>,
) -> Result<Option<String>> {
    let extensions = extensions.unwrap_or_default();
    let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
    let headers: Vec<(&str, &str)> = raw_headers
        .chunks_exact(2)
        .map(|pair| match pair {
            [name, value] => (name.as_str(), value.as_str()),
            _ => ("", ""),
        })
        .collect();
    client::validate_response(&key, &protocols, &extensions, &headers)
        .map_err(|e| Error::from_reason(e.to_string()))
}
