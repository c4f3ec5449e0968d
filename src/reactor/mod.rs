//! The reactor: a thread that owns the [`Poll`] and turns its events into
//! task wakes.
//!
//! ## Why a thread of its own
//!
//! A single-threaded runtime can poll the kernel itself whenever it has
//! nothing else to do (tokio's `current_thread` does). groundup instead gives
//! the `Poll` a thread of its own, which buys two things:
//!
//! - **Polling overlaps running.** While the executor runs tasks, the reactor
//!   is already collecting the next events and queueing the tasks they wake;
//!   the executor finds them in its queue instead of making an `epoll_wait`
//!   between batches.
//! - **Wakes are batched.** One `epoll_wait` returns up to 1,024 events; the
//!   reactor wakes all their tasks, then unparks the executor at most once
//!   for the whole batch (and not at all if it is busy: see the parking table
//!   in [`crate::executor`]).
//!
//! It costs a cross-thread hand-off when the executor is asleep: the kernel
//! wakes the reactor, and the reactor wakes the executor.
//!
//! ## From event to wake
//!
//! ```text
//!  register:  slab slot i, generation g  ──►  Token(g << 24 | i)  ──►  epoll_ctl(ADD)
//!  event:     Token  ──►  slot i  ──►  generation still g?  ──►  set readiness, tick += 1
//!                                                           └─►  wake the poll_* slot(s)
//!                                                                and every waiting future
//! ```
//!
//! Each registered source owns a slot in a [`Slab`] of [`ScheduledIo`]: its
//! readiness word, one waker slot per direction for the `poll_*` methods,
//! and a list of the futures waiting on it (any number). The token is the
//! slot index plus the slot's generation ([`token`]), so an event that
//! arrives for a source after its slot was reused (same index, or a new
//! socket with the same descriptor number) fails the generation check and
//! is ignored. Between batches the reactor lets the slab [`reclaim`] the
//! slots released meanwhile, which is what makes the check exact even with
//! an 8-bit generation.
//!
//! A leaf future (socket read, accept, …) uses a [`Registration`]: it waits
//! for the readiness (`readiness`, or `poll_ready` for the `poll_*`
//! methods); the operation runs; if it returns `WouldBlock`,
//! `clear_readiness` removes exactly the readiness that was observed (the
//! tick tells whether a newer event came in meanwhile) and it waits again.
//!
//! [`reclaim`]: Slab::reclaim
//!
//! ## Flushes
//!
//! An executor about to move a paused clock (see [`crate::time::pause`])
//! first asks for a *flush*: one more pass of this loop whose poll begins
//! after the request and does not block, so that I/O already ready in the
//! kernel wakes its task before the clock jumps (`flush.rs`).
//!
//! ## Shutdown
//!
//! Dropping the runtime sets a flag and wakes the reactor through the
//! `Poll`'s [`Waker`](crate::poll::Waker); the thread exits and is joined.
//! Every slot still in use is then marked shut down, so an I/O object that
//! outlives its runtime fails its operations instead of waiting forever.

mod atomic_waker;
mod flush;
mod registration;
mod scheduled_io;
mod slab;
mod token;

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Waker;
use std::thread;
use std::time::Duration;

use crate::executor::Shared;
use crate::poll::{self, Events, Interest, Poll, Registry, Source, Token};

pub(crate) use registration::{Direction, Registration};
use scheduled_io::{ScheduledIo, ready};
use slab::Slab;

/// The token of the reactor's own waker (slot index 0 is never handed out).
const WAKER: Token = Token(0);

/// Events collected per `epoll_wait`.
const EVENTS_PER_POLL: usize = 1024;

/// The reactor state shared by its thread and the runtime.
struct Inner {
    registry: Registry,
    waker: poll::Waker,
    shutdown: AtomicBool,
    slab: Slab,
    /// Requests for one more non-blocking look at the kernel (paused time).
    flushes: flush::Flushes,
}

/// A handle on the reactor, held by the runtime and by every registration.
#[derive(Clone)]
pub(crate) struct Handle {
    inner: Arc<Inner>,
}

/// The reactor thread, joined when the runtime drops.
#[derive(Debug)]
pub(crate) struct Thread {
    handle: Handle,
    join: Option<thread::JoinHandle<()>>,
}

/// Creates the `Poll` and starts the reactor thread.
pub(crate) fn start() -> io::Result<Thread> {
    let poll = Poll::new()?;
    let inner = Arc::new(Inner {
        registry: poll.registry().try_clone()?,
        waker: poll::Waker::new(poll.registry(), WAKER)?,
        shutdown: AtomicBool::new(false),
        slab: Slab::new(),
        flushes: flush::Flushes::new(),
    });
    let handle = Handle { inner };
    let thread_handle = handle.clone();
    let join = thread::Builder::new()
        .name("groundup-reactor".into())
        .spawn(move || run(poll, thread_handle))?;
    Ok(Thread { handle, join: Some(join) })
}

/// The reactor loop: poll, dispatch, repeat, until shut down.
fn run(mut poll: Poll, handle: Handle) {
    let inner = &*handle.inner;
    let mut events = Events::with_capacity(EVENTS_PER_POLL);
    // Flush requests taken for the coming poll (see `flush.rs`).
    let mut flushing = Vec::new();
    loop {
        inner.flushes.take(&mut flushing);
        let timeout = if flushing.is_empty() { None } else { Some(Duration::ZERO) };
        match poll.poll(&mut events, timeout) {
            Ok(()) => {}
            // A signal handler ran: nothing was lost, poll again.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => panic!("groundup reactor: poll failed, I/O can no longer be driven: {e}"),
        }
        let batch = Batch::begin();
        for event in events.iter() {
            if event.token() != WAKER {
                inner.dispatch(event);
            }
        }
        batch.end();
        if !flushing.is_empty() && events.iter().count() < EVENTS_PER_POLL {
            complete_flushes(&mut flushing);
        }
        // Every event of the batch is dispatched and the next poll has not
        // started: slots released so far can safely be reused.
        inner.slab.reclaim();
        if inner.shutdown.load(Ordering::Acquire) {
            return;
        }
    }
}

/// Tells each requester that the poll it asked for is done and its wakes
/// delivered (after the batch's unparks: see `flush.rs`).
fn complete_flushes(flushing: &mut Vec<Waker>) {
    for done in flushing.drain(..) {
        crate::util::panic::survive_panic("a flush request's waker", || done.wake());
    }
}

impl Inner {
    /// Records one event in its slot and wakes the waiting directions.
    fn dispatch(&self, event: &poll::Event) {
        let (index, generation) = token::unpack(event.token().0);
        let Some(slot) = self.slab.get(index) else { return };
        if let Some(wake) = slot.set_readiness(generation, readiness_of(event)) {
            // A waker is user code (a task's waker is ours, but a future may
            // be polled with any). If one panics, the reactor thread must
            // not die with it: every other task's I/O depends on it.
            crate::util::panic::survive_panic("a waker woken by the reactor", || slot.wake(wake));
        }
    }
}

/// The readiness bits an event reports.
fn readiness_of(event: &poll::Event) -> usize {
    let bits = [
        (event.is_readable(), ready::READABLE),
        (event.is_writable(), ready::WRITABLE),
        (event.is_read_closed(), ready::READ_CLOSED),
        (event.is_write_closed(), ready::WRITE_CLOSED),
        (event.is_error(), ready::ERROR),
        (event.is_priority(), ready::PRIORITY),
    ];
    bits.iter().filter(|(set, _)| *set).fold(0, |acc, (_, bit)| acc | bit)
}

impl Handle {
    /// Registers `source` for both directions and returns its registration.
    /// Both directions always: edge-triggered registrations cost nothing
    /// while idle, and a later `reregister` would cost a system call.
    pub(crate) fn register(&self, source: &mut impl Source) -> io::Result<Registration> {
        let inner = &self.inner;
        let allocated = inner.slab.allocate().ok_or_else(|| {
            io::Error::new(io::ErrorKind::OutOfMemory, "groundup reactor: 2^24 sources registered")
        })?;
        if allocated.wake_reactor {
            // Released slots wait for a reclaim that an idle reactor would
            // not run (see `Slab`); a failed wake only delays it.
            let _ = inner.waker.wake();
        }
        let index = allocated.index;
        let slot = inner.slab.get(index).expect("an allocated slot exists");
        let token = Token(token::pack(index, slot.generation()));
        if let Err(e) =
            inner.registry.register(source, token, Interest::READABLE | Interest::WRITABLE)
        {
            inner.slab.release(index);
            return Err(e);
        }
        Ok(Registration::new(self.clone(), index))
    }

    pub(crate) fn slot(&self, index: usize) -> &ScheduledIo {
        self.inner.slab.get(index).expect("a registration's slot exists")
    }

    pub(crate) fn deregister(&self, source: &mut impl Source) -> io::Result<()> {
        self.inner.registry.deregister(source)
    }

    pub(crate) fn release(&self, index: usize) {
        self.inner.slab.release(index);
    }

    /// Asks the reactor thread for one more look at the kernel that begins
    /// after this call and does not block, and to wake `done` once the
    /// wakes it caused are delivered (paused time's auto-advance: see
    /// `flush.rs`). Fails if the reactor is shut down or cannot be woken;
    /// `done` is then never woken.
    pub(crate) fn flush(&self, done: Waker) -> io::Result<()> {
        let inner = &self.inner;
        if inner.shutdown.load(Ordering::Acquire) {
            return Err(io::Error::other("groundup reactor: shut down"));
        }
        inner.flushes.request(done);
        inner.waker.wake()
    }
}

impl Thread {
    pub(crate) fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Stops and joins the reactor thread, then fails every still-registered
    /// source's pending operations.
    pub(crate) fn shutdown(&mut self) {
        let Some(join) = self.join.take() else { return };
        let inner = &self.handle.inner;
        inner.shutdown.store(true, Ordering::Release);
        if let Err(e) = inner.waker.wake() {
            // Without the wake the thread never notices; joining would hang.
            eprintln!("groundup: cannot stop the reactor thread ({e}); leaving it running");
            return;
        }
        if join.join().is_err() {
            eprintln!("groundup: the reactor thread panicked");
        }
        inner.slab.for_each_used(ScheduledIo::shut_down);
    }
}

impl Drop for Thread {
    fn drop(&mut self) {
        self.shutdown();
    }
}

// ---------------------------------------------------------------------------
// Batching unparks
// ---------------------------------------------------------------------------

/// The executors a batch will unpark once it is done (usually one), and
/// whether a batch is open on this thread.
struct Deferred {
    open: bool,
    executors: Vec<Arc<Shared>>,
}

thread_local! {
    /// On the reactor thread, during a dispatch batch: the executors to
    /// unpark once the batch is done. The vector is kept between batches, so
    /// a batch allocates nothing.
    static DEFERRED: RefCell<Deferred> =
        const { RefCell::new(Deferred { open: false, executors: Vec::new() }) };
}

/// Unparks `executor` now, or, during a reactor batch on this thread, once
/// the batch is done.
pub(crate) fn unpark_or_defer(executor: &Arc<Shared>) {
    let deferred = DEFERRED.with(|d| {
        let mut d = d.borrow_mut();
        if !d.open {
            return false;
        }
        if !d.executors.iter().any(|e| ptr::eq(Arc::as_ptr(e), Arc::as_ptr(executor))) {
            d.executors.push(Arc::clone(executor));
        }
        true
    });
    if !deferred {
        executor.unpark();
    }
}

/// One reactor batch: wakes made while it is open defer their unparks.
struct Batch;

impl Batch {
    fn begin() -> Batch {
        DEFERRED.with(|d| d.borrow_mut().open = true);
        Batch
    }

    fn end(self) {
        // `Drop` does the work, so a panicking waker still closes the batch.
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        DEFERRED.with(|d| {
            let mut d = d.borrow_mut();
            d.open = false;
            // `unpark` touches only the executor's atomics and its waker, never
            // DEFERRED, so unparking while borrowed is fine.
            for executor in d.executors.drain(..) {
                executor.unpark();
            }
        });
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("reactor::Handle")
            .field("registry", &self.inner.registry)
            .field("shutdown", &self.inner.shutdown.load(Ordering::Relaxed))
            .finish()
    }
}
