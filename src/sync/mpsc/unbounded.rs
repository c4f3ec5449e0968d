//! The unbounded channel: a send never waits.

use std::fmt;
use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::chan::{Chan, Empty};
use super::error::{SendError, TryRecvError};

/// Creates a channel with no bound: [`UnboundedSender::send`] never waits
/// (the queue grows instead; mind a receiver that falls behind).
///
/// ```
/// use groundup::sync::mpsc;
///
/// # groundup::block_on(async {
/// let (tx, mut rx) = mpsc::unbounded_channel();
/// tx.send("no waiting").unwrap();
/// assert_eq!(rx.recv().await, Some("no waiting"));
/// # });
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let chan = Arc::new(Chan::new(None));
    (UnboundedSender { chan: Arc::clone(&chan) }, UnboundedReceiver { chan })
}

/// The sending half of an unbounded channel; clone it for more senders.
pub struct UnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// An unbounded sender that does not keep the channel open.
pub struct WeakUnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

/// The receiving half of an unbounded channel.
pub struct UnboundedReceiver<T> {
    chan: Arc<Chan<T>>,
}

impl<T> UnboundedSender<T> {
    /// Sends `value` without waiting, or gives it back if the receiver
    /// closed the channel or is gone. May be called from any thread.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::unbounded_channel();
    /// assert!(tx.send(1).is_ok());
    /// drop(rx);
    /// assert_eq!(tx.send(2).unwrap_err().0, 2);
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.chan.push(value, true).map_err(SendError)
    }

    /// Waits until the receiver closed the channel or is gone.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    /// groundup::spawn(async move { rx.close() });
    /// tx.closed().await;
    /// # });
    /// ```
    pub async fn closed(&self) {
        self.chan.closed().await
    }

    /// Whether the receiver closed the channel or is gone.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, rx) = mpsc::unbounded_channel::<u8>();
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Whether `other` sends into the same channel.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &UnboundedSender<T>) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// A [`WeakUnboundedSender`] for this channel.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// let weak = tx.downgrade();
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        self.chan.count_weak_sender(true);
        WeakUnboundedSender { chan: Arc::clone(&self.chan) }
    }

    /// How many senders there are (strong ones).
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.sender_count()
    }

    /// How many weak senders there are.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// assert_eq!(tx.weak_count(), 0);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_sender_count()
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> UnboundedSender<T> {
        self.chan.add_sender();
        UnboundedSender { chan: Arc::clone(&self.chan) }
    }
}

impl<T> Drop for UnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender").field("chan", &self.chan).finish()
    }
}

impl<T> WeakUnboundedSender<T> {
    /// An [`UnboundedSender`], if any sender is still alive.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// assert!(tx.downgrade().upgrade().is_some());
    /// ```
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        self.chan.upgrade().then(|| UnboundedSender { chan: Arc::clone(&self.chan) })
    }

    /// How many senders there are (strong ones).
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.sender_count()
    }

    /// How many weak senders there are.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_sender_count()
    }
}

impl<T> Clone for WeakUnboundedSender<T> {
    fn clone(&self) -> WeakUnboundedSender<T> {
        self.chan.count_weak_sender(true);
        WeakUnboundedSender { chan: Arc::clone(&self.chan) }
    }
}

impl<T> Drop for WeakUnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.count_weak_sender(false);
    }
}

impl<T> fmt::Debug for WeakUnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakUnboundedSender").finish_non_exhaustive()
    }
}

impl<T> UnboundedReceiver<T> {
    /// Waits for the next message; `None` once every sender is gone (or
    /// the channel was closed) and nothing is left. Cancel safe.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Waits for at least one message, then moves up to `limit` into
    /// `buffer`; returns how many (0 at the end, or if `limit` is 0).
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// let mut buffer = vec![0];
    /// assert_eq!(rx.recv_many(&mut buffer, 10).await, 2);
    /// assert_eq!(buffer, [0, 1, 2]);
    /// # });
    /// ```
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.poll_recv_many(cx, buffer, limit)).await
    }

    /// The next message if there is one now.
    ///
    /// ```
    /// use groundup::sync::mpsc::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.chan.try_recv().map_err(|empty| match empty {
            Empty::ForNow => TryRecvError::Empty,
            Empty::ForGood => TryRecvError::Disconnected,
        })
    }

    /// Receives on a thread outside any runtime.
    ///
    /// # Panics
    ///
    /// If called inside a groundup runtime: `.await` [`recv`](Self::recv)
    /// there.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// std::thread::spawn(move || tx.send(4).unwrap());
    /// assert_eq!(rx.blocking_recv(), Some(4));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        crate::sync::blocking::block_on("mpsc::UnboundedReceiver::blocking_recv", self.recv())
    }

    /// As [`recv_many`](Self::recv_many), on a thread outside any runtime.
    ///
    /// # Panics
    ///
    /// If called inside a groundup runtime.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// let mut buffer = Vec::new();
    /// assert_eq!(rx.blocking_recv_many(&mut buffer, 5), 1);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        crate::sync::blocking::block_on(
            "mpsc::UnboundedReceiver::blocking_recv_many",
            self.recv_many(buffer, limit),
        )
    }

    /// Closes the channel without dropping the receiver: sends fail from
    /// now on; what is buffered stays receivable.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// rx.close();
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Whether the channel is closed: by [`close`](Self::close), or because
    /// every sender is gone.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, rx) = mpsc::unbounded_channel::<u8>();
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed_for_receiver()
    }

    /// Whether no message is buffered now.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (_tx, rx) = mpsc::unbounded_channel::<u8>();
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many messages are buffered now.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, rx) = mpsc::unbounded_channel();
    /// tx.send(()).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// How many senders there are (strong ones).
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (_tx, rx) = mpsc::unbounded_channel::<u8>();
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.chan.sender_count()
    }

    /// How many weak senders there are.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (_tx, rx) = mpsc::unbounded_channel::<u8>();
    /// assert_eq!(rx.sender_weak_count(), 0);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.chan.weak_sender_count()
    }

    /// `Ready(Some(message))`, `Ready(None)` at the end, or `Pending` with
    /// the waker of `cx` kept.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// tx.send(2).unwrap();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv(cx)).await, Some(2));
    /// # });
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if !crate::coop::proceed(cx) {
            return Poll::Pending;
        }
        self.chan.poll_recv(cx)
    }

    /// As [`poll_recv`](Self::poll_recv), for up to `limit` messages.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// let mut buffer = Vec::new();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv_many(cx, &mut buffer, 2)).await, 1);
    /// # });
    /// ```
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        if !crate::coop::proceed(cx) {
            return Poll::Pending;
        }
        self.chan.poll_recv_many(cx, buffer, limit)
    }
}

impl<T> Drop for UnboundedReceiver<T> {
    fn drop(&mut self) {
        self.chan.drop_receiver();
    }
}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver").field("chan", &self.chan).finish()
    }
}
