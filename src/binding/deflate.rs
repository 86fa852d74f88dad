//! permessage-deflate for the JS layer: option checks, negotiation in both
//! roles, and turning the extension on for a connection. Every rule lives in
//! `wsproto::deflate`; this layer converts values and errors.

use napi::bindgen_prelude::External;
use napi::{Error, Result, Status};
use napi_derive::napi;
use wsproto::deflate::{
    client_accept, client_offer, negotiate_server, Agreement, CompressionOptions, DeflateConfig,
    PerMessageDeflate,
};
use wsproto::Role;

use super::connection::NativeConnection;

/// The `perMessageDeflate` option object (after `true` became `{}`).
#[napi(object)]
pub struct DeflateOptions {
    /// See `DeflateConfig::server_no_context_takeover`.
    pub server_no_context_takeover: Option<bool>,
    /// See `DeflateConfig::client_no_context_takeover`.
    pub client_no_context_takeover: Option<bool>,
    /// 8 to 15.
    pub server_max_window_bits: Option<f64>,
    /// 8 to 15.
    pub client_max_window_bits: Option<f64>,
    /// Bytes; messages shorter than this are sent uncompressed. Default 1024.
    pub threshold: Option<f64>,
    /// 0 to 9. Default 1.
    pub level: Option<f64>,
}

/// What was agreed: the response header value and its parameters.
#[napi(object)]
pub struct DeflateAgreement {
    /// The `Sec-WebSocket-Extensions` value the server sends (client side: the one it received).
    pub response: String,
    /// The server resets its compressor after each message.
    pub server_no_context_takeover: bool,
    /// The client resets its compressor after each message.
    pub client_no_context_takeover: bool,
    /// The server's window bits.
    pub server_max_window_bits: u32,
    /// The client's window bits.
    pub client_max_window_bits: u32,
}

fn whole(name: &str, value: Option<f64>, min: f64, max: f64) -> Result<Option<u32>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && v.fract() == 0.0 && (min..=max).contains(&v) => {
            Ok(Some(v as u32))
        }
        Some(v) => Err(Error::new(
            Status::InvalidArg,
            format!("perMessageDeflate.{name} must be a whole number from {min} to {max}, got {v}"),
        )),
    }
}

fn window(name: &str, value: Option<f64>) -> Result<Option<u8>> {
    Ok(whole(name, value, 8.0, 15.0)?.and_then(|v| u8::try_from(v).ok()))
}

/// The negotiated part of the options.
fn config_of(options: &DeflateOptions) -> Result<DeflateConfig> {
    let config = DeflateConfig {
        server_no_context_takeover: options.server_no_context_takeover.unwrap_or(false),
        client_no_context_takeover: options.client_no_context_takeover.unwrap_or(false),
        server_max_window_bits: window("serverMaxWindowBits", options.server_max_window_bits)?,
        client_max_window_bits: window("clientMaxWindowBits", options.client_max_window_bits)?,
    };
    config.validate().map_err(|(name, bits)| {
        Error::new(
            Status::InvalidArg,
            format!("perMessageDeflate.{name} must be from 8 to 15, got {bits}"),
        )
    })?;
    Ok(config)
}

/// The local part of the options.
fn compression_of(options: &DeflateOptions) -> Result<CompressionOptions> {
    let defaults = CompressionOptions::default();
    Ok(CompressionOptions {
        level: whole("level", options.level, 0.0, 9.0)?.unwrap_or(defaults.level),
        threshold: whole("threshold", options.threshold, 0.0, f64::from(u32::MAX))?
            .map_or(defaults.threshold, |t| t as usize),
    })
}

fn to_js(agreement: Agreement, response: String) -> DeflateAgreement {
    DeflateAgreement {
        response,
        server_no_context_takeover: agreement.server_no_context_takeover,
        client_no_context_takeover: agreement.client_no_context_takeover,
        server_max_window_bits: u32::from(agreement.server_max_window_bits),
        client_max_window_bits: u32::from(agreement.client_max_window_bits),
    }
}

/// Throws a JS `Error` naming the first bad option value.
#[napi(catch_unwind)]
pub fn deflate_validate_options(options: DeflateOptions) -> Result<()> {
    config_of(&options)?;
    compression_of(&options)?;
    Ok(())
}

/// Server: the agreement for a client's `Sec-WebSocket-Extensions` value, or
/// `null` when no permessage-deflate alternative is acceptable (declined).
#[napi(catch_unwind)]
pub fn deflate_negotiate(
    offered: String,
    options: DeflateOptions,
) -> Result<Option<DeflateAgreement>> {
    let config = config_of(&options)?;
    Ok(negotiate_server(&offered, &config).map(|a| to_js(a.agreement, a.response)))
}

/// Client: the `Sec-WebSocket-Extensions` value to send.
#[napi(catch_unwind)]
pub fn deflate_client_offer(options: DeflateOptions) -> Result<String> {
    Ok(client_offer(&config_of(&options)?))
}

/// Client: the agreement in the server's response (`null` when it declined);
/// throws when the response is unacceptable (RFC 7692 §5: fail the connection).
#[napi(catch_unwind)]
pub fn deflate_client_accept(
    response: Option<String>,
    options: DeflateOptions,
) -> Result<Option<DeflateAgreement>> {
    let config = config_of(&options)?;
    let agreement = client_accept(response.as_deref(), &config)
        .map_err(|e| Error::from_reason(e.to_string()))?;
    Ok(agreement.map(|a| to_js(a, response.unwrap_or_default())))
}

/// Turns permessage-deflate on for a connection, before any data flows.
#[napi(catch_unwind)]
pub fn conn_set_deflate(
    handle: &mut External<NativeConnection>,
    client: bool,
    agreement: DeflateAgreement,
    options: DeflateOptions,
) -> Result<()> {
    let bits = |v: u32, name: &str| -> Result<u8> {
        u8::try_from(v)
            .ok()
            .filter(|b| (8..=15).contains(b))
            .ok_or_else(|| Error::new(Status::InvalidArg, format!("{name} must be from 8 to 15")))
    };
    let agreed = Agreement {
        server_no_context_takeover: agreement.server_no_context_takeover,
        client_no_context_takeover: agreement.client_no_context_takeover,
        server_max_window_bits: bits(agreement.server_max_window_bits, "serverMaxWindowBits")?,
        client_max_window_bits: bits(agreement.client_max_window_bits, "clientMaxWindowBits")?,
    };
    let role = if client { Role::Client } else { Role::Server };
    let state = PerMessageDeflate::new(role, &agreed, compression_of(&options)?);
    handle.lock().set_deflate(Some(state));
    Ok(())
}
