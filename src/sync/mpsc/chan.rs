//! The channel both `mpsc` flavours share: a queue and the receiver's
//! waker under one lock, a count of senders, and for the bounded flavour a
//! batch semaphore with a permit per free slot.
//!
//! ## Why a lock, and which
//!
//! A channel is reached from any thread (a sender may be a std thread or a
//! task of another runtime), so its queue needs synchronising. tokio's
//! queue is a lock-free list of blocks; here a std `Mutex` over a
//! `VecDeque` does the job in fewer lines. It is held for a push or a pop
//! and nothing else: no waker is woken and no value dropped under it, so
//! an uncontended lock (one thread at a time, the common case for a
//! single-threaded runtime) costs one compare-and-swap and one swap.
//!
//! ## Waiting
//!
//! - **The receiver** is the only one waiting for messages, so it needs no
//!   list: its waker sits in the lock's state, refreshed on each `Pending`
//!   poll (cloned only when the task changed). A push takes it out and
//!   wakes it after unlocking; pushes that follow, before the receiver has
//!   run, find no waker and wake nobody, which is what makes a burst cheap.
//! - **Senders waiting for room** (bounded) wait on the semaphore, in its
//!   FIFO line: `reserve` is an acquire of one permit, a received message
//!   releases one, and a sender that gives up leaves the line, passing on
//!   a permit it was just handed.
//! - **Senders waiting for the receiver to go** (`closed()`) wait in a
//!   waiter list ([`crate::util::wait_list`]) under the same lock.
//!
//! ## When the receiver sees the end
//!
//! `recv` gives `None` once the queue is empty and no message can come:
//! every sender is gone, or the receiver closed the channel and no permit
//! (a reserved slot) is still out. A permit dropped unused after a close
//! therefore looks whether the receiver is waiting for exactly that.
//!
//! The model in `checks/loom/tests/mpsc.rs` races sends from other threads
//! against a waiting receiver, and senders waiting for room against
//! receives, drops and close; this file names only `crate::loom` and the
//! protocol files it builds on, so that the harness can include it.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::sync::batch_semaphore::Semaphore;
use crate::util::wait_list::{Drained, Refresh, WaitList, Waiter, WakeBatch};

/// What `try_recv` found when it found no message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Empty {
    /// Nothing now; more may come.
    ForNow,
    /// Nothing will come.
    ForGood,
}

/// The shared part of a channel.
pub(crate) struct Chan<T> {
    inner: Mutex<Inner<T>>,
    /// Bounded: one permit per free slot. Unbounded: `None`.
    slots: Option<Semaphore>,
    /// The bound (`usize::MAX` unbounded).
    bound: usize,
    /// Live senders (`Sender`s and `OwnedPermit`s; a `Permit` borrows a
    /// `Sender`). `WeakSender`s are not counted.
    senders: AtomicUsize,
    /// `WeakSender`s.
    weak_senders: AtomicUsize,
}

struct Inner<T> {
    queue: VecDeque<T>,
    rx_waker: Option<Waker>,
    /// The receiver closed the channel (or was dropped): sends fail.
    rx_closed: bool,
    /// Every sender is gone.
    tx_gone: bool,
    /// Senders in `closed()`.
    closed_waiters: WaitList<()>,
}

impl<T> Chan<T> {
    /// A channel with one sender. `bound` is `None` for unbounded.
    pub(crate) fn new(bound: Option<usize>) -> Chan<T> {
        Chan {
            inner: Mutex::new(Inner {
                queue: VecDeque::new(),
                rx_waker: None,
                rx_closed: false,
                tx_gone: false,
                closed_waiters: WaitList::new(),
            }),
            slots: bound.map(Semaphore::new),
            bound: bound.unwrap_or(usize::MAX),
            senders: AtomicUsize::new(1),
            weak_senders: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<T>> {
        // Nothing under the lock can panic halfway through a change (a
        // push's allocation failure aborts): a poisoned lock is consistent.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The slot semaphore of a bounded channel.
    pub(crate) fn slots(&self) -> &Semaphore {
        self.slots.as_ref().expect("a bounded channel has a slot semaphore")
    }

    /// The bound, `usize::MAX` for an unbounded channel.
    pub(crate) fn bound(&self) -> usize {
        self.bound
    }

    /// Pushes `value`, which has a slot (bounded: a permit taken) or needs
    /// none (unbounded), and wakes the receiver. Gives the value back if
    /// `check_closed` and the receiver closed the channel.
    pub(crate) fn push(&self, value: T, check_closed: bool) -> Result<(), T> {
        let mut inner = self.lock();
        if check_closed && inner.rx_closed {
            return Err(value);
        }
        inner.queue.push_back(value);
        let waker = inner.rx_waker.take();
        drop(inner);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Receiver: a message, or the end, or `Pending` with the waker of `cx`
    /// stored.
    pub(crate) fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut inner = self.lock();
        if let Some(value) = inner.queue.pop_front() {
            drop(inner);
            self.free_slots(1);
            return Poll::Ready(Some(value));
        }
        if self.is_finished(&inner) {
            return Poll::Ready(None);
        }
        let replaced = self.store_rx_waker(&mut inner, cx.waker());
        drop(inner);
        drop(replaced);
        Poll::Pending
    }

    /// Receiver: moves up to `limit` messages into `buffer` (0 only at the
    /// end, or if `limit` is 0), or `Pending` with the waker stored.
    pub(crate) fn poll_recv_many(
        &self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        if limit == 0 {
            return Poll::Ready(0);
        }
        let mut inner = self.lock();
        let n = limit.min(inner.queue.len());
        if n > 0 {
            buffer.reserve(n);
            buffer.extend(inner.queue.drain(..n));
            drop(inner);
            self.free_slots(n);
            return Poll::Ready(n);
        }
        if self.is_finished(&inner) {
            return Poll::Ready(0);
        }
        let replaced = self.store_rx_waker(&mut inner, cx.waker());
        drop(inner);
        drop(replaced);
        Poll::Pending
    }

    /// Receiver: a message if there is one now.
    pub(crate) fn try_recv(&self) -> Result<T, Empty> {
        let mut inner = self.lock();
        if let Some(value) = inner.queue.pop_front() {
            drop(inner);
            self.free_slots(1);
            return Ok(value);
        }
        if self.is_finished(&inner) { Err(Empty::ForGood) } else { Err(Empty::ForNow) }
    }

    /// With the lock: keeps `waker` as the receiver's; returns the one it
    /// replaced, for the caller to drop after unlocking. The clone is made
    /// under the lock only when the task changed (first wait, or the
    /// receiver moved): a waker's `clone` must not block, by its contract.
    fn store_rx_waker(&self, inner: &mut Inner<T>, waker: &Waker) -> Option<Waker> {
        match &inner.rx_waker {
            Some(stored) if stored.will_wake(waker) => None,
            _ => inner.rx_waker.replace(waker.clone()),
        }
    }

    /// With the lock, the queue empty: whether no message can come any
    /// more.
    fn is_finished(&self, inner: &Inner<T>) -> bool {
        inner.tx_gone || (inner.rx_closed && self.no_slot_reserved())
    }

    /// Whether every slot is free (bounded), so no permit is out: after a
    /// close with the queue empty, nothing can be sent any more.
    fn no_slot_reserved(&self) -> bool {
        self.slots.as_ref().is_none_or(|slots| slots.available_permits() == self.bound)
    }

    /// Gives `n` slots back (bounded), waking senders waiting for room.
    fn free_slots(&self, n: usize) {
        if let Some(slots) = &self.slots {
            slots.release(n);
        }
    }

    /// `n` reserved slots were given back unused (a `Permit`, or what was
    /// left of a `PermitIterator`): frees them, and wakes the receiver if
    /// it waits for the last outstanding slots after a close.
    pub(crate) fn unreserve(&self, n: usize) {
        self.free_slots(n);
        let mut inner = self.lock();
        let waker = if inner.rx_closed { inner.rx_waker.take() } else { None };
        drop(inner);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Receiver: closes the channel. Sends fail from now on (reserved
    /// slots may still be used), senders waiting for room fail, and senders
    /// in `closed()` wake. Buffered messages stay receivable.
    pub(crate) fn close(&self) {
        let mut inner = self.lock();
        if inner.rx_closed {
            return;
        }
        inner.rx_closed = true;
        loop {
            let mut batch = WakeBatch::new();
            let finished = inner.closed_waiters.notify_where(|_| true, &mut batch) == Drained::All;
            drop(inner);
            batch.wake_all();
            if finished {
                break;
            }
            inner = self.lock();
        }
        if let Some(slots) = &self.slots {
            slots.close();
        }
    }

    /// The receiver is dropped: closes, and drops the buffered messages
    /// (outside the lock: a message's `drop` is user code).
    pub(crate) fn drop_receiver(&self) {
        self.close();
        let queue = std::mem::take(&mut self.lock().queue);
        self.free_slots(queue.len());
        drop(queue);
    }

    /// Whether the receiver closed the channel (or is gone).
    pub(crate) fn is_closed(&self) -> bool {
        self.lock().rx_closed
    }

    /// The receiver's view: closed by it, or every sender gone.
    pub(crate) fn is_closed_for_receiver(&self) -> bool {
        let inner = self.lock();
        inner.rx_closed || inner.tx_gone
    }

    /// Messages waiting now.
    pub(crate) fn len(&self) -> usize {
        self.lock().queue.len()
    }

    /// One more sender (a clone, an upgrade of a weak one).
    pub(crate) fn add_sender(&self) {
        // Relaxed: the caller holds a sender already (or upgrade's CAS saw
        // one), so the count cannot reach zero meanwhile; as `Arc::clone`.
        self.senders.fetch_add(1, Ordering::Relaxed);
    }

    /// A weak sender's upgrade: one more sender if any is left.
    pub(crate) fn upgrade(&self) -> bool {
        // Relaxed: a guess for the CAS.
        let mut current = self.senders.load(Ordering::Relaxed);
        loop {
            if current == 0 {
                return false;
            }
            // Relaxed: the count is all that is read or written; the end of
            // the channel is published under the lock, not through it.
            match self.senders.compare_exchange_weak(
                current,
                current + 1,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
    }

    /// A sender is dropped; the last one ends the channel for the receiver.
    pub(crate) fn drop_sender(&self) {
        // AcqRel: the last decrement sees every other sender's decrement
        // (and what they sent before it); as `Arc`'s drop.
        if self.senders.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        let mut inner = self.lock();
        inner.tx_gone = true;
        let waker = inner.rx_waker.take();
        drop(inner);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Live senders.
    pub(crate) fn sender_count(&self) -> usize {
        // Relaxed: a snapshot.
        self.senders.load(Ordering::Relaxed)
    }

    /// Live weak senders.
    pub(crate) fn weak_sender_count(&self) -> usize {
        // Relaxed: a snapshot.
        self.weak_senders.load(Ordering::Relaxed)
    }

    /// One more weak sender, or one fewer.
    pub(crate) fn count_weak_sender(&self, more: bool) {
        // Relaxed: a count for `weak_count`, nothing depends on it.
        if more {
            self.weak_senders.fetch_add(1, Ordering::Relaxed);
        } else {
            self.weak_senders.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// A future that completes once the receiver closed the channel or is
    /// gone.
    pub(crate) fn closed(&self) -> Closed<'_, T> {
        Closed { chan: self, linked: false, waiter: Waiter::new(()) }
    }
}

impl<T> fmt::Debug for Chan<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chan")
            .field("bound", &self.slots.as_ref().map(|_| self.bound))
            .field("senders", &self.sender_count())
            .finish_non_exhaustive()
    }
}

/// The future of [`Chan::closed`]: a node in the channel's list of
/// senders waiting for the receiver to go.
pub(crate) struct Closed<'a, T> {
    chan: &'a Chan<T>,
    /// Linked and not yet seen notified. Only this future touches it.
    linked: bool,
    waiter: Waiter<()>,
}

impl<T> Closed<'_, T> {
    fn waiter(&self) -> Pin<&Waiter<()>> {
        // SAFETY: linked only from `poll`, on a pinned future, which is not
        // moved or freed before `Drop` unlinks the node.
        unsafe { Pin::new_unchecked(&self.waiter) }
    }
}

impl<T> Future for Closed<'_, T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: nothing is moved out; the node stays in place.
        let this = unsafe { self.get_unchecked_mut() };
        if this.linked {
            if this.waiter().is_notified() {
                this.linked = false;
                return Poll::Ready(());
            }
            let mut inner = this.chan.lock();
            // SAFETY: ours, linked into this list (or notified).
            return match unsafe { inner.closed_waiters.refresh_waker(this.waiter(), cx.waker()) } {
                Refresh::Waiting(replaced) => {
                    drop(inner);
                    drop(replaced);
                    Poll::Pending
                }
                Refresh::Notified => {
                    this.linked = false;
                    Poll::Ready(())
                }
            };
        }
        let waker = cx.waker().clone(); // before the lock
        let mut inner = this.chan.lock();
        if inner.rx_closed {
            return Poll::Ready(());
        }
        // SAFETY: ours and unlinked; unlinked before it is dropped (`Drop`);
        // the list is only reached through the channel's lock, held here.
        unsafe { inner.closed_waiters.push_back(this.waiter(), waker) };
        this.linked = true;
        Poll::Pending
    }
}

impl<T> Drop for Closed<'_, T> {
    fn drop(&mut self) {
        if !self.linked || self.waiter().is_notified() {
            return;
        }
        let mut inner = self.chan.lock();
        // SAFETY: ours; linked into this list, or notified.
        let removed = unsafe { inner.closed_waiters.remove(self.waiter()) };
        drop(inner);
        // Notified meanwhile or not, nothing to pass on: the channel stays
        // closed, and every other waiter was notified too.
        drop(removed);
    }
}

impl<T> fmt::Debug for Closed<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Closed").field("linked", &self.linked).finish()
    }
}
