//! [`Take`]: a reader cut off after a number of bytes, from
//! [`AsyncReadExt::take`](crate::io::AsyncReadExt::take).
//!
//! Each read asks the inner reader for at most the bytes left, and counts
//! down by what it returned; at 0 the `Take` reads as end of file without
//! asking. An error does not count down, so a later read may succeed. It
//! spends no budget itself: the inner reader does, if it is a leaf.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::io::{AsyncBufRead, AsyncRead};

/// Reads at most `limit` bytes from an inner reader, then end of file.
///
/// ```
/// use groundup::io::AsyncReadExt;
///
/// groundup::block_on(async {
///     let mut first_five = (&b"hello world"[..]).take(5);
///     let mut text = String::new();
///     first_five.read_to_string(&mut text).await?;
///     assert_eq!(text, "hello");
///     assert_eq!(first_five.limit(), 0);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
#[must_use = "a `Take` reads nothing unless polled"]
pub struct Take<R> {
    inner: R,
    limit: u64,
}

impl<R> Take<R> {
    pub(crate) fn new(inner: R, limit: u64) -> Take<R> {
        Take { inner, limit }
    }

    /// The bytes left before end of file.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// assert_eq!((&b"abc"[..]).take(2).limit(), 2);
    /// ```
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Sets the bytes left before end of file, from now: what was read
    /// before does not count against the new limit.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut reader = (&b"abcdef"[..]).take(1);
    ///     let mut out = Vec::new();
    ///     reader.read_to_end(&mut out).await?;
    ///     reader.set_limit(2);
    ///     reader.read_to_end(&mut out).await?;
    ///     assert_eq!(out, b"abc");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_limit(&mut self, limit: u64) {
        self.limit = limit;
    }

    /// The inner reader.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// let take = (&b"abc"[..]).take(2);
    /// assert_eq!(*take.get_ref(), b"abc");
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The inner reader, mutably; reading from it directly does not count
    /// against the limit.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// let mut take = (&b"abc"[..]).take(2);
    /// *take.get_mut() = b"xyz";
    /// assert_eq!(*take.get_ref(), b"xyz");
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The inner reader, pinned, for a `Take` that is pinned.
    ///
    /// ```
    /// use std::pin::pin;
    /// use groundup::io::AsyncReadExt;
    ///
    /// let take = pin!((&b"abc"[..]).take(2));
    /// let inner = take.get_pin_mut();
    /// assert_eq!(*inner, &b"abc"[..]);
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().0
    }

    /// The inner reader back; the bytes not read stay in it.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// let rest: &[u8] = (&b"abc"[..]).take(2).into_inner();
    /// assert_eq!(rest, b"abc");
    /// ```
    pub fn into_inner(self) -> R {
        self.inner
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut u64) {
        // SAFETY: `inner` is pinned structurally: `Take` is `Unpin` only if
        // `R` is (auto trait; `u64` is `Unpin`), it has no `Drop` impl, and
        // `into_inner`, the only move out, takes `self` by value, which a
        // pinned `!Unpin` `Take` cannot give. `limit` is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above; `this.inner` is never moved while pinned.
        (unsafe { Pin::new_unchecked(&mut this.inner) }, &mut this.limit)
    }
}

/// How much of a buffer of `len` bytes a read may use with `limit` left.
fn allowed(len: usize, limit: u64) -> usize {
    usize::try_from(limit).map_or(len, |limit| limit.min(len))
}

impl<R: AsyncRead> AsyncRead for Take<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let (inner, limit) = self.project();
        if *limit == 0 {
            return Poll::Ready(Ok(0));
        }
        let max = allowed(buf.len(), *limit);
        let n = ready!(inner.poll_read(cx, &mut buf[..max]))?;
        assert!(n <= max, "poll_read returned more bytes than it was given room");
        *limit -= n as u64;
        Poll::Ready(Ok(n))
    }
}

impl<R: AsyncBufRead> AsyncBufRead for Take<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let (inner, limit) = self.project();
        if *limit == 0 {
            return Poll::Ready(Ok(&[]));
        }
        let available = ready!(inner.poll_fill_buf(cx))?;
        let max = allowed(available.len(), *limit);
        Poll::Ready(Ok(&available[..max]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let (inner, limit) = self.project();
        let amt = allowed(amt, *limit);
        *limit -= amt as u64;
        inner.consume(amt);
    }
}
