//! `sync::broadcast`: every receiver gets every value, a lagging receiver
//! gets `Lagged(n)` and then the oldest value kept, close and drop
//! (buffered values outlive the senders; values nobody needs are
//! dropped), cancellation of a waiting `recv`, weak senders (they do not
//! keep the channel open, and cannot come back once it closed), and
//! senders on std threads and a second runtime (and `blocking_recv` on a
//! std thread).
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Poll, Waker};
use std::thread;

use groundup::sync::broadcast::{self, error::RecvError, error::TryRecvError};

mod polling;
use polling::{counter, poll};

/// Fewer rounds under Miri, which is slow; the same scenarios.
const ROUNDS: usize = if cfg!(miri) { 3 } else { 50 };

/// Counts live instances, to see when the channel drops its values.
#[derive(Debug)]
struct Tracked(Arc<AtomicUsize>);

impl Tracked {
    fn new(live: &Arc<AtomicUsize>) -> Tracked {
        live.fetch_add(1, Ordering::SeqCst);
        Tracked(Arc::clone(live))
    }
}

impl Clone for Tracked {
    fn clone(&self) -> Tracked {
        Tracked::new(&self.0)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[test]
fn the_halves_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<broadcast::Sender<String>>();
    assert_send_sync::<broadcast::Receiver<String>>();
    assert_send_sync::<broadcast::WeakSender<String>>();
}

#[test]
fn every_receiver_gets_every_value_in_order() {
    let (tx, mut a) = broadcast::channel(8);
    let mut b = tx.subscribe();
    for i in 0..5 {
        assert_eq!(tx.send(i).unwrap(), 2);
    }
    for i in 0..5 {
        assert_eq!(a.try_recv(), Ok(i));
    }
    for i in 0..5 {
        assert_eq!(b.try_recv(), Ok(i));
    }
    assert_eq!(a.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn a_lagging_receiver_gets_lagged_n_then_the_oldest_value_kept() {
    let (tx, mut rx) = broadcast::channel(4);
    for i in 0..10 {
        tx.send(i).unwrap();
    }
    // Kept: 6, 7, 8, 9; missed: 0..=5.
    assert_eq!(rx.len(), 10);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(6)));
    assert_eq!(rx.len(), 4);
    for i in 6..10 {
        assert_eq!(rx.try_recv(), Ok(i));
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn recv_reports_lagged_then_continues_and_the_capacity_is_a_power_of_two() {
    groundup::block_on(async {
        let (tx, mut rx) = broadcast::channel(3); // kept: 4
        for i in 0..6 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.recv().await, Err(RecvError::Lagged(2)));
        assert_eq!(rx.recv().await, Ok(2));
    });
}

#[test]
fn a_lagging_receiver_does_not_disturb_a_prompt_one() {
    let (tx, mut slow) = broadcast::channel(2);
    let mut prompt = tx.subscribe();
    for i in 0..6 {
        tx.send(i).unwrap();
        assert_eq!(prompt.try_recv(), Ok(i));
    }
    assert_eq!(slow.try_recv(), Err(TryRecvError::Lagged(4)));
    assert_eq!(slow.try_recv(), Ok(4));
}

#[test]
fn send_without_receivers_fails_and_a_new_subscriber_sees_only_later_values() {
    let (tx, rx) = broadcast::channel(4);
    drop(rx);
    assert_eq!(tx.receiver_count(), 0);
    assert_eq!(tx.send(1).unwrap_err().0, 1);
    let mut rx = tx.subscribe();
    tx.send(2).unwrap();
    assert_eq!(rx.try_recv(), Ok(2));
    tx.send(3).unwrap();
    let mut again = rx.resubscribe();
    assert_eq!(again.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(rx.try_recv(), Ok(3));
}

#[test]
fn values_sent_before_the_last_sender_drops_are_still_received() {
    groundup::block_on(async {
        let (tx, mut rx) = broadcast::channel(4);
        let tx2 = tx.clone();
        tx.send(1).unwrap();
        drop(tx);
        tx2.send(2).unwrap();
        drop(tx2);
        assert_eq!(rx.recv().await, Ok(1));
        assert_eq!(rx.recv().await, Ok(2));
        assert_eq!(rx.recv().await, Err(RecvError::Closed));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    });
}

#[test]
fn a_waiting_recv_wakes_for_a_value_and_for_the_close() {
    let (tx, mut rx) = broadcast::channel(1);
    let (count, waker) = counter();
    {
        let mut recv = pin!(rx.recv());
        assert!(poll(recv.as_mut(), &waker).is_pending());
        tx.send(5).unwrap();
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        assert_eq!(poll(recv.as_mut(), &waker), Poll::Ready(Ok(5)));
    }
    let mut recv = pin!(rx.recv());
    assert!(poll(recv.as_mut(), &waker).is_pending());
    drop(tx);
    assert_eq!(count.0.load(Ordering::SeqCst), 2);
    assert_eq!(poll(recv.as_mut(), &waker), Poll::Ready(Err(RecvError::Closed)));
}

#[test]
fn weak_senders_are_counted_apart_and_upgrade_while_a_sender_lives() {
    let (tx, mut rx) = broadcast::channel(4);
    let weak = tx.downgrade();
    let weak2 = weak.clone();
    assert_eq!((tx.strong_count(), tx.weak_count()), (1, 2));
    let upgraded = weak2.upgrade().expect("a sender is alive");
    drop(weak2);
    assert_eq!((weak.strong_count(), weak.weak_count()), (2, 1));
    drop(tx);
    upgraded.send(1).unwrap();
    let again = weak.upgrade().expect("the upgraded sender keeps the channel open");
    drop((upgraded, again));
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn the_last_strong_sender_closes_the_channel_though_a_weak_one_is_left() {
    let (tx, mut rx) = broadcast::channel(2);
    let weak = tx.downgrade();
    tx.send(7).unwrap();
    assert_eq!(rx.try_recv(), Ok(7));
    let (count, waker) = counter();
    let mut recv = pin!(rx.recv());
    assert!(poll(recv.as_mut(), &waker).is_pending());
    drop(tx);
    assert_eq!(count.0.load(Ordering::SeqCst), 1, "the waiting receiver is told");
    assert_eq!(poll(recv.as_mut(), &waker), Poll::Ready(Err(RecvError::Closed)));
    assert!(weak.upgrade().is_none(), "no sender comes back to a closed channel");
    assert_eq!((weak.strong_count(), weak.weak_count()), (0, 1));
}

#[test]
fn a_cancelled_recv_loses_no_value() {
    let (tx, mut rx) = broadcast::channel(2);
    {
        let mut recv = pin!(rx.recv());
        assert!(poll(recv.as_mut(), Waker::noop()).is_pending());
        tx.send(1).unwrap();
    } // woken, dropped before it looked
    assert_eq!(rx.try_recv(), Ok(1));
}

#[test]
fn the_last_receiver_to_get_a_value_takes_it_and_a_dropped_receiver_releases_its_share() {
    let live = Arc::new(AtomicUsize::new(0));
    let (tx, mut a) = broadcast::channel(4);
    let b = tx.subscribe();
    tx.send(Tracked::new(&live)).unwrap();
    let got = a.try_recv().unwrap(); // a clone: b still needs it
    assert_eq!(live.load(Ordering::SeqCst), 2);
    drop(b); // nobody needs the kept value any more
    assert_eq!(live.load(Ordering::SeqCst), 1);
    drop(got);
    assert_eq!(live.load(Ordering::SeqCst), 0);
    assert!(tx.is_empty());

    tx.send(Tracked::new(&live)).unwrap();
    assert_eq!(tx.len(), 1);
    let got = a.try_recv().unwrap(); // the only receiver: takes it
    assert_eq!(live.load(Ordering::SeqCst), 1);
    assert_eq!(tx.len(), 0);
    drop((got, a, tx));
    assert_eq!(live.load(Ordering::SeqCst), 0);
}

#[test]
fn overwritten_and_leftover_values_are_dropped() {
    let live = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = broadcast::channel(2);
    for _ in 0..5 {
        tx.send(Tracked::new(&live)).unwrap();
    }
    assert_eq!(live.load(Ordering::SeqCst), 2, "the ring keeps two");
    drop(rx);
    assert_eq!(live.load(Ordering::SeqCst), 0);
    drop(tx);
}

#[test]
fn a_std_thread_sends_to_a_waiting_task_in_order() {
    for _ in 0..ROUNDS {
        let (tx, mut rx) = broadcast::channel(256);
        let sender = thread::spawn(move || {
            for i in 0..100 {
                tx.send(i).unwrap();
            }
        });
        groundup::block_on(async {
            for i in 0..100 {
                assert_eq!(rx.recv().await, Ok(i));
            }
            assert_eq!(rx.recv().await, Err(RecvError::Closed));
        });
        sender.join().unwrap();
    }
}

#[test]
fn a_receiver_behind_a_fast_thread_sees_lagged_or_values_in_order() {
    let (tx, mut rx) = broadcast::channel(2);
    let sender = thread::spawn(move || {
        for i in 0..ROUNDS as u64 * 20 {
            tx.send(i).unwrap();
        }
    });
    groundup::block_on(async {
        let mut expected = 0;
        loop {
            match rx.recv().await {
                Ok(v) => {
                    assert_eq!(v, expected);
                    expected += 1;
                }
                Err(RecvError::Lagged(n)) => expected += n,
                Err(RecvError::Closed) => break,
            }
        }
        assert_eq!(expected, ROUNDS as u64 * 20, "every value received or counted as missed");
    });
    sender.join().unwrap();
}

#[test]
fn a_second_runtime_sends_and_a_std_thread_blocks_for_it() {
    let (tx, mut rx) = broadcast::channel(4);
    let mut blocking = tx.subscribe();
    let listener = thread::spawn(move || blocking.blocking_recv());
    let other = thread::spawn(move || {
        let runtime = groundup::Runtime::new().unwrap();
        runtime.block_on(async move {
            tx.send("from the other runtime").unwrap();
        });
    });
    groundup::block_on(async {
        assert_eq!(rx.recv().await, Ok("from the other runtime"));
    });
    assert_eq!(listener.join().unwrap(), Ok("from the other runtime"));
    other.join().unwrap();
}

#[test]
#[should_panic = "inside a groundup runtime"]
fn blocking_recv_inside_the_runtime_panics() {
    let (_tx, mut rx) = broadcast::channel::<()>(1);
    groundup::block_on(async move {
        let _ = rx.blocking_recv();
    });
}

#[test]
#[should_panic = "capacity is empty, give at least 1"]
fn a_channel_of_capacity_zero_panics() {
    let _ = broadcast::channel::<()>(0);
}

#[test]
#[should_panic = "requested capacity too large"]
fn a_channel_too_large_to_round_up_panics() {
    let _ = broadcast::channel::<()>(usize::MAX / 2 + 2);
}

/// A receiver that always finds a value must still yield: without the
/// budget, the loop below would take all 1,000 values before `other` ran.
#[test]
fn a_receiver_that_always_finds_a_value_still_yields() {
    groundup::block_on(async {
        let (tx, mut rx) = broadcast::channel(1024);
        for i in 0..1000 {
            tx.send(i).unwrap();
        }
        let ran = std::rc::Rc::new(std::cell::Cell::new(false));
        let receiver = {
            let ran = std::rc::Rc::clone(&ran);
            groundup::spawn(async move {
                let mut received_before_other_ran = None;
                for i in 0..1000 {
                    assert_eq!(rx.recv().await.unwrap(), i);
                    if ran.get() && received_before_other_ran.is_none() {
                        received_before_other_ran = Some(i);
                    }
                }
                received_before_other_ran
            })
        };
        let other = {
            let ran = std::rc::Rc::clone(&ran);
            groundup::spawn(async move { ran.set(true) })
        };
        other.await.unwrap();
        let first = receiver.await.unwrap().expect("the receiver never yielded");
        assert!(first < 1000, "{first}");
    });
}

#[test]
fn sender_new_has_no_receiver_until_one_subscribes() {
    let tx = broadcast::Sender::new(2);
    assert_eq!(tx.receiver_count(), 0);
    assert_eq!(tx.send(1).unwrap_err().0, 1);
    let mut rx = tx.subscribe();
    assert_eq!(tx.send(2).unwrap(), 1);
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn closed_waits_for_the_last_receiver_and_a_subscribe_reopens() {
    let (tx, rx) = broadcast::channel::<u8>(2);
    let rx2 = rx.resubscribe();
    let (count, waker) = counter();
    let mut closed = Box::pin(tx.closed());
    assert!(poll(closed.as_mut(), &waker).is_pending());
    drop(rx);
    assert!(poll(closed.as_mut(), &waker).is_pending(), "one receiver left");
    drop(rx2);
    assert!(count.0.load(Ordering::SeqCst) >= 1, "the last drop wakes it");
    assert!(poll(closed.as_mut(), &waker).is_ready());
    drop(closed);
    let again = tx.subscribe();
    assert!(poll(pin!(tx.closed()), &waker).is_pending(), "open again");
    drop(again);
}

#[test]
fn closed_returns_at_once_without_receivers() {
    let tx = broadcast::Sender::<u8>::new(1);
    assert!(poll(pin!(tx.closed()), Waker::noop()).is_ready());
}

#[test]
fn a_std_thread_drops_the_last_receiver_while_a_task_waits_for_closed() {
    for _ in 0..ROUNDS {
        let (tx, rx) = broadcast::channel::<u8>(1);
        let dropper = thread::spawn(move || drop(rx));
        groundup::block_on(tx.closed());
        dropper.join().unwrap();
    }
}

#[test]
fn senders_are_compared_by_channel() {
    let (tx, _rx) = broadcast::channel::<()>(1);
    let (other, _other_rx) = broadcast::channel::<()>(1);
    assert!(tx.same_channel(&tx.clone()));
    assert!(!tx.same_channel(&other));
    assert!(tx.same_channel(&tx.downgrade().upgrade().unwrap()));
}

#[test]
fn a_receiver_counts_the_senders_and_sees_the_close() {
    let (tx, rx) = broadcast::channel::<()>(1);
    let tx2 = tx.clone();
    let weak = tx.downgrade();
    assert_eq!((rx.sender_strong_count(), rx.sender_weak_count()), (2, 1));
    drop(tx);
    assert!(!rx.is_closed());
    drop(tx2);
    assert!(rx.is_closed(), "a weak sender does not keep it open");
    assert_eq!((rx.sender_strong_count(), rx.sender_weak_count()), (0, 1));
    drop(weak);
    assert_eq!(rx.sender_weak_count(), 0);
}
