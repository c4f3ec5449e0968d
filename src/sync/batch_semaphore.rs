//! The semaphore everything in `groundup::sync` that waits in line is
//! built on: [`Semaphore`](crate::sync::Semaphore) itself, `Mutex` (one
//! permit), `RwLock` (a reader takes one, a writer all of them), the
//! bounded `mpsc` channel (a permit per free slot), and `OnceCell` (one
//! initialiser at a time). As tokio's `batch_semaphore`, it hands out
//! several permits at once, first come first served.
//!
//! ## The state
//!
//! One word, `permits << 2 | QUEUED | CLOSED`, and a waiter list
//! ([`crate::util::wait_list`]) under a std `Mutex`. The list's payload is
//! what each waiter still needs. Two invariants, both kept by the holder
//! of the lock:
//!
//! - `QUEUED` is set exactly when the list is not empty;
//! - while `QUEUED` is set, the word holds no permits: a released permit
//!   goes to the oldest waiter first, and only what nobody waits for goes
//!   back into the word.
//!
//! So the word alone answers the common cases without the lock: taking
//! permits is one compare-and-swap when there are enough (there are never
//! any while somebody waits, which is what makes the order FIFO: nobody
//! overtakes a waiter), and releasing them is one compare-and-swap while
//! nobody waits. Only a wait, a release while somebody waits, a waiter
//! that gives up, and `close` take the lock.
//!
//! ## Handing permits to waiters
//!
//! A release with waiters (`release_locked`) walks the list from the
//! front: a waiter that needs no more than what is in hand is given it
//! all, marked notified (its waker goes into a [`WakeBatch`], woken after
//! the lock is released); the first that needs more gets what is left, as
//! a partial grant (its payload goes down), and stays first in line. This
//! is why a large request is not starved by a stream of small ones: the
//! small ones behind it wait, and what is released accumulates in it.
//!
//! ## Giving up
//!
//! An [`Acquire`] dropped while it waits unlinks its node (under the lock)
//! and passes on whatever it was granted, partially or in full: if it had
//! been notified a moment before (all its permits granted, the wake on its
//! way), those permits go to the next waiter, not into the void. A waiter
//! woken by [`close`](Semaphore::close) finds it still needs permits,
//! gives back what it was partially granted, and fails.
//!
//! The model in `checks/loom/tests/semaphore.rs` runs waiters, releases,
//! drops and close against each other; this file names only `crate::loom`
//! and the waiter list, so that the harness can include it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::util::wait_list::{Drained, Refresh, Removed, WaitList, Waiter, WakeBatch};

/// No more permits are handed out; waiters fail.
const CLOSED: usize = 1;
/// Somebody waits (the list is not empty), so the word holds no permits.
const QUEUED: usize = 2;
/// Permits sit above the two flags.
const SHIFT: usize = 2;

/// The most permits a semaphore can hold (tokio's figure: three bits are
/// kept for flags).
pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;

/// Why an acquire without waiting failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TryAcquireError {
    /// The semaphore is closed.
    Closed,
    /// Not enough permits now.
    NoPermits,
}

/// An acquire failed because the semaphore was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Closed;

/// A counting semaphore with a FIFO line of waiters.
pub(crate) struct Semaphore {
    /// `permits << SHIFT | QUEUED | CLOSED`.
    word: AtomicUsize,
    /// What each waiter still needs, oldest first.
    waiters: Mutex<WaitList<usize>>,
}

impl Semaphore {
    /// A semaphore with `permits` permits.
    ///
    /// # Panics
    ///
    /// If `permits` exceeds [`MAX_PERMITS`].
    pub(crate) fn new(permits: usize) -> Semaphore {
        assert!(permits <= MAX_PERMITS, "a semaphore holds at most {MAX_PERMITS} permits");
        Semaphore { word: AtomicUsize::new(permits << SHIFT), waiters: Mutex::new(WaitList::new()) }
    }

    /// As [`new`](Self::new), in a `const` (a `static` semaphore). Not
    /// under loom, whose types have no `const` constructors.
    ///
    /// # Panics
    ///
    /// If `permits` exceeds [`MAX_PERMITS`] (at compile time in a const).
    #[cfg(not(groundup_loom))]
    pub(crate) const fn const_new(permits: usize) -> Semaphore {
        assert!(permits <= MAX_PERMITS, "a semaphore holds at most MAX_PERMITS permits");
        Semaphore { word: AtomicUsize::new(permits << SHIFT), waiters: Mutex::new(WaitList::new()) }
    }

    /// The permits free now (none while somebody waits).
    pub(crate) fn available_permits(&self) -> usize {
        // Acquire: a figure for the caller to act on, as fresh as a CAS
        // would see it.
        self.word.load(Ordering::Acquire) >> SHIFT
    }

    /// Whether [`close`](Self::close) ran.
    pub(crate) fn is_closed(&self) -> bool {
        // Acquire: pairs with close's Release.
        self.word.load(Ordering::Acquire) & CLOSED != 0
    }

    fn lock(&self) -> MutexGuard<'_, WaitList<usize>> {
        // A panic under this lock leaves the list consistent (every method
        // below restores the invariants before anything can panic), so a
        // poisoned lock is still usable.
        self.waiters.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes `n` permits if they are free now, without waiting or taking
    /// the lock. Does not queue, and cannot overtake a waiter: the word
    /// holds no permits while somebody waits.
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), TryAcquireError> {
        // Acquire (load and failure): see the success ordering.
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            if current & CLOSED != 0 {
                return Err(TryAcquireError::Closed);
            }
            if current >> SHIFT < n {
                return Err(TryAcquireError::NoPermits);
            }
            // AcqRel: Acquire pairs with the Release of whoever released
            // these permits, so what they did while holding them (a
            // `Mutex`'s data) happens-before what we do; Release keeps the
            // RMW chain that later acquirers read through.
            match self.word.compare_exchange_weak(
                current,
                current - (n << SHIFT),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => current = actual,
            }
        }
    }

    /// Gives back (or adds) `n` permits: to the waiters first, oldest
    /// first, and what nobody waits for to the word.
    ///
    /// # Panics
    ///
    /// If the semaphore would then hold more than [`MAX_PERMITS`].
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        // Relaxed: only a guess for the CAS below, which orders.
        let mut current = self.word.load(Ordering::Relaxed);
        while current & QUEUED == 0 {
            let next = add_permits(current, n);
            // Release: what the releaser did with the permits happens-before
            // the next acquirer's Acquire (see try_acquire). It fails if a
            // waiter set QUEUED meanwhile: the permits are theirs then.
            match self.word.compare_exchange_weak(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
        self.release_locked(self.lock(), n);
    }

    /// With the lock: hands `n` permits to the waiters, front first, and
    /// what is left, once nobody waits, to the word (clearing `QUEUED`).
    /// Wakes the waiters it satisfied after releasing the lock (taking it
    /// again if there are more than one batch).
    fn release_locked<'a>(&'a self, mut list: MutexGuard<'a, WaitList<usize>>, mut n: usize) {
        loop {
            let mut batch = WakeBatch::new();
            let finished = grant(&mut list, &mut n, &mut batch);
            if finished && list.is_empty() {
                self.unqueue(n);
            }
            drop(list);
            batch.wake_all();
            if finished {
                return;
            }
            list = self.lock();
        }
    }

    /// With the lock, the list empty: clears `QUEUED` and adds the `n`
    /// permits nobody waits for.
    fn unqueue(&self, n: usize) {
        // Relaxed: a guess for the CAS.
        let mut current = self.word.load(Ordering::Relaxed);
        loop {
            let next = add_permits(current, n) & !QUEUED;
            // AcqRel: Release publishes the permits as `release` does;
            // others may still CAS the word (try_acquire, close) while we
            // hold the lock, hence the loop.
            match self.word.compare_exchange_weak(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// Closes the semaphore: every waiter fails, and so does every later
    /// acquire. Permits held stay held, and may still be released.
    pub(crate) fn close(&self) {
        let mut list = self.lock();
        // Release: pairs with the Acquire of `is_closed`; under the lock, so
        // no waiter links after this (they look at the word under it).
        self.word.fetch_or(CLOSED, Ordering::AcqRel);
        loop {
            let mut batch = WakeBatch::new();
            let finished = list.notify_where(|_| true, &mut batch) == Drained::All;
            if finished {
                self.unqueue(0); // the list is empty now: the first invariant
            }
            drop(list);
            batch.wake_all();
            if finished {
                return;
            }
            list = self.lock();
        }
    }

    /// A future that waits for `n` permits, in line behind every earlier
    /// waiter. It gives `Ok` once they are the caller's (who must release
    /// them), `Err(Closed)` if the semaphore is closed first.
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_> {
        Acquire { semaphore: self, requested: n, state: State::Start, waiter: Waiter::new(n) }
    }

    /// With the lock, after the lock-free attempt failed: takes the `n`
    /// permits if they are there now, or else every permit there is (a
    /// partial grant) and marks the line not empty. Returns what is still
    /// needed: `Ok(0)` means acquired.
    fn take_or_queue(&self, n: usize) -> Result<usize, Closed> {
        // Acquire: as in try_acquire.
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            if current & CLOSED != 0 {
                return Err(Closed);
            }
            let free = current >> SHIFT;
            let (next, still_needed) = if free >= n {
                (current - (n << SHIFT), 0)
            } else {
                // Every free permit, and QUEUED: the word is empty while we
                // wait (the second invariant).
                ((current & CLOSED) | QUEUED, n - free)
            };
            // AcqRel: as in try_acquire.
            match self.word.compare_exchange_weak(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(still_needed),
                Err(actual) => current = actual,
            }
        }
    }
}

/// `current` with `n` more permits.
///
/// # Panics
///
/// If that exceeds [`MAX_PERMITS`].
fn add_permits(current: usize, n: usize) -> usize {
    let permits = (current >> SHIFT).checked_add(n).filter(|&p| p <= MAX_PERMITS);
    let permits = permits.unwrap_or_else(|| {
        panic!("a semaphore holds at most {MAX_PERMITS} permits: adding {n} overflows it")
    });
    (permits << SHIFT) | (current & (CLOSED | QUEUED))
}

/// With the lock: hands `*n` permits to the waiters, front first (see the
/// module docs). Returns `false` if the batch filled up with permits still
/// in hand: wake it, then call again.
fn grant(list: &mut WaitList<usize>, n: &mut usize, batch: &mut WakeBatch) -> bool {
    loop {
        let Some(needed) = list.front_mut() else { return true };
        if *needed > *n {
            *needed -= *n;
            *n = 0;
            return true;
        }
        if batch.is_full() {
            return false;
        }
        *n -= *needed;
        *needed = 0;
        list.notify_front(batch);
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Relaxed: a snapshot for printing.
        let word = self.word.load(Ordering::Relaxed);
        f.debug_struct("Semaphore")
            .field("permits", &(word >> SHIFT))
            .field("closed", &(word & CLOSED != 0))
            .field("queued", &(word & QUEUED != 0))
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not polled yet (or polled and found the permits at once).
    Start,
    /// The node is linked (or was, until a notifier took it out).
    Waiting,
    /// The result was given.
    Done,
}

/// The future of [`Semaphore::acquire`]: a node in the waiter list while
/// it waits.
///
/// ```text
///  Start ──permits free──► Ready(Ok), Done
///    │ not enough: take what is free, link with what is still needed
///    ▼
///  Waiting ──notified, needs 0──► Ready(Ok)
///    │      ──notified, needs > 0 (closed)──► give back the partial grant, Ready(Err)
///    └──drop──► unlink (or see it notified), pass on what it was granted
/// ```
pub(crate) struct Acquire<'a> {
    semaphore: &'a Semaphore,
    requested: usize,
    state: State,
    /// Its payload is what is still needed; `!Unpin`, so the future is too.
    waiter: Waiter<usize>,
}

impl Acquire<'_> {
    fn waiter(&self) -> Pin<&Waiter<usize>> {
        // SAFETY: the node is only linked from `poll`, on a pinned
        // `Acquire`; a pinned value is neither moved nor freed before its
        // `Drop`, which unlinks the node. Before that first link the pin is
        // not relied on.
        unsafe { Pin::new_unchecked(&self.waiter) }
    }

    /// The permits granted so far, once the node is out of the list.
    ///
    /// # Safety
    ///
    /// The node is not linked (never linked, removed, or seen notified).
    unsafe fn granted(&self) -> usize {
        // SAFETY: unlinked (the contract), and this future owns the node.
        self.requested - unsafe { self.waiter.with_payload(|still_needed| *still_needed) }
    }

    /// First poll, when the lock-free attempt failed: links the node.
    fn start_waiting(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        // Cloned before taking the lock: no waker code runs under it.
        let waker = cx.waker().clone();
        let mut list = self.semaphore.lock();
        let still_needed = match self.semaphore.take_or_queue(self.requested) {
            Ok(0) => return self.finish(Ok(())),
            Ok(still_needed) => still_needed,
            Err(Closed) => return self.finish(Err(Closed)),
        };
        // SAFETY: ours and not linked yet.
        unsafe { self.waiter.with_payload(|payload| *payload = still_needed) };
        // SAFETY: the node is ours and unlinked; it is unlinked before it
        // is dropped (`Drop`); this list is only reached through the
        // semaphore's lock, which we hold.
        unsafe { list.push_back(self.waiter(), waker) };
        self.state = State::Waiting;
        Poll::Pending
    }

    /// A later poll: the lock-free look at the node, and the lock only to
    /// refresh the waker when it is still waiting.
    fn poll_waiting(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        if !self.waiter().is_notified() {
            let mut list = self.semaphore.lock();
            // SAFETY: ours, linked into this list (or notified).
            match unsafe { list.refresh_waker(self.waiter(), cx.waker()) } {
                Refresh::Waiting(replaced) => {
                    drop(list);
                    drop(replaced);
                    return Poll::Pending;
                }
                Refresh::Notified => {}
            }
        }
        // SAFETY: notified, so out of the list and ours.
        let granted = unsafe { self.granted() };
        if granted == self.requested {
            return self.finish(Ok(()));
        }
        // Woken with permits still missing: only `close` does that.
        self.semaphore.release(granted);
        self.finish(Err(Closed))
    }

    fn finish(&mut self, result: Result<(), Closed>) -> Poll<Result<(), Closed>> {
        self.state = State::Done;
        Poll::Ready(result)
    }
}

impl Future for Acquire<'_> {
    type Output = Result<(), Closed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: nothing is moved out; the node stays in place (`waiter`).
        let this = unsafe { self.get_unchecked_mut() };
        match this.state {
            State::Start => match this.semaphore.try_acquire(this.requested) {
                Ok(()) => this.finish(Ok(())),
                Err(TryAcquireError::Closed) => this.finish(Err(Closed)),
                Err(TryAcquireError::NoPermits) => this.start_waiting(cx),
            },
            State::Waiting => this.poll_waiting(cx),
            State::Done => panic!("a semaphore's acquire future polled after it completed"),
        }
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        if self.state != State::Waiting {
            return;
        }
        if !self.waiter().is_notified() {
            let mut list = self.semaphore.lock();
            // SAFETY: ours; if linked, then into this list.
            match unsafe { list.remove(self.waiter()) } {
                Removed::Waiting(waker) => {
                    // SAFETY: just removed: ours.
                    let granted = unsafe { self.granted() };
                    // Always, even with nothing granted: the list may now be
                    // empty, and QUEUED must go with it.
                    self.semaphore.release_locked(list, granted);
                    drop(waker);
                    return;
                }
                Removed::Notified | Removed::NotLinked => drop(list),
            }
        }
        // Notified a moment ago: whatever it was granted (all it asked, or
        // part of it before a close) goes to the next in line.
        // SAFETY: out of the list (notified), ours.
        let granted = unsafe { self.granted() };
        self.semaphore.release(granted);
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("requested", &self.requested)
            .field("state", &self.state)
            .finish()
    }
}
