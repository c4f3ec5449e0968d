//! The optional spin before parking (`Builder::spin_before_park`).
//!
//! While it spins, the executor has handed the driver to the reactor
//! thread, so I/O is seen at once: the thread's poll returns, the task's
//! wake is a store the spin sees. The spins here are long (twice
//! `PATIENCE`), so an executor that spun holding the driver, with nobody
//! polling the kernel, would see the event only when its spin ran out, and
//! these tests would fail on their `PATIENCE` bound instead of hanging.

mod util;

use std::io::{Read, Write};
use std::thread;
use std::time::{Duration, Instant};

use groundup::io::Async;
use groundup::runtime::{Builder, Runtime};
use groundup::sync::oneshot;
use groundup::time;
use util::{PATIENCE, QUIET, tcp_pair};

const LONG_SPIN: Duration = Duration::from_secs(2 * PATIENCE.as_secs());

fn spinning_runtime(spin: Duration) -> Runtime {
    Builder::new().spin_before_park(spin).build().unwrap()
}

/// Echoes `rounds` messages back to a client thread, which times them.
fn echo_round_trips(rt: &Runtime, rounds: usize) -> Duration {
    let (mut client, server) = tcp_pair();
    let client = thread::spawn(move || {
        let start = Instant::now();
        let mut buf = [0u8; 4];
        for round in 0..rounds as u32 {
            // A pause first, so that the executor is spinning when the
            // bytes arrive (it went idle waiting for them).
            thread::sleep(Duration::from_millis(1));
            client.write_all(&round.to_le_bytes()).unwrap();
            client.read_exact(&mut buf).unwrap();
            assert_eq!(u32::from_le_bytes(buf), round);
        }
        start.elapsed()
    });
    rt.block_on(async {
        let server = Async::new(server).unwrap();
        let mut buf = [0u8; 4];
        for _ in 0..rounds {
            server.read_with(|s| (&*s).read_exact(&mut buf)).await.unwrap();
            server.write_with(|s| (&*s).write(&buf)).await.unwrap();
        }
    });
    client.join().unwrap()
}

#[test]
fn io_reaches_a_spinning_executor_before_its_spin_runs_out() {
    let rt = spinning_runtime(LONG_SPIN);
    let took = echo_round_trips(&rt, 20);
    assert!(took < PATIENCE, "20 round trips took {took:?}: the spin kept I/O unseen");
}

#[test]
fn a_wake_from_another_thread_reaches_a_spinning_executor() {
    let rt = spinning_runtime(LONG_SPIN);
    for round in 0..3 {
        let (tx, rx) = oneshot::channel();
        let sender = thread::spawn(move || {
            thread::sleep(QUIET);
            tx.send(round).unwrap();
        });
        let start = Instant::now();
        assert_eq!(rt.block_on(rx).unwrap(), round);
        assert!(start.elapsed() < PATIENCE, "the wake waited for the spin to run out");
        sender.join().unwrap();
    }
}

#[test]
fn a_timer_ends_the_spin_when_it_is_due() {
    let rt = spinning_runtime(LONG_SPIN);
    rt.block_on(async {
        for _ in 0..3 {
            let start = Instant::now();
            time::sleep(Duration::from_millis(20)).await;
            let slept = start.elapsed();
            assert!(slept >= Duration::from_millis(20), "woke early: {slept:?}");
            assert!(slept < PATIENCE, "the timer waited for the spin to run out");
        }
    });
}

/// A short spin that runs out: the executor takes the driver back from the
/// reactor thread and sleeps in it, and the next event still reaches it.
#[test]
fn io_after_a_spin_ran_out_is_seen_in_the_sleep() {
    let rt = spinning_runtime(Duration::from_micros(50));
    let (mut client, server) = tcp_pair();
    let writer = thread::spawn(move || {
        for round in 0..5u8 {
            thread::sleep(Duration::from_millis(20)); // far longer than the spin
            client.write_all(&[round]).unwrap();
        }
        client
    });
    rt.block_on(async {
        let server = Async::new(server).unwrap();
        for round in 0..5u8 {
            let mut byte = [0u8; 1];
            server.read_with(|s| (&*s).read_exact(&mut byte)).await.unwrap();
            assert_eq!(byte[0], round);
        }
    });
    writer.join().unwrap();
}

/// With hand-off turned off the executor keeps the driver while it spins:
/// the spin then catches wakes from other threads only, and I/O is seen
/// once it runs out, in the sleep.
#[test]
fn with_hand_off_off_the_spin_keeps_the_driver_and_io_still_arrives() {
    let rt = Builder::new()
        .spin_before_park(Duration::from_millis(1))
        .hand_off_polling_after(Duration::MAX)
        .build()
        .unwrap();
    let took = echo_round_trips(&rt, 10);
    assert!(took < PATIENCE, "10 round trips took {took:?}");
    let (tx, rx) = oneshot::channel();
    let sender = thread::spawn(move || tx.send(7).unwrap());
    assert_eq!(rt.block_on(rx).unwrap(), 7);
    sender.join().unwrap();
}

/// A runtime dropped while the reactor thread holds the driver (handed to
/// it for a spin) shuts down cleanly, and so does the next one.
#[test]
fn a_runtime_dropped_after_spinning_shuts_down() {
    for _ in 0..3 {
        let rt = spinning_runtime(LONG_SPIN);
        let took = echo_round_trips(&rt, 2);
        assert!(took < PATIENCE);
        drop(rt);
    }
}
