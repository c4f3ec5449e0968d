//! `read_exact`: read until a buffer is full, or fail at end of file.
//!
//! The progress (`filled`) lives in the future, so a `Pending` loses
//! nothing; a cancelled call has put the bytes it read into the first
//! `filled` bytes of the buffer, and nowhere else: not cancel safe, as in
//! tokio (the bytes are out of the reader, and the caller does not learn
//! how many).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::io::AsyncRead;

/// Reads into `buf[*filled..]` until `buf` is full.
pub(crate) fn poll_read_exact<R: AsyncRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut [u8],
    filled: &mut usize,
) -> Poll<io::Result<()>> {
    while *filled < buf.len() {
        let n = ready!(reader.as_mut().poll_read(cx, &mut buf[*filled..]))?;
        if n == 0 {
            return Poll::Ready(Err(early_eof()));
        }
        *filled += n;
    }
    Poll::Ready(Ok(()))
}

/// The error of a reader that ended before the buffer was full.
pub(crate) fn early_eof() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "end of file before the buffer was full")
}
