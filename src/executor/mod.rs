//! The single-threaded executor: run queues, the run loop, and parking.
//!
//! The executor knows tasks only through [`crate::task`]'s internals (a
//! [`TaskRef`] to run, the [`Schedule`] trait it implements so that wakes can
//! reach it) and timers only through the driver it fires. Of the reactor it
//! knows a driver to turn and a sleep to be woken from (`reactor::Turn`,
//! `reactor::Handle::unpark_executor`); the reactor knows nothing of it, and
//! wakes tasks through their `Waker`s like any other code.
//!
//! ## Two queues
//!
//! - The **local queue** (`Core::local`, a `VecDeque`) takes wakes made on
//!   the executor thread itself — a task waking another, a timer firing,
//!   `spawn`. No atomics beyond the task's state word, no lock.
//! - The **remote queue** ([`queue::RemoteQueue`]) takes wakes from any other
//!   thread: the reactor thread while it polls, other threads' wakers. A
//!   push is one compare-and-swap; then the
//!   waker *unparks* the executor, which costs a system call only if the
//!   executor is actually asleep (see "Parking" below).
//!
//! A wake decides between them by looking at a thread-local of this module:
//! is this thread running the loop of the executor the task belongs to? That
//! thread-local is the executor's own business (nothing outside this module
//! reads it); the runtime as the public leaves see it lives in
//! [`crate::context`].
//!
//! ## The run loop ([`Core::block_on`])
//!
//! ```text
//! loop {
//!     poll the root future if it was woken            → return its output when Ready
//!     move the remote queue (I/O wakes) to the local queue
//!     run up to a batch of tasks from the local queue, FIFO
//!     fire due timers (their wakes go to the local queue)
//!     more to do, busy for hand_off_after? hand the driver to the reactor thread
//!     nothing to do? take the driver and sleep in it     (idle, wait_for_work)
//! }
//! ```
//!
//! Remote wakes join the local queue *before* it runs, so a root future that
//! yields lets every task woken so far (by the reactor or another thread)
//! run before it is polled again (tokio's `rt_basic::no_extra_poll`).
//!
//! The batch bounds how long remote wakes, injected futures and timers wait
//! behind a busy queue: a task that wakes itself forever goes to the back of
//! the queue each time, and after a batch (at most the *global queue
//! interval*, 61 polls by default, [`DEFAULT_INTERVAL`]) the executor looks
//! at its other sources. What it collects joins the back of the local
//! queue: a shorter interval makes newcomers join the line sooner, it does
//! not let them jump it. With the per-poll budget of [`crate::coop`], no
//! task can keep the loop from turning.
//!
//! The runtime `Builder`'s `global_queue_interval` sets the batch and
//! `event_interval` the polls between looks at the kernel (see below); a
//! batch ends early where the event interval falls due, so that neither is
//! overrun. Both count the root future's polls.
//!
//! What happens to a task once the loop takes it — poll, or drop an aborted
//! future, then idle, run again or complete — is decided by the task's own
//! state machine (`task/state.rs`) inside [`TaskRef::run`], which tells the
//! loop what to do with it next ([`Ran`]).
//!
//! ## Parking: sleeping in the reactor's poll
//!
//! When there is nothing to run, the executor takes the reactor's driver
//! (from the reactor thread, if it had handed it off) and sleeps *in* its
//! poll, with the next timer deadline as timeout (`wait_for_work`). An I/O
//! event then wakes its task right here, on this thread: a local queue
//! push, no second thread involved. Any other thread wakes the sleeping
//! executor through the driver's `Waker` ([`Shared::unpark`]).
//!
//! The protocol that makes a wake cost at most one system call, and none
//! while the executor runs, is in [`park`] (model-checked); a short adaptive
//! spin before sleeping is in [`spin`] (off by default: see there).
//!
//! While it runs tasks the executor owns the driver but does not poll it.
//! Two rules keep I/O from waiting behind work:
//!
//! - **Hand-off.** Between batches, if it has been busy for
//!   `hand_off_after` (1 ms by default, [`DEFAULT_HAND_OFF`]) since it last
//!   looked at the kernel and there is more to run, it hands the driver to
//!   the reactor thread, which polls while tasks run and queues the tasks
//!   that events wake (remote queue). `hand_off_after = Duration::MAX`
//!   turns this off; the executor then makes a non-blocking look every
//!   *event interval* polls instead (61 by default), as tokio does. An
//!   event interval set explicitly also bounds the polls before a
//!   hand-off; by default only the time does, because with hand-off on the
//!   reactor thread does the looking, and a count would only add hand-offs
//!   (a few system calls each) during bursts of short polls.
//! - **A look at least every millisecond.** An executor woken before it
//!   could sleep (work arrived) makes a non-blocking look anyway if its last
//!   one is older than `LOOK_AT_LEAST_EVERY`, so a steady stream of task
//!   wakes cannot starve I/O.
//!
//! The `on_thread_park` and `on_thread_unpark` hooks run around the wait
//! (`Core::idle`), in pairs, whether the wait ends up sleeping, spinning or
//! moving paused time.
//!
//! While time is paused ([`crate::time::pause`]) and a timer is pending, the
//! executor moves the clock instead of sleeping until the timer: see
//! `auto_advance.rs`.
//!
//! Futures spawned from other threads (through a runtime `Handle`) come in
//! by the inject queue, beside the remote queue, and become tasks here at
//! the top of a turn: see `inject.rs` and `remote.rs`.

mod auto_advance;
mod inject;
pub(crate) mod metrics;
mod owned;
mod park;
mod queue;
mod remote;
pub(crate) mod spin;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::pin;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering, fence};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use std::time::{Duration, Instant};

use crate::coop;
use crate::loom::sync::atomic::AtomicPtr;
use crate::reactor;
use crate::task::JoinHandle;
use crate::task::id::Id;
use crate::task::raw::{self, Header, NewTask, Ran, Schedule, TaskRef};
use crate::time::driver::Driver;

use inject::Inject;
use owned::OwnedTasks;
use park::ParkState;
use queue::RemoteQueue;
pub(crate) use remote::{Injected, Remote};

/// The default for both intervals of [`Config`]: tasks polled between two
/// looks at the remote queue and the timers, and (with hand-off off)
/// between two looks at the kernel. 61 is tokio's default event interval;
/// tokio's current-thread default for its global queue is 31, and ours
/// stays 61 because a look here takes the remote queue (one swap) and the
/// inject queue (one lock) whole, so looking less often costs no fairness among the
/// tasks already queued, only latency for the newcomers, which 61 short
/// polls bound.
pub(crate) const DEFAULT_INTERVAL: usize = 61;

/// How long the executor may run tasks, holding the reactor's driver
/// without polling it, before it hands the driver to the reactor thread
/// (see "Parking" in the module docs).
pub(crate) const DEFAULT_HAND_OFF: Duration = Duration::from_millis(1);

/// The oldest the last look at the kernel may be when the executor finds
/// work waiting instead of sleeping: it then looks (without blocking)
/// anyway.
const LOOK_AT_LEAST_EVERY: Duration = Duration::from_millis(1);

/// The executor state other threads can reach: through task wakers (each
/// task holds an `Arc<Shared>` as its `dyn Schedule`) and the root waker.
#[derive(Debug)]
pub(crate) struct Shared {
    remote: RemoteQueue<TaskRef>,
    /// Futures spawned from other threads (`remote.rs`).
    inject: Inject<Injected>,
    park: ParkState,
    /// The reactor whose driver the executor sleeps in, and whose waker
    /// wakes it there.
    reactor: reactor::Handle,
    /// The `block_on` future was woken.
    root_woken: AtomicBool,
    /// The runtime is shutting down or gone; late wakes are dropped.
    closed: AtomicBool,
    /// What `RuntimeMetrics` reads (`metrics.rs`).
    counters: metrics::Counters,
}

impl Schedule for Shared {
    /// Hands a scheduled task to this executor: the local queue when called
    /// on the executor's own thread, the remote queue (and an unpark)
    /// otherwise.
    fn schedule(&self, task: TaskRef) {
        let Some(task) = self.try_schedule_here(task) else { return };
        self.remote.push(task);
        // SeqCst fence, paired with the one in `Core::shutdown` (the
        // store-buffering pattern): either the executor's final drain sees
        // our push, or we see `closed` and drain the queue ourselves. Without
        // a fence on both sides, each could miss the other's write.
        fence(Ordering::SeqCst);
        if self.closed.load(Ordering::Relaxed) {
            self.drain_after_close();
            return;
        }
        self.unpark();
    }
}

impl Shared {
    /// On the thread running this executor's loop: pushes `task` on the
    /// local queue. Elsewhere: gives it back.
    fn try_schedule_here(&self, task: TaskRef) -> Option<TaskRef> {
        let mut task = Some(task);
        with_core_running_here(|core| {
            if ptr::eq(Arc::as_ptr(&core.shared), self) {
                core.local.borrow_mut().extend(task.take());
            }
        });
        task
    }

    fn is_running_here(&self) -> bool {
        with_core_running_here(|core| ptr::eq(Arc::as_ptr(&core.shared), self)) == Some(true)
    }

    /// Wakes the executor if it is parked; otherwise only records that there
    /// is news. At most one system call (two once the reactor has failed:
    /// the kick, then the handback site).
    fn unpark(&self) {
        if self.park.unpark() {
            self.reactor.unpark_executor();
        }
    }

    /// A wake raced with shutdown and pushed a task after the final drain:
    /// release it here, or the task (which holds an `Arc<Shared>`) and this
    /// queue (which holds the task) would keep each other alive forever.
    ///
    /// Releasing on this thread is sound: shutdown drops every future on the
    /// executor thread *before* releasing the executor's own reference, so
    /// the reference dropped here is never the one that could free a future.
    #[cold]
    fn drain_after_close(&self) {
        drop(self.remote.take_all());
    }

    fn root_waker(self: &Arc<Shared>) -> Waker {
        let data = Arc::into_raw(Arc::clone(self)).cast::<()>();
        // SAFETY: ROOT_WAKER_VTABLE's functions treat `data` as a pointer
        // from `Arc::into_raw(Arc<Shared>)` that owns one strong count, which
        // is what we just made.
        unsafe { Waker::from_raw(RawWaker::new(data, &ROOT_WAKER_VTABLE)) }
    }

    fn wake_root(&self) {
        // Release: pairs with the Acquire swap in `block_on`, so what the
        // waker wrote before waking is visible to the root future's poll.
        self.root_woken.store(true, Ordering::Release);
        if !self.is_running_here() {
            self.unpark();
        }
    }
}

// SAFETY: `into_raw`/`from_raw` hand over one counted reference, which keeps
// the header (and so its `queue_next`) alive while the queue holds it; only
// the remote queue touches `queue_next`, and a task is in it at most once at a
// time (its `SCHEDULED` bit). A `TaskRef` may move to, and be released on,
// any thread: what it owns there is a count in the atomic state word, and the
// last release frees a cell whose stage holds nothing thread-bound (see
// `task/raw.rs`); its thread-bound parts are only touched through `unsafe`
// methods whose contracts require the executor thread.
unsafe impl queue::Link for TaskRef {
    type Node = Header;

    fn into_raw(self) -> NonNull<Header> {
        TaskRef::into_raw(self)
    }

    unsafe fn from_raw(node: NonNull<Header>) -> TaskRef {
        // SAFETY: per the trait's contract the node came from `into_raw`,
        // which gave up a counted reference; this adopts it.
        unsafe { TaskRef::from_raw(node) }
    }

    unsafe fn link<'a>(node: NonNull<Header>) -> &'a AtomicPtr<Header> {
        // SAFETY: the node is live for as long as the reference is used
        // (contract).
        unsafe { &node.as_ref().queue_next }
    }
}

/// The waker of the future passed to `block_on`: it sets `root_woken` and
/// unparks. The data pointer is an `Arc<Shared>` (one strong count per
/// waker), so it stays valid however long the waker lives.
static ROOT_WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(root_clone, root_wake, root_wake_by_ref, root_drop);

/// # Safety
///
/// `data` came from `Arc::into_raw(Arc<Shared>)` and the waker owns a count.
unsafe fn root_clone(data: *const ()) -> RawWaker {
    // SAFETY: the count owned by the waker being cloned keeps it alive.
    unsafe { Arc::increment_strong_count(data.cast::<Shared>()) };
    RawWaker::new(data, &ROOT_WAKER_VTABLE)
}

/// # Safety
///
/// As for `root_clone`; consumes the waker's count.
unsafe fn root_wake(data: *const ()) {
    // SAFETY: takes back the count the waker owns.
    let shared = unsafe { Arc::from_raw(data.cast::<Shared>()) };
    shared.wake_root();
}

/// # Safety
///
/// As for `root_clone`.
unsafe fn root_wake_by_ref(data: *const ()) {
    // SAFETY: borrow the waker's count without consuming it.
    let shared = ManuallyDrop::new(unsafe { Arc::from_raw(data.cast::<Shared>()) });
    shared.wake_root();
}

/// # Safety
///
/// As for `root_clone`; consumes the waker's count.
unsafe fn root_drop(data: *const ()) {
    // SAFETY: releases the count the waker owns.
    unsafe { Arc::decrement_strong_count(data.cast::<Shared>()) };
}

/// A function the runtime's builder hands in (`on_thread_park`, ...).
pub(crate) type Hook = Arc<dyn Fn() + Send + Sync>;

/// How an executor behaves: the runtime `Builder`'s settings that reach it.
#[derive(Clone)]
pub(crate) struct Config {
    /// How long an idle executor may spin before it sleeps (`spin.rs`).
    pub(crate) spin: Duration,
    /// Busy this long since the last look at the kernel, hand the driver
    /// to the reactor thread; `Duration::MAX`: never.
    pub(crate) hand_off_after: Duration,
    /// At most this many polls between two looks at the remote and inject
    /// queues (and the timers): the length of a batch.
    pub(crate) global_queue_interval: usize,
    /// At most this many polls between two looks at the kernel (or
    /// hand-offs of it). `None`: [`DEFAULT_INTERVAL`] with hand-off off,
    /// and no count at all with hand-off on, where `hand_off_after` alone
    /// bounds the wait (see "Parking" in the module docs).
    pub(crate) event_interval: Option<usize>,
    /// Called around each wait for work.
    pub(crate) hooks: ParkHooks,
}

/// The `on_thread_park` and `on_thread_unpark` hooks (`Core::idle`).
#[derive(Clone, Default)]
pub(crate) struct ParkHooks {
    /// Called on the executor thread before it waits for work...
    pub(crate) before_park: Option<Hook>,
    /// ...and after the wait, in pairs.
    pub(crate) after_unpark: Option<Hook>,
}

impl fmt::Debug for ParkHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParkHooks")
            .field("before_park", &self.before_park.is_some())
            .field("after_unpark", &self.after_unpark.is_some())
            .finish()
    }
}

impl Config {
    /// The defaults (the runtime `Builder`'s).
    pub(crate) fn new() -> Config {
        Config {
            spin: spin::DEFAULT_SPIN,
            hand_off_after: DEFAULT_HAND_OFF,
            global_queue_interval: DEFAULT_INTERVAL,
            event_interval: None,
            hooks: ParkHooks::default(),
        }
    }

    /// Polls after which the executor looks at the kernel (or hands it
    /// off), from `event_interval` and the hand-off mode.
    fn look_after_polls(&self) -> usize {
        match self.event_interval {
            Some(polls) => polls.max(1),
            None if self.hand_off_after == Duration::MAX => DEFAULT_INTERVAL,
            None => usize::MAX,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("executor::Config")
            .field("spin", &self.spin)
            .field("hand_off_after", &self.hand_off_after)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .field("hooks", &self.hooks)
            .finish()
    }
}

/// The executor's thread-bound state.
#[derive(Debug)]
pub(crate) struct Core {
    shared: Arc<Shared>,
    local: RefCell<VecDeque<TaskRef>>,
    owned: OwnedTasks,
    spin: spin::Spin,
    timers: Driver,
    /// When the executor last polled the reactor's driver (a turn, blocking
    /// or not).
    last_look: Cell<Instant>,
    /// Busy this long since `last_look`, hand the driver off;
    /// `Duration::MAX`: never.
    hand_off_after: Duration,
    /// Polled this many tasks since `last_look`, look at the kernel (or
    /// hand it off); `usize::MAX`: no count (`Config::look_after_polls`).
    look_after_polls: usize,
    /// The most tasks a batch polls before the remote queue is looked at.
    batch: usize,
    /// Tasks polled since `last_look` (the root future's polls included).
    polls_since_look: Cell<usize>,
    /// When the executor last woke from a park (or started): busy since.
    busy_since: Cell<Instant>,
    hooks: ParkHooks,
}

thread_local! {
    /// The executor whose loop (`block_on` or `shutdown`) runs on this
    /// thread, if any: how a wake finds the local queue.
    static RUNNING_HERE: Cell<Option<NonNull<Core>>> = const { Cell::new(None) };
}

/// Runs `f` with the executor whose loop runs on this thread, if any.
fn with_core_running_here<R>(f: impl FnOnce(&Core) -> R) -> Option<R> {
    RUNNING_HERE.with(|current| {
        // SAFETY: RUNNING_HERE is only set by `RunningHere`, which borrows
        // the `Core` for as long as the pointer is installed and clears it
        // on drop, so a non-null pointer refers to a live `Core`.
        current.get().map(|core| f(unsafe { core.as_ref() }))
    })
}

/// Marks a `Core`'s loop as running on this thread, until dropped.
struct RunningHere<'a> {
    previous: Option<NonNull<Core>>,
    _core: &'a Core,
}

impl<'a> RunningHere<'a> {
    fn new(core: &'a Core) -> RunningHere<'a> {
        let previous = RUNNING_HERE.with(|c| c.replace(Some(NonNull::from(core))));
        RunningHere { previous, _core: core }
    }
}

impl Drop for RunningHere<'_> {
    fn drop(&mut self) {
        RUNNING_HERE.with(|c| c.set(self.previous));
        coop::clear();
    }
}

impl Core {
    /// An executor that fires `timers`, sleeps in `reactor`'s driver, and
    /// does what `config` says.
    pub(crate) fn new(config: Config, timers: Driver, reactor: reactor::Handle) -> Core {
        let shared = Arc::new(Shared {
            remote: RemoteQueue::new(),
            inject: Inject::new(),
            park: ParkState::new(),
            reactor,
            root_woken: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            counters: metrics::Counters::default(),
        });
        Core {
            shared,
            local: RefCell::new(VecDeque::new()),
            owned: OwnedTasks::default(),
            spin: spin::Spin::new(config.spin),
            timers,
            last_look: Cell::new(Instant::now()),
            hand_off_after: config.hand_off_after,
            look_after_polls: config.look_after_polls(),
            batch: config.global_queue_interval.max(1),
            polls_since_look: Cell::new(0),
            busy_since: Cell::new(Instant::now()),
            hooks: config.hooks,
        }
    }

    /// Spawns a task (see `groundup::spawn`) with a fresh id. Executor
    /// thread only (the runtime is `!Send`).
    pub(crate) fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawn_as(Id::next(), future)
    }

    /// Spawns a task under `id`, drawn already: a future handed over from
    /// another thread, or from a `LocalSet` that had no runtime yet, keeps
    /// the id its `JoinHandle` has reported since it was spawned there.
    pub(crate) fn spawn_as<F>(&self, id: Id, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let scheduler: Arc<dyn Schedule> = self.shared.clone();
        let NewTask { owned, queued, join } = raw::new_task(id, future, scheduler);
        if self.shared.closed.load(Ordering::Relaxed) {
            // During shutdown (a future's `Drop` may spawn): cancelled
            // before it starts.
            // SAFETY: executor thread; the task was never polled.
            unsafe { owned.shut_down() };
            return join;
        }
        self.owned.insert(owned);
        self.shared.counters.set_alive_tasks(self.owned.len());
        self.local.borrow_mut().push_back(queued);
        join
    }

    /// Runs `future` to completion, running spawned tasks meanwhile. The
    /// caller (`Runtime::block_on`) has checked that no other runtime's
    /// loop runs on this thread.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _running = RunningHere::new(self);
        let mut future = pin!(future);
        let waker = self.shared.root_waker();
        let mut cx = Context::from_waker(&waker);
        self.shared.root_woken.store(true, Ordering::Relaxed);
        loop {
            // Acquire: pairs with the Release in `wake_root`.
            let root_polled = self.shared.root_woken.swap(false, Ordering::Acquire);
            if root_polled {
                coop::reset();
                if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                    return output;
                }
                // The root's poll counts: a root that keeps waking itself
                // (a `yield_now` loop) must not keep the kernel unlooked-at.
                self.count_polls(1);
            }
            // Wakes from other threads (the reactor's, chiefly) join the
            // local queue before it runs: a root future that yields must let
            // every task woken so far run before it is polled again.
            self.collect_remote();
            let ran = self.run_local(self.batch_limit());
            self.count_polls(ran);
            self.timers.fire_due();
            if self.local.borrow().is_empty() && !self.shared.root_woken.load(Ordering::Relaxed) {
                self.idle();
            } else {
                self.between_batches();
            }
        }
    }

    /// How many tasks the next batch may poll: `batch` (the global queue
    /// interval), or fewer if the event interval falls due sooner, so that
    /// neither interval is overrun.
    fn batch_limit(&self) -> usize {
        let to_look = self.look_after_polls.saturating_sub(self.polls_since_look.get());
        self.batch.min(to_look).max(1)
    }

    fn count_polls(&self, polls: usize) {
        self.polls_since_look.set(self.polls_since_look.get().saturating_add(polls));
    }

    /// Polls up to `limit` tasks from the local queue; returns how many.
    fn run_local(&self, limit: usize) -> usize {
        for ran in 0..limit {
            let Some(task) = self.local.borrow_mut().pop_front() else { return ran };
            self.run(task);
        }
        limit
    }

    /// More work waits after a batch: keep I/O flowing meanwhile. Busy for
    /// `hand_off_after` since the last look, or `look_after_polls` polls:
    /// give the driver to the reactor thread. Hand-off off: look at the
    /// kernel every `look_after_polls` polls.
    fn between_batches(&self) {
        let reactor = &self.shared.reactor;
        if reactor.thread_polls() {
            if reactor.thread_stopped() {
                self.look(); // takes the driver back from a thread that left
            }
            return;
        }
        let count_due = self.polls_since_look.get() >= self.look_after_polls;
        if self.hand_off_after == Duration::MAX {
            if count_due {
                self.look();
            }
            return;
        }
        if count_due || self.last_look.get().elapsed() >= self.hand_off_after {
            if let Some(turn) = reactor.try_drive() {
                if !reactor.hand_off(turn) {
                    self.look(); // the thread takes nothing: look ourselves
                }
            }
        }
    }

    /// Nothing to run: waits for work, between the `before_park` and
    /// `after_unpark` hooks (tokio's `on_thread_park`/`on_thread_unpark`),
    /// which are called in pairs, on this thread, with the runtime current,
    /// so a hook may spawn. A task the first hook spawns (or wakes) cancels
    /// the wait, as in tokio.
    fn idle(&self) {
        if let Some(hook) = &self.hooks.before_park {
            hook();
        }
        if self.local.borrow().is_empty() && !self.shared.root_woken.load(Ordering::Relaxed) {
            self.count_park();
            self.wait_for_work();
            self.count_unpark();
        }
        if let Some(hook) = &self.hooks.after_unpark {
            hook();
        }
    }

    /// Adds the busy span ending now to the counters, and one park.
    fn count_park(&self) {
        self.shared.counters.parking(self.busy_since.get().elapsed());
    }

    /// Counts the unpark, and starts a busy span.
    fn count_unpark(&self) {
        self.busy_since.set(Instant::now());
        self.shared.counters.unparked();
    }

    /// A non-blocking look at the kernel: dispatches what is ready (the
    /// woken tasks join the local queue).
    fn look(&self) {
        let mut turn = self.shared.reactor.drive();
        while turn.look() {}
        drop(turn);
        self.looked();
    }

    fn looked(&self) {
        self.last_look.set(Instant::now());
        self.polls_since_look.set(0);
    }

    /// Moves every remotely woken task to the back of the local queue,
    /// after spawning the futures injected from other threads.
    fn collect_remote(&self) {
        self.spawn_injected();
        if self.shared.remote.is_empty() {
            return;
        }
        let drained = self.shared.remote.take_all();
        self.local.borrow_mut().extend(drained);
    }

    /// Runs one task, given the queue entry's reference, and does what its
    /// state machine says comes next.
    fn run(&self, task: TaskRef) {
        coop::reset();
        // SAFETY: this is the executor thread that owns the task, and no
        // task is being polled (the loop runs one at a time, and a task's
        // poll cannot re-enter this loop: nested `block_on` is refused).
        match unsafe { task.run() } {
            Ran::Waiting => {}
            Ran::Requeue(task) => self.local.borrow_mut().push_back(task),
            Ran::Finished(task) => {
                // SAFETY: every task is in `owned` from spawn until it
                // finishes, which happens once; shutdown, the only other
                // place that removes tasks, runs none.
                drop(unsafe { self.owned.remove(task.ptr()) });
                self.shared.counters.set_alive_tasks(self.owned.len());
            }
        }
    }

    /// Sleeps in the reactor's driver until an event, a wake or the next
    /// timer, unless there is news already.
    fn wait_for_work(&self) {
        // Paused time: the clock moves here, instead of a sleep in real time
        // (the time driver decides; see `auto_advance.rs`).
        if self.timers.should_auto_advance() {
            return self.look_then_auto_advance();
        }
        let timeout = self.timers.next_timeout();
        if timeout == Some(Duration::ZERO) {
            return; // a timer is due: run it, leaving the driver where it is
        }
        if self.spin.is_on() && self.spin_while_the_thread_polls(timeout) {
            return;
        }
        self.sleep_in_driver();
    }

    /// The configured spin (see `spin.rs`): hands the driver to the reactor
    /// thread, if it can take it, and spins watching the park word while
    /// the thread waits in the kernel. An event then wakes its task from
    /// the reactor thread with a store the spin sees (the word says
    /// `RUNNING`: no system call), and the executor runs it without ever
    /// having slept. The spin ends by `timeout`, the next timer. Returns
    /// whether a wake came; if not, the executor goes on to take the
    /// driver back and sleep in it.
    ///
    /// With hand-off turned off, or a reactor thread that is gone, the
    /// executor keeps the driver and the spin watches for wakes from other
    /// threads only.
    fn spin_while_the_thread_polls(&self, timeout: Option<Duration>) -> bool {
        let reactor = &self.shared.reactor;
        if !reactor.thread_polls() && self.hand_off_after != Duration::MAX {
            if let Some(turn) = reactor.try_drive() {
                // Refused (the thread is gone): the driver stays ours.
                let _ = reactor.hand_off(turn);
            }
        }
        self.shared.park.spin(|notified| self.spin.spin(timeout, notified))
    }

    /// Takes the driver (while the park word still says `RUNNING`, so that
    /// wakes meanwhile cost nothing), then parks in it: a turn that blocks
    /// until the next timer is due. Woken before it could sleep, it still
    /// looks if its last look is stale.
    ///
    /// The timeout is read only once the driver is in hand: taking it back
    /// from the reactor thread waits for the thread's turn to end, and a
    /// timeout read before that wait would fire the timer late by it.
    fn sleep_in_driver(&self) {
        let mut turn = self.shared.reactor.drive();
        let timeout = self.timers.next_timeout();
        if timeout == Some(Duration::ZERO) {
            return; // fell due while we took the driver back
        }
        let slept = Cell::new(false);
        self.shared.park.park(|| {
            slept.set(true);
            turn.sleep(timeout);
        });
        if !slept.get() && self.last_look.get().elapsed() < LOOK_AT_LEAST_EVERY {
            return;
        }
        if !slept.get() {
            while turn.look() {}
        }
        drop(turn);
        self.looked();
    }

    /// Drops every task still alive, on this thread, and closes the
    /// executor to new work. Called when the runtime is dropped.
    pub(crate) fn shutdown(&self) {
        let _running = RunningHere::new(self);
        self.shared.closed.store(true, Ordering::SeqCst);
        // Pairs with the fence in `Shared::schedule`.
        fence(Ordering::SeqCst);
        // Futures injected and not yet spawned: never tasks, dropped here.
        drop(self.shared.inject.close());
        // Dropping a future can wake or spawn others; loop until quiet.
        while let Some(task) = self.owned.pop() {
            self.shared.counters.set_alive_tasks(self.owned.len());
            // SAFETY: executor thread, and no task is being polled.
            unsafe { task.shut_down() };
        }
        self.local.borrow_mut().clear();
        drop(self.shared.remote.take_all());
        self.timers.shutdown();
    }

    /// Live tasks (spawned and not finished).
    pub(crate) fn live_tasks(&self) -> usize {
        self.owned.len()
    }
}
