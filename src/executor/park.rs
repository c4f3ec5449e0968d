//! The park protocol: how the executor goes to sleep without losing a wake,
//! and how a waker knows whether waking it costs a system call.
//!
//! One word, three states:
//!
//! | state | meaning | what [`ParkState::unpark`] does |
//! |---|---|---|
//! | `RUNNING` | the executor is working (or spinning) | set `NOTIFIED`: no syscall |
//! | `NOTIFIED` | a wake is pending | nothing |
//! | `PARKED` | asleep (or about to sleep) in the reactor's driver, or, once the reactor failed, on its handback site | set `NOTIFIED`, and the caller wakes it: one syscall (two once the reactor failed) |
//!
//! A waker first publishes its news (a push on the remote queue, the root
//! future's flag), then calls `unpark`; the executor, in [`ParkState::park`],
//! sleeps only if the word was `RUNNING` when it wrote `PARKED`, and after
//! every return looks at its queues again. So a wake costs at most one
//! system call, none while the executor runs, and a burst of wakes before
//! the executor next parks costs one in total.
//!
//! ## Why every change is a read-modify-write
//!
//! The word is only ever changed by `swap` and `compare_exchange`, never by
//! a plain store. That is what makes the protocol correct on weak-memory
//! hardware (every Apple Silicon Mac, aarch64 Linux): all the waker's
//! `swap(NOTIFIED)`s (with Release) and the executor's exchanges form one
//! *release sequence*, so the executor's Acquire `swap(RUNNING)` that
//! consumes a notification synchronises with *every* waker whose swap came
//! before it, and each one's queue push is visible to the look at the
//! queue that follows. An earlier version reset the word with
//! `store(RUNNING, Relaxed)` after a failed `RUNNING → PARKED` exchange; a
//! second waker whose `swap` landed just before that store saw `NOTIFIED`,
//! made no system call, and relied on a push the executor was not
//! guaranteed to see (issue 13, item 14; `checks/loom/tests/park.rs` keeps
//! that version and shows the model checker finding the lost wake).
//!
//! This file names nothing else in groundup and takes its atomics from
//! `crate::loom`, so the model checker runs this very protocol.

use crate::loom::sync::atomic::{AtomicU8, Ordering};

const RUNNING: u8 = 0;
const NOTIFIED: u8 = 1;
const PARKED: u8 = 2;

/// The executor's park word.
#[derive(Debug)]
pub(crate) struct ParkState {
    word: AtomicU8,
}

impl ParkState {
    pub(crate) fn new() -> ParkState {
        ParkState { word: AtomicU8::new(RUNNING) }
    }

    /// A waker's side, after it published its news. Returns `true` if the
    /// executor is asleep: the caller must then wake it in the reactor's driver (the
    /// one system call).
    pub(crate) fn unpark(&self) -> bool {
        // AcqRel: Release publishes the news to the executor's Acquire swap
        // in `park`. Acquire: reading PARKED synchronises with the
        // executor's Release exchange, so the caller sees what the executor
        // saw before it slept (a reactor failure, which decides where it
        // sleeps; see `Turn::sleep`).
        self.word.swap(NOTIFIED, Ordering::AcqRel) == PARKED
    }

    /// Whether a wake came in since the last `park` returned. A hint for the
    /// spin loop (Relaxed, no synchronisation): the caller acts on it only
    /// through `park`, which consumes the notification with Acquire.
    pub(crate) fn is_notified(&self) -> bool {
        self.word.load(Ordering::Relaxed) == NOTIFIED
    }

    /// The executor's side, when it found nothing to do (and, if it spun,
    /// [`spin`](Self::spin) saw no wake). `sleep()` blocks until a waker
    /// that saw `PARKED` wakes it (or a timeout); it is skipped if a wake
    /// came in first. Returns once a wake has been seen (or `sleep`
    /// returned on its own, for a timer); the caller then looks at its
    /// queues again.
    pub(crate) fn park(&self, sleep: impl FnOnce()) {
        // Release on success: a waker that reads PARKED (its AcqRel swap in
        // `unpark`) must learn where we sleep: in the driver's poll, or on
        // the handback site once the reactor failed. The failure, if any,
        // came to us with the driver's lock; Release passes it on to that
        // waker. (The wake itself needs no ordering: a kick is sticky, and
        // we hold the driver, so the poll it ends is ours.) Relaxed on
        // failure: it reads a NOTIFIED that `consume` below takes with
        // Acquire.
        if self.word.compare_exchange(RUNNING, PARKED, Ordering::Release, Ordering::Relaxed).is_ok()
        {
            sleep();
        }
        // NOTIFIED before we could park, or woken, or back on our own: in every
        // case back to RUNNING, taking whatever notification is there.
        self.consume();
    }

    /// What the executor may do before it parks: `spin(notified)` waits
    /// briefly, watching `notified()`, with the word left `RUNNING` (a
    /// waker only writes `NOTIFIED` and makes no system call). Returns
    /// whether it saw a wake, which is then consumed; if not, nothing
    /// changed, and the caller goes on to [`park`](Self::park).
    pub(crate) fn spin(&self, spin: impl FnOnce(&dyn Fn() -> bool) -> bool) -> bool {
        let woken = spin(&|| self.is_notified());
        if woken {
            self.consume();
        }
        woken
    }

    /// Back to `RUNNING`, consuming a notification if there is one.
    fn consume(&self) {
        // A swap, not a store: Acquire on a read-modify-write synchronises
        // with every waker's Release swap before it (one release sequence),
        // so every push they made is visible to the caller's next look at
        // the queues; and a wake landing at this very moment is either
        // before the swap (seen) or after it (it leaves NOTIFIED for the
        // next park), never overwritten unseen.
        self.word.swap(RUNNING, Ordering::Acquire);
    }
}

impl Default for ParkState {
    fn default() -> ParkState {
        ParkState::new()
    }
}
