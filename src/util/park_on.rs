//! Waiting for a future on a plain thread: `Handle::block_on` from a thread
//! that runs no runtime, and the `blocking_*` methods of `groundup::sync`.
//!
//! The future is polled with a waker that unparks this thread, and the
//! thread parks between polls. `Thread::unpark` leaves a token when the
//! thread is not parked yet, so a wake that comes between a `Pending` poll
//! and the `park` is not lost; a spurious return from `park` costs one
//! more poll.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Polls `future` to completion on this thread, parking between polls.
pub(crate) fn park_on<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(Unparker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

/// Wakes by unparking the blocked thread.
struct Unparker(Thread);

impl Wake for Unparker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}
