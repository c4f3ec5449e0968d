//! The executor's remote run queue under loom.
//!
//! The library's `src/executor/queue.rs` is included as it is, over a test
//! node that implements its `Link` trait as a task reference does. Threads
//! push (as remote wakers do) while the executor takes everything at once,
//! repeatedly, until it has seen every node.
//!
//! What loom checks: every node comes out exactly once, each pusher's nodes
//! in the order it pushed them; what a pusher wrote into a node before
//! pushing it is visible to the consumer (the payload is a loom
//! `UnsafeCell`, so an unordered read is a causality error); and nothing
//! leaks (each node holds a loom `Arc`, which loom reports if never
//! dropped), also when the queue is dropped with nodes still in it.

#![allow(dead_code)] // the included file is the library's, not all used here

use std::ptr::NonNull;

use groundup_loom::loom;
use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::sync::atomic::AtomicPtr;

#[path = "../../../src/executor/queue.rs"]
mod queue;

use queue::{Link, RemoteQueue};

/// A queued item: a payload written before the push, its link, and a
/// token whose drop loom tracks.
struct Node {
    payload: UnsafeCell<(usize, usize)>,
    next: AtomicPtr<Node>,
    _token: Arc<()>,
}

/// The owned pointer the queue holds, as `TaskRef` is in the library.
struct Item(Box<Node>);

impl Item {
    fn new(pusher: usize, seq: usize, token: &Arc<()>) -> Item {
        let node = Node {
            payload: UnsafeCell::new((0, 0)),
            next: AtomicPtr::new(std::ptr::null_mut()),
            _token: Arc::clone(token),
        };
        // Written after the node exists and before the push, as a waker
        // writes its news before waking.
        // SAFETY: the node is not shared yet.
        node.payload.with_mut(|p| unsafe { *p = (pusher, seq) });
        Item(Box::new(node))
    }

    fn payload(&self) -> (usize, usize) {
        // SAFETY: the consumer owns the node now; the push published it.
        self.0.payload.with(|p| unsafe { *p })
    }
}

// SAFETY: `into_raw`/`from_raw` are `Box`'s, so the node lives until it is
// taken back; `link` is the node's own `next`, which only the queue
// touches; and an `Item` may move between threads (it is a `Box` of
// thread-safe parts).
unsafe impl Link for Item {
    type Node = Node;

    fn into_raw(self) -> NonNull<Node> {
        NonNull::from(Box::leak(self.0))
    }

    unsafe fn from_raw(node: NonNull<Node>) -> Item {
        // SAFETY: per the trait's contract, `node` came from `into_raw`.
        Item(unsafe { Box::from_raw(node.as_ptr()) })
    }

    unsafe fn link<'a>(node: NonNull<Node>) -> &'a AtomicPtr<Node> {
        // SAFETY: the node is live while the reference is used (contract).
        unsafe { &(*node.as_ptr()).next }
    }
}

/// `pushers` threads push `per_pusher` nodes each; the consumer takes all
/// until it has them all, and checks order and payloads.
fn model(pushers: usize, per_pusher: usize) {
    let token = Arc::new(());
    let queue = Arc::new(RemoteQueue::<Item>::new());
    let threads: Vec<_> = (0..pushers)
        .map(|pusher| {
            let queue = Arc::clone(&queue);
            let token = Arc::clone(&token);
            ::loom::thread::spawn(move || {
                for seq in 0..per_pusher {
                    queue.push(Item::new(pusher, seq, &token));
                }
            })
        })
        .collect();
    let mut next_seq = vec![0; pushers];
    let mut seen = 0;
    while seen < pushers * per_pusher {
        let mut empty = true;
        for item in queue.take_all() {
            empty = false;
            let (pusher, seq) = item.payload();
            assert_eq!(seq, next_seq[pusher], "pusher {pusher}'s nodes out of order");
            next_seq[pusher] += 1;
            seen += 1;
        }
        if empty {
            loom::thread::yield_now();
        }
    }
    for thread in threads {
        thread.join().unwrap();
    }
    assert!(queue.is_empty());
}

/// Runs `f` under loom with at most `preemptions` forced thread switches
/// (unless `LOOM_MAX_PREEMPTIONS` says otherwise): the consumer's wait for
/// pushes is a loop, and unbounded its search takes minutes for what three
/// preemptions already show.
fn check(preemptions: usize, f: impl Fn() + Sync + Send + 'static) {
    let mut builder = ::loom::model::Builder::new();
    builder.preemption_bound = builder.preemption_bound.or(Some(preemptions));
    builder.check(f);
}

#[test]
fn two_pushers_and_a_consumer_that_takes_all() {
    check(3, || model(2, 1));
}

#[test]
fn one_pusher_keeps_its_order_across_takes() {
    ::loom::model(|| model(1, 3));
}

#[test]
fn two_pushers_of_two_nodes_each() {
    check(2, || model(2, 2));
}

#[test]
fn a_queue_dropped_with_nodes_in_it_drops_them() {
    ::loom::model(|| {
        let token = Arc::new(());
        let queue = Arc::new(RemoteQueue::<Item>::new());
        let pusher = {
            let queue = Arc::clone(&queue);
            let token = Arc::clone(&token);
            ::loom::thread::spawn(move || queue.push(Item::new(0, 0, &token)))
        };
        queue.push(Item::new(1, 0, &token));
        // A partly consumed drain drops the rest too.
        let mut drain = queue.take_all();
        drop(drain.next());
        drop(drain);
        pusher.join().unwrap();
        drop(queue); // whatever the pusher added after the take
        assert_eq!(Arc::strong_count(&token), 1, "a node was not dropped");
    });
}
