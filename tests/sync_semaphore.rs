//! `sync::Semaphore`: permits taken and given back, FIFO order (a large
//! request in front holds back small ones), cancellation in every waiting
//! state (permits granted to a dropped waiter go to the next), close, and
//! permits released from std threads and from another runtime.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use groundup::sync::{OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError};

/// A waker that counts its wakes.
#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counter() -> (Arc<Count>, Waker) {
    let count = Arc::new(Count::default());
    (Arc::clone(&count), Waker::from(count))
}

fn wakes(count: &Count) -> usize {
    count.0.load(Ordering::SeqCst)
}

fn poll<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

#[test]
fn the_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Semaphore>();
    send_sync::<SemaphorePermit<'_>>();
    send_sync::<OwnedSemaphorePermit>();
    fn send<T: Send>(_: &T) {}
    let semaphore = Semaphore::new(1);
    send(&semaphore.acquire());
}

#[test]
fn a_released_permit_wakes_the_waiter_and_is_its() {
    let semaphore = Semaphore::new(1);
    let held = semaphore.try_acquire().unwrap();
    let (count, waker) = counter();
    let mut waiting = pin!(semaphore.acquire());
    assert!(poll(waiting.as_mut(), &waker).is_pending());
    assert_eq!(semaphore.available_permits(), 0);
    drop(held);
    assert_eq!(wakes(&count), 1);
    assert_eq!(semaphore.available_permits(), 0, "the permit went to the waiter");
    let Poll::Ready(Ok(permit)) = poll(waiting.as_mut(), &waker) else { panic!("not acquired") };
    drop(permit);
    assert_eq!(semaphore.available_permits(), 1);
}

#[test]
fn a_large_request_in_front_holds_back_small_ones_behind_it() {
    let semaphore = Semaphore::new(1);
    let (big_count, big_waker) = counter();
    let (small_count, small_waker) = counter();
    let mut big = pin!(semaphore.acquire_many(3));
    let mut small = pin!(semaphore.acquire());
    // The big one takes the free permit as a partial grant and waits.
    assert!(poll(big.as_mut(), &big_waker).is_pending());
    assert_eq!(semaphore.available_permits(), 0);
    // The small one may not overtake it, and neither may try_acquire.
    assert!(poll(small.as_mut(), &small_waker).is_pending());
    assert_eq!(semaphore.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
    semaphore.add_permits(1);
    assert_eq!((wakes(&big_count), wakes(&small_count)), (0, 0), "1 + 1 < 3");
    semaphore.add_permits(2); // the big one completes; one is left for the small one
    assert_eq!((wakes(&big_count), wakes(&small_count)), (1, 1));
    let Poll::Ready(Ok(big)) = poll(big.as_mut(), &big_waker) else { panic!() };
    let Poll::Ready(Ok(small)) = poll(small.as_mut(), &small_waker) else { panic!() };
    assert_eq!((big.num_permits(), small.num_permits()), (3, 1));
}

#[test]
fn waiters_are_served_in_the_order_they_came() {
    let semaphore = Semaphore::new(0);
    let mut futures: Vec<_> = (0..10).map(|_| Box::pin(semaphore.acquire())).collect();
    let counters: Vec<_> = futures
        .iter_mut()
        .map(|f| {
            let (count, waker) = counter();
            assert!(poll(f.as_mut(), &waker).is_pending());
            (count, waker)
        })
        .collect();
    for i in 0..10 {
        semaphore.add_permits(1);
        let woken: Vec<usize> = counters.iter().map(|(c, _)| wakes(c)).collect();
        let expected: Vec<usize> = (0..10).map(|j| usize::from(j <= i)).collect();
        assert_eq!(woken, expected, "after {} permits", i + 1);
    }
    for (f, (_, waker)) in futures.iter_mut().zip(&counters) {
        let Poll::Ready(Ok(permit)) = poll(f.as_mut(), waker) else { panic!() };
        permit.forget();
    }
}

#[test]
fn a_dropped_waiter_leaves_the_line() {
    let semaphore = Semaphore::new(0);
    let (count, waker) = counter();
    {
        let mut first = pin!(semaphore.acquire());
        assert!(poll(first.as_mut(), &waker).is_pending());
    }
    let (second_count, second_waker) = counter();
    let mut second = pin!(semaphore.acquire());
    assert!(poll(second.as_mut(), &second_waker).is_pending());
    semaphore.add_permits(1);
    assert_eq!((wakes(&count), wakes(&second_count)), (0, 1));
    assert!(poll(second.as_mut(), &second_waker).is_ready());
}

#[test]
fn a_waiter_dropped_right_after_it_was_handed_its_permits_passes_them_on() {
    let semaphore = Semaphore::new(0);
    let (next_count, next_waker) = counter();
    let mut next = pin!(semaphore.acquire_many(2));
    {
        let mut first = pin!(semaphore.acquire_many(2));
        assert!(poll(first.as_mut(), &Waker::noop().clone()).is_pending());
        assert!(poll(next.as_mut(), &next_waker).is_pending());
        semaphore.add_permits(2); // all of them to `first`, which is notified
        assert_eq!(wakes(&next_count), 0);
    } // ... and dropped before it ran
    assert_eq!(wakes(&next_count), 1, "the permits went on to the next waiter");
    let Poll::Ready(Ok(permit)) = poll(next.as_mut(), &next_waker) else { panic!() };
    assert_eq!(permit.num_permits(), 2);
}

#[test]
fn a_partial_grant_of_a_dropped_waiter_goes_to_the_next() {
    let semaphore = Semaphore::new(2);
    let (next_count, next_waker) = counter();
    let mut next = pin!(semaphore.acquire_many(2));
    {
        let mut first = pin!(semaphore.acquire_many(5));
        assert!(poll(first.as_mut(), Waker::noop()).is_pending()); // granted 2 of 5
        assert!(poll(next.as_mut(), &next_waker).is_pending());
        assert_eq!(semaphore.available_permits(), 0);
    }
    assert_eq!(wakes(&next_count), 1);
    assert!(poll(next.as_mut(), &next_waker).is_ready());
}

#[test]
fn the_last_waiter_dropped_gives_its_grant_back_to_the_free_permits() {
    let semaphore = Semaphore::new(1);
    {
        let mut waiting = pin!(semaphore.acquire_many(2));
        assert!(poll(waiting.as_mut(), Waker::noop()).is_pending());
        assert_eq!(semaphore.available_permits(), 0);
    }
    assert_eq!(semaphore.available_permits(), 1);
    assert!(semaphore.try_acquire().is_ok(), "nobody waits: the fast path works again");
}

#[test]
fn close_fails_every_waiter_and_later_acquires_but_held_permits_stay() {
    let semaphore = Semaphore::new(1);
    let held = semaphore.try_acquire().unwrap();
    let (count, waker) = counter();
    let mut a = pin!(semaphore.acquire());
    let mut b = pin!(semaphore.acquire_many(3));
    assert!(poll(a.as_mut(), &waker).is_pending());
    assert!(poll(b.as_mut(), &waker).is_pending());
    semaphore.close();
    assert_eq!(wakes(&count), 2);
    assert!(matches!(poll(a.as_mut(), &waker), Poll::Ready(Err(_))));
    assert!(matches!(poll(b.as_mut(), &waker), Poll::Ready(Err(_))));
    assert_eq!(semaphore.try_acquire().unwrap_err(), TryAcquireError::Closed);
    assert!(groundup::block_on(semaphore.acquire()).is_err());
    assert_eq!(held.num_permits(), 1);
    drop(held);
    assert_eq!(semaphore.available_permits(), 1);
}

#[test]
fn more_waiters_than_a_wake_batch_are_all_woken() {
    let semaphore = Semaphore::new(0);
    let (count, waker) = counter();
    let mut futures: Vec<_> = (0..100).map(|_| Box::pin(semaphore.acquire())).collect();
    for f in &mut futures {
        assert!(poll(f.as_mut(), &waker).is_pending());
    }
    semaphore.add_permits(100);
    assert_eq!(wakes(&count), 100);
    drop(futures); // all notified, none polled: the permits go back
    assert_eq!(semaphore.available_permits(), 100);
}

#[test]
fn permits_released_on_std_threads_wake_tasks_in_the_runtime() {
    let semaphore = Arc::new(Semaphore::new(0));
    let n = if cfg!(miri) { 3 } else { 50 };
    let releaser = {
        let semaphore = Arc::clone(&semaphore);
        thread::spawn(move || {
            for _ in 0..n {
                semaphore.add_permits(1);
                thread::yield_now();
            }
        })
    };
    groundup::block_on(async {
        for _ in 0..n {
            semaphore.acquire().await.unwrap().forget();
        }
    });
    releaser.join().unwrap();
}

#[test]
fn a_permit_dropped_in_another_runtime_wakes_a_task_in_this_one() {
    let semaphore = Arc::new(Semaphore::new(1));
    let permit = Arc::clone(&semaphore).try_acquire_owned().unwrap();
    let other = thread::spawn(move || {
        let rt = groundup::Runtime::new().unwrap();
        rt.block_on(async move { groundup::spawn(async move { drop(permit) }).await.unwrap() });
    });
    groundup::block_on(async {
        let permit = semaphore.acquire().await.unwrap();
        assert_eq!(permit.num_permits(), 1);
    });
    other.join().unwrap();
}

#[test]
fn tasks_contending_for_permits_never_exceed_them() {
    let semaphore = Arc::new(Semaphore::new(3));
    let inside = Arc::new(AtomicUsize::new(0));
    groundup::block_on(async {
        let tasks: Vec<_> = (0..20)
            .map(|i| {
                let (semaphore, inside) = (Arc::clone(&semaphore), Arc::clone(&inside));
                let want = 1 + i % 3;
                groundup::spawn(async move {
                    let _permit = semaphore.acquire_many(want).await.unwrap();
                    let now = inside.fetch_add(want as usize, Ordering::SeqCst) + want as usize;
                    assert!(now <= 3, "{now} permits in use");
                    groundup::task::yield_now().await;
                    inside.fetch_sub(want as usize, Ordering::SeqCst);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    assert_eq!(semaphore.available_permits(), 3);
}

#[test]
#[should_panic(expected = "at most")]
fn more_than_max_permits_is_refused() {
    let _ = Semaphore::new(Semaphore::MAX_PERMITS + 1);
}

#[test]
fn adding_permits_past_the_maximum_panics_and_leaves_the_count() {
    let semaphore = Semaphore::new(Semaphore::MAX_PERMITS);
    let result = std::panic::catch_unwind(|| semaphore.add_permits(1));
    let message = result.unwrap_err().downcast::<String>().unwrap();
    assert!(message.contains("overflows"), "{message}");
    assert_eq!(semaphore.available_permits(), Semaphore::MAX_PERMITS);
}
