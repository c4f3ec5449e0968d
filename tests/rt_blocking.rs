//! `spawn_blocking`: the blocking pool under panics, at its thread bound,
//! across shutdown, and against paused time.
//!
//! Jobs that must still be running at some point block on a channel the
//! test releases later; no test sleeps to make something happen. Waits
//! that would hang if the code were wrong run on a watchdog thread and
//! fail after `PATIENCE`.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use groundup::runtime::Builder;
use groundup::task::spawn_blocking;
use groundup::time::{Instant, sleep};
use util::{PATIENCE, QUIET};

/// Runs `f` on a thread of its own and fails the test if it does not
/// return within `PATIENCE` (a hang is then a failure, not a stuck run).
fn with_watchdog<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(PATIENCE) {
        Ok(value) => {
            worker.join().unwrap();
            value
        }
        Err(_) => {
            // Either it hangs, or it panicked (dropping the sender):
            // join to tell the two apart, and surface the panic.
            if worker.is_finished() {
                if let Err(payload) = worker.join() {
                    std::panic::resume_unwind(payload);
                }
            }
            panic!("{what}: did not finish within {PATIENCE:?}");
        }
    }
}

/// A gate jobs wait at until the test opens it.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn wait(&self) {
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.opened.wait(open).unwrap();
        }
    }

    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }
}

#[test]
fn result_comes_back_from_a_pool_thread() {
    let runtime_thread = thread::current().id();
    let (value, job_thread, name) = groundup::block_on(async {
        spawn_blocking(|| {
            let me = thread::current();
            (6 * 7, me.id(), me.name().map(String::from))
        })
        .await
        .unwrap()
    });
    assert_eq!(value, 42);
    assert_ne!(job_thread, runtime_thread, "the job ran on the executor thread");
    assert_eq!(name.as_deref(), Some("groundup-blocking"));
}

#[test]
fn panic_in_a_job_is_a_join_error_and_the_pool_survives() {
    groundup::block_on(async {
        let err = spawn_blocking(|| -> u32 { panic!("job exploded") }).await.unwrap_err();
        assert!(err.is_panic());
        assert_eq!(util::panic_message(&*err.into_panic()), "job exploded");
        // The pool is intact: more jobs, including on the same threads.
        for i in 0..4 {
            assert_eq!(spawn_blocking(move || i * 2).await.unwrap(), i * 2);
        }
    });
}

#[test]
fn jobs_past_the_thread_bound_queue_and_all_complete() {
    const BOUND: usize = 2;
    const JOBS: usize = 8;
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Gate::default());
    let (started_tx, started) = mpsc::channel();
    let rt = Builder::new().max_blocking_threads(BOUND).build().unwrap();
    let results = rt.block_on(async {
        let jobs: Vec<_> = (0..JOBS)
            .map(|i| {
                let (running, most, gate, started) =
                    (running.clone(), most.clone(), gate.clone(), started_tx.clone());
                spawn_blocking(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    started.send(i).unwrap();
                    gate.wait();
                    running.fetch_sub(1, Ordering::SeqCst);
                    i
                })
            })
            .collect();
        // Blocking the executor thread here is fine: the jobs run elsewhere.
        for _ in 0..BOUND {
            started.recv_timeout(PATIENCE).expect("a job started");
        }
        // The bound is reached: no third job starts while two wait.
        assert!(started.recv_timeout(QUIET).is_err(), "a job started past the bound");
        gate.open();
        let mut results = Vec::new();
        for job in jobs {
            results.push(job.await.unwrap());
        }
        results
    });
    assert_eq!(results, (0..JOBS).collect::<Vec<_>>());
    assert_eq!(most.load(Ordering::SeqCst), BOUND, "never more than the bound at once");
}

#[test]
fn shutdown_timeout_returns_while_a_job_still_runs() {
    let (release, wait) = mpsc::channel::<()>();
    let (done_tx, done) = mpsc::channel();
    let (started_tx, started) = mpsc::channel();
    with_watchdog("shutdown_timeout", move || {
        let rt = groundup::Runtime::new().unwrap();
        let job = rt.handle().spawn_blocking(move || {
            started_tx.send(()).unwrap();
            wait.recv().unwrap();
            done_tx.send("finished after the runtime").unwrap();
        });
        started.recv_timeout(PATIENCE).expect("the job started");
        drop(job);
        rt.shutdown_timeout(Duration::from_millis(10));
    });
    // The runtime is gone and its pool thread still blocks in the job,
    // which owns what it uses: releasing it now must be harmless.
    assert!(done.try_recv().is_err(), "the job was not released yet");
    release.send(()).unwrap();
    assert_eq!(done.recv_timeout(PATIENCE).unwrap(), "finished after the runtime");
}

#[test]
fn shutdown_cancels_jobs_that_never_started() {
    let (release, wait) = mpsc::channel::<()>();
    let (started_tx, started) = mpsc::channel();
    let rt = Builder::new().max_blocking_threads(1).build().unwrap();
    let handle = rt.handle().clone();
    let running = handle.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        wait.recv().unwrap();
        "ran"
    });
    let queued = handle.spawn_blocking(|| "must not run");
    started.recv_timeout(PATIENCE).expect("the first job started");
    rt.shutdown_background();
    let err = handle.block_on(queued).unwrap_err();
    assert!(err.is_cancelled(), "a queued job at shutdown is cancelled: {err:?}");
    release.send(()).unwrap();
    assert_eq!(handle.block_on(running).unwrap(), "ran");
    // The pool refuses work from now on.
    assert!(handle.block_on(handle.spawn_blocking(|| ())).unwrap_err().is_cancelled());
}

#[test]
fn dropping_the_runtime_waits_for_running_jobs() {
    let finished = Arc::new(AtomicUsize::new(0));
    let (release, wait) = mpsc::channel::<()>();
    let (started_tx, started) = mpsc::channel();
    let rt = groundup::Runtime::new().unwrap();
    let job = {
        let finished = finished.clone();
        rt.handle().spawn_blocking(move || {
            started_tx.send(()).unwrap();
            wait.recv().unwrap();
            finished.fetch_add(1, Ordering::SeqCst);
        })
    };
    started.recv_timeout(PATIENCE).expect("the job started");
    let releaser = thread::spawn(move || {
        thread::sleep(QUIET); // only to let the drop start waiting first
        release.send(()).unwrap();
    });
    drop(rt);
    assert_eq!(finished.load(Ordering::SeqCst), 1, "drop returned before the job finished");
    releaser.join().unwrap();
    drop(job);
}

#[test]
fn paused_clock_does_not_jump_while_a_job_runs() {
    let (release, wait) = mpsc::channel::<()>();
    with_watchdog("paused clock and a blocking job", move || {
        let rt = Builder::new().start_paused(true).build().unwrap();
        rt.block_on(async move {
            let start = Instant::now();
            let job = spawn_blocking(move || wait.recv().unwrap());
            let releaser = thread::spawn(move || {
                thread::sleep(QUIET);
                release.send(()).unwrap();
            });
            // An hour of paused time would pass at once if the clock could
            // jump; the job, in flight, holds it.
            groundup::select! {
                result = job => result.unwrap(),
                _ = sleep(Duration::from_secs(3600)) => panic!("the clock jumped past a running job"),
            }
            assert!(Instant::now() - start < Duration::from_secs(3600));
            releaser.join().unwrap();
            // With no job in flight, it jumps again.
            sleep(Duration::from_secs(3600)).await;
            assert!(Instant::now() - start >= Duration::from_secs(3600));
        });
    });
}

#[test]
fn paused_clock_moves_once_a_detached_job_ends() {
    // Nobody awaits the job: its end wakes no task, so the pool must wake
    // the executor itself for the clock to move.
    let (release, wait) = mpsc::channel::<()>();
    with_watchdog("paused clock after a detached job", move || {
        let rt = Builder::new().start_paused(true).build().unwrap();
        rt.block_on(async move {
            drop(spawn_blocking(move || wait.recv().unwrap()));
            let releaser = thread::spawn(move || {
                thread::sleep(QUIET);
                release.send(()).unwrap();
            });
            sleep(Duration::from_secs(60)).await;
            releaser.join().unwrap();
        });
    });
}

#[test]
fn abort_before_start_keeps_a_job_from_running() {
    let (release, wait) = mpsc::channel::<()>();
    let (started_tx, started) = mpsc::channel();
    let ran = Arc::new(AtomicUsize::new(0));
    let rt = Builder::new().max_blocking_threads(1).build().unwrap();
    rt.block_on(async {
        let first = spawn_blocking(move || {
            started_tx.send(()).unwrap();
            wait.recv().unwrap();
        });
        let second = {
            let ran = ran.clone();
            spawn_blocking(move || ran.fetch_add(1, Ordering::SeqCst))
        };
        started.recv_timeout(PATIENCE).expect("the first job started");
        second.abort(); // still queued behind the first
        release.send(()).unwrap();
        first.await.unwrap();
        assert!(second.await.unwrap_err().is_cancelled());
    });
    assert_eq!(ran.load(Ordering::SeqCst), 0);
}

#[test]
fn handle_current_works_inside_a_job() {
    groundup::block_on(async {
        let inner = spawn_blocking(|| {
            let handle = groundup::runtime::Handle::current();
            // From a pool thread: a future for the runtime, and a nested job.
            let task = handle.spawn(async { "from the runtime" });
            let nested = handle.spawn_blocking(|| "nested");
            (handle.block_on(task).unwrap(), handle.block_on(nested).unwrap())
        });
        assert_eq!(inner.await.unwrap(), ("from the runtime", "nested"));
    });
}

#[test]
#[should_panic(expected = "spawn_blocking called outside a groundup runtime")]
fn spawn_blocking_outside_a_runtime_panics() {
    drop(spawn_blocking(|| ()));
}

#[test]
#[should_panic(expected = "max_blocking_threads cannot be 0")]
fn zero_blocking_threads_is_refused() {
    Builder::new().max_blocking_threads(0);
}

/// Sends the time its thread's locals are destroyed, that is, when the
/// thread exits (a blocking-pool worker leaves `work` only to exit).
struct ExitSignal(mpsc::Sender<std::time::Instant>);

impl Drop for ExitSignal {
    fn drop(&mut self) {
        let _ = self.0.send(std::time::Instant::now());
    }
}

thread_local! {
    static ON_EXIT: std::cell::RefCell<Option<ExitSignal>> = const { std::cell::RefCell::new(None) };
}

/// Arms `ON_EXIT` on the calling (pool) thread.
fn signal_exit(tx: mpsc::Sender<std::time::Instant>) {
    ON_EXIT.with(|slot| *slot.borrow_mut() = Some(ExitSignal(tx)));
}

#[test]
fn idle_threads_exit_after_the_keep_alive_and_not_before() {
    // The worker that ran the job must exit on its own once the keep-alive
    // has passed without a job (its thread-local destructor reports when),
    // and not before: the keep-alive counts from the job's end.
    const KEEP_ALIVE: Duration = Duration::from_millis(200);
    let (exit_tx, exited) = mpsc::channel();
    let rt = Builder::new().thread_keep_alive(KEEP_ALIVE).build().unwrap();
    let job_end = rt.block_on(async {
        spawn_blocking(move || {
            signal_exit(exit_tx);
            std::time::Instant::now()
        })
        .await
        .unwrap()
    });
    let exit = exited.recv_timeout(PATIENCE).expect("an idle worker did not exit");
    assert!(
        exit.duration_since(job_end) >= KEEP_ALIVE,
        "the worker exited {:?} after its job, before the keep-alive",
        exit.duration_since(job_end)
    );
    drop(rt);
}

#[test]
fn a_zero_keep_alive_still_runs_every_job() {
    // A zero keep-alive: a thread exits as soon as it finds no job. Later
    // jobs start new threads, and still all complete.
    let rt = Builder::new().thread_keep_alive(Duration::ZERO).build().unwrap();
    rt.block_on(async {
        for i in 0..4 {
            assert_eq!(spawn_blocking(move || i).await.unwrap(), i);
        }
    });
}

#[test]
fn a_job_outliving_its_runtime_ends_cleanly_on_its_thread() {
    // After `shutdown_timeout` gave up on it, the job keeps running: it
    // then asks the dead runtime for more (a task, a nested job), which is
    // refused, and returns; its worker counts it out (waking an executor
    // that is gone) and exits. The test waits for that exit, so the whole
    // tail runs while the test can still see it (under ASan and Miri, a
    // touch of freed state fails the run).
    let (release, wait) = mpsc::channel::<()>();
    let (started_tx, started) = mpsc::channel();
    let (exit_tx, exited) = mpsc::channel();
    let (late_tx, late) = mpsc::channel();
    let rt = groundup::Runtime::new().unwrap();
    let job = rt.handle().spawn_blocking(move || {
        signal_exit(exit_tx);
        started_tx.send(()).unwrap();
        wait.recv().unwrap();
        let handle = groundup::runtime::Handle::current();
        let task = handle.spawn(async { "must not run" });
        let nested = handle.spawn_blocking(|| "must not run");
        let refused = (
            handle.block_on(task).unwrap_err().is_cancelled(),
            handle.block_on(nested).unwrap_err().is_cancelled(),
        );
        late_tx.send(refused).unwrap();
    });
    started.recv_timeout(PATIENCE).expect("the job started");
    drop(job);
    rt.shutdown_timeout(Duration::ZERO);
    release.send(()).unwrap();
    assert_eq!(late.recv_timeout(PATIENCE).unwrap(), (true, true), "a dead runtime took work");
    exited.recv_timeout(PATIENCE).expect("the late worker did not exit");
}
