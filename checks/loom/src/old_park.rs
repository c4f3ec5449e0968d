//! A copy of the executor's park protocol as it stood before issue 13's
//! item 14 was fixed (`src/executor/mod.rs`, `Core::park` and
//! `Shared::unpark`, at commit 94ebe1b), with the spin left out (it only
//! adds a path that returns without sleeping). It is kept so that
//! `tests/park.rs` can show the harness catching the lost wake: nothing in
//! the library uses this file.
//!
//! The bug: when the executor's `RUNNING → PARKED` exchange fails because a
//! waker wrote `NOTIFIED`, the executor resets the word with
//! `store(RUNNING, Relaxed)`. A second waker whose `swap(NOTIFIED)` lands
//! between the failed exchange and that store sees `NOTIFIED`, makes no
//! system call, and relies on the executor to see its queue push. But the
//! executor's plain store ends the release sequence the waker's swap was
//! part of: nothing orders the waker's push before the executor's next look
//! at the queue, which may read the queue empty (on weak-memory hardware;
//! in the model, a stale `Relaxed` load), and the executor parks for good.

use crate::loom::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use crate::loom::sync::{Condvar, Mutex};

const PARK_RUNNING: u8 = 0;
const PARK_NOTIFIED: u8 = 1;
const PARK_PARKED: u8 = 2;

/// The executor's shared state, reduced to what the protocol touches: the
/// remote queue (a count of pushed tasks), the park word, and the park
/// `Poll`'s waker (a binary semaphore, as an eventfd read by one
/// edge-triggered poll is).
#[derive(Debug)]
pub struct Shared {
    queued: AtomicUsize,
    park_state: AtomicU8,
    woken: Mutex<bool>,
    wake: Condvar,
}

impl Default for Shared {
    fn default() -> Shared {
        Shared {
            queued: AtomicUsize::new(0),
            park_state: AtomicU8::new(PARK_RUNNING),
            woken: Mutex::new(false),
            wake: Condvar::new(),
        }
    }
}

impl Shared {
    /// A remote wake: `RemoteQueue::push` (a Release CAS on the head),
    /// then `Shared::unpark`.
    pub fn wake_task(&self) {
        self.queued.fetch_add(1, Ordering::Release);
        self.unpark();
    }

    /// The old `Shared::unpark`.
    fn unpark(&self) {
        if self.park_state.swap(PARK_NOTIFIED, Ordering::AcqRel) == PARK_PARKED {
            *self.woken.lock().unwrap() = true;
            self.wake.notify_one();
        }
    }

    /// The old `Core::collect_remote`: a `Relaxed` emptiness check, then an
    /// `Acquire` swap. Returns how many tasks it took.
    pub fn collect_remote(&self) -> usize {
        if self.queued.load(Ordering::Relaxed) == 0 {
            return 0;
        }
        self.queued.swap(0, Ordering::Acquire)
    }

    /// The old `Core::park`, without the spin and without timers.
    pub fn park(&self) {
        let state = &self.park_state;
        if state
            .compare_exchange(PARK_NOTIFIED, PARK_RUNNING, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
        if state
            .compare_exchange(PARK_RUNNING, PARK_PARKED, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            // Notified between the two exchanges.
            state.store(PARK_RUNNING, Ordering::Relaxed);
            return;
        }
        let mut woken = self.woken.lock().unwrap();
        while !*woken {
            woken = self.wake.wait(woken).unwrap();
        }
        *woken = false;
        drop(woken);
        state.swap(PARK_RUNNING, Ordering::Acquire);
    }
}
