//! A result slot shared by a `JoinHandle` and work that runs off the
//! executor: a blocking job on a pool thread, or a future spawned through a
//! `Handle` from another thread.
//!
//! Such work has no task of its own on the awaiting side (a blocking job
//! is a closure; a future spawned from another thread becomes a task only
//! when the executor takes it), so its `JoinHandle` waits on this slot
//! instead of on a task's state word. One `Mutex` holds everything: the
//! value, whether it was taken, an abort request, and two wakers — the
//! *joiner*'s (whoever awaits the handle) and the *runner*'s (the task
//! running a spawned future, so that an abort can wake it to stop). A lock
//! is the simplest protocol that is obviously right, and the handoff
//! happens once per spawn.
//!
//! The producing side is a [`Completer`]: [`Completer::complete`] stores
//! the value and wakes the joiner; dropping a completer that never
//! completed marks the slot done with nothing in it, so a job dropped
//! unrun or a future dropped by a runtime shutdown still ends its handle's
//! wait. What "nothing" means is the joiner's to say: a `JoinHandle`
//! reports a cancellation, naming the task's id, which it keeps itself
//! (the slot need not know it).
//!
//! This file names nothing else in groundup (the slot is generic in what it
//! carries) and takes its lock from `crate::loom`, so the model checker
//! runs it.

use std::fmt;
use std::task::{Context, Poll, Waker};

use crate::loom::sync::{Arc, Mutex, MutexGuard};

/// The shared slot.
pub(crate) struct Slot<T> {
    state: Mutex<State<T>>,
}

struct State<T> {
    /// What the work produced; `None` once `done` if the completer was
    /// dropped without completing (or once taken).
    value: Option<T>,
    /// The work is over: a value was stored (it may have been taken
    /// since), or the completer was dropped without one.
    done: bool,
    /// The joiner took the value.
    taken: bool,
    /// The joiner asked the work to stop.
    aborted: bool,
    joiner: Option<Waker>,
    runner: Option<Waker>,
}

/// The producing side; see the module docs.
pub(crate) struct Completer<T> {
    slot: Option<Arc<Slot<T>>>,
}

/// A new slot and its completer.
pub(crate) fn pair<T>() -> (Arc<Slot<T>>, Completer<T>) {
    let slot = Arc::new(Slot {
        state: Mutex::new(State {
            value: None,
            done: false,
            taken: false,
            aborted: false,
            joiner: None,
            runner: None,
        }),
    });
    let completer = Completer { slot: Some(Arc::clone(&slot)) };
    (slot, completer)
}

impl<T> Slot<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Nothing panics under this lock (wakers are woken after it is
        // released), so a poisoned lock still holds a consistent state.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The joiner's poll: once the work is over, its value, or `None` if
    /// the completer was dropped without one; until then `Pending`, with
    /// the joiner's waker stored.
    ///
    /// # Panics
    ///
    /// If the value was already taken (a `JoinHandle` polled after it
    /// returned).
    pub(crate) fn poll(&self, cx: &Context<'_>) -> Poll<Option<T>> {
        let mut state = self.lock();
        assert!(!state.taken, "JoinHandle polled after it returned its output");
        if state.done {
            state.taken = true;
            return Poll::Ready(state.value.take());
        }
        match &state.joiner {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => state.joiner = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Stores the joiner's waker without polling; returns `true` if the
    /// value is already there (the caller should then poll at once).
    pub(crate) fn set_joiner(&self, waker: &Waker) -> bool {
        let mut state = self.lock();
        if state.done {
            return true;
        }
        state.joiner = Some(waker.clone());
        false
    }

    /// Whether the work is over (its value stored, taken or not, or its
    /// completer dropped).
    pub(crate) fn is_done(&self) -> bool {
        self.lock().done
    }

    /// Asks the work to stop, and wakes its runner so it notices. Nothing
    /// happens if the value is there already.
    pub(crate) fn abort(&self) {
        let mut state = self.lock();
        if state.done {
            return;
        }
        state.aborted = true;
        let runner = state.runner.take();
        drop(state);
        if let Some(runner) = runner {
            runner.wake();
        }
    }

    /// Ends the work with `value` (`None`: the completer was dropped).
    fn store(&self, value: Option<T>) {
        let mut state = self.lock();
        if state.done {
            return;
        }
        state.value = value;
        state.done = true;
        state.runner = None;
        let joiner = state.joiner.take();
        drop(state);
        if let Some(joiner) = joiner {
            joiner.wake();
        }
    }
}

impl<T> Completer<T> {
    fn slot(&self) -> &Slot<T> {
        self.slot.as_ref().expect("a completer holds its slot until it completes")
    }

    /// Stores `value` and wakes the joiner.
    pub(crate) fn complete(mut self, value: T) {
        if let Some(slot) = self.slot.take() {
            slot.store(Some(value));
        }
    }

    /// Whether the joiner asked the work to stop.
    pub(crate) fn is_aborted(&self) -> bool {
        self.slot().lock().aborted
    }

    /// Stores the runner's waker, for an abort to wake. Returns `true` if
    /// an abort came already.
    pub(crate) fn set_runner(&self, waker: &Waker) -> bool {
        let mut state = self.slot().lock();
        if state.aborted {
            return true;
        }
        match &state.runner {
            Some(runner) if runner.will_wake(waker) => {}
            _ => state.runner = Some(waker.clone()),
        }
        false
    }
}

impl<T> Drop for Completer<T> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            slot.store(None);
        }
    }
}

impl<T> fmt::Debug for Slot<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Slot")
            .field("done", &state.done)
            .field("taken", &state.taken)
            .field("aborted", &state.aborted)
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Completer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Completer").field("slot", &self.slot).finish_non_exhaustive()
    }
}
