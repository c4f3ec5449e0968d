//! Helpers shared by the integration tests.
//!
//! Every wait here is bounded by a generous deadline (`PATIENCE`) that only
//! matters when something is broken: tests assert what happens and in what
//! order, never how fast, so a loaded two-core machine cannot fail them.
#![allow(dead_code)] // each test file uses a different subset

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use groundup::poll::{Event, Events, Poll, Token};

/// How long to wait for something that should happen; only a failing test
/// ever waits this long.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// How long to watch for something that should *not* happen. A false pass
/// (the unwanted event arrives later) is possible on a slow machine; a false
/// failure is not.
pub const QUIET: Duration = Duration::from_millis(100);

/// What an expected event must show. `None` fields are not checked.
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    pub token: Token,
    pub readable: Option<bool>,
    pub writable: Option<bool>,
    pub read_closed: Option<bool>,
    pub error: Option<bool>,
}

impl Expect {
    pub fn token(token: Token) -> Expect {
        Expect { token, readable: None, writable: None, read_closed: None, error: None }
    }
    pub fn readable(token: Token) -> Expect {
        Expect { readable: Some(true), ..Expect::token(token) }
    }
    pub fn writable(token: Token) -> Expect {
        Expect { writable: Some(true), ..Expect::token(token) }
    }
    pub fn read_closed(token: Token) -> Expect {
        Expect { read_closed: Some(true), ..Expect::token(token) }
    }

    fn matches(&self, event: &Event) -> bool {
        let check = |want: Option<bool>, got: bool| want.is_none_or(|w| w == got);
        event.token() == self.token
            && check(self.readable, event.is_readable())
            && check(self.writable, event.is_writable())
            && check(self.read_closed, event.is_read_closed())
            && check(self.error, event.is_error())
    }
}

/// Polls until every expected event has been seen (other events are
/// ignored), or panics after `PATIENCE`.
pub fn expect_events(poll: &mut Poll, events: &mut Events, mut expected: Vec<Expect>) {
    let deadline = Instant::now() + PATIENCE;
    while !expected.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "timed out waiting for {expected:?}");
        poll.poll(events, Some(left)).expect("poll");
        for event in events.iter() {
            expected.retain(|e| !e.matches(event));
        }
    }
}

/// Polls for `QUIET` and panics if an event with `token` arrives.
pub fn expect_no_event(poll: &mut Poll, events: &mut Events, token: Token) {
    let deadline = Instant::now() + QUIET;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        poll.poll(events, Some(left)).expect("poll");
        if let Some(event) = events.iter().find(|e| e.token() == token) {
            panic!("unexpected event {event:?}");
        }
    }
}

/// Polls for `QUIET` and panics on any event at all.
pub fn expect_no_events(poll: &mut Poll, events: &mut Events) {
    poll.poll(events, Some(QUIET)).expect("poll");
    assert!(events.is_empty(), "unexpected events: {events:?}");
}

/// A connected pair of blocking loopback TCP streams: (client, server).
pub fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let client = TcpStream::connect(listener.local_addr().unwrap()).expect("connect");
    let (server, _) = listener.accept().expect("accept");
    (client, server)
}

/// Reads until `WouldBlock`, returning the bytes read.
pub fn drain(mut reader: impl Read) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(out),
            Err(e) => return Err(e),
        }
    }
}

/// Writes until `WouldBlock`, returning the number of bytes written.
pub fn fill(mut writer: impl Write) -> io::Result<usize> {
    let chunk = [0xA5u8; 64 * 1024];
    let mut total = 0;
    loop {
        match writer.write(&chunk) {
            Ok(n) => total += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(total),
            Err(e) => return Err(e),
        }
    }
}

/// What a leak would show in: on Linux, the number of open descriptors of
/// this process (`/proc/self/fd`).
#[cfg(target_os = "linux")]
pub fn open_handles() -> i64 {
    std::fs::read_dir("/proc/self/fd").expect("/proc/self/fd").count() as i64
}

/// What a leak would show in: on Windows, the handles groundup opened minus
/// those it closed, from `groundup::stats`. (Counting the process's handles
/// with `GetProcessHandleCount` would be the analogue of `/proc/self/fd`, but
/// Wine, which runs these tests, answers it with 0.) groundup opens handles
/// in exactly two ways, each with one `CreateIoCompletionPort` call: creating
/// a port, and associating a new AFD helper handle (`NtCreateFile`) with it.
#[cfg(windows)]
pub fn open_handles() -> i64 {
    let calls = groundup::stats::syscalls();
    calls.get("CreateIoCompletionPort") as i64 - calls.get("CloseHandle") as i64
}

/// A socket's number, as a source that does not own it: the socket can be
/// closed while registered, to see what the backend makes of that.
#[derive(Debug, Clone, Copy)]
pub struct Unowned(
    #[cfg(unix)] pub std::os::fd::RawFd,
    #[cfg(windows)] pub std::os::windows::io::RawSocket,
);

#[cfg(unix)]
impl std::os::fd::AsRawFd for Unowned {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.0
    }
}

#[cfg(windows)]
impl std::os::windows::io::AsRawSocket for Unowned {
    fn as_raw_socket(&self) -> std::os::windows::io::RawSocket {
        self.0
    }
}

impl Unowned {
    /// The number of `socket`, which stays owned (and closed) by it.
    #[cfg(unix)]
    pub fn of(socket: &impl std::os::fd::AsRawFd) -> Unowned {
        Unowned(socket.as_raw_fd())
    }

    /// The number of `socket`, which stays owned (and closed) by it.
    #[cfg(windows)]
    pub fn of(socket: &impl std::os::windows::io::AsRawSocket) -> Unowned {
        Unowned(socket.as_raw_socket())
    }
}
