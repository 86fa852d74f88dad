//! The close handshake in both directions, drop, transport close and timeouts
//! (RFC 6455 §5.5.1, §7).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use wsproto::{Event, ProtocolError, State};

#[test]
fn peer_initiated_close() {
    let mut c = server();
    c.receive(&cf(true, 8, &close_payload(1000, "bye")));
    assert_eq!(
        events(&mut c),
        vec![Event::CloseRequested {
            code: Some(1000),
            reason: "bye".into()
        }]
    );
    assert_eq!(c.state(), State::PeerRequestedClose);
    // Our reply: 1000, no reason, unmasked from the server.
    assert_eq!(to_hex(&c.take_outgoing()), "880203e8");
    assert_eq!(
        (c.close_reason_code(), c.close_description()),
        (Some(1000), Some("bye"))
    );
    // Nothing more is parsed or sent after the peer's close.
    c.receive(&cf(true, 1, b"late"));
    assert_eq!(events(&mut c), vec![]);
    assert!(!c.send_message(false, b"late"));
    assert!(!c.ping(b""));
    assert!(!c.has_outgoing());
    assert_eq!(c.close(1000, "again"), Ok(()));
    assert!(!c.has_outgoing());
    assert_eq!(c.transport_closed(), (1000, "bye".to_owned()));
    assert_eq!(c.state(), State::Closed);
}

#[test]
fn client_reply_is_masked() {
    let mut c = client();
    c.receive(&sf(true, 8, &close_payload(1001, "")));
    assert_eq!(
        events(&mut c),
        vec![Event::CloseRequested {
            code: Some(1001),
            reason: "Remote peer is going away".into()
        }]
    );
    let out = parse_outgoing(&c.take_outgoing());
    assert_eq!(out.len(), 1);
    assert!(out[0].masked);
    assert_eq!((out[0].opcode, out[0].payload.clone()), (8, hex("03e8")));
}

#[test]
fn close_without_status_reports_1005() {
    let mut c = server();
    c.receive(&cf(true, 8, b""));
    assert_eq!(
        events(&mut c),
        vec![Event::CloseRequested {
            code: None,
            reason: "Reason not provided".into()
        }]
    );
    assert_eq!(outgoing_closes(&mut c), vec![(Some(1000), String::new())]);
    // RFC 6455 §7.1.5 (websocket reports 1006 here).
    assert_eq!(
        c.transport_closed(),
        (1005, "Reason not provided".to_owned())
    );
}

#[test]
fn invalid_close_payloads_are_answered_with_1002() {
    // A 1-byte payload (RFC 6455 §5.5.1).
    let mut c = server();
    c.receive(&cf(true, 8, &[3]));
    assert_eq!(
        events(&mut c),
        vec![Event::CloseRequested {
            code: None,
            reason: "Reason not provided".into()
        }]
    );
    assert_eq!(outgoing_closes(&mut c), vec![(Some(1002), String::new())]);
    // Codes not allowed on the wire (RFC 6455 §7.4).
    for code in [
        0u16, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535,
    ] {
        let mut c = server();
        c.receive(&cf(true, 8, &close_payload(code, "x")));
        assert_eq!(
            events(&mut c),
            vec![Event::CloseRequested {
                code: Some(code),
                reason: "x".into()
            }],
            "code {code}"
        );
        assert_eq!(
            outgoing_closes(&mut c),
            vec![(Some(1002), String::new())],
            "code {code}"
        );
        assert_eq!(c.close_reason_code(), Some(code));
    }
    for code in [1000u16, 1003, 1007, 1011, 1014, 3000, 4999] {
        let mut c = server();
        c.receive(&cf(true, 8, &close_payload(code, "")));
        assert_eq!(
            outgoing_closes(&mut c),
            vec![(Some(1000), String::new())],
            "code {code}"
        );
    }
    // A code without a `websocket` description has an empty reason.
    let mut c = server();
    c.receive(&cf(true, 8, &close_payload(3000, "")));
    assert_eq!(
        events(&mut c),
        vec![Event::CloseRequested {
            code: Some(3000),
            reason: String::new()
        }]
    );
}

#[test]
fn close_reason_must_be_utf8() {
    let mut c = server();
    c.receive(&cf(true, 8, &[0x03, 0xe8, 0xce, 0xba, 0xff]));
    assert_eq!(
        events(&mut c),
        vec![Event::Dropped {
            code: 1007,
            reason: "Invalid UTF-8 Data Received".into()
        }]
    );
    assert_eq!(
        outgoing_closes(&mut c),
        vec![(Some(1007), "Invalid UTF-8 Data Received".into())]
    );
    assert_eq!(c.state(), State::Closed);
}

#[test]
fn locally_initiated_close() {
    let mut c = client();
    assert_eq!(c.close(4000, "done"), Ok(()));
    assert_eq!(c.state(), State::Ending);
    assert!(c.is_waiting_for_close_response());
    assert_eq!(
        (c.close_reason_code(), c.close_description()),
        (Some(4000), Some("done"))
    );
    let out = parse_outgoing(&c.take_outgoing());
    assert_eq!(out.len(), 1);
    assert!(out[0].masked);
    assert_eq!(out[0].payload, close_payload(4000, "done"));
    // No data after our close frame.
    assert!(!c.send_message(false, b"x"));
    assert!(!c.pong(b"x"));
    assert!(!c.send_frame(true, false, false, false, 1, b"x", None));
    assert!(!c.has_outgoing());
    // The peer may still send data before its close reply (RFC 6455 §7.1.2).
    c.receive(&sf(true, 1, b"still here"));
    c.receive(&sf(true, 9, b"p"));
    c.receive(&sf(true, 8, &close_payload(1000, "")));
    assert_eq!(
        events(&mut c),
        vec![
            text("still here"),
            Event::Ping(b"p".to_vec()),
            Event::CloseCompleted
        ]
    );
    assert!(!c.has_outgoing(), "no pong and no second close after ours");
    assert_eq!(c.state(), State::Closed);
    assert!(!c.is_waiting_for_close_response());
    assert_eq!(c.transport_closed(), (4000, "done".to_owned()));
}

#[test]
fn local_close_code_validation_follows_websocket() {
    for code in [0u16, 999, 1004, 1005, 1006, 1016, 2999, 5000] {
        let mut c = server();
        let err = c.close(code, "").unwrap_err();
        assert_eq!(err, ProtocolError::InvalidCloseCode { code });
        assert_eq!(err.to_string(), format!("Close code {code} is not valid."));
        assert_eq!(c.state(), State::Open);
        assert!(!c.has_outgoing());
    }
    let mut c = server();
    assert_eq!(c.close(1015, ""), Ok(()));
    assert_eq!(outgoing_closes(&mut c), vec![(Some(1015), String::new())]);
}

#[test]
fn long_close_reason_is_cut_at_a_char_boundary() {
    let mut c = server();
    let reason = "é".repeat(100); // 200 bytes
    c.close(1000, &reason).unwrap();
    let closes = outgoing_closes(&mut c);
    assert_eq!(closes[0].1, "é".repeat(61)); // 122 bytes: 123 would split a char
    assert_eq!(c.close_description(), Some(reason.as_str()));
}

#[test]
fn close_timeout() {
    let mut c = server();
    c.close(1000, "Normal connection closure").unwrap();
    c.close_timeout_elapsed();
    assert_eq!(c.state(), State::Closed);
    assert!(!c.is_waiting_for_close_response());
    c.receive(&cf(true, 8, &close_payload(1000, "")));
    assert_eq!(events(&mut c), vec![]);
    assert_eq!(
        c.transport_closed(),
        (1000, "Normal connection closure".to_owned())
    );
    // Without a pending close it does nothing.
    let mut c = server();
    c.close_timeout_elapsed();
    assert_eq!(c.state(), State::Open);
}

#[test]
fn transport_closed_without_any_close_frame() {
    let mut c = server();
    assert_eq!((c.close_reason_code(), c.close_description()), (None, None));
    assert_eq!(
        c.transport_closed(),
        (1006, "Connection dropped by remote peer.".to_owned())
    );
    assert_eq!(c.state(), State::Closed);
    assert_eq!(c.close_reason_code(), Some(1006));
}

#[test]
fn drop_connection() {
    let mut c = server();
    c.receive(&cf(false, 1, b"partial"));
    c.receive(&cf(true, 0, b"and")[..5]); // an incomplete frame too
    c.drop_connection(1006, "Peer not responding.", true);
    assert_eq!(c.state(), State::Closed);
    assert!(!c.has_outgoing());
    assert_eq!(
        c.transport_closed(),
        (1006, "Peer not responding.".to_owned())
    );

    let mut c = client();
    c.drop_connection(1002, "Protocol error", false);
    assert_eq!(
        outgoing_closes(&mut c),
        vec![(Some(1002), "Protocol error".into())]
    );
    assert_eq!(events(&mut c), vec![]);
    // One close frame per endpoint: a drop after our reply to the peer's close sends none.
    let mut c = server();
    c.receive(&cf(true, 8, &close_payload(1000, "")));
    assert_eq!(outgoing_closes(&mut c), vec![(Some(1000), String::new())]);
    c.drop_connection(1002, "x", false);
    assert!(!c.has_outgoing());
    assert_eq!(c.transport_closed(), (1002, "x".to_owned()));
    // Nor a drop after our own close.
    let mut c = server();
    c.close(1000, "").unwrap();
    c.take_outgoing();
    c.drop_connection(1002, "x", false);
    assert!(!c.has_outgoing());
    assert_eq!(c.state(), State::Closed);
}

#[test]
fn deferred_peer_close_changes_state_when_the_driver_accepts_it() {
    // With set_defer_failure the reply to the peer's close frame waits for the
    // driver, so replies to messages before it go first and the state the
    // application reads changes when it handles the event.
    let mut c = server();
    c.set_defer_failure(true);
    let mut input = cf(true, 1, b"hi");
    input.extend_from_slice(&cf(true, 8, &close_payload(4000, "bye")));
    input.extend_from_slice(&cf(true, 1, b"late"));
    c.receive(&input);
    let evs = events(&mut c);
    assert_eq!(evs.len(), 2, "events {evs:?}");
    assert!(
        matches!(&evs[1], Event::CloseRequested { code: Some(4000), reason } if reason == "bye")
    );
    assert_eq!(c.state(), State::Open);
    assert!(!c.has_outgoing());
    assert!(c.send_message(false, b"hi"));
    c.accept_peer_close();
    assert_eq!(c.state(), State::PeerRequestedClose);
    assert_eq!(c.close_reason_code(), Some(4000));
    let out = parse_outgoing(&c.take_outgoing());
    assert_eq!(out.len(), 2, "the echo, then our reply");
    assert_eq!(out[0].payload, b"hi".to_vec());
    assert_eq!(out[1].opcode, 8);
    assert_eq!(&out[1].payload[..2], &1000u16.to_be_bytes());
    c.accept_peer_close();
    assert!(!c.has_outgoing(), "accepted once");
}

#[test]
fn deferred_peer_close_after_our_own_close_completes_the_handshake() {
    let mut c = server();
    c.set_defer_failure(true);
    c.receive(&cf(true, 8, &close_payload(1000, "")));
    assert_eq!(events(&mut c).len(), 1);
    c.close(1001, "going").unwrap();
    assert_eq!(c.state(), State::Ending);
    c.accept_peer_close();
    assert_eq!(c.state(), State::Closed);
    assert!(!c.is_waiting_for_close_response());
    assert_eq!(c.close_reason_code(), Some(1001), "our code stays");
    assert_eq!(
        outgoing_closes(&mut c),
        vec![(Some(1001), "going".to_owned())],
        "one close frame only"
    );
}
