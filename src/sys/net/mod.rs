//! Sockets through groundup's own FFI: create, bind, connect, accept, send
//! and receive, every call counted and traceable like the rest.
//!
//! std's `TcpStream` could carry the bytes, but its system calls would be
//! invisible to `groundup::stats` and its connect blocks. So the network
//! types of `groundup::net` sit on this small socket layer instead: one
//! [`Socket`] type that owns a descriptor (a `SOCKET` on Windows) and makes
//! each call through `sys::syscall`.
//!
//! Every socket is created **non-blocking and close-on-exec**, in one call
//! where the system allows (`SOCK_NONBLOCK | SOCK_CLOEXEC` on Linux and the
//! BSDs; on Windows, non-inheritable and then `FIONBIO`), and **without
//! `SIGPIPE`**: a write to a closed connection must return `EPIPE`, not kill
//! the process (`MSG_NOSIGNAL` per send, or `SO_NOSIGPIPE` per socket on the
//! Apple systems; `build.rs` says which; Windows has no signals).
//!
//! `unix.rs` and `windows.rs` provide the same crate-internal API (`Socket`
//! with `for_addr`, `for_domain`, `bind`, `listen`, `accept`, `connect`,
//! `take_error`, `local_addr`, `peer_addr`, `shutdown`, `recv`, `peek`,
//! `send`, `recv_from`, `peek_from`, `peek_sender`, `send_to`, the generic
//! `getsockopt` and `setsockopt`, `require_nonblocking`, `make_nonblocking`
//! and `finish_adoption`, `Read`/`Write` for `&Socket`, conversions from
//! and to [`OwnedSocket`], and the raw-descriptor traits; `SockAddr` with
//! `from_std` and `as_std`), and Unix adds what only it has: Unix-domain
//! sockets (`Socket::unix`, `pair`, `SockAddr::from_path`, and the peer's
//! credentials, `peer_cred`, in `peer_cred.rs`). `windows.rs` opens with
//! how Winsock differs and what is done about it.
//!
//! [`SockAddr`] (`addr.rs`, shared) is a socket address in the kernel's own
//! layout, with the conversions to and from `std::net::SocketAddr`; each
//! platform file gives it the C types it needs in a small module `c`, and
//! `unix.rs` adds Unix paths.
//!
//! The socket options (`options.rs`, shared) are written once too, against
//! the same module `c`: each platform names the C type every option's
//! value has there (an `int` on Linux, a `u_char` for two multicast options
//! on the BSDs, a `DWORD` for the IP options on Windows) and gives `Socket`
//! one generic `getsockopt`/`setsockopt` pair.
//!
//! ## Sockets made elsewhere
//!
//! A socket from std (`from_std`) or from a raw descriptor enters the
//! runtime through [`Socket::adopt`]. It must already be non-blocking, as
//! tokio requires: on Unix a blocking one is refused with an error that
//! names the fix (one `fcntl(F_GETFL)` tells); Winsock has no way to read
//! the mode back, so on Windows it is set instead. The adopted socket then
//! gets what groundup's own sockets are born with where that is a separate
//! option (`SO_NOSIGPIPE` on the Apple systems, `SIO_UDP_CONNRESET` off
//! for a Windows datagram socket). Close-on-exec (non-inheritability) is
//! left as the socket came: it cannot be set atomically any more, and std's
//! sockets already have it.

mod addr;
mod options;
#[cfg(unix)]
mod peer_cred;
#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

pub(crate) use addr::SockAddr;
#[cfg(unix)]
pub(crate) use peer_cred::{Gid, PeerCred, Pid, Uid};
#[cfg(unix)]
pub(crate) use unix::Socket;
#[cfg(unix)]
use unix::c;
#[cfg(windows)]
pub(crate) use windows::Socket;
#[cfg(windows)]
use windows::c;

/// An owned socket as std hands it over: what `From<std::net::TcpStream>`
/// and its siblings convert to and from.
#[cfg(unix)]
pub(crate) type OwnedSocket = std::os::fd::OwnedFd;
/// An owned socket as std hands it over.
#[cfg(windows)]
pub(crate) type OwnedSocket = std::os::windows::io::OwnedSocket;

/// Which IP version a socket speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Domain {
    /// IPv4 (`AF_INET`).
    V4,
    /// IPv6 (`AF_INET6`).
    V6,
}

impl Domain {
    /// The domain of a socket that talks to (or listens on) `addr`.
    pub(crate) fn of(addr: &std::net::SocketAddr) -> Domain {
        if addr.is_ipv4() { Domain::V4 } else { Domain::V6 }
    }
}

impl Socket {
    /// Takes a socket made elsewhere into the runtime (see the module docs):
    /// refused unless non-blocking where the mode can be read, made
    /// non-blocking where it cannot, and given the options groundup's own
    /// sockets have.
    pub(crate) fn adopt(owned: OwnedSocket, kind: Kind) -> std::io::Result<Socket> {
        let socket = Socket::from(owned);
        socket.require_nonblocking()?;
        socket.finish_adoption(kind)?;
        Ok(socket)
    }
}

/// What kind of socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A byte stream (TCP, or a Unix stream socket).
    Stream,
    /// Datagrams (UDP, or a Unix datagram socket).
    Datagram,
}

/// How `connect` on a non-blocking socket went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Connect {
    /// Connected at once (usual for Unix-domain sockets).
    Done,
    /// Under way: wait for writability, then ask `take_error`.
    InProgress,
}
