//! The reactor's flush requests (`src/reactor/flush.rs`) under loom.
//!
//! An executor about to auto-advance paused time asks the reactor thread
//! for one more look at the kernel and waits for the answer. Two things
//! must hold in every interleaving: the request is served (a lost one
//! leaves the executor waiting forever, which loom reports as a deadlock),
//! and the look that serves it sees what was true in the kernel when the
//! request was made (here, a flag standing for a readable socket, set
//! before the request with a plain `Relaxed` store: only the protocol's own
//! orderings can make the reactor see it).

use std::sync::PoisonError;
use std::task::{Wake, Waker};

use crate::flush::Flushes;
use crate::loom::sync::atomic::{AtomicBool, Ordering};
use crate::loom::sync::{Arc, Condvar, Mutex};

/// A one-shot event with a blocking wait: the reactor's `poll::Waker` (and
/// the executor's park), as far as this protocol is concerned.
#[derive(Default)]
struct Event {
    set: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    fn set(&self) {
        *self.set.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.changed.notify_all();
    }

    /// Waits until set, and clears it (a blocking poll consuming the wake).
    fn wait(&self) {
        let mut set = self.set.lock().unwrap_or_else(PoisonError::into_inner);
        while !*set {
            set = self.changed.wait(set).unwrap_or_else(PoisonError::into_inner);
        }
        *set = false;
    }

    /// Clears it without waiting (a poll with a zero timeout).
    fn clear(&self) {
        *self.set.lock().unwrap_or_else(PoisonError::into_inner) = false;
    }
}

/// The executor's side of a completed flush: the `Flushed` waker.
struct Done(Event);

impl Wake for Done {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.set();
    }
}

#[test]
fn a_flush_request_is_served_by_a_poll_that_sees_the_kernel_as_it_was() {
    loom::model(|| {
        let flushes = Arc::new(Flushes::new());
        let poll_wake = Arc::new(Event::default());
        let readable = Arc::new(AtomicBool::new(false));

        let reactor = {
            let (flushes, poll_wake, readable) =
                (Arc::clone(&flushes), Arc::clone(&poll_wake), Arc::clone(&readable));
            loom::thread::spawn(move || {
                let mut flushing = Vec::new();
                loop {
                    flushes.take(&mut flushing);
                    if flushing.is_empty() {
                        poll_wake.wait(); // poll(None): until an event or a wake
                        continue;
                    }
                    poll_wake.clear(); // poll(Some(ZERO))
                    let saw_readable = readable.load(Ordering::Relaxed);
                    assert!(saw_readable, "the flush's poll missed what the kernel had");
                    for done in flushing.drain(..) {
                        done.wake();
                    }
                    return;
                }
            })
        };

        // The executor: the socket became readable, then it went idle.
        readable.store(true, Ordering::Relaxed);
        let done = std::sync::Arc::new(Done(Event::default()));
        flushes.request(Waker::from(std::sync::Arc::clone(&done)));
        poll_wake.set();
        done.0.wait(); // a lost request deadlocks here

        reactor.join().unwrap();
    });
}
