//! `sync::Mutex`: exclusion, FIFO hand-over, cancellation while waiting
//! (a lock just handed to a dropped `lock` future goes to the next), and
//! holders and waiters on std threads and in another runtime, and guards
//! narrowed by `map` (borrowed and owned).
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Poll, Waker};
use std::thread;

use groundup::sync::{MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard};

mod polling;
use polling::{counter, poll, wakes};

#[test]
fn the_types_are_send_and_sync_as_tokios() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Mutex<u8>>();
    send_sync::<Mutex<std::cell::Cell<u8>>>(); // Send data is enough
    send_sync::<MutexGuard<'_, u8>>();
    send::<MutexGuard<'_, std::cell::Cell<u8>>>();
    send_sync::<OwnedMutexGuard<u8>>();
    send_sync::<OwnedMappedMutexGuard<(u8, u16), u16>>();
    // tokio's bounds: `Send` needs only `T: Send, U: Send`.
    send::<OwnedMappedMutexGuard<std::cell::Cell<u8>, std::cell::Cell<u8>>>();
    fn future_send<T: Send>(_: &T) {}
    let mutex = Mutex::new(0);
    future_send(&mutex.lock());
}

#[test]
fn waiters_get_the_lock_in_the_order_they_asked() {
    let mutex = Mutex::new(Vec::new());
    let held = mutex.try_lock().unwrap();
    let mut locks: Vec<_> = (0..5).map(|_| Box::pin(mutex.lock())).collect();
    let counters: Vec<_> = locks
        .iter_mut()
        .map(|lock| {
            let (count, waker) = counter();
            assert!(poll(lock.as_mut(), &waker).is_pending());
            (count, waker)
        })
        .collect();
    drop(held);
    for (i, (lock, (count, waker))) in locks.iter_mut().zip(&counters).enumerate() {
        assert_eq!(wakes(count), 1, "waiter {i} is next");
        let Poll::Ready(mut guard) = poll(lock.as_mut(), waker) else { panic!("{i}") };
        guard.push(i);
        assert!(mutex.try_lock().is_err());
    } // each guard is dropped at the end of its turn, waking the next
    assert_eq!(*mutex.try_lock().unwrap(), [0, 1, 2, 3, 4]);
}

#[test]
fn a_lock_future_dropped_while_waiting_leaves_the_line() {
    let mutex = Mutex::new(());
    let held = mutex.try_lock().unwrap();
    {
        let mut gives_up = pin!(mutex.lock());
        assert!(poll(gives_up.as_mut(), Waker::noop()).is_pending());
    }
    let (count, waker) = counter();
    let mut next = pin!(mutex.lock());
    assert!(poll(next.as_mut(), &waker).is_pending());
    drop(held);
    assert_eq!(wakes(&count), 1);
    assert!(poll(next.as_mut(), &waker).is_ready());
}

#[test]
fn a_lock_handed_to_a_future_dropped_before_it_ran_goes_to_the_next() {
    let mutex = Mutex::new(());
    let held = mutex.try_lock().unwrap();
    let (count, waker) = counter();
    let mut next = pin!(mutex.lock());
    {
        let mut first = pin!(mutex.lock());
        assert!(poll(first.as_mut(), Waker::noop()).is_pending());
        assert!(poll(next.as_mut(), &waker).is_pending());
        drop(held); // handed to `first` ...
        assert_eq!(wakes(&count), 0);
    } // ... which never runs
    assert_eq!(wakes(&count), 1);
    assert!(poll(next.as_mut(), &waker).is_ready());
}

#[test]
fn the_guard_is_held_across_awaits_and_excludes_other_tasks() {
    let mutex = Arc::new(Mutex::new(0_usize));
    let inside = Arc::new(AtomicUsize::new(0));
    groundup::block_on(async {
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (mutex, inside) = (Arc::clone(&mutex), Arc::clone(&inside));
                groundup::spawn(async move {
                    let mut guard = mutex.lock().await;
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                    groundup::task::yield_now().await;
                    *guard += 1;
                    inside.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*mutex.lock().await, 20);
    });
}

#[test]
fn std_threads_and_a_task_share_the_data() {
    let n = if cfg!(miri) { 10 } else { 1_000 };
    let mutex = Arc::new(Mutex::new(0_usize));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let mutex = Arc::clone(&mutex);
            thread::spawn(move || {
                for _ in 0..n {
                    *mutex.blocking_lock() += 1;
                }
            })
        })
        .collect();
    groundup::block_on(async {
        for _ in 0..n {
            *mutex.lock().await += 1;
        }
    });
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(*mutex.blocking_lock(), 3 * n);
}

#[test]
fn a_guard_dropped_in_another_runtime_wakes_a_task_in_this_one() {
    let mutex = Arc::new(Mutex::new(1));
    let guard = Arc::clone(&mutex).try_lock_owned().unwrap();
    let other = thread::spawn(move || {
        groundup::Runtime::new().unwrap().block_on(async move {
            let mut guard = guard;
            *guard = 2;
        })
    });
    groundup::block_on(async { assert_eq!(*mutex.lock().await, 2) });
    other.join().unwrap();
}

#[test]
fn blocking_lock_inside_the_runtime_panics_with_the_fix() {
    let mutex = Mutex::new(());
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        groundup::block_on(async { drop(mutex.blocking_lock()) })
    }))
    .unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("Mutex::blocking_lock"), "{message}");
}

#[test]
fn debug_shows_the_data_or_that_it_is_locked() {
    let mutex = Mutex::new(5);
    assert_eq!(format!("{mutex:?}"), "Mutex { data: 5 }");
    let _guard = mutex.try_lock().unwrap();
    assert_eq!(format!("{mutex:?}"), "Mutex { data: <locked> }");
}

#[test]
fn a_mapped_guard_keeps_the_lock_and_its_drop_wakes_the_next_waiter() {
    let mutex = Mutex::new((0u32, vec![1u8]));
    let (count, waker) = counter();
    let guard = mutex.try_lock().unwrap();
    let mut part: MappedMutexGuard<'_, Vec<u8>> = MutexGuard::map(guard, |(_, v)| v);
    let mut elem = {
        part.push(2);
        MappedMutexGuard::map(part, |v| &mut v[1])
    };
    *elem += 1;
    let mut waiting = pin!(mutex.lock());
    assert!(poll(waiting.as_mut(), &waker).is_pending(), "the mapped guard holds the lock");
    drop(elem);
    assert_eq!(wakes(&count), 1, "dropping the mapped guard woke the waiter");
    let Poll::Ready(guard) = poll(waiting, &waker) else { panic!("not handed the lock") };
    assert_eq!(guard.1, [1, 3]);
}

#[test]
fn a_panic_inside_map_unlocks_and_a_declined_try_map_gives_the_guard_back() {
    let mutex = Mutex::new(vec![1]);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let guard = mutex.try_lock().unwrap();
        let _part = MutexGuard::map(guard, |_: &mut Vec<i32>| -> &mut i32 { panic!("in map") });
    }));
    assert!(panicked.is_err());
    let guard = mutex.try_lock().expect("the panic unlocked the mutex");
    let guard = MutexGuard::try_map(guard, |v| v.get_mut(3)).unwrap_err();
    assert!(mutex.try_lock().is_err(), "the declined guard still holds the lock");
    drop(guard);
    assert!(mutex.try_lock().is_ok());
}

#[test]
fn an_owned_mapped_guard_writes_a_field_and_its_drop_unlocks() {
    let mutex = Arc::new(Mutex::new((0u32, String::from("a"))));
    let guard = Arc::clone(&mutex).try_lock_owned().unwrap();
    let mut name: OwnedMappedMutexGuard<(u32, String), String> =
        OwnedMutexGuard::map(guard, |(_, name)| name);
    name.push('b');
    assert_eq!(format!("{name:?} {name}"), "\"ab\" ab");
    let (count, waker) = counter();
    let mut waiting = pin!(mutex.lock());
    assert!(poll(waiting.as_mut(), &waker).is_pending(), "the mapped guard holds the lock");
    assert!(mutex.try_lock().is_err());
    drop(name);
    assert_eq!(wakes(&count), 1, "dropping the mapped guard woke the waiter");
    let Poll::Ready(guard) = poll(waiting, &waker) else { panic!("not handed the lock") };
    assert_eq!(*guard, (0, String::from("ab")));
    drop(guard);
    assert!(mutex.try_lock().is_ok(), "unlocked again");
}

#[test]
fn a_declined_owned_try_map_gives_the_guard_back_still_locked() {
    let mutex = Arc::new(Mutex::new(vec![1, 2]));
    let guard = Arc::clone(&mutex).try_lock_owned().unwrap();
    let guard = OwnedMutexGuard::try_map(guard, |v| v.get_mut(9)).unwrap_err();
    assert!(mutex.try_lock().is_err(), "the declined guard still holds the lock");
    assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&guard), &mutex));
    let second = OwnedMutexGuard::try_map(guard, |v| v.get_mut(1)).unwrap();
    let second = OwnedMappedMutexGuard::try_map(second, |_| None::<&mut u8>).unwrap_err();
    assert!(mutex.try_lock().is_err(), "a declined mapped guard still holds it too");
    let mut second = OwnedMappedMutexGuard::map(second, |x| x);
    *second = 20;
    drop(second);
    assert_eq!(*mutex.try_lock().expect("unlocked"), [1, 20]);
}

#[test]
fn an_owned_mapped_guard_keeps_the_mutex_alive_after_the_last_other_arc() {
    struct Flag(Arc<AtomicUsize>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let dropped = Arc::new(AtomicUsize::new(0));
    let mutex = Arc::new(Mutex::new((Flag(Arc::clone(&dropped)), vec![1u8])));
    let guard = Arc::clone(&mutex).try_lock_owned().unwrap();
    let weak = Arc::downgrade(&mutex);
    drop(mutex);
    let mut list = OwnedMutexGuard::map(guard, |(_, v)| v);
    assert_eq!(weak.strong_count(), 1, "the mapped guard holds the only Arc");
    assert_eq!(dropped.load(Ordering::SeqCst), 0, "so the data is still there");
    let sum = thread::spawn(move || {
        list.push(2); // written on another thread: the guard is `Send`
        list.iter().map(|&b| u32::from(b)).sum::<u32>()
        // `list` dropped here: unlock, then the last `Arc`
    });
    assert_eq!(sum.join().unwrap(), 3);
    assert!(weak.upgrade().is_none(), "the guard's drop dropped the last Arc");
    assert_eq!(dropped.load(Ordering::SeqCst), 1, "and the data, once");
}

#[test]
fn a_panic_inside_an_owned_map_unlocks() {
    let mutex = Arc::new(Mutex::new(1));
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let guard = Arc::clone(&mutex).try_lock_owned().unwrap();
        let _part = OwnedMutexGuard::map(guard, |_: &mut i32| -> &mut i32 { panic!("in map") });
    }));
    assert!(panicked.is_err());
    assert!(mutex.try_lock().is_ok(), "the panic unlocked the mutex");
    assert_eq!(Arc::strong_count(&mutex), 1, "and dropped the guard's Arc");
}
