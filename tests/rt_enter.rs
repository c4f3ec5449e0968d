//! `Runtime::enter` and `Handle::enter`: a runtime made current on a thread
//! without running it, so that what looks it up (`Handle::current`,
//! `groundup::spawn`, `spawn_blocking`, timers) finds it outside
//! `block_on`; guards that nest and restore; the difference between being
//! entered and driving; and a handle entered on another thread.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::cell::Cell;
use std::rc::Rc;
use std::thread;
use std::time::Duration;

use groundup::runtime::{Builder, Handle, RuntimeFlavor};
use groundup::sync::oneshot;
use util::panic_message_of;

fn current_id() -> Option<groundup::runtime::Id> {
    Handle::try_current().ok().map(|handle| handle.id())
}

#[test]
fn handle_current_finds_the_entered_runtime_outside_block_on() {
    let rt = groundup::Runtime::new().unwrap();
    assert!(Handle::try_current().unwrap_err().is_missing_context());
    {
        let _guard = rt.enter();
        assert_eq!(Handle::current().id(), rt.handle().id());
        assert_eq!(Handle::current().runtime_flavor(), RuntimeFlavor::CurrentThread);
    }
    assert!(Handle::try_current().is_err(), "the guard's drop leaves no runtime current");
}

#[test]
fn nested_guards_restore_the_outer_runtime_on_drop() {
    let outer = groundup::Runtime::new().unwrap();
    let inner = groundup::Runtime::new().unwrap();
    assert_ne!(outer.handle().id(), inner.handle().id());
    let outer_guard = outer.enter();
    {
        let _inner_guard = inner.enter();
        assert_eq!(current_id(), Some(inner.handle().id()));
        {
            let _again = outer.enter(); // the same runtime twice nests too
            assert_eq!(current_id(), Some(outer.handle().id()));
        }
        assert_eq!(current_id(), Some(inner.handle().id()));
    }
    assert_eq!(current_id(), Some(outer.handle().id()));
    drop(outer_guard);
    assert_eq!(current_id(), None);
}

#[test]
fn task_spawned_under_the_guard_runs_at_the_next_block_on() {
    let rt = groundup::Runtime::new().unwrap();
    let _guard = rt.enter();
    let ran = Rc::new(Cell::new(false)); // !Send: a groundup task may hold it
    let task = groundup::spawn({
        let ran = Rc::clone(&ran);
        async move {
            ran.set(true);
            "ran"
        }
    });
    assert!(!ran.get(), "nothing drives the runtime yet");
    assert_eq!(rt.live_tasks(), 1);
    assert_eq!(rt.block_on(task).unwrap(), "ran");
    assert!(ran.get());
}

#[test]
fn block_on_works_under_a_guard_and_leaves_it_current() {
    let rt = groundup::Runtime::new().unwrap();
    let other = groundup::Runtime::new().unwrap();
    let _guard = rt.enter();
    assert_eq!(rt.block_on(async { current_id() }), Some(rt.handle().id()));
    // Another runtime's block_on under the guard: that one is current
    // inside, and the entered one again afterwards.
    assert_eq!(other.block_on(async { current_id() }), Some(other.handle().id()));
    assert_eq!(current_id(), Some(rt.handle().id()));
}

#[test]
fn blocking_recv_works_under_a_guard_which_does_not_drive_the_runtime() {
    let rt = groundup::Runtime::new().unwrap();
    let _guard = rt.enter();
    let (tx, rx) = oneshot::channel();
    tx.send(7).unwrap();
    assert_eq!(rx.blocking_recv(), Ok(7));
}

#[test]
fn block_on_inside_block_on_is_still_refused_under_a_guard() {
    let rt = groundup::Runtime::new().unwrap();
    let other = groundup::Runtime::new().unwrap();
    let _guard = other.enter();
    let message = rt.block_on(async { panic_message_of(|| other.block_on(async {})) });
    assert!(message.contains("from inside a runtime"), "{message}");
}

#[test]
fn sleep_created_under_the_guard_fires_in_block_on() {
    let rt = Builder::new_current_thread().start_paused(true).build().unwrap();
    let _guard = rt.enter();
    let sleep = groundup::time::sleep(Duration::from_secs(3_600)); // needs the timers now
    assert_eq!(rt.pending_timers(), 0, "registered at its first poll");
    let start = groundup::time::Instant::now();
    rt.block_on(sleep);
    assert!(start.elapsed() >= Duration::from_secs(3_600));
}

#[test]
fn spawn_blocking_under_the_guard_uses_the_entered_runtime_pool() {
    let rt = Builder::new_current_thread().thread_name("entered-pool").build().unwrap();
    let _guard = rt.enter();
    let job = groundup::task::spawn_blocking(|| thread::current().name().map(String::from));
    assert_eq!(rt.block_on(job).unwrap().as_deref(), Some("entered-pool"));
}

#[test]
fn handle_enter_on_the_runtime_thread_enters_the_whole_runtime() {
    let rt = groundup::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    let _guard = handle.enter();
    let task = groundup::spawn(async { Rc::new("a !Send task") }); // needs the executor
    assert_eq!(*rt.block_on(task).unwrap(), "a !Send task");
}

#[test]
fn handle_enter_on_another_thread_reaches_the_pool_but_not_the_executor() {
    let rt = groundup::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    let id = handle.id();
    let worker = thread::spawn(move || {
        assert!(Handle::try_current().is_err());
        let _guard = handle.enter();
        assert_eq!(current_id(), Some(id));
        let job = groundup::task::spawn_blocking(|| 2 + 2);
        let sum = Handle::current().block_on(job).unwrap();
        let message = panic_message_of(|| drop(groundup::spawn(async {})));
        (sum, message)
    });
    let (sum, message) = worker.join().unwrap();
    assert_eq!(sum, 4);
    assert!(message.contains("not its runtime's"), "{message}");
    assert!(message.contains("Handle::current().spawn"), "{message}");
}

#[test]
fn a_handle_entered_after_its_runtime_is_gone_spawns_nothing() {
    let rt = groundup::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    drop(rt);
    let _guard = handle.enter(); // the runtime's shared parts, refusing work
    let job = groundup::task::spawn_blocking(|| ());
    assert!(handle.block_on(job).unwrap_err().is_cancelled());
}

#[test]
fn guards_dropped_out_of_order_panic_and_change_nothing() {
    let first = groundup::Runtime::new().unwrap();
    let second = groundup::Runtime::new().unwrap();
    let first_guard = first.enter();
    let second_guard = second.enter();
    let message = panic_message_of(move || drop(first_guard));
    assert!(message.contains("dropped out of order"), "{message}");
    assert_eq!(current_id(), Some(second.handle().id()), "nothing was restored");
    drop(second_guard);
    assert_eq!(current_id(), Some(first.handle().id()));
    // (The first guard's own restore was skipped: this thread keeps the
    // first runtime current, as tokio's would. The test's thread ends here.)
}
