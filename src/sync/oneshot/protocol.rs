//! The oneshot channel's cross-thread protocol: one state word, the value
//! cell and two waker slots, shared by the two halves.
//!
//! This file takes its atomics, cells and `Arc` from `crate::loom` and
//! names nothing else in groundup, so that the model checker in
//! `checks/loom/` includes it as it is (`tests/oneshot.rs` there runs every
//! interleaving of send, receive, close and drop). The public types in
//! `mod.rs` wrap these halves and add only what is not cross-thread: the
//! cooperative budget, errors, and "polled after it finished".
//!
//! ## Who may touch what
//!
//! Each half lives on one thread at a time (`&mut self` for everything but
//! queries), so there are exactly two parties, and each cell has a rule:
//!
//! | cell | written by | read by the other half only when |
//! |---|---|---|
//! | `value` | the sender, before it sets `COMPLETE` | the receiver saw `COMPLETE` |
//! | `rx_waker` | the receiver, while `RX_WAKER_SET` is clear, or once its `CLOSED` went in before `COMPLETE` | the sender's `complete` saw `RX_WAKER_SET` |
//! | `tx_waker` | the sender, while `TX_WAKER_SET` is clear | the receiver's `close` saw `TX_WAKER_SET` |
//!
//! `COMPLETE` (the sender is done: it sent, or it is gone) and `CLOSED` (the
//! receiver is done) are each set once and never cleared, and the sender
//! sets `COMPLETE` only if `CLOSED` is not set yet: after `CLOSED`, no
//! value can arrive. A waker bit is the owner's promise that the slot is
//! filled and will not change; to change the waker the owner clears the
//! bit first, and the value that clearing returns says whether the other
//! half got in before it (then the owner leaves the slot alone and the
//! other half's event is already there to report).
//!
//! All state changes are single read-modify-writes on the one word, so
//! any two are ordered, and each case above is decided by which came
//! first. A waker is only ever *read* across threads (`wake_by_ref`); the
//! slots' contents are replaced or dropped by their owner while the bit is
//! clear, or dropped last with the shared state, after `Arc` has made every
//! access happen before.

use std::fmt;
use std::task::{Context, Poll, Waker};

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::Arc;
use crate::loom::sync::atomic::{AtomicUsize, Ordering};

/// The receiver's waker is in `rx_waker`, and the sender may read it.
const RX_WAKER_SET: usize = 0b0001;
/// The sender is done: it stored a value, or it was dropped without one.
const COMPLETE: usize = 0b0010;
/// The receiver is done: it closed the channel or was dropped.
const CLOSED: usize = 0b0100;
/// The sender's waker is in `tx_waker`, and the receiver may read it.
const TX_WAKER_SET: usize = 0b1000;

/// A snapshot of the state word.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct State(usize);

impl State {
    /// The sender is done (a value is stored, or none will come).
    pub fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }

    /// The receiver is done.
    pub fn is_closed(self) -> bool {
        self.0 & CLOSED != 0
    }

    fn is_rx_waker_set(self) -> bool {
        self.0 & RX_WAKER_SET != 0
    }

    fn is_tx_waker_set(self) -> bool {
        self.0 & TX_WAKER_SET != 0
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State")
            .field("complete", &self.is_complete())
            .field("closed", &self.is_closed())
            .field("rx_waker_set", &self.is_rx_waker_set())
            .field("tx_waker_set", &self.is_tx_waker_set())
            .finish()
    }
}

/// What both halves share.
struct Shared<T> {
    state: AtomicUsize,
    value: UnsafeCell<Option<T>>,
    rx_waker: UnsafeCell<Option<Waker>>,
    tx_waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the cells are only accessed under the rules in the module essay,
// which exclude every data race; a `T` crosses from the sender's thread to
// the receiver's (or back, in a failed send), hence `T: Send`. No `&T` is
// ever shared between the threads, so `T: Sync` is not needed.
unsafe impl<T: Send> Send for Shared<T> {}
// SAFETY: as above; both halves reach the cells through `&Shared`.
unsafe impl<T: Send> Sync for Shared<T> {}

/// Creates the two halves of a new channel.
pub fn pair<T>() -> (SendHalf<T>, RecvHalf<T>) {
    let shared = Arc::new(Shared {
        state: AtomicUsize::new(0),
        value: UnsafeCell::new(None),
        rx_waker: UnsafeCell::new(None),
        tx_waker: UnsafeCell::new(None),
    });
    (SendHalf { shared: Arc::clone(&shared), done: false }, RecvHalf { shared })
}

/// The sending half. Dropping it without sending completes the channel
/// with no value.
pub struct SendHalf<T> {
    shared: Arc<Shared<T>>,
    /// `send` ran: `drop` must not complete a second time.
    done: bool,
}

/// The receiving half. Dropping it closes the channel, and drops a value
/// that was sent and not received.
pub struct RecvHalf<T> {
    shared: Arc<Shared<T>>,
}

impl<T> SendHalf<T> {
    /// Stores `value` and completes the channel; gives the value back if
    /// the receiver has closed it.
    pub fn send(mut self, value: T) -> Result<(), T> {
        self.done = true;
        // SAFETY: `COMPLETE` is not set (only this half sets it, and `done`
        // was false), so the receiver does not touch `value` (rule: it reads
        // only after seeing `COMPLETE`), and only this half writes it.
        self.shared.value.with_mut(|value_cell| unsafe { *value_cell = Some(value) });
        if self.complete() {
            return Ok(());
        }
        // SAFETY: `complete` found `CLOSED` and did not set `COMPLETE`, so
        // the receiver never reads `value` (rule above): it is still ours.
        let value = self.shared.value.with_mut(|value_cell| unsafe { (*value_cell).take() });
        Err(value.expect("the value stored just above"))
    }

    /// Sets `COMPLETE` unless the receiver has closed, and wakes a waiting
    /// receiver. Returns whether it was set.
    fn complete(&self) -> bool {
        // Relaxed: only a starting guess for the exchange, which checks it.
        let mut state = self.shared.state.load(Ordering::Relaxed);
        loop {
            if State(state).is_closed() {
                return false;
            }
            // AcqRel on success. Release: the receiver that sees `COMPLETE`
            // sees the value stored before it. Acquire: if `RX_WAKER_SET`
            // is in what we replace, we see the waker the receiver stored
            // before setting it (its Release). Relaxed on failure: the next
            // turn decides on the value read, and a `CLOSED` read there
            // needs nothing from the receiver (we take back our own value).
            match self.shared.state.compare_exchange_weak(
                state,
                state | COMPLETE,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(actual) => state = actual,
            }
        }
        if State(state).is_rx_waker_set() {
            // SAFETY: `RX_WAKER_SET` was set when `COMPLETE` went in, so the
            // slot is filled and the receiver will not write it again: it
            // writes only after clearing the bit, and a clear ordered after
            // our exchange returns `COMPLETE` and makes it keep out (rule:
            // a waker bit's owner leaves the slot alone then). The receiver
            // may read it at the same time (`will_wake`); reads may overlap.
            self.shared.rx_waker.with(|slot| unsafe { wake_by_ref(slot) });
        }
        true
    }

    /// `Ready` once the receiver has closed the channel (or was dropped);
    /// otherwise stores the waker of `cx` to be woken then.
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        // Acquire, as `is_closed`: what the receiver did before closing is
        // visible to a caller that sees it closed.
        let state = State(self.shared.state.load(Ordering::Acquire));
        if state.is_closed() {
            return Poll::Ready(());
        }
        if state.is_tx_waker_set() {
            // SAFETY: our own slot, filled (the bit is set); the receiver
            // may read it meanwhile, which overlapping reads allow.
            let same = self.shared.tx_waker.with(|slot| unsafe { will_wake(slot, cx) });
            if same {
                return Poll::Pending;
            }
            // Take the slot back before changing it. Acquire, as above.
            let state = State(self.shared.state.fetch_and(!TX_WAKER_SET, Ordering::Acquire));
            if state.is_closed() {
                // The receiver's `close` came first and may be reading the
                // waker now: leave the slot as it is (the shared state
                // drops it last) and report the close.
                return Poll::Ready(());
            }
        }
        // SAFETY: the bit is clear (seen clear, or cleared above with no
        // `CLOSED` before it), so the receiver's `close` will not read the
        // slot until we set it again: any `close` ordered after the clear
        // sees the bit clear. Only this half writes it.
        self.shared.tx_waker.with_mut(|slot| unsafe { *slot = Some(cx.waker().clone()) });
        // Release: the receiver that sees the bit sees the waker stored
        // above. Acquire: as in the first load.
        let state = State(self.shared.state.fetch_or(TX_WAKER_SET, Ordering::AcqRel));
        if state.is_closed() { Poll::Ready(()) } else { Poll::Pending }
    }

    /// Whether the receiver has closed the channel or was dropped.
    pub fn is_closed(&self) -> bool {
        // Acquire: a caller that sees `true` also sees what the receiver
        // did before closing, as with tokio's.
        State(self.shared.state.load(Ordering::Acquire)).is_closed()
    }

    /// The state word now (for `Debug`).
    pub fn state(&self) -> State {
        State(self.shared.state.load(Ordering::Relaxed))
    }
}

impl<T> Drop for SendHalf<T> {
    fn drop(&mut self) {
        if !self.done {
            // Completes with no value: a waiting receiver wakes to `None`.
            self.complete();
        }
    }
}

impl<T> RecvHalf<T> {
    /// `Ready(Some(value))` once a value is sent, `Ready(None)` if none
    /// will come (the sender is gone, or this half closed the channel
    /// before one came); otherwise stores the waker of `cx` to be woken
    /// when the sender completes. After `Ready` the caller must not ask
    /// again (it drops this half).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // Acquire: on `COMPLETE`, the value the sender stored is visible.
        let state = State(self.shared.state.load(Ordering::Acquire));
        if let Poll::Ready(value) = self.finished(state) {
            return Poll::Ready(value);
        }
        if state.is_rx_waker_set() {
            // SAFETY: our own slot, filled (the bit is set); the sender may
            // read it meanwhile, which overlapping reads allow.
            let same = self.shared.rx_waker.with(|slot| unsafe { will_wake(slot, cx) });
            if same {
                return Poll::Pending;
            }
            // Take the slot back before changing it. Acquire: on
            // `COMPLETE`, see the value.
            let state = State(self.shared.state.fetch_and(!RX_WAKER_SET, Ordering::Acquire));
            if state.is_complete() {
                // The sender came first and may be reading the waker now:
                // leave the slot as it is (the shared state drops it last)
                // and take the value.
                return Poll::Ready(self.take_value());
            }
        }
        // SAFETY: the bit is clear (seen clear, or cleared above with no
        // `COMPLETE` before it), so the sender's `complete` will not read
        // the slot until we set it again: an exchange ordered after the
        // clear sees the bit clear. Only this half writes it.
        self.shared.rx_waker.with_mut(|slot| unsafe { *slot = Some(cx.waker().clone()) });
        // Release: the sender that sees the bit sees the waker stored
        // above. Acquire: on `COMPLETE`, see the value.
        let state = State(self.shared.state.fetch_or(RX_WAKER_SET, Ordering::AcqRel));
        if state.is_complete() { Poll::Ready(self.take_value()) } else { Poll::Pending }
    }

    /// `poll_recv` without a waker: `Pending` means nothing yet.
    pub fn try_recv(&mut self) -> Poll<Option<T>> {
        // Acquire: on `COMPLETE`, see the value.
        let state = State(self.shared.state.load(Ordering::Acquire));
        self.finished(state)
    }

    /// What `state` (read with Acquire) says is final, if anything.
    fn finished(&mut self, state: State) -> Poll<Option<T>> {
        if state.is_complete() {
            Poll::Ready(self.take_value())
        } else if state.is_closed() {
            // Closed by this half before the sender completed: the sender
            // can no longer complete, so nothing will come.
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    }

    /// The value, once `COMPLETE` was seen with Acquire.
    fn take_value(&mut self) -> Option<T> {
        // SAFETY: `COMPLETE` is set and was read with Acquire (every caller
        // says so), so the sender's store happened before and the sender
        // never touches the cell again; only this half reads it.
        self.shared.value.with_mut(|value_cell| unsafe { (*value_cell).take() })
    }

    /// Closes the channel: a later `send` fails, a waiting `closed()` wakes.
    /// A value sent before stays receivable. Returns the state before.
    pub fn close(&mut self) -> State {
        // Acquire: see the sender's waker if `TX_WAKER_SET` was set (its
        // Release), and the value if `COMPLETE` was. Nothing we did before
        // needs publishing to the sender.
        let prev = State(self.shared.state.fetch_or(CLOSED, Ordering::Acquire));
        if prev.is_complete() {
            // The sender is done (a value may be waiting); nothing to wake,
            // and our waker, if set, is the sender's to read no longer.
            return prev;
        }
        if prev.is_tx_waker_set() && !prev.is_closed() {
            // SAFETY: the bit was set when `CLOSED` went in, so the slot is
            // filled and the sender will not write it again: it writes only
            // after clearing the bit, and a clear ordered after our
            // `CLOSED` returns it and makes it keep out. Reads may overlap.
            self.shared.tx_waker.with(|slot| unsafe { wake_by_ref(slot) });
        }
        if prev.is_rx_waker_set() {
            // SAFETY: `COMPLETE` was not set before `CLOSED`, so it never
            // will be, and the sender reads our slot only in a `complete`
            // that sets it: the slot is ours alone. Dropping the waker now
            // releases the task it names (the bit stays; no one reads it).
            let waker = self.shared.rx_waker.with_mut(|slot| unsafe { (*slot).take() });
            drop(waker);
        }
        prev
    }

    /// Whether a value is waiting to be received.
    pub fn has_value(&self) -> bool {
        // Acquire: on `COMPLETE`, see the value.
        let state = State(self.shared.state.load(Ordering::Acquire));
        // SAFETY: reading the cell is allowed once `COMPLETE` is seen with
        // Acquire (as in `take_value`); this half is borrowed, so it takes
        // nothing meanwhile.
        state.is_complete()
            && self.shared.value.with(|value_cell| unsafe { (*value_cell).is_some() })
    }

    /// The state word now (for `Debug`).
    pub fn state(&self) -> State {
        State(self.shared.state.load(Ordering::Relaxed))
    }
}

impl<T> Drop for RecvHalf<T> {
    fn drop(&mut self) {
        let prev = self.close();
        if prev.is_complete() {
            // A value sent and never received is dropped here, on the
            // receiver's side, not by whichever half happens to go last.
            drop(self.take_value());
        }
    }
}

/// Wakes the waker in a filled slot, by reference.
///
/// # Safety
///
/// `slot` must be valid for reads, with no write to it meanwhile.
unsafe fn wake_by_ref(slot: *const Option<Waker>) {
    // SAFETY: the caller's promise.
    if let Some(waker) = unsafe { &*slot } {
        waker.wake_by_ref();
    }
}

/// Whether the waker in `slot` would wake the same task as `cx`'s.
///
/// # Safety
///
/// As for [`wake_by_ref`].
unsafe fn will_wake(slot: *const Option<Waker>, cx: &Context<'_>) -> bool {
    // SAFETY: the caller's promise.
    matches!(unsafe { &*slot }, Some(waker) if waker.will_wake(cx.waker()))
}
