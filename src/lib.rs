//! The `websocket-rs` Node.js addon: N-API bindings over the `wsproto` core,
//! and the tokio transport for sockets Rust owns.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod binding;
pub mod io;
