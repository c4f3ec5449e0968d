//! Benchmarks of the runtime core, with no dependency:
//! `cargo bench --bench runtime` (`-- --quick` for a short run).
//!
//! Figures, not tests. The comparison with tokio and smol lives in
//! `benches/compare/`, outside the workspace.
//!
//! - **spawn+join**: spawn 100,000 trivial tasks, then await every handle.
//! - **cross-thread wake**: a task waits on a signal that another thread
//!   sets, 100,000 times in a row: each round is a wake that crosses threads
//!   and finds the executor parked, so it measures the full hand-off.
//! - **timers**: 100,000 sleeps with deadlines spread over 100 ms (starting
//!   200 ms out, so that creating them is not measured); time from the first
//!   deadline to the last completion, and the worst lateness of any.

use groundup::time::{Duration, Instant};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;

use groundup::{Runtime, stats, time};

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 10 } else { 1 };
    println!("groundup runtime ({})", if quick { "quick" } else { "full" });
    spawn_join(100_000 / scale);
    cross_thread_wake(100_000 / scale);
    timers(100_000 / scale);
}

fn spawn_join(n: usize) {
    let rt = Runtime::new().expect("runtime");
    let run = |n: usize| {
        rt.block_on(async {
            let start = Instant::now();
            let handles: Vec<_> = (0..n).map(|i| groundup::spawn(async move { i })).collect();
            for h in handles {
                std::hint::black_box(h.await.unwrap());
            }
            start.elapsed()
        })
    };
    run(n / 10); // warm-up
    let before = stats::syscalls();
    let elapsed = run(n);
    let calls = stats::syscalls().since(&before).total();
    println!(
        "  spawn+join:        {:>12.0} tasks/s   {calls} syscalls   ({n} in {elapsed:.2?})",
        n as f64 / elapsed.as_secs_f64()
    );
}

/// A one-shot flag with a waker slot, set from another thread.
#[derive(Default)]
struct Flag {
    set: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

fn cross_thread_wake(rounds: usize) {
    let rt = Runtime::new().expect("runtime");
    let flags: Arc<Vec<Flag>> = Arc::new((0..rounds).map(|_| Flag::default()).collect());
    let ready = Arc::new(AtomicBool::new(false));
    let setter = {
        let (flags, ready) = (Arc::clone(&flags), Arc::clone(&ready));
        thread::spawn(move || {
            for flag in flags.iter() {
                // Wait until the task has stored its waker for this round.
                while flag.waker.lock().unwrap().is_none() {
                    std::hint::spin_loop();
                }
                flag.set.store(true, Ordering::Release);
                let waker = flag.waker.lock().unwrap().take();
                waker.expect("stored").wake();
            }
            ready.store(true, Ordering::Release);
        })
    };
    let before = stats::syscalls();
    let elapsed = rt.block_on(async {
        let start = Instant::now();
        for flag in flags.iter() {
            std::future::poll_fn(|cx| {
                if flag.set.load(Ordering::Acquire) {
                    return Poll::Ready(());
                }
                *flag.waker.lock().unwrap() = Some(cx.waker().clone());
                Poll::Pending
            })
            .await;
        }
        start.elapsed()
    });
    setter.join().unwrap();
    let calls = stats::syscalls().since(&before);
    println!(
        "  cross-thread wake: {:>12.0} wakes/s   {:.2} syscalls/wake   ({rounds} in {elapsed:.2?})",
        rounds as f64 / elapsed.as_secs_f64(),
        calls.total() as f64 / rounds as f64,
    );
}

fn timers(n: usize) {
    let rt = Runtime::new().expect("runtime");
    let (elapsed, worst) = rt.block_on(async {
        let start = Instant::now() + Duration::from_millis(200);
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let deadline = start + Duration::from_micros((i as u64 * 7919) % 100_000);
                groundup::spawn(async move {
                    time::sleep_until(deadline).await;
                    Instant::now() - deadline
                })
            })
            .collect();
        let mut worst = Duration::ZERO;
        for h in handles {
            worst = worst.max(h.await.unwrap());
        }
        (start.elapsed(), worst)
    });
    println!(
        "  timers:            {n} over 100ms fired in {elapsed:.2?}, worst {worst:.2?} after its deadline"
    );
}
