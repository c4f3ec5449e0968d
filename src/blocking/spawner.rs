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
//! Ownership is what keeps a late thread safe: every worker holds an
//! `Arc<Pool>`, and everything a job reaches (its `JoinHandle`'s slot, the
//! wakers of the task awaiting it, the executor's remote queue they push
//! to) is itself behind an `Arc`. A runtime that shuts down without
//! waiting for its workers frees none of it; the last worker to exit drops
//! the last reference.

use std::io;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::pool::{Pool, Submitted};

/// A unit of blocking work.
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// The default bound on the pool's threads (tokio's).
pub(crate) const DEFAULT_MAX_THREADS: usize = 512;

/// How long an idle worker waits for a job before it exits (tokio's).
pub(crate) const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);

/// A handle on a runtime's blocking pool; clones share it.
#[derive(Clone, Debug)]
pub(crate) struct Spawner {
    pool: Arc<Pool<Job>>,
}

impl Spawner {
    /// A pool of up to `max_threads` workers that exit after `keep_alive`
    /// idle; `on_idle` runs (on a worker) when the last job in flight
    /// finishes.
    pub(crate) fn new(
        max_threads: usize,
        keep_alive: Duration,
        on_idle: Box<dyn Fn() + Send + Sync>,
    ) -> Spawner {
        Spawner { pool: Arc::new(Pool::new(max_threads, keep_alive, on_idle)) }
    }

    /// Runs `job` on a pool thread, starting one if none is idle and the
    /// bound allows. Hands the job back if the pool is shut down.
    pub(crate) fn spawn(&self, job: Job) -> Result<(), Job> {
        match self.pool.submit(job) {
            Submitted::Queued => Ok(()),
            Submitted::Rejected(job) => Err(job),
            Submitted::SpawnWorker => {
                if let Err(e) = self.start_worker() {
                    self.worker_failed(&e);
                }
                Ok(())
            }
        }
    }

    fn start_worker(&self) -> io::Result<()> {
        let pool = Arc::clone(&self.pool);
        thread::Builder::new().name("groundup-blocking".into()).spawn(move || {
            pool.work(|job| crate::util::panic::survive_panic("a blocking job", job));
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

    /// Refuses new jobs, cancels the queued ones, and waits up to `timeout`
    /// (`None`: forever) for the workers to finish their jobs and exit.
    /// Returns whether they all did. Workers still running afterwards own
    /// what they use (see the module docs).
    pub(crate) fn shutdown(&self, timeout: Option<Duration>) -> bool {
        let (unstarted, all_exited) = self.pool.shutdown(timeout);
        self.cancel(unstarted);
        all_exited
    }
}
