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

mod wheel;

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::coop;
use crate::executor;
use wheel::{Key, Wheel};

// ---------------------------------------------------------------------------
// The driver: the wheel plus the clock it counts from
// ---------------------------------------------------------------------------

/// The runtime's timers, shared (by `Rc`) with each registered `Sleep` so
/// that dropping a `Sleep` can remove its entry even after the runtime is
/// gone.
#[derive(Clone, Debug)]
pub(crate) struct Driver {
    inner: Rc<DriverInner>,
}

#[derive(Debug)]
struct DriverInner {
    /// Tick 0.
    start: Instant,
    wheel: RefCell<Wheel>,
    /// Reused buffer for the wakers of fired timers.
    fired: RefCell<Vec<Waker>>,
}

const TICK: Duration = Duration::from_millis(1);

impl Driver {
    pub(crate) fn new() -> Driver {
        Driver {
            inner: Rc::new(DriverInner {
                start: Instant::now(),
                wheel: RefCell::new(Wheel::default()),
                fired: RefCell::new(Vec::new()),
            }),
        }
    }

    /// The first tick at or after `instant` (rounding up: never early).
    fn tick_at_or_after(&self, instant: Instant) -> u64 {
        let since = instant.saturating_duration_since(self.inner.start);
        u64::try_from(since.as_nanos().div_ceil(TICK.as_nanos())).unwrap_or(u64::MAX)
    }

    /// The last tick that has fully passed (rounding down).
    fn current_tick(&self) -> u64 {
        let since = Instant::now().saturating_duration_since(self.inner.start);
        u64::try_from(since.as_nanos() / TICK.as_nanos()).unwrap_or(u64::MAX)
    }

    fn insert(&self, deadline: Instant, waker: &Waker) -> Key {
        let mut wheel = self.inner.wheel.borrow_mut();
        let tick = self.tick_at_or_after(deadline).max(wheel.elapsed() + 1);
        wheel.insert(tick, waker.clone())
    }

    fn set_waker(&self, key: Key, waker: &Waker) -> bool {
        self.inner.wheel.borrow_mut().set_waker(key, waker)
    }

    fn remove(&self, key: Key) {
        self.inner.wheel.borrow_mut().remove(key);
    }

    /// Wakes every timer whose deadline has passed (executor loop).
    pub(crate) fn fire_due(&self) {
        if self.inner.wheel.borrow().pending() == 0 {
            return;
        }
        let now = self.current_tick();
        let mut fired = std::mem::take(&mut *self.inner.fired.borrow_mut());
        self.inner.wheel.borrow_mut().advance(now, &mut fired);
        // Wake outside the borrows: a wake may run arbitrary code, and may
        // panic (a future polled with a foreign waker); contain that, so the
        // wheel and the other timers stay intact.
        for waker in fired.drain(..) {
            crate::util::panic::survive_panic("a timer's waker", || waker.wake());
        }
        *self.inner.fired.borrow_mut() = fired;
    }

    /// How long the executor may sleep before the wheel needs attention.
    pub(crate) fn next_timeout(&self) -> Option<Duration> {
        let tick = self.inner.wheel.borrow().next_expiration()?;
        let at = self.inner.start + TICK * u32::try_from(tick).unwrap_or(u32::MAX);
        Some(at.saturating_duration_since(Instant::now()))
    }

    /// Drops every timer (runtime shutdown).
    pub(crate) fn shutdown(&self) {
        let mut wheel = self.inner.wheel.borrow_mut();
        wheel.clear();
    }

    pub(crate) fn pending(&self) -> usize {
        self.inner.wheel.borrow().pending()
    }
}

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
        let driver = executor::with_current(|core| core.timers.clone()).unwrap_or_else(|| {
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
