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
