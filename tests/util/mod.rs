//! Helpers shared by the integration tests.
//!
//! Every wait here is bounded by a generous deadline (`PATIENCE`) that only
//! matters when something is broken: tests assert what happens and in what
//! order, never how fast, so a loaded two-core machine cannot fail them.
#![allow(dead_code)] // each test file uses a different subset

pub mod child;

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
    pub write_closed: Option<bool>,
    pub error: Option<bool>,
}

impl Expect {
    pub fn token(token: Token) -> Expect {
        Expect {
            token,
            readable: None,
            writable: None,
            read_closed: None,
            write_closed: None,
            error: None,
        }
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
            && check(self.write_closed, event.is_write_closed())
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

/// The number of open descriptors in this process: the entries of
/// `/proc/self/fd` (Linux) or else of `/dev/fd` (macOS and the BSDs; on
/// FreeBSD only with fdescfs mounted there, otherwise it lists 0 to 2).
/// The directory's own descriptor is counted, once per call.
#[cfg(unix)]
pub fn open_fds() -> usize {
    let dir = ["/proc/self/fd", "/dev/fd"]
        .into_iter()
        .find(|d| std::path::Path::new(d).is_dir())
        .expect("neither /proc/self/fd nor /dev/fd exists");
    std::fs::read_dir(dir).expect(dir).count()
}

/// The message of a caught panic (`&str` or `String` payloads).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else {
        payload.downcast_ref::<String>().cloned().unwrap_or_default()
    }
}

/// Checks `holds` every millisecond until it is true, or panics (naming
/// `what`) after `PATIENCE`. Only for state that nothing signals, such as a
/// count another thread updates after the event the test awaited.
pub fn wait_for(what: &str, mut holds: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !holds() {
        assert!(Instant::now() < deadline, "waited {PATIENCE:?} for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Runs `f`, which must panic, and returns its panic's message.
pub fn panic_message_of(f: impl FnOnce()) -> String {
    let payload =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("it should panic");
    panic_message(&*payload)
}

/// A one-shot signal between threads: `Signal::wait` is a future that
/// completes once `Signal::set` was called (on any thread). Built on std
/// only, so tests do not depend on what they test.
#[derive(Clone, Default)]
pub struct Signal {
    inner: std::sync::Arc<std::sync::Mutex<(bool, Option<std::task::Waker>)>>,
}

impl Signal {
    pub fn set(&self) {
        let waker = {
            let mut state = self.inner.lock().unwrap();
            state.0 = true;
            state.1.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    pub fn is_set(&self) -> bool {
        self.inner.lock().unwrap().0
    }

    pub async fn wait(&self) {
        std::future::poll_fn(|cx| {
            let mut state = self.inner.lock().unwrap();
            if state.0 {
                std::task::Poll::Ready(())
            } else {
                state.1 = Some(cx.waker().clone());
                std::task::Poll::Pending
            }
        })
        .await
    }
}

/// Counts polls and drops of the future it wraps.
pub struct Counted<F> {
    pub future: std::pin::Pin<Box<F>>,
    pub polls: std::rc::Rc<std::cell::Cell<usize>>,
    pub drops: std::rc::Rc<std::cell::Cell<usize>>,
}

impl<F> Counted<F> {
    pub fn new(
        future: F,
    ) -> (Counted<F>, std::rc::Rc<std::cell::Cell<usize>>, std::rc::Rc<std::cell::Cell<usize>>)
    {
        let polls = std::rc::Rc::new(std::cell::Cell::new(0));
        let drops = std::rc::Rc::new(std::cell::Cell::new(0));
        let counted =
            Counted { future: Box::pin(future), polls: polls.clone(), drops: drops.clone() };
        (counted, polls, drops)
    }
}

impl<F: std::future::Future> std::future::Future for Counted<F> {
    type Output = F::Output;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        self.polls.set(self.polls.get() + 1);
        self.future.as_mut().poll(cx)
    }
}

impl<F> Drop for Counted<F> {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
    }
}

/// The name under which `groundup::stats` counts the backend's wait call.
#[cfg(groundup_backend = "epoll")]
pub const WAIT_CALL: &str = "epoll_wait";
#[cfg(groundup_backend = "iocp")]
pub const WAIT_CALL: &str = "GetQueuedCompletionStatusEx";
#[cfg(groundup_backend = "kqueue")]
pub const WAIT_CALL: &str = "kevent";

/// `n` normally; a small fraction under Miri, which interprets every
/// instruction and would take hours over the full sizes. The scenario is the
/// same, only smaller.
pub const fn scaled(n: usize) -> usize {
    if cfg!(miri) { if n / 1_000 > 10 { n / 1_000 } else { 10 } } else { n }
}

/// What a leak would show in: on Unix, the number of open descriptors of
/// this process (see `open_fds`).
#[cfg(unix)]
pub fn open_handles() -> i64 {
    #[cfg(groundup_libkqueue)]
    settle_libkqueue();
    open_fds() as i64
}

/// libkqueue (the kqueue backend on Linux, `GROUNDUP_BACKEND=kqueue`) frees
/// a closed queue later, on a monitoring thread of its own, which it starts
/// with the first queue (opening two descriptors of its own) and stops with
/// the last (closing them). So that a count sees only what is open now: a
/// queue kept for the life of the process keeps that thread and its two
/// descriptors constant from the first count on, and
/// `libkqueue_drain_pending_close` returns once every queue closed so far
/// is freed.
#[cfg(groundup_libkqueue)]
fn settle_libkqueue() {
    static KEEP: std::sync::OnceLock<groundup::poll::Poll> = std::sync::OnceLock::new();
    KEEP.get_or_init(|| groundup::poll::Poll::new().expect("a libkqueue queue"));
    // SAFETY: takes no arguments; libkqueue is initialised (a queue exists).
    unsafe { groundup::groundup_ffi::libkqueue::libkqueue_drain_pending_close() };
}

/// What a leak would show in: on Windows, the handles groundup opened minus
/// those it closed, from `groundup::stats`. (Counting the process's handles
/// with `GetProcessHandleCount` would be the analogue of `/proc/self/fd`, but
/// Wine, which runs these tests, answers it with 0.) groundup opens handles
/// in exactly two ways, each with one `CreateIoCompletionPort` call: creating
/// a port, and associating a new AFD helper handle (`NtCreateFile`) with it.
/// Sockets are handles too, but counted apart (`tests/net_fd_leak.rs`): an
/// `accept` call may open one or fail with `WouldBlock`, which a call count
/// cannot tell apart.
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

/// `n` divided by `GROUNDUP_STRESS_DIVISOR` (default 1). The sanitizer runs
/// set it: a stress test under ThreadSanitizer would otherwise take hours,
/// and the scenario is the same at a tenth of the size. So does the Wine
/// runner (`.ci/wine/run`, which says why).
pub fn stress(n: usize) -> usize {
    let divisor: usize =
        std::env::var("GROUNDUP_STRESS_DIVISOR").ok().and_then(|d| d.parse().ok()).unwrap_or(1);
    (n / divisor.max(1)).max(1)
}

/// Starts a groundup TCP echo server task on a loopback port (call inside a
/// groundup runtime) and returns its address. Each connection is echoed by
/// its own task until the client closes it.
pub async fn echo_server() -> std::net::SocketAddr {
    let listener = groundup::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    groundup::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            groundup::spawn(async move {
                let (mut r, mut w) = stream.into_split();
                groundup::io::copy(&mut r, &mut w).await
            });
        }
    });
    addr
}

/// A datagram socket's `poll_recv` with nothing queued is `Pending`, and
/// the send that follows wakes the polling task, whose next poll gets the
/// datagram: spawns a task that polls with `poll_recv` (counting its
/// `Pending`s), yields until it has returned `Pending` at least once,
/// then awaits `send` (which must send `b"late"`), and checks that the task
/// received it within `PATIENCE`.
pub async fn assert_poll_recv_waits_for_a_send<P, S>(mut poll_recv: P, send: S)
where
    P: FnMut(&mut std::task::Context<'_>, &mut [u8]) -> std::task::Poll<io::Result<usize>>
        + 'static,
    S: std::future::Future<Output = io::Result<usize>>,
{
    let pendings = std::rc::Rc::new(std::cell::Cell::new(0));
    let receiver = groundup::spawn({
        let pendings = std::rc::Rc::clone(&pendings);
        async move {
            let mut buf = [0u8; 16];
            let n = std::future::poll_fn(|cx| {
                let poll = poll_recv(cx, &mut buf);
                if poll.is_pending() {
                    pendings.set(pendings.get() + 1);
                }
                poll
            })
            .await
            .unwrap();
            buf[..n].to_vec()
        }
    });
    while pendings.get() == 0 {
        groundup::task::yield_now().await;
    }
    send.await.unwrap();
    let got = groundup::time::timeout(PATIENCE, receiver)
        .await
        .expect("the send did not wake the task in poll_recv")
        .unwrap();
    assert_eq!(got, b"late");
    assert!(pendings.get() >= 1);
}

/// Whether `O_NONBLOCK` is set on the socket (`fcntl(F_GETFL)`).
#[cfg(unix)]
pub fn is_nonblocking(socket: &impl std::os::fd::AsRawFd) -> bool {
    #[cfg(groundup_os = "bsd")]
    use groundup_ffi::bsd::{F_GETFL, O_NONBLOCK};
    #[cfg(groundup_os = "linux")]
    use groundup_ffi::linux::{F_GETFL, O_NONBLOCK};
    // SAFETY: F_GETFL takes no third argument and only reads the flags of
    // a descriptor that `socket` keeps open for the call.
    let flags = unsafe { groundup_ffi::unix::fcntl(socket.as_raw_fd(), F_GETFL) };
    assert!(flags >= 0, "fcntl(F_GETFL): {}", std::io::Error::last_os_error());
    flags & O_NONBLOCK != 0
}

/// Whether `.ci/sanitizers.sh thread` runs this test
/// (`GROUNDUP_SANITIZER=thread`).
pub fn under_thread_sanitizer() -> bool {
    std::env::var_os("GROUNDUP_SANITIZER").is_some_and(|s| s == "thread")
}

/// Sends `signum` to this process, as `kill(getpid(), signum)` does; the
/// caller has installed a handler for it, so it terminates nothing.
///
/// Under ThreadSanitizer (`GROUNDUP_SANITIZER=thread`) the signal goes to
/// the calling thread instead (`pthread_kill(pthread_self(), signum)`).
/// TSan runs a handler only when the thread the kernel delivered the
/// signal to next makes a call TSan intercepts. A process-directed signal
/// goes to the main thread first, and a libtest main thread waits for its
/// tests on a futex, which TSan does not intercept (llvm/llvm-project#83844),
/// so the handler would wait for whichever test ends next, past any
/// deadline. A signal a thread sends itself TSan handles before the
/// `pthread_kill` returns. The handler, its byte and the listeners' wake
/// are then the same as natively, where the process-directed path runs.
#[cfg(unix)]
pub fn raise_signal(signum: std::ffi::c_int) {
    use groundup_ffi::unix::{kill, pid_t, pthread_kill, pthread_self};
    if under_thread_sanitizer() {
        // SAFETY: pthread_self takes nothing and cannot fail.
        let this_thread = unsafe { pthread_self() };
        // SAFETY: pthread_kill takes no pointers; its target is this thread,
        // alive for the call.
        let rc = unsafe { pthread_kill(this_thread, signum) };
        assert_eq!(rc, 0, "pthread_kill: {}", io::Error::from_raw_os_error(rc));
        return;
    }
    // SAFETY: kill takes no pointers; the caller handles the signal.
    let rc = unsafe { kill(std::process::id() as pid_t, signum) };
    assert_eq!(rc, 0, "kill: {}", io::Error::last_os_error());
}

/// Runs `f`, which must panic, and returns where the panic was raised, as
/// `file:line`. A panic hook (installed once, chained to the one before it,
/// so messages still print) records the location of each panic on the
/// thread that raises it.
pub fn panic_location(f: impl FnOnce()) -> String {
    use std::cell::RefCell;
    thread_local! {
        static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
    }
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let location = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
            LOCATION.with(|slot| *slot.borrow_mut() = location);
            previous(info);
        }));
    });
    LOCATION.with(|slot| slot.borrow_mut().take());
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    assert!(result.is_err(), "expected a panic");
    LOCATION.with(|slot| slot.borrow_mut().take()).expect("the hook saw the panic")
}

/// An unbounded channel between threads whose receiver is polled like a
/// stream (`poll_recv`), built on std only. Dropping the sender ends it.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = std::sync::Arc::new(std::sync::Mutex::new(ChannelState {
        queue: std::collections::VecDeque::new(),
        closed: false,
        waker: None,
    }));
    (Sender { shared: shared.clone() }, Receiver { shared })
}

struct ChannelState<T> {
    queue: std::collections::VecDeque<T>,
    closed: bool,
    waker: Option<std::task::Waker>,
}

pub struct Sender<T> {
    shared: std::sync::Arc<std::sync::Mutex<ChannelState<T>>>,
}

pub struct Receiver<T> {
    shared: std::sync::Arc<std::sync::Mutex<ChannelState<T>>>,
}

impl<T> Sender<T> {
    /// Queues `value` and wakes the receiver's task, on this thread.
    pub fn send(&self, value: T) {
        let waker = {
            let mut state = self.shared.lock().unwrap();
            state.queue.push_back(value);
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut state = self.shared.lock().unwrap();
            state.closed = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// The next value, `None` once the sender is gone and all were taken.
    pub fn poll_recv(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<T>> {
        let mut state = self.shared.lock().unwrap();
        if let Some(value) = state.queue.pop_front() {
            return std::task::Poll::Ready(Some(value));
        }
        if state.closed {
            return std::task::Poll::Ready(None);
        }
        state.waker = Some(cx.waker().clone());
        std::task::Poll::Pending
    }
}
