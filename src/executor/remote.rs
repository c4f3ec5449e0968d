//! The executor as other threads see it: a [`Remote`] can hand it a
//! `Send` future to spawn (through the inject queue, `inject.rs`) and wake
//! it (`park.rs`). A runtime `Handle` is built on one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::ptr;
use std::sync::Arc;

use super::{Core, Shared};
use crate::task::id::Id;

/// A future spawned from another thread, waiting to become a task.
pub(crate) struct Injected {
    /// The id its `JoinHandle` reports, drawn at the spawn: the task is
    /// made under it.
    pub(crate) id: Id,
    pub(crate) future: Pin<Box<dyn Future<Output = ()> + Send + 'static>>,
}

/// A `Send + Sync` handle on an executor; clones share it.
#[derive(Clone)]
pub(crate) struct Remote {
    shared: Arc<Shared>,
}

impl Remote {
    /// Hands `future` to the executor, which spawns it at its next turn;
    /// gives it back if the executor is shut down. From any thread.
    pub(crate) fn spawn(&self, future: Injected) -> Result<(), Injected> {
        self.shared.inject.push(future)?;
        // News first (the push), unpark second: see `inject.rs`.
        self.shared.unpark();
        Ok(())
    }

    /// Wakes the executor if it is parked, so that it looks at its queues
    /// and its clock again (the blocking pool calls this when its last job
    /// finishes: paused time may move now).
    pub(crate) fn unpark(&self) {
        self.shared.unpark();
    }

    /// The executor's counters, for `RuntimeMetrics`.
    pub(crate) fn counters(&self) -> &super::metrics::Counters {
        &self.shared.counters
    }

    /// Futures spawned from other threads, not yet made tasks.
    pub(crate) fn injected(&self) -> usize {
        self.shared.inject.len()
    }

    /// Whether `core` is this executor.
    pub(crate) fn is(&self, core: &Core) -> bool {
        ptr::eq(Arc::as_ptr(&self.shared), Arc::as_ptr(&core.shared))
    }
}

impl Core {
    /// A handle for other threads.
    pub(crate) fn remote(&self) -> Remote {
        Remote { shared: Arc::clone(&self.shared) }
    }

    /// Spawns, as local tasks, the futures other threads injected.
    pub(super) fn spawn_injected(&self) {
        if self.shared.inject.is_empty() {
            return;
        }
        for Injected { id, future } in self.shared.inject.take_all() {
            // Detached: the future reports to its own `JoinHandle` (a slot;
            // see `runtime/handle.rs`).
            drop(self.spawn_as(id, future));
        }
    }
}

impl fmt::Debug for Injected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Injected").field("id", &self.id).finish_non_exhaustive()
    }
}

impl fmt::Debug for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Remote").finish_non_exhaustive()
    }
}
