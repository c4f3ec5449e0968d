//! [`Builder`]: a runtime's settings, and the runtime built from them.
//!
//! The settings keep tokio's names and signatures, so that a
//! `tokio::runtime::Builder::new_current_thread()` chain ports by renaming.
//! Each reaches the part of the runtime it configures when [`build`]
//! assembles it: the executor (`executor::Config`: spinning, hand-off, the
//! two intervals, the park hooks), the blocking pool (`blocking::spawner`:
//! its bound, keep-alive, thread names, stack size, start and stop hooks),
//! the reactor (the events buffer's capacity) and the timers (paused
//! start).
//!
//! Which threads the thread settings reach, and why the reactor thread
//! is not among them, is said on [`Builder`] itself, where users read it.
//!
//! [`build`]: Builder::build

use std::io;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use super::{Handle, Runtime};
use crate::blocking::spawner::{self, Spawner, Threads};
use crate::context::{self, RuntimeContext};
use crate::executor::{self, Core};
use crate::reactor;
use crate::time::driver::Driver;

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
///
/// # The threads a groundup runtime has, and which settings reach them
///
/// - **The thread that calls `block_on`** runs the executor. It is yours,
///   not the runtime's: nothing renames it or changes its stack. The park
///   hooks ([`on_thread_park`](Builder::on_thread_park) and
///   [`on_thread_unpark`](Builder::on_thread_unpark)) run on it, around
///   each wait for work, as on tokio's `current_thread` runtime.
/// - **The blocking pool's threads** are what tokio's thread settings
///   configure on a `current_thread` runtime, and here too:
///   [`thread_name`](Builder::thread_name) (or
///   [`thread_name_fn`](Builder::thread_name_fn)),
///   [`thread_stack_size`](Builder::thread_stack_size),
///   [`on_thread_start`](Builder::on_thread_start) and
///   [`on_thread_stop`](Builder::on_thread_stop).
/// - **The reactor thread** (`groundup-reactor`), which tokio does not
///   have, takes none of them. It runs no code of yours but wakers: it
///   polls the kernel while the executor is busy and hands the tasks that
///   events wake to the executor. A start hook exists to prepare a thread
///   for your code (a tracing span, a thread-local), and a name or stack
///   size for your code's needs, so none applies; and a fixed name keeps
///   the reactor recognisable in a debugger, `top -H` or a trace
///   (`GROUNDUP_TRACE=1` prints each system call's thread). Its stack is
///   std's default, which its loop (no recursion, a fixed events buffer on
///   the heap) is far from needing.
///
#[derive(Debug, Clone)]
pub struct Builder {
    /// Spin, hand-off, the intervals, the park hooks.
    executor: executor::Config,
    /// The blocking pool's thread names, stack size and hooks.
    threads: Threads,
    start_paused: bool,
    max_blocking_threads: usize,
    keep_alive: Duration,
    /// The capacity of the reactor's events buffer.
    events_per_poll: usize,
}

impl Builder {
    /// The defaults: see each setting.
    pub fn new() -> Builder {
        Builder {
            executor: executor::Config::new(),
            threads: Threads::new(),
            start_paused: false,
            max_blocking_threads: spawner::DEFAULT_MAX_THREADS,
            keep_alive: spawner::DEFAULT_KEEP_ALIVE,
            events_per_poll: reactor::DEFAULT_EVENTS_PER_POLL,
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
        self.executor.spin = spin;
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
        self.executor.hand_off_after = busy;
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

    /// The name of the blocking pool's threads (default
    /// `groundup-blocking`), as tokio's `thread_name`.
    ///
    /// A `current_thread` runtime's only threads of its own are the
    /// blocking pool's: the thread that calls `block_on` is the caller's
    /// and keeps its name, and groundup's reactor thread keeps
    /// `groundup-reactor` (see [`Builder`]'s docs for why).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::runtime::Builder::new_current_thread().thread_name("my-pool").build()?;
    /// let job = rt.spawn_blocking(|| std::thread::current().name().map(String::from));
    /// assert_eq!(rt.block_on(job).unwrap().as_deref(), Some("my-pool"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn thread_name(&mut self, name: impl Into<String>) -> &mut Builder {
        let name = name.into();
        self.threads.name = Arc::new(move || name.clone());
        self
    }

    /// A function that names each new blocking-pool thread, called on the
    /// thread that starts it (the one calling `spawn_blocking`), once per
    /// thread; as tokio's `thread_name_fn`. It replaces
    /// [`thread_name`](Builder::thread_name), and the other way round.
    ///
    /// A panic in `f` reaches the `spawn_blocking` that needed a thread,
    /// after the pool has counted the thread as never started.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let rt = groundup::runtime::Builder::new_current_thread()
    ///     .thread_name_fn(|| {
    ///         static NEXT: AtomicUsize = AtomicUsize::new(0);
    ///         format!("my-pool-{}", NEXT.fetch_add(1, Ordering::Relaxed))
    ///     })
    ///     .build()?;
    /// let job = rt.spawn_blocking(|| std::thread::current().name().map(String::from));
    /// assert_eq!(rt.block_on(job).unwrap().as_deref(), Some("my-pool-0"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.threads.name = Arc::new(f);
        self
    }

    /// The stack size, in bytes, of the blocking pool's threads (default:
    /// std's, 2 MiB unless `RUST_MIN_STACK` says otherwise), as tokio's
    /// `thread_stack_size`. The system may round it up to its minimum (so
    /// 0, which tokio accepts too, means the smallest stack the system
    /// allows). The caller's thread and the reactor thread keep theirs.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::runtime::Builder::new_current_thread()
    ///     .thread_stack_size(8 * 1024 * 1024) // for a deeply recursive job
    ///     .build()?;
    /// assert_eq!(rt.block_on(rt.spawn_blocking(|| 6 * 7)).unwrap(), 42);
    /// # Ok(())
    /// # }
    /// ```
    pub fn thread_stack_size(&mut self, bytes: usize) -> &mut Builder {
        self.threads.stack_size = Some(bytes);
        self
    }

    /// Runs `f` first on each new blocking-pool thread, before it takes a
    /// job; as tokio's `on_thread_start`, for bookkeeping and monitoring.
    /// A panic in `f` is reported on stderr, and the thread carries on.
    /// Setting it again replaces the hook.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let started = Arc::new(AtomicUsize::new(0));
    /// let rt = groundup::runtime::Builder::new_current_thread()
    ///     .on_thread_start({
    ///         let started = Arc::clone(&started);
    ///         move || {
    ///             started.fetch_add(1, Ordering::Relaxed);
    ///         }
    ///     })
    ///     .build()?;
    /// rt.block_on(rt.spawn_blocking(|| ())).unwrap();
    /// assert_eq!(started.load(Ordering::Relaxed), 1); // before the job ran
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.threads.on_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` last on each blocking-pool thread, after its last job,
    /// before it exits (at its keep-alive, or at shutdown); as tokio's
    /// `on_thread_stop`. Once the runtime is dropped every thread's hook
    /// has returned (a [`shutdown_timeout`](Runtime::shutdown_timeout)
    /// waits for them within its time). A panic in `f` is reported on
    /// stderr. Setting it again replaces the hook.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let stopped = Arc::new(AtomicUsize::new(0));
    /// let rt = groundup::runtime::Builder::new_current_thread()
    ///     .on_thread_stop({
    ///         let stopped = Arc::clone(&stopped);
    ///         move || {
    ///             stopped.fetch_add(1, Ordering::Relaxed);
    ///         }
    ///     })
    ///     .build()?;
    /// rt.block_on(rt.spawn_blocking(|| ())).unwrap();
    /// drop(rt); // stops the pool's one thread, and waits for it
    /// assert_eq!(stopped.load(Ordering::Relaxed), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.threads.on_stop = Some(Arc::new(f));
        self
    }

    /// Runs `f` on the thread in `block_on` each time the executor has
    /// nothing to run and is about to wait for work (an event, a wake, a
    /// timer; or, with time paused, a jump of the clock); as tokio's
    /// `on_thread_park`. `f` runs inside the runtime, so it may spawn: a
    /// task it spawns (or wakes) cancels the wait. Always followed by
    /// [`on_thread_unpark`](Builder::on_thread_unpark)'s hook. A panic in
    /// `f` propagates out of `block_on`. Setting it again replaces the
    /// hook.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    ///
    /// let once = AtomicBool::new(true);
    /// let barrier = Arc::new(groundup::sync::Barrier::new(2));
    /// let rt = groundup::runtime::Builder::new_current_thread()
    ///     .on_thread_park({
    ///         let barrier = Arc::clone(&barrier);
    ///         move || {
    ///             let barrier = Arc::clone(&barrier);
    ///             if once.swap(false, Ordering::Relaxed) {
    ///                 // Work started only once the runtime is idle.
    ///                 groundup::spawn(async move { barrier.wait().await });
    ///             }
    ///         }
    ///     })
    ///     .build()?;
    /// rt.block_on(async { barrier.wait().await });
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.executor.hooks.before_park = Some(Arc::new(f));
        self
    }

    /// Runs `f` on the thread in `block_on` each time the executor's wait
    /// for work ends, before it runs tasks again; as tokio's
    /// `on_thread_unpark`. Called once after each
    /// [`on_thread_park`](Builder::on_thread_park) hook, also when the
    /// wait was cancelled. Setting it again replaces the hook.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let unparked = Arc::new(AtomicUsize::new(0));
    /// let rt = groundup::runtime::Builder::new_current_thread()
    ///     .start_paused(true)
    ///     .on_thread_unpark({
    ///         let unparked = Arc::clone(&unparked);
    ///         move || {
    ///             unparked.fetch_add(1, Ordering::Relaxed);
    ///         }
    ///     })
    ///     .build()?;
    /// // Paused time moves only when the executor is idle: it parks (and
    /// // unparks) for the clock to jump to the timer.
    /// rt.block_on(async { groundup::time::sleep(std::time::Duration::from_secs(1)).await });
    /// assert!(unparked.load(Ordering::Relaxed) >= 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.executor.hooks.after_unpark = Some(Arc::new(f));
        self
    }

    /// At most this many task polls (the root future's included) between
    /// two looks at the kernel for I/O events; as tokio's `event_interval`
    /// (tokio's default, 61, is ours).
    ///
    /// What a "look" is depends on the hand-off
    /// ([`hand_off_polling_after`](Builder::hand_off_polling_after)). With
    /// hand-off off, it is a non-blocking poll of the driver by the
    /// executor, exactly tokio's `current_thread` event tick: the default
    /// of 61 applies. With hand-off on (the default), a busy executor hands
    /// the driver to the reactor thread, which then polls continuously
    /// while tasks run; by default only the time bound (1 ms) triggers the
    /// hand-off, and an interval set here also triggers it after this many
    /// polls. Either way a batch of tasks ends where the interval falls
    /// due, and the timers are fired at every batch's end, so they too wait
    /// at most this many polls.
    ///
    /// # Panics
    ///
    /// If `polls` is 0 ("event_interval must be greater than 0", as tokio).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    ///
    /// let rt = groundup::runtime::Builder::new_current_thread()
    ///     .hand_off_polling_after(Duration::MAX) // the executor polls alone...
    ///     .event_interval(16) // ...every 16 polls while busy
    ///     .build()?;
    /// assert_eq!(rt.block_on(async { 1 + 2 }), 3);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn event_interval(&mut self, polls: u32) -> &mut Builder {
        assert!(polls > 0, "event_interval must be greater than 0");
        self.executor.event_interval = Some(to_usize(polls));
        self
    }

    /// At most this many task polls (the root future's included) between
    /// two looks at the queues other threads fill: wakes from the reactor
    /// thread and from other threads' wakers, and futures spawned through
    /// a [`Handle`] from another thread; as tokio's
    /// `global_queue_interval`. It is the length of the executor's batch:
    /// after one, the executor takes both queues whole and appends them to
    /// its local run queue, and fires due timers. Default 61, where
    /// tokio's `current_thread` default is 31: taking a queue whole is one
    /// swap (or one lock) however long it is, so a longer interval costs no fairness
    /// among the tasks already queued, only latency for the newcomers,
    /// which 61 short polls bound (the default batch was 61 before the
    /// setting existed, and the benchmarks were measured with it).
    ///
    /// The tasks collected join the back of the local queue, behind those
    /// already ready: a smaller interval lets newcomers join the line
    /// sooner, but, unlike in tokio at `1`, does not put them ahead of it.
    ///
    /// # Panics
    ///
    /// If `polls` is 0 ("global_queue_interval must be greater than 0", as
    /// tokio).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::runtime::Builder::new_current_thread().global_queue_interval(31).build()?;
    /// assert_eq!(rt.block_on(async { 2 + 3 }), 5);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn global_queue_interval(&mut self, polls: u32) -> &mut Builder {
        assert!(polls > 0, "global_queue_interval must be greater than 0");
        self.executor.global_queue_interval = to_usize(polls);
        self
    }

    /// The most I/O events one poll of the kernel returns (default 1024,
    /// as in tokio): the capacity of the reactor's events buffer, used by
    /// whichever thread polls it (the executor or the reactor thread). A
    /// poll that fills it is followed by another at once, so a small
    /// buffer loses no event; it costs more system calls under load.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0 ("max_io_events_per_tick must be greater than
    /// 0", as tokio): a poll with no room fails.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::runtime::Builder::new_current_thread()
    ///     .enable_io()
    ///     .max_io_events_per_tick(256)
    ///     .build()?;
    /// assert_eq!(rt.block_on(async { 3 + 4 }), 7);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn max_io_events_per_tick(&mut self, capacity: usize) -> &mut Builder {
        assert!(capacity > 0, "max_io_events_per_tick must be greater than 0");
        self.events_per_poll = capacity;
        self
    }

    /// Creates the runtime and starts its reactor thread.
    pub fn build(&self) -> io::Result<Runtime> {
        let reactor = reactor::start(self.events_per_poll)?;
        let timers = Driver::new();
        if self.start_paused {
            timers.start_paused();
        }
        let executor = Core::new(self.executor.clone(), timers.clone(), reactor.handle().clone());
        let remote = executor.remote();
        // When the last blocking job in flight finishes, paused time may
        // move again: wake the executor to look.
        let on_idle = Box::new(move || remote.unpark());
        let blocking =
            Spawner::new(self.max_blocking_threads, self.keep_alive, on_idle, self.threads.clone());
        timers.watch_blocking(blocking.clone());
        let context = Rc::new(RuntimeContext {
            executor,
            reactor: reactor.handle().clone(),
            timers,
            blocking,
            id: super::Id::next_raw(),
        });
        context::register_owned(&context);
        let handle = Handle::new(context.remote());
        Ok(Runtime { context, reactor, handle, blocking_wait: None, _not_send: PhantomData })
    }
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

/// A `u32` setting as a count (`usize` is at least 32 bits on every target
/// groundup supports).
fn to_usize(polls: u32) -> usize {
    usize::try_from(polls).unwrap_or(usize::MAX)
}
