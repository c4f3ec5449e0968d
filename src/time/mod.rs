//! Timers: [`sleep`], [`sleep_until`], [`timeout`] and [`interval`].
//!
//! ## Where timers live, and why
//!
//! Timers live on the **executor thread**, in a hierarchical timing wheel
//! (`wheel.rs`), not on the reactor thread. A timer is created, polled,
//! fired and cancelled by the same thread that runs its task, so none of it
//! needs an atomic, a lock or a message to another thread:
//!
//! - creating or cancelling a timer is an O(1) list operation, no system
//!   call (a reactor-side wheel would need a cross-thread message, and a
//!   wake of the reactor whenever a new timer is earlier than all others);
//! - the executor's park timeout *is* the next timer deadline, so the
//!   executor sleeps exactly until there is something to do;
//! - a fired timer's wake goes to the local run queue.
//!
//! The cost: timers are `!Send` (like the tasks that use them) and fire only
//! while the runtime's thread is inside `block_on`.
//!
//! ## Resolution and lateness
//!
//! The wheel ticks in milliseconds, and a deadline is rounded *up* to the
//! next tick, so no timer ever fires early; the executor's park rounds its
//! timeout up too. Expect a timer to complete between its deadline and about
//! a millisecond after (more if the executor is busy: timers are checked
//! every `EVENT_INTERVAL` task polls).

pub(crate) mod driver;
mod wheel;

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::context;
use crate::coop;
use driver::Driver;
use wheel::Key;

// ---------------------------------------------------------------------------
// Sleep
// ---------------------------------------------------------------------------

/// Waits until `duration` has elapsed.
///
/// Never completes early. `Duration::MAX` (or any duration past what
/// `Instant` can represent) sleeps for about 30 years, that is, forever.
///
/// ```
/// use std::time::{Duration, Instant};
///
/// groundup::block_on(async {
///     let start = Instant::now();
///     groundup::time::sleep(Duration::from_millis(20)).await;
///     assert!(start.elapsed() >= Duration::from_millis(20));
/// });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    sleep_until(Instant::now().checked_add(duration).unwrap_or_else(far_future))
}

/// Waits until `deadline`.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { deadline, timer: None, _not_send: PhantomData }
}

/// About 30 years from now: what "never" means for an `Instant`.
fn far_future() -> Instant {
    let thirty_years = Duration::from_secs(86_400 * 365 * 30);
    Instant::now().checked_add(thirty_years).expect("Instant cannot represent 30 years ahead")
}

/// The future returned by [`sleep`] and [`sleep_until`].
///
/// Registers with the runtime's timer wheel on its first `Pending` poll and
/// leaves it when dropped or completed. `!Send`: timers live on the
/// runtime's thread.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Sleep {
    deadline: Instant,
    timer: Option<(Driver, Key)>,
    _not_send: PhantomData<*const ()>,
}

impl Sleep {
    /// When this sleep completes.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the deadline has passed.
    pub fn is_elapsed(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Changes the deadline (the sleep may then complete again).
    pub fn reset(&mut self, deadline: Instant) {
        self.cancel();
        self.deadline = deadline;
    }

    fn cancel(&mut self) {
        if let Some((driver, key)) = self.timer.take() {
            driver.remove(key);
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !coop::proceed(cx) {
            return Poll::Pending;
        }
        if self.is_elapsed() {
            self.cancel();
            return Poll::Ready(());
        }
        if let Some((driver, key)) = &self.timer {
            if driver.set_waker(*key, cx.waker()) {
                return Poll::Pending;
            }
            // Fired without being due (a deadline beyond the wheel's range
            // reaching its parking slot cannot do this, but be robust): go
            // round again.
            self.cancel();
        }
        let driver = context::with_current(|cx| cx.timers.clone()).unwrap_or_else(|| {
            panic!(
                "groundup::time::Sleep polled outside a groundup runtime: timers live on the \
                 runtime's thread; await it inside `groundup::block_on` or a task it runs"
            )
        });
        let key = driver.insert(self.deadline, cx.waker());
        self.timer = Some((driver, key));
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.cancel();
    }
}

// ---------------------------------------------------------------------------
// Timeout
// ---------------------------------------------------------------------------

/// Runs `future` until it completes or `duration` elapses, whichever comes
/// first.
///
/// The future is polled before the timer, so a future that is ready at the
/// deadline still wins.
///
/// ```
/// use std::time::Duration;
/// use groundup::time::timeout;
///
/// groundup::block_on(async {
///     let never = std::future::pending::<()>();
///     assert!(timeout(Duration::from_millis(10), never).await.is_err());
///     assert_eq!(timeout(Duration::from_secs(10), async { 7 }).await, Ok(7));
/// });
/// ```
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout { future, sleep: sleep(duration) }
}

/// Like [`timeout`], with an absolute deadline.
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout { future, sleep: sleep_until(deadline) }
}

/// The future returned by [`timeout`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Timeout<F> {
    future: F,
    sleep: Sleep,
}

impl<F> Timeout<F> {
    /// The wrapped future.
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// The wrapped future, if it is `Unpin`.
    pub fn get_mut(&mut self) -> &mut F
    where
        F: Unpin,
    {
        &mut self.future
    }

    /// Takes the wrapped future back.
    pub fn into_inner(self) -> F {
        self.future
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `future` is structurally pinned: it is never moved out of a
        // pinned `Timeout` (`into_inner` takes `self` by value, which needs
        // `Unpin` or an unpinned value) and `Timeout` has no `Drop` impl that
        // could move it. `sleep` is `Unpin` and is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above; this pin projection is the only one made.
        let future = unsafe { Pin::new_unchecked(&mut this.future) };
        if let Poll::Ready(output) = future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        match Pin::new(&mut this.sleep).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed(()))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The error of a [`timeout`] whose deadline passed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl Error for Elapsed {}

impl From<Elapsed> for io::Error {
    fn from(e: Elapsed) -> io::Error {
        io::Error::new(io::ErrorKind::TimedOut, e)
    }
}

// ---------------------------------------------------------------------------
// Interval
// ---------------------------------------------------------------------------

/// Ticks every `period`, the first tick completing at once.
///
/// # Panics
///
/// If `period` is zero: an interval that completes continuously would never
/// let its task wait.
///
/// ```
/// use std::time::Duration;
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
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(!period.is_zero(), "groundup::time::interval: the period must be non-zero");
    Interval { next: start, period, sleep: sleep_until(start), missed: MissedTickBehavior::Burst }
}

/// What an [`Interval`] does when ticks were missed (its task was busy).
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

/// A stream of ticks; see [`interval`].
#[derive(Debug)]
pub struct Interval {
    /// When the next tick is due.
    next: Instant,
    period: Duration,
    sleep: Sleep,
    missed: MissedTickBehavior,
}

impl Interval {
    /// Completes at the next tick and returns when it was scheduled for.
    pub async fn tick(&mut self) -> Instant {
        std::future::poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if Pin::new(&mut self.sleep).poll(cx).is_pending() {
            return Poll::Pending;
        }
        let tick = self.next;
        let now = Instant::now();
        self.next = match self.missed {
            MissedTickBehavior::Burst => tick + self.period,
            MissedTickBehavior::Delay => now + self.period,
            MissedTickBehavior::Skip => {
                let behind = now.saturating_duration_since(tick).as_nanos();
                let periods = behind / self.period.as_nanos() + 1;
                tick + self.period * u32::try_from(periods).unwrap_or(u32::MAX)
            }
        };
        self.sleep.reset(self.next);
        Poll::Ready(tick)
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// How missed ticks are handled.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed
    }

    /// Changes how missed ticks are handled.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed = behavior;
    }

    /// Restarts the schedule: the next tick is one period from now.
    pub fn reset(&mut self) {
        self.next = Instant::now() + self.period;
        self.sleep.reset(self.next);
    }
}
