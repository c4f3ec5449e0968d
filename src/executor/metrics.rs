//! The executor's counters for `runtime::RuntimeMetrics`: written by the
//! executor thread, read by any thread.
//!
//! One writer, so each update is a load and a store, not a read-modify-
//! write: nothing else ever stores to these words, so no update can be
//! lost, and the executor pays no locked instruction for them. Relaxed
//! throughout: each counter is a statistic on its own, read as it happens
//! to be, and nothing else is published through it (tokio's metrics make
//! the same promise: a value that may lag, never a torn or invented one).
//!
//! Busy time is added when the executor parks, the span since it last
//! woke, so a reader sees it grow at each park (as tokio's
//! `worker_total_busy_duration` does), not while a long task runs.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// What `RuntimeMetrics` reads.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    alive_tasks: AtomicUsize,
    /// Parks and unparks: odd while parked (tokio's
    /// `worker_park_unpark_count`).
    park_unpark: AtomicU64,
    busy_nanos: AtomicU64,
}

impl Counters {
    /// Executor thread: the live-task count is now `alive`.
    pub(crate) fn set_alive_tasks(&self, alive: usize) {
        self.alive_tasks.store(alive, Ordering::Relaxed);
    }

    /// Executor thread: parks, after being busy for `busy`.
    pub(crate) fn parking(&self, busy: Duration) {
        let nanos = u64::try_from(busy.as_nanos()).unwrap_or(u64::MAX);
        let total = self.busy_nanos.load(Ordering::Relaxed).saturating_add(nanos);
        self.busy_nanos.store(total, Ordering::Relaxed);
        self.count_park_or_unpark();
    }

    /// Executor thread: woke from a park.
    pub(crate) fn unparked(&self) {
        self.count_park_or_unpark();
    }

    fn count_park_or_unpark(&self) {
        let count = self.park_unpark.load(Ordering::Relaxed);
        self.park_unpark.store(count + 1, Ordering::Relaxed);
    }

    pub(crate) fn alive_tasks(&self) -> usize {
        self.alive_tasks.load(Ordering::Relaxed)
    }

    pub(crate) fn park_unpark_count(&self) -> u64 {
        self.park_unpark.load(Ordering::Relaxed)
    }

    /// Parks so far: half the transitions, rounded up (a park not yet
    /// followed by its unpark counts).
    pub(crate) fn park_count(&self) -> u64 {
        self.park_unpark_count().div_ceil(2)
    }

    pub(crate) fn busy(&self) -> Duration {
        Duration::from_nanos(self.busy_nanos.load(Ordering::Relaxed))
    }
}
