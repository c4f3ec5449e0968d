//! [`Sleep`]: a future that completes at a deadline.

use std::future::Future;
use std::marker::{PhantomData, PhantomPinned};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::Instant;
use super::current;
use super::driver::Driver;
use super::wheel::Key;
use crate::coop;

/// Waits until `duration` has elapsed.
///
/// Never completes early. `Duration::MAX` (or any duration past what
/// `Instant` can represent) sleeps for about 30 years, that is, forever.
/// Follows the runtime's clock, so it completes at once (by auto-advance)
/// while time is [paused](super::pause) and nothing else is left to run.
///
/// ```
/// use groundup::time::{Duration, Instant};
///
/// groundup::block_on(async {
///     let start = Instant::now();
///     groundup::time::sleep(Duration::from_millis(20)).await;
///     assert!(start.elapsed() >= Duration::from_millis(20));
/// });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    sleep_until(Instant::now().checked_add(duration).unwrap_or_else(Instant::far_future))
}

/// Waits until `deadline` (by the runtime's clock: see [`Instant`]).
///
/// A deadline in the past completes at the first poll.
///
/// ```
/// use groundup::time::{Duration, Instant, sleep_until};
///
/// groundup::block_on(async {
///     let deadline = Instant::now() + Duration::from_millis(10);
///     sleep_until(deadline).await;
///     assert!(Instant::now() >= deadline);
/// });
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { deadline, timer: None, _not_send: PhantomData, _pinned: PhantomPinned }
}

/// The future returned by [`sleep`] and [`sleep_until`].
///
/// Registers with the runtime's timer wheel on its first `Pending` poll and
/// leaves it when dropped or completed. `!Send`: timers live on the
/// runtime's thread.
///
/// `!Unpin`, as tokio's `Sleep` is, so code written against it pins it as
/// tokio requires (`std::pin::pin!`, [`groundup::pin!`](crate::pin),
/// `Box::pin`) and ports back unchanged. Nothing in groundup's `Sleep`
/// relies on its address today; the marker keeps that free to change.
///
/// ```
/// use groundup::time::{self, Duration, Instant};
///
/// groundup::block_on(async {
///     let sleep = time::sleep(Duration::from_secs(3_600));
///     groundup::pin!(sleep);
///     let soon = Instant::now() + Duration::from_millis(5);
///     sleep.as_mut().reset(soon); // tokio's shape: `reset(self: Pin<&mut Self>, …)`
///     sleep.as_mut().await;
///     assert!(sleep.is_elapsed());
///     assert_eq!(sleep.deadline(), soon);
/// });
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Sleep {
    deadline: Instant,
    timer: Option<(Driver, Key)>,
    _not_send: PhantomData<*const ()>,
    _pinned: PhantomPinned,
}

impl Sleep {
    /// When this sleep completes.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the deadline has passed (by the runtime's clock).
    pub fn is_elapsed(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Changes the deadline; the sleep may then complete again.
    ///
    /// Callable before, during and after the sleep is awaited. A sleep that
    /// was polled keeps its registration and its waker: its timer moves to
    /// the new deadline, so the task that last polled it is woken then, even
    /// if it does not poll the sleep again first.
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        // SAFETY: no field of `Sleep` is structurally pinned (the
        // `PhantomPinned` is an API promise, not a requirement of this
        // code), and nothing is moved out of it here.
        let this = unsafe { self.get_unchecked_mut() };
        this.deadline = deadline;
        if let Some((driver, key)) = &this.timer {
            if !driver.reset(*key, deadline) {
                // Fired already, and its waker woken: the poll that follows
                // registers anew.
                this.cancel();
            }
        }
    }

    fn cancel(&mut self) {
        if let Some((driver, key)) = self.timer.take() {
            driver.remove(key);
        }
    }

    fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
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
        let driver = current::with_driver(Driver::clone).unwrap_or_else(|| {
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

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: as in `reset`: no field is structurally pinned, and
        // `poll_elapsed` moves nothing out of `Sleep`.
        unsafe { self.get_unchecked_mut() }.poll_elapsed(cx)
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.cancel();
    }
}
