//! The runtime `Builder`'s thread settings and hooks: the blocking pool's
//! thread names, stack size, start and stop hooks; the executor's park and
//! unpark hooks around each wait for work; and the zero values refused
//! with tokio's panics.
//!
//! Jobs that must run at the same time meet at a `std::sync::Barrier`, so a
//! test knows how many pool threads exist without timing anything; hooks
//! are counted, never timed. Where a test needs threads idle, it waits for
//! `RuntimeMetrics::num_idle_blocking_threads` to say so.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::cell::Cell;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

use groundup::runtime::Builder;
use util::panic_message_of;

/// Runs `jobs` blocking jobs that all wait for each other, so the pool
/// must run them on `jobs` threads at once; returns what each job saw.
fn on_distinct_threads<T: Send + 'static>(
    rt: &groundup::Runtime,
    jobs: usize,
    job: impl Fn() -> T + Send + Sync + 'static,
) -> Vec<T> {
    let barrier = Arc::new(Barrier::new(jobs));
    let job = Arc::new(job);
    let handles: Vec<_> = (0..jobs)
        .map(|_| {
            let (barrier, job) = (Arc::clone(&barrier), Arc::clone(&job));
            rt.spawn_blocking(move || {
                barrier.wait();
                job()
            })
        })
        .collect();
    rt.block_on(async {
        let mut out = Vec::new();
        for handle in handles {
            out.push(handle.await.unwrap());
        }
        out
    })
}

fn thread_name() -> Option<String> {
    thread::current().name().map(String::from)
}

#[test]
fn blocking_threads_take_the_builder_name() {
    let rt = Builder::new_current_thread().thread_name("my-pool").build().unwrap();
    let names = on_distinct_threads(&rt, 2, thread_name);
    assert_eq!(names, [Some("my-pool".to_owned()), Some("my-pool".to_owned())]);
    // The thread in `block_on` is the caller's and keeps its name.
    assert_eq!(rt.block_on(async { thread_name() }), thread_name());
}

#[test]
fn blocking_threads_keep_the_default_name_without_a_setting() {
    let rt = groundup::Runtime::new().unwrap();
    assert_eq!(
        rt.block_on(rt.spawn_blocking(thread_name)).unwrap().as_deref(),
        Some("groundup-blocking")
    );
}

#[test]
fn thread_name_fn_names_each_new_thread_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let rt = Builder::new_current_thread()
        .thread_name("replaced by the function")
        .thread_name_fn({
            let calls = Arc::clone(&calls);
            move || format!("pool-{}", calls.fetch_add(1, Ordering::Relaxed))
        })
        .build()
        .unwrap();
    let names: BTreeSet<_> = on_distinct_threads(&rt, 3, thread_name).into_iter().collect();
    let expected: BTreeSet<_> = (0..3).map(|i| Some(format!("pool-{i}"))).collect();
    assert_eq!(names, expected);
    assert_eq!(calls.load(Ordering::Relaxed), 3, "one call per thread started");
}

#[test]
fn a_panicking_name_fn_reaches_the_caller_and_leaves_the_pool_usable() {
    let fail = Arc::new(AtomicBool::new(true));
    let rt = Builder::new_current_thread()
        .thread_name_fn({
            let fail = Arc::clone(&fail);
            move || {
                assert!(!fail.swap(false, Ordering::Relaxed), "no name today");
                "named".to_owned()
            }
        })
        .build()
        .unwrap();
    let message = panic_message_of(|| drop(rt.spawn_blocking(|| ())));
    assert!(message.contains("no name today"), "{message}");
    // The pool counted the thread out: the next job gets a thread.
    assert_eq!(rt.block_on(rt.spawn_blocking(thread_name)).unwrap().as_deref(), Some("named"));
}

/// More stack than std's 2 MiB default: a job that needs it would overflow
/// (and abort the test) on a pool thread of the default size.
const BIG_FRAME: usize = 4 * 1024 * 1024;

#[test]
fn a_blocking_job_gets_the_builder_stack_size() {
    let rt = Builder::new_current_thread().thread_stack_size(4 * BIG_FRAME).build().unwrap();
    let job = rt.spawn_blocking(|| {
        let frame = std::hint::black_box([7u8; BIG_FRAME]); // on this thread's stack
        usize::from(frame[0]) + usize::from(frame[BIG_FRAME - 1])
    });
    assert_eq!(rt.block_on(job).unwrap(), 14);
}

thread_local! {
    static STARTED_HERE: Cell<bool> = const { Cell::new(false) };
}

#[test]
fn start_and_stop_hooks_run_once_on_each_pool_thread() {
    let started = Arc::new(AtomicUsize::new(0));
    let stopped_on = Arc::new(Mutex::new(Vec::new()));
    let rt = Builder::new_current_thread()
        .thread_name("hooked")
        // No idle thread may exit (and run its stop hook) before the drop.
        .thread_keep_alive(std::time::Duration::from_secs(3600))
        .on_thread_start({
            let started = Arc::clone(&started);
            move || {
                STARTED_HERE.with(|flag| flag.set(true));
                started.fetch_add(1, Ordering::Relaxed);
            }
        })
        .on_thread_stop({
            let stopped_on = Arc::clone(&stopped_on);
            move || stopped_on.lock().unwrap().push(thread_name())
        })
        .build()
        .unwrap();
    // The start hook ran on the job's own thread, before the job.
    let saw_start = on_distinct_threads(&rt, 2, || STARTED_HERE.with(Cell::get));
    assert_eq!(saw_start, [true, true]);
    // A worker counts itself idle only after its job's result is delivered
    // (it goes back to the pool's lock after the job returns), so the two
    // results above can arrive while neither thread is idle yet; a job
    // submitted then would rightly start a third thread. Wait for both.
    let metrics = rt.metrics();
    util::wait_for("both pool threads to count themselves idle", || {
        metrics.num_idle_blocking_threads() == 2
    });
    // A later job reuses an idle thread: no new start.
    rt.block_on(rt.spawn_blocking(|| ())).unwrap();
    assert_eq!(started.load(Ordering::Relaxed), 2);
    assert!(stopped_on.lock().unwrap().is_empty(), "the threads are still alive");
    drop(rt); // stops both threads and waits for them, stop hooks included
    let stopped_on = stopped_on.lock().unwrap().clone();
    assert_eq!(stopped_on, [Some("hooked".to_owned()), Some("hooked".to_owned())]);
}

#[test]
fn a_panicking_start_hook_is_contained_and_the_job_runs() {
    let rt = Builder::new_current_thread()
        .on_thread_start(|| panic!("start hook fails"))
        .on_thread_stop(|| panic!("stop hook fails"))
        .build()
        .unwrap();
    assert_eq!(rt.block_on(rt.spawn_blocking(|| 5)).unwrap(), 5);
    drop(rt); // the stop hook's panic is contained too: the drop returns
}

#[test]
fn park_and_unpark_hooks_come_in_pairs_on_the_block_on_thread() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let record = |what: &'static str| {
        let log = Arc::clone(&log);
        move || log.lock().unwrap().push((what, thread::current().id()))
    };
    // The job waits until the first park hook releases it: the executor
    // parks at least once, whatever the scheduling.
    let (release, wait) = std::sync::mpsc::channel::<()>();
    let release = Mutex::new(Some(release));
    let rt = Builder::new_current_thread()
        .on_thread_park({
            let park = record("park");
            move || {
                park();
                if let Some(release) = release.lock().unwrap().take() {
                    release.send(()).unwrap();
                }
            }
        })
        .on_thread_unpark(record("unpark"))
        .build()
        .unwrap();
    let job = rt.spawn_blocking(move || wait.recv());
    rt.block_on(job).unwrap().unwrap();
    let log = log.lock().unwrap().clone();
    assert!(!log.is_empty(), "the executor parked at least once");
    assert_eq!(log.len() % 2, 0, "{log:?}");
    for pair in log.chunks(2) {
        assert_eq!((pair[0].0, pair[1].0), ("park", "unpark"), "{log:?}");
    }
    assert!(log.iter().all(|&(_, id)| id == thread::current().id()), "{log:?}");
}

#[test]
fn no_park_hook_runs_while_there_is_work() {
    let parks = Arc::new(AtomicUsize::new(0));
    let rt = Builder::new_current_thread()
        .on_thread_park({
            let parks = Arc::clone(&parks);
            move || {
                parks.fetch_add(1, Ordering::Relaxed);
            }
        })
        .build()
        .unwrap();
    rt.block_on(async {
        for _ in 0..100 {
            groundup::task::yield_now().await; // always ready again
        }
    });
    assert_eq!(parks.load(Ordering::Relaxed), 0);
}

#[test]
fn a_task_spawned_by_the_park_hook_cancels_the_park() {
    let once = AtomicBool::new(true);
    let barrier = Arc::new(groundup::sync::Barrier::new(2));
    let parks = Arc::new(AtomicUsize::new(0));
    let unparks = Arc::new(AtomicUsize::new(0));
    let rt = Builder::new_current_thread()
        .on_thread_park({
            let (barrier, parks) = (Arc::clone(&barrier), Arc::clone(&parks));
            move || {
                parks.fetch_add(1, Ordering::Relaxed);
                let barrier = Arc::clone(&barrier);
                if once.swap(false, Ordering::Relaxed) {
                    groundup::spawn(async move { barrier.wait().await });
                }
            }
        })
        .on_thread_unpark({
            let unparks = Arc::clone(&unparks);
            move || {
                unparks.fetch_add(1, Ordering::Relaxed);
            }
        })
        .build()
        .unwrap();
    // Nothing but the hook's task can release the root: had the executor
    // gone to sleep after the hook, this would never return.
    rt.block_on(async { barrier.wait().await });
    assert_eq!(parks.load(Ordering::Relaxed), 1);
    assert_eq!(unparks.load(Ordering::Relaxed), 1);
}

#[test]
fn zero_intervals_and_zero_event_capacity_panic_as_in_tokio() {
    let message = panic_message_of(|| {
        Builder::new_current_thread().event_interval(0);
    });
    assert_eq!(message, "event_interval must be greater than 0");
    let message = panic_message_of(|| {
        Builder::new_current_thread().global_queue_interval(0);
    });
    assert_eq!(message, "global_queue_interval must be greater than 0");
    let message = panic_message_of(|| {
        Builder::new_current_thread().max_io_events_per_tick(0);
    });
    assert_eq!(message, "max_io_events_per_tick must be greater than 0");
    // Ones are fine (and run).
    let rt = Builder::new_current_thread()
        .event_interval(1)
        .global_queue_interval(1)
        .max_io_events_per_tick(1)
        .build()
        .unwrap();
    assert_eq!(rt.block_on(async { groundup::spawn(async { 1 }).await.unwrap() }), 1);
}

#[test]
fn runtime_spawn_blocking_is_the_handle_one() {
    let rt = Builder::new_current_thread().thread_name("via-runtime").build().unwrap();
    let job = rt.spawn_blocking(|| (thread_name(), groundup::runtime::Handle::current().id()));
    let (name, id) = rt.block_on(job).unwrap();
    assert_eq!(name.as_deref(), Some("via-runtime"));
    assert_eq!(id, rt.handle().id());
}
