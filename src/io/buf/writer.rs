//! [`BufWriter`]: a write buffer in front of a writer.
//!
//! Writes go into `buf` while they fit; when one would not, the buffer is
//! written out first (`flush_buf`), and a write as large as the buffer
//! goes straight through. `written` counts the bytes of `buf` already
//! written by a `flush_buf` that had to wait, so a `Pending` in the middle
//! writes nothing twice.

use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::io::util::DEFAULT_BUF_SIZE;
use crate::io::util::write_all::write_zero;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};

/// Adds a write buffer to a writer: small writes are collected and written
/// out together.
///
/// The buffer is written out when a write would overflow it, on `flush`
/// and on `shutdown`. **Dropping a `BufWriter` loses what it still
/// buffers**: a destructor cannot wait for the write, so flush (or shut
/// down) first. tokio's `BufWriter` is the same.
///
/// ```
/// use groundup::io::{AsyncWriteExt, BufWriter};
///
/// groundup::block_on(async {
///     let mut writer = BufWriter::new(Vec::new());
///     writer.write_all(b"collected").await?;
///     assert!(writer.get_ref().is_empty()); // still in the buffer
///     writer.flush().await?;
///     assert_eq!(writer.get_ref(), b"collected");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct BufWriter<W> {
    inner: W,
    buffer: Buffer,
    seek: SeekState,
}

/// The write buffer: `buf[written..]` is still to be written out.
#[derive(Debug)]
struct Buffer {
    buf: Vec<u8>,
    capacity: usize,
    written: usize,
}

impl Buffer {
    /// Writes the whole buffer out to `inner` (not flushing `inner`).
    fn poll_flush_buf<W: AsyncWrite + ?Sized>(
        &mut self,
        cx: &mut Context<'_>,
        mut inner: Pin<&mut W>,
    ) -> Poll<io::Result<()>> {
        let mut result = Ok(());
        while self.written < self.buf.len() {
            match ready!(inner.as_mut().poll_write(cx, &self.buf[self.written..])) {
                Ok(0) => {
                    result = Err(write_zero());
                    break;
                }
                Ok(n) => self.written += n,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        // What was written goes, even after an error: a later flush writes
        // only the rest.
        self.buf.drain(..self.written);
        self.written = 0;
        Poll::Ready(result)
    }

    fn fits(&self, len: usize) -> bool {
        self.buf.len() + len <= self.capacity
    }
}

/// Where a seek is: the buffer must be written out before the inner seek.
#[derive(Debug, Clone, Copy)]
enum SeekState {
    Idle,
    /// `start_seek` was called; the buffer is being written out.
    Start(SeekFrom),
    /// The inner seek is submitted.
    Pending,
}

impl<W: AsyncWrite> BufWriter<W> {
    /// Wraps `inner` with a buffer of 8 KiB.
    ///
    /// ```
    /// use groundup::io::BufWriter;
    ///
    /// let writer = BufWriter::new(Vec::<u8>::new());
    /// assert!(writer.buffer().is_empty());
    /// ```
    pub fn new(inner: W) -> BufWriter<W> {
        BufWriter::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Wraps `inner` with a buffer of `capacity` bytes. A capacity of 0 is
    /// allowed: every write then goes straight through.
    ///
    /// ```
    /// use groundup::io::{AsyncWriteExt, BufWriter};
    ///
    /// groundup::block_on(async {
    ///     let mut writer = BufWriter::with_capacity(4, Vec::new());
    ///     writer.write_all(b"ab").await?;
    ///     assert_eq!(writer.buffer(), b"ab");
    ///     writer.write_all(b"cde").await?; // would overflow: "ab" goes out
    ///     assert_eq!((writer.get_ref().as_slice(), writer.buffer()), (&b"ab"[..], &b"cde"[..]));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn with_capacity(capacity: usize, inner: W) -> BufWriter<W> {
        let buffer = Buffer { buf: Vec::with_capacity(capacity), capacity, written: 0 };
        BufWriter { inner, buffer, seek: SeekState::Idle }
    }
}

impl<W> BufWriter<W> {
    /// The inner writer.
    ///
    /// ```
    /// use groundup::io::BufWriter;
    ///
    /// let writer = BufWriter::new(vec![1u8]);
    /// assert_eq!(writer.get_ref(), &[1]);
    /// ```
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The inner writer, mutably. Writing to it directly goes ahead of the
    /// bytes still buffered.
    ///
    /// ```
    /// use groundup::io::BufWriter;
    ///
    /// let mut writer = BufWriter::new(Vec::<u8>::new());
    /// writer.get_mut().push(1);
    /// assert_eq!(writer.get_ref(), &[1]);
    /// ```
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// The inner writer, pinned, for a `BufWriter` that is pinned.
    ///
    /// ```
    /// use std::pin::pin;
    /// use groundup::io::BufWriter;
    ///
    /// let writer = pin!(BufWriter::new(Vec::<u8>::new()));
    /// assert!(writer.get_pin_mut().is_empty());
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.project().0
    }

    /// The inner writer back. **The bytes still buffered are lost**: flush
    /// first.
    ///
    /// ```
    /// use groundup::io::{AsyncWriteExt, BufWriter};
    ///
    /// groundup::block_on(async {
    ///     let mut writer = BufWriter::new(Vec::new());
    ///     writer.write_all(b"kept").await?;
    ///     writer.flush().await?;
    ///     assert_eq!(writer.into_inner(), b"kept");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// The bytes buffered and not yet written out.
    ///
    /// ```
    /// use groundup::io::{AsyncWriteExt, BufWriter};
    ///
    /// groundup::block_on(async {
    ///     let mut writer = BufWriter::new(Vec::new());
    ///     writer.write_all(b"pending").await?;
    ///     assert_eq!(writer.buffer(), b"pending");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn buffer(&self) -> &[u8] {
        &self.buffer.buf[self.buffer.written..]
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut W>, &mut Buffer, &mut SeekState) {
        // SAFETY: `inner` is pinned structurally: `BufWriter` is `Unpin`
        // only if `W` is (auto trait; the other fields are `Unpin`), it has
        // no `Drop` impl, and `into_inner`, the only move out, takes `self`
        // by value, which a pinned `!Unpin` `BufWriter` cannot give. The
        // other fields are not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above; `this.inner` is never moved while pinned.
        let inner = unsafe { Pin::new_unchecked(&mut this.inner) };
        (inner, &mut this.buffer, &mut this.seek)
    }
}

impl<W: AsyncWrite> AsyncWrite for BufWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let (mut inner, buffer, _) = self.project();
        if !buffer.fits(buf.len()) {
            ready!(buffer.poll_flush_buf(cx, inner.as_mut()))?;
        }
        if buf.len() >= buffer.capacity {
            return inner.poll_write(cx, buf);
        }
        buffer.buf.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let (mut inner, buffer, _) = self.project();
        let total = bufs.iter().fold(0usize, |sum, b| sum.saturating_add(b.len()));
        if !buffer.fits(total) {
            ready!(buffer.poll_flush_buf(cx, inner.as_mut()))?;
        }
        if total < buffer.capacity {
            bufs.iter().for_each(|b| buffer.buf.extend_from_slice(b));
            return Poll::Ready(Ok(total));
        }
        if inner.is_write_vectored() {
            return inner.poll_write_vectored(cx, bufs);
        }
        // The buffer is empty now. A first slice as large as the buffer
        // goes straight through; otherwise buffer the whole slices that fit.
        let mut slices = bufs.iter().filter(|b| !b.is_empty());
        let Some(first) = slices.next() else { return Poll::Ready(Ok(0)) };
        if first.len() >= buffer.capacity {
            return inner.poll_write(cx, first);
        }
        buffer.buf.extend_from_slice(first);
        let mut taken = first.len();
        for slice in slices {
            if !buffer.fits(slice.len()) {
                break;
            }
            buffer.buf.extend_from_slice(slice);
            taken += slice.len();
        }
        Poll::Ready(Ok(taken))
    }

    /// Gathering into the buffer is what a `BufWriter` does best.
    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let (mut inner, buffer, _) = self.project();
        ready!(buffer.poll_flush_buf(cx, inner.as_mut()))?;
        inner.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let (mut inner, buffer, _) = self.project();
        ready!(buffer.poll_flush_buf(cx, inner.as_mut()))?;
        inner.poll_shutdown(cx)
    }
}

/// Seeking writes the buffer out first, then seeks the inner writer.
impl<W: AsyncWrite + AsyncSeek> AsyncSeek for BufWriter<W> {
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        // Writing out the buffer may have to wait, which `start_seek` cannot:
        // `poll_complete` does it.
        *self.project().2 = SeekState::Start(position);
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let (mut inner, buffer, seek) = self.project();
        loop {
            match *seek {
                SeekState::Idle => return inner.poll_complete(cx),
                SeekState::Start(position) => {
                    ready!(buffer.poll_flush_buf(cx, inner.as_mut()))?;
                    ready!(inner.as_mut().poll_complete(cx))?;
                    if let Err(e) = inner.as_mut().start_seek(position) {
                        *seek = SeekState::Idle;
                        return Poll::Ready(Err(e));
                    }
                    *seek = SeekState::Pending;
                }
                SeekState::Pending => {
                    let result = ready!(inner.as_mut().poll_complete(cx));
                    *seek = SeekState::Idle;
                    return Poll::Ready(result);
                }
            }
        }
    }
}

/// A `BufWriter` over a stream still reads from it, unbuffered.
impl<W: AsyncWrite + AsyncRead> AsyncRead for BufWriter<W> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_read(cx, buf)
    }
}

impl<W: AsyncWrite + AsyncBufRead> AsyncBufRead for BufWriter<W> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.get_pin_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_pin_mut().consume(amt)
    }
}
