//! Property tests: arbitrary input never panics and parses the same however it
//! is split; whatever one side sends, the other side receives unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use proptest::prelude::*;
use wsproto::close::is_valid_wire_code;
use wsproto::{Connection, Event, Limits, Role};

fn run(role: Role, input: &[u8], cuts: &[usize]) -> (Vec<Event>, Vec<u8>) {
    let limits = Limits {
        max_fragments: Some(16),
        ..Limits::server()
    };
    let mut c = with_limits(role, limits);
    let mut start = 0;
    let mut sorted: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    sorted.sort_unstable();
    for cut in sorted.into_iter().chain(std::iter::once(input.len())) {
        c.receive(&input[start..cut]);
        start = cut;
    }
    (events(&mut c), c.take_outgoing())
}

/// Bytes that look like frames often enough to get past the header checks.
fn framey() -> impl Strategy<Value = Vec<u8>> {
    let frame = (
        any::<bool>(),
        prop::sample::select(vec![0u8, 1, 2, 8, 9, 10, 3]),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(|(fin, op, masked, payload)| {
            frame_bits(fin, 0, op, masked.then_some(KEY), &payload)
        });
    prop::collection::vec(frame, 0..8).prop_map(|frames| frames.concat())
}

proptest! {
    #[test]
    fn arbitrary_input_is_split_invariant(
        input in prop_oneof![prop::collection::vec(any::<u8>(), 0..300), framey()],
        cuts in prop::collection::vec(any::<usize>(), 0..6),
        server in any::<bool>(),
    ) {
        let role = if server { Role::Server } else { Role::Client };
        let whole = run(role, &input, &[]);
        prop_assert_eq!(&run(role, &input, &cuts), &whole);
        for (i, event) in whole.0.iter().enumerate() {
            if let Event::Dropped { code, .. } = event {
                prop_assert!(is_valid_wire_code(*code));
                prop_assert_eq!(i, whole.0.len() - 1);
            }
        }
    }

    #[test]
    fn messages_round_trip(
        messages in prop::collection::vec((any::<bool>(), prop::collection::vec(any::<u8>(), 0..3000)), 1..6),
        threshold in 1usize..2000,
    ) {
        let mut tx = Connection::new(
            Role::Client,
            Limits { fragmentation_threshold: threshold, ..Limits::client() },
            Box::new(wsproto::FixedRng::new(3)),
        );
        let mut rx = with_limits(Role::Server, Limits::server());
        let mut expected = Vec::new();
        for (is_binary, bytes) in &messages {
            if *is_binary {
                tx.send_message(true, bytes);
                expected.push(binary(bytes));
            } else {
                let s = String::from_utf8_lossy(bytes).into_owned();
                tx.send_message(false, s.as_bytes());
                expected.push(text(&s));
            }
        }
        rx.receive(&tx.take_outgoing());
        prop_assert_eq!(events(&mut rx), expected);
    }
}
