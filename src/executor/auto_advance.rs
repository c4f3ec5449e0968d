//! Paused time's auto-advance, the executor's side.
//!
//! While time is paused ([`crate::time::pause`]) the clock moves only when
//! the runtime has nothing left to run. The executor learns that where it
//! would sleep: its queues are empty and the root future is not woken. But
//! I/O may be ready in the kernel that no poll has reported yet, and moving
//! the clock first would let a timeout beat a socket that was already
//! readable. So, instead of sleeping until the next timer:
//!
//! 1. take the reactor's driver (from the reactor thread, if it had it:
//!    every wake the thread's polls made is then in the remote queue);
//! 2. look at the kernel without blocking, dispatching what is ready (its
//!    tasks join the local queue);
//! 3. if anything is now runnable (a task in either queue, the root
//!    future), run it first: the clock stays, and the next idle moment
//!    starts over; otherwise move the clock to the next timer
//!    (`time/driver.rs`), which the run loop then fires.
//!
//! This is tokio's rule (the time driver parks the I/O driver with a zero
//! timeout, and advances unless the park was woken), with one difference:
//! a task woken by I/O in that last look runs *before* the clock moves,
//! where tokio would move the clock and then run it. Either way the I/O
//! task is polled before the timers the jump fires.
//!
//! As in tokio, a wake from another thread that has not happened yet (a
//! thread still working, a peer process about to write) cannot hold the
//! clock back: only what is ready at the moment the runtime goes idle does.

use std::sync::atomic::Ordering;

use super::Core;

impl Core {
    /// Out of work with time paused and a timer pending: look at the
    /// kernel, then auto-advance unless something became runnable (see the
    /// module docs).
    pub(super) fn look_then_auto_advance(&self) {
        self.look();
        if self.has_news() {
            return;
        }
        self.timers.auto_advance();
    }

    /// Whether something is runnable that the run loop has not taken yet.
    fn has_news(&self) -> bool {
        // Acquire: pairs with the Release of `wake_root`, as in `block_on`.
        !self.local.borrow().is_empty()
            || !self.shared.remote.is_empty()
            || !self.shared.inject.is_empty()
            || self.shared.root_woken.load(Ordering::Acquire)
    }
}
