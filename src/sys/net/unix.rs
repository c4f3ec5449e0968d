//! The socket layer on Unix (Linux and the BSDs): POSIX socket calls, with
//! the per-family constants from `groundup-ffi`'s `linux` or `bsd` module.

use std::ffi::OsStr;
use std::fmt;
use std::io::{self, Read, Write};
use std::mem;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use core::ffi::{c_int, c_void};
#[cfg(groundup_os = "bsd")]
use groundup_ffi::bsd as os;
#[cfg(groundup_os = "linux")]
use groundup_ffi::linux as os;
use groundup_ffi::unix as posix;
use groundup_ffi::unix::socklen_t;

use super::addr::{SockAddr, len_of};
use super::options::OptionValue;
use super::{Connect, Domain, Kind};
use crate::sys::syscall::{self, Syscall};
use crate::sys::unix::Fd;

static SOCKET: Syscall = Syscall::new("socket");
static SOCKETPAIR: Syscall = Syscall::new("socketpair");
static BIND: Syscall = Syscall::new("bind");
static LISTEN: Syscall = Syscall::new("listen");
static ACCEPT: Syscall =
    Syscall::new(if cfg!(groundup_atomic_socket_flags) { "accept4" } else { "accept" });
static CONNECT: Syscall = Syscall::new("connect");
static GETSOCKOPT: Syscall = Syscall::new("getsockopt");
static SETSOCKOPT: Syscall = Syscall::new("setsockopt");
static GETSOCKNAME: Syscall = Syscall::new("getsockname");
static GETPEERNAME: Syscall = Syscall::new("getpeername");
static SHUTDOWN: Syscall = Syscall::new("shutdown");
static RECV: Syscall = Syscall::new("recv");
static SEND: Syscall = Syscall::new("send");
static RECVFROM: Syscall = Syscall::new("recvfrom");
static SENDTO: Syscall = Syscall::new("sendto");
static READV: Syscall = Syscall::new("readv");
static SENDMSG: Syscall = Syscall::new("sendmsg");

/// The most buffers one `readv`/`sendmsg` takes (`IOV_MAX`, `<limits.h>`:
/// 1024 on Linux, macOS and the BSDs); more are left for the next call, as
/// a short transfer.
const IOV_MAX: usize = 1024;

/// Flags for every `send`: no `SIGPIPE` where the system can say so per call.
#[cfg(groundup_sigpipe = "msg_nosignal")]
const SEND_FLAGS: c_int = os::MSG_NOSIGNAL;
#[cfg(not(groundup_sigpipe = "msg_nosignal"))]
const SEND_FLAGS: c_int = 0;

// ---------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------

/// The C types and helpers the shared address code (`addr.rs`) needs, from
/// this system's headers.
pub(super) mod c {
    pub(crate) use groundup_ffi::unix::{sockaddr, socklen_t as addr_len};

    pub(crate) use super::os::{
        AF_INET, AF_INET6, sa_family_t, sockaddr_in, sockaddr_in6, sockaddr_storage,
    };

    // The BSD socket addresses start with a length byte (4.4BSD's `sa_len`);
    // Linux's do not.
    #[cfg(groundup_os = "bsd")]
    pub(crate) fn set_sin_len(sin: &mut sockaddr_in) {
        sin.sin_len = size_of::<sockaddr_in>() as u8;
    }
    #[cfg(groundup_os = "bsd")]
    pub(crate) fn set_sin6_len(sin6: &mut sockaddr_in6) {
        sin6.sin6_len = size_of::<sockaddr_in6>() as u8;
    }
    #[cfg(not(groundup_os = "bsd"))]
    pub(crate) fn set_sin_len(_: &mut sockaddr_in) {}
    #[cfg(not(groundup_os = "bsd"))]
    pub(crate) fn set_sin6_len(_: &mut sockaddr_in6) {}

    // What `options.rs` needs: the option names, and the C type of each
    // kind of value (see the table there).
    #[cfg(groundup_tclass)]
    pub(crate) use super::os::IPV6_TCLASS;
    #[cfg(groundup_reuseport)]
    pub(crate) use super::os::SO_REUSEPORT;
    #[cfg(groundup_bindtodevice)]
    pub(crate) use super::os::{IFNAMSIZ, SO_BINDTODEVICE};
    pub(crate) use super::os::{
        IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, IP_MULTICAST_LOOP, IP_MULTICAST_TTL, IP_TOS, IP_TTL,
        IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPV6_JOIN_GROUP, IPV6_LEAVE_GROUP,
        IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP, IPV6_V6ONLY, SO_BROADCAST, SO_KEEPALIVE,
        SO_RCVBUF, SO_REUSEADDR, SO_SNDBUF, SOL_SOCKET, TCP_NODELAY, in_addr, in6_addr, ip_mreq,
        ipv6_mreq, linger,
    };

    /// `IP_TTL`, `IP_TOS`, `IPV6_TCLASS`, `IPV6_V6ONLY` and
    /// `IPV6_MULTICAST_HOPS` take an `int` (ip(7), ipv6(7), ip(4), ip6(4)).
    pub(crate) type IpInt = core::ffi::c_int;
    /// `IP_MULTICAST_TTL` and `IP_MULTICAST_LOOP`: an `int` on Linux
    /// (ip(7)), a `u_char` on the BSDs and Apple (ip(4)).
    #[cfg(not(groundup_os = "bsd"))]
    pub(crate) type McastV4 = core::ffi::c_int;
    /// `IP_MULTICAST_TTL` and `IP_MULTICAST_LOOP`: a `u_char` (ip(4)).
    #[cfg(groundup_os = "bsd")]
    pub(crate) type McastV4 = super::os::u_char;
    /// `IPV6_MULTICAST_LOOP`: an `int` on Linux (ipv6(7)), a `u_int` on
    /// the BSDs and Apple (ip6(4)).
    #[cfg(not(groundup_os = "bsd"))]
    pub(crate) type McastLoopV6 = core::ffi::c_int;
    /// `IPV6_MULTICAST_LOOP`: a `u_int` (ip6(4)).
    #[cfg(groundup_os = "bsd")]
    pub(crate) type McastLoopV6 = core::ffi::c_uint;

    /// The option that sets a linger time in seconds: `SO_LINGER`, except
    /// on the Apple systems, whose `SO_LINGER` counts clock ticks.
    #[cfg(not(groundup_so_linger_sec))]
    pub(crate) use super::os::SO_LINGER as SO_LINGER_SECONDS;
    /// The option that sets a linger time in seconds (Apple).
    #[cfg(groundup_so_linger_sec)]
    pub(crate) use super::os::SO_LINGER_SEC as SO_LINGER_SECONDS;
    /// How [`SO_LINGER_SECONDS`] is traced.
    pub(crate) const SO_LINGER_NAMES: &str = if cfg!(groundup_so_linger_sec) {
        "SOL_SOCKET, SO_LINGER_SEC"
    } else {
        "SOL_SOCKET, SO_LINGER"
    };
}

/// Unix-domain addresses: what only Unix has.
impl SockAddr {
    /// A Unix-domain address for `path`.
    pub(crate) fn from_path(path: &Path) -> io::Result<SockAddr> {
        // SAFETY: `sockaddr_un` is plain old data; all zeroes is valid (and
        // leaves the path NUL-terminated when it is shorter than the array).
        let mut un = unsafe { mem::zeroed::<os::sockaddr_un>() };
        let bytes = path.as_os_str().as_bytes();
        if bytes.contains(&0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "socket path contains a NUL byte",
            ));
        }
        if bytes.len() >= un.sun_path.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("socket path is longer than {} bytes", un.sun_path.len() - 1),
            ));
        }
        un.sun_family = os::AF_UNIX as os::sa_family_t;
        for (dst, &src) in un.sun_path.iter_mut().zip(bytes) {
            *dst = src as core::ffi::c_char;
        }
        let len = mem::offset_of!(os::sockaddr_un, sun_path) + bytes.len() + 1;
        set_sun_len(&mut un, len);
        let mut addr = SockAddr::from_raw(un);
        addr.len = len as socklen_t;
        Ok(addr)
    }

    /// The path of a Unix-domain address; `None` for an unnamed one (or a
    /// non-Unix address).
    ///
    /// The path's extent comes from the length the kernel returned, not
    /// from the BSDs' `sun_len` byte (informational, and not written by
    /// Linux), and ends at the first NUL: a path may be reported with or
    /// without its terminator, and an unnamed peer as a short address whose
    /// path is empty or all zero bytes.
    pub(crate) fn as_path(&self) -> Option<&Path> {
        if self.family() != os::AF_UNIX {
            return None;
        }
        // SAFETY: the family says the storage holds a sockaddr_un.
        let un = unsafe { &*(&raw const self.storage).cast::<os::sockaddr_un>() };
        let start = mem::offset_of!(os::sockaddr_un, sun_path);
        let used = (self.len as usize).saturating_sub(start).min(un.sun_path.len());
        // SAFETY: `c_char` and `u8` have the same size and alignment, and the
        // slice stays within `sun_path`.
        let path = unsafe { std::slice::from_raw_parts(un.sun_path.as_ptr().cast::<u8>(), used) };
        let path = path.split(|&b| b == 0).next().unwrap_or(&[]);
        (!path.is_empty()).then(|| Path::new(OsStr::from_bytes(path)))
    }
}

#[cfg(groundup_os = "bsd")]
fn set_sun_len(un: &mut os::sockaddr_un, len: usize) {
    un.sun_len = len as u8;
}
#[cfg(not(groundup_os = "bsd"))]
fn set_sun_len(_: &mut os::sockaddr_un, _: usize) {}

// ---------------------------------------------------------------------------
// The socket
// ---------------------------------------------------------------------------

/// An owned, non-blocking, close-on-exec socket.
pub(crate) struct Socket {
    fd: Fd,
}

fn domain_number(domain: Domain) -> c_int {
    match domain {
        Domain::V4 => os::AF_INET,
        Domain::V6 => os::AF_INET6,
    }
}

fn sock_type(kind: Kind) -> c_int {
    match kind {
        Kind::Stream => os::SOCK_STREAM,
        Kind::Datagram => os::SOCK_DGRAM,
    }
}

impl Socket {
    /// A socket for talking to (or listening on) `addr`.
    pub(crate) fn for_addr(addr: &SocketAddr, kind: Kind) -> io::Result<Socket> {
        Socket::for_domain(Domain::of(addr), kind)
    }

    /// A new IPv4 or IPv6 socket.
    pub(crate) fn for_domain(domain: Domain, kind: Kind) -> io::Result<Socket> {
        Socket::new(domain_number(domain), kind)
    }

    /// A Unix-domain socket.
    pub(crate) fn unix(kind: Kind) -> io::Result<Socket> {
        Socket::new(os::AF_UNIX, kind)
    }

    fn new(domain: c_int, kind: Kind) -> io::Result<Socket> {
        let ty = sock_type(kind) | born_flags();
        let fd = syscall::minus_one(&SOCKET, format_args!("{domain}, {ty:#x}, 0"), || {
            // SAFETY: socket takes no pointers.
            unsafe { posix::socket(domain, ty, 0) }
        })?;
        // SAFETY: a new descriptor, owned by nothing else.
        let socket = Socket { fd: unsafe { Fd::from_raw(fd) } };
        socket.finish_setup()?;
        Ok(socket)
    }

    /// Two connected Unix-domain sockets.
    pub(crate) fn pair(kind: Kind) -> io::Result<(Socket, Socket)> {
        let ty = sock_type(kind) | born_flags();
        let mut fds = [-1 as c_int; 2];
        let out = fds.as_mut_ptr();
        syscall::minus_one(&SOCKETPAIR, format_args!("AF_UNIX, {ty:#x}, 0, {out:p}"), || {
            // SAFETY: `out` points to two writable ints, as socketpair needs.
            unsafe { posix::socketpair(os::AF_UNIX, ty, 0, out) }
        })?;
        // SAFETY: socketpair returned two new descriptors owned by no one.
        let a = Socket { fd: unsafe { Fd::from_raw(fds[0]) } };
        // SAFETY: as above, the second one.
        let b = Socket { fd: unsafe { Fd::from_raw(fds[1]) } };
        a.finish_setup()?;
        b.finish_setup()?;
        Ok((a, b))
    }

    /// A second descriptor for the same socket (`fcntl(F_DUPFD_CLOEXEC)`),
    /// non-blocking like the first (the flag belongs to the shared open
    /// socket, not to the descriptor).
    pub(crate) fn try_clone(&self) -> io::Result<Socket> {
        Ok(Socket { fd: self.fd.try_clone()? })
    }

    /// What `socket(2)` could not do in the same call on this system.
    fn finish_setup(&self) -> io::Result<()> {
        #[cfg(not(groundup_atomic_socket_flags))]
        {
            crate::sys::unix::set_nonblocking(self.fd.raw(), true)?;
            crate::sys::unix::set_cloexec(self.fd.raw())?;
        }
        #[cfg(groundup_sigpipe = "so_nosigpipe")]
        self.setsockopt(os::SOL_SOCKET, os::SO_NOSIGPIPE, 1, "SOL_SOCKET, SO_NOSIGPIPE")?;
        Ok(())
    }

    /// `Ok` if the socket is non-blocking; `InvalidInput` naming the fix if
    /// it is not (see `Socket::adopt`).
    pub(crate) fn require_nonblocking(&self) -> io::Result<()> {
        if crate::sys::unix::is_nonblocking(self.fd.raw())? {
            return Ok(());
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the socket is in blocking mode, so its operations would block the runtime's \
             thread: call `set_nonblocking(true)` on it first (tokio requires the same)",
        ))
    }

    /// Makes the socket non-blocking (`ioctl(FIONBIO)`), whatever it was.
    pub(crate) fn make_nonblocking(&self) -> io::Result<()> {
        crate::sys::unix::set_nonblocking(self.fd.raw(), true)
    }

    /// What a socket made elsewhere still needs: no `SIGPIPE` where that is
    /// a per-socket option. (`kind` matters on Windows only.)
    pub(crate) fn finish_adoption(&self, _kind: Kind) -> io::Result<()> {
        #[cfg(groundup_sigpipe = "so_nosigpipe")]
        self.setsockopt(os::SOL_SOCKET, os::SO_NOSIGPIPE, 1, "SOL_SOCKET, SO_NOSIGPIPE")?;
        Ok(())
    }

    pub(crate) fn bind(&self, addr: &SockAddr) -> io::Result<()> {
        let (fd, (ptr, len)) = (self.fd.raw(), addr.as_parts());
        syscall::minus_one(&BIND, format_args!("{fd}, {addr:?}, {len}"), || {
            // SAFETY: `ptr` points to `len` initialised bytes of `addr`,
            // alive for the call.
            unsafe { posix::bind(fd, ptr, len) }
        })
        .map(drop)
    }

    pub(crate) fn listen(&self, backlog: c_int) -> io::Result<()> {
        let fd = self.fd.raw();
        syscall::minus_one(&LISTEN, format_args!("{fd}, {backlog}"), || {
            // SAFETY: listen takes no pointers.
            unsafe { posix::listen(fd, backlog) }
        })
        .map(drop)
    }

    /// Accepts a pending connection; `WouldBlock` when none is pending.
    pub(crate) fn accept(&self) -> io::Result<(Socket, SockAddr)> {
        let mut peer = SockAddr::empty();
        let fd = self.fd.raw();
        let (ptr, len) = peer.as_mut_parts();
        let new =
            syscall::minus_one(&ACCEPT, format_args!("{fd}, {ptr:p}, [{}]", peer.len), || {
                accept_raw(fd, ptr, len)
            })?;
        // SAFETY: accept returned a new descriptor owned by no one else.
        let socket = Socket { fd: unsafe { Fd::from_raw(new) } };
        socket.finish_setup()?;
        Ok((socket, peer))
    }

    /// Starts connecting. On a non-blocking TCP socket this is usually
    /// `InProgress`: wait until writable, then check [`take_error`](Self::take_error).
    /// A Unix-domain socket connects at once or fails.
    ///
    /// Only `EINPROGRESS` means "under way". `EAGAIN` does not, though it
    /// maps to `WouldBlock` like a busy read: Linux returns it for a
    /// non-blocking Unix-domain socket whose listener's queue is full
    /// (connect(2): "the connection cannot be completed immediately"), and
    /// nothing completes that connect later: the socket stays unconnected
    /// (`unix_stream_connect` in net/unix/af_unix.c refuses without queueing
    /// anything), so it is an error, returned as is, as mio and tokio do
    /// (mio#1560). The BSDs and macOS never say `EAGAIN` there: their
    /// `sonewconn` finds the queue full and the connect fails with
    /// `ECONNREFUSED` (listen(2)), also returned as is.
    pub(crate) fn connect(&self, addr: &SockAddr) -> io::Result<Connect> {
        let (fd, (ptr, len)) = (self.fd.raw(), addr.as_parts());
        let result = syscall::minus_one(&CONNECT, format_args!("{fd}, {addr:?}, {len}"), || {
            // SAFETY: `ptr` points to `len` initialised bytes of `addr`.
            unsafe { posix::connect(fd, ptr, len) }
        });
        match result {
            Ok(_) => Ok(Connect::Done),
            Err(e) if e.raw_os_error() == Some(os::EINPROGRESS) => Ok(Connect::InProgress),
            // `EAGAIN` included: see above.
            Err(e) => Err(e),
        }
    }

    /// Reads and clears the pending error (`SO_ERROR`).
    pub(crate) fn take_error(&self) -> io::Result<Option<io::Error>> {
        let code: c_int = self.getsockopt(os::SOL_SOCKET, os::SO_ERROR, "SOL_SOCKET, SO_ERROR")?;
        // libkqueue read (and so cleared) the error when it reported the
        // event that brought us here; it kept it for us (sys/libkqueue.rs).
        #[cfg(groundup_libkqueue)]
        let code = match code {
            0 => crate::sys::take_consumed_error(self.fd.raw()).unwrap_or(0),
            code => code,
        };
        Ok((code != 0).then(|| io::Error::from_raw_os_error(code)))
    }

    pub(crate) fn local_addr(&self) -> io::Result<SockAddr> {
        self.name(&GETSOCKNAME, |fd, ptr, len| {
            // SAFETY: `ptr`/`len` describe a live sockaddr_storage and its
            // size, which getsockname writes within.
            unsafe { posix::getsockname(fd, ptr, len) }
        })
    }

    pub(crate) fn peer_addr(&self) -> io::Result<SockAddr> {
        self.name(&GETPEERNAME, |fd, ptr, len| {
            // SAFETY: as in `local_addr`.
            unsafe { posix::getpeername(fd, ptr, len) }
        })
    }

    fn name(
        &self,
        call: &'static Syscall,
        f: impl FnOnce(c_int, *mut posix::sockaddr, *mut socklen_t) -> c_int,
    ) -> io::Result<SockAddr> {
        let mut addr = SockAddr::empty();
        let fd = self.fd.raw();
        let (ptr, len) = addr.as_mut_parts();
        syscall::minus_one(call, format_args!("{fd}, {ptr:p}, [{}]", addr.len), || {
            f(fd, ptr, len)
        })?;
        Ok(addr)
    }

    /// Reads an option whose value is a `T` (the C type the man page gives
    /// it; see `options.rs`).
    pub(super) fn getsockopt<T: OptionValue>(
        &self,
        level: c_int,
        name: c_int,
        names: &str,
    ) -> io::Result<T> {
        // SAFETY: `OptionValue` types are plain old data for which all
        // zeroes is a valid value (the trait's contract).
        let mut value = unsafe { mem::zeroed::<T>() };
        let mut len = len_of::<T>();
        let fd = self.fd.raw();
        let (vptr, lptr) = ((&raw mut value).cast::<c_void>(), &raw mut len);
        syscall::minus_one(&GETSOCKOPT, format_args!("{fd}, {names}, _, [{}]", len), || {
            // SAFETY: `vptr` points to a live `T` and `lptr` to its size;
            // the kernel writes at most that many bytes, and any bytes make
            // a valid `T` (`OptionValue`).
            unsafe { posix::getsockopt(fd, level, name, vptr, lptr) }
        })?;
        Ok(value)
    }

    /// Sets an option whose value is a `T`.
    pub(super) fn setsockopt<T: OptionValue>(
        &self,
        level: c_int,
        name: c_int,
        value: T,
        names: &str,
    ) -> io::Result<()> {
        let fd = self.fd.raw();
        let (vptr, len) = ((&raw const value).cast::<c_void>(), len_of::<T>());
        syscall::minus_one(&SETSOCKOPT, format_args!("{fd}, {names}, [{value:?}], {len}"), || {
            // SAFETY: `vptr` points to a live `T` of `len` bytes, only read.
            unsafe { posix::setsockopt(fd, level, name, vptr, len) }
        })
        .map(drop)
    }

    pub(crate) fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        let (how, name) = match how {
            Shutdown::Read => (os::SHUT_RD, "SHUT_RD"),
            Shutdown::Write => (os::SHUT_WR, "SHUT_WR"),
            Shutdown::Both => (os::SHUT_RDWR, "SHUT_RDWR"),
        };
        let fd = self.fd.raw();
        syscall::minus_one(&SHUTDOWN, format_args!("{fd}, {name}"), || {
            // SAFETY: shutdown takes no pointers.
            unsafe { posix::shutdown(fd, how) }
        })
        .map(drop)
    }

    pub(crate) fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv_flags(buf, 0)
    }

    /// Copies the next bytes waiting into `buf` without taking them off
    /// the queue (`MSG_PEEK`).
    pub(crate) fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv_flags(buf, os::MSG_PEEK)
    }

    fn recv_flags(&self, buf: &mut [u8], flags: c_int) -> io::Result<usize> {
        let (fd, ptr, len) = (self.fd.raw(), buf.as_mut_ptr().cast::<c_void>(), buf.len());
        syscall::minus_one(&RECV, format_args!("{fd}, {ptr:p}, {len}, {flags:#x}"), || {
            // SAFETY: `ptr` points to `len` writable bytes of `buf`, which
            // is exclusively borrowed for the call.
            unsafe { posix::recv(fd, ptr, len, flags) }
        })
        .map(|n| n as usize)
        .and_then(|n| self.unless_error_consumed(n, len))
    }

    /// A receive that reads end of file where the kernel had a pending
    /// socket error (a reset) that libkqueue read, and so cleared, when it
    /// reported the event (`sys/libkqueue.rs` keeps it): that error, as
    /// the receive would have returned on a kernel kqueue. Elsewhere `n`.
    #[cfg(groundup_libkqueue)]
    fn unless_error_consumed(&self, n: usize, len: usize) -> io::Result<usize> {
        if n > 0 || len == 0 {
            return Ok(n);
        }
        match crate::sys::take_consumed_error(self.fd.raw()) {
            Some(code) => Err(io::Error::from_raw_os_error(code)),
            None => Ok(n),
        }
    }

    /// A receive's result as the kernel gave it (see the libkqueue twin).
    #[cfg(not(groundup_libkqueue))]
    fn unless_error_consumed(&self, n: usize, _len: usize) -> io::Result<usize> {
        Ok(n)
    }

    pub(crate) fn send(&self, buf: &[u8]) -> io::Result<usize> {
        let (fd, ptr, len) = (self.fd.raw(), buf.as_ptr().cast::<c_void>(), buf.len());
        syscall::minus_one(&SEND, format_args!("{fd}, {ptr:p}, {len}, {SEND_FLAGS:#x}"), || {
            // SAFETY: `ptr` points to `len` readable bytes of `buf`.
            unsafe { posix::send(fd, ptr, len, SEND_FLAGS) }
        })
        .map(|n| n as usize)
    }

    /// A scattering read into `bufs`, in order (`readv(2)`).
    pub(crate) fn recv_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        let fd = self.fd.raw();
        let count = bufs.len().min(IOV_MAX);
        let iov = bufs.as_mut_ptr().cast::<posix::iovec>().cast_const();
        syscall::minus_one(&READV, format_args!("{fd}, {iov:p}, {count}"), || {
            // SAFETY: std documents `IoSliceMut` as ABI-compatible with
            // `struct iovec`, so `iov` is an array of `count` (at most
            // `bufs.len()`) iovecs, each describing a writable buffer that
            // `bufs` borrows exclusively for the call. `count <= IOV_MAX`
            // fits a `c_int`.
            unsafe { posix::readv(fd, iov, count as c_int) }
        })
        .map(|n| n as usize)
    }

    /// A gathering write of `bufs`, in order (`sendmsg(2)` with the same
    /// flags as `send`: no `SIGPIPE`, which `writev(2)` cannot promise).
    pub(crate) fn send_vectored(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let fd = self.fd.raw();
        let count = bufs.len().min(IOV_MAX);
        // SAFETY: all-zero is a valid `msghdr` (null pointers, zero
        // lengths): no address, no ancillary data.
        let mut msg: os::msghdr = unsafe { mem::zeroed() };
        // `sendmsg` only reads the buffers: the `*mut` is C's spelling.
        msg.msg_iov = bufs.as_ptr().cast::<posix::iovec>().cast_mut();
        msg.msg_iovlen = count as _; // at most IOV_MAX: fits `int` and `size_t`
        let iov = msg.msg_iov;
        syscall::minus_one(
            &SENDMSG,
            format_args!("{fd}, {{msg_iov: {iov:p}, msg_iovlen: {count}}}, {SEND_FLAGS:#x}"),
            || {
                // SAFETY: `msg` is a live msghdr whose `msg_iov` points to
                // `count` iovecs (std documents `IoSlice` as ABI-compatible
                // with `struct iovec`), each describing readable bytes that
                // `bufs` borrows for the call; name and control are null.
                unsafe { posix::sendmsg(fd, &msg, SEND_FLAGS) }
            },
        )
        .map(|n| n as usize)
    }

    pub(crate) fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SockAddr)> {
        self.recv_from_flags(buf, 0)
    }

    /// As [`recv_from`](Socket::recv_from), leaving the datagram queued
    /// (`MSG_PEEK`).
    pub(crate) fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SockAddr)> {
        self.recv_from_flags(buf, os::MSG_PEEK)
    }

    /// The sender of the datagram at the head of the queue, which stays
    /// queued (`MSG_PEEK`). The bytes go to a small scratch buffer, not an
    /// empty one: macOS gives no sender for a zero-length peek (tokio's
    /// docs say it fails; socket2, which peeks 8 bytes too, found it
    /// succeeding with an empty address).
    pub(crate) fn peek_sender(&self) -> io::Result<SockAddr> {
        let mut scratch = [0u8; 8];
        self.recv_from_flags(&mut scratch, os::MSG_PEEK).map(|(_, from)| from)
    }

    fn recv_from_flags(&self, buf: &mut [u8], flags: c_int) -> io::Result<(usize, SockAddr)> {
        let mut from = SockAddr::empty();
        let (fd, ptr, len) = (self.fd.raw(), buf.as_mut_ptr().cast::<c_void>(), buf.len());
        let (aptr, alen) = from.as_mut_parts();
        let n = syscall::minus_one(
            &RECVFROM,
            format_args!("{fd}, {ptr:p}, {len}, {flags:#x}, {aptr:p}"),
            || {
                // SAFETY: `ptr` points to `len` writable bytes; `aptr`/`alen` to
                // a live sockaddr_storage and its size.
                unsafe { posix::recvfrom(fd, ptr, len, flags, aptr, alen) }
            },
        )?;
        Ok((n as usize, from))
    }

    pub(crate) fn send_to(&self, buf: &[u8], to: &SockAddr) -> io::Result<usize> {
        let (fd, ptr, len) = (self.fd.raw(), buf.as_ptr().cast::<c_void>(), buf.len());
        let (aptr, alen) = to.as_parts();
        syscall::minus_one(
            &SENDTO,
            format_args!("{fd}, {ptr:p}, {len}, {SEND_FLAGS:#x}, {to:?}"),
            || {
                // SAFETY: `ptr` points to `len` readable bytes, `aptr` to
                // `alen` initialised bytes of `to`.
                unsafe { posix::sendto(fd, ptr, len, SEND_FLAGS, aptr, alen) }
            },
        )
        .map(|n| n as usize)
    }
}

/// The flags a socket can be created with in the same call, where the
/// system allows it.
fn born_flags() -> c_int {
    #[cfg(groundup_atomic_socket_flags)]
    return os::SOCK_NONBLOCK | os::SOCK_CLOEXEC;
    #[cfg(not(groundup_atomic_socket_flags))]
    return 0;
}

fn accept_raw(fd: c_int, addr: *mut posix::sockaddr, len: *mut socklen_t) -> c_int {
    #[cfg(groundup_atomic_socket_flags)]
    {
        // SAFETY: `addr`/`len` describe a live sockaddr_storage and its size
        // (the caller's `peer`), which accept4 writes within.
        unsafe { posix::accept4(fd, addr, len, os::SOCK_NONBLOCK | os::SOCK_CLOEXEC) }
    }
    #[cfg(not(groundup_atomic_socket_flags))]
    {
        // SAFETY: as above, for accept.
        unsafe { posix::accept(fd, addr, len) }
    }
}

impl Read for &Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv(buf)
    }
}

impl Write for &Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl AsRawFd for Socket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.raw()
    }
}

impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl IntoRawFd for Socket {
    fn into_raw_fd(self) -> RawFd {
        self.fd.into_raw()
    }
}

impl From<OwnedFd> for Socket {
    /// Takes over a socket from std (`OwnedFd::from(std_stream)`), as it
    /// is: see `Socket::adopt` for what makes it fit for the runtime.
    fn from(owned: OwnedFd) -> Socket {
        // SAFETY: an `OwnedFd` is an open descriptor owned by nothing else,
        // and `into_raw_fd` hands that ownership over.
        Socket { fd: unsafe { Fd::from_raw(owned.into_raw_fd()) } }
    }
}

impl From<Socket> for OwnedFd {
    fn from(socket: Socket) -> OwnedFd {
        // SAFETY: `into_raw_fd` gives up the socket's open descriptor, owned
        // by nothing else from here on.
        unsafe { OwnedFd::from_raw_fd(socket.into_raw_fd()) }
    }
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Socket").field(&self.fd.raw()).finish()
    }
}
