use std::io;

use super::{Registry, Token};
use crate::sys;

/// Wakes a [`Poll`](super::Poll) blocked in `poll`, from any thread.
///
/// The blocked poll returns an event with the waker's token that is
/// readable. Wakes coalesce: several `wake` calls before the poll collects
/// them produce a single event. Spurious wake events are possible, so treat
/// the event as "check your queues", not as a count.
///
/// A `Waker` is `Send + Sync`; share one (typically in an `Arc`), or create
/// several on the same `Poll`: on every backend each waker is its own
/// kernel notification (an eventfd on Linux, its own `EVFILT_USER` knote or
/// pipe on kqueue, its own completion packet on Windows), and its events
/// carry its own token.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::sync::Arc;
/// use groundup::poll::{Events, Poll, Token, Waker};
///
/// let mut poll = Poll::new()?;
/// let waker = Arc::new(Waker::new(poll.registry(), Token(99))?);
/// let remote = Arc::clone(&waker);
/// std::thread::spawn(move || remote.wake().expect("wake"));
///
/// let mut events = Events::with_capacity(8);
/// poll.poll(&mut events, None)?;
/// assert_eq!(events.iter().next().map(|e| e.token()), Some(Token(99)));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Waker {
    inner: sys::Waker,
}

impl Waker {
    /// Creates a waker registered with `registry` under `token`.
    pub fn new(registry: &Registry, token: Token) -> io::Result<Waker> {
        Ok(Waker { inner: sys::Waker::new(registry.selector(), token)? })
    }

    /// Makes the poll return (or the next poll, if none is blocked) with the
    /// waker's event. Costs one system call: an eventfd `write` on Linux, a
    /// `kevent` with `NOTE_TRIGGER` on macOS and FreeBSD, a pipe `write` on
    /// the other BSDs; on Windows one `PostQueuedCompletionStatus` for the
    /// first wake after a poll collected the last one, and none for the wakes
    /// that merge into it.
    pub fn wake(&self) -> io::Result<()> {
        self.inner.wake()
    }
}
