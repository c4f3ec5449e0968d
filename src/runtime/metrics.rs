//! [`RuntimeMetrics`]: tokio's stable runtime metrics, read from the
//! executor's counters (`executor/metrics.rs`).
//!
//! A groundup runtime has one worker, the thread that runs `block_on`, so
//! every per-worker method takes worker 0 and panics for any other index,
//! as tokio's do for an index past `num_workers()`. The values are read
//! without synchronising with the executor: each is a recent value, not a
//! snapshot taken together with the others.

use std::fmt;
use std::time::Duration;

use crate::executor::Remote;

/// The runtime's metrics, from [`Handle::metrics`](super::Handle::metrics)
/// or [`Runtime::metrics`](crate::Runtime::metrics); `Clone`, `Send` and
/// `Sync`, so a monitoring thread may keep one. Tokio's stable set.
///
/// ```
/// groundup::block_on(async {
///     let metrics = groundup::runtime::Handle::current().metrics();
///     assert_eq!(metrics.num_workers(), 1);
///     let task = groundup::spawn(std::future::pending::<()>());
///     assert_eq!(metrics.num_alive_tasks(), 1);
///     task.abort();
///     let _ = task.await;
///     assert_eq!(metrics.num_alive_tasks(), 0);
/// });
/// ```
#[derive(Clone)]
pub struct RuntimeMetrics {
    executor: Remote,
}

impl RuntimeMetrics {
    pub(crate) fn new(executor: Remote) -> RuntimeMetrics {
        RuntimeMetrics { executor }
    }

    /// The number of worker threads: always 1 (tokio's `current_thread`
    /// says the same).
    pub fn num_workers(&self) -> usize {
        1
    }

    /// Tasks spawned and not yet finished (or dropped by a shutdown). A
    /// future spawned from another thread counts once the executor has
    /// made a task of it; until then it is in
    /// [`global_queue_depth`](RuntimeMetrics::global_queue_depth).
    pub fn num_alive_tasks(&self) -> usize {
        self.executor.counters().alive_tasks()
    }

    /// Futures spawned from other threads (through a
    /// [`Handle`](super::Handle)) that the executor has not yet picked
    /// up. Unlike tokio's, tasks woken from other threads are not counted:
    /// groundup queues them on a lock-free list that keeps no length, so
    /// that a remote wake stays one atomic exchange.
    pub fn global_queue_depth(&self) -> usize {
        self.executor.injected()
    }

    /// How long the worker has been busy, in total: the time between its
    /// wake-ups and its next parks, added at each park (so it does not grow
    /// while a long task runs).
    ///
    /// # Panics
    ///
    /// If `worker` is not 0.
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        check_worker(worker);
        self.executor.counters().busy()
    }

    /// How many times the worker has parked (waited for work: an event, a
    /// wake or a timer).
    ///
    /// # Panics
    ///
    /// If `worker` is not 0.
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        check_worker(worker);
        self.executor.counters().park_count()
    }

    /// How many times the worker has parked or unparked: odd while it is
    /// parked, even while it runs.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let metrics = groundup::runtime::Handle::current().metrics();
    ///     // Running this very code: not parked.
    ///     assert_eq!(metrics.worker_park_unpark_count(0) % 2, 0);
    /// });
    /// ```
    ///
    /// # Panics
    ///
    /// If `worker` is not 0.
    #[track_caller]
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        check_worker(worker);
        self.executor.counters().park_unpark_count()
    }
}

#[track_caller]
fn check_worker(worker: usize) {
    assert!(
        worker == 0,
        "worker index {worker} is out of range: a groundup runtime has one worker, index 0"
    );
}

impl fmt::Debug for RuntimeMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeMetrics")
            .field("num_alive_tasks", &self.num_alive_tasks())
            .field("global_queue_depth", &self.global_queue_depth())
            .field("worker_park_unpark_count", &self.worker_park_unpark_count(0))
            .finish()
    }
}
