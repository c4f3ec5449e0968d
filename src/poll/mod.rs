//! Readiness polling, portable: the layer between the kernel and the runtime.
//!
//! This module is shaped like [mio](https://docs.rs/mio/1) 1.x, on purpose: the
//! names (`Poll`, `Registry`, `Token`, `Interest`, `Events`, `Waker`,
//! `Source`, `SourceFd`) and their meaning are the ones Rust network code
//! already knows. Underneath is a backend chosen once, in `src/sys/mod.rs`:
//! epoll on Linux, kqueue on macOS and the BSDs, I/O completion ports with
//! AFD polls on Windows.
//!
//! ```
//! # fn main() -> std::io::Result<()> {
//! use std::io::Write;
//! use std::net::{TcpListener, TcpStream};
//! use groundup::poll::{Events, Interest, IoSource, Poll, Token};
//!
//! let mut poll = Poll::new()?;
//! let mut events = Events::with_capacity(16);
//! let listener = TcpListener::bind("127.0.0.1:0")?;
//! let mut client = TcpStream::connect(listener.local_addr()?)?;
//! let (server, _) = listener.accept()?;
//! let mut server = IoSource::new(server)?; // now non-blocking
//! poll.registry().register(&mut server, Token(7), Interest::READABLE)?;
//!
//! client.write_all(b"ping")?;
//! poll.poll(&mut events, None)?; // returns once `server` is readable
//! let event = events.iter().next().expect("one event");
//! assert_eq!(event.token(), Token(7));
//! assert!(event.is_readable());
//! # Ok(())
//! # }
//! ```
//!
//! ## The contract, identical on every backend
//!
//! - **Edge-triggered.** After an event, no new event for the same readiness
//!   until an operation on the source has returned `WouldBlock` (and the
//!   source then becomes ready again). Read or write until `WouldBlock`
//!   before waiting; going through [`IoSource`] makes this work the same on
//!   every OS. *Spurious* events are allowed: an event is a hint, and the
//!   operation it suggests may still return `WouldBlock`. A source that is
//!   readable and writable may be reported as one event or as two with the
//!   same token (kqueue reports each direction separately).
//! - **Timeouts are never short.** `poll(…, Some(t))` does not return with no
//!   events before `t` has elapsed: timeouts are rounded up to the backend's
//!   resolution (1 ms for epoll and IOCP; kqueue takes nanoseconds, so
//!   nothing is rounded), and `poll` itself waits out any remainder if the
//!   kernel returns early. `Some(Duration::ZERO)` only collects what is ready
//!   and never blocks; `None` blocks until an event.
//! - **Bounded batches.** One poll returns at most `events.capacity()`
//!   events; the rest stay queued for the next call.
//! - **Uniform registration errors**, in release builds too: registering a
//!   registered source fails with `ErrorKind::AlreadyExists`; reregistering or
//!   deregistering one that is not registered fails with
//!   `ErrorKind::NotFound`.
//! - **Deregistration is final.** Once `deregister` has returned, no poll
//!   that starts afterwards returns an event for that source. (A poll already
//!   blocked in another thread may have collected one an instant before; a
//!   runtime that polls on one thread and deregisters on another must
//!   tolerate that, and groundup's does.)
//! - **Wakers coalesce.** [`Waker::wake`] works from any thread; several wakes
//!   before a poll produce one event.
//! - **Signals surface.** A poll interrupted by a signal handler returns
//!   `ErrorKind::Interrupted`; call it again. (Windows has no signals to
//!   interrupt a wait: there `poll` never returns `Interrupted`.)
//!
//! ## Portability table
//!
//! | | epoll (Linux, Android) | kqueue (macOS, iOS, FreeBSD, NetBSD, OpenBSD, DragonFly) | IOCP + AFD (Windows) |
//! |---|---|---|---|
//! | trigger | `EPOLLET` on every registration | `EV_CLEAR` on every knote | one AFD poll in flight per socket; reported bits masked until `WouldBlock` re-arms them (through [`IoSource`]) |
//! | timeout resolution | 1 ms, rounded up | 1 ns in the call (a `timespec`, exact); the kernel sleeps at least that long (NetBSD: whole clock ticks, rounded up) | 1 ms, rounded up |
//! | readable + writable | one event, or two | two events (one per filter) | one event |
//! | `Interest::PRIORITY` | yes (`EPOLLPRI`) | no | no |
//! | read-closed | `EPOLLRDHUP` or `EPOLLHUP` | `EV_EOF` on the read filter | `AFD_POLL_DISCONNECT`, `ABORT` or `CONNECT_FAIL` (Wine reports the peer's FIN only after the data before it is read) |
//! | error | `EPOLLERR` | `EV_ERROR`, or `EV_EOF` with the socket error in `fflags` | `AFD_POLL_CONNECT_FAIL`, `ABORT` |
//! | waker | eventfd, one `write` per wake | `EVFILT_USER` + `NOTE_TRIGGER` (Apple, FreeBSD); a pipe elsewhere; one call per wake | `PostQueuedCompletionStatus`, one per batch of wakes |
//! | registration errors | from the kernel (`EEXIST`, `ENOENT`) | from a record the backend keeps (kqueue accepts a second `EV_ADD`), checked with the kernel when a descriptor may have been closed | from [`IoSource`]'s own record |
//! | what can be registered | any pollable descriptor (`SourceFd`) | any pollable descriptor (`SourceFd`) | sockets ([`IoSource`] of an `AsRawSocket`) |
//! | what groundup also registers, internally | a child's pidfd (`groundup::process`) | a child's exit (`EVFILT_PROC`) | a child's pipes (overlapped I/O) and exit (a thread-pool wait) |
//!
//! ## Threads
//!
//! [`Poll`], [`Registry`] and [`Waker`] are `Send + Sync`. `poll` takes
//! `&mut self`, so one thread polls; any number of threads may register
//! through a [`Registry::try_clone`] while it is blocked, and the kernel
//! delivers their events to the blocked poll.

mod event;
mod interest;
mod io_source;
mod source;
mod sys_sources;
mod token;
mod waker;

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use event::{Event, Events, Iter};
pub use interest::Interest;
pub use io_source::IoSource;
pub use source::Source;
#[cfg(unix)]
pub use source::SourceFd;
pub use token::Token;
pub use waker::Waker;

use crate::sys;

/// The event queue: register sources through its [`Registry`], then
/// [`poll`](Poll::poll) for their events.
pub struct Poll {
    registry: Registry,
}

/// Registers sources with a [`Poll`].
///
/// Obtained from [`Poll::registry`]; [`try_clone`](Registry::try_clone) gives
/// an owned handle that can move to another thread and register there while
/// the `Poll` is blocked.
pub struct Registry {
    selector: sys::Selector,
    /// Identifies the kernel queue (shared by clones) so an [`IoSource`]
    /// can refuse to be registered with two queues at once.
    id: SelectorId,
}

/// A process-unique number for each kernel queue created by `Poll::new`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct SelectorId(usize);

impl SelectorId {
    fn next() -> SelectorId {
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        // Relaxed: only uniqueness matters, which fetch_add gives by itself.
        SelectorId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl Poll {
    /// Creates a new kernel event queue (`epoll_create1`, `kqueue`, or
    /// `CreateIoCompletionPort` on Windows).
    pub fn new() -> io::Result<Poll> {
        let selector = sys::Selector::new()?;
        Ok(Poll { registry: Registry { selector, id: SelectorId::next() } })
    }

    /// The registry for this queue.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Waits for events and stores them in `events`, replacing what it held.
    ///
    /// Returns after at least one event, or when `timeout` has elapsed (never
    /// earlier), or immediately for `Some(Duration::ZERO)`. `None` waits
    /// without limit. A timeout too large for the kernel (or for `Instant`)
    /// is waited out in several kernel calls.
    ///
    /// # Errors
    ///
    /// - `ErrorKind::Interrupted` if a signal handler ran during the wait;
    ///   `events` is then empty and the call can simply be repeated.
    /// - `ErrorKind::InvalidInput` if `events` has a capacity of 0.
    pub fn poll(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        if events.capacity() == 0 {
            events.clear();
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "Poll::poll needs room for at least one event: Events::with_capacity(0) was given",
            ));
        }
        // The deadline is only needed if a wait can end early without events:
        // a kernel timeout clamped to its maximum, or a backend that consumed
        // a notification that produced no event (IOCP).
        let deadline = match timeout {
            Some(t) if !t.is_zero() => Instant::now().checked_add(t),
            _ => None,
        };
        let mut wait = timeout;
        loop {
            self.registry.selector.select(&mut events.inner, wait)?;
            if !events.is_empty() {
                return Ok(());
            }
            wait = match (timeout, deadline) {
                (Some(t), _) if t.is_zero() => return Ok(()),
                (Some(_), Some(deadline)) => {
                    match deadline.checked_duration_since(Instant::now()) {
                        Some(left) if !left.is_zero() => Some(left),
                        _ => return Ok(()),
                    }
                }
                // Waiting forever, or until a deadline `Instant` cannot
                // represent (hundreds of years away): keep waiting.
                (None, _) | (Some(_), None) => None,
            };
        }
    }
}

impl Registry {
    /// Registers `source` for `interests`; its events will carry `token`.
    ///
    /// # Errors
    ///
    /// `ErrorKind::AlreadyExists` if the source is already registered;
    /// otherwise what the kernel says (`EBADF` for a closed descriptor; on
    /// epoll `EPERM` for a regular file, which it refuses as always ready).
    pub fn register<S>(&self, source: &mut S, token: Token, interests: Interest) -> io::Result<()>
    where
        S: Source + ?Sized,
    {
        source.register(self, token, interests)
    }

    /// Changes the token and interests of a registered source. Readiness the
    /// source already has is reported again for the new interests.
    ///
    /// # Errors
    ///
    /// `ErrorKind::NotFound` if the source is not registered.
    pub fn reregister<S>(&self, source: &mut S, token: Token, interests: Interest) -> io::Result<()>
    where
        S: Source + ?Sized,
    {
        source.reregister(self, token, interests)
    }

    /// Removes a source. After this returns, no poll that starts afterwards
    /// returns an event for it.
    ///
    /// # Errors
    ///
    /// `ErrorKind::NotFound` if the source is not registered.
    pub fn deregister<S>(&self, source: &mut S) -> io::Result<()>
    where
        S: Source + ?Sized,
    {
        source.deregister(self)
    }

    /// An owned handle on the same queue, for use from another thread.
    pub fn try_clone(&self) -> io::Result<Registry> {
        Ok(Registry { selector: self.selector.try_clone()?, id: self.id })
    }

    pub(crate) fn selector(&self) -> &sys::Selector {
        &self.selector
    }

    pub(crate) fn id(&self) -> SelectorId {
        self.id
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for Poll {
    /// The epoll (or kqueue) descriptor, e.g. to nest this queue in another.
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.registry.selector.as_raw_fd()
    }
}

impl fmt::Debug for Poll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Poll").field("registry", &self.registry).finish()
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry").field("selector", &self.selector).finish()
    }
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Poll>();
    send_sync::<Registry>();
    send_sync::<Waker>();
    send_sync::<Events>();
};
