//! Wakers: our `RawWakerVTable` in every situation a waker meets.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;

use groundup::{Runtime, task};
use util::{Counted, Signal};

#[test]
fn a_wake_from_another_thread_resumes_the_task() {
    let signal = Signal::default();
    let remote = signal.clone();
    groundup::block_on(async move {
        let waiter = groundup::spawn(async move { signal.wait().await });
        let setter = thread::spawn(move || remote.set());
        waiter.await.unwrap();
        setter.join().unwrap();
    });
}

#[test]
fn a_wake_during_the_tasks_own_poll_schedules_it_exactly_once_more() {
    groundup::block_on(async {
        let polls = Rc::new(Cell::new(0));
        let stash: Rc<Cell<Option<Waker>>> = Rc::new(Cell::new(None));
        let task = {
            let (polls, stash) = (Rc::clone(&polls), Rc::clone(&stash));
            groundup::spawn(std::future::poll_fn(move |cx| {
                polls.set(polls.get() + 1);
                match polls.get() {
                    1 => {
                        // Three wakes of three kinds, all during this poll.
                        cx.waker().wake_by_ref();
                        cx.waker().wake_by_ref();
                        // Deliberately the consuming `wake` vtable slot.
                        #[allow(clippy::waker_clone_wake)]
                        cx.waker().clone().wake();
                        Poll::Pending
                    }
                    2 => {
                        stash.set(Some(cx.waker().clone()));
                        Poll::Pending
                    }
                    _ => Poll::Ready(()),
                }
            }))
        };
        for _ in 0..10 {
            task::yield_now().await;
        }
        assert_eq!(polls.get(), 2, "three wakes during poll 1 gave exactly one more poll");
        stash.take().unwrap().wake();
        task.await.unwrap();
        assert_eq!(polls.get(), 3);
    });
}

#[test]
fn a_task_dropping_anothers_join_handle_inside_its_poll() {
    groundup::block_on(async {
        let finished = Rc::new(Cell::new(false));
        let (counted, _polls, drops) = Counted::new({
            let finished = Rc::clone(&finished);
            async move {
                task::yield_now().await;
                finished.set(true);
                String::from("output nobody reads")
            }
        });
        let victim = groundup::spawn(counted);
        let dropper = groundup::spawn(async move {
            drop(victim); // detach, mid-poll of another task
        });
        dropper.await.unwrap();
        while !finished.get() {
            task::yield_now().await;
        }
        task::yield_now().await;
        assert_eq!(drops.get(), 1, "the detached task's future was dropped once");
    });
}

#[test]
fn waking_after_the_runtime_is_gone_does_nothing() {
    let stash: Arc<Mutex<Option<Waker>>> = Arc::default();
    let rt = Runtime::new().unwrap();
    let task = {
        let stash = Arc::clone(&stash);
        rt.spawn(std::future::poll_fn(move |cx| {
            *stash.lock().unwrap() = Some(cx.waker().clone());
            Poll::<()>::Pending
        }))
    };
    rt.block_on(async {
        while stash.lock().unwrap().is_none() {
            task::yield_now().await;
        }
    });
    drop(rt);
    let waker = stash.lock().unwrap().take().unwrap();
    waker.wake_by_ref(); // this thread
    let clone = waker.clone();
    thread::spawn(move || clone.wake()).join().unwrap(); // another thread
    drop(waker);
    // The handle outlives the runtime too, and says what happened.
    let err = groundup::block_on(task).unwrap_err();
    assert!(err.is_cancelled());
}

#[test]
fn wakers_live_on_another_thread_while_the_runtime_drops() {
    let wakers: Arc<Mutex<Vec<Waker>>> = Arc::default();
    let rt = Runtime::new().unwrap();
    for _ in 0..100 {
        let wakers = Arc::clone(&wakers);
        drop(rt.spawn(std::future::poll_fn(move |cx| {
            wakers.lock().unwrap().push(cx.waker().clone());
            Poll::<()>::Pending
        })));
    }
    rt.block_on(async {
        while wakers.lock().unwrap().len() < 100 {
            task::yield_now().await;
        }
    });
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let waking = {
        let (wakers, stop) = (Arc::clone(&wakers), Arc::clone(&stop));
        thread::spawn(move || {
            let mine: Vec<Waker> = wakers.lock().unwrap().drain(..).collect();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                mine.iter().for_each(Waker::wake_by_ref);
            }
            mine // dropped by the joiner: the last references, after the runtime
        })
    };
    drop(rt); // while the other thread keeps waking
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let last = waking.join().unwrap();
    thread::spawn(move || drop(last)).join().unwrap();
}

#[test]
fn the_root_future_is_woken_from_another_thread() {
    let signal = Signal::default();
    let remote = signal.clone();
    let setter = thread::spawn(move || {
        thread::sleep(std::time::Duration::from_millis(20));
        remote.set();
    });
    groundup::block_on(signal.wait());
    setter.join().unwrap();
}

/// A waker that panics when woken: a future may be polled with any waker,
/// and a `JoinHandle` may be awaited by code that is not a groundup task.
struct PanickingWaker;

impl std::task::Wake for PanickingWaker {
    fn wake(self: Arc<Self>) {
        panic!("expected: a JoinHandle's waker panics");
    }
}

/// Polls `handle` once with a [`PanickingWaker`], so that the task's end
/// wakes it.
fn await_with_a_panicking_waker<T>(handle: &mut task::JoinHandle<T>) {
    let waker = Waker::from(Arc::new(PanickingWaker));
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(std::pin::Pin::new(handle).poll(&mut cx).is_pending());
}

#[test]
fn a_panicking_join_handle_waker_does_not_escape_block_on() {
    let rt = Runtime::new().unwrap();
    let out = rt.block_on(async {
        let mut handle = groundup::spawn(async {
            task::yield_now().await;
            7
        });
        await_with_a_panicking_waker(&mut handle);
        // The task completes during these yields and wakes that waker.
        for _ in 0..3 {
            task::yield_now().await;
        }
        assert!(handle.is_finished());
        handle.await.unwrap()
    });
    assert_eq!(out, 7);
    assert_eq!(rt.live_tasks(), 0, "the completed task is still listed as live");
}

#[test]
fn a_panicking_join_handle_waker_does_not_stop_shutdown() {
    let rt = Runtime::new().unwrap();
    let mut drops = Vec::new();
    let mut handles = Vec::new();
    for _ in 0..6 {
        let (future, _, dropped) = Counted::new(std::future::pending::<()>());
        let mut handle = rt.spawn(future);
        await_with_a_panicking_waker(&mut handle);
        drops.push(dropped);
        handles.push(handle);
    }
    rt.block_on(task::yield_now()); // every task starts and waits
    drop(rt); // cancels each task, which wakes each panicking waker
    let dropped = drops.iter().filter(|d| d.get() == 1).count();
    assert_eq!(dropped, 6, "shutdown dropped {dropped} of 6 futures");
    for handle in handles {
        assert!(groundup::block_on(handle).unwrap_err().is_cancelled());
    }
}

/// tokio's `rt_basic::no_extra_poll`: a task woken from outside the runtime
/// runs during the next `block_on`, before `block_on` polls its own future
/// again, and is polled exactly as often as it has news.
#[test]
fn a_task_woken_from_outside_runs_before_block_on_polls_its_future_again() {
    let (tx, mut rx) = util::channel::<()>();
    let polls = Rc::new(Cell::new(0));
    let rt = Runtime::new().unwrap();
    let counted = Rc::clone(&polls);
    rt.spawn(async move {
        // Each poll of the receiver is counted, as tokio's `TrackPolls` does.
        let next = |cx: &mut std::task::Context<'_>| {
            counted.set(counted.get() + 1);
            rx.poll_recv(cx)
        };
        let mut next = next;
        while std::future::poll_fn(&mut next).await.is_some() {}
    });
    rt.block_on(task::yield_now());
    assert_eq!(polls.get(), 1, "polled once: the first poll");

    // Outside `block_on` there is no current runtime: this wake goes through
    // the remote queue, as a wake from another thread does.
    tx.send(());
    rt.block_on(task::yield_now());
    assert_eq!(polls.get(), 1 + 2, "twice more: to return Some, then Pending");

    drop(tx);
    rt.block_on(task::yield_now());
    assert_eq!(polls.get(), 1 + 2 + 1, "once more: to return None");
}

/// The same from another thread, during `block_on`: once the other thread
/// has woken the task (and the root future knows it has), one
/// `yield_now` lets the task run.
#[test]
fn one_yield_lets_a_task_woken_by_another_thread_run() {
    let (tx, mut rx) = util::channel::<u32>();
    let received = Rc::new(Cell::new(None));
    groundup::block_on(async {
        let into = Rc::clone(&received);
        groundup::spawn(async move {
            into.set(std::future::poll_fn(|cx| rx.poll_recv(cx)).await);
        });
        task::yield_now().await; // the task waits for the message
        // The other thread wakes the task; joining it (a blocking wait in the
        // root future) orders that wake before the yield below.
        thread::spawn(move || tx.send(7)).join().unwrap();
        task::yield_now().await;
        assert_eq!(received.get(), Some(7), "the woken task did not run during the yield");
    });
}
