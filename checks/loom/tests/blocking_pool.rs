//! The blocking pool's handoff under loom.
//!
//! The library's protocol, `src/blocking/pool.rs`, is included as it is
//! (its lock, condvars and atomics are loom's here) and driven the way
//! `src/blocking/spawner.rs` drives it: a submit that returns
//! `SpawnWorker` starts a thread running `Pool::work`. Each model checks
//! that no job is lost or run twice, whatever the interleaving of
//! submits, workers going idle, workers exiting, and shutdown:
//!
//! - `a_submit_claims_the_idle_worker`: the one worker goes idle (its
//!   keep-alive is endless), and a submit from another thread must wake it
//!   for the job. A claim the worker cannot see leaves it asleep and the
//!   job queued: loom reports the deadlock.
//! - `no_job_is_left_behind_by_an_exiting_worker`: a zero keep-alive makes
//!   the only worker exit the moment it finds the queue empty, while two
//!   threads submit. A job queued just as its worker leaves would never
//!   run: the model counts the jobs that ran.
//! - `shutdown_racing_a_submit_runs_or_returns_the_job`: every job is run,
//!   handed back unstarted by `shutdown`, or refused; exactly one of them.
//!
//! Loom's `Condvar::wait_timeout` never times out (it waits as `wait`
//! does), so a keep-alive is modelled by its two ends: endless (`wait`)
//! and zero (the protocol's own "exit at once" branch, which takes no
//! wait). Spurious wakes are covered by the protocol's loop, not here.
//!
//! `no_job_is_left_behind_by_an_exiting_worker` has five threads at most
//! and did not finish in 12 minutes unbounded: it runs with at most 3
//! preemptions (2.5 s on this machine; `LOOM_MAX_PREEMPTIONS=4` passes
//! too, in 18 s). The other two models run unbounded.
//!
//! Checked to catch a broken protocol, each break tried once and undone:
//!
//! - `submit` without `notified += 1` (it takes the worker off `idle` but
//!   leaves no claim the woken worker can see, so the worker goes back to
//!   sleep): `a_submit_claims_the_idle_worker` fails with loom's deadlock
//!   report (the main thread and the worker blocked, the submitter done).
//! - `work` releasing the lock between deciding to exit and `threads -= 1`
//!   (a submit in that window sees the bound reached and no idle worker,
//!   and only queues its job): `no_job_is_left_behind_by_an_exiting_worker`
//!   fails, one job of two run.
//! - `shutdown` without waking the idle workers (`work.notify_all()`
//!   removed): `shutdown_racing_a_submit_runs_or_returns_the_job` fails
//!   with loom's deadlock report (shutdown waits for a worker that waits
//!   for work).

use std::time::Duration;

use ::loom::thread::JoinHandle;
use groundup_loom::loom;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::{Arc, Condvar, Mutex};

#[path = "../../../src/blocking/pool.rs"]
#[allow(dead_code)] // `threads`, the Debug impl: the library's, not the model's
mod pool;

use pool::{Pool, Submitted};

type Job = Box<dyn FnOnce() + Send>;

/// Jobs that ran, and a condvar to wait for a count.
#[derive(Default)]
struct Ran {
    count: Mutex<usize>,
    changed: Condvar,
}

/// A job that counts itself in `ran`.
fn job(ran: &Arc<Ran>) -> Job {
    let ran = Arc::clone(ran);
    Box::new(move || {
        *ran.count.lock().unwrap() += 1;
        ran.changed.notify_all();
    })
}

impl Ran {
    fn wait_for(&self, n: usize) {
        let mut count = self.count.lock().unwrap();
        while *count < n {
            count = self.changed.wait(count).unwrap();
        }
    }

    fn get(&self) -> usize {
        *self.count.lock().unwrap()
    }
}

/// `Spawner::spawn`: submit, and start a worker if asked to. Returns the
/// worker's thread, if one was started, and whether the job was refused.
fn submit(pool: &Arc<Pool<Job>>, job: Job) -> (Option<JoinHandle<()>>, bool) {
    match pool.submit(job) {
        Submitted::Queued => (None, false),
        // A refused job was never counted in flight (`submit` checks
        // `shutdown` first), so it is not counted out either.
        Submitted::Rejected(job) => {
            drop(job);
            (None, true)
        }
        Submitted::SpawnWorker => {
            let pool = Arc::clone(pool);
            (Some(::loom::thread::spawn(move || pool.work(|job| job()))), false)
        }
    }
}

/// Runs `f` under loom, preemptions bounded at `preemptions` unless
/// `LOOM_MAX_PREEMPTIONS` says otherwise (see the module docs for what
/// each bound still covers).
fn model(preemptions: usize, f: impl Fn() + Sync + Send + 'static) {
    let mut builder = ::loom::model::Builder::new();
    builder.preemption_bound = builder.preemption_bound.or(Some(preemptions));
    builder.check(f);
}

fn new_pool(max_threads: usize, keep_alive: Duration, idles: &Arc<AtomicUsize>) -> Arc<Pool<Job>> {
    let idles = Arc::clone(idles);
    let on_idle = Box::new(move || {
        idles.fetch_add(1, Ordering::Relaxed);
    });
    Arc::new(Pool::new(max_threads, keep_alive, on_idle))
}

#[test]
fn a_submit_claims_the_idle_worker() {
    ::loom::model(|| {
        let idles = Arc::new(AtomicUsize::new(0));
        let pool = new_pool(1, Duration::MAX, &idles);
        let ran = Arc::new(Ran::default());
        let (worker, _) = submit(&pool, job(&ran));
        let worker = worker.expect("the first job starts the worker");
        ran.wait_for(1);
        // The worker is going idle, or is idle: a second submit from
        // another thread must reach it (the bound forbids a new worker).
        let submitter = {
            let (pool, ran) = (Arc::clone(&pool), Arc::clone(&ran));
            ::loom::thread::spawn(move || {
                let (started, refused) = submit(&pool, job(&ran));
                assert!(started.is_none() && !refused, "at the bound: queued for the worker");
            })
        };
        ran.wait_for(2);
        submitter.join().unwrap();
        let (unstarted, all_exited) = pool.shutdown(None);
        assert!(unstarted.is_empty() && all_exited);
        worker.join().unwrap();
        assert_eq!(pool.in_flight(), 0);
        assert!(idles.load(Ordering::Relaxed) >= 1, "on_idle runs when the count falls to 0");
    });
}

#[test]
fn no_job_is_left_behind_by_an_exiting_worker() {
    model(3, || {
        let idles = Arc::new(AtomicUsize::new(0));
        let pool = new_pool(1, Duration::ZERO, &idles);
        let ran = Arc::new(Ran::default());
        let workers = Arc::new(Mutex::new(Vec::new()));
        let submitters: Vec<_> = (0..2)
            .map(|_| {
                let (pool, ran, workers) =
                    (Arc::clone(&pool), Arc::clone(&ran), Arc::clone(&workers));
                ::loom::thread::spawn(move || {
                    let (worker, refused) = submit(&pool, job(&ran));
                    assert!(!refused);
                    workers.lock().unwrap().extend(worker);
                })
            })
            .collect();
        for submitter in submitters {
            submitter.join().unwrap();
        }
        // Every worker exits on its own (zero keep-alive) once the queue
        // is empty; none may exit with a job still queued.
        let workers = std::mem::take(&mut *workers.lock().unwrap());
        assert!(!workers.is_empty());
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(ran.get(), 2, "a job was left in the queue with no worker for it");
        assert_eq!(pool.in_flight(), 0);
        assert!(idles.load(Ordering::Relaxed) >= 1, "on_idle runs when the count falls to 0");
    });
}

#[test]
fn shutdown_racing_a_submit_runs_or_returns_the_job() {
    ::loom::model(|| {
        let idles = Arc::new(AtomicUsize::new(0));
        let pool = new_pool(1, Duration::MAX, &idles);
        let ran = Arc::new(Ran::default());
        let submitter = {
            let (pool, ran) = (Arc::clone(&pool), Arc::clone(&ran));
            ::loom::thread::spawn(move || submit(&pool, job(&ran)))
        };
        let (unstarted, all_exited) = pool.shutdown(None);
        let returned = unstarted.len();
        for job in unstarted {
            drop(job);
            pool.finished();
        }
        let (worker, refused) = submitter.join().unwrap();
        if let Some(worker) = worker {
            worker.join().unwrap();
        }
        assert!(all_exited);
        assert_eq!(ran.get() + returned + usize::from(refused), 1, "lost or doubled");
        assert_eq!(pool.in_flight(), 0);
    });
}
