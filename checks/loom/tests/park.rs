//! The park protocol under loom.
//!
//! The library's protocol, `src/executor/park.rs`, is included as it is
//! (with `crate::loom` naming loom's types) and driven the way the
//! executor drives it: wakers publish a task on the remote queue and
//! unpark; the executor runs the loop of `Core::block_on` (collect, then
//! park when there was nothing). A lost wake leaves the executor asleep with
//! a task queued, which loom reports as a deadlock; every model here must
//! pass under every interleaving and every weak-memory outcome loom allows.
//!
//! `old_park_loses_a_wake` runs the protocol as it was before issue 13's
//! item 14 was fixed and expects loom to find the lost wake: it passes only
//! if loom reports the deadlock. It is the proof that this harness explores
//! the weak-memory behaviour the bug needs. Loom reports a failed model by
//! panicking in a way that aborts the process, so the model runs in a child
//! process (this test binary, re-run on the ignored test `old_park_model`).

use std::process::Command;

use groundup_loom::loom;
use groundup_loom::old_park;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::{Condvar, Mutex};

#[path = "../../../src/executor/park.rs"]
mod park;

use park::ParkState;

/// The executor's side of the model: the park word, a remote queue reduced
/// to a count of pushed tasks (a Release push, a Relaxed emptiness check
/// and an Acquire take, as `RemoteQueue` has them), and the park `Poll`'s
/// waker as a binary semaphore (an eventfd read by one edge-triggered poll
/// is one: many wakes before a poll make one return).
struct Executor {
    park: ParkState,
    queued: AtomicUsize,
    woken: Mutex<bool>,
    wake: Condvar,
    /// The park `Poll` returns once without a wake: a timer fired.
    timer: Mutex<bool>,
}

impl Executor {
    fn new(timer: bool) -> Executor {
        Executor {
            park: ParkState::new(),
            queued: AtomicUsize::new(0),
            woken: Mutex::new(false),
            wake: Condvar::new(),
            timer: Mutex::new(timer),
        }
    }

    /// A remote wake: `RemoteQueue::push`, then `Shared::unpark`.
    fn wake_task(&self) {
        self.queued.fetch_add(1, Ordering::Release);
        if self.park.unpark() {
            *self.woken.lock().unwrap() = true;
            self.wake.notify_one();
        }
    }

    /// `Core::collect_remote`: how many tasks it took.
    fn collect_remote(&self) -> usize {
        if self.queued.load(Ordering::Relaxed) == 0 {
            return 0;
        }
        self.queued.swap(0, Ordering::Acquire)
    }

    /// The park `Poll`'s wait: until a waker posts, or once for the timer.
    fn sleep(&self) {
        if std::mem::take(&mut *self.timer.lock().unwrap()) {
            return;
        }
        let mut woken = self.woken.lock().unwrap();
        while !*woken {
            woken = self.wake.wait(woken).unwrap();
        }
        *woken = false;
    }

    /// `Core::block_on`'s loop until `expected` tasks were seen, parking
    /// through `spin` as `Core::wait_for_work` does.
    fn run_until(&self, expected: usize, spin: impl Fn(&dyn Fn() -> bool) -> bool) {
        let mut seen = 0;
        loop {
            seen += self.collect_remote();
            if seen == expected {
                return;
            }
            if self.park.spin(&spin) {
                continue; // woken while spinning: look again
            }
            self.park.park(|| self.sleep());
        }
    }
}

/// No spin: the executor parks at once.
fn no_spin(_notified: &dyn Fn() -> bool) -> bool {
    false
}

/// A spin of two looks (loom needs the loop bounded, and a yield in it).
fn short_spin(notified: &dyn Fn() -> bool) -> bool {
    for _ in 0..2 {
        if notified() {
            return true;
        }
        loom::thread::yield_now();
    }
    false
}

/// `wakers` remote threads each wake one task; the executor must see all.
fn model_wakes(wakers: usize, timer: bool, spin: fn(&dyn Fn() -> bool) -> bool) {
    let executor = Arc::new(Executor::new(timer));
    let threads: Vec<_> = (0..wakers)
        .map(|_| {
            let executor = Arc::clone(&executor);
            loom::thread::spawn(move || executor.wake_task())
        })
        .collect();
    executor.run_until(wakers, spin);
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn two_wakers_and_an_executor_that_parks_at_once() {
    ::loom::model(|| model_wakes(2, false, no_spin));
}

#[test]
fn two_wakers_and_an_executor_that_spins_first() {
    ::loom::model(|| model_wakes(2, false, short_spin));
}

#[test]
fn a_timer_ends_the_sleep_while_a_wake_is_in_flight() {
    ::loom::model(|| model_wakes(1, true, short_spin));
}

#[test]
fn a_wake_lands_between_two_parks() {
    // One waker, but the executor must go through two parks when the wake
    // lands after the first look and the timer ends the first sleep.
    ::loom::model(|| model_wakes(1, true, no_spin));
}

/// Two remote wakers each queue one task; the executor runs the loop of
/// `Core::block_on` (collect, then park when there was nothing) until it
/// has seen both. A lost wake leaves it parked with a task queued: loom
/// reports a deadlock.
fn old_two_wakers_one_executor() {
    let shared = Arc::new(old_park::Shared::default());
    let wakers: Vec<_> = (0..2)
        .map(|_| {
            let shared = Arc::clone(&shared);
            loom::thread::spawn(move || shared.wake_task())
        })
        .collect();
    let mut seen = 0;
    loop {
        seen += shared.collect_remote();
        if seen == 2 {
            break;
        }
        shared.park();
    }
    for waker in wakers {
        waker.join().unwrap();
    }
}

#[test]
#[ignore = "fails by design; run by old_park_loses_a_wake in a child process"]
fn old_park_model() {
    ::loom::model(old_two_wakers_one_executor);
}

#[test]
fn old_park_loses_a_wake() {
    let me = std::env::current_exe().expect("the test binary's path");
    let out = Command::new(me)
        .args(["--ignored", "--exact", "old_park_model", "--test-threads=1", "--nocapture"])
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("re-run the test binary");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "loom found no lost wake in the old park protocol");
    assert!(
        stderr.contains("deadlock; threads = "),
        "the old protocol's model failed, but not with loom's deadlock report:\n{stderr}"
    );
}
