//! `write_all` and `write_all_buf`: write until every byte is taken.
//!
//! The progress lives in the future (`written`), so a `Pending` loses
//! nothing. Cancel safety, as tokio documents it: `write_all` is not cancel
//! safe (a cancelled call may have written a prefix, and calling again
//! starts over from the beginning of the buffer); `write_all_buf` advances
//! the caller's slice past every byte written, so calling again with the
//! same slice writes only the rest.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::io::AsyncWrite;

/// Writes `buf[*written..]` until all of `buf` is written.
pub(crate) fn poll_write_all<W: AsyncWrite + ?Sized>(
    mut writer: Pin<&mut W>,
    cx: &mut Context<'_>,
    buf: &[u8],
    written: &mut usize,
) -> Poll<io::Result<()>> {
    while *written < buf.len() {
        let n = ready!(writer.as_mut().poll_write(cx, &buf[*written..]))?;
        if n == 0 {
            return Poll::Ready(Err(write_zero()));
        }
        *written += n;
    }
    Poll::Ready(Ok(()))
}

/// Writes from `src`, advancing it past each byte written, until it is
/// empty.
pub(crate) fn poll_write_all_buf<W: AsyncWrite + ?Sized>(
    mut writer: Pin<&mut W>,
    cx: &mut Context<'_>,
    src: &mut &[u8],
) -> Poll<io::Result<()>> {
    while !src.is_empty() {
        let n = ready!(writer.as_mut().poll_write(cx, src))?;
        if n == 0 {
            return Poll::Ready(Err(write_zero()));
        }
        *src = &src[n..];
    }
    Poll::Ready(Ok(()))
}

/// The error of a writer that took no byte of a non-empty buffer.
pub(crate) fn write_zero() -> io::Error {
    io::Error::new(io::ErrorKind::WriteZero, "the writer accepted no byte of a non-empty buffer")
}
