//! Paused time's auto-advance, the executor's side.
//!
//! While time is paused ([`crate::time::pause`]) the clock moves only when
//! the runtime has nothing left to run. The executor's park is where it
//! learns that: its queues are empty and the root future is not woken. But
//! I/O may be ready in the kernel that the reactor thread has not reported
//! yet, and moving the clock first would let a timeout beat a socket that
//! was already readable. So, instead of sleeping until the next timer:
//!
//! 1. ask the reactor for a *flush*: one more poll of the kernel that
//!    begins now and does not block (`reactor/flush.rs`);
//! 2. park until woken: by the flush's completion, or by any wake;
//! 3. if anything woke (a task in the remote queue, the root future), run
//!    it first: the clock stays, and the next idle park starts over; if
//!    only the flush completed, nothing can run, so move the clock to the
//!    next timer (`time/driver.rs`); the
//!    run loop then fires it.
//!
//! This is tokio's rule (the time driver parks the I/O driver with a zero
//! timeout, and advances unless the park was woken), with one difference
//! that follows from the reactor thread: a task woken by I/O in that last
//! look runs *before* the clock moves, where tokio would move the clock and
//! then run it. Either way the I/O task is polled before the timers the
//! jump fires.
//!
//! As in tokio, a wake from another thread that has not happened yet (a
//! thread still working, a peer process about to write) cannot hold the
//! clock back: only what is ready at the moment the runtime goes idle does.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Wake, Waker};

use super::{Core, Shared};

/// The waker the reactor wakes when a flush is complete: records it and
/// unparks the executor.
struct Flushed {
    done: AtomicBool,
    executor: Arc<Shared>,
}

impl Wake for Flushed {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Release, paired with the Acquire load in `park_then_auto_advance`:
        // the tasks the flush's poll woke were pushed to the remote queue
        // before this store, so an executor that sees `done` sees them.
        self.done.store(true, Ordering::Release);
        self.executor.unpark();
    }
}

impl Core {
    /// Out of work with time paused and a timer pending: flush the reactor,
    /// then auto-advance unless something woke (see the module docs).
    pub(super) fn park_then_auto_advance(&self) {
        let flushed =
            Arc::new(Flushed { done: AtomicBool::new(false), executor: Arc::clone(&self.shared) });
        if self.reactor.flush(Waker::from(Arc::clone(&flushed))).is_err() {
            // No reactor to ask (shut down, or it cannot be woken): nothing
            // it could report; the clock may move.
            return self.timers.auto_advance();
        }
        loop {
            self.park_for(None);
            if self.has_news() {
                return;
            }
            if flushed.done.load(Ordering::Acquire) {
                return self.timers.auto_advance();
            }
            // Woken by a notification left from earlier: wait on.
        }
    }

    /// Whether something woke that the run loop has not taken yet.
    fn has_news(&self) -> bool {
        // Acquire: pairs with the Release of `wake_root`, as in `block_on`.
        !self.shared.remote.is_empty()
            || !self.shared.inject.is_empty()
            || self.shared.root_woken.load(Ordering::Acquire)
    }
}
