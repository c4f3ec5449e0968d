//! The inject queue: futures spawned from other threads, through a
//! `Handle`, waiting for the executor to make tasks of them.
//!
//! A task is created on the executor thread, because that is where its
//! entry in the live-task list (`owned.rs`) and its `JoinHandle` live. A
//! thread that spawns through a `Handle` therefore hands over the future
//! itself (boxed, `Send`) and unparks the executor; the executor, at the
//! top of each turn, where it also collects remote wakes, takes the whole
//! queue and spawns each future locally.
//!
//! The protocol, and why it loses nothing:
//!
//! - A push takes the lock, refuses if the queue is closed, appends, sets
//!   `pending` and releases the lock; then the pusher unparks the executor
//!   (the park protocol of `park.rs`: news first, unpark second).
//! - The executor reads `pending` (a hint: Relaxed) before taking the lock,
//!   so a turn with nothing injected costs one load. A push it misses is
//!   not lost: the pusher's unpark comes after it, so the executor's next
//!   park returns at once, and the look after that park is ordered after
//!   the push (the park word's Release/Acquire pair) and sees `pending`.
//! - Shutdown closes the queue under the lock and takes what is in it. A
//!   push after that is refused and the pusher drops its future itself: a
//!   future that never became a task belongs to no executor, and it is
//!   `Send`. So no future is stranded in a closed queue, and none is
//!   dropped twice. Unlike the remote queue's race with shutdown (a fence
//!   pair), the lock orders a push and the close on its own.
//!
//! This file names nothing else in groundup and takes its lock and atomics
//! from `crate::loom`, so the model checker runs it
//! (`checks/loom/tests/inject.rs`).

use std::fmt;

use crate::loom::sync::Mutex;
use crate::loom::sync::atomic::{AtomicBool, Ordering};

/// Items handed to the executor by other threads.
pub(crate) struct Inject<T> {
    /// `None` once closed.
    items: Mutex<Option<Vec<T>>>,
    /// Something was pushed since the last take (a hint; see the module
    /// docs).
    pending: AtomicBool,
}

impl<T> Inject<T> {
    pub(crate) fn new() -> Inject<T> {
        Inject { items: Mutex::new(Some(Vec::new())), pending: AtomicBool::new(false) }
    }

    /// Appends `item`, or hands it back if the queue is closed. The caller
    /// then unparks the executor.
    pub(crate) fn push(&self, item: T) -> Result<(), T> {
        let mut items = self.items.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(items) = items.as_mut() else { return Err(item) };
        items.push(item);
        // Relaxed: the lock's release (when the guard drops) publishes it
        // together with the item; a reader that takes the lock sees both.
        self.pending.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Whether anything may be waiting (Relaxed hint).
    pub(crate) fn is_empty(&self) -> bool {
        !self.pending.load(Ordering::Relaxed)
    }

    /// How many items wait (any thread; `RuntimeMetrics`).
    pub(crate) fn len(&self) -> usize {
        let items = self.items.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        items.as_ref().map_or(0, Vec::len)
    }

    /// Takes everything pushed so far (executor thread).
    pub(crate) fn take_all(&self) -> Vec<T> {
        let mut items = self.items.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.pending.store(false, Ordering::Relaxed);
        items.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Closes the queue: later pushes are refused. Returns what was in it.
    pub(crate) fn close(&self) -> Vec<T> {
        let mut items = self.items.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.pending.store(false, Ordering::Relaxed);
        items.take().unwrap_or_default()
    }
}

impl<T> fmt::Debug for Inject<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inject").field("pending", &!self.is_empty()).finish()
    }
}
