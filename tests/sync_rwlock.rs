//! `sync::RwLock`: shared readers, exclusive writers, tokio's fairness (a
//! waiting writer holds back later readers), cancellation of a waiting
//! writer (the read permits it collected go to the readers behind it),
//! downgrade, and holders on std threads.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use groundup::sync::{
    OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
};

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
fn the_types_are_send_and_sync_as_tokios() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<RwLock<u8>>();
    send_sync::<RwLockReadGuard<'_, u8>>();
    send_sync::<RwLockWriteGuard<'_, u8>>();
    send_sync::<OwnedRwLockReadGuard<u8>>();
    send_sync::<OwnedRwLockWriteGuard<u8>>();
    // A read guard only shares the data: Sync data is enough.
    send_sync::<RwLockReadGuard<'_, std::sync::MutexGuard<'_, u8>>>();
}

#[test]
fn readers_share_and_a_writer_excludes_them() {
    groundup::block_on(async {
        let lock = RwLock::new(1);
        let (a, b) = (lock.read().await, lock.read().await);
        assert!(lock.try_write().is_err());
        drop((a, b));
        let mut write = lock.write().await;
        assert!(lock.try_read().is_err());
        *write = 2;
        drop(write);
        assert_eq!(*lock.read().await, 2);
    });
}

#[test]
fn a_waiting_writer_holds_back_readers_that_came_after_it() {
    let lock = RwLock::new(0);
    let early = lock.try_read().unwrap();
    let (writer_count, writer_waker) = counter();
    let (reader_count, reader_waker) = counter();
    let mut writer = pin!(lock.write());
    let mut late_reader = pin!(lock.read());
    assert!(poll(writer.as_mut(), &writer_waker).is_pending());
    assert!(poll(late_reader.as_mut(), &reader_waker).is_pending(), "no overtaking the writer");
    assert!(lock.try_read().is_err());
    drop(early);
    assert_eq!((wakes(&writer_count), wakes(&reader_count)), (1, 0));
    let Poll::Ready(mut write) = poll(writer.as_mut(), &writer_waker) else { panic!() };
    *write = 1;
    drop(write);
    assert_eq!(wakes(&reader_count), 1);
    let Poll::Ready(read) = poll(late_reader.as_mut(), &reader_waker) else { panic!() };
    assert_eq!(*read, 1);
}

#[test]
fn a_writer_dropped_while_waiting_lets_the_readers_behind_it_in() {
    let lock = RwLock::new(());
    let early = lock.try_read().unwrap();
    let (count, waker) = counter();
    let mut reader = pin!(lock.read());
    {
        let mut writer = pin!(lock.write());
        assert!(poll(writer.as_mut(), Waker::noop()).is_pending()); // granted all but one
        assert!(poll(reader.as_mut(), &waker).is_pending());
    }
    assert_eq!(wakes(&count), 1, "the writer's partial grant went on");
    assert!(poll(reader.as_mut(), &waker).is_ready());
    drop(early);
}

#[test]
fn a_write_lock_handed_to_a_future_dropped_before_it_ran_goes_to_the_next() {
    let lock = RwLock::new(());
    let held = lock.try_write().unwrap();
    let (count, waker) = counter();
    let mut next = pin!(lock.write());
    {
        let mut first = pin!(lock.write());
        assert!(poll(first.as_mut(), Waker::noop()).is_pending());
        assert!(poll(next.as_mut(), &waker).is_pending());
        drop(held);
        assert_eq!(wakes(&count), 0);
    }
    assert_eq!(wakes(&count), 1);
    assert!(poll(next.as_mut(), &waker).is_ready());
}

#[test]
fn downgrade_keeps_writers_out_and_lets_waiting_readers_in() {
    let lock = RwLock::new(0);
    let mut write = lock.try_write().unwrap();
    let (count, waker) = counter();
    let mut reader = pin!(lock.read());
    assert!(poll(reader.as_mut(), &waker).is_pending());
    *write = 7;
    let read = write.downgrade();
    assert_eq!(wakes(&count), 1);
    let Poll::Ready(other) = poll(reader.as_mut(), &waker) else { panic!() };
    assert_eq!((*read, *other), (7, 7));
    assert!(lock.try_write().is_err());
}

#[test]
fn max_readers_bounds_the_readers_at_once() {
    let lock = RwLock::with_max_readers((), 3);
    let guards: Vec<_> = (0..3).map(|_| lock.try_read().unwrap()).collect();
    assert!(lock.try_read().is_err());
    drop(guards);
    let _write = lock.try_write().unwrap();
}

#[test]
fn std_threads_write_while_a_task_reads() {
    let n = if cfg!(miri) { 10 } else { 1_000 };
    let lock = Arc::new(RwLock::new((0_usize, 0_usize)));
    let writer = {
        let lock = Arc::clone(&lock);
        thread::spawn(move || {
            for _ in 0..n {
                let mut pair = lock.blocking_write();
                pair.0 += 1;
                pair.1 += 1;
            }
        })
    };
    groundup::block_on(async {
        loop {
            let pair = lock.read().await;
            assert_eq!(pair.0, pair.1, "a reader saw half a write");
            if pair.0 == n {
                break;
            }
            drop(pair);
            groundup::task::yield_now().await;
        }
    });
    writer.join().unwrap();
}

#[test]
#[should_panic(expected = "at least one reader")]
fn zero_max_readers_is_refused() {
    let _ = RwLock::with_max_readers((), 0);
}

#[test]
#[should_panic(expected = "may not admit more than")]
fn too_many_max_readers_is_refused() {
    let _ = RwLock::with_max_readers((), u32::MAX);
}
