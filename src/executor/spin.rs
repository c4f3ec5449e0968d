//! Spinning briefly before parking, when it has been paying off.
//!
//! Parking costs more than the two system calls it takes: the thread that
//! wakes a parked executor must go through the kernel's scheduler, and on a
//! virtual machine waking an idle CPU can take tens of microseconds (on the
//! development machine, a `std` channel ping-pong between two threads takes
//! about 70 µs per round trip; the same hand-off between two spinning
//! threads takes under 0.1 µs). When work arrives in quick succession — a
//! request-response conversation — an executor that waits a few
//! microseconds in a spin loop before parking catches the next wake without
//! any of that, and the reactor's wake costs no system call either (it finds
//! the executor `RUNNING`).
//!
//! Spinning burns a CPU, so it is bounded (the budget, by default
//! [`DEFAULT_SPIN`]) and adaptive: each spin that ends in work earns a
//! credit, each that ends in a park spends one, and with no credit left the
//! executor parks at once, trying a spin again only every
//! [`PROBE_EVERY`]th park. An idle server therefore spins a handful of
//! times and then not at all.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The default spin budget.
pub(crate) const DEFAULT_SPIN: Duration = Duration::from_micros(50);

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
