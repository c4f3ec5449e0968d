//! The bounded channel: senders wait for room.

use std::fmt;
use std::future::poll_fn;
use std::iter::FusedIterator;
use std::mem::ManuallyDrop;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use super::chan::{Chan, Empty};
use super::error::{SendError, SendTimeoutError, TryRecvError, TrySendError};
use crate::sync::batch_semaphore::TryAcquireError;

/// Creates a bounded channel that holds up to `buffer` messages.
///
/// # Panics
///
/// If `buffer` is 0, or exceeds
/// [`Semaphore::MAX_PERMITS`](crate::sync::Semaphore::MAX_PERMITS).
///
/// ```
/// use groundup::sync::mpsc;
///
/// # groundup::block_on(async {
/// let (tx, mut rx) = mpsc::channel(100);
/// groundup::spawn(async move {
///     for i in 0..10 {
///         if tx.send(i).await.is_err() {
///             return; // the receiver is gone
///         }
///     }
/// });
/// let mut sum = 0;
/// while let Some(i) = rx.recv().await {
///     sum += i;
/// }
/// assert_eq!(sum, 45);
/// # });
/// ```
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(buffer > 0, "mpsc bounded channel requires buffer > 0");
    let chan = Arc::new(Chan::new(Some(buffer)));
    (Sender { chan: Arc::clone(&chan) }, Receiver { chan })
}

/// The sending half of a bounded channel; clone it for more senders. The
/// channel ends for the receiver when the last one is dropped.
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// A sender that does not keep the channel open; [`upgrade`] it to send.
///
/// [`upgrade`]: WeakSender::upgrade
pub struct WeakSender<T> {
    chan: Arc<Chan<T>>,
}

/// A reserved slot in the channel: [`send`](Permit::send) fills it without
/// waiting; dropping it gives the slot back.
#[must_use = "the slot is given back as soon as the permit is dropped"]
pub struct Permit<'a, T> {
    chan: &'a Chan<T>,
}

/// Slots reserved together (by [`Sender::reserve_many`] or
/// [`Sender::try_reserve_many`]), handed out one [`Permit`] at a time: an
/// [`Iterator`] of exactly as many permits as were reserved. The slots not
/// taken out yet go back to the channel when it is dropped.
///
/// ```
/// use groundup::sync::mpsc;
///
/// # groundup::block_on(async {
/// let (tx, mut rx) = mpsc::channel(4);
/// let mut permits = tx.reserve_many(3).await.unwrap();
/// assert_eq!((permits.len(), tx.capacity()), (3, 1));
/// permits.next().unwrap().send("one");
/// permits.next().unwrap().send("two");
/// drop(permits);
/// assert_eq!(tx.capacity(), 2, "the third slot came back with the iterator");
/// assert_eq!(rx.recv().await, Some("one"));
/// # });
/// ```
#[must_use = "the slots are given back as soon as the iterator is dropped"]
pub struct PermitIterator<'a, T> {
    chan: &'a Chan<T>,
    /// The slots still reserved and not yet handed out.
    n: usize,
}

/// A reserved slot that owns its sender (from [`Sender::reserve_owned`]),
/// to move into another task.
#[must_use = "the slot is given back as soon as the permit is dropped"]
pub struct OwnedPermit<T> {
    /// `None` once sent or released.
    sender: Option<Sender<T>>,
}

/// The receiving half of a bounded channel.
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

impl<T> Sender<T> {
    /// Sends `value`, waiting for room if the channel is full; gives it
    /// back in `Err` if the receiver closed the channel or is gone.
    ///
    /// Cancel safety: dropping the future gives up its place among the
    /// senders waiting for room (a slot it was just handed goes to the
    /// next), and drops `value`. To keep the value, [`reserve`] first.
    ///
    /// [`reserve`]: Sender::reserve
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// tx.send("hello").await.unwrap();
    /// assert_eq!(rx.recv().await, Some("hello"));
    /// drop(rx);
    /// assert_eq!(tx.send("lost").await.unwrap_err().0, "lost");
    /// # });
    /// ```
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.reserve().await {
            Ok(permit) => {
                permit.send(value);
                Ok(())
            }
            Err(SendError(())) => Err(SendError(value)),
        }
    }

    /// Sends `value` if there is room now.
    ///
    /// ```
    /// use groundup::sync::mpsc::{self, error::TrySendError};
    ///
    /// let (tx, _rx) = mpsc::channel(1);
    /// assert!(tx.try_send(1).is_ok());
    /// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
    /// ```
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match self.chan.slots().try_acquire(1) {
            Ok(()) => {
                Permit { chan: &self.chan }.send(value);
                Ok(())
            }
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(value)),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(value)),
        }
    }

    /// As [`send`](Self::send), giving up after `timeout`; the value comes
    /// back in the error. Needs a groundup runtime (the timer).
    ///
    /// ```
    /// use std::time::Duration;
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// tx.send_timeout(1, Duration::from_secs(10)).await.unwrap();
    /// assert!(tx.send_timeout(2, Duration::from_millis(1)).await.is_err());
    /// assert_eq!(rx.recv().await, Some(1));
    /// # });
    /// ```
    pub async fn send_timeout(
        &self,
        value: T,
        timeout: Duration,
    ) -> Result<(), SendTimeoutError<T>> {
        match crate::time::timeout(timeout, self.reserve()).await {
            Ok(Ok(permit)) => {
                permit.send(value);
                Ok(())
            }
            Ok(Err(SendError(()))) => Err(SendTimeoutError::Closed(value)),
            Err(_elapsed) => Err(SendTimeoutError::Timeout(value)),
        }
    }

    /// Sends from a thread outside any runtime, parking it until there is
    /// room.
    ///
    /// # Panics
    ///
    /// If called inside a groundup runtime (it would block the thread that
    /// runs the receiver, perhaps): `.await` [`send`](Self::send) there.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let thread = std::thread::spawn(move || {
    ///     for i in 0..3 {
    ///         tx.blocking_send(i).unwrap();
    ///     }
    /// });
    /// for i in 0..3 {
    ///     assert_eq!(rx.recv().await, Some(i));
    /// }
    /// thread.join().unwrap();
    /// # });
    /// ```
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        crate::sync::blocking::block_on("mpsc::Sender::blocking_send", self.send(value))
    }

    /// Waits for room and reserves it: the [`Permit`] then sends without
    /// waiting (and without failing).
    ///
    /// Cancel safety: dropping the future gives up its place in line; a
    /// slot it was just handed goes to the next sender.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.reserve().await.unwrap();
    /// assert!(tx.try_send(0).is_err(), "the one slot is reserved");
    /// permit.send(1);
    /// assert_eq!(rx.recv().await, Some(1));
    /// # });
    /// ```
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        self.reserve_slots(1).await?;
        Ok(Permit { chan: &self.chan })
    }

    /// Waits for room for `n` messages and reserves it all at once: the
    /// [`PermitIterator`] then hands out `n` [`Permit`]s, each of which
    /// sends without waiting. `n` may be 0 (an empty iterator, at once,
    /// unless the channel is closed).
    ///
    /// `Err(SendError(()))` if the channel is closed, and also, at once,
    /// if `n` is more than the bound ([`max_capacity`](Self::max_capacity)):
    /// that much room can never be free, and tokio fails rather than wait
    /// forever. Dropping the iterator gives back the slots it has not
    /// handed out.
    ///
    /// Cancel safety: the request waits in the same first-come line as
    /// `send` and `reserve`, as one request for `n` slots (slots freed
    /// meanwhile collect in it, so a stream of single sends cannot starve
    /// it); dropping the future gives up its place, and passes on what it
    /// had collected.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(2);
    /// let mut permits = tx.reserve_many(2).await.unwrap();
    /// assert!(tx.try_send(0).is_err(), "both slots are reserved");
    /// permits.next().unwrap().send(1);
    /// permits.next().unwrap().send(2);
    /// assert!(permits.next().is_none());
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, Some(2));
    /// assert!(tx.reserve_many(3).await.is_err(), "more than the bound");
    /// # });
    /// ```
    pub async fn reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, SendError<()>> {
        if n > self.max_capacity() {
            return Err(SendError(()));
        }
        self.reserve_slots(n).await?;
        Ok(PermitIterator { chan: &self.chan, n })
    }

    /// As [`reserve`](Self::reserve), with a permit that owns this sender.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.clone().reserve_owned().await.unwrap();
    /// groundup::spawn(async move { permit.send(5); }).await.unwrap();
    /// assert_eq!(rx.recv().await, Some(5));
    /// # });
    /// ```
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<()>> {
        self.reserve_slots(1).await?;
        Ok(OwnedPermit { sender: Some(self) })
    }

    /// Waits in line for `n` slots (at most the bound): the reserves'
    /// common part.
    async fn reserve_slots(&self, n: usize) -> Result<(), SendError<()>> {
        crate::sync::semaphore::acquire(self.chan.slots(), n).await.map_err(|_| SendError(()))
    }

    /// Reserves a slot if there is one now.
    ///
    /// ```
    /// use groundup::sync::mpsc::{self, error::TrySendError};
    ///
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let _permit = tx.try_reserve().unwrap();
    /// assert_eq!(tx.try_reserve().unwrap_err(), TrySendError::Full(()));
    /// ```
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        self.try_reserve_slots(1)?;
        Ok(Permit { chan: &self.chan })
    }

    /// `n` slots if they are free now: [`reserve_slots`](Self::reserve_slots)
    /// without the wait.
    fn try_reserve_slots(&self, n: usize) -> Result<(), TrySendError<()>> {
        self.chan.slots().try_acquire(n).map_err(|e| match e {
            TryAcquireError::NoPermits => TrySendError::Full(()),
            TryAcquireError::Closed => TrySendError::Closed(()),
        })
    }

    /// Reserves room for `n` messages if it is all free now, as
    /// [`reserve_many`](Self::reserve_many) without the wait.
    ///
    /// `Err(TrySendError::Full(()))` if fewer than `n` slots are free, and
    /// also if `n` is more than the bound (as tokio);
    /// `Err(TrySendError::Closed(()))` if the channel is closed, even for
    /// `n == 0`.
    ///
    /// ```
    /// use groundup::sync::mpsc::{self, error::TrySendError};
    ///
    /// let (tx, rx) = mpsc::channel::<u8>(2);
    /// let permits = tx.try_reserve_many(2).unwrap();
    /// assert_eq!(tx.try_reserve_many(1).unwrap_err(), TrySendError::Full(()));
    /// drop(permits);
    /// assert_eq!(tx.try_reserve_many(3).unwrap_err(), TrySendError::Full(()), "over the bound");
    /// assert_eq!(tx.try_reserve_many(0).unwrap().len(), 0);
    /// drop(rx);
    /// assert_eq!(tx.try_reserve_many(0).unwrap_err(), TrySendError::Closed(()));
    /// ```
    pub fn try_reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, TrySendError<()>> {
        if n > self.max_capacity() {
            return Err(TrySendError::Full(()));
        }
        self.try_reserve_slots(n)?;
        Ok(PermitIterator { chan: &self.chan, n })
    }

    /// As [`try_reserve`](Self::try_reserve), with a permit that owns this
    /// sender; the sender comes back in the error.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let permit = tx.clone().try_reserve_owned().unwrap();
    /// assert!(tx.try_reserve_owned().is_err());
    /// # drop(permit);
    /// ```
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Sender<T>>> {
        match self.chan.slots().try_acquire(1) {
            Ok(()) => Ok(OwnedPermit { sender: Some(self) }),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(self)),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(self)),
        }
    }

    /// Waits until the receiver closed the channel or is gone: a producer
    /// can then stop making messages nobody will read.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, rx) = mpsc::channel::<u8>(1);
    /// groundup::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # });
    /// ```
    pub async fn closed(&self) {
        self.chan.closed().await
    }

    /// Whether the receiver closed the channel or is gone.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, mut rx) = mpsc::channel::<u8>(1);
    /// assert!(!tx.is_closed());
    /// rx.close();
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Whether `other` sends into the same channel.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&mpsc::channel(1).0));
    /// ```
    pub fn same_channel(&self, other: &Sender<T>) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }

    /// The free slots now.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::channel(5);
    /// tx.try_send(()).unwrap();
    /// assert_eq!(tx.capacity(), 4);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.slots().available_permits()
    }

    /// The bound the channel was made with.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::channel::<()>(5);
    /// assert_eq!(tx.max_capacity(), 5);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.bound()
    }

    /// A [`WeakSender`] for this channel.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        self.chan.count_weak_sender(true);
        WeakSender { chan: Arc::clone(&self.chan) }
    }

    /// How many senders there are (strong ones).
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.sender_count()
    }

    /// How many weak senders there are.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_sender_count()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.chan.add_sender();
        Sender { chan: Arc::clone(&self.chan) }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").field("chan", &self.chan).finish()
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`], if any sender is still alive.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().unwrap().same_channel(&tx));
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        self.chan.upgrade().then(|| Sender { chan: Arc::clone(&self.chan) })
    }

    /// How many senders there are (strong ones).
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.sender_count()
    }

    /// How many weak senders there are.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_sender_count()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> WeakSender<T> {
        self.chan.count_weak_sender(true);
        WeakSender { chan: Arc::clone(&self.chan) }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.chan.count_weak_sender(false);
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish_non_exhaustive()
    }
}

impl<T> Permit<'_, T> {
    /// Sends `value` into the reserved slot. Never waits, never fails: if
    /// the receiver is gone by now, the value is dropped with the channel.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// tx.reserve().await.unwrap().send(3);
    /// assert_eq!(rx.recv().await, Some(3));
    /// # });
    /// ```
    pub fn send(self, value: T) {
        let this = ManuallyDrop::new(self); // the slot goes with the value
        // `false`: a reserved slot may be filled after a close.
        let _ = this.chan.push(value, false);
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.unreserve(1);
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}

impl<'a, T> Iterator for PermitIterator<'a, T> {
    type Item = Permit<'a, T>;

    /// The next reserved slot, as a [`Permit`] of its own (which gives the
    /// slot back if dropped unused); `None` once all are handed out.
    fn next(&mut self) -> Option<Permit<'a, T>> {
        self.n = self.n.checked_sub(1)?;
        Some(Permit { chan: self.chan })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.n, Some(self.n))
    }
}

impl<T> ExactSizeIterator for PermitIterator<'_, T> {}

impl<T> FusedIterator for PermitIterator<'_, T> {}

impl<T> Drop for PermitIterator<'_, T> {
    fn drop(&mut self) {
        if self.n > 0 {
            self.chan.unreserve(self.n);
        }
    }
}

impl<T> fmt::Debug for PermitIterator<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PermitIterator").field("remaining", &self.n).finish_non_exhaustive()
    }
}

impl<T> OwnedPermit<T> {
    /// Sends `value` into the reserved slot, and gives the sender back.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let tx = tx.reserve_owned().await.unwrap().send(1);
    /// assert_eq!(rx.recv().await, Some(1));
    /// # drop(tx);
    /// # });
    /// ```
    pub fn send(mut self, value: T) -> Sender<T> {
        let sender = self.sender.take().expect("an OwnedPermit holds its sender until used");
        let _ = sender.chan.push(value, false);
        sender
    }

    /// Gives the slot back unused, and the sender with it.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let tx = tx.reserve_owned().await.unwrap().release();
    /// assert_eq!(tx.capacity(), 1);
    /// # });
    /// ```
    pub fn release(mut self) -> Sender<T> {
        let sender = self.sender.take().expect("an OwnedPermit holds its sender until used");
        sender.chan.unreserve(1);
        sender
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(sender) = self.sender.take() {
            sender.chan.unreserve(1);
        }
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedPermit").finish_non_exhaustive()
    }
}

impl<T> Receiver<T> {
    /// Waits for the next message; `None` once every sender is gone (or
    /// the channel was closed) and nothing is left.
    ///
    /// Cancel safety: cancel safe; a message is only taken by the poll
    /// that returns it.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// groundup::spawn(async move { tx.send(1).await.unwrap() });
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Waits for at least one message, then moves up to `limit` of them
    /// into `buffer`; returns how many. 0 means the end (as `recv`'s
    /// `None`), or `limit` was 0.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(4);
    /// for i in 0..4 {
    ///     tx.send(i).await.unwrap();
    /// }
    /// let mut buffer = Vec::new();
    /// assert_eq!(rx.recv_many(&mut buffer, 3).await, 3);
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
    /// let (tx, mut rx) = mpsc::channel(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.chan.try_recv().map_err(|empty| match empty {
            Empty::ForNow => TryRecvError::Empty,
            Empty::ForGood => TryRecvError::Disconnected,
        })
    }

    /// Receives on a thread outside any runtime, parking it until a
    /// message (or the end) comes.
    ///
    /// # Panics
    ///
    /// If called inside a groundup runtime: `.await` [`recv`](Self::recv)
    /// there.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let thread = std::thread::spawn(move || rx.blocking_recv());
    /// tx.send(9).await.unwrap();
    /// assert_eq!(thread.join().unwrap(), Some(9));
    /// # });
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        crate::sync::blocking::block_on("mpsc::Receiver::blocking_recv", self.recv())
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
    /// let (tx, mut rx) = mpsc::channel(2);
    /// tx.try_send(1).unwrap();
    /// let mut buffer = Vec::new();
    /// assert_eq!(rx.blocking_recv_many(&mut buffer, 5), 1);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        crate::sync::blocking::block_on(
            "mpsc::Receiver::blocking_recv_many",
            self.recv_many(buffer, limit),
        )
    }

    /// Closes the channel without dropping the receiver: sends fail from
    /// now on, and senders waiting for room fail; slots already reserved
    /// may still be filled. What is buffered stays receivable, and `recv`
    /// gives `None` once nothing is left.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(2);
    /// tx.send(1).await.unwrap();
    /// rx.close();
    /// assert!(tx.send(2).await.is_err());
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Whether the channel is closed: by [`close`](Self::close), or because
    /// every sender is gone. Messages may still be buffered.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, rx) = mpsc::channel::<u8>(1);
    /// assert!(!rx.is_closed());
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
    /// let (tx, rx) = mpsc::channel(1);
    /// assert!(rx.is_empty());
    /// tx.try_send(()).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many messages are buffered now.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, rx) = mpsc::channel(3);
    /// tx.try_send(()).unwrap();
    /// tx.try_send(()).unwrap();
    /// assert_eq!(rx.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// The free slots now.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, rx) = mpsc::channel(3);
    /// tx.try_send(()).unwrap();
    /// assert_eq!(rx.capacity(), 2);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.slots().available_permits()
    }

    /// The bound the channel was made with.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (_tx, rx) = mpsc::channel::<()>(3);
    /// assert_eq!(rx.max_capacity(), 3);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.bound()
    }

    /// How many senders there are (strong ones).
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, rx) = mpsc::channel::<()>(3);
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(rx.sender_strong_count(), 0);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.chan.sender_count()
    }

    /// How many weak senders there are.
    ///
    /// ```
    /// use groundup::sync::mpsc;
    /// let (tx, rx) = mpsc::channel::<()>(3);
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.chan.weak_sender_count()
    }

    /// `Ready(Some(message))`, `Ready(None)` at the end, or `Pending` with
    /// the waker of `cx` kept (only the latest call's).
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// tx.send(2).await.unwrap();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv(cx)).await, Some(2));
    /// # });
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if !crate::coop::proceed(cx) {
            return Poll::Pending;
        }
        self.chan.poll_recv(cx)
    }

    /// As [`poll_recv`](Self::poll_recv), for up to `limit` messages at
    /// once, moved into `buffer`.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use groundup::sync::mpsc;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = mpsc::channel(2);
    /// tx.send(1).await.unwrap();
    /// tx.send(2).await.unwrap();
    /// let mut buffer = Vec::new();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv_many(cx, &mut buffer, 2)).await, 2);
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

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.chan.drop_receiver();
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("chan", &self.chan).finish()
    }
}
