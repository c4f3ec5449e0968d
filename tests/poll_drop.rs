//! Dropping a `Poll` while the kernel still holds work for it leaks
//! nothing: no memory, no descriptor or handle. On Windows this is the
//! interesting case: AFD polls in flight hold references to per-socket
//! state, which the dropped selector must cancel and collect.
//!
//! Alone in its own test binary: it counts the process's live allocations
//! with a counting global allocator, which other tests would disturb.

mod util;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::{AtomicIsize, Ordering};

use groundup::poll::{Events, Interest, IoSource, Poll, Token, Waker};
use util::{open_handles, tcp_pair};

/// The system allocator, counting blocks alive that the counting thread
/// allocated and freed. Only that thread: the test harness's main thread
/// still allocates for its own bookkeeping (the running-test table) while
/// the test runs, and on a loaded machine those allocations landed between
/// the two counts (a false "leak" of 4 blocks). The `Poll` layer starts no
/// thread of its own (libkqueue's monitoring thread allocates with C's
/// `malloc`, not through here).
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    /// Whether this thread's allocations are counted. `const` and without
    /// a destructor, so reading it from inside the allocator allocates
    /// nothing.
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn counted() -> bool {
    COUNTED.try_with(Cell::get).unwrap_or(false)
}

// SAFETY: every method forwards to `System` with the caller's arguments,
// so `System`'s guarantees are the ones given; the counter has no say.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded; the caller upholds `alloc`'s contract.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() && counted() {
            LIVE.fetch_add(1, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counted() {
            LIVE.fetch_sub(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded; `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A Poll with polls in flight in every state it can be dropped in: 40
/// sockets (more than one AFD group), some with a completed poll whose
/// packet is queued, some pending, some deregistered with a cancel on the
/// way, a queued waker packet. The Poll goes first, then the sources.
fn drop_a_busy_poll() {
    let mut poll = Poll::new().unwrap();
    let waker = Waker::new(poll.registry(), Token(usize::MAX)).unwrap();
    let mut pairs: Vec<_> = (0..40)
        .map(|i| {
            let (client, server) = tcp_pair();
            let mut server = IoSource::new(server).unwrap();
            poll.registry().register(&mut server, Token(i), Interest::READABLE).unwrap();
            (client, server)
        })
        .collect();
    // One round of events, so some polls have completed and restarted.
    pairs[0].0.write_all(b"first").unwrap();
    let mut events = Events::with_capacity(8);
    poll.poll(&mut events, Some(util::PATIENCE)).unwrap();
    for (i, (client, server)) in pairs.iter_mut().enumerate() {
        match i % 3 {
            0 => client.write_all(b"unread").unwrap(), // completes, packet queued
            1 => poll.registry().deregister(server).unwrap(), // cancel in flight
            _ => {}                                    // stays pending
        }
    }
    waker.wake().unwrap();
    drop(poll);
    // The sources outlive their Poll: I/O on them still works, and a
    // WouldBlock (which re-arms on Windows) is harmless.
    let mut buf = [0; 16];
    assert_eq!((&pairs[2].1).read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
    drop(waker);
    drop(pairs);
}

#[test]
fn dropping_a_poll_with_polls_in_flight_leaks_nothing() {
    COUNTED.with(|c| c.set(true));
    // A first round lets std and the OS layer make their one-time
    // allocations (Winsock, thread-locals) outside the count.
    drop_a_busy_poll();
    // Handles first: with libkqueue, the first count allocates a queue of
    // its own (`util::open_handles`).
    let handles = open_handles();
    let memory = LIVE.load(Ordering::SeqCst);
    for _ in 0..3 {
        drop_a_busy_poll();
    }
    assert_eq!(open_handles(), handles, "descriptors or handles leaked");
    assert_eq!(LIVE.load(Ordering::SeqCst), memory, "allocations leaked");
}
