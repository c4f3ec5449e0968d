//! The cross-thread run queue: an intrusive, lock-free stack that the
//! executor empties all at once.
//!
//! Wakes from other threads (the reactor, user threads) push tasks here;
//! the executor takes the whole stack with one `swap` and reverses it, so
//! tasks run in the order they were woken. Pushing is a compare-and-swap on
//! the head, with the link stored in the task's own header: no allocation
//! and no lock, so no hidden system call (a contended `Mutex` can park in the
//! kernel, which `groundup::stats` would not see).
//!
//! The classic ABA hazard of lock-free stacks does not arise: nodes are never
//! popped one by one, only taken all together, and a task is pushed at most
//! once until the executor has taken it (its `SCHEDULED` bit guarantees it).

use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicPtr, Ordering};

use crate::task::raw::{Header, TaskRef};

/// A stack of scheduled tasks, each entry owning one reference.
#[derive(Debug)]
pub(crate) struct RemoteQueue {
    head: AtomicPtr<Header>,
}

impl RemoteQueue {
    pub(crate) const fn new() -> RemoteQueue {
        RemoteQueue { head: AtomicPtr::new(ptr::null_mut()) }
    }

    /// Pushes a task (any thread).
    pub(crate) fn push(&self, task: TaskRef) {
        let node = task.into_raw();
        // SAFETY: we own a reference (just taken from `task`), so the header
        // is alive, and only the pusher writes `queue_next` before the
        // compare-exchange publishes the node.
        let link = unsafe { &node.as_ref().queue_next };
        let mut head = self.head.load(Ordering::Relaxed);
        loop {
            link.store(head, Ordering::Relaxed);
            // Release: the consumer's Acquire swap then sees `queue_next`
            // and everything the waker wrote before waking.
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

    /// Takes every queued task, oldest first.
    pub(crate) fn take_all(&self) -> Drain {
        if self.is_empty() {
            return Drain { next: None };
        }
        // Acquire: pairs with the Release of each push.
        let mut node = NonNull::new(self.head.swap(ptr::null_mut(), Ordering::Acquire));
        // The stack is newest-first; reverse the links in place.
        let mut reversed: Option<NonNull<Header>> = None;
        while let Some(current) = node {
            // SAFETY: every node in the taken chain is a live task whose
            // queue reference we now own; nobody else reads `queue_next`
            // until it is pushed again, which needs us to release it first.
            let link = unsafe { &current.as_ref().queue_next };
            node = NonNull::new(link.load(Ordering::Relaxed));
            link.store(reversed.map_or(ptr::null_mut(), NonNull::as_ptr), Ordering::Relaxed);
            reversed = Some(current);
        }
        Drain { next: reversed }
    }
}

/// The tasks taken by [`RemoteQueue::take_all`], oldest first. Dropping it
/// releases the ones not consumed.
#[derive(Debug)]
pub(crate) struct Drain {
    next: Option<NonNull<Header>>,
}

impl Iterator for Drain {
    type Item = TaskRef;

    fn next(&mut self) -> Option<TaskRef> {
        let current = self.next?;
        // SAFETY: as in `take_all`, the chain's nodes are live and owned.
        let link = unsafe { &current.as_ref().queue_next };
        self.next = NonNull::new(link.swap(ptr::null_mut(), Ordering::Relaxed));
        // SAFETY: each node carries the reference counted when it was
        // scheduled; it moves into the returned TaskRef.
        Some(unsafe { TaskRef::from_raw(current) })
    }
}

impl Drop for Drain {
    fn drop(&mut self) {
        self.for_each(drop);
    }
}
