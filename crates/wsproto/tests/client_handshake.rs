//! The client's handshake checks, read against RFC 6455 §4.1 and the texts
//! `websocket` (WebSocket-Node 1.0.35) reports in `connectFailed`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wsproto::handshake::accept_key;
use wsproto::handshake::client::{
    generate_key, validate_protocol, validate_protocols, validate_response, ClientHandshakeError,
    NONCE_LEN,
};
use wsproto::rng::{ConstRng, FixedRng};

/// The RFC 6455 §1.3 sample key and its accept value.
const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
const NO_PROTOCOLS: [&str; 0] = [];

fn response(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut headers = vec![
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", ACCEPT),
    ];
    headers.extend_from_slice(extra);
    headers
}

fn without(name: &str) -> Vec<(&'static str, &'static str)> {
    response(&[])
        .into_iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case(name))
        .collect()
}

fn text(err: ClientHandshakeError) -> String {
    err.to_string()
}

#[test]
fn key_is_a_fresh_base64_nonce_of_16_bytes() {
    let mut rng = FixedRng::new(7);
    let a = generate_key(&mut rng);
    let b = generate_key(&mut rng);
    assert_eq!(a.len(), 24, "16 bytes encode to 24 base64 characters");
    assert!(a.ends_with("=="));
    assert_ne!(a, b, "each connection gets a new nonce");
    // 16 bytes of 0x01 0x02 0x03 0x04 repeated.
    assert_eq!(
        generate_key(&mut ConstRng([1, 2, 3, 4])),
        "AQIDBAECAwQBAgMEAQIDBA=="
    );
    assert_eq!(NONCE_LEN, 16);
}

#[test]
fn a_valid_response_without_subprotocol() {
    assert_eq!(
        validate_response(KEY, &NO_PROTOCOLS, &[], &response(&[])),
        Ok(None)
    );
}

#[test]
fn a_valid_response_returns_the_selected_subprotocol() {
    let headers = response(&[("Sec-WebSocket-Protocol", "chat")]);
    assert_eq!(
        validate_response(KEY, &["superchat", "chat"], &[], &headers),
        Ok(Some("chat".to_owned()))
    );
}

#[test]
fn subprotocol_failures_have_websockets_texts() {
    let requested = ["chat"];
    assert_eq!(
        text(validate_response(KEY, &requested, &[], &response(&[])).unwrap_err()),
        "Expected a Sec-WebSocket-Protocol header."
    );
    assert_eq!(
        text(
            validate_response(
                KEY,
                &requested,
                &[],
                &response(&[("Sec-WebSocket-Protocol", "")])
            )
            .unwrap_err()
        ),
        "Expected a Sec-WebSocket-Protocol header."
    );
    assert_eq!(
        text(
            validate_response(
                KEY,
                &requested,
                &[],
                &response(&[("Sec-WebSocket-Protocol", "other")])
            )
            .unwrap_err()
        ),
        "Server did not respond with a requested protocol."
    );
    // The comparison is exact, as in `websocket`.
    assert_eq!(
        validate_response(
            KEY,
            &requested,
            &[],
            &response(&[("Sec-WebSocket-Protocol", "CHAT")])
        ),
        Err(ClientHandshakeError::UnrequestedProtocol)
    );
    // Two protocol headers are joined ("chat, chat"), which is not one protocol.
    let twice = response(&[
        ("Sec-WebSocket-Protocol", "chat"),
        ("Sec-WebSocket-Protocol", "chat"),
    ]);
    assert_eq!(
        validate_response(KEY, &requested, &[], &twice),
        Err(ClientHandshakeError::UnrequestedProtocol)
    );
}

#[test]
fn subprotocol_checks_come_before_header_checks() {
    // websocket's order: the protocol text wins over the missing headers.
    assert_eq!(
        validate_response(KEY, &["chat"], &[], &NO_PROTOCOLS.map(|n| (n, n))),
        Err(ClientHandshakeError::MissingProtocol)
    );
}

#[test]
fn an_unrequested_subprotocol_fails_rfc6455_4_1_item_6() {
    let err = validate_response(
        KEY,
        &NO_PROTOCOLS,
        &[],
        &response(&[("Sec-WebSocket-Protocol", "chat")]),
    )
    .unwrap_err();
    assert_eq!(err, ClientHandshakeError::UnexpectedProtocol("chat".into()));
    assert_eq!(
        text(err),
        "Server responded with protocol \"chat\" but no protocol was requested."
    );
}

#[test]
fn connection_header() {
    assert_eq!(
        text(validate_response(KEY, &NO_PROTOCOLS, &[], &without("connection")).unwrap_err()),
        "Expected a Connection: Upgrade header from the server"
    );
    let mut headers = without("connection");
    headers.push(("Connection", "keep-alive"));
    assert_eq!(
        validate_response(KEY, &NO_PROTOCOLS, &[], &headers),
        Err(ClientHandshakeError::MissingConnectionUpgrade)
    );
    // RFC 6455 §4.1: the header must *contain* the token; websocket wanted
    // the whole value to be "upgrade".
    let mut headers = without("connection");
    headers.push(("connection", "keep-alive, UPGRADE"));
    assert_eq!(
        validate_response(KEY, &NO_PROTOCOLS, &[], &headers),
        Ok(None)
    );
}

#[test]
fn upgrade_header() {
    assert_eq!(
        text(validate_response(KEY, &NO_PROTOCOLS, &[], &without("upgrade")).unwrap_err()),
        "Expected an Upgrade: websocket header from the server"
    );
    let mut headers = without("upgrade");
    headers.push(("Upgrade", "h2c"));
    assert_eq!(
        validate_response(KEY, &NO_PROTOCOLS, &[], &headers),
        Err(ClientHandshakeError::MissingUpgradeWebsocket)
    );
    let mut headers = without("upgrade");
    headers.push(("UPGRADE", "WebSocket"));
    assert_eq!(
        validate_response(KEY, &NO_PROTOCOLS, &[], &headers),
        Ok(None)
    );
}

#[test]
fn accept_header() {
    assert_eq!(
        text(
            validate_response(KEY, &NO_PROTOCOLS, &[], &without("sec-websocket-accept"))
                .unwrap_err()
        ),
        "Expected Sec-WebSocket-Accept header from server"
    );
    let mut headers = without("sec-websocket-accept");
    headers.push(("Sec-WebSocket-Accept", ""));
    assert_eq!(
        validate_response(KEY, &NO_PROTOCOLS, &[], &headers),
        Err(ClientHandshakeError::MissingAccept)
    );
    let mut headers = without("sec-websocket-accept");
    headers.push(("Sec-WebSocket-Accept", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    assert_eq!(
        text(validate_response(KEY, &NO_PROTOCOLS, &[], &headers).unwrap_err()),
        format!("Sec-WebSocket-Accept header from server didn't match expected value of {ACCEPT}")
    );
    // The accept value belongs to one key only.
    let other_key = generate_key(&mut FixedRng::new(3));
    assert_eq!(
        validate_response(&other_key, &NO_PROTOCOLS, &[], &response(&[])),
        Err(ClientHandshakeError::AcceptMismatch(accept_key(&other_key)))
    );
}

#[test]
fn extensions_must_have_been_requested_rfc6455_4_1_item_5() {
    let headers = response(&[(
        "Sec-WebSocket-Extensions",
        "permessage-deflate; client_max_window_bits",
    )]);
    let err = validate_response(KEY, &NO_PROTOCOLS, &[], &headers).unwrap_err();
    assert_eq!(
        err,
        ClientHandshakeError::UnrequestedExtension("permessage-deflate".into())
    );
    assert_eq!(
        text(err),
        "Server accepted extension \"permessage-deflate\" that was not requested."
    );
    assert_eq!(
        validate_response(KEY, &NO_PROTOCOLS, &["permessage-deflate"], &headers),
        Ok(None)
    );
    // An empty header names nothing.
    let empty = response(&[("Sec-WebSocket-Extensions", " ")]);
    assert_eq!(validate_response(KEY, &NO_PROTOCOLS, &[], &empty), Ok(None));
    let two = response(&[("Sec-WebSocket-Extensions", "permessage-deflate, x-webkit")]);
    assert_eq!(
        validate_response(KEY, &NO_PROTOCOLS, &["permessage-deflate"], &two),
        Err(ClientHandshakeError::UnrequestedExtension(
            "x-webkit".into()
        ))
    );
}

#[test]
fn protocol_tokens_follow_rfc2616_with_websockets_text() {
    for ok in ["chat", "v2.chat", "a!#$%&'*+-.^_`|~z", "X"] {
        assert_eq!(validate_protocol(ok), Ok(()), "{ok}");
    }
    for (bad, c) in [
        ("a b", ' '),
        ("a\tb", '\t'),
        ("a,b", ','),
        ("a;b", ';'),
        ("(x", '('),
        ("x\"", '"'),
        ("a/b", '/'),
        ("a=b", '='),
        ("{}", '{'),
        ("a\u{7f}", '\u{7f}'),
        ("ü", 'ü'),
        ("a\r\nX-Injected: 1", '\r'),
    ] {
        let err = validate_protocol(bad).unwrap_err();
        assert_eq!(
            err,
            ClientHandshakeError::InvalidProtocolCharacter(c),
            "{bad:?}"
        );
        assert_eq!(
            text(err),
            format!("Protocol list contains invalid character \"{c}\"")
        );
    }
    assert_eq!(
        validate_protocol(""),
        Err(ClientHandshakeError::EmptyProtocol)
    );
    assert_eq!(
        validate_protocols(&["ok", "bad one", "x,y"]),
        Err(ClientHandshakeError::InvalidProtocolCharacter(' '))
    );
    assert_eq!(validate_protocols(&NO_PROTOCOLS), Ok(()));
}

#[test]
fn arbitrary_header_bytes_never_panic() {
    let mut rng = FixedRng::new(99);
    let mut bytes = [0u8; 64];
    for _ in 0..2000 {
        wsproto::rng::MaskRng::fill(&mut rng, &mut bytes);
        let value = String::from_utf8_lossy(&bytes).into_owned();
        let name = [
            "Connection",
            "Upgrade",
            "Sec-WebSocket-Accept",
            "Sec-WebSocket-Extensions",
            "Sec-WebSocket-Protocol",
        ][usize::from(bytes[0]) % 5];
        let headers = vec![(name.to_owned(), value.clone())];
        let _ = validate_response(KEY, &["chat"], &[], &headers);
        let _ = validate_response(KEY, &NO_PROTOCOLS, &["permessage-deflate"], &headers);
        let _ = validate_protocol(&value);
    }
}
