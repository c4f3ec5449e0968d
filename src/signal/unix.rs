//! Unix signals: [`signal`] and [`SignalKind`], as in `tokio::signal::unix`.
//!
//! ```no_run
//! use groundup::signal::unix::{SignalKind, signal};
//!
//! groundup::block_on(async {
//!     let mut hangups = signal(SignalKind::hangup())?;
//!     while hangups.recv().await.is_some() {
//!         println!("reloading the configuration");
//!     }
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```

use std::ffi::c_int;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::task::{Context, Poll, ready};

#[cfg(groundup_os = "bsd")]
use groundup_ffi::bsd as os;
#[cfg(groundup_os = "linux")]
use groundup_ffi::linux as os;

use super::registry::{Event, Listener};
use crate::io::Async;
use crate::sys::net::Socket;
use crate::sys::signal::{self as sys, Installed, MAX_SIGNAL};

/// A kind of signal: a signal number, with constructors for the common ones.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct SignalKind(c_int);

impl SignalKind {
    /// Any signal, by number (`libc::SIGRTMIN() + 1`, say). Which numbers
    /// can be listened for is checked by [`signal`].
    pub const fn from_raw(signum: c_int) -> SignalKind {
        SignalKind(signum)
    }

    /// The signal number.
    pub const fn as_raw_value(&self) -> c_int {
        self.0
    }

    /// `SIGALRM`: the timer of `alarm` expired.
    pub const fn alarm() -> SignalKind {
        SignalKind(os::SIGALRM)
    }

    /// `SIGCHLD`: a child process exited or stopped.
    pub const fn child() -> SignalKind {
        SignalKind(os::SIGCHLD)
    }

    /// `SIGHUP`: the terminal hung up; by convention, "reload".
    pub const fn hangup() -> SignalKind {
        SignalKind(os::SIGHUP)
    }

    /// `SIGINFO`: a status request from the terminal (Ctrl-T; the BSDs and
    /// macOS only).
    #[cfg(groundup_os = "bsd")]
    pub const fn info() -> SignalKind {
        SignalKind(os::SIGINFO)
    }

    /// `SIGINT`: interrupt from the terminal (Ctrl-C).
    pub const fn interrupt() -> SignalKind {
        SignalKind(os::SIGINT)
    }

    /// `SIGIO`: I/O is possible on a descriptor set up to say so.
    pub const fn io() -> SignalKind {
        SignalKind(os::SIGIO)
    }

    /// `SIGPIPE`: a write to a pipe or socket that nobody reads. (Rust
    /// programs start with it ignored; listening for it replaces that.)
    pub const fn pipe() -> SignalKind {
        SignalKind(os::SIGPIPE)
    }

    /// `SIGQUIT`: quit from the terminal (Ctrl-\\).
    pub const fn quit() -> SignalKind {
        SignalKind(os::SIGQUIT)
    }

    /// `SIGTERM`: a request to terminate (what `kill` and service managers
    /// send).
    pub const fn terminate() -> SignalKind {
        SignalKind(os::SIGTERM)
    }

    /// `SIGUSR1`: a signal with no predefined meaning.
    pub const fn user_defined1() -> SignalKind {
        SignalKind(os::SIGUSR1)
    }

    /// `SIGUSR2`: a second one.
    pub const fn user_defined2() -> SignalKind {
        SignalKind(os::SIGUSR2)
    }

    /// `SIGWINCH`: the terminal window changed size.
    pub const fn window_change() -> SignalKind {
        SignalKind(os::SIGWINCH)
    }
}

impl From<c_int> for SignalKind {
    fn from(signum: c_int) -> SignalKind {
        SignalKind(signum)
    }
}

impl From<SignalKind> for c_int {
    fn from(kind: SignalKind) -> c_int {
        kind.0
    }
}

/// The listeners of each signal number, index 0 unused.
static EVENTS: [Event; MAX_SIGNAL as usize + 1] = [const { Event::new() }; MAX_SIGNAL as usize + 1];

/// A stream of deliveries of one signal; see [`signal`].
pub struct Signal {
    installed: Installed,
    listener: Listener,
    /// This listener's own descriptor for the signal's socket, registered
    /// with the runtime's reactor.
    io: Async<Socket>,
}

/// Listens for `kind` from now on.
///
/// The first listener for a signal installs groundup's handler for it, for
/// the whole process and for good: from then on the signal's default action
/// (terminating, for `SIGINT` and `SIGTERM`) no longer happens, even after
/// every listener is dropped. A handler that was installed before is
/// called after groundup's (chained). See `groundup::signal` for how a
/// delivery reaches [`recv`](Signal::recv).
///
/// # Errors
///
/// Outside a runtime; for `SIGKILL`, `SIGSTOP`, `SIGSEGV`, `SIGBUS`,
/// `SIGILL`, `SIGFPE` and numbers outside 1 to 64 (`InvalidInput`, naming
/// the reason); or what installing the handler says.
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    super::check_runtime()?;
    let installed = sys::install(kind.0)?;
    let io = Async::from_nonblocking(installed.reader()?)?;
    let listener = Listener::new(event(installed), installed.deliveries());
    Ok(Signal { installed, listener, io })
}

fn event(installed: Installed) -> &'static Event {
    &EVENTS[installed.signum() as usize]
}

impl Signal {
    /// Waits for the next delivery of the signal after the last one this
    /// listener returned (or after its creation). Deliveries that come
    /// while nobody awaits merge: several of them make one `Some(())`.
    ///
    /// `None` means no delivery can come through this listener any more:
    /// the runtime that drove it has shut down.
    pub async fn recv(&mut self) -> Option<()> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next delivery; see [`recv`](Signal::recv).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        loop {
            let installed = self.installed;
            if self.listener.poll_delivered(cx, || installed.deliveries()).is_ready() {
                return Poll::Ready(Some(()));
            }
            // Nothing new: wait for the handler's byte. Draining returns
            // `WouldBlock` at its end, which clears this registration's
            // readiness, so the next byte is a new event.
            let mut drained = false;
            let poll = self.io.poll_read_with(cx, &mut |socket: &Socket| -> io::Result<()> {
                drained |= installed.drain(socket)?;
                Err(io::ErrorKind::WouldBlock.into())
            });
            if drained {
                // This listener read the bytes, so it tells everyone.
                installed.finish_drain();
                event(installed).broadcast();
                continue;
            }
            match ready!(poll) {
                // The runtime shut down, or the socket failed (never seen).
                Err(_) => return Poll::Ready(None),
                Ok(()) => unreachable!("the drain always ends with WouldBlock"),
            }
        }
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal").field("signum", &self.installed.signum()).finish()
    }
}
