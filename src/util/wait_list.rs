//! Waiters: the queue of tasks waiting for something, shared by the
//! reactor's socket readiness and by `groundup::sync`.
//!
//! ## The pieces
//!
//! - A [`Waiter<P>`] is a node that lives inside a waiting future (which
//!   is pinned, so the node does not move). It holds the task's waker, a
//!   small payload `P` that says what it waits for (an interest mask, a
//!   number of permits), and a state saying whether it is linked and
//!   whether it has been notified.
//! - A [`WaitList<P>`] strings waiters together, oldest first (on the raw
//!   [`LinkedList`](crate::util::linked_list::LinkedList)). It lives inside
//!   the user's lock, next to whatever state that lock guards (a readiness
//!   word's waiter bits, a permit count): every method takes `&mut self`,
//!   which the user can only get through the lock's guard.
//! - A [`WakeBatch`] collects the wakers of notified waiters so that they
//!   are woken *after* the lock is released: a waker is user code, and a
//!   waker that ran under the lock could take it again (deadlock) or make
//!   the woken thread block on it at once.
//!
//! ## The protocol
//!
//! A waiter is in one of three states; only the holder of the list's lock
//! changes it, and the owner may read it without the lock:
//!
//! | state | meaning | who may touch the node |
//! |---|---|---|
//! | `UNLINKED` | in no list (new, or removed by its owner) | its owner, freely |
//! | `LINKED` | in the list, waiting | only the holder of the lock |
//! | `NOTIFIED` | taken out of the list by a notifier, waker gone | its owner, freely |
//!
//! - **Wait** (owner, lock held): [`push_back`](WaitList::push_back) links
//!   the node with a waker (cloned *before* taking the lock, so that no
//!   waker code runs under it).
//! - **Notify** (anyone, lock held): [`notify_front`](WaitList::notify_front)
//!   or [`notify_where`](WaitList::notify_where) unlink waiters, move their
//!   wakers into a `WakeBatch`, and set `NOTIFIED` as the very last access
//!   to each node (a `Release` store).
//! - **Poll again** (owner): [`Waiter::is_notified`] is one `Acquire` load,
//!   no lock. Only when it says "not yet" does the owner take the lock, to
//!   refresh its waker ([`refresh_waker`](WaitList::refresh_waker)).
//! - **Give up** (owner, in `Drop`): if `is_notified` says the node is out
//!   of the list, nothing to do (no lock); else [`remove`](WaitList::remove)
//!   under the lock, which also answers "had I been notified in the
//!   meantime?": a future dropped right after being notified can then pass
//!   the notification on (a permit, a message) instead of losing it.
//!
//! The payload belongs to the lock as long as the node is linked: the
//! notifier reads it ([`notify_where`](WaitList::notify_where)'s
//! predicate) or changes it ([`front_mut`](WaitList::front_mut), e.g. to
//! hand a waiter part of the permits it asked for). The owner reads it back
//! once the node is out ([`Waiter::with_payload`]).
//!
//! `crate::loom` provides the atomics and cells, so the whole protocol
//! runs under the model checker (`checks/loom/tests/waiters.rs`).

use std::fmt;
use std::marker::PhantomPinned;
use std::mem::MaybeUninit;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::Waker;

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicU8, Ordering};
use crate::util::linked_list::{Link, LinkedList, Pointers};

/// In no list; the owner may do anything with the node.
const UNLINKED: u8 = 0;
/// In the list; only the lock holder may touch the node.
const LINKED: u8 = 1;
/// Taken out by a notifier, waker consumed; the owner's again.
const NOTIFIED: u8 = 2;

/// A node in a [`WaitList`], embedded in a waiting future.
///
/// `!Unpin`: once linked it must stay where it is; its owner pins it and
/// unlinks it (`WaitList::remove`) before it is dropped.
pub(crate) struct Waiter<P> {
    pointers: Pointers<Waiter<P>>,
    /// `UNLINKED`, `LINKED` or `NOTIFIED`; written under the list's lock.
    state: AtomicU8,
    /// The waker and payload: the lock holder's while linked, the owner's
    /// otherwise (see the module docs' table).
    slot: UnsafeCell<Slot<P>>,
    _pinned: PhantomPinned,
}

struct Slot<P> {
    waker: Option<Waker>,
    payload: P,
}

// SAFETY: `pointers` is the waiter's own field, never handed out, and only
// `LinkedList` writes it.
unsafe impl<P> Link for Waiter<P> {
    fn pointers(&self) -> &Pointers<Waiter<P>> {
        &self.pointers
    }
}

// SAFETY: a waiter is shared between its owner and whoever holds the
// list's lock, possibly on another thread; its cells are only accessed
// under the protocol in the module docs (one side at a time, with the lock
// or the state's Release/Acquire between them). What crosses threads is a
// `Waker` (Send + Sync) and the payload, hence `P: Send`.
unsafe impl<P: Send> Send for Waiter<P> {}
// SAFETY: as above.
unsafe impl<P: Send> Sync for Waiter<P> {}

impl<P> Waiter<P> {
    /// A waiter that waits for `payload`, in no list yet.
    pub(crate) fn new(payload: P) -> Waiter<P> {
        Waiter {
            pointers: Pointers::new(),
            state: AtomicU8::new(UNLINKED),
            slot: UnsafeCell::new(Slot { waker: None, payload }),
            _pinned: PhantomPinned,
        }
    }

    /// Owner: whether a notifier has taken this waiter out of its list.
    /// Lock-free. Once it returns `true`, the node is the owner's again
    /// (until it links it anew).
    pub(crate) fn is_notified(&self) -> bool {
        // Acquire: pairs with the notifier's Release store of NOTIFIED, so
        // the notifier's last accesses to the node (taking the waker,
        // clearing the links) happen-before whatever the owner does next.
        self.state.load(Ordering::Acquire) == NOTIFIED
    }

    /// Owner: runs `f` on the payload.
    ///
    /// # Safety
    ///
    /// The caller is the waiter's owner and the waiter is not linked: never
    /// linked, removed by [`WaitList::remove`], or seen notified by
    /// [`is_notified`](Self::is_notified) or `remove`.
    pub(crate) unsafe fn with_payload<R>(&self, f: impl FnOnce(&mut P) -> R) -> R {
        // SAFETY: not linked, so no notifier can reach the node, and the
        // owner is the only other party (contract).
        self.slot.with_mut(|slot| f(unsafe { &mut (*slot).payload }))
    }

    fn ptr(self: Pin<&Self>) -> NonNull<Waiter<P>> {
        NonNull::from(self.get_ref())
    }
}

impl<P> fmt::Debug for Waiter<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter").field("state", &self.state.load(Ordering::Relaxed)).finish()
    }
}

/// What [`WaitList::refresh_waker`] found.
#[derive(Debug)]
pub(crate) enum Refresh {
    /// Still waiting. The caller drops the waker it replaced, if any,
    /// after releasing the lock.
    Waiting(Option<Waker>),
    /// Notified: the node is out of the list and the owner's again.
    Notified,
}

/// What [`WaitList::remove`] found.
#[derive(Debug)]
pub(crate) enum Removed {
    /// It was waiting; it is now unlinked. Carries its waker, for the
    /// caller to drop after releasing the lock.
    Waiting(
        #[allow(dead_code, reason = "only carried out of the lock, to be dropped")] Option<Waker>,
    ),
    /// A notifier had already taken it out: the notification is the
    /// caller's, to use or to pass on.
    Notified,
    /// It was not in a list.
    NotLinked,
}

/// Whether [`WaitList::notify_where`] went through the whole list.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Drained {
    /// Every matching waiter was notified.
    All,
    /// The batch filled up first: wake it (after unlocking) and call again.
    BatchFull,
}

/// The waiters of one resource, oldest first. Lives under the user's
/// lock; `&mut self` is the proof that it is held.
pub(crate) struct WaitList<P> {
    list: LinkedList<Waiter<P>>,
}

// SAFETY: a `WaitList` reaches its waiters, which are `Send` when `P` is
// (see `Waiter`); whoever holds the list holds the lock the protocol needs.
unsafe impl<P: Send> Send for WaitList<P> {}
// SAFETY: `&WaitList` only tells whether the list is empty.
unsafe impl<P: Send> Sync for WaitList<P> {}

impl<P> WaitList<P> {
    /// An empty list.
    pub(crate) const fn new() -> WaitList<P> {
        WaitList { list: LinkedList::new() }
    }

    /// Whether nobody waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Owner: links `waiter` at the back, to be woken through `waker`.
    ///
    /// # Safety
    ///
    /// - the caller owns `waiter`, and it is not linked;
    /// - it will be unlinked ([`remove`](Self::remove), or observed
    ///   notified) before it is dropped (pinning keeps it in place until
    ///   then);
    /// - this list is only ever reached through one lock (every method
    ///   takes `&mut self`), and `waiter` is only linked into lists guarded
    ///   by that lock.
    pub(crate) unsafe fn push_back(&mut self, waiter: Pin<&Waiter<P>>, waker: Waker) {
        // SAFETY: unlinked and ours (contract): nobody else touches the slot.
        waiter.slot.with_mut(|slot| unsafe { (*slot).waker = Some(waker) });
        // Relaxed: the state is only written under the lock, and the lock's
        // release orders this store before any later holder's reads.
        waiter.state.store(LINKED, Ordering::Relaxed);
        // SAFETY: alive, pinned, unlinked, and unlinked before it is
        // dropped (our contract passes `push_back`'s on).
        unsafe { self.list.push_back(waiter.ptr()) };
    }

    /// Owner: if still waiting, makes sure the stored waker wakes the task
    /// behind `waker` (a future may move between tasks).
    ///
    /// # Safety
    ///
    /// The caller owns `waiter`, which was linked into this list.
    pub(crate) unsafe fn refresh_waker(
        &mut self,
        waiter: Pin<&Waiter<P>>,
        waker: &Waker,
    ) -> Refresh {
        // Relaxed: under the lock, which orders every write of the state.
        if waiter.state.load(Ordering::Relaxed) == NOTIFIED {
            return Refresh::Notified;
        }
        waiter.slot.with_mut(|slot| {
            // SAFETY: linked into this list and we hold its lock (`&mut
            // self`): nobody else touches the slot.
            let stored = unsafe { &mut (*slot).waker };
            if stored.as_ref().is_some_and(|w| w.will_wake(waker)) {
                return Refresh::Waiting(None);
            }
            Refresh::Waiting(stored.replace(waker.clone()))
        })
    }

    /// Owner: takes `waiter` out of the list if it is still in it, and
    /// says whether it had been notified (the notification is then the
    /// caller's to pass on).
    ///
    /// # Safety
    ///
    /// The caller owns `waiter`; if it is linked, it is linked into this
    /// list.
    pub(crate) unsafe fn remove(&mut self, waiter: Pin<&Waiter<P>>) -> Removed {
        // Relaxed: under the lock (see `refresh_waker`).
        match waiter.state.load(Ordering::Relaxed) {
            UNLINKED => Removed::NotLinked,
            NOTIFIED => {
                waiter.state.store(UNLINKED, Ordering::Relaxed);
                Removed::Notified
            }
            _ => {
                // SAFETY: linked into this list (state and contract), and we
                // hold its lock.
                unsafe { self.list.remove(waiter.ptr()) };
                waiter.state.store(UNLINKED, Ordering::Relaxed);
                // SAFETY: unlinked now, and ours.
                Removed::Waiting(waiter.slot.with_mut(|slot| unsafe { (*slot).waker.take() }))
            }
        }
    }

    /// Notifier: the payload of the oldest waiter, to read or change (a
    /// semaphore hands it part of what it asked for).
    pub(crate) fn front_mut(&mut self) -> Option<&mut P> {
        let front = self.list.front()?;
        // SAFETY: linked here, so alive (push_back's contract), and we hold
        // the lock; the returned borrow ends before the lock can be
        // released, since it borrows `self`, which lives under the guard.
        let slot = unsafe { front.as_ref() }.slot.with_mut(|slot| slot);
        // SAFETY: as above; the cell's contents are ours for that borrow.
        Some(unsafe { &mut (*slot).payload })
    }

    /// Notifier: the payload of the newest waiter, to read or change
    /// before [`notify_back`](Self::notify_back).
    pub(crate) fn back_mut(&mut self) -> Option<&mut P> {
        let back = self.list.back()?;
        // SAFETY: as in `front_mut`.
        let slot = unsafe { back.as_ref() }.slot.with_mut(|slot| slot);
        // SAFETY: as in `front_mut`.
        Some(unsafe { &mut (*slot).payload })
    }

    /// Notifier: notifies the newest waiter, if any (`Notify::notify_last`);
    /// as [`notify_front`](Self::notify_front) otherwise.
    pub(crate) fn notify_back(&mut self, batch: &mut WakeBatch) -> bool {
        let Some(back) = self.list.pop_back() else { return false };
        // SAFETY: it was linked here (so alive) and we hold the lock.
        unsafe { notify(back, batch) };
        true
    }

    /// Notifier: notifies the oldest waiter, if any; its waker goes into
    /// `batch`. Returns whether there was one. The caller makes sure the
    /// batch has room.
    pub(crate) fn notify_front(&mut self, batch: &mut WakeBatch) -> bool {
        let Some(front) = self.list.pop_front() else { return false };
        // SAFETY: it was linked here (so alive) and we hold the lock.
        unsafe { notify(front, batch) };
        true
    }

    /// Notifier: notifies, oldest first, every waiter whose payload `wants`,
    /// until `batch` is full.
    pub(crate) fn notify_where(
        &mut self,
        mut wants: impl FnMut(&P) -> bool,
        batch: &mut WakeBatch,
    ) -> Drained {
        let mut cursor = self.list.front();
        while let Some(node) = cursor {
            if batch.is_full() {
                return Drained::BatchFull;
            }
            // SAFETY: `node` is linked here; read its successor before it
            // may be unlinked.
            cursor = unsafe { self.list.next(node) };
            // SAFETY: linked here, so alive, and we hold the lock.
            let waiter = unsafe { node.as_ref() };
            // SAFETY: as above: the slot is the lock holder's.
            if waiter.slot.with(|slot| wants(unsafe { &(*slot).payload })) {
                // SAFETY: linked here, and we hold the lock.
                unsafe { self.list.remove(node) };
                // SAFETY: just unlinked by us, lock held.
                unsafe { notify(node, batch) };
            }
        }
        Drained::All
    }

    /// Notifier: runs `f` on every waiting payload, oldest first (to
    /// recompute a summary of what is still waited for).
    pub(crate) fn for_each(&self, mut f: impl FnMut(&P)) {
        let mut cursor = self.list.front();
        while let Some(node) = cursor {
            // SAFETY: linked here, so alive.
            let waiter = unsafe { node.as_ref() };
            // SAFETY: `&self` borrows the lock's guard: nobody writes the
            // slot meanwhile.
            waiter.slot.with(|slot| f(unsafe { &(*slot).payload }));
            // SAFETY: linked here.
            cursor = unsafe { self.list.next(node) };
        }
    }
}

/// Moves a waiter's waker into `batch` and marks it notified; the last
/// access to the node.
///
/// # Safety
///
/// `node` was just unlinked by the caller, who holds the list's lock.
unsafe fn notify<P>(node: NonNull<Waiter<P>>, batch: &mut WakeBatch) {
    // SAFETY: alive until its owner sees NOTIFIED or takes the lock, and we
    // hold the lock.
    let waiter = unsafe { node.as_ref() };
    // SAFETY: unlinked by us under the lock: the slot is still ours.
    if let Some(waker) = waiter.slot.with_mut(|slot| unsafe { (*slot).waker.take() }) {
        batch.push(waker);
    }
    // Release: the waker's removal (and the unlinking) happen-before the
    // owner's Acquire in `is_notified`; after this store the owner may
    // reuse or free the node, so nothing may touch it below.
    waiter.state.store(NOTIFIED, Ordering::Release);
}

impl<P> fmt::Debug for WaitList<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitList").field("empty", &self.is_empty()).finish()
    }
}

/// Wakers per batch: enough that waking a crowd takes few lock rounds, few
/// enough (512 bytes on 64-bit) to sit on the stack. tokio's `WakeList`
/// holds 32 too.
const BATCH: usize = 32;

/// Wakers collected under a lock, woken after it is released.
pub(crate) struct WakeBatch {
    wakers: [MaybeUninit<Waker>; BATCH],
    /// `wakers[..len]` are initialised.
    len: usize,
}

impl WakeBatch {
    /// An empty batch (nothing initialised: no cost until a push).
    pub(crate) fn new() -> WakeBatch {
        WakeBatch { wakers: [const { MaybeUninit::uninit() }; BATCH], len: 0 }
    }

    /// Whether the batch has no room left.
    pub(crate) fn is_full(&self) -> bool {
        self.len == BATCH
    }

    /// Adds `waker`. Panics if the batch is full (a caller's bug: check
    /// [`is_full`](Self::is_full) first).
    pub(crate) fn push(&mut self, waker: Waker) {
        assert!(!self.is_full(), "WakeBatch is full");
        self.wakers[self.len].write(waker);
        self.len += 1;
    }

    /// Adds each of `wakers` (an `Option` adds one or none).
    pub(crate) fn extend(&mut self, wakers: impl IntoIterator<Item = Waker>) {
        wakers.into_iter().for_each(|waker| self.push(waker));
    }

    fn pop(&mut self) -> Option<Waker> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // SAFETY: `wakers[len]` was initialised (below the old `len`), and
        // lowering `len` first hands its ownership to us alone.
        Some(unsafe { self.wakers[self.len].assume_init_read() })
    }

    /// Wakes every waker in the batch, leaving it empty. A waker that
    /// panics does not cost the others their wake: all are woken, then the
    /// first panic continues.
    pub(crate) fn wake_all(&mut self) {
        let mut first_panic = None;
        while let Some(waker) = self.pop() {
            // AssertUnwindSafe: the waker is consumed either way, and the
            // batch is consistent before each call.
            if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| waker.wake())) {
                first_panic.get_or_insert(payload);
            }
        }
        if let Some(payload) = first_panic {
            panic::resume_unwind(payload);
        }
    }
}

impl Drop for WakeBatch {
    fn drop(&mut self) {
        // Only reached with wakers left when unwinding: drop them unwoken.
        while self.pop().is_some() {}
    }
}

impl fmt::Debug for WakeBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WakeBatch").field("len", &self.len).finish()
    }
}

#[cfg(all(test, not(groundup_loom)))] // under loom, see checks/loom/build.rs
mod tests {
    use super::*;
    use std::pin::pin;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::task::Wake;

    /// A waker that counts its wakes.
    #[derive(Default)]
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }

    fn counter() -> (Arc<Count>, Waker) {
        let count = Arc::new(Count::default());
        (Arc::clone(&count), Waker::from(count))
    }

    fn wakes(count: &Count) -> usize {
        count.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    #[test]
    fn notify_where_wakes_every_matching_waiter_and_leaves_the_others() {
        let mut list = WaitList::new();
        let (reader, writer) = (pin!(Waiter::new(1_u8)), pin!(Waiter::new(2_u8)));
        let ((rc, rw), (wc, ww)) = (counter(), counter());
        // SAFETY: (for this and the tests below) the waiters are pinned
        // here, ours, unlinked, and removed (or notified) before the test
        // ends; one list, on one thread, so `&mut` is the whole lock.
        unsafe { list.push_back(reader.as_ref(), rw) };
        // SAFETY: as above.
        unsafe { list.push_back(writer.as_ref(), ww) };
        let mut batch = WakeBatch::new();
        assert_eq!(list.notify_where(|&p| p == 1, &mut batch), Drained::All);
        batch.wake_all();
        assert_eq!((wakes(&rc), wakes(&wc)), (1, 0));
        assert!(reader.is_notified() && !writer.is_notified());
        // SAFETY: ours, linked here.
        assert!(matches!(unsafe { list.remove(writer.as_ref()) }, Removed::Waiting(Some(_))));
        // SAFETY: ours; notified, so out of the list.
        assert!(matches!(unsafe { list.remove(reader.as_ref()) }, Removed::Notified));
        assert!(list.is_empty());
    }

    #[test]
    fn a_dropped_waiter_in_the_middle_unlinks_and_the_others_are_still_woken() {
        let mut list = WaitList::new();
        let (a, c) = (pin!(Waiter::new(())), pin!(Waiter::new(())));
        let ((ac, aw), (cc, cw)) = (counter(), counter());
        // SAFETY: as in the test above.
        unsafe { list.push_back(a.as_ref(), aw) };
        {
            let b = pin!(Waiter::new(()));
            // SAFETY: as above; `b` is removed before its scope ends.
            unsafe { list.push_back(b.as_ref(), counter().1) };
            // SAFETY: as above.
            unsafe { list.push_back(c.as_ref(), cw) };
            // SAFETY: ours, linked here.
            let removed = unsafe { list.remove(b.as_ref()) };
            assert!(matches!(removed, Removed::Waiting(Some(_))));
        } // `b`'s memory is gone: the list must not reach it any more.
        let mut batch = WakeBatch::new();
        assert_eq!(list.notify_where(|_| true, &mut batch), Drained::All);
        batch.wake_all();
        assert_eq!((wakes(&ac), wakes(&cc)), (1, 1));
        assert!(list.is_empty());
    }

    #[test]
    fn a_full_batch_stops_the_walk_and_the_next_call_finishes_it() {
        let mut list = WaitList::new();
        let count = Arc::new(Count::default());
        let waiters: Vec<_> = (0..BATCH + 5).map(|_| Box::pin(Waiter::new(()))).collect();
        for waiter in &waiters {
            // SAFETY: boxed and pinned, so in place until dropped; all are
            // notified below before the vector drops.
            unsafe { list.push_back(waiter.as_ref(), Waker::from(Arc::clone(&count))) };
        }
        let mut batch = WakeBatch::new();
        assert_eq!(list.notify_where(|_| true, &mut batch), Drained::BatchFull);
        batch.wake_all();
        assert_eq!(wakes(&count), BATCH);
        assert_eq!(list.notify_where(|_| true, &mut batch), Drained::All);
        batch.wake_all();
        assert_eq!(wakes(&count), BATCH + 5);
        assert!(waiters.iter().all(|w| w.is_notified()));
    }

    #[test]
    fn the_front_payload_can_be_changed_and_read_back_after_notification() {
        let mut list = WaitList::new();
        let first = pin!(Waiter::new(5_u32));
        let second = pin!(Waiter::new(3_u32));
        // SAFETY: as above.
        unsafe { list.push_back(first.as_ref(), counter().1) };
        // SAFETY: as above.
        unsafe { list.push_back(second.as_ref(), counter().1) };
        // A semaphore with 2 permits gives them to the oldest waiter, which
        // still needs 3; nobody is notified.
        *list.front_mut().unwrap() -= 2;
        let mut batch = WakeBatch::new();
        // Three more permits: the first is satisfied and notified.
        *list.front_mut().unwrap() -= 3;
        assert!(list.notify_front(&mut batch));
        batch.wake_all();
        assert!(first.is_notified());
        // SAFETY: ours, and notified (out of the list).
        assert_eq!(unsafe { first.with_payload(|p| *p) }, 0);
        // SAFETY: ours, linked here.
        assert!(matches!(unsafe { list.remove(second.as_ref()) }, Removed::Waiting(_)));
        // SAFETY: ours, removed.
        assert_eq!(unsafe { second.with_payload(|p| *p) }, 3);
    }

    #[test]
    fn refreshing_with_another_task_replaces_the_waker() {
        let mut list = WaitList::new();
        let waiter = pin!(Waiter::new(()));
        let (first_count, first) = counter();
        let (second_count, second) = counter();
        // SAFETY: as above.
        unsafe { list.push_back(waiter.as_ref(), first.clone()) };
        // SAFETY: ours, linked here.
        let refresh = unsafe { list.refresh_waker(waiter.as_ref(), &first) };
        // Usually `Waiting(None)` (nothing to replace), but `will_wake` may
        // miss a clone (vtables are not unique, e.g. under Miri): either is
        // right as long as the same task is woken.
        assert!(matches!(refresh, Refresh::Waiting(_)));
        // SAFETY: as above.
        let refresh = unsafe { list.refresh_waker(waiter.as_ref(), &second) };
        assert!(matches!(refresh, Refresh::Waiting(Some(_))));
        let mut batch = WakeBatch::new();
        assert!(list.notify_front(&mut batch));
        batch.wake_all();
        assert_eq!((wakes(&first_count), wakes(&second_count)), (0, 1));
        // SAFETY: as above.
        let refresh = unsafe { list.refresh_waker(waiter.as_ref(), &second) };
        assert!(matches!(refresh, Refresh::Notified));
    }

    #[test]
    fn a_panicking_waker_does_not_cost_the_others_their_wake() {
        struct Panics;
        impl Wake for Panics {
            fn wake(self: Arc<Self>) {
                panic!("a waker that panics");
            }
        }
        let (count, waker) = counter();
        let mut batch = WakeBatch::new();
        batch.push(waker.clone());
        batch.push(Waker::from(Arc::new(Panics)));
        batch.push(waker);
        let result = panic::catch_unwind(AssertUnwindSafe(|| batch.wake_all()));
        assert!(result.is_err(), "the panic continues after the others are woken");
        assert_eq!(wakes(&count), 2);
    }
}
