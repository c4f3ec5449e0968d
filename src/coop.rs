//! Cooperative budgeting: a task that is always ready still yields.
//!
//! A future that loops over an always-ready socket (a fast peer, a full
//! buffer) never returns `Pending` on its own, and a single-threaded
//! executor would then never get back to its queues, its timers or other
//! tasks. So every leaf future groundup provides (socket readiness, timers,
//! join handles) spends one unit of a per-poll budget before reporting
//! `Ready`; once the budget is spent it wakes its task and returns
//! `Pending`, sending the task to the back of the run queue. The budget is
//! refilled before each task poll. Outside a runtime there is no budget.
//!
//! One combinator must look past the budget: [`crate::time::timeout`]. If
//! the future it wraps spends the whole budget, the deadline check that
//! follows would be refused too, every time, and a timeout around a busy
//! future would never fire. So `Timeout` notes whether the budget was spent
//! *by its inner future* ([`has_budget_remaining`] before and after) and
//! then checks its timer [`with_unconstrained`] (tokio's rule). The task
//! still yields: the leaf that found the budget spent has already woken it.

use std::cell::Cell;
use std::task::Context;

/// Operations a task may complete in one poll before it must yield. The
/// figure tokio settled on: large enough that a busy task rarely yields for
/// nothing, small enough to keep latency for the others bounded.
pub(crate) const BUDGET: u8 = 128;

thread_local! {
    static REMAINING: Cell<Option<u8>> = const { Cell::new(None) };
}

/// Refills the budget (before polling a task or the root future).
pub(crate) fn reset() {
    REMAINING.with(|r| r.set(Some(BUDGET)));
}

/// Removes the budget (when the runtime stops driving this thread).
pub(crate) fn clear() {
    REMAINING.with(|r| r.set(None));
}

/// Spends one unit. Returns `false` (after waking the task) when the budget
/// is spent: the caller must then return `Pending`.
pub(crate) fn proceed(cx: &Context<'_>) -> bool {
    REMAINING.with(|r| match r.get() {
        None => true,
        Some(0) => {
            cx.waker().wake_by_ref();
            false
        }
        Some(n) => {
            r.set(Some(n - 1));
            true
        }
    })
}

/// Spends one unit as a future: ready at once while budget remains,
/// otherwise `Pending` once (the task was woken, so it runs again after the
/// others). For `async fn` leaves, which have no `Context` of their own to
/// pass to [`proceed`].
pub(crate) async fn spend() {
    std::future::poll_fn(|cx| {
        if proceed(cx) { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await
}

/// Whether a leaf polled now could still complete: `false` only when a
/// budget is in force and spent.
pub(crate) fn has_budget_remaining() -> bool {
    REMAINING.with(|r| r.get() != Some(0))
}

/// Runs `f` with no budget in force (every leaf may proceed), then puts the
/// previous budget back, also if `f` panics.
pub(crate) fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    /// Restores the budget `with_unconstrained` found, on return or unwind.
    struct Restore(Option<u8>);
    impl Drop for Restore {
        fn drop(&mut self) {
            REMAINING.with(|r| r.set(self.0));
        }
    }
    let _restore = Restore(REMAINING.with(|r| r.replace(None)));
    f()
}
