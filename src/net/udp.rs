//! UDP sockets.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll, ready};

use super::addr::{self, ToSocketAddrs};
use crate::io::Async;
use crate::sys::net::{Kind, SockAddr, Socket};

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

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket").field("socket", self.io.get_ref()).finish()
    }
}
