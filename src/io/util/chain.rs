//! [`Chain`]: two readers read one after the other, from
//! [`AsyncReadExt::chain`](crate::io::AsyncReadExt::chain).
//!
//! Reads go to the first reader until it reports end of file (a read of 0
//! bytes into a non-empty buffer), then to the second, for good. It spends
//! no budget itself: each reader does, if it is a leaf.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::io::{AsyncBufRead, AsyncRead};

/// Reads all of one reader, then all of another.
///
/// ```
/// use groundup::io::AsyncReadExt;
///
/// groundup::block_on(async {
///     let mut both = (&b"head "[..]).chain(&b"tail"[..]);
///     let mut text = String::new();
///     both.read_to_string(&mut text).await?;
///     assert_eq!(text, "head tail");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
#[must_use = "a `Chain` reads nothing unless polled"]
pub struct Chain<T, U> {
    first: T,
    second: U,
    done_first: bool,
}

impl<T, U> Chain<T, U> {
    pub(crate) fn new(first: T, second: U) -> Chain<T, U> {
        Chain { first, second, done_first: false }
    }

    /// Both readers.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// let chain = (&b"a"[..]).chain(&b"b"[..]);
    /// let (first, second) = chain.get_ref();
    /// assert_eq!((*first, *second), (&b"a"[..], &b"b"[..]));
    /// ```
    pub fn get_ref(&self) -> (&T, &U) {
        (&self.first, &self.second)
    }

    /// Both readers, mutably.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// let mut chain = (&b"a"[..]).chain(&b"b"[..]);
    /// *chain.get_mut().1 = b"c";
    /// assert_eq!(*chain.get_ref().1, b"c");
    /// ```
    pub fn get_mut(&mut self) -> (&mut T, &mut U) {
        (&mut self.first, &mut self.second)
    }

    /// Both readers, pinned, for a `Chain` that is pinned.
    ///
    /// ```
    /// use std::pin::pin;
    /// use groundup::io::AsyncReadExt;
    ///
    /// let chain = pin!((&b"a"[..]).chain(&b"b"[..]));
    /// let (first, _second) = chain.get_pin_mut();
    /// assert_eq!(*first, &b"a"[..]);
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> (Pin<&mut T>, Pin<&mut U>) {
        let (first, second, _) = self.project();
        (first, second)
    }

    /// Both readers back, with what they have not yet given.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// let (first, second): (&[u8], &[u8]) = (&b"a"[..]).chain(&b"b"[..]).into_inner();
    /// assert_eq!((first, second), (&b"a"[..], &b"b"[..]));
    /// ```
    pub fn into_inner(self) -> (T, U) {
        (self.first, self.second)
    }

    fn project(self: Pin<&mut Self>) -> (Pin<&mut T>, Pin<&mut U>, &mut bool) {
        // SAFETY: `first` and `second` are pinned structurally: `Chain` is
        // `Unpin` only if both are (auto trait), it has no `Drop` impl, and
        // `into_inner`, the only move out, takes `self` by value, which a
        // pinned `!Unpin` `Chain` cannot give. `done_first` is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above; neither field is moved while pinned.
        let first = unsafe { Pin::new_unchecked(&mut this.first) };
        // SAFETY: as above.
        let second = unsafe { Pin::new_unchecked(&mut this.second) };
        (first, second, &mut this.done_first)
    }
}

impl<T: AsyncRead, U: AsyncRead> AsyncRead for Chain<T, U> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let (first, second, done_first) = self.project();
        if !*done_first {
            let n = ready!(first.poll_read(cx, buf))?;
            if n > 0 || buf.is_empty() {
                return Poll::Ready(Ok(n));
            }
            *done_first = true;
        }
        second.poll_read(cx, buf)
    }
}

impl<T: AsyncBufRead, U: AsyncBufRead> AsyncBufRead for Chain<T, U> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let (first, second, done_first) = self.project();
        if !*done_first {
            let available = ready!(first.poll_fill_buf(cx))?;
            if !available.is_empty() {
                return Poll::Ready(Ok(available));
            }
            *done_first = true;
        }
        second.poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let (first, second, done_first) = self.project();
        if *done_first { second.consume(amt) } else { first.consume(amt) }
    }
}
