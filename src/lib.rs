//! The `websocket-rs` Node.js addon: N-API bindings over the `wsproto` core.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod binding;
