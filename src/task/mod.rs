//! Tasks: spawning futures, joining them, yielding.
//!
//! A task is a future the executor owns and polls to completion, in one heap
//! allocation (see `raw.rs` for its layout and our `RawWakerVTable`, and
//! `state.rs` for the state machine). [`spawn`] hands a future to the
//! current runtime and returns a [`JoinHandle`] for its output.
//!
//! Tasks need not be `Send`: groundup runs them all on the runtime's own
//! thread, so a task may hold an `Rc` or a `RefCell` borrow across `.await`.
//! Only their wakers cross threads.

mod join;
pub(crate) mod raw;
pub(crate) mod state;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use join::{JoinError, JoinHandle};

/// Runs `future` as a new task on the current runtime and returns a handle to
/// its output.
///
/// The task starts at the executor's next turn, in FIFO order with the other
/// ready tasks, and runs until it completes, even if the handle is dropped.
/// It need not be `Send`.
///
/// # Panics
///
/// If called outside a runtime, that is, not from inside
/// [`Runtime::block_on`](crate::Runtime::block_on) (or a task it runs). Use
/// [`Runtime::spawn`](crate::Runtime::spawn) to spawn from outside.
///
/// ```
/// use std::rc::Rc;
///
/// groundup::block_on(async {
///     let shared = Rc::new(5); // not Send, and that is fine
///     let task = groundup::spawn({
///         let shared = Rc::clone(&shared);
///         async move { *shared * 2 }
///     });
///     assert_eq!(task.await.unwrap(), 10);
/// });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // A `match`, not `unwrap_or_else`: `#[track_caller]` does not reach into
    // a closure, and the panic must name the caller's line.
    match crate::context::with_current(|cx| cx.executor.spawn(future)) {
        Some(handle) => handle,
        None => panic!(
            "groundup::spawn called outside a groundup runtime: spawn from inside \
             `groundup::block_on(async {{ ... }})` or `Runtime::block_on`, or use \
             `Runtime::spawn` on a runtime you created with `groundup::Runtime::new()`"
        ),
    }
}

/// Lets other tasks run: returns `Pending` once (after waking itself), so
/// the task goes to the back of the run queue.
///
/// ```
/// # groundup::block_on(async {
/// for _ in 0..3 {
///     groundup::task::yield_now().await;
/// }
/// # });
/// ```
pub async fn yield_now() {
    YieldNow { yielded: false }.await
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
