//! The wake paths of `sync::watch` and `sync::broadcast` under loom:
//! `src/sync/watch.rs` and `src/sync/broadcast.rs` on `src/sync/notify.rs`
//! and the waiter list, as the library has them.
//!
//! Both channels change their state, then call `notify_waiters`; a
//! receiver creates its `Notified` future, then looks at the state. The
//! models race a send, or the sender's drop (and a weak sender's upgrade
//! against it), against a receiver's look and wait (and the last
//! receiver's drop against `watch::Sender::closed` and
//! `broadcast::Sender::closed`, and two watch senders' drops, one after a
//! send, against `changed`); a receiver that
//! looked too early and waited too late shows as a deadlock.

#![allow(dead_code)] // the included files are the library's, not all used here

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use groundup_loom::loom;

// The protocol files, included with their library paths (see waiters.rs):
// `crate::sync::notify` is the `Notify` the channels wait on.
#[path = "../../../src/util/linked_list.rs"]
mod linked_list;
#[path = "../../../src/util/wait_list.rs"]
mod wait_list;
mod util {
    pub(crate) use super::{linked_list, wait_list};
}
// The cooperative budget the receivers spend: outside a runtime there is
// none, so under loom every spend proceeds.
#[path = "../../../src/sync/broadcast.rs"]
mod broadcast;
#[path = "../../../src/coop.rs"]
mod coop;
#[path = "../../../src/sync/notify.rs"]
mod notify;
#[path = "../../../src/sync/watch.rs"]
mod watch;
mod sync {
    pub(crate) use super::notify;
}

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

/// A send from another thread against `changed`'s look and wait: the
/// receiver always wakes, and sees the value.
#[test]
fn watch_changed_against_a_send() {
    model(|| {
        let (tx, mut rx) = watch::channel(0);
        let sender = ::loom::thread::spawn(move || {
            tx.send(1).unwrap();
            tx // kept alive: this model is about the send
        });
        block_on(rx.changed()).unwrap();
        assert_eq!(*rx.borrow_and_update(), 1);
        drop(sender.join().unwrap());
    });
}

/// The sender's drop against `changed`: the receiver always wakes, with
/// `Err` (nothing new was sent).
#[test]
fn watch_changed_against_the_senders_drop() {
    model(|| {
        let (tx, mut rx) = watch::channel(0);
        let dropper = ::loom::thread::spawn(move || drop(tx));
        assert!(block_on(rx.changed()).is_err());
        dropper.join().unwrap();
    });
}

/// The last receiver's drop against `Sender::closed`.
#[test]
fn watch_closed_against_the_last_receivers_drop() {
    model(|| {
        let (tx, rx) = watch::channel(());
        let dropper = ::loom::thread::spawn(move || drop(rx));
        block_on(tx.closed());
        dropper.join().unwrap();
    });
}

/// Two senders (a clone) on two threads, one sending then dropping, the
/// other dropping, against `changed`: whichever drop is the last, the
/// send comes before the close, so the receiver sees the value first and
/// then the error; and it never waits forever. (It passes with a Relaxed
/// sender count too: loom does not place the close before the other
/// sender's bump here; `Sender::drop`'s comment argues the AcqRel.)
#[test]
fn watch_changed_against_two_senders_sending_and_dropping() {
    model(|| {
        let (tx, mut rx) = watch::channel(0);
        let clone = tx.clone();
        let sender = ::loom::thread::spawn(move || {
            tx.send(1).unwrap();
            drop(tx);
        });
        let dropper = ::loom::thread::spawn(move || drop(clone));
        block_on(rx.changed()).unwrap();
        assert_eq!(*rx.borrow_and_update(), 1);
        assert!(block_on(rx.changed()).is_err());
        sender.join().unwrap();
        dropper.join().unwrap();
    });
}

/// The last receiver's drop against `broadcast::Sender::closed`.
#[test]
fn broadcast_closed_against_the_last_receivers_drop() {
    model(|| {
        let (tx, rx) = broadcast::channel::<u8>(1);
        let dropper = ::loom::thread::spawn(move || drop(rx));
        block_on(tx.closed());
        dropper.join().unwrap();
    });
}

/// A send from another thread against `recv`'s look and wait.
#[test]
fn broadcast_recv_against_a_send() {
    model(|| {
        let (tx, mut rx) = broadcast::channel(1);
        let sender = ::loom::thread::spawn(move || {
            tx.send(7).unwrap();
            tx
        });
        assert_eq!(block_on(rx.recv()), Ok(7));
        drop(sender.join().unwrap());
    });
}

/// The last sender's drop against `recv`: `Closed`.
#[test]
fn broadcast_recv_against_the_last_senders_drop() {
    model(|| {
        let (tx, mut rx) = broadcast::channel::<u8>(1);
        let dropper = ::loom::thread::spawn(move || drop(tx));
        assert_eq!(block_on(rx.recv()), Err(broadcast::error::RecvError::Closed));
        dropper.join().unwrap();
    });
}

/// A weak sender's upgrade against the last strong sender's drop, with the
/// receiver waiting: either the upgrade wins, and its value arrives before
/// `Closed` (the upgraded sender's drop closes the channel), or it finds
/// the channel closed and gives `None`. The receiver never waits forever.
#[test]
fn broadcast_weak_upgrade_against_the_last_senders_drop() {
    use broadcast::error::RecvError;
    model(|| {
        let (tx, mut rx) = broadcast::channel::<u8>(1);
        let weak = tx.downgrade();
        let dropper = ::loom::thread::spawn(move || drop(tx));
        let upgrader = ::loom::thread::spawn(move || {
            let upgraded = weak.upgrade();
            if let Some(tx) = &upgraded {
                tx.send(1).unwrap();
            }
            upgraded.is_some()
        });
        let first = block_on(rx.recv());
        if first == Ok(1) {
            assert_eq!(block_on(rx.recv()), Err(RecvError::Closed));
        } else {
            assert_eq!(first, Err(RecvError::Closed));
        }
        assert_eq!(upgrader.join().unwrap(), first == Ok(1));
        dropper.join().unwrap();
    });
}

/// Two receivers waiting, one of which gives up (polled once, dropped)
/// as a value arrives: the other still gets it, and the dropped one's
/// share of the value is released (the last receiver takes it).
#[test]
fn broadcast_a_receiver_giving_up_as_a_value_arrives() {
    model(|| {
        let (tx, mut stays) = broadcast::channel(1);
        let mut gives_up = tx.subscribe();
        let sender = ::loom::thread::spawn(move || {
            tx.send(String::from("v")).unwrap();
            tx
        });
        {
            let mut recv = pin!(gives_up.recv());
            let _ = poll_once(recv.as_mut());
        }
        drop(gives_up);
        assert_eq!(block_on(stays.recv()).unwrap(), "v");
        let tx = sender.join().unwrap();
        assert!(tx.is_empty(), "nobody needs the value any more");
    });
}
