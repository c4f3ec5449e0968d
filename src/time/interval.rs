//! [`Interval`]: ticks on a schedule.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::{Instant, Sleep, sleep_until};

/// How late a tick may be before it counts as missed (tokio's figure). A
/// tick is always a little late: the wheel's millisecond, the executor's
/// other work. Only lateness beyond this is a missed tick for
/// [`MissedTickBehavior`]; below it the schedule simply continues, so
/// `Delay` does not drift by the ordinary lateness of every tick.
const MISSED_AFTER: Duration = Duration::from_millis(5);

/// `instant + duration`, or the far future (about 30 years: "never") when
/// the sum cannot be represented, as for [`sleep(Duration::MAX)`](super::sleep).
fn saturating_add(instant: Instant, duration: Duration) -> Instant {
    instant.checked_add(duration).unwrap_or_else(Instant::far_future)
}

/// Ticks every `period`, the first tick completing at once.
///
/// A period too long for the clock (`Duration::MAX`) ticks once, then not
/// for about 30 years.
///
/// # Panics
///
/// If `period` is zero: an interval that completes continuously would never
/// let its task wait.
///
/// ```
/// use groundup::time::Duration;
///
/// groundup::block_on(async {
///     let mut every = groundup::time::interval(Duration::from_millis(5));
///     let first = every.tick().await; // at once
///     let second = every.tick().await;
///     assert_eq!(second - first, Duration::from_millis(5));
/// });
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// Ticks every `period`, the first tick at `start`.
///
/// # Panics
///
/// If `period` is zero.
///
/// ```
/// use groundup::time::{Duration, Instant, interval_at};
///
/// groundup::block_on(async {
///     let start = Instant::now() + Duration::from_millis(10);
///     let mut every = interval_at(start, Duration::from_millis(5));
///     assert_eq!(every.tick().await, start);
///     assert_eq!(every.tick().await, start + Duration::from_millis(5));
/// });
/// ```
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(!period.is_zero(), "groundup::time::interval: the period must be non-zero");
    Interval {
        delay: Box::pin(sleep_until(start)),
        period,
        missed_tick_behavior: MissedTickBehavior::Burst,
    }
}

/// What an [`Interval`] does when ticks were missed: when a tick completes
/// more than 5 ms after it was due (its task was busy, or the executor
/// was). A tick that is only slightly late (the usual millisecond) is not
/// missed: the next one stays on the original schedule, whatever the
/// behaviour.
///
/// ```
/// use groundup::time::{self, Duration, MissedTickBehavior};
///
/// #[groundup::main(start_paused = true)]
/// async fn main() {
///     let mut every = time::interval(Duration::from_millis(10));
///     every.set_missed_tick_behavior(MissedTickBehavior::Delay);
///     let first = every.tick().await;
///     time::advance(Duration::from_millis(25)).await; // busy: a tick missed
///     let late = every.tick().await; // at once, 15 ms late
///     assert_eq!(late - first, Duration::from_millis(10));
///     let next = every.tick().await; // `Delay`: a period after the late tick
///     assert_eq!(next - first, Duration::from_millis(35));
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Fire the missed ticks back to back, then keep the original schedule
    /// (the default, as in tokio).
    #[default]
    Burst,
    /// Fire once now, then every `period` from now.
    Delay,
    /// Fire once now, then resume at the next multiple of `period` on the
    /// original schedule.
    Skip,
}

impl MissedTickBehavior {
    /// The next deadline after the tick due at `due` completed, late, at
    /// `now`.
    fn next_after_missed(self, due: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => saturating_add(due, period),
            MissedTickBehavior::Delay => saturating_add(now, period),
            MissedTickBehavior::Skip => {
                // The next multiple of `period` after `now`, counted from `due`.
                let behind = now.saturating_duration_since(due).as_nanos();
                let into_period = behind % period.as_nanos();
                let to_next = period.as_nanos() - into_period;
                match duration_from_nanos(to_next) {
                    Some(to_next) => saturating_add(now, to_next),
                    None => Instant::far_future(),
                }
            }
        }
    }
}

fn duration_from_nanos(nanos: u128) -> Option<Duration> {
    const PER_SEC: u128 = 1_000_000_000;
    let secs = u64::try_from(nanos / PER_SEC).ok()?;
    Some(Duration::new(secs, (nanos % PER_SEC) as u32))
}

/// A stream of ticks; see [`interval`].
///
/// The next tick's deadline is its [`Sleep`]'s, boxed so that `Interval`
/// stays `Unpin` (as tokio's does).
#[derive(Debug)]
pub struct Interval {
    delay: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// Completes at the next tick and returns when it was scheduled for.
    pub async fn tick(&mut self) -> Instant {
        std::future::poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick: `Ready` with the instant it was scheduled
    /// for, or `Pending` (and the task is woken at the tick). Only the
    /// waker of the latest poll is woken.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if self.delay.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        let due = self.delay.deadline();
        let now = Instant::now();
        let next = if now.saturating_duration_since(due) > MISSED_AFTER {
            self.missed_tick_behavior.next_after_missed(due, now, self.period)
        } else {
            saturating_add(due, self.period)
        };
        self.delay.as_mut().reset(next);
        Poll::Ready(due)
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// How missed ticks are handled.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Changes how missed ticks are handled.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// Restarts the schedule: the next tick is one period from now
    /// (`reset_at(Instant::now() + period)`, saturating).
    pub fn reset(&mut self) {
        self.reset_at(saturating_add(Instant::now(), self.period));
    }

    /// Restarts the schedule with a tick now (`reset_at(Instant::now())`).
    ///
    /// ```
    /// use groundup::time::{self, Duration, Instant};
    ///
    /// #[groundup::main(start_paused = true)]
    /// async fn main() {
    ///     let mut every = time::interval(Duration::from_secs(60));
    ///     every.tick().await;
    ///     every.reset_immediately();
    ///     let now = Instant::now();
    ///     assert_eq!(every.tick().await, now); // at once
    ///     every.reset(); // a period from now
    ///     assert_eq!(every.tick().await, now + Duration::from_secs(60));
    ///     every.reset_after(Duration::from_secs(5));
    ///     assert_eq!(every.tick().await, now + Duration::from_secs(65));
    /// }
    /// ```
    pub fn reset_immediately(&mut self) {
        self.reset_at(Instant::now());
    }

    /// Restarts the schedule with the next tick `after` from now
    /// (saturating).
    pub fn reset_after(&mut self, after: Duration) {
        self.reset_at(saturating_add(Instant::now(), after));
    }

    /// Restarts the schedule with the next tick at `deadline`, then every
    /// period from there.
    ///
    /// ```
    /// use groundup::time::{self, Duration, Instant};
    ///
    /// #[groundup::main(start_paused = true)]
    /// async fn main() {
    ///     let mut every = time::interval(Duration::from_secs(60));
    ///     every.tick().await;
    ///     let soon = Instant::now() + Duration::from_secs(1);
    ///     every.reset_at(soon);
    ///     assert_eq!(every.tick().await, soon);
    ///     assert_eq!(every.tick().await, soon + Duration::from_secs(60));
    /// }
    /// ```
    pub fn reset_at(&mut self, deadline: Instant) {
        self.delay.as_mut().reset(deadline);
    }
}
