//! The blocking pool's protocol: a job queue, a count of idle workers, one
//! condition variable, and the rules that hand a job to a thread.
//!
//! ## Why a pool, and why this shape
//!
//! A blocking call (`std::fs`, a DNS lookup, a long computation) run on
//! the executor thread stops every task. `spawn_blocking` runs it on
//! another thread instead. Starting a thread per call costs tens of
//! microseconds and, under a burst, thousands of threads; so finished
//! threads stay a while (the *keep-alive*, 10 s by default) waiting for
//! the next job, and the number of threads is bounded (512 by default):
//! past the bound, jobs wait in the queue for a thread to come free. These
//! are tokio's figures and tokio's design (one queue under one lock, an
//! idle count, a condvar): blocking jobs are long by definition, so the
//! lock taken twice per job is noise next to the job, and a lock makes
//! the handoff easy to argue.
//!
//! ## The handoff
//!
//! Everything is under one `Mutex<State>`:
//!
//! | field | meaning |
//! |---|---|
//! | `queue` | jobs submitted and not yet taken by a worker |
//! | `threads` | workers started and not yet exited (counted *before* the thread starts) |
//! | `idle` | workers waiting on `work` that no submit has claimed yet |
//! | `notified` | wake-ups sent to idle workers and not yet taken |
//! | `shutdown` | no more jobs; workers drain nothing and exit |
//!
//! [`Pool::submit`] queues the job, then, in this order of preference:
//! claims an idle worker (`idle -= 1`, `notified += 1`, `notify_one`);
//! asks the caller to start a worker if `threads` is under the bound
//! ([`Submitted::SpawnWorker`], `threads` counted already); or leaves the
//! job in the queue for the next worker that finishes one.
//!
//! A worker ([`Pool::work`]) takes jobs until the queue is empty, then
//! counts itself `idle` and waits. It leaves the wait for work only by
//! taking a `notified` (the submit already took it off `idle`); a wait
//! that ends with `notified == 0` is a timeout, a shutdown, or spurious.
//! On a timeout or shutdown it takes *itself* off `idle` and exits. So
//! `idle` counts exactly the workers a submit may still claim, and each
//! claim (one `notified`) is taken by exactly one worker, whichever one
//! the condvar woke: a job is never left in the queue while a worker
//! that was counted for it exits.
//!
//! ## Shutdown
//!
//! [`Pool::shutdown`] sets `shutdown`, takes the queued jobs (the caller
//! drops them: they never started, so they are cancelled, as in tokio),
//! wakes every idle worker, and waits on `exited` until `threads` is 0, or
//! until its timeout. A worker still running a job after the timeout keeps
//! running: it owns the pool through an `Arc`, as every worker does, so
//! nothing it touches is freed under it; it exits when its job returns.
//!
//! ## In flight
//!
//! `in_flight` counts jobs submitted and not finished (run, or dropped
//! unrun). Paused time reads it: while a blocking job is in flight, the
//! clock must not jump, since the job may be about to wake a task (tokio
//! counts the same). A job is counted out only *after* it returns, and its
//! return is what wakes whoever awaits it, so a reader that sees the count
//! fall also sees that wake (Release here, Acquire there). When the count
//! falls to zero the pool calls its `on_idle` hook, which unparks the
//! executor so it can look at the clock again.
//!
//! ## Metrics
//!
//! `RuntimeMetrics` reads `threads`, `idle` and the queue's length, each
//! under the lock, as [`Pool::threads`], [`Pool::idle_threads`] and
//! [`Pool::queued`]: a value the state really had at one instant, and no
//! atomic to keep in step with the fields the protocol uses. A reader takes
//! the lock only when asked, never per job.
//!
//! This file names nothing else in groundup and takes its locks and
//! atomics from `crate::loom`, so the model checker
//! (`checks/loom/tests/blocking_pool.rs`) runs this very protocol.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Condvar, Mutex, MutexGuard};

/// The pool's shared state: what every worker and every submitter holds
/// (through an `Arc`).
pub(crate) struct Pool<J> {
    state: Mutex<State<J>>,
    /// Idle workers wait here for a job, a shutdown, or their keep-alive.
    work: Condvar,
    /// `shutdown` waits here for the last worker to exit.
    exited: Condvar,
    /// Jobs submitted and not finished (see the module docs).
    in_flight: AtomicUsize,
    max_threads: usize,
    keep_alive: Duration,
    /// Called when `in_flight` falls to zero.
    on_idle: Box<dyn Fn() + Send + Sync>,
}

struct State<J> {
    queue: VecDeque<J>,
    threads: usize,
    idle: usize,
    notified: usize,
    shutdown: bool,
}

/// What [`Pool::submit`] did with a job, and what the caller must do.
#[derive(Debug)]
pub(crate) enum Submitted<J> {
    /// Queued; an idle worker was woken, or a busy one will take it.
    Queued,
    /// Queued, and a worker was counted for it: the caller must start a
    /// thread running [`Pool::work`], or call [`Pool::spawn_failed`].
    SpawnWorker,
    /// The pool is shut down: the job is handed back, unrun.
    Rejected(J),
}

/// Why [`Pool::work`]'s idle wait ended.
enum Woken {
    /// A submit claimed this worker.
    Claimed,
    /// Keep-alive over, or shutdown: exit.
    Exit,
}

impl<J> Pool<J> {
    /// A pool of at most `max_threads` workers (at least one), each exiting
    /// after `keep_alive` without work (at once for `Duration::ZERO`).
    pub(crate) fn new(
        max_threads: usize,
        keep_alive: Duration,
        on_idle: Box<dyn Fn() + Send + Sync>,
    ) -> Pool<J> {
        Pool {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                threads: 0,
                idle: 0,
                notified: 0,
                shutdown: false,
            }),
            work: Condvar::new(),
            exited: Condvar::new(),
            in_flight: AtomicUsize::new(0),
            max_threads: max_threads.max(1),
            keep_alive,
            on_idle,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<J>> {
        // A panic never happens under this lock (jobs run outside it), so
        // poisoning cannot mean a half-updated state; take it anyway.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues `job` and says what the caller must do (see the module docs).
    pub(crate) fn submit(&self, job: J) -> Submitted<J> {
        let mut state = self.lock();
        if state.shutdown {
            return Submitted::Rejected(job);
        }
        // Relaxed: counted under the lock, before any worker can take the
        // job (and so before it can be counted out); the executor thread
        // that reads it either made this submit itself (program order) or
        // races a wake from another thread that had not happened yet.
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        state.queue.push_back(job);
        if state.idle > 0 {
            state.idle -= 1;
            state.notified += 1;
            drop(state);
            self.work.notify_one();
            return Submitted::Queued;
        }
        if state.threads < self.max_threads {
            state.threads += 1;
            return Submitted::SpawnWorker;
        }
        Submitted::Queued
    }

    /// The thread a [`Submitted::SpawnWorker`] asked for could not be
    /// started. If no worker is left to run the queue, its jobs are handed
    /// back (the caller drops them, then calls [`finished`](Pool::finished)
    /// for each): better a cancelled job than one that waits forever.
    pub(crate) fn spawn_failed(&self) -> Vec<J> {
        let mut state = self.lock();
        state.threads -= 1;
        let orphans = if state.threads == 0 { state.queue.drain(..).collect() } else { Vec::new() };
        if state.threads == 0 {
            self.exited.notify_all();
        }
        orphans
    }

    /// A worker's life: runs jobs with `run` until the keep-alive passes
    /// without one, or the pool shuts down.
    pub(crate) fn work(&self, mut run: impl FnMut(J)) {
        let mut state = self.lock();
        loop {
            while let Some(job) = state.queue.pop_front() {
                drop(state);
                run(job);
                self.finished();
                state = self.lock();
            }
            if state.shutdown {
                break;
            }
            state.idle += 1;
            let woken;
            (state, woken) = self.wait_idle(state);
            match woken {
                Woken::Claimed => {}
                Woken::Exit => break,
            }
        }
        state.threads -= 1;
        if state.threads == 0 {
            self.exited.notify_all();
        }
    }

    /// Waits, counted in `idle`, until claimed or told to exit.
    fn wait_idle<'a>(
        &'a self,
        mut state: MutexGuard<'a, State<J>>,
    ) -> (MutexGuard<'a, State<J>>, Woken) {
        let deadline = Instant::now().checked_add(self.keep_alive);
        loop {
            let timed_out = match deadline.map(|d| d.saturating_duration_since(Instant::now())) {
                Some(left) if left.is_zero() => true,
                Some(left) => {
                    let (guard, result) = self
                        .work
                        .wait_timeout(state, left)
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    state = guard;
                    result.timed_out()
                }
                None => {
                    state = self.work.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
                    false
                }
            };
            if state.notified > 0 {
                state.notified -= 1;
                return (state, Woken::Claimed);
            }
            if timed_out || state.shutdown {
                state.idle -= 1;
                return (state, Woken::Exit);
            }
            // Spurious: wait on, for what is left of the keep-alive.
        }
    }

    /// A job ran, or was dropped unrun: counts it out of `in_flight`, and
    /// calls `on_idle` if it was the last.
    pub(crate) fn finished(&self) {
        // Release: whatever the job did before it returned (completing its
        // JoinHandle, waking the task that awaits it) is visible to a
        // reader that Acquires the lower count (see the module docs).
        if self.in_flight.fetch_sub(1, Ordering::Release) == 1 {
            (self.on_idle)();
        }
    }

    /// Jobs submitted and not finished.
    pub(crate) fn in_flight(&self) -> usize {
        // Acquire: pairs with the Release in `finished`.
        self.in_flight.load(Ordering::Acquire)
    }

    /// Refuses new jobs, takes the queued ones (the caller drops them and
    /// calls [`finished`](Pool::finished) for each), wakes the idle
    /// workers, and waits for every worker to exit, or `timeout` (`None`:
    /// as long as it takes). Returns the jobs, and whether every worker
    /// exited.
    pub(crate) fn shutdown(&self, timeout: Option<Duration>) -> (Vec<J>, bool) {
        let mut state = self.lock();
        state.shutdown = true;
        let unstarted: Vec<J> = state.queue.drain(..).collect();
        self.work.notify_all();
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        while state.threads > 0 {
            state = match deadline {
                None => self.exited.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    self.exited
                        .wait_timeout(state, left)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0
                }
            };
        }
        let all_exited = state.threads == 0;
        (unstarted, all_exited)
    }

    /// Workers alive (started and not exited).
    pub(crate) fn threads(&self) -> usize {
        self.lock().threads
    }

    /// Workers waiting for a job that no submit has claimed yet (`idle`).
    pub(crate) fn idle_threads(&self) -> usize {
        self.lock().idle
    }

    /// Jobs submitted and not yet taken by a worker.
    pub(crate) fn queued(&self) -> usize {
        self.lock().queue.len()
    }
}

impl<J> fmt::Debug for Pool<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Pool")
            .field("threads", &state.threads)
            .field("idle", &state.idle)
            .field("queued", &state.queue.len())
            .field("shutdown", &state.shutdown)
            .field("in_flight", &self.in_flight.load(Ordering::Relaxed))
            .field("max_threads", &self.max_threads)
            .field("keep_alive", &self.keep_alive)
            .finish()
    }
}
