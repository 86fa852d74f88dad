//! `#[napi]` items only: translate between JS and Rust and contain panics.

pub mod batch;
pub mod client;
pub mod connection;
pub mod deflate;
pub mod frame;
pub mod handshake;
pub mod rng;
pub mod transport;

use napi_derive::napi;

/// The version of the native addon (the crate version).
#[napi(catch_unwind)]
pub fn native_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
