//! A child process on Windows: its handle, and how its exit is awaited.
//!
//! The process handle becomes signaled when the process exits; a
//! thread-pool wait registered on the runtime's completion port turns that
//! into a readable event (`src/sys/iocp/wait.rs`), and the waiting task
//! then reads the exit code. There is nothing to reap: a process's exit
//! code lives as long as a handle to it, and dropping a `Child` closes
//! ours.

use std::io;
use std::os::windows::io::RawHandle;
use std::process::ExitStatus;
use std::task::{Context, Poll, ready};

use super::registered::Registered;
use crate::reactor::Direction;
use crate::sys::process::{ExitSource, ProcessHandle};

/// A child process whose exit status is not known yet.
#[derive(Debug)]
pub(crate) struct Process {
    pid: u32,
    status: Option<ExitStatus>,
    /// The registered wait, made on the first wait; declared before
    /// `handle`, which it waits for, so it is unregistered first.
    wait: Option<Registered<ExitSource>>,
    handle: ProcessHandle,
}

impl Process {
    /// Takes over the child std just spawned (its pipes already taken).
    pub(crate) fn new(child: std::process::Child) -> Process {
        let pid = child.id();
        Process { pid, status: None, wait: None, handle: ProcessHandle::from_child(child) }
    }

    /// The process id, until its exit status is known.
    pub(crate) fn id(&self) -> Option<u32> {
        self.status.is_none().then_some(self.pid)
    }

    /// The process handle, until its exit status is known.
    pub(crate) fn raw_handle(&self) -> Option<RawHandle> {
        self.status.is_none().then(|| self.handle.as_raw_handle())
    }

    pub(crate) fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if self.status.is_none() {
            self.status = self.handle.try_exit_status()?;
        }
        Ok(self.status)
    }

    pub(crate) fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        if let Some(status) = self.status {
            return Poll::Ready(Ok(status));
        }
        if self.wait.is_none() {
            self.wait = Some(Registered::new(ExitSource::process(&self.handle))?);
        }
        let (handle, wait) = (&self.handle, self.wait.as_ref().expect("registered above"));
        let status = ready!(wait.poll_io(cx, Direction::Read, |_| {
            handle.try_exit_status()?.ok_or_else(|| io::ErrorKind::WouldBlock.into())
        }))?;
        self.status = Some(status);
        self.wait = None;
        Poll::Ready(Ok(status))
    }

    /// `TerminateProcess`, without waiting.
    pub(crate) fn start_kill(&mut self) -> io::Result<()> {
        self.handle.terminate()
    }

    /// Nothing to reap on Windows: dropping closes the handle.
    pub(crate) fn orphan(self) {}
}
