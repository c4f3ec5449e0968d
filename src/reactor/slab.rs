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
//! the runtime's thread; a `Mutex` guards the free list anyway, so the
//! structure is sound whoever calls it, and uncontended it never sleeps.

use std::ptr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicPtr, Ordering};

use super::scheduled_io::ScheduledIo;

/// Bits of a token that hold the slot index.
pub(crate) const INDEX_BITS: u32 = 24;
const FIRST_PAGE_SHIFT: u32 = 6;
const FIRST_PAGE: usize = 1 << FIRST_PAGE_SHIFT;
const PAGES: usize = (INDEX_BITS - FIRST_PAGE_SHIFT) as usize;

#[derive(Debug)]
pub(crate) struct Slab {
    /// Page `k` points to `FIRST_PAGE << k` slots, or is null until needed.
    pages: [AtomicPtr<ScheduledIo>; PAGES],
    free: Mutex<FreeList>,
}

#[derive(Debug)]
struct FreeList {
    released: Vec<usize>,
    /// Indices below this have been handed out at least once.
    next_unused: usize,
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
        Slab {
            pages: std::array::from_fn(|_| AtomicPtr::new(ptr::null_mut())),
            // Index 0 is never handed out: token 0 is the reactor's waker.
            free: Mutex::new(FreeList { released: Vec::new(), next_unused: 1 }),
        }
    }

    /// The slot at `index`, if its page exists.
    pub(crate) fn get(&self, index: usize) -> Option<&ScheduledIo> {
        let (page, offset) = locate(index);
        // Acquire: pairs with the Release that published the page, so its
        // initialised slots are visible.
        let base = self.pages.get(page)?.load(Ordering::Acquire);
        if base.is_null() {
            return None;
        }
        // SAFETY: a non-null page pointer came from a leaked
        // `Box<[ScheduledIo]>` of `page_len(page)` elements (see `allocate`)
        // and `offset < page_len(page)` by construction of `locate`, so the
        // result stays inside that allocation.
        let slot = unsafe { base.add(offset) };
        // SAFETY: the slot is initialised (pages are built whole before they
        // are published) and pages are only freed in `drop`, which needs
        // `&mut self`, so it outlives the returned borrow of `self`.
        Some(unsafe { &*slot })
    }

    /// Hands out a free slot index (its slot exists and is idle).
    pub(crate) fn allocate(&self) -> Option<usize> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(index) = free.released.pop() {
            return Some(index);
        }
        let index = free.next_unused;
        let (page, _) = locate(index);
        if page >= PAGES {
            return None; // 16 million sources
        }
        if self.pages[page].load(Ordering::Relaxed).is_null() {
            let slots: Box<[ScheduledIo]> =
                (0..page_len(page)).map(|_| ScheduledIo::default()).collect();
            let base = Box::into_raw(slots).cast::<ScheduledIo>();
            // Release: the slots' initialisation happens-before any Acquire
            // load that finds this pointer (the reactor's `get`).
            self.pages[page].store(base, Ordering::Release);
        }
        free.next_unused += 1;
        Some(index)
    }

    /// Returns a slot to the free list, resetting it for its next owner.
    pub(crate) fn release(&self, index: usize) {
        if let Some(slot) = self.get(index) {
            slot.reset_for_reuse();
        }
        self.free.lock().unwrap_or_else(|e| e.into_inner()).released.push(index);
    }

    /// Every slot that has ever been handed out.
    pub(crate) fn for_each_used(&self, mut f: impl FnMut(&ScheduledIo)) {
        let used = self.free.lock().unwrap_or_else(|e| e.into_inner()).next_unused;
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
            // leaked in `allocate`, and `&mut self` means no reader remains.
            drop(unsafe { Box::from_raw(slice) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let a = slab.allocate().unwrap();
        assert_eq!(a, 1, "index 0 is reserved");
        let generation = slab.get(a).unwrap().generation();
        slab.release(a);
        let b = slab.allocate().unwrap();
        assert_eq!(a, b);
        assert_ne!(slab.get(b).unwrap().generation(), generation);
        let many: Vec<_> = (0..1000).map(|_| slab.allocate().unwrap()).collect();
        assert!(many.iter().all(|&i| slab.get(i).is_some()));
    }
}
