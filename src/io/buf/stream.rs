//! [`BufStream`]: a read buffer and a write buffer around one stream.
//!
//! It is a `BufReader<BufWriter<S>>` and forwards every trait to it: reads
//! come from the read buffer, writes go into the write buffer, and a seek
//! writes out the one and discards the other.

use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{BufReader, BufWriter};
use crate::io::util::DEFAULT_BUF_SIZE;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};

/// Buffers both directions of a stream: [`BufReader`] for reading,
/// [`BufWriter`] for writing. As with `BufWriter`, what is still in the
/// write buffer is lost on drop: flush first.
///
/// ```
/// use groundup::io::{self, AsyncBufReadExt, AsyncWriteExt, BufStream};
///
/// groundup::block_on(async {
///     let (near, far) = io::duplex(64);
///     let mut near = BufStream::new(near);
///     let mut far = BufStream::new(far);
///     near.write_all(b"question\n").await?;
///     near.flush().await?;
///     let mut line = String::new();
///     far.read_line(&mut line).await?;
///     assert_eq!(line, "question\n");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct BufStream<S> {
    inner: BufReader<BufWriter<S>>,
}

impl<S: AsyncRead + AsyncWrite> BufStream<S> {
    /// Wraps `stream` with 8 KiB buffers each way.
    ///
    /// ```
    /// use groundup::io::{self, BufStream};
    ///
    /// let stream = BufStream::new(io::duplex(8).0);
    /// # drop(stream);
    /// ```
    pub fn new(stream: S) -> BufStream<S> {
        BufStream::with_capacity(DEFAULT_BUF_SIZE, DEFAULT_BUF_SIZE, stream)
    }

    /// Wraps `stream` with a read buffer of `reader_capacity` bytes and a
    /// write buffer of `writer_capacity`.
    ///
    /// # Panics
    ///
    /// If `reader_capacity` is 0, as [`BufReader::with_capacity`].
    ///
    /// ```
    /// use groundup::io::{self, BufStream};
    ///
    /// let stream = BufStream::with_capacity(1024, 256, io::duplex(8).0);
    /// # drop(stream);
    /// ```
    pub fn with_capacity(reader_capacity: usize, writer_capacity: usize, stream: S) -> Self {
        let writer = BufWriter::with_capacity(writer_capacity, stream);
        BufStream { inner: BufReader::with_capacity(reader_capacity, writer) }
    }
}

impl<S> BufStream<S> {
    /// The stream.
    ///
    /// ```
    /// use groundup::io::{self, BufStream};
    ///
    /// let stream = BufStream::new(io::duplex(8).0);
    /// let _duplex: &io::DuplexStream = stream.get_ref();
    /// ```
    pub fn get_ref(&self) -> &S {
        self.inner.get_ref().get_ref()
    }

    /// The stream, mutably. Using it directly bypasses both buffers.
    ///
    /// ```
    /// use groundup::io::{self, BufStream};
    ///
    /// let mut stream = BufStream::new(io::duplex(8).0);
    /// let _duplex: &mut io::DuplexStream = stream.get_mut();
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        self.inner.get_mut().get_mut()
    }

    /// The stream, pinned, for a `BufStream` that is pinned.
    ///
    /// ```
    /// use std::pin::pin;
    /// use groundup::io::{self, BufStream};
    ///
    /// let stream = pin!(BufStream::new(io::duplex(8).0));
    /// let _duplex = stream.get_pin_mut();
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut S> {
        self.project().get_pin_mut().get_pin_mut()
    }

    /// The stream back. What either buffer still holds is lost.
    ///
    /// ```
    /// use groundup::io::{self, BufStream};
    ///
    /// let _duplex: io::DuplexStream = BufStream::new(io::duplex(8).0).into_inner();
    /// ```
    pub fn into_inner(self) -> S {
        self.inner.into_inner().into_inner()
    }

    fn project(self: Pin<&mut Self>) -> Pin<&mut BufReader<BufWriter<S>>> {
        // SAFETY: `inner` is pinned structurally: `BufStream` is `Unpin`
        // only if its one field is, it has no `Drop` impl, and `into_inner`
        // takes `self` by value, which a pinned `!Unpin` `BufStream` cannot
        // give.
        unsafe { self.map_unchecked_mut(|this| &mut this.inner) }
    }
}

/// Turns a reader-over-writer pair into a `BufStream`, keeping both
/// buffers and what they hold.
impl<S> From<BufReader<BufWriter<S>>> for BufStream<S> {
    fn from(inner: BufReader<BufWriter<S>>) -> BufStream<S> {
        BufStream { inner }
    }
}

impl<S: AsyncRead + AsyncWrite> AsyncRead for BufStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.project().poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite> AsyncBufRead for BufStream<S> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.project().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.project().consume(amt)
    }
}

impl<S: AsyncRead + AsyncWrite> AsyncWrite for BufStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + AsyncSeek> AsyncSeek for BufStream<S> {
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        self.project().start_seek(position)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        self.project().poll_complete(cx)
    }
}
