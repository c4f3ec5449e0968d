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
//! ## Entering
//!
//! [`Handle::enter`] makes the handle's runtime current until its
//! [`EnterGuard`] drops. On the runtime's own thread that is the whole
//! runtime, as [`Runtime::enter`](crate::Runtime::enter) does (the ambient
//! context finds it among the runtimes this thread created). Elsewhere it
//! is what a handle can reach from there: [`Handle::current`] and
//! [`spawn_blocking`](crate::task::spawn_blocking) work, while
//! `groundup::spawn` (whose tasks need not be `Send`), timers and sockets
//! belong to the runtime's thread and report that there is no runtime here.
//! A blocking-pool job and `Handle::block_on` enter the same way.
//!
//! ## Lifetime
//!
//! A handle may outlive its runtime. Everything it reaches stays
//! allocated (the `Arc`s), and everything it asks of a runtime that is
//! gone is refused cleanly: `spawn` and `spawn_blocking` return a handle
//! that reports a cancellation.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::RuntimeFlavor;
use crate::context::{self, Enter, RemoteContext};
use crate::executor;
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
    /// The inject queue, the executor's park word, the blocking pool, the
    /// id: what any thread may reach of the runtime.
    cx: RemoteContext,
}

/// Keeps a runtime current on this thread until dropped; from
/// [`Runtime::enter`](crate::Runtime::enter) and [`Handle::enter`], as
/// tokio's `EnterGuard`.
///
/// Dropping it restores what was current before. Guards must be dropped in
/// the reverse order of their creation (a guard dropped out of order
/// panics, after restoring); it is `!Send`, and should not be held across
/// an `.await`.
#[must_use = "Creating and dropping a guard does nothing"]
pub struct EnterGuard<'a> {
    _enter: Enter,
    _lifetime: PhantomData<&'a Handle>,
}

impl EnterGuard<'_> {
    pub(crate) fn new(enter: Enter) -> Self {
        EnterGuard { _enter: enter, _lifetime: PhantomData }
    }
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

impl Handle {
    pub(crate) fn new(cx: RemoteContext) -> Handle {
        Handle { cx }
    }

    /// Makes this handle's runtime current on this thread until the guard
    /// is dropped; as tokio's `Handle::enter`.
    ///
    /// On the thread that owns the runtime this is
    /// [`Runtime::enter`](crate::Runtime::enter): `groundup::spawn`,
    /// timers and sockets find the runtime, and spawned tasks run at the
    /// next `block_on`. On any other thread the guard makes current what a
    /// handle reaches from there: [`Handle::current`] and
    /// [`spawn_blocking`](crate::task::spawn_blocking) work, and
    /// `groundup::spawn`, timers and sockets (which belong to the
    /// runtime's thread, and whose tasks need not be `Send`) still report
    /// that there is no runtime here; use [`Handle::spawn`] for a `Send`
    /// future. (tokio's `current_thread` runtime, whose timers and I/O are
    /// driven only by `Runtime::block_on`, has the same split in practice.)
    ///
    /// # Panics
    ///
    /// While this thread's locals are being destroyed, as tokio's.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use groundup::runtime::Handle;
    ///
    /// let rt = groundup::Runtime::new()?;
    /// let handle = rt.handle().clone();
    /// std::thread::spawn(move || {
    ///     let _guard = handle.enter();
    ///     // Library code that looks the runtime up finds it.
    ///     let job = groundup::task::spawn_blocking(|| "from the pool");
    ///     assert_eq!(Handle::current().block_on(job).unwrap(), "from the pool");
    /// })
    /// .join()
    /// .unwrap();
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn enter(&self) -> EnterGuard<'_> {
        let enter = match context::owned_here(&self.cx) {
            Some(runtime) => Enter::runtime(runtime),
            None => Enter::remote(self.cx.clone()),
        };
        EnterGuard::new(enter)
    }

    /// The kind of runtime this is: always
    /// [`RuntimeFlavor::CurrentThread`] in groundup.
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        RuntimeFlavor::CurrentThread
    }

    /// The runtime's metrics (see [`RuntimeMetrics`](super::RuntimeMetrics)),
    /// as tokio's.
    pub fn metrics(&self) -> super::RuntimeMetrics {
        super::RuntimeMetrics::new(self.cx.executor.clone(), self.cx.blocking.clone())
    }

    /// The id of this handle's runtime, unique among the runtimes of this
    /// process; see [`runtime::Id`](super::Id).
    pub fn id(&self) -> super::Id {
        super::Id::from_raw(self.cx.id)
    }

    /// The handle of the runtime current here: inside `block_on` (or a
    /// task), in a [`spawn_blocking`](crate::task::spawn_blocking) closure,
    /// in [`Handle::block_on`], or while an [`EnterGuard`] lives.
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
                 `Runtime::block_on` (or a task, or a `spawn_blocking` closure) or while a \
                 `Runtime::enter()` guard lives, or pass a `Runtime::handle()` clone to this \
                 thread"
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
        match context::current_remote() {
            Ok(Some(cx)) => Ok(Handle { cx }),
            Ok(None) => Err(TryCurrentError { destroyed: false }),
            Err(()) => Err(TryCurrentError { destroyed: true }),
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
            let future = future.take_if(|_| self.cx.executor.is(&cx.executor))?;
            Some(cx.executor.spawn(future))
        });
        if let Some(Some(join)) = local {
            return join;
        }
        let Some(future) = future else { unreachable!("the future was spawned or is still here") };
        let (task, join) = Injected::new(future);
        let task = executor::Injected { id: join.id(), future: Box::pin(task) };
        if let Err(task) = self.cx.executor.spawn(task) {
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
        if let Err(job) = self.cx.blocking.spawn(job) {
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
        if context::is_driving() {
            panic!(
                "Handle::block_on called on a thread that runs a groundup runtime: it would \
                 block the thread that drives the runtime's tasks; `.await` the future instead"
            );
        }
        let _entered = Enter::remote(self.cx.clone());
        crate::util::park_on::park_on(future)
    }

    /// Jobs in the blocking pool submitted and not finished.
    pub(crate) fn blocking_in_flight(&self) -> usize {
        self.cx.blocking.in_flight()
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
    let _entered = Enter::remote(handle.cx);
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
            .field("id", &self.id())
            .field("blocking_in_flight", &self.blocking_in_flight())
            .field("blocking_threads", &self.metrics().num_blocking_threads())
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
