//! The server handshake end to end: raw request bytes → validated request →
//! 101 or reject response, plus the fuzz corpus replayed as plain tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use wsproto::handshake::{
    accept_response, parse_request_head, reject_response, AcceptParams, CookiesArg, HandshakeError,
    HeadLimits, HeadStatus, ServerOptions, UpgradeRequest,
};

/// What a server does with a buffer: needs more bytes, refuses with a
/// status, or accepts with a 101.
#[derive(Debug, PartialEq)]
enum Outcome {
    Partial,
    Rejected(u16, Vec<u8>),
    Accepted(Vec<u8>),
}

fn serve(bytes: &[u8]) -> Outcome {
    let head = match parse_request_head(bytes, &HeadLimits::default()) {
        Ok(HeadStatus::Partial) => return Outcome::Partial,
        Ok(HeadStatus::Complete(head)) => head,
        Err(e) => return reject(&e),
    };
    assert!(head.len <= bytes.len());
    let request = match UpgradeRequest::from_head(&head, ServerOptions::default()) {
        Ok(request) => request,
        Err(e) => return reject(&e),
    };
    let params = AcceptParams {
        key: &request.key,
        version: request.version,
        protocol: request.requested_protocols.first().map(String::as_str),
        requested_protocols: &request.requested_protocols,
        protocol_full_case: &request.protocol_full_case,
        origin: request.origin.as_deref(),
        cookies: CookiesArg::Absent,
    };
    match accept_response(&params) {
        Ok(response) => Outcome::Accepted(response),
        Err(e) => reject(&e),
    }
}

fn reject(e: &HandshakeError) -> Outcome {
    let extra: Vec<(String, String)> = e
        .extra_headers()
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    Outcome::Rejected(
        e.http_status(),
        reject_response(e.http_status(), Some(&e.to_string()), &extra),
    )
}

/// Every response is a well-formed head: one status line, `name: value`
/// lines without stray CR or LF, a blank line at the end.
fn assert_well_formed(response: &[u8]) {
    assert!(response.ends_with(b"\r\n\r\n"));
    let crlf = response.windows(2).filter(|w| *w == b"\r\n").count();
    let cr = response.iter().filter(|&&b| b == b'\r').count();
    let lf = response.iter().filter(|&&b| b == b'\n').count();
    assert!(
        crlf == cr && crlf == lf,
        "stray CR or LF in {:?}",
        text(response)
    );
    let head = &response[..response.len() - 4];
    let mut lines = head.split(|&b| b == b'\n');
    assert!(lines.next().unwrap().starts_with(b"HTTP/1.1 "));
    for line in lines {
        assert!(
            line.windows(2).any(|w| w == b": "),
            "header line without ': '"
        );
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn rfc6455_sample_is_accepted_with_the_rfc_accept_key() {
    let request = fs::read(corpus().join("ok-rfc6455-sample")).unwrap();
    let Outcome::Accepted(response) = serve(&request) else {
        panic!("not accepted")
    };
    assert_well_formed(&response);
    assert_eq!(
        text(&response),
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\
         Origin: http://example.com\r\n\r\n"
    );
}

#[test]
fn version_7_gets_426_with_the_supported_version() {
    let request = fs::read(corpus().join("bad-version-7")).unwrap();
    assert_eq!(
        serve(&request),
        Outcome::Rejected(
            426,
            b"HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nX-WebSocket-Reject-Reason: Unsupported websocket \
              client version: 7Only versions 8 and 13 are supported.\r\nSec-WebSocket-Version: 13\r\n\r\n"
                .to_vec()
        )
    );
}

#[test]
fn missing_fields_get_400_with_websockets_reasons() {
    for (seed, reason) in [
        ("bad-missing-host", "Client must provide a Host header."),
        (
            "bad-missing-key",
            "Client must provide a value for Sec-WebSocket-Key.",
        ),
        (
            "bad-missing-version",
            "Client must provide a value for Sec-WebSocket-Version.",
        ),
        ("bad-cookie-uri-malformed", "URI malformed"),
    ] {
        let Outcome::Rejected(400, response) = serve(&fs::read(corpus().join(seed)).unwrap())
        else {
            panic!("{seed}: not a 400")
        };
        assert!(
            text(&response).contains(&format!("X-WebSocket-Reject-Reason: {reason}\r\n")),
            "{seed}"
        );
    }
}

#[test]
fn oversized_heads_get_431() {
    for seed in ["bad-too-many-headers", "bad-head-too-large"] {
        let outcome = serve(&fs::read(corpus().join(seed)).unwrap());
        assert!(
            matches!(outcome, Outcome::Rejected(431, _)),
            "{seed}: {outcome:?}"
        );
    }
}

#[test]
fn version_8_request_reads_every_optional_part() {
    let bytes = fs::read(corpus().join("ok-version8-everything")).unwrap();
    let Ok(HeadStatus::Complete(head)) = parse_request_head(&bytes, &HeadLimits::default()) else {
        panic!()
    };
    // The frame behind the head is left for the WebSocket stream.
    assert_eq!(&bytes[head.len..], b"\x81\x80abcd");
    let r = UpgradeRequest::from_head(&head, ServerOptions::default()).unwrap();
    assert_eq!(r.version, 8);
    assert_eq!(r.origin.as_deref(), Some("http://b"));
    assert_eq!(r.forwarded_for, vec!["1.2.3.4", "5.6.7.8", "9.9.9.9"]);
    assert_eq!(r.extensions.len(), 2);
    assert_eq!(
        r.cookies
            .iter()
            .map(|c| c.value.as_deref())
            .collect::<Vec<_>>(),
        vec![Some("1"), Some("two"), Some("A")]
    );
    let Outcome::Accepted(response) = serve(&bytes) else {
        panic!()
    };
    assert!(text(&response).contains("\r\nSec-WebSocket-Origin: http://b\r\n"));
}

fn corpus() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/handshake"
    ))
}

/// The fuzz seeds, replayed: `ok-*` must be accepted, `bad-*` rejected,
/// `partial-*` wait for more; every response must be a well-formed head;
/// and every prefix of every seed must be handled without panicking.
#[test]
fn corpus_replays() {
    let mut seen = 0;
    for entry in fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = fs::read(&path).unwrap();
        let outcome = serve(&bytes);
        match &outcome {
            Outcome::Accepted(response) => {
                assert!(name.starts_with("ok-"), "{name} accepted");
                assert_well_formed(response);
            }
            Outcome::Rejected(_, response) => {
                assert!(
                    name.starts_with("bad-"),
                    "{name} rejected: {}",
                    text(response)
                );
                assert_well_formed(response);
            }
            Outcome::Partial => assert!(name.starts_with("partial-"), "{name} partial"),
        }
        for end in (0..bytes.len()).step_by(7) {
            let _ = serve(&bytes[..end]);
        }
        seen += 1;
    }
    assert!(seen >= 10, "corpus has {seen} seeds");
}
