//! One hub per JS environment: collects the events of all its connection
//! tasks and crosses into JS once per wake-up, not once per event
//! (design.md: one ThreadsafeFunction call per batch).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use napi::bindgen_prelude::{Buffer, FnArgs};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;

use wsproto::Connection;

use super::control::IoControl;
use super::events::Batch;
use crate::binding::batch::HeadBuffer;

/// Bytes of payload waiting for JS above which connection tasks stop reading
/// until JS has taken the batch (inbound flow control is Rust's job).
pub const BACKLOG_LIMIT: usize = 8 * 1024 * 1024;

/// The JS callback `(head: Buffer, large: Buffer | null) => void`, weak so that
/// it does not keep the event loop alive by itself (the shim holds a ref'd
/// handle exactly while connections are open).
/// The arguments of the JS callback: head, large small-payloads, own payloads.
pub type DeliverArgs = FnArgs<(HeadBuffer, Option<Buffer>, Option<Vec<Buffer>>)>;

/// See [`DeliverArgs`].
pub type DeliverFn = ThreadsafeFunction<(), (), DeliverArgs, Status, false, true>;

/// A connection task's controls and protocol state.
pub type Member = (Arc<IoControl>, Arc<Mutex<Connection>>);

#[derive(Default)]
struct Pending {
    batch: Batch,
    scheduled: bool,
}

/// The shared state of a hub.
#[derive(Default)]
pub struct Hub {
    pending: Mutex<Pending>,
    backlog: AtomicUsize,
    deliver: OnceLock<DeliverFn>,
    /// Tasks that stopped reading because of the backlog.
    waiters: Mutex<Vec<Arc<IoControl>>>,
    /// Live connections, so that a closing environment can close them and a
    /// broadcast can reach them.
    connections: Mutex<HashMap<u32, Member>>,
    next_id: AtomicU32,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Hub {
    /// Sets the JS delivery function (once, right after creation).
    pub fn set_deliver(&self, f: DeliverFn) {
        let _ = self.deliver.set(f);
    }

    /// Registers a connection task and returns its id (never 0).
    pub fn register(&self, ctl: Arc<IoControl>, conn: Arc<Mutex<Connection>>) -> u32 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        lock(&self.connections).insert(id, (ctl, conn));
        id
    }

    /// The live connections among `ids` (unknown or finished ones are skipped).
    pub fn members(&self, ids: &[u32]) -> Vec<Member> {
        let map = lock(&self.connections);
        ids.iter().filter_map(|id| map.get(id).cloned()).collect()
    }

    /// Forgets a finished connection task.
    pub fn unregister(&self, id: u32) {
        lock(&self.connections).remove(&id);
    }

    /// Queues events for JS and schedules one delivery if none is pending.
    pub fn push(&self, batch: &mut Batch) {
        if batch.is_empty() {
            return;
        }
        let schedule = {
            let mut p = lock(&self.pending);
            p.batch.append(batch);
            self.backlog.store(p.batch.data.len(), Ordering::Relaxed);
            !std::mem::replace(&mut p.scheduled, true)
        };
        if schedule {
            if let Some(f) = self.deliver.get() {
                if f.call((), ThreadsafeFunctionCallMode::NonBlocking) != Status::Ok {
                    // The environment is going away: nobody will take events.
                    self.close_all();
                }
            }
        }
    }

    /// Called on the JS thread by the delivery callback: takes everything queued.
    pub fn take(&self) -> Batch {
        let batch = {
            let mut p = lock(&self.pending);
            p.scheduled = false;
            self.backlog.store(0, Ordering::Relaxed);
            std::mem::take(&mut p.batch)
        };
        for ctl in lock(&self.waiters).drain(..) {
            ctl.wake();
        }
        batch
    }

    /// True when JS has fallen behind: tasks should stop reading.
    pub fn is_backlogged(&self) -> bool {
        self.backlog.load(Ordering::Relaxed) > BACKLOG_LIMIT
    }

    /// Asks to be woken once JS has taken the backlog.
    pub fn wait_for_drain(&self, ctl: &Arc<IoControl>) {
        lock(&self.waiters).push(Arc::clone(ctl));
        // The batch may have been taken between the check and the push.
        if !self.is_backlogged() {
            ctl.wake();
        }
    }

    /// Closes every connection at once (environment teardown).
    pub fn close_all(&self) {
        for (ctl, _) in lock(&self.connections).values() {
            ctl.destroy.store(true, Ordering::Release);
            ctl.wake();
        }
    }
}
