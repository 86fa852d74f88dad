//! Validating a client's opening handshake (RFC 6455 §4.2.1) and reading
//! what it asks for, as `WebSocketRequest.readHandshake()` does.

use super::error::HandshakeError;
use super::fields::{decode_uri_component, is_js_space, split_commas, split_list, JsInt};
use super::headers::Headers;

/// Which optional parts of the request the server interprets. Each maps to
/// a `WebSocketServer` config option of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerOptions {
    /// `parseExtensions` (default `true`): read `Sec-WebSocket-Extensions`.
    pub parse_extensions: bool,
    /// `parseCookies` (default `true`): read `Cookie`.
    pub parse_cookies: bool,
    /// `ignoreXForwardedFor` (default `false`): when `false`, the
    /// `X-Forwarded-For` list is reported so the peer address can be taken
    /// from it. Only safe behind a trusted proxy.
    pub ignore_x_forwarded_for: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            parse_extensions: true,
            parse_cookies: true,
            ignore_x_forwarded_for: false,
        }
    }
}

/// One parameter of a requested extension (`client_max_window_bits=10`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionParam {
    /// The lower-cased parameter name.
    pub name: String,
    /// The lower-cased text after the first `=`, if there was one (and up to
    /// the second `=`, as `websocket` splits).
    pub value: Option<String>,
}

/// One entry of `Sec-WebSocket-Extensions`, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The extension token, e.g. `permessage-deflate`.
    pub name: String,
    /// Its parameters, in order.
    pub params: Vec<ExtensionParam>,
}

/// One cookie the client sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestCookie {
    /// The name (trimmed, unless the pair had no `=`).
    pub name: String,
    /// The percent-decoded value, without surrounding quotes; `None` for a
    /// pair without `=`.
    pub value: Option<String>,
}

/// A validated upgrade request: the fields of a `WebSocketRequest` after
/// `readHandshake()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeRequest {
    /// The `Host` header (RFC 6455 §4.1, item 4).
    pub host: String,
    /// `Sec-WebSocket-Key`, as received.
    pub key: String,
    /// The protocol version: 8 or 13.
    pub version: u8,
    /// `Origin` (version 13) or `Sec-WebSocket-Origin` (version 8).
    pub origin: Option<String>,
    /// The offered subprotocols, lower-cased, in order, duplicates kept.
    pub requested_protocols: Vec<String>,
    /// `(lower-cased, as sent)` for each offered subprotocol, in order; a
    /// later duplicate overrides an earlier one.
    pub protocol_full_case: Vec<(String, String)>,
    /// The `X-Forwarded-For` entries, unless ignored or absent.
    pub forwarded_for: Vec<String>,
    /// The offered extensions (empty when not parsed).
    pub extensions: Vec<Extension>,
    /// The client's cookies (empty when not parsed).
    pub cookies: Vec<RequestCookie>,
}

impl UpgradeRequest {
    /// Validates the headers of an upgrade request, with `websocket`'s checks
    /// in `websocket`'s order, and reads the optional parts `options` asks
    /// for.
    ///
    /// Like `websocket`, this does not insist on `Upgrade`/`Connection`
    /// (Node only reports upgrades that have them) nor on the key being 16
    /// base64-encoded bytes: rejecting those would break clients that
    /// `websocket` serves today.
    pub fn from_headers(headers: &Headers, options: ServerOptions) -> Result<Self, HandshakeError> {
        let host = headers
            .non_empty("host")
            .ok_or(HandshakeError::MissingHost)?
            .to_owned();
        let key = headers
            .non_empty("sec-websocket-key")
            .ok_or(HandshakeError::MissingKey)?
            .to_owned();
        let version = headers
            .get("sec-websocket-version")
            .and_then(JsInt::parse)
            .filter(|v| !v.is_zero())
            .ok_or(HandshakeError::MissingVersion)?;
        // RFC 6455 §4.4: answer 426 with the versions we speak.
        let version = match version.as_u64() {
            Some(8) => 8,
            Some(13) => 13,
            _ => return Err(HandshakeError::UnsupportedVersion(version.to_string())),
        };
        let origin_header = if version == 13 {
            "origin"
        } else {
            "sec-websocket-origin"
        };
        let origin = headers.get(origin_header).map(str::to_owned);

        let mut requested_protocols = Vec::new();
        let mut protocol_full_case = Vec::new();
        if let Some(offered) = headers.non_empty("sec-websocket-protocol") {
            for protocol in split_commas(offered) {
                let lower = protocol.to_lowercase();
                requested_protocols.push(lower.clone());
                protocol_full_case.push((lower, protocol));
            }
        }

        let forwarded_for = match headers.non_empty("x-forwarded-for") {
            Some(list) if !options.ignore_x_forwarded_for => split_commas(list),
            _ => Vec::new(),
        };

        let extensions = match headers.non_empty("sec-websocket-extensions") {
            Some(offered) if options.parse_extensions => parse_extensions(offered),
            _ => Vec::new(),
        };

        let cookies = match headers.non_empty("cookie") {
            Some(cookie) if options.parse_cookies => parse_cookies(cookie)?,
            _ => Vec::new(),
        };

        Ok(UpgradeRequest {
            host,
            key,
            version,
            origin,
            requested_protocols,
            protocol_full_case,
            forwarded_for,
            extensions,
            cookies,
        })
    }
}

/// `Sec-WebSocket-Extensions` the way `websocket` reads it: lower-cased,
/// split on `/,\s*/`, each entry on `/;\s*/`, each parameter on `=`.
pub fn parse_extensions(offered: &str) -> Vec<Extension> {
    let lower = offered.to_lowercase();
    split_commas(&lower)
        .iter()
        .map(|entry| {
            let mut parts = split_list(entry, |c| c == ';', is_js_space).into_iter();
            let name = parts.next().unwrap_or("").to_owned();
            let params = parts
                .map(|param| {
                    let mut pieces = param.split('=');
                    ExtensionParam {
                        name: pieces.next().unwrap_or("").to_owned(),
                        value: pieces.next().map(str::to_owned),
                    }
                })
                .collect();
            Extension { name, params }
        })
        .collect()
}

/// The `Cookie` header the way `websocket` reads it: pairs split on
/// `/[;,] */`, names and values trimmed, one pair of surrounding quotes
/// removed, values percent-decoded.
///
/// A value that is not valid percent-encoded UTF-8 fails the whole request
/// with 400 (`URI malformed`), as `websocket`'s `decodeURIComponent` does.
pub fn parse_cookies(cookie: &str) -> Result<Vec<RequestCookie>, HandshakeError> {
    split_list(cookie, |c| c == ';' || c == ',', |c| c == ' ')
        .into_iter()
        .map(|pair| {
            let Some((name, value)) = pair.split_once('=') else {
                return Ok(RequestCookie {
                    name: pair.to_owned(),
                    value: None,
                });
            };
            let value = value.trim_matches(is_js_space);
            // `val.slice(1, -1)`: drops the first and the last character.
            let value = match value.strip_prefix('"') {
                Some(rest) => {
                    let mut chars = rest.chars();
                    chars.next_back();
                    chars.as_str()
                }
                None => value,
            };
            let value = decode_uri_component(value).ok_or(HandshakeError::MalformedCookie)?;
            Ok(RequestCookie {
                name: name.trim_matches(is_js_space).to_owned(),
                value: Some(value),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pairs: &[(&str, &str)]) -> Result<UpgradeRequest, HandshakeError> {
        UpgradeRequest::from_headers(
            &Headers::from_pairs(pairs.iter().copied()),
            ServerOptions::default(),
        )
    }

    const BASE: [(&str, &str); 3] = [
        ("Host", "example.com"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("Sec-WebSocket-Version", "13"),
    ];

    #[test]
    fn minimal_request_is_accepted() {
        let r = request(&BASE);
        assert!(
            matches!(&r, Ok(r) if r.version == 13 && r.host == "example.com" && r.origin.is_none())
        );
    }

    #[test]
    fn missing_fields_fail_in_websockets_order() {
        assert_eq!(request(&[]), Err(HandshakeError::MissingHost));
        assert_eq!(request(&BASE[..1]), Err(HandshakeError::MissingKey));
        assert_eq!(request(&BASE[..2]), Err(HandshakeError::MissingVersion));
        let mut zero = BASE;
        zero[2].1 = "0";
        assert_eq!(request(&zero), Err(HandshakeError::MissingVersion));
        zero[2].1 = "x";
        assert_eq!(request(&zero), Err(HandshakeError::MissingVersion));
    }

    #[test]
    fn other_versions_get_426() {
        let mut v = BASE;
        v[2].1 = "7";
        assert_eq!(
            request(&v),
            Err(HandshakeError::UnsupportedVersion("7".into()))
        );
        v[2].1 = "8";
        assert!(request(&v).is_ok());
        v[2].1 = "99999999999999999999999";
        assert!(matches!(
            request(&v),
            Err(HandshakeError::UnsupportedVersion(_))
        ));
    }

    #[test]
    fn origin_depends_on_version() {
        let mut pairs = BASE.to_vec();
        pairs.push(("Origin", "http://a"));
        pairs.push(("Sec-WebSocket-Origin", "http://b"));
        assert_eq!(
            request(&pairs).ok().and_then(|r| r.origin).as_deref(),
            Some("http://a")
        );
        pairs[2].1 = "8";
        assert_eq!(
            request(&pairs).ok().and_then(|r| r.origin).as_deref(),
            Some("http://b")
        );
    }

    #[test]
    fn protocols_are_lower_cased_with_original_case_kept() {
        let mut pairs = BASE.to_vec();
        pairs.push(("Sec-WebSocket-Protocol", "Chat, superCHAT,x"));
        let r = request(&pairs).ok();
        assert_eq!(
            r.as_ref().map(|r| r.requested_protocols.clone()),
            Some(vec!["chat".into(), "superchat".into(), "x".into()])
        );
        assert_eq!(
            r.map(|r| r.protocol_full_case[1].1.clone()).as_deref(),
            Some("superCHAT")
        );
    }

    #[test]
    fn extensions_parse_like_websocket() {
        let ext = parse_extensions("permessage-deflate; client_max_window_bits, Foo;A=B=C");
        assert_eq!(ext.len(), 2);
        assert_eq!(ext[0].name, "permessage-deflate");
        assert_eq!(
            ext[0].params,
            vec![ExtensionParam {
                name: "client_max_window_bits".into(),
                value: None
            }]
        );
        assert_eq!(
            ext[1].params,
            vec![ExtensionParam {
                name: "a".into(),
                value: Some("b".into())
            }]
        );
    }

    #[test]
    fn cookies_parse_like_websocket() {
        let c = parse_cookies("a=1; b=\"two\",c = %41 ;flag").ok();
        let c = c.unwrap_or_default();
        let pairs: Vec<(&str, Option<&str>)> = c
            .iter()
            .map(|c| (c.name.as_str(), c.value.as_deref()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("a", Some("1")),
                ("b", Some("two")),
                ("c", Some("A")),
                ("flag", None)
            ]
        );
        assert_eq!(
            parse_cookies("a=%E0%A4%A"),
            Err(HandshakeError::MalformedCookie)
        );
        assert_eq!(
            parse_cookies("q=\"").ok().map(|c| c[0].value.clone()),
            Some(Some(String::new()))
        );
    }

    #[test]
    fn x_forwarded_for_respects_the_option() {
        let mut pairs = BASE.to_vec();
        pairs.push(("X-Forwarded-For", "1.2.3.4, 5.6.7.8"));
        let h = Headers::from_pairs(pairs.iter().copied());
        let on = UpgradeRequest::from_headers(&h, ServerOptions::default()).ok();
        assert_eq!(
            on.map(|r| r.forwarded_for),
            Some(vec!["1.2.3.4".into(), "5.6.7.8".into()])
        );
        let opts = ServerOptions {
            ignore_x_forwarded_for: true,
            parse_cookies: false,
            parse_extensions: false,
        };
        let off = UpgradeRequest::from_headers(&h, opts).ok();
        assert_eq!(off.map(|r| r.forwarded_for.len()), Some(0));
    }
}
