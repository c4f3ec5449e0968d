//! What reads the current runtime's clock: [`Instant::now`] and
//! [`Instant::elapsed`], and [`pause`], [`resume`] and [`advance`].
//!
//! These look the runtime up in the ambient context (`crate::context`), so
//! they sit above it, with the other public leaves; the clock itself
//! (`clock.rs`), the wheel and the driver sit below, with the executor that
//! drives them, and name no runtime.

use std::time::Duration;

use super::Instant;
use super::clock::Clock;
use super::driver::Driver;

/// Runs `f` with the current runtime's time driver, or returns `None`
/// outside a runtime.
pub(crate) fn with_driver<R>(f: impl FnOnce(&Driver) -> R) -> Option<R> {
    crate::context::with_current(|cx| f(&cx.timers))
}

impl Instant {
    /// The current instant of the current runtime's clock (which stands
    /// still while time is paused), or of the system clock outside a runtime.
    ///
    /// ```
    /// use groundup::time::{self, Duration, Instant};
    ///
    /// # fn main() -> std::io::Result<()> {
    /// let rt = groundup::runtime::Builder::new().start_paused(true).build()?;
    /// rt.block_on(async {
    ///     let before = Instant::now();
    ///     std::thread::sleep(Duration::from_millis(2)); // real time passes...
    ///     assert_eq!(Instant::now(), before); // ...the paused clock does not
    ///     time::advance(Duration::from_secs(5)).await;
    ///     assert_eq!(Instant::now(), before + Duration::from_secs(5));
    /// });
    /// # Ok(())
    /// # }
    /// ```
    pub fn now() -> Instant {
        with_driver(Driver::now).unwrap_or_else(|| Instant::from_std(std::time::Instant::now()))
    }

    /// About 30 years from now: what "never" means for a timer.
    pub(crate) fn far_future() -> Instant {
        Instant::far_future_from(Instant::now())
    }

    /// The time from `self` to [`Instant::now`] (zero if `self` is later).
    /// Follows paused time, like `now`.
    ///
    /// ```
    /// use groundup::time::{self, Duration, Instant};
    ///
    /// #[groundup::main(start_paused = true)]
    /// async fn main() {
    ///     let start = Instant::now();
    ///     time::sleep(Duration::from_secs(90)).await;
    ///     assert_eq!(start.elapsed(), Duration::from_secs(90)); // exactly: the clock jumped
    /// }
    /// ```
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }
}

/// Runs `f` on the current runtime's clock and panics with its error, or
/// with `outside` when there is no runtime on this thread.
#[track_caller]
fn with_clock(outside: &str, f: impl FnOnce(&Clock) -> Result<(), &'static str>) {
    match with_driver(|driver| f(driver.clock())) {
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
