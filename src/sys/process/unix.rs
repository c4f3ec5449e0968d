//! Child processes on Unix: `waitpid`, `kill`, the pidfd calls (Linux), the
//! exit source of each backend, and the pipes.

use std::io;
use std::os::fd::{AsRawFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

#[cfg(groundup_os = "bsd")]
use groundup_ffi::bsd as os;
#[cfg(groundup_os = "linux")]
use groundup_ffi::linux as os;
use groundup_ffi::unix as posix;

use crate::poll::{Interest, Token};
use crate::sys::Selector;
use crate::sys::syscall::{self, Syscall};
use crate::sys::unix::Fd;

static WAITPID: Syscall = Syscall::new("waitpid");
static KILL: Syscall = Syscall::new("kill");
static READ: Syscall = Syscall::new("read");
static WRITE: Syscall = Syscall::new("write");

/// Reaps `pid` if it has exited (`waitpid(pid, &status, WNOHANG)`), and
/// returns its exit status; `None` while it runs.
///
/// Called once more after it returned `Some`, it fails with `ECHILD`, or
/// worse, reaps another child that was given the same pid: the caller keeps
/// the status and never asks again.
pub(crate) fn try_reap(pid: posix::pid_t) -> io::Result<Option<ExitStatus>> {
    let mut status: core::ffi::c_int = 0;
    loop {
        let reaped = syscall::minus_one(&WAITPID, format_args!("{pid}, _, WNOHANG"), || {
            // SAFETY: `status` is a live, writable int, which is all
            // waitpid writes; a pid that is not our child is ECHILD.
            unsafe { posix::waitpid(pid, &raw mut status, os::WNOHANG) }
        });
        match reaped {
            Ok(0) => return Ok(None),
            Ok(_) => return Ok(Some(ExitStatus::from_raw(status))),
            // WNOHANG never sleeps, but a handler can still interrupt it.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Sends `signum` to `pid` (`kill(2)`). A zombie (exited, not yet reaped)
/// still counts as a process: the call succeeds and does nothing.
pub(crate) fn kill(pid: posix::pid_t, signum: core::ffi::c_int) -> io::Result<()> {
    syscall::minus_one(&KILL, format_args!("{pid}, {signum}"), || {
        // SAFETY: kill takes no pointers.
        unsafe { posix::kill(pid, signum) }
    })
    .map(drop)
}

#[cfg(groundup_backend = "epoll")]
static PIDFD_OPEN: Syscall = Syscall::new("pidfd_open");
#[cfg(groundup_backend = "epoll")]
static PIDFD_SEND_SIGNAL: Syscall = Syscall::new("pidfd_send_signal");

/// A pidfd for `pid` (`pidfd_open(2)`, Linux 5.3): readable once the
/// process has exited, and a handle for `pidfd_send_signal` that cannot hit
/// another process that reused the pid. Close-on-exec always.
///
/// `ENOSYS` before Linux 5.3, `EPERM` in some seccomp sandboxes.
#[cfg(groundup_backend = "epoll")]
pub(crate) fn pidfd_open(pid: posix::pid_t) -> io::Result<Fd> {
    let fd = syscall::minus_one(&PIDFD_OPEN, format_args!("{pid}, 0"), || {
        // SAFETY: pidfd_open takes two integers; the variadic arguments are
        // passed as `long`, the width `syscall(2)` reads them with.
        unsafe {
            os::syscall(os::SYS_pidfd_open, core::ffi::c_long::from(pid), 0 as core::ffi::c_long)
        }
    })?;
    // A descriptor is an int: the kernel never returns more.
    let fd = RawFd::try_from(fd).map_err(|_| io::Error::other("pidfd_open: not a descriptor"))?;
    // SAFETY: pidfd_open returned a new descriptor owned by no one else.
    Ok(unsafe { Fd::from_raw(fd) })
}

/// Sends `signum` to the process of `pidfd` (`pidfd_send_signal(2)`).
/// `ESRCH` once it has exited, reaped or not.
#[cfg(groundup_backend = "epoll")]
pub(crate) fn pidfd_send_signal(pidfd: &Fd, signum: core::ffi::c_int) -> io::Result<()> {
    let fd = pidfd.raw();
    syscall::minus_one(&PIDFD_SEND_SIGNAL, format_args!("{fd}, {signum}, NULL, 0"), || {
        // SAFETY: no siginfo_t is passed (a null pointer asks for the
        // default, as kill(2) would fill in); the rest are integers, passed
        // as `long` like every variadic argument of syscall(2).
        unsafe {
            os::syscall(
                os::SYS_pidfd_send_signal,
                core::ffi::c_long::from(fd),
                core::ffi::c_long::from(signum),
                std::ptr::null_mut::<core::ffi::c_void>(),
                0 as core::ffi::c_long,
            )
        }
    })
    .map(drop)
}

/// What the poller is asked to watch for a child's exit: its pidfd on
/// Linux (borrowed: the caller keeps it open while registered).
#[cfg(groundup_backend = "epoll")]
#[derive(Debug)]
pub(crate) struct ExitSource(RawFd);

#[cfg(groundup_backend = "epoll")]
impl ExitSource {
    pub(crate) fn pidfd(pidfd: &Fd) -> ExitSource {
        ExitSource(pidfd.raw())
    }
}

#[cfg(groundup_backend = "epoll")]
/// The backend's side of registering a `ExitSource` (the `Source` impl is in
/// `poll/sys_sources.rs`, the layer that owns the trait).
impl ExitSource {
    pub(crate) fn register_with(
        &mut self,
        selector: &Selector,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        selector.register(self.0, token, interests)
    }

    pub(crate) fn reregister_with(
        &mut self,
        selector: &Selector,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        selector.reregister(self.0, token, interests)
    }

    pub(crate) fn deregister_with(&mut self, selector: &Selector) -> io::Result<()> {
        selector.deregister(self.0)
    }
}

/// What the poller is asked to watch for a child's exit: an `EVFILT_PROC`
/// knote for its pid on kqueue. Interests are ignored: an exit reads as
/// readable.
#[cfg(groundup_backend = "kqueue")]
#[derive(Debug)]
pub(crate) struct ExitSource(posix::pid_t);

#[cfg(groundup_backend = "kqueue")]
impl ExitSource {
    pub(crate) fn pid(pid: posix::pid_t) -> ExitSource {
        ExitSource(pid)
    }
}

#[cfg(groundup_backend = "kqueue")]
/// The backend's side of registering a `ExitSource` (the `Source` impl is in
/// `poll/sys_sources.rs`, the layer that owns the trait).
impl ExitSource {
    pub(crate) fn register_with(
        &mut self,
        selector: &Selector,
        token: Token,
        _: Interest,
    ) -> io::Result<()> {
        selector.register_pid(self.0, token)
    }

    pub(crate) fn reregister_with(
        &mut self,
        selector: &Selector,
        token: Token,
        _: Interest,
    ) -> io::Result<()> {
        // EV_ADD on an existing knote changes its token.
        selector.register_pid(self.0, token)
    }

    pub(crate) fn deregister_with(&mut self, selector: &Selector) -> io::Result<()> {
        selector.deregister_pid(self.0)
    }
}

/// Our end of a pipe to a child's stdin, stdout or stderr: non-blocking,
/// read and written with counted calls.
#[derive(Debug)]
pub(crate) struct Pipe(Fd);

impl Pipe {
    /// Takes our end of a pipe std made (std's `ChildStdout` and friends)
    /// and makes it non-blocking. The child's end is another open file
    /// description, so the child keeps the blocking pipe it expects.
    pub(crate) fn from_owned(fd: OwnedFd) -> io::Result<Pipe> {
        // SAFETY: `into_raw_fd` gives up ownership of an open descriptor,
        // which `Fd` takes over alone.
        let fd = unsafe { Fd::from_raw(fd.into_raw_fd()) };
        crate::sys::unix::set_nonblocking(fd.raw(), true)?;
        Ok(Pipe(fd))
    }

    /// Gives the descriptor back, still non-blocking.
    pub(crate) fn into_owned(self) -> OwnedFd {
        use std::os::fd::FromRawFd;
        // SAFETY: `into_raw` gave up ownership of an open descriptor, which
        // the OwnedFd takes over alone.
        unsafe { OwnedFd::from_raw_fd(self.0.into_raw()) }
    }

    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        let (fd, ptr, len) = (self.0.raw(), buf.as_mut_ptr(), buf.len());
        let n = syscall::minus_one(&READ, format_args!("{fd}, {ptr:p}, {len}"), || {
            // SAFETY: `ptr` points to `len` writable bytes of `buf`,
            // exclusively borrowed for the call.
            unsafe { posix::read(fd, ptr.cast(), len) }
        })?;
        Ok(n as usize) // non-negative: -1 was turned into an error
    }

    pub(crate) fn write(&self, buf: &[u8]) -> io::Result<usize> {
        let (fd, ptr, len) = (self.0.raw(), buf.as_ptr(), buf.len());
        let n = syscall::minus_one(&WRITE, format_args!("{fd}, {ptr:p}, {len}"), || {
            // SAFETY: `ptr` points to `len` readable bytes of `buf`.
            unsafe { posix::write(fd, ptr.cast(), len) }
        })?;
        Ok(n as usize)
    }
}

impl AsRawFd for Pipe {
    fn as_raw_fd(&self) -> RawFd {
        self.0.raw()
    }
}
