//! Asynchronous I/O: [`Async`], any std socket made awaitable.

mod async_io;

pub use async_io::Async;
