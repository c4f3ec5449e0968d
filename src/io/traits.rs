//! The four I/O traits: [`AsyncRead`], [`AsyncWrite`], [`AsyncBufRead`] and
//! [`AsyncSeek`], and their forwarding through `&mut T`, `Box<T>` and
//! `Pin<P>`.
//!
//! Each trait is the non-blocking image of a `std::io` trait: a method that
//! would block returns `Poll::Pending` instead, after arranging for the
//! task to be woken when trying again can succeed. The traits carry only the
//! `poll_*` methods an implementation must write; what a caller awaits
//! (`read`, `write_all`, `read_line`, `seek`, …) lives in the `…Ext` traits,
//! implemented once for every type here.
//!
//! The shapes and names are tokio's, with one difference: `poll_read` takes
//! a plain `&mut [u8]` and returns how many bytes it wrote, as
//! `std::io::Read::read` does, where tokio passes a `ReadBuf` (a buffer
//! that may be partly uninitialised and tracks its own fill level). The
//! `io` module documentation says what that means for porting.
//!
//! Forwarding: a `&mut T` or `Box<T>` is whatever `T` is (for `T: Unpin`,
//! because the reference may be moved while `T` must not); a `Pin<P>` is
//! whatever its target is, which lets a `Pin<Box<dyn AsyncRead>>` be used
//! where an `Unpin` reader is wanted. Every provided method is forwarded too,
//! so a wrapper never hides that its target writes vectored.

use std::io::{self, IoSlice, SeekFrom};
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Reads bytes asynchronously: the non-blocking counterpart of
/// `std::io::Read`.
///
/// `poll_read` either reads some bytes into `buf` now (`Ready(Ok(n))`, with
/// `n <= buf.len()`, and `n == 0` meaning end of file when `buf` is not
/// empty), or arranges for the task to be woken when it can (`Pending`).
/// The bytes of `buf` are initialised but hold nothing in particular on
/// entry: an implementation writes into `buf` and must not expect anything
/// of what it finds there. Await it through
/// [`AsyncReadExt`](super::AsyncReadExt).
///
/// ```
/// use std::pin::Pin;
/// use std::task::{Context, Poll};
/// use groundup::io::{AsyncRead, AsyncReadExt};
///
/// /// Reads as an endless run of `b'z'`.
/// struct Zs;
///
/// impl AsyncRead for Zs {
///     fn poll_read(
///         self: Pin<&mut Self>,
///         _: &mut Context<'_>,
///         buf: &mut [u8],
///     ) -> Poll<std::io::Result<usize>> {
///         buf.fill(b'z');
///         Poll::Ready(Ok(buf.len()))
///     }
/// }
///
/// groundup::block_on(async {
///     let mut three = [0; 3];
///     Zs.read_exact(&mut three).await?;
///     assert_eq!(&three, b"zzz");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub trait AsyncRead {
    /// Attempts to read into `buf`; see the trait documentation.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use groundup::io::AsyncRead;
    ///
    /// groundup::block_on(async {
    ///     let mut input: &[u8] = b"polled";
    ///     let mut buf = [0; 4];
    ///     let n = poll_fn(|cx| Pin::new(&mut input).poll_read(cx, &mut buf)).await?;
    ///     assert_eq!(&buf[..n], b"poll");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>>;
}

/// Writes bytes asynchronously: the non-blocking counterpart of
/// `std::io::Write`, plus `poll_shutdown` to close the writing half.
///
/// `poll_write` writes some bytes of `buf` (`Ready(Ok(n))`, `n <= buf.len()`;
/// `0` for a non-empty `buf` means the writer can take no more) or waits.
/// Await it through [`AsyncWriteExt`](super::AsyncWriteExt).
///
/// ```
/// use std::pin::Pin;
/// use std::task::{Context, Poll};
/// use groundup::io::{AsyncWrite, AsyncWriteExt};
///
/// /// Counts the bytes written to it.
/// struct Counter(usize);
///
/// impl AsyncWrite for Counter {
///     fn poll_write(
///         mut self: Pin<&mut Self>,
///         _: &mut Context<'_>,
///         buf: &[u8],
///     ) -> Poll<std::io::Result<usize>> {
///         self.0 += buf.len();
///         Poll::Ready(Ok(buf.len()))
///     }
///     fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
///         Poll::Ready(Ok(()))
///     }
///     fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
///         Poll::Ready(Ok(()))
///     }
/// }
///
/// groundup::block_on(async {
///     let mut counter = Counter(0);
///     counter.write_all(b"twelve bytes").await?;
///     assert_eq!(counter.0, 12);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub trait AsyncWrite {
    /// Attempts to write from `buf`; `Ready(Ok(n))` wrote `n` bytes.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use groundup::io::AsyncWrite;
    ///
    /// groundup::block_on(async {
    ///     let mut out = Vec::new();
    ///     let n = poll_fn(|cx| Pin::new(&mut out).poll_write(cx, b"bytes")).await?;
    ///     assert_eq!((n, &out[..]), (5, &b"bytes"[..]));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>>;

    /// Attempts to flush buffered data to its destination.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use groundup::io::{AsyncWrite, BufWriter};
    ///
    /// groundup::block_on(async {
    ///     let mut out = BufWriter::new(Vec::new());
    ///     poll_fn(|cx| Pin::new(&mut out).poll_write(cx, b"held")).await?;
    ///     poll_fn(|cx| Pin::new(&mut out).poll_flush(cx)).await?;
    ///     assert_eq!(out.get_ref(), b"held");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>>;

    /// Attempts to close the writing half (for a TCP stream: send a FIN, so
    /// the peer reads end of file while this side can still read). A
    /// buffering writer writes out its buffer first.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use groundup::io::{self, AsyncReadExt, AsyncWrite};
    ///
    /// groundup::block_on(async {
    ///     let (mut near, mut far) = io::duplex(8);
    ///     poll_fn(|cx| Pin::new(&mut near).poll_shutdown(cx)).await?;
    ///     assert_eq!(far.read(&mut [0; 8]).await?, 0); // end of file
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>>;

    /// Attempts to write from several buffers, in order, as one write
    /// (`writev(2)`); returns the bytes written, which may end inside any
    /// of them.
    ///
    /// The default writes the first non-empty buffer with `poll_write`, and
    /// [`is_write_vectored`](AsyncWrite::is_write_vectored) says `false`, so
    /// callers know that gathering buffers gains nothing here.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::IoSlice;
    /// use std::pin::Pin;
    /// use groundup::io::AsyncWrite;
    ///
    /// groundup::block_on(async {
    ///     let mut out = Vec::new();
    ///     let bufs = [IoSlice::new(b"ab"), IoSlice::new(b"cd")];
    ///     let n = poll_fn(|cx| Pin::new(&mut out).poll_write_vectored(cx, &bufs)).await?;
    ///     assert_eq!((n, &out[..]), (4, &b"abcd"[..]));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let first = bufs.iter().find(|b| !b.is_empty()).map_or(&[][..], |b| &**b);
        self.poll_write(cx, first)
    }

    /// Whether [`poll_write_vectored`](AsyncWrite::poll_write_vectored) does
    /// better than writing the buffers one by one. `false` by default.
    ///
    /// ```
    /// use groundup::io::{self, AsyncWrite, BufWriter};
    ///
    /// assert!(Vec::<u8>::new().is_write_vectored());
    /// assert!(BufWriter::new(io::sink()).is_write_vectored());
    /// ```
    fn is_write_vectored(&self) -> bool {
        false
    }
}

/// Reads through an internal buffer, which lets a caller look at the bytes
/// before deciding how many to take: the non-blocking counterpart of
/// `std::io::BufRead`. [`BufReader`](super::BufReader) gives any reader one.
///
/// `poll_fill_buf` returns the buffered bytes, reading more first if none
/// are left (an empty slice then means end of file); `consume(n)` marks `n`
/// of them as used. Await it through
/// [`AsyncBufReadExt`](super::AsyncBufReadExt).
///
/// ```
/// use groundup::io::AsyncBufReadExt;
///
/// groundup::block_on(async {
///     let mut input: &[u8] = b"key=value";
///     let buffered = input.fill_buf().await?;
///     let key_len = buffered.iter().position(|&b| b == b'=').unwrap();
///     input.consume(key_len + 1);
///     assert_eq!(input, b"value");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub trait AsyncBufRead: AsyncRead {
    /// Attempts to return the buffered bytes, filling the buffer first if it
    /// is empty.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use groundup::io::{AsyncBufRead, BufReader};
    ///
    /// groundup::block_on(async {
    ///     let mut reader = BufReader::with_capacity(3, &b"abcdef"[..]);
    ///     let n = poll_fn(|cx| Pin::new(&mut reader).poll_fill_buf(cx).map_ok(|b| b.len())).await?;
    ///     assert_eq!(n, 3);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>>;

    /// Marks `amt` buffered bytes as read; they will not be returned again.
    /// `amt` should be at most the length `poll_fill_buf` last returned;
    /// more is treated as all of it.
    ///
    /// ```
    /// use std::pin::Pin;
    /// use groundup::io::AsyncBufRead;
    ///
    /// let mut input: &[u8] = b"header|body";
    /// Pin::new(&mut input).consume(7);
    /// assert_eq!(input, b"body");
    /// ```
    fn consume(self: Pin<&mut Self>, amt: usize);
}

/// Moves the position of a stream asynchronously: the non-blocking
/// counterpart of `std::io::Seek`, in two steps because a seek on a file
/// may have to wait for a read or write in flight.
///
/// `start_seek` submits the move; `poll_complete` waits for it and returns
/// the new position from the start. `poll_complete` with no seek submitted
/// returns the current position once any earlier operation is done. Await
/// it through [`AsyncSeekExt`](super::AsyncSeekExt).
///
/// ```
/// use std::io::{Cursor, SeekFrom};
/// use groundup::io::AsyncSeekExt;
///
/// groundup::block_on(async {
///     let mut cursor = Cursor::new(b"0123456789".to_vec());
///     assert_eq!(cursor.seek(SeekFrom::End(-3)).await?, 7);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub trait AsyncSeek {
    /// Submits a seek to `position`. An error here means the seek was not
    /// started (an invalid position may also be reported by
    /// `poll_complete`).
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::{Cursor, SeekFrom};
    /// use std::pin::Pin;
    /// use groundup::io::AsyncSeek;
    ///
    /// groundup::block_on(async {
    ///     let mut cursor = Cursor::new(vec![0u8; 10]);
    ///     Pin::new(&mut cursor).start_seek(SeekFrom::Start(6))?;
    ///     let position = poll_fn(|cx| Pin::new(&mut cursor).poll_complete(cx)).await?;
    ///     assert_eq!(position, 6);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()>;

    /// Waits for the submitted seek (or, without one, for any operation in
    /// flight) and returns the position from the start of the stream.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::io::Cursor;
    /// use std::pin::Pin;
    /// use groundup::io::AsyncSeek;
    ///
    /// groundup::block_on(async {
    ///     let mut cursor = Cursor::new(vec![0u8; 10]);
    ///     cursor.set_position(3);
    ///     // No seek submitted: the current position.
    ///     assert_eq!(poll_fn(|cx| Pin::new(&mut cursor).poll_complete(cx)).await?, 3);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>>;
}

// --- forwarding through `&mut T` and `Box<T>` --------------------------------

macro_rules! deref_read {
    () => {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut [u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut **self).poll_read(cx, buf)
        }
    };
}

macro_rules! deref_write {
    () => {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut **self).poll_write(cx, buf)
        }

        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut **self).poll_flush(cx)
        }

        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut **self).poll_shutdown(cx)
        }

        fn poll_write_vectored(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut **self).poll_write_vectored(cx, bufs)
        }

        fn is_write_vectored(&self) -> bool {
            (**self).is_write_vectored()
        }
    };
}

macro_rules! deref_buf_read {
    () => {
        fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
            Pin::new(&mut **self.get_mut()).poll_fill_buf(cx)
        }

        fn consume(mut self: Pin<&mut Self>, amt: usize) {
            Pin::new(&mut **self).consume(amt)
        }
    };
}

macro_rules! deref_seek {
    () => {
        fn start_seek(mut self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
            Pin::new(&mut **self).start_seek(position)
        }

        fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
            Pin::new(&mut **self).poll_complete(cx)
        }
    };
}

impl<T: AsyncRead + Unpin + ?Sized> AsyncRead for &mut T {
    deref_read!();
}

impl<T: AsyncRead + Unpin + ?Sized> AsyncRead for Box<T> {
    deref_read!();
}

impl<T: AsyncWrite + Unpin + ?Sized> AsyncWrite for &mut T {
    deref_write!();
}

impl<T: AsyncWrite + Unpin + ?Sized> AsyncWrite for Box<T> {
    deref_write!();
}

impl<T: AsyncBufRead + Unpin + ?Sized> AsyncBufRead for &mut T {
    deref_buf_read!();
}

impl<T: AsyncBufRead + Unpin + ?Sized> AsyncBufRead for Box<T> {
    deref_buf_read!();
}

impl<T: AsyncSeek + Unpin + ?Sized> AsyncSeek for &mut T {
    deref_seek!();
}

impl<T: AsyncSeek + Unpin + ?Sized> AsyncSeek for Box<T> {
    deref_seek!();
}

// --- forwarding through `Pin<P>` ---------------------------------------------

impl<P> AsyncRead for Pin<P>
where
    P: DerefMut + Unpin,
    P::Target: AsyncRead,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().as_mut().poll_read(cx, buf)
    }
}

impl<P> AsyncWrite for Pin<P>
where
    P: DerefMut + Unpin,
    P::Target: AsyncWrite,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().as_mut().poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().as_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().as_mut().poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().as_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        (**self).is_write_vectored()
    }
}

impl<P> AsyncBufRead for Pin<P>
where
    P: DerefMut + Unpin,
    P::Target: AsyncBufRead,
{
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.get_mut().as_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_mut().as_mut().consume(amt)
    }
}

impl<P> AsyncSeek for Pin<P>
where
    P: DerefMut + Unpin,
    P::Target: AsyncSeek,
{
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        self.get_mut().as_mut().start_seek(position)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        self.get_mut().as_mut().poll_complete(cx)
    }
}
