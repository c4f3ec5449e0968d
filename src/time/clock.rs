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
use super::driver;

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

/// Runs `f` on the current runtime's clock and panics with its error, or
/// with `outside` when there is no runtime on this thread.
#[track_caller]
fn with_clock(outside: &str, f: impl FnOnce(&Clock) -> Result<(), &'static str>) {
    match driver::with_current(|driver| f(driver.clock())) {
        Some(Ok(())) => {}
        Some(Err(message)) => panic!("{message}"),
        None => panic!(
            "{outside} called outside a groundup runtime: time cannot be frozen from outside the \
             groundup runtime. Call it inside `block_on` (or a task), or build the runtime with \
             `groundup::runtime::Builder::start_paused(true)`, which `#[groundup::test(start_paused \
             = true)]` does"
        ),
    }
}

/// Pauses time: [`Instant::now`] then returns the saved value, and timers
/// do not fire by themselves.
///
/// The saved value moves when [`advance`] is called, or by **auto-advance**:
/// when the runtime has nothing left to run (every task waits, no I/O is
/// ready) and a timer is pending, the clock jumps straight to that timer's
/// deadline. So a [`sleep`](super::sleep) of an hour completes at once,
/// timers fire in deadline order, and none fires before its deadline by the
/// paused clock. Before each jump the executor has the reactor thread look
/// at the kernel once more without blocking, so a socket that is already
/// readable is served before the clock moves (tokio's I/O driver makes the
/// same zero-timeout poll).
///
/// Only groundup's [`Instant`] and timers follow the paused clock;
/// `std::time::Instant` keeps the system's time. Pausing is per runtime,
/// and groundup's runtime is tokio's `current_thread` kind, so every
/// runtime can pause.
///
/// ```
/// use groundup::time::{self, Duration, Instant};
///
/// groundup::block_on(async {
///     time::pause();
///     let start = Instant::now();
///     let wall = std::time::Instant::now();
///     time::sleep(Duration::from_secs(3_600)).await; // auto-advance: no real hour
///     assert!(start.elapsed() >= Duration::from_secs(3_600));
///     assert!(wall.elapsed() < Duration::from_secs(3_600));
/// });
/// ```
///
/// # Panics
///
/// Outside a runtime ("time cannot be frozen from outside the groundup
/// runtime"), and if time is already paused ("time is already frozen"), as
/// in tokio.
#[track_caller]
pub fn pause() {
    with_clock("groundup::time::pause", Clock::pause);
}

/// Resumes time: the clock runs again from its paused value (so it stays
/// ahead of the system clock by what was advanced).
///
/// ```
/// use groundup::time::{self, Duration, Instant};
///
/// groundup::block_on(async {
///     time::pause();
///     let paused = Instant::now();
///     time::advance(Duration::from_secs(10)).await;
///     time::resume();
///     assert!(Instant::now() - paused >= Duration::from_secs(10));
/// });
/// ```
///
/// # Panics
///
/// Outside a runtime, and if time is not paused ("time is not frozen").
#[track_caller]
pub fn resume() {
    with_clock("groundup::time::resume", Clock::resume);
}

/// Advances the paused clock by `duration` in one jump, then yields once.
///
/// Every timer whose deadline the jump passes is due: they all complete
/// "at the same time", in no promised order, and `advance` does not wait
/// for them to run (await a [`sleep`](super::sleep) and let auto-advance
/// move the clock for that). A timer may need one more turn of the run
/// loop after the jump to notice it; the yield gives it one.
///
/// ```
/// use groundup::time::{self, Duration, Instant};
///
/// groundup::block_on(async {
///     time::pause();
///     let start = Instant::now();
///     time::advance(Duration::from_millis(1_500)).await;
///     assert_eq!(start.elapsed(), Duration::from_millis(1_500));
/// });
/// ```
///
/// # Panics
///
/// Outside a runtime, if time is not paused ("time is not frozen"), and if
/// the clock cannot represent the instant ("time overflow"; e.g.
/// `Duration::MAX`).
pub async fn advance(duration: Duration) {
    with_clock("groundup::time::advance", |clock| clock.advance(duration));
    crate::task::yield_now().await;
}
