//! `LocalSet`, tokio's shape on groundup: `!Send` tasks spawned before the
//! runtime runs, the set awaited until its tasks finish, `run_until` and
//! `block_on`, the set's drop cancelling what it still holds, and
//! `enter`: `task::spawn_local` onto the entered set while its guard lives.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use groundup::Runtime;
use groundup::task::{self, LocalSet, yield_now};

#[test]
fn tasks_spawned_before_the_runtime_start_when_the_set_is_awaited() {
    let rt = Runtime::new().unwrap();
    let local = LocalSet::new();
    let log = Rc::new(RefCell::new(Vec::new()));
    let handles: Vec<_> = (0..3)
        .map(|i| {
            let log = Rc::clone(&log);
            local.spawn_local(async move {
                yield_now().await;
                log.borrow_mut().push(i);
                i * 10
            })
        })
        .collect();
    assert!(log.borrow().is_empty(), "nothing runs before the set is driven");
    rt.block_on(local);
    let mut done = log.borrow().clone();
    done.sort_unstable();
    assert_eq!(done, [0, 1, 2], "awaiting the set waited for every task");
    let outputs: Vec<_> = rt.block_on(async {
        let mut outputs = Vec::new();
        for handle in handles {
            outputs.push(handle.await.unwrap());
        }
        outputs
    });
    assert_eq!(outputs, [0, 10, 20]);
}

#[test]
fn run_until_and_block_on_return_the_futures_output() {
    let rt = Runtime::new().unwrap();
    let local = LocalSet::new();
    let counter = Rc::new(Cell::new(0)); // not Send
    let early = local.spawn_local({
        let counter = Rc::clone(&counter);
        async move { counter.set(counter.get() + 1) }
    });
    let seen = local.block_on(&rt, {
        let counter = Rc::clone(&counter);
        async move {
            early.await.unwrap();
            let inner = local_spawn_inside(&counter).await;
            (counter.get(), inner)
        }
    });
    assert_eq!(seen, (2, "inner"));
}

async fn local_spawn_inside(counter: &Rc<Cell<u32>>) -> &'static str {
    let counter = Rc::clone(counter);
    task::spawn_local(async move {
        counter.set(counter.get() + 1);
        "inner"
    })
    .await
    .unwrap()
}

#[test]
fn dropping_the_set_cancels_its_waiting_and_running_tasks() {
    let rt = Runtime::new().unwrap();
    let local = LocalSet::new();
    let started_by_run_until = local.spawn_local(async { "ran" });
    let (running,) = rt.block_on(local.run_until(async {
        let running = local.spawn_local(std::future::pending::<()>());
        yield_now().await; // it runs, and waits
        (running,) // the handle, not awaited here
    }));
    let waiting = LocalSet::new();
    let unstarted = waiting.spawn_local(async { "ran" });
    drop(waiting);
    drop(local);
    rt.block_on(async {
        assert!(running.await.unwrap_err().is_cancelled(), "aborted with the set");
        assert!(unstarted.await.unwrap_err().is_cancelled(), "never started, cancelled");
        // Started by run_until before the drop: it finished first.
        assert_eq!(started_by_run_until.await.unwrap(), "ran");
    });
}

#[test]
fn a_panic_or_an_abort_in_a_waiting_task_reaches_its_handle() {
    let rt = Runtime::new().unwrap();
    let local = LocalSet::new();
    let panics = local.spawn_local(async { panic!("in a set's task") });
    let ran = Rc::new(Cell::new(false));
    let aborted = local.spawn_local({
        let ran = Rc::clone(&ran);
        async move { ran.set(true) }
    });
    aborted.abort();
    rt.block_on(local);
    rt.block_on(async {
        assert!(panics.await.unwrap_err().is_panic());
        assert!(aborted.await.unwrap_err().is_cancelled());
    });
    assert!(!ran.get(), "aborted before it started: never polled");
}

#[test]
fn an_empty_set_is_ready_at_once() {
    groundup::block_on(async {
        LocalSet::new().await;
        LocalSet::default().run_until(async {}).await;
    });
}

#[test]
fn spawn_local_under_an_enter_guard_belongs_to_the_set() {
    groundup::block_on(async {
        let local = LocalSet::new();
        let ours = {
            let _guard = local.enter();
            task::spawn_local(std::future::pending::<()>())
        };
        let runtimes = task::spawn_local(std::future::pending::<()>()); // guard gone
        yield_now().await; // both run, and wait
        drop(local);
        assert!(ours.await.unwrap_err().is_cancelled(), "cancelled with the set");
        assert!(!runtimes.is_finished(), "the runtime's own task goes on");
        runtimes.abort();
    });
}

#[test]
fn the_entered_set_waits_for_what_spawn_local_put_in_it() {
    groundup::block_on(async {
        let local = LocalSet::new();
        let (release, gate) = groundup::sync::oneshot::channel::<()>();
        let finished = Rc::new(Cell::new(false));
        {
            let _guard = local.enter();
            let finished = Rc::clone(&finished);
            drop(task::spawn_local(async move {
                gate.await.unwrap();
                finished.set(true);
            }));
        }
        release.send(()).unwrap();
        local.await; // ready only once the entered task has finished
        assert!(finished.get());
    });
}

#[test]
fn spawn_local_under_an_enter_guard_outside_a_runtime_waits_in_the_set() {
    let rt = Runtime::new().unwrap();
    let local = LocalSet::new();
    let ran = Rc::new(Cell::new(false));
    let handle = {
        let _guard = local.enter();
        let ran = Rc::clone(&ran);
        // No runtime here: without the guard this would panic.
        task::spawn_local(async move { ran.set(true) })
    };
    assert!(!ran.get(), "nothing runs before the set is driven");
    rt.block_on(local);
    assert!(ran.get());
    assert!(rt.block_on(handle).is_ok());
}

#[test]
fn nested_enter_guards_restore_the_outer_set() {
    groundup::block_on(async {
        let outer = LocalSet::new();
        let inner = LocalSet::new();
        let _outer_guard = outer.enter();
        let in_inner = {
            let _inner_guard = inner.enter();
            task::spawn_local(std::future::pending::<()>())
        };
        let in_outer = task::spawn_local(std::future::pending::<()>());
        yield_now().await;
        drop(inner);
        assert!(in_inner.await.unwrap_err().is_cancelled());
        assert!(!in_outer.is_finished(), "the outer set is entered again, and alive");
        drop(outer);
        assert!(in_outer.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn a_guard_that_outlives_its_set_cancels_what_it_spawns() {
    groundup::block_on(async {
        let local = LocalSet::new();
        let guard = local.enter();
        drop(local);
        let late = task::spawn_local(async { "never runs" });
        assert!(late.await.unwrap_err().is_cancelled());
        drop(guard);
    });
}

#[test]
fn join_set_spawn_local_follows_the_entered_set() {
    groundup::block_on(async {
        let local = LocalSet::new();
        let mut set = task::JoinSet::new();
        {
            let _guard = local.enter();
            set.spawn_local(std::future::pending::<()>());
        }
        yield_now().await;
        drop(local);
        assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    });
}
