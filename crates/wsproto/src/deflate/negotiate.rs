//! Negotiating permessage-deflate (RFC 7692 §5, §7.1): what a server accepts
//! from an offer, what a client offers, and whether a client can accept the
//! server's response.

use std::fmt;

use super::header::{self, Element, Param};

/// The extension token (RFC 7692 §7).
pub const EXTENSION_NAME: &str = "permessage-deflate";

/// The smallest LZ77 window the parameters may name (RFC 7692 §7.1.2).
pub const MIN_WINDOW_BITS: u8 = 8;
/// The largest LZ77 window, and the window used when none is named.
pub const MAX_WINDOW_BITS: u8 = 15;

/// What this endpoint wants, from the `perMessageDeflate` option. The same
/// struct serves both roles; each field says what it means for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateConfig {
    /// Server: always reset our compressor after each message and say so
    /// (`server_no_context_takeover` in the response). Client: ask the server
    /// to do that (offer `server_no_context_takeover`). Default false.
    pub server_no_context_takeover: bool,
    /// Server: require the client to reset its compressor after each message
    /// (`client_no_context_takeover` in the response). Client: reset ours
    /// and tell the server (offer `client_no_context_takeover`). Default false.
    pub client_no_context_takeover: bool,
    /// The largest window the server's compressor may use. Server: the most
    /// ours uses (9-15; less if the client asks). Client: offered as
    /// `server_max_window_bits` when set. Default none (15, not offered).
    pub server_max_window_bits: Option<u8>,
    /// The largest window the client's compressor may use. Server: sent as
    /// `client_max_window_bits` when the client allows it; an offer that does
    /// not allow it is declined. Client: offered as `client_max_window_bits=N`;
    /// without it the offer carries a bare `client_max_window_bits` (we accept
    /// any window the server picks). Default none.
    pub client_max_window_bits: Option<u8>,
}

impl DeflateConfig {
    /// Checks the window sizes: each 8 to 15 (RFC 7692 §7.1.2). Returns the
    /// option name and the bad value.
    pub fn validate(&self) -> Result<(), (&'static str, u8)> {
        for (name, bits) in [
            ("serverMaxWindowBits", self.server_max_window_bits),
            ("clientMaxWindowBits", self.client_max_window_bits),
        ] {
            if let Some(bits) = bits {
                if !(MIN_WINDOW_BITS..=MAX_WINDOW_BITS).contains(&bits) {
                    return Err((name, bits));
                }
            }
        }
        Ok(())
    }
}

/// The parameters both ends agreed on; what the server's response says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    /// The server resets its compressor after each message.
    pub server_no_context_takeover: bool,
    /// The client resets its compressor after each message.
    pub client_no_context_takeover: bool,
    /// The server compresses with at most this window (8-15).
    pub server_max_window_bits: u8,
    /// The client compresses with at most this window (8-15).
    pub client_max_window_bits: u8,
}

impl Default for Agreement {
    fn default() -> Self {
        Agreement {
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: MAX_WINDOW_BITS,
            client_max_window_bits: MAX_WINDOW_BITS,
        }
    }
}

/// A server's choice: the agreed parameters and the response header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The agreed parameters.
    pub agreement: Agreement,
    /// The `Sec-WebSocket-Extensions` value for the 101 response.
    pub response: String,
}

/// One permessage-deflate element, its parameters checked (RFC 7692 §7:
/// only the four defined names, each at most once, valid values).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Params {
    server_no_context_takeover: bool,
    client_no_context_takeover: bool,
    server_max_window_bits: Option<u8>,
    /// `Some(None)`: present without a value (allowed in offers only).
    client_max_window_bits: Option<Option<u8>>,
}

/// Why a permessage-deflate element is unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamError {
    /// A parameter RFC 7692 does not define.
    Unknown(String),
    /// A parameter given twice.
    Duplicate(String),
    /// A parameter with a value it may not have, or without one it needs.
    InvalidValue(String),
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::Unknown(n) => write!(f, "unknown parameter \"{n}\""),
            ParamError::Duplicate(n) => write!(f, "duplicate parameter \"{n}\""),
            ParamError::InvalidValue(n) => write!(f, "invalid value for parameter \"{n}\""),
        }
    }
}

/// A window size value: a decimal 8-15 without leading zeros (RFC 7692
/// §7.1.2.1: `%x38-39 / "1" %x30-35` in effect).
fn window_bits(value: &str) -> Option<u8> {
    match value {
        "8" => Some(8),
        "9" => Some(9),
        "10" => Some(10),
        "11" => Some(11),
        "12" => Some(12),
        "13" => Some(13),
        "14" => Some(14),
        "15" => Some(15),
        _ => None,
    }
}

fn read_params(params: &[Param]) -> Result<Params, ParamError> {
    let mut out = Params::default();
    let mut seen: Vec<&str> = Vec::with_capacity(params.len());
    for param in params {
        let name = param.name.as_str();
        if seen.contains(&name) {
            return Err(ParamError::Duplicate(name.to_owned()));
        }
        seen.push(name);
        let invalid = || ParamError::InvalidValue(name.to_owned());
        match name {
            "server_no_context_takeover" | "client_no_context_takeover" => {
                if param.value.is_some() {
                    return Err(invalid());
                }
                if name == "server_no_context_takeover" {
                    out.server_no_context_takeover = true;
                } else {
                    out.client_no_context_takeover = true;
                }
            }
            "server_max_window_bits" => {
                let bits = param.value.as_deref().and_then(window_bits);
                out.server_max_window_bits = Some(bits.ok_or_else(invalid)?);
            }
            "client_max_window_bits" => {
                out.client_max_window_bits = Some(match param.value.as_deref() {
                    None => None,
                    Some(v) => Some(window_bits(v).ok_or_else(invalid)?),
                });
            }
            _ => return Err(ParamError::Unknown(name.to_owned())),
        }
    }
    Ok(out)
}

/// The server's answer to one valid offer, or `None` to decline it.
fn accept_offer(offer: &Params, config: &DeflateConfig) -> Option<Accepted> {
    let mut agreement = Agreement::default();
    let mut response = String::from(EXTENSION_NAME);
    // §7.1.1.1: an offer with server_no_context_takeover is accepted only by
    // including it; we may also include it on our own.
    if offer.server_no_context_takeover || config.server_no_context_takeover {
        agreement.server_no_context_takeover = true;
        response.push_str("; server_no_context_takeover");
    }
    // §7.1.1.2: a server may include client_no_context_takeover in any case;
    // we do when configured, or to confirm the client's own hint.
    if offer.client_no_context_takeover || config.client_no_context_takeover {
        agreement.client_no_context_takeover = true;
        response.push_str("; client_no_context_takeover");
    }
    // §7.1.2.1: our window is at most what the client allows; the parameter
    // appears in the response only when the offer had it.
    let ours = config.server_max_window_bits.unwrap_or(MAX_WINDOW_BITS);
    agreement.server_max_window_bits = match offer.server_max_window_bits {
        Some(limit) => {
            let bits = ours.min(limit);
            response.push_str(&format!("; server_max_window_bits={bits}"));
            bits
        }
        None => ours,
    };
    // §7.1.2.2: client_max_window_bits may be sent only if the offer had it,
    // and no larger than its value.
    match (config.client_max_window_bits, offer.client_max_window_bits) {
        (Some(wanted), Some(limit)) => {
            let bits = wanted.min(limit.unwrap_or(MAX_WINDOW_BITS));
            agreement.client_max_window_bits = bits;
            response.push_str(&format!("; client_max_window_bits={bits}"));
        }
        // We need the client's window limited and it cannot do that.
        (Some(wanted), None) if wanted < MAX_WINDOW_BITS => return None,
        (_, Some(Some(limit))) => agreement.client_max_window_bits = limit,
        _ => {}
    }
    Some(Accepted {
        agreement,
        response,
    })
}

/// Server side (RFC 7692 §5): picks the first acceptable permessage-deflate
/// alternative from the client's `Sec-WebSocket-Extensions` value, in the
/// client's order of preference. An alternative with an unknown or repeated
/// parameter or an invalid value is declined (§5.1, §7), as is a header that
/// does not follow RFC 6455 §9.1 at all. `None` means no extension.
pub fn negotiate_server(offered: &str, config: &DeflateConfig) -> Option<Accepted> {
    let elements = header::parse(offered).ok()?;
    elements
        .iter()
        .filter(|e| e.name == EXTENSION_NAME)
        .filter_map(|e| read_params(&e.params).ok())
        .find_map(|offer| accept_offer(&offer, config))
}

/// Client side: the `Sec-WebSocket-Extensions` value to send (one offer).
pub fn client_offer(config: &DeflateConfig) -> String {
    let mut offer = String::from(EXTENSION_NAME);
    if config.server_no_context_takeover {
        offer.push_str("; server_no_context_takeover");
    }
    if config.client_no_context_takeover {
        offer.push_str("; client_no_context_takeover");
    }
    if let Some(bits) = config.server_max_window_bits {
        offer.push_str(&format!("; server_max_window_bits={bits}"));
    }
    match config.client_max_window_bits {
        Some(bits) => offer.push_str(&format!("; client_max_window_bits={bits}")),
        None => offer.push_str("; client_max_window_bits"),
    }
    offer
}

/// The server's response cannot be accepted; the client fails the connection
/// (RFC 7692 §5: "the client MUST _Fail the WebSocket Connection_").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseError {
    /// The header does not follow RFC 6455 §9.1.
    Syntax,
    /// permessage-deflate appears more than once.
    Repeated,
    /// A parameter is unknown, repeated or has an invalid value.
    Param(ParamError),
    /// `client_max_window_bits` without a value (§7.1.2.2: a response needs one).
    MissingClientWindowValue,
    /// `client_max_window_bits` although we did not offer it, or larger than
    /// we offered.
    ClientWindowNotAllowed,
    /// `server_max_window_bits` missing although we asked for a limit, or
    /// larger than the limit.
    ServerWindowNotAllowed,
    /// `server_no_context_takeover` missing although we asked for it.
    ServerContextTakeover,
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Invalid Sec-WebSocket-Extensions response for permessage-deflate: ")?;
        match self {
            ResponseError::Syntax => f.write_str("malformed header"),
            ResponseError::Repeated => f.write_str("the extension is named more than once"),
            ResponseError::Param(e) => e.fmt(f),
            ResponseError::MissingClientWindowValue => {
                f.write_str("client_max_window_bits needs a value")
            }
            ResponseError::ClientWindowNotAllowed => {
                f.write_str("client_max_window_bits exceeds the offer")
            }
            ResponseError::ServerWindowNotAllowed => {
                f.write_str("server_max_window_bits missing or exceeds the offer")
            }
            ResponseError::ServerContextTakeover => {
                f.write_str("server_no_context_takeover was requested but not confirmed")
            }
        }
    }
}

impl std::error::Error for ResponseError {}

/// Client side: reads the server's `Sec-WebSocket-Extensions` value
/// (`None`/empty: no extension) against what [`client_offer`] sent for
/// `config`. Other extension names are not this function's business (the
/// handshake rejects names we did not offer).
pub fn client_accept(
    response: Option<&str>,
    config: &DeflateConfig,
) -> Result<Option<Agreement>, ResponseError> {
    let Some(response) = response.filter(|r| !r.trim().is_empty()) else {
        return Ok(None);
    };
    let elements = header::parse(response).map_err(|_| ResponseError::Syntax)?;
    let mut ours = elements.iter().filter(|e| e.name == EXTENSION_NAME);
    let Some(element) = ours.next() else {
        return Ok(None);
    };
    if ours.next().is_some() {
        return Err(ResponseError::Repeated);
    }
    agreement_from_response(element, config).map(Some)
}

fn agreement_from_response(
    element: &Element,
    config: &DeflateConfig,
) -> Result<Agreement, ResponseError> {
    let params = read_params(&element.params).map_err(ResponseError::Param)?;
    if config.server_no_context_takeover && !params.server_no_context_takeover {
        return Err(ResponseError::ServerContextTakeover);
    }
    let server_bits = match (config.server_max_window_bits, params.server_max_window_bits) {
        (Some(limit), Some(bits)) if bits <= limit => bits,
        (Some(_), _) => return Err(ResponseError::ServerWindowNotAllowed),
        (None, bits) => bits.unwrap_or(MAX_WINDOW_BITS),
    };
    // We always offer client_max_window_bits (bare or with our limit).
    let client_bits = match params.client_max_window_bits {
        None => config.client_max_window_bits.unwrap_or(MAX_WINDOW_BITS),
        Some(None) => return Err(ResponseError::MissingClientWindowValue),
        Some(Some(bits)) if bits <= config.client_max_window_bits.unwrap_or(MAX_WINDOW_BITS) => {
            bits
        }
        Some(Some(_)) => return Err(ResponseError::ClientWindowNotAllowed),
    };
    Ok(Agreement {
        server_no_context_takeover: params.server_no_context_takeover,
        client_no_context_takeover: params.client_no_context_takeover
            || config.client_no_context_takeover,
        server_max_window_bits: server_bits,
        client_max_window_bits: client_bits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: DeflateConfig = DeflateConfig {
        server_no_context_takeover: false,
        client_no_context_takeover: false,
        server_max_window_bits: None,
        client_max_window_bits: None,
    };

    fn response(offer: &str, config: &DeflateConfig) -> Option<String> {
        negotiate_server(offer, config).map(|a| a.response)
    }

    #[test]
    fn server_accepts_the_browser_offer() {
        let accepted = negotiate_server("permessage-deflate; client_max_window_bits", &DEFAULT);
        assert_eq!(
            accepted,
            Some(Accepted {
                agreement: Agreement::default(),
                response: "permessage-deflate".into()
            })
        );
    }

    #[test]
    fn server_honours_every_offered_parameter() {
        let a = negotiate_server(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12",
            &DEFAULT,
        );
        assert_eq!(
            a.as_ref().map(|a| a.response.as_str()),
            Some("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10")
        );
        assert_eq!(
            a.map(|a| a.agreement),
            Some(Agreement {
                server_no_context_takeover: true,
                client_no_context_takeover: true,
                server_max_window_bits: 10,
                client_max_window_bits: 12,
            })
        );
    }

    #[test]
    fn server_applies_its_own_config() {
        let config = DeflateConfig {
            server_no_context_takeover: true,
            client_no_context_takeover: true,
            server_max_window_bits: Some(11),
            client_max_window_bits: Some(10),
        };
        assert_eq!(
            response("permessage-deflate; client_max_window_bits; server_max_window_bits=12", &config).as_deref(),
            Some("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=10")
        );
        // The client allows only 9 for itself: we answer 9, never more.
        assert_eq!(
            negotiate_server("permessage-deflate; client_max_window_bits=9", &config)
                .map(|a| a.agreement.client_max_window_bits),
            Some(9)
        );
        // An offer that cannot limit the client's window is declined.
        assert_eq!(response("permessage-deflate", &config), None);
        // Without the offer's server_max_window_bits, ours stays unannounced.
        let a = negotiate_server("permessage-deflate; client_max_window_bits", &config);
        assert_eq!(a.map(|a| a.agreement.server_max_window_bits), Some(11));
    }

    #[test]
    fn server_picks_the_first_acceptable_alternative() {
        let offers = "x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=7, permessage-deflate; foo, permessage-deflate; client_no_context_takeover; client_no_context_takeover, permessage-deflate; server_max_window_bits=9; server_no_context_takeover, permessage-deflate";
        assert_eq!(
            response(offers, &DEFAULT).as_deref(),
            Some("permessage-deflate; server_no_context_takeover; server_max_window_bits=9")
        );
    }

    #[test]
    fn server_declines_invalid_offers() {
        for offer in [
            "permessage-deflate; server_max_window_bits",
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; server_max_window_bits=08",
            "permessage-deflate; server_max_window_bits=1a",
            "permessage-deflate; client_max_window_bits=7",
            "permessage-deflate; server_no_context_takeover=1",
            "permessage-deflate; client_no_context_takeover=\"x\"",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "permessage-deflate; mystery",
            "permessage-deflate; client_max_window_bits=10 garbage",
            "x-other",
            "",
        ] {
            assert_eq!(response(offer, &DEFAULT), None, "{offer}");
        }
        assert_eq!(
            response(
                "permessage-deflate; server_max_window_bits=\"12\"",
                &DEFAULT
            )
            .as_deref(),
            Some("permessage-deflate; server_max_window_bits=12")
        );
        assert_eq!(
            response("permessage-deflate; server_max_window_bits=8", &DEFAULT).as_deref(),
            Some("permessage-deflate; server_max_window_bits=8")
        );
    }

    #[test]
    fn client_offer_reflects_config() {
        assert_eq!(
            client_offer(&DEFAULT),
            "permessage-deflate; client_max_window_bits"
        );
        let config = DeflateConfig {
            server_no_context_takeover: true,
            client_no_context_takeover: true,
            server_max_window_bits: Some(10),
            client_max_window_bits: Some(9),
        };
        let offer = client_offer(&config);
        assert_eq!(offer, "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9");
        // What our server makes of our own offer is what our client accepts.
        let accepted = negotiate_server(&offer, &DEFAULT);
        let server_side = accepted.as_ref().map(|a| a.agreement);
        let client_side =
            accepted.and_then(|a| client_accept(Some(&a.response), &config).ok().flatten());
        assert_eq!(
            server_side.map(|a| (a.server_max_window_bits, a.server_no_context_takeover)),
            Some((10, true))
        );
        assert_eq!(
            client_side.map(|a| (
                a.server_max_window_bits,
                a.client_max_window_bits,
                a.client_no_context_takeover
            )),
            Some((10, 9, true))
        );
    }

    #[test]
    fn client_accepts_valid_responses() {
        assert_eq!(client_accept(None, &DEFAULT), Ok(None));
        assert_eq!(client_accept(Some("x-other"), &DEFAULT), Ok(None));
        assert_eq!(
            client_accept(Some("permessage-deflate"), &DEFAULT),
            Ok(Some(Agreement::default()))
        );
        assert_eq!(
            client_accept(
                Some("permessage-deflate; server_no_context_takeover; client_max_window_bits=9; server_max_window_bits=12"),
                &DEFAULT
            ),
            Ok(Some(Agreement {
                server_no_context_takeover: true,
                client_no_context_takeover: false,
                server_max_window_bits: 12,
                client_max_window_bits: 9,
            }))
        );
    }

    #[test]
    fn client_fails_unacceptable_responses() {
        let limited = DeflateConfig {
            server_no_context_takeover: true,
            server_max_window_bits: Some(10),
            client_max_window_bits: Some(10),
            ..DEFAULT
        };
        let cases: [(&str, &DeflateConfig, ResponseError); 9] = [
            ("permessage-deflate; x=1", &DEFAULT, ResponseError::Param(ParamError::Unknown("x".into()))),
            ("permessage-deflate, permessage-deflate", &DEFAULT, ResponseError::Repeated),
            ("permessage-deflate; client_max_window_bits", &DEFAULT, ResponseError::MissingClientWindowValue),
            ("permessage-deflate; server_max_window_bits=16", &DEFAULT, ResponseError::Param(ParamError::InvalidValue("server_max_window_bits".into()))),
            ("permessage-deflate; server_no_context_takeover; server_no_context_takeover", &DEFAULT, ResponseError::Param(ParamError::Duplicate("server_no_context_takeover".into()))),
            ("permessage-deflate; server_no_context_takeover; server_max_window_bits=11", &limited, ResponseError::ServerWindowNotAllowed),
            ("permessage-deflate; server_no_context_takeover", &limited, ResponseError::ServerWindowNotAllowed),
            ("permessage-deflate; server_max_window_bits=10", &limited, ResponseError::ServerContextTakeover),
            ("permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11", &limited, ResponseError::ClientWindowNotAllowed),
        ];
        for (text, config, err) in cases {
            assert_eq!(client_accept(Some(text), config), Err(err), "{text}");
        }
        assert_eq!(
            client_accept(Some("permessage-deflate;"), &DEFAULT),
            Err(ResponseError::Syntax)
        );
    }

    #[test]
    fn config_validation_names_the_option() {
        assert_eq!(DEFAULT.validate(), Ok(()));
        let bad = DeflateConfig {
            client_max_window_bits: Some(16),
            ..DEFAULT
        };
        assert_eq!(bad.validate(), Err(("clientMaxWindowBits", 16)));
        let bad = DeflateConfig {
            server_max_window_bits: Some(7),
            ..DEFAULT
        };
        assert_eq!(bad.validate(), Err(("serverMaxWindowBits", 7)));
    }
}
