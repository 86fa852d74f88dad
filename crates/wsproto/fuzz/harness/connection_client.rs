//! Feeds arbitrary bytes to a client Connection in pieces whose sizes come from
//! the input: must never panic, and a failure is a Dropped event with a valid
//! close code.
//!
//! Shared by the fuzz target and by `cargo test` (`tests/fuzz_seeds.rs`), which
//! replays every seed in `tests/corpus/connection_client/` through this same function.
use wsproto::close::is_valid_wire_code;
use wsproto::{Connection, Event, FixedRng, Limits, Role};

/// Runs one input; panics on a broken invariant.
pub fn run(data: &[u8]) {
    let Some((&split, input)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        max_fragments: Some(64),
        ..Limits::client()
    };
    let mut c = Connection::new(Role::Client, limits, Box::new(FixedRng::new(1)));
    let step = usize::from(split).max(1);
    for piece in input.chunks(step) {
        c.receive(piece);
        while let Some(event) = c.poll_event() {
            if let Event::Dropped { code, .. } = event {
                assert!(is_valid_wire_code(code));
            }
        }
        let _ = c.take_outgoing();
    }
    let _ = c.transport_closed();
}
