//! [`sink`]: a writer that accepts and discards every byte, forever.
//!
//! It never waits, so each poll spends a unit of the cooperative budget
//! (`io::util`): `copy(&mut repeat(0), &mut sink())` still lets the other
//! tasks and the timers run.

use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::poll_proceed;
use crate::io::AsyncWrite;

/// Accepts and discards every write, made by [`sink`]. The async
/// `std::io::Sink`.
///
/// ```
/// use groundup::io::{self, AsyncWriteExt};
///
/// groundup::block_on(async {
///     let mut drain: io::Sink = io::sink();
///     drain.write_all(&[0; 100_000]).await?;
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Sink {
    _private: (),
}

/// Creates a writer that accepts and discards everything.
///
/// ```
/// use groundup::io::{self, AsyncWriteExt};
///
/// groundup::block_on(async {
///     let n = io::copy(&mut &b"gone"[..], &mut io::sink()).await?;
///     assert_eq!(n, 4);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn sink() -> Sink {
    Sink { _private: () }
}

impl AsyncWrite for Sink {
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

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sink { .. }")
    }
}
