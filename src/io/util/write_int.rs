//! `write_u16`, `write_i64_le`, `write_f32`, …: encode a number, then write
//! all of its bytes.
//!
//! The encoded bytes and how many are written live in the future, so a
//! `Pending` loses nothing. A cancelled call may have written a prefix of
//! the number, so only the one-byte writers are cancel safe.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::write_all::poll_write_all;
use crate::io::AsyncWrite;

/// The future of the `write_*` number methods of
/// [`AsyncWriteExt`](crate::io::AsyncWriteExt).
#[derive(Debug)]
pub(crate) struct WriteInt<'a, W: ?Sized, const N: usize> {
    writer: &'a mut W,
    bytes: [u8; N],
    written: usize,
}

impl<'a, W: AsyncWrite + Unpin + ?Sized, const N: usize> WriteInt<'a, W, N> {
    pub(crate) fn new(writer: &'a mut W, bytes: [u8; N]) -> Self {
        WriteInt { writer, bytes, written: 0 }
    }
}

impl<W: AsyncWrite + Unpin + ?Sized, const N: usize> Future for WriteInt<'_, W, N> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        poll_write_all(Pin::new(&mut *this.writer), cx, &this.bytes, &mut this.written)
    }
}
