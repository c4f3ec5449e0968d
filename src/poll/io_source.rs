use std::fmt;
use std::io::{self, Read, Write};
use std::ops::Deref;

use super::{Interest, Registry, SelectorId, Source, Token};
use crate::sys;

/// A std socket made non-blocking and ready to register: the way all
/// readiness-driven I/O in groundup is done.
///
/// `IoSource::new` sets the socket non-blocking. Afterwards every I/O
/// operation goes through [`do_io`](IoSource::do_io) (or the `Read`/`Write`
/// impls, which use it). That one doorway is what makes the edge-triggered
/// contract of [`Poll`](super::Poll) portable: on epoll and kqueue it only
/// runs the operation, while on Windows it is where a `WouldBlock` re-arms the
/// AFD poll that produces the next event.
///
/// `IoSource` derefs to the socket for everything that is not I/O
/// (`local_addr`, `set_nodelay`, …) and gives it back with
/// [`into_inner`](IoSource::into_inner). It can be registered with one
/// [`Registry`] at a time; dropping it without deregistering is fine (closing
/// a descriptor removes it from the kernel queue; with libkqueue, whose
/// queues do not notice a close, the drop deregisters it).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::io::{ErrorKind, Read};
/// use std::net::{TcpListener, TcpStream};
/// use groundup::poll::IoSource;
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let _client = TcpStream::connect(listener.local_addr()?)?;
/// let (server, _) = listener.accept()?;
/// let mut server = IoSource::new(server)?;
/// let mut buf = [0; 16];
/// // Nothing was sent: a non-blocking read says so instead of waiting.
/// assert_eq!(server.read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
/// # Ok(())
/// # }
/// ```
pub struct IoSource<T> {
    // Declared (so dropped) before `inner`: on Windows, dropping a registered
    // state cancels its poll, which must happen while the socket is open.
    state: sys::IoSourceState,
    /// The queue this source is registered with, if any.
    registered_with: Option<SelectorId>,
    inner: T,
}

#[cfg(unix)]
impl<T: std::os::fd::AsRawFd> IoSource<T> {
    /// Takes `io` and sets it non-blocking (one `ioctl(FIONBIO)`).
    pub fn new(io: T) -> io::Result<IoSource<T>> {
        sys::unix::set_nonblocking(io.as_raw_fd(), true)?;
        Ok(IoSource::from_nonblocking(io))
    }
}

#[cfg(windows)]
impl<T: std::os::windows::io::AsRawSocket> IoSource<T> {
    /// Takes `io` and sets it non-blocking (one `ioctlsocket(FIONBIO)`).
    pub fn new(io: T) -> io::Result<IoSource<T>> {
        sys::set_nonblocking(io.as_raw_socket())?;
        Ok(IoSource { state: sys::IoSourceState::new(), registered_with: None, inner: io })
    }
}

impl<T> IoSource<T> {
    /// Wraps a socket that is already non-blocking (groundup's own sockets
    /// are born that way), saving the system call `new` would make.
    pub(crate) fn from_nonblocking(io: T) -> IoSource<T> {
        IoSource { state: sys::IoSourceState::new(), registered_with: None, inner: io }
    }

    /// Runs one I/O operation on the socket.
    ///
    /// `f` must perform at most one non-blocking operation and return its
    /// result unchanged, `WouldBlock` included: the backend may need to see
    /// `WouldBlock` to re-arm the source (Windows), and the edge-triggered
    /// contract only promises a new event after one.
    pub fn do_io<F, R>(&self, f: F) -> io::Result<R>
    where
        F: FnOnce(&T) -> io::Result<R>,
    {
        self.state.do_io(f, &self.inner)
    }

    /// Mutable access to the socket, for wrappers that hand it out
    /// (`AsyncFd::get_mut`). I/O through it bypasses [`do_io`](IoSource::do_io).
    pub(crate) fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Gives the socket back. It stays non-blocking. If it is still
    /// registered, deregister it first (with the `IoSource`), or events for
    /// it may keep arriving under its token.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// Registers through `register` (the backend's call), keeping the
    /// association with `registry` only if it succeeds: a source already
    /// registered is refused with `AlreadyExists`, and a failed registration
    /// leaves the source unregistered.
    fn associate(
        &mut self,
        registry: &Registry,
        register: impl FnOnce(&mut Self) -> io::Result<()>,
    ) -> io::Result<()> {
        if self.registered_with.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "IoSource is already registered; deregister it first or use reregister",
            ));
        }
        self.registered_with = Some(registry.id());
        let result = register(self);
        if result.is_err() {
            self.registered_with = None;
        }
        result
    }

    /// Checks that the source is registered with `registry`, and forgets
    /// the association before the backend's deregistration runs: even if
    /// the kernel objects (a descriptor a dup's close already removed), the
    /// source is no longer registered through us.
    fn dissociate(&mut self, registry: &Registry) -> io::Result<()> {
        self.check_association(registry)?;
        self.registered_with = None;
        Ok(())
    }

    fn check_association(&self, registry: &Registry) -> io::Result<()> {
        match self.registered_with {
            Some(id) if id == registry.id() => Ok(()),
            Some(_) => Err(io::Error::new(
                io::ErrorKind::NotFound,
                "IoSource is registered with a different Registry",
            )),
            None => Err(io::Error::new(io::ErrorKind::NotFound, "IoSource is not registered")),
        }
    }
}

#[cfg(unix)]
impl<T: std::os::fd::AsRawFd> Source for IoSource<T> {
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        self.associate(registry, |this| {
            let fd = this.inner.as_raw_fd();
            registry.selector().register(fd, token, interests)?;
            // libkqueue keeps a closed descriptor's knotes: the state
            // deregisters the source when it drops (sys/libkqueue.rs).
            #[cfg(groundup_libkqueue)]
            this.state.registered(registry.selector(), fd);
            Ok(())
        })
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        self.check_association(registry)?;
        registry.selector().reregister(self.inner.as_raw_fd(), token, interests)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        self.dissociate(registry)?;
        #[cfg(groundup_libkqueue)]
        self.state.deregistered();
        registry.selector().deregister(self.inner.as_raw_fd())
    }
}

/// On Windows the registration is per-socket state the backend keeps in the
/// `IoSource` (the buffers of the socket's pending AFD poll).
#[cfg(windows)]
impl<T: std::os::windows::io::AsRawSocket> Source for IoSource<T> {
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        self.associate(registry, |this| {
            let socket = this.inner.as_raw_socket();
            registry.selector().register(&mut this.state, socket, token, interests)
        })
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        self.check_association(registry)?;
        registry.selector().reregister(&self.state, token, interests)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        self.dissociate(registry)?;
        registry.selector().deregister(&mut self.state)
    }
}

impl<T> Deref for IoSource<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> Read for IoSource<T>
where
    for<'a> &'a T: Read,
{
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.do_io(|mut io| io.read(buf))
    }

    fn read_vectored(&mut self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.do_io(|mut io| io.read_vectored(bufs))
    }
}

impl<T> Read for &IoSource<T>
where
    for<'a> &'a T: Read,
{
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.do_io(|mut io| io.read(buf))
    }

    fn read_vectored(&mut self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.do_io(|mut io| io.read_vectored(bufs))
    }
}

impl<T> Write for IoSource<T>
where
    for<'a> &'a T: Write,
{
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.do_io(|mut io| io.write(buf))
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.do_io(|mut io| io.write_vectored(bufs))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.do_io(|mut io| io.flush())
    }
}

impl<T> Write for &IoSource<T>
where
    for<'a> &'a T: Write,
{
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.do_io(|mut io| io.write(buf))
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.do_io(|mut io| io.write_vectored(bufs))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.do_io(|mut io| io.flush())
    }
}

impl<T: fmt::Debug> fmt::Debug for IoSource<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IoSource")
            .field("inner", &self.inner)
            .field("registered", &self.registered_with.is_some())
            .finish()
    }
}
