//! Fairness: busy tasks cannot starve timers, I/O or each other.

mod util;

use std::cell::Cell;
use std::io::{Read, Write};
use std::rc::Rc;
use std::thread;
use std::time::{Duration, Instant};

use groundup::io::Async;
use groundup::{task, time};
use util::tcp_pair;

#[test]
fn a_task_that_always_wakes_itself_does_not_starve_timers() {
    groundup::block_on(async {
        let stop = Rc::new(Cell::new(false));
        let spinner = {
            let stop = Rc::clone(&stop);
            groundup::spawn(async move {
                let mut spins = 0u64;
                while !stop.get() {
                    task::yield_now().await;
                    spins += 1;
                }
                spins
            })
        };
        let start = Instant::now();
        time::sleep(Duration::from_millis(20)).await;
        assert!(start.elapsed() >= Duration::from_millis(20));
        stop.set(true);
        assert!(spinner.await.unwrap() > 0);
    });
}

/// A reader whose socket always has data never sees `WouldBlock`, so it
/// never returns `Pending` on its own: only the budget makes it yield.
#[test]
fn a_reader_that_never_blocks_still_lets_timers_and_tasks_run() {
    groundup::block_on(async {
        let (mut client, server) = tcp_pair();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let feeder = {
            let stop = std::sync::Arc::clone(&stop);
            thread::spawn(move || {
                let chunk = [7u8; 64 * 1024];
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if client.write_all(&chunk).is_err() {
                        break;
                    }
                }
            })
        };
        let server = Async::new(server).unwrap();
        let reading = Rc::new(Cell::new(true));
        let reader = {
            let reading = Rc::clone(&reading);
            groundup::spawn(async move {
                let mut buf = [0u8; 1]; // tiny reads: the buffer never drains
                let mut total = 0u64;
                while reading.get() {
                    total += server.read_with(|s| (&*s).read(&mut buf)).await.unwrap() as u64;
                }
                total
            })
        };
        let other = groundup::spawn(async { "ran" });
        time::sleep(Duration::from_millis(20)).await;
        assert_eq!(other.await.unwrap(), "ran");
        reading.set(false);
        assert!(reader.await.unwrap() > 0);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        feeder.join().unwrap();
    });
}

/// Polls of other tasks seen by a loop of `n` steps, each taking a value
/// from an always-ready channel: how often it yielded in effect.
async fn others_ran_during(n: usize, unconstrained: bool) -> usize {
    let (tx, mut rx) = groundup::sync::mpsc::unbounded_channel();
    for i in 0..n {
        tx.send(i).unwrap();
    }
    let polls = Rc::new(Cell::new(0));
    let other = {
        let polls = Rc::clone(&polls);
        groundup::spawn(async move {
            loop {
                polls.set(polls.get() + 1);
                task::yield_now().await;
            }
        })
    };
    task::yield_now().await; // `other` is running from here on
    let start = polls.get();
    let drain = async {
        for _ in 0..n {
            rx.recv().await.unwrap();
        }
    };
    if unconstrained {
        task::unconstrained(drain).await;
    } else {
        drain.await;
    }
    let seen = polls.get() - start;
    other.abort();
    seen
}

#[test]
fn unconstrained_lets_a_busy_future_run_without_yielding() {
    groundup::block_on(async {
        assert!(others_ran_during(1000, false).await > 0, "the budget makes it yield");
        assert_eq!(others_ran_during(1000, true).await, 0, "unconstrained never yields");
    });
}

#[test]
fn consume_budget_makes_a_loop_without_leaves_yield() {
    groundup::block_on(async {
        let ran = Rc::new(Cell::new(false));
        let other = {
            let ran = Rc::clone(&ran);
            groundup::spawn(async move { ran.set(true) })
        };
        let mut seen_at = None;
        for i in 0..1000 {
            if ran.get() && seen_at.is_none() {
                seen_at = Some(i);
            }
            task::consume_budget().await;
        }
        other.await.unwrap();
        let at = seen_at.expect("the loop never yielded");
        assert!(at <= BUDGET + 1, "yielded only at {at}");
    });
}

/// The budget a task gets per poll (tokio's figure, and groundup's).
const BUDGET: usize = 128;

/// With hand-off off, the executor alone looks at the kernel between
/// batches. A root future that only ever yields runs no task polls, so its
/// own polls must count toward the next look, or the I/O that the spawned
/// reader waits for is never seen (it used to hang here).
#[test]
fn a_yielding_root_future_does_not_keep_io_from_being_seen_with_hand_off_off() {
    let rt =
        groundup::runtime::Builder::new().hand_off_polling_after(Duration::MAX).build().unwrap();
    let (mut client, server) = tcp_pair();
    rt.block_on(async {
        let server = Async::new(server).unwrap();
        let reader = groundup::spawn(async move {
            let mut buf = [0u8; 5];
            server.read_with(|s| (&*s).read(&mut buf)).await.unwrap();
            buf
        });
        task::yield_now().await; // the reader waits for its readiness now
        client.write_all(b"hello").unwrap();
        let deadline = Instant::now() + util::PATIENCE;
        while !reader.is_finished() {
            assert!(Instant::now() < deadline, "the reader's readiness was never seen");
            task::yield_now().await;
        }
        assert_eq!(&reader.await.unwrap(), b"hello");
    });
}
