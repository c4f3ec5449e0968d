//! `sync::Barrier`: one leader per round, rounds that follow each other, a
//! waiter that gives up (it still counts, as tokio's), and waiters on std
//! threads and in other runtimes.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use groundup::sync::Barrier;

#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn poll<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

#[test]
fn the_barrier_is_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Barrier>();
    fn send<T: Send>(_: &T) {}
    send(&Barrier::new(2).wait());
}

#[test]
fn the_last_arrival_releases_the_others_and_is_the_only_leader() {
    let barrier = Barrier::new(3);
    let count = Arc::new(Count::default());
    let waker = Waker::from(Arc::clone(&count));
    let mut a = pin!(barrier.wait());
    let mut b = pin!(barrier.wait());
    assert!(poll(a.as_mut(), &waker).is_pending());
    assert!(poll(b.as_mut(), &waker).is_pending());
    let Poll::Ready(c) = poll(pin!(barrier.wait()), &waker) else { panic!("the third waits") };
    assert!(c.is_leader());
    assert_eq!(count.0.load(Ordering::SeqCst), 2);
    let Poll::Ready(a) = poll(a.as_mut(), &waker) else { panic!() };
    let Poll::Ready(b) = poll(b.as_mut(), &waker) else { panic!() };
    assert!(!a.is_leader() && !b.is_leader());
}

#[test]
fn rounds_follow_each_other() {
    let n = if cfg!(miri) { 3 } else { 50 };
    let barrier = Arc::new(Barrier::new(4));
    let leaders = Arc::new(AtomicUsize::new(0));
    groundup::block_on(async {
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let (barrier, leaders) = (Arc::clone(&barrier), Arc::clone(&leaders));
                groundup::spawn(async move {
                    for _ in 0..n {
                        if barrier.wait().await.is_leader() {
                            leaders.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    assert_eq!(leaders.load(Ordering::SeqCst), n, "one leader per round");
}

#[test]
fn a_dropped_waiter_still_counts_for_its_round() {
    let barrier = Barrier::new(2);
    {
        let mut gives_up = pin!(barrier.wait());
        assert!(poll(gives_up.as_mut(), Waker::noop()).is_pending());
    }
    let Poll::Ready(result) = poll(pin!(barrier.wait()), Waker::noop()) else {
        panic!("the dropped waiter counted as the first of two");
    };
    assert!(result.is_leader());
}

#[test]
fn a_zero_barrier_acts_as_one() {
    assert!(groundup::block_on(Barrier::new(0).wait()).is_leader());
}

#[test]
fn std_threads_and_runtimes_meet_at_the_barrier() {
    let barrier = Arc::new(Barrier::new(3));
    let in_runtime = {
        let barrier = Arc::clone(&barrier);
        thread::spawn(move || {
            groundup::Runtime::new()
                .unwrap()
                .block_on(async move { barrier.wait().await.is_leader() })
        })
    };
    let blocking = {
        let barrier = Arc::clone(&barrier);
        thread::spawn(move || groundup::block_on(barrier.wait()).is_leader())
    };
    let here = groundup::block_on(barrier.wait()).is_leader();
    let leaders = [here, in_runtime.join().unwrap(), blocking.join().unwrap()];
    assert_eq!(leaders.iter().filter(|&&l| l).count(), 1);
}
