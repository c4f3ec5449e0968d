//! macOS (and the other Apple systems) and the BSDs: kqueue(2), and their
//! values of the POSIX constants groundup passes.
//!
//! ## kqueue in one paragraph
//!
//! A kqueue is a kernel object holding *knotes*, each identified by a pair
//! `(ident, filter)`: a descriptor number and `EVFILT_READ`, the same number
//! and `EVFILT_WRITE`, an arbitrary number and `EVFILT_USER`, and so on.
//! `kevent(2)` does two things in one call: it applies a *changelist* (add,
//! delete, enable, trigger knotes) and then copies up to `nevents` triggered
//! knotes out as `struct kevent`s, waiting up to `timeout` for one. Unlike
//! epoll, readable and writable are two separate knotes, so a socket that is
//! both comes back as two events. With `EV_CLEAR` a knote's state is reset
//! each time it is reported, which makes it edge-triggered. See
//! [kqueue(2) on FreeBSD](https://man.freebsd.org/cgi/man.cgi?query=kqueue&sektion=2),
//! [on macOS](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man2/kqueue.2.html),
//! [on NetBSD](https://man.netbsd.org/kqueue.2) and
//! [on OpenBSD](https://man.openbsd.org/kqueue.2).
//!
//! ## Where the systems differ
//!
//! kqueue was written for FreeBSD 4.1 (2000) and copied by the others, each of
//! which then grew `struct kevent` its own way. Everything that is the same
//! on every one of them is declared in this file; what differs is declared in
//! one file per system under `bsd/`, of which exactly one is compiled. This is
//! the one place in groundup allowed to name operating systems (see
//! `build.rs`), because these are facts of each system's headers, not choices.
//!
//! | 64-bit | Apple | FreeBSD ≥ 12 | NetBSD | OpenBSD | DragonFly |
//! |---|---|---|---|---|---|
//! | `sizeof(struct kevent)` | 32 | 64 (`ext[4]`) | 40 | 32 | 32 |
//! | `filter`, `flags` | `int16_t`, `uint16_t` | `short`, `u_short` | `uint32_t`, `uint32_t` | `short`, `u_short` | `short`, `u_short` |
//! | `data` | `intptr_t` | `int64_t` | `int64_t` | `int64_t` | `intptr_t` |
//! | `nchanges`, `nevents` | `int` | `int` | `size_t` | `int` | `int` |
//! | `EVFILT_READ`, `EVFILT_WRITE` | -1, -2 | -1, -2 | 0, 1 | -1, -2 | -1, -2 |
//! | `EVFILT_USER` | -10 | -11 | 8 | -10 | -9 |
//! | `O_CLOEXEC` | `0x1000000` | `0x100000` | `0x400000` | `0x10000` | `0x20000` |
//! | `F_DUPFD_CLOEXEC` | 67 | 17 | 12 | 10 | 17 |
//! | `pipe2` | no | yes | yes | yes | yes |
//! | `AF_INET6` | 30 | 28 | 24 | 24 | 28 |
//! | `SOCK_NONBLOCK`, `SOCK_CLOEXEC` | none | `0x20000000`, `0x10000000` | same as FreeBSD | `0x4000`, `0x8000` | same as FreeBSD |
//! | no `SIGPIPE` | `SO_NOSIGPIPE` (`0x1022`) | `MSG_NOSIGNAL` (`0x20000`) | `MSG_NOSIGNAL` (`0x400`) | `MSG_NOSIGNAL` (`0x400`) | `MSG_NOSIGNAL` (`0x400`) |
//! | `sizeof(struct sockaddr_storage)` | 128 | 128 | 128 | 256 | 128 |
//!
//! Symbol versions matter too: FreeBSD 12 changed `struct kevent` and kept
//! the old layout under the old symbol version, so a program linked today
//! gets the new `kevent@FBSD_1.5`; NetBSD's header renames `kevent` to
//! `__kevent50` (and `socket` to `__socket30`), which groundup names
//! explicitly with `link_name`. The other socket calls keep their plain
//! names everywhere: in NetBSD's `<sys/socket.h>` (revision 1.129) `socket`
//! is the only one with a `__RENAME` (`accept`, `accept4`, `getsockopt`,
//! `setsockopt`, `socketpair`, `recvfrom` and the rest have none); the
//! other headers rename none of them; and the `$UNIX2003` variants of
//! Apple's `<sys/socket.h>` (`__DARWIN_ALIAS`) exist only for 32-bit x86,
//! which groundup does not target.
//!
//! ## Constants that are the same everywhere
//!
//! `O_NONBLOCK` (4), `F_SETFD` (2), `FD_CLOEXEC` (1), `FIONBIO`
//! (`_IOW('f', 126, int)`), `RLIMIT_NOFILE` (8), `AF_INET` (2), `AF_UNIX`
//! (1), `SOCK_STREAM` (1), `SOCK_DGRAM` (2), `SOL_SOCKET` (`0xffff`),
//! `SO_REUSEADDR` (4), `SO_ERROR` (`0x1007`), `SHUT_RD`/`WR`/`RDWR` (0, 1,
//! 2), `EINPROGRESS` (36) and `SIGUSR1` (30) come from the common 4.4BSD
//! ancestor and never diverged; `IPPROTO_TCP` (6), `IPPROTO_IPV6` (41),
//! `TCP_NODELAY` (1) and `IPV6_V6ONLY` (27) from the shared KAME IPv6 code.
//! Socket addresses all start with a length byte (`sa_len`, `sin_len`,
//! `sin6_len`, `sun_len`) followed by a one-byte `sa_family_t`, and
//! `sun_path` is 104 bytes. The ABI test checks every one of them against
//! the headers of the machine it runs on.

use core::ffi::{c_char, c_int, c_long};

#[cfg(target_vendor = "apple")]
#[path = "bsd/apple.rs"]
mod os;

#[cfg(target_os = "freebsd")]
#[path = "bsd/freebsd.rs"]
mod os;

#[cfg(target_os = "netbsd")]
#[path = "bsd/netbsd.rs"]
mod os;

#[cfg(target_os = "openbsd")]
#[path = "bsd/openbsd.rs"]
mod os;

#[cfg(target_os = "dragonfly")]
#[path = "bsd/dragonfly.rs"]
mod os;

pub use os::*;

// Signals and child processes: mostly common to all, so one file with the
// differences named inside.
#[path = "bsd/process.rs"]
mod process;
pub use process::*;

// ---------------------------------------------------------------------------
// kqueue
// ---------------------------------------------------------------------------

unsafe extern "C" {
    /// `int kqueue(void);`
    ///
    /// Header `<sys/event.h>`; man page
    /// [kqueue(2)](https://man.freebsd.org/cgi/man.cgi?query=kqueue&sektion=2).
    /// Returns a new kqueue descriptor, or -1 with errno (`EMFILE`,
    /// `ENFILE`, `ENOMEM`). The descriptor is not inherited by a child
    /// created with `fork(2)`, but it does survive `execve(2)` unless
    /// close-on-exec is set, which takes a second call (`fcntl(F_SETFD,
    /// FD_CLOEXEC)`): `kqueue1`/`kqueuex` with a close-on-exec flag exist on
    /// NetBSD, OpenBSD and FreeBSD 14 but not on macOS.
    pub fn kqueue() -> c_int;
}

/// `struct timespec { time_t tv_sec; long tv_nsec; };`
///
/// Header `<time.h>` (`<sys/_timespec.h>` on FreeBSD). `kevent` reads its
/// timeout from one: nanoseconds, where `epoll_wait` takes milliseconds.
/// `time_t` is 64 bits on every 64-bit BSD (and on 32-bit NetBSD and
/// OpenBSD); see each system's file.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct timespec {
    /// Whole seconds.
    pub tv_sec: time_t,
    /// Nanoseconds, `0..1_000_000_000`; anything else is `EINVAL`.
    pub tv_nsec: c_long,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<timespec>() == 16 && align_of::<timespec>() == 8);

/// `EVFILT_READ`: the descriptor has data to read (for a listening socket:
/// a connection to accept); `data` holds how much. `EV_EOF` is set when the
/// peer has shut down writing, with `fflags` holding the socket error if
/// there is one. `<sys/event.h>`.
#[cfg(not(target_os = "netbsd"))]
pub const EVFILT_READ: i16 = -1;
/// `EVFILT_WRITE`: the descriptor can be written to; `data` holds the
/// space left. `EV_EOF` is set when the reading side has gone away, with
/// `fflags` holding the socket error (`ECONNREFUSED` after a refused
/// connect). `<sys/event.h>`.
#[cfg(not(target_os = "netbsd"))]
pub const EVFILT_WRITE: i16 = -2;

/// `EV_ADD`: add the knote, or modify it if it exists (a second `EV_ADD` is
/// not an error, unlike epoll's `EEXIST`). Implies `EV_ENABLE`.
/// `<sys/event.h>`.
#[cfg(not(target_os = "netbsd"))]
pub const EV_ADD: u16 = 0x0001;
/// `EV_DELETE`: remove the knote and any event it has queued; `ENOENT` if
/// there is none. `<sys/event.h>`.
#[cfg(not(target_os = "netbsd"))]
pub const EV_DELETE: u16 = 0x0002;
/// `EV_ENABLE`: let an existing knote report events again; `ENOENT` if
/// there is none. `<sys/event.h>`.
#[cfg(not(target_os = "netbsd"))]
pub const EV_ENABLE: u16 = 0x0004;
/// `EV_CLEAR`: reset the knote's state after it is reported, so the next
/// event needs a new change of state: edge-triggered. `<sys/event.h>`.
#[cfg(not(target_os = "netbsd"))]
pub const EV_CLEAR: u16 = 0x0020;
/// `EV_RECEIPT`: return an `EV_ERROR` entry for this change whether it
/// failed or not (`data` = 0 on success, the errno otherwise), so a list of
/// changes reports each change's own result, and `kevent` returns without
/// collecting pending events. `<sys/event.h>`.
#[cfg(not(target_os = "netbsd"))]
pub const EV_RECEIPT: u16 = 0x0040;
/// `EV_ERROR` (returned): this entry reports a change's result, not an
/// event; `data` holds the errno. `<sys/event.h>`.
#[cfg(not(target_os = "netbsd"))]
pub const EV_ERROR: u16 = 0x4000;
/// `EV_EOF` (returned): end of file: for `EVFILT_READ` the peer shut down
/// writing, for `EVFILT_WRITE` nobody reads any more. A socket error, if
/// any, is in `fflags`. `<sys/event.h>`.
#[cfg(not(target_os = "netbsd"))]
pub const EV_EOF: u16 = 0x8000;

/// `NOTE_TRIGGER`: in `fflags` of an `EVFILT_USER` change, trigger the
/// user event, making it report once (and, with `EV_CLEAR`, reset). The same
/// value on every system that has `EVFILT_USER`. `<sys/event.h>`.
pub const NOTE_TRIGGER: u32 = 0x0100_0000;

// ---------------------------------------------------------------------------
// Descriptors
// ---------------------------------------------------------------------------

/// `O_NONBLOCK`, `<fcntl.h>`: non-blocking I/O on a descriptor.
pub const O_NONBLOCK: c_int = 0x0004;
/// `F_SETFD`, `<fcntl.h>`: set the descriptor flags (`FD_CLOEXEC`).
pub const F_SETFD: c_int = 2;
/// `FD_CLOEXEC`, `<fcntl.h>`: the descriptor flag that closes it across
/// `execve(2)`.
pub const FD_CLOEXEC: c_int = 1;
/// `FIONBIO`, `<sys/filio.h>` (via `<sys/ioctl.h>`): set or clear
/// non-blocking mode; the third argument is an `int *`. `_IOW('f', 126,
/// int)` on every BSD.
pub const FIONBIO: core::ffi::c_ulong = 0x8004_667e;

// ---------------------------------------------------------------------------
// Sockets
// ---------------------------------------------------------------------------

/// `struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; int msg_iovlen; void *msg_control; socklen_t msg_controllen; int msg_flags; };`
///
/// Header `<sys/socket.h>`; man page [sendmsg(2)](https://man.freebsd.org/cgi/man.cgi?query=sendmsg&sektion=2).
/// The same on every BSD and on Apple's systems: `int` and `socklen_t`
/// lengths where Linux has `size_t`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct msghdr {
    /// Destination address (unconnected sockets), or null.
    pub msg_name: *mut core::ffi::c_void,
    /// Its length.
    pub msg_namelen: crate::unix::socklen_t,
    /// The buffers.
    pub msg_iov: *mut crate::unix::iovec,
    /// How many.
    pub msg_iovlen: c_int,
    /// Ancillary data, or null.
    pub msg_control: *mut core::ffi::c_void,
    /// Its length.
    pub msg_controllen: crate::unix::socklen_t,
    /// Flags on a received message (unused by `sendmsg`).
    pub msg_flags: c_int,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<msghdr>() == 48);

/// `typedef __uint8_t sa_family_t;` — `<sys/socket.h>`. One byte on the
/// BSDs, which spend the other byte of Linux's `unsigned short` on a length.
pub type sa_family_t = u8;

/// `struct sockaddr { __uint8_t sa_len; sa_family_t sa_family; char sa_data[14]; };`
///
/// Header `<sys/socket.h>`. 4.4BSD added the leading length byte; the kernel
/// takes the length from the `socklen_t` argument and ignores it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr {
    /// Total length of the address (informational).
    pub sa_len: u8,
    /// Address family (`AF_INET`, …).
    pub sa_family: sa_family_t,
    /// Family-specific bytes.
    pub sa_data: [c_char; 14],
}

/// `struct in_addr { in_addr_t s_addr; };` — `<netinet/in.h>`. An IPv4
/// address, in network byte order.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct in_addr {
    /// The address, big-endian.
    pub s_addr: u32,
}

/// `struct sockaddr_in { __uint8_t sin_len; sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr; char sin_zero[8]; };`
///
/// Header `<netinet/in.h>`; man page
/// [ip(4)](https://man.freebsd.org/cgi/man.cgi?query=ip&sektion=4).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_in {
    /// `sizeof(struct sockaddr_in)`.
    pub sin_len: u8,
    /// Always `AF_INET`.
    pub sin_family: sa_family_t,
    /// Port, big-endian.
    pub sin_port: u16,
    /// Address.
    pub sin_addr: in_addr,
    /// Padding to the size of `struct sockaddr`; must be zero.
    pub sin_zero: [c_char; 8],
}

const _: () = assert!(size_of::<sockaddr>() == 16 && size_of::<sockaddr_in>() == 16);

/// `struct in6_addr { union { uint8_t __u6_addr8[16]; uint16_t __u6_addr16[8]; uint32_t __u6_addr32[4]; } __u6_addr; };`
///
/// Header `<netinet6/in6.h>` (included by `<netinet/in.h>`), the KAME
/// declaration every BSD and Apple share; `s6_addr` is a macro for
/// `__u6_addr.__u6_addr8`. An IPv6 address in network byte order. groundup
/// only uses the byte view, so the union is declared as its bytes with the
/// 4-byte alignment its `uint32_t` member gives it.
#[repr(C, align(4))]
#[derive(Clone, Copy, Debug)]
pub struct in6_addr {
    /// The 16 address bytes.
    pub s6_addr: [u8; 16],
}

/// `struct sockaddr_in6 { uint8_t sin6_len; sa_family_t sin6_family; in_port_t sin6_port; uint32_t sin6_flowinfo; struct in6_addr sin6_addr; uint32_t sin6_scope_id; };`
///
/// Header `<netinet6/in6.h>` (via `<netinet/in.h>`); man page
/// [inet6(4)](https://man.freebsd.org/cgi/man.cgi?query=inet6&sektion=4),
/// [on NetBSD](https://man.netbsd.org/inet6.4). 28 bytes everywhere, as on
/// Linux, where the length byte and the one-byte family share the space of
/// Linux's two-byte family.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_in6 {
    /// `sizeof(struct sockaddr_in6)`.
    pub sin6_len: u8,
    /// Always `AF_INET6`.
    pub sin6_family: sa_family_t,
    /// Port, big-endian.
    pub sin6_port: u16,
    /// Flow label (big-endian), usually 0.
    pub sin6_flowinfo: u32,
    /// Address.
    pub sin6_addr: in6_addr,
    /// Interface index for link-local addresses, else 0.
    pub sin6_scope_id: u32,
}

/// `struct sockaddr_un { unsigned char sun_len; sa_family_t sun_family; char sun_path[104]; };`
///
/// Header `<sys/un.h>`; man page
/// [unix(4)](https://man.freebsd.org/cgi/man.cgi?query=unix&sektion=4),
/// [on NetBSD](https://man.netbsd.org/unix.4). The path is 104 bytes on
/// every BSD and Apple system (108 on Linux), so the longest path is 103
/// bytes plus the NUL. `sun_len` is "sockaddr len including null" (Apple's
/// and FreeBSD's comment); the kernel takes the length from the `socklen_t`
/// argument. Apple, NetBSD and DragonFly spell `sun_len` `uint8_t` or
/// `unsigned char`, OpenBSD `u_int8_t`: the same byte. There is no abstract
/// namespace.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_un {
    /// Length of the address in use (informational).
    pub sun_len: u8,
    /// Always `AF_UNIX`.
    pub sun_family: sa_family_t,
    /// The path's bytes.
    pub sun_path: [c_char; 104],
}

/// `struct sockaddr_storage { uint8_t ss_len; sa_family_t ss_family; char __ss_pad1[6]; int64_t __ss_align; char __ss_pad2[112]; };`
///
/// Header `<sys/socket.h>` (`<sys/_sockaddr_storage.h>` on FreeBSD): room
/// and alignment for any socket address (RFC 2553). `_SS_MAXSIZE` is 128 and
/// `_SS_ALIGNSIZE` is `sizeof(int64_t)` on Apple, FreeBSD, NetBSD and
/// DragonFly, giving pads of 6 and 112 bytes. OpenBSD's is 256 bytes and
/// declared in its own file.
#[cfg(not(target_os = "openbsd"))]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_storage {
    /// The length of the address stored.
    pub ss_len: u8,
    /// The family of the address stored.
    pub ss_family: sa_family_t,
    /// Padding up to the alignment member.
    pub __ss_pad1: [c_char; 6],
    /// Forces 64-bit alignment.
    pub __ss_align: i64,
    /// Padding to 128 bytes.
    pub __ss_pad2: [c_char; 112],
}

const _: () = assert!(size_of::<in6_addr>() == 16 && align_of::<in6_addr>() == 4);
const _: () = assert!(size_of::<sockaddr_in6>() == 28 && align_of::<sockaddr_in6>() == 4);
const _: () = assert!(size_of::<sockaddr_un>() == 106 && align_of::<sockaddr_un>() == 1);
#[cfg(not(target_os = "openbsd"))]
const _: () = assert!(size_of::<sockaddr_storage>() == 128);
#[cfg(target_pointer_width = "64")]
const _: () = assert!(align_of::<sockaddr_storage>() == 8);
// Every address groundup stores must fit in the storage.
const _: () = assert!(size_of::<sockaddr_un>() <= size_of::<sockaddr_storage>());

/// `AF_INET`: IPv4. `<sys/socket.h>`.
pub const AF_INET: c_int = 2;
/// `AF_UNIX`: local (Unix-domain) sockets; `AF_LOCAL` is the same. `<sys/socket.h>`.
pub const AF_UNIX: c_int = 1;
/// `SOCK_STREAM`: a reliable byte stream (TCP for `AF_INET`). `<sys/socket.h>`.
pub const SOCK_STREAM: c_int = 1;
/// `SOCK_DGRAM`: datagrams (UDP for `AF_INET`). `<sys/socket.h>`.
pub const SOCK_DGRAM: c_int = 2;
/// `EINPROGRESS`, `<errno.h>`: a non-blocking connect has started.
pub const EINPROGRESS: c_int = 36;

/// `SOL_SOCKET`: the level of socket-generic options (`0xffff`, the value
/// Linux uses only on MIPS and SPARC). `<sys/socket.h>`; man page
/// [getsockopt(2)](https://man.freebsd.org/cgi/man.cgi?query=getsockopt&sektion=2).
pub const SOL_SOCKET: c_int = 0xffff;
/// `SO_REUSEADDR`: allow binding a local address whose old connections are
/// in `TIME_WAIT`. `<sys/socket.h>`.
pub const SO_REUSEADDR: c_int = 0x0004;
/// `SO_ERROR`: read and clear the pending error (an `int`). `<sys/socket.h>`.
pub const SO_ERROR: c_int = 0x1007;

/// `IPPROTO_TCP`, `<netinet/in.h>`: the level of TCP options (the IANA
/// protocol number).
pub const IPPROTO_TCP: c_int = 6;
/// `TCP_NODELAY`, `<netinet/tcp.h>`: send small segments at once instead
/// of waiting to coalesce them (Nagle's algorithm off); man page
/// [tcp(4)](https://man.freebsd.org/cgi/man.cgi?query=tcp&sektion=4).
pub const TCP_NODELAY: c_int = 1;
/// `IPPROTO_IPV6`, `<netinet/in.h>`: the level of IPv6 options.
pub const IPPROTO_IPV6: c_int = 41;
/// `IPV6_V6ONLY`, `<netinet6/in6.h>`: an IPv6 socket does not accept IPv4
/// (mapped) traffic. 27 on the BSDs and Apple (26 on Linux). OpenBSD has
/// no mapped addresses: the option is always on there and cannot be cleared.
pub const IPV6_V6ONLY: c_int = 27;

/// `SHUT_RD`, `<sys/socket.h>`: no more receptions; man page
/// [shutdown(2)](https://man.freebsd.org/cgi/man.cgi?query=shutdown&sektion=2).
pub const SHUT_RD: c_int = 0;
/// `SHUT_WR`, `<sys/socket.h>`: no more transmissions (sends a FIN).
pub const SHUT_WR: c_int = 1;
/// `SHUT_RDWR`, `<sys/socket.h>`: both.
pub const SHUT_RDWR: c_int = 2;

/// `MSG_PEEK`, `<sys/socket.h>`: `recv` returns the data without removing
/// it from the socket's queue; man page
/// [recv(2)](https://man.freebsd.org/cgi/man.cgi?query=recv&sektion=2).
pub const MSG_PEEK: c_int = 0x2;
/// `MSG_DONTWAIT`, `<sys/socket.h>`: this one `recv` or `send` is
/// non-blocking, whatever the descriptor's `O_NONBLOCK` (0x80 on all five).
pub const MSG_DONTWAIT: c_int = 0x80;
/// `F_GETFL`, `<fcntl.h>`: read the file status flags (`O_NONBLOCK`, …);
/// `fcntl` returns them.
pub const F_GETFL: c_int = 3;

// Socket options, with the values 4.4BSD gave them (`SOL_SOCKET`, from
// `<sys/socket.h>`; `IPPROTO_IP`, from `<netinet/in.h>`) and the KAME IPv6
// code gave them (`IPPROTO_IPV6`, from `<netinet6/in6.h>`), the same on every
// BSD and Apple system. The man pages give each value's C type:
// getsockopt(2) for `SOL_SOCKET` (`int`, and `struct linger`), ip(4) for
// `IPPROTO_IP` (`int` for `IP_TTL`, but **`u_char`** for `IP_MULTICAST_TTL`
// and `IP_MULTICAST_LOOP`: OpenBSD refuses anything longer), ip6(4) for
// `IPPROTO_IPV6` (`int` hops, `u_int` loop).

/// `SO_KEEPALIVE`, `<sys/socket.h>`: send keep-alive probes on an idle
/// connection (an `int` flag).
pub const SO_KEEPALIVE: c_int = 0x0008;
/// `SO_BROADCAST`, `<sys/socket.h>`: a datagram socket may send to a
/// broadcast address (an `int` flag).
pub const SO_BROADCAST: c_int = 0x0020;
/// `SO_LINGER`, `<sys/socket.h>`: what `close` does with unsent data (a
/// `struct linger`). The Apple systems read `l_linger` in clock ticks
/// through this option and in seconds through `SO_LINGER_SEC` (see
/// `bsd/apple.rs`); the BSDs in seconds.
pub const SO_LINGER: c_int = 0x0080;
/// `SO_REUSEPORT`, `<sys/socket.h>`: several sockets may bind the same
/// address and port if every one sets it (an `int` flag).
pub const SO_REUSEPORT: c_int = 0x0200;
/// `SO_SNDBUF`, `<sys/socket.h>`: the send buffer's size in bytes (an `int`).
pub const SO_SNDBUF: c_int = 0x1001;
/// `SO_RCVBUF`, `<sys/socket.h>`: the receive buffer's size in bytes (an `int`).
pub const SO_RCVBUF: c_int = 0x1002;

/// `IPPROTO_IP`, `<netinet/in.h>`: the level of IPv4 options; man page
/// [ip(4)](https://man.freebsd.org/cgi/man.cgi?query=ip&sektion=4).
pub const IPPROTO_IP: c_int = 0;
/// `IP_TTL`, `<netinet/in.h>`: the time-to-live of unicast packets sent
/// (an `int`).
pub const IP_TTL: c_int = 4;
/// `IP_TOS`, `<netinet/in.h>`: the type-of-service byte of the IPv4
/// packets sent (an `int`); 4.4BSD's number, the same on all five. Its
/// IPv6 counterpart `IPV6_TCLASS` is numbered differently by Apple, so it
/// is in each system's file.
pub const IP_TOS: c_int = 3;
/// `IP_MULTICAST_TTL`, `<netinet/in.h>`: the time-to-live of multicast
/// packets sent (a `u_char`, default 1).
pub const IP_MULTICAST_TTL: c_int = 10;
/// `IP_MULTICAST_LOOP`, `<netinet/in.h>`: whether multicast packets sent
/// are looped back to this host's own members (a `u_char` flag, default on).
pub const IP_MULTICAST_LOOP: c_int = 11;
/// `IP_ADD_MEMBERSHIP`, `<netinet/in.h>`: join a multicast group on an
/// interface (a `struct ip_mreq`).
pub const IP_ADD_MEMBERSHIP: c_int = 12;
/// `IP_DROP_MEMBERSHIP`, `<netinet/in.h>`: leave a group (a `struct ip_mreq`).
pub const IP_DROP_MEMBERSHIP: c_int = 13;
/// `IPV6_MULTICAST_HOPS`, `<netinet6/in6.h>`: the hop limit of multicast
/// packets sent (an `int`, -1 for the default); man page
/// [ip6(4)](https://man.freebsd.org/cgi/man.cgi?query=ip6&sektion=4).
pub const IPV6_MULTICAST_HOPS: c_int = 10;
/// `IPV6_MULTICAST_LOOP`, `<netinet6/in6.h>`: whether multicast packets
/// sent are looped back to this host (a `u_int` flag).
pub const IPV6_MULTICAST_LOOP: c_int = 11;
/// `IPV6_JOIN_GROUP`, `<netinet6/in6.h>`: join a multicast group on the
/// interface with the given index (a `struct ipv6_mreq`).
pub const IPV6_JOIN_GROUP: c_int = 12;
/// `IPV6_LEAVE_GROUP`, `<netinet6/in6.h>`: leave a group (a `struct ipv6_mreq`).
pub const IPV6_LEAVE_GROUP: c_int = 13;

/// `typedef unsigned char u_char;` — `<sys/types.h>`: the type of the
/// values of `IP_MULTICAST_TTL` and `IP_MULTICAST_LOOP` (ip(4)).
pub type u_char = u8;

/// `struct linger { int l_onoff; int l_linger; };`
///
/// Header `<sys/socket.h>`; man page
/// [getsockopt(2)](https://man.freebsd.org/cgi/man.cgi?query=getsockopt&sektion=2).
/// The value of `SO_LINGER` (and of Apple's `SO_LINGER_SEC`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct linger {
    /// Non-zero: linger on close.
    pub l_onoff: c_int,
    /// How long to linger (seconds; ticks for Apple's `SO_LINGER`).
    pub l_linger: c_int,
}

/// `struct ip_mreq { struct in_addr imr_multiaddr; struct in_addr imr_interface; };`
///
/// Header `<netinet/in.h>`; man page ip(4). A group to join or leave, and
/// the local address of the interface to do it on.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ip_mreq {
    /// The group's address.
    pub imr_multiaddr: in_addr,
    /// The local address of the interface.
    pub imr_interface: in_addr,
}

/// `struct ipv6_mreq { struct in6_addr ipv6mr_multiaddr; unsigned int ipv6mr_interface; };`
///
/// Header `<netinet6/in6.h>`; man page ip6(4). A group to join or leave,
/// and the index of the interface.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ipv6_mreq {
    /// The group's address.
    pub ipv6mr_multiaddr: in6_addr,
    /// The interface's index.
    pub ipv6mr_interface: core::ffi::c_uint,
}

const _: () = assert!(size_of::<linger>() == 8 && size_of::<ip_mreq>() == 8);
const _: () = assert!(size_of::<ipv6_mreq>() == 20 && align_of::<ipv6_mreq>() == 4);

unsafe extern "C" {
    /// `int socket(int domain, int type, int protocol);`
    ///
    /// Header `<sys/socket.h>`; man page
    /// [socket(2)](https://man.freebsd.org/cgi/man.cgi?query=socket&sektion=2).
    /// Returns a new socket descriptor, or -1 with errno. Except on the
    /// Apple systems, `type` may be or-ed with `SOCK_NONBLOCK |
    /// SOCK_CLOEXEC`. NetBSD's header renames the function to `__socket30`
    /// (the socket ABI of NetBSD 3.0); the unversioned symbol is a
    /// compatibility entry for older binaries. It is the only socket call
    /// NetBSD renames (see `<sys/socket.h>`), so the prototypes in `unix`
    /// need no `link_name`.
    #[cfg_attr(target_os = "netbsd", link_name = "__socket30")]
    pub fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int;
}

// ---------------------------------------------------------------------------
// The peer of a Unix-domain socket
// ---------------------------------------------------------------------------

/// `typedef __uint32_t uid_t;` — `<sys/types.h>` (`__darwin_uid_t` on the
/// Apple systems, the same type): a user id.
pub type uid_t = u32;
/// `typedef __uint32_t gid_t;` — `<sys/types.h>` (`__darwin_gid_t` on the
/// Apple systems): a group id.
pub type gid_t = u32;

unsafe extern "C" {
    /// `int getpeereid(int s, uid_t *euid, gid_t *egid);`
    ///
    /// Header `<unistd.h>`; man page
    /// [getpeereid(3)](https://man.freebsd.org/cgi/man.cgi?query=getpeereid&sektion=3),
    /// [on macOS](https://developer.apple.com/library/archive/documentation/System/Conceptual/ManPages_iPhoneOS/man3/getpeereid.3.html),
    /// [on NetBSD](https://man.netbsd.org/getpeereid.3),
    /// [on OpenBSD](https://man.openbsd.org/getpeereid.2).
    /// Stores the *effective* user and group ids of the process at the
    /// other end of a connected Unix-domain stream socket, as they were when
    /// it called `connect(2)` (or, seen from the connecting side, when the
    /// listener called `listen(2)`). Returns 0, or -1 with errno (`ENOTCONN`
    /// on a socket neither connected nor listening, `EINVAL` on a datagram
    /// socket, `ENOTSOCK`, `EBADF`). No pid: the Apple systems give it
    /// through `LOCAL_PEEREPID` (`bsd/apple.rs`), OpenBSD through
    /// `SO_PEERCRED` (`bsd/openbsd.rs`).
    pub fn getpeereid(s: c_int, euid: *mut uid_t, egid: *mut gid_t) -> c_int;
}

// ---------------------------------------------------------------------------
// Signals and threads
// ---------------------------------------------------------------------------

/// `void (*)(int)`: a signal handler. The BSDs call it `sig_t`; glibc's
/// name `sighandler_t` is used here so the prototypes read the same on
/// every Unix. Declared as an address so `SIG_DFL` (0) and `SIG_IGN` (1) fit.
pub type sighandler_t = usize;

/// `pthread_t`, `<pthread.h>`: an opaque pointer in C (`struct
/// _opaque_pthread_t *` on Apple, `struct pthread *` on FreeBSD and
/// OpenBSD, `__pthread_st *` on NetBSD). groundup only hands back the value
/// std's `JoinHandleExt::as_pthread_t` gives out, which is a `usize` on
/// these targets; a pointer and a `usize` are passed identically.
pub type pthread_t = usize;

/// `SIGUSR1`, `<signal.h>`: a signal with no predefined meaning.
pub const SIGUSR1: c_int = 30;

// ---------------------------------------------------------------------------
// Resource limits
// ---------------------------------------------------------------------------

/// `struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; };` — `<sys/resource.h>`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct rlimit {
    /// The soft limit: what is enforced, raisable up to `rlim_max`.
    pub rlim_cur: rlim_t,
    /// The hard limit: the ceiling for the soft limit.
    pub rlim_max: rlim_t,
}

/// `RLIMIT_NOFILE`, `<sys/resource.h>`: one more than the highest descriptor
/// number the process may open.
pub const RLIMIT_NOFILE: c_int = 8;

/// `RLIM_INFINITY`, `<sys/resource.h>`: no limit. `2^63 - 1` everywhere
/// (spelled `((__uint64_t)1 << 63) - 1` on Apple and FreeBSD, `~((u_quad_t)1
/// << 63)` on NetBSD), which fits whether the system's `rlim_t` is signed
/// (FreeBSD, DragonFly) or not.
pub const RLIM_INFINITY: rlim_t = 0x7fff_ffff_ffff_ffff;
