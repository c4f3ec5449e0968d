//! The runtime: a reactor thread and an executor, put together.
//!
//! ```text
//!            groundup-reactor thread                  your thread (block_on)
//!  ┌──────────────────────────────────────┐   ┌─────────────────────────────────────┐
//!  │ loop {                               │   │ loop {                              │
//!  │   poll.poll(&mut events, None)  ◄────┼───┼── registrations (epoll_ctl)         │
//!  │   for event: slot.set_readiness()    │   │   poll the root future if woken     │
//!  │              slot.wake() ────────────┼──►│   take the remote queue             │
//!  │   (the first wake of a parked        │   │   run ready tasks (FIFO, budgeted)  │
//!  │    executor unparks it)              │   │   fire due timers                   │
//!  │ }                                    │   │   park (own Poll) until woken or    │
//!  └──────────────────────────────────────┘   │   the next timer                    │
//!                                             │ }                                   │
//!                                             └─────────────────────────────────────┘
//! ```
//!
//! [`Runtime::new`] starts the reactor thread; [`Runtime::block_on`] runs a
//! future on the calling thread, together with every task spawned on the
//! runtime; dropping the runtime drops all remaining tasks (on this thread),
//! stops and joins the reactor thread, and frees everything. Wakers that
//! outlive the runtime stay valid: waking one does nothing.

use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::time::Duration;

use crate::context::{Enter, RuntimeContext};
use crate::executor::Core;
use crate::reactor;
use crate::task::JoinHandle;
use crate::time::driver::Driver;

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
    /// through `crate::context` while this runtime runs.
    context: RuntimeContext,
    reactor: reactor::Thread,
    _not_send: PhantomData<*const ()>,
}

impl Runtime {
    /// Creates a runtime and starts its reactor thread.
    ///
    /// Costs two kernel event queues (the reactor's and the executor's park
    /// queue, each with its waker) and one thread.
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

    /// Spawns a task on this runtime from outside it (before or between
    /// `block_on` calls). Inside the runtime, [`crate::spawn`] does the same.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.context.executor.spawn(future)
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
        self.reactor.shutdown();
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("live_tasks", &self.live_tasks())
            .field("pending_timers", &self.pending_timers())
            .field("reactor", &self.reactor)
            .finish()
    }
}

/// Configures a [`Runtime`] before creating it.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::time::Duration;
///
/// let rt = groundup::runtime::Builder::new()
///     .spin_before_park(Duration::ZERO) // never spin: park at once when idle
///     .build()?;
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// # Ok(())
/// # }
/// ```
///
/// tokio's names work too, so that `tokio::runtime::Builder` code ports by
/// renaming (see [`new_current_thread`](Builder::new_current_thread)):
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let rt = groundup::runtime::Builder::new_current_thread()
///     .enable_io() // accepted, and changes nothing: I/O and timers are
///     .enable_time() // always enabled (as is `enable_all`)
///     .start_paused(true)
///     .build()?;
/// rt.block_on(async {
///     let start = groundup::time::Instant::now();
///     groundup::time::sleep(std::time::Duration::from_secs(60)).await; // no real minute
///     assert!(start.elapsed() >= std::time::Duration::from_secs(60));
/// });
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    spin: Duration,
    hand_off: Duration,
    start_paused: bool,
}

impl Builder {
    /// The defaults: see each setting.
    pub fn new() -> Builder {
        Builder {
            spin: crate::executor::spin::DEFAULT_SPIN,
            hand_off: crate::executor::DEFAULT_HAND_OFF,
            start_paused: false,
        }
    }

    /// The same as [`Builder::new`], under tokio's name: groundup's runtime
    /// *is* tokio's `current_thread` kind (one executor thread; tasks need
    /// not be `Send`). There is no `new_multi_thread`: the executor is
    /// single-threaded by design.
    pub fn new_current_thread() -> Builder {
        Builder::new()
    }

    /// Enables the I/O and time drivers, for tokio compatibility. A no-op:
    /// every groundup runtime has both (the reactor thread is always
    /// started; the timer wheel costs nothing until a timer is used).
    pub fn enable_all(&mut self) -> &mut Builder {
        self
    }

    /// Enables the I/O driver, for tokio compatibility. A no-op: every
    /// groundup runtime starts its reactor thread, so I/O is always enabled.
    pub fn enable_io(&mut self) -> &mut Builder {
        self
    }

    /// Enables the time driver, for tokio compatibility. A no-op: every
    /// groundup runtime has its timer wheel, so timers are always enabled.
    pub fn enable_time(&mut self) -> &mut Builder {
        self
    }

    /// Whether the runtime's clock starts paused (default `false`), as if
    /// [`time::pause`](crate::time::pause) were the first thing the runtime
    /// ran: timers then auto-advance the clock whenever the runtime is idle.
    /// For tests of timer-heavy code; `#[groundup::test(start_paused =
    /// true)]` sets it.
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Builder {
        self.start_paused = start_paused;
        self
    }

    /// How long an idle executor may spin, waiting for a wake, before it
    /// parks in the kernel (default 50 µs). Spinning is adaptive: it is only
    /// tried while recent spins found work (see the executor's `spin`
    /// module). `Duration::ZERO` turns it off, for a runtime that must
    /// never use CPU while idle.
    pub fn spin_before_park(&mut self, spin: Duration) -> &mut Builder {
        self.spin = spin;
        self
    }

    /// How long the executor may run tasks without looking at the kernel
    /// before it hands polling to the reactor thread (default 1 ms).
    ///
    /// An idle executor sleeps in the reactor's poll itself, so an I/O
    /// event wakes its task on the executor's own thread. While it runs
    /// tasks nobody polls, until this much time has passed since its last
    /// look; then the reactor thread takes over polling while tasks run,
    /// and the executor takes it back when it is idle again. Shorter means
    /// fresher readiness during long batches at the price of more
    /// hand-overs (a few system calls each); `Duration::MAX` never hands
    /// off, and makes the executor look at the kernel (without blocking)
    /// every 61 task polls instead, as tokio's `current_thread` does.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    ///
    /// let rt = groundup::runtime::Builder::new()
    ///     .hand_off_polling_after(Duration::MAX) // the executor polls alone
    ///     .build()?;
    /// assert_eq!(rt.block_on(async { 2 + 2 }), 4);
    /// # Ok(())
    /// # }
    /// ```
    pub fn hand_off_polling_after(&mut self, busy: Duration) -> &mut Builder {
        self.hand_off = busy;
        self
    }

    /// Creates the runtime and starts its reactor thread.
    pub fn build(&self) -> io::Result<Runtime> {
        let reactor = reactor::start()?;
        let timers = Driver::new();
        if self.start_paused {
            timers.start_paused();
        }
        let executor =
            Core::new(self.spin, self.hand_off, timers.clone(), reactor.handle().clone());
        let context = RuntimeContext { executor, reactor: reactor.handle().clone(), timers };
        Ok(Runtime { context, reactor, _not_send: PhantomData })
    }
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
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
