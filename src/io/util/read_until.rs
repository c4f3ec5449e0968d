//! `read_until` and `read_line`: take bytes from a buffered reader up to
//! and including a delimiter.
//!
//! Each round asks the reader for its buffer (`poll_fill_buf`), looks for
//! the delimiter in it, appends up to the delimiter (or all of it) to the
//! caller's buffer and `consume`s what it appended. An empty buffer from
//! the reader is end of file. No byte is ever both in the caller's buffer
//! and still in the reader, so stopping between rounds loses nothing.
//!
//! Cancel safety, as tokio documents it:
//! - `read_until` appends as it goes, so a cancelled call has put every
//!   byte it took into `buf`; calling again continues the same line.
//! - `read_line` is not cancel safe in tokio's sense: a cancelled call may
//!   have taken bytes from the reader. tokio leaves the `String` with no
//!   guarantee (its current code empties it); groundup keeps the bytes read,
//!   up to the last complete character (see `utf8.rs`), so calling again
//!   also continues the line unless a character was cut in two.
//!   `Lines::next_line` is the cancel-safe way to read lines.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::utf8::StringBytes;
use crate::io::AsyncBufRead;

/// Appends bytes from `reader` to `buf` up to and including `delimiter`, or
/// to end of file. `read` counts the bytes appended across polls; the
/// count is returned (and reset) when done.
pub(crate) fn poll_read_until<R: AsyncBufRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    delimiter: u8,
    buf: &mut Vec<u8>,
    read: &mut usize,
) -> Poll<io::Result<usize>> {
    loop {
        let (found, used) = {
            let available = ready!(reader.as_mut().poll_fill_buf(cx))?;
            match available.iter().position(|&b| b == delimiter) {
                Some(at) => {
                    buf.extend_from_slice(&available[..=at]);
                    (true, at + 1)
                }
                None => {
                    buf.extend_from_slice(available);
                    (available.is_empty(), available.len())
                }
            }
        };
        reader.as_mut().consume(used);
        *read += used;
        if found {
            return Poll::Ready(Ok(std::mem::take(read)));
        }
    }
}

/// The future of [`AsyncBufReadExt::read_until`](crate::io::AsyncBufReadExt::read_until).
#[derive(Debug)]
pub(crate) struct ReadUntil<'a, R: ?Sized> {
    reader: &'a mut R,
    delimiter: u8,
    buf: &'a mut Vec<u8>,
    read: usize,
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> ReadUntil<'a, R> {
    pub(crate) fn new(reader: &'a mut R, delimiter: u8, buf: &'a mut Vec<u8>) -> Self {
        ReadUntil { reader, delimiter, buf, read: 0 }
    }
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadUntil<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        poll_read_until(Pin::new(&mut *this.reader), cx, this.delimiter, this.buf, &mut this.read)
    }
}

/// The future of [`AsyncBufReadExt::read_line`](crate::io::AsyncBufReadExt::read_line).
#[derive(Debug)]
pub(crate) struct ReadLine<'a, R: ?Sized> {
    reader: &'a mut R,
    string: StringBytes<'a>,
    read: usize,
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> ReadLine<'a, R> {
    pub(crate) fn new(reader: &'a mut R, target: &'a mut String) -> Self {
        ReadLine { reader, string: StringBytes::new(target), read: 0 }
    }
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadLine<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let reader = Pin::new(&mut *this.reader);
        let result =
            ready!(poll_read_until(reader, cx, b'\n', this.string.bytes(), &mut this.read));
        Poll::Ready(this.string.finish(result.map(drop)))
    }
}
