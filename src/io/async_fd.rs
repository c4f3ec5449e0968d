//! `AsyncFd`: readiness for a descriptor the caller brings, with guards
//! that say when the readiness was used up.
//!
//! groundup's socket types do their own I/O. `AsyncFd` is for the rest: a
//! pipe made with `pipe2(2)`, a device, a socket from another library. It
//! registers the descriptor with the reactor (both directions, once) and
//! offers what tokio's `AsyncFd` offers: wait until it is ready
//! ([`readable`](AsyncFd::readable), [`writable`](AsyncFd::writable),
//! [`ready`](AsyncFd::ready)), get a *guard* for that readiness, do the
//! I/O yourself, and tell the guard whether it was used up:
//!
//! - [`try_io`](AsyncFdReadyGuard::try_io) runs the operation; its
//!   `WouldBlock` clears the readiness (and reports `Err(TryIoError)`, the
//!   cue to wait again);
//! - [`clear_ready`](AsyncFdReadyGuard::clear_ready) clears it by hand,
//!   after an operation of yours said `WouldBlock`: the next wait then
//!   waits for a new event;
//! - dropping the guard, or [`retain_ready`](AsyncFdReadyGuard::retain_ready),
//!   keeps it: the next wait returns at once.
//!
//! Clearing is what edge-triggered readiness needs: the reactor reports a
//! change once, so "ready" must be forgotten only when the descriptor has
//! shown it is drained. The clear is based on the event the guard was
//! made from: an event that arrived since survives it (the tick in the
//! readiness word; see `reactor::scheduled_io`).
//!
//! ## One type, two platforms
//!
//! On Unix the type is [`io::unix::AsyncFd`](crate::io::unix::AsyncFd),
//! over any `T: AsRawFd`, as in tokio. tokio has nothing for Windows; groundup's
//! IOCP backend polls *sockets* through the AFD driver, so the same type
//! serves any `T: AsRawSocket` there, exported as
//! `io::windows::AsyncSocket` (with `AsyncSocketReadyGuard` and
//! `AsyncSocketReadyMutGuard`): "fd" would promise descriptors Windows does
//! not have, and "socket" says exactly what can be registered. It is the
//! same struct under another name, so code written against one compiles
//! against the other after a `use … as …`. On Windows, `clear_ready` also
//! re-arms the AFD poll (an operation's `WouldBlock` is what re-arms it;
//! see `poll::IoSource`).
//!
//! groundup differs from tokio in two ways, said where they matter:
//! `new` makes the descriptor non-blocking (tokio leaves that to the
//! caller, and a blocking one would block the runtime's thread), and a
//! wait for a direction outside the `with_interest` interest is an
//! `InvalidInput` error instead of a wait that never ends. A wait for
//! errors (`Interest::ERROR`) is always allowed, since every registration
//! reports them; `Interest::PRIORITY` (epoll) must be in the
//! `with_interest` interest, which registers the descriptor for it. Like every
//! groundup I/O object, an `AsyncFd` is `!Send`.

use std::fmt;
use std::io;
use std::task::{Context, Poll, ready};

use super::{Async, Interest, Ready};
use crate::poll::{IoSource, Source};
use crate::reactor::{Direction, ReadyEvent};

/// The hidden doctest lines every example here starts with: the type's
/// name on this platform and a connected pair of std sockets.
macro_rules! doc_setup {
    () => {
        "# #[cfg(unix)] use groundup::io::unix::AsyncFd;\n\
         # #[cfg(windows)] use groundup::io::windows::AsyncSocket as AsyncFd;\n\
         # fn pair() -> std::io::Result<(std::net::TcpStream, std::net::TcpStream)> {\n\
         #     let listener = std::net::TcpListener::bind(\"127.0.0.1:0\")?;\n\
         #     let a = std::net::TcpStream::connect(listener.local_addr()?)?;\n\
         #     Ok((a, listener.accept()?.0))\n\
         # }\n"
    };
}

/// A descriptor (on Windows: a socket) registered with the runtime's
/// reactor, whose readiness can be awaited; the caller does the I/O.
///
/// Each wait returns a guard for the readiness it found. Use the guard's
/// [`try_io`](AsyncFdReadyGuard::try_io) for the operation (its
/// `WouldBlock` clears the readiness, so the next wait waits for a new
/// event), or [`clear_ready`](AsyncFdReadyGuard::clear_ready) after an
/// operation of your own said `WouldBlock`; dropping the guard keeps the
/// readiness. groundup makes the descriptor non-blocking in `new` (tokio
/// leaves that to the caller), and refuses a wait outside the
/// `with_interest` interest with `InvalidInput` (tokio's would never end).
/// On Windows this type is `groundup::io::windows::AsyncSocket`, over any
/// `T: AsRawSocket`.
///
/// ```
#[doc = doc_setup!()]
/// use std::io::{ErrorKind, Read, Write};
///
/// groundup::block_on(async {
///     let (mut peer, socket) = pair()?;
///     let fd = AsyncFd::new(socket)?;
///     peer.write_all(b"hello")?;
///     let mut buf = [0; 16];
///     let n = loop {
///         let mut guard = fd.readable().await?;
///         match guard.try_io(|fd| fd.get_ref().read(&mut buf)) {
///             Ok(result) => break result?,
///             Err(_would_block) => continue, // cleared: wait for more
///         }
///     };
///     assert_eq!(&buf[..n], b"hello");
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub struct AsyncFd<T>
where
    IoSource<T>: Source,
{
    io: Async<T>,
    interest: Interest,
}

fn both() -> Interest {
    Interest::READABLE | Interest::WRITABLE
}

#[cfg(unix)]
impl<T: std::os::fd::AsRawFd> AsyncFd<T> {
    /// Makes `inner`'s descriptor non-blocking and registers it with the
    /// current runtime, for reading and writing.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     fd.writable().await?.retain_ready();
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// Outside a runtime, an error naming the fix. A descriptor the
    /// system cannot poll, such as a regular file under epoll (which
    /// refuses always-ready files), is `PermissionDenied` with a message
    /// that says so; under kqueue a regular file registers and is always
    /// readable. A closed descriptor: `EBADF`.
    pub fn new(inner: T) -> io::Result<AsyncFd<T>> {
        AsyncFd::with_interest(inner, both())
    }

    /// As [`new`](AsyncFd::new), for waits in the directions of
    /// `interest` only: a wait for the other is `InvalidInput`.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use groundup::io::Interest;
    ///
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let fd = AsyncFd::with_interest(socket, Interest::WRITABLE)?;
    ///     assert!(fd.writable().await.is_ok());
    ///     assert_eq!(fd.readable().await.unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new).
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
        let io = Async::new_explained(inner, "AsyncFd::new", interest)?;
        Ok(AsyncFd { io, interest })
    }

    /// As [`new`](AsyncFd::new), giving `inner` back with the error, as it
    /// was (its blocking mode too). As tokio's.
    ///
    /// ```
    /// use groundup::io::unix::AsyncFd;
    ///
    /// // Outside a runtime: the socket comes back with the reason.
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let (socket, cause) = AsyncFd::try_new(socket).unwrap_err().into_parts();
    /// assert!(cause.to_string().contains("no groundup runtime"), "{cause}");
    /// assert!(socket.local_addr().is_ok());
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new), with `inner` in the error.
    pub fn try_new(inner: T) -> Result<AsyncFd<T>, AsyncFdTryNewError<T>> {
        AsyncFd::try_with_interest(inner, both())
    }

    /// As [`with_interest`](AsyncFd::with_interest), giving `inner` back
    /// with the error. As tokio's.
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new), with `inner` in the error.
    pub fn try_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<AsyncFd<T>, AsyncFdTryNewError<T>> {
        match Async::try_new_explained(inner, "AsyncFd::try_new", interest) {
            Ok(io) => Ok(AsyncFd { io, interest }),
            Err((inner, cause)) => Err(AsyncFdTryNewError { inner, cause }),
        }
    }
}

#[cfg(windows)]
impl<T: std::os::windows::io::AsRawSocket> AsyncFd<T> {
    /// Makes `inner` non-blocking and registers it with the current
    /// runtime (through the AFD driver), for reading and writing.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     fd.writable().await?.retain_ready();
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// Outside a runtime, an error naming the fix; a handle that is not a
    /// socket, what Winsock says (`WSAENOTSOCK`).
    pub fn new(inner: T) -> io::Result<AsyncFd<T>> {
        AsyncFd::with_interest(inner, both())
    }

    /// As [`new`](AsyncFd::new), for waits in the directions of
    /// `interest` only: a wait for the other is `InvalidInput`.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use groundup::io::Interest;
    ///
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let fd = AsyncFd::with_interest(socket, Interest::WRITABLE)?;
    ///     assert!(fd.writable().await.is_ok());
    ///     assert_eq!(fd.readable().await.unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new).
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
        Ok(AsyncFd { io: Async::new(inner)?, interest })
    }

    /// As [`new`](AsyncFd::new), giving `inner` back with the error. A
    /// socket the registration refused stays non-blocking (Winsock cannot
    /// say what it was before).
    ///
    /// ```
    /// use groundup::io::windows::AsyncSocket;
    ///
    /// // Outside a runtime: the socket comes back with the reason.
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let (socket, cause) = AsyncSocket::try_new(socket).unwrap_err().into_parts();
    /// assert!(cause.to_string().contains("no groundup runtime"), "{cause}");
    /// assert!(socket.local_addr().is_ok());
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new), with `inner` in the error.
    pub fn try_new(inner: T) -> Result<AsyncFd<T>, AsyncFdTryNewError<T>> {
        AsyncFd::try_with_interest(inner, both())
    }

    /// As [`with_interest`](AsyncFd::with_interest), giving `inner` back
    /// with the error.
    ///
    /// # Errors
    ///
    /// As [`new`](AsyncFd::new), with `inner` in the error.
    pub fn try_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<AsyncFd<T>, AsyncFdTryNewError<T>> {
        match Async::try_new(inner) {
            Ok(io) => Ok(AsyncFd { io, interest }),
            Err((inner, cause)) => Err(AsyncFdTryNewError { inner, cause }),
        }
    }
}

impl<T> AsyncFd<T>
where
    IoSource<T>: Source,
{
    /// The wrapped value.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     assert_eq!(fd.get_ref().peer_addr()?, peer.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_ref(&self) -> &T {
        self.io.get_ref()
    }

    /// The wrapped value, mutably (for I/O that takes `&mut self`). Do not
    /// replace its descriptor: the registration is for the one it had.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let mut fd = AsyncFd::new(socket)?;
    ///     fd.get_mut().set_nodelay(true)?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.io.get_mut()
    }

    /// Deregisters and gives the value back (still non-blocking). As in
    /// tokio it cannot fail: a failed deregistration (the descriptor was
    /// closed behind the wrapper's back) is ignored, since closing removed
    /// it from the kernel's queue anyway.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let socket: std::net::TcpStream = AsyncFd::new(socket)?.into_inner();
    ///     socket.set_nonblocking(false)?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn into_inner(self) -> T {
        self.io.into_parts().1
    }

    /// Refuses a wait outside the `with_interest` interest (errors are
    /// always allowed: every registration reports them).
    fn check(&self, interest: Interest) -> io::Result<()> {
        if interest.exceeds(self.interest.add(Interest::ERROR)) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "this AsyncFd was made with_interest({:?}): it cannot wait for {interest:?}",
                    self.interest
                ),
            ));
        }
        Ok(())
    }

    async fn event(&self, interest: Interest) -> io::Result<ReadyEvent> {
        self.check(interest)?;
        self.io.ready_event(interest).await
    }

    fn poll_event(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        let interest = match direction {
            Direction::Read => Interest::READABLE,
            Direction::Write => Interest::WRITABLE,
        };
        self.check(interest)?;
        self.io.poll_ready_event(cx, direction)
    }

    /// Waits until the descriptor is ready for `interest`; the guard says
    /// for what ([`AsyncFdReadyGuard::ready`]). Any number of tasks may
    /// wait at once; cancel safe.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use groundup::io::Interest;
    ///
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     let guard = fd.ready(Interest::READABLE | Interest::WRITABLE).await?;
    ///     assert!(guard.ready().is_writable());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// `InvalidInput` for an interest outside the one given to
    /// `with_interest`; an error once the runtime is gone.
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        let event = self.event(interest).await?;
        Ok(AsyncFdReadyGuard { fd: self, event: Some(event) })
    }

    /// As [`ready`](AsyncFd::ready), with a guard that lends the value
    /// mutably.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use groundup::io::Interest;
    ///
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let mut fd = AsyncFd::new(socket)?;
    ///     let mut guard = fd.ready_mut(Interest::WRITABLE).await?;
    ///     guard.get_inner_mut().set_nodelay(true)?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ready`](AsyncFd::ready).
    pub async fn ready_mut(
        &mut self,
        interest: Interest,
    ) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        let event = self.event(interest).await?;
        Ok(AsyncFdReadyMutGuard { fd: self, event: Some(event) })
    }

    /// Waits until the descriptor is readable (data, the read half closed,
    /// or an error pending).
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use std::io::Write;
    ///
    /// groundup::block_on(async {
    ///     let (mut peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     peer.write_all(b"x")?;
    ///     assert!(fd.readable().await?.ready().is_readable());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ready`](AsyncFd::ready).
    pub async fn readable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::READABLE).await
    }

    /// As [`readable`](AsyncFd::readable), with a mutable guard.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use std::io::{Read, Write};
    ///
    /// groundup::block_on(async {
    ///     let (mut peer, socket) = pair()?;
    ///     let mut fd = AsyncFd::new(socket)?;
    ///     peer.write_all(b"x")?;
    ///     let mut buf = [0; 1];
    ///     let n = loop {
    ///         let mut guard = fd.readable_mut().await?;
    ///         if let Ok(result) = guard.try_io(|s| s.get_mut().read(&mut buf)) {
    ///             break result?;
    ///         }
    ///     };
    ///     assert_eq!(n, 1);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ready`](AsyncFd::ready).
    pub async fn readable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// Waits until the descriptor is writable.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     assert!(fd.writable().await?.ready().is_writable());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ready`](AsyncFd::ready).
    pub async fn writable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::WRITABLE).await
    }

    /// As [`writable`](AsyncFd::writable), with a mutable guard.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use std::io::Write;
    ///
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let mut fd = AsyncFd::new(socket)?;
    ///     let mut guard = fd.writable_mut().await?;
    ///     let n = guard.try_io(|s| s.get_mut().write(b"hi")).expect("writable")?;
    ///     assert_eq!(n, 2);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ready`](AsyncFd::ready).
    pub async fn writable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }

    /// Polls for read readiness. One waker slot per direction: only the
    /// last task to poll is woken (as in tokio); to wait from several
    /// tasks, use [`readable`](AsyncFd::readable).
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use std::future::poll_fn;
    /// use std::io::Write;
    ///
    /// groundup::block_on(async {
    ///     let (mut peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     peer.write_all(b"x")?;
    ///     let guard = poll_fn(|cx| fd.poll_read_ready(cx)).await?;
    ///     assert!(guard.ready().is_readable());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.poll_event(cx, Direction::Read))?;
        Poll::Ready(Ok(AsyncFdReadyGuard { fd: self, event: Some(event) }))
    }

    /// Polls for write readiness; see [`poll_read_ready`](AsyncFd::poll_read_ready).
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use std::future::poll_fn;
    ///
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     let guard = poll_fn(|cx| fd.poll_write_ready(cx)).await?;
    ///     assert!(guard.ready().is_writable());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.poll_event(cx, Direction::Write))?;
        Poll::Ready(Ok(AsyncFdReadyGuard { fd: self, event: Some(event) }))
    }

    /// Runs `f` whenever the descriptor is ready for `interest`, until it
    /// returns anything but `WouldBlock` (each of which clears the
    /// readiness): tokio's `async_io`.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use std::io::{Read, Write};
    /// use groundup::io::Interest;
    ///
    /// groundup::block_on(async {
    ///     let (mut peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     peer.write_all(b"abc")?;
    ///     let mut buf = [0; 3];
    ///     let n = fd.async_io(Interest::READABLE, |mut s| s.read(&mut buf)).await?;
    ///     assert_eq!(&buf[..n], &b"abc"[..n]);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// `f`'s error, or [`ready`](AsyncFd::ready)'s.
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.check(interest)?;
        self.io.async_io(interest, f).await
    }
}

impl<T: fmt::Debug> fmt::Debug for AsyncFd<T>
where
    IoSource<T>: Source,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", self.get_ref())
            .field("interest", &self.interest)
            .finish()
    }
}

/// An operation in [`try_io`](AsyncFdReadyGuard::try_io) returned
/// `WouldBlock`: the readiness was cleared, wait again.
///
/// ```
#[doc = doc_setup!()]
/// use std::io::Read;
///
/// groundup::block_on(async {
///     let (_peer, socket) = pair()?;
///     let fd = AsyncFd::new(socket)?;
///     let mut guard = fd.writable().await?;
///     let mut buf = [0; 1];
///     // Nothing to read: the read says WouldBlock.
///     assert!(guard.try_io(|fd| fd.get_ref().read(&mut buf)).is_err());
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct TryIoError(());

impl fmt::Display for TryIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the operation would block; the readiness was cleared")
    }
}

impl std::error::Error for TryIoError {}

/// The error of [`AsyncFd::try_new`] and
/// [`try_with_interest`](AsyncFd::try_with_interest): why the value could
/// not be registered, and the value itself, given back. As tokio's; it
/// converts into the plain [`io::Error`] with `?`.
pub struct AsyncFdTryNewError<T> {
    inner: T,
    cause: io::Error,
}

impl<T> AsyncFdTryNewError<T> {
    /// The value given back and the reason.
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.cause)
    }
}

/// The reason only, as tokio's (`T` need not be `Debug`).
impl<T> fmt::Debug for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cause, f)
    }
}

impl<T> fmt::Display for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cause, f)
    }
}

impl<T> std::error::Error for AsyncFdTryNewError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

/// The reason; the value is dropped.
impl<T> From<AsyncFdTryNewError<T>> for io::Error {
    fn from(error: AsyncFdTryNewError<T>) -> io::Error {
        error.cause
    }
}

/// The readiness one wait found, borrowed from an [`AsyncFd`]: use it with
/// [`try_io`](AsyncFdReadyGuard::try_io), or say it is used up with
/// [`clear_ready`](AsyncFdReadyGuard::clear_ready). Dropping the guard
/// keeps the readiness.
pub struct AsyncFdReadyGuard<'a, T>
where
    IoSource<T>: Source,
{
    fd: &'a AsyncFd<T>,
    /// `None` once cleared or retained.
    event: Option<ReadyEvent>,
}

/// As [`AsyncFdReadyGuard`], from the `_mut` waits: it lends the value
/// mutably.
pub struct AsyncFdReadyMutGuard<'a, T>
where
    IoSource<T>: Source,
{
    fd: &'a mut AsyncFd<T>,
    event: Option<ReadyEvent>,
}

/// Forgets `event`'s readiness, unless a newer event came: the guards'
/// `clear_ready`. The empty operation through the I/O doorway is for
/// Windows, where a `WouldBlock` is what re-arms the AFD poll (elsewhere it
/// makes no system call).
fn clear<T>(fd: &AsyncFd<T>, event: ReadyEvent)
where
    IoSource<T>: Source,
{
    // A failed re-arm cannot be reported from here (`clear_ready` returns
    // nothing, as in tokio); it leaves the AFD poll as it was.
    let _ = fd.io.do_io(|_| Err::<(), _>(io::ErrorKind::WouldBlock.into()));
    fd.io.clear_event(event);
}

fn ready_of(event: Option<ReadyEvent>) -> Ready {
    event.map_or(Ready::EMPTY, |event| Ready::from_bits(event.ready))
}

/// The guard methods both guards have; `$fd` turns `self.fd` into the
/// `&AsyncFd` they need.
macro_rules! guard_methods {
    () => {
        /// What the wait found (empty once cleared or retained).
        ///
        /// ```
        #[doc = doc_setup!()]
        /// groundup::block_on(async {
        ///     let (_peer, socket) = pair()?;
        ///     let fd = AsyncFd::new(socket)?;
        ///     let guard = fd.writable().await?;
        ///     assert!(guard.ready().is_writable() && !guard.ready().is_readable());
        ///     std::io::Result::Ok(())
        /// })?;
        /// # std::io::Result::Ok(())
        /// ```
        pub fn ready(&self) -> Ready {
            ready_of(self.event)
        }

        /// Says the readiness is used up (an operation returned
        /// `WouldBlock`): the next wait waits for a new event. An event
        /// that arrived since the wait survives.
        ///
        /// ```
        #[doc = doc_setup!()]
        /// use std::io::Write;
        ///
        /// groundup::block_on(async {
        ///     let (mut peer, socket) = pair()?;
        ///     let fd = AsyncFd::new(socket)?;
        ///     peer.write_all(b"x")?;
        ///     fd.readable().await?.clear_ready();
        ///     // Only a new event makes it readable again.
        ///     peer.write_all(b"y")?;
        ///     fd.readable().await?;
        ///     std::io::Result::Ok(())
        /// })?;
        /// # std::io::Result::Ok(())
        /// ```
        pub fn clear_ready(&mut self) {
            if let Some(event) = self.event.take() {
                clear(&*self.fd, event);
            }
        }

        /// Clears only the readiness in `ready` (say, writable after a
        /// write said `WouldBlock`, keeping readable).
        ///
        /// ```
        #[doc = doc_setup!()]
        /// use groundup::io::{Interest, Ready};
        ///
        /// groundup::block_on(async {
        ///     let (_peer, socket) = pair()?;
        ///     let fd = AsyncFd::new(socket)?;
        ///     let mut guard = fd.ready(Interest::WRITABLE).await?;
        ///     guard.clear_ready_matching(Ready::WRITABLE);
        ///     assert!(!guard.ready().is_writable());
        ///     std::io::Result::Ok(())
        /// })?;
        /// # std::io::Result::Ok(())
        /// ```
        pub fn clear_ready_matching(&mut self, ready: Ready) {
            if let Some(event) = self.event {
                clear(&*self.fd, event.only(ready.to_bits()));
                let left = event.only(!ready.to_bits());
                self.event = (left.ready != 0).then_some(left);
            }
        }

        /// Keeps the readiness (as dropping the guard does): the next wait
        /// returns at once.
        ///
        /// ```
        #[doc = doc_setup!()]
        /// groundup::block_on(async {
        ///     let (_peer, socket) = pair()?;
        ///     let fd = AsyncFd::new(socket)?;
        ///     fd.writable().await?.retain_ready();
        ///     fd.writable().await?; // still writable
        ///     std::io::Result::Ok(())
        /// })?;
        /// # std::io::Result::Ok(())
        /// ```
        pub fn retain_ready(&mut self) {
            self.event = None;
        }
    };
}

impl<'a, T> AsyncFdReadyGuard<'a, T>
where
    IoSource<T>: Source,
{
    guard_methods!();

    /// Runs `f`, one non-blocking attempt at an operation on the
    /// descriptor. `WouldBlock` clears the readiness and returns
    /// `Err(TryIoError)`, the cue to wait again; anything else is
    /// `Ok(result)`.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use std::io::Write;
    ///
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     let mut guard = fd.writable().await?;
    ///     let n = guard.try_io(|fd| fd.get_ref().write(b"hi")).expect("was writable")?;
    ///     assert_eq!(n, 2);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`TryIoError`] when `f` returned `WouldBlock`.
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        let fd = self.fd;
        match fd.io.do_io(|_| f(fd)) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if let Some(event) = self.event.take() {
                    fd.io.clear_event(event); // `do_io` has re-armed
                }
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The `AsyncFd` the guard came from.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     let guard = fd.writable().await?;
    ///     assert!(std::ptr::eq(guard.get_ref(), &fd));
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_ref(&self) -> &'a AsyncFd<T> {
        self.fd
    }

    /// The value inside the `AsyncFd`.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (peer, socket) = pair()?;
    ///     let fd = AsyncFd::new(socket)?;
    ///     let guard = fd.writable().await?;
    ///     assert_eq!(guard.get_inner().peer_addr()?, peer.local_addr()?);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_inner(&self) -> &'a T {
        self.fd.get_ref()
    }
}

impl<T> AsyncFdReadyMutGuard<'_, T>
where
    IoSource<T>: Source,
{
    guard_methods!();

    /// As [`AsyncFdReadyGuard::try_io`], lending the `AsyncFd` mutably.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// use std::io::Write;
    ///
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let mut fd = AsyncFd::new(socket)?;
    ///     let mut guard = fd.writable_mut().await?;
    ///     assert_eq!(guard.try_io(|fd| fd.get_mut().write(b"hi")).expect("writable")?, 2);
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`TryIoError`] when `f` returned `WouldBlock`.
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&mut AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        // Not through `do_io`, which lends the value only shared: the
        // re-arm it does on Windows is done by `clear` instead.
        match f(self.fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The `AsyncFd` the guard came from.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let mut fd = AsyncFd::new(socket)?;
    ///     let guard = fd.writable_mut().await?;
    ///     assert!(guard.get_ref().get_ref().peer_addr().is_ok());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_ref(&self) -> &AsyncFd<T> {
        self.fd
    }

    /// The `AsyncFd` the guard came from, mutably.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let mut fd = AsyncFd::new(socket)?;
    ///     let mut guard = fd.writable_mut().await?;
    ///     guard.get_mut().get_mut().set_nodelay(true)?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_mut(&mut self) -> &mut AsyncFd<T> {
        self.fd
    }

    /// The value inside the `AsyncFd`.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let mut fd = AsyncFd::new(socket)?;
    ///     let guard = fd.writable_mut().await?;
    ///     assert!(guard.get_inner().peer_addr().is_ok());
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_inner(&self) -> &T {
        self.fd.get_ref()
    }

    /// The value inside the `AsyncFd`, mutably.
    ///
    /// ```
    #[doc = doc_setup!()]
    /// groundup::block_on(async {
    ///     let (_peer, socket) = pair()?;
    ///     let mut fd = AsyncFd::new(socket)?;
    ///     let mut guard = fd.writable_mut().await?;
    ///     guard.get_inner_mut().set_nodelay(true)?;
    ///     std::io::Result::Ok(())
    /// })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn get_inner_mut(&mut self) -> &mut T {
        self.fd.get_mut()
    }
}

impl<T: fmt::Debug> fmt::Debug for AsyncFdReadyGuard<'_, T>
where
    IoSource<T>: Source,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyGuard")
            .field("fd", self.fd)
            .field("ready", &self.ready())
            .finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for AsyncFdReadyMutGuard<'_, T>
where
    IoSource<T>: Source,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyMutGuard")
            .field("fd", &*self.fd)
            .field("ready", &self.ready())
            .finish()
    }
}
