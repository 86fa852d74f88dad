//! tokio I/O: sockets that Rust owns, their read/write loops and the batched
//! delivery of their events to JS.
//!
//! Nothing here interprets frame bits: each connection task drives a
//! `wsproto::Connection` (shared with the JS thread, which queues sends into
//! it) and reports what it produced through its [`hub::Hub`].

pub mod control;
pub mod events;
pub mod hub;
pub mod task;

use std::sync::OnceLock;
use tokio::runtime::{Builder, Runtime};

/// The one runtime shared by every environment (main thread and workers).
static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// The I/O runtime: one worker thread (the JS thread is the other core of a
/// two-core machine; design.md), created on first use.
pub fn runtime() -> Result<&'static Runtime, String> {
    RUNTIME
        .get_or_init(|| {
            Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("websocket-rs-io")
                .enable_io()
                .enable_time()
                .build()
                .map_err(|e| format!("websocket-rs: could not start the I/O runtime: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}
