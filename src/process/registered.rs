//! A [`Source`] that is not a socket, registered with the current runtime's
//! reactor: a child's exit (pidfd, `EVFILT_PROC` knote, Windows wait), and
//! on Windows the pipes to the child. What `io::Async` is for sockets,
//! without the `IoSource` doorway those need.

use std::fmt;
use std::io;
use std::task::{Context, Poll};

use crate::poll::Source;
use crate::reactor::{Direction, Registration};

/// `source`, registered for both directions until dropped.
pub(crate) struct Registered<S: Source> {
    source: S,
    registration: Registration,
}

impl<S: Source> Registered<S> {
    /// Registers `source` with the runtime of this thread.
    pub(crate) fn new(mut source: S) -> io::Result<Registered<S>> {
        // Looked up here, at the leaf, as `io::Async` does: the reactor knows
        // no runtime.
        let reactor =
            crate::context::with_current(|cx| cx.reactor.clone()).ok_or_else(super::no_runtime)?;
        let registration = reactor.register(&mut source)?;
        Ok(Registered { source, registration })
    }

    /// The source.
    #[cfg_attr(unix, allow(dead_code))] // the Windows pipes use it
    pub(crate) fn get_ref(&self) -> &S {
        &self.source
    }

    /// Runs `op` once the source is ready for `direction`, again after each
    /// `WouldBlock` once readiness comes back; `op` makes one attempt.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut op: impl FnMut(&S) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.registration.poll_io(cx, direction, || op(&self.source))
    }
}

impl<S: Source> Drop for Registered<S> {
    fn drop(&mut self) {
        // Exact, even where closing would also remove the source (a pidfd):
        // the kqueue and Windows sources are not descriptors at all.
        let _ = self.registration.deregister(&mut self.source);
    }
}

impl<S: Source + fmt::Debug> fmt::Debug for Registered<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registered").field("source", &self.source).finish()
    }
}
