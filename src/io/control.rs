//! What the JS thread asks of a connection task, and what the task reports
//! back synchronously (bytes not yet written).

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

/// Requests from the JS thread to one connection task. Every change is
/// followed by [`IoControl::wake`].
pub struct IoControl {
    /// The socket's descriptor while the task owns it, else -1. Read by the
    /// JS thread for direct writes; changed only under the core's lock.
    pub fd: AtomicI32,
    /// The task holds bytes not yet written: JS must not write directly.
    /// Changed only under the core's lock.
    pub busy: AtomicBool,
    /// Bytes a direct write left unwritten; the task writes them first.
    leftover: Mutex<(Vec<u8>, usize)>,
    /// Set by [`IoControl::wake`], cleared when the task sees it.
    woken: AtomicBool,
    /// The task's waker while it waits (a wake with no waiter is kept in `woken`).
    waker: Mutex<Option<Waker>>,
    /// Stop reading (`connection.pause()`).
    pub paused: AtomicBool,
    /// Shut down the write side once everything queued is written (`socket.end()`).
    pub end: AtomicBool,
    /// Close right after the write side is shut down (do not wait for the peer).
    pub close_after_end: AtomicBool,
    /// Close at once, unwritten bytes discarded (`socket.destroy()`).
    pub destroy: AtomicBool,
    /// The newest flush sequence number: sends made before it are in the core's
    /// output buffer; the task reports it back once they are written.
    pub flush_seq: AtomicU32,
    /// Report when everything queued is written even without a new sequence
    /// number (the shim waits to emit `'drain'`).
    pub want_drain: AtomicBool,
    /// Bytes the task took from the core and has not written yet.
    pub unwritten: AtomicUsize,
    /// Requested TCP_NODELAY: 0 = no request, 1 = off, 2 = on.
    pub nodelay: AtomicU8,
    /// Requested SO_KEEPALIVE and its initial delay in ms, when changed.
    pub keepalive: Mutex<Option<(bool, u32)>>,
    /// Set when `nodelay` or `keepalive` holds a request.
    pub options_changed: AtomicBool,
}

impl IoControl {
    /// Controls for the task that owns `fd`.
    pub fn new(fd: i32, busy: bool) -> IoControl {
        IoControl {
            fd: AtomicI32::new(fd),
            busy: AtomicBool::new(busy),
            leftover: Mutex::default(),
            woken: AtomicBool::default(),
            waker: Mutex::default(),
            paused: AtomicBool::default(),
            end: AtomicBool::default(),
            close_after_end: AtomicBool::default(),
            destroy: AtomicBool::default(),
            flush_seq: AtomicU32::default(),
            want_drain: AtomicBool::default(),
            unwritten: AtomicUsize::default(),
            nodelay: AtomicU8::default(),
            keepalive: Mutex::default(),
            options_changed: AtomicBool::default(),
        }
    }

    /// Keeps what a direct write could not finish: `buf` from `offset` on,
    /// without copying (call with the core locked).
    pub fn put_leftover(&self, buf: Vec<u8>, offset: usize) {
        let rest = buf.len().saturating_sub(offset);
        let mut left = self.leftover.lock().unwrap_or_else(PoisonError::into_inner);
        if left.0.len() == left.1 {
            *left = (buf, offset);
        } else {
            left.0.extend_from_slice(buf.get(offset..).unwrap_or(&[]));
        }
        self.unwritten.fetch_add(rest, Ordering::AcqRel);
        self.busy.store(true, Ordering::Release);
    }

    /// Takes the leftover of a direct write: the buffer and where its
    /// unwritten part starts (call with the core locked).
    pub fn take_leftover(&self) -> (Vec<u8>, usize) {
        std::mem::take(&mut *self.leftover.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Wakes the task so it looks at the flags and the output buffer.
    pub fn wake(&self) {
        self.woken.store(true, Ordering::Release);
        let waker = self
            .waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Ready once [`IoControl::wake`] was called since the last time it was
    /// ready (a call made before the wait is not lost); else registers the
    /// task's waker.
    pub fn poll_woken(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.woken.swap(false, Ordering::AcqRel) {
            return Poll::Ready(());
        }
        {
            let mut slot = self.waker.lock().unwrap_or_else(PoisonError::into_inner);
            match slot.as_ref() {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
        }
        // A wake between the first look and the registration is not lost.
        if self.woken.swap(false, Ordering::AcqRel) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    /// Drops the task's waker (the task is ending).
    pub fn clear_waker(&self) {
        drop(
            self.waker
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
    }

    /// True when JS asked to close at once.
    pub fn is_destroyed(&self) -> bool {
        self.destroy.load(Ordering::Acquire)
    }
}
