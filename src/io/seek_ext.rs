//! [`AsyncSeekExt`]: `seek`, `rewind` and `stream_position` as futures,
//! for every [`AsyncSeek`] (the files of the coming `fs` module, a
//! `Cursor`, the buffered types over a seekable stream).
//!
//! A seek is two steps (`start_seek`, then `poll_complete`). The future
//! first lets any operation in flight complete, then submits the seek, then
//! waits for it.
//!
//! Cancel safety: once submitted, a seek happens even if the future is
//! dropped, and the position is then unknown to the caller;
//! `stream_position` tells it. tokio documents nothing here and behaves the
//! same.

use std::future::{Future, poll_fn};
use std::io::{self, SeekFrom};
use std::pin::Pin;
use std::task::ready;

use super::AsyncSeek;

/// Moving in a stream, as futures, for every [`AsyncSeek`].
///
/// ```
/// use std::io::{Cursor, SeekFrom};
/// use groundup::io::{AsyncReadExt, AsyncSeekExt};
///
/// groundup::block_on(async {
///     let mut file = Cursor::new(b"header:body".to_vec());
///     file.seek(SeekFrom::Start(7)).await?;
///     let mut body = String::new();
///     file.read_to_string(&mut body).await?;
///     assert_eq!(body, "body");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub trait AsyncSeekExt: AsyncSeek {
    /// Moves to `position`; returns the new position from the start.
    ///
    /// # Errors
    ///
    /// What the stream returns, e.g. `InvalidInput` for a position before
    /// the start.
    ///
    /// ```
    /// use std::io::{Cursor, SeekFrom};
    /// use groundup::io::AsyncSeekExt;
    ///
    /// groundup::block_on(async {
    ///     let mut cursor = Cursor::new(vec![0u8; 10]);
    ///     assert_eq!(cursor.seek(SeekFrom::End(-2)).await?, 8);
    ///     assert_eq!(cursor.seek(SeekFrom::Current(-3)).await?, 5);
    ///     assert!(cursor.seek(SeekFrom::Current(-6)).await.is_err());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn seek(&mut self, position: SeekFrom) -> impl Future<Output = io::Result<u64>> + '_
    where
        Self: Unpin,
    {
        let mut to_submit = Some(position);
        poll_fn(move |cx| {
            let mut this = Pin::new(&mut *self);
            if let Some(position) = to_submit {
                // Whatever an earlier operation in flight returns is not
                // this seek's result; wait for it and ignore it.
                let _ = ready!(this.as_mut().poll_complete(cx));
                this.as_mut().start_seek(position)?;
                to_submit = None;
            }
            this.poll_complete(cx)
        })
    }

    /// Moves to the start.
    ///
    /// ```
    /// use std::io::{Cursor, SeekFrom};
    /// use groundup::io::{AsyncReadExt, AsyncSeekExt};
    ///
    /// groundup::block_on(async {
    ///     let mut cursor = Cursor::new(b"again".to_vec());
    ///     let mut first = Vec::new();
    ///     cursor.read_to_end(&mut first).await?;
    ///     cursor.rewind().await?;
    ///     let mut second = Vec::new();
    ///     cursor.read_to_end(&mut second).await?;
    ///     assert_eq!(first, second);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn rewind(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        let seek = self.seek(SeekFrom::Start(0));
        async move { seek.await.map(drop) }
    }

    /// The current position from the start (a seek by 0 from here).
    ///
    /// ```
    /// use std::io::Cursor;
    /// use groundup::io::{AsyncReadExt, AsyncSeekExt};
    ///
    /// groundup::block_on(async {
    ///     let mut cursor = Cursor::new(b"abcdef".to_vec());
    ///     cursor.read_exact(&mut [0; 4]).await?;
    ///     assert_eq!(cursor.stream_position().await?, 4);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn stream_position(&mut self) -> impl Future<Output = io::Result<u64>> + '_
    where
        Self: Unpin,
    {
        self.seek(SeekFrom::Current(0))
    }
}

impl<S: AsyncSeek + ?Sized> AsyncSeekExt for S {}
