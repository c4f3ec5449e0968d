//! The cooperative budget (`coop.rs`) from the user's side: opting a
//! future out of it, and spending it in code of one's own.
//!
//! Every leaf groundup provides spends one unit of the task's budget before
//! it reports `Ready`, so a task that always finds work still yields. Two
//! kinds of user code need a say in that. A computation that loops without
//! touching any groundup leaf never spends, and so never yields: it calls
//! [`consume_budget`] in its loop. And a future that must not be made to
//! yield (a latency-critical section whose every `.await` is known to be
//! short) runs under [`unconstrained`].

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `inner` with no cooperative budget: the leaves it polls never make
/// it yield. tokio's `task::unconstrained`.
///
/// A task that loops over always-ready work inside `unconstrained` starves
/// every other task and timer on the runtime until it returns `Pending` on
/// its own: use it for short sections only.
///
/// ```
/// use groundup::sync::mpsc;
///
/// # groundup::block_on(async {
/// let (tx, mut rx) = mpsc::unbounded_channel();
/// for i in 0..1000 {
///     tx.send(i).unwrap();
/// }
/// // All 1,000 in one poll, without yielding after the 128th.
/// let total = groundup::task::unconstrained(async move {
///     let mut total = 0;
///     for _ in 0..1000 {
///         total += rx.recv().await.unwrap();
///     }
///     total
/// })
/// .await;
/// assert_eq!(total, 499_500);
/// # });
/// ```
pub fn unconstrained<F: Future>(inner: F) -> Unconstrained<F> {
    Unconstrained { inner }
}

/// The future of [`unconstrained`].
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct Unconstrained<F> {
    inner: F,
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: structural pinning of the one field: `inner` is never
        // moved out of `self`, and `Unconstrained` has no `Drop` or
        // `Unpin` impl of its own that could move it.
        let inner = unsafe { self.map_unchecked_mut(|this| &mut this.inner) };
        crate::coop::with_unconstrained(|| inner.poll(cx))
    }
}

/// Spends one unit of the task's cooperative budget, yielding (once) if
/// the budget is spent. tokio's `task::consume_budget`.
///
/// For loops that do real work without awaiting any groundup leaf: with
/// this in the loop, the task yields after as many iterations as a leaf
/// would have allowed, and otherwise costs nothing.
///
/// ```
/// # groundup::block_on(async {
/// let other = groundup::spawn(async { "ran" });
/// let mut sum = 0u64;
/// for i in 0..10_000 {
///     sum += i;
///     groundup::task::consume_budget().await; // yields now and then
/// }
/// assert_eq!(sum, 49_995_000);
/// assert_eq!(other.await.unwrap(), "ran");
/// # });
/// ```
pub async fn consume_budget() {
    crate::coop::spend().await
}
