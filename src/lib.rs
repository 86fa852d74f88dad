//! The `websocket-rs` Node.js addon: N-API bindings over the `wsproto` core,
//! and the event-loop transport for sockets Rust owns.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod binding;
pub mod io;
