//! [`repeat`]: a reader that produces one byte value, forever.
//!
//! It never waits, so each poll spends a unit of the cooperative budget
//! (`io::util`). Bound it with [`take`](crate::io::AsyncReadExt::take).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::poll_proceed;
use crate::io::AsyncRead;

/// Reads as an endless run of one byte, made by [`repeat`]. The async
/// `std::io::Repeat`.
///
/// ```
/// use groundup::io::{self, AsyncReadExt};
///
/// groundup::block_on(async {
///     let mut sevens: io::Repeat = io::repeat(7);
///     let mut buf = [0; 3];
///     sevens.read_exact(&mut buf).await?;
///     assert_eq!(buf, [7, 7, 7]);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct Repeat {
    byte: u8,
}

/// Creates a reader that fills every buffer with `byte`, without end.
///
/// ```
/// use groundup::io::{self, AsyncReadExt};
///
/// groundup::block_on(async {
///     let mut dashes = String::new();
///     io::repeat(b'-').take(5).read_to_string(&mut dashes).await?;
///     assert_eq!(dashes, "-----");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn repeat(byte: u8) -> Repeat {
    Repeat { byte }
}

impl AsyncRead for Repeat {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        ready!(poll_proceed(cx));
        buf.fill(self.byte);
        Poll::Ready(Ok(buf.len()))
    }
}
