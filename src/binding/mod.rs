//! `#[napi]` items only: translate between JS and Rust and contain panics.

pub mod batch;
pub mod client;
pub mod connection;
pub mod deflate;
pub mod frame;
pub mod handshake;
#[cfg(unix)]
pub mod hot;
pub mod rng;
#[cfg(unix)]
pub mod transport;
#[cfg(not(unix))]
pub mod transport_unavailable;

use napi_derive::napi;

/// The version of the native addon (the crate version).
#[napi(catch_unwind)]
pub fn native_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Adds the hand-written hot-path functions (see [`hot`]) to the exports.
#[napi(module_exports)]
pub fn init(exports: napi::bindgen_prelude::Object, env: napi::Env) -> napi::Result<()> {
    #[cfg(unix)]
    hot::register(&env, &exports)?;
    let _ = (exports, env);
    Ok(())
}
