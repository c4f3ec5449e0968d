//! Ambient context: the runtime whose `block_on` is running on this thread.
//!
//! A few things a task does need its runtime without being handed it:
//! [`spawn`](crate::spawn), a timer ([`crate::time`]), registering a socket
//! ([`Async::new`](crate::io::Async::new), which every `groundup::net` type
//! goes through). They look the runtime up here, once, at the public leaf
//! (as tokio's `PollEvented` does), and pass what they need down: the
//! reactor is handed its handle, the executor its timers, and neither reads
//! this module. That keeps the module graph a DAG (see the layers in the
//! crate docs): the context sits above the executor, the reactor and the
//! timer driver, and below the public leaves.
//!
//! One thread-local, [`CURRENT`], set by [`Enter`]:
//! - for the length of `Runtime::block_on` ([`Enter::block_on`], which
//!   refuses to nest: an inner `block_on` would block the thread that drives
//!   the outer runtime's tasks);
//! - while the runtime shuts down ([`Enter::shutdown`], which nests), so
//!   that a future's `Drop` can still spawn or deregister its socket.
//!
//! (The executor keeps one private thread-local of its own, which
//! executor's loop runs here, so that a wake on this thread can use the
//! local run queue. Nothing outside the executor reads it. And the id of
//! the task whose code runs on this thread, behind `task::id()`, lives in
//! `task/id.rs`: the task layer sets it, around each poll and drop, and
//! that layer is below this one.)

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::ptr::NonNull;

use crate::blocking::spawner::Spawner;
use crate::executor::Core;
use crate::reactor;
use crate::time::driver::Driver;

/// What the public leaves can reach of the current runtime.
pub(crate) struct RuntimeContext {
    /// Where `spawn` puts new tasks.
    pub(crate) executor: Core,
    /// Where sockets register.
    pub(crate) reactor: reactor::Handle,
    /// Where timers go (the executor fires them).
    pub(crate) timers: Driver,
    /// Where `spawn_blocking` sends its closures.
    pub(crate) blocking: Spawner,
}

thread_local! {
    /// The runtime whose `block_on` (or shutdown) runs on this thread.
    static CURRENT: Cell<Option<NonNull<RuntimeContext>>> = const { Cell::new(None) };
}

/// Runs `f` with the current runtime, or returns `None` outside one.
pub(crate) fn with_current<R>(f: impl FnOnce(&RuntimeContext) -> R) -> Option<R> {
    CURRENT.with(|current| {
        // SAFETY: CURRENT is only set by `Enter`, which borrows the context
        // for as long as the pointer is installed and restores the previous
        // one on drop, so a non-null pointer refers to a live context.
        current.get().map(|context| f(unsafe { context.as_ref() }))
    })
}

/// Installs a runtime as this thread's current one, until dropped.
pub(crate) struct Enter<'a> {
    previous: Option<NonNull<RuntimeContext>>,
    _context: PhantomData<&'a RuntimeContext>,
}

impl<'a> Enter<'a> {
    /// For `block_on`.
    ///
    /// # Panics
    ///
    /// If a runtime is current already (at the caller's line).
    #[track_caller]
    pub(crate) fn block_on(context: &'a RuntimeContext) -> Enter<'a> {
        if CURRENT.with(Cell::get).is_some() {
            panic!(
                "cannot start a groundup runtime from inside a runtime: `block_on` would block \
                 the thread that drives the outer runtime's tasks; `.await` the future instead"
            );
        }
        Enter::install(context)
    }

    /// For the runtime's shutdown, which may happen inside another runtime
    /// (a task may own and drop a runtime of its own).
    pub(crate) fn shutdown(context: &'a RuntimeContext) -> Enter<'a> {
        Enter::install(context)
    }

    fn install(context: &'a RuntimeContext) -> Enter<'a> {
        let previous = CURRENT.with(|c| c.replace(Some(NonNull::from(context))));
        Enter { previous, _context: PhantomData }
    }
}

impl Drop for Enter<'_> {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.previous));
    }
}

impl fmt::Debug for RuntimeContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeContext")
            .field("live_tasks", &self.executor.live_tasks())
            .field("pending_timers", &self.timers.pending())
            .field("reactor", &self.reactor)
            .finish()
    }
}

impl fmt::Debug for Enter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Enter").finish_non_exhaustive()
    }
}
