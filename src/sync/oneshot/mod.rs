//! A channel for sending one value between tasks, or between a task and a
//! thread.
//!
//! [`channel`] gives a [`Sender`] and a [`Receiver`]. [`Sender::send`]
//! stores the value (or gives it back if the receiver is gone), and the
//! receiver is itself a future: `.await` it for `Ok(value)`, or
//! `Err(RecvError)` if the sender was dropped without sending. Both halves
//! are `Send` and `Sync` when `T` is `Send`: a std thread or another
//! runtime may send, and its wake reaches a receiver waiting in groundup
//! through the executor's cross-thread wake path. The other direction
//! works too: [`Sender::closed`] waits until the receiver is gone, so that
//! work nobody waits for can stop.
//!
//! This is tokio's `sync::oneshot`, with the same names and semantics.
//!
//! ## How it works
//!
//! One allocation holds a state word, the value, and one waker slot for
//! each side. The sender stores the value and sets `COMPLETE` in one
//! read-modify-write, which also tells it whether the receiver had stored
//! a waker to wake; the receiver does the mirror image with `CLOSED` and
//! the sender's waker. There is no lock and no waiter list: each side has
//! at most one waiter, itself. The protocol, and why each access is free
//! of races, is in `protocol.rs`, which the loom model in
//! `checks/loom/tests/oneshot.rs` runs under every interleaving.
//!
//! # Examples
//!
//! ```
//! use groundup::sync::oneshot;
//!
//! # fn main() {
//! groundup::block_on(async {
//!     let (tx, rx) = oneshot::channel();
//!     groundup::spawn(async move {
//!         if tx.send(3).is_err() {
//!             println!("the receiver dropped");
//!         }
//!     });
//!     match rx.await {
//!         Ok(v) => assert_eq!(v, 3),
//!         Err(_) => println!("the sender dropped"),
//!     }
//! });
//! # }
//! ```

mod protocol;

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};

use self::error::{RecvError, TryRecvError};
use self::protocol::{RecvHalf, SendHalf};

pub mod error {
    //! The oneshot channel's errors.

    use std::fmt;

    /// The error of awaiting a [`Receiver`](super::Receiver) (or of
    /// `blocking_recv`): the sender was dropped without sending, or the
    /// receiver was closed before a value came.
    ///
    /// ```
    /// use groundup::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel::<u32>();
    /// drop(tx);
    /// let error = groundup::block_on(rx).unwrap_err();
    /// assert_eq!(error.to_string(), "channel closed");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}

    /// The error of [`Receiver::try_recv`](super::Receiver::try_recv).
    ///
    /// ```
    /// use groundup::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel::<u32>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// let error = rx.try_recv().unwrap_err();
    /// assert_eq!(error, TryRecvError::Closed);
    /// assert_eq!(error.to_string(), "channel closed");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum TryRecvError {
        /// No value has been sent yet.
        Empty,
        /// No value will come: the sender was dropped without sending, the
        /// receiver was closed before one came, or it was already received.
        Closed,
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

/// Creates a oneshot channel: a [`Sender`] for one value, and the
/// [`Receiver`] that gets it.
///
/// ```
/// use groundup::sync::oneshot;
///
/// let (tx, rx) = oneshot::channel();
/// tx.send("hello").unwrap();
/// assert_eq!(groundup::block_on(rx), Ok("hello"));
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let (tx, rx) = protocol::pair();
    (Sender { half: tx }, Receiver { half: Some(rx) })
}

/// Sends one value to its [`Receiver`]. Made by [`channel`].
///
/// Dropping it without sending makes the receiver's wait end with
/// [`RecvError`].
pub struct Sender<T> {
    half: SendHalf<T>,
}

/// Receives the value of its [`Sender`]: `.await` it. Made by [`channel`].
///
/// Awaiting gives `Ok(value)`, or `Err(RecvError)` when no value will come.
/// To wait for it in a `select!` loop, await `&mut receiver`: the receiver
/// is cancellation safe, a branch that loses receives nothing, and the
/// value stays for the next turn. Once it has given its result, a receiver
/// must not be polled again (it panics); [`is_terminated`] says whether it
/// has.
///
/// Dropping it closes the channel (see [`close`]) and drops a value that
/// was sent and not received.
///
/// ```
/// use groundup::sync::oneshot;
///
/// # groundup::block_on(async {
/// let (tx, rx) = oneshot::channel::<u32>();
/// drop(tx);
/// assert!(rx.await.is_err(), "the sender dropped without sending");
/// # });
/// ```
///
/// [`is_terminated`]: Receiver::is_terminated
/// [`close`]: Receiver::close
pub struct Receiver<T> {
    /// `None` once the receiver has given its result.
    half: Option<RecvHalf<T>>,
}

impl<T> Sender<T> {
    /// Sends `value`, or gives it back as `Err(value)` if the receiver has
    /// been dropped or closed.
    ///
    /// `Err` means the value will never be received. `Ok` does not promise
    /// that it will be: the receiver may be dropped right after, and then
    /// drops the value. Consumes the sender: there is one value per
    /// channel. Never waits, so it may be called from any thread, inside a
    /// runtime or not.
    ///
    /// ```
    /// use groundup::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(5), Err(5));
    /// ```
    pub fn send(self, value: T) -> Result<(), T> {
        self.half.send(value)
    }

    /// Waits until the receiver has been dropped or closed.
    ///
    /// In a [`select!`](crate::select) with the work that computes the
    /// value, this stops the work once nobody waits for it.
    ///
    /// ```
    /// use groundup::sync::oneshot;
    ///
    /// # groundup::block_on(async {
    /// let (mut tx, rx) = oneshot::channel::<u32>();
    /// groundup::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # });
    /// ```
    pub async fn closed(&mut self) {
        poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// `Ready(())` if the receiver has been dropped or closed; otherwise
    /// `Pending`, and the waker of `cx` is woken when it is. Only the waker
    /// of the latest call is kept.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use groundup::sync::oneshot;
    ///
    /// # groundup::block_on(async {
    /// let (mut tx, mut rx) = oneshot::channel::<()>();
    /// groundup::spawn(async move { rx.close() });
    /// poll_fn(|cx| tx.poll_closed(cx)).await;
    /// # });
    /// ```
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if !crate::coop::proceed(cx) {
            return Poll::Pending;
        }
        self.half.poll_closed(cx)
    }

    /// Whether the receiver has been dropped or closed: if so, `send`
    /// fails.
    ///
    /// ```
    /// use groundup::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel::<u32>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.half.is_closed()
    }
}

impl<T> Receiver<T> {
    /// Closes the channel without dropping the receiver: every `send` from
    /// now on fails, and a sender waiting in [`Sender::closed`] wakes. A
    /// value sent *before* stays, and [`try_recv`](Receiver::try_recv) (or
    /// awaiting) still gets it. Does nothing once the receiver has given
    /// its result.
    ///
    /// ```
    /// use groundup::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// rx.close();
    /// assert!(tx.is_closed());
    /// assert_eq!(tx.send("never received"), Err("never received"));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// tx.send("sent before close").unwrap();
    /// rx.close();
    /// assert_eq!(rx.try_recv(), Ok("sent before close"));
    /// ```
    pub fn close(&mut self) {
        if let Some(half) = self.half.as_mut() {
            half.close();
        }
    }

    /// Receives the value if it is there, without waiting (and without
    /// storing a waker): `Err(Empty)` if it has not been sent yet,
    /// `Err(Closed)` if it never will be, or was already received. Unlike a
    /// poll, it cannot fail spuriously.
    ///
    /// ```
    /// use groundup::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send("hello").unwrap();
    /// assert_eq!(rx.try_recv(), Ok("hello"));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let Some(half) = self.half.as_mut() else {
            return Err(TryRecvError::Closed);
        };
        let Poll::Ready(value) = half.try_recv() else {
            return Err(TryRecvError::Empty);
        };
        self.half = None;
        value.ok_or(TryRecvError::Closed)
    }

    /// Waits for the value on this thread, outside any runtime: for a std
    /// thread (or synchronous code) receiving from a task.
    ///
    /// # Panics
    ///
    /// If called inside a groundup runtime (from a task or a `block_on`
    /// future): it would block the thread that runs the tasks, the sender
    /// perhaps among them. `.await` the receiver there instead.
    ///
    /// ```
    /// use groundup::sync::oneshot;
    ///
    /// # groundup::block_on(async {
    /// let (tx, rx) = oneshot::channel::<u8>();
    /// let sync_code = std::thread::spawn(move || {
    ///     assert_eq!(rx.blocking_recv(), Ok(10));
    /// });
    /// tx.send(10).unwrap();
    /// sync_code.join().unwrap();
    /// # });
    /// ```
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        crate::sync::blocking::block_on("oneshot::Receiver::blocking_recv", self)
    }

    /// Whether the receiver has given its result (awaited to the end, or a
    /// `try_recv` that gave a value or `Closed`): it must not be polled
    /// again.
    ///
    /// ```
    /// use groundup::sync::oneshot;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = oneshot::channel();
    /// assert!(!rx.is_terminated());
    /// tx.send(0).unwrap();
    /// assert!(!rx.is_terminated(), "sent, not received yet");
    /// assert_eq!((&mut rx).await, Ok(0));
    /// assert!(rx.is_terminated());
    /// # });
    /// ```
    pub fn is_terminated(&self) -> bool {
        self.half.is_none()
    }

    /// Whether there is no value to receive now: none was sent yet, none
    /// will come, or it was already received. An empty receiver is not
    /// necessarily safe to poll (see [`is_terminated`](Self::is_terminated)).
    ///
    /// ```
    /// use groundup::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// assert!(rx.is_empty());
    /// tx.send(0).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.half.as_ref().is_none_or(|half| !half.has_value())
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let half = this
            .half
            .as_mut()
            .expect("oneshot::Receiver polled after it gave its result (check `is_terminated`)");
        if !crate::coop::proceed(cx) {
            return Poll::Pending;
        }
        let Poll::Ready(value) = half.poll_recv(cx) else {
            return Poll::Pending;
        };
        this.half = None;
        Poll::Ready(value.ok_or(RecvError(())))
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("state", &self.half.state()).finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.half {
            Some(half) => f.debug_struct("Receiver").field("state", &half.state()).finish(),
            None => f.debug_struct("Receiver").field("terminated", &true).finish(),
        }
    }
}
