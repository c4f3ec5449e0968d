//! `RuntimeMetrics`: tokio's stable runtime metrics, on groundup's one
//! worker, and its blocking-pool metrics. Counts and orderings only, never
//! durations against a clock.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use groundup::runtime::{Builder, Handle, RuntimeMetrics};
use groundup::sync::oneshot;
use groundup::task::JoinHandle;
use util::panic_message_of;

#[test]
fn one_worker_and_its_index_only() {
    let rt = groundup::Runtime::new().unwrap();
    let metrics = rt.metrics();
    assert_eq!(metrics.num_workers(), 1);
    let message = panic_message_of(|| {
        let _ = metrics.worker_park_count(1);
    });
    assert!(message.contains("worker index 1 is out of range"), "{message}");
    let message = panic_message_of(|| {
        let _ = metrics.worker_total_busy_duration(7);
    });
    assert!(message.contains("worker index 7"), "{message}");
}

/// Alive tasks go up at each spawn and down as each finishes or is
/// aborted, and a thread that is not the runtime's reads the same.
#[test]
fn alive_tasks_follow_spawns_and_exits_from_any_thread() {
    let rt = groundup::Runtime::new().unwrap();
    let metrics = rt.metrics();
    assert_eq!(metrics.num_alive_tasks(), 0);
    rt.block_on(async {
        let (release, released) = oneshot::channel::<()>();
        let waiting = groundup::spawn(async move { released.await.is_ok() });
        let pending = groundup::spawn(std::future::pending::<()>());
        assert_eq!(metrics.num_alive_tasks(), 2);
        let seen = metrics.clone();
        assert_eq!(thread::spawn(move || seen.num_alive_tasks()).join().unwrap(), 2);

        release.send(()).unwrap();
        assert!(waiting.await.unwrap());
        assert_eq!(metrics.num_alive_tasks(), 1, "the finished task is gone");
        pending.abort();
        assert!(pending.await.unwrap_err().is_cancelled());
        assert_eq!(metrics.num_alive_tasks(), 0, "the aborted task is gone");
    });
}

/// Futures spawned from another thread wait in the global queue until the
/// executor's next turn, then count as alive tasks. The root future holds
/// the executor while the other thread spawns, so none is picked up early.
#[test]
fn the_global_queue_holds_remote_spawns_until_the_next_turn() {
    let rt = groundup::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    rt.block_on(async {
        let metrics = Handle::current().metrics();
        thread::spawn(move || {
            for _ in 0..3 {
                drop(handle.spawn(std::future::pending::<()>()));
            }
        })
        .join()
        .unwrap();
        assert_eq!(metrics.global_queue_depth(), 3);
        assert_eq!(metrics.num_alive_tasks(), 0, "not tasks yet");
        groundup::task::yield_now().await;
        assert_eq!(metrics.global_queue_depth(), 0);
        assert_eq!(metrics.num_alive_tasks(), 3);
    });
    assert_eq!(rt.metrics().num_alive_tasks(), 3, "pending until the runtime drops");
}

/// Each wait for work is one park and one unpark: the count is even while
/// the worker runs, odd while it is parked (seen from another thread), and
/// busy time only grows.
#[test]
fn parks_and_unparks_are_counted_in_pairs() {
    let rt = groundup::Runtime::new().unwrap();
    let metrics = rt.metrics();
    let (parked_tx, parked_rx) = mpsc::channel::<RuntimeMetrics>();
    let (wake, woken) = oneshot::channel::<()>();
    // Another thread watches for the park, then wakes the task.
    let watcher = thread::spawn(move || {
        let metrics = parked_rx.recv().unwrap();
        while metrics.worker_park_unpark_count(0) % 2 == 0 {
            thread::yield_now(); // until the worker parks
        }
        assert!(metrics.worker_park_count(0) >= 1);
        wake.send(()).unwrap();
    });
    rt.block_on(async {
        let start = metrics.worker_park_unpark_count(0);
        assert_eq!(start % 2, 0, "running, so not parked");
        let busy = metrics.worker_total_busy_duration(0);
        parked_tx.send(metrics.clone()).unwrap();
        woken.await.unwrap(); // parks until the watcher's wake
        let now = metrics.worker_park_unpark_count(0);
        assert!(now >= start + 2 && now % 2 == 0, "{start} then {now}");
        assert!(metrics.worker_park_count(0) >= 1);
        groundup::time::sleep(Duration::from_millis(1)).await;
        assert!(metrics.worker_total_busy_duration(0) >= busy);
    });
    watcher.join().unwrap();
}

/// A blocking job that does not return until told holds one pool thread,
/// busy; once it has returned, the thread counts itself idle (a moment
/// after the job's result is delivered, so the test waits for it), and the
/// next job claims that same thread instead of starting another.
#[test]
fn a_blocking_thread_is_busy_during_its_job_and_idle_after_it() {
    // A keep-alive longer than any wait here: the idle thread cannot exit
    // before the test looks at it.
    let rt = Builder::new_current_thread().thread_keep_alive(LONG).build().unwrap();
    let metrics = rt.metrics();
    assert_eq!((metrics.num_blocking_threads(), metrics.num_idle_blocking_threads()), (0, 0));

    let (job, release) = blocking_until_released(&rt);
    assert_eq!(metrics.num_blocking_threads(), 1);
    assert_eq!(metrics.num_idle_blocking_threads(), 0, "the one thread runs the job");
    assert_eq!(metrics.blocking_queue_depth(), 0, "the thread has taken the job");
    let seen = metrics.clone();
    let from_elsewhere = thread::spawn(move || seen.num_blocking_threads()).join().unwrap();
    assert_eq!(from_elsewhere, 1, "another thread reads the same");

    release.send(()).unwrap();
    rt.block_on(job).unwrap().unwrap();
    util::wait_for("the pool thread to count itself idle", || {
        metrics.num_idle_blocking_threads() == 1
    });
    assert_eq!(metrics.num_blocking_threads(), 1, "an idle thread is still a pool thread");

    // The submit claims the idle thread at once, under the pool's lock.
    let (job, release) = blocking_until_released(&rt);
    assert_eq!(metrics.num_idle_blocking_threads(), 0, "claimed by the new job");
    assert_eq!(metrics.num_blocking_threads(), 1, "no second thread");
    release.send(()).unwrap();
    rt.block_on(job).unwrap().unwrap();

    drop(rt); // shuts the pool down and waits for its thread to exit
    assert_eq!((metrics.num_blocking_threads(), metrics.num_idle_blocking_threads()), (0, 0));
}

/// With one pool thread, busy, later jobs wait in the queue, counted one
/// each, until the thread takes them.
#[test]
fn jobs_past_max_blocking_threads_wait_in_the_blocking_queue() {
    let rt = Builder::new_current_thread().max_blocking_threads(1).build().unwrap();
    let metrics = rt.metrics();
    assert_eq!(metrics.blocking_queue_depth(), 0);
    let (first, release) = blocking_until_released(&rt);
    assert_eq!(metrics.blocking_queue_depth(), 0, "the thread has taken the first job");

    let second = rt.spawn_blocking(|| 2);
    assert_eq!(metrics.blocking_queue_depth(), 1, "the second waits behind the first");
    let third = rt.spawn_blocking(|| 3);
    assert_eq!(metrics.blocking_queue_depth(), 2);
    assert_eq!(metrics.num_blocking_threads(), 1, "the bound holds");

    release.send(()).unwrap();
    rt.block_on(async {
        first.await.unwrap().unwrap();
        assert_eq!(second.await.unwrap(), 2);
        assert_eq!(third.await.unwrap(), 3);
    });
    assert_eq!(metrics.blocking_queue_depth(), 0, "every job was taken");
}

/// Longer than any test here runs.
const LONG: Duration = Duration::from_secs(3600);

/// Spawns a blocking job that runs until the returned sender sends (or is
/// dropped), and returns once a pool thread has started it.
fn blocking_until_released(
    rt: &groundup::Runtime,
) -> (JoinHandle<Result<(), mpsc::RecvError>>, mpsc::Sender<()>) {
    let (started, has_started) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    let job = rt.spawn_blocking(move || {
        started.send(()).unwrap();
        released.recv()
    });
    has_started.recv().expect("the blocking job started");
    (job, release)
}
