//! [`AsyncBufReadExt`]: what a caller awaits on any [`AsyncBufRead`]:
//! `read_until`, `read_line`, `fill_buf`/`consume`, and the `lines()` and
//! `split()` streams. tokio's names, results and cancel-safety rules.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::AsyncBufRead;
use super::util::read_until::{ReadLine, ReadUntil};
use super::util::{Lines, Split};

/// Reading through a buffer, as futures, for every [`AsyncBufRead`] (a
/// [`BufReader`](super::BufReader), a byte slice, a `Cursor`).
///
/// ```
/// use groundup::io::{AsyncBufReadExt, BufReader};
///
/// groundup::block_on(async {
///     let mut reader = BufReader::new(&b"HELLO proto/1\nbody"[..]);
///     let mut greeting = String::new();
///     reader.read_line(&mut greeting).await?;
///     assert_eq!(greeting, "HELLO proto/1\n");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Appends bytes to `buf` up to and including `byte`, or to end of
    /// file; returns how many. 0 means end of file.
    ///
    /// # Errors
    ///
    /// The first error of the reader; the bytes read before it are in
    /// `buf`.
    ///
    /// # Cancel safety
    ///
    /// Every byte a cancelled call read is in `buf`, and calling again goes
    /// on reading up to `byte` (tokio's guarantee).
    ///
    /// ```
    /// use groundup::io::AsyncBufReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut input: &[u8] = b"lorem-ipsum";
    ///     let mut buf = Vec::new();
    ///     assert_eq!(input.read_until(b'-', &mut buf).await?, 6);
    ///     assert_eq!(buf, b"lorem-");
    ///     buf.clear();
    ///     assert_eq!(input.read_until(b'-', &mut buf).await?, 5);
    ///     assert_eq!(buf, b"ipsum");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read_until<'a>(
        &'a mut self,
        byte: u8,
        buf: &'a mut Vec<u8>,
    ) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        ReadUntil::new(self, byte, buf)
    }

    /// Appends a line to `buf`, up to and including its `\n` (or to end of
    /// file); returns its length in bytes. 0 means end of file.
    ///
    /// # Errors
    ///
    /// `InvalidData` if the line is not valid UTF-8 (`buf` is then as it
    /// was); otherwise the first error of the reader (`buf` then keeps the
    /// bytes read, up to the last whole character).
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe in tokio's sense: a cancelled call has taken bytes
    /// from the reader. tokio makes no promise about `buf` then; groundup
    /// keeps those bytes in `buf`, up to the last whole character, so
    /// calling again with the same `buf` completes the line unless a
    /// multi-byte character was cut (the next call then fails with
    /// `InvalidData`). For lines in a `select` loop, use
    /// [`lines`](AsyncBufReadExt::lines) and `next_line`, which are cancel
    /// safe.
    ///
    /// ```
    /// use groundup::io::AsyncBufReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut input: &[u8] = b"foo\nbar";
    ///     let mut line = String::new();
    ///     assert_eq!(input.read_line(&mut line).await?, 4);
    ///     assert_eq!(line, "foo\n");
    ///     line.clear();
    ///     assert_eq!(input.read_line(&mut line).await?, 3);
    ///     assert_eq!(line, "bar");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read_line<'a>(
        &'a mut self,
        buf: &'a mut String,
    ) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        ReadLine::new(self, buf)
    }

    /// The buffered bytes, reading more first if none are left; an empty
    /// slice means end of file. Follow with [`consume`](AsyncBufReadExt::consume).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled call has taken nothing (the bytes it read
    /// are in the reader's buffer).
    ///
    /// ```
    /// use groundup::io::AsyncBufReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut input: &[u8] = b"peek";
    ///     assert_eq!(input.fill_buf().await?, b"peek");
    ///     input.consume(2);
    ///     assert_eq!(input.fill_buf().await?, b"ek");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn fill_buf(&mut self) -> impl Future<Output = io::Result<&[u8]>> + '_
    where
        Self: Unpin,
    {
        FillBuf { reader: Some(self) }
    }

    /// Marks `amt` buffered bytes as read.
    ///
    /// ```
    /// use groundup::io::AsyncBufReadExt;
    ///
    /// let mut input: &[u8] = b"skip this";
    /// input.consume(5);
    /// assert_eq!(input, b"this");
    /// ```
    fn consume(&mut self, amt: usize)
    where
        Self: Unpin,
    {
        Pin::new(self).consume(amt)
    }

    /// The lines of this reader, one `next_line().await` each; see
    /// [`Lines`].
    ///
    /// ```
    /// use groundup::io::AsyncBufReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut lines = (&b"lorem\nipsum\r\ndolor"[..]).lines();
    ///     assert_eq!(lines.next_line().await?.as_deref(), Some("lorem"));
    ///     assert_eq!(lines.next_line().await?.as_deref(), Some("ipsum"));
    ///     assert_eq!(lines.next_line().await?.as_deref(), Some("dolor"));
    ///     assert_eq!(lines.next_line().await?, None);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {
        Lines::new(self)
    }

    /// The segments of this reader between occurrences of `byte`, one
    /// `next_segment().await` each; see [`Split`].
    ///
    /// ```
    /// use groundup::io::{AsyncBufReadExt, BufReader};
    ///
    /// groundup::block_on(async {
    ///     // (On a bare `&[u8]`, `split` is the slice's own method: wrap it.)
    ///     let mut words = BufReader::new(&b"a b"[..]).split(b' ');
    ///     assert_eq!(words.next_segment().await?, Some(b"a".to_vec()));
    ///     assert_eq!(words.next_segment().await?, Some(b"b".to_vec()));
    ///     assert_eq!(words.next_segment().await?, None);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn split(self, byte: u8) -> Split<Self>
    where
        Self: Sized + Unpin,
    {
        Split::new(self, byte)
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}

/// The future of [`AsyncBufReadExt::fill_buf`]: holds the reader until the
/// buffer is ready, then hands the borrow over to the slice it returns.
struct FillBuf<'a, R: ?Sized> {
    /// `None` once the slice was returned.
    reader: Option<&'a mut R>,
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> Future for FillBuf<'a, R> {
    type Output = io::Result<&'a [u8]>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&'a [u8]>> {
        let reader = self.reader.take().expect("fill_buf polled after it completed");
        match Pin::new(&mut *reader).poll_fill_buf(cx) {
            Poll::Ready(Ok(slice)) => {
                let slice: *const [u8] = slice;
                // SAFETY: `slice` points into the buffer of `*reader`, which
                // this future borrows mutably for `'a`. `reader` is dropped
                // here, never stored back or used again, so for the rest of
                // `'a` nothing can reach `*reader` except through the slice
                // returned: extending the slice's borrow to `'a` hands over
                // the exclusive borrow, as the borrow checker would accept
                // if it could see that the `Pending` arm does not return the
                // borrow (the known NLL limitation, "problem case #3").
                Poll::Ready(Ok(unsafe { &*slice }))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                self.reader = Some(reader);
                Poll::Pending
            }
        }
    }
}
