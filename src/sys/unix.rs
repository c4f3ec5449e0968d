//! Descriptor helpers shared by the Unix backends (epoll and kqueue).
//!
//! [`Fd`] owns a file descriptor the way `std::os::fd::OwnedFd` does, but
//! closes it through groundup's counted `close`, so `groundup::stats` sees
//! every descriptor groundup opens *and* closes.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

#[cfg(groundup_os = "bsd")]
use groundup_ffi::bsd::{self as os, OPEN_MAX};
#[cfg(groundup_os = "linux")]
use groundup_ffi::linux as os;
use groundup_ffi::unix as ffi;

use super::syscall::{self, Syscall};

static CLOSE: Syscall = Syscall::new("close");
static FCNTL: Syscall = Syscall::new("fcntl");
static IOCTL: Syscall = Syscall::new("ioctl");
static GETRLIMIT: Syscall = Syscall::new("getrlimit");
static SETRLIMIT: Syscall = Syscall::new("setrlimit");

/// An owned file descriptor, closed (and counted) on drop.
pub(crate) struct Fd(RawFd);

impl Fd {
    /// Takes ownership of `fd`.
    ///
    /// # Safety
    ///
    /// `fd` must be an open descriptor that nothing else will close: `Fd`
    /// closes it on drop, and a double close could close a descriptor number
    /// that another thread has since been given.
    pub(crate) unsafe fn from_raw(fd: RawFd) -> Fd {
        debug_assert!(fd >= 0, "Fd::from_raw({fd}): not a descriptor");
        Fd(fd)
    }

    /// The descriptor number, still owned by `self`.
    pub(crate) fn raw(&self) -> RawFd {
        self.0
    }

    /// Gives up ownership: the caller must close the descriptor.
    pub(crate) fn into_raw(self) -> RawFd {
        std::mem::ManuallyDrop::new(self).0
    }

    /// A new descriptor for the same open file, with close-on-exec set.
    // The kqueue backend on libkqueue shares its descriptor instead (see
    // `KqFd` in kqueue.rs), and only the kqueue backend dups one.
    #[cfg_attr(groundup_libkqueue, allow(dead_code))]
    pub(crate) fn try_clone(&self) -> io::Result<Fd> {
        let fd = self.0;
        let new = syscall::minus_one(&FCNTL, format_args!("{fd}, F_DUPFD_CLOEXEC, 0"), || {
            // SAFETY: F_DUPFD_CLOEXEC takes an int third argument and only
            // reads its arguments; `fd` is open because `self` owns it.
            unsafe { ffi::fcntl(fd, os::F_DUPFD_CLOEXEC, 0) }
        })?;
        // SAFETY: fcntl just returned `new` as a fresh descriptor that
        // nothing else knows about.
        Ok(unsafe { Fd::from_raw(new) })
    }
}

impl Drop for Fd {
    fn drop(&mut self) {
        let fd = self.0;
        // The result is ignored on purpose, like std's OwnedFd: the descriptor
        // is released even when close(2) reports an error (EINTR, EIO), and
        // retrying could close a number that another thread has just opened.
        let _ = syscall::minus_one(&CLOSE, format_args!("{fd}"), || {
            // SAFETY: `self` owns `fd` (see `from_raw`) and this is the only
            // place it is closed, once, as `self` goes away.
            unsafe { ffi::close(fd) }
        });
    }
}

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

impl AsFd for Fd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: `self` owns the descriptor and keeps it open for as long as
        // the borrow of `self` that bounds the returned lifetime.
        unsafe { BorrowedFd::borrow_raw(self.0) }
    }
}

impl fmt::Debug for Fd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Fd").field(&self.0).finish()
    }
}

/// Sets close-on-exec on `fd` (`fcntl(F_SETFD, FD_CLOEXEC)`), for the
/// kqueue systems' calls that cannot set it as they create the descriptor
/// (`kqueue()`, and `socket`/`accept` on the Apple systems).
#[cfg(groundup_backend = "kqueue")]
pub(crate) fn set_cloexec(fd: RawFd) -> io::Result<()> {
    use os::{F_SETFD, FD_CLOEXEC};
    syscall::minus_one(&FCNTL, format_args!("{fd}, F_SETFD, FD_CLOEXEC"), || {
        // SAFETY: F_SETFD takes an int third argument and only changes the
        // descriptor's flags; a bad `fd` is reported as EBADF.
        unsafe { ffi::fcntl(fd, F_SETFD, FD_CLOEXEC) }
    })
    .map(drop)
}

/// Sets or clears `O_NONBLOCK` on `fd` with one `ioctl(FIONBIO)` (rather than
/// `fcntl(F_GETFL)` followed by `fcntl(F_SETFL)`).
pub(crate) fn set_nonblocking(fd: RawFd, nonblocking: bool) -> io::Result<()> {
    let on: core::ffi::c_int = nonblocking.into();
    syscall::minus_one(&IOCTL, format_args!("{fd}, FIONBIO, [{on}]"), || {
        // SAFETY: FIONBIO reads one `int` through its pointer argument, and
        // `on` is a live, aligned int for the duration of the call. A bad or
        // closed `fd` is reported as EBADF/ENOTTY, not undefined behaviour.
        unsafe { ffi::ioctl(fd, os::FIONBIO, &raw const on) }
    })
    .map(drop)
}

/// Whether `O_NONBLOCK` is set on `fd`'s open file description
/// (`fcntl(F_GETFL)`).
pub(crate) fn is_nonblocking(fd: RawFd) -> io::Result<bool> {
    #[cfg(groundup_os = "bsd")]
    use groundup_ffi::bsd::{F_GETFL, O_NONBLOCK};
    #[cfg(groundup_os = "linux")]
    use groundup_ffi::linux::{F_GETFL, O_NONBLOCK};
    let flags = syscall::minus_one(&FCNTL, format_args!("{fd}, F_GETFL"), || {
        // SAFETY: F_GETFL takes no third argument and only reads the
        // descriptor's flags; a bad `fd` is reported as EBADF.
        unsafe { ffi::fcntl(fd, F_GETFL) }
    })?;
    Ok(flags & O_NONBLOCK != 0)
}

/// Raises the soft `RLIMIT_NOFILE` to the hard limit and returns the new
/// soft limit (unchanged if it already was the hard limit).
pub(crate) fn raise_fd_limit() -> io::Result<u64> {
    let mut limit = ffi::rlimit { rlim_cur: 0, rlim_max: 0 };
    syscall::minus_one(&GETRLIMIT, format_args!("RLIMIT_NOFILE, _"), || {
        // SAFETY: `limit` is a live, writable `struct rlimit`, which is all
        // getrlimit writes.
        unsafe { ffi::getrlimit(os::RLIMIT_NOFILE, &raw mut limit) }
    })?;
    let (cur, max) = (limit.rlim_cur, limit.rlim_max);
    if cur == max {
        return Ok(widen(cur));
    }
    match set_soft_limit(cur, max, max) {
        Ok(()) => Ok(widen(max)),
        // macOS refuses a soft limit above OPEN_MAX (RLIM_INFINITY, its
        // usual hard limit, included) with EINVAL; its getrlimit(2), under
        // COMPATIBILITY, says to use min(OPEN_MAX, rlim_max) instead. On the
        // BSDs the request succeeds, or OPEN_MAX is the small historical 64
        // or 128 and the retry is skipped because it would raise nothing.
        #[cfg(groundup_os = "bsd")]
        Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
            // OPEN_MAX is a small positive int, which every rlim_t holds.
            let open_max = OPEN_MAX as ffi::rlim_t;
            if open_max <= cur || open_max >= max {
                return Err(e);
            }
            set_soft_limit(cur, open_max, max)?;
            Ok(widen(open_max))
        }
        Err(e) => Err(e),
    }
}

/// `setrlimit(RLIMIT_NOFILE, {soft, hard})`; `cur` is only for the trace.
fn set_soft_limit(cur: ffi::rlim_t, soft: ffi::rlim_t, hard: ffi::rlim_t) -> io::Result<()> {
    let raised = ffi::rlimit { rlim_cur: soft, rlim_max: hard };
    syscall::minus_one(
        &SETRLIMIT,
        format_args!("RLIMIT_NOFILE, {{{cur} -> {soft}, {hard}}}"),
        || {
            // SAFETY: `raised` is a live, initialised `struct rlimit` that
            // setrlimit only reads.
            unsafe { ffi::setrlimit(os::RLIMIT_NOFILE, &raw const raised) }
        },
    )
    .map(drop)
}

/// `rlim_t` is `unsigned long` on Linux (32 bits on 32-bit targets),
/// `uint64_t` on Apple, NetBSD and OpenBSD, and `int64_t` on FreeBSD and
/// DragonFly, where no limit is negative (`RLIM_INFINITY` is `2^63 - 1`).
/// Widening to `u64` is lossless in every case.
#[allow(clippy::unnecessary_cast)] // a u64 already on 64-bit Linux
fn widen(limit: ffi::rlim_t) -> u64 {
    limit as u64
}

/// Per-`IoSource` state on the Unix backends: none. epoll (edge-triggered)
/// and kqueue (`EV_CLEAR`) re-arm a registration in the kernel by themselves
/// whenever readiness changes, so an operation that returns `WouldBlock`
/// needs no follow-up here. (The IOCP backend's state is where a backend
/// that must re-arm by hand does it.) On libkqueue the kqueue backend keeps
/// one thing per source, and has its own (`sys/libkqueue.rs`).
#[cfg(not(groundup_libkqueue))]
#[derive(Debug)]
pub(crate) struct IoSourceState;

#[cfg(not(groundup_libkqueue))]
impl IoSourceState {
    pub(crate) fn new() -> IoSourceState {
        IoSourceState
    }

    /// Runs one I/O operation on the source.
    pub(crate) fn do_io<T, R>(&self, f: impl FnOnce(&T) -> io::Result<R>, io: &T) -> io::Result<R> {
        f(io)
    }
}
