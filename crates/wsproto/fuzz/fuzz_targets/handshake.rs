//! Fuzzes the server handshake: arbitrary bytes through the request-head
//! parser, request validation and both response builders. Nothing may panic,
//! and every response must be a head without stray CR/LF.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsproto::handshake::{
    accept_response, parse_request_head, reject_response, AcceptParams, CookiesArg, HeadLimits,
    HeadStatus, ServerOptions, UpgradeRequest,
};

fn assert_clean(response: &[u8]) {
    let crlf = response.windows(2).filter(|w| *w == b"\r\n").count();
    let cr = response.iter().filter(|&&b| b == b'\r').count();
    let lf = response.iter().filter(|&&b| b == b'\n').count();
    assert!(crlf == cr && crlf == lf && response.ends_with(b"\r\n\r\n"));
}

fuzz_target!(|data: &[u8]| {
    let limits = HeadLimits {
        max_headers: 64,
        max_head_size: 8 * 1024,
    };
    let head = match parse_request_head(data, &limits) {
        Ok(HeadStatus::Complete(head)) => head,
        Ok(HeadStatus::Partial) => return,
        Err(e) => {
            assert_clean(&reject_response(e.http_status(), Some(&e.to_string()), &[]));
            return;
        }
    };
    match UpgradeRequest::from_head(&head, ServerOptions::default()) {
        Ok(request) => {
            let params = AcceptParams {
                key: &request.key,
                version: request.version,
                protocol: request.requested_protocols.first().map(String::as_str),
                requested_protocols: &request.requested_protocols,
                protocol_full_case: &request.protocol_full_case,
                origin: request.origin.as_deref(),
                cookies: CookiesArg::Absent,
            };
            if let Ok(response) = accept_response(&params) {
                assert_clean(&response);
            }
        }
        Err(e) => {
            // Reasons and header values from the request must never split lines.
            let extra: Vec<(String, String)> = head
                .headers
                .get("x-extra")
                .map(|v| vec![(v.to_owned(), v.to_owned())])
                .unwrap_or_default();
            assert_clean(&reject_response(
                e.http_status(),
                Some(&e.to_string()),
                &extra,
            ));
        }
    }
});
