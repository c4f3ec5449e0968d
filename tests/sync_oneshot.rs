//! `sync::oneshot`: values and errors, close and drop, cancellation, wakers
//! replaced and released, and senders and receivers on other threads and
//! other runtimes.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use groundup::sync::oneshot::{self, error::RecvError, error::TryRecvError};

/// Fewer rounds under Miri, which is slow; the same scenarios.
const ROUNDS: usize = if cfg!(miri) { 5 } else { 200 };

/// A waker that counts its wakes; `Arc::strong_count` tells whether the
/// channel still holds a clone.
#[derive(Default)]
struct CountingWaker {
    wakes: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<CountingWaker>, Waker) {
    let counter = Arc::new(CountingWaker::default());
    (Arc::clone(&counter), Waker::from(counter))
}

fn wakes(counter: &CountingWaker) -> usize {
    counter.wakes.load(Ordering::SeqCst)
}

fn poll_once<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

/// Counts the drops of a value sent through a channel, and the thread it
/// was dropped on.
#[derive(Debug)]
struct DropRecorder(mpsc::Sender<thread::ThreadId>);

impl Drop for DropRecorder {
    fn drop(&mut self) {
        let _ = self.0.send(thread::current().id());
    }
}

#[test]
fn a_value_sent_before_the_await_is_received() {
    let (tx, rx) = oneshot::channel();
    tx.send(String::from("hi")).unwrap();
    assert_eq!(groundup::block_on(rx), Ok(String::from("hi")));
}

#[test]
fn a_value_sent_while_the_receiver_waits_wakes_it() {
    groundup::block_on(async {
        let (tx, rx) = oneshot::channel();
        let sender = groundup::spawn(async move {
            groundup::task::yield_now().await;
            tx.send(5).unwrap();
        });
        assert_eq!(rx.await, Ok(5));
        sender.await.unwrap();
    });
}

#[test]
fn a_sender_dropped_without_sending_ends_the_wait_with_an_error() {
    groundup::block_on(async {
        let (tx, rx) = oneshot::channel::<u32>();
        groundup::spawn(async move {
            groundup::task::yield_now().await;
            drop(tx);
        });
        assert!(matches!(rx.await, Err(RecvError { .. })));
    });
}

#[test]
fn send_after_the_receiver_is_gone_gives_the_value_back() {
    let (tx, rx) = oneshot::channel();
    drop(rx);
    assert!(tx.is_closed());
    let value = Rc::new(3);
    let back = tx.send(Rc::clone(&value)).unwrap_err();
    assert!(Rc::ptr_eq(&back, &value), "the very value came back");
}

#[test]
fn close_makes_send_fail_and_try_recv_report_closed() {
    let (tx, mut rx) = oneshot::channel();
    rx.close();
    assert!(tx.is_closed());
    assert_eq!(tx.send(1), Err(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert!(rx.is_terminated());
}

#[test]
fn a_value_sent_before_close_is_still_received() {
    let (tx, mut rx) = oneshot::channel();
    tx.send("kept").unwrap();
    rx.close();
    assert!(!rx.is_empty());
    assert_eq!(groundup::block_on(&mut rx), Ok("kept"));

    let (tx, mut rx) = oneshot::channel();
    tx.send("kept").unwrap();
    rx.close();
    rx.close(); // twice is still a no-op
    assert_eq!(rx.try_recv(), Ok("kept"));
}

#[test]
fn awaiting_a_closed_receiver_gives_an_error() {
    let (_tx, mut rx) = oneshot::channel::<u32>();
    rx.close();
    assert!(groundup::block_on(rx).is_err());
}

#[test]
fn try_recv_says_empty_then_gives_the_value_then_closed() {
    let (tx, mut rx) = oneshot::channel();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert!(!rx.is_terminated(), "an empty try_recv does not end the receiver");
    tx.send(9).unwrap();
    assert_eq!(rx.try_recv(), Ok(9));
    assert!(rx.is_terminated());
    assert!(rx.is_empty());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    rx.close(); // a no-op once terminated

    let (tx, mut rx) = oneshot::channel::<u32>();
    drop(tx);
    assert!(rx.is_empty());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
#[should_panic(expected = "polled after it gave its result")]
fn polling_a_receiver_after_its_result_panics() {
    let (tx, mut rx) = oneshot::channel();
    tx.send(1).unwrap();
    groundup::block_on(async {
        assert_eq!((&mut rx).await, Ok(1));
        let _ = (&mut rx).await;
    });
}

#[test]
fn errors_display_as_tokio_s_do() {
    let (tx, rx) = oneshot::channel::<()>();
    drop(tx);
    let error = groundup::block_on(rx).unwrap_err();
    assert_eq!(error.to_string(), "channel closed");
    assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
    assert_eq!(TryRecvError::Closed.to_string(), "channel closed");
    let _: &dyn std::error::Error = &error;
    let _: &dyn std::error::Error = &TryRecvError::Empty;
}

#[test]
fn a_value_never_received_is_dropped_with_the_receiver_on_its_thread() {
    let (drops, dropped) = mpsc::channel();
    let (tx, rx) = oneshot::channel();
    tx.send(DropRecorder(drops)).unwrap();
    let receiver_thread = thread::spawn(move || {
        drop(rx);
        thread::current().id()
    })
    .join()
    .unwrap();
    assert_eq!(dropped.try_recv(), Ok(receiver_thread), "dropped once, by the receiver");
    assert!(dropped.try_recv().is_err(), "dropped only once");
}

#[test]
fn the_handles_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<oneshot::Sender<String>>();
    send_sync::<oneshot::Receiver<String>>();
    send_sync::<oneshot::error::RecvError>();
    send_sync::<oneshot::error::TryRecvError>();
}

#[test]
fn debug_shows_the_state() {
    let (tx, mut rx) = oneshot::channel::<u32>();
    let shown = format!("{tx:?}");
    assert!(shown.starts_with("Sender") && shown.contains("closed: false"), "{shown}");
    tx.send(1).unwrap();
    assert!(format!("{rx:?}").contains("complete: true"));
    rx.try_recv().unwrap();
    assert!(format!("{rx:?}").contains("terminated"));
}

// ===== Cancellation and wakers =====

#[test]
fn a_receiver_dropped_while_waiting_lets_the_sender_see_closed() {
    groundup::block_on(async {
        let (mut tx, rx) = oneshot::channel::<u32>();
        let waiter = groundup::spawn(rx);
        groundup::task::yield_now().await; // the waiter is now waiting
        assert!(!tx.is_closed());
        waiter.abort();
        tx.closed().await;
        assert!(tx.is_closed());
        assert!(waiter.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn a_receiver_that_loses_a_select_keeps_its_place() {
    groundup::block_on(async {
        let (tx, mut rx) = oneshot::channel();
        groundup::select! {
            biased;
            _ = async {} => {}
            _ = &mut rx => unreachable!("nothing was sent"),
        }
        tx.send("after the lost select").unwrap();
        assert_eq!(rx.await, Ok("after the lost select"));
    });
}

#[test]
fn closed_wakes_when_the_receiver_closes_or_drops() {
    groundup::block_on(async {
        let (mut tx, mut rx) = oneshot::channel::<u32>();
        groundup::spawn(async move {
            groundup::task::yield_now().await;
            rx.close();
            assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
        });
        tx.closed().await;

        let (mut tx, rx) = oneshot::channel::<u32>();
        groundup::spawn(async move {
            groundup::task::yield_now().await;
            drop(rx);
        });
        tx.closed().await;
        assert_eq!(tx.send(1), Err(1));
    });
}

#[test]
fn closed_in_a_select_stops_work_nobody_waits_for() {
    groundup::block_on(async {
        let (mut tx, rx) = oneshot::channel::<u32>();
        let worker = groundup::spawn(async move {
            groundup::select! {
                _ = tx.closed() => "abandoned",
                _ = poll_fn(|_| Poll::<()>::Pending) => "finished",
            }
        });
        groundup::task::yield_now().await;
        drop(rx);
        assert_eq!(worker.await.unwrap(), "abandoned");
    });
}

#[test]
fn the_receiver_keeps_only_its_latest_waker() {
    let (tx, mut rx) = oneshot::channel();
    let (first, first_waker) = counting_waker();
    let (second, second_waker) = counting_waker();
    assert!(poll_once(&mut rx, &first_waker).is_pending());
    assert!(poll_once(&mut rx, &first_waker).is_pending(), "the same waker, kept");
    assert!(poll_once(&mut rx, &second_waker).is_pending());
    drop((first_waker, second_waker));
    assert_eq!(Arc::strong_count(&first), 1, "the replaced waker was dropped");
    assert_eq!(Arc::strong_count(&second), 2, "the channel holds the latest");
    tx.send(1).unwrap();
    assert_eq!((wakes(&first), wakes(&second)), (0, 1));
    assert_eq!(poll_once(&mut rx, &Waker::noop().clone()), Poll::Ready(Ok(1)));
    drop(rx);
    assert_eq!(Arc::strong_count(&second), 1, "released with the channel");
}

#[test]
fn close_releases_the_receivers_waker() {
    let (_tx, mut rx) = oneshot::channel::<u32>();
    let (counter, waker) = counting_waker();
    assert!(poll_once(&mut rx, &waker).is_pending());
    drop(waker);
    assert_eq!(Arc::strong_count(&counter), 2);
    rx.close();
    assert_eq!(Arc::strong_count(&counter), 1, "no task is held by a closed channel");
}

#[test]
fn the_sender_keeps_only_its_latest_waker_for_closed() {
    let (mut tx, rx) = oneshot::channel::<u32>();
    let (first, first_waker) = counting_waker();
    let (second, second_waker) = counting_waker();
    let mut cx1 = Context::from_waker(&first_waker);
    let mut cx2 = Context::from_waker(&second_waker);
    assert!(tx.poll_closed(&mut cx1).is_pending());
    assert!(tx.poll_closed(&mut cx1).is_pending());
    assert!(tx.poll_closed(&mut cx2).is_pending());
    drop(rx);
    assert_eq!((wakes(&first), wakes(&second)), (0, 1));
    assert!(tx.poll_closed(&mut cx1).is_ready());
    drop(tx);
    drop((first_waker, second_waker));
    assert_eq!((Arc::strong_count(&first), Arc::strong_count(&second)), (1, 1));
}

#[test]
fn a_ready_receiver_still_spends_the_task_budget() {
    // A task awaiting ready receivers in a loop must still let the others
    // run now and then: each receive spends a unit of the budget.
    groundup::block_on(async {
        let other_ran = Rc::new(std::cell::Cell::new(false));
        let flag = Rc::clone(&other_ran);
        groundup::spawn(async move { flag.set(true) });
        for _ in 0..1000 {
            let (tx, rx) = oneshot::channel();
            tx.send(()).unwrap();
            rx.await.unwrap();
            if other_ran.get() {
                return;
            }
        }
        panic!("1000 ready receives never yielded to the other task");
    });
}

// ===== Other threads and other runtimes =====

#[test]
fn std_threads_send_to_waiting_tasks() {
    groundup::block_on(async {
        for _ in 0..ROUNDS {
            let (tx, rx) = oneshot::channel();
            let sender = thread::spawn(move || tx.send(thread::current().id()).unwrap());
            let id = rx.await.unwrap();
            assert_eq!(sender.thread().id(), id);
            sender.join().unwrap();
        }
    });
}

#[test]
fn std_threads_drop_senders_of_waiting_tasks() {
    groundup::block_on(async {
        for _ in 0..ROUNDS {
            let (tx, rx) = oneshot::channel::<u32>();
            let dropper = thread::spawn(move || drop(tx));
            assert!(rx.await.is_err());
            dropper.join().unwrap();
        }
    });
}

#[test]
fn std_threads_close_receivers_of_waiting_senders() {
    groundup::block_on(async {
        for _ in 0..ROUNDS {
            let (mut tx, rx) = oneshot::channel::<u32>();
            let closer = thread::spawn(move || drop(rx));
            tx.closed().await;
            closer.join().unwrap();
        }
    });
}

#[test]
fn sends_race_receivers_on_many_threads() {
    // Sender and receiver start together; every interleaving must either
    // deliver the value or give it back, never both, never neither.
    for round in 0..ROUNDS {
        let (tx, rx) = oneshot::channel();
        let start = Arc::new(Barrier::new(2));
        let receiver = {
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                if round % 2 == 0 {
                    rx.blocking_recv().ok()
                } else {
                    drop(rx);
                    None
                }
            })
        };
        start.wait();
        let sent = tx.send(round);
        let received = receiver.join().unwrap();
        match (sent, received) {
            (Ok(()), Some(v)) => assert_eq!(v, round),
            (Ok(()), None) => assert_eq!(round % 2, 1, "a blocking receiver must get it"),
            (Err(v), None) => assert_eq!(v, round),
            (Err(_), Some(_)) => panic!("the value was both given back and received"),
        }
    }
}

#[test]
fn a_second_runtime_sends_to_this_one() {
    let (tx, rx) = oneshot::channel();
    let other = thread::spawn(move || {
        let runtime = groundup::Runtime::new().unwrap();
        runtime.block_on(async move {
            groundup::task::yield_now().await;
            tx.send("from the other runtime").unwrap();
        });
    });
    let got = groundup::block_on(rx);
    assert_eq!(got, Ok("from the other runtime"));
    other.join().unwrap();
}

#[test]
fn a_second_runtime_waits_for_this_one() {
    let (to_other, from_here) = oneshot::channel();
    let (to_here, from_other) = oneshot::channel();
    let other = thread::spawn(move || {
        let runtime = groundup::Runtime::new().unwrap();
        runtime.block_on(async move {
            let got: u32 = from_here.await.unwrap();
            to_here.send(got + 1).unwrap();
        });
    });
    groundup::block_on(async move {
        to_other.send(41).unwrap();
        assert_eq!(from_other.await, Ok(42));
    });
    other.join().unwrap();
}

#[test]
fn blocking_recv_on_a_std_thread_gets_a_tasks_value() {
    let (tx, rx) = oneshot::channel();
    let waiter = thread::spawn(move || rx.blocking_recv());
    groundup::block_on(async move {
        groundup::task::yield_now().await;
        tx.send(10u8).unwrap();
    });
    assert_eq!(waiter.join().unwrap(), Ok(10));

    let (tx, rx) = oneshot::channel::<u8>();
    let waiter = thread::spawn(move || rx.blocking_recv());
    drop(tx);
    assert!(waiter.join().unwrap().is_err());

    let (tx, rx) = oneshot::channel();
    tx.send(1).unwrap();
    assert_eq!(rx.blocking_recv(), Ok(1), "a value already there needs no wait");
}

#[test]
#[should_panic(expected = "blocking_recv called inside a groundup runtime")]
fn blocking_recv_inside_a_runtime_panics() {
    let (tx, rx) = oneshot::channel();
    tx.send(1).unwrap();
    groundup::block_on(async move {
        let _ = rx.blocking_recv();
    });
}
