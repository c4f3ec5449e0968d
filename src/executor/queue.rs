//! The cross-thread run queue: an intrusive, lock-free stack that the
//! executor empties all at once.
//!
//! Wakes from other threads (the reactor, user threads) push tasks here;
//! the executor takes the whole stack with one `swap` and reverses it, so
//! tasks run in the order they were woken. Pushing is a compare-and-swap on
//! the head, with the link stored in the node itself (a task's header): no
//! allocation and no lock, so no hidden system call (a contended `Mutex` can
//! park in the kernel, which `groundup::stats` would not see).
//!
//! The classic ABA hazard of lock-free stacks does not arise: nodes are never
//! popped one by one, only taken all together, and a node is pushed at most
//! once until the executor has taken it (for a task, its `SCHEDULED` bit
//! guarantees it).
//!
//! The queue is generic over [`Link`], the owned pointer it stores (a task
//! reference in the library, a test node under the model checker): this file
//! names nothing else in groundup and takes its atomics from `crate::loom`,
//! so `checks/loom/tests/remote_queue.rs` runs this very code.

use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use crate::loom::sync::atomic::{AtomicPtr, Ordering};

/// An owned pointer to a node that carries its own link for this queue.
///
/// # Safety
///
/// `into_raw` must return a pointer to a live node that stays alive until
/// `from_raw` takes it back; `link` must return the same `AtomicPtr` for a
/// node every time, one that nothing but this queue touches while the node
/// is in it. And an `L` must be fine to hand from the thread that pushes it
/// to the one that takes it (and to drop there): the queue is shared by
/// threads whatever `L` is, so the implementor vouches for that, even for an
/// `L` that is not `Send` in general.
pub(crate) unsafe trait Link: Sized {
    /// What the queue links together.
    type Node;

    /// Gives up ownership, as a pointer the queue holds.
    fn into_raw(self) -> NonNull<Self::Node>;

    /// Takes ownership back.
    ///
    /// # Safety
    ///
    /// `node` came from `into_raw` and was not taken back since.
    unsafe fn from_raw(node: NonNull<Self::Node>) -> Self;

    /// The node's link to the next node in the queue.
    ///
    /// # Safety
    ///
    /// `node` is live (owned by the queue or by the caller), and stays so
    /// for as long as the returned reference is used.
    unsafe fn link<'a>(node: NonNull<Self::Node>) -> &'a AtomicPtr<Self::Node>;
}

/// A stack of owned nodes, emptied all at once.
pub(crate) struct RemoteQueue<L: Link> {
    head: AtomicPtr<L::Node>,
    /// The queue owns the `L`s it holds.
    _owns: PhantomData<L>,
}

impl<L: Link> RemoteQueue<L> {
    pub(crate) fn new() -> RemoteQueue<L> {
        RemoteQueue { head: AtomicPtr::new(ptr::null_mut()), _owns: PhantomData }
    }

    /// Pushes a node (any thread).
    pub(crate) fn push(&self, item: L) {
        let node = item.into_raw();
        // SAFETY: we own the node (just taken from `item`), so it is alive,
        // and only the pusher writes its link before the compare-exchange
        // publishes it.
        let link = unsafe { L::link(node) };
        let mut head = self.head.load(Ordering::Relaxed);
        loop {
            link.store(head, Ordering::Relaxed);
            // Release: the consumer's Acquire swap then sees the link and
            // everything the pusher wrote before pushing.
            match self.head.compare_exchange_weak(
                head,
                node.as_ptr(),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => head = actual,
            }
        }
    }

    /// Whether the queue looked empty (a hint: a push may land right after).
    pub(crate) fn is_empty(&self) -> bool {
        self.head.load(Ordering::Relaxed).is_null()
    }

    /// Takes every queued node, oldest first.
    pub(crate) fn take_all(&self) -> Drain<L> {
        if self.is_empty() {
            return Drain { next: None, _owns: PhantomData };
        }
        // Acquire: pairs with the Release of each push.
        let mut node = NonNull::new(self.head.swap(ptr::null_mut(), Ordering::Acquire));
        // The stack is newest-first; reverse the links in place.
        let mut reversed: Option<NonNull<L::Node>> = None;
        while let Some(current) = node {
            // SAFETY: every node in the taken chain is live and now ours;
            // nobody else reads its link until it is pushed again, which
            // needs us to give it back first.
            let link = unsafe { L::link(current) };
            node = NonNull::new(link.load(Ordering::Relaxed));
            link.store(reversed.map_or(ptr::null_mut(), NonNull::as_ptr), Ordering::Relaxed);
            reversed = Some(current);
        }
        Drain { next: reversed, _owns: PhantomData }
    }
}

// SAFETY: the queue's own state is one atomic pointer; the nodes it holds
// move between threads, which the `Link` contract allows.
unsafe impl<L: Link> Send for RemoteQueue<L> {}
// SAFETY: as above: every method takes `&self` and touches only the atomic
// head and the links of nodes it owns.
unsafe impl<L: Link> Sync for RemoteQueue<L> {}

impl<L: Link> Drop for RemoteQueue<L> {
    fn drop(&mut self) {
        drop(self.take_all());
    }
}

impl<L: Link> std::fmt::Debug for RemoteQueue<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteQueue").field("empty", &self.is_empty()).finish()
    }
}

/// The nodes taken by [`RemoteQueue::take_all`], oldest first. Dropping it
/// drops the ones not consumed.
pub(crate) struct Drain<L: Link> {
    next: Option<NonNull<L::Node>>,
    _owns: PhantomData<L>,
}

impl<L: Link> Iterator for Drain<L> {
    type Item = L;

    fn next(&mut self) -> Option<L> {
        let current = self.next?;
        // SAFETY: as in `take_all`, the chain's nodes are live and ours.
        let link = unsafe { L::link(current) };
        self.next = NonNull::new(link.swap(ptr::null_mut(), Ordering::Relaxed));
        // SAFETY: each node in the chain came from `into_raw` in `push` and
        // is given back exactly once, here.
        Some(unsafe { L::from_raw(current) })
    }
}

impl<L: Link> Drop for Drain<L> {
    fn drop(&mut self) {
        self.for_each(drop);
    }
}

impl<L: Link> std::fmt::Debug for Drain<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Drain").field("next", &self.next).finish()
    }
}
