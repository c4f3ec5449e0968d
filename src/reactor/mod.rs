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
//! - **Wakes coalesce.** One `epoll_wait` returns up to 1,024 events; the
//!   reactor wakes all their tasks, and only the first wake that finds the
//!   executor asleep costs a system call: the others find the executor's
//!   park word already `NOTIFIED` (or the executor running), and write
//!   nothing (see `executor/park.rs`).
//!
//! It costs a cross-thread hand-off when the executor is asleep: the kernel
//! wakes the reactor, and the reactor wakes the executor.
//!
//! The reactor knows nothing of the executor. It wakes whatever `Waker` a
//! future left in a slot; a groundup task's waker then hands the task to
//! its executor, and a foreign waker does whatever it does. (An earlier
//! version also held back every unpark until the end of each batch, which
//! needed the reactor to name the executor. It did not pay: a burst of 200
//! sockets, 200 rounds with the spin off, counted through
//! `groundup::stats`, made 2,661–4,579 eventfd writes with it (mean 3,520
//! over 8 runs) and 2,574–5,208 without (mean 3,603), in the same run
//! times. The park word already coalesces: only a wake that finds the
//! executor `PARKED` writes.)
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
//!
//! ## When the reactor's own poll fails
//!
//! `epoll_wait` (or `kevent`, or `GetQueuedCompletionStatusEx`) can fail
//! for good: its descriptor closed from under it by a buggy neighbour in
//! the process, a port handle gone. Nothing would ever wake the tasks
//! waiting on I/O again, so the reactor does not just die: it records why
//! ([`Inner::fail`]), marks every slot shut down (which wakes every
//! waiter, whose operation then fails with that reason) and ends its
//! thread. From then on a registration is refused with the same reason.
//! A registration racing with the failure is caught either way: it checks
//! the flag after taking its slot, and the failure marks every slot handed
//! out before it looked (both sides `SeqCst`, the store-buffering pattern).

mod atomic_waker;
mod flush;
mod registration;
mod scheduled_io;
mod slab;
mod token;

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::Waker;
use std::thread;
use std::time::Duration;

use crate::poll::{self, Events, Interest, Poll, Registry, Source, Token};

pub(crate) use registration::{Direction, ReadyEvent, Registration};
use scheduled_io::ScheduledIo;
pub(crate) use scheduled_io::ready;
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
    /// The reactor's poll failed and its thread ended: I/O can no longer
    /// be driven.
    failed: AtomicBool,
    /// What the failed poll returned, for the errors operations report.
    failure: OnceLock<io::Error>,
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
        failed: AtomicBool::new(false),
        failure: OnceLock::new(),
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

/// The reactor loop: poll, dispatch, repeat, until shut down (or until its
/// poll fails).
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
            Err(e) => return inner.fail(e),
        }
        for event in events.iter() {
            if event.token() != WAKER {
                inner.dispatch(event);
            }
        }
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
    /// The poll failed for good: fail every waiting operation and refuse
    /// new ones, with `error` as the reason.
    fn fail(&self, error: io::Error) {
        eprintln!(
            "groundup reactor: poll failed ({error}); I/O can no longer be driven, \
             so waiting and later operations fail"
        );
        let _ = self.failure.set(error);
        // SeqCst: pairs with the load in `Handle::register` (see the module
        // docs): either a registration sees the flag, or its slot was handed
        // out before the walk below, which marks it.
        self.failed.store(true, Ordering::SeqCst);
        self.slab.for_each_used(ScheduledIo::shut_down);
        // Nobody will poll for a flush again: answer the waiting requests
        // (see `Handle::flush`), so paused time does not wait for them.
        let mut pending = Vec::new();
        self.flushes.take(&mut pending);
        complete_flushes(&mut pending);
    }

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
        if inner.failed.load(Ordering::Relaxed) {
            return Err(self.shut_down_error());
        }
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
        // SeqCst: pairs with the store in `Inner::fail`.
        if inner.failed.load(Ordering::SeqCst) {
            let _ = inner.registry.deregister(source);
            inner.slab.release(index);
            return Err(self.shut_down_error());
        }
        Ok(Registration::new(self.clone(), index))
    }

    /// The error of an operation on a slot marked shut down: the runtime is
    /// gone, or the reactor's poll failed (then with what it returned).
    pub(crate) fn shut_down_error(&self) -> io::Error {
        match self.inner.failure.get() {
            Some(failure) => io::Error::other(format!(
                "the groundup reactor thread stopped, its poll failed ({failure}): \
                 this I/O object can no longer be driven"
            )),
            None => {
                io::Error::other("the groundup runtime that drove this I/O object has shut down")
            }
        }
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
    /// `flush.rs`). Fails if the reactor is shut down, has failed, or
    /// cannot be woken; `done` may then never be woken.
    pub(crate) fn flush(&self, done: Waker) -> io::Result<()> {
        let inner = &self.inner;
        if inner.shutdown.load(Ordering::Acquire) {
            return Err(io::Error::other("groundup reactor: shut down"));
        }
        inner.flushes.request(done);
        // A reactor whose poll fails takes the pending requests and wakes
        // them (`Inner::fail`), after setting `failed`. `request` and that
        // `take` go through one lock, so either the failure's `take` came
        // after our request (and wakes it), or this load, after the lock,
        // sees the flag: the request cannot wait forever on a dead thread.
        if inner.failed.load(Ordering::Relaxed) {
            return Err(self.shut_down_error());
        }
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

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("reactor::Handle")
            .field("registry", &self.inner.registry)
            .field("shutdown", &self.inner.shutdown.load(Ordering::Relaxed))
            .finish()
    }
}
