//! TCP: listeners, streams, and stream halves.

use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

use super::addr::{self, ToSocketAddrs};
use crate::io::{Async, AsyncRead, AsyncWrite};
use crate::sys::net::{Connect, Kind, SockAddr, Socket};

/// Connections a listener queues before `accept` (the kernel may cap it:
/// `net.core.somaxconn` on Linux). The figure mio and tokio use.
const BACKLOG: i32 = 1024;

fn std_addr(addr: io::Result<SockAddr>) -> io::Result<SocketAddr> {
    addr?.as_std().ok_or_else(|| io::Error::other("not an IP socket address"))
}

/// A TCP socket listening for connections.
///
/// ```
/// use groundup::io::{AsyncReadExt, AsyncWriteExt};
/// use groundup::net::{TcpListener, TcpStream};
///
/// groundup::block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let addr = listener.local_addr()?;
///     let server = groundup::spawn(async move {
///         let (mut stream, _peer) = listener.accept().await?;
///         let mut buf = [0; 4];
///         stream.read_exact(&mut buf).await?;
///         stream.write_all(&buf).await?;
///         std::io::Result::Ok(())
///     });
///     let mut client = TcpStream::connect(addr).await?;
///     client.write_all(b"ping").await?;
///     let mut back = [0; 4];
///     client.read_exact(&mut back).await?;
///     assert_eq!(&back, b"ping");
///     server.await??;
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct TcpListener {
    io: Async<Socket>,
}

impl TcpListener {
    /// Binds to `addr` and listens. Each address `addr` resolves to is
    /// tried in turn; the first that binds wins. On Unix `SO_REUSEADDR` is
    /// set, so a restarted server can bind a port whose old connections are
    /// still in `TIME_WAIT`.
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        let addrs = addr::resolve(addr).await?;
        addr::each_addr(addrs, |addr| async move { TcpListener::bind_one(&addr) }).await
    }

    fn bind_one(addr: &SocketAddr) -> io::Result<TcpListener> {
        let socket = Socket::for_addr(addr, Kind::Stream)?;
        #[cfg(unix)]
        socket.set_reuse_address()?;
        socket.bind(&SockAddr::from_std(addr))?;
        socket.listen(BACKLOG)?;
        Ok(TcpListener { io: Async::from_nonblocking(socket)? })
    }

    /// Waits for a connection and returns it with the peer's address.
    ///
    /// Several tasks may wait in `accept` on one listener (sharing it
    /// through an `Rc`): each connection goes to one of them, and none is
    /// left waiting while connections are queued.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (socket, peer) = self.io.read_with(|s| s.accept()).await?;
        let peer = std_addr(Ok(peer))?;
        Ok((TcpStream { io: Async::from_nonblocking(socket)? }, peer))
    }

    /// Polls for a connection.
    ///
    /// There is one waker slot for the `poll_*` methods: when several tasks
    /// poll the same listener this way, only the last one to poll is woken
    /// (as with tokio). To accept from several tasks, use
    /// [`accept`](TcpListener::accept).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let (socket, peer) = ready!(self.io.poll_read_with(cx, &mut |s: &Socket| s.accept()))?;
        let peer = std_addr(Ok(peer))?;
        Poll::Ready(Ok((TcpStream { io: Async::from_nonblocking(socket)? }, peer)))
    }

    /// The address the listener is bound to (the real port after binding
    /// port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        std_addr(self.io.get_ref().local_addr())
    }
}

/// A TCP connection.
///
/// Reading and writing go through [`AsyncRead`]/[`AsyncWrite`] (and the
/// `AsyncReadExt`/`AsyncWriteExt` futures); [`into_split`](TcpStream::into_split)
/// gives owned halves that two tasks can use at once.
/// `AsyncWriteExt::shutdown` closes the writing half (a FIN to the peer).
pub struct TcpStream {
    io: Async<Socket>,
}

impl TcpStream {
    /// Connects to `addr`, trying each address it resolves to in turn.
    ///
    /// The connect is non-blocking: the socket is registered, `connect(2)`
    /// starts the handshake and returns `EINPROGRESS`, the task waits for
    /// writability, and `SO_ERROR` says how the handshake ended.
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` when nothing listens, and whatever else the last
    /// address tried failed with.
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let addrs = addr::resolve(addr).await?;
        addr::each_addr(addrs, TcpStream::connect_one).await
    }

    async fn connect_one(addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = Socket::for_addr(&addr, Kind::Stream)?;
        // Connect first, register second: a TCP socket that is not yet
        // connecting polls as hung up (`EPOLLHUP` for state CLOSE, see
        // `tcp_poll` in Linux's net/ipv4/tcp.c), and if the reactor saw that
        // the socket would be marked closed for good. mio orders it the same
        // way (its connect returns an unregistered socket).
        let state = socket.connect(&SockAddr::from_std(&addr))?;
        let io = Async::from_nonblocking(socket)?;
        if state == Connect::InProgress {
            io.writable().await?;
            if let Some(e) = io.get_ref().take_error()? {
                return Err(e);
            }
        }
        // Writable without a pending error normally means connected; a peer
        // address proves it (some systems report ENOTCONN here instead).
        io.get_ref().peer_addr()?;
        Ok(TcpStream { io })
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        std_addr(self.io.get_ref().peer_addr())
    }

    /// The local address of this end.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        std_addr(self.io.get_ref().local_addr())
    }

    /// Turns Nagle's algorithm off (`true`) or on: with `TCP_NODELAY` small
    /// writes go out at once instead of waiting to be coalesced.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get_ref().nodelay()
    }

    /// Reads and clears the socket's pending error (`SO_ERROR`).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }

    /// Splits into a read half and a write half that can be used by two
    /// tasks at once. Dropping the write half shuts the writing direction
    /// down (the peer reads end of file).
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        let shared = Rc::new(self);
        (
            OwnedReadHalf { stream: Rc::clone(&shared) },
            OwnedWriteHalf { stream: shared, shutdown_on_drop: true },
        )
    }

    /// Borrows a read half and a write half.
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        (ReadHalf { stream: self }, WriteHalf { stream: self })
    }

    fn poll_read_priv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_read_stream(cx, buf, |s, buf| s.recv(buf))
    }

    fn poll_write_priv(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write_stream(cx, buf, |s, buf| s.send(buf))
    }

    fn shutdown_write(&self) -> Poll<io::Result<()>> {
        Poll::Ready(self.io.get_ref().shutdown(Shutdown::Write))
    }
}

impl AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_priv(cx, buf)
    }

    /// Nothing to flush: groundup does not buffer writes.
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shutdown_write()
    }
}

/// The reading half of a [`TcpStream`], from [`TcpStream::into_split`].
pub struct OwnedReadHalf {
    stream: Rc<TcpStream>,
}

/// The writing half of a [`TcpStream`], from [`TcpStream::into_split`].
/// Dropping it shuts the writing direction down.
pub struct OwnedWriteHalf {
    stream: Rc<TcpStream>,
    shutdown_on_drop: bool,
}

impl OwnedReadHalf {
    /// Puts the halves back together.
    ///
    /// # Errors
    ///
    /// Gives both halves back if they came from different streams.
    pub fn reunite(
        self,
        other: OwnedWriteHalf,
    ) -> Result<TcpStream, (OwnedReadHalf, OwnedWriteHalf)> {
        if !Rc::ptr_eq(&self.stream, &other.stream) {
            return Err((self, other));
        }
        let mut other = other;
        other.shutdown_on_drop = false;
        drop(other);
        Ok(Rc::try_unwrap(self.stream).unwrap_or_else(|_| unreachable!("both halves were given")))
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }
}

impl OwnedWriteHalf {
    /// Drops the half *without* shutting the writing direction down.
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            // Best effort, like closing a file: the peer may be gone.
            let _ = self.stream.io.get_ref().shutdown(Shutdown::Write);
        }
    }
}

impl AsyncRead for OwnedReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.stream.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for OwnedWriteHalf {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.stream.poll_write_priv(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.stream.shutdown_write()
    }
}

/// A borrowed reading half, from [`TcpStream::split`].
pub struct ReadHalf<'a> {
    stream: &'a TcpStream,
}

/// A borrowed writing half, from [`TcpStream::split`].
pub struct WriteHalf<'a> {
    stream: &'a TcpStream,
}

impl AsyncRead for ReadHalf<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.stream.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for WriteHalf<'_> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.stream.poll_write_priv(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.stream.shutdown_write()
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener").field("socket", self.io.get_ref()).finish()
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream").field("socket", self.io.get_ref()).finish()
    }
}

impl fmt::Debug for OwnedReadHalf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedReadHalf").field("stream", &self.stream).finish()
    }
}

impl fmt::Debug for OwnedWriteHalf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedWriteHalf").field("stream", &self.stream).finish()
    }
}

impl fmt::Debug for ReadHalf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadHalf").field("stream", self.stream).finish()
    }
}

impl fmt::Debug for WriteHalf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteHalf").field("stream", self.stream).finish()
    }
}
