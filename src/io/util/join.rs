//! [`join`]: a reader and a writer made one stream, for the code that
//! wants a single `AsyncRead + AsyncWrite` (a protocol driver, a
//! `copy_bidirectional` end) when the two directions are separate values:
//! stdin and stdout, the halves of two different pipes.
//!
//! [`Join`] holds both by value and forwards each call to the half it
//! belongs to, so it adds no buffering and no cost. Its fields are pinned
//! structurally, as `Chain`'s are: a `Join` of `!Unpin` halves can be
//! polled in place, and [`Join::reader_pin_mut`] and
//! [`Join::writer_pin_mut`] hand out the pinned halves.

use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::io::{AsyncBufRead, AsyncRead, AsyncWrite};

/// Joins `reader` and `writer` into one stream that reads from the first
/// and writes to the second.
///
/// ```
/// use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// groundup::block_on(async {
///     let (inbox, mut to_inbox) = io::simplex(64);
///     let (mut from_outbox, outbox) = io::simplex(64);
///     let mut both = io::join(inbox, outbox);
///
///     to_inbox.write_all(b"ping").await?;
///     let mut buf = [0; 4];
///     both.read_exact(&mut buf).await?;
///     both.write_all(b"pong").await?;
///     from_outbox.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"pong");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn join<R, W>(reader: R, writer: W) -> Join<R, W>
where
    R: AsyncRead,
    W: AsyncWrite,
{
    Join { reader, writer }
}

/// A reader and a writer as one stream, made by [`join`]: `AsyncRead` (and
/// `AsyncBufRead`) through the reader, `AsyncWrite` through the writer.
pub struct Join<R, W> {
    reader: R,
    writer: W,
}

impl<R, W> Join<R, W> {
    /// The reader and the writer, given back.
    ///
    /// ```
    /// use groundup::io;
    ///
    /// let (reader, writer) = io::join(io::empty(), io::sink()).into_inner();
    /// # let _ = (reader, writer);
    /// ```
    pub fn into_inner(self) -> (R, W) {
        (self.reader, self.writer)
    }

    /// The reader.
    pub fn reader(&self) -> &R {
        &self.reader
    }

    /// The writer.
    pub fn writer(&self) -> &W {
        &self.writer
    }

    /// The reader, mutably. Reading from it directly bypasses nothing:
    /// `Join` keeps no state of its own.
    pub fn reader_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The writer, mutably.
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// The reader, pinned.
    pub fn reader_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().0
    }

    /// The writer, pinned.
    pub fn writer_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.project().1
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, Pin<&mut W>) {
        // SAFETY: `reader` and `writer` are pinned structurally: `Join` is
        // `Unpin` only if both are (auto trait), it has no `Drop` impl, and
        // `into_inner`, the only move out, takes `self` by value, which a
        // pinned `!Unpin` `Join` cannot give.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above; neither field is moved while pinned.
        let reader = unsafe { Pin::new_unchecked(&mut this.reader) };
        // SAFETY: as above.
        let writer = unsafe { Pin::new_unchecked(&mut this.writer) };
        (reader, writer)
    }
}

impl<R: AsyncRead, W> AsyncRead for Join<R, W> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.reader_pin_mut().poll_read(cx, buf)
    }
}

impl<R, W: AsyncWrite> AsyncWrite for Join<R, W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.writer_pin_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.writer_pin_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.writer.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.writer_pin_mut().poll_flush(cx)
    }

    /// Shuts the writer down; the reader is untouched.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.writer_pin_mut().poll_shutdown(cx)
    }
}

impl<R: AsyncBufRead, W> AsyncBufRead for Join<R, W> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.reader_pin_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.reader_pin_mut().consume(amt)
    }
}

impl<R: fmt::Debug, W: fmt::Debug> fmt::Debug for Join<R, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join").field("reader", &self.reader).field("writer", &self.writer).finish()
    }
}
