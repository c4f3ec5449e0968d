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
