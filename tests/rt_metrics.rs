//! `RuntimeMetrics`: tokio's stable runtime metrics, on groundup's one
//! worker. Counts and orderings only, never durations against a clock.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use groundup::runtime::{Handle, RuntimeMetrics};
use groundup::sync::oneshot;
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
