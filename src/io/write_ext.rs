//! [`AsyncWriteExt`]: what a caller awaits on any [`AsyncWrite`].
//!
//! tokio's names and results. Where tokio takes a `bytes::Buf`
//! (`write_buf`, `write_all_buf`), these take `&mut &[u8]`: a byte slice
//! that the call advances past what it wrote, which is also what tokio does
//! with the `&[u8]` it accepts as a `Buf` (see the `io` module docs).

use std::future::{Future, poll_fn};
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::Poll;

use super::AsyncWrite;
use super::util::write_all::{poll_write_all, poll_write_all_buf};
use super::util::write_int::WriteInt;

/// The `write_*` number methods: encoder and a doctest output.
macro_rules! write_numbers {
    ($(
        $name:ident($ty:ident), $encode:ident, $order:literal,
        $value:expr => [$($byte:literal),*];
    )*) => {$(
        #[doc = concat!("Writes a `", stringify!($ty), "` ", $order, ".")]
        ///
        /// A buffered writer saves a system call per number.
        ///
        /// # Errors
        ///
        /// As [`write_all`](AsyncWriteExt::write_all).
        ///
        /// # Cancel safety
        ///
        /// Not cancel safe (except for one byte, which is written or not):
        /// a cancelled call may have written a prefix of the number.
        ///
        /// ```
        /// use groundup::io::AsyncWriteExt;
        ///
        /// groundup::block_on(async {
        ///     let mut out = Vec::new();
        #[doc = concat!("    out.", stringify!($name), "(", stringify!($value), ").await?;")]
        #[doc = concat!("    assert_eq!(out, ", stringify!([$($byte),*]), ");")]
        ///     std::io::Result::Ok(())
        /// })?;
        /// # std::io::Result::Ok(())
        /// ```
        fn $name(&mut self, n: $ty) -> impl Future<Output = io::Result<()>> + '_
        where
            Self: Unpin,
        {
            WriteInt::new(self, n.$encode())
        }
    )*};
}

/// Writing, as futures, for every [`AsyncWrite`]: `write`, `write_all`,
/// vectored writes, the numbers in both byte orders, `flush` and
/// `shutdown`.
///
/// ```
/// use groundup::io::AsyncWriteExt;
///
/// groundup::block_on(async {
///     let mut out = Vec::new();
///     out.write_u16(5).await?;
///     out.write_all(b"hello").await?;
///     out.flush().await?;
///     assert_eq!(out, b"\x00\x05hello");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes some bytes of `buf` (one attempt) and returns how many.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled call has written nothing.
    ///
    /// ```
    /// use groundup::io::AsyncWriteExt;
    ///
    /// groundup::block_on(async {
    ///     let mut out = Vec::new();
    ///     assert_eq!(out.write(b"abc").await?, 3);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn write<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_write(cx, buf))
    }

    /// Writes from several buffers, in order, in one attempt
    /// ([`AsyncWrite::poll_write_vectored`]); returns the bytes written,
    /// which may end inside any buffer.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled call has written nothing.
    ///
    /// ```
    /// use std::io::IoSlice;
    /// use groundup::io::AsyncWriteExt;
    ///
    /// groundup::block_on(async {
    ///     let mut out = Vec::new();
    ///     let parts = [IoSlice::new(b"head"), IoSlice::new(b"er: "), IoSlice::new(b"x")];
    ///     assert_eq!(out.write_vectored(&parts).await?, 9);
    ///     assert_eq!(out, b"header: x");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn write_vectored<'a, 'b>(
        &'a mut self,
        bufs: &'a [IoSlice<'b>],
    ) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_write_vectored(cx, bufs))
    }

    /// Writes some bytes of `src` (one attempt), advances `src` past them,
    /// and returns how many. tokio's `write_buf` takes any `bytes::Buf`;
    /// this takes the byte slice, which tokio's also accepts.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled call has written nothing and left `src` as
    /// it was.
    ///
    /// ```
    /// use groundup::io::AsyncWriteExt;
    ///
    /// groundup::block_on(async {
    ///     let mut out = Vec::new();
    ///     let mut src: &[u8] = b"some bytes";
    ///     while !src.is_empty() {
    ///         out.write_buf(&mut src).await?;
    ///     }
    ///     assert_eq!(out, b"some bytes");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn write_buf<'a>(
        &'a mut self,
        src: &'a mut &[u8],
    ) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        poll_fn(move |cx| {
            let n = std::task::ready!(Pin::new(&mut *self).poll_write(cx, src))?;
            *src = &src[n..];
            Poll::Ready(Ok(n))
        })
    }

    /// Writes all of `src`, advancing it past each byte written.
    ///
    /// # Errors
    ///
    /// The first error of a write (`src` then starts at the first byte not
    /// written), or `WriteZero` if the writer accepts no byte.
    ///
    /// # Cancel safety
    ///
    /// A cancelled call may have written part of `src`, and `src` has been
    /// advanced past exactly that part: calling again writes the rest
    /// (tokio's guarantee).
    ///
    /// ```
    /// use groundup::io::AsyncWriteExt;
    ///
    /// groundup::block_on(async {
    ///     let mut out = Vec::new();
    ///     let mut src: &[u8] = b"everything";
    ///     out.write_all_buf(&mut src).await?;
    ///     assert!(src.is_empty());
    ///     assert_eq!(out, b"everything");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn write_all_buf<'a>(
        &'a mut self,
        src: &'a mut &[u8],
    ) -> impl Future<Output = io::Result<()>> + 'a
    where
        Self: Unpin,
    {
        poll_fn(move |cx| poll_write_all_buf(Pin::new(&mut *self), cx, src))
    }

    /// Writes all of `buf`.
    ///
    /// # Errors
    ///
    /// The first error of a write, or `WriteZero` if the writer accepts no
    /// byte.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: a cancelled call may have written a prefix of `buf`,
    /// and a new call starts over from its beginning.
    ///
    /// ```
    /// use groundup::io::AsyncWriteExt;
    ///
    /// groundup::block_on(async {
    ///     let mut out = Vec::new();
    ///     out.write_all(b"all of it").await?;
    ///     assert_eq!(out, b"all of it");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<()>> + 'a
    where
        Self: Unpin,
    {
        let mut written = 0;
        poll_fn(move |cx| poll_write_all(Pin::new(&mut *self), cx, buf, &mut written))
    }

    write_numbers! {
        write_u8(u8), to_be_bytes, "", 255 => [0xff];
        write_i8(i8), to_be_bytes, "", -5 => [0xfb];
        write_u16(u16), to_be_bytes, "in big-endian order", 0x0102 => [0x01, 0x02];
        write_u16_le(u16), to_le_bytes, "in little-endian order", 0x0102 => [0x02, 0x01];
        write_i16(i16), to_be_bytes, "in big-endian order", -2 => [0xff, 0xfe];
        write_i16_le(i16), to_le_bytes, "in little-endian order", -2 => [0xfe, 0xff];
        write_u32(u32), to_be_bytes, "in big-endian order",
            0x0102_0304 => [0x01, 0x02, 0x03, 0x04];
        write_u32_le(u32), to_le_bytes, "in little-endian order",
            0x0102_0304 => [0x04, 0x03, 0x02, 0x01];
        write_i32(i32), to_be_bytes, "in big-endian order", -2 => [0xff, 0xff, 0xff, 0xfe];
        write_i32_le(i32), to_le_bytes, "in little-endian order",
            -2 => [0xfe, 0xff, 0xff, 0xff];
        write_u64(u64), to_be_bytes, "in big-endian order",
            0x0102_0304_0506_0708 => [1, 2, 3, 4, 5, 6, 7, 8];
        write_u64_le(u64), to_le_bytes, "in little-endian order",
            0x0102_0304_0506_0708 => [8, 7, 6, 5, 4, 3, 2, 1];
        write_i64(i64), to_be_bytes, "in big-endian order",
            -2 => [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe];
        write_i64_le(i64), to_le_bytes, "in little-endian order",
            -2 => [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        write_u128(u128), to_be_bytes, "in big-endian order",
            0x0001_0203_0405_0607_0809_0a0b_0c0d_0e0f
            => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
        write_u128_le(u128), to_le_bytes, "in little-endian order",
            0x0001_0203_0405_0607_0809_0a0b_0c0d_0e0f
            => [15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
        write_i128(i128), to_be_bytes, "in big-endian order",
            -2 => [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe];
        write_i128_le(i128), to_le_bytes, "in little-endian order",
            -2 => [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        write_f32(f32), to_be_bytes, "in big-endian order", 1.5 => [0x3f, 0xc0, 0x00, 0x00];
        write_f32_le(f32), to_le_bytes, "in little-endian order",
            1.5 => [0x00, 0x00, 0xc0, 0x3f];
        write_f64(f64), to_be_bytes, "in big-endian order",
            1.5 => [0x3f, 0xf8, 0, 0, 0, 0, 0, 0];
        write_f64_le(f64), to_le_bytes, "in little-endian order",
            1.5 => [0, 0, 0, 0, 0, 0, 0xf8, 0x3f];
    }

    /// Flushes buffered data to its destination.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe (tokio's guarantee): a cancelled flush may have written
    /// part of the buffered data, and the buffer no longer holds that part,
    /// so nothing is written twice; flushing again writes the rest.
    ///
    /// ```
    /// use groundup::io::{AsyncWriteExt, BufWriter};
    ///
    /// groundup::block_on(async {
    ///     let mut out = BufWriter::new(Vec::new());
    ///     out.write_all(b"buffered").await?;
    ///     out.flush().await?;
    ///     assert_eq!(out.get_ref(), b"buffered");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn flush(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_flush(cx))
    }

    /// Writes out buffered data and closes the writing half; see
    /// [`AsyncWrite::poll_shutdown`]. After it, write nothing more.
    ///
    /// # Cancel safety
    ///
    /// As `flush` for the buffered data; the close itself happens at most
    /// once, and calling again finishes it.
    ///
    /// ```
    /// use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
    ///
    /// groundup::block_on(async {
    ///     let (mut near, mut far) = io::duplex(16);
    ///     near.write_all(b"bye").await?;
    ///     near.shutdown().await?;
    ///     let mut got = Vec::new();
    ///     far.read_to_end(&mut got).await?; // ends: the other side shut down
    ///     assert_eq!(got, b"bye");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn shutdown(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_shutdown(cx))
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}
