//! # groundup
//!
//! An async runtime for Rust built from raw system calls up, with no
//! dependency but std and its own hand-written FFI crate.
//!
//! ```text
//!   your async code
//!        │  .await
//!   ┌────▼──────────────────────────────────────────────┐
//!   │ net, io, time      futures over sockets and timers │  (coming)
//!   │ executor           single-threaded, RawWakerVTable │  (coming)
//!   │ reactor thread     owns the Poll, wakes tasks      │  (coming)
//!   ├────────────────────────────────────────────────────┤
//!   │ poll               mio-shaped: Poll, Registry, …   │  groundup::poll
//!   │ sys/<backend>      epoll │ kqueue │ IOCP + AFD     │  src/sys/
//!   │ syscall            checked, counted, traced calls  │  groundup::stats
//!   ├────────────────────────────────────────────────────┤
//!   │ groundup-ffi       extern "C" declarations only    │  ffi/
//!   └────▲───────────────────────────────────────────────┘
//!        │  system calls
//!      kernel
//! ```
//!
//! Read it bottom-up: [`groundup_ffi`] declares what the kernel offers;
//! `src/sys/` calls it, one file per backend, every call going through one
//! counting, tracing wrapper; [`poll`] gives the portable, edge-triggered
//! readiness API; [`stats`] reports what was asked of the kernel.
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod io;
pub mod net;
pub mod poll;
pub mod stats;
pub mod task;
pub mod time;

mod executor;
mod reactor;
pub mod runtime;
mod sys;

pub use runtime::{Runtime, block_on};
pub use task::spawn;

/// Raises this process's soft limit on open descriptors to its hard limit
/// (`setrlimit(RLIMIT_NOFILE)`), and returns the limit now in force.
///
/// A server holding thousands of connections needs thousands of
/// descriptors, and many systems start processes with a soft limit of 1,024
/// (Linux) or 256 (macOS) while allowing far more. Raising the soft limit up
/// to the hard one needs no privilege. The demo and the stress tests call
/// this; a library should leave the decision to its program.
#[cfg(unix)]
pub fn raise_fd_limit() -> std::io::Result<u64> {
    sys::unix::raise_fd_limit()
}

pub use groundup_ffi;
