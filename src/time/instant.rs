//! [`Instant`]: `std::time::Instant` as the runtime's clock sees it.
//!
//! The type is a thin wrapper so that [`Instant::now`] can ask the current
//! runtime's clock, which stands still while time is paused
//! ([`pause`](super::pause)); outside a runtime it is the system's monotonic
//! clock. Everything else is `std::time::Instant` arithmetic, with tokio's
//! choices where tokio's `Instant` differs from std's: `duration_since` and
//! `-` saturate to zero instead of panicking.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::Duration;

/// A measurement of a monotonically nondecreasing clock: the runtime's
/// clock, which follows paused time.
///
/// Inside a runtime whose time is paused, [`Instant::now`] returns the
/// paused clock's value, which moves only through
/// [`advance`](super::advance) and auto-advance; outside a runtime, or while
/// time runs, it follows the system clock (after a pause and a
/// [`resume`](super::resume), offset by the time skipped). Convert with
/// [`from_std`](Instant::from_std) / [`into_std`](Instant::into_std) or
/// `From`.
///
/// ```
/// use groundup::time::{Duration, Instant};
///
/// let start = Instant::now();
/// let later = start + Duration::from_millis(5);
/// assert_eq!(later - start, Duration::from_millis(5));
/// assert_eq!(start - later, Duration::ZERO, "saturates, as in tokio");
/// assert_eq!(later.checked_duration_since(start), Some(Duration::from_millis(5)));
/// assert_eq!(Instant::from_std(start.into_std()), start);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    std: std::time::Instant,
}

impl Instant {
    /// About 30 years after `now`: what "never" means for a timer (tokio's
    /// figure), saturating where the clock cannot go that far.
    pub(crate) fn far_future_from(now: Instant) -> Instant {
        const THIRTY_YEARS: Duration = Duration::from_secs(86_400 * 365 * 30);
        now.checked_add(THIRTY_YEARS).unwrap_or(now)
    }

    /// Wraps a `std::time::Instant`.
    pub fn from_std(std: std::time::Instant) -> Instant {
        Instant { std }
    }

    /// The `std::time::Instant` this wraps.
    pub fn into_std(self) -> std::time::Instant {
        self.std
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// The time from `earlier` to `self`, or `None` if `earlier` is later.
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.std.checked_duration_since(earlier.std)
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// `self + duration`, or `None` if the clock cannot represent it.
    pub fn checked_add(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_add(duration).map(Instant::from_std)
    }

    /// `self - duration`, or `None` if the clock cannot represent it.
    pub fn checked_sub(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_sub(duration).map(Instant::from_std)
    }
}

impl From<std::time::Instant> for Instant {
    fn from(std: std::time::Instant) -> Instant {
        Instant::from_std(std)
    }
}

impl From<Instant> for std::time::Instant {
    fn from(instant: Instant) -> std::time::Instant {
        instant.into_std()
    }
}

/// # Panics
///
/// If the result cannot be represented (as `std::time::Instant + Duration`);
/// see [`Instant::checked_add`].
impl Add<Duration> for Instant {
    type Output = Instant;

    fn add(self, duration: Duration) -> Instant {
        Instant::from_std(self.std + duration)
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, duration: Duration) {
        *self = *self + duration;
    }
}

/// Saturating: an `earlier` that is later gives zero, as in tokio.
impl Sub for Instant {
    type Output = Duration;

    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

/// # Panics
///
/// If the result cannot be represented; see [`Instant::checked_sub`].
impl Sub<Duration> for Instant {
    type Output = Instant;

    fn sub(self, duration: Duration) -> Instant {
        Instant::from_std(self.std - duration)
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, duration: Duration) {
        *self = *self - duration;
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.std.fmt(f)
    }
}
