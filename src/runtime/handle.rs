//! [`Handle`]: a runtime as other threads (and the blocking pool) see it.
//!
//! A [`Runtime`](crate::Runtime) is `!Send`: its tasks, its timers and its
//! sockets belong to the thread that runs it. What may leave that thread
//! is a `Handle`, which holds only the parts built to be shared, each
//! behind an `Arc`:
//!
//! - the executor's [`Remote`]: the inject queue for futures spawned from
//!   other threads, and the park word that wakes the executor
//!   (`executor/inject.rs`, `executor/park.rs`);
//! - the blocking pool's [`Spawner`] (`blocking/`).
//!
//! ## Spawning from another thread
//!
//! A task is made on the executor thread (its place in the live-task list
//! and its waker slots are plain cells there). So [`Handle::spawn`] on
//! another thread boxes the future together with the sending side of a
//! result slot (`task/slot.rs`), pushes the box on the inject queue and
//! unparks the executor, which spawns it at its next turn. The
//! `JoinHandle` returned waits on the slot, so it works on the spawning
//! thread; abort reaches the task through the slot, which wakes it to
//! stop. The task's id is drawn here, at the spawn, for the `JoinHandle`
//! to report at once, and travels with the box: the executor makes the
//! task under it. On the runtime's own thread, `Handle::spawn` is
//! [`crate::spawn`]: no box, no slot.
//!
//! ## Blocking work
//!
//! [`Handle::spawn_blocking`] wraps the closure in a job that catches its
//! panic, completes the slot, and makes this handle current on the pool
//! thread meanwhile (so [`Handle::current`] works inside it, as in tokio),
//! and the job's task id too (so `task::id()` does, as in tokio, where a
//! blocking closure is a task).
//!
//! ## Lifetime
//!
//! A handle may outlive its runtime. Everything it reaches stays
//! allocated (the `Arc`s), and everything it asks of a runtime that is
//! gone is refused cleanly: `spawn` and `spawn_blocking` return a handle
//! that reports a cancellation.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::blocking::spawner::Spawner;
use crate::context::{self, RuntimeContext};
use crate::executor::{self, Remote};
use crate::task::id::{Current, Id};
use crate::task::slot::{self, Completer};
use crate::task::{JoinError, JoinHandle};

/// A handle on a [`Runtime`](crate::Runtime), to spawn on it from any
/// thread; cheap to clone, `Send` and `Sync`.
///
/// Get one with [`Handle::current`] inside the runtime (a task, a
/// `spawn_blocking` closure) or [`Runtime::handle`](crate::Runtime::handle)
/// outside it:
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let rt = groundup::Runtime::new()?;
/// let handle = rt.handle().clone();
/// let answer = std::thread::spawn(move || {
///     // Another thread: the future runs on the runtime's thread, and
///     // its handle is awaited here.
///     let task = handle.spawn(async { 6 * 7 });
///     handle.block_on(task).unwrap()
/// });
/// rt.block_on(async {
///     // The runtime runs while the other thread waits for its task.
///     while !answer.is_finished() {
///         groundup::task::yield_now().await;
///     }
/// });
/// assert_eq!(answer.join().unwrap(), 42);
/// # Ok(())
/// # }
/// ```
///
/// Differences from tokio, which follow from groundup's one executor
/// thread: a `JoinHandle` is `!Send` (one returned on another thread is
/// awaited there); and [`block_on`](Handle::block_on) drives only the
/// future it is given, on the calling thread, where timers and sockets
/// (which belong to the runtime's thread) are not available.
#[derive(Clone)]
pub struct Handle {
    remote: Remote,
    blocking: Spawner,
}

thread_local! {
    /// The handle made current on a thread that is not the runtime's own:
    /// a blocking-pool worker running a job, or a `Handle::block_on`.
    static ENTERED: RefCell<Option<Handle>> = const { RefCell::new(None) };
}

/// Makes a handle current on this thread until dropped.
struct Entered {
    previous: Option<Handle>,
}

impl Entered {
    fn new(handle: Handle) -> Entered {
        Entered { previous: ENTERED.with(|entered| entered.replace(Some(handle))) }
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // `try_with`: a job may end while the thread's locals are being
        // destroyed; there is nothing left to restore then.
        let _ = ENTERED.try_with(|entered| entered.replace(previous));
    }
}

impl Handle {
    pub(crate) fn new(remote: Remote, blocking: Spawner) -> Handle {
        Handle { remote, blocking }
    }

    fn from_context(cx: &RuntimeContext) -> Handle {
        Handle::new(cx.executor.remote(), cx.blocking.clone())
    }

    /// The handle of the runtime running here: inside `block_on` (or a
    /// task), in a [`spawn_blocking`](crate::task::spawn_blocking) closure,
    /// or in [`Handle::block_on`].
    ///
    /// # Panics
    ///
    /// Anywhere else; [`try_current`](Handle::try_current) does not panic.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     let handle = groundup::runtime::Handle::current();
    ///     let task = handle.spawn(async { "spawned through the handle" });
    ///     assert_eq!(task.await.unwrap(), "spawned through the handle");
    /// });
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(handle) => handle,
            Err(_) => panic!(
                "Handle::current() called outside a groundup runtime: call it inside \
                 `Runtime::block_on` (or a task, or a `spawn_blocking` closure), or pass a \
                 `Runtime::handle()` clone to this thread"
            ),
        }
    }

    /// The handle of the runtime running here, or an error outside one.
    ///
    /// ```
    /// assert!(groundup::runtime::Handle::try_current().is_err());
    /// groundup::block_on(async {
    ///     assert!(groundup::runtime::Handle::try_current().is_ok());
    /// });
    /// ```
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        if let Some(handle) = context::with_current(Handle::from_context) {
            return Ok(handle);
        }
        match ENTERED.try_with(|entered| entered.borrow().clone()) {
            Ok(Some(handle)) => Ok(handle),
            Ok(None) => Err(TryCurrentError { destroyed: false }),
            Err(_) => Err(TryCurrentError { destroyed: true }),
        }
    }

    /// Spawns `future` on the runtime, from any thread, and returns a
    /// handle to its output.
    ///
    /// On the runtime's own thread this is [`crate::spawn`]. From another
    /// thread the future is handed to the executor, which starts it at its
    /// next turn (or at the next `block_on`, if none is running); the
    /// returned `JoinHandle` is awaited on the calling thread (it is
    /// `!Send`, unlike tokio's). If the runtime is gone, the handle
    /// resolves to a cancellation.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// let handle = rt.handle().clone();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// std::thread::spawn(move || {
    ///     drop(handle.spawn(async move { tx.send("ran on the runtime").unwrap() }));
    /// })
    /// .join()
    /// .unwrap();
    /// rt.block_on(async {
    ///     while rx.try_recv().is_err() {
    ///         groundup::task::yield_now().await;
    ///     }
    /// });
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let mut future = Some(future);
        let local = context::with_current(|cx| {
            let future = future.take_if(|_| self.remote.is(&cx.executor))?;
            Some(cx.executor.spawn(future))
        });
        if let Some(Some(join)) = local {
            return join;
        }
        let Some(future) = future else { unreachable!("the future was spawned or is still here") };
        let (task, join) = Injected::new(future);
        let task = executor::Injected { id: join.id(), future: Box::pin(task) };
        if let Err(task) = self.remote.spawn(task) {
            drop(task); // the runtime is gone: the handle reports a cancellation
        }
        join
    }

    /// Runs `f` on the runtime's blocking pool, from any thread, and
    /// returns a handle to its result; see
    /// [`task::spawn_blocking`](crate::task::spawn_blocking).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// let task = rt.handle().spawn_blocking(|| std::thread::current().name().map(String::from));
    /// let name = rt.block_on(task).unwrap();
    /// assert_eq!(name.as_deref(), Some("groundup-blocking"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (slot, completer) = slot::pair();
        let id = Id::next();
        let handle = self.clone();
        let job = Box::new(move || run_blocking(handle, id, f, completer));
        if let Err(job) = self.blocking.spawn(job) {
            drop(job); // the pool is shut down: the handle reports a cancellation
        }
        JoinHandle::from_slot(slot, id)
    }

    /// Runs `future` to completion on this thread, which must not be
    /// running a groundup runtime, and returns its output.
    ///
    /// The future is polled here, parking the thread between polls, with
    /// this handle current (so `Handle::current()` works inside). It can
    /// await what other threads complete: a `JoinHandle` from
    /// [`spawn`](Handle::spawn) or [`spawn_blocking`](Handle::spawn_blocking),
    /// a [`sync`](crate::sync) channel. Timers and sockets belong to the
    /// runtime's thread: create and await them in a task spawned on the
    /// runtime instead. (tokio's `current_thread` runtime has a similar
    /// limit: `Handle::block_on` drives no I/O or timers there either.)
    ///
    /// # Panics
    ///
    /// On a thread running a groundup runtime (inside `block_on` or a
    /// task): it would block the thread that drives the tasks. `.await`
    /// instead. A panic in `future` propagates.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// let handle = rt.handle().clone();
    /// let worker = std::thread::spawn(move || {
    ///     handle.block_on(async {
    ///         let handle = groundup::runtime::Handle::current();
    ///         handle.spawn_blocking(|| 2 + 2).await.unwrap()
    ///     })
    /// });
    /// assert_eq!(worker.join().unwrap(), 4);
    /// # drop(rt);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        if context::with_current(|_| ()).is_some() {
            panic!(
                "Handle::block_on called on a thread that runs a groundup runtime: it would \
                 block the thread that drives the runtime's tasks; `.await` the future instead"
            );
        }
        let _entered = Entered::new(self.clone());
        crate::util::park_on::park_on(future)
    }

    /// Jobs in the blocking pool submitted and not finished.
    pub(crate) fn blocking_in_flight(&self) -> usize {
        self.blocking.in_flight()
    }

    /// The blocking pool's threads alive.
    pub(crate) fn blocking_threads(&self) -> usize {
        self.blocking.threads()
    }
}

/// Blocking task `id`: `f` on a pool thread, with `handle` and the id
/// current, its panic caught, its result sent to the `JoinHandle`. Aborted
/// before it started, it does not run (dropping the completer reports the
/// cancellation).
fn run_blocking<F, R>(handle: Handle, id: Id, f: F, completer: Completer<Result<R, JoinError>>)
where
    F: FnOnce() -> R,
{
    let _current = Current::enter(id);
    if completer.is_aborted() {
        // Dropped here, under the id, as an aborted task's future is (a
        // parameter would drop after `_current`).
        drop(f);
        return;
    }
    let _entered = Entered::new(handle);
    // `AssertUnwindSafe`: after a panic nothing of `f`'s is used again; the
    // payload goes to the JoinHandle, as a task's panic does.
    let result = panic::catch_unwind(AssertUnwindSafe(f)).map_err(|p| JoinError::panic(id, p));
    completer.complete(result);
}

/// A future spawned from another thread, as the executor runs it: polls
/// the user's future and sends its output (or panic) to the slot; stops
/// when the slot reports an abort. Dropped unfinished (an abort, a runtime
/// shutdown), its completer reports the cancellation.
pub(crate) struct Injected<F: Future> {
    /// Boxed so that this wrapper is `Unpin`; `None` once it finished.
    future: Option<Pin<Box<F>>>,
    completer: Option<Completer<Result<F::Output, JoinError>>>,
    /// The task's id, drawn here; the caller spawns the task under it
    /// (`Core::spawn_as`), so the `JoinHandle` and the task agree.
    id: Id,
}

impl<F: Future> Injected<F> {
    /// `future`, wrapped to report to the returned `JoinHandle` once some
    /// executor runs it as task `join.id()`: for `Handle::spawn`, and for
    /// a `LocalSet`'s tasks spawned before the set runs in a runtime.
    pub(crate) fn new(future: F) -> (Injected<F>, JoinHandle<F::Output>) {
        let (slot, completer) = slot::pair();
        let id = Id::next();
        let injected = Injected { future: Some(Box::pin(future)), completer: Some(completer), id };
        (injected, JoinHandle::from_slot(slot, id))
    }
}

impl<F: Future> Future for Injected<F> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let (Some(future), Some(completer)) = (this.future.as_mut(), this.completer.as_ref())
        else {
            return Poll::Ready(());
        };
        if completer.set_runner(cx.waker()) {
            // Aborted: drop the future, then (with the completer) report it.
            this.future = None;
            this.completer = None;
            return Poll::Ready(());
        }
        // `AssertUnwindSafe`: a future that panicked is never polled again.
        let result = match panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(output)) => Ok(output),
            Err(payload) => Err(JoinError::panic(this.id, payload)),
        };
        this.future = None;
        if let Some(completer) = this.completer.take() {
            completer.complete(result);
        }
        Poll::Ready(())
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("blocking_in_flight", &self.blocking_in_flight())
            .field("blocking_threads", &self.blocking_threads())
            .finish_non_exhaustive()
    }
}

/// The error of [`Handle::try_current`]: no runtime is current here.
///
/// ```
/// let err = groundup::runtime::Handle::try_current().unwrap_err();
/// assert!(err.is_missing_context());
/// ```
#[derive(Debug)]
pub struct TryCurrentError {
    destroyed: bool,
}

impl TryCurrentError {
    /// No runtime is current on this thread.
    pub fn is_missing_context(&self) -> bool {
        !self.destroyed
    }

    /// The thread is exiting, and its thread-locals (where the current
    /// handle is kept) are gone.
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.destroyed
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.destroyed {
            f.write_str("the thread-local of the current groundup runtime is destroyed")
        } else {
            f.write_str("there is no groundup runtime here: call this inside `Runtime::block_on`")
        }
    }
}

impl Error for TryCurrentError {}
