//! A `Waker` made of a non-blocking pipe: the kqueue backend's waker where
//! `EVFILT_USER` is missing or too new to rely on (`groundup_waker = "pipe"`
//! in `build.rs`: NetBSD, OpenBSD, DragonFly).
//!
//! It is written against the backend contract only (`Selector::register`),
//! so the unit tests below run it on Linux against the epoll backend: the
//! same code, on a real pipe, with a real edge-triggered poll.
//!
//! ## How it works
//!
//! The read end is registered for readable interest, edge-triggered, like
//! any socket; `wake` writes one byte to the write end. Each write is a new
//! edge, but a source is queued at most once, so any number of wakes before
//! a poll produce one event, and a wake after a poll produces a new one
//! even though the earlier bytes are still in the pipe: the bytes are never
//! read back. Never, except when the pipe is full (64 KiB of wakes, or
//! whatever the system's pipe buffer holds): the write then fails with
//! `EAGAIN` and would queue no edge, so `wake` empties the pipe and writes
//! again. If that second write finds the pipe full too, other threads'
//! wakes refilled it after the emptying, and their writes queued the edge.
//!
//! Both descriptors are made non-blocking and close-on-exec at birth by
//! `pipe2(2)`. Closing them (on drop) removes the read end from the poll.

use std::io;

#[cfg(groundup_os = "bsd")]
use groundup_ffi::bsd::{O_CLOEXEC, O_NONBLOCK, pipe2};
#[cfg(groundup_os = "linux")]
use groundup_ffi::linux::{O_CLOEXEC, O_NONBLOCK, pipe2};
use groundup_ffi::unix as posix;

use super::Selector;
use super::syscall::{self, Syscall};
use super::unix::Fd;
use crate::poll::{Interest, Token};

static PIPE2: Syscall = Syscall::new("pipe2");
static READ: Syscall = Syscall::new("read");
static WRITE: Syscall = Syscall::new("write");

/// Wakes a blocked `select` from any thread through a pipe.
#[derive(Debug)]
pub(crate) struct Waker {
    read: Fd,
    write: Fd,
}

impl Waker {
    pub(crate) fn new(selector: &Selector, token: Token) -> io::Result<Waker> {
        let mut fds = [-1; 2];
        let flags = O_NONBLOCK | O_CLOEXEC;
        syscall::minus_one(&PIPE2, format_args!("_, O_NONBLOCK|O_CLOEXEC"), || {
            // SAFETY: `fds` is two writable ints, which is what pipe2 fills.
            unsafe { pipe2(fds.as_mut_ptr(), flags) }
        })?;
        // SAFETY: pipe2 succeeded, so `fds[0]` is a new descriptor that
        // nothing else owns, wrapped exactly once.
        let read = unsafe { Fd::from_raw(fds[0]) };
        // SAFETY: likewise for the write end.
        let write = unsafe { Fd::from_raw(fds[1]) };
        selector.register(read.raw(), token, Interest::READABLE)?;
        Ok(Waker { read, write })
    }

    /// Writes one byte, which queues one edge; several wakes before the next
    /// poll merge into one event.
    pub(crate) fn wake(&self) -> io::Result<()> {
        match self.write_one() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.empty()?;
                match self.write_one() {
                    // Refilled since `empty` by other wakes: they queued the edge.
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
                    other => other,
                }
            }
            other => other,
        }
    }

    fn write_one(&self) -> io::Result<()> {
        let fd = self.write.raw();
        let byte = [1u8];
        syscall::minus_one(&WRITE, format_args!("{fd}, [1], 1"), || {
            // SAFETY: `byte` is one readable byte for the duration of the call.
            unsafe { posix::write(fd, byte.as_ptr().cast(), byte.len()) }
        })
        .map(drop)
    }

    /// Reads until the pipe is empty (`EAGAIN`).
    fn empty(&self) -> io::Result<()> {
        let fd = self.read.raw();
        let mut buf = [0u8; 4096];
        loop {
            let read = syscall::minus_one(&READ, format_args!("{fd}, _, {}", buf.len()), || {
                // SAFETY: `buf` is `buf.len()` writable bytes for the
                // duration of the call.
                unsafe { posix::read(fd, buf.as_mut_ptr().cast(), buf.len()) }
            });
            match read {
                Ok(0) => return Ok(()), // cannot happen: we hold the write end
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier};
    use std::thread;
    use std::time::Duration;

    use super::*;
    use crate::sys::{Events, event};

    const WAKE: Token = Token(7);

    /// The tokens of the events one poll returns, each checked readable.
    fn poll(selector: &Selector, timeout: Duration) -> Vec<Token> {
        let mut events = Events::with_capacity(8);
        selector.select(&mut events, Some(timeout)).unwrap();
        events
            .iter()
            .map(|e| {
                assert!(event::is_readable(e), "a wake reads as readable");
                event::token(e)
            })
            .collect()
    }

    fn now(selector: &Selector) -> Vec<Token> {
        poll(selector, Duration::ZERO)
    }

    #[test]
    fn wakes_before_a_poll_coalesce_into_one_event() {
        let selector = Selector::new().unwrap();
        let waker = Waker::new(&selector, WAKE).unwrap();
        assert_eq!(now(&selector), []);
        for _ in 0..10 {
            waker.wake().unwrap();
        }
        assert_eq!(now(&selector), [WAKE]);
        assert_eq!(now(&selector), [], "edge-triggered: reported once");
    }

    #[test]
    fn a_wake_after_a_poll_is_a_new_event_though_the_pipe_holds_bytes() {
        let selector = Selector::new().unwrap();
        let waker = Waker::new(&selector, WAKE).unwrap();
        for round in 0..3 {
            waker.wake().unwrap();
            assert_eq!(now(&selector), [WAKE], "round {round}");
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri's emulated pipes have no 64 KiB limit to fill")]
    fn a_full_pipe_is_emptied_and_the_wake_still_arrives() {
        let selector = Selector::new().unwrap();
        let waker = Waker::new(&selector, WAKE).unwrap();
        // Twice what a pipe holds by default (64 KiB on Linux and the
        // BSDs): the write fails with EAGAIN at some point, and `wake` must
        // empty the pipe (the only reads in this test binary) and go on.
        let reads = || crate::sys::syscall::snapshot().get("read").copied().unwrap_or(0);
        let before = reads();
        for _ in 0..(1 << 17) {
            waker.wake().unwrap();
        }
        assert!(reads() > before, "the pipe never filled up");
        assert_eq!(now(&selector), [WAKE]);
        waker.wake().unwrap();
        assert_eq!(now(&selector), [WAKE]);
    }

    #[test]
    fn a_wake_from_another_thread_ends_a_blocked_poll() {
        let selector = Selector::new().unwrap();
        let waker = Arc::new(Waker::new(&selector, WAKE).unwrap());
        let start = Arc::new(Barrier::new(2));
        let remote = {
            let (waker, start) = (Arc::clone(&waker), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                waker.wake().unwrap();
            })
        };
        start.wait();
        // Bounded only so a broken waker fails instead of hanging.
        assert_eq!(poll(&selector, Duration::from_secs(20)), [WAKE]);
        remote.join().unwrap();
    }
}
