//! An intrusive doubly linked list: the nodes are not allocated by the
//! list, they live inside other values (a pinned future, typically), and the
//! list only strings raw pointers between them.
//!
//! ## Why intrusive
//!
//! A task waiting for something (a socket's readiness, a permit, a
//! message) needs a place in a queue. A `Vec` or `VecDeque` of wakers would
//! allocate as soon as it grows, and a waiting future that gives up (it is
//! dropped by `select!`, a timeout, an abort) would have to find its entry
//! by searching. An intrusive list has neither cost: the future carries its
//! own node, so waiting allocates nothing whatever the number of waiters,
//! and a node knows its neighbours, so it unlinks itself in O(1).
//!
//! The price is that a node's address is lent to the list: the node must
//! not move, and must be unlinked before its memory is reused. A future
//! gets exactly that promise from `Pin` (a pinned value stays where it is
//! until it is dropped, and it *is* dropped before its memory is reused),
//! which is why waiter nodes live in pinned futures and unlink themselves
//! in `Drop`.
//!
//! ## What this file does, and does not do
//!
//! This is the raw list: `push_back`, `remove`, `pop_front` and a walk
//! from the front, on `NonNull` pointers, with no idea what a node holds
//! or who may touch it. It is not thread-safe by itself: every list and
//! every node linked into it are guarded by one lock (or owned by one
//! thread) chosen by the user, which is what the `unsafe` contracts below
//! say. [`crate::util::wait_list`] builds waiters (a waker, a payload and a
//! "was I notified" state) on top of it; that is the layer the reactor's
//! readiness and `groundup::sync` use.
//!
//! tokio's `util::linked_list` has the same shape (a `Link` trait that
//! finds a node's pointers, `Pointers` kept in an `UnsafeCell`); this one is
//! smaller because one user needs only one direction of walking.
//!
//! ## Aliasing
//!
//! A linked node is reached through the list's raw pointers while its
//! owner also holds it (inside `Pin<&mut Future>`). Two rules keep that
//! sound: a node's mutable parts are all inside `UnsafeCell`s, so the list
//! only ever needs a shared reference to a node; and a node type is
//! `!Unpin` (it carries `PhantomPinned`), for which Rust does not assume a
//! `&mut` is the only way to reach the value. The pointers are kept in
//! `crate::loom`'s `UnsafeCell`, so under the model checker every access to
//! them is checked against the lock discipline.

use std::fmt;
use std::ptr::NonNull;

use crate::loom::cell::UnsafeCell;

/// A node's two links. Embedded in every node type.
pub(crate) struct Pointers<T> {
    links: UnsafeCell<Links<T>>,
}

struct Links<T> {
    prev: Option<NonNull<T>>,
    next: Option<NonNull<T>>,
}

impl<T> Pointers<T> {
    /// The links of a node that is in no list.
    pub(crate) fn new() -> Pointers<T> {
        Pointers { links: UnsafeCell::new(Links { prev: None, next: None }) }
    }

    // The four accessors below are private to this file and only called by
    // `LinkedList`'s methods, which hold the list's guard (`&self` or
    // `&mut self`) over a node linked into it, or own an unlinked node
    // (their contracts): so no other thread reads or writes these links at
    // the same time.

    fn prev(&self) -> Option<NonNull<T>> {
        // SAFETY: no concurrent write (see above).
        self.links.with(|links| unsafe { (*links).prev })
    }

    fn next(&self) -> Option<NonNull<T>> {
        // SAFETY: no concurrent write (see above).
        self.links.with(|links| unsafe { (*links).next })
    }

    fn set_prev(&self, prev: Option<NonNull<T>>) {
        // SAFETY: no concurrent access (see above).
        self.links.with_mut(|links| unsafe { (*links).prev = prev });
    }

    fn set_next(&self, next: Option<NonNull<T>>) {
        // SAFETY: no concurrent access (see above).
        self.links.with_mut(|links| unsafe { (*links).next = next });
    }
}

impl<T> fmt::Debug for Pointers<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The links may be in use by another thread: do not read them.
        f.write_str("Pointers")
    }
}

/// A type that can be linked into a [`LinkedList`].
///
/// # Safety
///
/// `pointers` must return the same `Pointers`, embedded in `self`, every
/// time, and nothing but the list may write them.
pub(crate) unsafe trait Link: Sized {
    /// The node's links.
    fn pointers(&self) -> &Pointers<Self>;
}

/// The list: a head and a tail pointer, nothing allocated.
pub(crate) struct LinkedList<T: Link> {
    head: Option<NonNull<T>>,
    tail: Option<NonNull<T>>,
}

// SAFETY: the list is raw pointers to nodes; sending it to another thread
// sends access to the nodes, which is sound when the nodes may be touched
// from that thread (`T: Send`). Who may touch them when is the lock
// discipline of the `unsafe` methods, not a property of the thread.
unsafe impl<T: Link + Send> Send for LinkedList<T> {}
// SAFETY: `&LinkedList` only reads the head (`is_empty`, `front`); as above.
unsafe impl<T: Link + Sync> Sync for LinkedList<T> {}

/// A node, by shared reference (see "Aliasing" above).
///
/// # Safety
///
/// `node` is linked in a list (so alive, by `push_back`'s contract) or is
/// otherwise known to be alive.
unsafe fn node<'a, T>(node: NonNull<T>) -> &'a T {
    // SAFETY: alive, by the caller's contract; only shared references to
    // nodes are ever made, and their mutable parts are in `UnsafeCell`s.
    unsafe { node.as_ref() }
}

impl<T: Link> LinkedList<T> {
    /// An empty list.
    pub(crate) const fn new() -> LinkedList<T> {
        LinkedList { head: None, tail: None }
    }

    /// Whether no node is linked.
    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// The first node, if any.
    pub(crate) fn front(&self) -> Option<NonNull<T>> {
        self.head
    }

    /// The last node, if any.
    pub(crate) fn back(&self) -> Option<NonNull<T>> {
        self.tail
    }

    /// Links `node` at the back.
    ///
    /// # Safety
    ///
    /// - `node` is alive and in no list;
    /// - it stays alive, at this address, until it has been removed from
    ///   this list (`remove` or `pop_front`);
    /// - while it is linked, its links are only touched through this list,
    ///   under whatever guards the list (the caller's `&mut`).
    pub(crate) unsafe fn push_back(&mut self, new: NonNull<T>) {
        // SAFETY: alive and unlinked (the contract), so ours to link.
        let links = unsafe { node(new) }.pointers();
        debug_assert!(links.prev().is_none() && links.next().is_none(), "already linked");
        links.set_prev(self.tail);
        links.set_next(None);
        match self.tail {
            // SAFETY: the tail is linked here, so alive.
            Some(tail) => unsafe { node(tail) }.pointers().set_next(Some(new)),
            None => self.head = Some(new),
        }
        self.tail = Some(new);
    }

    /// Unlinks the first node and returns it.
    pub(crate) fn pop_front(&mut self) -> Option<NonNull<T>> {
        let head = self.head?;
        // SAFETY: the head is linked in this list, and `&mut self` is the
        // list's guard.
        unsafe { self.remove(head) };
        Some(head)
    }

    /// Unlinks the last node and returns it (`Notify::notify_last`).
    pub(crate) fn pop_back(&mut self) -> Option<NonNull<T>> {
        let tail = self.tail?;
        // SAFETY: the tail is linked in this list, and `&mut self` is the
        // list's guard.
        unsafe { self.remove(tail) };
        Some(tail)
    }

    /// The node after `node`.
    ///
    /// # Safety
    ///
    /// `node` is linked in this list.
    pub(crate) unsafe fn next(&self, node_ptr: NonNull<T>) -> Option<NonNull<T>> {
        // SAFETY: linked here (contract), so alive; `&self` borrows the
        // list's guard, so nobody writes the links meanwhile.
        unsafe { node(node_ptr) }.pointers().next()
    }

    /// Unlinks `node`, in O(1), and clears its links.
    ///
    /// # Safety
    ///
    /// `node` is linked in this list.
    pub(crate) unsafe fn remove(&mut self, node_ptr: NonNull<T>) {
        // SAFETY: linked here (contract), so alive; `&mut self` is the
        // list's guard, so nobody else touches its links or its neighbours'.
        let links = unsafe { node(node_ptr) }.pointers();
        let (prev, next) = (links.prev(), links.next());
        match prev {
            // SAFETY: a neighbour of a linked node is linked, so alive.
            Some(prev) => unsafe { node(prev) }.pointers().set_next(next),
            None => {
                debug_assert_eq!(self.head, Some(node_ptr), "not linked in this list");
                self.head = next;
            }
        }
        match next {
            // SAFETY: as above.
            Some(next) => unsafe { node(next) }.pointers().set_prev(prev),
            None => {
                debug_assert_eq!(self.tail, Some(node_ptr), "not linked in this list");
                self.tail = prev;
            }
        }
        links.set_prev(None);
        links.set_next(None);
    }
}

impl<T: Link> fmt::Debug for LinkedList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkedList").field("head", &self.head).field("tail", &self.tail).finish()
    }
}

#[cfg(all(test, not(groundup_loom)))] // under loom, see checks/loom/build.rs
mod tests {
    use super::*;
    use std::marker::PhantomPinned;
    use std::pin::pin;

    struct Node {
        pointers: Pointers<Node>,
        value: u32,
        _pinned: PhantomPinned,
    }

    // SAFETY: `pointers` is the node's own field, and only the list writes it.
    unsafe impl Link for Node {
        fn pointers(&self) -> &Pointers<Node> {
            &self.pointers
        }
    }

    fn node(value: u32) -> Node {
        Node { pointers: Pointers::new(), value, _pinned: PhantomPinned }
    }

    fn values(list: &LinkedList<Node>) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cursor = list.front();
        while let Some(ptr) = cursor {
            // SAFETY: every node in the list is alive (they outlive it in
            // each test).
            out.push(unsafe { ptr.as_ref() }.value);
            // SAFETY: and linked here.
            cursor = unsafe { list.next(ptr) };
        }
        out
    }

    #[test]
    fn nodes_come_out_in_the_order_they_went_in_and_unlink_from_anywhere() {
        let (a, b, c) = (pin!(node(1)), pin!(node(2)), pin!(node(3)));
        let ptr = |n: &Node| NonNull::from(n);
        let mut list = LinkedList::new();
        for n in [&a, &b, &c] {
            // SAFETY: the nodes are pinned in this frame, outlive the list's
            // use of them (each is removed before the test ends), and are in
            // no other list.
            unsafe { list.push_back(ptr(n)) };
        }
        assert_eq!(values(&list), [1, 2, 3]);
        // SAFETY: `b` is linked here.
        unsafe { list.remove(ptr(&b)) };
        assert_eq!(values(&list), [1, 3]);
        // SAFETY: `c` is linked here (the tail).
        unsafe { list.remove(ptr(&c)) };
        assert_eq!(values(&list), [1]);
        // SAFETY: `b` was removed, so it can be linked again.
        unsafe { list.push_back(ptr(&b)) };
        assert_eq!(values(&list), [1, 2]);
        assert_eq!(list.back(), Some(ptr(&b)));
        assert_eq!(list.pop_back(), Some(ptr(&b)));
        // SAFETY: `b` was removed again.
        unsafe { list.push_back(ptr(&b)) };
        assert_eq!(list.pop_front(), Some(ptr(&a)));
        assert_eq!(list.pop_front(), Some(ptr(&b)));
        assert_eq!(list.pop_front(), None);
        assert_eq!(list.pop_back(), None);
        assert!(list.is_empty());
    }
}
