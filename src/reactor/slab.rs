//! Stable storage for every source's `ScheduledIo`, indexed by the number in
//! its token.
//!
//! The reactor thread turns a token into a slot without taking a lock:
//! slots live in pages that are allocated once and never move or shrink
//! while the reactor lives, and the page table is an array of atomic
//! pointers. Page `k` holds `64 << k` slots, so 18 pages cover the 2^24
//! indices a token has room for while a small runtime allocates only 64.
//!
//! Allocation and release (registering and deregistering a source) happen on
//! the runtime's thread; a `Mutex` guards the free lists anyway, so the
//! structure is sound whoever calls it, and uncontended it never sleeps.
//!
//! ## When a released slot may be handed out again
//!
//! An event can still be on its way for a source that was just
//! deregistered: the reactor's poll may have collected it an instant
//! before, and be about to dispatch it. The slot's generation catches that
//! event, as long as the slot has not gone through so many owners that the
//! generation came round to the same value (256 owners on 32-bit targets,
//! see [`token`](super::token)). So a released slot is not simply free:
//!
//! | list | holds | may be handed out |
//! |---|---|---|
//! | `free` | slots released before the reactor's last [`reclaim`](Slab::reclaim) | yes, first |
//! | `released` | released since then, with reuses left | yes, each reuse counted |
//! | `exhausted` | released since then, [`REUSE_BUDGET`] reuses spent | no: after the next `reclaim` |
//!
//! The reactor calls `reclaim` between two batches: after dispatching one
//! and before polling again. Every slot in `released` or `exhausted` then
//! was deregistered before the next poll starts, so that poll cannot report
//! it ("deregistration is final"), and the batch that could have was just
//! dispatched. Between two reclaims a slot therefore goes through at most
//! `REUSE_BUDGET + 1` generations, fewer than the generation has values:
//! every generation an in-flight event can carry differs from the current
//! one, on every pointer width. When only exhausted slots are left, the
//! slab takes a new slot and says so, and the reactor is woken to reclaim
//! (once per reclaim), so that an idle reactor does not make the slab grow
//! without bound.

use std::ptr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

use super::scheduled_io::ScheduledIo;
use super::token::{INDEX_BITS, REUSE_BUDGET};

const FIRST_PAGE_SHIFT: u32 = 6;
const FIRST_PAGE: usize = 1 << FIRST_PAGE_SHIFT;
const PAGES: usize = (INDEX_BITS - FIRST_PAGE_SHIFT) as usize;

/// One slot: the source's shared state, and the slab's own count.
#[derive(Debug, Default)]
struct Entry {
    io: ScheduledIo,
    /// Times this slot was handed out from `released` since it was last
    /// reclaimed. Only touched under the free-list lock (hence `Relaxed`).
    reuses: AtomicUsize,
}

#[derive(Debug)]
pub(crate) struct Slab {
    /// Page `k` points to `FIRST_PAGE << k` entries, or is null until needed.
    pages: [AtomicPtr<Entry>; PAGES],
    free: Mutex<FreeList>,
    /// `released` or `exhausted` may be non-empty: `reclaim` has work.
    reclaimable: AtomicBool,
    /// [`REUSE_BUDGET`], or less in tests.
    budget: usize,
}

#[derive(Debug)]
struct FreeList {
    free: Vec<usize>,
    released: Vec<usize>,
    exhausted: Vec<usize>,
    /// Indices below this have been handed out at least once.
    next_unused: usize,
    /// The reactor was asked to reclaim and has not done it yet.
    reclaim_asked: bool,
}

/// A slot handed out by [`Slab::allocate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Allocated {
    pub(crate) index: usize,
    /// Released slots are waiting for a `reclaim` that an idle reactor
    /// will not run: wake it.
    pub(crate) wake_reactor: bool,
}

/// Page number and offset within it for a slot index.
fn locate(index: usize) -> (usize, usize) {
    let shifted = (index + FIRST_PAGE) >> FIRST_PAGE_SHIFT;
    let page = (usize::BITS - 1 - shifted.leading_zeros()) as usize;
    (page, index + FIRST_PAGE - (FIRST_PAGE << page))
}

fn page_len(page: usize) -> usize {
    FIRST_PAGE << page
}

impl Slab {
    pub(crate) fn new() -> Slab {
        Slab::with_reuse_budget(REUSE_BUDGET)
    }

    fn with_reuse_budget(budget: usize) -> Slab {
        Slab {
            pages: std::array::from_fn(|_| AtomicPtr::new(ptr::null_mut())),
            // Index 0 is never handed out: token 0 is the reactor's waker.
            free: Mutex::new(FreeList {
                free: Vec::new(),
                released: Vec::new(),
                exhausted: Vec::new(),
                next_unused: 1,
                reclaim_asked: false,
            }),
            reclaimable: AtomicBool::new(false),
            budget,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FreeList> {
        // Nothing panics under this lock but allocation failure, which
        // leaves the lists as they were.
        self.free.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn entry(&self, index: usize) -> Option<&Entry> {
        let (page, offset) = locate(index);
        // Acquire: pairs with the Release that published the page, so its
        // initialised entries are visible.
        let base = self.pages.get(page)?.load(Ordering::Acquire);
        if base.is_null() {
            return None;
        }
        // SAFETY: a non-null page pointer came from a leaked `Box<[Entry]>`
        // of `page_len(page)` elements (see `new_slot`) and `offset <
        // page_len(page)` by construction of `locate`, so the result stays
        // inside that allocation.
        let entry = unsafe { base.add(offset) };
        // SAFETY: the entry is initialised (pages are built whole before
        // they are published) and pages are only freed in `drop`, which
        // needs `&mut self`, so it outlives the returned borrow of `self`.
        Some(unsafe { &*entry })
    }

    /// The slot at `index`, if its page exists.
    pub(crate) fn get(&self, index: usize) -> Option<&ScheduledIo> {
        self.entry(index).map(|entry| &entry.io)
    }

    /// Hands out a slot index (its slot exists and is idle): a reclaimed
    /// one, else a released one with reuses left, else a new one.
    pub(crate) fn allocate(&self) -> Option<Allocated> {
        let mut lists = self.lock();
        if let Some(index) = lists.free.pop() {
            return Some(Allocated { index, wake_reactor: false });
        }
        if let Some(index) = lists.released.pop() {
            let entry = self.entry(index).expect("a released slot exists");
            // Relaxed: under the lock, which orders every access.
            entry.reuses.fetch_add(1, Ordering::Relaxed);
            return Some(Allocated { index, wake_reactor: false });
        }
        let index = self.new_slot(&mut lists)?;
        let wake_reactor = !lists.exhausted.is_empty() && !lists.reclaim_asked;
        lists.reclaim_asked |= wake_reactor;
        Some(Allocated { index, wake_reactor })
    }

    fn new_slot(&self, lists: &mut FreeList) -> Option<usize> {
        let index = lists.next_unused;
        let (page, _) = locate(index);
        if page >= PAGES {
            return None; // 16 million sources
        }
        if self.pages[page].load(Ordering::Relaxed).is_null() {
            let entries: Box<[Entry]> = (0..page_len(page)).map(|_| Entry::default()).collect();
            let base = Box::into_raw(entries).cast::<Entry>();
            // Release: the entries' initialisation happens-before any
            // Acquire load that finds this pointer (the reactor's `get`).
            self.pages[page].store(base, Ordering::Release);
        }
        lists.next_unused += 1;
        Some(index)
    }

    /// Returns a slot, resetting it for its next owner (a new generation).
    /// It is handed out again at once while its reuse budget lasts, and
    /// after the reactor's next [`reclaim`](Self::reclaim) in any case.
    pub(crate) fn release(&self, index: usize) {
        let Some(entry) = self.entry(index) else { return };
        entry.io.reset_for_reuse();
        let mut lists = self.lock();
        // Relaxed: under the lock.
        if entry.reuses.load(Ordering::Relaxed) < self.budget {
            lists.released.push(index);
        } else {
            lists.exhausted.push(index);
        }
        // Relaxed: a hint for `reclaim`, which takes the lock before it
        // trusts anything; a late view only delays a reclaim, and a delay is
        // always safe.
        self.reclaimable.store(true, Ordering::Relaxed);
    }

    /// Reactor side, between two batches (after dispatching one, before
    /// polling again): every slot released so far becomes free, with a
    /// fresh reuse budget. No lock when nothing was released.
    pub(crate) fn reclaim(&self) {
        // Relaxed: see `release`.
        if !self.reclaimable.load(Ordering::Relaxed) {
            return;
        }
        let mut lists = self.lock();
        let FreeList { free, released, exhausted, reclaim_asked, .. } = &mut *lists;
        for index in released.drain(..).chain(exhausted.drain(..)) {
            let entry = self.entry(index).expect("a released slot exists");
            // Relaxed: under the lock.
            entry.reuses.store(0, Ordering::Relaxed);
            free.push(index);
        }
        *reclaim_asked = false;
        self.reclaimable.store(false, Ordering::Relaxed);
    }

    /// Every slot that has ever been handed out.
    pub(crate) fn for_each_used(&self, mut f: impl FnMut(&ScheduledIo)) {
        let used = self.lock().next_unused;
        (1..used).filter_map(|i| self.get(i)).for_each(&mut f);
    }
}

impl Drop for Slab {
    fn drop(&mut self) {
        for (page, base) in self.pages.iter_mut().enumerate() {
            let base = *base.get_mut();
            if base.is_null() {
                continue;
            }
            let slice = ptr::slice_from_raw_parts_mut(base, page_len(page));
            // SAFETY: the pointer and length are those of the boxed slice
            // leaked in `new_slot`, and `&mut self` means no reader remains.
            drop(unsafe { Box::from_raw(slice) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::scheduled_io::ready;
    use super::super::token::{GENERATION_BITS, Generation};
    use super::*;

    fn allocate(slab: &Slab) -> usize {
        slab.allocate().expect("a slot").index
    }

    #[test]
    fn pages_double_and_indices_map_onto_them() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(63), (0, 63));
        assert_eq!(locate(64), (1, 0));
        assert_eq!(locate(191), (1, 127));
        assert_eq!(locate(192), (2, 0));
        let last = (1 << INDEX_BITS) - 1;
        let (page, offset) = locate(last - FIRST_PAGE);
        assert!(page < PAGES && offset < page_len(page));
    }

    #[test]
    fn released_slots_are_reused_with_a_new_generation() {
        let slab = Slab::new();
        let a = allocate(&slab);
        assert_eq!(a, 1, "index 0 is reserved");
        let generation = slab.get(a).unwrap().generation();
        slab.release(a);
        let b = allocate(&slab);
        assert_eq!(a, b);
        assert_ne!(slab.get(b).unwrap().generation(), generation);
        let many: Vec<_> = (0..1000).map(|_| allocate(&slab)).collect();
        assert!(many.iter().all(|&i| slab.get(i).is_some()));
    }

    /// Issue 19's 32-bit question, on every target: a batch that the
    /// reactor has not finished dispatching holds an event for every owner
    /// a slot ever had (the worst case). However many times sources come
    /// and go meanwhile (1,000 here, four times round an 8-bit
    /// generation), none of those events may be accepted by the slot's
    /// current owner.
    #[test]
    fn a_stale_event_is_rejected_after_any_number_of_reuses_within_a_batch() {
        // Fewer under Miri (a quadratic number of checks), still more
        // than once round an 8-bit generation.
        let sources: usize = if cfg!(miri) { 300 } else { 1000 };
        let slab = Slab::new();
        let mut issued: Vec<(usize, Generation)> = Vec::new();
        for _ in 0..sources {
            let index = allocate(&slab);
            let current = slab.get(index).unwrap().generation();
            for &(_, stale) in issued.iter().filter(|(i, _)| *i == index) {
                let accepted = slab.get(index).unwrap().set_readiness(stale, ready::READABLE);
                assert!(accepted.is_none(), "slot {index}: an old owner's event was accepted");
            }
            issued.push((index, current));
            slab.release(index); // no `reclaim`: the reactor is mid-batch
        }
        let slots = issued.iter().map(|&(i, _)| i).max().unwrap();
        let per_slot = REUSE_BUDGET.saturating_add(1);
        assert!(slots <= sources.div_ceil(per_slot), "{slots} slots for {sources} sources");
        if GENERATION_BITS <= 10 {
            assert!(slots > 1, "the budget must have moved sources to another slot");
        }
    }

    #[test]
    fn a_slot_out_of_reuses_waits_for_the_reactor_and_asks_for_it_once() {
        let slab = Slab::with_reuse_budget(2);
        let a = allocate(&slab);
        for _ in 0..2 {
            slab.release(a);
            assert_eq!(allocate(&slab), a, "reused while the budget lasts");
        }
        slab.release(a); // budget spent
        let b = slab.allocate().unwrap();
        assert_ne!(b.index, a, "an exhausted slot is not handed out before a reclaim");
        assert!(b.wake_reactor, "the reactor is asked to reclaim");
        let c = slab.allocate().unwrap();
        assert!(!c.wake_reactor, "asked once per reclaim");
        slab.reclaim(); // the reactor finished its batch
        assert_eq!(allocate(&slab), a, "reclaimed, with a fresh budget");
        slab.release(a);
        assert_eq!(allocate(&slab), a);
    }
}
