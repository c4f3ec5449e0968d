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
//! with `for_addr`, `bind`, `listen`, `accept`, `connect`, `take_error`,
//! `local_addr`, `peer_addr`, `set_nodelay`, `nodelay`, `shutdown`, `recv`,
//! `send`, `recv_from`, `send_to`, `Read`/`Write` for `&Socket`, and the
//! raw-descriptor traits; `SockAddr` with `from_std` and `as_std`), and Unix
//! adds what only it has: Unix-domain sockets (`Socket::unix`, `pair`,
//! `SockAddr::from_path`) and `set_reuse_address`. `windows.rs` opens with
//! how Winsock differs and what is done about it.
//!
//! [`SockAddr`] (`addr.rs`, shared) is a socket address in the kernel's own
//! layout, with the conversions to and from `std::net::SocketAddr`; each
//! platform file gives it the C types it needs in a small module `c`, and
//! `unix.rs` adds Unix paths.

mod addr;
#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

pub(crate) use addr::SockAddr;
#[cfg(unix)]
pub(crate) use unix::Socket;
#[cfg(unix)]
use unix::c;
#[cfg(windows)]
pub(crate) use windows::Socket;
#[cfg(windows)]
use windows::c;

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
