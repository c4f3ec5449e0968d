//! Flush requests: "look at the kernel once more, without blocking, and
//! tell me when the wakes it caused are delivered".
//!
//! ## Why
//!
//! Paused time ([`crate::time::pause`]) moves the clock only when the
//! runtime has nothing left to run. With the `Poll` on a thread of its own,
//! "nothing to run" on the executor is not enough: a socket may be readable
//! in the kernel while the reactor thread has not yet returned from
//! `epoll_wait` to say so. Jumping the clock then would fire a timeout that
//! the ready I/O should have beaten (tokio's I/O driver, polled on the
//! executor thread, makes a zero-timeout poll before advancing; this is
//! that poll, on the thread that owns the `Poll`). So before advancing, the
//! executor asks for a flush and waits for its completion.
//!
//! ## The protocol
//!
//! ```text
//! executor (request)                      reactor thread (each pass)
//!   push `done` waker (lock)                take requests made so far
//!   requested = true (Release)              poll: timeout 0 if any were taken
//!   wake the reactor's poll                 dispatch events, unpark executors
//!                                           wake each taken `done` waker
//! ```
//!
//! A request taken before a poll is served by that poll, which began after
//! the request was made: every event the kernel had then is in it (unless
//! the batch filled the events buffer; then the request waits one more
//! pass). A request made after the take is not lost: the wake makes the
//! poll in progress return, and the next pass takes it. The `done` wakers
//! are woken after the batch's unparks, so a task the poll woke is already
//! in its executor's queue when the executor learns of the completion.

use std::fmt;
use std::sync::PoisonError;
use std::task::Waker;

use crate::loom::sync::Mutex;
use crate::loom::sync::atomic::{AtomicBool, Ordering};

/// Outstanding flush requests (one per executor that went idle with paused
/// time, in practice at most one).
pub(crate) struct Flushes {
    /// Set when `waiting` may be non-empty, so that a reactor pass with no
    /// request skips the lock.
    requested: AtomicBool,
    waiting: Mutex<Vec<Waker>>,
}

impl Flushes {
    pub(crate) fn new() -> Flushes {
        Flushes { requested: AtomicBool::new(false), waiting: Mutex::new(Vec::new()) }
    }

    /// Adds a request (any thread). The caller must then wake the reactor's
    /// poll, so that a poll already blocked returns and the next pass takes
    /// the request.
    pub(crate) fn request(&self, done: Waker) {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner).push(done);
        // Release, paired with the Acquire swap in `take`: a reactor that
        // sees the flag sees the push (the lock orders it too; the flag must
        // not be seen without it).
        self.requested.store(true, Ordering::Release);
    }

    /// Moves the requests made so far into `into` (reactor thread, before
    /// each poll).
    pub(crate) fn take(&self, into: &mut Vec<Waker>) {
        // The Relaxed load is a cheap early out for the common pass with no
        // request; a flag it misses is seen on the next pass, which the
        // requester's wake of the poll brings about.
        if !self.requested.load(Ordering::Relaxed) {
            return;
        }
        // Acquire: pairs with the Release in `request` (see there).
        if self.requested.swap(false, Ordering::Acquire) {
            into.append(&mut self.waiting.lock().unwrap_or_else(PoisonError::into_inner));
        }
    }
}

impl fmt::Debug for Flushes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Flushes")
            .field("requested", &self.requested.load(Ordering::Relaxed))
            .finish()
    }
}
