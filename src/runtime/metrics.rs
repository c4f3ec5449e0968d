//! [`RuntimeMetrics`]: tokio's stable runtime metrics, read from the
//! executor's counters (`executor/metrics.rs`), and tokio's (unstable)
//! blocking-pool metrics, read from the pool's state (`blocking/pool.rs`).
//!
//! A groundup runtime has one worker, the thread that runs `block_on`, so
//! every per-worker method takes worker 0 and panics for any other index,
//! as tokio's do for an index past `num_workers()`. The executor's values
//! are read without synchronising with the executor: each is a recent
//! value, not a snapshot taken together with the others. The pool's are
//! each read under the pool's lock, so each is a value the pool really had,
//! but two calls are two instants, not one snapshot.

use std::fmt;
use std::time::Duration;

use crate::blocking::spawner::Spawner;
use crate::executor::Remote;

/// The runtime's metrics, from [`Handle::metrics`](super::Handle::metrics)
/// or [`Runtime::metrics`](crate::Runtime::metrics); `Clone`, `Send` and
/// `Sync`, so a monitoring thread may keep one. Tokio's stable set, and
/// the three blocking-pool metrics that tokio has behind
/// `tokio_unstable` ([`num_blocking_threads`](RuntimeMetrics::num_blocking_threads),
/// [`num_idle_blocking_threads`](RuntimeMetrics::num_idle_blocking_threads),
/// [`blocking_queue_depth`](RuntimeMetrics::blocking_queue_depth)).
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
    blocking: Spawner,
}

impl RuntimeMetrics {
    pub(crate) fn new(executor: Remote, blocking: Spawner) -> RuntimeMetrics {
        RuntimeMetrics { executor, blocking }
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

    /// The blocking pool's threads: counted from the moment a
    /// [`spawn_blocking`](crate::task::spawn_blocking) decides to start one
    /// (before the thread runs) until the thread leaves the pool (just
    /// before its [`on_thread_stop`](super::Builder::on_thread_stop) hook),
    /// idle ones included. At most
    /// [`max_blocking_threads`](super::Builder::max_blocking_threads); an
    /// idle thread exits after the
    /// [`thread_keep_alive`](super::Builder::thread_keep_alive).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// let metrics = rt.metrics();
    /// assert_eq!(metrics.num_blocking_threads(), 0, "none before the first job");
    /// let (release, released) = std::sync::mpsc::channel::<()>();
    /// let job = rt.spawn_blocking(move || released.recv());
    /// assert_eq!(metrics.num_blocking_threads(), 1, "counted from the spawn");
    /// assert_eq!(metrics.num_idle_blocking_threads(), 0, "busy with the job");
    /// release.send(()).unwrap();
    /// rt.block_on(job).unwrap().unwrap();
    /// # Ok(())
    /// # }
    /// ```
    pub fn num_blocking_threads(&self) -> usize {
        self.blocking.threads()
    }

    /// Of the [blocking pool's threads](RuntimeMetrics::num_blocking_threads),
    /// those waiting for a job. A thread counts itself idle when it finds
    /// no job queued after its last one, so for a moment after a
    /// `spawn_blocking` handle resolves its thread is still not idle: the
    /// job's result is delivered before the thread goes back to the pool.
    /// A thread that a new job has claimed is no longer idle, even before
    /// it wakes.
    pub fn num_idle_blocking_threads(&self) -> usize {
        self.blocking.idle_threads()
    }

    /// Blocking jobs submitted and not yet taken by a thread: those waiting
    /// for one of the
    /// [`max_blocking_threads`](super::Builder::max_blocking_threads) to
    /// come free, and, for a moment, a job just handed to an idle or a new
    /// thread. A job aborted before it started counts until a thread takes
    /// it (and drops it unrun).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::sync::mpsc;
    ///
    /// let rt = groundup::runtime::Builder::new().max_blocking_threads(1).build()?;
    /// let (started, has_started) = mpsc::channel::<()>();
    /// let (release, released) = mpsc::channel::<()>();
    /// let first = rt.spawn_blocking(move || {
    ///     started.send(()).unwrap();
    ///     released.recv()
    /// });
    /// has_started.recv().unwrap(); // the one thread has taken the first job
    /// let second = rt.spawn_blocking(|| 2);
    /// assert_eq!(rt.metrics().blocking_queue_depth(), 1, "the second waits");
    /// release.send(()).unwrap();
    /// rt.block_on(first).unwrap().unwrap();
    /// assert_eq!(rt.block_on(second).unwrap(), 2);
    /// assert_eq!(rt.metrics().blocking_queue_depth(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn blocking_queue_depth(&self) -> usize {
        self.blocking.queued()
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
            .field("num_blocking_threads", &self.num_blocking_threads())
            .field("num_idle_blocking_threads", &self.num_idle_blocking_threads())
            .field("blocking_queue_depth", &self.blocking_queue_depth())
            .finish()
    }
}
