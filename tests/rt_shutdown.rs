//! Dropping the runtime: every future dropped exactly once, on this thread,
//! with tasks and timers still pending.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::thread;
use std::time::Duration;

use groundup::{Runtime, task, time};
use util::Counted;

#[test]
fn every_future_is_dropped_exactly_once() {
    let rt = Runtime::new().unwrap();
    let mut counters = Vec::new();
    let mut handles = Vec::new();

    // Completes.
    let (f, polls, drops) = Counted::new(async { 1 });
    handles.push(rt.spawn(f));
    counters.push(("completes", polls, drops));
    // Panics.
    let (f, polls, drops) = Counted::new(async { panic!("expected") });
    handles.push(rt.spawn(f));
    counters.push(("panics", polls, drops));
    // Aborted while pending.
    let (f, polls, drops) = Counted::new(std::future::pending::<i32>());
    let aborted = rt.spawn(f);
    counters.push(("aborted", polls, drops));
    // Still sleeping when the runtime drops.
    let (f, polls, drops) = Counted::new(async {
        time::sleep(Duration::from_secs(3_600)).await;
        2
    });
    handles.push(rt.spawn(f));
    counters.push(("sleeping", polls, drops));
    // Never polled: spawned after the last block_on.
    let (late, late_polls, late_drops) = Counted::new(async { 3 });

    rt.block_on(async {
        for _ in 0..5 {
            task::yield_now().await;
        }
        aborted.abort();
        for _ in 0..5 {
            task::yield_now().await;
        }
    });
    assert_eq!(rt.pending_timers(), 1);
    handles.push(rt.spawn(late));
    counters.push(("never polled", late_polls, late_drops));
    drop(rt);

    for (name, polls, drops) in &counters {
        assert_eq!(drops.get(), 1, "{name}: dropped {} times", drops.get());
        let expected_polls = if *name == "never polled" { 0 } else { 1 };
        assert_eq!(polls.get(), expected_polls, "{name}: polled {} times", polls.get());
    }
    // Handles outlive the runtime and tell what happened.
    let results: Vec<_> = handles.into_iter().map(groundup::block_on).collect();
    assert_eq!(*results[0].as_ref().unwrap(), 1);
    assert!(results[1].as_ref().unwrap_err().is_panic());
    assert!(results[2].as_ref().unwrap_err().is_cancelled());
    assert!(results[3].as_ref().unwrap_err().is_cancelled());
}

#[test]
fn a_runtime_dropped_with_thousands_of_pending_tasks_and_timers() {
    let rt = Runtime::new().unwrap();
    let (probe, _polls, drops) = Counted::new(std::future::pending::<()>());
    drop(rt.spawn(probe));
    let n = util::scaled(5_000);
    for i in 0..n as u64 {
        drop(rt.spawn(async move { time::sleep(Duration::from_millis(10_000 + i)).await }));
    }
    rt.block_on(task::yield_now());
    assert_eq!(rt.live_tasks(), n + 1);
    drop(rt);
    assert_eq!(drops.get(), 1);
}

#[test]
fn dropping_a_future_may_spawn_during_shutdown() {
    struct SpawnOnDrop;
    impl Drop for SpawnOnDrop {
        fn drop(&mut self) {
            // Spawning while the runtime shuts down gives a cancelled task.
            let h = groundup::spawn(async { "never runs" });
            assert!(h.is_finished());
        }
    }
    let rt = Runtime::new().unwrap();
    drop(rt.spawn(async {
        let _guard = SpawnOnDrop;
        std::future::pending::<()>().await;
    }));
    rt.block_on(task::yield_now());
    drop(rt);
}

#[test]
fn runtimes_on_several_threads_are_independent() {
    let threads: Vec<_> = (0..4)
        .map(|i| {
            thread::spawn(move || {
                groundup::block_on(async move {
                    let h = groundup::spawn(async move { i * 10 });
                    time::sleep(Duration::from_millis(5)).await;
                    h.await.unwrap()
                })
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(results, [0, 10, 20, 30]);
}
