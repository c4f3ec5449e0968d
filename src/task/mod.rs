//! Tasks: spawning futures, joining them, yielding.
//!
//! A task is a future the executor owns and polls to completion, in one heap
//! allocation (see `raw.rs` for its layout and our `RawWakerVTable`, and
//! `state.rs` for the state machine). [`spawn`] hands a future to the
//! current runtime and returns a [`JoinHandle`] for its output.
//!
//! Tasks need not be `Send`: groundup runs them all on the runtime's own
//! thread, so a task may hold an `Rc` or a `RefCell` borrow across `.await`.
//! Only their wakers cross threads.
//!
//! Every task has an [`Id`], drawn when it is spawned (`id.rs`): its
//! handles report it ([`JoinHandle::id`], [`AbortHandle::id`],
//! [`JoinError::id`]), and its own code reads it with [`id()`] or
//! [`try_id()`].

mod budget;
pub(crate) mod id;
mod join;
mod join_set;
mod local_set;
pub(crate) mod raw;
pub(crate) mod slot;
pub(crate) mod state;
mod task_local;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use budget::{Unconstrained, consume_budget, unconstrained};
pub use id::{Id, id, try_id};
pub use join::{AbortHandle, JoinError, JoinHandle};
pub use join_set::JoinSet;
pub use local_set::{LocalEnterGuard, LocalSet};
pub use task_local::{AccessError, LocalKey, TaskLocalFuture};

pub mod futures {
    //! The named futures of `groundup::task`, as in tokio's `task::futures`.
    pub use super::task_local::TaskLocalFuture;
}

/// Runs `future` as a new task on the current runtime and returns a handle to
/// its output.
///
/// The task starts at the executor's next turn, in FIFO order with the other
/// ready tasks, and runs until it completes, even if the handle is dropped.
/// It need not be `Send`.
///
/// # Panics
///
/// If called outside a runtime, that is, not from inside
/// [`Runtime::block_on`](crate::Runtime::block_on) (or a task it runs), nor
/// while a [`Runtime::enter`](crate::Runtime::enter) guard lives on this
/// thread. Use [`Runtime::spawn`](crate::Runtime::spawn) to spawn from
/// outside, and [`Handle::spawn`](crate::runtime::Handle::spawn) from
/// another thread (a blocking job, a `Handle::enter` guard there).
///
/// ```
/// use std::rc::Rc;
///
/// groundup::block_on(async {
///     let shared = Rc::new(5); // not Send, and that is fine
///     let task = groundup::spawn({
///         let shared = Rc::clone(&shared);
///         async move { *shared * 2 }
///     });
///     assert_eq!(task.await.unwrap(), 10);
/// });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_as(Id::next(), future)
}

/// [`spawn`] under `id`, drawn already (a `LocalSet`'s task spawned before
/// the set had a runtime keeps the id its `JoinHandle` has reported).
#[track_caller]
pub(crate) fn spawn_as<F>(id: Id, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // A `match`, not `unwrap_or_else`: `#[track_caller]` does not reach into
    // a closure, and the panic must name the caller's line.
    match crate::context::with_current(|cx| cx.executor.spawn_as(id, future)) {
        Some(handle) => handle,
        None if matches!(crate::context::current_remote(), Ok(Some(_))) => panic!(
            "groundup::spawn called on a thread that is not its runtime's (a blocking job, \
             `Handle::block_on`, or a `Handle::enter` guard on another thread): groundup's \
             tasks run on the runtime's thread and need not be `Send`, so they cannot be \
             spawned from here; use `Handle::current().spawn(...)` for a `Send` future"
        ),
        None => panic!(
            "groundup::spawn called outside a groundup runtime: spawn from inside \
             `groundup::block_on(async {{ ... }})` or `Runtime::block_on`, or while a \
             `Runtime::enter()` guard lives, or use `Runtime::spawn` on a runtime you \
             created with `groundup::Runtime::new()`"
        ),
    }
}

/// [`spawn`], under tokio's name for spawning a `!Send` future, so that
/// code written for tokio's `LocalSet` ports by renaming.
///
/// Every groundup task is local to the runtime's one thread, so no
/// `LocalSet` is needed: outside one, `spawn_local` is [`spawn`]. While a
/// [`LocalSet::enter`] guard lives on this thread, it spawns onto that set
/// instead, as [`LocalSet::spawn_local`] (so the task is cancelled with
/// the set, and may be spawned before any runtime runs). See
/// [`LocalSet`]'s docs for where it differs from tokio's.
///
/// # Panics
///
/// As [`spawn`], outside a runtime and outside an entered `LocalSet`.
///
/// ```
/// use std::rc::Rc;
///
/// groundup::block_on(async {
///     let shared = Rc::new("not Send");
///     let task = groundup::task::spawn_local(async move { *shared });
///     assert_eq!(task.await.unwrap(), "not Send");
/// });
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // A `match`, not `unwrap_or_else`: `#[track_caller]` does not reach
    // into a closure.
    match local_set::spawn_onto_entered(future) {
        Ok(join) => join,
        Err(future) => spawn(future),
    }
}

/// Runs the blocking closure `f` on the runtime's pool of blocking threads
/// and returns a handle to its result, so that the executor thread (which
/// runs every task) does not stall.
///
/// The pool starts a thread when no idle one is waiting, up to
/// [`Builder::max_blocking_threads`](crate::runtime::Builder::max_blocking_threads)
/// (512 by default); beyond that, jobs wait in a queue. An idle thread
/// exits after
/// [`Builder::thread_keep_alive`](crate::runtime::Builder::thread_keep_alive)
/// (10 s). A panic in `f` is caught and reported by the handle as a
/// [`JoinError`] ([`is_panic`](JoinError::is_panic)). `f` cannot be
/// stopped once it runs: [`JoinHandle::abort`] only keeps it from
/// starting. Inside `f`, [`Handle::current`](crate::runtime::Handle::current)
/// is this runtime's handle. While time is paused, the clock does not
/// auto-advance while a blocking job is in flight, as in tokio.
///
/// When the runtime shuts down, jobs that have not started are cancelled,
/// and the shutdown waits for the running ones (up to a bound, with
/// [`Runtime::shutdown_timeout`](crate::Runtime::shutdown_timeout)).
///
/// # Panics
///
/// Outside a runtime; use
/// [`Handle::spawn_blocking`](crate::runtime::Handle::spawn_blocking) with
/// a handle from [`Runtime::handle`](crate::Runtime::handle) there.
///
/// ```
/// groundup::block_on(async {
///     let sum = groundup::task::spawn_blocking(|| (1..=100u32).sum::<u32>()).await.unwrap();
///     assert_eq!(sum, 5050);
///
///     let err = groundup::task::spawn_blocking(|| panic!("in a pool thread")).await;
///     assert!(err.unwrap_err().is_panic());
/// });
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    crate::blocking::spawn_blocking(f)
}

/// Lets other tasks run: returns `Pending` once (after waking itself), so
/// the task goes to the back of the run queue.
///
/// ```
/// # groundup::block_on(async {
/// for _ in 0..3 {
///     groundup::task::yield_now().await;
/// }
/// # });
/// ```
pub async fn yield_now() {
    YieldNow { yielded: false }.await
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
