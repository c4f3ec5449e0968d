//! The `mpsc` channel under loom: `src/sync/mpsc/chan.rs` on the batch
//! semaphore and the shared waiter list, as the library has them.
//!
//! Senders on other threads race a receiver waiting for messages, senders
//! wait for room, the last sender goes, and the receiver closes. A lost
//! wake shows as a deadlock of `block_on`.

#![allow(dead_code)] // the included files are the library's, not all used here

use std::future::{Future, poll_fn};
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
#[path = "../../../src/sync/mpsc/chan.rs"]
mod chan;
mod sync {
    pub(crate) use super::batch_semaphore;
}

use chan::Chan;

/// Runs `f` under loom, preemptions bounded at 4 unless
/// `LOOM_MAX_PREEMPTIONS` says otherwise. A break tried once and undone (the
/// last sender's drop not waking the receiver) was caught at bound 3 as
/// a deadlock by two models.
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = ::loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(4);
    }
    builder.check(f);
}

/// As in `tests/semaphore.rs`.
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

/// What `Sender::send` does: wait for a slot, then push.
fn send(chan: &Chan<u32>, value: u32) -> Result<(), u32> {
    match block_on(chan.slots().acquire(1)) {
        Ok(()) => {
            let _ = chan.push(value, false);
            Ok(())
        }
        Err(_) => Err(value),
    }
}

fn recv(chan: &Chan<u32>) -> Option<u32> {
    block_on(poll_fn(|cx| chan.poll_recv(cx)))
}

/// A sender on another thread sends two messages through a bounded(1)
/// channel: it waits for room while the receiver waits for messages; both
/// arrive, in order.
#[test]
fn two_messages_through_a_bounded_1_channel_from_another_thread() {
    model(|| {
        let chan = Arc::new(Chan::new(Some(1)));
        let sender = {
            let chan = Arc::clone(&chan);
            ::loom::thread::spawn(move || {
                send(&chan, 1).unwrap();
                send(&chan, 2).unwrap();
                chan.drop_sender();
            })
        };
        assert_eq!(recv(&chan), Some(1));
        assert_eq!(recv(&chan), Some(2));
        assert_eq!(recv(&chan), None);
        sender.join().unwrap();
    });
}

/// Two senders on two threads into an unbounded channel; the last one to
/// go ends the receiver's wait.
#[test]
fn the_last_of_two_senders_going_ends_the_receivers_wait() {
    model(|| {
        let chan = Arc::new(Chan::<u32>::new(None));
        chan.add_sender();
        let senders: Vec<_> = (0..2)
            .map(|i| {
                let chan = Arc::clone(&chan);
                ::loom::thread::spawn(move || {
                    chan.push(i, true).unwrap();
                    chan.drop_sender();
                })
            })
            .collect();
        let mut got = [recv(&chan), recv(&chan)];
        got.sort();
        assert_eq!(got, [Some(0), Some(1)]);
        assert_eq!(recv(&chan), None);
        senders.into_iter().for_each(|s| s.join().unwrap());
    });
}

/// The receiver closes (and goes) while a sender waits for room: the
/// sender always finishes, and a value it got in is dropped with the rest.
#[test]
fn the_receiver_going_ends_a_sender_waiting_for_room() {
    model(|| {
        let chan = Arc::new(Chan::new(Some(1)));
        chan.slots().try_acquire(1).unwrap();
        chan.push(0, true).unwrap(); // full now
        let sender = {
            let chan = Arc::clone(&chan);
            ::loom::thread::spawn(move || {
                let _ = send(&chan, 1);
            })
        };
        chan.drop_receiver();
        sender.join().unwrap();
        assert!(chan.is_closed());
    });
}

/// A sender waits in `closed()` while the receiver closes.
#[test]
fn closed_completes_when_the_receiver_closes_meanwhile() {
    model(|| {
        let chan = Arc::new(Chan::<u32>::new(Some(1)));
        let closer = {
            let chan = Arc::clone(&chan);
            ::loom::thread::spawn(move || chan.close())
        };
        block_on(chan.closed());
        closer.join().unwrap();
    });
}
