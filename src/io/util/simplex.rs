//! [`simplex`]: a one-way in-memory pipe, the single direction of a
//! [`duplex`](super::super::duplex).
//!
//! A [`SimplexStream`] is one `Pipe` (`pipe.rs`) held by value: what is
//! written to it is read back from it, at most `max_buf_size` bytes
//! queued at a time. It needs no lock of its own, since `poll_read` and
//! `poll_write` take `&mut self`; [`simplex`] hands out the two ends as
//! [`split`](super::super::split) halves, whose shared lock serialises
//! them.
//!
//! - **Back-pressure.** A write takes what fits; a write into a full pipe
//!   waits until a read makes room.
//! - **End of file.** `shutdown` closes the pipe: reads drain what is
//!   queued, then end of file; writes fail with `BrokenPipe`.
//! - **Dropping a half is not closing.** The stream lives as long as
//!   either half, so dropping the write half does not end the reads (shut
//!   it down first), and writes after the read half is gone fill the pipe
//!   and then wait. This is tokio's behaviour too.
//!
//! Reads and writes spend the cooperative budget, as `duplex`'s do.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::pipe::{Pipe, assert_holds_a_byte, wake};
use super::poll_proceed;
use super::split::{ReadHalf, WriteHalf, split};
use crate::io::{AsyncRead, AsyncWrite};

/// Creates a one-way in-memory pipe: bytes written to the [`WriteHalf`]
/// are read from the [`ReadHalf`], at most `max_buf_size` of them queued;
/// a write into a full pipe waits until the reader makes room.
///
/// Shut the writer down to give the reader end of file: dropping it is not
/// enough, as both halves share one [`SimplexStream`].
///
/// # Panics
///
/// If `max_buf_size` is 0, as [`duplex`](super::super::duplex) does.
///
/// ```
/// use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// groundup::block_on(async {
///     let (mut reader, mut writer) = io::simplex(64);
///     writer.write_all(b"one way").await?;
///     writer.shutdown().await?;
///     let mut got = String::new();
///     reader.read_to_string(&mut got).await?;
///     assert_eq!(got, "one way");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn simplex(max_buf_size: usize) -> (ReadHalf<SimplexStream>, WriteHalf<SimplexStream>) {
    assert_holds_a_byte(max_buf_size, "simplex");
    split(SimplexStream { pipe: Pipe::new(max_buf_size) })
}

/// A one-way in-memory pipe: reads return what writes put in, in order.
/// Made whole by [`SimplexStream::new_unsplit`] or as two halves by
/// [`simplex`].
///
/// `Send` and `Sync`, as tokio's.
#[derive(Debug)]
pub struct SimplexStream {
    pipe: Pipe,
}

impl SimplexStream {
    /// Creates a whole pipe of at most `max_buf_size` queued bytes, one
    /// value that is both the reader and the writer.
    ///
    /// # Panics
    ///
    /// If `max_buf_size` is 0.
    ///
    /// ```
    /// use groundup::io::{AsyncReadExt, AsyncWriteExt, SimplexStream};
    ///
    /// groundup::block_on(async {
    ///     let mut pipe = SimplexStream::new_unsplit(4);
    ///     // Six bytes do not fit: the write takes four.
    ///     assert_eq!(pipe.write(b"abcdef").await?, 4);
    ///     let mut buf = [0; 8];
    ///     assert_eq!(pipe.read(&mut buf).await?, 4);
    ///     assert_eq!(&buf[..4], b"abcd");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new_unsplit(max_buf_size: usize) -> SimplexStream {
        assert_holds_a_byte(max_buf_size, "SimplexStream::new_unsplit");
        SimplexStream { pipe: Pipe::new(max_buf_size) }
    }

    fn poll_write_bufs(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(poll_proceed(cx));
        let (result, to_wake) = self.pipe.write(cx, bufs);
        wake(to_wake);
        result
    }
}

impl AsyncRead for SimplexStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        ready!(poll_proceed(cx));
        let (result, to_wake) = self.pipe.read(cx, buf);
        wake(to_wake);
        result.map(Ok)
    }
}

impl AsyncWrite for SimplexStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_bufs(cx, &[IoSlice::new(buf)])
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_bufs(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    /// Nothing to flush: written bytes are readable at once.
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Closes the pipe: reads drain what is queued, then end of file;
    /// writes fail with `BrokenPipe`.
    fn poll_shutdown(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.pipe.close().into_iter().for_each(wake);
        Poll::Ready(Ok(()))
    }
}
