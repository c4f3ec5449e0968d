//! Who holds the driver: the hand-off protocol between the executor and the
//! reactor thread.
//!
//! The driver (the `Poll` and its events buffer) is polled by one thread at
//! a time, and which one is decided here. The executor owns it by default:
//! it polls when it has nothing to run, sleeping in the kernel with the
//! next timer as timeout. While it is busy running tasks it may *hand off*
//! the driver to the reactor thread, which then polls (blocking) until the
//! executor takes it back with [`Handoff::drive`].
//!
//! ```text
//!                 thread_polls = false                 thread_polls = true
//! executor       polls when idle (look)      ──hand_off──►  runs tasks only
//! reactor thread sleeps on its idle site     ◄───drive────  polls, blocking
//! ```
//!
//! Two pieces of state:
//!
//! - `thread_polls`, who is *meant* to poll: set by the executor only
//!   (`true` in `hand_off`, `false` in `drive`).
//! - a [`TryLock`] around the driver, held by whoever is polling right
//!   now. A poll happens only under it, so two threads never poll (or
//!   reclaim slab slots) at once, whatever `thread_polls` says.
//!
//! And four sleeps, abstracted by [`Sites`] so that the model checker can
//! stand in for them: the reactor thread sleeps on its *idle* site while the
//! executor has the driver; the executor sleeps on its *handback* site while
//! it waits for the reactor thread to give the driver back; *kicking* the
//! poll makes a blocking poll of the driver return. Every site wake is
//! sticky (a wake before the sleep makes the sleep return at once), as an
//! eventfd, an `EVFILT_USER` event or a posted completion packet is.
//!
//! ## Why no wake is lost
//!
//! - `drive`: the executor clears `thread_polls`, then tries the lock. If
//!   the reactor thread has it, the executor kicks the poll and sleeps on
//!   handback. The reactor thread, back from its (kicked) poll, sees
//!   `thread_polls` false, unlocks and wakes handback; the executor tries
//!   again. If the reactor thread locked the driver after the executor's
//!   failed try but before the kick (a stale `thread_polls`), its poll still
//!   returns: the kick is sticky.
//! - `hand_off`: the executor sets `thread_polls`, unlocks, then wakes the
//!   idle site; the reactor thread, woken, sees both.
//! - The reactor thread wakes handback every time it lets go of the
//!   driver, so an executor sleeping in `drive` always hears of it.
//!
//! `checks/loom/tests/handoff.rs` model-checks these steps (and shows that
//! without the kick, or without the handback wake, the executor can sleep
//! forever).
//!
//! ## Why an own try-lock
//!
//! The driver is only ever *tried*, never waited for (waiting is the
//! sites' business), so a flag and a cell are all it needs. loom's `Mutex`
//! has no faithful `try_lock` (it blocks the model thread), which would hide
//! exactly the interleavings this protocol is about.
//!
//! This file names nothing else in groundup and takes its atomics and cells
//! from `crate::loom`, so the model checker runs this very protocol.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicBool, Ordering};

/// A value that at most one thread uses at a time, taken without waiting.
pub(crate) struct TryLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached through a `Held`, and at most one
// `Held` exists at a time (the `locked` flag, taken by a compare-and-swap);
// so sharing the lock only ever moves the value between threads, which
// `T: Send` allows.
unsafe impl<T: Send> Sync for TryLock<T> {}

/// Proof that this thread holds a [`TryLock`]; unlocks when dropped.
pub(crate) struct Held<'a, T> {
    lock: &'a TryLock<T>,
}

impl<T> TryLock<T> {
    pub(crate) fn new(value: T) -> TryLock<T> {
        TryLock { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    /// Takes the lock if nobody holds it.
    pub(crate) fn try_lock(&self) -> Option<Held<'_, T>> {
        // Acquire on success: pairs with the Release store in `Held::drop`,
        // so what the previous holder did with the value (and everything
        // before it let go) is visible to us. Relaxed on failure: we touch
        // nothing. (`then`, not `then_some`: a `Held` built eagerly and
        // dropped on failure would unlock a lock someone else holds; loom
        // found exactly that.)
        self.locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
            .then(|| Held { lock: self })
    }
}

impl<T> Held<'_, T> {
    /// Runs `f` on the value.
    pub(crate) fn with<R>(&mut self, f: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: this `Held` is the only one (the flag), and it is borrowed
        // mutably for the call, so nothing else reaches the value meanwhile.
        self.lock.value.with_mut(|value| f(unsafe { &mut *value }))
    }
}

impl<T> Drop for Held<'_, T> {
    fn drop(&mut self) {
        // Release: pairs with the Acquire of the next `try_lock`.
        self.lock.locked.store(false, Ordering::Release);
    }
}

/// The sleeps and wakes the protocol needs (see the module docs). Each
/// wake is sticky: a wake before the matching sleep makes it return at
/// once; several wakes before it may make it return once.
pub(crate) trait Sites {
    /// Makes a blocking poll of the driver return (now, or at once when it
    /// next begins).
    fn kick_poll(&self);
    /// The executor waits for the reactor thread to let go of the driver.
    fn sleep_handback(&self);
    fn wake_handback(&self);
    /// The reactor thread waits to be handed the driver (or shut down).
    fn sleep_idle(&self);
    fn wake_idle(&self);
}

/// The driver, and who is meant to poll it.
pub(crate) struct Handoff<D> {
    driver: TryLock<D>,
    /// The executor handed the driver to the reactor thread.
    thread_polls: AtomicBool,
}

impl<D> Handoff<D> {
    /// Starts with the executor owning the driver.
    pub(crate) fn new(driver: D) -> Handoff<D> {
        Handoff { driver: TryLock::new(driver), thread_polls: AtomicBool::new(false) }
    }

    /// Whether the executor handed the driver to the reactor thread (and has
    /// not taken it back). Only the executor changes this, so on its thread
    /// the answer is exact.
    pub(crate) fn thread_polls(&self) -> bool {
        // Relaxed: the executor reads its own writes.
        self.thread_polls.load(Ordering::Relaxed)
    }

    /// The executor: the driver, if it owns it and nobody is polling it
    /// right now. Never waits.
    pub(crate) fn try_drive(&self) -> Option<Held<'_, D>> {
        if self.thread_polls() {
            return None;
        }
        self.driver.try_lock()
    }

    /// The executor: takes the driver, from the reactor thread if it was
    /// handed off (kicking its poll and waiting for it to let go).
    pub(crate) fn drive(&self, sites: &impl Sites) -> Held<'_, D> {
        if self.thread_polls() {
            // Release: a reactor thread that reads `false` (after its kicked
            // poll, which synchronises with the kick below) sees it, and
            // everything the executor did before.
            self.thread_polls.store(false, Ordering::Release);
        }
        loop {
            if let Some(held) = self.driver.try_lock() {
                return held;
            }
            // The reactor thread is polling (or about to): make its poll
            // return, and wait until it lets go.
            sites.kick_poll();
            sites.sleep_handback();
        }
    }

    /// The executor: gives the driver it holds to the reactor thread.
    pub(crate) fn hand_off(&self, held: Held<'_, D>, sites: &impl Sites) {
        // Release: pairs with the Acquire load in `serve`: a reactor thread
        // that sees `true` and takes the lock sees the driver as we left it
        // (the lock's own Release/Acquire orders that too).
        self.thread_polls.store(true, Ordering::Release);
        drop(held);
        sites.wake_idle();
    }

    /// The reactor thread's loop: sleep on the idle site until handed the
    /// driver, then `turn` it (a blocking poll) until the executor takes it
    /// back. Returns when `stop()` says so, or when `turn` returns `false`
    /// (the poll failed for good), after letting go of the driver.
    pub(crate) fn serve(
        &self,
        sites: &impl Sites,
        stop: impl Fn() -> bool,
        mut turn: impl FnMut(&mut D) -> bool,
    ) {
        while !stop() {
            if !self.handed_to_thread() {
                sites.sleep_idle();
                continue;
            }
            let Some(mut held) = self.driver.try_lock() else {
                // The executor is finishing its own poll, or already taking
                // the driver back: it wakes us again if it hands it off.
                sites.sleep_idle();
                continue;
            };
            let mut alive = true;
            while alive && self.handed_to_thread() && !stop() {
                alive = held.with(&mut turn);
            }
            drop(held);
            // The executor may be waiting in `drive` for exactly this.
            sites.wake_handback();
            if !alive {
                return;
            }
        }
    }

    /// The reactor thread's read of `thread_polls`.
    fn handed_to_thread(&self) -> bool {
        // Acquire: pairs with the Release stores in `hand_off` and `drive`.
        self.thread_polls.load(Ordering::Acquire)
    }
}
