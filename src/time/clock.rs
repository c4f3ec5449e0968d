//! The runtime's clock, and paused time: [`pause`], [`resume`], [`advance`].
//!
//! ## Why a clock of our own
//!
//! A test of timer-heavy code (a retry loop with an hour of back-off, a
//! keep-alive that fires every 30 s) should not take an hour. So each
//! runtime has a [`Clock`], and timers count from it, not from the system
//! clock. Normally the clock *is* the system clock. Paused, it stands still,
//! and moves only when told to ([`advance`]) or when the runtime has nothing
//! left to run: then the executor moves it straight to the next timer
//! (auto-advance, in the executor's park; see [`Driver::auto_advance`]). An
//! hour of sleeps then completes at once, each timer firing in deadline
//! order and never before its deadline by the paused clock.
//!
//! This is tokio's `test-util` clock, with tokio's semantics: the saved
//! instant is the paused value; [`resume`] lets time run again *from that
//! value* (so after an advance the runtime's clock stays ahead of the
//! system's); the same panics for the same misuse.
//!
//! ## Where it lives
//!
//! In the runtime's time [`Driver`], on the executor thread, so its state is
//! a `Cell`: no lock, as for the timer wheel beside it. Only code running on
//! that thread (inside `block_on`) can reach it, which is why [`pause`]
//! outside a runtime panics, and why `Instant::now()` on another thread is
//! the system clock.
//!
//! [`Driver`]: super::driver::Driver
//! [`Driver::auto_advance`]: super::driver::Driver::auto_advance

use std::cell::Cell;
use std::time::Duration;

use super::Instant;

/// A runtime's source of time: the system clock, or a paused one.
#[derive(Debug)]
pub(crate) struct Clock {
    state: Cell<State>,
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Time passes: now is `base` plus the system time passed since `since`.
    /// (Both are the same instant until a pause and a resume set them apart.)
    Running { base: std::time::Instant, since: std::time::Instant },
    /// Time stands still at `at`, until advanced or resumed.
    Paused { at: std::time::Instant },
}

impl Clock {
    /// A clock that follows the system clock.
    pub(crate) fn new() -> Clock {
        let now = std::time::Instant::now();
        Clock { state: Cell::new(State::Running { base: now, since: now }) }
    }

    pub(crate) fn now(&self) -> Instant {
        Instant::from_std(match self.state.get() {
            State::Running { base, since } => base + since.elapsed(),
            State::Paused { at } => at,
        })
    }

    pub(crate) fn is_paused(&self) -> bool {
        matches!(self.state.get(), State::Paused { .. })
    }

    /// Freezes the clock at its current value.
    pub(crate) fn pause(&self) -> Result<(), &'static str> {
        if self.is_paused() {
            return Err("groundup::time::pause: time is already frozen (paused twice without a \
                        `resume` in between)");
        }
        self.state.set(State::Paused { at: self.now().into_std() });
        Ok(())
    }

    /// Freezes the clock at `at` (a new runtime's start).
    pub(crate) fn pause_at(&self, at: Instant) {
        self.state.set(State::Paused { at: at.into_std() });
    }

    /// Lets the clock run again from its paused value.
    pub(crate) fn resume(&self) -> Result<(), &'static str> {
        let State::Paused { at } = self.state.get() else {
            return Err("groundup::time::resume: time is not frozen (`resume` without `pause`)");
        };
        self.state.set(State::Running { base: at, since: std::time::Instant::now() });
        Ok(())
    }

    /// Moves the paused clock forward by `duration`.
    pub(crate) fn advance(&self, duration: Duration) -> Result<(), &'static str> {
        let State::Paused { at } = self.state.get() else {
            return Err(
                "groundup::time::advance: time is not frozen (call `groundup::time::pause` \
                        first, or build the runtime with `start_paused(true)`)",
            );
        };
        let at = at.checked_add(duration).ok_or(
            "groundup::time::advance: time overflow (the paused clock cannot represent an \
             instant that far ahead)",
        )?;
        self.state.set(State::Paused { at });
        Ok(())
    }

    /// Moves the paused clock forward to `target` (never back): auto-advance.
    pub(crate) fn advance_to(&self, target: Instant) {
        if let State::Paused { at } = self.state.get() {
            self.state.set(State::Paused { at: at.max(target.into_std()) });
        }
    }
}
