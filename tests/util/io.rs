//! Helpers for the I/O trait and helper tests: readers and writers that
//! wait, record or misbehave on purpose, and a biased two-way select.
//! Included with `#[path = "util/io.rs"] mod io_util;`.
#![allow(dead_code)] // each test file uses a different subset

use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use groundup::io::{AsyncRead, AsyncWrite};

/// Which of two futures finished first.
#[derive(Debug, PartialEq, Eq)]
pub enum First<A, B> {
    Left(A),
    Right(B),
}

/// Polls `left`, then `right`, each time, until one is ready: tokio's
/// `select! { biased; .. }` for two branches. The loser is dropped.
pub async fn biased_select<A: Future, B: Future>(left: A, right: B) -> First<A::Output, B::Output> {
    let mut left = pin!(left);
    let mut right = pin!(right);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(a) = left.as_mut().poll(cx) {
            return Poll::Ready(First::Left(a));
        }
        if let Poll::Ready(b) = right.as_mut().poll(cx) {
            return Poll::Ready(First::Right(b));
        }
        Poll::Pending
    })
    .await
}

/// Polls `future` once with a waker that does nothing, outside any runtime.
pub fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// A reader that serves `data` in chunks of at most `chunk` bytes, and
/// before each chunk first answers `Pending` once (after waking its task).
/// It records every buffer length it was handed and counts the zero bytes
/// it found in them, then overwrites the whole buffer with `MARK` (which a
/// reader may do) and puts its data at the front. A caller that zeroes a
/// buffer region again shows up as zeroes where the marks were.
pub struct Dribble {
    data: Vec<u8>,
    pos: usize,
    chunk: usize,
    pending_next: bool,
    pub lengths: Vec<usize>,
    pub zeroes_seen: usize,
}

/// What [`Dribble`] writes over the part of a buffer it does not fill.
pub const MARK: u8 = 0xEE;

impl Dribble {
    pub fn new(data: Vec<u8>, chunk: usize) -> Dribble {
        assert!(!data.contains(&0) && !data.contains(&MARK), "data must be told apart");
        Dribble { data, pos: 0, chunk, pending_next: true, lengths: Vec::new(), zeroes_seen: 0 }
    }
}

impl AsyncRead for Dribble {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.lengths.push(buf.len());
        self.zeroes_seen += buf.iter().filter(|&&b| b == 0).count();
        buf.fill(MARK);
        if self.pending_next {
            self.pending_next = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.pending_next = true;
        let n = self.chunk.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Poll::Ready(Ok(n))
    }
}

/// A reader that gives out the bytes of `parts` one part per poll, with a
/// `Pending` wherever a part is `None`, then end of file.
pub struct Script {
    parts: std::collections::VecDeque<Option<Vec<u8>>>,
}

impl Script {
    pub fn new(parts: Vec<Option<&[u8]>>) -> Script {
        Script { parts: parts.into_iter().map(|p| p.map(<[u8]>::to_vec)).collect() }
    }
}

impl AsyncRead for Script {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        match self.parts.pop_front() {
            None => Poll::Ready(Ok(0)),
            Some(None) => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Some(Some(mut part)) => {
                let n = part.len().min(buf.len());
                buf[..n].copy_from_slice(&part[..n]);
                if n < part.len() {
                    self.parts.push_front(Some(part.split_off(n)));
                }
                Poll::Ready(Ok(n))
            }
        }
    }
}

/// A reader and writer that is always ready and never spends the
/// cooperative budget: reads fill the buffer with `b'x'`, writes take
/// everything. It counts the calls of each kind.
#[derive(Default)]
pub struct AlwaysReady {
    pub reads: usize,
    pub writes: usize,
    pub flushes: usize,
}

impl AsyncRead for AlwaysReady {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.reads += 1;
        buf.fill(b'x');
        Poll::Ready(Ok(buf.len()))
    }
}

impl AsyncWrite for AlwaysReady {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.writes += 1;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushes += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// A writer that records each write's length and takes at most `max` bytes
/// of it; not vectored.
pub struct Recorder {
    pub data: Vec<u8>,
    pub writes: Vec<usize>,
    pub flushes: usize,
    pub shutdowns: usize,
    max: usize,
}

impl Recorder {
    pub fn new(max: usize) -> Recorder {
        Recorder { data: Vec::new(), writes: Vec::new(), flushes: 0, shutdowns: 0, max }
    }
}

impl AsyncWrite for Recorder {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.writes.push(buf.len());
        let n = buf.len().min(self.max);
        self.data.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushes += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shutdowns += 1;
        Poll::Ready(Ok(()))
    }
}

/// Asserts at compile time that `T` can cross threads and be shared.
pub fn assert_send_sync<T: Send + Sync>() {}
