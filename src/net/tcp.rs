//! TCP: listeners, streams, and stream halves.

use std::fmt;
use std::io::{self, IoSlice};
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

use std::time::Duration;

use super::addr::{self, ToSocketAddrs};
use crate::io::{Async, AsyncRead, AsyncWrite};
use crate::sys::net::{Connect, Kind, OwnedSocket, SockAddr, Socket};

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
        socket.set_reuseaddr(true)?;
        socket.bind(&SockAddr::from_std(addr))?;
        socket.listen(BACKLOG)?;
        TcpListener::from_listening(socket)
    }

    /// Registers `socket`, a non-blocking socket that is listening.
    pub(super) fn from_listening(socket: Socket) -> io::Result<TcpListener> {
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

/// std interop and socket options.
impl TcpListener {
    /// Takes over a listener made with std, registering it with the
    /// current runtime.
    ///
    /// As with tokio, the listener must already be in non-blocking mode
    /// (`listener.set_nonblocking(true)`): on Unix a blocking one is refused
    /// with `InvalidInput` (it would block the runtime's thread in
    /// `accept`); on Windows, where the mode cannot be read back, it is set.
    ///
    /// ```
    /// use groundup::net::TcpListener;
    ///
    /// groundup::block_on(async {
    ///     let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    ///     std_listener.set_nonblocking(true)?;
    ///     let listener = TcpListener::from_std(std_listener)?;
    ///     let addr = listener.local_addr()?;
    ///     let client = groundup::net::TcpStream::connect(addr).await?;
    ///     let (_server, peer) = listener.accept().await?;
    ///     assert_eq!(peer, client.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// Outside a runtime, an error naming the fix; on Unix, `InvalidInput`
    /// for a blocking listener. The listener is closed either way.
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::from_listening(Socket::adopt(OwnedSocket::from(listener), Kind::Stream)?)
    }

    /// Deregisters the listener from the runtime and gives it back as a
    /// std listener, still in non-blocking mode (`set_nonblocking(false)`
    /// makes its `accept` wait).
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        Ok(OwnedSocket::from(self.io.into_inner()?).into())
    }

    /// The time-to-live of the packets sent on accepted connections'
    /// behalf (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }

    /// Sets `IP_TTL`. Above 255 is `InvalidInput` (the IP header's field
    /// is 8 bits); 0 is for the system to judge (Linux: `InvalidInput`).
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// Whether an IPv6 listener accepts only IPv6 connections
    /// (`IPV6_V6ONLY`; an error on an IPv4 listener). The default is the
    /// system's: off on Linux and macOS, on on Windows and OpenBSD (where
    /// it cannot be turned off). Set it before binding, with
    /// [`TcpSocket::set_only_v6`](crate::net::TcpSocket::set_only_v6).
    pub fn only_v6(&self) -> io::Result<bool> {
        self.io.get_ref().only_v6()
    }

    /// Reads and clears the socket's pending error (`SO_ERROR`).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }
}

impl TryFrom<std::net::TcpListener> for TcpListener {
    type Error = io::Error;

    /// [`TcpListener::from_std`].
    fn try_from(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::from_std(listener)
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
        TcpStream::connect_socket(Socket::for_addr(&addr, Kind::Stream)?, addr).await
    }

    /// Connects `socket`, a non-blocking TCP socket not yet registered
    /// (`connect_one`'s, or a `TcpSocket`'s), to `addr`.
    pub(super) async fn connect_socket(socket: Socket, addr: SocketAddr) -> io::Result<TcpStream> {
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

    fn poll_write_vectored_priv(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored_stream(cx, bufs, |s, bufs| s.send_vectored(bufs))
    }

    fn shutdown_write(&self) -> Poll<io::Result<()>> {
        Poll::Ready(self.io.get_ref().shutdown(Shutdown::Write))
    }
}

/// std interop, peeking and socket options.
impl TcpStream {
    /// Takes over a connected stream made with std, registering it with
    /// the current runtime. As with tokio, the stream must already be in
    /// non-blocking mode (see [`TcpListener::from_std`]).
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    /// use groundup::net::TcpStream;
    /// use std::io::Write;
    ///
    /// groundup::block_on(async {
    ///     let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    ///     let std_stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    ///     let (mut peer, _) = listener.accept()?;
    ///     std_stream.set_nonblocking(true)?;
    ///     let mut stream = TcpStream::from_std(std_stream)?;
    ///     peer.write_all(b"hi")?;
    ///     let mut buf = [0; 2];
    ///     stream.read_exact(&mut buf).await?;
    ///     assert_eq!(&buf, b"hi");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// Outside a runtime, an error naming the fix; on Unix, `InvalidInput`
    /// for a blocking stream. The stream is closed either way.
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        let socket = Socket::adopt(OwnedSocket::from(stream), Kind::Stream)?;
        Ok(TcpStream { io: Async::from_nonblocking(socket)? })
    }

    /// Deregisters the stream from the runtime and gives it back as a std
    /// stream, still in non-blocking mode (`set_nonblocking(false)` makes
    /// its reads wait).
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        Ok(OwnedSocket::from(self.io.into_inner()?).into())
    }

    /// Waits for data and copies it into `buf` *without* taking it from
    /// the socket: the next read returns the same bytes. Returns how many
    /// were copied, at most `buf.len()` (not necessarily all that is
    /// waiting); 0 means the peer has shut down its writing half, or that
    /// `buf` is empty (which returns at once, as a read does).
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.io.read_with(|s| s.peek(buf)).await
    }

    /// Polls to [`peek`](TcpStream::peek).
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        self.io.poll_read_with(cx, &mut |s: &Socket| s.peek(buf))
    }

    /// The linger time (`SO_LINGER`), in whole seconds: `None` when off
    /// (the default: a close returns at once and the system sends what is
    /// left in the background).
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.io.get_ref().linger()
    }

    /// Sets `SO_LINGER`, `None` for off or `Some(time)`, rounded up to
    /// whole seconds. A non-zero time is a trap on a non-blocking socket:
    /// Linux then *blocks the thread* (the runtime's) in `close` until the
    /// unsent data is out or the time is up, and Windows' `closesocket`
    /// fails with `WSAEWOULDBLOCK` instead and leaves the socket open (the
    /// BSDs do not wait on a non-blocking socket). Deprecated for that reason, as in tokio;
    /// `Some(Duration::ZERO)` is [`set_zero_linger`](TcpStream::set_zero_linger).
    #[deprecated = "`SO_LINGER` may block the thread when the stream is dropped; \
                    use `set_zero_linger` to reset connections on close"]
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        self.io.get_ref().set_linger(linger)
    }

    /// Sets a linger time of zero: closing the stream discards unsent data
    /// and resets the connection (the peer reads `ConnectionReset`), and
    /// leaves no `TIME_WAIT` behind.
    pub fn set_zero_linger(&self) -> io::Result<()> {
        self.io.get_ref().set_linger(Some(Duration::ZERO))
    }

    /// The time-to-live of the packets sent (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }

    /// Sets `IP_TTL`. Above 255 is `InvalidInput` (the IP header's field
    /// is 8 bits); 0 is for the system to judge (Linux: `InvalidInput`).
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }
}

super::readiness::stream_readiness!(
    TcpStream,
    "# let listener = groundup::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     # let a = groundup::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     # let (b, _) = listener.accept().await?;\n"
);

impl TryFrom<std::net::TcpStream> for TcpStream {
    type Error = io::Error;

    /// [`TcpStream::from_std`].
    fn try_from(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std(stream)
    }
}

super::raw_socket_traits!(TcpListener, TcpStream);

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

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored_priv(cx, bufs)
    }

    /// `true`: one `sendmsg(2)` (`WSASend` on Windows) gathers the buffers.
    fn is_write_vectored(&self) -> bool {
        true
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
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
        if !Rc::ptr_eq(&self.stream, &other.stream) {
            return Err(ReuniteError(self, other));
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

    /// The local address of this end.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }

    /// [`TcpStream::peek`] on the stream.
    pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.peek(buf).await
    }

    /// [`TcpStream::poll_peek`] on the stream.
    pub fn poll_peek(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_peek(cx, buf)
    }
}

/// The halves given to [`OwnedReadHalf::reunite`] came from different
/// streams; both are given back.
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same socket")
    }
}

impl std::error::Error for ReuniteError {}

impl OwnedWriteHalf {
    /// Drops the half *without* shutting the writing direction down.
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// The local address of this end.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
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

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.stream.poll_write_vectored_priv(cx, bufs)
    }

    /// `true`: one `sendmsg(2)` (`WSASend` on Windows) gathers the buffers.
    fn is_write_vectored(&self) -> bool {
        true
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

impl ReadHalf<'_> {
    /// The address of the other end.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// The local address of this end.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }

    /// [`TcpStream::peek`] on the stream.
    pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.peek(buf).await
    }

    /// [`TcpStream::poll_peek`] on the stream.
    pub fn poll_peek(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_peek(cx, buf)
    }
}

impl WriteHalf<'_> {
    /// The address of the other end.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// The local address of this end.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }
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

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.stream.poll_write_vectored_priv(cx, bufs)
    }

    /// `true`: one `sendmsg(2)` (`WSASend` on Windows) gathers the buffers.
    fn is_write_vectored(&self) -> bool {
        true
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
