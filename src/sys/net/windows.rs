//! The socket layer on Windows: Winsock (ws2_32) calls behind the same
//! crate-internal API as `unix.rs`, so `groundup::net` is written once.
//!
//! Winsock is BSD sockets with a different accent. What differs, and what
//! this file does about it:
//!
//! - **Start-up.** Every Winsock call fails with `WSANOTINITIALISED` until
//!   the process has called `WSAStartup`. std calls it before its own first
//!   socket, but groundup may be the only user of sockets in a process, so
//!   it makes its own call, once ([`startup`]), before creating a socket.
//!   Calls are reference-counted by Winsock, so ours and std's coexist; ours
//!   is never matched by `WSACleanup`, which only matters to a DLL that is
//!   unloaded (the process's exit releases everything).
//! - **Creation.** `WSASocketW` with `WSA_FLAG_OVERLAPPED` and
//!   `WSA_FLAG_NO_HANDLE_INHERIT` (the `SOCK_CLOEXEC` of Windows), as std
//!   does. The AFD poll of the IOCP backend goes through its own helper
//!   handle and would work on any socket, but an overlapped socket is what
//!   `socket()` makes and what every Winsock user expects; without the flag
//!   the socket's handle is a synchronous file object, on which the I/O
//!   manager serialises every operation. Then
//!   `ioctlsocket(FIONBIO)`: there is no flag to be born non-blocking.
//!   An accepted socket inherits the listener's non-blocking mode ("the same
//!   properties as socket s", in the remarks of `accept`'s documentation).
//!   Whether it also inherits non-inheritability is not documented, and
//!   reports differ (socket2 found accepted sockets inheritable; OCaml's
//!   tests, not), so groundup clears `HANDLE_FLAG_INHERIT` on each one with
//!   `SetHandleInformation`, as socket2 does: one call to keep the promise
//!   `accept4(SOCK_CLOEXEC)` keeps on Unix.
//! - **In progress** is `WSAEWOULDBLOCK` from `connect`, not `EINPROGRESS`.
//! - **Shut down.** After `shutdown(SD_RECEIVE)` a read fails with
//!   `WSAESHUTDOWN` where Unix returns end of file: reported as `Ok(0)`, as
//!   std does. After `shutdown(SD_SEND)` a write fails with `WSAESHUTDOWN`
//!   where Unix fails with `EPIPE`: reported as `ErrorKind::BrokenPipe`,
//!   the kind std gives `EPIPE` (it leaves `WSAESHUTDOWN` uncategorized).
//! - **Truncated datagrams.** A datagram longer than the buffer fills the
//!   buffer and fails with `WSAEMSGSIZE`, where Unix silently truncates:
//!   reported as a full buffer, which is what `groundup::net::UdpSocket`
//!   documents.
//! - **ICMP "port unreachable".** After a datagram to a port where nobody
//!   listens, Windows fails the socket's next receive with `WSAECONNRESET`,
//!   *connected or not*; Linux and the BSDs report it only on a connected
//!   socket (as `ECONNREFUSED`), and never to a socket that serves many
//!   peers. A UDP server on Windows would then see one departed client's
//!   error in the middle of its receive loop. groundup turns that reporting
//!   off for every datagram socket (`SIO_UDP_CONNRESET` with `FALSE`), as
//!   libuv and most Windows UDP servers do; std leaves it on. The price: a
//!   *connected* UDP socket on Windows does not learn that its peer is
//!   unreachable, where on Unix its `recv` would say `ConnectionRefused`.
//! - **No `SIGPIPE`** to suppress (`groundup_sigpipe = "none"`), and no
//!   `SO_REUSEADDR`: Windows' option of that name lets a second socket bind
//!   a port another socket is *listening* on, so groundup never sets it
//!   by itself, as std does not (`TcpListener::bind` sets it on Unix only;
//!   `TcpSocket::set_reuseaddr` sets it when asked). No `SO_REUSEPORT`
//!   either: Windows has none.
//! - **Option values** are `BOOL`s, `int`s and `DWORD`s, and `struct
//!   linger` has `u_short` fields (see `options.rs`).
//! - **Lengths are `int`s**: a buffer larger than `i32::MAX` bytes is used
//!   up to that length, the short transfer every caller already handles.
//! - **No Unix-domain sockets**: Windows 10 has `AF_UNIX` stream sockets,
//!   but `groundup::net`'s Unix types are Unix-only, like std's.

use std::fmt;
use std::io::{self, Read, Write};
use std::mem;
use std::net::{Shutdown, SocketAddr};
use std::os::windows::io::{
    AsRawSocket, AsSocket, BorrowedSocket, FromRawSocket, IntoRawSocket, OwnedSocket, RawSocket,
};
use std::ptr;
use std::sync::OnceLock;

use core::ffi::{c_char, c_int};
use groundup_ffi::windows as ffi;

use super::addr::{SockAddr, len_of};
use super::options::OptionValue;
use super::{Connect, Domain, Kind};
use crate::sys::syscall::{self, Syscall};

static WSA_STARTUP: Syscall = Syscall::new("WSAStartup");
static WSA_SOCKET: Syscall = Syscall::new("WSASocketW");
static WSA_IOCTL: Syscall = Syscall::new("WSAIoctl");
static CLOSESOCKET: Syscall = Syscall::new("closesocket");
static BIND: Syscall = Syscall::new("bind");
static LISTEN: Syscall = Syscall::new("listen");
static ACCEPT: Syscall = Syscall::new("accept");
static SET_HANDLE_INFORMATION: Syscall = Syscall::new("SetHandleInformation");
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
static WSA_RECV: Syscall = Syscall::new("WSARecv");
static WSA_SEND: Syscall = Syscall::new("WSASend");

/// Calls `WSAStartup` for Winsock 2.2 the first time a socket is created,
/// and returns its outcome every time (a failure stays a failure: Winsock
/// is missing or broken, and retrying would not help).
fn startup() -> io::Result<()> {
    static STARTED: OnceLock<Result<(), i32>> = OnceLock::new();
    let outcome = STARTED.get_or_init(|| {
        // SAFETY: `WSADATA` is integers, a pointer and byte arrays: all
        // zeroes is a valid value (the pointer null).
        let mut data = unsafe { mem::zeroed::<ffi::WSADATA>() };
        let data_ptr = &raw mut data;
        syscall::error_code(&WSA_STARTUP, format_args!("0x0202, {data_ptr:p}"), || {
            // SAFETY: `data_ptr` points to a live WSADATA, which WSAStartup
            // fills in before it returns and does not keep.
            unsafe { ffi::WSAStartup(ffi::WINSOCK_VERSION, data_ptr) }
        })
        .map_err(|e| e.raw_os_error().unwrap_or(-1))
    });
    outcome.map_err(io::Error::from_raw_os_error)
}

/// The length Winsock takes for a buffer of `len` bytes (an `int`).
fn int_len(len: usize) -> c_int {
    c_int::try_from(len).unwrap_or(c_int::MAX)
}

// ---------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------

/// The C types and helpers the shared address code (`addr.rs`) needs, from
/// the Winsock headers.
pub(super) mod c {
    pub(crate) use core::ffi::c_int as addr_len;

    pub(crate) use groundup_ffi::windows::{
        AF_INET, AF_INET6, sockaddr, sockaddr_in, sockaddr_in6, sockaddr_storage,
    };

    /// `ADDRESS_FAMILY`, the type of every address's family field (a
    /// `USHORT` in `ws2def.h`, declared `short` in the classic structs).
    #[allow(non_camel_case_types)]
    pub(crate) type sa_family_t = i16;

    /// Winsock's addresses have no length byte (4.4BSD's `sa_len`).
    pub(crate) fn set_sin_len(_: &mut sockaddr_in) {}
    /// As [`set_sin_len`].
    pub(crate) fn set_sin6_len(_: &mut sockaddr_in6) {}

    // What `options.rs` needs: the option names, and the C type of each
    // kind of value (see the table there). Windows has no `SO_REUSEPORT`.
    pub(crate) use groundup_ffi::windows::{
        IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, IP_MULTICAST_LOOP, IP_MULTICAST_TTL, IP_TOS, IP_TTL,
        IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPV6_JOIN_GROUP, IPV6_LEAVE_GROUP,
        IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP, IPV6_V6ONLY, SO_BROADCAST, SO_KEEPALIVE,
        SO_RCVBUF, SO_REUSEADDR, SO_SNDBUF, SOL_SOCKET, TCP_NODELAY, in_addr, in6_addr, ip_mreq,
        ipv6_mreq, linger,
    };

    /// Every `IPPROTO_IP` and `IPPROTO_IPV6` value is a `DWORD` in the
    /// Winsock docs.
    pub(crate) type IpInt = groundup_ffi::windows::DWORD;
    /// `IP_MULTICAST_TTL` and `IP_MULTICAST_LOOP`: `DWORD`s.
    pub(crate) type McastV4 = groundup_ffi::windows::DWORD;
    /// `IPV6_MULTICAST_LOOP`: a `DWORD`.
    pub(crate) type McastLoopV6 = groundup_ffi::windows::DWORD;

    /// The option that sets a linger time in seconds.
    pub(crate) use groundup_ffi::windows::SO_LINGER as SO_LINGER_SECONDS;
    /// How [`SO_LINGER_SECONDS`] is traced.
    pub(crate) const SO_LINGER_NAMES: &str = "SOL_SOCKET, SO_LINGER";
}

// ---------------------------------------------------------------------------
// The socket
// ---------------------------------------------------------------------------

/// An owned, non-blocking, non-inheritable socket, closed (and counted) on
/// drop.
pub(crate) struct Socket {
    raw: ffi::SOCKET,
}

impl Socket {
    /// A socket for talking to (or listening on) `addr`.
    pub(crate) fn for_addr(addr: &SocketAddr, kind: Kind) -> io::Result<Socket> {
        Socket::for_domain(Domain::of(addr), kind)
    }

    /// A new IPv4 or IPv6 socket.
    pub(crate) fn for_domain(domain: Domain, kind: Kind) -> io::Result<Socket> {
        let domain = match domain {
            Domain::V4 => ffi::AF_INET,
            Domain::V6 => ffi::AF_INET6,
        };
        let socket = Socket::new(domain, kind)?;
        if kind == Kind::Datagram {
            socket.no_udp_connreset()?;
        }
        Ok(socket)
    }

    /// Makes a socket made elsewhere non-blocking. Unix refuses a blocking
    /// one instead, but Winsock cannot say which mode a socket is in (there
    /// is no getter for `FIONBIO`), so the mode is set: the one way to keep
    /// the promise that no operation blocks the runtime's thread.
    pub(crate) fn require_nonblocking(&self) -> io::Result<()> {
        self.make_nonblocking()
    }

    /// Makes the socket non-blocking (`ioctlsocket(FIONBIO)`).
    pub(crate) fn make_nonblocking(&self) -> io::Result<()> {
        crate::sys::set_nonblocking(self.as_raw_socket())
    }

    /// What a socket made elsewhere still needs: a datagram socket stops
    /// reporting ICMP "port unreachable" as `WSAECONNRESET`, as groundup's
    /// own do (see the module docs).
    pub(crate) fn finish_adoption(&self, kind: Kind) -> io::Result<()> {
        if kind == Kind::Datagram {
            self.no_udp_connreset()?;
        }
        Ok(())
    }

    fn new(domain: c_int, kind: Kind) -> io::Result<Socket> {
        startup()?;
        let (ty, ty_name) = match kind {
            Kind::Stream => (ffi::SOCK_STREAM, "SOCK_STREAM"),
            Kind::Datagram => (ffi::SOCK_DGRAM, "SOCK_DGRAM"),
        };
        let flags = ffi::WSA_FLAG_OVERLAPPED | ffi::WSA_FLAG_NO_HANDLE_INHERIT;
        let raw = syscall::invalid_socket(
            &WSA_SOCKET,
            format_args!(
                "{domain}, {ty_name}, 0, NULL, 0, WSA_FLAG_OVERLAPPED|WSA_FLAG_NO_HANDLE_INHERIT"
            ),
            || {
                // SAFETY: no protocol info is passed (null), so the call
                // reads no memory of ours.
                unsafe { ffi::WSASocketW(domain, ty, 0, ptr::null_mut(), 0, flags) }
            },
        )?;
        // Owned from here on: an error below closes it.
        let socket = Socket { raw };
        crate::sys::set_nonblocking(socket.as_raw_socket())?;
        Ok(socket)
    }

    /// Turns off `WSAECONNRESET` on receive after an ICMP "port unreachable"
    /// (see the module docs).
    fn no_udp_connreset(&self) -> io::Result<()> {
        let mut report: ffi::BOOL = 0;
        let mut written: ffi::DWORD = 0;
        let raw = self.raw;
        let len = size_of::<ffi::BOOL>() as ffi::DWORD;
        syscall::socket_error(
            &WSA_IOCTL,
            format_args!("{raw:#x}, SIO_UDP_CONNRESET, [FALSE], {len}, NULL, 0, _, NULL, NULL"),
            || {
                // SAFETY: the input buffer is `report`, a live BOOL of `len`
                // bytes, only read; `written` is a live DWORD; no output
                // buffer, overlapped or routine, so the call is synchronous
                // and keeps no pointer.
                unsafe {
                    ffi::WSAIoctl(
                        raw,
                        ffi::SIO_UDP_CONNRESET,
                        (&raw mut report).cast(),
                        len,
                        ptr::null_mut(),
                        0,
                        &raw mut written,
                        ptr::null_mut(),
                        None,
                    )
                }
            },
        )
        .map(drop)
    }

    pub(crate) fn bind(&self, addr: &SockAddr) -> io::Result<()> {
        let (raw, (ptr, len)) = (self.raw, addr.as_parts());
        syscall::socket_error(&BIND, format_args!("{raw:#x}, {addr:?}, {len}"), || {
            // SAFETY: `ptr` points to `len` initialised bytes of `addr`,
            // alive for the call.
            unsafe { ffi::bind(raw, ptr, len) }
        })
        .map(drop)
    }

    pub(crate) fn listen(&self, backlog: c_int) -> io::Result<()> {
        let raw = self.raw;
        syscall::socket_error(&LISTEN, format_args!("{raw:#x}, {backlog}"), || {
            // SAFETY: listen takes no pointers.
            unsafe { ffi::listen(raw, backlog) }
        })
        .map(drop)
    }

    /// Accepts a pending connection; `WouldBlock` when none is pending. The
    /// new socket inherits non-blocking mode from the listener, and is made
    /// non-inheritable here (see the module docs).
    pub(crate) fn accept(&self) -> io::Result<(Socket, SockAddr)> {
        let mut peer = SockAddr::empty();
        let raw = self.raw;
        let (ptr, len) = peer.as_mut_parts();
        let new = syscall::invalid_socket(
            &ACCEPT,
            format_args!("{raw:#x}, {ptr:p}, [{}]", peer.len),
            || {
                // SAFETY: `ptr`/`len` describe the live sockaddr_storage in
                // `peer` and its size, which accept writes within.
                unsafe { ffi::accept(raw, ptr, len) }
            },
        )?;
        // Owned from here on: an error below closes it.
        let socket = Socket { raw: new };
        socket.no_inherit()?;
        Ok((socket, peer))
    }

    /// Clears `HANDLE_FLAG_INHERIT`: child processes do not get the socket.
    fn no_inherit(&self) -> io::Result<()> {
        let handle = self.raw as ffi::HANDLE;
        syscall::win_bool(
            &SET_HANDLE_INFORMATION,
            format_args!("{handle:?}, HANDLE_FLAG_INHERIT, 0"),
            || {
                // SAFETY: `handle` is the socket `self` owns and keeps open
                // for the call (a socket is a kernel handle); the call takes
                // no pointers.
                unsafe { ffi::SetHandleInformation(handle, ffi::HANDLE_FLAG_INHERIT, 0) }
            },
        )
    }

    /// Starts connecting. On a non-blocking socket this is usually
    /// `InProgress`: wait until writable, then check [`take_error`](Self::take_error).
    pub(crate) fn connect(&self, addr: &SockAddr) -> io::Result<Connect> {
        let (raw, (ptr, len)) = (self.raw, addr.as_parts());
        let result =
            syscall::socket_error(&CONNECT, format_args!("{raw:#x}, {addr:?}, {len}"), || {
                // SAFETY: `ptr` points to `len` initialised bytes of `addr`.
                unsafe { ffi::connect(raw, ptr, len) }
            });
        match result {
            Ok(_) => Ok(Connect::Done),
            Err(e) if e.raw_os_error() == Some(ffi::WSAEWOULDBLOCK) => Ok(Connect::InProgress),
            Err(e) => Err(e),
        }
    }

    /// Reads and clears the pending error (`SO_ERROR`).
    pub(crate) fn take_error(&self) -> io::Result<Option<io::Error>> {
        let code: c_int =
            self.getsockopt(ffi::SOL_SOCKET, ffi::SO_ERROR, "SOL_SOCKET, SO_ERROR")?;
        Ok((code != 0).then(|| io::Error::from_raw_os_error(code)))
    }

    pub(crate) fn local_addr(&self) -> io::Result<SockAddr> {
        self.name(&GETSOCKNAME, |raw, ptr, len| {
            // SAFETY: `ptr`/`len` describe a live sockaddr_storage and its
            // size, which getsockname writes within.
            unsafe { ffi::getsockname(raw, ptr, len) }
        })
    }

    pub(crate) fn peer_addr(&self) -> io::Result<SockAddr> {
        self.name(&GETPEERNAME, |raw, ptr, len| {
            // SAFETY: as in `local_addr`.
            unsafe { ffi::getpeername(raw, ptr, len) }
        })
    }

    fn name(
        &self,
        call: &'static Syscall,
        f: impl FnOnce(ffi::SOCKET, *mut ffi::sockaddr, *mut c_int) -> c_int,
    ) -> io::Result<SockAddr> {
        let mut addr = SockAddr::empty();
        let raw = self.raw;
        let (ptr, len) = addr.as_mut_parts();
        syscall::socket_error(call, format_args!("{raw:#x}, {ptr:p}, [{}]", addr.len), || {
            f(raw, ptr, len)
        })?;
        Ok(addr)
    }

    /// Reads an option whose value is a `T` (the C type the Winsock docs
    /// give it; see `options.rs`). Winsock may write fewer bytes than a
    /// `BOOL` for some boolean options (one, on old versions); the value
    /// starts zeroed, so the result is right either way on a little-endian
    /// machine, which every Windows is.
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
        let raw = self.raw;
        let (vptr, lptr) = ((&raw mut value).cast::<c_char>(), &raw mut len);
        syscall::socket_error(&GETSOCKOPT, format_args!("{raw:#x}, {names}, _, [{len}]"), || {
            // SAFETY: `vptr` points to a live `T` and `lptr` to its size;
            // Winsock writes at most that many bytes, and any bytes make a
            // valid `T` (`OptionValue`).
            unsafe { ffi::getsockopt(raw, level, name, vptr, lptr) }
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
        let raw = self.raw;
        let (vptr, len) = ((&raw const value).cast::<c_char>(), len_of::<T>());
        syscall::socket_error(
            &SETSOCKOPT,
            format_args!("{raw:#x}, {names}, [{value:?}], {len}"),
            || {
                // SAFETY: `vptr` points to a live `T` of `len` bytes, only
                // read.
                unsafe { ffi::setsockopt(raw, level, name, vptr, len) }
            },
        )
        .map(drop)
    }

    pub(crate) fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        let (how, name) = match how {
            Shutdown::Read => (ffi::SD_RECEIVE, "SD_RECEIVE"),
            Shutdown::Write => (ffi::SD_SEND, "SD_SEND"),
            Shutdown::Both => (ffi::SD_BOTH, "SD_BOTH"),
        };
        let raw = self.raw;
        syscall::socket_error(&SHUTDOWN, format_args!("{raw:#x}, {name}"), || {
            // SAFETY: shutdown takes no pointers.
            unsafe { ffi::shutdown(raw, how) }
        })
        .map(drop)
    }

    pub(crate) fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv_flags(buf, 0)
    }

    /// Copies the next bytes waiting into `buf` without taking them off
    /// the queue (`MSG_PEEK`).
    pub(crate) fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv_flags(buf, ffi::MSG_PEEK)
    }

    fn recv_flags(&self, buf: &mut [u8], flags: c_int) -> io::Result<usize> {
        let (raw, ptr, len) = (self.raw, buf.as_mut_ptr().cast::<c_char>(), int_len(buf.len()));
        let result = syscall::socket_error(
            &RECV,
            format_args!("{raw:#x}, {ptr:p}, {len}, {flags:#x}"),
            || {
                // SAFETY: `ptr` points to at least `len` writable bytes of
                // `buf`, which is exclusively borrowed for the call.
                unsafe { ffi::recv(raw, ptr, len, flags) }
            },
        );
        received(result, len)
    }

    pub(crate) fn send(&self, buf: &[u8]) -> io::Result<usize> {
        let (raw, ptr, len) = (self.raw, buf.as_ptr().cast::<c_char>(), int_len(buf.len()));
        let result =
            syscall::socket_error(&SEND, format_args!("{raw:#x}, {ptr:p}, {len}, 0"), || {
                // SAFETY: `ptr` points to at least `len` readable bytes of `buf`.
                unsafe { ffi::send(raw, ptr, len, 0) }
            });
        sent(result)
    }

    /// A scattering read into `bufs`, in order (`WSARecv`, no overlapped:
    /// it completes at once on a non-blocking socket).
    pub(crate) fn recv_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        let raw = self.raw;
        let count = ffi::DWORD::try_from(bufs.len()).unwrap_or(ffi::DWORD::MAX);
        let wsabufs = bufs.as_mut_ptr().cast::<ffi::WSABUF>();
        let (mut received, mut flags): (ffi::DWORD, ffi::DWORD) = (0, 0);
        let result = syscall::socket_error(
            &WSA_RECV,
            format_args!("{raw:#x}, {wsabufs:p}, {count}"),
            || {
                // SAFETY: std documents `IoSliceMut` as ABI-compatible with
                // `WSABUF`, so `wsabufs` is an array of `count` (at most
                // `bufs.len()`) WSABUFs describing writable buffers that
                // `bufs` borrows exclusively for the call; `received` and
                // `flags` are live locals; no overlapped, no routine.
                unsafe {
                    ffi::WSARecv(
                        raw,
                        wsabufs,
                        count,
                        &mut received,
                        &mut flags,
                        ptr::null_mut(),
                        None,
                    )
                }
            },
        );
        match result {
            Ok(_) => Ok(received as usize),
            Err(e) if e.raw_os_error() == Some(ffi::WSAESHUTDOWN) => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// A gathering write of `bufs`, in order (`WSASend`, no overlapped).
    pub(crate) fn send_vectored(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let raw = self.raw;
        let count = ffi::DWORD::try_from(bufs.len()).unwrap_or(ffi::DWORD::MAX);
        // `WSASend` only reads the buffers: the `*mut` is the SDK's spelling.
        let wsabufs = bufs.as_ptr().cast::<ffi::WSABUF>().cast_mut();
        let mut sent: ffi::DWORD = 0;
        let result = syscall::socket_error(
            &WSA_SEND,
            format_args!("{raw:#x}, {wsabufs:p}, {count}, 0"),
            || {
                // SAFETY: std documents `IoSlice` as ABI-compatible with
                // `WSABUF`, so `wsabufs` is an array of `count` WSABUFs
                // describing readable bytes that `bufs` borrows for the call;
                // `sent` is a live local; no overlapped, no routine.
                unsafe { ffi::WSASend(raw, wsabufs, count, &mut sent, 0, ptr::null_mut(), None) }
            },
        );
        // As Unix would report it, like `send` (`WSAESHUTDOWN` is `BrokenPipe`).
        self::sent(result).map(|_| sent as usize)
    }

    pub(crate) fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SockAddr)> {
        self.recv_from_flags(buf, 0)
    }

    /// As [`recv_from`](Socket::recv_from), leaving the datagram queued
    /// (`MSG_PEEK`).
    pub(crate) fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SockAddr)> {
        self.recv_from_flags(buf, ffi::MSG_PEEK)
    }

    /// The sender of the datagram at the head of the queue, which stays
    /// queued: a zero-length `MSG_PEEK`. Winsock fails it with
    /// `WSAEMSGSIZE` (the datagram does not fit) after filling in the
    /// address; `received` reads that as a full buffer, as socket2's
    /// `peek_sender` does.
    pub(crate) fn peek_sender(&self) -> io::Result<SockAddr> {
        self.recv_from_flags(&mut [], ffi::MSG_PEEK).map(|(_, from)| from)
    }

    fn recv_from_flags(&self, buf: &mut [u8], flags: c_int) -> io::Result<(usize, SockAddr)> {
        let mut from = SockAddr::empty();
        let (raw, ptr, len) = (self.raw, buf.as_mut_ptr().cast::<c_char>(), int_len(buf.len()));
        let (aptr, alen) = from.as_mut_parts();
        let result = syscall::socket_error(
            &RECVFROM,
            format_args!("{raw:#x}, {ptr:p}, {len}, {flags:#x}, {aptr:p}"),
            || {
                // SAFETY: `ptr` points to at least `len` writable bytes;
                // `aptr`/`alen` to a live sockaddr_storage and its size.
                unsafe { ffi::recvfrom(raw, ptr, len, flags, aptr, alen) }
            },
        );
        let n = received(result, len)?;
        Ok((n, from))
    }

    pub(crate) fn send_to(&self, buf: &[u8], to: &SockAddr) -> io::Result<usize> {
        let (raw, ptr, len) = (self.raw, buf.as_ptr().cast::<c_char>(), int_len(buf.len()));
        let (aptr, alen) = to.as_parts();
        let result = syscall::socket_error(
            &SENDTO,
            format_args!("{raw:#x}, {ptr:p}, {len}, 0, {to:?}"),
            || {
                // SAFETY: `ptr` points to at least `len` readable bytes,
                // `aptr` to `alen` initialised bytes of `to`.
                unsafe { ffi::sendto(raw, ptr, len, 0, aptr, alen) }
            },
        );
        sent(result)
    }
}

/// The Unix meaning of a receive's result (see the module docs): a shut
/// down receiving half reads as end of file, and a datagram cut to the
/// buffer's `len` bytes as a full buffer.
fn received(result: io::Result<c_int>, len: c_int) -> io::Result<usize> {
    match result {
        Ok(n) => Ok(n as usize),
        Err(e) if e.raw_os_error() == Some(ffi::WSAESHUTDOWN) => Ok(0),
        Err(e) if e.raw_os_error() == Some(ffi::WSAEMSGSIZE) => Ok(len as usize),
        Err(e) => Err(e),
    }
}

/// A send's result as Unix would report it (see the module docs).
fn sent(result: io::Result<c_int>) -> io::Result<usize> {
    match result {
        Ok(n) => Ok(n as usize),
        Err(e) if e.raw_os_error() == Some(ffi::WSAESHUTDOWN) => Err(io::Error::new(
            io::ErrorKind::BrokenPipe,
            "the socket's writing half was shut down (WSAESHUTDOWN)",
        )),
        Err(e) => Err(e),
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        let raw = self.raw;
        // Ignored like std's: the socket is released even when closesocket
        // reports an error (see its declaration), so there is nothing to
        // retry.
        let _ = syscall::socket_error(&CLOSESOCKET, format_args!("{raw:#x}"), || {
            // SAFETY: `self` owns `raw` (every constructor takes a new socket
            // nobody else owns) and this is the only place it is closed,
            // once, as `self` goes away. `into_raw_socket` skips this drop.
            unsafe { ffi::closesocket(raw) }
        });
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

impl AsRawSocket for Socket {
    fn as_raw_socket(&self) -> RawSocket {
        // `SOCKET` is a `usize`, `RawSocket` a `u64`: the same width on
        // 64-bit Windows, the only one groundup supports.
        self.raw as RawSocket
    }
}

impl AsSocket for Socket {
    fn as_socket(&self) -> BorrowedSocket<'_> {
        // SAFETY: `self` owns the socket and keeps it open for as long as
        // the borrow lasts (it cannot be dropped while borrowed), and it is
        // never INVALID_SOCKET.
        unsafe { BorrowedSocket::borrow_raw(self.as_raw_socket()) }
    }
}

impl IntoRawSocket for Socket {
    fn into_raw_socket(self) -> RawSocket {
        let raw = self.as_raw_socket();
        mem::forget(self);
        raw
    }
}

impl From<OwnedSocket> for Socket {
    /// Takes over a socket from std (`OwnedSocket::from(std_stream)`), as
    /// it is: see `Socket::adopt` for what makes it fit for the runtime.
    fn from(owned: OwnedSocket) -> Socket {
        // `RawSocket` is a `u64` and `SOCKET` a `usize`: the same width on
        // 64-bit Windows, the only one groundup supports.
        Socket { raw: owned.into_raw_socket() as ffi::SOCKET }
    }
}

impl From<Socket> for OwnedSocket {
    fn from(socket: Socket) -> OwnedSocket {
        // SAFETY: `into_raw_socket` gives up the open socket `socket` owned,
        // owned by nothing else from here on, and never INVALID_SOCKET.
        unsafe { OwnedSocket::from_raw_socket(socket.into_raw_socket()) }
    }
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Socket").field(&format_args!("{:#x}", self.raw)).finish()
    }
}
