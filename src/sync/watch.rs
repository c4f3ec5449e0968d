//! A channel that holds one value: the latest. Many receivers watch it
//! change.
//!
//! [`channel`] gives a [`Sender`] and a first [`Receiver`], sharing a value.
//! The sender replaces or modifies it ([`send`](Sender::send),
//! [`send_replace`](Sender::send_replace),
//! [`send_modify`](Sender::send_modify),
//! [`send_if_modified`](Sender::send_if_modified)); each receiver
//! [`borrow`](Receiver::borrow)s the current value and awaits
//! [`changed`](Receiver::changed) to learn of a newer one. Intermediate
//! values may be skipped: a receiver sees the latest, not every one.
//!
//! This is tokio's `sync::watch`, with the same names and semantics: the
//! `Sender` is `Clone`, and the channel closes for the receivers when the
//! last sender is dropped. `Send` and `Sync` when `T` is: a std thread or
//! another runtime may send, and a receiver waiting in groundup wakes
//! through the executor's cross-thread wake path.
//!
//! ## How it works
//!
//! The value sits under a `RwLock` (borrows are read guards, so receivers
//! on several threads, or several on one, may hold them at once), beside a
//! state word: a version, bumped by every change while the write lock is
//! held, and a `CLOSED` bit set when the last sender is dropped (the
//! senders are counted apart, and only the drop that takes the count to
//! zero sets the bit). Each receiver remembers the version it saw last.
//! Waiting is a [`Notify`]: a sender
//! changes the word, then calls `notify_waiters`; a receiver creates its
//! `Notified` future *before* it compares versions, so a change between
//! the comparison and the wait still completes the future (see
//! `Notify`'s counter). The sender's [`closed`](Sender::closed) waits the
//! same way on a second `Notify`, for the last receiver's drop.
//!
//! This file takes its locks and atomics from `crate::loom` and waits only
//! on `Notify`, so the model checker includes it as it is
//! (`checks/loom/tests/watch_broadcast.rs`).
//!
//! # Examples
//!
//! ```
//! use groundup::sync::watch;
//!
//! # groundup::block_on(async {
//! let (tx, mut rx) = watch::channel("hello");
//! groundup::spawn(async move {
//!     tx.send("world").unwrap();
//! });
//! rx.changed().await.unwrap();
//! assert_eq!(*rx.borrow_and_update(), "world");
//! # });
//! ```

use std::fmt;
use std::ops::Deref;

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use crate::sync::notify::Notify;

use self::error::{RecvError, SendError};

pub mod error {
    //! The watch channel's errors.

    use std::fmt;

    /// The error of [`Sender::send`](super::Sender::send): no receiver is
    /// left. Holds the value, which was not stored.
    ///
    /// ```
    /// use groundup::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(0);
    /// drop(rx);
    /// let error = tx.send(1).unwrap_err();
    /// assert_eq!(error.0, 1);
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

    /// The error of [`Receiver::changed`](super::Receiver::changed) and
    /// friends: every sender was dropped (and there is no unseen value).
    ///
    /// ```
    /// use groundup::sync::watch;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = watch::channel(0);
    /// drop(tx);
    /// let error = rx.changed().await.unwrap_err();
    /// assert_eq!(error.to_string(), "channel closed");
    /// # });
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}
}

/// Every sender is gone: bit 0 of the state word. The version counts in the
/// bits above (steps of 2).
const CLOSED: usize = 1;
/// One version step.
const STEP: usize = 2;

/// What the senders and the receivers share.
struct Shared<T> {
    value: RwLock<T>,
    /// The version (a multiple of `STEP`) plus `CLOSED`.
    state: AtomicUsize,
    receivers: AtomicUsize,
    /// `Sender`s; the drop that takes this to zero sets `CLOSED`.
    senders: AtomicUsize,
    /// Woken (all) when the version changes or the last sender goes.
    changed: Notify,
    /// Woken (all) when the last receiver goes.
    closed: Notify,
}

impl<T> Shared<T> {
    /// The current version, and whether every sender is gone.
    fn version(&self) -> (usize, bool) {
        // Acquire: pairs with a sender's Release when it bumps the
        // version or sets CLOSED (the value's lock orders the value itself).
        let state = self.state.load(Ordering::Acquire);
        (state & !CLOSED, state & CLOSED != 0)
    }

    fn read(&self) -> RwLockReadGuard<'_, T> {
        // Poisoning: a panic in a `send_modify` closure leaves whatever
        // value it made; tokio's watch keeps going with it too.
        self.value.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, T> {
        // Poisoning: as in `read`.
        self.value.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Creates a watch channel holding `init`: the [`Sender`] and a first
/// [`Receiver`], which has seen `init` already.
///
/// ```
/// use groundup::sync::watch;
///
/// let (tx, rx) = watch::channel(5);
/// assert_eq!(*rx.borrow(), 5);
/// assert!(!rx.has_changed().unwrap());
/// # drop(tx);
/// ```
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let sender = Sender::with_receivers(init, 1);
    let receiver = Receiver { shared: Arc::clone(&sender.shared), version: 0 };
    (sender, receiver)
}

/// Changes the channel's value. Made by [`channel`] or [`Sender::new`],
/// and `Clone`: the channel stays open while any sender lives. Dropping
/// the last one closes it (receivers still see the last value, and
/// `changed` fails once they have seen it).
///
/// ```
/// use groundup::sync::watch;
///
/// # groundup::block_on(async {
/// let (tx, mut rx) = watch::channel(0);
/// let tx2 = tx.clone();
/// drop(tx);
/// tx2.send(1).unwrap(); // the clone keeps the channel open
/// rx.changed().await.unwrap();
/// drop(tx2);
/// assert!(rx.changed().await.is_err(), "the last sender is gone");
/// # });
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// Watches the channel's value. Made by [`channel`], [`Sender::subscribe`]
/// or `clone` (a clone has seen what the original has).
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The version this receiver saw last.
    version: usize,
}

/// A borrow of the channel's value: a read lock, held until the `Ref` is
/// dropped. Hold it briefly: the sender waits for it to change the value.
/// Made by [`Receiver::borrow`], [`Receiver::borrow_and_update`],
/// [`Receiver::wait_for`] and [`Sender::borrow`].
///
/// ```
/// use groundup::sync::watch;
///
/// let (tx, mut rx) = watch::channel(1);
/// tx.send(2).unwrap();
/// let value = rx.borrow_and_update();
/// assert_eq!(*value, 2);
/// assert!(value.has_changed());
/// ```
pub struct Ref<'a, T> {
    guard: RwLockReadGuard<'a, T>,
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Whether the borrowed value was new to the receiver that borrowed it
    /// (always `false` for [`Sender::borrow`], and for
    /// [`Receiver::borrow`] of a value it had marked seen).
    ///
    /// ```
    /// use groundup::sync::watch;
    ///
    /// let (tx, mut rx) = watch::channel(1);
    /// assert!(!rx.borrow().has_changed());
    /// tx.send(2).unwrap();
    /// assert!(rx.borrow().has_changed());
    /// assert!(rx.borrow_and_update().has_changed());
    /// assert!(!rx.borrow().has_changed());
    /// ```
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> Sender<T> {
    /// A sender of a new channel holding `init`, with no receiver yet
    /// (so [`send`](Sender::send) fails until one
    /// [`subscribe`](Sender::subscribe)s; the other send methods store).
    ///
    /// ```
    /// let tx = groundup::sync::watch::Sender::new(0u8);
    /// assert!(tx.send(3).is_err());
    /// let rx = tx.subscribe();
    /// assert!(tx.send(4).is_ok());
    /// assert_eq!(*rx.borrow(), 4);
    /// ```
    pub fn new(init: T) -> Sender<T> {
        Sender::with_receivers(init, 0)
    }

    /// The one sender of a new channel holding `init`, counting
    /// `receivers` the caller makes.
    fn with_receivers(init: T, receivers: usize) -> Sender<T> {
        let shared = Arc::new(Shared {
            value: RwLock::new(init),
            state: AtomicUsize::new(0),
            receivers: AtomicUsize::new(receivers),
            senders: AtomicUsize::new(1),
            changed: Notify::new(),
            closed: Notify::new(),
        });
        Sender { shared }
    }

    /// Stores `value` and notifies every receiver, or, if no receiver is
    /// left, gives it back as `Err` and stores nothing.
    ///
    /// ```
    /// use groundup::sync::watch;
    ///
    /// let (tx, rx) = watch::channel("a");
    /// tx.send("b").unwrap();
    /// assert_eq!(*rx.borrow(), "b");
    /// drop(rx);
    /// assert_eq!(tx.send("c").unwrap_err().0, "c");
    /// assert_eq!(*tx.borrow(), "b");
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.is_closed() {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Stores `value` whether or not a receiver is left, notifies the
    /// receivers, and returns the value it replaced.
    ///
    /// ```
    /// use groundup::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(1);
    /// drop(rx);
    /// assert_eq!(tx.send_replace(2), 1);
    /// assert_eq!(*tx.borrow(), 2);
    /// ```
    pub fn send_replace(&self, mut value: T) -> T {
        self.send_modify(|old| std::mem::swap(old, &mut value));
        value
    }

    /// Changes the value in place with `modify`, then notifies the
    /// receivers (whether or not one is left).
    ///
    /// ```
    /// use groundup::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(vec![1]);
    /// tx.send_modify(|v| v.push(2));
    /// assert_eq!(*rx.borrow(), [1, 2]);
    /// ```
    pub fn send_modify(&self, modify: impl FnOnce(&mut T)) {
        self.send_if_modified(|value| {
            modify(value);
            true
        });
    }

    /// Runs `modify` on the value; if it returns `true`, notifies the
    /// receivers (the value counts as changed), else nobody is told.
    /// Returns what `modify` returned. If `modify` panics, nobody is
    /// notified, and the panic continues.
    ///
    /// ```
    /// use groundup::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(0);
    /// assert!(!tx.send_if_modified(|v| std::mem::replace(v, 0) != 0));
    /// assert!(!rx.has_changed().unwrap());
    /// assert!(tx.send_if_modified(|v| std::mem::replace(v, 3) != 3));
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn send_if_modified(&self, modify: impl FnOnce(&mut T) -> bool) -> bool {
        {
            let mut value = self.shared.write();
            if !modify(&mut value) {
                return false;
            }
            // Under the write lock, so a borrow sees value and version
            // together. Release: pairs with `Shared::version`'s Acquire.
            self.shared.state.fetch_add(STEP, Ordering::Release);
        }
        self.shared.changed.notify_waiters();
        true
    }

    /// Borrows the current value. Its [`Ref::has_changed`] is `false`.
    ///
    /// ```
    /// let (tx, _rx) = groundup::sync::watch::channel(7);
    /// assert_eq!(*tx.borrow(), 7);
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref { guard: self.shared.read(), has_changed: false }
    }

    /// Whether no receiver is left (then [`send`](Sender::send) fails).
    ///
    /// ```
    /// let (tx, rx) = groundup::sync::watch::channel(());
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Waits until no receiver is left. Cancel-safe.
    ///
    /// ```
    /// use groundup::sync::watch;
    ///
    /// # groundup::block_on(async {
    /// let (tx, rx) = watch::channel(());
    /// groundup::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # });
    /// ```
    pub async fn closed(&self) {
        self.shared.closed.wait_until(|| self.is_closed().then_some(())).await
    }

    /// A new receiver, which has seen the current value.
    ///
    /// ```
    /// let (tx, rx) = groundup::sync::watch::channel(1);
    /// drop(rx);
    /// let rx = tx.subscribe();
    /// assert_eq!(tx.receiver_count(), 1);
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        // Relaxed: a count; the `Arc` clone carries the channel across.
        self.shared.receivers.fetch_add(1, Ordering::Relaxed);
        let (version, _) = self.shared.version();
        Receiver { shared: Arc::clone(&self.shared), version }
    }

    /// How many receivers there are.
    ///
    /// ```
    /// let (tx, rx) = groundup::sync::watch::channel(());
    /// let rx2 = rx.clone();
    /// assert_eq!(tx.receiver_count(), 2);
    /// # drop(rx2);
    /// ```
    pub fn receiver_count(&self) -> usize {
        // Acquire: a receiver's drop (AcqRel) happens before what follows
        // a zero, as `closed` relies on.
        self.shared.receivers.load(Ordering::Acquire)
    }

    /// How many senders there are, this one included.
    ///
    /// ```
    /// let (tx, _rx) = groundup::sync::watch::channel(());
    /// let tx2 = tx.clone();
    /// assert_eq!(tx.sender_count(), 2);
    /// drop(tx2);
    /// assert_eq!(tx.sender_count(), 1);
    /// ```
    pub fn sender_count(&self) -> usize {
        // Relaxed: a snapshot; nothing is read on the strength of it (the
        // close itself is ordered through the state word).
        self.shared.senders.load(Ordering::Relaxed)
    }

    /// Whether `self` and `other` send on the same channel.
    ///
    /// ```
    /// let (tx, _rx) = groundup::sync::watch::channel(());
    /// let (other, _other_rx) = groundup::sync::watch::channel(());
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Sender<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        // Relaxed: `self` holds a count, so it cannot reach zero meanwhile;
        // the `Arc` clone carries the channel across (as for `Arc` itself).
        self.shared.senders.fetch_add(1, Ordering::Relaxed);
        Sender { shared: Arc::clone(&self.shared) }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // AcqRel: every other sender's drop (Release) happens before the
        // last one's close (Acquire), so their version bumps come before
        // `CLOSED` in the state word's order, and a receiver that sees
        // `CLOSED` sees their values too (`changed` reports the unseen one
        // before the error). `checks/loom` models the race of two senders
        // (no lost wake, the value before the error); it passes with
        // Relaxed here too, so it is this argument, not the model, that
        // asks for AcqRel: without it nothing orders another sender's
        // bump before this `CLOSED` in the state word.
        if self.shared.senders.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        // Release: pairs with `Shared::version`'s Acquire.
        self.shared.state.fetch_or(CLOSED, Ordering::Release);
        self.shared.changed.notify_waiters();
    }
}

/// A sender of a new channel holding `T::default()`, with no receiver
/// yet (see [`Sender::new`]).
///
/// ```
/// let tx = groundup::sync::watch::Sender::<u32>::default();
/// assert_eq!(*tx.subscribe().borrow(), 0);
/// ```
impl<T: Default> Default for Sender<T> {
    fn default() -> Sender<T> {
        Sender::new(T::default())
    }
}

impl<T> Receiver<T> {
    /// Borrows the current value without marking it seen.
    /// [`Ref::has_changed`] says whether it is new to this receiver.
    ///
    /// ```
    /// let (tx, rx) = groundup::sync::watch::channel(1);
    /// tx.send(2).unwrap();
    /// assert_eq!(*rx.borrow(), 2);
    /// assert!(rx.has_changed().unwrap(), "still unseen");
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        let guard = self.shared.read();
        let (version, _) = self.shared.version();
        Ref { guard, has_changed: version != self.version }
    }

    /// Borrows the current value and marks it seen: `changed` waits for a
    /// newer one after this.
    ///
    /// ```
    /// let (tx, mut rx) = groundup::sync::watch::channel(1);
    /// tx.send(2).unwrap();
    /// assert_eq!(*rx.borrow_and_update(), 2);
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let guard = self.shared.read();
        let (version, _) = self.shared.version();
        let has_changed = version != self.version;
        self.version = version;
        Ref { guard, has_changed }
    }

    /// Whether there is a value this receiver has not seen, or
    /// `Err(RecvError)` once every sender is gone.
    ///
    /// ```
    /// let (tx, mut rx) = groundup::sync::watch::channel("a");
    /// assert!(!rx.has_changed().unwrap());
    /// tx.send("b").unwrap();
    /// assert!(rx.has_changed().unwrap());
    /// drop(tx);
    /// assert!(rx.has_changed().is_err());
    /// ```
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        match self.shared.version() {
            (_, true) => Err(RecvError(())),
            (version, false) => Ok(version != self.version),
        }
    }

    /// Marks the current value unseen: the next `changed` returns at once.
    ///
    /// ```
    /// # groundup::block_on(async {
    /// let (_tx, mut rx) = groundup::sync::watch::channel(());
    /// rx.mark_changed();
    /// assert!(rx.has_changed().unwrap());
    /// rx.changed().await.unwrap();
    /// # });
    /// ```
    pub fn mark_changed(&mut self) {
        self.version = self.version.wrapping_sub(STEP);
    }

    /// Marks the current value seen, without borrowing it.
    ///
    /// ```
    /// let (tx, mut rx) = groundup::sync::watch::channel(1);
    /// tx.send(2).unwrap();
    /// rx.mark_unchanged();
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn mark_unchanged(&mut self) {
        self.version = self.shared.version().0;
    }

    /// Waits for a value this receiver has not seen, and marks it seen.
    ///
    /// Returns at once if there is one already (even if every sender is
    /// gone since); `Err(RecvError)` once every sender is gone and every
    /// value has been seen. Cancel-safe: a `changed` that loses a
    /// `select!` marks nothing seen.
    ///
    /// ```
    /// use groundup::sync::watch;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = watch::channel(0);
    /// tx.send(1).unwrap();
    /// drop(tx);
    /// assert!(rx.changed().await.is_ok(), "the unseen value comes first");
    /// assert!(rx.changed().await.is_err());
    /// # });
    /// ```
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        changed(&self.shared, &mut self.version).await
    }

    /// Waits until `f` holds for the value, and borrows that value
    /// (marking it seen).
    ///
    /// `f` sees the current value first, then each new one the receiver
    /// wakes for (intermediate values may be skipped). `Err(RecvError)`
    /// once every sender is gone and the last value did not satisfy `f`.
    ///
    /// ```
    /// use groundup::sync::watch;
    ///
    /// # groundup::block_on(async {
    /// let (tx, mut rx) = watch::channel(0);
    /// groundup::spawn(async move {
    ///     for i in 1..=5 {
    ///         tx.send(i).unwrap();
    ///         groundup::task::yield_now().await;
    ///     }
    /// });
    /// let five = rx.wait_for(|&v| v == 5).await.unwrap();
    /// assert_eq!(*five, 5);
    /// # });
    /// ```
    pub async fn wait_for(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        let Receiver { shared, version } = self;
        let shared: &Shared<T> = shared;
        let mut closed = false;
        loop {
            {
                let guard = shared.read();
                let (current, _) = shared.version();
                let has_changed = current != *version;
                *version = current;
                if (!closed || has_changed) && f(&guard) {
                    return Ok(Ref { guard, has_changed });
                }
            }
            if closed {
                return Err(RecvError(()));
            }
            closed = changed(shared, version).await.is_err();
        }
    }

    /// Whether `self` and `other` watch the same channel.
    ///
    /// ```
    /// let (_tx, rx) = groundup::sync::watch::channel(());
    /// let (_tx2, rx2) = groundup::sync::watch::channel(());
    /// assert!(rx.same_channel(&rx.clone()));
    /// assert!(!rx.same_channel(&rx2));
    /// ```
    pub fn same_channel(&self, other: &Receiver<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

/// `Receiver::changed`, on the receiver's two fields (so that `wait_for`
/// can call it while it holds a borrow of the shared state).
async fn changed<T>(shared: &Shared<T>, seen: &mut usize) -> Result<(), RecvError> {
    // A receiver whose value always changed would otherwise never yield.
    crate::coop::spend().await;
    // Each look at the version comes after a `Notified` was created: see
    // the module docs.
    let check = || match shared.version() {
        (version, _) if version != *seen => {
            *seen = version;
            Some(Ok(()))
        }
        (_, true) => Some(Err(RecvError(()))),
        _ => None,
    };
    shared.changed.wait_until(check).await
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Receiver<T> {
        // Relaxed: a count, as in `subscribe`.
        self.shared.receivers.fetch_add(1, Ordering::Relaxed);
        Receiver { shared: Arc::clone(&self.shared), version: self.version }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        // AcqRel: the last drop's Release pairs with `receiver_count`'s
        // Acquire; `closed`'s Notify orders the wake.
        if self.shared.receivers.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.shared.closed.notify_waiters();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("senders", &self.sender_count())
            .field("receivers", &self.receiver_count())
            .finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("version", &self.version).finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ref")
            .field("value", &*self.guard)
            .field("has_changed", &self.has_changed)
            .finish()
    }
}
