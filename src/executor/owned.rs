//! The executor's list of live tasks, so a shutdown can find and drop every
//! future still pending, on the executor thread.
//!
//! An intrusive doubly-linked list through each task header's `owned_prev`
//! and `owned_next`: inserting at spawn and unlinking at completion are O(1)
//! and allocate nothing. Only the executor thread touches it, so the links
//! are plain `Cell`s.

use std::cell::Cell;
use std::ptr::NonNull;

use crate::task::raw::{Header, TaskRef};

/// Live tasks, each entry owning one reference.
#[derive(Debug, Default)]
pub(crate) struct OwnedTasks {
    head: Cell<Option<NonNull<Header>>>,
    len: Cell<usize>,
}

impl OwnedTasks {
    /// Adds a task (taking over the reference `task` owns).
    pub(crate) fn insert(&self, task: TaskRef) {
        let node = task.into_raw();
        // SAFETY: the reference moved into the list keeps the node alive;
        // the links are only touched on the executor thread (here).
        let header = unsafe { node.as_ref() };
        header.owned_prev.set(None);
        header.owned_next.set(self.head.get());
        if let Some(old) = self.head.get() {
            // SAFETY: `old` is in the list, so the list owns a reference.
            unsafe { old.as_ref() }.owned_prev.set(Some(node));
        }
        self.head.set(Some(node));
        self.len.set(self.len.get() + 1);
    }

    /// Unlinks a task and returns the list's reference to it.
    ///
    /// # Safety
    ///
    /// `node` must currently be in this list.
    pub(crate) unsafe fn remove(&self, node: NonNull<Header>) -> TaskRef {
        // SAFETY: the list owns a reference to `node` (contract).
        let header = unsafe { node.as_ref() };
        let (prev, next) = (header.owned_prev.take(), header.owned_next.take());
        match prev {
            // SAFETY: neighbours are in the list too, hence alive.
            Some(prev) => unsafe { prev.as_ref() }.owned_next.set(next),
            None => self.head.set(next),
        }
        if let Some(next) = next {
            // SAFETY: as above.
            unsafe { next.as_ref() }.owned_prev.set(prev);
        }
        self.len.set(self.len.get() - 1);
        // SAFETY: the reference the list owned is handed to the caller.
        unsafe { TaskRef::from_raw(node) }
    }

    /// Removes and returns any one task (shutdown).
    pub(crate) fn pop(&self) -> Option<TaskRef> {
        let head = self.head.get()?;
        // SAFETY: `head` is in the list.
        Some(unsafe { self.remove(head) })
    }

    pub(crate) fn len(&self) -> usize {
        self.len.get()
    }
}
