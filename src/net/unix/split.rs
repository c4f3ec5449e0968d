//! The halves of a [`UnixStream`], as tokio has them: borrowed ones from
//! [`UnixStream::split`], for reading and writing at once in one task, and
//! owned ones from [`UnixStream::into_split`], for two tasks.
//!
//! Both kinds are views of the one stream: reads go through the stream's
//! read direction and writes through its write direction, which the
//! reactor tracks apart, so a task blocked reading never holds up one
//! writing. The owned halves share the stream through an `Rc` (groundup's
//! sockets belong to one runtime thread, so no `Arc` is needed), and the
//! writing one shuts the writing direction down when dropped, so the peer
//! reads end of file (as tokio's does; [`OwnedWriteHalf::forget`] opts out).

use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::{SocketAddr, UnixStream};
use crate::io::{AsyncRead, AsyncWrite};

pub(super) fn split(stream: &mut UnixStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf { stream }, WriteHalf { stream })
}

pub(super) fn into_split(stream: UnixStream) -> (OwnedReadHalf, OwnedWriteHalf) {
    let shared = Rc::new(stream);
    (
        OwnedReadHalf { stream: Rc::clone(&shared) },
        OwnedWriteHalf { stream: shared, shutdown_on_drop: true },
    )
}

/// A borrowed reading half, from [`UnixStream::split`].
pub struct ReadHalf<'a> {
    stream: &'a UnixStream,
}

/// A borrowed writing half, from [`UnixStream::split`].
/// `AsyncWriteExt::shutdown` on it closes the writing direction.
pub struct WriteHalf<'a> {
    stream: &'a UnixStream,
}

/// The reading half of a [`UnixStream`], from [`UnixStream::into_split`].
pub struct OwnedReadHalf {
    stream: Rc<UnixStream>,
}

/// The writing half of a [`UnixStream`], from [`UnixStream::into_split`].
/// Dropping it shuts the writing direction down.
pub struct OwnedWriteHalf {
    stream: Rc<UnixStream>,
    shutdown_on_drop: bool,
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

impl ReadHalf<'_> {
    /// The other end's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// This end's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }
}

impl WriteHalf<'_> {
    /// The other end's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// This end's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }
}

impl OwnedReadHalf {
    /// Puts the halves back together.
    ///
    /// # Errors
    ///
    /// Gives both halves back if they came from different streams.
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
        if !Rc::ptr_eq(&self.stream, &other.stream) {
            return Err(ReuniteError(self, other));
        }
        let mut other = other;
        other.shutdown_on_drop = false;
        drop(other);
        Ok(Rc::try_unwrap(self.stream).unwrap_or_else(|_| unreachable!("both halves were given")))
    }

    /// The other end's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// This end's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }
}

impl OwnedWriteHalf {
    /// Drops the half *without* shutting the writing direction down.
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
    }

    /// The other end's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// This end's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            // Best effort, like closing a file: the peer may be gone.
            let _ = self.stream.shutdown_write();
        }
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

impl AsyncRead for OwnedReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.stream.poll_read_priv(cx, buf)
    }
}

/// The write side of both write halves: writes, no buffer to flush, and a
/// shutdown of the writing direction.
macro_rules! write_half {
    ($($ty:ty),*) => {$(
        impl AsyncWrite for $ty {
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

            /// Nothing to flush: groundup does not buffer writes.
            fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }

            fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(self.stream.shutdown_write())
            }
        }
    )*};
}

write_half!(WriteHalf<'_>, OwnedWriteHalf);

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
