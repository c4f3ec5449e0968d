//! The epoll backend (Linux, Android).
//!
//! ## Design
//!
//! epoll already *is* the readiness model `groundup::poll` exposes, so this
//! backend is thin: one epoll instance per `Poll`, one `epoll_ctl` per
//! register/reregister/deregister, one `epoll_wait` per `poll`.
//!
//! - **Edge-triggered.** Every registration carries `EPOLLET`. An event is
//!   reported when readiness *changes* and not again until the source has been
//!   drained to `EAGAIN` and becomes ready anew. That is the contract
//!   `groundup::poll` promises on every OS, and the cheaper one: a
//!   level-triggered ready socket would be reported by every `epoll_wait`
//!   until someone read it, waking the reactor thread for nothing.
//! - **The token is the user data.** `epoll_event.data` carries the `Token`
//!   unchanged; no lookup table is needed, so registering from any thread
//!   needs no lock in user space (the kernel serialises `epoll_ctl` against
//!   `epoll_wait` itself).
//! - **Uniform errors for free.** `EPOLL_CTL_ADD` on a registered descriptor
//!   fails with `EEXIST` and `MOD`/`DEL` on an unregistered one with `ENOENT`;
//!   std maps those errnos to `ErrorKind::AlreadyExists` and
//!   `ErrorKind::NotFound`, exactly what the `Poll` contract asks for.
//! - **Read-closed needs `EPOLLRDHUP`.** Plain `EPOLLIN` cannot tell "data
//!   arrived" from "peer shut down its write half"; readable interest
//!   therefore always includes `EPOLLRDHUP` (epoll_ctl(2), since Linux
//!   2.6.17).
//! - **Timeouts are whole milliseconds.** `epoll_wait` takes an `int` of
//!   milliseconds; a timeout is rounded *up* so the kernel never returns
//!   before the caller's deadline (100 µs becomes 1 ms, 3.1 ms becomes 4 ms).
//!   Longer than `i32::MAX` ms (about 24.8 days) is clamped; `Poll::poll`
//!   loops until the real deadline.
//! - **The waker is an eventfd** registered `EPOLLIN | EPOLLET`. Each
//!   `write(2)` of 1 bumps the counter and queues one edge; several writes
//!   before the next `epoll_wait` merge into one event because an entry is
//!   only ever once on the ready list. The counter is never read back except
//!   in the (theoretical) case it is full, where the write fails with `EAGAIN`
//!   and one `read(2)` resets it.
//!
//! ## Portability notes
//!
//! - `EPOLLPRI` is reported as both priority and readable, as mio does: urgent
//!   data is data a reader should look at.
//! - A `poll` interrupted by a signal returns `ErrorKind::Interrupted`;
//!   `epoll_wait` is never restarted by `SA_RESTART` (signal(7)), and hiding
//!   that from callers would hide the signal too.

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use groundup_ffi::linux as ffi;
use groundup_ffi::unix as posix;

use super::syscall::{self, Syscall};
use super::unix::Fd;
use crate::poll::{Interest, Token};

static EPOLL_CREATE1: Syscall = Syscall::new("epoll_create1");
static EPOLL_CTL: Syscall = Syscall::new("epoll_ctl");
static EPOLL_WAIT: Syscall = Syscall::new("epoll_wait");
static EVENTFD: Syscall = Syscall::new("eventfd");
static READ: Syscall = Syscall::new("read");
static WRITE: Syscall = Syscall::new("write");

/// An epoll instance.
#[derive(Debug)]
pub(crate) struct Selector {
    ep: Fd,
}

impl Selector {
    pub(crate) fn new() -> io::Result<Selector> {
        let ep = syscall::minus_one(&EPOLL_CREATE1, format_args!("EPOLL_CLOEXEC"), || {
            // SAFETY: epoll_create1 takes no pointers; any flags value is
            // checked by the kernel.
            unsafe { ffi::epoll_create1(ffi::EPOLL_CLOEXEC) }
        })?;
        // SAFETY: epoll_create1 returned a new descriptor owned by no one else.
        Ok(Selector { ep: unsafe { Fd::from_raw(ep) } })
    }

    /// A second handle on the same epoll instance (a `dup` of its descriptor).
    pub(crate) fn try_clone(&self) -> io::Result<Selector> {
        Ok(Selector { ep: self.ep.try_clone()? })
    }

    pub(crate) fn as_raw_fd(&self) -> RawFd {
        self.ep.raw()
    }

    /// Waits for events, filling `events` up to its capacity.
    pub(crate) fn select(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        events.clear();
        // Clamped to what an `int` holds; the caller has already refused a
        // zero capacity (`epoll_wait` would say EINVAL).
        let max = i32::try_from(events.capacity()).unwrap_or(i32::MAX);
        let ms = timeout_ms(timeout);
        let (ep, buf) = (self.ep.raw(), events.as_mut_ptr());
        let n =
            syscall::minus_one(&EPOLL_WAIT, format_args!("{ep}, {buf:p}, {max}, {ms}"), || {
                // SAFETY: `buf` points to the Vec's allocation of at least `max`
                // `epoll_event`s, which the kernel may overwrite; the Vec is
                // exclusively borrowed, so nothing reads it meanwhile.
                unsafe { ffi::epoll_wait(ep, buf, max, ms) }
            })?;
        // SAFETY: epoll_wait initialised exactly `n` (0 ≤ n ≤ max ≤ capacity)
        // entries at the start of the buffer.
        unsafe { events.set_len(n as usize) };
        Ok(())
    }

    pub(crate) fn register(&self, fd: RawFd, token: Token, interests: Interest) -> io::Result<()> {
        self.ctl(ffi::EPOLL_CTL_ADD, "EPOLL_CTL_ADD", fd, epoll_flags(interests), token.0 as u64)
    }

    pub(crate) fn reregister(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        self.ctl(ffi::EPOLL_CTL_MOD, "EPOLL_CTL_MOD", fd, epoll_flags(interests), token.0 as u64)
    }

    pub(crate) fn deregister(&self, fd: RawFd) -> io::Result<()> {
        self.ctl(ffi::EPOLL_CTL_DEL, "EPOLL_CTL_DEL", fd, 0, 0)
    }

    fn ctl(&self, op: i32, op_name: &str, fd: RawFd, flags: u32, data: u64) -> io::Result<()> {
        let ep = self.ep.raw();
        let mut event = ffi::epoll_event { events: flags, data };
        syscall::minus_one(
            &EPOLL_CTL,
            format_args!("{ep}, {op_name}, {fd}, {{{}, data={data:#x}}}", FlagNames(flags)),
            || {
                // SAFETY: `event` is a live, initialised epoll_event for the
                // whole call (DEL ignores it but pre-2.6.9 kernels required a
                // non-null pointer). A bad `fd` is an error (EBADF), not UB:
                // epoll_ctl only looks the number up in our descriptor table.
                unsafe { ffi::epoll_ctl(ep, op, fd, &raw mut event) }
            },
        )
        .map(drop)
    }
}

/// Rounds a timeout up to whole milliseconds, as an `epoll_wait` argument.
fn timeout_ms(timeout: Option<Duration>) -> i32 {
    match timeout {
        None => -1,
        Some(t) => {
            let ms = t.as_nanos().div_ceil(1_000_000);
            i32::try_from(ms).unwrap_or(i32::MAX)
        }
    }
}

/// The epoll mask for an `Interest`, always edge-triggered.
fn epoll_flags(interests: Interest) -> u32 {
    let mut flags = ffi::EPOLLET;
    if interests.is_readable() {
        flags |= ffi::EPOLLIN | ffi::EPOLLRDHUP;
    }
    if interests.is_writable() {
        flags |= ffi::EPOLLOUT;
    }
    if interests.is_priority() {
        flags |= ffi::EPOLLPRI;
    }
    flags
}

/// Names the set bits of an epoll mask, for trace lines.
struct FlagNames(u32);

impl std::fmt::Display for FlagNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NAMES: [(u32, &str); 8] = [
            (ffi::EPOLLIN, "EPOLLIN"),
            (ffi::EPOLLPRI, "EPOLLPRI"),
            (ffi::EPOLLOUT, "EPOLLOUT"),
            (ffi::EPOLLERR, "EPOLLERR"),
            (ffi::EPOLLHUP, "EPOLLHUP"),
            (ffi::EPOLLRDHUP, "EPOLLRDHUP"),
            (ffi::EPOLLONESHOT, "EPOLLONESHOT"),
            (ffi::EPOLLET, "EPOLLET"),
        ];
        syscall::write_flags(f, self.0, &NAMES)
    }
}

/// One readiness event, exactly as the kernel wrote it.
pub(crate) type Event = ffi::epoll_event;
/// The buffer `epoll_wait` fills.
pub(crate) type Events = Vec<Event>;

/// Reading an [`Event`]: which source, and what happened.
pub(crate) mod event {
    use super::ffi::{EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDHUP};
    use super::{Event, FlagNames};
    use crate::poll::Token;

    pub(crate) fn token(event: &Event) -> Token {
        Token(event.data as usize)
    }

    pub(crate) fn is_readable(event: &Event) -> bool {
        event.events & (EPOLLIN | EPOLLPRI) != 0
    }

    pub(crate) fn is_writable(event: &Event) -> bool {
        event.events & EPOLLOUT != 0
    }

    pub(crate) fn is_error(event: &Event) -> bool {
        event.events & EPOLLERR != 0
    }

    /// `EPOLLHUP` (both halves closed), or `EPOLLRDHUP` (the peer shut down
    /// writing) reported together with `EPOLLIN`.
    pub(crate) fn is_read_closed(event: &Event) -> bool {
        let e = event.events;
        e & EPOLLHUP != 0 || (e & EPOLLIN != 0 && e & EPOLLRDHUP != 0)
    }

    /// `EPOLLHUP`, or an error while waiting to write (a refused or reset
    /// connection reports `EPOLLOUT | EPOLLERR`), or an error alone.
    pub(crate) fn is_write_closed(event: &Event) -> bool {
        let e = event.events;
        e & EPOLLHUP != 0 || (e & EPOLLOUT != 0 && e & EPOLLERR != 0) || e == EPOLLERR
    }

    pub(crate) fn is_priority(event: &Event) -> bool {
        event.events & EPOLLPRI != 0
    }

    pub(crate) fn debug_flags(event: &Event) -> impl std::fmt::Display {
        FlagNames(event.events)
    }
}

/// Wakes a blocked `epoll_wait` from any thread through an eventfd.
#[derive(Debug)]
pub(crate) struct Waker {
    fd: Fd,
}

impl Waker {
    pub(crate) fn new(selector: &Selector, token: Token) -> io::Result<Waker> {
        let flags = ffi::EFD_CLOEXEC | ffi::EFD_NONBLOCK;
        let fd = syscall::minus_one(&EVENTFD, format_args!("0, EFD_CLOEXEC|EFD_NONBLOCK"), || {
            // SAFETY: eventfd takes no pointers.
            unsafe { ffi::eventfd(0, flags) }
        })?;
        // SAFETY: eventfd returned a new descriptor owned by no one else.
        let fd = unsafe { Fd::from_raw(fd) };
        selector.register(fd.raw(), token, Interest::READABLE)?;
        Ok(Waker { fd })
    }

    /// Adds one to the counter, which queues one edge. Several wakes before
    /// the next poll merge into one event.
    pub(crate) fn wake(&self) -> io::Result<()> {
        match self.write_one() {
            // The counter is full (after 2^64 - 2 wakes nobody read): reset
            // it by reading, then write again. Never seen in practice; handled
            // because a waker that silently stops working would be worse.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.reset()?;
                self.write_one()
            }
            other => other,
        }
    }

    fn write_one(&self) -> io::Result<()> {
        let (fd, one) = (self.fd.raw(), 1u64.to_ne_bytes());
        syscall::minus_one(&WRITE, format_args!("{fd}, [1u64], 8"), || {
            // SAFETY: `one` is 8 readable bytes for the duration of the call,
            // exactly what an eventfd write reads.
            unsafe { posix::write(fd, one.as_ptr().cast(), one.len()) }
        })
        .map(drop)
    }

    fn reset(&self) -> io::Result<()> {
        let (fd, mut buf) = (self.fd.raw(), [0u8; 8]);
        syscall::minus_one(&READ, format_args!("{fd}, _, 8"), || {
            // SAFETY: `buf` is 8 writable bytes for the duration of the call,
            // exactly what an eventfd read writes.
            unsafe { posix::read(fd, buf.as_mut_ptr().cast(), buf.len()) }
        })
        .map(drop)
    }
}

/// Per-`IoSource` state: none (see [`IoSourceState`](super::unix::IoSourceState)).
pub(crate) use super::unix::IoSourceState;
