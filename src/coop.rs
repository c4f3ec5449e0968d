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
