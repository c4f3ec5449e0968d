//! `read_to_end` and `read_to_string`: read until end of file, growing the
//! buffer, and initialise each byte of it once.
//!
//! `poll_read` takes an initialised `&mut [u8]`, so the spare capacity of the
//! `Vec` must be written (zeroed) before a reader may fill it. Zeroing the
//! whole spare capacity before every read, as this code once did, costs a
//! pass over up to the whole buffer per poll, `Pending` polls included:
//! reading 32 MiB from a socket took 4.9 s in a debug build against 0.11 s
//! for a plain read loop.
//!
//! So the zeroed bytes are kept instead of thrown away. While the read is in
//! progress the `Vec`'s length covers the data *and* the zeroed room after
//! it, and the future remembers where the data ends (`filled`). A poll
//! reads into `buf[filled..]`; only when that room is used up does the
//! `Vec` grow (doubling, so the total work stays linear), and only the new
//! bytes are zeroed. When the read ends (end of file, an error, or the
//! future dropped) the `Vec` is cut back to the data. Safe code throughout:
//! no uninitialised byte is ever handed out, and a leaked future leaves at
//! worst some zeroes after the data, never undefined behaviour.
//!
//! Cancel safety: none is needed. Every byte read is already in `buf` when
//! the future is dropped, so cancelling and calling again continues where
//! it stopped (tokio documents no guarantee here; this is what it does too).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::utf8::StringBytes;
use crate::io::AsyncRead;

/// The smallest growth: a read into less room than this is mostly overhead.
const MIN_GROWTH: usize = 32;

/// Reads into `buf[*filled..]` until end of file, growing `buf` as needed.
/// `buf[..*filled]` is data; `buf[*filled..]` is zeroed room kept between
/// polls. On `Ready`, `buf` holds the data only.
pub(crate) fn poll_read_to_end<R: AsyncRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut Vec<u8>,
    filled: &mut usize,
) -> Poll<io::Result<()>> {
    loop {
        if *filled == buf.len() {
            grow_zeroed(buf);
        }
        let room = buf.len() - *filled;
        let result = ready!(reader.as_mut().poll_read(cx, &mut buf[*filled..]));
        match result {
            Ok(0) => {
                buf.truncate(*filled);
                return Poll::Ready(Ok(()));
            }
            Ok(n) => {
                assert!(n <= room, "poll_read returned {n} bytes read into a buffer of {room}");
                *filled += n;
            }
            Err(e) => {
                buf.truncate(*filled);
                return Poll::Ready(Err(e));
            }
        }
    }
}

/// Lengthens `buf` over spare capacity (reserving more if there is none),
/// zeroing only the bytes it adds.
fn grow_zeroed(buf: &mut Vec<u8>) {
    if buf.capacity() == buf.len() {
        buf.reserve(buf.len().max(MIN_GROWTH));
    }
    buf.resize(buf.capacity(), 0);
}

/// The future of [`AsyncReadExt::read_to_end`](crate::io::AsyncReadExt::read_to_end).
#[derive(Debug)]
pub(crate) struct ReadToEnd<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
    /// Where the data in `buf` ends; after it, zeroed room.
    filled: usize,
    /// `buf.len()` when the read began, to count the bytes read.
    start: usize,
}

impl<'a, R: AsyncRead + Unpin + ?Sized> ReadToEnd<'a, R> {
    pub(crate) fn new(reader: &'a mut R, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, R> {
        let start = buf.len();
        ReadToEnd { reader, buf, filled: start, start }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToEnd<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(poll_read_to_end(Pin::new(&mut *this.reader), cx, this.buf, &mut this.filled))?;
        Poll::Ready(Ok(this.filled - this.start))
    }
}

impl<R: ?Sized> Drop for ReadToEnd<'_, R> {
    fn drop(&mut self) {
        // Cancelled mid-read: the zeroed room goes, the data stays.
        self.buf.truncate(self.filled);
    }
}

/// The future of [`AsyncReadExt::read_to_string`](crate::io::AsyncReadExt::read_to_string).
#[derive(Debug)]
pub(crate) struct ReadToString<'a, R: ?Sized> {
    reader: &'a mut R,
    string: StringBytes<'a>,
    filled: usize,
    start: usize,
}

impl<'a, R: AsyncRead + Unpin + ?Sized> ReadToString<'a, R> {
    pub(crate) fn new(reader: &'a mut R, target: &'a mut String) -> ReadToString<'a, R> {
        let mut string = StringBytes::new(target);
        let start = string.bytes().len();
        ReadToString { reader, string, filled: start, start }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToString<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let reader = Pin::new(&mut *this.reader);
        let result = ready!(poll_read_to_end(reader, cx, this.string.bytes(), &mut this.filled));
        debug_assert_eq!(this.string.bytes().len(), this.filled);
        let appended = this.string.finish(result);
        debug_assert!(appended.as_ref().map_or(true, |&n| n == this.filled - this.start));
        Poll::Ready(appended)
    }
}

impl<R: ?Sized> Drop for ReadToString<'_, R> {
    fn drop(&mut self) {
        // Cancelled mid-read: cut the zeroed room before `StringBytes`
        // (dropped next) puts the bytes back into the `String`.
        if let Some(bytes) = self.string.bytes_if_lent() {
            bytes.truncate(self.filled);
        }
    }
}

/// The future of [`AsyncReadExt::read_buf`](crate::io::AsyncReadExt::read_buf):
/// one read into the spare capacity of a `Vec`.
#[derive(Debug)]
pub(crate) struct ReadBufVec<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
    /// Where the data ends; after it, zeroed room (once the first poll has
    /// made it), kept across `Pending` polls as in `ReadToEnd`.
    start: usize,
}

impl<'a, R: AsyncRead + Unpin + ?Sized> ReadBufVec<'a, R> {
    pub(crate) fn new(reader: &'a mut R, buf: &'a mut Vec<u8>) -> Self {
        let start = buf.len();
        ReadBufVec { reader, buf, start }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadBufVec<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.buf.len() == this.start {
            if this.buf.capacity() == this.start {
                // What `bytes::BufMut` does for a full `Vec`.
                this.buf.reserve(64);
            }
            this.buf.resize(this.buf.capacity(), 0);
        }
        let room = this.buf.len() - this.start;
        let result = ready!(Pin::new(&mut *this.reader).poll_read(cx, &mut this.buf[this.start..]));
        let n = *result.as_ref().unwrap_or(&0);
        assert!(n <= room, "poll_read returned {n} bytes read into a buffer of {room}");
        this.start += n;
        this.buf.truncate(this.start);
        Poll::Ready(result)
    }
}

impl<R: ?Sized> Drop for ReadBufVec<'_, R> {
    fn drop(&mut self) {
        self.buf.truncate(self.start);
    }
}
