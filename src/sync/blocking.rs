//! The `blocking_*` methods: a future waited for on a plain thread
//! (`util/park_on.rs`). Inside a groundup runtime this would block the
//! thread that runs the tasks (the one that should wake us, perhaps), so it
//! panics there, as tokio's `blocking_*` methods do.

use std::future::Future;

/// Polls `future` to completion on this thread, parking between polls.
///
/// # Panics
///
/// If this thread is running a groundup runtime; the message names `what`.
#[track_caller]
pub(crate) fn block_on<F: Future>(what: &str, future: F) -> F::Output {
    assert!(
        !crate::context::is_driving(),
        "{what} called inside a groundup runtime: it would block the thread that runs \
         the runtime's tasks; `.await` instead, or call it from a thread of its own"
    );
    crate::util::park_on::park_on(future)
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
