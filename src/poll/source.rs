use std::io;

use super::{Interest, Registry, Token};

/// Something that can be registered with a [`Registry`].
///
/// Implemented by [`IoSource`](super::IoSource) (any std socket), by
/// `SourceFd` (any raw descriptor, on Unix), and by the runtime's network
/// types. To make your own type a source, delegate to one of those; the
/// kernel side of registration is private to this crate.
///
/// Call these methods through [`Registry::register`] and friends rather than
/// directly: the registry's methods are the documented entry points.
pub trait Source {
    /// Registers `self`; see [`Registry::register`].
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()>;

    /// Changes the registration; see [`Registry::reregister`].
    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()>;

    /// Removes the registration; see [`Registry::deregister`].
    fn deregister(&mut self, registry: &Registry) -> io::Result<()>;
}

impl<T: Source + ?Sized> Source for &mut T {
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        (**self).register(registry, token, interests)
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        (**self).reregister(registry, token, interests)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        (**self).deregister(registry)
    }
}

impl<T: Source + ?Sized> Source for Box<T> {
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        (**self).register(registry, token, interests)
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        (**self).reregister(registry, token, interests)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        (**self).deregister(registry)
    }
}

/// A raw file descriptor as a [`Source`] (Unix only).
///
/// `SourceFd` borrows the descriptor and does nothing else: it neither makes
/// it non-blocking nor owns it. The caller keeps the descriptor open while it
/// is registered and does its own I/O. Prefer [`IoSource`](super::IoSource)
/// for sockets; `SourceFd` is for descriptors groundup knows nothing about
/// (a pipe, a tty, another epoll instance).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::os::fd::AsRawFd;
/// use std::os::unix::net::UnixDatagram;
/// use groundup::poll::{Interest, Poll, SourceFd, Token};
///
/// let poll = Poll::new()?;
/// let (a, _b) = UnixDatagram::pair()?;
/// a.set_nonblocking(true)?;
/// let fd = a.as_raw_fd();
/// poll.registry().register(&mut SourceFd(&fd), Token(0), Interest::WRITABLE)?;
/// # Ok(())
/// # }
/// ```
#[cfg(unix)]
#[derive(Debug)]
pub struct SourceFd<'a>(pub &'a std::os::fd::RawFd);

#[cfg(unix)]
impl Source for SourceFd<'_> {
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        registry.selector().register(*self.0, token, interests)
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        registry.selector().reregister(*self.0, token, interests)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        registry.selector().deregister(*self.0)
    }
}
