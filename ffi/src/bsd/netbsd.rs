//! NetBSD: what its headers say where the BSDs differ.
//!
//! Source: NetBSD's `sys/sys/event.h` (revision 1.45, as shipped in NetBSD
//! 10), `sys/compat/sys/event.h`, `sys/sys/fcntl.h`, `sys/sys/syslimits.h`
//! and `sys/sys/socket.h`. Man page: [kqueue(2)](https://man.netbsd.org/kqueue.2).
//!
//! NetBSD widened `filter` and `flags` to 32 bits, so its `EVFILT_*` and
//! `EV_*` constants are `uint32_t` and its filters are numbered from 0
//! upwards. Their flag *values* are the same as everywhere else.

use core::ffi::{c_int, c_void};

use super::timespec;

/// `struct kevent { uintptr_t ident; uint32_t filter; uint32_t flags; uint32_t fflags; int64_t data; void *udata; };`
///
/// Header `<sys/event.h>` of NetBSD 10 (`udata` was an `intptr_t` before
/// NetBSD 10: the same size and passing). 40 bytes on 64-bit targets. This
/// is the layout the `__kevent50` entry point takes; NetBSD 11 appends
/// `uint64_t ext[4]` to `struct kevent` and renames `kevent` to
/// `__kevent100`, keeping this layout as `struct kevent100` for
/// `__kevent50`. Linking `__kevent50` runs on NetBSD 9, 10 and 11 alike.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kevent {
    /// The knote's identifier: a descriptor number for `EVFILT_READ` and
    /// `EVFILT_WRITE`, any number for `EVFILT_USER`.
    pub ident: usize,
    /// `EVFILT_*`.
    pub filter: u32,
    /// `EV_*`: actions on input, state on output.
    pub flags: u32,
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
const _: () = assert!(size_of::<kevent>() == 40 && align_of::<kevent>() == 8);

unsafe extern "C" {
    /// `int kevent(int kq, const struct kevent *changelist, size_t nchanges, struct kevent *eventlist, size_t nevents, const struct timespec *timeout) __RENAME(__kevent50);`
    ///
    /// Header `<sys/event.h>`; man page [kevent(2)](https://man.netbsd.org/kevent.2).
    /// The counts are `size_t` on NetBSD. The header renames the function
    /// to `__kevent50` (the NetBSD 5.0 ABI, with a 64-bit `time_t` in the
    /// timeout); the unversioned symbol is the pre-5.0 compatibility entry.
    /// Returns the number of entries written (events, and `EV_ERROR`
    /// receipts for changes), or -1 with errno: `EINTR` when a signal
    /// arrived first (never restarted), `EBADF`, `EFAULT`, `EINVAL`.
    #[link_name = "__kevent50"]
    pub fn kevent(
        kq: c_int,
        changelist: *const kevent,
        nchanges: usize,
        eventlist: *mut kevent,
        nevents: usize,
        timeout: *const timespec,
    ) -> c_int;

    /// `int pipe2(int fildes[2], int flags);`
    ///
    /// Header `<unistd.h>`; man page [pipe(2)](https://man.netbsd.org/pipe.2)
    /// (NetBSD 6.0 and later). Creates a pipe, read end in `fildes[0]`,
    /// write end in `fildes[1]`, with `O_NONBLOCK` and `O_CLOEXEC` applied
    /// atomically. Returns 0, or -1 with errno.
    pub fn pipe2(fildes: *mut c_int, flags: c_int) -> c_int;
}

/// `EVFILT_READ` (`0U`): readable; see the common declaration's notes.
/// `<sys/event.h>`.
pub const EVFILT_READ: u32 = 0;
/// `EVFILT_WRITE` (`1U`): writable. `<sys/event.h>`.
pub const EVFILT_WRITE: u32 = 1;
/// `EVFILT_USER` (`8U`): a user-triggered event, new in NetBSD 10; groundup
/// uses a pipe for its waker here so it also runs on NetBSD 9.
/// `<sys/event.h>`.
pub const EVFILT_USER: u32 = 8;

/// `EV_ADD`: add or modify the knote. `<sys/event.h>`.
pub const EV_ADD: u32 = 0x0001;
/// `EV_DELETE`: remove the knote (`ENOENT` if there is none). `<sys/event.h>`.
pub const EV_DELETE: u32 = 0x0002;
/// `EV_ENABLE`: enable an existing knote (`ENOENT` if there is none).
/// `<sys/event.h>`.
pub const EV_ENABLE: u32 = 0x0004;
/// `EV_CLEAR`: reset the state after reporting: edge-triggered.
/// `<sys/event.h>`.
pub const EV_CLEAR: u32 = 0x0020;
/// `EV_RECEIPT`: report this change's result as an `EV_ERROR` entry.
/// `<sys/event.h>`.
pub const EV_RECEIPT: u32 = 0x0040;
/// `EV_ERROR` (returned): a change's result, errno in `data`. `<sys/event.h>`.
pub const EV_ERROR: u32 = 0x4000;
/// `EV_EOF` (returned): end of file, socket error in `fflags`. `<sys/event.h>`.
pub const EV_EOF: u32 = 0x8000;

/// `typedef __int64_t time_t;` — `<sys/types.h>` (64 bits on every NetBSD
/// port since 6.0).
pub type time_t = i64;

/// `typedef __uint64_t rlim_t;` — `<sys/types.h>`.
pub type rlim_t = u64;

/// `OPEN_MAX`, `<sys/syslimits.h>`: 128, a historical constant; the real
/// limit is `RLIMIT_NOFILE`.
pub const OPEN_MAX: c_int = 128;

/// `O_CLOEXEC`, `<sys/fcntl.h>`: set close-on-exec when opening.
pub const O_CLOEXEC: c_int = 0x0040_0000;

/// `F_DUPFD_CLOEXEC`, `<sys/fcntl.h>`: duplicate a descriptor onto the
/// lowest free number ≥ the third argument, with close-on-exec set.
pub const F_DUPFD_CLOEXEC: c_int = 12;

/// `SOCK_CLOEXEC`, `<sys/socket.h>`: or-ed into `socket`'s type, sets
/// close-on-exec.
pub const SOCK_CLOEXEC: c_int = 0x1000_0000;
/// `SOCK_NONBLOCK`, `<sys/socket.h>`: or-ed into `socket`'s type, creates
/// the socket non-blocking.
pub const SOCK_NONBLOCK: c_int = 0x2000_0000;

/// `AF_INET6`: IPv6. `<sys/socket.h>`.
pub const AF_INET6: c_int = 24;

/// `IPV6_TCLASS`, `<netinet6/in6.h>`: the traffic class byte of the IPv6
/// packets sent (an `int`, 0 to 255, or -1 for the default; ip6(4)); the
/// KAME number (36 on the Apple systems).
pub const IPV6_TCLASS: c_int = 61;

/// `MSG_NOSIGNAL` (`0x0400`), `<sys/socket.h>`: a `send` to a socket whose
/// peer has gone fails with `EPIPE` without raising `SIGPIPE`. Man page
/// [send(2)](https://man.netbsd.org/send.2).
pub const MSG_NOSIGNAL: c_int = 0x0400;
