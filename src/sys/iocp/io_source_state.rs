//! Per-`IoSource` state: the socket's registration, and the re-arm after
//! `WouldBlock` that makes AFD's level-triggered polls edge-triggered.

use std::io;
use std::sync::Arc;

use super::sock::SockState;

/// The registration of one `IoSource`, if it is registered.
#[derive(Debug)]
pub(crate) struct IoSourceState {
    sock: Option<Arc<SockState>>,
}

impl IoSourceState {
    pub(crate) fn new() -> IoSourceState {
        IoSourceState { sock: None }
    }

    pub(super) fn set(&mut self, sock: Arc<SockState>) {
        debug_assert!(self.sock.is_none(), "IoSource checks it is not registered");
        self.sock = Some(sock);
    }

    pub(super) fn sock(&self) -> Option<&Arc<SockState>> {
        self.sock.as_ref()
    }

    pub(super) fn take(&mut self) -> Option<Arc<SockState>> {
        self.sock.take()
    }

    /// Runs one I/O operation on the source. If it returns `WouldBlock`,
    /// the readiness reported so far has been used up: arm every interest
    /// again, so the next change is reported (the edge).
    ///
    /// A failure to start the new poll is returned instead of `WouldBlock`:
    /// silently losing the registration would leave the caller waiting for
    /// an event that cannot come.
    pub(crate) fn do_io<T, R>(&self, f: impl FnOnce(&T) -> io::Result<R>, io: &T) -> io::Result<R> {
        let result = f(io);
        if let (Err(e), Some(sock)) = (&result, &self.sock) {
            if e.kind() == io::ErrorKind::WouldBlock {
                sock.rearm()?;
            }
        }
        result
    }
}

impl Drop for IoSourceState {
    /// An `IoSource` dropped while registered deregisters itself, before its
    /// socket is closed (the socket is dropped after this state).
    fn drop(&mut self) {
        if let Some(sock) = self.sock.take() {
            sock.deregister();
        }
    }
}
