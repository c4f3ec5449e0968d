use std::fmt;
use std::io;
use std::task::{Context, Poll};

use super::{Interest, Ready};
use crate::poll::{IoSource, Source};
use crate::reactor::{Direction, ReadyEvent, Registration};

/// A std socket (or any pollable descriptor) registered with the current
/// runtime, whose operations can be awaited.
///
/// `Async::new` makes the socket non-blocking and registers it with the
/// runtime's reactor, for both directions, once. Each operation is then a
/// non-blocking attempt retried on readiness:
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{TcpListener, TcpStream};
/// use groundup::io::Async;
///
/// groundup::block_on(async {
///     let listener = TcpListener::bind("127.0.0.1:0")?;
///     let mut client = TcpStream::connect(listener.local_addr()?)?;
///     let (server, _) = listener.accept()?;
///     let server = Async::new(server)?;
///
///     std::thread::spawn(move || client.write_all(b"hello"));
///     let mut buf = [0; 5];
///     let n = server.read_with(|s| (&*s).read(&mut buf)).await?;
///     assert_eq!(&buf[..n], &b"hello"[..n]);
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
///
/// The closure given to [`read_with`](Async::read_with) or
/// [`write_with`](Async::write_with) must make one non-blocking attempt and
/// return its result unchanged: `WouldBlock` is how the runtime learns that
/// the readiness it saw is gone.
///
/// `Async` is `!Send`: it belongs to the runtime thread that registered it.
pub struct Async<T>
where
    IoSource<T>: Source,
{
    io: IoSource<T>,
    registration: Registration,
    /// What a wait may ask for: both directions and errors, which every
    /// registration reports, and `PRIORITY` if it was registered for it.
    registered: Interest,
}

/// What every registration reports: both directions and errors.
const ALWAYS_REPORTED: Interest = Interest::READABLE.add(Interest::WRITABLE).add(Interest::ERROR);

impl<T> Async<T>
where
    IoSource<T>: Source,
{
    fn from_source(mut io: IoSource<T>) -> io::Result<Async<T>> {
        let registration = current_reactor()?.register(&mut io)?;
        Ok(Async { io, registration, registered: ALWAYS_REPORTED })
    }

    /// Registers a socket that is already non-blocking.
    pub(crate) fn from_nonblocking(io: T) -> io::Result<Async<T>> {
        Async::from_source(IoSource::from_nonblocking(io))
    }

    /// The wrapped socket.
    pub fn get_ref(&self) -> &T {
        &self.io
    }

    /// Waits until the socket is readable (or its read half closed, or an
    /// error is pending). The readiness stays until an operation through
    /// [`read_with`](Async::read_with) returns `WouldBlock`.
    ///
    /// Any number of tasks may wait at once: readiness wakes them all.
    /// Dropping the future gives up its place (it is cancellation-safe).
    pub async fn readable(&self) -> io::Result<()> {
        self.registration.readiness(Direction::Read.interest()).await.map(drop)
    }

    /// Waits until the socket is writable; see [`readable`](Async::readable).
    pub async fn writable(&self) -> io::Result<()> {
        self.registration.readiness(Direction::Write.interest()).await.map(drop)
    }

    /// Polls for read readiness.
    ///
    /// There is one waker slot per direction for the `poll_*` methods:
    /// when several tasks poll the same socket this way, only the last one
    /// to poll is woken (as with tokio's `poll_read_ready`). To wait from
    /// several tasks, use [`readable`](Async::readable).
    pub fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration.poll_ready(cx, Direction::Read).map_ok(drop)
    }

    /// Polls for write readiness. Only the last task to poll is woken; see
    /// [`poll_readable`](Async::poll_readable).
    pub fn poll_writable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration.poll_ready(cx, Direction::Write).map_ok(drop)
    }

    /// Runs a read-like operation until it does not return `WouldBlock`.
    /// Any number of tasks may do so at once; each wakes when the socket
    /// becomes readable.
    pub async fn read_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        self.registration.async_io(Direction::Read, || self.io.do_io(&mut op)).await
    }

    /// Runs a write-like operation until it does not return `WouldBlock`.
    /// Any number of tasks may do so at once.
    pub async fn write_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        self.registration.async_io(Direction::Write, || self.io.do_io(&mut op)).await
    }

    /// One poll of [`read_with`](Async::read_with). Only the last task to
    /// poll is woken; see [`poll_readable`](Async::poll_readable).
    pub fn poll_read_with<R>(
        &self,
        cx: &mut Context<'_>,
        op: &mut impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.registration.poll_io(cx, Direction::Read, || self.io.do_io(&mut *op))
    }

    /// Reads from a *stream* into `buf`. A read shorter than `buf` means the
    /// socket's buffer was drained, so the readiness is cleared at once and
    /// the next read waits for a new event instead of first making a
    /// `recv` that can only say `WouldBlock` (tokio makes the same saving).
    /// Not on IOCP, where only a `WouldBlock` re-arms the AFD poll.
    pub(crate) fn poll_read_stream(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
        mut op: impl FnMut(&T, &mut [u8]) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        // Nothing to read into: done, without waiting for readiness (as
        // `std::io::Read` promises for an empty buffer).
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let len = buf.len();
        self.registration
            .poll_transfer(cx, Direction::Read, len, || self.io.do_io(|io| op(io, buf)))
    }

    /// Writes to a stream; a short write clears write readiness likewise.
    pub(crate) fn poll_write_stream(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        mut op: impl FnMut(&T, &[u8]) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let len = buf.len();
        self.registration
            .poll_transfer(cx, Direction::Write, len, || self.io.do_io(|io| op(io, buf)))
    }

    /// One poll of [`write_with`](Async::write_with). Only the last task to
    /// poll is woken; see [`poll_readable`](Async::poll_readable).
    pub fn poll_write_with<R>(
        &self,
        cx: &mut Context<'_>,
        op: &mut impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.registration.poll_io(cx, Direction::Write, || self.io.do_io(&mut *op))
    }
}

/// The readiness API's plumbing, for the socket types and `AsyncFd`.
impl<T> Async<T>
where
    IoSource<T>: Source,
{
    /// Waits until the socket is ready for `interest`; returns what it is
    /// ready for.
    pub(crate) async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let event = self.ready_event(interest).await?;
        Ok(Ready::from_bits(event.ready))
    }

    /// Waits for readiness for `interest`; the event can be cleared later.
    /// `InvalidInput` for an interest the source was not registered for.
    pub(crate) async fn ready_event(&self, interest: Interest) -> io::Result<ReadyEvent> {
        self.check_registered(interest)?;
        self.registration.readiness(interest.mask()).await
    }

    /// Refuses a wait that could never end: for readiness the system was
    /// not asked to report (`PRIORITY` on a source registered without it).
    fn check_registered(&self, interest: Interest) -> io::Result<()> {
        if !interest.exceeds(self.registered) {
            return Ok(());
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "a wait for {interest:?} on a source registered for {:?} would never end: \
                 groundup's sockets are registered for reading, writing and errors; \
                 for urgent data, register the descriptor through \
                 AsyncFd::with_interest(fd, Interest::PRIORITY | …)",
                self.registered
            ),
        ))
    }

    /// Polls for readiness in `direction`; the event can be cleared later.
    /// Only the last task to poll a direction is woken.
    pub(crate) fn poll_ready_event(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        self.registration.poll_ready(cx, direction)
    }

    /// Forgets the readiness in `event` (unless a newer event came).
    pub(crate) fn clear_event(&self, event: ReadyEvent) {
        self.registration.clear_readiness(event);
    }

    /// One non-blocking attempt through the socket's I/O doorway (where a
    /// `WouldBlock` re-arms the AFD poll on Windows).
    pub(crate) fn do_io<R>(&self, op: impl FnOnce(&T) -> io::Result<R>) -> io::Result<R> {
        self.io.do_io(op)
    }

    /// Mutable access to the socket, for `AsyncFd::get_mut` and the
    /// `_mut` guards.
    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.io.get_mut()
    }

    /// Runs `op` whenever the socket is ready for `interest`, until it
    /// returns something other than `WouldBlock` (each `WouldBlock` clears
    /// the readiness it ran on): tokio's `async_io`.
    pub(crate) async fn async_io<R>(
        &self,
        interest: Interest,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let event = self.ready_event(interest).await?;
            match self.io.do_io(&mut op) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_event(event),
                result => return result,
            }
        }
    }

    /// A gathering write to a stream: as `poll_write_stream`, for the
    /// total length of `bufs`.
    pub(crate) fn poll_write_vectored_stream(
        &self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
        mut op: impl FnMut(&T, &[io::IoSlice<'_>]) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        // At most the buffers one system call takes (`IOV_MAX` is 1024
        // everywhere groundup runs): the length must be what the call can
        // move, or a transfer cut short by the cap would look like a
        // drained socket and clear the readiness, and the writer would wait
        // for an event that never comes.
        let bufs = &bufs[..bufs.len().min(1024)];
        let len = bufs.iter().map(|b| b.len()).fold(0, usize::saturating_add);
        if len == 0 {
            return Poll::Ready(Ok(0));
        }
        self.registration
            .poll_transfer(cx, Direction::Write, len, || self.io.do_io(|io| op(io, bufs)))
    }

    /// Runs `op` once if the socket is ready for `interest`, without
    /// waiting; `WouldBlock` (from `op`, or at once when not ready) clears
    /// the readiness `op` ran on. See `Registration::try_io`.
    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        op: impl FnOnce(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration.try_io(interest.mask(), || self.io.do_io(op))
    }
}

#[cfg(unix)]
impl<T: std::os::fd::AsRawFd> Async<T> {
    /// Makes `io` non-blocking and registers it with the current runtime.
    ///
    /// If registering fails, `io` is given its blocking mode back (the
    /// flag belongs to the open file description, which others may share:
    /// `std::io::stdin()`'s, say) before the error is returned. Once
    /// registered, it stays non-blocking, after the `Async` too: for a
    /// descriptor shared with other processes, such as a standard stream
    /// on a pipe or terminal, that is visible to them (their blocking
    /// reads fail with `EAGAIN`); [`stdin`](super::stdin) and the other
    /// standard-stream handles never change the shared flag.
    ///
    /// ```
    /// groundup::block_on(async {
    ///     // A regular file has no readiness: epoll refuses it and says why
    ///     // (kqueue registers it, always ready). The standard streams
    ///     // have their own types, which handle files: `groundup::io::stdin()`.
    ///     let file = std::fs::File::open("Cargo.toml")?;
    ///     match groundup::io::Async::new(file) {
    ///         Err(e) => assert!(e.to_string().contains("groundup::io::stdin()"), "{e}"),
    ///         Ok(_) => {} // kqueue: registered, always readable
    ///     }
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// Outside a runtime, an error that says how to get one (and the
    /// descriptor is left as it was). A descriptor the system cannot poll,
    /// such as a regular file or `/dev/null` under epoll (a standard
    /// stream redirected from one, for instance), is `PermissionDenied`
    /// with a message that says why and what to use instead. Otherwise
    /// what making the socket non-blocking or registering it returns.
    pub fn new(io: T) -> io::Result<Async<T>> {
        Async::new_explained(io, "Async::new", ALWAYS_REPORTED)
    }

    /// [`new`](Async::new), whose errors name `caller`, registered for
    /// `interest` too (for `AsyncFd::with_interest`).
    pub(crate) fn new_explained(io: T, caller: &str, interest: Interest) -> io::Result<Async<T>> {
        Async::try_new_explained(io, caller, interest).map_err(|(_, e)| e)
    }

    /// As [`new_explained`](Async::new_explained), giving `io` back with
    /// the error, as it was (its blocking mode too), whatever step failed:
    /// for `AsyncFd::try_new`.
    pub(crate) fn try_new_explained(
        io: T,
        caller: &str,
        interest: Interest,
    ) -> Result<Async<T>, (T, io::Error)> {
        // The runtime first: outside one, nothing is changed.
        let reactor = match current_reactor() {
            Ok(reactor) => reactor,
            Err(e) => return Err((io, e)),
        };
        let fd = io.as_raw_fd();
        let was_nonblocking = match crate::sys::unix::is_nonblocking(fd) {
            Ok(was) => was,
            Err(e) => return Err((io, e)),
        };
        if !was_nonblocking {
            if let Err(e) = crate::sys::unix::set_nonblocking(fd, true) {
                return Err((io, e));
            }
        }
        let mut io = IoSource::from_nonblocking(io);
        let registered = interest.add(ALWAYS_REPORTED);
        match reactor.register_for(&mut io, poll_interest(registered)) {
            Ok(registration) => Ok(Async { io, registration, registered }),
            Err(e) => {
                if !was_nonblocking {
                    // Best effort: the registration error is the one to report.
                    let _ = crate::sys::unix::set_nonblocking(fd, false);
                }
                Err((io.into_inner(), explain_registration_error(caller, e)))
            }
        }
    }
}

/// The poller's registration for `interest`: both directions always (see
/// `reactor::Handle::register`), and epoll's `PRIORITY` when asked for.
#[cfg(unix)]
fn poll_interest(interest: Interest) -> crate::poll::Interest {
    let both = crate::poll::Interest::READABLE | crate::poll::Interest::WRITABLE;
    #[cfg(groundup_backend = "epoll")]
    if interest.is_priority() {
        return both | crate::poll::Interest::PRIORITY;
    }
    let _ = interest;
    both
}

/// epoll's `EPERM` for a descriptor it cannot poll (a regular file, a
/// directory, `/dev/null`) is a bare "Operation not permitted": say what
/// it means, and what to use instead.
#[cfg(unix)]
fn explain_registration_error(caller: &str, e: io::Error) -> io::Error {
    if e.kind() != io::ErrorKind::PermissionDenied {
        return e;
    }
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "{caller}: the system cannot poll this descriptor ({e}): epoll refuses \
             regular files, directories and devices such as /dev/null, which are always \
             ready (a standard stream redirected from a file is one); read files directly \
             or through groundup::fs, and use groundup::io::stdin(), stdout() and stderr() \
             for the standard streams, which fall back to the blocking pool"
        ),
    )
}

#[cfg(windows)]
impl<T: std::os::windows::io::AsRawSocket> Async<T> {
    /// Makes `io` non-blocking and registers it with the current runtime.
    /// On Windows only sockets can be registered (the IOCP backend polls
    /// them through the AFD driver).
    ///
    /// # Errors
    ///
    /// Outside a runtime, an error that says how to get one; otherwise what
    /// making the socket non-blocking or registering it returns.
    pub fn new(io: T) -> io::Result<Async<T>> {
        Async::try_new(io).map_err(|(_, e)| e)
    }

    /// As [`new`](Async::new), giving `io` back with the error: for
    /// `AsyncSocket::try_new`. (Winsock cannot say whether a socket was
    /// non-blocking, so a socket refused by the registration stays
    /// non-blocking.)
    pub(crate) fn try_new(io: T) -> Result<Async<T>, (T, io::Error)> {
        // The runtime first: outside one, nothing is changed.
        let reactor = match current_reactor() {
            Ok(reactor) => reactor,
            Err(e) => return Err((io, e)),
        };
        if let Err(e) = crate::sys::set_nonblocking(io.as_raw_socket()) {
            return Err((io, e));
        }
        let mut io = IoSource::from_nonblocking(io);
        match reactor.register(&mut io) {
            Ok(registration) => Ok(Async { io, registration, registered: ALWAYS_REPORTED }),
            Err(e) => Err((io.into_inner(), e)),
        }
    }
}

impl<T> Async<T>
where
    IoSource<T>: Source,
{
    /// Deregisters the socket and gives it back (still non-blocking).
    pub fn into_inner(self) -> io::Result<T> {
        let (result, io) = self.into_parts();
        result.map(|()| io)
    }

    /// Deregisters the socket and gives it back whatever the
    /// deregistration said (`AsyncFd::into_inner`, which must return it).
    pub(crate) fn into_parts(self) -> (io::Result<()>, T) {
        let mut this = std::mem::ManuallyDrop::new(self);
        let Async { io, registration, .. } = &mut *this;
        let result = registration.deregister(io);
        // SAFETY: `this` is never used again and its destructor never runs
        // (ManuallyDrop), so this field is moved out exactly once.
        let io = unsafe { std::ptr::read(&this.io) };
        // SAFETY: as above, for the other field.
        let registration = unsafe { std::ptr::read(&this.registration) };
        drop(registration);
        (result, io.into_inner())
    }
}

impl<T> Drop for Async<T>
where
    IoSource<T>: Source,
{
    fn drop(&mut self) {
        // Closing the socket would remove it from the kernel queue too, but
        // not if the descriptor was duplicated; deregistering is exact.
        // Already deregistered (by `into_inner`) is fine.
        let _ = self.registration.deregister(&mut self.io);
    }
}

impl<T: fmt::Debug> fmt::Debug for Async<T>
where
    IoSource<T>: Source,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Async").field("io", &self.io).finish()
    }
}

/// The reactor of the runtime on this thread. The runtime is looked up
/// here, at the public leaf, and the reactor handle passed down: the
/// reactor itself knows no runtime.
fn current_reactor() -> io::Result<crate::reactor::Handle> {
    crate::context::with_current(|cx| cx.reactor.clone()).ok_or_else(no_runtime)
}

/// The error of creating an I/O object where no runtime can drive it.
fn no_runtime() -> io::Error {
    io::Error::other(
        "no groundup runtime on this thread: create I/O objects inside \
         `groundup::block_on(async { ... })` or a task it runs, or while a \
         `Runtime::enter()` guard lives",
    )
}
