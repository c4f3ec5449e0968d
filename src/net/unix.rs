//! Unix-domain sockets: streams and datagrams addressed by file system paths.
//!
//! The socket types are re-exported at [`groundup::net`](crate::net); this
//! module also holds what goes with them, under tokio's paths: the
//! [`SocketAddr`] they report, the halves of a [`UnixStream`] split in
//! two ([`ReadHalf`], [`WriteHalf`], [`OwnedReadHalf`], [`OwnedWriteHalf`]),
//! and the peer's credentials ([`UCred`], with [`uid_t`], [`gid_t`], [`pid_t`]).

mod split;
mod ucred;

pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use ucred::{UCred, gid_t, pid_t, uid_t};

use std::fmt;
use std::io::{self, IoSlice};
use std::net::Shutdown;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::io::{Async, AsyncRead, AsyncWrite, Interest};
use crate::sys::net::{Connect, Kind, OwnedSocket, SockAddr, Socket};

/// The address of a Unix-domain socket: a path, or nothing (an unnamed
/// socket, such as either end of a pair or a connecting client).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SocketAddr {
    path: Option<PathBuf>,
}

impl SocketAddr {
    fn from_sys(addr: &SockAddr) -> SocketAddr {
        SocketAddr { path: addr.as_path().map(Path::to_path_buf) }
    }

    /// The path, if the socket is bound to one.
    pub fn as_pathname(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether the socket has no address.
    pub fn is_unnamed(&self) -> bool {
        self.path.is_none()
    }
}

impl fmt::Debug for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{path:?} (pathname)"),
            None => f.write_str("(unnamed)"),
        }
    }
}

/// A Unix-domain socket listening for connections.
///
/// ```
/// use groundup::io::{AsyncReadExt, AsyncWriteExt};
/// use groundup::net::{UnixListener, UnixStream};
///
/// groundup::block_on(async {
///     let path = std::env::temp_dir().join(format!("groundup-doc-{}.sock", std::process::id()));
///     let _ = std::fs::remove_file(&path);
///     let listener = UnixListener::bind(&path)?;
///     let mut client = UnixStream::connect(&path).await?;
///     let (mut server, _) = listener.accept().await?;
///     client.write_all(b"hi").await?;
///     let mut buf = [0; 2];
///     server.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"hi");
///     std::fs::remove_file(&path)
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UnixListener {
    io: Async<Socket>,
}

impl UnixListener {
    /// Creates a socket bound to `path` and listening. Not `async`: binding a
    /// Unix socket never waits. The path must not exist yet.
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        let socket = Socket::unix(Kind::Stream)?;
        socket.bind(&SockAddr::from_path(path.as_ref())?)?;
        socket.listen(1024)?;
        Ok(UnixListener { io: Async::from_nonblocking(socket)? })
    }

    /// Waits for a connection. Several tasks may wait at once, as with
    /// [`TcpListener::accept`](crate::net::TcpListener::accept).
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (socket, peer) = self.io.read_with(|s| s.accept()).await?;
        let stream = UnixStream { io: Async::from_nonblocking(socket)? };
        Ok((stream, SocketAddr::from_sys(&peer)))
    }

    /// Polls for a connection. Only the last task to poll is woken, as
    /// with [`TcpListener::poll_accept`](crate::net::TcpListener::poll_accept).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let (socket, peer) = ready!(self.io.poll_read_with(cx, &mut |s: &Socket| s.accept()))?;
        let stream = UnixStream { io: Async::from_nonblocking(socket)? };
        Poll::Ready(Ok((stream, SocketAddr::from_sys(&peer))))
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(SocketAddr::from_sys(&self.io.get_ref().local_addr()?))
    }
}

/// std interop.
impl UnixListener {
    /// Takes over a listener made with std, registering it with the
    /// current runtime. As with tokio, it must already be in non-blocking
    /// mode (`set_nonblocking(true)`); a blocking one is refused with
    /// `InvalidInput` (and closed).
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        let socket = Socket::adopt(OwnedSocket::from(listener), Kind::Stream)?;
        Ok(UnixListener { io: Async::from_nonblocking(socket)? })
    }

    /// Deregisters the listener and gives it back as a std listener, still
    /// in non-blocking mode.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        Ok(OwnedSocket::from(self.io.into_inner()?).into())
    }

    /// Reads and clears the socket's pending error (`SO_ERROR`).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }
}

/// A connected Unix-domain stream socket.
///
/// [`split`](UnixStream::split) and [`into_split`](UnixStream::into_split)
/// give a reading and a writing half, as on a `TcpStream`.
pub struct UnixStream {
    io: Async<Socket>,
}

impl UnixStream {
    /// Connects to the listener at `path`.
    ///
    /// A Unix-domain connect completes at once or fails; it never waits for
    /// the listener. `NotFound` when nothing is at `path`,
    /// `ConnectionRefused` when nothing listens there. When the listener's
    /// queue of connections not yet accepted is full, Linux fails with
    /// `WouldBlock` (as in mio and tokio; try again once the listener has
    /// accepted some) and the BSDs and macOS with `ConnectionRefused`.
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        let addr = SockAddr::from_path(path.as_ref())?;
        let socket = Socket::unix(Kind::Stream)?;
        // Connect before registering, as `TcpStream::connect` does and for
        // the same reason: an unconnected stream socket polls as hung up.
        let state = socket.connect(&addr)?;
        let io = Async::from_nonblocking(socket)?;
        if state == Connect::InProgress {
            io.writable().await?;
            if let Some(e) = io.get_ref().take_error()? {
                return Err(e);
            }
        }
        Ok(UnixStream { io })
    }

    /// Two connected streams (`socketpair(2)`).
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = Socket::pair(Kind::Stream)?;
        Ok((
            UnixStream { io: Async::from_nonblocking(a)? },
            UnixStream { io: Async::from_nonblocking(b)? },
        ))
    }

    /// This end's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(SocketAddr::from_sys(&self.io.get_ref().local_addr()?))
    }

    /// The other end's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        Ok(SocketAddr::from_sys(&self.io.get_ref().peer_addr()?))
    }
}

/// std interop and splitting.
impl UnixStream {
    /// Takes over a connected stream made with std, registering it with
    /// the current runtime. As with tokio, it must already be in
    /// non-blocking mode; a blocking one is refused with `InvalidInput`
    /// (and closed).
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        let socket = Socket::adopt(OwnedSocket::from(stream), Kind::Stream)?;
        Ok(UnixStream { io: Async::from_nonblocking(socket)? })
    }

    /// Deregisters the stream and gives it back as a std stream, still in
    /// non-blocking mode.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        Ok(OwnedSocket::from(self.io.into_inner()?).into())
    }

    /// Reads and clears the socket's pending error (`SO_ERROR`).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }

    /// The credentials of the process at the other end, as the kernel
    /// recorded them when the connection was made (see [`UCred`]).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// groundup::block_on(async {
    ///     let (a, _b) = groundup::net::UnixStream::pair()?;
    ///     let cred = a.peer_cred()?;
    ///     println!("peer: uid {}, gid {}, pid {:?}", cred.uid(), cred.gid(), cred.pid());
    ///     std::io::Result::Ok(())
    /// })
    /// # }
    /// ```
    pub fn peer_cred(&self) -> io::Result<UCred> {
        self.io.get_ref().peer_cred().map(UCred::from_sys)
    }

    /// Waits for data and copies it into `buf` *without* taking it from
    /// the socket: the next read returns the same bytes (`recv` with
    /// `MSG_PEEK`, as [`TcpStream::peek`](crate::net::TcpStream::peek)).
    /// Returns how many were copied, at most `buf.len()`; 0 means the
    /// peer has shut down its writing half, or that `buf` is empty (which
    /// returns at once, as a read does). tokio's `UnixStream` has no
    /// `peek`; groundup's has TCP's.
    ///
    /// ```
    /// use groundup::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// groundup::block_on(async {
    ///     let (mut a, mut b) = groundup::net::UnixStream::pair()?;
    ///     b.write_all(b"hello").await?;
    ///     let mut buf = [0; 5];
    ///     assert_eq!(a.peek(&mut buf).await?, 5);
    ///     a.read_exact(&mut buf).await?; // the same bytes, still there
    ///     assert_eq!(&buf, b"hello");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.io.read_with(|s| s.peek(buf)).await
    }

    /// Polls to [`peek`](UnixStream::peek). Only the last task to poll is
    /// woken.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use groundup::io::AsyncWriteExt;
    ///
    /// groundup::block_on(async {
    ///     let (a, mut b) = groundup::net::UnixStream::pair()?;
    ///     b.write_all(b"hi").await?;
    ///     let mut buf = [0; 2];
    ///     assert_eq!(poll_fn(|cx| a.poll_peek(cx, &mut buf)).await?, 2);
    ///     assert_eq!(&buf, b"hi");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        self.io.poll_read_with(cx, &mut |s: &Socket| s.peek(buf))
    }

    /// Borrows a read half and a write half, for reading and writing at
    /// once from one task (`join`, `select`).
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        split::split(self)
    }

    /// Splits into an owned read half and write half that two tasks can
    /// use at once. Dropping the write half shuts the writing direction
    /// down (the peer reads end of file); [`OwnedReadHalf::reunite`] puts
    /// them back together.
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split::into_split(self)
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

    fn shutdown_write(&self) -> io::Result<()> {
        self.io.get_ref().shutdown(Shutdown::Write)
    }
}

super::readiness::stream_readiness!(
    UnixStream,
    "# let (a, b) = groundup::net::UnixStream::pair()?;\n"
);

impl AsyncRead for UnixStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_read_stream(cx, buf, |s, buf| s.recv(buf))
    }
}

impl AsyncWrite for UnixStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_stream(cx, buf, |s, buf| s.send(buf))
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

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.io.get_ref().shutdown(Shutdown::Write))
    }
}

/// A Unix-domain datagram socket.
///
/// ```
/// use groundup::net::UnixDatagram;
///
/// groundup::block_on(async {
///     let (a, b) = UnixDatagram::pair()?;
///     a.send(b"one").await?;
///     let mut buf = [0; 8];
///     let n = b.recv(&mut buf).await?;
///     assert_eq!(&buf[..n], b"one");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct UnixDatagram {
    io: Async<Socket>,
}

impl UnixDatagram {
    fn wrap(socket: Socket) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram { io: Async::from_nonblocking(socket)? })
    }

    /// A socket bound to `path`.
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixDatagram> {
        let socket = Socket::unix(Kind::Datagram)?;
        socket.bind(&SockAddr::from_path(path.as_ref())?)?;
        UnixDatagram::wrap(socket)
    }

    /// A socket bound to nothing (it can still send, and receive replies
    /// if it connects).
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::wrap(Socket::unix(Kind::Datagram)?)
    }

    /// Two connected datagram sockets.
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = Socket::pair(Kind::Datagram)?;
        Ok((UnixDatagram::wrap(a)?, UnixDatagram::wrap(b)?))
    }

    /// Sets the default peer for `send` and `recv`.
    pub fn connect(&self, path: impl AsRef<Path>) -> io::Result<()> {
        self.io.get_ref().connect(&SockAddr::from_path(path.as_ref())?).map(drop)
    }

    /// Sends one datagram to `path`.
    pub async fn send_to(&self, buf: &[u8], path: impl AsRef<Path>) -> io::Result<usize> {
        let to = SockAddr::from_path(path.as_ref())?;
        self.io.write_with(|s| s.send_to(buf, &to)).await
    }

    /// Receives one datagram and its sender's address.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = self.io.read_with(|s| s.recv_from(buf)).await?;
        Ok((n, SocketAddr::from_sys(&from)))
    }

    /// Polls to send one datagram to `target`: `Pending` until the socket
    /// can take it, then the bytes sent. Only the last task to poll is
    /// woken (see `poll_send_ready`). As tokio's `poll_send_to`.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use groundup::net::UnixDatagram;
    ///
    /// groundup::block_on(async {
    ///     let path = std::env::temp_dir().join(format!("groundup-poll-send-to-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let server = UnixDatagram::bind(&path)?;
    ///     let client = UnixDatagram::unbound()?;
    ///     assert_eq!(poll_fn(|cx| client.poll_send_to(cx, b"hi", &path)).await?, 2);
    ///     let mut buf = [0; 4];
    ///     assert_eq!(server.recv(&mut buf).await?, 2);
    ///     std::fs::remove_file(&path)
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// `InvalidInput` at once for a path too long for a socket address.
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: impl AsRef<Path>,
    ) -> Poll<io::Result<usize>> {
        let to = SockAddr::from_path(target.as_ref())?;
        self.io.poll_write_with(cx, &mut |s: &Socket| s.send_to(buf, &to))
    }

    /// Polls to receive one datagram and its sender's address: `Pending`
    /// until one is queued. Only the last task to poll is woken (see
    /// `poll_recv_ready`). tokio's `poll_recv_from`, with a slice for its
    /// `ReadBuf` (see `net`).
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use groundup::net::UnixDatagram;
    ///
    /// groundup::block_on(async {
    ///     let (a, b) = UnixDatagram::pair()?;
    ///     a.send(b"hi").await?;
    ///     let mut buf = [0; 4];
    ///     let (n, from) = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;
    ///     assert_eq!((&buf[..n], from.is_unnamed()), (&b"hi"[..], true));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        let (n, from) = ready!(self.io.poll_read_with(cx, &mut |s: &Socket| s.recv_from(buf)))?;
        Poll::Ready(Ok((n, SocketAddr::from_sys(&from))))
    }

    /// Sends one datagram to the connected peer.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.write_with(|s| s.send(buf)).await
    }

    /// Receives one datagram from the connected peer.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.read_with(|s| s.recv(buf)).await
    }

    /// This socket's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(SocketAddr::from_sys(&self.io.get_ref().local_addr()?))
    }

    /// The connected peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        Ok(SocketAddr::from_sys(&self.io.get_ref().peer_addr()?))
    }
}

super::readiness::datagram_readiness!(
    UnixDatagram,
    "# let (a, b) = groundup::net::UnixDatagram::pair()?;\n"
);

/// The addressed `try_*` methods.
impl UnixDatagram {
    /// Sends one datagram to `path` without waiting: the bytes sent, or
    /// `WouldBlock` (which clears the write readiness).
    ///
    /// ```
    /// use groundup::net::UnixDatagram;
    ///
    /// groundup::block_on(async {
    ///     let path = std::env::temp_dir().join(format!("groundup-try-send-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let server = UnixDatagram::bind(&path)?;
    ///     let client = UnixDatagram::unbound()?;
    ///     client.writable().await?;
    ///     assert_eq!(client.try_send_to(b"hi", &path)?, 2);
    ///     let mut buf = [0; 4];
    ///     assert_eq!(server.recv(&mut buf).await?, 2);
    ///     std::fs::remove_file(&path)
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_send_to(&self, buf: &[u8], path: impl AsRef<Path>) -> io::Result<usize> {
        let to = SockAddr::from_path(path.as_ref())?;
        self.io.try_io(Interest::WRITABLE, |s| s.send_to(buf, &to))
    }

    /// Receives one datagram and its sender's address without waiting, or
    /// `WouldBlock` when none is queued (which clears the read readiness).
    ///
    /// ```
    /// use groundup::net::UnixDatagram;
    ///
    /// groundup::block_on(async {
    ///     let (a, b) = UnixDatagram::pair()?;
    ///     a.send(b"hi").await?;
    ///     b.readable().await?;
    ///     let mut buf = [0; 4];
    ///     let (n, from) = b.try_recv_from(&mut buf)?;
    ///     assert_eq!((&buf[..n], from.is_unnamed()), (&b"hi"[..], true));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = self.io.try_io(Interest::READABLE, |s| s.recv_from(buf))?;
        Ok((n, SocketAddr::from_sys(&from)))
    }
}

/// std interop.
impl UnixDatagram {
    /// Takes over a socket made with std, registering it with the current
    /// runtime. As with tokio, it must already be in non-blocking mode; a
    /// blocking one is refused with `InvalidInput` (and closed).
    pub fn from_std(datagram: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::wrap(Socket::adopt(OwnedSocket::from(datagram), Kind::Datagram)?)
    }

    /// Deregisters the socket and gives it back as a std socket, still in
    /// non-blocking mode.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        Ok(OwnedSocket::from(self.io.into_inner()?).into())
    }

    /// Reads and clears the socket's pending error (`SO_ERROR`).
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }
}

macro_rules! std_conversions {
    ($($ty:ident from $std:ty),*) => {$(
        impl TryFrom<$std> for $ty {
            type Error = io::Error;

            #[doc = concat!("[`", stringify!($ty), "::from_std`].")]
            fn try_from(socket: $std) -> io::Result<$ty> {
                $ty::from_std(socket)
            }
        }
    )*};
}

std_conversions!(
    UnixListener from std::os::unix::net::UnixListener,
    UnixStream from std::os::unix::net::UnixStream,
    UnixDatagram from std::os::unix::net::UnixDatagram
);

super::raw_socket_traits!(UnixListener, UnixStream, UnixDatagram);

macro_rules! debug_socket {
    ($($ty:ident),*) => {$(
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty)).field("socket", self.io.get_ref()).finish()
            }
        }
    )*};
}

debug_socket!(UnixListener, UnixStream, UnixDatagram);
