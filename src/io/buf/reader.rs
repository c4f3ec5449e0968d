//! [`BufReader`]: a read buffer in front of a reader.
//!
//! The buffer is `buf[pos..cap]`: bytes read from the inner reader and not
//! yet handed out. `poll_fill_buf` refills it only when it is empty, so the
//! slice it returns stays valid until `consume`. A seek discards it.

use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::io::util::DEFAULT_BUF_SIZE;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};

/// Adds a read buffer to a reader, and with it [`AsyncBufRead`]: the
/// `read_line`, `lines()` and `split()` of
/// [`AsyncBufReadExt`](crate::io::AsyncBufReadExt).
///
/// Reading many small pieces from a socket through a `BufReader` costs one
/// system call per buffer-full instead of one per piece. The bytes it has
/// buffered are lost if it is dropped; [`into_inner`](BufReader::into_inner)
/// loses them too ([`buffer`](BufReader::buffer) shows them first).
///
/// ```
/// use groundup::io::{AsyncBufReadExt, BufReader};
///
/// groundup::block_on(async {
///     let mut reader = BufReader::new(&b"first line\nsecond"[..]);
///     let mut line = String::new();
///     reader.read_line(&mut line).await?;
///     assert_eq!(line, "first line\n");
///     assert_eq!(reader.buffer(), b"second");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct BufReader<R> {
    inner: R,
    buffer: Buffer,
    seek: SeekState,
}

/// The read buffer: `buf[pos..cap]` is read and not yet consumed.
#[derive(Debug)]
struct Buffer {
    buf: Box<[u8]>,
    pos: usize,
    cap: usize,
}

impl Buffer {
    fn unread(&self) -> &[u8] {
        &self.buf[self.pos..self.cap]
    }

    fn is_empty(&self) -> bool {
        self.pos >= self.cap
    }

    fn discard(&mut self) {
        (self.pos, self.cap) = (0, 0);
    }

    fn consume(&mut self, amt: usize) {
        self.pos = self.pos.saturating_add(amt).min(self.cap);
    }

    /// Refills the empty buffer from `inner`.
    fn poll_refill<R: AsyncRead + ?Sized>(
        &mut self,
        cx: &mut Context<'_>,
        inner: Pin<&mut R>,
    ) -> Poll<io::Result<()>> {
        debug_assert!(self.is_empty());
        let n = ready!(inner.poll_read(cx, &mut self.buf))?;
        assert!(n <= self.buf.len(), "poll_read returned more bytes than it was given room");
        (self.pos, self.cap) = (0, n);
        Poll::Ready(Ok(()))
    }
}

/// Where a seek through the buffer is.
#[derive(Debug, Clone, Copy)]
enum SeekState {
    /// No seek submitted.
    Idle,
    /// `start_seek` was called; the inner seek is not yet submitted.
    Start(SeekFrom),
    /// A relative seek too far back to adjust in one step: the first step
    /// (back over the buffered bytes) is in flight; this offset is next.
    SecondStep(i64),
    /// The inner seek is submitted; waiting for it.
    Pending,
}

impl<R: AsyncRead> BufReader<R> {
    /// Wraps `inner` with a buffer of 8 KiB.
    ///
    /// ```
    /// use groundup::io::BufReader;
    ///
    /// let reader = BufReader::new(&b"data"[..]);
    /// assert!(reader.buffer().is_empty()); // nothing read yet
    /// ```
    pub fn new(inner: R) -> BufReader<R> {
        BufReader::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Wraps `inner` with a buffer of `capacity` bytes.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0: `poll_fill_buf` could then only ever return an
    /// empty buffer, which means end of file, and every `read_line` would
    /// end at once. (tokio, like std, accepts 0 and behaves so.)
    ///
    /// ```
    /// use groundup::io::{AsyncBufReadExt, BufReader};
    ///
    /// groundup::block_on(async {
    ///     let mut reader = BufReader::with_capacity(4, &b"abcdef"[..]);
    ///     assert_eq!(reader.fill_buf().await?, b"abcd");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn with_capacity(capacity: usize, inner: R) -> BufReader<R> {
        assert!(
            capacity > 0,
            "BufReader::with_capacity(0): a buffer that holds no byte can only report end \
             of file; give a capacity of at least 1"
        );
        let buffer = Buffer { buf: vec![0; capacity].into_boxed_slice(), pos: 0, cap: 0 };
        BufReader { inner, buffer, seek: SeekState::Idle }
    }
}

impl<R> BufReader<R> {
    /// The inner reader.
    ///
    /// ```
    /// use groundup::io::BufReader;
    ///
    /// let reader = BufReader::new(&b"data"[..]);
    /// assert_eq!(*reader.get_ref(), b"data");
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The inner reader, mutably. Reading from it directly skips the bytes
    /// still buffered.
    ///
    /// ```
    /// use groundup::io::BufReader;
    ///
    /// let mut reader = BufReader::new(&b"data"[..]);
    /// *reader.get_mut() = b"other";
    /// assert_eq!(*reader.get_ref(), b"other");
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The inner reader, pinned, for a `BufReader` that is pinned.
    ///
    /// ```
    /// use std::pin::pin;
    /// use groundup::io::BufReader;
    ///
    /// let reader = pin!(BufReader::new(&b"data"[..]));
    /// assert_eq!(*reader.get_pin_mut(), &b"data"[..]);
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().0
    }

    /// The inner reader back. The bytes still buffered are lost.
    ///
    /// ```
    /// use groundup::io::BufReader;
    ///
    /// let inner: &[u8] = BufReader::new(&b"data"[..]).into_inner();
    /// assert_eq!(inner, b"data");
    /// ```
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// The bytes buffered and not yet read.
    ///
    /// ```
    /// use groundup::io::{AsyncReadExt, BufReader};
    ///
    /// groundup::block_on(async {
    ///     let mut reader = BufReader::new(&b"abcdef"[..]);
    ///     let mut two = [0; 2];
    ///     reader.read_exact(&mut two).await?;
    ///     assert_eq!(reader.buffer(), b"cdef");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn buffer(&self) -> &[u8] {
        self.buffer.unread()
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut Buffer, &mut SeekState) {
        // SAFETY: `inner` is pinned structurally: `BufReader` is `Unpin`
        // only if `R` is (auto trait; the other fields are `Unpin`), it has
        // no `Drop` impl, and `into_inner`, the only move out, takes `self`
        // by value, which a pinned `!Unpin` `BufReader` cannot give. The
        // other fields are not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above; `this.inner` is never moved while pinned.
        let inner = unsafe { Pin::new_unchecked(&mut this.inner) };
        (inner, &mut this.buffer, &mut this.seek)
    }
}

impl<R: AsyncRead> AsyncRead for BufReader<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let (inner, buffer, _) = self.as_mut().project();
        // Nothing buffered and a read at least as large as the buffer:
        // reading through the buffer would only add a copy.
        if buffer.is_empty() && buf.len() >= buffer.buf.len() {
            buffer.discard();
            return inner.poll_read(cx, buf);
        }
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(n))
    }
}

impl<R: AsyncRead> AsyncBufRead for BufReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let (inner, buffer, _) = self.project();
        if buffer.is_empty() {
            ready!(buffer.poll_refill(cx, inner))?;
        }
        Poll::Ready(Ok(buffer.unread()))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.project().1.consume(amt);
    }
}

/// Seeking discards the buffer. A relative seek (`SeekFrom::Current`) is
/// relative to what the caller has read, which is behind the inner reader
/// by the bytes still buffered; the offset is adjusted for them (in two
/// steps if the adjusted offset would overflow `i64`).
impl<R: AsyncRead + AsyncSeek> AsyncSeek for BufReader<R> {
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        *self.project().2 = SeekState::Start(position);
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let (mut inner, buffer, seek) = self.project();
        loop {
            match *seek {
                SeekState::Idle => return inner.poll_complete(cx),
                SeekState::Start(position) => {
                    // Let an inner operation in flight finish first.
                    ready!(inner.as_mut().poll_complete(cx))?;
                    *seek = start_inner_seek(inner.as_mut(), buffer, position)?;
                }
                SeekState::SecondStep(offset) => {
                    ready!(inner.as_mut().poll_complete(cx))?;
                    inner.as_mut().start_seek(SeekFrom::Current(offset))?;
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

/// Submits the inner seek for `position`, discarding the buffer; returns
/// the state to go on in.
fn start_inner_seek<R: AsyncSeek + ?Sized>(
    mut inner: Pin<&mut R>,
    buffer: &mut Buffer,
    position: SeekFrom,
) -> io::Result<SeekState> {
    let buffered = buffer.unread().len() as i64;
    let next = match position {
        SeekFrom::Current(offset) => match offset.checked_sub(buffered) {
            Some(adjusted) => {
                inner.as_mut().start_seek(SeekFrom::Current(adjusted))?;
                SeekState::Pending
            }
            None => {
                inner.as_mut().start_seek(SeekFrom::Current(-buffered))?;
                SeekState::SecondStep(offset)
            }
        },
        absolute => {
            inner.as_mut().start_seek(absolute)?;
            SeekState::Pending
        }
    };
    buffer.discard();
    Ok(next)
}

/// A `BufReader` over a stream still writes to it, unbuffered.
impl<R: AsyncRead + AsyncWrite> AsyncWrite for BufReader<R> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_shutdown(cx)
    }
}
