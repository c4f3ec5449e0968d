//! The oneshot channel's protocol (`src/sync/oneshot/protocol.rs`) under
//! loom: every interleaving of a send, a sender drop, a receiver poll, a
//! receiver close or drop, and a sender waiting for the close, two at a
//! time on two threads.
//!
//! What loom checks on top of each model's assertions: no lost wake (a
//! `block_on` that is never woken is reported as a deadlock), no data race
//! on the value or a waker slot (its cells track every access), and no leak
//! or double drop (the values sent are loom `Arc`s, and a model that ends
//! with one still alive fails).

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::{Context, Poll, Wake, Waker};

use groundup_loom::loom::sync::Arc;
use groundup_loom::oneshot::{self, RecvHalf, SendHalf};
use loom::thread;

/// Polls `future` to completion on this loom thread, parking between
/// polls; its waker unparks the thread (the park token keeps a wake that
/// comes before the park). A wake that never comes leaves the thread
/// parked for good, which loom reports as a deadlock.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(thread::Thread);
    impl Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(std::sync::Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

/// Waits for the value (or its absence) as a task would.
fn recv<T>(rx: &mut RecvHalf<T>) -> Option<T> {
    block_on(poll_fn(|cx| rx.poll_recv(cx)))
}

/// Waits for the close as `Sender::closed` would.
fn closed<T>(tx: &mut SendHalf<T>) {
    block_on(poll_fn(|cx| tx.poll_closed(cx)))
}

/// One poll with a waker that is not `block_on`'s, so that the next poll
/// under `block_on` must replace it.
fn poll_recv_once<T>(rx: &mut RecvHalf<T>) -> Poll<Option<T>> {
    rx.poll_recv(&mut Context::from_waker(Waker::noop()))
}

fn poll_closed_once<T>(tx: &mut SendHalf<T>) -> Poll<()> {
    tx.poll_closed(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn a_send_wakes_the_waiting_receiver() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::pair();
        let sender = thread::spawn(move || tx.send(7).unwrap());
        assert_eq!(recv(&mut rx), Some(7));
        sender.join().unwrap();
    });
}

#[test]
fn a_sender_dropped_without_sending_wakes_the_receiver() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::pair::<u32>();
        let dropper = thread::spawn(move || drop(tx));
        assert_eq!(recv(&mut rx), None);
        dropper.join().unwrap();
    });
}

#[test]
fn a_send_races_the_receiver_replacing_its_waker() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::pair();
        let sender = thread::spawn(move || tx.send(7).unwrap());
        let got = match poll_recv_once(&mut rx) {
            Poll::Ready(value) => value,
            Poll::Pending => recv(&mut rx),
        };
        assert_eq!(got, Some(7));
        sender.join().unwrap();
    });
}

#[test]
fn a_send_races_the_receivers_drop() {
    loom::model(|| {
        let value = Arc::new(());
        let (tx, rx) = oneshot::pair();
        let receiver = thread::spawn(move || drop(rx));
        // Given back (and dropped here) or received (and dropped by the
        // receiver): either way exactly once.
        drop(tx.send(Arc::clone(&value)));
        receiver.join().unwrap();
        assert_eq!(Arc::strong_count(&value), 1);
    });
}

#[test]
fn a_send_races_a_waiting_receivers_drop() {
    loom::model(|| {
        let value = Arc::new(());
        let (tx, mut rx) = oneshot::pair();
        let receiver = thread::spawn(move || {
            // Store a waker, then give up: the drop releases it while the
            // sender may be reading it.
            let _ = poll_recv_once(&mut rx);
            drop(rx);
        });
        drop(tx.send(Arc::clone(&value)));
        receiver.join().unwrap();
        assert_eq!(Arc::strong_count(&value), 1);
    });
}

#[test]
fn a_send_races_close_and_exactly_one_side_keeps_the_value() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::pair();
        let sender = thread::spawn(move || tx.send(7));
        rx.close();
        let sent = sender.join().unwrap();
        match rx.try_recv() {
            Poll::Ready(Some(v)) => assert_eq!((sent, v), (Ok(()), 7)),
            Poll::Ready(None) => assert_eq!(sent, Err(7)),
            Poll::Pending => panic!("a closed receiver is never left waiting"),
        }
    });
}

#[test]
fn a_send_races_try_recv() {
    loom::model(|| {
        let (tx, mut rx) = oneshot::pair();
        let sender = thread::spawn(move || tx.send(7).unwrap());
        let first = rx.try_recv();
        sender.join().unwrap();
        match first {
            Poll::Ready(got) => assert_eq!(got, Some(7)),
            Poll::Pending => assert_eq!(rx.try_recv(), Poll::Ready(Some(7))),
        }
    });
}

#[test]
fn close_wakes_the_waiting_sender() {
    loom::model(|| {
        let (mut tx, mut rx) = oneshot::pair::<u32>();
        let receiver = thread::spawn(move || rx.close());
        closed(&mut tx);
        assert!(tx.is_closed());
        receiver.join().unwrap();
    });
}

#[test]
fn a_receivers_drop_races_the_sender_replacing_its_waker() {
    loom::model(|| {
        let (mut tx, rx) = oneshot::pair::<u32>();
        let receiver = thread::spawn(move || drop(rx));
        if poll_closed_once(&mut tx).is_pending() {
            closed(&mut tx);
        }
        receiver.join().unwrap();
    });
}

#[test]
fn a_waiting_senders_drop_races_the_receivers_close() {
    loom::model(|| {
        let (mut tx, mut rx) = oneshot::pair::<u32>();
        let receiver = thread::spawn(move || {
            rx.close();
            rx.try_recv()
        });
        let _ = poll_closed_once(&mut tx);
        drop(tx);
        assert_eq!(receiver.join().unwrap(), Poll::Ready(None));
    });
}

#[test]
fn both_halves_dropped_at_once_free_everything() {
    loom::model(|| {
        let value = Arc::new(());
        let (tx, mut rx) = oneshot::pair();
        let sender = {
            let value = Arc::clone(&value);
            thread::spawn(move || drop(tx.send(value)))
        };
        let _ = poll_recv_once(&mut rx);
        drop(rx);
        sender.join().unwrap();
        assert_eq!(Arc::strong_count(&value), 1);
    });
}
