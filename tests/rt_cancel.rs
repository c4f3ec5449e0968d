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
        let id = err.id();
        assert_eq!(err.to_string(), format!("task {id} panicked with message \"boom in a task\""));
        assert_eq!(
            format!("{err:?}"),
            format!("JoinError::Panic({id:?}, \"boom in a task\", ...)")
        );
        let payload = err.into_panic();
        assert_eq!(*payload.downcast::<&str>().unwrap(), "boom in a task");

        // Still running tasks afterwards.
        assert_eq!(groundup::spawn(async { 1 }).await.unwrap(), 1);
    });
}

#[test]
fn a_join_error_names_its_task_as_tokio_does_whatever_the_payload() {
    groundup::block_on(async {
        let formatted = groundup::spawn(async { panic!("disk {} on fire", 3) });
        let err = formatted.await.unwrap_err();
        let id = err.id();
        assert_eq!(err.to_string(), format!("task {id} panicked with message \"disk 3 on fire\""));

        let opaque = groundup::spawn(async { std::panic::panic_any(42_u32) });
        let err = opaque.await.unwrap_err();
        let id = err.id();
        assert_eq!(err.to_string(), format!("task {id} panicked"));
        assert_eq!(format!("{err:?}"), format!("JoinError::Panic({id:?}, ...)"));
        assert_eq!(*err.into_panic().downcast::<u32>().unwrap(), 42);

        let cancelled = groundup::spawn(std::future::pending::<()>());
        cancelled.abort();
        let err = cancelled.await.unwrap_err();
        let id = err.id();
        assert_eq!(err.to_string(), format!("task {id} was cancelled"));
        assert_eq!(format!("{err:?}"), format!("JoinError::Cancelled({id:?})"));
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

/// A future that remembers where it was pinned and, when dropped, whether
/// it is still there. `Pin` promises exactly that (the drop guarantee):
/// a pinned value is dropped where it lies, so a future may lend out its
/// own address, as an intrusive waiter node does, and unlink itself in
/// `Drop`.
struct PinWitness {
    ends: End,
    pinned_at: Cell<usize>,
    /// Set in `Drop`: whether the future was dropped at its pinned address.
    dropped_in_place: Rc<Cell<Option<bool>>>,
    _pin: std::marker::PhantomPinned,
}

#[derive(Clone, Copy)]
enum End {
    /// `Ready` on the second poll (the future is dropped on completion).
    Completes,
    /// Panics on the second poll.
    Panics,
    /// Never ready (the future is dropped by abort or shutdown).
    Pends,
}

impl PinWitness {
    fn new(ends: End) -> (PinWitness, Rc<Cell<Option<bool>>>) {
        let verdict = Rc::new(Cell::new(None));
        let witness = PinWitness {
            ends,
            pinned_at: Cell::new(0),
            dropped_in_place: Rc::clone(&verdict),
            _pin: std::marker::PhantomPinned,
        };
        (witness, verdict)
    }
}

impl std::future::Future for PinWitness {
    type Output = ();
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        let here = &*self as *const PinWitness as usize;
        if self.pinned_at.get() == 0 {
            self.pinned_at.set(here);
            cx.waker().wake_by_ref();
            return std::task::Poll::Pending;
        }
        assert_eq!(self.pinned_at.get(), here, "a pinned future moved between polls");
        match self.ends {
            End::Completes => std::task::Poll::Ready(()),
            End::Panics => panic!("expected: the witness panics"),
            End::Pends => std::task::Poll::Pending,
        }
    }
}

impl Drop for PinWitness {
    fn drop(&mut self) {
        let here = self as *const PinWitness as usize;
        self.dropped_in_place.set(Some(self.pinned_at.get() == here));
    }
}

#[test]
fn a_future_is_dropped_where_it_was_pinned_on_completion_panic_abort_and_shutdown() {
    let rt = groundup::Runtime::new().unwrap();
    let (completes, completes_verdict) = PinWitness::new(End::Completes);
    let (panics, panics_verdict) = PinWitness::new(End::Panics);
    let (aborted, aborted_verdict) = PinWitness::new(End::Pends);
    let (left, left_verdict) = PinWitness::new(End::Pends);
    let completes = rt.spawn(completes);
    let panics = rt.spawn(panics);
    let aborted = rt.spawn(aborted);
    let _left = rt.spawn(left);
    rt.block_on(async {
        assert!(completes.await.is_ok());
        assert!(panics.await.unwrap_err().is_panic());
        aborted.abort();
        assert!(aborted.await.unwrap_err().is_cancelled());
    });
    drop(rt); // shuts down the task still pending
    for (what, verdict) in [
        ("completion", completes_verdict),
        ("panic", panics_verdict),
        ("abort", aborted_verdict),
        ("shutdown", left_verdict),
    ] {
        assert_eq!(verdict.get(), Some(true), "on {what}, the future was moved before its drop");
    }
}
