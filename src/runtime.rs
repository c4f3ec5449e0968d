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

mod handle;

pub(crate) use handle::Injected;
pub use handle::{Handle, TryCurrentError};

use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::time::Duration;

use crate::blocking::spawner::{self, Spawner};
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
///     .spin_before_park(Duration::from_micros(20)) // spin up to 20 µs before sleeping
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
    max_blocking_threads: usize,
    keep_alive: Duration,
}

impl Builder {
    /// The defaults: see each setting.
    pub fn new() -> Builder {
        Builder {
            spin: crate::executor::spin::DEFAULT_SPIN,
            hand_off: crate::executor::DEFAULT_HAND_OFF,
            start_paused: false,
            max_blocking_threads: spawner::DEFAULT_MAX_THREADS,
            keep_alive: spawner::DEFAULT_KEEP_ALIVE,
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
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use groundup::time::{self, Duration, Instant};
    ///
    /// let rt = groundup::runtime::Builder::new().start_paused(true).build()?;
    /// rt.block_on(async {
    ///     let start = Instant::now();
    ///     // A day of sleeps, in no time: the clock jumps to each deadline.
    ///     time::sleep(Duration::from_secs(86_400)).await;
    ///     assert_eq!(start.elapsed(), Duration::from_secs(86_400));
    /// });
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Builder {
        self.start_paused = start_paused;
        self
    }

    /// How long an idle executor may spin, waiting for a wake, before it
    /// sleeps in the kernel (default `Duration::ZERO`: no spin).
    ///
    /// While it spins, the reactor thread polls the kernel for it, so an
    /// I/O event, a timer or a wake from another thread that comes during
    /// the spin finds the executor awake: no sleep and no wake-up through
    /// the scheduler, and the waker makes no system call. The price is a
    /// busy core while it waits, and a hand-back of the driver when the
    /// spin runs out (see the executor's `spin` module; figures in
    /// `BENCHMARKS.md`). With `hand_off_polling_after(Duration::MAX)` the
    /// executor keeps the driver, and a spin sees only wakes from other
    /// threads. Spinning is adaptive: it is only tried while recent spins
    /// found work.
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
    /// every 61 polls (the root future's included) instead, as tokio's
    /// `current_thread` does.
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

    /// The most threads the blocking pool may run at once (default 512, as
    /// in tokio). Past it, [`spawn_blocking`](crate::task::spawn_blocking)
    /// jobs wait in a queue for a thread to come free.
    ///
    /// # Panics
    ///
    /// If `limit` is 0 (no job could ever run), as tokio's does.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::runtime::Builder::new().max_blocking_threads(2).build()?;
    /// let sum = rt.block_on(async {
    ///     let jobs: Vec<_> = (0..8).map(|i| groundup::task::spawn_blocking(move || i)).collect();
    ///     let mut sum = 0;
    ///     for job in jobs {
    ///         sum += job.await.unwrap(); // eight jobs, two threads at a time
    ///     }
    ///     sum
    /// });
    /// assert_eq!(sum, 28);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn max_blocking_threads(&mut self, limit: usize) -> &mut Builder {
        assert!(limit > 0, "max_blocking_threads cannot be 0: no blocking job could run");
        self.max_blocking_threads = limit;
        self
    }

    /// How long an idle blocking-pool thread waits for a new job before it
    /// exits (default 10 s, as in tokio). `Duration::ZERO`: at once.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    ///
    /// let rt = groundup::runtime::Builder::new().thread_keep_alive(Duration::ZERO).build()?;
    /// assert_eq!(rt.block_on(rt.handle().spawn_blocking(|| 7)).unwrap(), 7);
    /// # Ok(())
    /// # }
    /// ```
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Builder {
        self.keep_alive = duration;
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
        let remote = executor.remote();
        // When the last blocking job in flight finishes, paused time may
        // move again: wake the executor to look.
        let on_idle = {
            let remote = remote.clone();
            Box::new(move || remote.unpark())
        };
        let blocking = Spawner::new(self.max_blocking_threads, self.keep_alive, on_idle);
        timers.watch_blocking(blocking.clone());
        let handle = Handle::new(remote, blocking.clone());
        let context =
            RuntimeContext { executor, reactor: reactor.handle().clone(), timers, blocking };
        Ok(Runtime { context, reactor, handle, blocking_wait: None, _not_send: PhantomData })
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
