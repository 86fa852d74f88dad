//! How a hub batch crosses into JS: one engine-owned Buffer for the meta
//! words and small payloads, an external Buffer only for large payloads.

use napi::bindgen_prelude::ToNapiValue;
use napi::{sys, Error, Result, Status};

use crate::io::events::{Batch, BATCH_STRIDE};

/// Payload bytes above which a batch's payloads go to JS without a copy (an
/// external Buffer); smaller batches travel in one engine-owned Buffer, which
/// is cheaper to create and to collect than an external one.
const EXTERNAL_PAYLOAD: usize = 64 * 1024;

/// One batch as the arguments of `deliver(head, large, own)`: `head` holds
/// the event count and the meta words (u32, little endian), then the small
/// payloads unless together they are large, in which case they are in
/// `large` (else `null`); `own` holds the payloads of events whose kind has
/// `KIND_OWN_PAYLOAD`, in order (else `null`).
pub struct BatchArgs {
    /// Count, meta words, and the small payloads when they fit.
    pub head: Vec<u8>,
    /// The small payloads when together they are large.
    pub large: Option<Vec<u8>>,
    /// Large payloads, one Buffer each.
    pub own: Option<Vec<Vec<u8>>>,
}

impl BatchArgs {
    pub fn new(batch: Batch) -> BatchArgs {
        let count = u32::try_from(batch.meta.len() / BATCH_STRIDE).unwrap_or(0);
        let inline = batch.data.len() <= EXTERNAL_PAYLOAD;
        let mut head = Vec::with_capacity(
            4 + batch.meta.len() * 4 + if inline { batch.data.len() } else { 0 },
        );
        head.extend_from_slice(&count.to_le_bytes());
        for word in &batch.meta {
            head.extend_from_slice(&word.to_le_bytes());
        }
        let own = if batch.own.is_empty() {
            None
        } else {
            Some(batch.own)
        };
        if inline {
            head.extend_from_slice(&batch.data);
            BatchArgs {
                head,
                large: None,
                own,
            }
        } else {
            BatchArgs {
                head,
                large: Some(batch.data),
                own,
            }
        }
    }
}

/// A batch head, copied into an engine-owned Buffer.
pub struct HeadBuffer(pub Vec<u8>);

impl ToNapiValue for HeadBuffer {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        let mut value = std::ptr::null_mut();
        let mut data = std::ptr::null_mut();
        // SAFETY: `val.0` is a live buffer of the given length; napi copies it.
        let status = unsafe {
            sys::napi_create_buffer_copy(
                env,
                val.0.len(),
                val.0.as_ptr().cast(),
                &mut data,
                &mut value,
            )
        };
        if status != sys::Status::napi_ok {
            return Err(Error::new(
                Status::GenericFailure,
                "could not create the batch buffer".to_string(),
            ));
        }
        Ok(value)
    }
}
