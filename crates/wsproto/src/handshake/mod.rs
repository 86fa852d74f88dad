//! The opening handshake (RFC 6455 §4): validating a client's upgrade
//! request, building the server's 101 or reject response, and the accept key
//! both sides compute.
//!
//! Everything here works on already-received bytes or header pairs; nothing
//! reads a socket.

pub mod accept;
pub mod client;
pub mod error;

pub use accept::accept_key;
pub use error::HandshakeError;
