//! Networking: TCP, UDP and Unix-domain sockets as futures.
//!
//! The shapes are tokio's, so code moves over easily:
//!
//! | type | create | use |
//! |---|---|---|
//! | [`TcpSocket`] | `new_v4()`, `new_v6()`, then `set_*`, `bind` | `connect(addr).await`, `listen(backlog)` |
//! | [`TcpListener`] | `bind(addr).await` | `accept().await`, `local_addr()` |
//! | [`TcpStream`] | `connect(addr).await` | `AsyncRead`/`AsyncWrite`, `peek`, `into_split()`, `set_nodelay()` |
//! | [`UdpSocket`] | `bind(addr).await` | `send_to`/`recv_from`, `peek_from`, `peek_sender`, `connect` + `send`/`recv`/`peek`, multicast |
#![cfg_attr(unix, doc = "| [`UnixListener`] | `bind(path)` | `accept().await` |")]
#![cfg_attr(
    unix,
    doc = "| [`UnixStream`] | `connect(path).await`, `pair()` | `AsyncRead`/`AsyncWrite`, `into_split()` |"
)]
#![cfg_attr(
    unix,
    doc = "| [`UnixDatagram`] | `bind(path)`, `unbound()`, `pair()` | `send_to`/`recv_from`, `send`/`recv` |"
)]
//!
//! The Unix-domain types (`UnixListener`, `UnixStream`, `UnixDatagram`)
//! exist on Unix only, like std's. As in tokio, the halves of a split
//! stream live in [`tcp`] and `unix` (with each module's `ReuniteError`);
//! the TCP ones are also here at the root.
//!
//! ## Options, and sockets from elsewhere
//!
//! Each type has tokio's option methods (`set_ttl`, `set_nodelay`,
//! `set_broadcast`, `join_multicast_v4`, …), each one `setsockopt` or
//! `getsockopt` with the value in the C type the system documents for it
//! (`src/sys/net/options.rs` has the table). Values the C type cannot
//! hold are refused before the call: a TTL above 255 is `InvalidInput`.
//! Options that only matter before the socket binds or connects
//! (`SO_REUSEADDR`, `SO_REUSEPORT`, `IPV6_V6ONLY`) are on [`TcpSocket`].
//!
//! Every type converts from and to std's (`from_std`, `TryFrom`,
//! `into_std`) and lends its descriptor (`AsRawFd` and `AsFd`, or
//! `AsRawSocket` and `AsSocket` on Windows). As in tokio, `from_std`
//! wants a socket already in non-blocking mode; on Unix a blocking one is
//! refused with `InvalidInput` naming the fix (it would block the
//! runtime's thread), and on Windows, which cannot report the mode, it is
//! set. `into_std` deregisters the socket and hands it back still
//! non-blocking.
//!
//! Where tokio's signatures take a `ReadBuf`, groundup's take `&mut [u8]`
//! and return the count, like its `AsyncRead`: `poll_peek(cx, buf)` gives
//! `usize`, `poll_peek_from(cx, buf)` gives `(usize, SocketAddr)`.
//!
//! ## How a read works
//!
//! Every socket here is created non-blocking through groundup's own
//! bindings and registered with the reactor once, for both directions. A
//! read then:
//!
//! 1. looks at the socket's readiness, as last set by the reactor thread;
//! 2. if readable, calls `recv(2)`; if that returns `EAGAIN`, clears the
//!    readiness it saw (unless a newer event arrived meanwhile) and goes
//!    back to 1;
//! 3. if not readable, leaves the task's waker with the socket's slot and
//!    returns `Pending`; the reactor wakes the task when `epoll_wait` reports
//!    the socket.
//!
//! A read that returns fewer bytes than asked also clears the readiness:
//! the socket was drained, so the next read waits for an event instead of
//! spending a `recv` to learn `EAGAIN`.
//!
//! On Windows the steps are the same, with Winsock's `recv` and readiness
//! from the AFD polls of the IOCP backend, except for that last saving: an
//! AFD poll is re-armed only when an operation returns `WouldBlock`
//! (`WSAEWOULDBLOCK`), so there a short read leaves the readiness alone and
//! the next read makes the `recv` that says so.
//!
//! Addresses are anything [`ToSocketAddrs`] takes (the same types as std's);
//! host names are resolved on the blocking pool, never on the runtime's thread.
//!
//! Like the runtime's tasks, these types are `!Send`: they belong to the
//! runtime thread that created them.

/// Implements the raw-descriptor traits (`AsRawFd` and `AsFd` on Unix,
/// `AsRawSocket` and `AsSocket` on Windows) for socket types whose socket
/// is `self.io`, an `Async<Socket>`, as tokio has them.
macro_rules! raw_socket_traits {
    ($($ty:ty),*) => {$(
        #[cfg(unix)]
        impl std::os::fd::AsRawFd for $ty {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                std::os::fd::AsRawFd::as_raw_fd(self.io.get_ref())
            }
        }

        #[cfg(unix)]
        impl std::os::fd::AsFd for $ty {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                std::os::fd::AsFd::as_fd(self.io.get_ref())
            }
        }

        #[cfg(windows)]
        impl std::os::windows::io::AsRawSocket for $ty {
            fn as_raw_socket(&self) -> std::os::windows::io::RawSocket {
                std::os::windows::io::AsRawSocket::as_raw_socket(self.io.get_ref())
            }
        }

        #[cfg(windows)]
        impl std::os::windows::io::AsSocket for $ty {
            fn as_socket(&self) -> std::os::windows::io::BorrowedSocket<'_> {
                std::os::windows::io::AsSocket::as_socket(self.io.get_ref())
            }
        }
    )*};
}
use raw_socket_traits;

mod addr;
mod readiness;
pub mod tcp;
mod tcp_socket;
mod udp;
#[cfg(unix)]
pub mod unix;

pub use addr::{ToSocketAddrs, lookup_host};
pub use tcp::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, TcpListener, TcpStream, WriteHalf};
pub use tcp_socket::TcpSocket;
pub use udp::UdpSocket;
#[cfg(unix)]
pub use unix::{SocketAddr as UnixSocketAddr, UnixDatagram, UnixListener, UnixStream};
