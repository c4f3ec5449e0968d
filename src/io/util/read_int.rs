//! `read_u16`, `read_i64_le`, `read_f32`, …: read a number's bytes exactly,
//! then decode them.
//!
//! One future for every width and byte order: `N` is the width in bytes,
//! and `decode` is the std conversion (`u16::from_be_bytes`,
//! `f64::from_le_bytes`, …). The bytes read so far are kept in the future,
//! so a `Pending` loses nothing; a cancelled call loses them. So the
//! one-byte readers are cancel safe (one read either returns the byte or
//! nothing), the wider ones are not: tokio documents the same.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::read_exact::poll_read_exact;
use crate::io::AsyncRead;

/// The future of the `read_*` number methods of
/// [`AsyncReadExt`](crate::io::AsyncReadExt).
#[derive(Debug)]
pub(crate) struct ReadInt<'a, R: ?Sized, const N: usize, T> {
    reader: &'a mut R,
    buf: [u8; N],
    filled: usize,
    decode: fn([u8; N]) -> T,
}

impl<'a, R: AsyncRead + Unpin + ?Sized, const N: usize, T> ReadInt<'a, R, N, T> {
    pub(crate) fn new(reader: &'a mut R, decode: fn([u8; N]) -> T) -> Self {
        ReadInt { reader, buf: [0; N], filled: 0, decode }
    }
}

impl<R: AsyncRead + Unpin + ?Sized, const N: usize, T> Future for ReadInt<'_, R, N, T> {
    type Output = io::Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let this = self.get_mut();
        ready!(poll_read_exact(Pin::new(&mut *this.reader), cx, &mut this.buf, &mut this.filled))?;
        Poll::Ready(Ok((this.decode)(this.buf)))
    }
}
