//! The batch semaphore under loom: `src/sync/batch_semaphore.rs` on the
//! shared waiter list, as the library has them.
//!
//! Waiters (an `Acquire` future on a loom thread) race releases, a waiter
//! that gives up, and `close`. A lost wake shows as a deadlock of
//! `block_on`; a permit lost (a dropped waiter that does not pass on what
//! it was granted) shows as a deadlock or as a wrong final count; an
//! access to a waiter node that the lock does not order shows as loom's
//! causality error on the node's cells.

#![allow(dead_code)] // the included files are the library's, not all used here

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use groundup_loom::loom;
use loom::sync::Arc;

#[path = "../../../src/util/linked_list.rs"]
mod linked_list;
#[path = "../../../src/util/wait_list.rs"]
mod wait_list;
mod util {
    pub(crate) use super::{linked_list, wait_list};
}
#[path = "../../../src/sync/batch_semaphore.rs"]
mod batch_semaphore;

use batch_semaphore::Semaphore;

/// Runs `f` under loom, preemptions bounded at 4 unless
/// `LOOM_MAX_PREEMPTIONS` says otherwise (at 4 the file takes about 6 s).
/// Two breaks, each tried once and undone, were caught at bound 3 as
/// deadlocks: a release whose lock-free path ignores `QUEUED` (the permit
/// goes to the word, the waiter is never woken: three models), and a
/// waiter dropped right after it was notified that keeps its permits
/// (`a_waiter_giving_up_as_the_permit_arrives_passes_it_on`).
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = ::loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(4);
    }
    builder.check(f);
}

/// Runs `future` to completion on this loom thread, sleeping on a condvar
/// between polls (as in `tests/waiters.rs`).
fn block_on<F: Future>(future: F) -> F::Output {
    #[derive(Default)]
    struct Signal {
        woken: loom::sync::Mutex<bool>,
        cond: loom::sync::Condvar,
    }
    impl std::task::Wake for Signal {
        fn wake(self: std::sync::Arc<Self>) {
            *self.woken.lock().unwrap() = true;
            self.cond.notify_one();
        }
    }
    let signal = std::sync::Arc::new(Signal::default());
    let waker = Waker::from(std::sync::Arc::clone(&signal));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        let mut woken = signal.woken.lock().unwrap();
        while !*woken {
            woken = signal.cond.wait(woken).unwrap();
        }
        *woken = false;
    }
}

fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// A waiter registers while another thread releases the permit it needs
/// (the release's lock-free path racing the waiter's `QUEUED`): it is
/// always woken, and the permit is counted once.
#[test]
fn a_permit_released_while_a_waiter_registers_reaches_it() {
    model(|| {
        let semaphore = Arc::new(Semaphore::new(0));
        let releaser = {
            let semaphore = Arc::clone(&semaphore);
            ::loom::thread::spawn(move || semaphore.release(1))
        };
        block_on(semaphore.acquire(1)).unwrap();
        releaser.join().unwrap();
        assert_eq!(semaphore.available_permits(), 0);
        semaphore.release(1);
        assert_eq!(semaphore.available_permits(), 1);
    });
}

/// Two waiters for one permit; one gives up (polled once, then dropped)
/// while the permit is released: the other always gets it, whether the
/// permit went to the dropped one first (and was passed on) or not.
#[test]
fn a_waiter_giving_up_as_the_permit_arrives_passes_it_on() {
    model(|| {
        let semaphore = Arc::new(Semaphore::new(0));
        let stays = {
            let semaphore = Arc::clone(&semaphore);
            ::loom::thread::spawn(move || {
                block_on(semaphore.acquire(1)).unwrap();
                semaphore.release(1);
            })
        };
        let releaser = {
            let semaphore = Arc::clone(&semaphore);
            ::loom::thread::spawn(move || semaphore.release(1))
        };
        {
            let mut gives_up = pin!(semaphore.acquire(1));
            if poll_once(gives_up.as_mut()).is_ready() {
                semaphore.release(1); // it won the permit: give it back
            }
        } // dropped: linked, notified or done
        stays.join().unwrap();
        releaser.join().unwrap();
        assert_eq!(semaphore.available_permits(), 1, "a permit was lost or made up");
    });
}

/// A waiter that needs two permits gets them from two releasers, one
/// partial grant at a time.
#[test]
fn partial_grants_from_two_threads_add_up() {
    model(|| {
        let semaphore = Arc::new(Semaphore::new(0));
        let releasers: Vec<_> = (0..2)
            .map(|_| {
                let semaphore = Arc::clone(&semaphore);
                ::loom::thread::spawn(move || semaphore.release(1))
            })
            .collect();
        block_on(semaphore.acquire(2)).unwrap();
        releasers.into_iter().for_each(|r| r.join().unwrap());
        assert_eq!(semaphore.available_permits(), 0);
    });
}

/// `close` races a waiter registering: the waiter always finishes, with
/// an error (or with the permit, if it got it before the close).
#[test]
fn close_ends_a_waiter_registering_at_the_same_time() {
    model(|| {
        let semaphore = Arc::new(Semaphore::new(0));
        let closer = {
            let semaphore = Arc::clone(&semaphore);
            ::loom::thread::spawn(move || semaphore.close())
        };
        assert!(block_on(semaphore.acquire(1)).is_err());
        closer.join().unwrap();
        assert!(semaphore.is_closed());
    });
}
