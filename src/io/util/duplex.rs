//! [`duplex`]: an in-memory pipe pair that behaves like two connected
//! sockets, for tests and for joining two pieces of a program without the
//! kernel.
//!
//! Each direction is a [`Pipe`]: a byte queue of at most `max_buf_size`
//! bytes, a flag that says no more bytes will come, and the waker of the
//! one reader and the one writer that may be waiting. The two
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

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker, ready};

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
    assert!(
        max_buf_size > 0,
        "duplex(0): a pipe that holds no byte can never complete a write; \
         give max_buf_size of at least 1"
    );
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

/// One direction of a pair: a bounded byte queue with its two waiters.
#[derive(Debug)]
struct Pipe {
    buffer: VecDeque<u8>,
    max_buf_size: usize,
    /// No more bytes will be written: the writer shut down or an end was
    /// dropped. Readers drain `buffer`, then read end of file; writers get
    /// `BrokenPipe`.
    closed: bool,
    /// The reader waiting for bytes (or for `closed`).
    read_waker: Option<Waker>,
    /// The writer waiting for room (or for `closed`).
    write_waker: Option<Waker>,
}

impl Pipe {
    fn new(max_buf_size: usize) -> Pipe {
        Pipe {
            buffer: VecDeque::new(),
            max_buf_size,
            closed: false,
            read_waker: None,
            write_waker: None,
        }
    }

    /// Moves buffered bytes into `buf`. Returns the result and the writer
    /// to wake (room was made) if any.
    fn read(&mut self, cx: &Context<'_>, buf: &mut [u8]) -> (Poll<usize>, Option<Waker>) {
        if self.buffer.is_empty() {
            if self.closed || buf.is_empty() {
                return (Poll::Ready(0), None);
            }
            self.read_waker = Some(cx.waker().clone());
            return (Poll::Pending, None);
        }
        let n = self.buffer.len().min(buf.len());
        for (slot, byte) in buf.iter_mut().zip(self.buffer.drain(..n)) {
            *slot = byte;
        }
        let wake = if n > 0 { self.write_waker.take() } else { None };
        (Poll::Ready(n), wake)
    }

    /// Appends what fits of `bufs`, in order. Returns the result and the
    /// reader to wake (bytes arrived) if any.
    fn write(
        &mut self,
        cx: &Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> (Poll<io::Result<usize>>, Option<Waker>) {
        if self.closed {
            return (Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())), None);
        }
        let wanted: usize = bufs.iter().map(|b| b.len()).sum();
        if wanted == 0 {
            return (Poll::Ready(Ok(0)), None);
        }
        let room = self.max_buf_size - self.buffer.len();
        if room == 0 {
            self.write_waker = Some(cx.waker().clone());
            return (Poll::Pending, None);
        }
        let mut written = 0;
        for buf in bufs {
            let take = buf.len().min(room - written);
            self.buffer.extend(&buf[..take]);
            written += take;
            if written == room {
                break;
            }
        }
        (Poll::Ready(Ok(written)), self.read_waker.take())
    }

    /// Marks the pipe closed; returns both waiters, to be woken.
    fn close(&mut self) -> [Option<Waker>; 2] {
        self.closed = true;
        [self.read_waker.take(), self.write_waker.take()]
    }
}

/// Locks a pipe. A panic while the lock was held (none of the code above
/// can panic with it held, short of running out of memory) leaves the pipe
/// in a consistent state, so poisoning is ignored.
fn lock(pipe: &Mutex<Pipe>) -> MutexGuard<'_, Pipe> {
    pipe.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Wakes `waker` (called after the pipe's lock is released).
fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
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
