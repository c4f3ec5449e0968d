//! [`copy`] and [`copy_buf`]: move everything a reader produces into a
//! writer.
//!
//! `copy` reads into its own 8 KiB buffer and writes that out, again and
//! again, until the reader reports end of file; then it flushes the writer.
//! `copy_buf` skips the intermediate buffer: it writes straight from the
//! reader's (`poll_fill_buf`) and `consume`s what the writer took.
//!
//! Two details matter for correctness, both tokio's:
//!
//! - **Flush while waiting.** When the reader has nothing for now, the
//!   copy flushes what it wrote before waiting. A buffered writer (a
//!   `BufWriter`) could otherwise hold the very bytes the peer must see
//!   before it sends more: both sides would wait forever.
//! - **The budget.** Each read spends one unit of the task's cooperative
//!   budget (see `io::util`), whatever the ends are. Between two ends that
//!   are always ready (a slice and a `Vec`, `repeat` and `sink`), the copy
//!   would otherwise never return `Pending` and the thread would run nothing
//!   else until it ended, if ever.
//!
//! Cancel safety: `copy` is not cancel safe. Bytes read into its buffer but
//! not yet written are lost with it. `copy_buf` loses nothing: the bytes
//! not yet written are still in the reader's buffer.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::write_all::write_zero;
use super::{DEFAULT_BUF_SIZE, poll_proceed};
use crate::io::{AsyncBufRead, AsyncRead, AsyncWrite};

/// The state of one direction of a copy: the buffer and what is in it.
#[derive(Debug)]
pub(super) struct CopyBuffer {
    buf: Box<[u8]>,
    /// `buf[pos..cap]` is read but not yet written.
    pos: usize,
    cap: usize,
    /// Bytes written so far.
    amt: u64,
    read_done: bool,
    /// Something was written since the last flush.
    need_flush: bool,
}

impl CopyBuffer {
    pub(super) fn new() -> CopyBuffer {
        CopyBuffer {
            buf: vec![0; DEFAULT_BUF_SIZE].into_boxed_slice(),
            pos: 0,
            cap: 0,
            amt: 0,
            read_done: false,
            need_flush: false,
        }
    }

    /// Copies until the reader's end of file and a flush; returns the bytes
    /// copied.
    pub(super) fn poll_copy<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            if self.pos == self.cap && !self.read_done {
                ready!(self.poll_fill(cx, reader.as_mut(), writer.as_mut()))?;
            }
            while self.pos < self.cap {
                let n = ready!(writer.as_mut().poll_write(cx, &self.buf[self.pos..self.cap]))?;
                if n == 0 {
                    return Poll::Ready(Err(write_zero()));
                }
                self.pos += n;
                self.amt += n as u64;
                self.need_flush = true;
            }
            if self.read_done {
                ready!(writer.as_mut().poll_flush(cx))?;
                return Poll::Ready(Ok(self.amt));
            }
        }
    }

    /// Reads once into the empty buffer (after spending a unit of budget);
    /// flushes `writer` if the reader has to wait.
    fn poll_fill<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        reader: Pin<&mut R>,
        writer: Pin<&mut W>,
    ) -> Poll<io::Result<()>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        ready!(poll_proceed(cx));
        match reader.poll_read(cx, &mut self.buf) {
            Poll::Ready(Ok(0)) => self.read_done = true,
            Poll::Ready(Ok(n)) => {
                assert!(
                    n <= self.buf.len(),
                    "poll_read returned more bytes than it was given room"
                );
                (self.pos, self.cap) = (0, n);
            }
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => {
                if self.need_flush {
                    ready!(writer.poll_flush(cx))?;
                    self.need_flush = false;
                }
                return Poll::Pending;
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// Copies everything `reader` produces into `writer`, until end of file,
/// then flushes `writer`; returns the number of bytes copied.
///
/// The async `std::io::copy`. It reads through an 8 KiB buffer of its own;
/// for a reader that has a buffer already, [`copy_buf`] saves the copy into
/// it. It spends the cooperative budget once per read, so it yields to other
/// tasks even between two ends that never wait.
///
/// # Errors
///
/// The first error of a read, a write or the flush; `WriteZero` if the
/// writer accepts no byte.
///
/// # Cancel safety
///
/// Not cancel safe: bytes read but not yet written are lost.
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
    let mut state = CopyBuffer::new();
    poll_fn(|cx| state.poll_copy(cx, Pin::new(&mut *reader), Pin::new(&mut *writer))).await
}

/// Copies everything a buffered `reader` produces into `writer`, writing
/// straight from the reader's buffer, until end of file, then flushes
/// `writer`; returns the number of bytes copied.
///
/// Like [`copy`], it flushes `writer` before waiting for the reader, and
/// spends the cooperative budget once per refill of the reader's buffer.
///
/// # Errors
///
/// As [`copy`].
///
/// # Cancel safety
///
/// Cancel safe in the sense that no byte is lost: what was not written is
/// still in the reader's buffer, and a new `copy_buf` goes on from there.
///
/// ```
/// use groundup::io::BufReader;
///
/// groundup::block_on(async {
///     let mut reader = BufReader::new(&b"through the reader's buffer"[..]);
///     let mut writer = Vec::new();
///     let n = groundup::io::copy_buf(&mut reader, &mut writer).await?;
///     assert_eq!(n, 27);
///     assert_eq!(writer, b"through the reader's buffer");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn copy_buf<R, W>(reader: &mut R, writer: &mut W) -> io::Result<u64>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut amt = 0u64;
    let mut need_flush = false;
    poll_fn(|cx| {
        poll_copy_buf(cx, Pin::new(&mut *reader), Pin::new(&mut *writer), &mut amt, &mut need_flush)
    })
    .await
}

fn poll_copy_buf<R, W>(
    cx: &mut Context<'_>,
    mut reader: Pin<&mut R>,
    mut writer: Pin<&mut W>,
    amt: &mut u64,
    need_flush: &mut bool,
) -> Poll<io::Result<u64>>
where
    R: AsyncBufRead + ?Sized,
    W: AsyncWrite + ?Sized,
{
    loop {
        ready!(poll_proceed(cx));
        let available = match reader.as_mut().poll_fill_buf(cx) {
            Poll::Ready(result) => result?,
            Poll::Pending => {
                if *need_flush {
                    ready!(writer.as_mut().poll_flush(cx))?;
                    *need_flush = false;
                }
                return Poll::Pending;
            }
        };
        if available.is_empty() {
            ready!(writer.as_mut().poll_flush(cx))?;
            return Poll::Ready(Ok(*amt));
        }
        let n = ready!(writer.as_mut().poll_write(cx, available))?;
        if n == 0 {
            return Poll::Ready(Err(write_zero()));
        }
        reader.as_mut().consume(n);
        *amt += n as u64;
        *need_flush = true;
    }
}
