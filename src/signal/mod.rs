//! Signals: [`ctrl_c`] everywhere, `unix::signal` on Unix, the console
//! control events in `windows` on Windows. The names and signatures are
//! tokio's.
//!
//! ```no_run
//! groundup::block_on(async {
//!     groundup::signal::ctrl_c().await?;
//!     println!("Ctrl-C: shutting down");
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```
//!
//! ## How a delivery reaches `.await`
//!
//! A signal is delivered to the process, on whichever thread the kernel
//! picks, by *interrupting* that thread at any instruction and running the
//! handler. The choice that shapes everything else is what the handler may
//! do (see `src/sys/signal.rs` for the whole argument, and for why not
//! `signalfd` or kqueue's `EVFILT_SIGNAL`):
//!
//! ```text
//!  Unix:    kernel ── delivers SIGTERM ──► groundup's sigaction handler (any thread)
//!             deliveries += 1 (atomic); write(2) one byte to the signal's socket pair
//!             then calls the handler it replaced, if any
//!           socket readable ──► reactor thread: epoll_wait / kevent event for each
//!             listener's own descriptor of the socket ──► wakes the listener's task
//!           listener's task: drains the socket, lets the handler write again,
//!             broadcasts to every listener of the signal ──► recv() returns Some(())
//!
//!  Windows: system ── Ctrl-C ──► groundup's control handler, on a thread the
//!             system creates ── deliveries += 1; wakes every listener of the event
//!             (an ordinary thread may) ──► recv() returns Some(())
//! ```
//!
//! Every listener compares the delivery count with the one it last saw, so:
//!
//! - **several listeners for one signal are all woken** by one delivery;
//! - **deliveries close together may merge** (the kernel keeps one pending
//!   instance of a standard signal, and a listener that is not awaiting
//!   sees any number of new deliveries as one `Some(())`), but **none is
//!   lost while a listener exists**: after a delivery, every listener's
//!   next `recv` returns;
//! - a listener hears only the deliveries after its creation.
//!
//! ## What installing means
//!
//! The first listener of a signal installs groundup's handler **for the
//! whole process, permanently**, as tokio does: signal dispositions belong
//! to the process, and a handler cannot be removed while another thread
//! might be running it. On Unix the signal's default action is gone from
//! then on (a `SIGINT` no longer terminates the process, even with no
//! listener left). On Windows, where the system asks the handler each time
//! whether it handled the event, Ctrl-C with no listener left ends the
//! process as it would have.
//!
//! A handler that another library installed **before** groundup's is
//! **chained**: groundup's calls it after its own work, with the same
//! arguments (`tests/signal_chain.rs`). One installed after groundup's
//! replaces it, unless it chains in turn.
//!
//! `SIGKILL` and `SIGSTOP` cannot be caught, and `SIGSEGV`, `SIGBUS`,
//! `SIGILL` and `SIGFPE` are faults a self-pipe cannot handle: `unix::signal`
//! refuses them with an `InvalidInput` error that says so.

mod registry;
#[cfg(unix)]
pub mod unix;
#[cfg(windows)]
pub mod windows;

use std::io;

/// Waits for Ctrl-C: `SIGINT` on Unix, `CTRL_C_EVENT` on Windows.
///
/// The listener is created when the future is first polled, so a Ctrl-C
/// before that is not seen (await it, or poll it once, early). See the
/// module docs for what listening does to the process.
///
/// # Errors
///
/// Outside a runtime; if the handler cannot be installed; or if the
/// runtime shuts down before a Ctrl-C comes.
pub async fn ctrl_c() -> io::Result<()> {
    #[cfg(unix)]
    let received = unix::signal(unix::SignalKind::interrupt())?.recv().await;
    #[cfg(windows)]
    let received = windows::ctrl_c()?.recv().await;
    received.ok_or_else(|| {
        io::Error::other("the groundup runtime shut down before Ctrl-C was received")
    })
}

/// The error of creating a listener where no runtime can drive it, checked
/// before anything process-wide is installed.
fn check_runtime() -> io::Result<()> {
    match crate::context::with_current(|_| ()) {
        Some(()) => Ok(()),
        None => Err(io::Error::other(
            "no groundup runtime on this thread: listen for signals inside \
             `groundup::block_on(async { ... })` or a task it runs",
        )),
    }
}
