//! Spinning briefly before parking: an option, off by default.
//!
//! Parking costs more than the system calls it takes: the thread that
//! wakes a parked executor must go through the kernel's scheduler, and on a
//! virtual machine waking an idle CPU can take tens of microseconds. When
//! wakes from *other threads* arrive in quick succession (a thread feeding
//! the runtime through a channel, `Handle::spawn` in a loop), an executor
//! that waits a few microseconds in a spin loop before parking catches the
//! next wake without any of that, and the waker makes no system call either
//! (it finds the executor `RUNNING`).
//!
//! ## Why it is off by default
//!
//! The executor spins *holding the reactor's driver* (it took it to sleep
//! in it), and nobody polls the kernel while it spins: an I/O event, which
//! is what a server waits for, is not seen until the spin gives up and the
//! executor sleeps in the driver's poll, where the event is already
//! waiting. So for I/O a spin is pure delay and pure CPU. Measured on the
//! development machine (2 cores, shared with other builds at the time, so
//! alternating runs): `benches/compare --workload 4 --only groundup
//! --rounds 5` (one connection, ping-pong) made 100,000–105,000 round trips
//! per second at 4.1–5.1 µs of CPU each with no spin, against
//! 68,000–84,000 at 5.5–6.1 µs with a 50 µs spin (the old default, from
//! the design in which the reactor thread always polled and a spin caught
//! its wake). `Builder::spin_before_park` turns it on for a runtime fed
//! mostly by other threads.
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

    fn worth_trying(&self) -> bool {
        if self.budget.is_zero() {
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
