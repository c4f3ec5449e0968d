//! The socket waiters under loom: `ScheduledIo`'s readiness word, its
//! waiter list (`util::wait_list` on `util::linked_list`) and the `poll_*`
//! methods' `AtomicWaker`, as the library has them.
//!
//! The reactor thread sets readiness and wakes; the executor side waits
//! (through a `Readiness` future, or the `poll_*` slot), gives up (drops
//! the future), clears, or releases the slot. Each model races some of
//! those and asserts the outcome; a lost wake shows as a deadlock of
//! `block_on`, and an access to a waiter node that the lock
//! does not order shows as loom's causality error on the node's cells.

#![allow(dead_code)] // the included files are the library's, not all used here

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use groundup_loom::loom;
use loom::sync::Arc;

// The protocol files, included with their library paths: `crate::loom` is
// loom's types here (the `use` above), and `crate::util`, `super::…` name
// the same files the library's modules do.
#[path = "../../../src/util/linked_list.rs"]
mod linked_list;
#[path = "../../../src/util/wait_list.rs"]
mod wait_list;
mod util {
    pub(crate) use super::{linked_list, wait_list};
}
#[path = "../../../src/reactor/atomic_waker.rs"]
mod atomic_waker;
#[path = "../../../src/reactor/scheduled_io.rs"]
mod scheduled_io;
#[path = "../../../src/reactor/token.rs"]
mod token;

use scheduled_io::{Direction, ScheduledIo, ready};

/// Runs `f` under loom. Without `LOOM_MAX_PREEMPTIONS`, preemptions are
/// bounded at 4: unbounded, the three-thread models run for hours; at 4
/// the whole file takes about 16 s (5: 73 s), and the lost wake-ups these
/// protocols could have need one or two (the one in `link`'s second look,
/// removed on purpose, is found at every bound from 1).
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = ::loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(4);
    }
    builder.check(f);
}

/// The reactor's dispatch of one event for the slot's current owner.
fn event(io: &ScheduledIo, bits: usize) {
    if let Some(wake) = io.set_readiness(io.generation(), bits) {
        io.wake(wake);
    }
}

fn reactor(io: &Arc<ScheduledIo>, bits: usize) -> ::loom::thread::JoinHandle<()> {
    let io = Arc::clone(io);
    ::loom::thread::spawn(move || event(&io, bits))
}

/// Runs `future` to completion on this loom thread, sleeping on a condvar
/// between polls; loom reports a deadlock if no wake ever comes. (loom's
/// own `future::block_on` needs its `futures` feature and one more crate;
/// a waker made of `thread::unpark` confuses loom when it arrives while the
/// thread is blocked in `join`, as a late `AtomicWaker` wake can.)
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

/// Polls `future` once with a waker that does nothing.
fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// A future registers (check, link, set its waiter bit, look again) while
/// the reactor sets readiness and looks for waiters: it is always woken.
#[test]
fn a_waiter_registering_while_readiness_arrives_is_woken() {
    model(|| {
        let io = Arc::new(ScheduledIo::default());
        let reactor = reactor(&io, ready::READABLE);
        let event = block_on(io.readiness(ready::READ_INTEREST));
        assert_ne!(event.ready & ready::READABLE, 0);
        reactor.join().unwrap();
    });
}

/// Two waiters, one of which gives up (is polled once, then dropped) while
/// the reactor walks the list: the other is still woken, and the dropped
/// node is never touched outside the lock.
#[test]
fn readiness_reaches_the_waiter_left_when_another_gives_up() {
    model(|| {
        let io = Arc::new(ScheduledIo::default());
        let stays = {
            let io = Arc::clone(&io);
            ::loom::thread::spawn(move || {
                block_on(io.readiness(ready::READ_INTEREST));
            })
        };
        let reactor = reactor(&io, ready::READABLE);
        {
            let mut gives_up = pin!(io.readiness(ready::READ_INTEREST));
            let _ = poll_once(gives_up.as_mut());
        } // dropped, linked or not, notified or not
        stays.join().unwrap();
        reactor.join().unwrap();
    });
}

/// A waiter that the reactor notifies at the moment its future is dropped:
/// the drop either unlinks it first or sees it notified, and the list is
/// empty (no waiter bits left) once both are done.
#[test]
fn a_waiter_dropped_as_it_is_notified_leaves_an_empty_list() {
    model(|| {
        let io = Arc::new(ScheduledIo::default());
        let mut waiting = Box::pin(io.readiness(ready::READ_INTEREST));
        assert!(poll_once(waiting.as_mut()).is_pending());
        let reactor = reactor(&io, ready::READABLE);
        drop(waiting);
        reactor.join().unwrap();
        // A new waiter finds the readiness at once, and nobody is linked:
        // with a stale node in the list this would touch freed memory.
        let mut again = pin!(io.readiness(ready::READ_INTEREST));
        assert!(poll_once(again.as_mut()).is_ready());
    });
}

/// `shut_down` (the reactor's death) races a waiter registering: the
/// waiter always completes, with `SHUTDOWN`.
#[test]
fn shutting_down_fails_a_waiter_registering_at_the_same_time() {
    model(|| {
        let io = Arc::new(ScheduledIo::default());
        let shut = {
            let io = Arc::clone(&io);
            ::loom::thread::spawn(move || io.shut_down())
        };
        let event = block_on(io.readiness(ready::WRITE_INTEREST));
        assert_ne!(event.ready & ready::SHUTDOWN, 0);
        shut.join().unwrap();
    });
}

/// The `poll_*` path: the direction's one `AtomicWaker` slot, registered
/// while the reactor takes it.
#[test]
fn a_poll_method_registering_while_readiness_arrives_is_woken() {
    model(|| {
        let io = Arc::new(ScheduledIo::default());
        let reactor = reactor(&io, ready::READABLE);
        block_on(poll_fn(|cx| io.poll_ready(cx, Direction::Read)));
        reactor.join().unwrap();
    });
}

/// The executor clears readiness that led to `WouldBlock` while a newer
/// event arrives: the clear must not erase it, or the wait that follows
/// never ends.
#[test]
fn a_clear_racing_a_newer_event_keeps_it() {
    model(|| {
        let io = Arc::new(ScheduledIo::default());
        event(&io, ready::READABLE);
        let seen = io.ready_for(ready::READ_INTEREST).expect("readable");
        let reactor = reactor(&io, ready::READABLE); // the newer event
        io.clear(seen); // the operation said WouldBlock
        block_on(io.readiness(ready::READ_INTEREST));
        reactor.join().unwrap();
    });
}

/// A slot is released (new generation) while an event for its old owner is
/// being dispatched: the new owner never sees that readiness.
#[test]
fn an_event_for_the_previous_owner_never_reaches_the_next() {
    model(|| {
        let io = Arc::new(ScheduledIo::default());
        let old = io.generation();
        let stale = {
            let io = Arc::clone(&io);
            ::loom::thread::spawn(move || {
                if let Some(wake) = io.set_readiness(old, ready::READABLE) {
                    io.wake(wake);
                }
            })
        };
        io.reset_for_reuse();
        stale.join().unwrap();
        assert_ne!(io.generation(), old);
        assert!(io.ready_for(ready::READ_INTEREST).is_none(), "the old owner's event leaked");
    });
}
