//! The single-threaded executor: run queues, the run loop, and parking.
//!
//! ## Two queues
//!
//! - The **local queue** (`Core::local`, a `VecDeque`) takes wakes made on
//!   the executor thread itself — a task waking another, a timer firing,
//!   `spawn`. No atomics beyond the task's state word, no lock.
//! - The **remote queue** ([`queue::RemoteQueue`]) takes wakes from any other
//!   thread, chiefly the reactor. A push is one compare-and-swap; then the
//!   waker *unparks* the executor, which costs a system call only if the
//!   executor is actually asleep (see "Parking" below).
//!
//! A waker decides between them by looking at a thread-local: is this thread
//! currently running the executor the task belongs to?
//!
//! ## The run loop ([`Core::block_on`])
//!
//! ```text
//! loop {
//!     poll the root future if it was woken            → return its output when Ready
//!     move the remote queue (I/O wakes) to the local queue
//!     run up to EVENT_INTERVAL tasks from the local queue, FIFO
//!     fire due timers (their wakes go to the local queue)
//!     nothing to do? park until a wake or the next timer
//! }
//! ```
//!
//! The interval bounds how long I/O and timers wait behind a busy queue: a
//! task that wakes itself forever goes to the back of the queue each time, and
//! after `EVENT_INTERVAL` polls the executor looks at its other sources. With
//! the per-poll budget of [`crate::coop`], no task can keep the loop from turning.
//!
//! ## Parking
//!
//! When there is nothing to run, the executor sleeps in its own small
//! [`Poll`](crate::poll::Poll), which contains only a [`Waker`]; the timeout
//! is the next timer deadline. Any thread wakes it with that `Waker`. Reusing
//! the poll layer keeps parking portable (epoll, kqueue, IOCP) and countable.
//!
//! A three-state flag makes wakes cheap:
//!
//! | `park_state` | meaning | what `unpark` does |
//! |---|---|---|
//! | `RUNNING` | the executor is working | set `NOTIFIED`: no syscall |
//! | `NOTIFIED` | a wake is pending | nothing |
//! | `PARKED` | asleep in `poll` | set `NOTIFIED` and `Waker::wake`: one syscall |
//!
//! So a wake costs at most one system call, and none while the executor
//! runs; a burst of reactor wakes costs one in total (the reactor also holds
//! back its unpark until the end of each batch, see [`crate::reactor`]).

mod owned;
mod queue;
pub(crate) mod spin;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::mem::ManuallyDrop;
use std::pin::pin;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering, fence};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use std::time::Duration;

use crate::coop;
use crate::poll::{self, Events, Token};
use crate::reactor;
use crate::task::JoinHandle;
use crate::task::raw::{self, TaskRef};
use crate::task::state::{CLOSED, COMPLETED, JOIN_INTEREST, RUNNING, SCHEDULED};
use crate::time;

use owned::OwnedTasks;
use queue::RemoteQueue;

/// Tasks polled between two looks at the remote queue and the timers
/// (tokio's figure for its current-thread scheduler).
const EVENT_INTERVAL: usize = 61;

const PARK_RUNNING: u8 = 0;
const PARK_NOTIFIED: u8 = 1;
const PARK_PARKED: u8 = 2;

/// The executor state other threads can reach: through task wakers (via
/// each task's `Arc<Shared>`) and the root waker.
#[derive(Debug)]
pub(crate) struct Shared {
    remote: RemoteQueue,
    park_state: AtomicU8,
    /// Wakes the park `Poll`.
    unparker: poll::Waker,
    /// The `block_on` future was woken.
    root_woken: AtomicBool,
    /// The runtime is shutting down or gone; late wakes are dropped.
    closed: AtomicBool,
}

impl Shared {
    /// Hands a scheduled task to its executor: the local queue when called on
    /// the executor's own thread, the remote queue (and an unpark) otherwise.
    pub(crate) fn schedule(this: &Arc<Shared>, task: TaskRef) {
        let mut task = Some(task);
        with_current(|core| {
            if ptr::eq(Arc::as_ptr(&core.shared), Arc::as_ptr(this)) {
                core.local.borrow_mut().extend(task.take());
            }
        });
        let Some(task) = task else { return };
        this.remote.push(task);
        // SeqCst fence, paired with the one in `Core::shutdown` (the
        // store-buffering pattern): either the executor's final drain sees
        // our push, or we see `closed` and drain the queue ourselves. Without
        // a fence on both sides, each could miss the other's write.
        fence(Ordering::SeqCst);
        if this.closed.load(Ordering::Relaxed) {
            this.drain_after_close();
            return;
        }
        reactor::unpark_or_defer(this);
    }

    /// Wakes the executor if it is parked; otherwise only records that there
    /// is news. At most one system call.
    pub(crate) fn unpark(&self) {
        // AcqRel: Release publishes the push that preceded this call to the
        // executor's Acquire in `park`; Acquire orders our read of PARKED.
        if self.park_state.swap(PARK_NOTIFIED, Ordering::AcqRel) == PARK_PARKED {
            // A failing wake (the eventfd or port is broken) cannot be
            // reported to the waking code; the executor also wakes for its
            // next timer, so this only delays. Report it loudly in debug.
            let result = self.unparker.wake();
            debug_assert!(result.is_ok(), "unpark failed: {result:?}");
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

    fn wake_root(this: &Arc<Shared>) {
        this.root_woken.store(true, Ordering::Release);
        let on_executor =
            with_current(|core| ptr::eq(Arc::as_ptr(&core.shared), Arc::as_ptr(this)));
        if on_executor != Some(true) {
            reactor::unpark_or_defer(this);
        }
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
    Shared::wake_root(&shared);
}

/// # Safety
///
/// As for `root_clone`.
unsafe fn root_wake_by_ref(data: *const ()) {
    // SAFETY: borrow the waker's count without consuming it.
    let shared = ManuallyDrop::new(unsafe { Arc::from_raw(data.cast::<Shared>()) });
    Shared::wake_root(&shared);
}

/// # Safety
///
/// As for `root_clone`; consumes the waker's count.
unsafe fn root_drop(data: *const ()) {
    // SAFETY: releases the count the waker owns.
    unsafe { Arc::decrement_strong_count(data.cast::<Shared>()) };
}

/// The executor's thread-bound state, and the runtime's context: the reactor
/// and timer handles live here so futures can reach them from any task.
#[derive(Debug)]
pub(crate) struct Core {
    pub(crate) shared: Arc<Shared>,
    local: RefCell<VecDeque<TaskRef>>,
    owned: OwnedTasks,
    park: RefCell<Parker>,
    spin: spin::Spin,
    pub(crate) reactor: reactor::Handle,
    pub(crate) timers: time::Driver,
}

/// What the executor sleeps in.
#[derive(Debug)]
struct Parker {
    poll: poll::Poll,
    events: Events,
}

thread_local! {
    /// The runtime whose `block_on` is running on this thread, if any.
    static CURRENT: Cell<Option<NonNull<Core>>> = const { Cell::new(None) };
}

/// Runs `f` with the current runtime, or returns `None` outside one.
pub(crate) fn with_current<R>(f: impl FnOnce(&Core) -> R) -> Option<R> {
    CURRENT.with(|current| {
        // SAFETY: CURRENT is only set by `Enter`, which borrows the `Core`
        // for as long as the pointer is installed and clears it on drop, so
        // a non-null pointer refers to a live `Core`.
        current.get().map(|core| f(unsafe { core.as_ref() }))
    })
}

/// Installs a runtime as this thread's current one, until dropped.
struct Enter<'a> {
    previous: Option<NonNull<Core>>,
    _core: &'a Core,
}

impl<'a> Enter<'a> {
    fn new(core: &'a Core) -> Enter<'a> {
        let previous = CURRENT.with(|c| c.replace(Some(NonNull::from(core))));
        Enter { previous, _core: core }
    }
}

impl Drop for Enter<'_> {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.previous));
        coop::clear();
    }
}

impl Core {
    pub(crate) fn new(reactor: reactor::Handle, spin: Duration) -> io::Result<Core> {
        let poll = poll::Poll::new()?;
        let unparker = poll::Waker::new(poll.registry(), Token(0))?;
        let shared = Arc::new(Shared {
            remote: RemoteQueue::new(),
            park_state: AtomicU8::new(PARK_RUNNING),
            unparker,
            root_woken: AtomicBool::new(false),
            closed: AtomicBool::new(false),
        });
        Ok(Core {
            shared,
            local: RefCell::new(VecDeque::new()),
            owned: OwnedTasks::default(),
            park: RefCell::new(Parker { poll, events: Events::with_capacity(4) }),
            spin: spin::Spin::new(spin),
            reactor,
            timers: time::Driver::new(),
        })
    }

    /// Spawns a task (see `groundup::spawn`).
    pub(crate) fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        if self.shared.closed.load(Ordering::Relaxed) {
            return self.spawn_cancelled(future);
        }
        // Three references: the live-task list, the local queue entry, the
        // JoinHandle.
        let flags = SCHEDULED | JOIN_INTEREST;
        let ptr = raw::allocate(future, Arc::clone(&self.shared), flags, 3);
        // `allocate` counted three references; each TaskRef below adopts one.
        // SAFETY: the first reference.
        self.owned.insert(unsafe { TaskRef::from_raw(ptr) });
        // SAFETY: as above, the second reference.
        self.local.borrow_mut().push_back(unsafe { TaskRef::from_raw(ptr) });
        // SAFETY: as above, the third reference.
        JoinHandle::new(unsafe { TaskRef::from_raw(ptr) })
    }

    /// During shutdown: a task that is cancelled before it starts.
    fn spawn_cancelled<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let ptr = raw::allocate(future, Arc::clone(&self.shared), JOIN_INTEREST | RUNNING, 1);
        // SAFETY: `allocate` counted the one reference adopted here.
        let task = unsafe { TaskRef::from_raw(ptr) };
        // SAFETY: executor thread; the future is present (just allocated).
        unsafe { task.cancel() };
        task.header().state.fetch_xor(RUNNING | COMPLETED | CLOSED, Ordering::AcqRel);
        JoinHandle::new(task)
    }

    /// Runs `future` to completion, running spawned tasks meanwhile.
    #[track_caller]
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        assert!(
            with_current(|_| ()).is_none(),
            "cannot start a groundup runtime from inside a runtime: `block_on` would block \
             the thread that drives the outer runtime's tasks; `.await` the future instead"
        );
        let _enter = Enter::new(self);
        let mut future = pin!(future);
        let waker = self.shared.root_waker();
        let mut cx = Context::from_waker(&waker);
        self.shared.root_woken.store(true, Ordering::Relaxed);
        loop {
            if self.shared.root_woken.swap(false, Ordering::AcqRel) {
                coop::reset();
                if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                    return output;
                }
            }
            // Wakes from other threads (the reactor's, chiefly) join the
            // local queue before it runs: a root future that yields must let
            // every task woken so far run before it is polled again.
            self.collect_remote();
            self.run_local(EVENT_INTERVAL);
            self.timers.fire_due();
            if self.local.borrow().is_empty() && !self.shared.root_woken.load(Ordering::Acquire) {
                self.park();
            }
        }
    }

    /// Polls up to `limit` tasks from the local queue.
    fn run_local(&self, limit: usize) {
        for _ in 0..limit {
            let Some(task) = self.local.borrow_mut().pop_front() else { return };
            self.run(task);
        }
    }

    /// Moves every remotely woken task to the back of the local queue.
    fn collect_remote(&self) {
        if self.shared.remote.is_empty() {
            return;
        }
        let drained = self.shared.remote.take_all();
        self.local.borrow_mut().extend(drained);
    }

    /// Polls one task, given the queue entry's reference.
    fn run(&self, task: TaskRef) {
        let header = task.header();
        // SCHEDULED → RUNNING. Acquire pairs with the Release of the wake
        // that scheduled the task: what the waker wrote is visible to the
        // poll.
        let prev = header.state.fetch_xor(SCHEDULED | RUNNING, Ordering::AcqRel);
        debug_assert!(prev & SCHEDULED != 0 && prev & (RUNNING | COMPLETED) == 0);
        if prev & CLOSED != 0 {
            // Aborted while queued: drop the future instead of polling it.
            // SAFETY: executor thread, future present (not COMPLETED).
            unsafe { task.cancel() };
            return self.complete(task);
        }
        coop::reset();
        // SAFETY: executor thread, RUNNING set above, future present.
        if unsafe { task.poll() }.is_ready() {
            return self.complete(task);
        }
        // Release: the poll's writes to the future happen-before any later
        // poll, even one that starts from a remote wake.
        let prev = header.state.fetch_and(!RUNNING, Ordering::AcqRel);
        if prev & CLOSED != 0 {
            // Aborted during its own poll.
            // SAFETY: executor thread, future present.
            unsafe { task.cancel() };
            self.complete(task);
        } else if prev & SCHEDULED != 0 {
            // Woken during its own poll: once more, at the back of the queue,
            // reusing this entry's reference.
            self.local.borrow_mut().push_back(task);
        }
        // Otherwise `task` drops here, releasing the queue's reference.
    }

    /// Finishes a task whose stage now holds its result.
    fn complete(&self, task: TaskRef) {
        let header = task.header();
        // Release: pairs with the JoinHandle's Acquire, publishing the output.
        // SCHEDULED may have been set by a wake during the final poll; it
        // counted no reference (the task was RUNNING), so clear it.
        let prev = header.state.fetch_or(COMPLETED | CLOSED, Ordering::AcqRel);
        header.state.fetch_and(!(RUNNING | SCHEDULED), Ordering::Release);
        if prev & JOIN_INTEREST == 0 {
            // SAFETY: executor thread; nobody can read this output.
            unsafe { task.drop_output() };
        } else {
            // SAFETY: executor thread.
            unsafe { task.wake_joiner() };
        }
        // SAFETY: every task is in `owned` from spawn until here, the only
        // place that removes it (besides shutdown, which runs no tasks).
        drop(unsafe { self.owned.remove(task.ptr()) });
    }

    /// Sleeps until a wake or the next timer, unless there is news already.
    fn park(&self) {
        let timeout = self.timers.next_timeout();
        if timeout == Some(Duration::ZERO) {
            return;
        }
        let state = &self.shared.park_state;
        // While spinning the state stays RUNNING, so a waker only records
        // NOTIFIED (no system call), which is what the spin watches for.
        if self.spin.spin(timeout, || state.load(Ordering::Relaxed) == PARK_NOTIFIED) {
            // A swap, not a store: reading the NOTIFIED a waker wrote (with
            // Release) makes its queue push visible to `collect_remote`, and
            // a wake landing between the load and here is not overwritten
            // unseen (it either precedes this swap or leaves NOTIFIED).
            state.swap(PARK_RUNNING, Ordering::AcqRel);
            return;
        }
        // Acquire: pairs with the Release in `unpark`, so the remote pushes
        // made before the notification are visible to `collect_remote`.
        if state
            .compare_exchange(PARK_NOTIFIED, PARK_RUNNING, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
        if state
            .compare_exchange(PARK_RUNNING, PARK_PARKED, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            // Notified between the two exchanges.
            state.store(PARK_RUNNING, Ordering::Relaxed);
            return;
        }
        let mut parker = self.park.borrow_mut();
        let Parker { poll, events } = &mut *parker;
        match poll.poll(events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => panic!("groundup: the executor cannot sleep: its park poll failed: {e}"),
        }
        state.swap(PARK_RUNNING, Ordering::Acquire);
    }

    /// Drops every task still alive, on this thread, and closes the
    /// executor to new work. Called when the runtime is dropped.
    pub(crate) fn shutdown(&self) {
        let _enter = Enter::new(self);
        self.shared.closed.store(true, Ordering::SeqCst);
        // Pairs with the fence in `Shared::schedule`.
        fence(Ordering::SeqCst);
        // Dropping a future can wake or spawn others; loop until quiet.
        while let Some(task) = self.owned.pop() {
            self.cancel_for_shutdown(&task);
        }
        self.local.borrow_mut().clear();
        drop(self.shared.remote.take_all());
        self.timers.shutdown();
    }

    fn cancel_for_shutdown(&self, task: &TaskRef) {
        let header = task.header();
        let prev = header.state.fetch_or(CLOSED | RUNNING, Ordering::AcqRel);
        if prev & COMPLETED != 0 {
            return;
        }
        // SAFETY: executor thread; not COMPLETED, so the future is present.
        unsafe { task.cancel() };
        let prev = header.state.fetch_or(COMPLETED, Ordering::AcqRel);
        header.state.fetch_and(!RUNNING, Ordering::Release);
        if prev & JOIN_INTEREST == 0 {
            // SAFETY: executor thread; the cancellation error has no reader.
            unsafe { task.drop_output() };
        } else {
            // SAFETY: executor thread.
            unsafe { task.wake_joiner() };
        }
    }

    /// Live tasks (spawned and not finished).
    pub(crate) fn live_tasks(&self) -> usize {
        self.owned.len()
    }
}
