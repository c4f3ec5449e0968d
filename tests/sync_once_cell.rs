//! `sync::OnceCell` and `sync::SetOnce`: one initialisation, waiters that
//! wait for it, an initialiser cancelled or failing (the next in line runs
//! its own), `set` against an initialiser, and std threads.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use groundup::sync::{OnceCell, SetError, SetOnce};

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
fn the_cells_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<OnceCell<u8>>();
    send_sync::<SetOnce<u8>>();
}

#[test]
fn only_the_first_initialiser_runs_and_the_others_wait_for_it() {
    let cell = OnceCell::new();
    let runs = AtomicUsize::new(0);
    let count = Arc::new(Count::default());
    let waker = Waker::from(Arc::clone(&count));
    let mut first = pin!(cell.get_or_init(|| async {
        runs.fetch_add(1, Ordering::SeqCst);
        groundup::task::yield_now().await;
        1
    }));
    let mut second = pin!(cell.get_or_init(|| async {
        runs.fetch_add(1, Ordering::SeqCst);
        2
    }));
    // yield_now outside a runtime: it wakes and returns Pending once.
    assert!(poll(first.as_mut(), &waker).is_pending());
    assert!(poll(second.as_mut(), &waker).is_pending(), "waits for the first");
    assert_eq!(cell.set(3), Err(SetError::InitializingError(3)));
    assert_eq!(poll(first.as_mut(), &waker), Poll::Ready(&1));
    assert_eq!(poll(second.as_mut(), &waker), Poll::Ready(&1));
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(cell.set(4), Err(SetError::AlreadyInitializedError(4)));
}

#[test]
fn a_cancelled_initialiser_lets_the_next_in_line_run_its_own() {
    let cell = OnceCell::new();
    let count = Arc::new(Count::default());
    let waker = Waker::from(Arc::clone(&count));
    let mut second = pin!(cell.get_or_init(|| async { 2 }));
    {
        let mut first = pin!(cell.get_or_init(std::future::pending::<u32>));
        assert!(poll(first.as_mut(), &waker).is_pending());
        assert!(poll(second.as_mut(), &waker).is_pending());
    } // cancelled mid-initialisation
    assert_eq!(poll(second.as_mut(), &waker), Poll::Ready(&2));
}

#[test]
fn a_failed_initialiser_leaves_the_cell_empty() {
    groundup::block_on(async {
        let cell = OnceCell::<u32>::new();
        assert_eq!(cell.get_or_try_init(|| async { Err("no") }).await, Err("no"));
        assert!(!cell.initialized());
        assert_eq!(cell.get_or_try_init(|| async { Ok::<_, ()>(5) }).await, Ok(&5));
    });
}

#[test]
fn take_empties_the_cell_for_a_new_value_and_drop_drops_the_value() {
    let drops = Arc::new(AtomicUsize::new(0));
    struct Dropped(Arc<AtomicUsize>);
    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let mut cell = OnceCell::new();
    assert!(cell.set(Dropped(Arc::clone(&drops))).is_ok());
    drop(cell.take());
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert!(cell.set(Dropped(Arc::clone(&drops))).is_ok());
    drop(cell);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

#[test]
fn threads_race_to_initialise_and_all_see_one_value() {
    let cell = Arc::new(OnceCell::new());
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let cell = Arc::clone(&cell);
            thread::spawn(move || *groundup::block_on(cell.get_or_init(|| async move { i })))
        })
        .collect();
    let seen: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(seen.iter().all(|&v| v == seen[0]), "{seen:?}");
}

#[test]
fn set_once_wakes_every_waiter_and_refuses_a_second_set() {
    let cell = SetOnce::new();
    let count = Arc::new(Count::default());
    let waker = Waker::from(Arc::clone(&count));
    let mut a = pin!(cell.wait());
    let mut b = pin!(cell.wait());
    assert!(poll(a.as_mut(), &waker).is_pending());
    assert!(poll(b.as_mut(), &waker).is_pending());
    cell.set(7).unwrap();
    assert_eq!(count.0.load(Ordering::SeqCst), 2);
    assert_eq!(poll(a.as_mut(), &waker), Poll::Ready(&7));
    assert_eq!(poll(b.as_mut(), &waker), Poll::Ready(&7));
    assert_eq!(cell.set(8).unwrap_err().0, 8);
}

#[test]
fn set_once_set_from_a_std_thread_wakes_a_task() {
    let cell = Arc::new(SetOnce::new());
    let setter = {
        let cell = Arc::clone(&cell);
        thread::spawn(move || cell.set("from a thread").unwrap())
    };
    assert_eq!(*groundup::block_on(cell.wait()), "from a thread");
    setter.join().unwrap();
}
