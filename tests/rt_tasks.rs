//! Spawning and joining tasks: the executor's basic promises.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::cell::RefCell;
use std::rc::Rc;

use groundup::Runtime;
use groundup::task::{self, JoinHandle};

#[test]
fn spawn_and_join_100_000_tasks() {
    let sum = groundup::block_on(async {
        let handles: Vec<JoinHandle<u64>> =
            (0..util::scaled(100_000) as u64).map(|i| groundup::spawn(async move { i })).collect();
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, (0..util::scaled(100_000) as u64).sum());
}

#[test]
fn tasks_may_hold_rc_and_refcell_across_awaits() {
    let log = groundup::block_on(async {
        let log = Rc::new(RefCell::new(Vec::new()));
        let tasks: Vec<_> = (0..3)
            .map(|i| {
                let log = Rc::clone(&log);
                groundup::spawn(async move {
                    log.borrow_mut().push(i);
                    task::yield_now().await;
                    log.borrow_mut().push(i + 10);
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        Rc::try_unwrap(log).unwrap().into_inner()
    });
    // FIFO: all first halves, then all second halves.
    assert_eq!(log, vec![0, 1, 2, 10, 11, 12]);
}

#[test]
fn yield_now_lets_other_tasks_run() {
    let order = groundup::block_on(async {
        let order = Rc::new(RefCell::new(Vec::new()));
        let a = {
            let order = Rc::clone(&order);
            groundup::spawn(async move {
                for i in 0..3 {
                    order.borrow_mut().push(format!("a{i}"));
                    task::yield_now().await;
                }
            })
        };
        let b = {
            let order = Rc::clone(&order);
            groundup::spawn(async move {
                for i in 0..3 {
                    order.borrow_mut().push(format!("b{i}"));
                    task::yield_now().await;
                }
            })
        };
        a.await.unwrap();
        b.await.unwrap();
        order.take()
    });
    assert_eq!(order, ["a0", "b0", "a1", "b1", "a2", "b2"]);
}

#[test]
fn runtime_spawn_before_block_on_and_tasks_survive_between_calls() {
    let rt = Runtime::new().unwrap();
    let early = rt.spawn(async { 1 });
    assert_eq!(rt.block_on(early).unwrap(), 1);

    // A task that needs two block_on calls to finish.
    let (tx, rx) = std::sync::mpsc::channel();
    let slow = rt.spawn(async move {
        task::yield_now().await;
        tx.send("done").unwrap();
    });
    rt.block_on(async {}); // may or may not run it; must not lose it
    rt.block_on(slow).unwrap();
    assert_eq!(rx.try_recv(), Ok("done"));
    assert_eq!(rt.live_tasks(), 0);
}

#[test]
fn detached_tasks_run_to_completion() {
    let rt = Runtime::new().unwrap();
    let ran = Rc::new(RefCell::new(0));
    for _ in 0..10 {
        let ran = Rc::clone(&ran);
        drop(rt.spawn(async move { *ran.borrow_mut() += 1 }));
    }
    rt.block_on(async {
        while rt.live_tasks() > 0 {
            task::yield_now().await;
        }
    });
    assert_eq!(*ran.borrow(), 10);
}

#[test]
fn spawn_outside_a_runtime_panics_with_the_fix() {
    let err = std::panic::catch_unwind(|| groundup::spawn(async {})).unwrap_err();
    let msg = util::panic_message(&*err);
    assert!(msg.contains("outside a groundup runtime") && msg.contains("block_on"), "{msg}");
}

#[test]
fn nested_block_on_panics_with_the_fix() {
    let err = std::panic::catch_unwind(|| {
        groundup::block_on(async { groundup::block_on(async {}) });
    })
    .unwrap_err();
    let msg = util::panic_message(&*err);
    assert!(msg.contains("from inside a runtime"), "{msg}");
}

#[test]
fn join_handle_reports_finished() {
    groundup::block_on(async {
        let h = groundup::spawn(async { 5 });
        assert!(!h.is_finished());
        task::yield_now().await;
        assert!(h.is_finished());
        assert_eq!(h.await.unwrap(), 5);
    });
}

/// Compiles only if `T` has the auto traits tokio's `JoinHandle` has.
fn assert_unpin_and_unwind_safe<T: Unpin + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}

#[test]
fn join_handle_is_unpin_and_unwind_safe_whatever_its_output() {
    // An output that is none of the three: `!Unpin` (PhantomPinned),
    // `!UnwindSafe` (`&mut`) and `!RefUnwindSafe` (`Cell`).
    type Awkward = (std::marker::PhantomPinned, &'static mut i32, std::cell::Cell<i32>);
    assert_unpin_and_unwind_safe::<JoinHandle<Awkward>>();
    assert_unpin_and_unwind_safe::<JoinHandle<()>>();
    // So a handle can cross `catch_unwind` without `AssertUnwindSafe`.
    groundup::block_on(async {
        let handle = groundup::spawn(async { 1 });
        let handle = std::panic::catch_unwind(move || handle).unwrap();
        assert_eq!(handle.await.unwrap(), 1);
    });
}

/// `file:line` of the line this is called on.
macro_rules! here {
    () => {
        format!("{}:{}", file!(), line!())
    };
}

#[test]
fn a_misused_spawn_or_block_on_panics_at_the_callers_line() {
    let (at, expected) = (util::panic_location(|| drop(groundup::spawn(async {}))), here!());
    assert_eq!(at, expected, "spawn outside a runtime");

    let rt = Runtime::new().unwrap();
    let at = util::panic_location(|| {
        rt.block_on(async {
            let inner = Runtime::new().unwrap();
            let (at, expected) = (util::panic_location(|| inner.block_on(async {})), here!());
            assert_eq!(at, expected, "Runtime::block_on inside a runtime");
            let (at, expected) = (util::panic_location(|| groundup::block_on(async {})), here!());
            assert_eq!(at, expected, "groundup::block_on inside a runtime");
            panic!("expected: all checked");
        })
    });
    assert!(at.starts_with(file!()), "{at}");
}
