//! Fragment floods (GHSA-96hv-2xvq-fx4p): with no cap on fragments per message
//! (the default, as in `websocket`), an empty continuation frame must cost no
//! more than a small message: no allocation, no event, no growth of any buffer.
//!
//! This test binary counts the heap allocations made on its own thread with a
//! wrapping global allocator (the only `unsafe` here is the `GlobalAlloc`
//! impl, which forwards to the system allocator; the core crate itself stays
//! `forbid(unsafe_code)`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use common::*;
use wsproto::{Event, Limits, MessageAssembler, Role};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to `System`; the counter is a
// const-initialised thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

const FLOOD: usize = 100_000;

#[test]
fn empty_continuations_do_not_grow_memory() {
    for role in [Role::Server, Role::Client] {
        let frame = |fin: bool, opcode: u8, payload: &[u8]| match role {
            Role::Server => cf(fin, opcode, payload),
            Role::Client => sf(fin, opcode, payload),
        };
        let empty = frame(false, 0, b"");
        let mut flood = Vec::with_capacity(empty.len() * FLOOD);
        for _ in 0..FLOOD {
            flood.extend_from_slice(&empty);
        }
        let mut c = with_limits(
            role,
            match role {
                Role::Server => Limits::server(),
                Role::Client => Limits::client(),
            },
        );
        assert_eq!(c.limits().max_fragments, None);
        c.receive(&frame(false, 1, b"a"));
        let before = allocations();
        // Whole, then one byte at a time for a part of it (a header split
        // across reads is kept in a fixed array, not a buffer).
        c.receive(&flood);
        for b in flood.iter().take(6 * 1000) {
            c.receive(std::slice::from_ref(b));
        }
        assert_eq!(
            allocations() - before,
            0,
            "{role:?}: {} empty continuation frames allocated",
            FLOOD + 1000
        );
        assert_eq!(c.pending_events(), 0, "{role:?}: no event per empty frame");
        c.receive(&frame(true, 0, b"b"));
        assert_eq!(events(&mut c), vec![text("ab")], "{role:?}");
    }
}

#[test]
fn tiny_fragments_cost_amortised_growth_only() {
    // 65536 one-byte fragments (Autobahn 9.3.1's shape, smaller): the buffer
    // grows geometrically, so allocations are logarithmic in the message size.
    let one = cf(false, 0, b"x");
    let mut input = cf(false, 2, b"x");
    for _ in 0..65_534 {
        input.extend_from_slice(&one);
    }
    input.extend(cf(true, 0, b"x"));
    let mut c = server();
    let before = allocations();
    c.receive(&input);
    let used = allocations() - before;
    assert!(used < 64, "{used} allocations for 65536 fragments");
    match events(&mut c).as_slice() {
        [Event::Message { binary: true, data }] => assert_eq!(data.len(), 65_536),
        other => panic!("unexpected events: {other:?}"),
    }
}

#[test]
fn assembler_capacity_stays_put_over_empty_continuations() {
    let limits = Limits::server();
    let mut m = MessageAssembler::new();
    m.begin_frame(0x1, 3, &limits).unwrap();
    m.extend(b"abc", None, 0).unwrap();
    assert_eq!(m.end_frame(false).unwrap(), None);
    let capacity = m.capacity();
    for _ in 0..FLOOD {
        m.begin_frame(0x0, 0, &limits).unwrap();
        assert_eq!(m.end_frame(false).unwrap(), None);
    }
    assert_eq!((m.len(), m.capacity()), (3, capacity));
    m.begin_frame(0x0, 0, &limits).unwrap();
    assert_eq!(m.end_frame(true).unwrap(), Some((false, b"abc".to_vec())));
}

#[test]
fn the_opt_in_cap_still_applies() {
    let limits = Limits {
        max_fragments: Some(1000),
        ..Limits::server()
    };
    let mut input = cf(false, 1, b"a");
    for _ in 0..1000 {
        input.extend(cf(false, 0, b""));
    }
    let mut c = with_limits(Role::Server, limits);
    c.receive(&input);
    match events(&mut c).as_slice() {
        [Event::Dropped { code: 1009, reason }] => {
            assert_eq!(
                reason,
                "Maximum number of message fragments (1000) exceeded."
            )
        }
        other => panic!("unexpected events: {other:?}"),
    }
}
