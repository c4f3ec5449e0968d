//! Sources that are not sockets: a child's exit, and (on Windows) the
//! overlapped pipes to a child.
//!
//! Each backend knows how to watch these (`sys::process`: a pidfd in epoll,
//! an `EVFILT_PROC` knote, a registered wait posting to the completion
//! port; `sys::iocp::pipe`: reads and writes completing on the port). The
//! [`Source`] trait belongs to this layer, so the impls that join the two
//! are here, each handing the registry's selector to the backend.

use std::io;

use super::{Interest, Registry, Source, Token};
use crate::sys::process::ExitSource;

impl Source for ExitSource {
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        self.register_with(registry.selector(), token, interests)
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        self.reregister_with(registry.selector(), token, interests)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        self.deregister_with(registry.selector())
    }
}

#[cfg(groundup_backend = "iocp")]
impl Source for crate::sys::process::Pipe {
    fn register(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        self.register_with(registry.selector(), token, interests)
    }

    fn reregister(
        &mut self,
        registry: &Registry,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        self.reregister_with(registry.selector(), token, interests)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        self.deregister_with(registry.selector())
    }
}
