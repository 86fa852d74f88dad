//! The event-loop transport: sockets that Rust owns, driven on the JS
//! thread's own libuv loop (design.md, "Transports").
//!
//! Nothing here interprets frame bits: each [`socket::Socket`] feeds a
//! `wsproto::Connection` (shared with the JS-facing handle, which queues
//! sends into it) and reports what it produced to its environment's
//! [`hub::Hub`], which hands one batch per loop iteration to JS.

pub mod events;
// The event-loop transport needs POSIX sockets and Node's exported libuv;
// elsewhere every connection uses the JS-fed transport (`ioAvailable()` is false).
#[cfg(unix)]
pub mod hub;
#[cfg(unix)]
pub mod socket;
#[cfg(unix)]
pub mod uv;
