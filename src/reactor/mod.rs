//! The reactor: the [`Poll`] and the slots it fills with readiness, polled
//! by whichever thread is idle.
//!
//! ## Who polls
//!
//! The reactor's `Poll` and events buffer (the *driver*, `driver.rs`) are
//! polled by the executor itself while it has nothing to run: it sleeps in
//! the kernel there, and an event wakes its task on the executor's own
//! thread. While the executor is busy running tasks it hands the driver to
//! the reactor's own thread, which polls meanwhile, so that events keep
//! being collected and their tasks queued; the executor takes it back when
//! it runs out of work. Which thread holds the driver, and how it changes
//! hands without losing a wake, is `handoff.rs` (model-checked). Why this
//! split, and what it was measured against, is in `driver.rs`.
//!
//! The reactor knows nothing of the executor. It wakes whatever `Waker` a
//! future left in a slot; a groundup task's waker then hands the task to
//! its executor, and a foreign waker does whatever it does. The executor
//! knows the reactor only as a driver to turn and a sleep to be woken from
//! ([`Handle::unpark_executor`]). Wakes are not batched: with the executor
//! polling the kernel itself, its own wakes are local queue pushes, and a
//! batching layer measured no fewer eventfd writes (`BENCHMARKS.md`,
//! *History*).
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
//! ## Paused time
//!
//! An executor about to move a paused clock (`groundup::time::pause`)
//! first takes the driver and makes a non-blocking turn, so that I/O
//! already ready in the kernel wakes its task before the clock jumps
//! (tokio's rule; `executor/auto_advance.rs`).
//!
//! ## Shutdown
//!
//! Dropping the runtime sets a flag and wakes the reactor thread, on its
//! idle site and through the `Poll`'s [`Waker`](crate::poll::Waker) (it
//! may be sleeping in either); the thread exits and is joined.
//! Every slot still in use is then marked shut down, so an I/O object that
//! outlives its runtime fails its operations instead of waiting forever.
//!
//! ## When the reactor's own poll fails
//!
//! `epoll_wait` (or `kevent`, or `GetQueuedCompletionStatusEx`) can fail
//! for good: its descriptor closed from under it by a buggy neighbour in
//! the process, a port handle gone. Nothing would ever wake the tasks
//! waiting on I/O again, so whichever thread's turn failed does not just
//! give up: it records why ([`Inner::fail`]), marks every slot shut down
//! (which wakes every waiter, whose operation then fails with that reason),
//! and the reactor thread ends. The executor then sleeps on its handback
//! site instead of in the broken poll. From then on a registration is
//! refused with the same reason.
//! A registration racing with the failure is caught either way: it checks
//! the flag after taking its slot, and the failure marks every slot handed
//! out before it looked (both sides `SeqCst`, the store-buffering pattern).

mod atomic_waker;
mod driver;
mod handoff;
mod registration;
mod scheduled_io;
mod slab;
mod token;

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;

use crate::poll::{self, Interest, Poll, Registry, Source, Token};

pub(crate) use driver::DEFAULT_EVENTS_PER_POLL;
use driver::{Driver, Site};
use handoff::{Handoff, Sites};
pub(crate) use registration::{Direction, ReadyEvent, Registration};
use scheduled_io::ScheduledIo;
pub(crate) use scheduled_io::ready;
use slab::Slab;

/// The token of the reactor's own waker (slot index 0 is never handed out).
const WAKER: Token = Token(0);

/// The reactor state shared by its thread, the executor and every
/// registration.
struct Inner {
    registry: Registry,
    /// Wakes the driver's poll, whoever is blocked in it.
    waker: poll::Waker,
    /// The driver, and which thread is meant to poll it (`handoff.rs`).
    handoff: Handoff<Driver>,
    /// Where the reactor thread sleeps while the executor has the driver.
    idle: Site,
    /// Where the executor waits for the reactor thread to give the driver
    /// back (and sleeps once the driver's poll has failed).
    handback: Site,
    shutdown: AtomicBool,
    /// The driver's poll failed: I/O can no longer be driven.
    failed: AtomicBool,
    /// What the failed poll returned, for the errors operations report.
    failure: OnceLock<io::Error>,
    /// The idle site's poll failed: the reactor thread has ended, and the
    /// executor keeps the driver.
    idle_broken: AtomicBool,
    slab: Slab,
}

/// A handle on the reactor, held by the runtime, the executor and every
/// registration.
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

/// Creates the `Poll` (and the two sites) and starts the reactor thread,
/// which sleeps until the executor hands it the driver. Each turn of the
/// driver collects up to `events_per_poll` events.
pub(crate) fn start(events_per_poll: usize) -> io::Result<Thread> {
    let poll = Poll::new()?;
    let inner = Arc::new(Inner {
        registry: poll.registry().try_clone()?,
        waker: poll::Waker::new(poll.registry(), WAKER)?,
        handoff: Handoff::new(Driver::new(poll, events_per_poll)),
        idle: Site::new()?,
        handback: Site::new()?,
        shutdown: AtomicBool::new(false),
        failed: AtomicBool::new(false),
        failure: OnceLock::new(),
        idle_broken: AtomicBool::new(false),
        slab: Slab::new(),
    });
    let handle = Handle { inner };
    let thread_handle = handle.clone();
    let join = thread::Builder::new()
        .name("groundup-reactor".into())
        .spawn(move || run(&thread_handle.inner))?;
    Ok(Thread { handle, join: Some(join) })
}

/// The reactor thread: sleep until handed the driver, then poll it
/// (blocking) until the executor takes it back; until shut down, or until
/// the poll fails.
///
/// If the thread panics (a bug: wakers' panics are contained in
/// `dispatch`), the unwind has let go of the driver; the thread then counts
/// as gone, as when its idle sleep fails: hand-offs are refused from then
/// on, and an executor waiting in `drive` for the driver is woken to take
/// it. The executor drives alone, and nothing waits for a dead thread.
fn run(inner: &Inner) {
    let serve = || {
        inner.handoff.serve(inner, || inner.thread_should_stop(), |driver| inner.turn(driver, None))
    };
    // `AssertUnwindSafe`: after a panic this thread touches only the
    // `idle_broken` flag and the handback site, both atomic, never the
    // driver (the unwind unlocked it) or anything the panic may have left
    // half-done.
    if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(serve)) {
        inner.idle_broken.store(true, Ordering::Relaxed);
        inner.handback.wake();
        let message = crate::util::panic::message(&*payload);
        crate::util::panic::warn(format_args!(
            "groundup reactor: its thread panicked ({message}); the executor polls alone"
        ));
    }
}

impl Inner {
    /// The poll failed for good: fail every waiting operation and refuse
    /// new ones, with `error` as the reason.
    fn fail(&self, error: io::Error) {
        let reason = error.to_string();
        let _ = self.failure.set(error);
        // SeqCst: pairs with the load in `Handle::register` (see the module
        // docs): either a registration sees the flag, or its slot was handed
        // out before the walk below, which marks it.
        self.failed.store(true, Ordering::SeqCst);
        self.slab.for_each_used(ScheduledIo::shut_down);
        // From now on the executor sleeps on the handback site, not in the
        // broken poll (see `Turn::sleep`); an executor already waiting there
        // in `drive`, for a reactor thread whose turn just failed, returns.
        // The reactor thread stops too, and wakes its own idle sleep to see
        // it. Logged last, and never with a panic (`warn`): everything a
        // waiting task needs is done by then, whatever stderr is.
        self.handback.wake();
        self.idle.wake();
        crate::util::panic::warn(format_args!(
            "groundup reactor: poll failed ({reason}); I/O can no longer be driven, \
             so waiting and later operations fail"
        ));
    }

    /// Records one event in its slot and wakes the waiting directions.
    fn dispatch(&self, event: &poll::Event) {
        let (index, generation) = token::unpack(event.token().0);
        let Some(slot) = self.slab.get(index) else { return };
        if let Some(wake) = slot.set_readiness(generation, readiness_of(event)) {
            // A waker is user code (a task's waker is ours, but a future may
            // be polled with any). If one panics, the polling thread (the
            // reactor's, or the executor in a turn) must not die with it:
            // every other task's I/O depends on it.
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
        self.register_for(source, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `source` for `interest`: both directions, plus what a
    /// caller asked for beyond them (epoll's `PRIORITY`, which
    /// `AsyncFd::with_interest` passes on).
    pub(crate) fn register_for(
        &self,
        source: &mut impl Source,
        interest: Interest,
    ) -> io::Result<Registration> {
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
        if let Err(e) = inner.registry.register(source, token, interest) {
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
        // Release: pairs with the Acquire load in `thread_should_stop`.
        inner.shutdown.store(true, Ordering::Release);
        // The thread sleeps on its idle site, or polls the driver: wake both.
        inner.wake_idle();
        if let Err(e) = inner.waker.wake() {
            // Without the wake a polling thread never notices; joining
            // would hang.
            crate::util::panic::warn(format_args!(
                "groundup: cannot stop the reactor thread ({e}); leaving it running"
            ));
            return;
        }
        if join.join().is_err() {
            crate::util::panic::warn(format_args!("groundup: the reactor thread panicked"));
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
