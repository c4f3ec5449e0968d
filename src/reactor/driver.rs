//! The driver, and the poller role that goes to whichever thread is idle.
//!
//! ## The design
//!
//! The *driver* is the reactor's [`Poll`] with its events buffer. Polling
//! it (a *turn*: wait in the kernel, record each event's readiness in its
//! slot, wake the waiting tasks, let the slab reclaim released slots) can
//! be done by either of two threads, one at a time:
//!
//! - **The executor, when it has nothing to run.** It sleeps *in* the
//!   driver's poll, with its next timer as timeout, instead of in a park
//!   queue of its own. An event then wakes the task on the executor's own
//!   thread (a local queue push), and the executor runs it at once: one
//!   `epoll_wait` returning is the whole cost of an I/O wake, as in tokio's
//!   `current_thread`. A wake from another thread (a task's waker called
//!   elsewhere, a timer's neighbour) reaches the sleeping executor through
//!   the `Poll`'s own [`Waker`](crate::poll::Waker) ([`Handle::unpark_executor`]).
//! - **The reactor thread, while the executor is busy.** When the executor
//!   has been running tasks for `hand_off_after` (1 ms by default) since it
//!   last looked at the kernel, it hands the driver off
//!   ([`Handle::hand_off`]) and the reactor thread polls, blocking, while
//!   tasks run: events keep being collected and their tasks queued, so a
//!   long batch of work does not starve I/O, and readiness that arrives
//!   meanwhile is already in the run queue when the batch ends. When the
//!   executor runs out of work it takes the driver back ([`Handle::drive`]:
//!   kick the thread's poll, wait on the *handback* site) and sleeps in it.
//!
//! The reactor thread sleeps on its *idle* site (a small `Poll` that holds
//! nothing but a waker) while the executor has the driver; the executor
//! sleeps on its handback site only while it waits for the driver, or for
//! good once the driver's poll has failed. Both sites are [`Site`]s: a
//! portable `Poll` and `Waker`, so this works unchanged on epoll, kqueue and
//! IOCP. Who holds the driver, and how the hand-over loses no wake, is the
//! protocol in `handoff.rs`, model-checked with loom.
//!
//! A steady stream of task wakes could keep an executor that owns the
//! driver from ever sleeping in it, and so from ever looking at the
//! kernel. So an executor that finds work waiting when it was about to
//! sleep still makes a non-blocking look if its last one is more than
//! `LOOK_AT_LEAST_EVERY` (1 ms) old; and with hand-off turned off
//! (`Duration::MAX`) it looks every 61 polls, as tokio does.
//!
//! ## Why it wins
//!
//! In the design before this one the reactor thread always polled, and
//! woke a parked executor through a park queue of the executor's own:
//! every I/O wake of an idle executor was a cross-thread hop (the kernel
//! wakes the reactor thread, which writes an eventfd, which wakes the
//! executor), two threads' scheduling and CPU for each request. It bought
//! its one-connection wins by spinning the executor before each park, so
//! that the reactor's wake found it awake, at about twice tokio's CPU per
//! request; at a hundred connections it lost to tokio outright.
//! `BENCHMARKS.md` (*History*) has those figures.
//!
//! With the executor sleeping in the driver, an I/O wake of an idle
//! executor is what it is in tokio: one `epoll_wait` returning on the
//! executor's own thread. The reactor thread costs nothing while the
//! executor keeps up (it sleeps on its idle site); it polls only while a
//! batch of tasks runs longer than `hand_off_after`, which is when a
//! single-threaded design would leave I/O waiting.
//!
//! The optional spin (`executor/spin.rs`) uses the same hand-off: before
//! it spins, the executor gives the driver to the reactor thread, which
//! waits in the kernel while the executor watches its park word. That is
//! the old design's fast path, kept for those who would rather spend a
//! core than wake-up latency; the default does not spin.
//!
//! ## Measurements
//!
//! `just bench-goal` and `just bench-compare` (`benches/compare`),
//! 2026-12-02, AMD EPYC under KVM, 2 cores, quiet (load average 1.2–2.3),
//! 5 interleaved rounds each, medians, groundup over tokio
//! `current_thread` within each run. Four runs:
//!
//! | workload | throughput, 4 runs | server CPU per op, 4 runs (> 1: groundup spends less) | syscalls per op (perf) |
//! |---|---|---|---:|
//! | W4, 1 connection ping-pong | 1.00×, 1.00×, 0.82×, 0.94× | 1.07×, 0.99×, 0.81×, 0.86× | 3.05 against 3.05 |
//! | W5, 100 connections | 1.04×, 0.99×, 1.06×, 1.04× | 1.06×, 1.02×, 1.07×, 0.97× | 2.24 against 2.05 |
//! | W9, HTTP, 1 connection (wrk) | 0.91×, 1.02×, 1.11×, 0.98× | 0.95×, 0.99×, 1.12×, 1.00× | 3.00 against 3.00 |
//! | W10, HTTP, 100 connections (wrk) | 0.94×, 1.01×, 0.94×, 1.15× | 1.04×, 1.02×, 0.93×, 1.11× | 2.19 against 2.30 |
//!
//! Parity, where the old design spent about twice tokio's CPU per request.
//! The same system calls per request as tokio (the counts at 100
//! connections vary from run to run, both ways, with how many events one
//! wait returns), and user time at parity: 82–88 % of either server's CPU
//! is kernel time (`benches/compare/user-sys.sh`), so a runtime that makes
//! the same calls cannot pull far ahead here. With a 50 µs spin: W4 1.14×
//! and W9 1.16× at about twice tokio's CPU, a remote wake 18.68×, and W5
//! 0.75×, W10 0.80× (the spinning core is the one the load needs).
//! `BENCHMARKS.md` has every row and the commands.

use std::fmt;
use std::io;
use std::sync::atomic::{Ordering, fence};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::handoff::{Held, Sites};
use super::{Handle, Inner, WAKER};
use crate::poll::{self, Events, Poll, Token};

/// Events collected per turn, by default (tokio's figure); the runtime
/// `Builder`'s `max_io_events_per_tick` sets it.
pub(crate) const DEFAULT_EVENTS_PER_POLL: usize = 1024;

/// The driver: the reactor's `Poll` and the buffer its turns fill.
pub(super) struct Driver {
    poll: Poll,
    events: Events,
}

impl Driver {
    /// A driver whose turns collect up to `events_per_poll` events (at
    /// least one: a poll with no room fails).
    pub(super) fn new(poll: Poll, events_per_poll: usize) -> Driver {
        Driver { poll, events: Events::with_capacity(events_per_poll.max(1)) }
    }
}

/// A place where one thread sleeps until another wakes it: a `Poll` that
/// holds only its `Waker`. A wake is sticky: made before the sleep, it
/// makes the sleep return at once.
pub(super) struct Site {
    poll: Mutex<(Poll, Events)>,
    waker: poll::Waker,
}

impl Site {
    pub(super) fn new() -> io::Result<Site> {
        let poll = Poll::new()?;
        let waker = poll::Waker::new(poll.registry(), Token(0))?;
        Ok(Site { poll: Mutex::new((poll, Events::with_capacity(2))), waker })
    }

    /// Sleeps until woken, or until `timeout` has passed. One thread
    /// sleeps on a site, so the lock is never contended.
    pub(super) fn sleep(&self, timeout: Option<Duration>) -> io::Result<()> {
        let mut site = self.poll.lock().unwrap_or_else(PoisonError::into_inner);
        let (poll, events) = &mut *site;
        match poll.poll(events, timeout) {
            Err(e) if e.kind() != io::ErrorKind::Interrupted => Err(e),
            // A signal handler ran: a spurious return, which every sleeper
            // tolerates (it looks again).
            _ => Ok(()),
        }
    }

    pub(super) fn wake(&self) {
        // A failing wake (the eventfd or port is broken) cannot be reported
        // to the waking code; the sleeper also returns for its timeout, so
        // this only delays. Report it loudly in debug.
        let result = self.waker.wake();
        debug_assert!(result.is_ok(), "groundup: waking a reactor site failed: {result:?}");
    }
}

impl Sites for Inner {
    fn kick_poll(&self) {
        let result = self.waker.wake();
        debug_assert!(result.is_ok(), "groundup: kicking the reactor's poll failed: {result:?}");
    }

    fn sleep_handback(&self) {
        if let Err(e) = self.handback.sleep(None) {
            panic!("groundup: the executor cannot sleep: its handback poll failed: {e}");
        }
    }

    fn wake_handback(&self) {
        self.handback.wake();
    }

    fn sleep_idle(&self) {
        if let Err(e) = self.idle.sleep(None) {
            // The reactor thread can no longer wait to be handed the
            // driver: it ends, and the executor keeps driving alone.
            crate::util::panic::warn(format_args!(
                "groundup reactor: its idle poll failed ({e}); the executor polls alone"
            ));
            self.idle_broken.store(true, Ordering::Relaxed);
        }
    }

    fn wake_idle(&self) {
        self.idle.wake();
    }
}

impl Inner {
    /// One turn of the driver: poll (blocking up to `timeout`), record and
    /// wake, reclaim. Returns `false` if the poll failed for good (the
    /// reactor is then marked failed: see the module docs of `reactor`),
    /// or had already failed.
    pub(super) fn turn(&self, driver: &mut Driver, timeout: Option<Duration>) -> bool {
        if self.failed.load(Ordering::Relaxed) {
            return false;
        }
        let Driver { poll, events } = driver;
        match poll.poll(events, timeout) {
            Ok(()) => {}
            // A signal handler ran: nothing was lost.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return true,
            Err(e) => {
                self.fail(e);
                return false;
            }
        }
        for event in events.iter() {
            if event.token() != WAKER {
                self.dispatch(event);
            }
        }
        // Every event of the batch is dispatched and the next poll has not
        // started (turns happen one at a time, under the driver's lock):
        // slots released so far can safely be reused.
        self.slab.reclaim();
        true
    }

    /// Whether the reactor thread should leave its loop.
    pub(super) fn thread_should_stop(&self) -> bool {
        // Acquire: pairs with the Release store in `Thread::shutdown`.
        self.shutdown.load(Ordering::Acquire)
            || self.failed.load(Ordering::Relaxed)
            || self.idle_broken.load(Ordering::Relaxed)
    }
}

/// The executor's hold on the driver, from [`Handle::drive`]: it may turn
/// it, sleep in it, or hand it off. Dropping it keeps the driver the
/// executor's (the reactor thread stays idle).
pub(crate) struct Turn<'a> {
    inner: &'a Inner,
    held: Held<'a, Driver>,
    /// How many events the last turn returned.
    last_count: usize,
    /// Whether they filled the events buffer (more may be waiting).
    last_full: bool,
}

impl Turn<'_> {
    /// Polls without blocking and dispatches what is ready. Returns whether
    /// the events buffer came back full (more may be waiting).
    pub(crate) fn look(&mut self) -> bool {
        self.turn(Some(Duration::ZERO));
        self.last_full
    }

    /// The executor's sleep: in the driver's poll, until an event, a wake
    /// ([`Handle::unpark_executor`]) or `timeout`. Once the poll has
    /// failed, on the handback site instead, which `unpark_executor` then
    /// wakes.
    pub(crate) fn sleep(&mut self, timeout: Option<Duration>) {
        // `failed` is set only by `Inner::fail`, which runs only inside a
        // turn, under the driver's lock, and we hold that lock. So either
        // our own earlier turn failed (program order), or a reactor-thread
        // turn failed before its unlock (Release), which our lock (Acquire)
        // follows: the Relaxed load below sees it either way. A waker that
        // reads `PARKED` (its AcqRel swap, after our Release exchange)
        // sees it too, so it wakes the handback site whenever we sleep on
        // it. The fence, and its twin in `unpark_executor`, are margin:
        // the argument above does not rest on them.
        fence(Ordering::SeqCst);
        if self.inner.failed.load(Ordering::Relaxed) {
            return sleep_on_handback(self.inner, timeout);
        }
        self.turn(timeout);
    }

    fn turn(&mut self, timeout: Option<Duration>) {
        let inner = self.inner;
        (self.last_count, self.last_full) = self.held.with(|driver| {
            if inner.turn(driver, timeout) {
                let count = driver.events.iter().count();
                (count, count >= driver.events.capacity())
            } else {
                (0, false)
            }
        });
    }
}

fn sleep_on_handback(inner: &Inner, timeout: Option<Duration>) {
    if let Err(e) = inner.handback.sleep(timeout) {
        panic!("groundup: the executor cannot sleep: its handback poll failed: {e}");
    }
}

impl fmt::Debug for Turn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("reactor::Turn").field("last_count", &self.last_count).finish()
    }
}

impl Handle {
    /// The executor takes the driver: at once if it owns it; from the
    /// reactor thread if it handed it off (kicking the thread's poll and
    /// waiting on the handback site until the thread lets go).
    pub(crate) fn drive(&self) -> Turn<'_> {
        let inner = &*self.inner;
        Turn { inner, held: inner.handoff.drive(inner), last_count: 0, last_full: false }
    }

    /// The driver, if the executor owns it and nobody polls it right now.
    pub(crate) fn try_drive(&self) -> Option<Turn<'_>> {
        let inner = &*self.inner;
        let held = inner.handoff.try_drive()?;
        Some(Turn { inner, held, last_count: 0, last_full: false })
    }

    /// The executor gives the driver to the reactor thread, which polls it
    /// while tasks run. A reactor that failed, or whose thread is gone,
    /// takes nothing: the executor keeps it, and gets `false` (it must then
    /// look at the kernel itself).
    pub(crate) fn hand_off(&self, turn: Turn<'_>) -> bool {
        let inner = &*self.inner;
        if inner.thread_should_stop() {
            return false;
        }
        inner.handoff.hand_off(turn.held, inner);
        true
    }

    /// Whether the reactor thread is stopping or gone (shut down, failed,
    /// or unable to wait): a driver handed to it may no longer be polled,
    /// and the executor must take it back.
    pub(crate) fn thread_stopped(&self) -> bool {
        self.inner.thread_should_stop()
    }

    /// Whether the reactor thread holds the driver (handed off, not taken
    /// back). Exact on the executor's thread, the only one that changes it.
    pub(crate) fn thread_polls(&self) -> bool {
        self.inner.handoff.thread_polls()
    }

    /// Wakes the executor from its sleep: through the driver's waker (it
    /// sleeps in the driver's poll), and, once the reactor has failed,
    /// through the handback site it then sleeps on. Any thread.
    pub(crate) fn unpark_executor(&self) {
        let inner = &*self.inner;
        inner.kick_poll();
        // SeqCst fence: margin only; see `Turn::sleep` for why the Relaxed
        // load sees a failure whenever the executor sleeps on the handback
        // site (our caller's AcqRel swap read `PARKED`).
        fence(Ordering::SeqCst);
        if inner.failed.load(Ordering::Relaxed) {
            inner.handback.wake();
        }
    }
}
