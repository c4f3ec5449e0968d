//! [`Lines`] and [`Split`]: a buffered reader cut into lines, or into
//! segments at a delimiter byte, one `.await` per piece.
//!
//! Each keeps the piece it is assembling in its own buffer, not in the
//! caller's, which is what makes `next_line` and `next_segment` cancel
//! safe (tokio's guarantee): a cancelled call has moved bytes only from
//! the reader into that buffer, and the next call goes on from there.

use std::future::{Future, poll_fn};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::read_until::poll_read_until;
use crate::io::AsyncBufRead;

/// The lines of a buffered reader, from
/// [`AsyncBufReadExt::lines`](crate::io::AsyncBufReadExt::lines).
///
/// Each line comes without its `\n` (or `\r\n`). A last line without a
/// newline is still a line; end of file after a newline is the end.
///
/// ```
/// use groundup::io::AsyncBufReadExt;
///
/// groundup::block_on(async {
///     let mut lines = (&b"one\r\ntwo\nthree"[..]).lines();
///     let mut all = Vec::new();
///     while let Some(line) = lines.next_line().await? {
///         all.push(line);
///     }
///     assert_eq!(all, ["one", "two", "three"]);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
#[must_use = "`Lines` reads nothing until `next_line` is awaited"]
pub struct Lines<R> {
    reader: R,
    /// The line being assembled, kept across polls and cancellations.
    buf: Vec<u8>,
    read: usize,
}

impl<R> Lines<R> {
    pub(crate) fn new(reader: R) -> Lines<R> {
        Lines { reader, buf: Vec::new(), read: 0 }
    }

    /// The reader.
    ///
    /// ```
    /// use groundup::io::AsyncBufReadExt;
    ///
    /// let lines = (&b"a\nb"[..]).lines();
    /// assert_eq!(*lines.get_ref(), b"a\nb");
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The reader, mutably. Reading from it directly takes bytes that
    /// would have been lines.
    ///
    /// ```
    /// use groundup::io::AsyncBufReadExt;
    ///
    /// let mut lines = (&b"a\nb"[..]).lines();
    /// *lines.get_mut() = b"c";
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The reader back. A line partly read (by a cancelled `next_line`) is
    /// lost; what the reader still buffers is not.
    ///
    /// ```
    /// use groundup::io::AsyncBufReadExt;
    ///
    /// let lines = (&b"a\nb"[..]).lines();
    /// let reader: &[u8] = lines.into_inner();
    /// assert_eq!(reader, b"a\nb");
    /// ```
    pub fn into_inner(self) -> R {
        self.reader
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut Vec<u8>, &mut usize) {
        // SAFETY: `reader` is pinned structurally: `Lines` is `Unpin` only
        // when `R` is (auto trait, the other fields are `Unpin`), it has no
        // `Drop` impl that could move `reader`, and the only way to move
        // `reader` out (`into_inner`) takes `self` by value, which a pinned
        // `!Unpin` `Lines` cannot give. The other fields are not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above; `this.reader` is never moved while pinned.
        let reader = unsafe { Pin::new_unchecked(&mut this.reader) };
        (reader, &mut this.buf, &mut this.read)
    }
}

impl<R: AsyncBufRead> Lines<R> {
    /// Reads the next line, without its `\n` or `\r\n`; `Ok(None)` at end
    /// of file.
    ///
    /// # Errors
    ///
    /// What the reader returns, or `InvalidData` if the line is not valid
    /// UTF-8 (the line is then dropped; the next call reads the next one).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled (dropped in a `select`), no line is lost;
    /// the next call returns the line the cancelled one had begun.
    ///
    /// ```
    /// use groundup::io::{AsyncBufReadExt, BufReader};
    ///
    /// groundup::block_on(async {
    ///     let mut lines = BufReader::new(&b"GET /\nHost: x\n"[..]).lines();
    ///     assert_eq!(lines.next_line().await?.as_deref(), Some("GET /"));
    ///     assert_eq!(lines.next_line().await?.as_deref(), Some("Host: x"));
    ///     assert_eq!(lines.next_line().await?, None);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn next_line(&mut self) -> impl Future<Output = io::Result<Option<String>>> + '_
    where
        R: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_next_line(cx))
    }

    /// Polls for the next line; see [`next_line`](Lines::next_line).
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use groundup::io::AsyncBufReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut lines = (&b"x\n"[..]).lines();
    ///     let line = poll_fn(|cx| Pin::new(&mut lines).poll_next_line(cx)).await?;
    ///     assert_eq!(line.as_deref(), Some("x"));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_next_line(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<String>>> {
        let (reader, buf, read) = self.project();
        ready!(poll_read_until(reader, cx, b'\n', buf, read))?;
        if buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        }
        let line = String::from_utf8(std::mem::take(buf));
        Poll::Ready(line.map(Some).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidData, "stream did not contain valid UTF-8")
        }))
    }
}

/// The segments of a buffered reader between occurrences of a delimiter
/// byte, from [`AsyncBufReadExt::split`](crate::io::AsyncBufReadExt::split).
///
/// Each segment comes without the delimiter. A last segment without one is
/// still a segment.
///
/// ```
/// use groundup::io::{AsyncBufReadExt, BufReader};
///
/// groundup::block_on(async {
///     let mut fields = BufReader::new(&b"a,b,,c"[..]).split(b',');
///     let mut all = Vec::new();
///     while let Some(field) = fields.next_segment().await? {
///         all.push(field);
///     }
///     assert_eq!(all, [&b"a"[..], b"b", b"", b"c"]);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
#[must_use = "`Split` reads nothing until `next_segment` is awaited"]
pub struct Split<R> {
    reader: R,
    delimiter: u8,
    /// The segment being assembled, kept across polls and cancellations.
    buf: Vec<u8>,
    read: usize,
}

impl<R> Split<R> {
    pub(crate) fn new(reader: R, delimiter: u8) -> Split<R> {
        Split { reader, delimiter, buf: Vec::new(), read: 0 }
    }
}

impl<R: AsyncBufRead + Unpin> Split<R> {
    /// Reads the next segment, without the delimiter; `Ok(None)` at end of
    /// file.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if cancelled, the next call returns the segment the
    /// cancelled one had begun.
    ///
    /// ```
    /// use groundup::io::{AsyncBufReadExt, BufReader};
    ///
    /// groundup::block_on(async {
    ///     let mut records = BufReader::new(&b"k1\0v1\0"[..]).split(0);
    ///     assert_eq!(records.next_segment().await?, Some(b"k1".to_vec()));
    ///     assert_eq!(records.next_segment().await?, Some(b"v1".to_vec()));
    ///     assert_eq!(records.next_segment().await?, None);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn next_segment(&mut self) -> impl Future<Output = io::Result<Option<Vec<u8>>>> + '_ {
        poll_fn(move |cx| Pin::new(&mut *self).poll_next_segment(cx))
    }

    /// Polls for the next segment; see [`next_segment`](Split::next_segment).
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use groundup::io::{AsyncBufReadExt, BufReader};
    ///
    /// groundup::block_on(async {
    ///     let mut parts = BufReader::new(&b"x;y"[..]).split(b';');
    ///     let part = poll_fn(|cx| Pin::new(&mut parts).poll_next_segment(cx)).await?;
    ///     assert_eq!(part, Some(b"x".to_vec()));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_next_segment(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        let this = self.get_mut();
        let reader = Pin::new(&mut this.reader);
        ready!(poll_read_until(reader, cx, this.delimiter, &mut this.buf, &mut this.read))?;
        if this.buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        if this.buf.last() == Some(&this.delimiter) {
            this.buf.pop();
        }
        Poll::Ready(Ok(Some(std::mem::take(&mut this.buf))))
    }
}
