//! # groundup
//!
//! An async runtime for Rust built from raw system calls up, with no
//! dependency but std and its own hand-written FFI crate.
//!
//! ```
//! use groundup::io::{AsyncReadExt, AsyncWriteExt};
//! use groundup::net::{TcpListener, TcpStream};
//!
//! groundup::block_on(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     groundup::spawn(async move {
//!         let (stream, _) = listener.accept().await?;
//!         let (mut r, mut w) = stream.into_split();
//!         groundup::io::copy(&mut r, &mut w).await // an echo server
//!     });
//!     let mut stream = TcpStream::connect(addr).await?;
//!     stream.write_all(b"hello").await?;
//!     let mut buf = [0; 5];
//!     stream.read_exact(&mut buf).await?;
//!     assert_eq!(&buf, b"hello");
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```
//!
//! Programs and tests start as with tokio, by attribute: [`main`] runs an
//! `async fn main` on a runtime, [`test`] an `async fn` test, and
//! `#[groundup::test(start_paused = true)]` runs it with the clock paused
//! ([`time::pause`]), so an hour of timers takes no time.
//!
//! ## The layers
//!
//! ```text
//!   your async code
//!        │  .await, spawn
//!   ┌────▼──────────────────────────────────────────────┐
//!   │ net, io, time,     the public leaves, which look   │  groundup::{net, io, time, task}
//!   │ spawn              up their runtime…               │
//!   │ sync, select!      tasks waiting for each other    │  groundup::sync, macros
//!   │ context, runtime   …here; Runtime puts it together │  groundup::runtime
//!   │ executor, timers   single-threaded, timing wheel   │
//!   │ tasks              state word, RawWakerVTable      │
//!   │ reactor thread     owns the Poll, wakes tasks      │  src/reactor/
//!   ├────────────────────────────────────────────────────┤
//!   │ poll               mio-shaped: Poll, Registry, …   │  groundup::poll
//!   │ sys/<backend>      epoll │ kqueue │ IOCP + AFD     │  src/sys/
//!   │ syscall            checked, counted, traced calls  │  groundup::stats
//!   ├────────────────────────────────────────────────────┤
//!   │ groundup-ffi       extern "C" declarations only    │  groundup_ffi
//!   └────▲───────────────────────────────────────────────┘
//!        │  system calls
//!      kernel
//! ```
//!
//! Read it bottom-up: [`groundup_ffi`] declares what the kernel offers;
//! `src/sys/` calls it, one file per backend, every call going through one
//! counting, tracing wrapper; [`poll`] gives the portable, edge-triggered
//! readiness API; the reactor thread turns its events into task wakes; the
//! executor ([`Runtime`], [`spawn`], [`task`]) runs the tasks; [`time`],
//! [`net`] and [`io`] are what your code awaits; [`sync`] and the macros
//! ([`select!`], [`join!`], [`try_join!`], [`pin!`]) let tasks wait for each
//! other; [`stats`] reports what was asked of the kernel.
//!
//! Each layer names only the layers below it (and the leaf modules every
//! layer may use: the cooperative budget, panic containment, the model
//! checker's atomics). The reactor knows no executor: it wakes tasks through
//! their `Waker`s only, and a task's waker reaches its executor through a
//! trait. The runtime is looked up in one place, the ambient context, and
//! only by the public leaves.
//!
//! `docs/GUIDE.md` in the repository is a reading order through the source
//! from the kernel up, with the walk of one `read().await` from its first
//! poll to the byte arriving, and a map from the chapters of *Asynchronous
//! Programming in Rust* to the files here. `docs/BAD_INPUT.md` lists what
//! every public entry point does with nonsense.
//!
//! ## Watching it work
//!
//! Set `GROUNDUP_TRACE=1` to print every system call groundup makes, with
//! its arguments, result, duration and thread; [`stats::syscalls`] counts
//! them by name.
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod fs;
pub mod io;
pub mod net;
pub mod poll;
pub mod process;
pub mod signal;
pub mod stats;
pub mod sync;
pub mod task;
pub mod time;

mod blocking;
mod context;
mod coop;
mod executor;
mod loom;
mod macros;
mod rand;
mod reactor;
pub mod runtime;
mod sys;
mod util;

pub use runtime::{Runtime, block_on};
pub use task::spawn;

// What the macros' expansions name (`$crate::__private::...`).
#[doc(hidden)]
pub use macros::support as __private;

#[doc(inline)]
pub use groundup_macros::{main, test};

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
