//! Aborting tasks and panicking tasks: `JoinError`, and the runtime goes on.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::cell::Cell;
use std::rc::Rc;

use groundup::task;

/// Sets a flag when dropped: proves a future was dropped.
struct DropFlag(Rc<Cell<bool>>);
impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[test]
fn abort_before_the_task_starts() {
    groundup::block_on(async {
        let started = Rc::new(Cell::new(false));
        let dropped = Rc::new(Cell::new(false));
        let h = {
            let (started, flag) = (Rc::clone(&started), DropFlag(Rc::clone(&dropped)));
            groundup::spawn(async move {
                let _flag = flag;
                started.set(true);
            })
        };
        h.abort();
        let err = h.await.unwrap_err();
        assert!(err.is_cancelled() && !err.is_panic());
        assert!(!started.get(), "an aborted task never ran");
        assert!(dropped.get(), "its future was dropped");
    });
}

#[test]
fn abort_while_pending() {
    groundup::block_on(async {
        let dropped = Rc::new(Cell::new(false));
        let flag = DropFlag(Rc::clone(&dropped));
        let h = groundup::spawn(async move {
            let _flag = flag;
            std::future::pending::<()>().await;
        });
        task::yield_now().await; // let it start and park
        assert!(!dropped.get());
        h.abort();
        assert!(h.await.unwrap_err().is_cancelled());
        assert!(dropped.get());
    });
}

#[test]
fn abort_after_completion_keeps_the_output() {
    groundup::block_on(async {
        let h = groundup::spawn(async { "done" });
        task::yield_now().await;
        assert!(h.is_finished());
        h.abort();
        assert_eq!(h.await.unwrap(), "done");
    });
}

#[test]
fn a_task_aborting_itself_is_cancelled_after_its_poll() {
    groundup::block_on(async {
        let slot: Rc<Cell<Option<task::JoinHandle<()>>>> = Rc::new(Cell::new(None));
        let me = Rc::clone(&slot);
        let h = groundup::spawn(async move {
            task::yield_now().await;
            // The parent parked our own handle in `slot`: abort ourselves.
            let own = me.take().expect("handle parked");
            own.abort();
            me.set(Some(own));
            task::yield_now().await;
            unreachable!("an aborted task is not polled again");
        });
        slot.set(Some(h));
        for _ in 0..5 {
            task::yield_now().await;
        }
        let h = slot.take().unwrap();
        assert!(h.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn a_panicking_task_gives_is_panic_and_the_runtime_goes_on() {
    groundup::block_on(async {
        let h = groundup::spawn(async {
            panic!("boom in a task");
        });
        let err = h.await.unwrap_err();
        assert!(err.is_panic() && !err.is_cancelled());
        assert_eq!(err.to_string(), "task panicked: boom in a task");
        let payload = err.into_panic();
        assert_eq!(*payload.downcast::<&str>().unwrap(), "boom in a task");

        // Still running tasks afterwards.
        assert_eq!(groundup::spawn(async { 1 }).await.unwrap(), 1);
    });
}

#[test]
fn a_panic_in_drop_during_abort_is_reported_not_propagated() {
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("panic in Drop");
        }
    }
    groundup::block_on(async {
        let h = groundup::spawn(async {
            let _p = PanicOnDrop;
            std::future::pending::<()>().await;
        });
        task::yield_now().await;
        h.abort();
        let err = h.await.unwrap_err();
        assert!(err.is_panic(), "{err:?}");
        assert_eq!(groundup::spawn(async { 2 }).await.unwrap(), 2);
    });
}

#[test]
fn the_root_futures_panic_propagates_out_of_block_on() {
    let result = std::panic::catch_unwind(|| groundup::block_on(async { panic!("root") }));
    assert!(result.is_err());
}

#[test]
fn into_panic_on_a_cancellation_panics() {
    groundup::block_on(async {
        let h = groundup::spawn(std::future::pending::<()>());
        h.abort();
        let err = h.await.unwrap_err();
        let err = err.try_into_panic().unwrap_err();
        assert!(err.is_cancelled());
    });
}
