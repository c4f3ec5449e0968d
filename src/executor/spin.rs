//! Spinning briefly before parking: an option, off by default.
//!
//! Parking costs more than the system calls it takes: the thread that
//! wakes a parked executor must go through the kernel's scheduler, and on a
//! virtual machine waking an idle CPU can take tens of microseconds. An
//! executor that waits a few microseconds in a spin loop before parking
//! catches a wake that comes meanwhile without any of that, and the waker
//! makes no system call either (it finds the executor `RUNNING`).
//!
//! ## How it sees I/O
//!
//! An executor that spun holding the reactor's driver would see no I/O
//! while it spins: nobody would be polling the kernel. So before it spins,
//! the executor hands the driver to the reactor thread
//! (`Executor::spin_while_the_thread_polls`), which waits in the kernel
//! meanwhile. An event then wakes its task from the reactor thread, a store
//! into the park word that the spin sees, and the executor runs the task
//! without having slept. A spin that runs out takes the driver back and
//! sleeps in it, as an executor without a spin does at once. With hand-off
//! turned off the executor keeps the driver, and the spin catches wakes
//! from other threads only.
//!
//! ## Why it is off by default
//!
//! A spin buys latency with CPU: while it waits, a core is busy doing
//! nothing, and a spin that runs out costs a hand-back of the driver (a
//! kick and a wait) on top. Without it the executor costs, per I/O wake,
//! what tokio's `current_thread` costs: one `epoll_wait` returning on its
//! own thread. Issue 14's goal is to beat tokio without burning a core, so
//! the default does not spin; `Builder::spin_before_park` turns it on for
//! a runtime that would rather spend CPU than wake-up latency. The figures
//! of both are in `BENCHMARKS.md`.
//!
//! When on, the spin is bounded (the budget) and adaptive: each spin that
//! ends in work earns a credit, each that ends in a park spends one, and
//! with no credit left the executor parks at once, trying a spin again only
//! every [`PROBE_EVERY`]th park. An idle server therefore spins a handful
//! of times and then not at all.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The default spin budget: none (see the module docs).
pub(crate) const DEFAULT_SPIN: Duration = Duration::ZERO;

/// Most credits that can be saved up.
const MAX_CREDIT: u8 = 8;

/// Without credit, every this-many parks try a spin anyway.
const PROBE_EVERY: u32 = 64;

/// Spin-loop iterations between two looks at the clock.
const CHECK_CLOCK_EVERY: u32 = 64;

#[derive(Debug)]
pub(crate) struct Spin {
    budget: Duration,
    credit: Cell<u8>,
    parks_without_credit: Cell<u32>,
}

impl Spin {
    pub(crate) fn new(budget: Duration) -> Spin {
        Spin { budget, credit: Cell::new(1), parks_without_credit: Cell::new(0) }
    }

    /// Spins until `news()` says there is work, at most the budget (and at
    /// most `limit`, the time to the next timer). Returns whether work came.
    pub(crate) fn spin(&self, limit: Option<Duration>, news: impl Fn() -> bool) -> bool {
        if !self.worth_trying() {
            return false;
        }
        let budget = limit.map_or(self.budget, |l| l.min(self.budget));
        let start = Instant::now();
        let mut spins: u32 = 0;
        loop {
            if news() {
                self.credit.set((self.credit.get() + 1).min(MAX_CREDIT));
                return true;
            }
            std::hint::spin_loop();
            spins = spins.wrapping_add(1);
            if spins % CHECK_CLOCK_EVERY == 0 && start.elapsed() >= budget {
                self.credit.set(self.credit.get().saturating_sub(1));
                return false;
            }
        }
    }

    /// Whether a spin is configured at all.
    pub(crate) fn is_on(&self) -> bool {
        !self.budget.is_zero()
    }

    fn worth_trying(&self) -> bool {
        if !self.is_on() {
            return false;
        }
        if self.credit.get() > 0 {
            return true;
        }
        let parks = self.parks_without_credit.get().wrapping_add(1);
        self.parks_without_credit.set(parks);
        parks % PROBE_EVERY == 0
    }
}
