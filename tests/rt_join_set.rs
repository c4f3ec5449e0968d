//! `JoinSet`: results in completion order, abort, and drop.
//!
//! Order is set by the test (tasks wait on oneshot channels released in a
//! chosen order, or on paused-time sleeps), never by how fast anything
//! runs.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::cell::Cell;
use std::future::{Future, pending};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use groundup::sync::oneshot;
use groundup::task::{JoinSet, yield_now};

/// Counts its drops: shows that an aborted task's future was dropped.
struct DropCount(Rc<Cell<usize>>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

/// Spawns one task per value, each returning its value once its channel
/// is released; returns the senders.
fn gated(set: &mut JoinSet<usize>, n: usize) -> Vec<Option<oneshot::Sender<()>>> {
    (0..n)
        .map(|i| {
            let (tx, rx) = oneshot::channel();
            set.spawn(async move {
                rx.await.unwrap();
                i
            });
            Some(tx)
        })
        .collect()
}

#[test]
fn results_come_in_completion_order() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        let mut gates = gated(&mut set, 4);
        let mut order = Vec::new();
        for i in [2, 0, 3, 1] {
            gates[i].take().unwrap().send(()).unwrap();
            order.push(set.join_next().await.unwrap().unwrap());
        }
        assert_eq!(order, [2, 0, 3, 1]);
        assert!(set.join_next().await.is_none());
    });
}

#[test]
fn tasks_that_finished_before_join_next_keep_their_order() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        let mut gates = gated(&mut set, 3);
        // Release out of spawn order and let all three finish before the
        // set is looked at: each member's waker was registered at spawn.
        for i in [1, 2, 0] {
            gates[i].take().unwrap().send(()).unwrap();
            for _ in 0..3 {
                yield_now().await;
            }
        }
        let mut order = Vec::new();
        while let Some(result) = set.try_join_next() {
            order.push(result.unwrap());
        }
        assert_eq!(order, [1, 2, 0]);
        assert!(set.is_empty());
    });
}

#[groundup::test(start_paused = true)]
async fn paused_sleeps_finish_in_deadline_order() {
    let mut set = JoinSet::new();
    for (i, secs) in [50u64, 10, 40, 20, 30].into_iter().enumerate() {
        set.spawn(async move {
            groundup::time::sleep(Duration::from_secs(secs)).await;
            i
        });
    }
    assert_eq!(set.len(), 5);
    let mut order = Vec::new();
    while let Some(result) = set.join_next().await {
        order.push(result.unwrap());
    }
    assert_eq!(order, [1, 3, 4, 2, 0]);
}

#[test]
fn abort_all_cancels_and_drops_every_task() {
    groundup::block_on(async {
        let drops = Rc::new(Cell::new(0));
        let mut set = JoinSet::new();
        for _ in 0..3 {
            let guard = DropCount(drops.clone());
            set.spawn(async move {
                let _guard = guard;
                pending::<()>().await
            });
        }
        set.spawn(async {}); // finishes before the abort
        yield_now().await;
        set.abort_all();
        let (mut cancelled, mut completed) = (0, 0);
        while let Some(result) = set.join_next().await {
            match result {
                Ok(()) => completed += 1,
                Err(e) if e.is_cancelled() => cancelled += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!((cancelled, completed), (3, 1));
        assert_eq!(drops.get(), 3);
    });
}

#[test]
fn one_abort_handle_cancels_one_task() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        let (tx, rx) = oneshot::channel::<()>();
        set.spawn(async move {
            rx.await.unwrap();
            "kept"
        });
        let aborted = set.spawn(pending::<&str>());
        aborted.abort();
        assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
        assert!(aborted.is_finished());
        tx.send(()).unwrap();
        assert_eq!(set.join_next().await.unwrap().unwrap(), "kept");
    });
}

#[test]
fn dropping_the_set_aborts_its_tasks() {
    groundup::block_on(async {
        let drops = Rc::new(Cell::new(0));
        let ran_on = Rc::new(Cell::new(false));
        let mut set = JoinSet::new();
        for _ in 0..4 {
            let guard = DropCount(drops.clone());
            let ran_on = ran_on.clone();
            set.spawn(async move {
                let _guard = guard;
                yield_now().await;
                pending::<()>().await;
                ran_on.set(true);
            });
        }
        yield_now().await; // they started
        drop(set);
        // The futures are dropped at the executor's next turn.
        for _ in 0..3 {
            yield_now().await;
        }
        assert_eq!(drops.get(), 4);
        assert!(!ran_on.get());
    });
}

#[test]
fn shutdown_empties_the_set() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        for _ in 0..5 {
            set.spawn(pending::<()>());
        }
        set.shutdown().await;
        assert!(set.is_empty());
        assert!(set.join_next().await.is_none());
    });
}

#[test]
fn join_next_is_cancel_safe() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        let (tx, rx) = oneshot::channel::<()>();
        set.spawn(async move {
            rx.await.unwrap();
            7
        });
        {
            // Poll join_next once and drop it: the task is not finished.
            let mut next = pin!(set.join_next());
            let mut cx = Context::from_waker(Waker::noop());
            assert!(next.as_mut().poll(&mut cx).is_pending());
        }
        tx.send(()).unwrap();
        assert_eq!(set.join_next().await.unwrap().unwrap(), 7);
    });
}

#[test]
fn blocking_members_join_like_the_others() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        let (release, wait) = std::sync::mpsc::channel::<()>();
        set.spawn_blocking(move || {
            wait.recv().unwrap();
            "blocking"
        });
        let (tx, rx) = oneshot::channel::<()>();
        set.spawn(async move {
            rx.await.unwrap();
            "async"
        });
        tx.send(()).unwrap();
        assert_eq!(set.join_next().await.unwrap().unwrap(), "async");
        release.send(()).unwrap();
        assert_eq!(set.join_next().await.unwrap().unwrap(), "blocking");
        set.spawn_blocking(|| panic!("blocking member fails"));
        assert!(set.join_next().await.unwrap().unwrap_err().is_panic());
    });
}

#[test]
fn join_next_waits_then_wakes() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        let (tx, rx) = oneshot::channel::<()>();
        set.spawn(async move { rx.await.unwrap() });
        let mut next = pin!(set.join_next());
        let polled = std::future::poll_fn(|cx| Poll::Ready(next.as_mut().poll(cx))).await;
        assert!(polled.is_pending(), "nothing finished yet");
        tx.send(()).unwrap();
        assert!(next.await.unwrap().is_ok());
    });
}

#[test]
fn join_all_returns_every_output_in_completion_order() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        let mut gates = gated(&mut set, 3);
        let joined = groundup::spawn(set.join_all());
        for i in [1, 2, 0] {
            gates[i].take().unwrap().send(()).unwrap();
            yield_now().await;
        }
        assert_eq!(joined.await.unwrap(), [1, 2, 0]);
    });
}

#[test]
fn join_all_of_an_empty_set_is_empty() {
    groundup::block_on(async {
        assert!(JoinSet::<u8>::new().join_all().await.is_empty());
    });
}

#[test]
fn a_panic_in_a_member_resumes_in_join_all_and_aborts_the_rest() {
    groundup::block_on(async {
        let drops = Rc::new(Cell::new(0));
        let mut set = JoinSet::new();
        let guard = DropCount(drops.clone());
        set.spawn(async move {
            let _guard = guard;
            pending::<()>().await
        });
        set.spawn(async { std::panic::panic_any(42u32) });
        let err = groundup::spawn(set.join_all()).await.unwrap_err();
        // The member's own payload, not a message about it.
        assert_eq!(*err.into_panic().downcast::<u32>().unwrap(), 42);
        // The set was dropped by the unwind: its pending member is aborted,
        // and its future dropped at the executor's next turn.
        for _ in 0..3 {
            yield_now().await;
        }
        assert_eq!(drops.get(), 1);
    });
}

#[test]
fn a_cancelled_member_makes_join_all_panic_with_its_error() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        set.spawn(pending::<()>()).abort();
        let err = groundup::spawn(set.join_all()).await.unwrap_err();
        let message = *err.into_panic().downcast::<String>().unwrap();
        assert!(message.ends_with("was cancelled"), "{message}");
    });
}

#[test]
fn collect_spawns_every_future_into_the_set() {
    groundup::block_on(async {
        let local = Rc::new(10); // !Send: groundup's bounds allow it
        let set: JoinSet<usize> = (0..4)
            .map(|i| {
                let local = local.clone();
                async move { *local + i }
            })
            .collect();
        assert_eq!(set.len(), 4);
        let mut outputs = set.join_all().await;
        outputs.sort();
        assert_eq!(outputs, [10, 11, 12, 13]);
    });
}

#[test]
fn extend_adds_to_the_members_already_there() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        set.spawn(async { 0 });
        set.extend((1..3).map(|i| async move { i }));
        assert_eq!(set.len(), 3);
        let mut outputs = set.join_all().await;
        outputs.sort();
        assert_eq!(outputs, [0, 1, 2]);
    });
}

#[test]
fn spawn_on_from_another_thread_runs_the_task_on_the_runtime_thread() {
    let rt = groundup::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    let runtime_thread = std::thread::current().id();
    let other = std::thread::spawn(move || {
        let mut set = JoinSet::new();
        for _ in 0..2 {
            set.spawn_on(async { std::thread::current().id() }, &handle);
        }
        handle.block_on(set.join_all())
    });
    rt.block_on(async {
        while !other.is_finished() {
            yield_now().await;
        }
    });
    assert_eq!(other.join().unwrap(), [runtime_thread, runtime_thread]);
}

#[test]
fn spawn_on_the_current_handle_joins_like_spawn() {
    groundup::block_on(async {
        let handle = groundup::runtime::Handle::current();
        let mut set = JoinSet::new();
        let (tx, rx) = oneshot::channel::<()>();
        set.spawn_on(
            async move {
                rx.await.unwrap();
                "second"
            },
            &handle,
        );
        set.spawn_on(async { "first" }, &handle);
        let first = set.join_next().await.unwrap().unwrap();
        tx.send(()).unwrap();
        assert_eq!((first, set.join_next().await.unwrap().unwrap()), ("first", "second"));
    });
}

#[test]
fn spawn_local_on_before_a_runtime_starts_when_the_local_set_runs() {
    let rt = groundup::Runtime::new().unwrap();
    let local = groundup::task::LocalSet::new();
    let mut set = JoinSet::new();
    let not_send = Rc::new(Cell::new(0));
    for i in 1..=3 {
        let not_send = not_send.clone();
        set.spawn_local_on(async move { not_send.set(not_send.get() + i) }, &local);
    }
    assert_eq!(not_send.get(), 0, "nothing runs before the LocalSet is driven");
    assert_eq!(local.block_on(&rt, set.join_all()).len(), 3);
    assert_eq!(not_send.get(), 6);
}

#[test]
fn a_spawn_local_on_member_is_cancelled_with_its_local_set() {
    groundup::block_on(async {
        let local = groundup::task::LocalSet::new();
        let mut set = JoinSet::new();
        set.spawn_local_on(pending::<()>(), &local);
        yield_now().await;
        drop(local);
        assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    });
}

#[test]
fn spawn_blocking_on_runs_on_the_handles_pool() {
    let rt = groundup::Runtime::new().unwrap();
    let mut set = JoinSet::new();
    set.spawn_blocking_on(|| std::thread::current().name().map(String::from), rt.handle());
    set.spawn_blocking_on(|| panic!("blocking member fails"), rt.handle());
    let mut results: Vec<_> = rt.block_on(async {
        let mut results = Vec::new();
        while let Some(result) = set.join_next().await {
            results.push(result);
        }
        results
    });
    results.sort_by_key(|result| result.is_err());
    assert_eq!(results[0].as_ref().unwrap().as_deref(), Some("groundup-blocking"));
    assert!(results[1].as_ref().unwrap_err().is_panic());
}
