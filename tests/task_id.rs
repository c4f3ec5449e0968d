//! Task ids (`task::Id`): one per task however it was spawned, the same
//! inside the task (`task::id()`) as on its handles and errors, none in
//! `block_on`'s root future, and current wherever the task's own code runs,
//! destructors included.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::future::{Future, pending};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use groundup::Runtime;
use groundup::runtime::Builder;
use groundup::task::{self, Id, JoinSet, LocalSet};

/// Where a destructor saw itself run: `Some(Some(id))` inside task `id`,
/// `Some(None)` outside any task, `None` if it has not run yet.
type Seen = Rc<Cell<Option<Option<Id>>>>;

/// A future that never completes and records `try_id()` when dropped.
struct RecordsIdOnDrop(Seen);

impl Future for RecordsIdOnDrop {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

impl Drop for RecordsIdOnDrop {
    fn drop(&mut self) {
        self.0.set(Some(task::try_id()));
    }
}

/// An output that records `try_id()` when dropped.
struct OutputRecordsIdOnDrop(Seen);

impl Drop for OutputRecordsIdOnDrop {
    fn drop(&mut self) {
        self.0.set(Some(task::try_id()));
    }
}

#[test]
fn every_way_of_spawning_gives_a_distinct_id() {
    let rt = Runtime::new().unwrap();
    let local = LocalSet::new();
    let mut ids = vec![rt.spawn(async {}).id(), local.spawn_local(async {}).id()];
    rt.block_on(local.run_until(async {
        let mut set = JoinSet::new();
        for _ in 0..3 {
            ids.push(groundup::spawn(async {}).id());
            ids.push(task::spawn_local(async {}).id());
            ids.push(task::spawn_blocking(|| {}).id());
            ids.push(set.spawn(async {}).id());
            ids.push(set.spawn_blocking(|| {}).id());
            ids.push(groundup::runtime::Handle::current().spawn(async {}).id());
        }
        set.shutdown().await;
    }));
    let distinct: HashSet<Id> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), ids.len(), "{ids:?}");
}

#[test]
fn id_inside_a_task_is_its_join_handle_id() {
    let rt = Runtime::new().unwrap();
    let before = rt.spawn(async { task::id() });
    let before_id = before.id();
    rt.block_on(async move {
        assert_eq!(before.await.unwrap(), before_id, "spawned before block_on");
        let spawned = groundup::spawn(async { task::id() });
        let id = spawned.id();
        assert_eq!(spawned.await.unwrap(), id, "spawn");
        let local = task::spawn_local(async { task::id() });
        let id = local.id();
        assert_eq!(local.await.unwrap(), id, "spawn_local");
        let blocking = task::spawn_blocking(task::id);
        let id = blocking.id();
        assert_eq!(blocking.await.unwrap(), id, "spawn_blocking");
    });
}

#[test]
fn an_id_survives_awaits_and_differs_from_the_tasks_it_awaits() {
    groundup::block_on(async {
        let outer = groundup::spawn(async {
            let mine = task::id();
            task::yield_now().await;
            assert_eq!(task::id(), mine, "the same after a yield");
            let inner = groundup::spawn(async { task::id() });
            let inner_id = inner.await.unwrap();
            assert_ne!(inner_id, mine);
            assert_eq!(task::id(), mine, "the same after awaiting another task");
            mine
        });
        let id = outer.id();
        assert_eq!(outer.await.unwrap(), id);
    });
}

#[test]
fn try_id_is_none_outside_tasks_and_in_the_block_on_root() {
    assert_eq!(task::try_id(), None, "no runtime");
    let rt = Runtime::new().unwrap();
    rt.block_on(async {
        assert_eq!(task::try_id(), None, "the root future is not a task");
        groundup::spawn(async {}).await.unwrap();
        task::spawn_blocking(|| {}).await.unwrap();
        assert_eq!(task::try_id(), None, "and is not one after a task ran");
    });
    assert_eq!(task::try_id(), None, "after block_on");
    groundup::block_on(async { assert_eq!(task::try_id(), None) });
}

#[test]
fn id_outside_a_task_panics_naming_try_id() {
    let err = std::panic::catch_unwind(task::id).unwrap_err();
    let msg = util::panic_message(&*err);
    assert!(msg.contains("outside a task") && msg.contains("try_id"), "{msg}");

    let err = std::panic::catch_unwind(|| groundup::block_on(async { task::id() })).unwrap_err();
    let msg = util::panic_message(&*err);
    assert!(msg.contains("outside a task") && msg.contains("block_on"), "{msg}");

    let line = line!() + 1;
    let location = util::panic_location(|| _ = task::id());
    assert_eq!(location, format!("{}:{line}", file!()), "the panic names the caller's line");
}

#[test]
fn join_error_id_of_a_panicked_task() {
    groundup::block_on(async {
        let task = groundup::spawn(async { panic!("boom in a task") });
        let id = task.id();
        let err = task.await.unwrap_err();
        assert!(err.is_panic());
        assert_eq!(err.id(), id);

        let blocking = task::spawn_blocking(|| panic!("boom in a blocking closure"));
        let id = blocking.id();
        let err = blocking.await.unwrap_err();
        assert!(err.is_panic());
        assert_eq!(err.id(), id);
    });
}

#[test]
fn join_error_id_of_an_aborted_task() {
    groundup::block_on(async {
        let seen = Seen::default();
        let task = groundup::spawn(RecordsIdOnDrop(seen.clone()));
        let id = task.id();
        task::yield_now().await; // it runs once, then waits forever
        task.abort();
        let err = task.await.unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.id(), id);
        assert_eq!(seen.get(), Some(Some(id)), "the future was dropped under the task's id");

        let never_ran = groundup::spawn(async {});
        let id = never_ran.id();
        never_ran.abort_handle().abort();
        assert_eq!(never_ran.await.unwrap_err().id(), id);
    });
}

#[test]
fn a_blocking_task_aborted_before_it_starts_reports_its_id() {
    let rt = Builder::new().max_blocking_threads(1).build().unwrap();
    rt.block_on(async {
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let first = task::spawn_blocking(move || wait.recv().unwrap());
        let second = task::spawn_blocking(|| {});
        let id = second.id();
        let abort = second.abort_handle();
        assert_eq!(abort.id(), id);
        abort.abort(); // queued behind `first` on the one thread: never runs
        release.send(()).unwrap();
        first.await.unwrap();
        let err = second.await.unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.id(), id);
    });
}

#[test]
fn a_task_dropped_by_the_shutdown_reports_its_id() {
    let seen = Seen::default();
    let rt = Runtime::new().unwrap();
    let task = rt.spawn(RecordsIdOnDrop(seen.clone()));
    let id = task.id();
    drop(rt);
    assert_eq!(seen.get(), Some(Some(id)), "the shutdown dropped the future under its id");
    assert_eq!(task::try_id(), None, "and put none back");
    // The handle outlives the runtime: it reports the cancellation at once.
    let err = groundup::block_on(task).unwrap_err();
    assert!(err.is_cancelled());
    assert_eq!(err.id(), id);
}

#[test]
fn an_output_nobody_reads_is_dropped_under_its_tasks_id() {
    groundup::block_on(async {
        // The handle is dropped before the task finishes: the executor
        // drops the output as the task completes.
        let seen = Seen::default();
        let task = groundup::spawn({
            let seen = seen.clone();
            async move { OutputRecordsIdOnDrop(seen) }
        });
        let id = task.id();
        drop(task);
        while seen.get().is_none() {
            task::yield_now().await;
        }
        assert_eq!(seen.get(), Some(Some(id)));

        // The handle is dropped after: the handle drops the output, here in
        // the root future, and the output still sees its task's id.
        let seen = Seen::default();
        let task = groundup::spawn({
            let seen = seen.clone();
            async move { OutputRecordsIdOnDrop(seen) }
        });
        let id = task.id();
        while !task.is_finished() {
            task::yield_now().await;
        }
        assert_eq!(seen.get(), None, "the output waits for its handle");
        drop(task);
        assert_eq!(seen.get(), Some(Some(id)));
        assert_eq!(task::try_id(), None, "the root future is back to no task");
    });
}

#[test]
fn a_task_that_drops_a_runtime_of_its_own_gets_its_id_back() {
    groundup::block_on(async {
        let outer = groundup::spawn(async {
            let mine = task::id();
            let seen = Seen::default();
            let inner_rt = Runtime::new().unwrap();
            let inner = inner_rt.spawn(RecordsIdOnDrop(seen.clone()));
            drop(inner_rt); // drops `inner`'s future here, inside this poll
            assert_eq!(seen.get(), Some(Some(inner.id())), "under the inner task's id");
            assert_eq!(task::id(), mine, "and then ours again");
            assert_eq!(inner.await.unwrap_err().id(), seen.get().unwrap().unwrap());
        });
        outer.await.unwrap();
    });
}

#[test]
fn join_next_with_id_pairs_each_result_with_its_task() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        let mut outputs = HashMap::new();
        for i in 0..4 {
            outputs.insert(set.spawn(async move { (i, task::id()) }).id(), i);
        }
        outputs.insert(set.spawn_blocking(|| (10, task::id())).id(), 10);
        let panicked = set.spawn(async { panic!("one member fails") }).id();
        let aborted = set.spawn(pending());
        aborted.abort();
        let mut failures = HashSet::new();
        while let Some(joined) = set.join_next_with_id().await {
            match joined {
                Ok((id, (i, inside))) => {
                    assert_eq!(inside, id, "the id paired is the one the task saw");
                    assert_eq!(outputs.remove(&id), Some(i), "{id} joined once, with its output");
                }
                Err(err) => assert!(failures.insert(err.id()), "{err:?}"),
            }
        }
        assert!(outputs.is_empty(), "{outputs:?} never joined");
        assert_eq!(failures, HashSet::from([panicked, aborted.id()]));
    });
}

#[test]
fn try_join_next_with_id_returns_finished_tasks_with_their_ids() {
    groundup::block_on(async {
        let mut set = JoinSet::new();
        let first = set.spawn(async { task::id() }).id();
        let second = set.spawn(async { task::id() }).id();
        assert!(set.try_join_next_with_id().is_none(), "nothing ran yet");
        task::yield_now().await;
        let mut joined = Vec::new();
        while let Some(result) = set.try_join_next_with_id() {
            let (id, inside) = result.unwrap();
            assert_eq!(id, inside);
            joined.push(id);
        }
        joined.sort();
        let mut expected = vec![first, second];
        expected.sort();
        assert_eq!(joined, expected);
        assert!(set.try_join_next_with_id().is_none() && set.is_empty());
    });
}

#[test]
fn local_set_tasks_have_ids_before_and_inside_a_runtime() {
    let rt = Runtime::new().unwrap();
    let local = LocalSet::new();
    let early = local.spawn_local(async { task::id() }); // waits in the set
    let early_id = early.id();
    let (late_id, late_inside) = local.block_on(&rt, async {
        assert_eq!(task::try_id(), None, "run_until's future is the root, not a task");
        let late = local.spawn_local(async { task::id() });
        let late_id = late.id();
        let nested = task::spawn_local(async {
            let outer = task::id();
            let inner = LocalSet::new()
                .run_until(async { task::spawn_local(async { task::id() }).await.unwrap() })
                .await;
            assert_ne!(inner, outer);
            assert_eq!(task::id(), outer, "ours again after the inner set's task");
        });
        nested.await.unwrap();
        (late_id, late.await.unwrap())
    });
    assert_eq!(late_inside, late_id);
    assert_eq!(rt.block_on(early).unwrap(), early_id, "spawned before the set had a runtime");
    assert_ne!(early_id, late_id);
}

#[test]
fn a_future_spawned_from_another_thread_runs_under_its_handles_id() {
    let rt = Runtime::new().unwrap();
    let handle = rt.handle().clone();
    let done = util::Signal::default();
    let thread = std::thread::spawn({
        let done = done.clone();
        move || {
            let task = handle.spawn(async { task::id() });
            let id = task.id();
            let inside = handle.block_on(task).unwrap();
            let aborted = handle.spawn(pending::<()>());
            let aborted_id = aborted.id();
            aborted.abort();
            let err = handle.block_on(aborted).unwrap_err();
            done.set();
            (id, inside, aborted_id, err.id())
        }
    });
    rt.block_on(done.wait()); // drives the tasks the thread spawned
    let (id, inside, aborted_id, err_id) = thread.join().unwrap();
    assert_eq!(inside, id);
    assert_eq!(err_id, aborted_id);
    assert_ne!(id, aborted_id);
}

#[test]
fn ids_print_as_numbers_and_order_as_they_compare() {
    groundup::block_on(async {
        let a = groundup::spawn(async {}).id();
        let b = groundup::spawn(async {}).id();
        let number = |id: Id| id.to_string().parse::<u64>().expect("Display prints a number");
        assert_eq!(format!("{a:?}"), format!("Id({a})"));
        assert_eq!(a.cmp(&b), number(a).cmp(&number(b)));
        let copy = a; // Copy
        assert_eq!(copy, a);
    });
}
