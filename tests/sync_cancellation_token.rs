//! `sync::CancellationToken`: the tree (children cancelled with their
//! parent, never the other way), clones, drop guards, waiting futures in
//! every state (created before or after the cancel, polled or not,
//! dropped while waiting), and cancels from std threads and a second
//! runtime.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use groundup::sync::CancellationToken;

/// Fewer rounds under Miri, which is slow; the same scenarios.
const ROUNDS: usize = if cfg!(miri) { 3 } else { 100 };

#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn poll<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

#[test]
fn the_token_and_its_futures_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CancellationToken>();
    assert_send_sync::<groundup::sync::WaitForCancellationFuture<'static>>();
    assert_send_sync::<groundup::sync::WaitForCancellationFutureOwned>();
    assert_send_sync::<groundup::sync::DropGuard>();
}

#[test]
fn cancelling_a_parent_cancels_the_whole_subtree_and_not_the_other_way() {
    let root = CancellationToken::new();
    let child = root.child_token();
    let grandchild = child.child_token();
    let sibling = root.child_token();
    grandchild.cancel();
    assert!(!child.is_cancelled() && !root.is_cancelled());
    child.cancel();
    assert!(!root.is_cancelled() && !sibling.is_cancelled());
    root.cancel();
    assert!(sibling.is_cancelled());
    assert!(root.child_token().child_token().is_cancelled(), "born cancelled");
}

#[test]
fn a_deep_chain_of_children_cancels_without_recursion() {
    let root = CancellationToken::new();
    let mut leaf = root.clone();
    let depth = if cfg!(miri) { 100 } else { 100_000 };
    let mut chain = Vec::with_capacity(depth);
    for _ in 0..depth {
        leaf = leaf.child_token();
        chain.push(leaf.clone());
    }
    root.cancel();
    assert!(leaf.is_cancelled());
    // Dropping the chain must not recurse either: each node holds its
    // children weakly, so no node owns the next.
    drop(chain);
}

#[test]
fn pruning_dead_children_keeps_the_live_ones() {
    // Many short-lived children make the parent's list prune itself as it
    // grows; the live ones must survive every pruning.
    let root = CancellationToken::new();
    let mut live = vec![root.child_token()];
    let children = if cfg!(miri) { 300 } else { 10_000 };
    for i in 0..children {
        let child = root.child_token();
        if i % 100 == 0 {
            live.push(child);
        }
    }
    root.cancel();
    assert!(live.iter().all(CancellationToken::is_cancelled));
}

#[test]
fn a_waiting_future_wakes_on_cancel_of_an_ancestor() {
    let root = CancellationToken::new();
    let child = root.child_token();
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(Arc::clone(&counter));
    let mut cancelled = pin!(child.cancelled());
    assert!(poll(cancelled.as_mut(), &waker).is_pending());
    root.cancel();
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert!(poll(cancelled.as_mut(), &waker).is_ready());
}

#[test]
fn futures_in_every_state_complete() {
    let token = CancellationToken::new();
    let never_polled = token.cancelled();
    let owned = token.clone().cancelled_owned();
    let mut polled = pin!(token.cancelled());
    assert!(poll(polled.as_mut(), Waker::noop()).is_pending());
    {
        let mut dropped_while_waiting = pin!(token.cancelled());
        assert!(poll(dropped_while_waiting.as_mut(), Waker::noop()).is_pending());
    }
    token.cancel();
    assert!(poll(polled, Waker::noop()).is_ready());
    assert!(poll(pin!(never_polled), Waker::noop()).is_ready());
    assert!(poll(pin!(owned), Waker::noop()).is_ready());
    assert!(poll(pin!(token.cancelled()), Waker::noop()).is_ready(), "created after");
}

#[test]
fn a_drop_guard_cancels_unless_disarmed() {
    let token = CancellationToken::new();
    let disarmed = token.clone().drop_guard().disarm();
    assert!(!token.is_cancelled());
    drop(disarmed);
    drop(token.clone().drop_guard());
    assert!(token.is_cancelled());
}

#[test]
fn a_std_thread_cancels_a_waiting_task() {
    for _ in 0..ROUNDS {
        let token = CancellationToken::new();
        let child = token.child_token();
        let canceller = thread::spawn(move || token.cancel());
        groundup::block_on(child.cancelled());
        canceller.join().unwrap();
    }
}

#[test]
fn children_made_while_another_thread_cancels_are_cancelled() {
    for _ in 0..ROUNDS {
        let token = CancellationToken::new();
        let canceller = {
            let token = token.clone();
            thread::spawn(move || token.cancel())
        };
        let children: Vec<_> = (0..20).map(|_| token.child_token()).collect();
        canceller.join().unwrap();
        assert!(children.iter().all(CancellationToken::is_cancelled));
    }
}

#[test]
fn a_second_runtime_cancels_this_one() {
    let token = CancellationToken::new();
    let waiter = token.child_token().cancelled_owned();
    let other = thread::spawn(move || {
        let runtime = groundup::Runtime::new().unwrap();
        runtime.block_on(async move {
            groundup::task::yield_now().await;
            token.cancel();
        });
    });
    groundup::block_on(async {
        groundup::spawn(waiter).await.unwrap();
    });
    other.join().unwrap();
}

#[test]
fn run_until_cancelled_returns_the_output_or_drops_the_future_on_cancel() {
    struct CountsDrop(Arc<AtomicUsize>);
    impl Drop for CountsDrop {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
    let token = CancellationToken::new();
    let waker = Waker::from(Arc::new(CountingWaker::default()));
    assert_eq!(poll(pin!(token.run_until_cancelled(async { 1 })), &waker), Poll::Ready(Some(1)));

    let dropped = Arc::new(AtomicUsize::new(0));
    let guard = CountsDrop(Arc::clone(&dropped));
    let mut run = Box::pin(token.run_until_cancelled(async move {
        let _guard = guard;
        std::future::pending::<()>().await
    }));
    assert!(poll(run.as_mut(), &waker).is_pending());
    token.cancel();
    assert_eq!(poll(run.as_mut(), &waker), Poll::Ready(None));
    drop(run);
    assert_eq!(dropped.load(Ordering::Relaxed), 1, "the future was dropped, once");

    // Already cancelled: the future is never polled.
    let polled = std::cell::Cell::new(false);
    let run = pin!(token.run_until_cancelled(async { polled.set(true) }));
    assert_eq!(poll(run, &waker), Poll::Ready(None));
    assert!(!polled.get());
}
