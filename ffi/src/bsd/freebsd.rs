//! FreeBSD (12 and later): what its headers say where the BSDs differ.
//!
//! Source: FreeBSD's `sys/sys/event.h`, `sys/sys/fcntl.h`,
//! `sys/sys/syslimits.h`, `sys/sys/socket.h` and `sys/sys/_types.h`. Man
//! page: [kqueue(2)](https://man.freebsd.org/cgi/man.cgi?query=kqueue&sektion=2).

use core::ffi::{c_int, c_void};

use super::timespec;

/// `struct kevent { __uintptr_t ident; short filter; unsigned short flags; unsigned int fflags; __int64_t data; void *udata; __uint64_t ext[4]; };`
///
/// Header `<sys/event.h>`; man page kqueue(2). FreeBSD 12 widened `data` to
/// 64 bits on every architecture and appended `ext[4]`, growing the struct
/// from 32 to 64 bytes. The old layout lives on as `struct
/// freebsd11_kevent` behind the symbol version `kevent@FBSD_1.0`; a
/// program linked now binds `kevent@FBSD_1.5`, this layout.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kevent {
    /// The knote's identifier: a descriptor number for `EVFILT_READ` and
    /// `EVFILT_WRITE`, any number for `EVFILT_USER`.
    pub ident: usize,
    /// `EVFILT_*`.
    pub filter: i16,
    /// `EV_*`: actions on input, state on output.
    pub flags: u16,
    /// Filter-specific flags (`NOTE_*` on input; a socket error with
    /// `EV_EOF` on output).
    pub fflags: u32,
    /// Filter-specific data (bytes readable or writable; the errno of an
    /// `EV_ERROR` entry).
    pub data: i64,
    /// Opaque user data, returned unchanged with every event.
    pub udata: *mut c_void,
    /// Extensions: `ext[0..2]` are filter-specific, `ext[2..4]` are passed
    /// through untouched. Zero for the filters groundup uses.
    pub ext: [u64; 4],
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<kevent>() == 64 && align_of::<kevent>() == 8);

unsafe extern "C" {
    /// `int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist, int nevents, const struct timespec *timeout);`
    ///
    /// Header `<sys/event.h>`; man page kqueue(2). Applies `nchanges`
    /// changes, then waits up to `timeout` (null: forever; zero: not at
    /// all) for events and copies at most `nevents` into `eventlist`.
    /// Returns the number of entries written (events, and `EV_ERROR`
    /// receipts for changes), or -1 with errno: `EINTR` when a signal
    /// arrived first (never restarted; the man page adds that "all changes
    /// in the changelist have been applied" when `EINTR` is returned),
    /// `EBADF`, `EFAULT`, `EINVAL` for a bad timeout. A change that fails
    /// while there is room in `eventlist` is reported there, not as -1.
    pub fn kevent(
        kq: c_int,
        changelist: *const kevent,
        nchanges: c_int,
        eventlist: *mut kevent,
        nevents: c_int,
        timeout: *const timespec,
    ) -> c_int;

    /// `int pipe2(int fildes[2], int flags);`
    ///
    /// Header `<unistd.h>`; man page
    /// [pipe(2)](https://man.freebsd.org/cgi/man.cgi?query=pipe&sektion=2)
    /// (FreeBSD 10 and later). Creates a pipe, read end in `fildes[0]`,
    /// write end in `fildes[1]`, with `O_NONBLOCK` and `O_CLOEXEC` applied
    /// atomically. Returns 0, or -1 with errno.
    pub fn pipe2(fildes: *mut c_int, flags: c_int) -> c_int;
}

/// `EVFILT_USER`: an event with no kernel source, triggered by a
/// `NOTE_TRIGGER` change (FreeBSD 8.1 and later). `<sys/event.h>`.
pub const EVFILT_USER: i16 = -11;

/// `typedef __int64_t time_t;` — `<sys/_types.h>` via `<machine/_types.h>`
/// (32 bits on i386 only).
#[cfg(not(target_arch = "x86"))]
pub type time_t = i64;
/// `typedef __int32_t time_t;` — i386's `<machine/_types.h>`.
#[cfg(target_arch = "x86")]
pub type time_t = i32;

/// `typedef __int64_t rlim_t;` — `<sys/_types.h>`. Signed on FreeBSD.
pub type rlim_t = i64;

/// `OPEN_MAX`, `<sys/syslimits.h>`: 64, a historical constant; the real
/// limit is `RLIMIT_NOFILE`.
pub const OPEN_MAX: c_int = 64;

/// `O_CLOEXEC`, `<sys/fcntl.h>`: set close-on-exec when opening.
pub const O_CLOEXEC: c_int = 0x0010_0000;

/// `F_DUPFD_CLOEXEC`, `<sys/fcntl.h>`: duplicate a descriptor onto the
/// lowest free number ≥ the third argument, with close-on-exec set.
pub const F_DUPFD_CLOEXEC: c_int = 17;

/// `SOCK_CLOEXEC`, `<sys/socket.h>`: or-ed into `socket`'s type, sets
/// close-on-exec.
pub const SOCK_CLOEXEC: c_int = 0x1000_0000;
/// `SOCK_NONBLOCK`, `<sys/socket.h>`: or-ed into `socket`'s type, creates
/// the socket non-blocking.
pub const SOCK_NONBLOCK: c_int = 0x2000_0000;

/// `AF_INET6`: IPv6. `<sys/socket.h>`.
pub const AF_INET6: c_int = 28;

/// `IPV6_TCLASS`, `<netinet6/in6.h>`: the traffic class byte of the IPv6
/// packets sent (an `int`, 0 to 255, or -1 for the default; ip6(4)); the
/// KAME number (36 on the Apple systems).
pub const IPV6_TCLASS: c_int = 61;

/// `MSG_NOSIGNAL` (`0x20000`), `<sys/socket.h>` (visible when
/// `__POSIX_VISIBLE >= 200809`): a `send` to a socket whose peer has gone
/// fails with `EPIPE` without raising `SIGPIPE`. Man page
/// [send(2)](https://man.freebsd.org/cgi/man.cgi?query=send&sektion=2).
pub const MSG_NOSIGNAL: c_int = 0x0002_0000;
