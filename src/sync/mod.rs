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
//!
//! ## What is coming, and what it will share
//!
//! The rest of tokio's `sync` (`mpsc`, `Mutex`, `RwLock`, `Semaphore`,
//! `Notify`, `watch`, `broadcast`, `Barrier`, `OnceCell`) is planned in
//! issue 16 and not written yet. Those types have any number of waiters,
//! and a waiter that is dropped must give up its place in line, or pass on
//! a permit it was already handed. They will share one mechanism for that,
//! with each other and with the socket waiters of the reactor: an
//! intrusive list of waiters, each node living inside the waiting future
//! (pinned, so no allocation per wait). That list is being written
//! separately; nothing here uses it yet.
//!
//! The `blocking_*` methods (for a thread outside any runtime) share one
//! small park-and-poll loop, `blocking.rs`.

pub(crate) mod blocking;
pub mod oneshot;

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
