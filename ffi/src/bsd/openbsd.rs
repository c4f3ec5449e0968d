//! OpenBSD: what its headers say where the BSDs differ.
//!
//! Source: OpenBSD's `sys/sys/event.h`, `sys/sys/fcntl.h` (revision 1.23),
//! `sys/sys/syslimits.h`, `sys/sys/socket.h` and `sys/sys/_types.h`. Man
//! page: [kqueue(2)](https://man.openbsd.org/kqueue.2). No Rust target for
//! OpenBSD ships a prebuilt std, so `.ci/run` does not compile this file;
//! `cargo +nightly check -Zbuild-std=std,panic_abort --target
//! x86_64-unknown-openbsd` type-checks the workspace with it, and no OpenBSD
//! machine has run it.

use core::ffi::{c_int, c_void};

use super::{gid_t, pid_t, sa_family_t, uid_t};

use super::timespec;

/// `struct kevent { __uintptr_t ident; short filter; unsigned short flags; unsigned int fflags; __int64_t data; void *udata; };`
///
/// Header `<sys/event.h>`; man page kqueue(2). OpenBSD 5.x widened `ident`
/// (from `u_int`) and `data` (from `int`) to 64 bits; 32 bytes on 64-bit
/// targets.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kevent {
    /// The knote's identifier: a descriptor number for `EVFILT_READ` and
    /// `EVFILT_WRITE`.
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
    /// Header `<unistd.h>`; man page [pipe(2)](https://man.openbsd.org/pipe.2)
    /// (OpenBSD 5.7 and later). Creates a pipe with `O_NONBLOCK` and
    /// `O_CLOEXEC` applied atomically. Returns 0, or -1 with errno.
    pub fn pipe2(fildes: *mut c_int, flags: c_int) -> c_int;
}

/// `EVFILT_USER`: a user-triggered event, present in `<sys/event.h>` since
/// 2025 (revision 1.7x); groundup uses a pipe for its waker on OpenBSD, so
/// older releases work too.
pub const EVFILT_USER: i16 = -10;

/// `typedef __int64_t time_t;` — `<sys/_types.h>` (64 bits on every port
/// since OpenBSD 5.5).
pub type time_t = i64;

/// `typedef __uint64_t rlim_t;` — `<sys/_types.h>`.
pub type rlim_t = u64;

/// `OPEN_MAX`, `<sys/syslimits.h>`: 64, a historical constant; the real
/// limit is `RLIMIT_NOFILE`.
pub const OPEN_MAX: c_int = 64;

/// `O_CLOEXEC`, `<sys/fcntl.h>`: set close-on-exec when opening.
pub const O_CLOEXEC: c_int = 0x0001_0000;

/// `F_DUPFD_CLOEXEC`, `<sys/fcntl.h>`: duplicate a descriptor onto the
/// lowest free number ≥ the third argument, with close-on-exec set.
pub const F_DUPFD_CLOEXEC: c_int = 10;

/// `SOCK_CLOEXEC`, `<sys/socket.h>`: or-ed into `socket`'s type, sets
/// close-on-exec.
pub const SOCK_CLOEXEC: c_int = 0x8000;
/// `SOCK_NONBLOCK`, `<sys/socket.h>`: or-ed into `socket`'s type, creates
/// the socket non-blocking.
pub const SOCK_NONBLOCK: c_int = 0x4000;

/// `AF_INET6`: IPv6. `<sys/socket.h>`.
pub const AF_INET6: c_int = 24;

/// `IPV6_TCLASS`, `<netinet6/in6.h>`: the traffic class byte of the IPv6
/// packets sent (an `int`, 0 to 255, or -1 for the default; ip6(4)); the
/// KAME number (36 on the Apple systems).
pub const IPV6_TCLASS: c_int = 61;

/// `MSG_NOSIGNAL` (`0x400`), `<sys/socket.h>`: a `send` to a socket whose
/// peer has gone fails with `EPIPE` without raising `SIGPIPE`. Man page
/// [send(2)](https://man.openbsd.org/send.2).
pub const MSG_NOSIGNAL: c_int = 0x0400;

/// `struct sockaddr_storage { u_int8_t ss_len; sa_family_t ss_family; unsigned char __ss_pad1[6]; u_int64_t __ss_pad2; unsigned char __ss_pad3[240]; };`
///
/// Header `<sys/socket.h>`. OpenBSD's storage is **256 bytes**, twice the
/// others' (its comment: "pad to a total of 256 bytes"), and its alignment
/// member is the unsigned `__ss_pad2`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_storage {
    /// The length of the address stored.
    pub ss_len: u8,
    /// The family of the address stored.
    pub ss_family: sa_family_t,
    /// Padding up to the alignment member ("align to quad").
    pub __ss_pad1: [u8; 6],
    /// Forces 64-bit alignment.
    pub __ss_pad2: u64,
    /// Padding to 256 bytes.
    pub __ss_pad3: [u8; 240],
}

const _: () = assert!(size_of::<sockaddr_storage>() == 256);

/// `SO_PEERCRED` (`0x1022`, "get connect-time credentials"),
/// `<sys/socket.h>`: the credentials of the peer of a connected
/// Unix-domain socket, as they were when it connected (or listened); read
/// only, a `struct sockpeercred`, at level `SOL_SOCKET`. Man page
/// [getsockopt(2)](https://man.openbsd.org/getsockopt.2). The one BSD with
/// Linux's option name (its value and struct differ), and the one that
/// gives the pid with the ids.
pub const SO_PEERCRED: c_int = 0x1022;

/// `struct sockpeercred { uid_t uid; gid_t gid; pid_t pid; };`
///
/// Header `<sys/socket.h>`; man page getsockopt(2). The value of
/// `SO_PEERCRED`: the peer's effective user and group ids and its process
/// id, in that order (Linux's `struct ucred` starts with the pid).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockpeercred {
    /// The peer's effective user id.
    pub uid: uid_t,
    /// Its effective group id.
    pub gid: gid_t,
    /// Its process id.
    pub pid: pid_t,
}

const _: () = assert!(size_of::<sockpeercred>() == 12 && align_of::<sockpeercred>() == 4);
