//! UDP sockets.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::task::{Context, Poll, ready};

use super::addr::{self, ToSocketAddrs};
use crate::io::{Async, Interest};
use crate::sys::net::{Kind, OwnedSocket, SockAddr, Socket};

/// A UDP socket: datagrams to and from any peer, or one peer after
/// [`connect`](UdpSocket::connect).
///
/// ```
/// use groundup::net::UdpSocket;
///
/// groundup::block_on(async {
///     let a = UdpSocket::bind("127.0.0.1:0").await?;
///     let b = UdpSocket::bind("127.0.0.1:0").await?;
///     a.send_to(b"hello", b.local_addr()?).await?;
///     let mut buf = [0; 16];
///     let (n, from) = b.recv_from(&mut buf).await?;
///     assert_eq!((&buf[..n], from), (&b"hello"[..], a.local_addr()?));
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UdpSocket {
    io: Async<Socket>,
}

fn std_addr(addr: SockAddr) -> io::Result<SocketAddr> {
    addr.as_std().ok_or_else(|| io::Error::other("not an IP socket address"))
}

impl UdpSocket {
    /// Binds to `addr` (the first of its addresses that binds).
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        let addrs = addr::resolve(addr).await?;
        addr::each_addr(addrs, |addr| async move {
            let socket = Socket::for_addr(&addr, Kind::Datagram)?;
            socket.bind(&SockAddr::from_std(&addr))?;
            Ok(UdpSocket { io: Async::from_nonblocking(socket)? })
        })
        .await
    }

    /// Sets the default peer: `send` goes there, and `recv` only accepts
    /// datagrams from there.
    pub async fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let addrs = addr::resolve(addr).await?;
        let socket = self.io.get_ref();
        addr::each_addr(addrs, |addr| async move {
            socket.connect(&SockAddr::from_std(&addr)).map(drop)
        })
        .await
    }

    /// Sends one datagram to `target` (its first address); returns the bytes
    /// sent.
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let target = addr::resolve(target).await?[0];
        let to = SockAddr::from_std(&target);
        self.io.write_with(|s| s.send_to(buf, &to)).await
    }

    /// Polls to send one datagram to `target`: `Pending` until the socket
    /// can take it, then the bytes sent. As tokio's, the target is a
    /// resolved address (resolving a name could wait). Only the last task
    /// to poll is woken (see `poll_send_ready`).
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use groundup::net::UdpSocket;
    ///
    /// groundup::block_on(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await?;
    ///     let b = UdpSocket::bind("127.0.0.1:0").await?;
    ///     let to = b.local_addr()?;
    ///     assert_eq!(poll_fn(|cx| a.poll_send_to(cx, b"hi", to)).await?, 2);
    ///     let mut buf = [0; 4];
    ///     assert_eq!(b.recv_from(&mut buf).await?, (2, a.local_addr()?));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        let to = SockAddr::from_std(&target);
        self.io.poll_write_with(cx, &mut |s: &Socket| s.send_to(buf, &to))
    }

    /// Receives one datagram; returns its length and sender. A datagram
    /// longer than `buf` is truncated.
    ///
    /// Several tasks may wait in `recv_from` on one socket (sharing it
    /// through an `Rc`): each datagram goes to one of them, and none is
    /// left waiting while datagrams are queued.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = self.io.read_with(|s| s.recv_from(buf)).await?;
        std_addr(from).map(|from| (n, from))
    }

    /// Polls to receive one datagram.
    ///
    /// There is one waker slot for the `poll_*` methods: when several tasks
    /// poll the same socket this way, only the last one to poll is woken
    /// (as with tokio). To receive from several tasks, use
    /// [`recv_from`](UdpSocket::recv_from).
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        let (n, from) = ready!(self.io.poll_read_with(cx, &mut |s: &Socket| s.recv_from(buf)))?;
        Poll::Ready(std_addr(from).map(|from| (n, from)))
    }

    /// Sends one datagram to the connected peer.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.write_with(|s| s.send(buf)).await
    }

    /// Receives one datagram from the connected peer.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.read_with(|s| s.recv(buf)).await
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        std_addr(self.io.get_ref().local_addr()?)
    }

    /// The connected peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        std_addr(self.io.get_ref().peer_addr()?)
    }

    /// Reads and clears the pending error (an ICMP "port unreachable" for an
    /// earlier datagram, say).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }
}

/// std interop, peeking and socket options.
impl UdpSocket {
    /// Takes over a socket made with std, registering it with the current
    /// runtime. As with tokio, it must already be in non-blocking mode: on
    /// Unix a blocking one is refused with `InvalidInput`; on Windows, where
    /// the mode cannot be read back, it is set (and, as for groundup's own,
    /// ICMP "port unreachable" stops failing its receives).
    ///
    /// ```
    /// use groundup::net::UdpSocket;
    ///
    /// groundup::block_on(async {
    ///     let std_socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    ///     std_socket.set_nonblocking(true)?;
    ///     let socket = UdpSocket::from_std(std_socket)?;
    ///     socket.send_to(b"self", socket.local_addr()?).await?;
    ///     let mut buf = [0; 8];
    ///     let (n, _) = socket.recv_from(&mut buf).await?;
    ///     assert_eq!(&buf[..n], b"self");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// Outside a runtime, an error naming the fix; on Unix, `InvalidInput`
    /// for a blocking socket. The socket is closed either way.
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        let socket = Socket::adopt(OwnedSocket::from(socket), Kind::Datagram)?;
        Ok(UdpSocket { io: Async::from_nonblocking(socket)? })
    }

    /// Deregisters the socket from the runtime and gives it back as a std
    /// socket, still in non-blocking mode.
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        Ok(OwnedSocket::from(self.io.into_inner()?).into())
    }

    /// Waits for a datagram and copies it into `buf` *without* taking it
    /// from the queue: the next receive returns it again. Returns its
    /// length (cut to `buf`, as `recv_from` cuts it) and sender.
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = self.io.read_with(|s| s.peek_from(buf)).await?;
        Ok((n, std_addr(from)?))
    }

    /// Polls to [`peek_from`](UdpSocket::peek_from).
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        let (n, from) = ready!(self.io.poll_read_with(cx, &mut |s: &Socket| s.peek_from(buf)))?;
        Poll::Ready(std_addr(from).map(|from| (n, from)))
    }

    /// Whether the socket may send to a broadcast address (`SO_BROADCAST`).
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.get_ref().broadcast()
    }

    /// Sets `SO_BROADCAST`.
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_broadcast(on)
    }

    /// The time-to-live of the unicast packets sent (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }

    /// Sets `IP_TTL`. Above 255 is `InvalidInput` (the IP header's field
    /// is 8 bits); 0 is for the system to judge (Linux: `InvalidInput`).
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// The type-of-service byte of the IPv4 packets sent (`IP_TOS`): the
    /// DSCP in its high six bits, ECN in the low two.
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.io.get_ref().tos_v4()
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
    /// let socket = groundup::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_tos_v4(0x10)?; // DSCP 4, "low delay" in RFC 1349's terms
    /// assert_eq!(socket.tos_v4()?, 0x10);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.io.get_ref().set_tos_v4(tos)
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
        self.io.get_ref().tclass_v6()
    }

    /// Sets `IPV6_TCLASS`, 0 to 255 (more is `InvalidInput`), the IPv6
    /// counterpart of [`set_tos_v4`](Self::set_tos_v4), ECN bits included.
    ///
    /// ```
    /// # groundup::block_on(async {
    /// # let Ok(socket) = groundup::net::UdpSocket::bind("[::1]:0").await else {
    /// #     return Ok(()); // no IPv6 loopback here
    /// # };
    /// socket.set_tclass_v6(0xb8)?; // DSCP 46, expedited forwarding
    /// assert_eq!(socket.tclass_v6()?, 0xb8);
    /// # std::io::Result::Ok(())
    /// # })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(groundup_tclass)]
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.io.get_ref().set_tclass_v6(tclass)
    }

    /// The name of the interface the socket is bound to
    /// (`SO_BINDTODEVICE`), `None` when it is bound to none. Linux and
    /// Android only.
    #[cfg(groundup_bindtodevice)]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.io.get_ref().device()
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
    /// let socket = groundup::net::UdpSocket::bind("127.0.0.1:0").await?;
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
        self.io.get_ref().bind_device(interface)
    }

    /// Whether an IPv6 socket takes only IPv6 traffic (`IPV6_V6ONLY`; an
    /// error on an IPv4 socket). The default is the system's.
    pub fn only_v6(&self) -> io::Result<bool> {
        self.io.get_ref().only_v6()
    }

    /// The time-to-live of the IPv4 multicast packets sent
    /// (`IP_MULTICAST_TTL`; 1 by default: they stay on the local network).
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.io.get_ref().multicast_ttl_v4()
    }

    /// Sets `IP_MULTICAST_TTL`, 0 to 255 (more is `InvalidInput`).
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_multicast_ttl_v4(ttl)
    }

    /// Whether IPv4 multicast packets sent are looped back to this host's
    /// own members of the group (`IP_MULTICAST_LOOP`; on by default).
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.io.get_ref().multicast_loop_v4()
    }

    /// Sets `IP_MULTICAST_LOOP`.
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_multicast_loop_v4(on)
    }

    /// The hop limit of the IPv6 multicast packets sent
    /// (`IPV6_MULTICAST_HOPS`; 1 by default). Not in tokio; socket2's name.
    pub fn multicast_hops_v6(&self) -> io::Result<u32> {
        self.io.get_ref().multicast_hops_v6()
    }

    /// Sets `IPV6_MULTICAST_HOPS`, 0 to 255 (more is `InvalidInput`).
    pub fn set_multicast_hops_v6(&self, hops: u32) -> io::Result<()> {
        self.io.get_ref().set_multicast_hops_v6(hops)
    }

    /// Whether IPv6 multicast packets sent are looped back to this host
    /// (`IPV6_MULTICAST_LOOP`; on by default).
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.io.get_ref().multicast_loop_v6()
    }

    /// Sets `IPV6_MULTICAST_LOOP`.
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_multicast_loop_v6(on)
    }

    /// Joins the IPv4 multicast group `multiaddr` on the interface whose
    /// address is `interface` (`Ipv4Addr::UNSPECIFIED`: the one the routing
    /// table picks). Joining announces the membership on that interface's
    /// network (IGMP).
    ///
    /// # Errors
    ///
    /// `AddrInUse` when already a member there (Linux), `InvalidInput` when
    /// `multiaddr` is not a multicast address, `AddrNotAvailable` when
    /// `interface` is not this machine's.
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.get_ref().join_multicast_v4(&multiaddr, &interface)
    }

    /// Leaves a group joined with
    /// [`join_multicast_v4`](UdpSocket::join_multicast_v4);
    /// `AddrNotAvailable` when not a member.
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.get_ref().leave_multicast_v4(&multiaddr, &interface)
    }

    /// Joins the IPv6 multicast group `multiaddr` on the interface with
    /// index `interface` (0: the one the routing table picks).
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.get_ref().join_multicast_v6(multiaddr, interface)
    }

    /// Leaves a group joined with
    /// [`join_multicast_v6`](UdpSocket::join_multicast_v6).
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.get_ref().leave_multicast_v6(multiaddr, interface)
    }
}

super::readiness::datagram_readiness!(
    UdpSocket,
    "# let a = groundup::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n\
     # let b = groundup::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n\
     # a.connect(b.local_addr()?).await?;\n\
     # b.connect(a.local_addr()?).await?;\n"
);

/// The addressed `try_*` methods.
impl UdpSocket {
    /// Sends one datagram to `target` without waiting: the bytes sent, or
    /// `WouldBlock` (which clears the write readiness). As tokio's, the
    /// target is a resolved address: resolving a name could wait.
    ///
    /// ```
    /// use groundup::net::UdpSocket;
    ///
    /// groundup::block_on(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await?;
    ///     let b = UdpSocket::bind("127.0.0.1:0").await?;
    ///     a.writable().await?;
    ///     assert_eq!(a.try_send_to(b"hi", b.local_addr()?)?, 2);
    ///     let mut buf = [0; 4];
    ///     assert_eq!(b.recv_from(&mut buf).await?, (2, a.local_addr()?));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        let to = SockAddr::from_std(&target);
        self.io.try_io(Interest::WRITABLE, |s| s.send_to(buf, &to))
    }

    /// Receives one datagram and its sender without waiting, or
    /// `WouldBlock` when none is queued (which clears the read readiness).
    ///
    /// ```
    /// use std::io::ErrorKind;
    /// use groundup::net::UdpSocket;
    ///
    /// groundup::block_on(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await?;
    ///     let b = UdpSocket::bind("127.0.0.1:0").await?;
    ///     let mut buf = [0; 4];
    ///     assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
    ///     a.send_to(b"hi", b.local_addr()?).await?;
    ///     let (n, from) = loop {
    ///         b.readable().await?;
    ///         match b.try_recv_from(&mut buf) {
    ///             Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
    ///             other => break other?,
    ///         }
    ///     };
    ///     assert_eq!((&buf[..n], from), (&b"hi"[..], a.local_addr()?));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = self.io.try_io(Interest::READABLE, |s| s.recv_from(buf))?;
        std_addr(from).map(|from| (n, from))
    }

    /// As [`try_recv_from`](UdpSocket::try_recv_from), leaving the datagram
    /// queued (`MSG_PEEK`): the next receive gets it again.
    ///
    /// ```
    /// use groundup::net::UdpSocket;
    ///
    /// groundup::block_on(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await?;
    ///     let b = UdpSocket::bind("127.0.0.1:0").await?;
    ///     a.send_to(b"hi", b.local_addr()?).await?;
    ///     b.readable().await?;
    ///     let mut buf = [0; 4];
    ///     let (n, _) = b.try_peek_from(&mut buf)?;
    ///     assert_eq!(b.recv_from(&mut buf).await?.0, n);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = self.io.try_io(Interest::READABLE, |s| s.peek_from(buf))?;
        std_addr(from).map(|from| (n, from))
    }
}

/// Peeking at the connected peer's next datagram, and at the next sender.
/// Each leaves the datagram queued (`MSG_PEEK`): the next receive gets it.
impl UdpSocket {
    /// Waits for a datagram from the connected peer and copies it into
    /// `buf` without taking it from the queue; returns its length (cut to
    /// `buf`, as `recv` cuts it). As tokio's `peek`.
    ///
    /// ```
    /// groundup::block_on(async {
    /// #   let a = groundup::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// #   let b = groundup::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// #   a.connect(b.local_addr()?).await?;
    /// #   b.connect(a.local_addr()?).await?;
    ///     b.send(b"once").await?;
    ///     let mut buf = [0; 8];
    ///     assert_eq!(a.peek(&mut buf).await?, 4);
    ///     assert_eq!(a.recv(&mut buf).await?, 4); // still there
    /// #   std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.read_with(|s| s.peek(buf)).await
    }

    /// Polls to [`peek`](UdpSocket::peek); only the last task to poll is
    /// woken (see `poll_recv_ready`). tokio's `poll_peek`, with a slice for
    /// its `ReadBuf` (see `net`).
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// groundup::block_on(async {
    /// #   let a = groundup::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// #   let b = groundup::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// #   a.connect(b.local_addr()?).await?;
    /// #   b.connect(a.local_addr()?).await?;
    ///     b.send(b"once").await?;
    ///     let mut buf = [0; 8];
    ///     assert_eq!(poll_fn(|cx| a.poll_peek(cx, &mut buf)).await?, 4);
    ///     assert_eq!(a.recv(&mut buf).await?, 4);
    /// #   std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_read_with(cx, &mut |s: &Socket| s.peek(buf))
    }

    /// As [`peek`](UdpSocket::peek) without waiting: `WouldBlock` when
    /// nothing is queued (which clears the read readiness). As tokio's
    /// `try_peek`.
    ///
    /// ```
    /// use std::io::ErrorKind;
    ///
    /// groundup::block_on(async {
    /// #   let a = groundup::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// #   let b = groundup::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// #   a.connect(b.local_addr()?).await?;
    /// #   b.connect(a.local_addr()?).await?;
    ///     let mut buf = [0; 8];
    ///     assert_eq!(a.try_peek(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
    ///     b.send(b"once").await?;
    ///     let n = loop {
    ///         a.readable().await?;
    ///         match a.try_peek(&mut buf) {
    ///             Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
    ///             other => break other?,
    ///         }
    ///     };
    ///     assert_eq!(a.recv(&mut buf).await?, n);
    /// #   std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, |s| s.peek(buf))
    }

    /// Waits for a datagram and returns its sender, leaving it queued:
    /// [`peek_from`](UdpSocket::peek_from) without a buffer. Like any
    /// UDP source address, the sender can be forged. As tokio's
    /// `peek_sender`.
    ///
    /// ```
    /// use groundup::net::UdpSocket;
    ///
    /// groundup::block_on(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await?;
    ///     let b = UdpSocket::bind("127.0.0.1:0").await?;
    ///     a.send_to(b"who", b.local_addr()?).await?;
    ///     assert_eq!(b.peek_sender().await?, a.local_addr()?);
    ///     let mut buf = [0; 4];
    ///     assert_eq!(b.recv_from(&mut buf).await?, (3, a.local_addr()?));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        std_addr(self.io.read_with(|s| s.peek_sender()).await?)
    }

    /// Polls to [`peek_sender`](UdpSocket::peek_sender); only the last task
    /// to poll is woken (see `poll_recv_ready`).
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use groundup::net::UdpSocket;
    ///
    /// groundup::block_on(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await?;
    ///     let b = UdpSocket::bind("127.0.0.1:0").await?;
    ///     a.send_to(b"who", b.local_addr()?).await?;
    ///     assert_eq!(poll_fn(|cx| b.poll_peek_sender(cx)).await?, a.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        let from = ready!(self.io.poll_read_with(cx, &mut |s: &Socket| s.peek_sender()))?;
        Poll::Ready(std_addr(from))
    }

    /// As [`peek_sender`](UdpSocket::peek_sender) without waiting:
    /// `WouldBlock` when nothing is queued (which clears the read
    /// readiness).
    ///
    /// ```
    /// use groundup::net::UdpSocket;
    ///
    /// groundup::block_on(async {
    ///     let a = UdpSocket::bind("127.0.0.1:0").await?;
    ///     let b = UdpSocket::bind("127.0.0.1:0").await?;
    ///     a.send_to(b"who", b.local_addr()?).await?;
    ///     let from = loop {
    ///         b.readable().await?;
    ///         match b.try_peek_sender() {
    ///             Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///             other => break other?,
    ///         }
    ///     };
    ///     assert_eq!(from, a.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        std_addr(self.io.try_io(Interest::READABLE, |s| s.peek_sender())?)
    }
}

impl TryFrom<std::net::UdpSocket> for UdpSocket {
    type Error = io::Error;

    /// [`UdpSocket::from_std`].
    fn try_from(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::from_std(socket)
    }
}

super::raw_socket_traits!(UdpSocket);

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket").field("socket", self.io.get_ref()).finish()
    }
}
