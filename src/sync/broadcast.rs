//! A multi-producer, multi-consumer channel where every receiver sees
//! every value: a bounded ring of the latest values.
//!
//! [`channel(capacity)`](channel) gives a [`Sender`] and a first
//! [`Receiver`]. Each value sent reaches every receiver that exists at the
//! time (each gets a clone; the last one to receive takes the value
//! itself). The channel keeps at most `capacity` values: a sender never
//! waits, and when it sends into a full ring it overwrites the oldest
//! value. A receiver that had not received that value yet has *lagged*:
//! its next [`recv`](Receiver::recv) returns
//! [`RecvError::Lagged(n)`](error::RecvError::Lagged), `n` being how many
//! values it missed, and the one after that the oldest value still kept.
//!
//! This is tokio's `sync::broadcast`, with the same names and semantics:
//! the capacity is rounded up to a power of two, as there. `Send` and
//! `Sync` when `T` is `Send`: a std thread or another runtime may send,
//! and a receiver waiting in groundup wakes through the executor's
//! cross-thread wake path.
//!
//! ## How it works
//!
//! One lock guards the ring: each slot holds a value, its position (how
//! many values were sent before it), and how many receivers still have to
//! receive it. A receiver is a position. Receiving, sending, subscribing
//! and dropping are each a few steps under the lock. Waiting is a
//! [`Notify`]: a sender stores its value, then calls `notify_waiters`; a
//! receiver creates its `Notified` future *before* it looks at the ring
//! (see `Notify`'s counter), so a value that arrives after the look still
//! wakes it. A receiver's value is cloned under the lock (as tokio's is,
//! under a slot's lock): a `Clone` that waits on the channel would
//! deadlock.
//!
//! [`Sender::closed`] waits the same way, on a second `Notify` that the
//! last receiver's drop wakes, for the receiver count (kept under the
//! lock) to reach zero.
//!
//! Senders are counted under the same lock. A [`WeakSender`] is counted
//! apart: it holds the shared part but not the channel open, and
//! [`upgrade`](WeakSender::upgrade) adds a sender only while the count is
//! above zero. So once the last sender has gone (and told the receivers,
//! which then get `Closed` after what was sent), no sender can come back.
//!
//! This file takes its lock from `crate::loom` and waits only on
//! `Notify`, so the model checker includes it as it is
//! (`checks/loom/tests/watch_broadcast.rs`). `blocking_recv` is in
//! `sync/blocking.rs`, with the other blocking waits.
//!
//! # Examples
//!
//! ```
//! use groundup::sync::broadcast;
//!
//! # groundup::block_on(async {
//! let (tx, mut rx1) = broadcast::channel(16);
//! let mut rx2 = tx.subscribe();
//! let first = groundup::spawn(async move {
//!     assert_eq!(rx1.recv().await.unwrap(), 10);
//!     assert_eq!(rx1.recv().await.unwrap(), 20);
//! });
//! let second = groundup::spawn(async move {
//!     assert_eq!(rx2.recv().await.unwrap(), 10);
//!     assert_eq!(rx2.recv().await.unwrap(), 20);
//! });
//! tx.send(10).unwrap();
//! tx.send(20).unwrap();
//! first.await.unwrap();
//! second.await.unwrap();
//! # });
//! ```

use std::fmt;

use crate::loom::sync::{Arc, Mutex, MutexGuard};
use crate::sync::notify::Notify;

use self::error::{RecvError, SendError, TryRecvError};

pub mod error {
    //! The broadcast channel's errors.

    use std::fmt;

    /// The error of [`Sender::send`](super::Sender::send): no receiver is
    /// left. Holds the value.
    ///
    /// ```
    /// use groundup::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel(1);
    /// drop(rx);
    /// let error = tx.send(5).unwrap_err();
    /// assert_eq!(error.0, 5);
    /// assert_eq!(error.to_string(), "channel closed");
    /// ```
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> std::error::Error for SendError<T> {}

    /// The error of [`Receiver::recv`](super::Receiver::recv).
    ///
    /// ```
    /// use groundup::sync::broadcast::{self, error::RecvError};
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = broadcast::channel(2);
    /// for i in 0..3 {
    ///     tx.send(i).unwrap();
    /// }
    /// assert_eq!(rx.recv().await, Err(RecvError::Lagged(1)));
    /// assert_eq!(RecvError::Lagged(1).to_string(), "channel lagged by 1");
    /// drop(tx);
    /// assert_eq!(rx.recv().await, Ok(1));
    /// assert_eq!(rx.recv().await, Ok(2));
    /// assert_eq!(rx.recv().await, Err(RecvError::Closed));
    /// # });
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum RecvError {
        /// Every sender is gone and this receiver has received every value.
        Closed,
        /// The receiver missed this many values, overwritten before it
        /// received them; its next receive gives the oldest value kept.
        Lagged(u64),
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                RecvError::Closed => f.write_str("channel closed"),
                RecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for RecvError {}

    /// The error of [`Receiver::try_recv`](super::Receiver::try_recv).
    ///
    /// ```
    /// use groundup::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = broadcast::channel::<u8>(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum TryRecvError {
        /// Nothing to receive now; the channel is open.
        Empty,
        /// Every sender is gone and this receiver has received every value.
        Closed,
        /// As [`RecvError::Lagged`].
        Lagged(u64),
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
                TryRecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

/// What the senders and receivers share.
struct Shared<T> {
    ring: Mutex<Ring<T>>,
    /// Woken (all) by every send and by the last sender's drop.
    sent: Notify,
    /// Woken (all) by the last receiver's drop, for `Sender::closed`.
    no_receivers: Notify,
}

/// What the lock guards.
struct Ring<T> {
    /// A power of two long; value `pos` lives in `slots[pos % len]`.
    slots: Box<[Slot<T>]>,
    /// The position of the next value to send (= values sent so far).
    tail: u64,
    receivers: usize,
    /// `Sender`s: the channel is closed once this reaches zero.
    senders: usize,
    /// `WeakSender`s, which do not keep the channel open.
    weak_senders: usize,
}

struct Slot<T> {
    /// The position of the value in it (meaningful while `value` is some).
    pos: u64,
    /// Receivers that have yet to receive it; the last one takes it.
    remaining: usize,
    value: Option<T>,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, Ring<T>> {
        // Poisoning: only a value's `clone` runs user code under the lock,
        // and it runs before the ring changes, so the ring is consistent.
        self.ring.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<T> Ring<T> {
    /// The oldest position still kept.
    fn oldest(&self) -> u64 {
        self.tail.saturating_sub(self.slots.len() as u64)
    }

    fn slot(&mut self, pos: u64) -> &mut Slot<T> {
        let mask = self.slots.len() as u64 - 1;
        // The cast keeps the low bits, all of which the mask needs.
        &mut self.slots[(pos & mask) as usize]
    }

    /// Takes `next`'s value for one receiver, or says why not.
    fn recv(&mut self, next: &mut u64) -> Result<T, TryRecvError>
    where
        T: Clone,
    {
        let oldest = self.oldest();
        if *next < oldest {
            let missed = oldest - *next;
            *next = oldest;
            return Err(TryRecvError::Lagged(missed));
        }
        if *next == self.tail {
            return Err(if self.senders == 0 { TryRecvError::Closed } else { TryRecvError::Empty });
        }
        let slot = self.slot(*next);
        debug_assert_eq!(slot.pos, *next);
        let value = if slot.remaining == 1 {
            slot.value.take().expect("a slot that a receiver still needs holds its value")
        } else {
            // Cloned before anything changes, so a panic leaves the ring
            // as it was.
            slot.value.clone().expect("a slot that a receiver still needs holds its value")
        };
        slot.remaining -= 1;
        *next += 1;
        Ok(value)
    }

    /// A receiver at `next` goes: it will not receive the values from
    /// there on. Returns those nobody else needed, to drop after the lock.
    fn leave(&mut self, next: u64) -> Vec<T> {
        let mut unneeded = Vec::new();
        for pos in next.max(self.oldest())..self.tail {
            let slot = self.slot(pos);
            slot.remaining -= 1;
            if slot.remaining == 0 {
                unneeded.extend(slot.value.take());
            }
        }
        self.receivers -= 1;
        unneeded
    }
}

/// Creates a broadcast channel that keeps up to `capacity` values
/// (rounded up to a power of two): a [`Sender`] and a first [`Receiver`].
///
/// # Panics
///
/// If `capacity` is 0, or larger than `usize::MAX / 2`.
///
/// ```
/// use groundup::sync::broadcast;
///
/// let (tx, mut rx) = broadcast::channel(4);
/// tx.send("hello").unwrap();
/// assert_eq!(rx.try_recv(), Ok("hello"));
/// ```
#[track_caller]
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let sender = Sender::with_receivers(capacity, 1);
    let receiver = Receiver { shared: Arc::clone(&sender.shared), next: 0 };
    (sender, receiver)
}

/// Sends values to every receiver. Made by [`channel`]; `Clone` for more
/// senders. When the last sender is dropped, receivers get
/// [`RecvError::Closed`] once they have received what was sent.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A sender that does not keep the channel open: made by
/// [`Sender::downgrade`], and [`upgrade`](WeakSender::upgrade)d to send.
///
/// Once every [`Sender`] is gone the channel is closed, whatever weak
/// senders are left: receivers get [`RecvError::Closed`] once they have
/// received what was sent, and `upgrade` gives `None` from then on.
///
/// ```
/// use groundup::sync::broadcast;
///
/// let (tx, _rx) = broadcast::channel::<u8>(4);
/// let weak = tx.downgrade();
/// assert!(weak.upgrade().is_some(), "`tx` is alive");
/// drop(tx);
/// assert!(weak.clone().upgrade().is_none());
/// ```
pub struct WeakSender<T> {
    shared: Arc<Shared<T>>,
}

/// Receives every value sent after it was made. Made by [`channel`],
/// [`Sender::subscribe`] and [`Receiver::resubscribe`].
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The position of the next value to receive.
    next: u64,
}

impl<T> Sender<T> {
    /// A sender of a new channel that keeps up to `capacity` values (see
    /// [`channel`]), with no receiver yet: [`send`](Sender::send) fails
    /// until one [`subscribe`](Sender::subscribe)s.
    ///
    /// # Panics
    ///
    /// As [`channel`]: if `capacity` is 0, or larger than `usize::MAX / 2`.
    ///
    /// ```
    /// use groundup::sync::broadcast;
    ///
    /// let tx = broadcast::Sender::new(4);
    /// assert_eq!(tx.receiver_count(), 0);
    /// assert!(tx.send("nobody listens").is_err());
    /// let mut rx = tx.subscribe();
    /// tx.send("heard").unwrap();
    /// assert_eq!(rx.try_recv(), Ok("heard"));
    /// ```
    #[track_caller]
    pub fn new(capacity: usize) -> Sender<T> {
        Sender::with_receivers(capacity, 0)
    }

    /// The one sender of a new channel, counting `receivers` the caller
    /// makes.
    #[track_caller]
    fn with_receivers(capacity: usize, receivers: usize) -> Sender<T> {
        assert!(capacity > 0, "broadcast::channel: capacity is empty, give at least 1");
        assert!(capacity <= usize::MAX >> 1, "broadcast::channel: requested capacity too large");
        let slots = (0..capacity.next_power_of_two())
            .map(|_| Slot { pos: 0, remaining: 0, value: None })
            .collect();
        let ring = Ring { slots, tail: 0, receivers, senders: 1, weak_senders: 0 };
        let shared = Arc::new(Shared {
            ring: Mutex::new(ring),
            sent: Notify::new(),
            no_receivers: Notify::new(),
        });
        Sender { shared }
    }

    /// Sends `value` to every receiver that exists now, and returns how
    /// many that is; `Err` (with the value) if there is none. Never waits:
    /// into a full ring, it overwrites the oldest value (see the module
    /// docs for what a lagging receiver then gets).
    ///
    /// ```
    /// use groundup::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel(2);
    /// let rx2 = tx.subscribe();
    /// assert_eq!(tx.send(1).unwrap(), 2);
    /// drop((rx, rx2));
    /// assert_eq!(tx.send(2).unwrap_err().0, 2);
    /// ```
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut ring = self.shared.lock();
        let receivers = ring.receivers;
        if receivers == 0 {
            return Err(SendError(value));
        }
        let pos = ring.tail;
        let slot = ring.slot(pos);
        let overwritten = slot.value.replace(value);
        slot.pos = pos;
        slot.remaining = receivers;
        ring.tail += 1;
        drop(ring);
        drop(overwritten); // user code: outside the lock
        self.shared.sent.notify_waiters();
        Ok(receivers)
    }

    /// A new receiver, which receives the values sent from now on.
    ///
    /// ```
    /// use groundup::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, _rx) = broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// let mut late = tx.subscribe();
    /// assert_eq!(late.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(2).unwrap();
    /// assert_eq!(late.try_recv(), Ok(2));
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        subscribe(&self.shared)
    }

    /// How many receivers there are.
    ///
    /// ```
    /// let (tx, rx) = groundup::sync::broadcast::channel::<()>(1);
    /// assert_eq!(tx.receiver_count(), 1);
    /// drop(rx);
    /// assert_eq!(tx.receiver_count(), 0);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.lock().receivers
    }

    /// Waits until no receiver is left (at once if there is none now).
    /// Cancel-safe. A later [`subscribe`](Sender::subscribe) opens the
    /// channel again, as in tokio.
    ///
    /// ```
    /// use groundup::sync::broadcast;
    ///
    /// # groundup::block_on(async {
    /// let (tx, rx) = broadcast::channel::<u32>(4);
    /// let rx2 = tx.subscribe();
    /// groundup::spawn(async move { drop((rx, rx2)) });
    /// tx.closed().await;
    /// assert_eq!(tx.receiver_count(), 0);
    /// # });
    /// ```
    pub async fn closed(&self) {
        let no_receivers = || (self.receiver_count() == 0).then_some(());
        self.shared.no_receivers.wait_until(no_receivers).await
    }

    /// Whether `self` and `other` send on the same channel.
    ///
    /// ```
    /// let (tx, _rx) = groundup::sync::broadcast::channel::<()>(1);
    /// let (other, _other_rx) = groundup::sync::broadcast::channel::<()>(1);
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Sender<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// How many values are queued: sent, kept, and not yet received by
    /// every receiver that existed when they were sent.
    ///
    /// ```
    /// let (tx, mut rx) = groundup::sync::broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(tx.len(), 2);
    /// rx.try_recv().unwrap();
    /// assert_eq!(tx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        let mut ring = self.shared.lock();
        let (oldest, tail) = (ring.oldest(), ring.tail);
        (oldest..tail).filter(|&pos| ring.slot(pos).remaining > 0).count()
    }

    /// A [`WeakSender`] for this channel, which does not keep it open: if
    /// every `Sender` is dropped and only weak ones are left, the channel
    /// is closed.
    ///
    /// ```
    /// use groundup::sync::broadcast::{self, error::RecvError};
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = broadcast::channel(4);
    /// let weak = tx.downgrade();
    /// weak.upgrade().unwrap().send(1).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.recv().await, Ok(1));
    /// assert_eq!(rx.recv().await, Err(RecvError::Closed), "only a weak sender is left");
    /// # drop(weak);
    /// # });
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        self.shared.lock().weak_senders += 1;
        WeakSender { shared: Arc::clone(&self.shared) }
    }

    /// How many [`Sender`]s there are.
    ///
    /// ```
    /// let (tx, _rx) = groundup::sync::broadcast::channel::<()>(1);
    /// let tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// drop(tx2);
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.shared.lock().senders
    }

    /// How many [`WeakSender`]s there are.
    ///
    /// ```
    /// let (tx, _rx) = groundup::sync::broadcast::channel::<()>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// drop(weak);
    /// assert_eq!(tx.weak_count(), 0);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.lock().weak_senders
    }

    /// Whether no value is queued (see [`len`](Sender::len)).
    ///
    /// ```
    /// let (tx, _rx) = groundup::sync::broadcast::channel(4);
    /// assert!(tx.is_empty());
    /// tx.send(1).unwrap();
    /// assert!(!tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn subscribe<T>(shared: &Arc<Shared<T>>) -> Receiver<T> {
    let mut ring = shared.lock();
    ring.receivers += 1;
    let next = ring.tail;
    drop(ring);
    Receiver { shared: Arc::clone(shared), next }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.shared.lock().senders += 1;
        Sender { shared: Arc::clone(&self.shared) }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut ring = self.shared.lock();
        ring.senders -= 1;
        let last = ring.senders == 0;
        drop(ring);
        if last {
            self.shared.sent.notify_waiters();
        }
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`], if any is still alive (the channel is not closed);
    /// `None` otherwise.
    ///
    /// ```
    /// use groundup::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// let weak = tx.downgrade();
    /// let again = weak.upgrade().unwrap();
    /// drop(tx);
    /// again.send(5).unwrap(); // an upgraded sender keeps the channel open
    /// assert_eq!(rx.try_recv(), Ok(5));
    /// drop(again);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        let mut ring = self.shared.lock();
        if ring.senders == 0 {
            return None; // closed: no sender comes back
        }
        ring.senders += 1;
        drop(ring);
        Some(Sender { shared: Arc::clone(&self.shared) })
    }

    /// How many [`Sender`]s there are.
    ///
    /// ```
    /// let (tx, _rx) = groundup::sync::broadcast::channel::<()>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(weak.strong_count(), 0);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.shared.lock().senders
    }

    /// How many [`WeakSender`]s there are, this one included.
    ///
    /// ```
    /// let (tx, _rx) = groundup::sync::broadcast::channel::<()>(1);
    /// let weak = tx.downgrade();
    /// let _weak2 = weak.clone();
    /// assert_eq!(weak.weak_count(), 2);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.lock().weak_senders
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> WeakSender<T> {
        self.shared.lock().weak_senders += 1;
        WeakSender { shared: Arc::clone(&self.shared) }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.shared.lock().weak_senders -= 1;
    }
}

impl<T> Receiver<T> {
    /// Receives the next value, waiting for it if need be.
    ///
    /// `Err(Lagged(n))` if `n` values were overwritten before this receiver
    /// got them (the next call gives the oldest value kept);
    /// `Err(Closed)` once every sender is gone and every value received.
    /// Cancel-safe: a `recv` that loses a `select!` receives nothing, and
    /// the value waits for the next call.
    ///
    /// ```
    /// use groundup::sync::broadcast;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = broadcast::channel(4);
    /// groundup::spawn(async move { tx.send("hi").unwrap() });
    /// assert_eq!(rx.recv().await.unwrap(), "hi");
    /// assert!(rx.recv().await.is_err(), "the sender is gone");
    /// # });
    /// ```
    pub async fn recv(&mut self) -> Result<T, RecvError>
    where
        T: Clone,
    {
        let Receiver { shared, next } = self;
        // A receiver that always finds a value would otherwise never yield.
        // Spent before the ring is looked at, so a `recv` dropped here has
        // taken nothing.
        crate::coop::spend().await;
        // Each look at the ring comes after a `Notified` was created: see
        // the module docs.
        let check = || {
            // Bound first: the guard must not live into the `match` arms.
            let received = shared.lock().recv(next);
            match received {
                Ok(value) => Some(Ok(value)),
                Err(TryRecvError::Lagged(n)) => Some(Err(RecvError::Lagged(n))),
                Err(TryRecvError::Closed) => Some(Err(RecvError::Closed)),
                Err(TryRecvError::Empty) => None,
            }
        };
        shared.sent.wait_until(check).await
    }

    /// Receives the next value if there is one, without waiting.
    ///
    /// ```
    /// use groundup::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError>
    where
        T: Clone,
    {
        self.shared.lock().recv(&mut self.next)
    }

    /// A new receiver on the same channel, which receives the values sent
    /// from now on (not those this one has yet to receive).
    ///
    /// ```
    /// use groundup::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, rx) = broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// let mut again = rx.resubscribe();
    /// assert_eq!(again.try_recv(), Err(TryRecvError::Empty));
    /// # drop(tx);
    /// ```
    pub fn resubscribe(&self) -> Receiver<T> {
        subscribe(&self.shared)
    }

    /// How many values this receiver has yet to receive (more than the
    /// capacity once it lags).
    ///
    /// ```
    /// let (tx, mut rx) = groundup::sync::broadcast::channel(2);
    /// for i in 0..3 {
    ///     tx.send(i).unwrap();
    /// }
    /// assert_eq!(rx.len(), 3);
    /// assert!(rx.try_recv().is_err(), "lagged");
    /// assert_eq!(rx.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        let tail = self.shared.lock().tail;
        usize::try_from(tail - self.next).unwrap_or(usize::MAX)
    }

    /// Whether this receiver has nothing to receive now.
    ///
    /// ```
    /// let (tx, rx) = groundup::sync::broadcast::channel(2);
    /// assert!(rx.is_empty());
    /// tx.send(()).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `self` and `other` receive from the same channel.
    ///
    /// ```
    /// let (tx, rx) = groundup::sync::broadcast::channel::<()>(1);
    /// assert!(rx.same_channel(&tx.subscribe()));
    /// ```
    pub fn same_channel(&self, other: &Receiver<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// How many [`Sender`]s there are.
    ///
    /// ```
    /// let (tx, rx) = groundup::sync::broadcast::channel::<()>(1);
    /// let tx2 = tx.clone();
    /// assert_eq!(rx.sender_strong_count(), 2);
    /// drop((tx, tx2));
    /// assert_eq!(rx.sender_strong_count(), 0);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.shared.lock().senders
    }

    /// How many [`WeakSender`]s there are.
    ///
    /// ```
    /// let (tx, rx) = groundup::sync::broadcast::channel::<()>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// # drop(weak);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.shared.lock().weak_senders
    }

    /// Whether every [`Sender`] is gone (weak ones do not count). The
    /// values sent before are still received; then `recv` gives
    /// [`RecvError::Closed`].
    ///
    /// ```
    /// let (tx, rx) = groundup::sync::broadcast::channel::<()>(1);
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.sender_strong_count() == 0
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut ring = self.shared.lock();
        let unneeded = ring.leave(self.next);
        let last = ring.receivers == 0;
        drop(ring);
        drop(unneeded); // user code: outside the lock
        if last {
            self.shared.no_receivers.notify_waiters();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("next", &self.next).finish()
    }
}
