//! `task_local!`: each task sees the value of its own scope, across every
//! `.await`, and no other task's; scopes nest; the value is in place for
//! the future's destructor and gone after a panicking poll.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use groundup::task::yield_now;

groundup::task_local! {
    static NAME: &'static str;
    static COUNT: Rc<Cell<u32>>;
}

#[test]
fn two_tasks_each_keep_their_own_value_across_awaits() {
    groundup::block_on(async {
        let seen = Rc::new(std::cell::RefCell::new(Vec::new()));
        let tasks: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|name| {
                let seen = Rc::clone(&seen);
                groundup::spawn(NAME.scope(name, async move {
                    for _ in 0..3 {
                        seen.borrow_mut().push(NAME.get());
                        yield_now().await; // the other task runs here
                    }
                }))
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*seen.borrow(), ["a", "b", "a", "b", "a", "b"], "interleaved, each its own");
        assert!(NAME.try_with(|_| ()).is_err(), "the root task has no value");
    });
}

#[test]
fn a_task_spawned_inside_a_scope_does_not_inherit_it() {
    groundup::block_on(NAME.scope("outer", async {
        let inner = groundup::spawn(async { NAME.try_with(|n| *n).ok() });
        assert_eq!(inner.await.unwrap(), None);
        assert_eq!(NAME.get(), "outer");
    }));
}

#[test]
fn nested_scopes_shadow_and_restore() {
    let outer = NAME.sync_scope("outer", || {
        let inner = NAME.sync_scope("inner", || NAME.get());
        (inner, NAME.get())
    });
    assert_eq!(outer, ("inner", "outer"));
    groundup::block_on(NAME.scope("outer", async {
        let inner = NAME.scope("inner", async {
            yield_now().await;
            NAME.get()
        });
        assert_eq!(inner.await, "inner");
        assert_eq!(NAME.get(), "outer");
    }));
}

#[test]
fn outside_any_scope_try_with_errs_and_with_panics_naming_the_fix() {
    let err = NAME.try_with(|_| ()).unwrap_err();
    assert_eq!(err.to_string(), "task-local value not set");
    let panic = std::panic::catch_unwind(|| NAME.with(|_| ())).unwrap_err();
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or_default();
    assert!(message.contains("scope"), "{message}");
}

#[test]
fn the_futures_destructor_sees_the_value_and_the_value_drops_with_it() {
    /// Records, when dropped, the value its key had.
    struct ReadsOnDrop(Rc<Cell<Option<u32>>>);
    impl Drop for ReadsOnDrop {
        fn drop(&mut self) {
            self.0.set(COUNT.try_with(|c| c.get()).ok());
        }
    }
    let seen = Rc::new(Cell::new(None));
    let count = Rc::new(Cell::new(9));
    let guard = ReadsOnDrop(Rc::clone(&seen));
    let future = COUNT.scope(Rc::clone(&count), async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    });
    let mut future = Box::pin(future);
    assert!(future.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_pending());
    assert_eq!(Rc::strong_count(&count), 2, "the scope holds the value");
    drop(future);
    assert_eq!(seen.get(), Some(9), "dropped inside the scope");
    assert_eq!(Rc::strong_count(&count), 1, "and the value with it");
}

#[test]
fn a_panicking_poll_leaves_no_value_behind() {
    let future = NAME.scope("doomed", async { panic!("inside the scope") });
    let mut future = pin!(future);
    let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = future.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    }));
    assert!(polled.is_err());
    assert!(NAME.try_with(|_| ()).is_err(), "the value left with the unwinding poll");
}

#[test]
fn take_value_returns_the_value_between_polls() {
    let mut future = pin!(NAME.scope("kept", async { NAME.try_with(|n| *n).ok() }));
    assert_eq!(future.as_mut().take_value(), Some("kept"));
    // Polled without its value, the future sees none.
    let polled = future.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    assert_eq!(polled, Poll::Ready(None));
}

#[test]
fn a_scope_entered_inside_with_on_the_same_key_panics() {
    let panic = std::panic::catch_unwind(|| {
        NAME.sync_scope("a", || NAME.with(|_| NAME.sync_scope("b", || ())));
    });
    assert!(panic.is_err());
    assert!(NAME.try_with(|_| ()).is_err(), "every scope was left");
    // And the runtime's own use still works afterwards.
    assert_eq!(NAME.sync_scope("c", || NAME.get()), "c");
}
