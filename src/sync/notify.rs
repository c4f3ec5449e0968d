//! `Notify`: wake one task, or all of them, without sending a value.
//!
//! It is the smallest waiting primitive: a task awaits
//! [`notified()`](Notify::notified), another calls
//! [`notify_one`](Notify::notify_one) or
//! [`notify_waiters`](Notify::notify_waiters). `watch`, `broadcast` and
//! `CancellationToken` wait on it; they keep their own state and use a
//! `Notify` only to say "look again".
//!
//! ## How it works
//!
//! A `Notify` is a lock over a waiter list ([`crate::util::wait_list`], the
//! pinned intrusive list the reactor's socket waiters use too) and one
//! permit bit, plus a counter of `notify_waiters` calls beside the lock:
//!
//! - Each [`Notified`] future carries its own node. Its first poll (or
//!   [`enable`](Notified::enable)) takes the permit if one is stored, or
//!   links the node; later polls check the node's "notified" flag without
//!   the lock.
//! - `notify_one` unlinks the oldest node and marks it notified *by
//!   `notify_one`* (the node's payload), or stores the permit if nobody
//!   waits; `notify_last` does the same from the newest end.
//! - `notify_waiters` bumps the counter and unlinks every node whose future
//!   was created before the bump. A future records the counter when it is
//!   created, so it sees a `notify_waiters` call made after its creation
//!   even if it was never polled: tokio's documented promise.
//! - A future dropped after `notify_one` picked it, but before it returned
//!   `Ready`, passes the notification on (to the next waiter, or into the
//!   permit): the node's payload says who notified it, so `Drop` knows.
//!
//! Wakers run after the lock is released ([`WakeBatch`]); `notify_waiters`
//! wakes in rounds of one batch. Between rounds new futures may link, but
//! only at the back and only with the new counter value, so the round loop
//! stops at the first node whose future is younger than the call.
//!
//! Every field is taken from `crate::loom` and the waiter list, so the
//! model checker includes this file as it is (`checks/loom/tests/notify.rs`).

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::{Pin, pin};
// std's `Arc`, not the model checker's: it only owns the `Notify` for
// `notified_owned` (loom's cannot be a `self` type), and takes no part in
// the protocol.
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::util::wait_list::{Refresh, Removed, WaitList, Waiter, WakeBatch};

/// Notifies one task, or all waiting tasks, of an event.
///
/// [`notify_one`](Notify::notify_one) wakes one waiter; if none waits it
/// stores a permit, and the next [`notified()`](Notify::notified) completes
/// at once (at most one permit is stored, however many calls).
/// [`notify_waiters`](Notify::notify_waiters) wakes every future created
/// before the call and stores nothing. `Send` and `Sync`: a std thread or
/// another runtime may notify a task waiting in groundup.
///
/// This is tokio's `sync::Notify`, with the same names and semantics.
///
/// ```
/// use std::sync::Arc;
/// use groundup::sync::Notify;
///
/// # groundup::block_on(async {
/// let notify = Arc::new(Notify::new());
/// let waiter = {
///     let notify = Arc::clone(&notify);
///     groundup::spawn(async move {
///         notify.notified().await;
///         "notified"
///     })
/// };
/// notify.notify_one();
/// assert_eq!(waiter.await.unwrap(), "notified");
/// # });
/// ```
pub struct Notify {
    /// `notify_waiters` calls so far, wrapping. Written under `state`'s
    /// lock, read without it when a `Notified` is created.
    calls: AtomicUsize,
    state: Mutex<State>,
}

/// What the lock guards.
struct State {
    /// A `notify_one` that found nobody waiting.
    permit: bool,
    waiters: WaitList<Ticket>,
}

/// A waiter's payload: when its future was created, and who notified it.
#[derive(Clone, Copy)]
struct Ticket {
    /// `Notify::calls` when the future was created.
    calls: usize,
    /// Set by the notifier just before it unlinks the node.
    by: Option<By>,
}

/// Which call notified a waiter: it tells a dropped future whether it
/// holds a notification to pass on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum By {
    /// `notify_one`: passed on to the oldest waiter if dropped unused.
    One,
    /// `notify_last`: passed on to the newest waiter if dropped unused.
    Last,
    /// `notify_waiters`: meant for everyone; nothing to pass on.
    All,
}

impl Notify {
    /// A `Notify` with no permit and no waiter.
    ///
    /// ```
    /// let notify = groundup::sync::Notify::new();
    /// # let _ = notify;
    /// ```
    pub fn new() -> Notify {
        Notify {
            calls: AtomicUsize::new(0),
            state: Mutex::new(State { permit: false, waiters: WaitList::new() }),
        }
    }

    /// As [`new`](Notify::new), in a `const` context: a `static` `Notify`
    /// needs no `OnceLock` or `Arc`. Every part is const-constructible
    /// (std's `AtomicUsize` and `Mutex`, and the waiter list), so this is
    /// the same value `new` makes. Not under loom, whose types have no
    /// `const` constructors.
    ///
    /// ```
    /// use groundup::sync::Notify;
    ///
    /// static READY: Notify = Notify::const_new();
    ///
    /// # groundup::block_on(async {
    /// groundup::spawn(async { READY.notify_one() });
    /// READY.notified().await;
    /// # });
    /// ```
    #[cfg(not(groundup_loom))]
    pub const fn const_new() -> Notify {
        Notify {
            calls: AtomicUsize::new(0),
            state: Mutex::new(State { permit: false, waiters: WaitList::new() }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Poisoning: nothing under this lock runs user code except a
        // waker's `clone` (in `refresh_waker`), which panics before the
        // list changes, so the state is consistent and usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A future that completes when this `Notify` is notified.
    ///
    /// It takes part in `notify_one` from its first poll (or
    /// [`enable`](Notified::enable)); it receives `notify_waiters` calls
    /// made at any time after it was created. Cancel-safe: dropping it
    /// gives up its place in line, and a `notify_one` notification it had
    /// already received goes to the next waiter.
    ///
    /// ```
    /// use groundup::sync::Notify;
    ///
    /// # groundup::block_on(async {
    /// let notify = Notify::new();
    /// let notified = notify.notified(); // created: sees notify_waiters from now on
    /// notify.notify_waiters();
    /// notified.await;
    /// # });
    /// ```
    pub fn notified(&self) -> Notified<'_> {
        Notified { inner: NotifiedWith::new(self) }
    }

    /// Waits until `check` gives `Some`, and returns what it gave: the wait
    /// of each channel built on a `Notify` (a watch's `changed` and
    /// `closed`, a broadcast's `recv` and `closed`). Each `check` runs
    /// after a `Notified` future was created and before it is awaited, so
    /// a `notify_waiters` between a check that failed and the wait still
    /// completes the future: no wake is lost.
    pub(crate) async fn wait_until<R>(&self, mut check: impl FnMut() -> Option<R>) -> R {
        loop {
            let notified = pin!(self.notified());
            if let Some(ready) = check() {
                return ready;
            }
            notified.await;
        }
    }

    /// [`notified`](Notify::notified) for an `Arc<Notify>`: the future owns
    /// a reference, so it is `'static` and can be stored or spawned.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Notify;
    ///
    /// # groundup::block_on(async {
    /// let notify = Arc::new(Notify::new());
    /// let notified = Arc::clone(&notify).notified_owned();
    /// let waiter = groundup::spawn(notified);
    /// notify.notify_one();
    /// waiter.await.unwrap();
    /// # });
    /// ```
    pub fn notified_owned(self: Arc<Self>) -> OwnedNotified {
        OwnedNotified { inner: NotifiedWith::new(self) }
    }

    /// Wakes the oldest waiting [`Notified`], or, if none waits, stores a
    /// permit for the next one (one permit at most).
    ///
    /// ```
    /// use groundup::sync::Notify;
    ///
    /// # groundup::block_on(async {
    /// let notify = Notify::new();
    /// notify.notify_one(); // nobody waits: a permit is stored
    /// notify.notified().await; // and taken here at once
    /// # });
    /// ```
    pub fn notify_one(&self) {
        self.notify_one_end(By::One);
    }

    /// Like [`notify_one`](Notify::notify_one), but wakes the *newest*
    /// waiting [`Notified`] (LIFO); stores a permit if none waits.
    ///
    /// ```
    /// use std::pin::pin;
    /// use groundup::sync::Notify;
    ///
    /// # groundup::block_on(async {
    /// let notify = Notify::new();
    /// let mut first = pin!(notify.notified());
    /// let mut second = pin!(notify.notified());
    /// first.as_mut().enable();
    /// second.as_mut().enable();
    /// notify.notify_last();
    /// second.await; // the newest one was woken
    /// # });
    /// ```
    pub fn notify_last(&self) {
        self.notify_one_end(By::Last);
    }

    fn notify_one_end(&self, by: By) {
        let mut batch = WakeBatch::new();
        let mut state = self.lock();
        state.notify_one_locked(by, &mut batch);
        drop(state);
        batch.wake_all();
    }

    /// Wakes every [`Notified`] created before this call, polled or not.
    /// Stores no permit: a future created after the call waits for the
    /// next notification.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use groundup::sync::Notify;
    ///
    /// # groundup::block_on(async {
    /// let notify = Arc::new(Notify::new());
    /// let waiters: Vec<_> = (0..3)
    ///     .map(|_| {
    ///         let notified = Arc::clone(&notify).notified_owned();
    ///         groundup::spawn(notified)
    ///     })
    ///     .collect();
    /// notify.notify_waiters();
    /// for waiter in waiters {
    ///     waiter.await.unwrap();
    /// }
    /// # });
    /// ```
    pub fn notify_waiters(&self) {
        let mut batch = WakeBatch::new();
        let mut state = self.lock();
        // Relaxed load: only written under the lock we hold. Release store:
        // pairs with the Acquire in `NotifiedWith::new`; whatever the caller did
        // before this call (a watch's new version, a token's flag) is then
        // visible to a future that sees the new count.
        let calls = self.calls.load(Ordering::Relaxed).wrapping_add(1);
        self.calls.store(calls, Ordering::Release);
        loop {
            // Relaxed: under the lock, like every write of it. A newer
            // call may have bumped it between two rounds; it has then
            // notified everyone older than itself, so the latest value is
            // the one to compare with.
            let latest = self.calls.load(Ordering::Relaxed);
            if state.notify_older_than(latest, &mut batch) {
                break;
            }
            drop(state);
            batch.wake_all();
            state = self.lock();
        }
        drop(state);
        batch.wake_all();
    }
}

impl State {
    /// `notify_one`/`notify_last` (and a dropped future passing its
    /// notification on): the waiter at `by`'s end, or the permit.
    fn notify_one_locked(&mut self, by: By, batch: &mut WakeBatch) {
        let end = match by {
            By::Last => self.waiters.back_mut(),
            _ => self.waiters.front_mut(),
        };
        match end {
            Some(wait) => wait.by = Some(by),
            None => {
                self.permit = true;
                return;
            }
        }
        match by {
            By::Last => self.waiters.notify_back(batch),
            _ => self.waiters.notify_front(batch),
        };
    }

    /// `notify_waiters`, one batch: notifies, oldest first, the waiters
    /// created before the latest call. Returns whether it got to the end
    /// of them (else the batch is full).
    fn notify_older_than(&mut self, latest: usize, batch: &mut WakeBatch) -> bool {
        loop {
            if batch.is_full() {
                return false;
            }
            match self.waiters.front_mut() {
                // A linked waiter whose count is not the latest one was
                // created before a call; the younger ones are all behind it.
                Some(wait) if wait.calls != latest => {
                    wait.by = Some(By::All);
                }
                _ => return true,
            }
            self.waiters.notify_front(batch);
        }
    }
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notify").finish_non_exhaustive()
    }
}

/// Where a [`NotifiedWith`] is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    /// Created, never polled nor enabled: in no list.
    Init,
    /// Linked (or notified and not yet seen so).
    Waiting,
    /// Completed; polls return `Ready` (the future is fused).
    Done,
}

/// The waiting itself, shared by [`Notified`], [`OwnedNotified`] and the
/// other primitives of `groundup::sync` that hold a `Notify` some other
/// way (`N` is any handle that reaches it).
///
/// ```text
///  Init ──first poll/enable──► permit or notify_waiters since creation? ──yes──► Done
///                                 │ no: link
///                                 ▼
///                              Waiting ──notified (lock-free check)──► Done
///                                 │ dropped
///                                 ▼
///           unlink; if notify_one had picked it: pass the notification on
/// ```
pub(crate) struct NotifiedWith<N: Deref<Target = Notify>> {
    notify: N,
    stage: Stage,
    /// The node; `!Unpin`, so the future is too.
    waiter: Waiter<Ticket>,
}

impl<N: Deref<Target = Notify>> NotifiedWith<N> {
    /// A future waiting on the `Notify` behind `notify`; it sees every
    /// `notify_waiters` call from now on.
    pub(crate) fn new(notify: N) -> NotifiedWith<N> {
        // Acquire: pairs with `notify_waiters`' Release store. A primitive
        // that changes its state, then calls `notify_waiters`, and whose
        // waiter creates this future, then checks the state, cannot miss
        // both: if this load sees the new count, the state change is
        // visible to the check; if not, the future completes once polled.
        let calls = notify.calls.load(Ordering::Acquire);
        NotifiedWith { notify, stage: Stage::Init, waiter: Waiter::new(Ticket { calls, by: None }) }
    }

    /// The handle this future waits through.
    pub(crate) fn handle(&self) -> &N {
        &self.notify
    }

    fn waiter(&self) -> Pin<&Waiter<Ticket>> {
        // SAFETY: the node is only linked by `poll_with` on a pinned
        // `NotifiedWith`; a pinned value is neither moved nor freed before
        // `Drop`, and `Drop` unlinks it. Before that the pin is not relied on.
        unsafe { Pin::new_unchecked(&self.waiter) }
    }

    /// [`Future::poll`], and `enable` with `waker: None` (the node is then
    /// linked with a waker that does nothing, replaced at the next poll).
    pub(crate) fn poll_with(self: Pin<&mut Self>, waker: Option<&Waker>) -> Poll<()> {
        // SAFETY: nothing is moved out; the node stays in place (`waiter`).
        let this = unsafe { self.get_unchecked_mut() };
        match this.stage {
            Stage::Done => Poll::Ready(()),
            Stage::Init => this.first_poll(waker),
            Stage::Waiting => this.poll_waiting(waker),
        }
    }

    fn first_poll(&mut self, waker: Option<&Waker>) -> Poll<()> {
        // Cloned before the lock: a waker's code never runs under it.
        let waker = waker.unwrap_or(Waker::noop()).clone();
        let mut state = self.notify.lock();
        // SAFETY: never linked yet: the node is ours.
        let since = unsafe { self.waiter.with_payload(|ticket| ticket.calls) };
        // Relaxed: under the lock, which orders every write of the count.
        let waiters_called = self.notify.calls.load(Ordering::Relaxed) != since;
        if waiters_called || std::mem::take(&mut state.permit) {
            drop(state);
            self.stage = Stage::Done;
            return Poll::Ready(());
        }
        // SAFETY: ours and unlinked; unlinked again before it is dropped
        // (`Drop`), pinned meanwhile (`waiter`); this list is only reached
        // through this `Notify`'s lock, which we hold.
        unsafe { state.waiters.push_back(self.waiter(), waker) };
        self.stage = Stage::Waiting;
        Poll::Pending
    }

    fn poll_waiting(&mut self, waker: Option<&Waker>) -> Poll<()> {
        if !self.waiter().is_notified() {
            let Some(waker) = waker else { return Poll::Pending };
            let mut state = self.notify.lock();
            // SAFETY: ours, linked into this list (or notified meanwhile).
            match unsafe { state.waiters.refresh_waker(self.waiter(), waker) } {
                Refresh::Waiting(replaced) => {
                    drop(state);
                    drop(replaced);
                    return Poll::Pending;
                }
                Refresh::Notified => {}
            }
        }
        // Notified: the node is out of the list and ours again; what it
        // was notified with is used up by completing.
        self.stage = Stage::Done;
        Poll::Ready(())
    }

    /// How the node was notified. Only for a node out of the list.
    fn notified_by(&self) -> Option<By> {
        // SAFETY: the caller saw it notified or removed it: it is ours.
        unsafe { self.waiter.with_payload(|ticket| ticket.by) }
    }
}

impl<N: Deref<Target = Notify>> Drop for NotifiedWith<N> {
    fn drop(&mut self) {
        if self.stage != Stage::Waiting {
            return; // in no list
        }
        let mut batch = WakeBatch::new();
        if self.waiter().is_notified() {
            // Out of the list, no lock needed to know it.
            if let Some(by @ (By::One | By::Last)) = self.notified_by() {
                let mut state = self.notify.lock();
                state.notify_one_locked(by, &mut batch);
            }
        } else {
            let mut state = self.notify.lock();
            // SAFETY: ours; linked into this list, or notified meanwhile.
            let removed = unsafe { state.waiters.remove(self.waiter()) };
            let handed = match removed {
                Removed::Notified => self.notified_by(),
                _ => None,
            };
            if let Some(by @ (By::One | By::Last)) = handed {
                state.notify_one_locked(by, &mut batch);
            }
            drop(state);
            drop(removed); // its waker, if any: dropped outside the lock
        }
        batch.wake_all();
    }
}

impl<N: Deref<Target = Notify>> fmt::Debug for NotifiedWith<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified").field("stage", &self.stage).finish()
    }
}

/// The future of [`Notify::notified`]: completes once notified.
///
/// Fused: once it has completed, polling it again gives `Ready`. See
/// [`Notify::notified`] for which notifications it receives.
///
/// ```
/// use groundup::sync::Notify;
///
/// # groundup::block_on(async {
/// let notify = Notify::new();
/// let notified: groundup::sync::futures::Notified<'_> = notify.notified();
/// notify.notify_one();
/// notified.await;
/// # });
/// ```
pub struct Notified<'a> {
    inner: NotifiedWith<&'a Notify>,
}

/// The future of [`Notify::notified_owned`]: a [`Notified`] that holds an
/// `Arc<Notify>` instead of borrowing it.
///
/// ```
/// use std::sync::Arc;
/// use groundup::sync::{Notify, futures::OwnedNotified};
///
/// # groundup::block_on(async {
/// let notify = Arc::new(Notify::new());
/// let notified: OwnedNotified = Arc::clone(&notify).notified_owned();
/// notify.notify_waiters();
/// notified.await;
/// # });
/// ```
pub struct OwnedNotified {
    inner: NotifiedWith<Arc<Notify>>,
}

impl<'a> Notified<'a> {
    fn inner(self: Pin<&mut Self>) -> Pin<&mut NotifiedWith<&'a Notify>> {
        // SAFETY: structural pinning of the one field: it is never moved
        // out, and `Notified` has no `Drop` of its own that could.
        unsafe { self.map_unchecked_mut(|this| &mut this.inner) }
    }

    /// Takes part in `notify_one` now, before the first poll, without a
    /// waker: a `notify_one` that comes between this call and the first
    /// poll is kept for this future. The same as a poll, except that no
    /// waker is registered.
    ///
    /// Returns whether the future is ready: a `notify_waiters` call came
    /// since its creation, or a stored permit was taken (on the first call
    /// only), or it has been notified since an earlier `enable` or poll.
    ///
    /// ```
    /// use std::pin::pin;
    /// use groundup::sync::Notify;
    ///
    /// # groundup::block_on(async {
    /// let notify = Notify::new();
    /// let mut notified = pin!(notify.notified());
    /// assert!(!notified.as_mut().enable()); // in line now, not yet notified
    /// notify.notify_one(); // goes to `notified`, not into the permit
    /// assert!(notified.as_mut().enable());
    /// notified.await;
    /// # });
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        self.inner().poll_with(None).is_ready()
    }
}

impl OwnedNotified {
    fn inner(self: Pin<&mut Self>) -> Pin<&mut NotifiedWith<Arc<Notify>>> {
        // SAFETY: as in `Notified::inner`.
        unsafe { self.map_unchecked_mut(|this| &mut this.inner) }
    }

    /// As [`Notified::enable`].
    ///
    /// ```
    /// use std::pin::pin;
    /// use std::sync::Arc;
    /// use groundup::sync::Notify;
    ///
    /// let notify = Arc::new(Notify::new());
    /// let mut notified = pin!(Arc::clone(&notify).notified_owned());
    /// assert!(!notified.as_mut().enable());
    /// notify.notify_one();
    /// assert!(notified.as_mut().enable());
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        self.inner().poll_with(None).is_ready()
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.inner().poll_with(Some(cx.waker()))
    }
}

impl Future for OwnedNotified {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.inner().poll_with(Some(cx.waker()))
    }
}

impl<N: Deref<Target = Notify>> Future for NotifiedWith<N> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_with(Some(cx.waker()))
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl fmt::Debug for OwnedNotified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}
