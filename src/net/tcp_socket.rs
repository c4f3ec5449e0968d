//! [`TcpSocket`]: a TCP socket to configure before it connects or listens.
//!
//! `TcpStream::connect` and `TcpListener::bind` make their socket, set what
//! groundup always sets and go on. Some options only matter *before* the
//! socket is bound or connected (`SO_REUSEADDR` and `SO_REUSEPORT` decide
//! whether `bind` succeeds, `IPV6_V6ONLY` what a listener on `[::]`
//! accepts, buffer sizes what window TCP offers in its handshake), so
//! tokio has a builder that holds the bare socket in between: made by
//! `new_v4`/`new_v6`, configured, bound, and then consumed by
//! [`connect`](TcpSocket::connect) (a [`TcpStream`]) or
//! [`listen`](TcpSocket::listen) (a [`TcpListener`]). This is it, with
//! tokio's names.
//!
//! A `TcpSocket` is not registered with the runtime until it connects or
//! listens, so it can be made and configured anywhere, on any thread (it is
//! `Send`). Every setter is one `setsockopt` and every getter one
//! `getsockopt`, through `sys::net`'s options (`src/sys/net/options.rs`),
//! where the C type of each option's value on each system is written down.
//!
//! A socket from elsewhere ([`from_std_stream`](TcpSocket::from_std_stream),
//! `FromRawFd`, `FromRawSocket`) is taken as it is; it is made non-blocking
//! when it connects or listens (tokio's own example builds one from a
//! blocking socket2 socket).

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use super::{TcpListener, TcpStream};
use crate::sys::net::{Domain, Kind, OwnedSocket, SockAddr, Socket};

/// A TCP socket that has not yet connected or listened.
///
/// ```
/// use groundup::net::TcpSocket;
///
/// groundup::block_on(async {
///     let socket = TcpSocket::new_v4()?;
///     socket.set_reuseaddr(true)?;
///     socket.bind("127.0.0.1:0".parse().unwrap())?;
///     let listener = socket.listen(128)?;
///
///     let client = TcpSocket::new_v4()?;
///     client.set_nodelay(true)?;
///     let stream = client.connect(listener.local_addr()?).await?;
///     let (_server, peer) = listener.accept().await?;
///     assert_eq!(peer, stream.local_addr()?);
///     assert!(stream.nodelay()?);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct TcpSocket {
    socket: Socket,
    /// Made elsewhere: made non-blocking (and given groundup's per-socket
    /// options) when it connects or listens.
    foreign: bool,
}

fn std_addr(addr: SockAddr) -> io::Result<SocketAddr> {
    addr.as_std().ok_or_else(|| io::Error::other("not an IP socket address"))
}

impl TcpSocket {
    /// A new IPv4 TCP socket (`socket(AF_INET, SOCK_STREAM)`), non-blocking
    /// and close-on-exec like every socket groundup makes.
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::V4)
    }

    /// A new IPv6 TCP socket (`socket(AF_INET6, SOCK_STREAM)`).
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::V6)
    }

    fn new(domain: Domain) -> io::Result<TcpSocket> {
        Ok(TcpSocket { socket: Socket::for_domain(domain, Kind::Stream)?, foreign: false })
    }

    /// Takes over a socket made with std (or socket2), which should not be
    /// connected yet: use it to set options groundup does not offer before
    /// connecting or listening. Its blocking mode does not matter; it is
    /// made non-blocking when it connects or listens.
    pub fn from_std_stream(std_stream: std::net::TcpStream) -> TcpSocket {
        TcpSocket { socket: Socket::from(OwnedSocket::from(std_stream)), foreign: true }
    }

    /// Binds the socket to `addr` (`bind(2)`). Port 0 picks a free port;
    /// [`local_addr`](TcpSocket::local_addr) says which.
    ///
    /// # Errors
    ///
    /// `AddrInUse` when the address is taken (see
    /// [`set_reuseaddr`](TcpSocket::set_reuseaddr)), `AddrNotAvailable`
    /// when it is not this machine's, `InvalidInput` when the socket is
    /// already bound (Linux), an error when `addr` is of the other IP
    /// version (`EAFNOSUPPORT`).
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.socket.bind(&SockAddr::from_std(&addr))
    }

    /// Connects to `addr`, consuming the socket. The handshake is
    /// non-blocking: the task waits for it without blocking the thread.
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` when nothing listens at `addr`; outside a
    /// runtime, an error naming the fix.
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        TcpStream::connect_socket(self.into_runtime_socket()?, addr).await
    }

    /// Starts listening, consuming the socket, with room for `backlog`
    /// connections not yet accepted (the system caps it: `somaxconn`;
    /// values above `i32::MAX` are passed as `i32::MAX`). Bind first: an
    /// unbound socket is bound by the system to a free port on *every*
    /// interface (`0.0.0.0`) before it listens.
    ///
    /// # Errors
    ///
    /// `InvalidInput` on a connected socket (Linux); outside a runtime, an
    /// error naming the fix.
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        let socket = self.into_runtime_socket()?;
        socket.listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        TcpListener::from_listening(socket)
    }

    /// The socket, ready to be registered: a foreign one made non-blocking.
    fn into_runtime_socket(self) -> io::Result<Socket> {
        if self.foreign {
            self.socket.make_nonblocking()?;
            self.socket.finish_adoption(Kind::Stream)?;
        }
        Ok(self.socket)
    }

    /// The address the socket is bound to.
    ///
    /// # Errors
    ///
    /// Windows: `InvalidInput` before `bind` (Unix reports the unspecified
    /// address and port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        std_addr(self.socket.local_addr()?)
    }

    /// Reads and clears the socket's pending error (`SO_ERROR`).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.socket.take_error()
    }

    /// Sets `SO_REUSEADDR`. On Unix, a listener may then bind a port whose
    /// old connections still linger in `TIME_WAIT`: what a server that
    /// restarts needs (`TcpListener::bind` sets it on Unix). On Windows the
    /// option means more: *any* socket may bind a port in active use, even
    /// one another socket listens on, so `TcpListener::bind` leaves it off
    /// there.
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        self.socket.set_reuseaddr(reuseaddr)
    }

    /// Whether `SO_REUSEADDR` is set.
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.socket.reuseaddr()
    }

    /// Sets `SO_REUSEPORT`: several sockets that all set it may bind the
    /// same address and port (Linux then spreads connections among the
    /// listeners). Only on systems that have the option (not Windows).
    #[cfg(groundup_reuseport)]
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        self.socket.set_reuseport(reuseport)
    }

    /// Whether `SO_REUSEPORT` is set.
    #[cfg(groundup_reuseport)]
    pub fn reuseport(&self) -> io::Result<bool> {
        self.socket.reuseport()
    }

    /// Sets `IPV6_V6ONLY` on an IPv6 socket, before `bind`: with `true`, a
    /// listener on `[::]` accepts no IPv4 connections. (Not in tokio; the
    /// default is the system's, and OpenBSD cannot turn it off.)
    pub fn set_only_v6(&self, only_v6: bool) -> io::Result<()> {
        self.socket.set_only_v6(only_v6)
    }

    /// Whether `IPV6_V6ONLY` is set (an error on an IPv4 socket).
    pub fn only_v6(&self) -> io::Result<bool> {
        self.socket.only_v6()
    }

    /// Sets `TCP_NODELAY`: small writes go out at once instead of waiting
    /// to be coalesced (Nagle's algorithm off).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.socket.set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.socket.nodelay()
    }

    /// The type-of-service byte of the IPv4 packets sent (`IP_TOS`): the
    /// DSCP in its high six bits, ECN in the low two.
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.socket.tos_v4()
    }

    /// Deprecated. Use [`tos_v4()`] instead.
    ///
    /// [`tos_v4()`]: Self::tos_v4
    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets `IP_TOS`, 0 to 255 (more is `InvalidInput`). No effect on
    /// IPv6 packets; Linux keeps a TCP socket's two ECN bits as the stack
    /// sets them, so pass a value whose low two bits are clear. On Windows
    /// the option exists from Windows 8 and Windows Server 2012.
    ///
    /// ```
    /// # groundup::block_on(async {
    /// let socket = groundup::net::TcpSocket::new_v4()?;
    /// socket.set_tos_v4(0x10)?; // DSCP 4, "low delay" in RFC 1349's terms
    /// assert_eq!(socket.tos_v4()?, 0x10);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.socket.set_tos_v4(tos)
    }

    /// Deprecated. Use [`set_tos_v4()`] instead.
    ///
    /// [`set_tos_v4()`]: Self::set_tos_v4
    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// The traffic class byte of the IPv6 packets sent (`IPV6_TCLASS`; an
    /// error on an IPv4 socket). Where tokio has it: Linux, Android, macOS
    /// and the BSDs.
    #[cfg(groundup_tclass)]
    pub fn tclass_v6(&self) -> io::Result<u32> {
        self.socket.tclass_v6()
    }

    /// Sets `IPV6_TCLASS`, 0 to 255 (more is `InvalidInput`), the IPv6
    /// counterpart of [`set_tos_v4`](Self::set_tos_v4), ECN bits included.
    ///
    /// ```
    /// # groundup::block_on(async {
    /// let socket = groundup::net::TcpSocket::new_v6()?;
    /// socket.set_tclass_v6(0xb8)?; // DSCP 46, expedited forwarding
    /// assert_eq!(socket.tclass_v6()?, 0xb8);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(groundup_tclass)]
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.socket.set_tclass_v6(tclass)
    }

    /// The name of the interface the socket is bound to
    /// (`SO_BINDTODEVICE`), `None` when it is bound to none. Linux and
    /// Android only.
    #[cfg(groundup_bindtodevice)]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.socket.device()
    }

    /// Sets `SO_BINDTODEVICE`: only packets through the interface named
    /// `interface` (such as `b"eth0"`) are sent and received; `None` or an
    /// empty name removes the binding. A name that does not fit
    /// `IFNAMSIZ` (15 bytes and its NUL) is `InvalidInput`. Changing an
    /// existing binding needs `CAP_NET_RAW` (`PermissionDenied` without);
    /// before Linux 5.7, any binding did. Linux and Android only.
    ///
    /// ```
    /// # groundup::block_on(async {
    /// let socket = groundup::net::TcpSocket::new_v4()?;
    /// # // qemu-user misreads getsockopt(SO_BINDTODEVICE); tests/net_options.rs says more.
    /// # if std::env::var_os("GROUNDUP_TEST_EMULATOR").is_some() { return Ok(()); }
    /// assert_eq!(socket.device()?, None);
    /// match socket.bind_device(Some(b"lo")) {
    ///     Ok(()) => assert_eq!(socket.device()?.as_deref(), Some(&b"lo"[..])),
    ///     // A kernel older than 5.7, without CAP_NET_RAW.
    ///     Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
    ///     Err(e) => return Err(e),
    /// }
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(groundup_bindtodevice)]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        self.socket.bind_device(interface)
    }

    /// Sets `SO_KEEPALIVE`: an idle connection is probed, and one whose
    /// peer has vanished fails after the system's keep-alive time (two
    /// hours by default on Linux).
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        self.socket.set_keepalive(keepalive)
    }

    /// Whether `SO_KEEPALIVE` is set.
    pub fn keepalive(&self) -> io::Result<bool> {
        self.socket.keepalive()
    }

    /// Sets the size of the send buffer (`SO_SNDBUF`), in bytes. The system
    /// adjusts it: Linux doubles the value (room for its bookkeeping) and
    /// clamps it between a minimum and `net.core.wmem_max`, so
    /// [`send_buffer_size`](TcpSocket::send_buffer_size) rarely returns
    /// what was set. Values above `i32::MAX` are passed as `i32::MAX`.
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.socket.set_send_buffer_size(size)
    }

    /// The size of the send buffer (`SO_SNDBUF`), as the system sees it.
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.socket.send_buffer_size()
    }

    /// Sets the size of the receive buffer (`SO_RCVBUF`); adjusted by the
    /// system as [`set_send_buffer_size`](TcpSocket::set_send_buffer_size)
    /// says.
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.socket.set_recv_buffer_size(size)
    }

    /// The size of the receive buffer (`SO_RCVBUF`), as the system sees it.
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.socket.recv_buffer_size()
    }

    /// Sets `SO_LINGER`; see [`TcpStream::set_linger`] for why a non-zero
    /// time is a trap on a non-blocking socket. Deprecated for that reason.
    #[deprecated = "`SO_LINGER` may block the thread when the socket is dropped; \
                    use `set_zero_linger` to reset connections on close"]
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        self.socket.set_linger(linger)
    }

    /// Sets a linger time of zero: closing the connection later discards
    /// unsent data and resets it, leaving no `TIME_WAIT`.
    pub fn set_zero_linger(&self) -> io::Result<()> {
        self.socket.set_linger(Some(Duration::ZERO))
    }

    /// The linger time (`SO_LINGER`), in whole seconds; `None` when off.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.socket.linger()
    }
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpSocket").field("socket", &self.socket).finish()
    }
}

#[cfg(unix)]
mod raw {
    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

    use super::TcpSocket;
    use crate::sys::net::Socket;

    impl AsRawFd for TcpSocket {
        fn as_raw_fd(&self) -> RawFd {
            self.socket.as_raw_fd()
        }
    }

    impl AsFd for TcpSocket {
        fn as_fd(&self) -> BorrowedFd<'_> {
            self.socket.as_fd()
        }
    }

    impl FromRawFd for TcpSocket {
        /// Takes over `fd`, a TCP socket not yet connected, in either
        /// blocking mode (it is made non-blocking when it connects or
        /// listens).
        ///
        /// # Safety
        ///
        /// `fd` must be an open socket that nothing else owns: the
        /// `TcpSocket` closes it.
        unsafe fn from_raw_fd(fd: RawFd) -> TcpSocket {
            // SAFETY: the caller promises an open descriptor that nothing
            // else owns, which is what `OwnedFd` requires.
            let owned = unsafe { OwnedFd::from_raw_fd(fd) };
            TcpSocket { socket: Socket::from(owned), foreign: true }
        }
    }

    impl IntoRawFd for TcpSocket {
        fn into_raw_fd(self) -> RawFd {
            self.socket.into_raw_fd()
        }
    }
}

#[cfg(windows)]
mod raw {
    use std::os::windows::io::{
        AsRawSocket, AsSocket, BorrowedSocket, FromRawSocket, IntoRawSocket, OwnedSocket, RawSocket,
    };

    use super::TcpSocket;
    use crate::sys::net::Socket;

    impl AsRawSocket for TcpSocket {
        fn as_raw_socket(&self) -> RawSocket {
            self.socket.as_raw_socket()
        }
    }

    impl AsSocket for TcpSocket {
        fn as_socket(&self) -> BorrowedSocket<'_> {
            self.socket.as_socket()
        }
    }

    impl FromRawSocket for TcpSocket {
        /// Takes over `socket`, a TCP socket not yet connected, in either
        /// blocking mode (it is made non-blocking when it connects or
        /// listens).
        ///
        /// # Safety
        ///
        /// `socket` must be an open socket that nothing else owns: the
        /// `TcpSocket` closes it.
        unsafe fn from_raw_socket(socket: RawSocket) -> TcpSocket {
            // SAFETY: the caller promises an open socket that nothing else
            // owns, which is what `OwnedSocket` requires.
            let owned = unsafe { OwnedSocket::from_raw_socket(socket) };
            TcpSocket { socket: Socket::from(owned), foreign: true }
        }
    }

    impl IntoRawSocket for TcpSocket {
        fn into_raw_socket(self) -> RawSocket {
            self.socket.into_raw_socket()
        }
    }
}
