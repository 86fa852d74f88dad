//! Fuzzes the server handshake the way the addon calls it: the request headers
//! Node parsed go to `UpgradeRequest::from_headers`; `parse_cookies` and
//! `parse_extensions` run on header values directly (the shim's
//! `cookies`/`requestedExtensions` getters); an accepted request is answered
//! with `accept_response` (protocol choice and `Set-Cookie` lines from the
//! input), a refused one with `reject_response`. Nothing may panic, and every
//! response must be one clean head (no stray CR/LF).
//!
//! Input: byte 0 holds option bits; the rest is split on NUL into fields.
//! Fields alternate header name and value; a name whose first byte is below
//! 0x20 is replaced by one of the handshake header names so that most inputs
//! reach the validation logic. After a field that is exactly "\x01", the
//! remaining fields describe cookies to set (name, value, path, domain,
//! expires, max-age).
//!
//! Shared by the fuzz target and by `cargo test` (`tests/fuzz_seeds.rs`), which
//! replays every seed in `tests/corpus/handshake/` through this same function.
use wsproto::handshake::request::{parse_cookies, parse_extensions};
use wsproto::handshake::{
    accept_response, reject_response, AcceptParams, CookieAttr, CookiesArg, Headers, MaxAge,
    ServerOptions, SetCookie, UpgradeRequest,
};

const NAMES: &[&str] = &[
    "host",
    "upgrade",
    "connection",
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-protocol",
    "sec-websocket-extensions",
    "origin",
    "sec-websocket-origin",
    "cookie",
    "x-forwarded-for",
    "Sec-WebSocket-Protocol",
];

fn assert_clean(response: &[u8]) {
    let crlf = response.windows(2).filter(|w| *w == b"\r\n").count();
    let cr = response.iter().filter(|&&b| b == b'\r').count();
    let lf = response.iter().filter(|&&b| b == b'\n').count();
    assert!(crlf == cr && crlf == lf && response.ends_with(b"\r\n\r\n"));
    let head_end = response.windows(4).position(|w| w == b"\r\n\r\n");
    assert_eq!(head_end, Some(response.len() - 4), "one head only");
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn attr(field: Option<&[u8]>, wrong_type: bool) -> CookieAttr<String> {
    match field {
        _ if wrong_type => CookieAttr::WrongType,
        Some(f) if !f.is_empty() => CookieAttr::Set(text(f)),
        _ => CookieAttr::Unset,
    }
}

fn cookies(fields: &[&[u8]], bits: u8) -> Vec<SetCookie> {
    fields
        .chunks(6)
        .enumerate()
        .map(|(i, c)| {
            let get = |n: usize| c.get(n).copied();
            let odd = (bits >> (i % 4)) & 1 == 1;
            SetCookie {
                name: get(0).map(text),
                value: get(1).map(text),
                path: get(2).filter(|p| !p.is_empty()).map(text),
                domain: attr(get(3), odd && i % 3 == 0),
                expires: attr(get(4), odd && i % 3 == 1),
                max_age: match get(5) {
                    Some(m) if odd => CookieAttr::Set(MaxAge::Text(text(m))),
                    Some(m) => CookieAttr::Set(MaxAge::Number(
                        m.iter().fold(0f64, |a, &b| a * 7.5 - f64::from(b)),
                    )),
                    None => CookieAttr::Unset,
                },
                secure: if odd {
                    CookieAttr::Set(())
                } else {
                    CookieAttr::Unset
                },
                http_only: if i % 2 == 0 {
                    CookieAttr::Set(())
                } else {
                    CookieAttr::WrongType
                },
            }
        })
        .collect()
}

/// Runs one input; panics on a broken invariant.
pub fn run(data: &[u8]) {
    let Some((&bits, rest)) = data.split_first() else {
        return;
    };
    let fields: Vec<&[u8]> = rest.split(|&b| b == 0).collect();
    let split = fields
        .iter()
        .position(|f| *f == b"\x01")
        .unwrap_or(fields.len());
    let (header_fields, cookie_fields) = fields.split_at(split);
    let cookie_fields = cookie_fields.get(1..).unwrap_or(&[]);

    let mut pairs: Vec<(String, String)> = Vec::new();
    for pair in header_fields.chunks(2) {
        let name = match pair.first() {
            Some(&&[b, ..]) if b < 0x20 => NAMES[usize::from(b) % NAMES.len()].to_owned(),
            Some(n) => text(n),
            None => continue,
        };
        let value = pair.get(1).map(|v| text(v)).unwrap_or_default();
        pairs.push((name, value));
    }

    // The shim's lazy getters call these on the raw header values.
    for (_, value) in &pairs {
        let _ = parse_extensions(value);
        let _ = parse_cookies(value);
    }

    let headers = Headers::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let options = ServerOptions {
        parse_extensions: bits & 1 != 0,
        parse_cookies: bits & 2 != 0,
        ignore_x_forwarded_for: bits & 4 != 0,
    };
    match UpgradeRequest::from_headers(&headers, options) {
        Ok(request) => {
            let set = cookies(cookie_fields, bits);
            let chosen = usize::from(bits >> 4);
            let protocol = if chosen == 15 {
                cookie_fields.first().map(|f| text(f))
            } else {
                request.requested_protocols.get(chosen).cloned()
            };
            let params = AcceptParams {
                key: &request.key,
                version: request.version,
                protocol: protocol.as_deref(),
                requested_protocols: &request.requested_protocols,
                protocol_full_case: &request.protocol_full_case,
                origin: request.origin.as_deref(),
                cookies: match bits & 0x08 {
                    0 if set.is_empty() => CookiesArg::Absent,
                    0 => CookiesArg::List(&set),
                    _ => CookiesArg::NotAnArray,
                },
            };
            match accept_response(&params) {
                Ok(response) => assert_clean(&response),
                Err(e) => {
                    assert_clean(&reject_response(e.http_status(), Some(&e.to_string()), &[]))
                }
            }
        }
        Err(e) => {
            let status = e.http_status();
            assert!((400..600).contains(&status), "status {status}");
            // The user may pass request data back as extra headers and reason.
            let extra: Vec<(String, String)> = pairs.iter().take(4).cloned().collect();
            let reason = cookie_fields.first().map(|f| text(f));
            assert_clean(&reject_response(status, Some(&e.to_string()), &extra));
            assert_clean(&reject_response(status, reason.as_deref(), &extra));
        }
    }
}
