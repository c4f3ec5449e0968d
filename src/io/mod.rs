//! Asynchronous I/O: the [`AsyncRead`] and [`AsyncWrite`] traits, their
//! `…Ext` futures, [`copy`], and [`Async`], any std socket made awaitable.

mod async_io;
mod traits;

pub use async_io::Async;
pub use traits::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, copy};
