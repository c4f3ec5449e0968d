//! [`split`]: one reader-and-writer turned into a reading half and a
//! writing half that can be owned, moved and used separately, for example
//! by two tasks.
//!
//! Both halves hold an `Arc` of the stream behind a `Mutex`; each poll
//! locks it for the duration of that one `poll_*` call. The stream keeps a
//! waker per direction (every groundup stream does, and tokio's contract
//! asks it of every `AsyncRead + AsyncWrite`), so a reading task and a
//! writing task waiting at the same time are both woken. Prefer a type's own
//! split when it has one (`TcpStream::into_split`): it needs no lock.
//!
//! Pinning: the stream never moves once inside the `Arc`, so each poll pins
//! it in place, and `unsplit`, which moves it out, asks for `T: Unpin`
//! (as tokio's does). The halves are `Send` and `Sync` when `T` is `Send`.

use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use crate::io::{AsyncRead, AsyncWrite};

/// Splits `stream` into a reading half and a writing half, to be used
/// apart (from two tasks, say) and put back together with
/// [`ReadHalf::unsplit`].
///
/// ```
/// use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// groundup::block_on(async {
///     let (near, mut far) = io::duplex(64);
///     let (mut reader, mut writer) = io::split(near);
///     let echo = groundup::spawn(async move {
///         let mut buf = [0; 4];
///         reader.read_exact(&mut buf).await.map(|()| (buf, reader))
///     });
///     far.write_all(b"ping").await?;
///     let (buf, reader) = echo.await.unwrap()?;
///     assert_eq!(&buf, b"ping");
///     writer.write_all(b"pong").await?;
///     let mut reply = [0; 4];
///     far.read_exact(&mut reply).await?;
///     assert_eq!(&reply, b"pong");
///     let _near = reader.unsplit(writer);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn split<T>(stream: T) -> (ReadHalf<T>, WriteHalf<T>)
where
    T: AsyncRead + AsyncWrite,
{
    let is_write_vectored = stream.is_write_vectored();
    let inner = Arc::new(Inner { stream: Mutex::new(stream), is_write_vectored });
    (ReadHalf { inner: Arc::clone(&inner) }, WriteHalf { inner })
}

/// The reading half of a stream, from [`split`].
///
/// ```
/// use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// groundup::block_on(async {
///     let (near, mut far) = io::duplex(8);
///     let (mut reader, _writer): (io::ReadHalf<_>, _) = io::split(near);
///     far.write_all(b"hi").await?;
///     let mut buf = [0; 2];
///     reader.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"hi");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct ReadHalf<T> {
    inner: Arc<Inner<T>>,
}

/// The writing half of a stream, from [`split`].
///
/// ```
/// use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// groundup::block_on(async {
///     let (near, mut far) = io::duplex(8);
///     let (_reader, mut writer): (_, io::WriteHalf<_>) = io::split(near);
///     writer.write_all(b"hi").await?;
///     let mut buf = [0; 2];
///     far.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"hi");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct WriteHalf<T> {
    inner: Arc<Inner<T>>,
}

struct Inner<T> {
    stream: Mutex<T>,
    /// Asked once at `split`, so `is_write_vectored` (which takes `&self`
    /// and cannot wait) needs no lock.
    is_write_vectored: bool,
}

impl<T> Inner<T> {
    /// Runs `f` on the stream, locked and pinned in place.
    fn with_stream<R>(&self, f: impl FnOnce(Pin<&mut T>) -> R) -> R {
        // A panic in an earlier poll poisons the lock; the stream is then
        // in whatever state that poll left it, as it would be without a
        // lock, so poisoning is ignored.
        let mut guard: MutexGuard<'_, T> =
            self.stream.lock().unwrap_or_else(PoisonError::into_inner);
        // SAFETY: the stream lives in the `Arc`'s allocation from `split`
        // until it is dropped there (in place) or moved out by `unsplit`,
        // which requires `T: Unpin`. So it is never moved after being
        // pinned here, and the guard gives exclusive access.
        f(unsafe { Pin::new_unchecked(&mut *guard) })
    }
}

impl<T> ReadHalf<T> {
    /// Whether `other` is the writing half split from the same stream.
    ///
    /// ```
    /// use groundup::io;
    ///
    /// let (reader, writer) = io::split(io::duplex(8).0);
    /// let (_, stranger) = io::split(io::duplex(8).0);
    /// assert!(reader.is_pair_of(&writer));
    /// assert!(!reader.is_pair_of(&stranger));
    /// ```
    pub fn is_pair_of(&self, other: &WriteHalf<T>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Puts the two halves back together into the stream.
    ///
    /// # Panics
    ///
    /// If `writer` was not split from the same stream (see
    /// [`is_pair_of`](ReadHalf::is_pair_of)).
    ///
    /// ```
    /// use groundup::io;
    ///
    /// let (reader, writer) = io::split(io::duplex(8).0);
    /// let _stream: io::DuplexStream = reader.unsplit(writer);
    /// ```
    pub fn unsplit(self, writer: WriteHalf<T>) -> T
    where
        T: Unpin,
    {
        assert!(
            self.is_pair_of(&writer),
            "ReadHalf::unsplit given the WriteHalf of another stream (check with is_pair_of)"
        );
        drop(writer);
        let inner = Arc::into_inner(self.inner).expect("the pair holds the only two references");
        inner.stream.into_inner().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T> WriteHalf<T> {
    /// Whether `other` is the reading half split from the same stream.
    ///
    /// ```
    /// use groundup::io;
    ///
    /// let (reader, writer) = io::split(io::duplex(8).0);
    /// assert!(writer.is_pair_of(&reader));
    /// ```
    pub fn is_pair_of(&self, other: &ReadHalf<T>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T: AsyncRead> AsyncRead for ReadHalf<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.with_stream(|stream| stream.poll_read(cx, buf))
    }
}

impl<T: AsyncWrite> AsyncWrite for WriteHalf<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.with_stream(|stream| stream.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner.with_stream(|stream| stream.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.with_stream(|stream| stream.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.with_stream(|stream| stream.poll_shutdown(cx))
    }
}

impl<T> fmt::Debug for ReadHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReadHalf { .. }")
    }
}

impl<T> fmt::Debug for WriteHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WriteHalf { .. }")
    }
}
