//! `sync::Notify` under loom: `src/sync/notify.rs` on the waiter list
//! (`util::wait_list` on `util::linked_list`), as the library has them.
//!
//! The races that matter: a `notify_one` against the drop of the waiter it
//! picks (the notification must be passed on, not lost), `notify_waiters`
//! against futures being created and linking (every future created before
//! the call completes, none created after it is woken by it), and a
//! notification from another thread against a first poll. A lost
//! notification shows as a deadlock of `block_on`, or as a permit too many
//! or too few at the end; an access to a node that the lock does not
//! order, as loom's causality error on the node's cells.

#![allow(dead_code)] // the included files are the library's, not all used here

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use groundup_loom::loom;
// std's: `notified_owned` takes a std `Arc` (see notify.rs); the protocol's
// own atomics and locks are loom's.
use std::sync::Arc;

// The protocol files, included with their library paths (see waiters.rs).
#[path = "../../../src/util/linked_list.rs"]
mod linked_list;
#[path = "../../../src/util/wait_list.rs"]
mod wait_list;
mod util {
    pub(crate) use super::{linked_list, wait_list};
}
#[path = "../../../src/sync/notify.rs"]
mod notify;

use notify::Notify;

/// Runs `f` under loom, preemptions bounded at 3 unless
/// `LOOM_MAX_PREEMPTIONS` says otherwise (the lost wake-ups these models
/// look for need one or two).
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = ::loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(f);
}

/// Runs `future` to completion on this loom thread, sleeping on a condvar
/// between polls (as in waiters.rs); loom reports a deadlock if no wake
/// ever comes.
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

fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// Whether a permit is stored: a fresh future's first poll takes it.
fn takes_a_permit(notify: &Notify) -> bool {
    poll_once(pin!(notify.notified())).is_ready()
}

/// A `notify_one` from another thread reaches a task whose first poll
/// races it: as a wake, or as the permit the poll takes.
#[test]
fn notify_one_reaches_a_waiter_polling_for_the_first_time() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let notifier = {
            let notify = Arc::clone(&notify);
            ::loom::thread::spawn(move || notify.notify_one())
        };
        block_on(notify.notified());
        notifier.join().unwrap();
        assert!(!takes_a_permit(&notify), "the one notification was used");
    });
}

/// `notify_one` picks the oldest waiter while its future is being
/// dropped: the drop either unlinks it first (the notification goes to
/// the other waiter or the permit) or sees it notified and passes it on.
/// Either way exactly one notification survives, for `stays`.
#[test]
fn notify_one_against_the_drop_of_the_waiter_it_picks() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let mut dropped = Box::pin(Arc::clone(&notify).notified_owned());
        assert!(poll_once(dropped.as_mut()).is_pending()); // the oldest
        let stays = {
            let notify = Arc::clone(&notify);
            ::loom::thread::spawn(move || block_on(notify.notified()))
        };
        let notifier = {
            let notify = Arc::clone(&notify);
            ::loom::thread::spawn(move || notify.notify_one())
        };
        drop(dropped);
        notifier.join().unwrap();
        stays.join().unwrap();
        assert!(!takes_a_permit(&notify), "one notification, used once");
    });
}

/// `notify_waiters` while a future created before it links, and another
/// is created at the same time: the older one always completes, and the
/// call leaves no permit. (A future created after the call, checked
/// last, is not woken by it.)
#[test]
fn notify_waiters_against_waiters_linking() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let older = Arc::clone(&notify).notified_owned(); // created first
        let waiter = ::loom::thread::spawn(move || block_on(older));
        let notifier = {
            let notify = Arc::clone(&notify);
            ::loom::thread::spawn(move || notify.notify_waiters())
        };
        let mut racing = pin!(notify.notified());
        let _ = poll_once(racing.as_mut()); // before or after the call
        notifier.join().unwrap();
        waiter.join().unwrap();
        let mut after = pin!(notify.notified());
        assert!(poll_once(after.as_mut()).is_pending(), "created after the call");
        assert!(!takes_a_permit(&notify), "notify_waiters stores no permit");
    });
}

/// Two `notify_one` from two threads, two waiters already in line (two
/// calls with nobody in line store one permit, as tokio's do): both
/// waiters wake, whatever the order; no notification lands on a waiter
/// already notified.
#[test]
fn two_notifiers_two_waiters() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let mut first = Box::pin(Arc::clone(&notify).notified_owned());
        let mut second = Box::pin(Arc::clone(&notify).notified_owned());
        assert!(!first.as_mut().enable() && !second.as_mut().enable());
        let notifiers: Vec<_> = (0..2)
            .map(|_| {
                let notify = Arc::clone(&notify);
                ::loom::thread::spawn(move || notify.notify_one())
            })
            .collect();
        let other = ::loom::thread::spawn(move || block_on(second));
        block_on(first);
        other.join().unwrap();
        for notifier in notifiers {
            notifier.join().unwrap();
        }
        assert!(!takes_a_permit(&notify));
    });
}

/// The pattern `watch`, `broadcast` and `CancellationToken` build on: one
/// side changes a flag, then calls `notify_waiters`; the other creates its
/// future, then checks the flag, then waits. The future's creation must
/// see the call, or the check must see the flag: with a `Relaxed` load of
/// the call count at creation (instead of `Acquire`) this model finds the
/// lost wake-up.
#[test]
fn notify_waiters_publishes_what_came_before_it() {
    use loom::sync::atomic::{AtomicBool, Ordering};
    model(|| {
        let shared = Arc::new((Notify::new(), AtomicBool::new(false)));
        let setter = {
            let shared = Arc::clone(&shared);
            ::loom::thread::spawn(move || {
                shared.1.store(true, Ordering::Release);
                shared.0.notify_waiters();
            })
        };
        block_on(async {
            loop {
                let notified = shared.0.notified();
                if shared.1.load(Ordering::Acquire) {
                    break;
                }
                notified.await;
            }
        });
        setter.join().unwrap();
    });
}
