//! The server handshake for `lib/WebSocketRequest.js`: validating an
//! upgrade request and building the 101 and reject responses. Texts, statuses
//! and rules live in `wsproto::handshake`; this layer only converts values.

use napi::bindgen_prelude::{Buffer, Either};
use napi::{Error, Result};
use napi_derive::napi;
use wsproto::handshake::{
    accept_response_with_extensions, reject_response, AcceptParams, CookieAttr, CookiesArg,
    Headers, MaxAge, ServerOptions, SetCookie, UpgradeRequest,
};

/// The `WebSocketServer` config options the handshake reads.
#[napi(object)]
pub struct HandshakeOptions {
    /// `parseExtensions`.
    pub parse_extensions: bool,
    /// `parseCookies`.
    pub parse_cookies: bool,
    /// `ignoreXForwardedFor`.
    pub ignore_x_forwarded_for: bool,
}

/// Why `readHandshake()` fails: the message, the HTTP status to reject
/// with, and extra response headers as `[name, value, ...]`.
#[napi(object)]
pub struct HandshakeFailure {
    /// `websocket`'s error text.
    pub message: String,
    /// The HTTP status (`e.httpCode`).
    pub http_code: u32,
    /// Extra headers (`e.headers`) as `[name, value, ...]`.
    pub headers: Vec<String>,
}

/// One extension parameter (`value` absent when there was no `=`).
#[napi(object)]
pub struct ExtensionParamInfo {
    /// Lower-cased name.
    pub name: String,
    /// Lower-cased value.
    pub value: Option<String>,
}

/// One offered extension.
#[napi(object)]
pub struct ExtensionInfo {
    /// Lower-cased extension name.
    pub name: String,
    /// Its parameters.
    pub params: Vec<ExtensionParamInfo>,
}

/// One request cookie (`value` absent for a pair without `=`).
#[napi(object)]
pub struct CookieInfo {
    /// The name.
    pub name: String,
    /// The decoded value.
    pub value: Option<String>,
}

/// What `readHandshake()` learns. When `error` is set, the other fields are
/// empty.
#[napi(object)]
pub struct ServerHandshake {
    /// Set when the request is refused.
    pub error: Option<HandshakeFailure>,
    /// `Host`.
    pub host: String,
    /// `Sec-WebSocket-Key`.
    pub key: String,
    /// 8 or 13.
    pub web_socket_version: u32,
    /// `Origin` (13) or `Sec-WebSocket-Origin` (8).
    pub origin: Option<String>,
    /// Offered subprotocols, lower-cased.
    pub requested_protocols: Vec<String>,
    /// `[lower, asSent, ...]` pairs for `protocolFullCaseMap`.
    pub protocol_full_case: Vec<String>,
    /// `X-Forwarded-For` entries (empty when ignored or absent).
    pub forwarded_for: Vec<String>,
    /// Offered extensions.
    pub requested_extensions: Vec<ExtensionInfo>,
    /// Request cookies.
    pub cookies: Vec<CookieInfo>,
}

fn pairs(flat: &[String]) -> impl Iterator<Item = (&str, &str)> {
    flat.chunks_exact(2).map(|pair| match pair {
        [name, value] => (name.as_str(), value.as_str()),
        _ => ("", ""),
    })
}

/// Validates an upgrade request. `headers` is `[name, value, ...]` (Node's
/// `rawHeaders`, or the entries of `IncomingMessage.headers`); duplicates
/// are folded as Node folds them. Never throws for bad input: failures come
/// back in `error`.
#[napi(catch_unwind)]
pub fn server_read_handshake(headers: Vec<String>, options: HandshakeOptions) -> ServerHandshake {
    let headers = Headers::from_pairs(pairs(&headers));
    let options = ServerOptions {
        parse_extensions: options.parse_extensions,
        parse_cookies: options.parse_cookies,
        ignore_x_forwarded_for: options.ignore_x_forwarded_for,
    };
    match UpgradeRequest::from_headers(&headers, options) {
        Ok(r) => ServerHandshake {
            error: None,
            host: r.host,
            key: r.key,
            web_socket_version: u32::from(r.version),
            origin: r.origin,
            requested_protocols: r.requested_protocols,
            protocol_full_case: r
                .protocol_full_case
                .into_iter()
                .flat_map(|(l, f)| [l, f])
                .collect(),
            forwarded_for: r.forwarded_for,
            requested_extensions: r.extensions.into_iter().map(extension_info).collect(),
            cookies: r
                .cookies
                .into_iter()
                .map(|c| CookieInfo {
                    name: c.name,
                    value: c.value,
                })
                .collect(),
        },
        Err(e) => ServerHandshake {
            error: Some(HandshakeFailure {
                message: e.to_string(),
                http_code: u32::from(e.http_status()),
                headers: e
                    .extra_headers()
                    .iter()
                    .flat_map(|(n, v)| [(*n).to_owned(), (*v).to_owned()])
                    .collect(),
            }),
            host: String::new(),
            key: String::new(),
            web_socket_version: 0,
            origin: None,
            requested_protocols: Vec::new(),
            protocol_full_case: Vec::new(),
            forwarded_for: Vec::new(),
            requested_extensions: Vec::new(),
            cookies: Vec::new(),
        },
    }
}

/// One cookie passed to `accept()`, with JS types already checked: each
/// `*WrongType` flag marks an attribute given with a type `websocket`
/// refuses. Falsy attributes are left out.
#[napi(object)]
pub struct CookieInput {
    /// `name` as a string, absent when falsy.
    pub name: Option<String>,
    /// `value` as a string, absent when falsy.
    pub value: Option<String>,
    /// `path` as a string.
    pub path: Option<String>,
    /// `domain` when it is a string.
    pub domain: Option<String>,
    /// `domain` was given but is not a string.
    pub domain_wrong_type: Option<bool>,
    /// `expires.toUTCString()` when `expires` is a `Date`.
    pub expires: Option<String>,
    /// `expires` was given but is not a `Date`.
    pub expires_wrong_type: Option<bool>,
    /// `maxage`: a string (read with `parseInt`) or a number.
    pub max_age: Option<Either<String, f64>>,
    /// `secure === true`.
    pub secure: Option<bool>,
    /// `secure` was given but is not a boolean.
    pub secure_wrong_type: Option<bool>,
    /// `httponly === true`.
    pub http_only: Option<bool>,
    /// `httponly` was given but is not a boolean.
    pub http_only_wrong_type: Option<bool>,
}

/// Everything `accept()` needs to write the 101 response.
#[napi(object)]
pub struct AcceptInput {
    /// The request's `key`.
    pub key: String,
    /// The request's `webSocketVersion`.
    pub web_socket_version: u32,
    /// The accepted subprotocol as the application passed it.
    pub protocol: Option<String>,
    /// The request's `requestedProtocols`.
    pub requested_protocols: Vec<String>,
    /// `protocolFullCaseMap` as `[lower, asSent, ...]`.
    pub protocol_full_case: Vec<String>,
    /// The origin to echo.
    pub origin: Option<String>,
    /// The cookies to set, when the argument is an array.
    pub cookies: Option<Vec<CookieInput>>,
    /// The cookies argument was given but is not an array.
    pub cookies_not_array: Option<bool>,
    /// The agreed `Sec-WebSocket-Extensions` value (permessage-deflate).
    pub extensions: Option<String>,
}

fn attr<T>(value: Option<T>, wrong_type: Option<bool>) -> CookieAttr<T> {
    match (value, wrong_type) {
        (_, Some(true)) => CookieAttr::WrongType,
        (Some(v), _) => CookieAttr::Set(v),
        (None, _) => CookieAttr::Unset,
    }
}

fn flag(on: Option<bool>, wrong_type: Option<bool>) -> CookieAttr<()> {
    attr(on.filter(|on| *on).map(|_| ()), wrong_type)
}

impl From<CookieInput> for SetCookie {
    fn from(c: CookieInput) -> Self {
        SetCookie {
            name: c.name,
            value: c.value,
            path: c.path,
            domain: attr(c.domain, c.domain_wrong_type),
            expires: attr(c.expires, c.expires_wrong_type),
            max_age: attr(
                c.max_age.map(|m| match m {
                    Either::A(text) => MaxAge::Text(text),
                    Either::B(n) => MaxAge::Number(n),
                }),
                None,
            ),
            secure: flag(c.secure, c.secure_wrong_type),
            http_only: flag(c.http_only, c.http_only_wrong_type),
        }
    }
}

/// Builds the 101 response bytes. Throws an `Error` with `websocket`'s text
/// for an invalid protocol or cookie (the caller rejects with 500 first).
#[napi(catch_unwind)]
pub fn server_accept_response(input: AcceptInput) -> Result<Buffer> {
    let full_case: Vec<(String, String)> = pairs(&input.protocol_full_case)
        .map(|(l, f)| (l.to_owned(), f.to_owned()))
        .collect();
    let cookies: Vec<SetCookie> = input
        .cookies
        .unwrap_or_default()
        .into_iter()
        .map(SetCookie::from)
        .collect();
    let cookies_arg = if input.cookies_not_array == Some(true) {
        CookiesArg::NotAnArray
    } else if cookies.is_empty() {
        CookiesArg::Absent
    } else {
        CookiesArg::List(&cookies)
    };
    let params = AcceptParams {
        key: &input.key,
        version: u8::try_from(input.web_socket_version).unwrap_or(0),
        protocol: input.protocol.as_deref(),
        requested_protocols: &input.requested_protocols,
        protocol_full_case: &full_case,
        origin: input.origin.as_deref(),
        cookies: cookies_arg,
    };
    accept_response_with_extensions(&params, input.extensions.as_deref())
        .map(Buffer::from)
        .map_err(|e| Error::from_reason(e.to_string()))
}

/// Builds the reject response bytes. `status` is used when it is an integer
/// from 100 to 999, else 500 is sent (`websocket` would write an invalid
/// status line). `extra_headers` is `[name, value, ...]`.
#[napi(catch_unwind)]
pub fn server_reject_response(
    status: f64,
    reason: Option<String>,
    extra_headers: Vec<String>,
) -> Buffer {
    let status = if status.fract() == 0.0 && (100.0..=999.0).contains(&status) {
        status as u16
    } else {
        500
    };
    let extra: Vec<(String, String)> = pairs(&extra_headers)
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    Buffer::from(reject_response(status, reason.as_deref(), &extra))
}

/// Result of [`server_parse_cookies`]: the cookies, or the `URIError` text.
#[napi(object)]
pub struct ParsedCookies {
    /// Set when a value is not valid percent-encoded UTF-8.
    pub error: Option<String>,
    /// The cookies, in order.
    pub cookies: Vec<CookieInfo>,
}

/// Parses a `Cookie` header value with `websocket`'s rules
/// (`WebSocketRequest.prototype.parseCookies`).
#[napi(catch_unwind)]
pub fn server_parse_cookies(cookie: String) -> ParsedCookies {
    match wsproto::handshake::request::parse_cookies(&cookie) {
        Ok(cookies) => ParsedCookies {
            error: None,
            cookies: cookies
                .into_iter()
                .map(|c| CookieInfo {
                    name: c.name,
                    value: c.value,
                })
                .collect(),
        },
        Err(e) => ParsedCookies {
            error: Some(e.to_string()),
            cookies: Vec::new(),
        },
    }
}

/// Parses a `Sec-WebSocket-Extensions` value with `websocket`'s rules
/// (`WebSocketRequest.prototype.parseExtensions`).
#[napi(catch_unwind)]
pub fn server_parse_extensions(extensions: String) -> Vec<ExtensionInfo> {
    wsproto::handshake::request::parse_extensions(&extensions)
        .into_iter()
        .map(extension_info)
        .collect()
}

fn extension_info(e: wsproto::handshake::Extension) -> ExtensionInfo {
    ExtensionInfo {
        name: e.name,
        params: e
            .params
            .into_iter()
            .map(|p| ExtensionParamInfo {
                name: p.name,
                value: p.value,
            })
            .collect(),
    }
}
