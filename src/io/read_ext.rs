//! [`AsyncReadExt`]: what a caller awaits on any [`AsyncRead`].
//!
//! Each method returns a future over `&mut self`; the state machines live
//! in `io::util` (one file each, with what cancelling them loses). The
//! names, arguments and results are tokio's, except that the byte-buffer
//! methods take `Vec<u8>` where tokio takes any `bytes::BufMut` (see the
//! `io` module docs).

use std::future::{Future, poll_fn};
use std::io;
use std::pin::Pin;

use super::AsyncRead;
use super::util::read_exact::poll_read_exact;
use super::util::read_int::ReadInt;
use super::util::read_to_end::{ReadBufVec, ReadToEnd, ReadToString};
use super::util::{Chain, Take};

/// The cancel-safety paragraph of a number reader, by width.
macro_rules! number_cancel_safety {
    (1) => {
        "Cancel safe: the one byte is either read or not."
    };
    ($n:literal) => {
        "Not cancel safe: a cancelled call may have read some of the bytes, \
         which are then lost."
    };
}

/// The `read_*` number methods: width, decoder, and a doctest input.
macro_rules! read_numbers {
    ($(
        $name:ident -> $ty:ident, $n:tt, $decode:ident, $order:literal,
        [$($byte:literal),*] => $value:expr;
    )*) => {$(
        #[doc = concat!("Reads a `", stringify!($ty), "` ", $order, " (", stringify!($n),
            " byte", number_plural!($n), ").")]
        ///
        /// A buffered reader saves a system call per number.
        ///
        /// # Errors
        ///
        /// As [`read_exact`](AsyncReadExt::read_exact): `UnexpectedEof` if
        /// the reader ends first, or what the reader returns.
        ///
        /// # Cancel safety
        ///
        #[doc = number_cancel_safety!($n)]
        ///
        /// ```
        /// use groundup::io::AsyncReadExt;
        ///
        /// groundup::block_on(async {
        #[doc = concat!("    let mut input: &[u8] = &", stringify!([$($byte),*]), ";")]
        #[doc = concat!("    assert_eq!(input.", stringify!($name), "().await?, ",
            stringify!($value), ");")]
        ///     std::io::Result::Ok(())
        /// })?;
        /// # std::io::Result::Ok(())
        /// ```
        fn $name(&mut self) -> impl Future<Output = io::Result<$ty>> + '_
        where
            Self: Unpin,
        {
            ReadInt::<Self, $n, $ty>::new(self, $ty::$decode)
        }
    )*};
}

/// "" for one byte, "s" for more.
macro_rules! number_plural {
    (1) => {
        ""
    };
    ($n:tt) => {
        "s"
    };
}

/// Reading, as futures, for every [`AsyncRead`]: `read`, `read_exact`,
/// `read_to_end`, `read_to_string`, the numbers in both byte orders, and
/// the `take` and `chain` adapters.
///
/// ```
/// use groundup::io::AsyncReadExt;
///
/// groundup::block_on(async {
///     let mut input: &[u8] = b"\x00\x05hello world";
///     let len = input.read_u16().await?;
///     let mut word = vec![0u8; len.into()];
///     input.read_exact(&mut word).await?;
///     let mut rest = String::new();
///     input.read_to_string(&mut rest).await?;
///     assert_eq!((&word[..], &rest[..]), (&b"hello"[..], " world"));
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub trait AsyncReadExt: AsyncRead {
    /// Reads some bytes into `buf` and returns how many; 0 means end of
    /// file (or an empty `buf`).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled call has read nothing.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut input: &[u8] = b"abc";
    ///     let mut buf = [0; 8];
    ///     assert_eq!(input.read(&mut buf).await?, 3);
    ///     assert_eq!(input.read(&mut buf).await?, 0); // end of file
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        poll_fn(move |cx| Pin::new(&mut *self).poll_read(cx, buf))
    }

    /// Reads some bytes onto the end of `buf`, into its spare capacity
    /// (first growing it by 64 bytes if it has none); returns how many,
    /// 0 meaning end of file. One read, as tokio's `read_buf`, which takes
    /// any `bytes::BufMut` where this takes a `Vec<u8>`.
    ///
    /// The spare capacity is zeroed once per call before the read (a
    /// `poll_read` needs initialised bytes), so give `buf` a capacity near
    /// what one read returns, not far more.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a cancelled call has read nothing and left `buf` as it
    /// was.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut input: &[u8] = b"appended";
    ///     let mut buf = b"> ".to_vec();
    ///     let n = input.read_buf(&mut buf).await?;
    ///     assert_eq!((n, &buf[..]), (8, &b"> appended"[..]));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read_buf<'a>(
        &'a mut self,
        buf: &'a mut Vec<u8>,
    ) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        ReadBufVec::new(self, buf)
    }

    /// Reads exactly `buf.len()` bytes.
    ///
    /// # Errors
    ///
    /// `UnexpectedEof` if the reader ends first (the contents of `buf` are
    /// then unspecified), or the first error the reader returns.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: a cancelled call may have read some bytes into
    /// `buf`, and does not say how many.
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut input: &[u8] = b"hello world";
    ///     let mut word = [0u8; 5];
    ///     input.read_exact(&mut word).await?;
    ///     assert_eq!(&word, b"hello");
    ///     let mut too_much = [0u8; 64];
    ///     let error = input.read_exact(&mut too_much).await.unwrap_err();
    ///     assert_eq!(error.kind(), std::io::ErrorKind::UnexpectedEof);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<()>> + 'a
    where
        Self: Unpin,
    {
        let mut filled = 0;
        poll_fn(move |cx| poll_read_exact(Pin::new(&mut *self), cx, buf, &mut filled))
    }

    /// Reads until end of file, appending to `buf`; returns the number of
    /// bytes read.
    ///
    /// Each byte of `buf` is initialised once, however many polls the read
    /// takes (see `io/util/read_to_end.rs`).
    ///
    /// # Errors
    ///
    /// The first error the reader returns; the bytes read before it are in
    /// `buf`.
    ///
    /// # Cancel safety
    ///
    /// Every byte read by a cancelled call is in `buf`; calling again goes
    /// on from there (tokio documents nothing here and does the same).
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut input: &[u8] = b" world";
    ///     let mut buf = b"hello".to_vec();
    ///     assert_eq!(input.read_to_end(&mut buf).await?, 6);
    ///     assert_eq!(buf, b"hello world");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read_to_end<'a>(
        &'a mut self,
        buf: &'a mut Vec<u8>,
    ) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        ReadToEnd::new(self, buf)
    }

    /// Reads until end of file, appending to `buf`; returns the number of
    /// bytes read.
    ///
    /// # Errors
    ///
    /// `InvalidData` if the bytes are not valid UTF-8 (`buf` is then as it
    /// was before the call); otherwise the first error the reader returns
    /// (`buf` then keeps the bytes read, up to the last whole character).
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe in tokio's sense: a cancelled call has taken bytes
    /// from the reader. groundup keeps them in `buf`, up to the last whole
    /// character (tokio leaves `buf` unspecified).
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut input: &[u8] = "grüße".as_bytes();
    ///     let mut text = String::new();
    ///     assert_eq!(input.read_to_string(&mut text).await?, 7);
    ///     assert_eq!(text, "grüße");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read_to_string<'a>(
        &'a mut self,
        buf: &'a mut String,
    ) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        ReadToString::new(self, buf)
    }

    read_numbers! {
        read_u8 -> u8, 1, from_be_bytes, "", [0xff] => 255;
        read_i8 -> i8, 1, from_be_bytes, "", [0xfb] => -5;
        read_u16 -> u16, 2, from_be_bytes, "in big-endian order", [0x01, 0x02] => 0x0102;
        read_u16_le -> u16, 2, from_le_bytes, "in little-endian order", [0x02, 0x01] => 0x0102;
        read_i16 -> i16, 2, from_be_bytes, "in big-endian order", [0xff, 0xfe] => -2;
        read_i16_le -> i16, 2, from_le_bytes, "in little-endian order", [0xfe, 0xff] => -2;
        read_u32 -> u32, 4, from_be_bytes, "in big-endian order",
            [0x01, 0x02, 0x03, 0x04] => 0x0102_0304;
        read_u32_le -> u32, 4, from_le_bytes, "in little-endian order",
            [0x04, 0x03, 0x02, 0x01] => 0x0102_0304;
        read_i32 -> i32, 4, from_be_bytes, "in big-endian order",
            [0xff, 0xff, 0xff, 0xfe] => -2;
        read_i32_le -> i32, 4, from_le_bytes, "in little-endian order",
            [0xfe, 0xff, 0xff, 0xff] => -2;
        read_u64 -> u64, 8, from_be_bytes, "in big-endian order",
            [1, 2, 3, 4, 5, 6, 7, 8] => 0x0102_0304_0506_0708;
        read_u64_le -> u64, 8, from_le_bytes, "in little-endian order",
            [8, 7, 6, 5, 4, 3, 2, 1] => 0x0102_0304_0506_0708;
        read_i64 -> i64, 8, from_be_bytes, "in big-endian order",
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe] => -2;
        read_i64_le -> i64, 8, from_le_bytes, "in little-endian order",
            [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff] => -2;
        read_u128 -> u128, 16, from_be_bytes, "in big-endian order",
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
            => 0x0001_0203_0405_0607_0809_0a0b_0c0d_0e0f;
        read_u128_le -> u128, 16, from_le_bytes, "in little-endian order",
            [15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
            => 0x0001_0203_0405_0607_0809_0a0b_0c0d_0e0f;
        read_i128 -> i128, 16, from_be_bytes, "in big-endian order",
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
             0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe] => -2;
        read_i128_le -> i128, 16, from_le_bytes, "in little-endian order",
            [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
             0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff] => -2;
        read_f32 -> f32, 4, from_be_bytes, "in big-endian order",
            [0x3f, 0xc0, 0x00, 0x00] => 1.5;
        read_f32_le -> f32, 4, from_le_bytes, "in little-endian order",
            [0x00, 0x00, 0xc0, 0x3f] => 1.5;
        read_f64 -> f64, 8, from_be_bytes, "in big-endian order",
            [0x3f, 0xf8, 0, 0, 0, 0, 0, 0] => 1.5;
        read_f64_le -> f64, 8, from_le_bytes, "in little-endian order",
            [0, 0, 0, 0, 0, 0, 0xf8, 0x3f] => 1.5;
    }

    /// Reads at most `limit` bytes from this reader, then end of file; see
    /// [`Take`].
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut head = Vec::new();
    ///     (&b"header|body"[..]).take(6).read_to_end(&mut head).await?;
    ///     assert_eq!(head, b"header");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        Take::new(self, limit)
    }

    /// Reads all of this reader, then all of `next`; see [`Chain`].
    ///
    /// ```
    /// use groundup::io::AsyncReadExt;
    ///
    /// groundup::block_on(async {
    ///     let mut both = Vec::new();
    ///     (&b"one,"[..]).chain(&b"two"[..]).read_to_end(&mut both).await?;
    ///     assert_eq!(both, b"one,two");
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn chain<R: AsyncRead>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
    {
        Chain::new(self, next)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}
