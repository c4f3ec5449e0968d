//! One waker slot that a registering thread and a waking thread can use at
//! the same time without a lock.
//!
//! Each source has two, one per direction, for the `poll_*` methods
//! (`AsyncRead::poll_read`, `poll_accept`, …): a poll has no pinned future
//! to hold a waiter node, so the last poller's waker is all that is kept.
//! Futures that wait (`readable`, `recv_from`, `accept`, …) use the waiter
//! list instead; see `ScheduledIo`'s "two ways to wait". This slot stays
//! the lock-free hot path of every stream `read` and `write`. Its state
//! and cell come from `crate::loom`, so `checks/loom/tests/waiters.rs`
//! model-checks it with the rest.
//!
//! The reactor thread wakes; the executor thread registers. A lock would
//! work, but a contended `Mutex` may sleep in the kernel and a spinlock
//! would make the reactor wait on the executor. This is the algorithm of
//! `futures::task::AtomicWaker` (by Carl Lerche and others), written out:
//! a small state word says who, if anyone, is inside the slot.
//!
//! | state | meaning |
//! |---|---|
//! | `WAITING` | nobody is in the slot; a waker may be stored |
//! | `REGISTERING` | `register` is writing the slot |
//! | `WAKING` | `take` is emptying the slot |
//! | `REGISTERING \| WAKING` | a wake arrived during a register: the registerer will wake |
//!
//! A wake never waits and never loses a waker: if it finds the slot busy, it
//! leaves the `WAKING` bit, and the registering side, on leaving, sees the bit
//! and wakes the waker it just stored.

use std::fmt;
use std::task::Waker;

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering};

const WAITING: usize = 0;
const REGISTERING: usize = 0b01;
const WAKING: usize = 0b10;

pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the `waker` cell is only accessed by the thread that moved the
// state out of WAITING (into REGISTERING or WAKING), one at a time, so
// sharing the slot between threads never produces overlapping access; and
// `Waker` itself is `Send + Sync`.
unsafe impl Sync for AtomicWaker {}
// SAFETY: as above; moving the slot moves a `Waker`, which is `Send`.
unsafe impl Send for AtomicWaker {}

impl AtomicWaker {
    pub(crate) fn new() -> AtomicWaker {
        AtomicWaker { state: AtomicUsize::new(WAITING), waker: UnsafeCell::new(None) }
    }

    /// Stores `waker` to be woken by the next [`wake`](Self::wake).
    ///
    /// Only one thread may register on a given slot at a time (the one that
    /// polls the future using it); any thread may wake.
    pub(crate) fn register(&self, waker: &Waker) {
        // Acquire: see the slot contents left by the previous owner.
        match self.state.compare_exchange(
            WAITING,
            REGISTERING,
            Ordering::Acquire,
            Ordering::Acquire,
        ) {
            Ok(_) => {
                // SAFETY: we moved the state to REGISTERING, so we alone may
                // touch the slot until we leave it.
                self.waker.with_mut(|slot| match unsafe { &mut *slot } {
                    Some(old) if old.will_wake(waker) => {}
                    slot => *slot = Some(waker.clone()),
                });
                // AcqRel on leaving: Release publishes the stored waker to a
                // later `take`; Acquire (on failure) sees a waker's WAKING.
                let left = self.state.compare_exchange(
                    REGISTERING,
                    WAITING,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                );
                if left.is_err() {
                    // A wake came in while we were writing: it could not take
                    // the waker, so we wake it on its behalf.
                    // SAFETY: the state is still REGISTERING | WAKING; the
                    // waking thread does not touch the slot in that state.
                    let waker = self.waker.with_mut(|slot| unsafe { (*slot).take() });
                    self.state.swap(WAITING, Ordering::AcqRel);
                    if let Some(waker) = waker {
                        waker.wake();
                    }
                }
            }
            Err(WAKING) => {
                // A wake is emptying the slot right now; it may be taking the
                // old waker and miss this one, so wake this one directly.
                waker.wake_by_ref();
            }
            Err(_) => {
                // Another registration in progress: a contract violation by
                // the caller. Waking is always safe.
                waker.wake_by_ref();
            }
        }
    }

    /// Takes the stored waker, if any, without waking it.
    pub(crate) fn take(&self) -> Option<Waker> {
        // AcqRel: Acquire sees the waker stored by `register`; Release lets
        // a concurrent registerer see our WAKING bit.
        match self.state.fetch_or(WAKING, Ordering::AcqRel) {
            WAITING => {
                // SAFETY: we moved the state from WAITING to WAKING: the slot
                // is ours until we clear the bit.
                let waker = self.waker.with_mut(|slot| unsafe { (*slot).take() });
                self.state.fetch_and(!WAKING, Ordering::Release);
                waker
            }
            // REGISTERING: the registerer sees WAKING and wakes for us.
            // WAKING: another wake is already emptying the slot.
            _ => None,
        }
    }
}

impl fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtomicWaker").field("state", &self.state.load(Ordering::Relaxed)).finish()
    }
}
