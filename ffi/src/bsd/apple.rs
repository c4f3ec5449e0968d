//! The Apple systems (macOS, iOS, tvOS, watchOS, visionOS): what their
//! headers say where the BSDs differ.
//!
//! Source: the macOS SDK's `<sys/event.h>`, `<sys/fcntl.h>`,
//! `<sys/syslimits.h>`, `<sys/_types/_time_t.h>`, `<sys/resource.h>` and
//! `<sys/socket.h>` (XNU's `bsd/sys/`). Man page:
//! [kqueue(2)](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man2/kqueue.2.html).

use core::ffi::{c_int, c_long, c_void};

use super::timespec;

/// `struct kevent { uintptr_t ident; int16_t filter; uint16_t flags; uint32_t fflags; intptr_t data; void *udata; };`
///
/// Header `<sys/event.h>`; man page kqueue(2). 32 bytes on 64-bit targets.
/// (`struct kevent64_s` and `struct kevent_qos_s` are Apple extensions with
/// their own calls; groundup uses the portable one.)
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
    /// Header `<sys/event.h>`; man page kqueue(2). Applies `nchanges`
    /// changes, then waits up to `timeout` (null: forever; zero: not at
    /// all) for events and copies at most `nevents` into `eventlist`.
    /// Returns the number of entries written (events, and `EV_ERROR`
    /// receipts for changes), or -1 with errno: `EINTR` when a signal
    /// arrived first (the call is not restarted, `SA_RESTART` or not),
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
}

/// `EVFILT_USER`: an event with no kernel source, triggered by a
/// `NOTE_TRIGGER` change (macOS 10.6 and later). `<sys/event.h>`.
pub const EVFILT_USER: i16 = -10;

/// `typedef long time_t;` (`__darwin_time_t`) — `<sys/_types/_time_t.h>`.
pub type time_t = c_long;

/// `typedef __uint64_t rlim_t;` — `<sys/resource.h>`.
pub type rlim_t = u64;

/// `OPEN_MAX`, `<sys/syslimits.h>`: 10240. macOS refuses to set
/// `RLIMIT_NOFILE`'s soft limit to `RLIM_INFINITY` (or above
/// `kern.maxfilesperproc`) with `EINVAL`; getrlimit(2) says to use
/// `min(OPEN_MAX, rlim_max)` instead.
pub const OPEN_MAX: c_int = 10240;

/// `O_CLOEXEC`, `<sys/fcntl.h>`: set close-on-exec when opening.
pub const O_CLOEXEC: c_int = 0x0100_0000;

/// `F_DUPFD_CLOEXEC`, `<sys/fcntl.h>`: duplicate a descriptor onto the
/// lowest free number ≥ the third argument, with close-on-exec set.
pub const F_DUPFD_CLOEXEC: c_int = 67;

/// `AF_INET6`: IPv6. `<sys/socket.h>` (30 on Apple; the BSDs numbered
/// their address families independently after 4.4BSD).
pub const AF_INET6: c_int = 30;

/// `IPV6_TCLASS`, `<netinet6/in6.h>`: the traffic class byte of the IPv6
/// packets sent (an `int`, 0 to 255, or -1 for the default; ip6(4)). 36 on
/// the Apple systems, which kept their pre-RFC 3542 number "for binary
/// compatibility" (a comment in XNU's `in6.h`); 61 on the BSDs.
pub const IPV6_TCLASS: c_int = 36;

/// `SO_NOSIGPIPE` (`0x1022`, "APPLE: No SIGPIPE on EPIPE"), `<sys/socket.h>`:
/// a socket option (`int`, at `SOL_SOCKET`) after which a write to a socket
/// whose peer has gone fails with `EPIPE` without raising `SIGPIPE`. Set
/// once per socket, including each accepted one. Recent XNU headers also
/// declare `MSG_NOSIGNAL` (`0x80000`) for `send`, but older releases do
/// not, so groundup sets this option instead (`build.rs`,
/// `groundup_sigpipe = "so_nosigpipe"`). FreeBSD and NetBSD have an option
/// of the same name with another value (`0x0800`), unused by groundup.
pub const SO_NOSIGPIPE: c_int = 0x1022;

/// `SO_LINGER_SEC` (`0x1080`, "linger on close if data present (in
/// seconds)"), `<sys/socket.h>`: `SO_LINGER` with `l_linger` in seconds.
/// XNU's plain `SO_LINGER` takes clock ticks (`hz`, 100 a second), so a
/// portable "linger for n seconds" is this option on the Apple systems
/// (`build.rs`, `groundup_so_linger_sec`).
pub const SO_LINGER_SEC: c_int = 0x1080;

/// `SOL_LOCAL` (0), `<sys/un.h>`: the `getsockopt` level of the options of
/// Unix-domain (`AF_LOCAL`) sockets themselves, such as `LOCAL_PEEREPID`;
/// man page [unix(4)](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man4/unix.4.html).
pub const SOL_LOCAL: c_int = 0;

/// `LOCAL_PEEREPID` (`0x003`, "retrieve eff. peer pid"), `<sys/un.h>`: the
/// *effective* process id of the peer of a connected Unix-domain socket,
/// as it was when the peer connected (or listened): the process the
/// socket was delegated to act for (`SO_DELEGATED`), or else the peer
/// itself, which is what tokio reads. Read only, a `pid_t`, at level
/// `SOL_LOCAL`. The Apple systems have no `SO_PEERCRED`: the user and
/// group come from `getpeereid(3)`.
pub const LOCAL_PEEREPID: c_int = 0x003;
