//! The blocking pool's threads: starting workers on the protocol of
//! `pool.rs`, and the handle the runtime and its `Handle`s share.
//!
//! A job is a boxed `FnOnce() + Send`. What it means to run one (catch a
//! panic, complete a `JoinHandle`, make the runtime's `Handle` current on
//! the worker) is the job's business, built by `Handle::spawn_blocking`;
//! this file only moves jobs to threads. Dropping a job unrun cancels it:
//! the closure owns the sending side of its `JoinHandle`, whose `Drop`
//! reports the cancellation.
//!
//! The threads are made as the runtime `Builder` says ([`Threads`]): a
//! name (from a function, called once per thread), a stack size, and
//! hooks run first and last on each thread. A hook's panic is contained
//! (reported on stderr) and the worker carries on: a worker that died in
//! its hook would leave the pool counting a thread that is gone. A name
//! function's panic reaches the caller of `spawn_blocking`, after the pool
//! has been told the thread never started.
//!
//! The pool counts a worker out when it leaves [`Pool::work`], before its
//! `on_stop` hook runs; so the spawner counts its threads once more, until
//! each one's closure returns ([`Running`]), and the shutdown waits for
//! that count too (within its timeout): once a runtime is dropped, every
//! pool thread's `on_thread_stop` has returned, as in tokio (which joins
//! its threads).
//!
//! Ownership is what keeps a late thread safe: every worker holds an
//! `Arc<Pool>`, and everything a job reaches (its `JoinHandle`'s slot, the
//! wakers of the task awaiting it, the executor's remote queue they push
//! to) is itself behind an `Arc`. A runtime that shuts down without
//! waiting for its workers frees none of it; the last worker to exit drops
//! the last reference.

use std::fmt;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use super::pool::{Pool, Submitted};

/// A unit of blocking work.
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// The default bound on the pool's threads (tokio's).
pub(crate) const DEFAULT_MAX_THREADS: usize = 512;

/// How long an idle worker waits for a job before it exits (tokio's).
pub(crate) const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);

/// The default name of the pool's threads.
pub(crate) const DEFAULT_THREAD_NAME: &str = "groundup-blocking";

/// A hook run on each worker thread.
pub(crate) type Hook = Arc<dyn Fn() + Send + Sync>;

/// How the pool makes its threads (the runtime `Builder`'s settings).
#[derive(Clone)]
pub(crate) struct Threads {
    /// Called on the spawning thread, once per new worker, for its name.
    pub(crate) name: Arc<dyn Fn() -> String + Send + Sync>,
    /// `None`: std's default (2 MiB, or `RUST_MIN_STACK`).
    pub(crate) stack_size: Option<usize>,
    /// Run first on each worker, before it takes a job.
    pub(crate) on_start: Option<Hook>,
    /// Run last on each worker, after its last job, before it exits.
    pub(crate) on_stop: Option<Hook>,
}

impl Threads {
    /// Threads named `groundup-blocking`, with std's stack, and no hooks.
    pub(crate) fn new() -> Threads {
        Threads {
            name: Arc::new(|| DEFAULT_THREAD_NAME.to_owned()),
            stack_size: None,
            on_start: None,
            on_stop: None,
        }
    }
}

impl fmt::Debug for Threads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Threads")
            .field("stack_size", &self.stack_size)
            .field("on_start", &self.on_start.is_some())
            .field("on_stop", &self.on_stop.is_some())
            .finish_non_exhaustive()
    }
}

/// The worker threads whose closure has not returned (see the module
/// docs). A lock and a condvar: touched twice per thread, never per job.
#[derive(Debug, Default)]
struct Running {
    count: Mutex<usize>,
    none: Condvar,
}

impl Running {
    fn add(&self) {
        *self.count.lock().unwrap_or_else(PoisonError::into_inner) += 1;
    }

    fn done(&self) {
        let mut count = self.count.lock().unwrap_or_else(PoisonError::into_inner);
        *count -= 1;
        if *count == 0 {
            self.none.notify_all();
        }
    }

    /// Waits until no thread runs, or `deadline`; returns whether none does.
    fn wait_none(&self, deadline: Option<Instant>) -> bool {
        let mut count = self.count.lock().unwrap_or_else(PoisonError::into_inner);
        while *count > 0 {
            count = match deadline {
                None => self.none.wait(count).unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    self.none.wait_timeout(count, left).unwrap_or_else(PoisonError::into_inner).0
                }
            };
        }
        true
    }
}

/// Counts a worker thread out of [`Running`] when its closure ends.
struct RunningGuard(Arc<Running>);

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.0.done();
    }
}

/// A handle on a runtime's blocking pool; clones share it.
#[derive(Clone, Debug)]
pub(crate) struct Spawner {
    pool: Arc<Pool<Job>>,
    threads: Arc<Threads>,
    running: Arc<Running>,
}

impl Spawner {
    /// A pool of up to `max_threads` workers, made as `threads` says, that
    /// exit after `keep_alive` idle; `on_idle` runs (on a worker) when the
    /// last job in flight finishes.
    pub(crate) fn new(
        max_threads: usize,
        keep_alive: Duration,
        on_idle: Box<dyn Fn() + Send + Sync>,
        threads: Threads,
    ) -> Spawner {
        Spawner {
            pool: Arc::new(Pool::new(max_threads, keep_alive, on_idle)),
            threads: Arc::new(threads),
            running: Arc::default(),
        }
    }

    /// Runs `job` on a pool thread, starting one if none is idle and the
    /// bound allows. Hands the job back if the pool is shut down.
    pub(crate) fn spawn(&self, job: Job) -> Result<(), Job> {
        match self.pool.submit(job) {
            Submitted::Queued => Ok(()),
            Submitted::Rejected(job) => Err(job),
            Submitted::SpawnWorker => {
                // `AssertUnwindSafe`: after a panic (in the user's name
                // function, or std's on a name with a NUL byte) only the
                // pool is touched, and its lock was not held.
                match panic::catch_unwind(AssertUnwindSafe(|| self.start_worker())) {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => self.worker_failed(&e),
                    Err(payload) => {
                        self.worker_failed(&io::Error::other("naming the thread panicked"));
                        panic::resume_unwind(payload);
                    }
                }
                Ok(())
            }
        }
    }

    fn start_worker(&self) -> io::Result<()> {
        let pool = Arc::clone(&self.pool);
        let threads = Arc::clone(&self.threads);
        let mut builder = thread::Builder::new().name((self.threads.name)());
        if let Some(size) = self.threads.stack_size {
            builder = builder.stack_size(size);
        }
        self.running.add();
        let running = RunningGuard(Arc::clone(&self.running));
        builder.spawn(move || {
            use crate::util::panic::survive_panic;
            let _running = running;
            if let Some(hook) = &threads.on_start {
                survive_panic("the blocking pool's `on_thread_start` hook", || hook());
            }
            pool.work(|job| survive_panic("a blocking job", job));
            if let Some(hook) = &threads.on_stop {
                survive_panic("the blocking pool's `on_thread_stop` hook", || hook());
            }
        })?;
        Ok(())
    }

    /// The system refused a thread. If no worker is left, the queue's jobs
    /// are cancelled (their `JoinHandle`s report it) rather than left to
    /// wait for a thread that may never come.
    #[cold]
    fn worker_failed(&self, error: &io::Error) {
        let orphans = self.pool.spawn_failed();
        if !orphans.is_empty() {
            crate::util::panic::warn(format_args!(
                "groundup: cannot start a blocking-pool thread ({error}); {} blocking task(s) \
                 cancelled",
                orphans.len()
            ));
        }
        self.cancel(orphans);
    }

    /// Drops jobs that will never run, counting each out.
    fn cancel(&self, jobs: Vec<Job>) {
        for job in jobs {
            crate::util::panic::survive_panic("dropping a blocking job", || drop(job));
            self.pool.finished();
        }
    }

    /// Jobs submitted and not finished (paused time waits for them).
    pub(crate) fn in_flight(&self) -> usize {
        self.pool.in_flight()
    }

    /// Worker threads alive.
    pub(crate) fn threads(&self) -> usize {
        self.pool.threads()
    }

    /// Worker threads waiting for a job.
    pub(crate) fn idle_threads(&self) -> usize {
        self.pool.idle_threads()
    }

    /// Jobs submitted and not yet taken by a worker thread.
    pub(crate) fn queued(&self) -> usize {
        self.pool.queued()
    }

    /// Refuses new jobs, cancels the queued ones, and waits up to `timeout`
    /// (`None`: forever) for the workers to finish their jobs and exit.
    /// Returns whether they all did. Workers still running afterwards own
    /// what they use (see the module docs).
    pub(crate) fn shutdown(&self, timeout: Option<Duration>) -> bool {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let (unstarted, all_exited) = self.pool.shutdown(timeout);
        self.cancel(unstarted);
        // The threads' last steps (their `on_stop` hooks), in what is left
        // of the time.
        all_exited && self.running.wait_none(deadline)
    }
}
