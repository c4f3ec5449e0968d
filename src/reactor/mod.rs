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
//!                                                           └─►  wake reader and/or writer
//! ```
//!
//! Each registered source owns a slot in a [`Slab`] of [`ScheduledIo`]: its
//! readiness word and two wakers (one per direction). The token is the slot
//! index plus the slot's generation, so an event that arrives for a source
//! after its slot was reused (same index, or a new socket with the same
//! descriptor number) fails the generation check and is ignored.
//!
//! A leaf future (socket read, accept, …) uses a [`Registration`]:
//! `poll_ready` returns the readiness if present, or stores the task's
//! waker; the operation runs; if it returns `WouldBlock`, `clear_readiness`
//! removes exactly the readiness that was observed (the tick tells whether a
//! newer event came in meanwhile) and the future waits again.
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
mod registration;
mod scheduled_io;
mod slab;

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;

use crate::poll::{self, Events, Interest, Poll, Registry, Source, Token};

pub(crate) use registration::{Direction, Registration};
use scheduled_io::{GEN_MASK, GEN_SHIFT, ScheduledIo};
use slab::{INDEX_BITS, Slab};

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
    loop {
        match poll.poll(&mut events, None) {
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
        if inner.shutdown.load(Ordering::Acquire) {
            return;
        }
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
    }

    /// Records one event in its slot and wakes the waiting directions.
    fn dispatch(&self, event: &poll::Event) {
        let (index, generation) = unpack(event.token());
        let Some(slot) = self.slab.get(index) else { return };
        let bits = scheduled_io::from_event(event);
        if slot.set_readiness(generation, bits) {
            // A waker is user code (a task's waker is ours, but a future may
            // be polled with any). If one panics, the reactor thread must
            // not die with it: every other task's I/O depends on it.
            crate::util::panic::survive_panic("a waker woken by the reactor", || slot.wake(bits));
        }
    }
}

fn pack(index: usize, generation: usize) -> Token {
    Token(index | (generation & GEN_MASK) << GEN_SHIFT)
}

fn unpack(token: Token) -> (usize, usize) {
    (token.0 & ((1 << INDEX_BITS) - 1), token.0 >> GEN_SHIFT)
}

const _: () = assert!(GEN_SHIFT == INDEX_BITS, "a token is index | generation << INDEX_BITS");

impl Handle {
    /// Registers `source` for both directions and returns its registration.
    /// Both directions always: edge-triggered registrations cost nothing
    /// while idle, and a later `reregister` would cost a system call.
    pub(crate) fn register(&self, source: &mut impl Source) -> io::Result<Registration> {
        let inner = &self.inner;
        if inner.failed.load(Ordering::Relaxed) {
            return Err(self.shut_down_error());
        }
        let index = inner.slab.allocate().ok_or_else(|| {
            io::Error::new(io::ErrorKind::OutOfMemory, "groundup reactor: 2^24 sources registered")
        })?;
        let slot = inner.slab.get(index).expect("an allocated slot exists");
        let token = pack(index, slot.generation());
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
