//! The process's standard streams, [`stdin`], [`stdout`] and [`stderr`]:
//! readiness where the stream has it and groundup can wait for it without
//! changing what other processes see, the blocking pool everywhere else.
//!
//! ## Which streams are readiness-driven
//!
//! A standard stream is whatever the parent left on descriptor 0, 1 or 2:
//! a terminal, a pipe, a socket, a regular file, `/dev/null`. Each handle
//! looks when it is made (`fstat`, `isatty`) and picks one of two ways:
//!
//! | the stream is | Linux | macOS, the BSDs | Windows |
//! |---|---|---|---|
//! | a socket | readiness (`MSG_DONTWAIT`) | readiness (`MSG_DONTWAIT`) | blocking pool |
//! | a pipe, a FIFO, a terminal | readiness (reopened) | blocking pool | blocking pool |
//! | a regular file, `/dev/null`, other devices | blocking pool | blocking pool | blocking pool |
//!
//! **Readiness** means what it means for a socket: try the call
//! non-blocking, wait for the reactor on `EAGAIN`. A read waiting for a
//! line typed at the terminal costs no thread.
//!
//! **The blocking pool** means what it means for [`groundup::fs`](crate::fs):
//! a read asks a pool thread to call std's `Stdin::read`; a write copies
//! the caller's bytes (up to 2 MiB, tokio's figure), hands them to a pool
//! thread that writes them all and flushes std's `Stdout`, and returns at
//! once. Regular files and `/dev/null` must go this way: epoll refuses
//! them (`EPERM`, which is also why `Async::new(std::io::stdin())` fails
//! when stdin is a file; its error now says so), and kqueue reports them
//! always ready, which is true and useless.
//!
//! ## Why groundup does not set `O_NONBLOCK` on descriptor 0
//!
//! The non-blocking flag belongs to the *open file description*, which the
//! standard streams share more than anything: a terminal's description is
//! usually behind descriptors 0, 1 and 2 of the shell and of every program
//! it started; a pipe's end can be held by a sibling (`(a; b) | c`). Set
//! the flag there and *their* blocking calls fail with `EAGAIN`, and so
//! does std's `println!` in this process when stdout shares stdin's
//! terminal (it panics). Setting it only while a handle lives and
//! restoring it on drop narrows that window without closing it, and a
//! process killed in between leaves its shell a non-blocking terminal.
//! tokio sends all of stdio to the blocking pool for this reason.
//!
//! groundup gets readiness without touching the shared description: a
//! socket is read with `recv(MSG_DONTWAIT)` (a per-call flag) through a
//! `dup` of it; a pipe or terminal is opened *anew* through
//! `/proc/self/fd/N` on Linux, which gives a description of groundup's own
//! on the same pipe or terminal, set non-blocking. Where that cannot be
//! done (macOS and the BSDs, whose `/dev/fd/N` only duplicates; a
//! terminal owned by another user; no `/proc`), the blocking pool. The
//! price of the reopen is one descriptor per handle, and, for a pipe, one
//! more reader (or writer) of it while the handle lives, which changes
//! nothing: end of file still comes when the *writers* are gone, and a
//! stdout pipe already has this process as a writer.
//!
//! ## Order, flushing, dropping
//!
//! Bytes reach the stream in the order their writes returned, across
//! handles too (`stdout().write_all(a)` then, from a new handle,
//! `stdout().write_all(b)`):
//!
//! - a readiness write returns once the kernel took the bytes; nothing is
//!   buffered in the process;
//! - a blocking-pool write returns once its bytes are copied; the job
//!   that writes them first waits for the write job before it on the same
//!   stream (a process-wide chain, one per stream), so two pool threads
//!   never race two writes.
//!
//! Dropping a `Stdout` or `Stderr` loses no write that returned: a
//! readiness write is already in the kernel; a pool write is a job that
//! runs to its end without its handle, and if the runtime shuts down
//! before it starts, the job writes its bytes in its destructor (as
//! [`fs::File`](crate::fs::File)'s writes do), so once `block_on` has
//! returned, the bytes are out. [`flush`](super::AsyncWriteExt::flush)
//! waits for the write in flight and returns its error; without a flush,
//! that error is lost (as it is when std's `BufWriter` is dropped). On a
//! stdin handle dropped while a pool read is in flight, the bytes that
//! read returns are lost, as in tokio. And a pool read cannot be called
//! off: where a terminal's stdin goes to the pool (macOS, the BSDs,
//! Windows), a read waiting for a line keeps the runtime's shutdown
//! waiting until the line comes or the runtime's blocking-pool wait runs
//! out (tokio documents the same of its stdin). On Linux a terminal is
//! readiness-driven and nothing waits.
//!
//! ## Windows
//!
//! Console handles and anonymous pipes (what a parent gives a child's
//! standard streams) cannot do overlapped I/O, and groundup's IOCP backend
//! polls only sockets; even a named pipe opened for overlapped I/O would
//! be shared with the parent. So on Windows all three streams use the
//! blocking pool, as in tokio.
//!
//! ## Differences from tokio
//!
//! The types are `!Send` (they hold the runtime's `JoinHandle`s or a
//! registration), like groundup's other I/O objects. tokio writes through
//! std's `Stdout` always; groundup does so on the blocking pool, but its
//! readiness writes go straight to the descriptor, past std's buffer: mixed
//! with `print!`, they are ordered only as far as std's buffer was flushed
//! (`println!` flushes at its newline, since std's stdout is line-buffered).

use std::fmt;
use std::future::Future;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, ready};

use super::{AsyncRead, AsyncWrite};
use crate::runtime::Handle;
use crate::task::{JoinError, JoinHandle};

/// How many bytes one pool write takes at most (tokio's figure); a read
/// asks for at most as many.
const MAX_BUF: usize = 2 * 1024 * 1024;

/// Which standard stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stream {
    Stdin,
    Stdout,
    Stderr,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdin => "Stdin",
            Stream::Stdout => "Stdout",
            Stream::Stderr => "Stderr",
        }
    }

    #[cfg(unix)]
    fn fd(self) -> std::os::fd::RawFd {
        match self {
            Stream::Stdin => 0,
            Stream::Stdout => 1,
            Stream::Stderr => 2,
        }
    }
}

/// How a handle drives its stream.
enum Mode {
    /// A non-blocking descriptor of groundup's own, registered.
    #[cfg(unix)]
    Readiness(super::Async<crate::sys::stdio::StdioFd>),
    /// std's handle, on the blocking pool.
    Blocking(Blocking),
}

impl Mode {
    fn new(stream: Stream) -> Mode {
        #[cfg(unix)]
        {
            use crate::sys::stdio::{Direction, Kind, classify};
            let direction = if stream == Stream::Stdin { Direction::In } else { Direction::Out };
            match classify(stream.fd(), direction) {
                Kind::Readiness(fd) => match super::Async::from_nonblocking(fd) {
                    Ok(io) => Mode::Readiness(io),
                    Err(_) => Mode::Blocking(Blocking::new(
                        stream,
                        "not registered: no runtime here, or the poller refused it",
                    )),
                },
                Kind::Blocking(why) => Mode::Blocking(Blocking::new(stream, why)),
            }
        }
        #[cfg(windows)]
        {
            Mode::Blocking(Blocking::new(stream, "Windows: no overlapped console or pipe I/O"))
        }
    }

    /// What `Debug` shows: the way, and for the pool, why.
    fn describe(&self) -> String {
        match self {
            #[cfg(unix)]
            Mode::Readiness(_) => "readiness".to_string(),
            Mode::Blocking(b) => format!("blocking pool ({})", b.why),
        }
    }

    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        match self {
            #[cfg(unix)]
            Mode::Readiness(io) => {
                if buf.is_empty() {
                    return Poll::Ready(Ok(0));
                }
                // Only `WouldBlock` clears the readiness: a short read is
                // not a drained stream here (a terminal returns one line at
                // a time, a datagram socket one datagram).
                io.poll_read_with(cx, &mut |fd| fd.read(buf))
            }
            Mode::Blocking(b) => b.poll_read(cx, buf),
        }
    }

    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self {
            #[cfg(unix)]
            Mode::Readiness(io) => {
                if buf.is_empty() {
                    return Poll::Ready(Ok(0));
                }
                io.poll_write_with(cx, &mut |fd| fd.write(buf))
            }
            Mode::Blocking(b) => b.poll_write(cx, buf),
        }
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self {
            // Nothing is buffered in the process.
            #[cfg(unix)]
            Mode::Readiness(_) => Poll::Ready(Ok(())),
            Mode::Blocking(b) => b.poll_flush(cx),
        }
    }
}

/// A stream driven through std's handle on the blocking pool, one job at
/// a time.
struct Blocking {
    stream: Stream,
    /// Why this stream is not readiness-driven (for `Debug`).
    why: &'static str,
    state: State,
    /// Bytes a pool read returned that the caller has not taken yet
    /// (`read_ahead[pos..]`).
    read_ahead: Vec<u8>,
    pos: usize,
}

enum State {
    Idle,
    Reading(JoinHandle<(io::Result<()>, Vec<u8>)>),
    Writing(JoinHandle<io::Result<()>>),
}

impl Blocking {
    fn new(stream: Stream, why: &'static str) -> Blocking {
        Blocking { stream, why, state: State::Idle, read_ahead: Vec::new(), pos: 0 }
    }

    /// Gives the caller what it can take of the bytes read ahead.
    fn copy_out(&mut self, dst: &mut [u8]) -> usize {
        let n = (self.read_ahead.len() - self.pos).min(dst.len());
        dst[..n].copy_from_slice(&self.read_ahead[self.pos..self.pos + n]);
        self.pos += n;
        n
    }

    fn poll_read(&mut self, cx: &mut Context<'_>, dst: &mut [u8]) -> Poll<io::Result<usize>> {
        loop {
            ready!(self.poll_write_done(cx))?;
            if let State::Reading(job) = &mut self.state {
                let finished = ready!(Pin::new(job).poll(cx));
                self.state = State::Idle;
                let (result, bytes) = finished.map_err(join_error)?;
                (self.read_ahead, self.pos) = (bytes, 0);
                result?;
                // Zero bytes read ahead: end of file.
                return Poll::Ready(Ok(self.copy_out(dst)));
            }
            if self.pos < self.read_ahead.len() || dst.is_empty() {
                return Poll::Ready(Ok(self.copy_out(dst)));
            }
            let handle = current_handle(self.stream)?;
            let (mut bytes, len) = (std::mem::take(&mut self.read_ahead), dst.len().min(MAX_BUF));
            self.state = State::Reading(handle.spawn_blocking(move || {
                let result = read_stdin(&mut bytes, len);
                (result, bytes)
            }));
        }
    }

    fn poll_write(&mut self, cx: &mut Context<'_>, src: &[u8]) -> Poll<io::Result<usize>> {
        ready!(self.poll_write_done(cx))?;
        if src.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let handle = current_handle(self.stream)?;
        let n = src.len().min(MAX_BUF);
        let job = WriteJob::new(self.stream, src[..n].to_vec());
        self.state = State::Writing(handle.spawn_blocking(move || job.run()));
        Poll::Ready(Ok(n))
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_write_done(cx)
    }

    /// Waits for the write in flight, if any, and returns its result.
    fn poll_write_done(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let State::Writing(job) = &mut self.state else {
            return Poll::Ready(Ok(()));
        };
        let finished = ready!(Pin::new(job).poll(cx));
        self.state = State::Idle;
        Poll::Ready(finished.map_err(join_error)?)
    }
}

/// On the pool: reads up to `len` bytes of std's stdin into `bytes`.
fn read_stdin(bytes: &mut Vec<u8>, len: usize) -> io::Result<()> {
    bytes.resize(len, 0);
    let result = loop {
        match io::stdin().lock().read(bytes) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            result => break result,
        }
    };
    bytes.truncate(*result.as_ref().unwrap_or(&0));
    result.map(drop)
}

/// The last pool write of each output stream, as the receiving end of a
/// channel whose only sender that write's job holds: `recv` returns
/// (disconnected) once the job, and so its write, is done. Each new job
/// takes the previous one's and waits on it before writing, which chains
/// the writes of every handle of a stream in the order they returned.
///
/// Why this cannot deadlock: a job waits only for a job submitted before
/// it, and the pool takes jobs first in, first out, so the one waited for
/// is running or done already, or was dropped unrun (a runtime shutting
/// down drops queued jobs, whose destructor writes, then drops its
/// sender). The channel's own synchronisation orders the two writes.
static LAST_WRITE: [Mutex<Option<mpsc::Receiver<()>>>; 2] = [Mutex::new(None), Mutex::new(None)];

/// A write handed to the pool. If the pool drops it unrun (its runtime
/// shut down first), its destructor writes the bytes there and then, so
/// that a write that returned `Ready` is never lost.
struct WriteJob {
    stream: Stream,
    /// `None` once written.
    bytes: Option<Vec<u8>>,
    /// The previous write on this stream, to wait for.
    after: Option<mpsc::Receiver<()>>,
    /// Dropped (after `drop` has written) when this job is done: what the
    /// next job waits for.
    _done: mpsc::Sender<()>,
}

impl WriteJob {
    fn new(stream: Stream, bytes: Vec<u8>) -> WriteJob {
        let (done, next) = mpsc::channel();
        let slot = &LAST_WRITE[usize::from(stream == Stream::Stderr)];
        let after = slot.lock().unwrap_or_else(PoisonError::into_inner).replace(next);
        WriteJob { stream, bytes: Some(bytes), after, _done: done }
    }

    fn run(mut self) -> io::Result<()> {
        let bytes = self.bytes.take().unwrap_or_default();
        self.write(&bytes)
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(previous) = self.after.take() {
            // Err(Disconnected) is the signal: nothing is ever sent.
            let _ = previous.recv();
        }
        match self.stream {
            Stream::Stderr => write_flushed(&mut io::stderr().lock(), bytes),
            _ => write_flushed(&mut io::stdout().lock(), bytes),
        }
    }
}

fn write_flushed(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    out.write_all(bytes)?;
    out.flush()
}

impl Drop for WriteJob {
    fn drop(&mut self) {
        if let Some(bytes) = self.bytes.take() {
            // Nobody is left to tell of an error (as when std's `BufWriter`
            // is dropped).
            let _ = self.write(&bytes);
        }
    }
}

/// The runtime whose pool runs the stream's jobs.
fn current_handle(stream: Stream) -> io::Result<Handle> {
    Handle::try_current().map_err(|_| {
        io::Error::other(format!(
            "groundup::io::{} used outside a groundup runtime: use it inside \
             `groundup::block_on(async {{ ... }})` or a task it runs",
            stream.name()
        ))
    })
}

fn join_error(error: JoinError) -> io::Error {
    if error.is_panic() {
        std::panic::resume_unwind(error.into_panic());
    }
    io::Error::other("the runtime shut down before the standard stream's operation ran")
}

/// The process's standard input, read asynchronously: tokio's
/// `tokio::io::Stdin`, made by [`stdin`].
///
/// Readiness-driven when stdin is a terminal, pipe or socket (on Linux;
/// sockets only elsewhere), read on the blocking pool otherwise; see the
/// [`io` module docs](crate::io#standard-streams) for which and why. Several `Stdin` handles read
/// the same stream: each read takes what the next bytes are, whichever
/// handle asks. Its `Debug` output says which way it reads.
///
/// ```
/// use groundup::io::{AsyncBufReadExt, BufReader};
///
/// groundup::block_on(async {
///     let stdin = groundup::io::stdin();
///     let way = format!("{stdin:?}");
///     assert!(way.contains("readiness") || way.contains("blocking pool"), "{way}");
///     // Lines of input, as they come:
///     let mut lines = BufReader::new(stdin).lines();
///     # let _ = &mut lines; /*
///     while let Some(line) = lines.next_line().await? {
///         println!("read {line:?}");
///     }
///     # */
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Stdin {
    mode: Mode,
}

/// The process's standard output, written asynchronously: tokio's
/// `tokio::io::Stdout`, made by [`stdout`].
///
/// Writes reach the stream in the order they returned, across handles;
/// dropping a `Stdout` loses no write that returned (see the [`io`
/// module docs](crate::io#standard-streams)). [`flush`](super::AsyncWriteExt::flush) to learn whether
/// a blocking-pool write failed.
///
/// ```
/// use groundup::io::AsyncWriteExt;
///
/// groundup::block_on(async {
///     let mut out = groundup::io::stdout();
///     out.write_all(b"hello from groundup\n").await?;
///     out.flush().await
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Stdout {
    mode: Mode,
}

/// The process's standard error, written asynchronously: tokio's
/// `tokio::io::Stderr`, made by [`stderr`]. As [`Stdout`], for stream 2.
///
/// ```
/// use groundup::io::AsyncWriteExt;
///
/// groundup::block_on(async {
///     let mut err = groundup::io::stderr();
///     err.write_all(b"a warning from groundup\n").await?;
///     err.flush().await
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Stderr {
    mode: Mode,
}

/// A handle to the process's standard input (tokio's `stdin()`).
///
/// Call it inside a runtime: the handle registers with the runtime there,
/// when the stream has readiness (made outside one, it uses the blocking
/// pool of the runtime it is later polled in). It reads the stream
/// unbuffered: wrap it in a [`BufReader`](super::BufReader) to read lines.
///
/// ```
/// use groundup::io::AsyncReadExt;
///
/// groundup::block_on(async {
///     let mut stdin = groundup::io::stdin();
///     // Nothing to read into: done at once, whatever stdin is.
///     assert_eq!(stdin.read(&mut []).await?, 0);
///     println!("{stdin:?}"); // Stdin { mode: "readiness" }, or "blocking pool (…)"
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn stdin() -> Stdin {
    Stdin { mode: Mode::new(Stream::Stdin) }
}

/// A handle to the process's standard output (tokio's `stdout()`).
///
/// As [`stdin`], for writing; see [`Stdout`] for order and flushing.
///
/// ```
/// use groundup::io::AsyncWriteExt;
///
/// groundup::block_on(async {
///     groundup::io::stdout().write_all(b"one\n").await?;
///     groundup::io::stdout().write_all(b"two\n").await // after "one", always
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn stdout() -> Stdout {
    Stdout { mode: Mode::new(Stream::Stdout) }
}

/// A handle to the process's standard error (tokio's `stderr()`).
///
/// As [`stdout`], for stream 2.
///
/// ```
/// use groundup::io::AsyncWriteExt;
///
/// groundup::block_on(async {
///     groundup::io::stderr().write_all(b"to stderr\n").await
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub fn stderr() -> Stderr {
    Stderr { mode: Mode::new(Stream::Stderr) }
}

impl AsyncRead for Stdin {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().mode.poll_read(cx, buf)
    }
}

macro_rules! output {
    ($name:ident) => {
        impl AsyncWrite for $name {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                self.get_mut().mode.poll_write(cx, buf)
            }

            /// Waits for the write in flight (blocking pool) and returns
            /// its error; readiness writes are never buffered.
            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().mode.poll_flush(cx)
            }

            /// Flushes: a standard stream is not closed by its handle (as
            /// in tokio).
            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().mode.poll_flush(cx)
            }
        }
    };
}
output!(Stdout);
output!(Stderr);

macro_rules! common {
    ($name:ident, $stream:expr, $std:path) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).field("mode", &self.mode.describe()).finish()
            }
        }

        /// The standard descriptor (0, 1 or 2), std's, not the one of
        /// groundup's own a readiness-driven handle reads or writes.
        #[cfg(unix)]
        impl std::os::fd::AsRawFd for $name {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                $stream.fd()
            }
        }

        /// The standard descriptor, borrowed.
        #[cfg(unix)]
        impl std::os::fd::AsFd for $name {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                // SAFETY: the standard descriptors stay open while the
                // program runs; std's own `Stdin`/`Stdout`/`Stderr` lend
                // them out on the same assumption.
                unsafe { std::os::fd::BorrowedFd::borrow_raw($stream.fd()) }
            }
        }

        /// The standard handle, std's.
        #[cfg(windows)]
        impl std::os::windows::io::AsRawHandle for $name {
            fn as_raw_handle(&self) -> std::os::windows::io::RawHandle {
                std::os::windows::io::AsRawHandle::as_raw_handle(&$std())
            }
        }
    };
}
common!(Stdin, Stream::Stdin, io::stdin);
common!(Stdout, Stream::Stdout, io::stdout);
common!(Stderr, Stream::Stderr, io::stderr);
