//! `sync::RwLock`: shared readers, exclusive writers, tokio's fairness (a
//! waiting writer holds back later readers), cancellation of a waiting
//! writer (the read permits it collected go to the readers behind it),
//! downgrade, mapped guards (they keep the lock, give back every permit,
//! and a failed `try_map` gives the guard back), and holders on std
//! threads.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::pin::pin;
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::thread;

use groundup::sync::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};

mod polling;
use polling::{counter, poll, wakes};

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
    send_sync::<RwLockMappedWriteGuard<'_, u8>>();
    send_sync::<OwnedRwLockReadGuard<(u8, u8), u8>>();
    send_sync::<OwnedRwLockMappedWriteGuard<(u8, u8), u8>>();
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
fn a_mapped_read_guard_keeps_its_permit_and_a_failed_try_map_gives_the_guard_back() {
    let lock = RwLock::new((1, vec![2, 3]));
    let whole = lock.try_read().unwrap();
    let whole = RwLockReadGuard::try_map(whole, |(_, list)| list.get(9)).unwrap_err();
    assert_eq!(whole.0, 1, "the original guard, whole");
    assert!(lock.try_write().is_err());
    let list = RwLockReadGuard::map(whole, |(_, list)| list);
    let last = RwLockReadGuard::try_map(list, |list| list.last()).unwrap();
    assert_eq!(*last, 3);
    assert!(lock.try_write().is_err(), "the part still holds the read lock");
    let other = lock.try_read().unwrap();
    drop(last);
    drop(other);
    assert!(lock.try_write().is_ok(), "its one permit came back");
}

#[test]
fn a_mapped_write_guard_gives_back_every_permit_to_the_waiting_writer() {
    let lock = RwLock::with_max_readers(((0, 1), vec![2]), 3);
    let write = lock.try_write().unwrap();
    let write = RwLockWriteGuard::try_map(write, |(_, list)| list.get_mut(5)).unwrap_err();
    assert!(lock.try_read().is_err(), "the failed try_map kept the write lock");
    let outer = RwLockWriteGuard::map(write, |(pair, _)| pair);
    let outer = RwLockMappedWriteGuard::try_map(outer, |_| None::<&mut u8>).unwrap_err();
    let mut inner = RwLockMappedWriteGuard::map(outer, |pair| &mut pair.1);
    *inner = 10;
    let (count, waker) = counter();
    let mut writer = pin!(lock.write());
    assert!(poll(writer.as_mut(), &waker).is_pending());
    assert!(lock.try_read().is_err());
    drop(inner);
    assert_eq!(wakes(&count), 1, "all three permits came back at once");
    let Poll::Ready(write) = poll(writer.as_mut(), &waker) else { panic!() };
    assert_eq!(write.0, (0, 10));
    drop(write);
    let mapped = RwLockWriteGuard::into_mapped(lock.try_write().unwrap());
    assert_eq!(mapped.1, [2]);
    drop(mapped);
    assert!(lock.try_write().is_ok());
}

#[test]
fn downgrade_map_lets_the_readers_in_and_a_failed_one_keeps_the_write_lock() {
    let lock = RwLock::new((1, 2));
    let write = lock.try_write().unwrap();
    let (count, waker) = counter();
    let mut reader = pin!(lock.read());
    assert!(poll(reader.as_mut(), &waker).is_pending());
    let write = RwLockWriteGuard::try_downgrade_map(write, |_| None::<&u8>).unwrap_err();
    assert_eq!(wakes(&count), 0, "not downgraded");
    assert!(lock.try_read().is_err());
    let second = RwLockWriteGuard::downgrade_map(write, |pair| &pair.1);
    assert_eq!(wakes(&count), 1);
    let Poll::Ready(other) = poll(reader.as_mut(), &waker) else { panic!() };
    assert_eq!((*second, other.0), (2, 1));
    assert!(lock.try_write().is_err(), "no writer while the part is read");
    drop((second, other));
    let first = RwLockWriteGuard::try_downgrade_map(lock.try_write().unwrap(), |p| Some(&p.0));
    assert_eq!(*first.unwrap(), 1);
    assert!(lock.try_write().is_ok(), "the downgraded guard gave its permit back");
}

#[test]
fn owned_guards_map_keep_the_arc_and_give_back_their_permits() {
    let lock = Arc::new(RwLock::with_max_readers((1, vec![2]), 2));
    let write = Arc::clone(&lock).try_write_owned().unwrap();
    let write = OwnedRwLockWriteGuard::try_map(write, |(_, list)| list.get_mut(1)).unwrap_err();
    let write = OwnedRwLockWriteGuard::try_downgrade_map(write, |_| None::<&u8>).unwrap_err();
    let list = OwnedRwLockWriteGuard::map(write, |(_, list)| list);
    assert!(Arc::ptr_eq(OwnedRwLockMappedWriteGuard::rwlock(&list), &lock));
    let list = OwnedRwLockMappedWriteGuard::try_map(list, |list| list.get_mut(1)).unwrap_err();
    *OwnedRwLockMappedWriteGuard::map(list, |list| &mut list[0]) = 20;
    let write = Arc::clone(&lock).try_write_owned().expect("every permit came back");
    let first = OwnedRwLockWriteGuard::downgrade_map(write, |pair| &pair.0);
    let read = Arc::clone(&lock).try_read_owned().unwrap();
    let read = OwnedRwLockReadGuard::try_map(read, |(_, list)| list.get(1)).unwrap_err();
    let twenty = OwnedRwLockReadGuard::map(read, |(_, list)| &list[0]);
    assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&twenty), &lock));
    assert_eq!((*first, *twenty), (1, 20));
    assert!(lock.try_read().is_err(), "two readers of two allowed");
    drop((first, twenty));
    let mapped = OwnedRwLockWriteGuard::into_mapped(Arc::clone(&lock).try_write_owned().unwrap());
    drop(mapped);
    assert!(lock.try_write().is_ok());
}

#[test]
fn a_panic_in_a_map_closure_unlocks() {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    let lock = Arc::new(RwLock::new(0));
    let write = lock.try_write().unwrap();
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        RwLockWriteGuard::map(write, |_| -> &mut u8 { panic!("in the closure") })
    }));
    assert!(panicked.is_err());
    let owned = Arc::clone(&lock).try_write_owned().expect("the write lock was released");
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        OwnedRwLockWriteGuard::downgrade_map(owned, |_| -> &u8 { panic!("in the closure") })
    }));
    assert!(panicked.is_err());
    assert!(lock.try_write().is_ok(), "the owned guard was dropped, not leaked");
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
