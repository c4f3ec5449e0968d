//! Blocking work: a pool of threads for calls that would stall the
//! executor (`std::fs`, a DNS lookup, a long computation).
//!
//! - `pool.rs`: the protocol (one queue, an idle count, a condvar;
//!   model-checked), with the design essay;
//! - `spawner.rs`: the threads, and the handle the runtime shares.
//!
//! The entry point for the rest of groundup is [`spawn_blocking`]: what
//! [`task::spawn_blocking`](crate::task::spawn_blocking) calls, and what a
//! module that wraps a blocking API (files, stdio) should call.

pub(crate) mod pool;
pub(crate) mod spawner;

use crate::runtime::Handle;
use crate::task::JoinHandle;

/// Runs `f` on the current runtime's blocking pool; the returned handle
/// resolves to `f`'s result, or to a [`JoinError`](crate::task::JoinError)
/// if `f` panicked (or never ran: the runtime shut down first).
///
/// Works wherever [`Handle::current`] does: on the runtime's thread, in a
/// blocking job, in [`Handle::block_on`], while an
/// [`EnterGuard`](crate::runtime::EnterGuard) lives.
///
/// # Panics
///
/// Outside a runtime, with a message naming the fix.
#[track_caller]
pub(crate) fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match Handle::try_current() {
        Ok(handle) => handle.spawn_blocking(f),
        Err(_) => panic!(
            "spawn_blocking called outside a groundup runtime: call it inside \
             `Runtime::block_on` (or a task) or while a `Runtime::enter()` guard lives, or \
             use `Runtime::spawn_blocking`"
        ),
    }
}
