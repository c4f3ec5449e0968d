//! Child processes on Windows: the process handle, its exit status, and
//! the exit source (a registered wait, see `wait.rs`).

use std::io;
use std::os::windows::io::{IntoRawHandle, RawHandle};
use std::os::windows::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::Arc;

use groundup_ffi::windows as ffi;

use super::Handle;
use super::syscall::{self, Syscall};
use super::wait::WaitState;
use crate::poll::{Interest, Token};
use crate::sys::Selector;

static WAIT_FOR_SINGLE_OBJECT: Syscall = Syscall::new("WaitForSingleObject");
static GET_EXIT_CODE_PROCESS: Syscall = Syscall::new("GetExitCodeProcess");
static TERMINATE_PROCESS: Syscall = Syscall::new("TerminateProcess");

/// An owned process handle (closed, and counted, on drop).
#[derive(Debug)]
pub(crate) struct ProcessHandle(Handle);

impl ProcessHandle {
    /// Takes the process handle of a child std spawned (std closes the
    /// thread handle it also had).
    pub(crate) fn from_child(child: std::process::Child) -> ProcessHandle {
        // SAFETY: `into_raw_handle` gives up ownership of the open process
        // handle, which `Handle` takes over alone.
        ProcessHandle(unsafe { Handle::from_raw(child.into_raw_handle().cast()) })
    }

    pub(crate) fn as_raw_handle(&self) -> RawHandle {
        self.0.raw().cast()
    }

    /// The exit status if the process has exited, without waiting.
    ///
    /// The handle's signaled state says whether it exited: its exit code
    /// alone cannot, as a process may exit with `STILL_ACTIVE` (259).
    pub(crate) fn try_exit_status(&self) -> io::Result<Option<ExitStatus>> {
        let process = self.0.raw();
        let waited =
            syscall::wait_failed(&WAIT_FOR_SINGLE_OBJECT, format_args!("{process:?}, 0"), || {
                // SAFETY: the handle is open (owned by `self`); a zero
                // timeout never blocks.
                unsafe { ffi::WaitForSingleObject(process, 0) }
            })?;
        if waited != ffi::WAIT_OBJECT_0 {
            return Ok(None); // WAIT_TIMEOUT: still running
        }
        let mut code: ffi::DWORD = 0;
        syscall::win_bool(&GET_EXIT_CODE_PROCESS, format_args!("{process:?}, _"), || {
            // SAFETY: the handle is open; `code` is a live DWORD to write.
            unsafe { ffi::GetExitCodeProcess(process, &raw mut code) }
        })?;
        Ok(Some(ExitStatus::from_raw(code)))
    }

    /// Ends the process with exit code 1 (`TerminateProcess`), without
    /// waiting. A process that has already exited is not an error.
    pub(crate) fn terminate(&self) -> io::Result<()> {
        let process = self.0.raw();
        let result = syscall::win_bool(&TERMINATE_PROCESS, format_args!("{process:?}, 1"), || {
            // SAFETY: the handle is open (owned by `self`).
            unsafe { ffi::TerminateProcess(process, 1) }
        });
        match result {
            Err(e) if e.raw_os_error() == Some(ffi::ERROR_ACCESS_DENIED as i32) => {
                match self.try_exit_status()? {
                    Some(_) => Ok(()), // exited already: nothing to end
                    None => Err(e),
                }
            }
            other => other,
        }
    }
}

/// What the poller is asked to watch for a child's exit: its process handle
/// (borrowed: the caller keeps it open while registered), through a
/// registered wait. Interests are ignored: an exit reads as readable.
#[derive(Debug)]
pub(crate) struct ExitSource {
    process: ffi::HANDLE,
    wait: Option<Arc<WaitState>>,
}

// SAFETY: the HANDLE is a process-wide value; the wait state is Send + Sync.
unsafe impl Send for ExitSource {}

impl ExitSource {
    pub(crate) fn process(handle: &ProcessHandle) -> ExitSource {
        ExitSource { process: handle.0.raw(), wait: None }
    }
}

impl Drop for ExitSource {
    /// A wait still registered is unregistered before the handle it waits
    /// for can close (`Registered` deregisters first; this is the backstop).
    fn drop(&mut self) {
        if let Some(wait) = self.wait.take() {
            wait.unregister();
        }
    }
}

/// The backend's side of registering a `ExitSource` (the `Source` impl is in
/// `poll/sys_sources.rs`, the layer that owns the trait).
impl ExitSource {
    pub(crate) fn register_with(
        &mut self,
        selector: &Selector,
        token: Token,
        _: Interest,
    ) -> io::Result<()> {
        if self.wait.is_some() {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, "already registered"));
        }
        self.wait = Some(selector.register_wait(self.process, token)?);
        Ok(())
    }

    pub(crate) fn reregister_with(
        &mut self,
        _: &Selector,
        token: Token,
        _: Interest,
    ) -> io::Result<()> {
        match &self.wait {
            Some(wait) => {
                wait.set_token(token);
                Ok(())
            }
            None => Err(io::Error::new(io::ErrorKind::NotFound, "not registered")),
        }
    }

    pub(crate) fn deregister_with(&mut self, _: &Selector) -> io::Result<()> {
        match self.wait.take() {
            Some(wait) => {
                wait.unregister();
                Ok(())
            }
            None => Err(io::Error::new(io::ErrorKind::NotFound, "not registered")),
        }
    }
}
