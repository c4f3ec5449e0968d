//! DragonFly BSD: what its headers say where the BSDs differ.
//!
//! Source: DragonFly's `sys/sys/event.h`, `sys/sys/fcntl.h`,
//! `sys/sys/syslimits.h`, `sys/sys/socket.h` and `sys/sys/types.h`. Man
//! page: [kqueue(2)](https://man.dragonflybsd.org/?command=kqueue&section=2).
//! No Rust target for DragonFly ships a prebuilt std, so `.ci/run` does not
//! compile this file; `cargo +nightly check -Zbuild-std=std,panic_abort
//! --target x86_64-unknown-dragonfly` type-checks the workspace with it, and
//! no DragonFly machine has run it.

use core::ffi::{c_int, c_long, c_void};

use super::timespec;

/// `struct kevent { uintptr_t ident; short filter; u_short flags; u_int fflags; intptr_t data; void *udata; };`
///
/// Header `<sys/event.h>`; man page kqueue(2). The FreeBSD 4 layout,
/// unchanged: 32 bytes on 64-bit targets.
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
    pub data: isize,
    /// Opaque user data, returned unchanged with every event.
    pub udata: *mut c_void,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<kevent>() == 32 && align_of::<kevent>() == 8);

unsafe extern "C" {
    /// `int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist, int nevents, const struct timespec *timeout);`
    ///
    /// Header `<sys/event.h>`; man page kqueue(2). Returns the number of
    /// entries written (events, and `EV_ERROR` receipts for changes), or -1
    /// with errno: `EINTR` when a signal arrived first, `EBADF`, `EFAULT`,
    /// `EINVAL`.
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
    /// Header `<unistd.h>`; man page pipe(2). Creates a pipe with
    /// `O_NONBLOCK` and `O_CLOEXEC` applied atomically. Returns 0, or -1
    /// with errno.
    pub fn pipe2(fildes: *mut c_int, flags: c_int) -> c_int;
}

/// `EVFILT_USER`: a user-triggered event (`EVFILT_EXCEPT` is -8 here,
/// which pushed it to -9). `<sys/event.h>`.
pub const EVFILT_USER: i16 = -9;

/// `typedef long time_t;` — `<machine/stdint.h>` via `<sys/types.h>`.
pub type time_t = c_long;

/// `typedef __int64_t rlim_t;` — `<sys/types.h>`. Signed, as on FreeBSD.
pub type rlim_t = i64;

/// `OPEN_MAX`, `<sys/syslimits.h>`: 64, a historical constant; the real
/// limit is `RLIMIT_NOFILE`.
pub const OPEN_MAX: c_int = 64;

/// `O_CLOEXEC`, `<sys/fcntl.h>`: set close-on-exec when opening.
pub const O_CLOEXEC: c_int = 0x0002_0000;

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

/// `MSG_NOSIGNAL` (`0x00000400`), `<sys/socket.h>`: a `send` to a socket
/// whose peer has gone fails with `EPIPE` without raising `SIGPIPE`. Man
/// page [send(2)](https://man.dragonflybsd.org/?command=send&section=2).
pub const MSG_NOSIGNAL: c_int = 0x0400;
