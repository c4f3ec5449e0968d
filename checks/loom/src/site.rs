//! A sticky wake, the model of a reactor site (`src/reactor/driver.rs`,
//! `Site`): an eventfd, or a port, read by one edge-triggered poll, so that
//! many wakes before a sleep make one return. Set by `wake`, consumed by
//! `sleep`. Shared by the models of the driver hand-off (`tests/handoff.rs`)
//! and of the executor's sleep in the driver (`tests/sleep.rs`).
//!
//! A mutex and a condvar stand for the kernel object, so a wake also orders
//! what came before it with what follows the sleep, which a real eventfd
//! does not formally promise.

use ::loom::sync::{Condvar, Mutex};

/// A binary semaphore: a sticky wake, consumed by the next sleep.
#[derive(Default)]
pub struct Semaphore {
    set: Mutex<bool>,
    changed: Condvar,
}

impl Semaphore {
    /// Sets the wake (again, if it is set already) and wakes the sleeper.
    pub fn wake(&self) {
        *self.set.lock().unwrap() = true;
        self.changed.notify_all();
    }

    /// Waits until the wake is set, then consumes it.
    pub fn sleep(&self) {
        let mut set = self.set.lock().unwrap();
        while !*set {
            set = self.changed.wait(set).unwrap();
        }
        *set = false;
    }
}
