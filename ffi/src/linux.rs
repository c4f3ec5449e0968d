//! Linux (and Android): epoll(7), eventfd(2), and the Linux values of the
//! POSIX constants groundup passes.
//!
//! ## epoll in one paragraph
//!
//! An epoll instance is a kernel object holding an *interest list* (the
//! descriptors you asked about, each with an event mask and 64 bits of user
//! data) and a *ready list* (those that have become ready). `epoll_ctl` edits
//! the interest list; `epoll_wait` sleeps until the ready list is non-empty and
//! copies up to `maxevents` entries out. With `EPOLLET` (edge-triggered) an
//! entry leaves the ready list when it is reported and only comes back when the
//! file's state changes again (new data arrives, buffer space frees up), which
//! is why edge-triggered users must read or write until `EAGAIN` before waiting
//! again. See [epoll(7)](https://man7.org/linux/man-pages/man7/epoll.7.html),
//! "Level-triggered and edge-triggered".
//!
//! ## Architecture-dependent values
//!
//! A few flag values are not the same on every Linux architecture: they come
//! from `asm/fcntl.h` and `asm/ioctls.h`. The generic values (x86, x86_64, arm,
//! aarch64, riscv, loongarch, s390x) are declared plainly; MIPS, PowerPC and
//! SPARC get their own. The ABI test checks whichever set is compiled against
//! the headers of the machine that runs it.

use core::ffi::{c_int, c_long, c_ulong};

// ---------------------------------------------------------------------------
// epoll
// ---------------------------------------------------------------------------

/// `typedef union epoll_data { void *ptr; int fd; uint32_t u32; uint64_t u64; } epoll_data_t;`
///
/// Header `<sys/epoll.h>`. The kernel stores these 64 bits when a descriptor
/// is registered and hands them back, untouched, with every event for it.
/// groundup only ever uses the `u64` view (it stores a `Token`), so the union
/// is declared as the integer it always is in memory.
pub type epoll_data_t = u64;

/// `struct epoll_event { uint32_t events; epoll_data_t data; } __EPOLL_PACKED;`
///
/// Header `<sys/epoll.h>`; man page [epoll_ctl(2)](https://man7.org/linux/man-pages/man2/epoll_ctl.2.html).
///
/// glibc defines `__EPOLL_PACKED` as `__attribute__((packed))` **on x86
/// only** (`sysdeps/unix/sysv/linux/x86/bits/epoll.h`, shared by 32-bit x86
/// and x86_64): the 32-bit x86 kernel ABI laid the struct out as 12 bytes (a
/// `u64` is 4-aligned there), and x86_64 kept that layout so 32-bit
/// programs could share it. On 32-bit x86 the packing changes only the
/// alignment (1 instead of 4). Every other architecture (aarch64, riscv64,
/// s390x, 32-bit arm, …) aligns `data` to 8 and the struct is 16 bytes.
/// Packing it everywhere, as some tutorials do, silently breaks aarch64.
///
/// Because the x86 struct is packed, never take a reference to `data`: copy
/// the field out (`{ event.data }`) instead.
#[cfg_attr(any(target_arch = "x86", target_arch = "x86_64"), repr(C, packed))]
#[cfg_attr(not(any(target_arch = "x86", target_arch = "x86_64")), repr(C))]
#[derive(Clone, Copy, Debug)]
pub struct epoll_event {
    /// Bit mask of `EPOLL*` flags: what to watch for (in `epoll_ctl`), what
    /// happened (from `epoll_wait`).
    pub events: u32,
    /// The user data registered with the descriptor.
    pub data: epoll_data_t,
}

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
const _: () = assert!(size_of::<epoll_event>() == 12 && align_of::<epoll_event>() == 1);
#[cfg(all(target_pointer_width = "64", not(target_arch = "x86_64")))]
const _: () = assert!(size_of::<epoll_event>() == 16 && align_of::<epoll_event>() == 8);

unsafe extern "C" {
    /// `int epoll_create1(int flags);`
    ///
    /// Header `<sys/epoll.h>`; man page [epoll_create1(2)](https://man7.org/linux/man-pages/man2/epoll_create1.2.html).
    /// Returns a new epoll descriptor, or -1 with errno. `flags` is 0 or
    /// [`EPOLL_CLOEXEC`].
    pub fn epoll_create1(flags: c_int) -> c_int;

    /// `int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);`
    ///
    /// Header `<sys/epoll.h>`; man page [epoll_ctl(2)](https://man7.org/linux/man-pages/man2/epoll_ctl.2.html).
    /// Returns 0, or -1 with errno: `EEXIST` when adding a descriptor already
    /// in the interest list, `ENOENT` when modifying or deleting one that is
    /// not, `EPERM` for a regular file (always "ready", so not pollable),
    /// `EBADF` for a closed descriptor. `event` is ignored for
    /// [`EPOLL_CTL_DEL`] since Linux 2.6.9 but must still be non-null before.
    pub fn epoll_ctl(epfd: c_int, op: c_int, fd: c_int, event: *mut epoll_event) -> c_int;

    /// `int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);`
    ///
    /// Header `<sys/epoll.h>`; man page [epoll_wait(2)](https://man7.org/linux/man-pages/man2/epoll_wait.2.html).
    /// Waits up to `timeout` milliseconds (-1: forever, 0: do not block) and
    /// copies at most `maxevents` (> 0) ready events into `events`. Returns
    /// their number, 0 on timeout, or -1 with errno: `EINTR` when a signal
    /// handler ran (the call is *not* restarted by `SA_RESTART`, see
    /// signal(7)), `EINVAL` when `maxevents` is not positive.
    pub fn epoll_wait(
        epfd: c_int,
        events: *mut epoll_event,
        maxevents: c_int,
        timeout: c_int,
    ) -> c_int;

    /// `int eventfd(unsigned int initval, int flags);`
    ///
    /// Header `<sys/eventfd.h>`; man page [eventfd(2)](https://man7.org/linux/man-pages/man2/eventfd.2.html).
    /// Returns a descriptor for a kernel-held 64-bit counter, or -1 with
    /// errno. `write(2)` of 8 bytes adds to the counter and makes the
    /// descriptor readable; `read(2)` of 8 bytes returns and resets it. A
    /// write that would overflow the counter past `u64::MAX - 1` fails with
    /// `EAGAIN` on a non-blocking eventfd.
    pub fn eventfd(initval: core::ffi::c_uint, flags: c_int) -> c_int;
}

/// `EPOLL_CTL_ADD`: add a descriptor to the interest list. `<sys/epoll.h>`.
pub const EPOLL_CTL_ADD: c_int = 1;
/// `EPOLL_CTL_DEL`: remove a descriptor from the interest list. `<sys/epoll.h>`.
pub const EPOLL_CTL_DEL: c_int = 2;
/// `EPOLL_CTL_MOD`: change a registered descriptor's mask and data. `<sys/epoll.h>`.
pub const EPOLL_CTL_MOD: c_int = 3;

/// `EPOLLIN`: data to read (or, for a listener, a connection to accept).
pub const EPOLLIN: u32 = 0x001;
/// `EPOLLPRI`: exceptional condition, e.g. TCP urgent (out-of-band) data.
pub const EPOLLPRI: u32 = 0x002;
/// `EPOLLOUT`: writing will not block.
pub const EPOLLOUT: u32 = 0x004;
/// `EPOLLERR`: an error is pending (read it with `SO_ERROR`). Always
/// reported; need not be requested.
pub const EPOLLERR: u32 = 0x008;
/// `EPOLLHUP`: hang-up: both directions are closed (or a pipe's other end
/// closed). Always reported; need not be requested.
pub const EPOLLHUP: u32 = 0x010;
/// `EPOLLRDHUP` (since Linux 2.6.17): the peer closed its writing half, so
/// reads will reach end of file after the buffered data.
pub const EPOLLRDHUP: u32 = 0x2000;
/// `EPOLLONESHOT`: disable the descriptor after one event until re-armed
/// with `EPOLL_CTL_MOD`. groundup does not use it; it is declared for
/// completeness of the flag set the ABI test checks.
pub const EPOLLONESHOT: u32 = 1 << 30;
/// `EPOLLET`: edge-triggered: report a readiness change once, not for as long
/// as the readiness lasts.
pub const EPOLLET: u32 = 1 << 31;

/// `EPOLL_CLOEXEC`: close the epoll descriptor across `execve(2)`. Equal to
/// `O_CLOEXEC`. `<sys/epoll.h>`.
pub const EPOLL_CLOEXEC: c_int = O_CLOEXEC;
unsafe extern "C" {
    /// `int pipe2(int pipefd[2], int flags);`
    ///
    /// Header `<unistd.h>`; man page [pipe2(2)](https://man7.org/linux/man-pages/man2/pipe2.2.html)
    /// (since Linux 2.6.27). Creates a pipe, read end in `pipefd[0]`, write
    /// end in `pipefd[1]`, with `O_NONBLOCK` and `O_CLOEXEC` applied
    /// atomically. Returns 0, or -1 with errno. groundup's Linux backend
    /// wakes with an eventfd; this is here so the pipe waker the kqueue
    /// backend uses on NetBSD, OpenBSD and DragonFly is tested on Linux too.
    pub fn pipe2(pipefd: *mut c_int, flags: c_int) -> c_int;
}

/// `EFD_CLOEXEC`: close the eventfd across `execve(2)`. Equal to `O_CLOEXEC`.
/// `<sys/eventfd.h>`.
pub const EFD_CLOEXEC: c_int = O_CLOEXEC;
/// `EFD_NONBLOCK`: make the eventfd non-blocking. Equal to `O_NONBLOCK`.
/// `<sys/eventfd.h>`.
pub const EFD_NONBLOCK: c_int = O_NONBLOCK;

// ---------------------------------------------------------------------------
// POSIX constants, Linux values
// ---------------------------------------------------------------------------

/// `O_NONBLOCK`, `<fcntl.h>`: non-blocking I/O on a descriptor.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const O_NONBLOCK: c_int = 0o4000;
/// `O_NONBLOCK`, `<fcntl.h>` (MIPS value, from `arch/mips/include/uapi/asm/fcntl.h`).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const O_NONBLOCK: c_int = 0o200;
/// `O_NONBLOCK`, `<fcntl.h>` (SPARC value, from `arch/sparc/include/uapi/asm/fcntl.h`).
#[cfg(target_arch = "sparc64")]
pub const O_NONBLOCK: c_int = 0x4000;

/// `O_CLOEXEC`, `<fcntl.h>`: close the descriptor across `execve(2)`.
#[cfg(not(target_arch = "sparc64"))]
pub const O_CLOEXEC: c_int = 0o2000000;
/// `O_CLOEXEC`, `<fcntl.h>` (SPARC value).
#[cfg(target_arch = "sparc64")]
pub const O_CLOEXEC: c_int = 0x400000;

/// `O_RDONLY`, `<fcntl.h>`: open for reading only (0 on every architecture).
pub const O_RDONLY: c_int = 0;
/// `O_WRONLY`, `<fcntl.h>`: open for writing only (1 on every architecture).
pub const O_WRONLY: c_int = 1;
/// `O_RDWR`, `<fcntl.h>`: open for reading and writing (2 on every architecture).
pub const O_RDWR: c_int = 2;
/// `O_ACCMODE`, `<fcntl.h>`: the bits of the status flags (`F_GETFL`)
/// that hold the access mode, one of `O_RDONLY`, `O_WRONLY`, `O_RDWR`.
pub const O_ACCMODE: c_int = 3;

/// `O_NOCTTY`, `<fcntl.h>`: opening a terminal does not make it the
/// controlling terminal of a session leader that has none.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const O_NOCTTY: c_int = 0o400;
/// `O_NOCTTY`, `<fcntl.h>` (MIPS value, from `arch/mips/include/uapi/asm/fcntl.h`).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const O_NOCTTY: c_int = 0x800;
/// `O_NOCTTY`, `<fcntl.h>` (SPARC value, from `arch/sparc/include/uapi/asm/fcntl.h`).
#[cfg(target_arch = "sparc64")]
pub const O_NOCTTY: c_int = 0x8000;

/// `F_DUPFD_CLOEXEC`, `<fcntl.h>`: duplicate a descriptor onto the lowest
/// free number ≥ the third argument, with close-on-exec set
/// (`F_LINUX_SPECIFIC_BASE + 6` on every architecture).
pub const F_DUPFD_CLOEXEC: c_int = 1030;

/// `F_GETFL`, `<fcntl.h>`: read the file status flags (`O_NONBLOCK`, …) of
/// an open file description; `fcntl` returns them (3 on every architecture).
pub const F_GETFL: c_int = 3;
/// `F_SETFD`, `<fcntl.h>`: set the descriptor flags (`FD_CLOEXEC`). The
/// same value on every architecture (`asm-generic/fcntl.h`). Used by the
/// kqueue backend on libkqueue, whose `kqueue()` takes no flags.
pub const F_SETFD: c_int = 2;
/// `FD_CLOEXEC`, `<fcntl.h>`: the descriptor flag that closes it across
/// `execve(2)`.
pub const FD_CLOEXEC: c_int = 1;

/// `FIONBIO`, `<sys/ioctl.h>`: set (`*argp != 0`) or clear non-blocking mode;
/// the third argument is an `int *`. See ioctl_tty(2)/ioctl(2).
#[cfg(not(any(
    target_arch = "mips",
    target_arch = "mips64",
    target_arch = "powerpc",
    target_arch = "powerpc64",
    target_arch = "sparc64"
)))]
pub const FIONBIO: c_ulong = 0x5421;
/// `FIONBIO`, `<sys/ioctl.h>` (MIPS value, `_IOW('f', 126, int)` in MIPS's encoding).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const FIONBIO: c_ulong = 0x667e;
/// `FIONBIO`, `<sys/ioctl.h>` (PowerPC and SPARC value, `_IOW('f', 126, int)`).
#[cfg(any(target_arch = "powerpc", target_arch = "powerpc64", target_arch = "sparc64"))]
pub const FIONBIO: c_ulong = 0x8004667e;

// ---------------------------------------------------------------------------
// Sockets
// ---------------------------------------------------------------------------

/// `struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; size_t msg_iovlen; void *msg_control; size_t msg_controllen; int msg_flags; };`
///
/// Header `<sys/socket.h>`; man page [sendmsg(2)](https://man7.org/linux/man-pages/man2/sendmsg.2.html).
/// glibc's layout, with `size_t` lengths (the kernel's `struct
/// user_msghdr`); the BSDs use `int` and `socklen_t` there. musl spells
/// the two lengths as `int` plus padding, which is the same layout on
/// little-endian targets only.
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
    pub msg_iovlen: usize,
    /// Ancillary data, or null.
    pub msg_control: *mut core::ffi::c_void,
    /// Its length.
    pub msg_controllen: usize,
    /// Flags on a received message (unused by `sendmsg`).
    pub msg_flags: c_int,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<msghdr>() == 56);

/// `typedef unsigned short sa_family_t;` — `<sys/socket.h>`.
pub type sa_family_t = u16;

/// `struct sockaddr { sa_family_t sa_family; char sa_data[14]; };`
///
/// Header `<sys/socket.h>`. The generic address type the socket calls take a
/// pointer to; the real address is one of the specific structs below, told
/// apart by the family field they all start with.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr {
    /// Address family (`AF_INET`, …).
    pub sa_family: sa_family_t,
    /// Family-specific bytes.
    pub sa_data: [core::ffi::c_char; 14],
}

/// `struct in_addr { in_addr_t s_addr; };` — `<netinet/in.h>`. An IPv4
/// address, in network byte order.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct in_addr {
    /// The address, big-endian.
    pub s_addr: u32,
}

/// `struct sockaddr_in { sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr; unsigned char sin_zero[8]; };`
///
/// Header `<netinet/in.h>`; man page [ip(7)](https://man7.org/linux/man-pages/man7/ip.7.html).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_in {
    /// Always `AF_INET`.
    pub sin_family: sa_family_t,
    /// Port, big-endian.
    pub sin_port: u16,
    /// Address.
    pub sin_addr: in_addr,
    /// Padding to the size of `struct sockaddr`; must be zero.
    pub sin_zero: [u8; 8],
}

const _: () = assert!(size_of::<sockaddr>() == 16 && size_of::<sockaddr_in>() == 16);

/// `struct in6_addr { uint8_t s6_addr[16]; };` — `<netinet/in.h>`. An IPv6
/// address in network byte order. glibc declares it as a union that also
/// holds `uint32_t[4]`, hence the 4-byte alignment.
#[repr(C, align(4))]
#[derive(Clone, Copy, Debug)]
pub struct in6_addr {
    /// The 16 address bytes.
    pub s6_addr: [u8; 16],
}

/// `struct sockaddr_in6 { sa_family_t sin6_family; in_port_t sin6_port; uint32_t sin6_flowinfo; struct in6_addr sin6_addr; uint32_t sin6_scope_id; };`
///
/// Header `<netinet/in.h>`; man page [ipv6(7)](https://man7.org/linux/man-pages/man7/ipv6.7.html).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_in6 {
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

/// `struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; };`
///
/// Header `<sys/un.h>`; man page [unix(7)](https://man7.org/linux/man-pages/man7/unix.7.html).
/// The path need not be NUL-terminated when it fills the array; the length
/// passed with the address says where it ends. A path starting with a NUL
/// byte is Linux's "abstract" namespace.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_un {
    /// Always `AF_UNIX`.
    pub sun_family: sa_family_t,
    /// The path's bytes.
    pub sun_path: [core::ffi::c_char; 108],
}

/// `struct sockaddr_storage` — `<sys/socket.h>`: room and alignment for any
/// socket address. glibc: `sa_family_t ss_family; char __ss_padding[…]; unsigned long __ss_align;`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sockaddr_storage {
    /// The family of the address stored.
    pub ss_family: sa_family_t,
    /// Padding to 128 bytes.
    pub __ss_padding: [u8; 128 - 2 - size_of::<c_ulong>()],
    /// Forces the alignment of `unsigned long`.
    pub __ss_align: c_ulong,
}

const _: () = assert!(size_of::<sockaddr_in6>() == 28 && size_of::<sockaddr_un>() == 110);
const _: () = assert!(size_of::<sockaddr_storage>() == 128);

/// `AF_UNIX`: local (Unix-domain) sockets. `<sys/socket.h>`.
pub const AF_UNIX: c_int = 1;
/// `AF_INET6`: IPv6. `<sys/socket.h>`.
pub const AF_INET6: c_int = 10;

/// `SOL_SOCKET`: the level of socket-generic options. `<sys/socket.h>`.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SOL_SOCKET: c_int = 1;
/// `SOL_SOCKET` (MIPS and SPARC value, shared with the BSDs).
#[cfg(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))]
pub const SOL_SOCKET: c_int = 0xffff;
/// `SO_REUSEADDR`: allow binding an address in `TIME_WAIT`. `<sys/socket.h>`.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SO_REUSEADDR: c_int = 2;
/// `SO_REUSEADDR` (MIPS and SPARC value).
#[cfg(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))]
pub const SO_REUSEADDR: c_int = 0x0004;
/// `SO_ERROR`: read and clear the pending error (an `int`). `<sys/socket.h>`.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SO_ERROR: c_int = 4;
/// `SO_ERROR` (MIPS and SPARC value).
#[cfg(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))]
pub const SO_ERROR: c_int = 0x1007;

/// `SOCK_DGRAM`: datagrams (UDP for `AF_INET`). `<sys/socket.h>`.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64")))]
pub const SOCK_DGRAM: c_int = 2;
/// `SOCK_DGRAM` (MIPS value).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const SOCK_DGRAM: c_int = 1;

/// `IPPROTO_TCP`, `<netinet/in.h>`: the level of TCP options.
pub const IPPROTO_TCP: c_int = 6;
/// `TCP_NODELAY`, `<netinet/tcp.h>`: send small segments at once instead of
/// waiting to coalesce them (Nagle's algorithm off).
pub const TCP_NODELAY: c_int = 1;
/// `IPPROTO_IPV6`, `<netinet/in.h>`: the level of IPv6 options.
pub const IPPROTO_IPV6: c_int = 41;
/// `IPV6_V6ONLY`, `<netinet/in.h>`: an IPv6 socket does not accept IPv4
/// connections (mapped addresses).
pub const IPV6_V6ONLY: c_int = 26;

/// `SHUT_RD`, `<sys/socket.h>`: no more receptions.
pub const SHUT_RD: c_int = 0;
/// `SHUT_WR`, `<sys/socket.h>`: no more transmissions (sends a FIN).
pub const SHUT_WR: c_int = 1;
/// `SHUT_RDWR`, `<sys/socket.h>`: both.
pub const SHUT_RDWR: c_int = 2;

/// `MSG_NOSIGNAL`, `<sys/socket.h>`: a `send` to a closed peer returns
/// `EPIPE` without raising `SIGPIPE`.
pub const MSG_NOSIGNAL: c_int = 0x4000;
/// `MSG_PEEK`, `<sys/socket.h>`: `recv` returns the data without removing
/// it from the socket's queue; the next receive sees it again.
pub const MSG_PEEK: c_int = 0x2;
/// `MSG_OOB`, `<sys/socket.h>`: send (or receive) TCP urgent data, one
/// byte out of band; the receiver's epoll reports `EPOLLPRI` for it
/// (`tcp(7)`, "Out-of-band data").
pub const MSG_OOB: c_int = 0x1;
/// `MSG_DONTWAIT`, `<sys/socket.h>`: this one call is non-blocking
/// (`EAGAIN` instead of waiting), whatever the socket's own mode.
pub const MSG_DONTWAIT: c_int = 0x40;

// Socket options. The man pages say which C type each option's value has:
// socket(7) for the `SOL_SOCKET` ones, ip(7) for `IPPROTO_IP`, ipv6(7) for
// `IPPROTO_IPV6`, tcp(7) for `IPPROTO_TCP`. Every one used here takes an
// `int` except `SO_LINGER` (`struct linger`) and the multicast joins
// (`struct ip_mreq`, `struct ipv6_mreq`). MIPS and SPARC number the
// `SOL_SOCKET` options as the BSDs do (`arch/mips/include/uapi/asm/socket.h`,
// `arch/sparc/include/uapi/asm/socket.h`); the other architectures use
// `include/uapi/asm-generic/socket.h`.

/// `SO_KEEPALIVE`, `<sys/socket.h>`: send keep-alive probes on an idle
/// connection (an `int` flag); socket(7).
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SO_KEEPALIVE: c_int = 9;
/// `SO_KEEPALIVE` (MIPS and SPARC value).
#[cfg(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))]
pub const SO_KEEPALIVE: c_int = 0x0008;
/// `SO_BROADCAST`, `<sys/socket.h>`: a datagram socket may send to a
/// broadcast address (an `int` flag); socket(7).
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SO_BROADCAST: c_int = 6;
/// `SO_BROADCAST` (MIPS and SPARC value).
#[cfg(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))]
pub const SO_BROADCAST: c_int = 0x0020;
/// `SO_LINGER`, `<sys/socket.h>`: what `close` does with unsent data (a
/// `struct linger`); socket(7). With `l_onoff` set and `l_linger` seconds,
/// `close` blocks until the data is sent or the time is up, *even on a
/// non-blocking socket*; with `l_linger` 0 it discards the data and resets
/// the connection.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SO_LINGER: c_int = 13;
/// `SO_LINGER` (MIPS and SPARC value).
#[cfg(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))]
pub const SO_LINGER: c_int = 0x0080;
/// `SO_REUSEPORT`, `<sys/socket.h>`: several sockets of the same user may
/// bind the same address and port, and the kernel spreads connections (or
/// datagrams) among them (an `int` flag; since Linux 3.9); socket(7).
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SO_REUSEPORT: c_int = 15;
/// `SO_REUSEPORT` (MIPS and SPARC value).
#[cfg(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))]
pub const SO_REUSEPORT: c_int = 0x0200;
/// `SO_SNDBUF`, `<sys/socket.h>`: the send buffer's size in bytes (an
/// `int`). The kernel doubles the value set (room for its bookkeeping),
/// clamps it to `net.core.wmem_max` and to a minimum, and `getsockopt`
/// returns the doubled value; socket(7).
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SO_SNDBUF: c_int = 7;
/// `SO_SNDBUF` (MIPS and SPARC value).
#[cfg(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))]
pub const SO_SNDBUF: c_int = 0x1001;
/// `SO_RCVBUF`, `<sys/socket.h>`: the receive buffer's size in bytes (an
/// `int`), doubled and clamped like `SO_SNDBUF` (`net.core.rmem_max`).
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SO_RCVBUF: c_int = 8;
/// `SO_RCVBUF` (MIPS and SPARC value).
#[cfg(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))]
pub const SO_RCVBUF: c_int = 0x1002;
/// `SO_BINDTODEVICE`, `<sys/socket.h>`: the socket sends and receives
/// through the named interface only (the value is the interface's name,
/// a byte string of at most [`IFNAMSIZ`] bytes with its NUL; an empty one,
/// or a length of 0, removes the binding; a longer name is cut at
/// `IFNAMSIZ - 1` bytes). Changing an existing binding needs `CAP_NET_RAW`
/// (else `EPERM`); before Linux 5.7 any binding did. `getsockopt` writes the name with
/// its NUL and that length, or a length of 0 when unbound, and refuses a
/// buffer shorter than `IFNAMSIZ` with `EINVAL`; socket(7). MIPS keeps the
/// generic number (`arch/mips/include/uapi/asm/socket.h`); SPARC has its
/// own.
#[cfg(not(target_arch = "sparc64"))]
pub const SO_BINDTODEVICE: c_int = 25;
/// `SO_BINDTODEVICE` (SPARC value, `arch/sparc/include/uapi/asm/socket.h`).
#[cfg(target_arch = "sparc64")]
pub const SO_BINDTODEVICE: c_int = 0x000d;
/// `IFNAMSIZ`, `<net/if.h>` (`#define IFNAMSIZ IF_NAMESIZE`, 16): the size
/// of an interface name's buffer, its NUL included; netdevice(7). A `usize`
/// here because it is only ever an array length.
pub const IFNAMSIZ: usize = 16;

/// `IPPROTO_IP`, `<netinet/in.h>`: the level of IPv4 options; ip(7).
pub const IPPROTO_IP: c_int = 0;
/// `IP_TTL`, `<netinet/in.h>`: the time-to-live of unicast packets sent
/// (an `int`, 1 to 255; -1 restores the default, anything else is
/// `EINVAL`); ip(7).
pub const IP_TTL: c_int = 2;
/// `IP_TOS`, `<netinet/in.h>`: the type-of-service byte of the IPv4
/// packets sent (an `int`; the DSCP in the high six bits, ECN in the low
/// two, which a TCP socket keeps as the stack sets them); ip(7).
pub const IP_TOS: c_int = 1;
/// `IP_MULTICAST_TTL`, `<netinet/in.h>`: the time-to-live of multicast
/// packets sent (an `int`, 0 to 255, default 1; a `char` is accepted too);
/// ip(7).
pub const IP_MULTICAST_TTL: c_int = 33;
/// `IP_MULTICAST_LOOP`, `<netinet/in.h>`: whether multicast packets sent
/// are looped back to this host's own members (an `int` flag, default on);
/// ip(7).
pub const IP_MULTICAST_LOOP: c_int = 34;
/// `IP_ADD_MEMBERSHIP`, `<netinet/in.h>`: join a multicast group on an
/// interface (a `struct ip_mreq`); ip(7). `EADDRINUSE` if already joined.
pub const IP_ADD_MEMBERSHIP: c_int = 35;
/// `IP_DROP_MEMBERSHIP`, `<netinet/in.h>`: leave a group (a `struct
/// ip_mreq`); `EADDRNOTAVAIL` if not a member.
pub const IP_DROP_MEMBERSHIP: c_int = 36;
/// `IPV6_MULTICAST_HOPS`, `<netinet/in.h>`: the hop limit of multicast
/// packets sent (an `int`, 0 to 255, or -1 for the default); ipv6(7).
pub const IPV6_MULTICAST_HOPS: c_int = 18;
/// `IPV6_MULTICAST_LOOP`, `<netinet/in.h>`: whether multicast packets sent
/// are looped back to this host (an `int` flag); ipv6(7).
pub const IPV6_MULTICAST_LOOP: c_int = 19;
/// `IPV6_JOIN_GROUP`, `<netinet/in.h>` (glibc also calls it
/// `IPV6_ADD_MEMBERSHIP`): join a multicast group on the interface with the
/// given index (a `struct ipv6_mreq`); ipv6(7).
pub const IPV6_JOIN_GROUP: c_int = 20;
/// `IPV6_LEAVE_GROUP`, `<netinet/in.h>` (`IPV6_DROP_MEMBERSHIP`): leave a
/// group (a `struct ipv6_mreq`).
pub const IPV6_LEAVE_GROUP: c_int = 21;
/// `IPV6_TCLASS`, `<netinet/in.h>`: the traffic class byte of the IPv6
/// packets sent (an `int`, 0 to 255, or -1 for the default; RFC 3542
/// section 6.5, which ipv6(7) does not list). As with `IP_TOS`, a TCP
/// socket keeps the two ECN bits as the stack sets them.
pub const IPV6_TCLASS: c_int = 67;

/// `struct linger { int l_onoff; int l_linger; };`
///
/// Header `<sys/socket.h>`; man page [socket(7)](https://man7.org/linux/man-pages/man7/socket.7.html).
/// The value of `SO_LINGER`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct linger {
    /// Non-zero: linger on close.
    pub l_onoff: c_int,
    /// How long to linger, in seconds.
    pub l_linger: c_int,
}

/// `struct ip_mreq { struct in_addr imr_multiaddr; struct in_addr imr_interface; };`
///
/// Header `<netinet/in.h>`; man page [ip(7)](https://man7.org/linux/man-pages/man7/ip.7.html).
/// A group to join or leave, and the local address of the interface to do
/// it on (`INADDR_ANY`: the kernel picks one by routing).
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
/// Header `<netinet/in.h>`; man page [ipv6(7)](https://man7.org/linux/man-pages/man7/ipv6.7.html).
/// A group to join or leave, and the index of the interface (0: the
/// kernel picks one).
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

// The peer's credentials, for `UnixStream::peer_cred`.

/// `SO_PEERCRED`, `<sys/socket.h>`: the credentials of the process at the
/// other end of a connected Unix-domain socket, as they were when it called
/// `connect(2)` or `socketpair(2)` (or, for the connecting side, when the
/// listener called `listen(2)`); read only, a `struct ucred`; unix(7),
/// socket(7). Besides MIPS and SPARC, PowerPC numbers this option its own
/// way (`include/uapi/asm-generic/socket.h` says of `SO_RCVLOWAT` to
/// `SO_PEERCRED`: "powerpc only differs in these").
#[cfg(not(any(
    target_arch = "mips",
    target_arch = "mips64",
    target_arch = "sparc64",
    target_arch = "powerpc",
    target_arch = "powerpc64"
)))]
pub const SO_PEERCRED: c_int = 17;
/// `SO_PEERCRED` (MIPS value, `arch/mips/include/uapi/asm/socket.h`).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const SO_PEERCRED: c_int = 18;
/// `SO_PEERCRED` (SPARC value, `arch/sparc/include/uapi/asm/socket.h`).
#[cfg(target_arch = "sparc64")]
pub const SO_PEERCRED: c_int = 0x0040;
/// `SO_PEERCRED` (PowerPC value, `arch/powerpc/include/uapi/asm/socket.h`).
#[cfg(any(target_arch = "powerpc", target_arch = "powerpc64"))]
pub const SO_PEERCRED: c_int = 21;

/// `typedef unsigned int uid_t;` (`__U32_TYPE`) — `<sys/types.h>`: a user id.
pub type uid_t = core::ffi::c_uint;
/// `typedef unsigned int gid_t;` (`__U32_TYPE`) — `<sys/types.h>`: a group id.
pub type gid_t = core::ffi::c_uint;

/// `struct ucred { pid_t pid; uid_t uid; gid_t gid; };`
///
/// Header `<sys/socket.h>` (glibc and musl declare it only with
/// `_GNU_SOURCE`); man page [unix(7)](https://man7.org/linux/man-pages/man7/unix.7.html).
/// The value of `SO_PEERCRED`: the peer's process id and its *effective*
/// user and group ids. The pid is the one seen from the reader's pid
/// namespace, 0 if the peer's process is not visible there.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ucred {
    /// The peer's process id.
    pub pid: pid_t,
    /// Its effective user id.
    pub uid: uid_t,
    /// Its effective group id.
    pub gid: gid_t,
}

const _: () = assert!(size_of::<ucred>() == 12 && align_of::<ucred>() == 4);

unsafe extern "C" {
    /// `int socket(int domain, int type, int protocol);`
    ///
    /// Header `<sys/socket.h>`; man page [socket(2)](https://man7.org/linux/man-pages/man2/socket.2.html).
    /// Returns a new socket descriptor, or -1 with errno. `type` may be
    /// or-ed with `SOCK_NONBLOCK | SOCK_CLOEXEC` to set both flags
    /// atomically (since Linux 2.6.27).
    pub fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int;
}

/// `AF_INET`: IPv4. `<sys/socket.h>`.
pub const AF_INET: c_int = 2;
/// `SOCK_STREAM`: a reliable byte stream (TCP for `AF_INET`). `<sys/socket.h>`.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64")))]
pub const SOCK_STREAM: c_int = 1;
/// `SOCK_STREAM` (MIPS value: MIPS swapped the numbers of stream and datagram).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const SOCK_STREAM: c_int = 2;
/// `SOCK_NONBLOCK`: or-ed into `socket`'s type, creates the socket
/// non-blocking (equal to `O_NONBLOCK`). `<sys/socket.h>`, since Linux 2.6.27.
pub const SOCK_NONBLOCK: c_int = O_NONBLOCK;
/// `SOCK_CLOEXEC`: or-ed into `socket`'s type, sets close-on-exec (equal to
/// `O_CLOEXEC`). `<sys/socket.h>`, since Linux 2.6.27.
pub const SOCK_CLOEXEC: c_int = O_CLOEXEC;

/// `EINPROGRESS`, `<errno.h>`: a non-blocking connect has started.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64")))]
pub const EINPROGRESS: c_int = 115;
/// `EINPROGRESS` (MIPS value).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const EINPROGRESS: c_int = 150;

// ---------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------

/// `typedef __time_t time_t;` — `<time.h>`; glibc's `__time_t` is a
/// `long` (64 bits on 64-bit targets; 32 bits on 32-bit ones, unless the
/// program is built with `_TIME_BITS=64`, which groundup is not).
pub type time_t = core::ffi::c_long;

/// `struct timespec { time_t tv_sec; long tv_nsec; };`
///
/// Header `<time.h>` (glibc's `<bits/types/struct_timespec.h>`). epoll
/// takes milliseconds and does not need it; libkqueue's `kevent` reads its
/// timeout from one (`libkqueue.rs`, with `GROUNDUP_BACKEND=kqueue`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct timespec {
    /// Whole seconds.
    pub tv_sec: time_t,
    /// Nanoseconds, `0..1_000_000_000`.
    pub tv_nsec: core::ffi::c_long,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<timespec>() == 16 && align_of::<timespec>() == 8);

// ---------------------------------------------------------------------------
// Signals and threads
// ---------------------------------------------------------------------------

/// `typedef void (*sighandler_t)(int);` — `<signal.h>` (a GNU name). Declared
/// as an address so the special values `SIG_DFL` (0) and `SIG_IGN` (1) fit.
pub type sighandler_t = usize;

/// `typedef unsigned long int pthread_t;` — `<pthread.h>` (glibc and musl).
pub type pthread_t = c_ulong;

/// `typedef int pid_t;` — `<sys/types.h>`: a process or thread id.
pub type pid_t = c_int;

unsafe extern "C" {
    /// `pid_t getpid(void);`
    ///
    /// Header `<unistd.h>`; man page [getpid(2)](https://man7.org/linux/man-pages/man2/getpid.2.html).
    /// Always succeeds. The tests use it with `tgkill`.
    pub fn getpid() -> pid_t;

    /// `int tgkill(pid_t tgid, pid_t tid, int sig);`
    ///
    /// Header `<signal.h>` (glibc 2.30, `_GNU_SOURCE`); man page
    /// [tgkill(2)](https://man7.org/linux/man-pages/man2/tgkill.2.html).
    /// Returns 0, or -1 with errno. Sends `sig` to one thread, named by its
    /// kernel thread id (as in `/proc/self/task/<tid>`); the tests use it to
    /// interrupt the reactor thread, whose `pthread_t` they cannot see.
    pub fn tgkill(tgid: pid_t, tid: pid_t, sig: c_int) -> c_int;
}

/// `SIGUSR1`, `<signal.h>`: a signal with no predefined meaning.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SIGUSR1: c_int = 10;
/// `SIGUSR1` (MIPS value).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const SIGUSR1: c_int = 16;
/// `SIGUSR1` (SPARC value).
#[cfg(target_arch = "sparc64")]
pub const SIGUSR1: c_int = 30;

// The other signal numbers groundup names. Most are the same on every Linux
// architecture; MIPS and SPARC kept the numbers of the Unix they were first
// ported from for the rest, so those get a line of their own (values from
// each architecture's `arch/*/include/uapi/asm/signal.h`).

/// `SIGHUP`, `<signal.h>`: the controlling terminal hung up; by convention
/// a daemon's "reload your configuration".
pub const SIGHUP: c_int = 1;
/// `SIGINT`, `<signal.h>`: interrupt from the keyboard (Ctrl-C).
pub const SIGINT: c_int = 2;
/// `SIGQUIT`, `<signal.h>`: quit from the keyboard (Ctrl-\\).
pub const SIGQUIT: c_int = 3;
/// `SIGILL`, `<signal.h>`: illegal instruction (a fault: cannot be handled
/// usefully by a self-pipe, see `groundup::signal`).
pub const SIGILL: c_int = 4;
/// `SIGFPE`, `<signal.h>`: arithmetic fault (a fault, like `SIGILL`).
pub const SIGFPE: c_int = 8;
/// `SIGKILL`, `<signal.h>`: kill; cannot be caught, blocked or ignored.
pub const SIGKILL: c_int = 9;
/// `SIGSEGV`, `<signal.h>`: invalid memory reference (a fault; Rust's std
/// handles it to report stack overflows).
pub const SIGSEGV: c_int = 11;
/// `SIGPIPE`, `<signal.h>`: a write to a pipe or socket nobody reads (Rust's
/// std sets it to `SIG_IGN` before `main`).
pub const SIGPIPE: c_int = 13;
/// `SIGALRM`, `<signal.h>`: the timer of `alarm(2)` expired.
pub const SIGALRM: c_int = 14;
/// `SIGTERM`, `<signal.h>`: a polite request to terminate (what `kill`
/// sends by default, and what service managers send first).
pub const SIGTERM: c_int = 15;

/// `SIGBUS`, `<signal.h>`: bus error (a fault; Rust's std handles it too).
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SIGBUS: c_int = 7;
/// `SIGBUS` (MIPS and SPARC value).
#[cfg(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))]
pub const SIGBUS: c_int = 10;

/// `SIGUSR2`, `<signal.h>`: a second signal with no predefined meaning.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SIGUSR2: c_int = 12;
/// `SIGUSR2` (MIPS value).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const SIGUSR2: c_int = 17;
/// `SIGUSR2` (SPARC value).
#[cfg(target_arch = "sparc64")]
pub const SIGUSR2: c_int = 31;

/// `SIGCHLD`, `<signal.h>`: a child process stopped or exited.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SIGCHLD: c_int = 17;
/// `SIGCHLD` (MIPS value).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const SIGCHLD: c_int = 18;
/// `SIGCHLD` (SPARC value).
#[cfg(target_arch = "sparc64")]
pub const SIGCHLD: c_int = 20;

/// `SIGSTOP`, `<signal.h>`: stop the process; cannot be caught, blocked or
/// ignored.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SIGSTOP: c_int = 19;
/// `SIGSTOP` (MIPS value).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const SIGSTOP: c_int = 23;
/// `SIGSTOP` (SPARC value).
#[cfg(target_arch = "sparc64")]
pub const SIGSTOP: c_int = 17;

/// `SIGWINCH`, `<signal.h>`: the terminal window changed size.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64")))]
pub const SIGWINCH: c_int = 28;
/// `SIGWINCH` (MIPS value).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const SIGWINCH: c_int = 20;

/// `SIGIO`, `<signal.h>`: I/O is possible on a descriptor set up with
/// `F_SETOWN` (also called `SIGPOLL`).
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SIGIO: c_int = 29;
/// `SIGIO` (MIPS value).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const SIGIO: c_int = 22;
/// `SIGIO` (SPARC value).
#[cfg(target_arch = "sparc64")]
pub const SIGIO: c_int = 23;

/// `typedef struct { unsigned long __val[1024 / (8 * sizeof(unsigned long))]; } __sigset_t;`
///
/// Header `<bits/types/__sigset_t.h>` (via `<signal.h>`); glibc's and musl's
/// 128-byte signal set (the kernel's is 8 bytes: the C library translates).
/// groundup only ever passes an empty one, built with all-zero bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sigset_t {
    /// 1,024 bits, one per signal number (most unused).
    pub __val: [c_ulong; 1024 / c_ulong::BITS as usize],
}

/// `struct sigaction { union { __sighandler_t sa_handler; void (*sa_sigaction)(int, siginfo_t *, void *); } __sigaction_handler; __sigset_t sa_mask; int sa_flags; void (*sa_restorer)(void); };`
///
/// Header `<bits/sigaction.h>` (via `<signal.h>`); man page
/// [sigaction(2)](https://man7.org/linux/man-pages/man2/sigaction.2.html).
/// The C library's struct, not the kernel's (`rt_sigaction` takes another
/// layout, which glibc's `sigaction` builds from this one, filling in the
/// `sa_restorer` trampoline itself). The union is declared as the address
/// it holds, like [`sighandler_t`]: `SIG_DFL` is 0, `SIG_IGN` 1, and with
/// `SA_SIGINFO` in `sa_flags` it is a three-argument handler. `sa_handler`
/// and `sa_sigaction` are macros for the union's two members, so the ABI
/// test names the field `sa_sigaction` as C code does.
///
/// MIPS puts `sa_flags` first (glibc's `sysdeps/unix/sysv/linux/mips/bits/sigaction.h`,
/// with an `int sa_resv[1]` after the restorer on 32-bit MIPS); that layout
/// is declared below from the header and checked by no compiler here.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "s390x")))]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sigaction {
    /// The handler: `SIG_DFL`, `SIG_IGN`, or a function's address.
    pub sa_sigaction: sighandler_t,
    /// Signals blocked while the handler runs (besides the signal itself).
    pub sa_mask: sigset_t,
    /// `SA_*` flags.
    pub sa_flags: c_int,
    /// Set by the C library; callers leave it zero.
    pub sa_restorer: usize,
}

/// `struct sigaction` on s390x: `int __glibc_reserved0; int sa_flags;`
/// after the handler, then the restorer, then `sa_mask` last (glibc's
/// `sysdeps/unix/sysv/linux/s390/bits/sigaction.h`; found by the ABI test
/// under qemu, which put `sa_mask` at 8 where the header has it at 24).
#[cfg(target_arch = "s390x")]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sigaction {
    /// The handler: `SIG_DFL`, `SIG_IGN`, or a function's address.
    pub sa_sigaction: sighandler_t,
    /// Reserved by glibc (padding to the 64-bit slot of 31-bit's `long`).
    pub __glibc_reserved0: c_int,
    /// `SA_*` flags.
    pub sa_flags: c_int,
    /// Set by the C library; callers leave it zero.
    pub sa_restorer: usize,
    /// Signals blocked while the handler runs (besides the signal itself).
    pub sa_mask: sigset_t,
}

/// `struct sigaction` on MIPS: `sa_flags` first (see the generic one).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sigaction {
    /// `SA_*` flags.
    pub sa_flags: c_int,
    /// The handler: `SIG_DFL`, `SIG_IGN`, or a function's address.
    pub sa_sigaction: sighandler_t,
    /// Signals blocked while the handler runs (besides the signal itself).
    pub sa_mask: sigset_t,
    /// Set by the C library; callers leave it zero.
    pub sa_restorer: usize,
    /// Reserved by the 32-bit MIPS ABI.
    #[cfg(target_arch = "mips")]
    pub sa_resv: [c_int; 1],
}

const _: () = assert!(size_of::<sigset_t>() == 128);
#[cfg(target_arch = "x86_64")]
const _: () = assert!(size_of::<sigaction>() == 152 && align_of::<sigaction>() == 8);

/// `SA_SIGINFO`, `<signal.h>`: the handler takes three arguments (`int`,
/// `siginfo_t *`, `void *` context) and is stored in `sa_sigaction`.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const SA_SIGINFO: c_int = 4;
/// `SA_SIGINFO` (MIPS value).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const SA_SIGINFO: c_int = 8;
/// `SA_SIGINFO` (SPARC value).
#[cfg(target_arch = "sparc64")]
pub const SA_SIGINFO: c_int = 0x200;

/// `SA_RESTART`, `<signal.h>`: system calls the handler interrupts are
/// restarted instead of failing with `EINTR` (where the call allows it:
/// `epoll_wait` never is; see signal(7), "Interruption of system calls").
#[cfg(not(target_arch = "sparc64"))]
pub const SA_RESTART: c_int = 0x1000_0000;
/// `SA_RESTART` (SPARC value).
#[cfg(target_arch = "sparc64")]
pub const SA_RESTART: c_int = 0x2;

// ---------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------

// `SYS_pidfd_open` and `SYS_pidfd_send_signal` keep the C spelling, lower
// case and all, as every name in this crate does.

unsafe extern "C" {
    /// `long syscall(long number, ...);`
    ///
    /// Header `<unistd.h>`; man page [syscall(2)](https://man7.org/linux/man-pages/man2/syscall.2.html).
    /// Makes the system call `number` with the arguments given; returns
    /// what it returns, or -1 with errno (`ENOSYS` if the kernel does not
    /// have it). groundup uses it for the pidfd calls, whose C library
    /// wrappers are new (glibc 2.36, not in musl) while the calls are not.
    pub fn syscall(number: c_long, ...) -> c_long;
}

/// `SYS_pidfd_open`, `<sys/syscall.h>`: `int pidfd_open(pid_t pid, unsigned
/// int flags)` (Linux 5.3), a descriptor that refers to process `pid` and
/// becomes readable when it exits; man page
/// [pidfd_open(2)](https://man7.org/linux/man-pages/man2/pidfd_open.2.html).
/// 434 on every architecture since the numbers were unified in Linux 5.1,
/// except for MIPS's per-ABI offsets (o32 4000, n64 5000).
#[cfg(not(any(target_arch = "mips", target_arch = "mips64")))]
#[allow(non_upper_case_globals)]
pub const SYS_pidfd_open: c_long = 434;
/// `SYS_pidfd_open` (MIPS o32: 4000 + 434).
#[cfg(target_arch = "mips")]
#[allow(non_upper_case_globals)]
pub const SYS_pidfd_open: c_long = 4434;
/// `SYS_pidfd_open` (MIPS n64: 5000 + 434).
#[cfg(target_arch = "mips64")]
#[allow(non_upper_case_globals)]
pub const SYS_pidfd_open: c_long = 5434;

/// `SYS_pidfd_send_signal`, `<sys/syscall.h>`: `int pidfd_send_signal(int
/// pidfd, int sig, siginfo_t *info, unsigned int flags)` (Linux 5.1), a
/// `kill(2)` that names the process by its pidfd, so it cannot hit another
/// process that reused the number; man page
/// [pidfd_send_signal(2)](https://man7.org/linux/man-pages/man2/pidfd_send_signal.2.html).
/// `ESRCH` once the process has exited, even before it is reaped.
#[cfg(not(any(target_arch = "mips", target_arch = "mips64")))]
#[allow(non_upper_case_globals)]
pub const SYS_pidfd_send_signal: c_long = 424;
/// `SYS_pidfd_send_signal` (MIPS o32).
#[cfg(target_arch = "mips")]
#[allow(non_upper_case_globals)]
pub const SYS_pidfd_send_signal: c_long = 4424;
/// `SYS_pidfd_send_signal` (MIPS n64).
#[cfg(target_arch = "mips64")]
#[allow(non_upper_case_globals)]
pub const SYS_pidfd_send_signal: c_long = 5424;

/// `WNOHANG`, `<sys/wait.h>`: `waitpid` returns 0 at once instead of
/// waiting when the child has not exited.
pub const WNOHANG: c_int = 1;

/// `ESRCH`, `<errno.h>`: no such process.
pub const ESRCH: c_int = 3;

// ---------------------------------------------------------------------------
// Resource limits
// ---------------------------------------------------------------------------

/// `typedef unsigned long rlim_t;` — `<sys/resource.h>` (glibc, musl).
pub type rlim_t = c_ulong;

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
#[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
pub const RLIMIT_NOFILE: c_int = 7;
/// `RLIMIT_NOFILE` (MIPS value).
#[cfg(any(target_arch = "mips", target_arch = "mips64"))]
pub const RLIMIT_NOFILE: c_int = 5;
/// `RLIMIT_NOFILE` (SPARC value).
#[cfg(target_arch = "sparc64")]
pub const RLIMIT_NOFILE: c_int = 6;

/// `RLIM_INFINITY`, `<sys/resource.h>`: no limit.
pub const RLIM_INFINITY: rlim_t = !0;
