//! The model-checking harness for groundup's cross-thread protocols.
//!
//! Miri and ThreadSanitizer run one interleaving per execution: they catch
//! a data race that happens, not one that could. [loom] instead runs a
//! test body under every interleaving of its threads' atomic operations
//! (bounded by preemptions), and lets a `Relaxed` or `Acquire` load return
//! any value the C++11 memory model allows, not only the latest. A lost
//! wake-up then shows as a deadlock that loom reports, with the schedule
//! that led to it.
//!
//! ## How the library's own code gets here
//!
//! The protocols are not copied. Each one lives in a file of `groundup`
//! that names its atomics through `crate::loom` (in the library,
//! `src/loom.rs`, which re-exports std), and this crate includes those
//! files with `#[path]` under a `crate::loom` that re-exports loom's types
//! instead. The protocol files therefore depend on nothing else in
//! groundup; that is what keeps them checkable.
//!
//! The models, one file each in `tests/`, and the library files they
//! include:
//!
//! - `park.rs`: `src/executor/park.rs`, wakers against an executor that
//!   collects and parks, with and without its spin, and with a timer
//!   ending a sleep;
//! - `task_state.rs`: `src/task/state.rs`, a task's wake, run, abort,
//!   shutdown and `JoinHandle` drop racing each other;
//! - `remote_queue.rs`: `src/executor/queue.rs`, pushers against the
//!   executor taking everything at once;
//! - `oneshot.rs`: `src/sync/oneshot/protocol.rs`, the oneshot channel's
//!   state word and waker slots;
//! - `waiters.rs`: `src/util/wait_list.rs` and `src/reactor/scheduled_io.rs`,
//!   waiters registering against readiness, drops and shutdown;
//! - `semaphore.rs`: `src/sync/batch_semaphore.rs` (on the waiter list),
//!   waiters against releases, partial grants, a waiter giving up as its
//!   permit arrives, and close;
//! - `mpsc.rs`: `src/sync/mpsc/chan.rs` (on the semaphore), senders on
//!   other threads against a waiting receiver, senders waiting for room,
//!   the last sender going, the receiver closing;
//! - `notify.rs`: `src/sync/notify.rs` on the waiter list, `notify_one`
//!   against the drop of the waiter it picks (the notification is passed
//!   on), `notify_waiters` against futures linking, and the
//!   change-then-`notify_waiters` pattern the channels build on;
//! - `watch_broadcast.rs`: `src/sync/watch.rs` and `src/sync/broadcast.rs`
//!   on `Notify`, sends and drops against receivers looking and waiting,
//!   and a broadcast weak sender's upgrade against the last sender's drop;
//! - `handoff.rs`: `src/reactor/handoff.rs`, the executor handing the
//!   reactor's driver to the reactor thread and taking it back;
//! - `sleep.rs`: `src/executor/park.rs` with `src/reactor/handoff.rs`, the
//!   executor parking in the reactor's driver against a remote waker, with
//!   and without a hand-off, and with the driver's poll failing in either
//!   thread's turn (the few lines of `src/reactor/driver.rs` involved are
//!   mirrored, since that file holds a real `Poll`);
//! - `blocking_pool.rs`: `src/blocking/pool.rs`, submits against a
//!   worker going idle, a worker exiting on a zero keep-alive, and
//!   shutdown;
//! - `inject.rs`: `src/executor/inject.rs` with `src/executor/park.rs`,
//!   `Handle::spawn` from other threads against a parking executor, and a
//!   spawn racing the queue's close at shutdown.
//!
//! A protocol file's own unit tests are compiled out here
//! (`#[cfg(all(test, not(groundup_loom)))]`; `build.rs` sets the cfg for
//! every target of this crate), since they create loom's types outside a
//! model. A test file may also include protocol files itself, at its top
//! level, when it needs their `pub(crate)` items: `tests/waiters.rs`
//! includes the waiter list and `ScheduledIo` that way.
//!
//! The one exception is [`old_park`], a copy of the park protocol as it
//! was before the fix for the lost wake (issue 13, item 14), kept so that
//! `tests/park.rs` shows the harness finding that bug.
//!
//! Run with `cargo test --release` (loom explores thousands of
//! executions; debug builds are slow). The models whose full search would
//! take hours bound it themselves (a preemption bound, overridden by
//! `LOOM_MAX_PREEMPTIONS`), and say what the bound still covers.

pub mod loom;
pub mod old_park;
pub mod site;

#[path = "../../../src/sync/oneshot/protocol.rs"]
pub mod oneshot;
