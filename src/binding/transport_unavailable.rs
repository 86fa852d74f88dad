//! Where the event-loop transport does not exist (not a POSIX system), the
//! shim asks and gets `false`; every connection stays on the JS-fed transport.

use napi_derive::napi;

/// Whether this process can run the event-loop transport: never here.
#[napi(catch_unwind)]
pub fn io_available() -> bool {
    false
}
