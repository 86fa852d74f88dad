//! permessage-deflate (RFC 7692): negotiation in both roles and the
//! per-connection compression state.
//!
//! Negotiation works on header values ([`negotiate_server`],
//! [`client_offer`], [`client_accept`]); the agreed parameters are handed to
//! [`Connection::set_deflate`](crate::Connection::set_deflate), after which
//! the connection compresses outgoing messages and inflates incoming ones.

mod codec;
pub mod header;
mod negotiate;

pub use codec::{compress_standalone, CompressionOptions, PerMessageDeflate, EMPTY_BLOCK_TAIL};
pub use negotiate::{
    client_accept, client_offer, negotiate_server, Accepted, Agreement, DeflateConfig, ParamError,
    ResponseError, EXTENSION_NAME, MAX_WINDOW_BITS, MIN_WINDOW_BITS,
};
