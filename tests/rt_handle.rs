//! `runtime::Handle`: spawning on a runtime from other threads, finding the
//! current runtime, and `Handle::block_on`.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::thread;

use groundup::runtime::Handle;
use groundup::task::spawn_blocking;
use util::PATIENCE;

/// Sets a flag when dropped: shows that a future was dropped, and where.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn spawn_from_eight_threads_at_once() {
    const THREADS: usize = 8;
    const EACH: usize = if cfg!(miri) { 4 } else { 100 };
    let rt = groundup::Runtime::new().unwrap();
    let runtime_thread = thread::current().id();
    let (results_tx, results) = mpsc::channel();
    let start = Arc::new(Barrier::new(THREADS));
    let spawners: Vec<_> = (0..THREADS)
        .map(|t| {
            let (handle, start, results_tx) =
                (rt.handle().clone(), start.clone(), results_tx.clone());
            thread::spawn(move || {
                start.wait();
                let tasks: Vec<_> = (0..EACH)
                    .map(|i| {
                        let results_tx = results_tx.clone();
                        handle.spawn(async move {
                            results_tx.send((t, i, thread::current().id())).unwrap();
                            t * EACH + i
                        })
                    })
                    .collect();
                // The handles are awaited here, on the spawning thread.
                tasks.into_iter().map(|task| handle.block_on(task).unwrap()).collect::<Vec<_>>()
            })
        })
        .collect();
    drop(results_tx);
    // Drive the runtime until every spawned future has run (the receiving
    // end blocks on a pool thread, not on the executor).
    let seen = rt.block_on(rt.handle().spawn_blocking(move || {
        (0..THREADS * EACH)
            .map(|_| results.recv_timeout(PATIENCE).expect("every spawned future runs"))
            .collect::<Vec<_>>()
    }));
    let mut seen: Vec<_> = seen
        .unwrap()
        .into_iter()
        .map(|(t, i, ran_on)| {
            assert_eq!(ran_on, runtime_thread, "a spawned future ran off the executor thread");
            (t, i)
        })
        .collect();
    seen.sort();
    let expected: Vec<_> = (0..THREADS).flat_map(|t| (0..EACH).map(move |i| (t, i))).collect();
    assert_eq!(seen, expected, "each future ran exactly once");
    for (t, spawner) in spawners.into_iter().enumerate() {
        let outputs = spawner.join().unwrap();
        assert_eq!(outputs, (0..EACH).map(|i| t * EACH + i).collect::<Vec<_>>());
    }
}

#[test]
fn spawn_from_another_thread_before_block_on_runs_at_block_on() {
    let rt = groundup::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || drop(handle.spawn(async move { tx.send("ran").unwrap() })))
        .join()
        .unwrap();
    assert!(rx.try_recv().is_err(), "nothing runs before block_on");
    rt.block_on(async {
        while rx.try_recv().is_err() {
            groundup::task::yield_now().await;
        }
    });
}

#[test]
fn abort_from_the_spawning_thread_drops_the_future() {
    let rt = groundup::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    let dropped = Arc::new(AtomicBool::new(false));
    let (polled_tx, polled) = mpsc::channel();
    let outcome = {
        let dropped = dropped.clone();
        thread::spawn(move || {
            let flag = DropFlag(dropped);
            let task = handle.spawn(async move {
                let _flag = flag;
                polled_tx.send(()).unwrap();
                std::future::pending::<()>().await;
            });
            polled.recv_timeout(PATIENCE).expect("the future ran");
            task.abort();
            handle.block_on(task)
        })
    };
    rt.block_on(async {
        while !outcome.is_finished() {
            groundup::task::yield_now().await;
        }
    });
    let err = outcome.join().unwrap().unwrap_err();
    assert!(err.is_cancelled(), "{err:?}");
    assert!(dropped.load(Ordering::SeqCst), "the aborted future was not dropped");
}

#[test]
fn panic_in_a_future_spawned_from_another_thread_is_a_join_error() {
    let rt = groundup::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    let outcome = thread::spawn(move || {
        let task = handle.spawn(async { panic!("remote boom") });
        handle.block_on(task)
    });
    rt.block_on(async {
        while !outcome.is_finished() {
            groundup::task::yield_now().await;
        }
    });
    let err = outcome.join().unwrap().unwrap_err();
    assert!(err.is_panic());
    assert_eq!(util::panic_message(&*err.into_panic()), "remote boom");
}

#[test]
fn spawn_after_the_runtime_is_gone_is_cancelled() {
    let rt = groundup::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    drop(rt);
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = DropFlag(dropped.clone());
    let task = handle.spawn(async move { drop(flag) });
    assert!(dropped.load(Ordering::SeqCst), "the refused future was not dropped");
    assert!(handle.block_on(task).unwrap_err().is_cancelled());
}

#[test]
fn pending_remote_futures_are_dropped_at_shutdown() {
    let rt = groundup::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = DropFlag(dropped.clone());
    let task = thread::spawn({
        let handle = handle.clone();
        move || {
            drop(handle.spawn(async move {
                let _flag = flag;
                std::future::pending::<()>().await
            }))
        }
    });
    task.join().unwrap();
    drop(rt); // never ran: dropped by the shutdown, on this thread
    assert!(dropped.load(Ordering::SeqCst));
}

#[test]
fn handle_spawn_on_the_runtime_thread_is_a_local_spawn() {
    groundup::block_on(async {
        let handle = Handle::current();
        let here = thread::current().id();
        let task = handle.spawn(async move { thread::current().id() == here });
        assert!(task.await.unwrap());
    });
}

#[test]
fn current_is_found_in_tasks_jobs_and_block_on() {
    assert!(Handle::try_current().unwrap_err().is_missing_context());
    let rt = groundup::Runtime::new().unwrap();
    assert!(Handle::try_current().is_err(), "a runtime is current only while it runs");
    let found = rt.block_on(async {
        let in_task = groundup::spawn(async { Handle::try_current().is_ok() }).await.unwrap();
        let in_job = spawn_blocking(|| Handle::try_current().is_ok()).await.unwrap();
        (in_task, in_job)
    });
    assert_eq!(found, (true, true));
    let handle = rt.handle().clone();
    let in_block_on =
        thread::spawn(move || handle.block_on(async { Handle::try_current().is_ok() }));
    assert!(in_block_on.join().unwrap());
    assert!(Handle::try_current().is_err(), "Handle::block_on left its handle current");
}

#[test]
#[should_panic(expected = "Handle::current() called outside a groundup runtime")]
fn current_outside_a_runtime_panics() {
    Handle::current();
}

#[test]
#[should_panic(expected = "Handle::block_on called on a thread that runs a groundup runtime")]
fn block_on_inside_the_runtime_panics() {
    groundup::block_on(async {
        Handle::current().block_on(async {});
    });
}

#[test]
fn remote_spawn_wakes_a_parked_executor() {
    // The executor is asleep (nothing to run, no timer); only the inject
    // queue's unpark can wake it to run the future that ends block_on.
    let rt = groundup::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    let (done_tx, done_rx) = groundup::sync::oneshot::channel();
    let spawner = thread::spawn(move || {
        thread::sleep(util::QUIET); // let the executor park first
        drop(handle.spawn(async move { done_tx.send(()).unwrap() }));
    });
    rt.block_on(done_rx).unwrap();
    spawner.join().unwrap();
}
