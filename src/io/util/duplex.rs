//! [`duplex`]: an in-memory pipe pair that behaves like two connected
//! sockets, for tests and for joining two pieces of a program without the
//! kernel.
//!
//! Each direction is a `Pipe` (`pipe.rs`, shared with `simplex`): a byte
//! queue of at most `max_buf_size` bytes, a flag that says no more bytes
//! will come, and the waker of the one reader and the one writer that may
//! be waiting. The two
//! `DuplexStream`s share the two pipes crosswise: one end writes into the
//! pipe the other reads from.
//!
//! - **Back-pressure.** A write takes what fits; a write into a full pipe
//!   waits (leaving its waker) until a read makes room.
//! - **Half-close.** `shutdown` marks the end's outgoing pipe closed: the
//!   other end reads what is left, then end of file. Writing after one's own
//!   shutdown is `BrokenPipe`, as on a socket.
//! - **Drop.** Dropping an end closes both pipes: the other end reads what
//!   is left and then end of file, and its writes (waiting ones too) fail
//!   with `BrokenPipe`.
//!
//! The pipes sit behind `Arc<Mutex<…>>`, so `DuplexStream` is `Send` and
//! `Sync` (tokio's is too): the two ends may live on different threads, each
//! driven by its own runtime. Every lock is held for a few queue operations
//! only, and wakers are woken after the lock is released, so a waker that
//! runs code cannot find the pipe locked.
//!
//! Both ends spend the cooperative budget once per read and per write
//! (`io::util`), so a task that writes and reads a pipe with room to spare
//! still yields.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};

use super::pipe::{Pipe, assert_holds_a_byte, lock, wake};
use super::poll_proceed;
use crate::io::{AsyncRead, AsyncWrite};

/// Creates a pair of connected in-memory streams: what one writes, the
/// other reads. Each direction holds at most `max_buf_size` bytes; a write
/// into a full direction waits until the other end reads.
///
/// # Panics
///
/// If `max_buf_size` is 0: no write could ever complete (tokio accepts it
/// and every write then waits forever).
///
/// ```
/// use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// groundup::block_on(async {
///     let (mut client, mut server) = io::duplex(64);
///     client.write_all(b"ping").await?;
///     let mut buf = [0; 4];
///     server.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"ping");
///
///     server.write_all(b"pong").await?;
///     client.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"pong");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn duplex(max_buf_size: usize) -> (DuplexStream, DuplexStream) {
    assert_holds_a_byte(max_buf_size, "duplex");
    let one = Arc::new(Mutex::new(Pipe::new(max_buf_size)));
    let two = Arc::new(Mutex::new(Pipe::new(max_buf_size)));
    (
        DuplexStream { read: Arc::clone(&one), write: Arc::clone(&two) },
        DuplexStream { read: two, write: one },
    )
}

/// One end of an in-memory pipe pair, made by [`duplex`]: reads what the
/// other end writes, writes what the other end reads.
///
/// `Send` and `Sync`: the two ends may be used on different threads (each
/// thread with its own runtime, or a plain thread polling by hand).
///
/// ```
/// use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// groundup::block_on(async {
///     let (mut near, far) = io::duplex(16);
///     drop(far);
///     // The other end is gone: end of file, and writes fail.
///     assert_eq!(near.read(&mut [0; 8]).await?, 0);
///     let error = near.write_all(b"x").await.unwrap_err();
///     assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct DuplexStream {
    /// The pipe this end reads: the other end's `write`.
    read: Arc<Mutex<Pipe>>,
    /// The pipe this end writes: the other end's `read`.
    write: Arc<Mutex<Pipe>>,
}

impl DuplexStream {
    fn poll_write_bufs(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(poll_proceed(cx));
        let (result, to_wake) = lock(&self.write).write(cx, bufs);
        wake(to_wake);
        result
    }
}

impl AsyncRead for DuplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        ready!(poll_proceed(cx));
        let (result, to_wake) = lock(&self.read).read(cx, buf);
        wake(to_wake);
        result.map(Ok)
    }
}

impl AsyncWrite for DuplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_bufs(cx, &[IoSlice::new(buf)])
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_bufs(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    /// Nothing to flush: written bytes are readable at once.
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Closes this end's writing direction: the other end reads what is
    /// left, then end of file.
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        let to_wake = lock(&self.write).close();
        to_wake.into_iter().for_each(wake);
        Poll::Ready(Ok(()))
    }
}

impl Drop for DuplexStream {
    fn drop(&mut self) {
        // Both directions: the other end's reads end, its writes fail.
        let writes = lock(&self.write).close();
        let reads = lock(&self.read).close();
        writes.into_iter().chain(reads).for_each(wake);
    }
}
