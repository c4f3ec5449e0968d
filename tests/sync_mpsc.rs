//! `sync::mpsc`: order (100,000 messages through a bounded(1) channel),
//! close and drop semantics, senders waiting for room in FIFO order and
//! giving up (a slot just handed to a dropped sender goes to the next),
//! weak senders, reserving many slots at once (`reserve_many`: it waits
//! for them all, refuses more than the bound, and its iterator gives back
//! what it did not hand out), and senders on std threads and in another
//! runtime.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use groundup::sync::mpsc::{
    self, error::SendTimeoutError, error::TryRecvError, error::TrySendError,
};

mod polling;
use polling::{counter, poll, wakes};

/// Fewer messages under Miri, which is slow; the same scenarios.
const MANY: usize = if cfg!(miri) { 200 } else { 100_000 };

/// Counts its drops.
struct Dropped(Arc<AtomicUsize>);

impl Drop for Dropped {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn the_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<mpsc::Sender<u8>>();
    send_sync::<mpsc::Receiver<u8>>();
    send_sync::<mpsc::WeakSender<u8>>();
    send_sync::<mpsc::Permit<'_, u8>>();
    send_sync::<mpsc::OwnedPermit<u8>>();
    send_sync::<mpsc::PermitIterator<'_, u8>>();
    send_sync::<mpsc::UnboundedSender<u8>>();
    send_sync::<mpsc::UnboundedReceiver<u8>>();
    send_sync::<mpsc::WeakUnboundedSender<u8>>();
    fn send<T: Send>(_: &T) {}
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    send(&tx.send(1));
    send(&tx.reserve());
    send(&tx.reserve_many(1));
    send(&tx.closed());
    send(&rx.recv());
}

#[test]
fn many_messages_through_a_bounded_1_channel_arrive_in_order() {
    groundup::block_on(async {
        let (tx, mut rx) = mpsc::channel(1);
        let producer = groundup::spawn(async move {
            for i in 0..MANY {
                tx.send(i).await.unwrap();
            }
        });
        for i in 0..MANY {
            assert_eq!(rx.recv().await, Some(i));
        }
        assert_eq!(rx.recv().await, None);
        producer.await.unwrap();
    });
}

#[test]
fn the_last_sender_dropped_ends_the_channel_after_the_buffered_messages() {
    groundup::block_on(async {
        let (tx, mut rx) = mpsc::channel(4);
        let tx2 = tx.clone();
        tx.send(1).await.unwrap();
        drop(tx);
        assert!(!rx.is_closed());
        tx2.send(2).await.unwrap();
        drop(tx2);
        assert!(rx.is_closed());
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(rx.recv().await, Some(2));
        assert_eq!(rx.recv().await, None);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    });
}

#[test]
fn a_waiting_receiver_is_woken_when_the_last_sender_goes() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    let (count, waker) = counter();
    let mut recv = pin!(rx.recv());
    assert!(poll(recv.as_mut(), &waker).is_pending());
    drop(tx);
    assert_eq!(wakes(&count), 1);
    assert_eq!(poll(recv.as_mut(), &waker), Poll::Ready(None));
}

#[test]
fn close_stops_sends_keeps_the_buffer_and_waits_for_reserved_slots() {
    groundup::block_on(async {
        let (tx, mut rx) = mpsc::channel(3);
        tx.send(1).await.unwrap();
        let permit = tx.reserve().await.unwrap();
        rx.close();
        assert!(tx.is_closed());
        assert!(tx.send(2).await.is_err());
        assert_eq!(tx.try_send(2), Err(TrySendError::Closed(2)));
        assert_eq!(rx.recv().await, Some(1));
        // A slot reserved before the close may still be filled: recv waits.
        let (count, waker) = counter();
        {
            let mut recv = pin!(rx.recv());
            assert!(poll(recv.as_mut(), &waker).is_pending());
            permit.send(3);
            assert_eq!(wakes(&count), 1);
            assert_eq!(poll(recv.as_mut(), &waker), Poll::Ready(Some(3)));
        }
        assert_eq!(rx.recv().await, None, "closed, empty, no slot reserved");
    });
}

#[test]
fn a_reserved_slot_dropped_after_a_close_ends_the_receivers_wait() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    let permit = tx.try_reserve().unwrap();
    rx.close();
    let (count, waker) = counter();
    let mut recv = pin!(rx.recv());
    assert!(poll(recv.as_mut(), &waker).is_pending());
    drop(permit);
    assert_eq!(wakes(&count), 1);
    assert_eq!(poll(recv.as_mut(), &waker), Poll::Ready(None));
}

#[test]
fn dropping_the_receiver_fails_sends_wakes_waiting_senders_and_drops_the_buffer() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel(1);
    assert!(tx.try_send(Dropped(Arc::clone(&drops))).is_ok());
    let (count, waker) = counter();
    let mut waiting = pin!(tx.send(Dropped(Arc::clone(&drops))));
    assert!(poll(waiting.as_mut(), &waker).is_pending());
    drop(rx);
    assert_eq!(drops.load(Ordering::SeqCst), 1, "the buffered message is dropped");
    assert_eq!(wakes(&count), 1);
    let Poll::Ready(Err(error)) = poll(waiting.as_mut(), &waker) else { panic!("not failed") };
    drop(error);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
    assert!(tx.is_closed());
}

#[test]
fn closed_completes_when_the_receiver_goes_and_a_dropped_one_leaves_the_list() {
    let (tx, rx) = mpsc::channel::<u8>(1);
    let (count, waker) = counter();
    {
        let mut gives_up = pin!(tx.closed());
        assert!(poll(gives_up.as_mut(), &waker).is_pending());
    }
    let mut closed = pin!(tx.closed());
    assert!(poll(closed.as_mut(), &waker).is_pending());
    drop(rx);
    assert_eq!(wakes(&count), 1, "only the one still waiting");
    assert!(poll(closed.as_mut(), &waker).is_ready());
    groundup::block_on(tx.closed());
}

#[test]
fn senders_waiting_for_room_are_served_in_order() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let mut sends: Vec<_> = (1..=5).map(|i| Box::pin(tx.send(i))).collect();
    let (count, waker) = counter();
    for send in &mut sends {
        assert!(poll(send.as_mut(), &waker).is_pending());
    }
    for i in 0..5 {
        assert_eq!(rx.try_recv(), Ok(i));
        assert_eq!(wakes(&count), i + 1);
        // Only the oldest waiting send got the slot.
        assert!(poll(sends[i].as_mut(), &waker).is_ready());
        for later in &mut sends[i + 1..] {
            assert!(poll(later.as_mut(), &waker).is_pending());
        }
    }
    assert_eq!(rx.try_recv(), Ok(5));
}

#[test]
fn a_send_dropped_while_waiting_for_room_leaves_the_line() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    {
        let mut gives_up = pin!(tx.send(1));
        assert!(poll(gives_up.as_mut(), Waker::noop()).is_pending());
    }
    let (count, waker) = counter();
    let mut send = pin!(tx.send(2));
    assert!(poll(send.as_mut(), &waker).is_pending());
    assert_eq!(rx.try_recv(), Ok(0));
    assert_eq!(wakes(&count), 1);
    assert!(poll(send.as_mut(), &waker).is_ready());
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn a_slot_handed_to_a_send_dropped_before_it_ran_goes_to_the_next_sender() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let (count, waker) = counter();
    let mut next = pin!(tx.send(2));
    {
        let mut first = pin!(tx.send(1));
        assert!(poll(first.as_mut(), Waker::noop()).is_pending());
        assert!(poll(next.as_mut(), &waker).is_pending());
        assert_eq!(rx.try_recv(), Ok(0)); // the slot goes to `first` ...
        assert_eq!(wakes(&count), 0);
    } // ... which is dropped before it ran
    assert_eq!(wakes(&count), 1, "the slot went on");
    assert!(poll(next.as_mut(), &waker).is_ready());
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn a_dropped_recv_loses_no_message() {
    groundup::block_on(async {
        let (tx, mut rx) = mpsc::unbounded_channel();
        {
            let mut recv = pin!(rx.recv());
            assert!(poll(recv.as_mut(), Waker::noop()).is_pending());
            tx.send(1).unwrap();
        }
        assert_eq!(rx.recv().await, Some(1));
    });
}

#[test]
fn try_send_and_capacity_follow_the_slots() {
    let (tx, mut rx) = mpsc::channel(2);
    assert_eq!((tx.capacity(), tx.max_capacity()), (2, 2));
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    assert_eq!(tx.try_send(3), Err(TrySendError::Full(3)));
    assert_eq!((tx.capacity(), rx.len()), (0, 2));
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(tx.capacity(), 1);
    let permit = tx.try_reserve().unwrap();
    assert_eq!(tx.capacity(), 0);
    drop(permit);
    assert_eq!(tx.capacity(), 1);
}

#[test]
fn recv_many_takes_up_to_the_limit_and_zero_only_at_the_end() {
    groundup::block_on(async {
        let (tx, mut rx) = mpsc::channel(10);
        for i in 0..5 {
            tx.send(i).await.unwrap();
        }
        let mut buffer = Vec::new();
        assert_eq!(rx.recv_many(&mut buffer, 0).await, 0);
        assert_eq!(rx.recv_many(&mut buffer, 3).await, 3);
        assert_eq!(rx.recv_many(&mut buffer, 3).await, 2);
        assert_eq!(buffer, [0, 1, 2, 3, 4]);
        assert_eq!(tx.capacity(), 10, "received messages free their slots");
        drop(tx);
        assert_eq!(rx.recv_many(&mut buffer, 3).await, 0);
    });
}

#[test]
fn a_weak_sender_does_not_keep_the_channel_open() {
    groundup::block_on(async {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        let weak = tx.downgrade();
        let strong = weak.upgrade().unwrap();
        assert_eq!((tx.strong_count(), tx.weak_count()), (2, 1));
        drop((tx, strong));
        assert!(weak.upgrade().is_none());
        assert_eq!(rx.recv().await, None);

        let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
        let weak = tx.downgrade();
        drop(tx);
        assert!(weak.upgrade().is_none());
        assert_eq!(rx.recv().await, None);
    });
}

#[test]
fn send_timeout_gives_the_value_back_on_timeout_and_on_close() {
    groundup::block_on(async {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send_timeout(1, Duration::from_secs(60)).await.unwrap();
        let error = tx.send_timeout(2, Duration::from_millis(5)).await.unwrap_err();
        assert_eq!(error, SendTimeoutError::Timeout(2));
        rx.close();
        let error = tx.send_timeout(3, Duration::from_secs(60)).await.unwrap_err();
        assert_eq!(error, SendTimeoutError::Closed(3));
        assert_eq!(rx.recv().await, Some(1));
    });
}

#[test]
fn owned_permits_send_or_release_and_give_the_sender_back() {
    groundup::block_on(async {
        let (tx, mut rx) = mpsc::channel(1);
        let permit = tx.clone().reserve_owned().await.unwrap();
        assert!(tx.try_reserve().is_err());
        let released = permit.release();
        let permit = released.reserve_owned().await.unwrap();
        let again = groundup::spawn(async move { permit.send(7) }).await.unwrap();
        assert_eq!(rx.recv().await, Some(7));
        drop((tx, again));
        assert_eq!(rx.recv().await, None);
    });
}

#[test]
fn reserve_many_waits_for_all_its_slots_and_no_later_send_overtakes_it() {
    let (tx, mut rx) = mpsc::channel(3);
    tx.try_send(0).unwrap();
    tx.try_send(1).unwrap();
    assert_eq!(tx.try_reserve_many(2).unwrap_err(), TrySendError::Full(()));
    let (count, waker) = counter();
    let mut many = pin!(tx.reserve_many(2));
    assert!(poll(many.as_mut(), &waker).is_pending(), "one free slot of two");
    assert_eq!(tx.try_send(9), Err(TrySendError::Full(9)), "the free slot is the waiter's");
    assert_eq!(rx.try_recv(), Ok(0));
    assert_eq!(wakes(&count), 1);
    let Poll::Ready(Ok(mut permits)) = poll(many.as_mut(), &waker) else { panic!() };
    assert_eq!((permits.len(), tx.capacity()), (2, 0));
    permits.next().unwrap().send(2);
    permits.next().unwrap().send(3);
    assert!(permits.next().is_none());
    assert_eq!(permits.size_hint(), (0, Some(0)));
    for i in 1..=3 {
        assert_eq!(rx.try_recv(), Ok(i));
    }
}

#[test]
fn reserve_many_over_the_bound_fails_at_once_and_zero_is_an_empty_iterator() {
    let (tx, rx) = mpsc::channel::<u8>(2);
    let mut over = pin!(tx.reserve_many(3));
    assert!(matches!(poll(over.as_mut(), Waker::noop()), Poll::Ready(Err(_))), "no wait");
    assert_eq!(tx.try_reserve_many(3).unwrap_err(), TrySendError::Full(()));
    let held = tx.try_reserve_many(2).unwrap();
    let mut zero = pin!(tx.reserve_many(0));
    let Poll::Ready(Ok(none)) = poll(zero.as_mut(), Waker::noop()) else { panic!() };
    assert_eq!(none.len(), 0, "ready on a full channel");
    drop(none);
    let (count, waker) = counter();
    let mut waiting = pin!(tx.reserve_many(1));
    assert!(poll(waiting.as_mut(), &waker).is_pending());
    drop(rx);
    assert_eq!(wakes(&count), 1, "the receiver's drop fails the waiting reserve_many");
    assert!(matches!(poll(waiting.as_mut(), &waker), Poll::Ready(Err(_))));
    assert_eq!(tx.try_reserve_many(0).unwrap_err(), TrySendError::Closed(()));
    drop(held);
}

#[test]
fn a_permit_iterator_dropped_half_used_gives_back_the_rest() {
    let (tx, mut rx) = mpsc::channel(4);
    let mut permits = tx.try_reserve_many(4).unwrap();
    permits.next().unwrap().send(1);
    let held = permits.next().unwrap();
    assert_eq!((permits.len(), tx.capacity()), (2, 0));
    drop(permits);
    assert_eq!(tx.capacity(), 2, "one slot is a message, one a permit still held");
    drop(held);
    assert_eq!(tx.capacity(), 3);
    // After a close, the receiver waits for reserved slots; an iterator
    // dropped with some left ends that wait.
    let permits = tx.try_reserve_many(2).unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Ok(1));
    let (count, waker) = counter();
    let mut recv = pin!(rx.recv());
    assert!(poll(recv.as_mut(), &waker).is_pending());
    drop(permits);
    assert_eq!(wakes(&count), 1);
    assert_eq!(poll(recv.as_mut(), &waker), Poll::Ready(None));
}

#[test]
fn std_threads_blocking_send_into_a_task_in_order_per_sender() {
    let per_thread = if cfg!(miri) { 20 } else { 2_000 };
    let (tx, mut rx) = mpsc::channel(4);
    let threads: Vec<_> = (0..3)
        .map(|t| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..per_thread {
                    tx.blocking_send((t, i)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut next = [0; 3];
    groundup::block_on(async {
        while let Some((t, i)) = rx.recv().await {
            assert_eq!(next[t], i, "thread {t}'s messages out of order");
            next[t] += 1;
        }
    });
    assert_eq!(next, [per_thread; 3]);
    threads.into_iter().for_each(|t| t.join().unwrap());
}

#[test]
fn a_task_of_another_runtime_sends_into_this_one_and_a_thread_receives() {
    let n = if cfg!(miri) { 20 } else { 5_000 };
    let (tx, mut rx) = mpsc::channel(2);
    let other = thread::spawn(move || {
        groundup::Runtime::new().unwrap().block_on(async move {
            for i in 0..n {
                tx.send(i).await.unwrap();
            }
        })
    });
    let (back_tx, mut back_rx) = mpsc::unbounded_channel();
    let receiver_thread = thread::spawn(move || {
        let mut count = 0;
        while let Some(i) = back_rx.blocking_recv() {
            assert_eq!(i, count);
            count += 1;
        }
        count
    });
    groundup::block_on(async move {
        while let Some(i) = rx.recv().await {
            back_tx.send(i).unwrap();
        }
    });
    other.join().unwrap();
    assert_eq!(receiver_thread.join().unwrap(), n);
}

#[test]
fn blocking_recv_inside_the_runtime_panics_with_the_fix() {
    let (_tx, mut rx) = mpsc::channel::<u8>(1);
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        groundup::block_on(async { rx.blocking_recv() })
    }))
    .unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("mpsc::Receiver::blocking_recv") && message.contains(".await"));
}

#[test]
#[should_panic(expected = "buffer > 0")]
fn a_zero_bound_is_refused() {
    let _ = mpsc::channel::<u8>(0);
}
