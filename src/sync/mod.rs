//! Synchronisation between tasks, and between tasks and threads.
//!
//! A task that must wait for another (for a value, a permit, a lock, a
//! signal) returns `Pending` and leaves its waker where the other side will
//! find it; the other side wakes it when the wait is over. The types here
//! are that pattern, made safe against every interleaving and against the
//! waiting future being dropped halfway. They have tokio's names and
//! semantics, and are `Send` and `Sync` where tokio's are: the other side
//! may be a task of this runtime, a std thread, or a task of another
//! runtime, whose wake reaches this one through the executor's
//! cross-thread wake path.
//!
//! ## What is here
//!
//! - [`oneshot`]: one value, from one sender to one receiver. With a single
//!   waiter on each side it needs no list: a state word and one waker slot
//!   per side (see its module).
//! - [`Semaphore`], and on it [`Mutex`], [`RwLock`], [`Barrier`],
//!   [`OnceCell`], [`SetOnce`] and the bounded [`mpsc`] channel's slots: a
//!   batch semaphore (`batch_semaphore.rs`) whose waiters queue in FIFO order.
//! - [`Notify`], and on it [`watch`], [`broadcast`] and
//!   [`CancellationToken`].
//!
//! ## The one mechanism they share
//!
//! Every type with any number of waiters stands on one intrusive waiter
//! list (`util/wait_list.rs`), the same one the reactor's socket waiters
//! use: each node lives inside the waiting future, pinned, so a wait
//! allocates nothing. A future dropped while waiting unlinks itself, and a
//! future dropped after it was handed a permit or a notification passes it
//! on to the next waiter (the loom models in `checks/loom` check both).
//!
//! Every wait that can complete without waiting (a `recv` that finds a
//! message, an `acquire` that finds permits, a `changed` that finds a new
//! version) spends one unit of the task's cooperative budget (`coop.rs`),
//! so a task that always finds work still yields to the others. `Notify`
//! alone does not: the waits built on it (watch, broadcast) spend for it.
//!
//! The `blocking_*` methods (for a thread outside any runtime) share one
//! small park-and-poll loop, `blocking.rs`.

mod barrier;
pub use barrier::{Barrier, BarrierWaitResult};
pub(crate) mod batch_semaphore;
pub(crate) mod blocking;
pub mod mpsc;
mod mutex;
pub use mutex::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError,
};
mod once_cell;
pub use once_cell::{OnceCell, SetError};
pub mod oneshot;
mod rwlock;
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};
mod semaphore;
pub use semaphore::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};
mod set_once;
pub use set_once::{SetOnce, SetOnceError};

mod notify;
pub use notify::Notify;
pub mod broadcast;
mod cancellation_token;
pub mod watch;
pub use cancellation_token::{
    CancellationToken, DropGuard, WaitForCancellationFuture, WaitForCancellationFutureOwned,
};

pub mod futures {
    //! The named futures of `groundup::sync`, as in tokio's
    //! `sync::futures`.
    pub use super::notify::{Notified, OwnedNotified};
}
