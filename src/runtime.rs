//! The runtime: a reactor thread and an executor, put together.
//!
//! ```text
//!         your thread (block_on)                      groundup-reactor thread
//!  ┌─────────────────────────────────────────┐   ┌──────────────────────────────────┐
//!  │ loop {                                  │   │ loop {                           │
//!  │   poll the root future if woken         │   │   sleep on the idle site until   │
//!  │   take the remote and inject queues     │   │   handed the driver              │
//!  │   run ready tasks (FIFO, budgeted)      │   │   while it holds it:             │
//!  │   fire due timers                       │   │     poll (blocking), wake tasks  │
//!  │   busy for 1 ms? hand the driver off ───┼──►│     (remote queue)               │
//!  │   nothing to do? take it back ◄─────────┼───┤   let go when asked              │
//!  │     and sleep in its poll until an      │   │ }                                │
//!  │     event, a wake or the next timer     │   └──────────────────────────────────┘
//!  │     (an event wakes its task here)      │
//!  │ }                                       │
//!  └─────────────────────────────────────────┘
//! ```
//!
//! The *driver* is the reactor's `Poll` and its events buffer: whichever
//! thread is idle polls it (`reactor/driver.rs` says why, with the
//! figures). Registrations (`epoll_ctl`) are made by the task's own thread
//! at any time.
//!
//! [`Runtime::new`] starts the reactor thread; [`Runtime::block_on`] runs a
//! future on the calling thread, together with every task spawned on the
//! runtime; dropping the runtime drops all remaining tasks (on this thread),
//! stops and joins the reactor thread, and frees everything. Wakers that
//! outlive the runtime stay valid: waking one does nothing.
//!
//! Beside the executor, each runtime has a blocking pool (`blocking/`), for
//! [`spawn_blocking`](crate::task::spawn_blocking), and a [`Handle`]: what
//! other threads may hold to spawn on the runtime (`runtime/handle.rs`).
//! Shutdown drops the tasks, then waits for the blocking jobs still running
//! ([`Runtime::shutdown_timeout`] bounds the wait), then stops the reactor.
//!
//! [`Runtime::enter`] (and [`Handle::enter`]) make the runtime current on
//! this thread without running it, as tokio's do: `groundup::spawn`,
//! timers and sockets then find it outside `block_on`, and what is spawned
//! runs at the next `block_on`. Where "current" is kept, and why entering
//! is not driving, is `context.rs`'s business.
//!
//! The [`Builder`] (`runtime/builder.rs`) holds the settings and builds the
//! runtime from them.

mod builder;
mod handle;
mod id;
mod metrics;

pub use builder::Builder;
pub(crate) use handle::Injected;
pub use handle::{EnterGuard, Handle, TryCurrentError};
pub use id::Id;
pub use metrics::RuntimeMetrics;

use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::rc::Rc;
use std::time::Duration;

use crate::context::{self, Enter, RuntimeContext};
use crate::reactor;
use crate::task::JoinHandle;

/// A groundup runtime: one reactor thread and a single-threaded executor
/// running on whichever thread calls [`block_on`](Runtime::block_on).
///
/// A runtime is `!Send`: its tasks (which need not be `Send`) belong to the
/// thread that created it.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let rt = groundup::Runtime::new()?;
/// let task = rt.spawn(async { "spawned before block_on" });
/// let out = rt.block_on(async move { task.await.unwrap() });
/// assert_eq!(out, "spawned before block_on");
/// # Ok(())
/// # }
/// ```
pub struct Runtime {
    /// The executor, the reactor's handle and the timers: what tasks reach
    /// through `crate::context` while this runtime runs or is entered.
    /// Shared (by `Rc`) only with the guards that make it current.
    context: Rc<RuntimeContext>,
    reactor: reactor::Thread,
    handle: Handle,
    /// How long the shutdown waits for blocking jobs still running (`None`:
    /// as long as they take, as tokio's drop does).
    blocking_wait: Option<Duration>,
    _not_send: PhantomData<*const ()>,
}

impl Runtime {
    /// Creates a runtime and starts its reactor thread.
    ///
    /// Costs three kernel event queues, each with its waker (the
    /// reactor's, and two small ones the reactor thread and the executor
    /// sleep on while they wait for each other), and one thread.
    pub fn new() -> io::Result<Runtime> {
        Builder::new().build()
    }

    /// Runs `future` to completion on this thread, running the runtime's
    /// tasks meanwhile, and returns its output.
    ///
    /// Tasks still pending when the future completes stay in the runtime and
    /// continue at the next `block_on`; they are dropped with the runtime.
    ///
    /// # Panics
    ///
    /// If called from inside a runtime (an `async` block run by another
    /// `block_on`): the inner call would block the thread that must drive the
    /// outer tasks. `.await` the future instead. A panic in `future` itself
    /// propagates; panics in spawned tasks are caught and reported through
    /// their `JoinHandle`.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter = Enter::block_on(&self.context);
        self.context.executor.block_on(future)
    }

    /// Makes this runtime current on this thread until the guard is
    /// dropped, without running it; as tokio's `Runtime::enter`.
    ///
    /// While the guard lives, what looks for "the current runtime" finds
    /// this one: [`Handle::current`], [`groundup::spawn`](crate::spawn)
    /// (the task is queued, and runs when the runtime is next driven by
    /// [`block_on`](Runtime::block_on)), [`spawn_blocking`](crate::task::spawn_blocking),
    /// creating a [`sleep`](crate::time::sleep), registering a socket
    /// (`TcpStream::from_std`). `block_on` itself works under the guard.
    ///
    /// Guards nest: dropping one restores what was current before it. They
    /// must be dropped in the reverse order of their creation, or the drop
    /// panics (as tokio's); so do not hold one across an `.await`.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use groundup::task::JoinHandle;
    ///
    /// fn function_that_spawns(msg: String) -> JoinHandle<usize> {
    ///     groundup::spawn(async move { msg.len() }) // would panic outside a runtime
    /// }
    ///
    /// let rt = groundup::Runtime::new()?;
    /// let _guard = rt.enter();
    /// let task = function_that_spawns("Hello World!".to_string());
    /// assert_eq!(rt.block_on(task).unwrap(), 12); // it runs here
    /// # Ok(())
    /// # }
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard::new(Enter::runtime(Rc::clone(&self.context)))
    }

    /// Runs `f` on the runtime's blocking pool and returns a handle to its
    /// result: [`Handle::spawn_blocking`] (and so
    /// [`task::spawn_blocking`](crate::task::spawn_blocking)), from outside
    /// the runtime; as tokio's `Runtime::spawn_blocking`.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// let job = rt.spawn_blocking(|| (1..=10).sum::<u32>());
    /// assert_eq!(rt.block_on(job).unwrap(), 55);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// Spawns a task on this runtime from outside it (before or between
    /// `block_on` calls). Inside the runtime, [`crate::spawn`] does the same.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.context.executor.spawn(future)
    }

    /// The runtime's [`Handle`], which other threads can use to spawn on
    /// it (clone it to send it).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// let handle = rt.handle().clone();
    /// let task = std::thread::spawn(move || handle.block_on(handle.spawn_blocking(|| 1 + 1)));
    /// assert_eq!(task.join().unwrap().unwrap(), 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// The runtime's metrics (see [`RuntimeMetrics`]), as tokio's.
    pub fn metrics(&self) -> RuntimeMetrics {
        self.handle.metrics()
    }

    /// Shuts the runtime down, waiting at most `duration` for blocking
    /// jobs ([`spawn_blocking`](crate::task::spawn_blocking)) still running.
    ///
    /// Tasks are dropped first, as when the runtime is dropped; jobs that
    /// have not started are cancelled. A job still running when the time is
    /// up goes on, on its pool thread, and that thread exits when the job
    /// returns: it owns everything it uses, so nothing it touches is freed
    /// under it. (Dropping the runtime waits for such jobs as long as they
    /// take.)
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    ///
    /// let rt = groundup::Runtime::new()?;
    /// let (started, has_started) = std::sync::mpsc::channel();
    /// let (release, wait) = std::sync::mpsc::channel::<()>();
    /// let job = rt.handle().spawn_blocking(move || {
    ///     started.send(()).unwrap();
    ///     wait.recv()
    /// });
    /// has_started.recv().unwrap(); // (a job not started at shutdown is cancelled)
    /// rt.shutdown_timeout(Duration::from_millis(10)); // returns; the job still waits
    /// release.send(()).unwrap(); // and now ends, on its own thread
    /// # drop(job);
    /// # Ok(())
    /// # }
    /// ```
    pub fn shutdown_timeout(mut self, duration: Duration) {
        self.blocking_wait = Some(duration);
    }

    /// Shuts the runtime down without waiting for blocking jobs still
    /// running: `shutdown_timeout(Duration::ZERO)`.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::Runtime::new()?;
    /// drop(rt.handle().spawn_blocking(|| std::thread::sleep(std::time::Duration::from_millis(50))));
    /// rt.shutdown_background(); // does not wait the 50 ms
    /// # Ok(())
    /// # }
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    /// Tasks spawned and not yet finished.
    pub fn live_tasks(&self) -> usize {
        self.context.executor.live_tasks()
    }

    /// Timers currently waiting for their deadline.
    pub fn pending_timers(&self) -> usize {
        self.context.timers.pending()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Tasks first, on this thread, while the reactor still runs: their
        // destructors may deregister sockets (or spawn, or drop timers),
        // so the runtime stays current meanwhile. Then the reactor thread.
        {
            let _enter = Enter::shutdown(&self.context);
            self.context.executor.shutdown();
        }
        self.context.blocking.shutdown(self.blocking_wait);
        self.reactor.shutdown();
        context::unregister_owned(&self.context);
    }
}

/// The kind of a runtime, as [`Handle::runtime_flavor`] reports it; as
/// tokio's `RuntimeFlavor`.
///
/// Every groundup runtime is [`CurrentThread`](RuntimeFlavor::CurrentThread):
/// one executor thread, tasks that need not be `Send`. The enum is
/// `#[non_exhaustive]`, as tokio's is, so that a `match` ported from tokio
/// keeps its wildcard arm.
///
/// ```
/// use groundup::runtime::{Handle, RuntimeFlavor};
///
/// groundup::block_on(async {
///     assert_eq!(Handle::current().runtime_flavor(), RuntimeFlavor::CurrentThread);
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// A runtime whose tasks all run on the thread that calls `block_on`.
    CurrentThread,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("id", &self.handle.id())
            .field("live_tasks", &self.live_tasks())
            .field("pending_timers", &self.pending_timers())
            .field("reactor", &self.reactor)
            .finish()
    }
}

/// Runs `future` on a new [`Runtime`] and drops the runtime afterwards: the
/// shortest way to run async code from `main`.
///
/// # Panics
///
/// If the runtime cannot be created (the system refuses an event queue or a
/// thread), or as [`Runtime::block_on`].
///
/// ```
/// let sum = groundup::block_on(async {
///     let a = groundup::spawn(async { 1 });
///     let b = groundup::spawn(async { 2 });
///     a.await.unwrap() + b.await.unwrap()
/// });
/// assert_eq!(sum, 3);
/// ```
#[track_caller]
pub fn block_on<F: Future>(future: F) -> F::Output {
    // A `match`, not `unwrap_or_else`: `#[track_caller]` does not reach into
    // a closure.
    let runtime = match Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => panic!("groundup::block_on: cannot create a runtime: {e}"),
    };
    runtime.block_on(future)
}
