//! Waking a blocked `GetQueuedCompletionStatusEx`: post a packet.
//!
//! `PostQueuedCompletionStatus` queues a packet made of three values we
//! choose; a thread blocked on the port dequeues it at once. Every post is
//! one packet, so to make wakes coalesce as `Waker` promises, a flag says
//! whether a packet is already queued: only the wake that sets it posts, and
//! `select` clears it when it dequeues that packet.

use std::ffi::c_void;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use groundup_ffi::windows as ffi;

use super::events::Event;
use super::port::Port;
use super::selector::Selector;
use crate::poll::Token;

/// The completion key of the waker's packets.
pub(super) const KEY: usize = 2;

/// Posts one packet per batch of wakes.
#[derive(Debug)]
pub(crate) struct Waker {
    /// Kept so the port outlives the waker's packets.
    port: Arc<Port>,
    shared: Arc<Shared>,
}

/// What a waker's packet refers to. Each queued packet holds one reference,
/// so the state outlives a waker dropped with its packet still queued.
#[derive(Debug)]
pub(super) struct Shared {
    token: Token,
    /// A packet of this waker is queued and not yet dequeued.
    posted: AtomicBool,
}

impl Waker {
    pub(crate) fn new(selector: &Selector, token: Token) -> io::Result<Waker> {
        let shared = Arc::new(Shared { token, posted: AtomicBool::new(false) });
        Ok(Waker { port: Arc::clone(selector.port()), shared })
    }

    /// Posts a packet unless one is already queued. After the `Poll` is
    /// gone, does nothing.
    pub(crate) fn wake(&self) -> io::Result<()> {
        // AcqRel, paired with the swap in `dequeued`: whatever this thread
        // did before waking (say, pushing work onto a queue) is visible to
        // the poller after it has dequeued the packet, even when this wake
        // posts nothing because the packet is already queued: the poller's
        // swap reads this swap's `true`.
        if self.shared.posted.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        let result = self.port.start(|| {
            let context = Arc::into_raw(Arc::clone(&self.shared)).cast_mut().cast::<c_void>();
            let posted = self.port.post(KEY, context);
            if posted.is_err() {
                // SAFETY: no packet carries `context`: this reclaims, once,
                // the reference `into_raw` made above.
                drop(unsafe { Arc::from_raw(context.cast::<Shared>().cast_const()) });
            }
            posted
        });
        if result.is_err() {
            // Nothing is queued, so the next wake must try again.
            self.shared.posted.store(false, Ordering::Release);
        }
        result.map(drop)
    }
}

/// The event for a dequeued waker packet, whose context is `shared`.
///
/// # Safety
///
/// `shared` must be the context of a packet posted by [`Waker::wake`] (a
/// reference made by `Arc::into_raw`), and this must be called once per
/// such packet: it takes that reference back.
pub(super) unsafe fn dequeued(shared: *const Shared) -> Event {
    // SAFETY: the caller guarantees this is the packet's reference, taken
    // back once.
    let shared = unsafe { Arc::from_raw(shared) };
    // Cleared before the event reaches the user, so a wake that comes after
    // the user has looked at their queues posts a new packet. AcqRel: see
    // `wake`.
    shared.posted.swap(false, Ordering::AcqRel);
    Event::new(shared.token, ffi::AFD_POLL_RECEIVE)
}
