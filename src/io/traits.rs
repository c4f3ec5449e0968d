//! `AsyncRead` and `AsyncWrite`, their extension methods, and `copy`.

use std::future::{Future, poll_fn};
use std::io;
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// Reads bytes asynchronously: the non-blocking counterpart of
/// `std::io::Read`.
///
/// `poll_read` either reads some bytes into `buf` now (`Ready(Ok(n))`, with
/// `n == 0` meaning end of file when `buf` is not empty), or arranges for the
/// task to be woken when it can (`Pending`). Await it through
/// [`AsyncReadExt`].
pub trait AsyncRead {
    /// Attempts to read into `buf`.
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>>;
}

/// Writes bytes asynchronously: the non-blocking counterpart of
/// `std::io::Write`, plus `poll_shutdown` to close the writing half.
pub trait AsyncWrite {
    /// Attempts to write from `buf`; `Ready(Ok(n))` wrote `n` bytes.
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>>;

    /// Attempts to flush buffered data to its destination.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>>;

    /// Attempts to close the writing half (for a TCP stream: send a FIN, so
    /// the peer reads end of file while this side can still read).
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
}

macro_rules! forward_read {
    () => {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut [u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut **self).poll_read(cx, buf)
        }
    };
}

macro_rules! forward_write {
    () => {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut **self).poll_write(cx, buf)
        }

        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut **self).poll_flush(cx)
        }

        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut **self).poll_shutdown(cx)
        }
    };
}

impl<T: AsyncRead + Unpin + ?Sized> AsyncRead for &mut T {
    forward_read!();
}

impl<T: AsyncRead + Unpin + ?Sized> AsyncRead for Box<T> {
    forward_read!();
}

impl<T: AsyncWrite + Unpin + ?Sized> AsyncWrite for &mut T {
    forward_write!();
}

impl<T: AsyncWrite + Unpin + ?Sized> AsyncWrite for Box<T> {
    forward_write!();
}

impl<P> AsyncRead for Pin<P>
where
    P: DerefMut + Unpin,
    P::Target: AsyncRead,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().as_mut().poll_read(cx, buf)
    }
}

impl<P> AsyncWrite for Pin<P>
where
    P: DerefMut + Unpin,
    P::Target: AsyncWrite,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().as_mut().poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().as_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().as_mut().poll_shutdown(cx)
    }
}

/// Reading from a byte slice consumes it (like `std::io::Read for &[u8]`).
impl AsyncRead for &[u8] {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(io::Read::read(&mut *self, buf))
    }
}

/// Writing to a `Vec<u8>` appends; it never waits.
impl AsyncWrite for Vec<u8> {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// `read`, `read_exact` and `read_to_end` as futures, for every
/// [`AsyncRead`].
///
/// ```
/// use groundup::io::AsyncReadExt;
///
/// groundup::block_on(async {
///     let mut input: &[u8] = b"hello world";
///     let mut word = [0u8; 5];
///     input.read_exact(&mut word).await?;
///     let mut rest = Vec::new();
///     input.read_to_end(&mut rest).await?;
///     assert_eq!((&word, &rest[..]), (b"hello", &b" world"[..]));
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub trait AsyncReadExt: AsyncRead {
    /// Reads some bytes into `buf`; 0 means end of file.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_read(cx, buf))
    }

    /// Reads exactly `buf.len()` bytes, or fails with `UnexpectedEof`.
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<()>> + 'a
    where
        Self: Unpin,
    {
        let mut filled = 0;
        poll_fn(move |cx| {
            while filled < buf.len() {
                let n = ready!(Pin::new(&mut *self).poll_read(cx, &mut buf[filled..]))?;
                if n == 0 {
                    return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into()));
                }
                filled += n;
            }
            Poll::Ready(Ok(()))
        })
    }

    /// Reads until end of file, appending to `buf`; returns the bytes read.
    fn read_to_end<'a>(
        &'a mut self,
        buf: &'a mut Vec<u8>,
    ) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        let start = buf.len();
        poll_fn(move |cx| {
            loop {
                if buf.capacity() - buf.len() < 1024 {
                    buf.reserve(8 * 1024.max(buf.len() / 2));
                }
                let filled = buf.len();
                buf.resize(buf.capacity(), 0);
                let result = Pin::new(&mut *self).poll_read(cx, &mut buf[filled..]);
                let n = match &result {
                    Poll::Ready(Ok(n)) => *n,
                    _ => 0,
                };
                buf.truncate(filled + n);
                match result {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Ok(buf.len() - start)),
                    Poll::Ready(Ok(_)) => {}
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                }
            }
        })
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}

/// `write`, `write_all`, `flush` and `shutdown` as futures, for every
/// [`AsyncWrite`].
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes some bytes from `buf`; returns how many.
    fn write<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_write(cx, buf))
    }

    /// Writes all of `buf`, or fails (`WriteZero` if the writer accepts
    /// nothing).
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<()>> + 'a
    where
        Self: Unpin,
    {
        let mut written = 0;
        poll_fn(move |cx| {
            while written < buf.len() {
                let n = ready!(Pin::new(&mut *self).poll_write(cx, &buf[written..]))?;
                if n == 0 {
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                written += n;
            }
            Poll::Ready(Ok(()))
        })
    }

    /// Flushes buffered data.
    fn flush(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_flush(cx))
    }

    /// Closes the writing half; see [`AsyncWrite::poll_shutdown`].
    fn shutdown(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_shutdown(cx))
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}

/// Copies everything `reader` produces into `writer`, until end of file,
/// then flushes; returns the number of bytes copied.
///
/// ```
/// groundup::block_on(async {
///     let mut reader: &[u8] = b"copied";
///     let mut writer = Vec::new();
///     let n = groundup::io::copy(&mut reader, &mut writer).await?;
///     assert_eq!((n, &writer[..]), (6, &b"copied"[..]));
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn copy<R, W>(reader: &mut R, writer: &mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut buf = vec![0u8; 16 * 1024].into_boxed_slice();
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            writer.flush().await?;
            return Ok(total);
        }
        writer.write_all(&buf[..n]).await?;
        total += n as u64;
    }
}
