//! Everything that can go wrong in the opening handshake, with the HTTP
//! status each failure answers with and `websocket`'s exact texts.
//!
//! The texts are API: applications match on them (`upgradeError`,
//! `X-WebSocket-Reject-Reason`), so they are kept here, in one place, and
//! tested.

use std::fmt;

/// A failed opening handshake.
///
/// Request-validation variants are answered with the status from
/// [`HandshakeError::http_status`]; `accept()`-argument variants make the
/// server reject with 500 and then throw this error to the caller, as
/// `websocket` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeError {
    /// The request head is not valid HTTP/1.1 (400).
    MalformedRequest(String),
    /// The request head has more header lines than the limit allows (431).
    TooManyHeaders {
        /// The configured maximum number of header lines.
        max: usize,
    },
    /// The request head is larger than the limit allows (431).
    HeadTooLarge {
        /// The configured maximum head size in bytes.
        max: usize,
    },
    /// The request is not a `GET` (RFC 6455 §4.1, item 2) (405).
    MethodNotAllowed(String),
    /// The request lacks `Upgrade: websocket` or `Connection: Upgrade`
    /// (RFC 6455 §4.1, items 5 and 6) (400). Only the Rust-owned listener
    /// checks this; Node does not report such requests as upgrades.
    NotAnUpgrade,
    /// No `Host` header (RFC 6455 §4.1, item 4) (400).
    MissingHost,
    /// No `Sec-WebSocket-Key` header, or an empty one (400).
    MissingKey,
    /// No `Sec-WebSocket-Version` header, or one that is not a positive
    /// integer (400).
    MissingVersion,
    /// A version other than 8 or 13 (RFC 6455 §4.4): 426 with
    /// `Sec-WebSocket-Version: 13`. Carries the version as `websocket`
    /// prints it (`parseInt` of the header).
    UnsupportedVersion(String),
    /// A `Cookie` value that is not valid percent-encoded UTF-8 (400; the
    /// text is the `URIError` `websocket`'s `decodeURIComponent` throws).
    MalformedCookie,
    /// `accept()` named a subprotocol containing a character that is not
    /// allowed in an RFC 2616 token.
    IllegalProtocolCharacter(char),
    /// `accept()` named a subprotocol the client did not offer.
    ProtocolNotRequested,
    /// `accept()`'s `cookies` argument is not an array.
    CookiesNotArray,
    /// A cookie without a `name` or a `value`.
    CookieMissingNameOrValue,
    /// Two cookies with the same name.
    DuplicateCookieName,
    /// A cookie name containing a character that is not a token character.
    IllegalCookieNameCharacter(char),
    /// A cookie value containing a character outside RFC 6265 §4.1.1's
    /// `cookie-octet`.
    IllegalCookieValueCharacter(char),
    /// A cookie path containing a control character or `;`.
    IllegalCookiePathCharacter(char),
    /// A cookie `domain` that is not a string.
    CookieDomainNotString,
    /// A cookie domain containing a control character or `;`.
    IllegalCookieDomainCharacter(char),
    /// A cookie `expires` that is not a `Date`.
    CookieExpiresNotDate,
    /// A cookie `maxage` that is not a number greater than zero.
    CookieMaxAgeNotPositive,
    /// A cookie `secure` flag that is not a boolean.
    CookieSecureNotBoolean,
    /// A cookie `httponly` flag that is not a boolean.
    CookieHttpOnlyNotBoolean,
}

impl HandshakeError {
    /// The HTTP status the server answers this failure with.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::MalformedRequest(_)
            | Self::MissingHost
            | Self::MissingKey
            | Self::MissingVersion
            | Self::MalformedCookie
            | Self::NotAnUpgrade => 400,
            Self::TooManyHeaders { .. } | Self::HeadTooLarge { .. } => 431,
            Self::MethodNotAllowed(_) => 405,
            Self::UnsupportedVersion(_) => 426,
            _ => 500,
        }
    }

    /// Extra response headers that go with the status, in order.
    ///
    /// RFC 6455 §4.4: a server that does not speak the client's version
    /// answers 426 and lists the versions it does speak.
    pub fn extra_headers(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::UnsupportedVersion(_) => &[("Sec-WebSocket-Version", "13")],
            Self::MethodNotAllowed(_) => &[("Allow", "GET")],
            _ => &[],
        }
    }
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MalformedRequest(why) => write!(f, "Malformed HTTP request: {why}."),
            Self::TooManyHeaders { max } => write!(f, "Request has more than {max} header lines."),
            Self::HeadTooLarge { max } => write!(f, "Request head is larger than {max} bytes."),
            Self::MethodNotAllowed(method) => {
                write!(f, "WebSocket upgrade requests must use GET, not {method}.")
            }
            Self::NotAnUpgrade => {
                f.write_str("Request must carry Upgrade: websocket and Connection: Upgrade.")
            }
            Self::MissingHost => f.write_str("Client must provide a Host header."),
            Self::MissingKey => f.write_str("Client must provide a value for Sec-WebSocket-Key."),
            Self::MissingVersion => {
                f.write_str("Client must provide a value for Sec-WebSocket-Version.")
            }
            // `websocket` concatenates without a space; the text is API.
            Self::UnsupportedVersion(v) => write!(
                f,
                "Unsupported websocket client version: {v}Only versions 8 and 13 are supported."
            ),
            Self::MalformedCookie => f.write_str("URI malformed"),
            Self::IllegalProtocolCharacter(c) => {
                write!(f, "Illegal character \"{c}\" in subprotocol.")
            }
            Self::ProtocolNotRequested => {
                f.write_str("Specified protocol was not requested by the client.")
            }
            Self::CookiesNotArray => {
                f.write_str("Value supplied for \"cookies\" argument must be an array.")
            }
            Self::CookieMissingNameOrValue => {
                f.write_str("Each cookie to set must at least provide a \"name\" and \"value\"")
            }
            Self::DuplicateCookieName => {
                f.write_str("You may not specify the same cookie name twice.")
            }
            Self::IllegalCookieNameCharacter(c) => {
                write!(f, "Illegal character {c} in cookie name")
            }
            Self::IllegalCookieValueCharacter(c) => {
                write!(f, "Illegal character {c} in cookie value")
            }
            Self::IllegalCookiePathCharacter(c) => {
                write!(f, "Illegal character {c} in cookie path")
            }
            Self::CookieDomainNotString => {
                f.write_str("Domain must be specified and must be a string.")
            }
            Self::IllegalCookieDomainCharacter(c) => {
                write!(f, "Illegal character {c} in cookie domain")
            }
            // "vaild" (sic) is `websocket`'s text.
            Self::CookieExpiresNotDate => {
                f.write_str("Value supplied for cookie \"expires\" must be a vaild date object")
            }
            Self::CookieMaxAgeNotPositive => {
                f.write_str("Value supplied for cookie \"maxage\" must be a non-zero number")
            }
            Self::CookieSecureNotBoolean => {
                f.write_str("Value supplied for cookie \"secure\" must be of type boolean")
            }
            Self::CookieHttpOnlyNotBoolean => {
                f.write_str("Value supplied for cookie \"httponly\" must be of type boolean")
            }
        }
    }
}

impl std::error::Error for HandshakeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_errors_carry_websockets_texts_and_statuses() {
        assert_eq!(
            HandshakeError::MissingHost.to_string(),
            "Client must provide a Host header."
        );
        assert_eq!(HandshakeError::MissingHost.http_status(), 400);
        assert_eq!(
            HandshakeError::MissingKey.to_string(),
            "Client must provide a value for Sec-WebSocket-Key."
        );
        assert_eq!(
            HandshakeError::MissingVersion.to_string(),
            "Client must provide a value for Sec-WebSocket-Version."
        );
        let v7 = HandshakeError::UnsupportedVersion("7".into());
        assert_eq!(
            v7.to_string(),
            "Unsupported websocket client version: 7Only versions 8 and 13 are supported."
        );
        assert_eq!(v7.http_status(), 426);
        assert_eq!(v7.extra_headers(), &[("Sec-WebSocket-Version", "13")]);
        assert!(HandshakeError::MissingKey.extra_headers().is_empty());
    }

    #[test]
    fn accept_errors_answer_500() {
        assert_eq!(HandshakeError::ProtocolNotRequested.http_status(), 500);
        assert_eq!(
            HandshakeError::IllegalCookieNameCharacter('=').to_string(),
            "Illegal character = in cookie name"
        );
        assert_eq!(
            HandshakeError::TooManyHeaders { max: 100 }.http_status(),
            431
        );
    }
}
