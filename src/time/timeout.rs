//! [`Timeout`]: a future with a deadline.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::{Instant, Sleep, sleep, sleep_until};
use crate::coop;

/// Runs `future` until it completes or `duration` elapses, whichever comes
/// first.
///
/// The future is polled before the timer, so a future that is ready at the
/// deadline still wins. The deadline is checked even when the future has
/// used up its task's cooperative budget (a loop over always-ready
/// operations): a busy future cannot outrun its timeout.
///
/// ```
/// use groundup::time::{Duration, timeout};
///
/// groundup::block_on(async {
///     let never = std::future::pending::<()>();
///     assert!(timeout(Duration::from_millis(10), never).await.is_err());
///     assert_eq!(timeout(Duration::from_secs(10), async { 7 }).await, Ok(7));
/// });
/// ```
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout { value: future, delay: sleep(duration) }
}

/// Like [`timeout`], with an absolute deadline.
///
/// ```
/// use groundup::time::{Duration, Instant, timeout_at};
///
/// groundup::block_on(async {
///     let deadline = Instant::now() + Duration::from_millis(10);
///     assert!(timeout_at(deadline, std::future::pending::<()>()).await.is_err());
///     assert!(Instant::now() >= deadline);
/// });
/// ```
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout { value: future, delay: sleep_until(deadline) }
}

/// The future returned by [`timeout`] and [`timeout_at`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Timeout<F> {
    value: F,
    delay: Sleep,
}

impl<F> Timeout<F> {
    /// The wrapped future.
    pub fn get_ref(&self) -> &F {
        &self.value
    }

    /// The wrapped future.
    ///
    /// Sound for any `F`: `Timeout` is `!Unpin` (its `Sleep` is), so a
    /// `&mut Timeout` is never one that was pinned.
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.value
    }

    /// Takes the wrapped future back.
    pub fn into_inner(self) -> F {
        self.value
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: both fields are structurally pinned: neither is ever moved
        // out of a pinned `Timeout` (`into_inner` takes `self` by value and
        // `get_mut` needs `&mut Timeout`, which a pinned `!Unpin` value never
        // hands out), and `Timeout` has no `Drop` impl that could move them.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above; the projections are made once per poll.
        let value = unsafe { Pin::new_unchecked(&mut this.value) };
        // SAFETY: as above.
        let delay = unsafe { Pin::new_unchecked(&mut this.delay) };

        let had_budget_before = coop::has_budget_remaining();
        if let Poll::Ready(output) = value.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        let has_budget_now = coop::has_budget_remaining();
        let poll_delay = || match delay.poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed(()))),
            Poll::Pending => Poll::Pending,
        };
        if had_budget_before && !has_budget_now {
            // The inner future spent the budget (and its leaf has woken the
            // task): check the deadline anyway, or a future that always
            // spends the budget would never time out.
            coop::with_unconstrained(poll_delay)
        } else {
            poll_delay()
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
