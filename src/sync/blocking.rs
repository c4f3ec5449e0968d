//! Waiting for a future on a plain thread, for the `blocking_*` methods.
//!
//! The future is polled with a waker that unparks this thread, and the
//! thread parks between polls. `Thread::unpark` leaves a token when the
//! thread is not parked yet, so a wake that comes between a `Pending` poll
//! and the `park` is not lost; a spurious return from `park` costs one
//! more poll. Inside a groundup runtime this would block the thread that
//! runs the tasks (the one that should wake us, perhaps), so it panics
//! there, as tokio's `blocking_*` methods do.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Polls `future` to completion on this thread, parking between polls.
///
/// # Panics
///
/// If this thread is running a groundup runtime; the message names `what`.
#[track_caller]
pub(crate) fn block_on<F: Future>(what: &str, future: F) -> F::Output {
    assert!(
        crate::context::with_current(|_| ()).is_none(),
        "{what} called inside a groundup runtime: it would block the thread that runs \
         the runtime's tasks; `.await` instead, or call it from a thread of its own"
    );
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

impl<T: Clone> crate::sync::broadcast::Receiver<T> {
    /// Waits for the next value on this thread, outside any runtime: for a
    /// std thread receiving from tasks. As [`recv`](Self::recv) otherwise.
    ///
    /// (Written here, beside the blocking loop, so that `broadcast.rs`
    /// stays a protocol file the model checker can include.)
    ///
    /// # Panics
    ///
    /// If called inside a groundup runtime: it would block the thread that
    /// runs the tasks. `.await` [`recv`](Self::recv) there instead.
    ///
    /// ```
    /// use groundup::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// let sync_code = std::thread::spawn(move || rx.blocking_recv());
    /// groundup::block_on(async move {
    ///     tx.send(10).unwrap();
    /// });
    /// assert_eq!(sync_code.join().unwrap(), Ok(10));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Result<T, crate::sync::broadcast::error::RecvError> {
        block_on("broadcast::Receiver::blocking_recv", self.recv())
    }
}
