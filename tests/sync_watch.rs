//! `sync::watch`: versions and borrows, the send variants, close and drop
//! in both directions (`changed` and `wait_for` after the sender's drop,
//! `closed` after the receivers'), cancellation of a waiting `changed`,
//! and senders on std threads and on a second runtime.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::pin::pin;
use std::sync::atomic::Ordering;
use std::task::{Poll, Waker};
use std::thread;

use groundup::sync::watch;

mod polling;
use polling::{counter, poll};

/// Fewer rounds under Miri, which is slow; the same scenarios.
const ROUNDS: usize = if cfg!(miri) { 3 } else { 100 };

#[test]
fn the_halves_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<watch::Sender<String>>();
    assert_send_sync::<watch::Receiver<String>>();
}

#[test]
fn a_receiver_sees_the_latest_value_not_every_one() {
    let (tx, mut rx) = watch::channel(0);
    for i in 1..=3 {
        tx.send(i).unwrap();
    }
    assert!(rx.has_changed().unwrap());
    assert_eq!(*rx.borrow_and_update(), 3);
    assert!(!rx.has_changed().unwrap());
}

#[test]
fn changed_waits_for_a_send_and_wakes_the_waiting_task() {
    let (tx, mut rx) = watch::channel("a");
    let (count, waker) = counter();
    let mut changed = Box::pin(rx.changed());
    assert!(poll(changed.as_mut(), &waker).is_pending());
    tx.send("b").unwrap();
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert!(matches!(poll(changed.as_mut(), &waker), Poll::Ready(Ok(()))));
    drop(changed);
    assert_eq!(*rx.borrow(), "b");
    assert!(!rx.has_changed().unwrap(), "changed marked it seen");
}

#[test]
fn a_cancelled_changed_marks_nothing_seen() {
    let (tx, mut rx) = watch::channel(0);
    {
        let mut changed = pin!(rx.changed());
        assert!(poll(changed.as_mut(), Waker::noop()).is_pending());
        tx.send(1).unwrap();
    } // notified, dropped before it looked
    assert!(rx.has_changed().unwrap());
    let mut changed = pin!(rx.changed());
    assert!(matches!(poll(changed.as_mut(), Waker::noop()), Poll::Ready(Ok(()))));
}

#[test]
fn send_fails_without_receivers_but_send_replace_and_modify_store() {
    let (tx, rx) = watch::channel(1);
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(2).unwrap_err().0, 2);
    assert_eq!(*tx.borrow(), 1);
    assert_eq!(tx.send_replace(3), 1);
    tx.send_modify(|v| *v += 1);
    assert_eq!(*tx.borrow(), 4);
    let rx = tx.subscribe();
    assert!(!rx.has_changed().unwrap(), "a new receiver has seen the current value");
    tx.send(5).unwrap();
    assert!(rx.has_changed().unwrap());
}

#[test]
fn send_if_modified_notifies_only_when_modified() {
    let (tx, mut rx) = watch::channel(0);
    let (count, waker) = counter();
    let mut changed = Box::pin(rx.changed());
    assert!(poll(changed.as_mut(), &waker).is_pending());
    assert!(!tx.send_if_modified(|_| false));
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
    assert!(poll(changed.as_mut(), &waker).is_pending());
    assert!(tx.send_if_modified(|v| {
        *v = 9;
        true
    }));
    assert!(matches!(poll(changed.as_mut(), &waker), Poll::Ready(Ok(()))));
}

#[test]
fn changed_after_the_sender_drops_gives_the_unseen_value_then_an_error() {
    groundup::block_on(async {
        let (tx, mut rx) = watch::channel(0);
        tx.send(1).unwrap();
        drop(tx);
        assert!(rx.changed().await.is_ok());
        assert_eq!(*rx.borrow(), 1, "the last value stays readable");
        assert!(rx.changed().await.is_err());
        assert!(rx.has_changed().is_err());
    });
}

#[test]
fn a_waiting_changed_fails_when_the_sender_drops() {
    let (tx, mut rx) = watch::channel(());
    let (count, waker) = counter();
    let mut changed = Box::pin(rx.changed());
    assert!(poll(changed.as_mut(), &waker).is_pending());
    drop(tx);
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert!(matches!(poll(changed.as_mut(), &waker), Poll::Ready(Err(_))));
}

#[test]
fn wait_for_checks_the_current_value_first() {
    groundup::block_on(async {
        let (_tx, mut rx) = watch::channel(7);
        let seven = rx.wait_for(|&v| v == 7).await.unwrap();
        assert!(!seven.has_changed());
    });
}

#[test]
fn wait_for_after_the_sender_drops() {
    groundup::block_on(async {
        // The last value satisfies it: Ok, even with the sender gone.
        let (tx, mut rx) = watch::channel(0);
        tx.send(3).unwrap();
        drop(tx);
        assert_eq!(*rx.wait_for(|&v| v == 3).await.unwrap(), 3);
        // It does not: Err, not a wait forever.
        let (tx, mut rx) = watch::channel(0);
        drop(tx);
        assert!(rx.wait_for(|&v| v == 3).await.is_err());
        // The sender drops while it waits.
        let (tx, mut rx) = watch::channel(0);
        let sender = groundup::spawn(async move {
            tx.send(1).unwrap();
            groundup::task::yield_now().await;
            drop(tx);
        });
        assert!(rx.wait_for(|&v| v == 3).await.is_err());
        sender.await.unwrap();
    });
}

#[test]
fn mark_changed_and_mark_unchanged() {
    let (tx, mut rx) = watch::channel(0);
    rx.mark_changed();
    assert!(rx.has_changed().unwrap());
    rx.mark_unchanged();
    assert!(!rx.has_changed().unwrap());
    tx.send(1).unwrap();
    rx.mark_unchanged();
    assert!(!rx.has_changed().unwrap());
    let mut changed = pin!(rx.changed());
    assert!(poll(changed.as_mut(), Waker::noop()).is_pending());
}

#[test]
fn two_receivers_may_borrow_at_once() {
    let (tx, rx) = watch::channel(String::from("shared"));
    let other = rx.clone();
    let (a, b) = (rx.borrow(), other.borrow());
    assert_eq!(*a, *b);
    assert_eq!(tx.receiver_count(), 2);
}

#[test]
fn closed_waits_for_the_last_receiver() {
    let (tx, rx) = watch::channel(());
    let rx2 = rx.clone();
    let (count, waker) = counter();
    let mut closed = Box::pin(tx.closed());
    assert!(poll(closed.as_mut(), &waker).is_pending());
    drop(rx);
    assert!(poll(closed.as_mut(), &waker).is_pending(), "one receiver left");
    drop(rx2);
    assert!(count.0.load(Ordering::SeqCst) >= 1);
    assert!(poll(closed.as_mut(), &waker).is_ready());
}

#[test]
fn a_std_thread_sends_to_a_waiting_task() {
    for _ in 0..ROUNDS {
        let (tx, mut rx) = watch::channel(0);
        let sender = thread::spawn(move || {
            for i in 1..=10 {
                tx.send(i).unwrap();
            }
        });
        groundup::block_on(async {
            let ten = rx.wait_for(|&v| v == 10).await.unwrap();
            assert_eq!(*ten, 10);
        });
        sender.join().unwrap();
    }
}

#[test]
fn a_second_runtime_sends_and_drops() {
    let (tx, mut rx) = watch::channel(0);
    let other = thread::spawn(move || {
        let runtime = groundup::Runtime::new().unwrap();
        runtime.block_on(async move {
            tx.send(1).unwrap();
            tx.closed().await; // until the receiver below is dropped
        });
    });
    groundup::block_on(async move {
        rx.wait_for(|&v| v == 1).await.unwrap();
        drop(rx);
    });
    other.join().unwrap();
}

#[test]
fn a_std_thread_drops_the_sender_while_a_task_waits() {
    for _ in 0..ROUNDS {
        let (tx, mut rx) = watch::channel(());
        let dropper = thread::spawn(move || drop(tx));
        groundup::block_on(async {
            assert!(rx.changed().await.is_err());
        });
        dropper.join().unwrap();
    }
}

/// A receiver whose value always changed must still yield: without the
/// budget, the loop below would run all 1,000 rounds before `other` ran.
#[test]
fn a_receiver_that_always_sees_a_change_still_yields() {
    groundup::block_on(async {
        let ran = std::rc::Rc::new(std::cell::Cell::new(false));
        let receiver = {
            let ran = std::rc::Rc::clone(&ran);
            groundup::spawn(async move {
                let (tx, mut rx) = watch::channel(0);
                for i in 1..=1000 {
                    tx.send(i).unwrap();
                    rx.changed().await.unwrap();
                    if ran.get() {
                        return Some(i);
                    }
                }
                None
            })
        };
        let other = {
            let ran = std::rc::Rc::clone(&ran);
            groundup::spawn(async move { ran.set(true) })
        };
        other.await.unwrap();
        let round = receiver.await.unwrap().expect("the receiver never yielded");
        assert!(round < 1000, "{round}");
    });
}

#[test]
fn a_cloned_sender_keeps_the_channel_open_after_the_original_drops() {
    groundup::block_on(async {
        let (tx, mut rx) = watch::channel(0);
        let clone = tx.clone();
        drop(tx);
        assert!(rx.has_changed().is_ok(), "a sender is left");
        clone.send(1).unwrap();
        rx.changed().await.unwrap();
        assert_eq!(*rx.borrow_and_update(), 1);
        drop(clone);
        assert!(rx.changed().await.is_err(), "the last sender is gone");
    });
}

#[test]
fn a_waiting_changed_fails_only_when_the_last_sender_drops() {
    let (tx, mut rx) = watch::channel(());
    let clone = tx.clone();
    let (count, waker) = counter();
    let mut changed = Box::pin(rx.changed());
    assert!(poll(changed.as_mut(), &waker).is_pending());
    drop(tx);
    assert!(poll(changed.as_mut(), &waker).is_pending(), "the clone keeps it open");
    drop(clone);
    assert!(count.0.load(Ordering::SeqCst) >= 1);
    assert!(matches!(poll(changed.as_mut(), &waker), Poll::Ready(Err(_))));
}

#[test]
fn sender_count_follows_clones_and_drops() {
    let (tx, rx) = watch::channel(());
    assert_eq!(tx.sender_count(), 1);
    let clones: Vec<_> = (0..3).map(|_| tx.clone()).collect();
    assert_eq!(tx.sender_count(), 4);
    drop(clones);
    assert_eq!(tx.sender_count(), 1);
    assert_eq!(tx.receiver_count(), 1, "senders do not count as receivers");
    drop(rx);
}

#[test]
fn clones_send_on_the_same_channel_and_share_its_value() {
    let (tx, rx) = watch::channel(0);
    let clone = tx.clone();
    let (other, _other_rx) = watch::channel(0);
    assert!(clone.same_channel(&tx));
    assert!(!clone.same_channel(&other));
    clone.send(5).unwrap();
    assert_eq!(*tx.borrow(), 5);
    assert_eq!(*rx.borrow(), 5);
}

#[test]
fn sender_new_has_no_receiver_until_one_subscribes() {
    let tx = watch::Sender::new("first");
    assert_eq!(tx.receiver_count(), 0);
    assert!(tx.is_closed());
    assert_eq!(tx.send("lost").unwrap_err().0, "lost");
    let mut rx = tx.subscribe();
    assert!(!tx.is_closed());
    assert_eq!(*rx.borrow_and_update(), "first");
    tx.send("second").unwrap();
    assert!(rx.has_changed().unwrap());
    let default = watch::Sender::<u8>::default();
    assert_eq!(*default.subscribe().borrow(), 0);
}

#[test]
fn closed_on_a_clone_waits_for_the_receivers_not_the_senders() {
    groundup::block_on(async {
        let (tx, rx) = watch::channel(());
        let clone = tx.clone();
        groundup::spawn(async move { drop(rx) });
        clone.closed().await;
        assert!(tx.is_closed());
    });
}

#[test]
fn senders_on_two_std_threads_drop_while_a_task_waits() {
    for _ in 0..ROUNDS {
        let (tx, mut rx) = watch::channel(0);
        let clone = tx.clone();
        let last_send = thread::spawn(move || {
            tx.send(1).unwrap();
            drop(tx);
        });
        let dropper = thread::spawn(move || drop(clone));
        groundup::block_on(async {
            // The send comes before the close, whichever drop is last.
            while rx.changed().await.is_ok() {
                assert_eq!(*rx.borrow_and_update(), 1);
            }
            assert_eq!(*rx.borrow(), 1);
        });
        last_send.join().unwrap();
        dropper.join().unwrap();
    }
}
