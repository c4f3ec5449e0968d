//! `Handle::spawn`'s wake path under loom: the inject queue
//! (`src/executor/inject.rs`) with the park protocol
//! (`src/executor/park.rs`), both included as they are.
//!
//! Spawner threads do what `Remote::spawn` does: push, then unpark. The
//! executor does what `Core::block_on` does with them: take the queue when
//! its hint says there is something, and park when there was nothing. A
//! push the executor cannot see after its wake leaves it asleep with a
//! future queued: loom reports the deadlock.
//!
//! Checked to catch a broken protocol, each break tried once and undone:
//!
//! - `take_all` clearing the `pending` hint after releasing the lock
//!   instead of under it: a push landing between the two has its hint
//!   overwritten, the executor's wake finds the queue "empty", and it
//!   parks for good. `two_spawners_and_a_parking_executor` fails with
//!   loom's deadlock report (the executor blocked, both spawners done).
//! - `close` emptying the queue but leaving it open (`mem::take` instead
//!   of `Option::take`): a push after the close is accepted into a queue
//!   nobody will take again. `a_spawn_racing_shutdown_is_taken_or_refused_once`
//!   fails, the future neither taken nor refused.
//!
//! Both models run unbounded (the first in about 90 s on this loaded
//! machine).

use groundup_loom::loom;
use loom::sync::{Arc, Condvar, Mutex};

#[path = "../../../src/executor/inject.rs"]
#[allow(dead_code, reason = "`len` serves RuntimeMetrics, outside the protocol")]
mod inject;
#[path = "../../../src/executor/park.rs"]
#[allow(dead_code, reason = "the spin before a park is modelled in tests/park.rs")]
mod park;

use inject::Inject;
use park::ParkState;

/// The executor's side: the inject queue, the park word, and the park
/// `Poll`'s waker as a binary semaphore (as in `park.rs`'s model).
struct Executor {
    inject: Inject<usize>,
    park: ParkState,
    woken: Mutex<bool>,
    wake: Condvar,
}

impl Executor {
    fn new() -> Executor {
        Executor {
            inject: Inject::new(),
            park: ParkState::new(),
            woken: Mutex::new(false),
            wake: Condvar::new(),
        }
    }

    /// `Remote::spawn`: push, then unpark (one "syscall" if parked).
    fn spawn(&self, item: usize) -> Result<(), usize> {
        self.inject.push(item)?;
        if self.park.unpark() {
            *self.woken.lock().unwrap() = true;
            self.wake.notify_one();
        }
        Ok(())
    }

    fn sleep(&self) {
        let mut woken = self.woken.lock().unwrap();
        while !*woken {
            woken = self.wake.wait(woken).unwrap();
        }
        *woken = false;
    }

    /// `Core::block_on`'s loop (`spawn_injected`, then park) until
    /// `expected` futures were taken.
    fn run_until(&self, expected: usize) -> Vec<usize> {
        let mut seen = Vec::new();
        loop {
            if !self.inject.is_empty() {
                seen.extend(self.inject.take_all());
            }
            if seen.len() == expected {
                return seen;
            }
            self.park.park(|| self.sleep());
        }
    }
}

#[test]
fn two_spawners_and_a_parking_executor() {
    ::loom::model(|| {
        let executor = Arc::new(Executor::new());
        let spawners: Vec<_> = (0..2)
            .map(|i| {
                let executor = Arc::clone(&executor);
                ::loom::thread::spawn(move || executor.spawn(i).unwrap())
            })
            .collect();
        let mut seen = executor.run_until(2);
        for spawner in spawners {
            spawner.join().unwrap();
        }
        seen.sort_unstable();
        assert_eq!(seen, [0, 1]);
    });
}

#[test]
fn a_spawn_racing_shutdown_is_taken_or_refused_once() {
    ::loom::model(|| {
        let executor = Arc::new(Executor::new());
        let spawner = {
            let executor = Arc::clone(&executor);
            ::loom::thread::spawn(move || executor.spawn(7).is_err())
        };
        // `Core::shutdown` closes the queue and drops what it took.
        let taken = executor.inject.close();
        let refused = spawner.join().unwrap();
        assert_eq!(taken.len() + usize::from(refused), 1, "lost or doubled");
        // Closed stays closed.
        assert!(executor.inject.push(8).is_err());
        assert!(executor.inject.take_all().is_empty());
    });
}
