//! The opening handshake (RFC 6455 §4): validating a client's upgrade
//! request, building the server's 101 or reject response, and the accept key
//! both sides compute.
//!
//! Everything here works on already-received bytes or header pairs; nothing
//! reads a socket.

pub mod accept;
pub mod client;
pub mod cookie;
pub mod error;
mod fields;
pub mod head;
pub mod headers;
pub mod reject;
pub mod request;
pub mod response;
mod wire;

pub use accept::accept_key;
pub use cookie::{CookieAttr, MaxAge, SetCookie};
pub use error::HandshakeError;
pub use head::{parse_request_head, HeadLimits, HeadStatus, RequestHead};
pub use headers::Headers;
pub use reject::{reject_response, status_text, DEFAULT_REJECT_STATUS};
pub use request::{Extension, ExtensionParam, RequestCookie, ServerOptions, UpgradeRequest};
pub use response::{
    accept_response, accept_response_with_extensions, select_protocol, AcceptParams, CookiesArg,
};
