//! [`empty`]: a reader at end of file and a writer that discards, forever.
//!
//! It never waits, so each poll spends a unit of the cooperative budget
//! (`io::util`): a loop that reads from it, or writes to it, still yields.

use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::poll_proceed;
use crate::io::{AsyncBufRead, AsyncRead, AsyncWrite};

/// Reads as end of file and accepts every write, made by [`empty`]. The
/// async `std::io::Empty`.
///
/// ```
/// use groundup::io::{self, AsyncWriteExt};
///
/// groundup::block_on(async {
///     let mut nothing: io::Empty = io::empty();
///     assert_eq!(nothing.write(b"discarded").await?, 9);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Empty {
    _private: (),
}

/// Creates a reader that is always at end of file, which is also a writer
/// that accepts and discards everything.
///
/// ```
/// use groundup::io::{self, AsyncReadExt};
///
/// groundup::block_on(async {
///     let mut text = String::new();
///     io::empty().read_to_string(&mut text).await?;
///     assert!(text.is_empty());
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn empty() -> Empty {
    Empty { _private: () }
}

impl AsyncRead for Empty {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        _: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        ready!(poll_proceed(cx));
        Poll::Ready(Ok(0))
    }
}

impl AsyncBufRead for Empty {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        ready!(poll_proceed(cx));
        Poll::Ready(Ok(&[]))
    }

    fn consume(self: Pin<&mut Self>, _: usize) {}
}

impl AsyncWrite for Empty {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(poll_proceed(cx));
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(poll_proceed(cx));
        Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(poll_proceed(cx));
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(poll_proceed(cx));
        Poll::Ready(Ok(()))
    }
}

impl fmt::Debug for Empty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Empty { .. }")
    }
}
