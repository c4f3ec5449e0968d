//! `Pipe`: one direction of an in-memory byte stream, the state behind
//! both [`duplex`](super::super::duplex) (two pipes, crosswise) and
//! [`simplex`](super::super::simplex) (one).
//!
//! A pipe is a bounded byte queue, a `closed` flag, and the wakers of the
//! one reader and the one writer that may be waiting. Its operations do
//! not wake anyone themselves: each returns the waker to wake, so that
//! `duplex` can wake it once its lock on the pipe is released (a waker
//! that runs code then cannot find the pipe locked). A `simplex` split
//! wakes while the split's lock is held, as tokio's does.

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

/// Panics unless a pipe of `max_buf_size` bytes can hold a byte: `caller`
/// names the public function (`duplex`, `simplex`) in the message.
pub(super) fn assert_holds_a_byte(max_buf_size: usize, caller: &str) {
    assert!(
        max_buf_size > 0,
        "{caller}(0): a pipe that holds no byte can never complete a write; \
         give max_buf_size of at least 1"
    );
}

/// One direction of a pair: a bounded byte queue with its two waiters.
#[derive(Debug)]
pub(super) struct Pipe {
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
    pub(super) fn new(max_buf_size: usize) -> Pipe {
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
    pub(super) fn read(
        &mut self,
        cx: &Context<'_>,
        buf: &mut [u8],
    ) -> (Poll<usize>, Option<Waker>) {
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
    pub(super) fn write(
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
    pub(super) fn close(&mut self) -> [Option<Waker>; 2] {
        self.closed = true;
        [self.read_waker.take(), self.write_waker.take()]
    }
}

/// Locks a pipe. A panic while the lock was held (none of the code above
/// can panic with it held, short of running out of memory) leaves the pipe
/// in a consistent state, so poisoning is ignored.
pub(super) fn lock(pipe: &Mutex<Pipe>) -> MutexGuard<'_, Pipe> {
    pipe.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Wakes `waker` (called after the pipe's lock is released).
pub(super) fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}
