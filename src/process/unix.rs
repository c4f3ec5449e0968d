//! A child process on Unix: its pid, how its exit is awaited, and what
//! happens to it when its `Child` is dropped unreaped.
//!
//! ## Waiting
//!
//! Until a child is *reaped* with `waitpid`, the kernel keeps it as a
//! zombie and its pid is not reused, so groundup can name it by pid safely
//! until it reaps it, and never after. How the exit is noticed:
//!
//! - **Linux, 5.3 and later: a pidfd.** Opened right after the spawn (the
//!   child cannot be reaped by anyone else before), registered with the
//!   runtime's epoll like a socket; it becomes readable when the child
//!   exits, and the waiting task then reaps it with `waitpid(WNOHANG)`.
//!   Killing goes through `pidfd_send_signal`, which cannot hit a
//!   stranger that reused the pid.
//! - **kqueue: `EVFILT_PROC` with `NOTE_EXIT`**, a knote keyed by the pid
//!   (`Selector::register_pid`). Where the kernel refuses to watch a child
//!   that has already exited (`ESRCH`), the child is a zombie and reaping
//!   it at once gives its status.
//! - **The fallback: `SIGCHLD`.** Where `pidfd_open` fails (Linux before
//!   5.3, `EPERM` in some seccomp sandboxes, no descriptor left), or when
//!   the environment variable `GROUNDUP_PROCESS_SIGCHLD=1` forces it (the
//!   tests use this, so the fallback runs on every Linux, not just old
//!   ones), the waiting task listens for `SIGCHLD` through
//!   `groundup::signal` and tries `waitpid(pid, WNOHANG)` after each
//!   delivery. The listener is created *before* the first try, so an exit
//!   between the two is not missed; `SIGCHLD`s merge, which costs nothing
//!   here because each try asks about this one child. This installs
//!   groundup's `SIGCHLD` handler, process-wide, as listening for any
//!   signal does, and costs each waiting child a descriptor (its
//!   listener's) where a pidfd would have cost the same.
//!
//! groundup only ever reaps the pids of its own children, never
//! `waitpid(-1)`: children spawned by other code in the process are theirs
//! to reap.
//!
//! ## Children dropped without being waited for
//!
//! A `Child` dropped before its process was reaped (unless its process has
//! exited by then, which one `waitpid(WNOHANG)` settles at once) becomes an
//! *orphan*: its pid (and pidfd) go to the reaper, a thread of its own that
//! runs a groundup runtime whose only work is orphans: each that has an
//! exit source (pidfd, kqueue knote) is waited for by a task of its own,
//! the same way `Child::wait` does; those of the `SIGCHLD` fallback share
//! one listener, and every `SIGCHLD` tries each of them. The reaper is
//! started by the first orphan still running and lives for the rest of the
//! process: a thread rather than the dropping runtime, because an orphan
//! may outlive every runtime.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::io;
use std::process::ExitStatus;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker, ready};

#[cfg(groundup_os = "bsd")]
use groundup_ffi::bsd as os;
#[cfg(groundup_os = "linux")]
use groundup_ffi::linux as os;
use groundup_ffi::unix::pid_t;

use super::registered::Registered;
use crate::signal::unix::{Signal, SignalKind, signal};
use crate::sys::process::{self as sys, ExitSource};
#[cfg(groundup_backend = "epoll")]
use crate::sys::unix::Fd;

/// A child process not yet known to be reaped.
#[derive(Debug)]
pub(crate) struct Process {
    pid: pid_t,
    /// Its exit status, once reaped: from then on the pid is not ours.
    status: Option<ExitStatus>,
    /// How its exit is being awaited; declared before `pidfd`, which it
    /// borrows, so it is dropped (deregistered) first.
    wait: Wait,
    /// Linux: the pidfd, unless `pidfd_open` failed or the fallback is
    /// forced (then `SIGCHLD` is waited for).
    #[cfg(groundup_backend = "epoll")]
    pidfd: Option<Fd>,
}

/// How the exit is being awaited.
#[derive(Debug)]
enum Wait {
    /// Not yet: the registration is made on the first wait, on the runtime
    /// of whoever waits.
    NotYet,
    /// The pidfd or `EVFILT_PROC` knote, registered with the reactor.
    Exit(Registered<ExitSource>),
    /// A `SIGCHLD` listener (the fallback).
    Sigchld(Signal),
}

/// An orphan on its way to the reaper: what is needed to wait for it again.
#[derive(Debug)]
pub(crate) struct Orphan {
    pid: pid_t,
    #[cfg(groundup_backend = "epoll")]
    pidfd: Option<Fd>,
}

/// Whether `GROUNDUP_PROCESS_SIGCHLD=1` forces the `SIGCHLD` fallback
/// (read once).
fn sigchld_forced() -> bool {
    static FORCED: OnceLock<bool> = OnceLock::new();
    *FORCED.get_or_init(|| std::env::var_os("GROUNDUP_PROCESS_SIGCHLD").is_some_and(|v| v == "1"))
}

impl Process {
    /// Takes over the child std just spawned (its pipes already taken).
    pub(crate) fn new(child: std::process::Child) -> Process {
        // A pid is a positive int on every Unix; std's u32 holds it.
        let pid = child.id() as pid_t;
        // Dropping std's Child neither waits nor kills: the process is ours.
        drop(child);
        #[cfg(groundup_backend = "epoll")]
        let pidfd = if sigchld_forced() { None } else { sys::pidfd_open(pid).ok() };
        Process {
            pid,
            status: None,
            wait: Wait::NotYet,
            #[cfg(groundup_backend = "epoll")]
            pidfd,
        }
    }

    /// The process id, until it is reaped.
    pub(crate) fn id(&self) -> Option<u32> {
        self.status.is_none().then_some(self.pid as u32)
    }

    /// Reaps the child if it has exited.
    pub(crate) fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if self.status.is_none() {
            self.status = sys::try_reap(self.pid)?;
        }
        Ok(self.status)
    }

    /// Waits for the child to exit and reaps it.
    pub(crate) fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        if let Some(status) = self.status {
            return Poll::Ready(Ok(status));
        }
        if let Wait::NotYet = self.wait {
            self.wait = self.start_waiting()?;
        }
        let (pid, status) = (self.pid, &mut self.status);
        let mut reap = || -> io::Result<Option<ExitStatus>> {
            *status = sys::try_reap(pid)?;
            Ok(*status)
        };
        let exited = match &mut self.wait {
            Wait::Exit(exit) => ready!(exit.poll_io(cx, crate::reactor::Direction::Read, |_| {
                reap()?.ok_or_else(|| io::ErrorKind::WouldBlock.into())
            })),
            Wait::Sigchld(sigchld) => ready!(poll_sigchld(cx, sigchld, reap)),
            Wait::NotYet => unreachable!("set just above"),
        };
        // Reaped (or failed): the registration is no longer needed.
        self.wait = Wait::NotYet;
        Poll::Ready(exited)
    }

    /// Registers the exit with this thread's runtime, or listens for
    /// `SIGCHLD` where that is the way.
    fn start_waiting(&self) -> io::Result<Wait> {
        #[cfg(groundup_backend = "epoll")]
        if let Some(pidfd) = &self.pidfd {
            return Registered::new(ExitSource::pidfd(pidfd)).map(Wait::Exit);
        }
        #[cfg(groundup_backend = "kqueue")]
        if !sigchld_forced() {
            match Registered::new(ExitSource::pid(self.pid)) {
                // Already exited (a zombie): the first try of the SIGCHLD
                // wait below reaps it.
                Err(e) if e.raw_os_error() == Some(os::ESRCH) => {}
                other => return other.map(Wait::Exit),
            }
        }
        signal(SignalKind::child()).map(Wait::Sigchld)
    }

    /// Sends `SIGKILL`, without waiting.
    pub(crate) fn start_kill(&mut self) -> io::Result<()> {
        if self.status.is_some() {
            return Err(exited());
        }
        #[cfg(groundup_backend = "epoll")]
        if let Some(pidfd) = &self.pidfd {
            return match sys::pidfd_send_signal(pidfd, os::SIGKILL) {
                // Exited, not reaped yet: nothing left to kill.
                Err(e) if e.raw_os_error() == Some(os::ESRCH) => Ok(()),
                other => other,
            };
        }
        // Not reaped, so the pid is still this child's (a zombie at worst,
        // which kill(2) accepts).
        sys::kill(self.pid, os::SIGKILL)
    }

    /// Gives the unreaped child to the reaper (see the module docs).
    pub(crate) fn orphan(mut self) {
        match self.try_wait() {
            Ok(Some(_)) => return, // exited already: reaped just now
            Ok(None) => {}
            Err(_) => return, // not ours to reap after all (ECHILD)
        }
        let orphan = Orphan {
            pid: self.pid,
            #[cfg(groundup_backend = "epoll")]
            pidfd: self.pidfd.take(),
        };
        // This process's registration belongs to the dropping runtime.
        drop(self);
        reaper::adopt(orphan);
    }

    /// Whether its exit is awaited through `SIGCHLD` (no exit source).
    fn waits_for_sigchld(&self) -> bool {
        #[cfg(groundup_backend = "epoll")]
        return self.pidfd.is_none();
        #[cfg(groundup_backend = "kqueue")]
        return sigchld_forced();
    }

    fn from_orphan(orphan: Orphan) -> Process {
        Process {
            pid: orphan.pid,
            status: None,
            wait: Wait::NotYet,
            #[cfg(groundup_backend = "epoll")]
            pidfd: orphan.pidfd,
        }
    }
}

/// One poll of the `SIGCHLD` wait: try to reap, and wait for the next
/// `SIGCHLD` after each try that found the child running.
fn poll_sigchld(
    cx: &mut Context<'_>,
    sigchld: &mut Signal,
    mut reap: impl FnMut() -> io::Result<Option<ExitStatus>>,
) -> Poll<io::Result<ExitStatus>> {
    loop {
        if let Some(status) = reap()? {
            return Poll::Ready(Ok(status));
        }
        if ready!(sigchld.poll_recv(cx)).is_none() {
            return Poll::Ready(Err(super::runtime_gone()));
        }
    }
}

fn exited() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "invalid argument: can't kill an exited process")
}

/// The orphan reaper: a thread with a runtime of its own.
mod reaper {
    use super::*;

    /// Orphans not yet picked up by the reaper, and its waker.
    struct Inbox {
        orphans: VecDeque<Orphan>,
        waker: Option<Waker>,
        started: bool,
    }

    static INBOX: Mutex<Inbox> =
        Mutex::new(Inbox { orphans: VecDeque::new(), waker: None, started: false });

    fn inbox() -> std::sync::MutexGuard<'static, Inbox> {
        INBOX.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `orphan` for reaping, starting the reaper if it is not running.
    pub(super) fn adopt(orphan: Orphan) {
        let waker = {
            let mut inbox = inbox();
            inbox.orphans.push_back(orphan);
            if !inbox.started {
                inbox.started = start();
            }
            inbox.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Starts the reaper thread; `false` if it cannot be (the orphans then
    /// stay zombies until the process exits, said once on stderr).
    fn start() -> bool {
        let started = std::thread::Builder::new().name("groundup-reaper".into()).spawn(run);
        if let Err(e) = &started {
            crate::util::panic::warn(format_args!(
                "groundup: cannot start the reaper thread ({e}); orphans stay zombies"
            ));
        }
        started.is_ok()
    }

    /// The reaper: takes orphans from the inbox and waits for them,
    /// forever. An orphan with an exit source (a pidfd, a kqueue knote) gets
    /// a task of its own, which waits as `Child::wait` does; the orphans of
    /// the `SIGCHLD` fallback share one listener (a descriptor), and each
    /// `SIGCHLD` tries to reap every one of them.
    fn run() {
        let runtime = match crate::Runtime::new() {
            Ok(runtime) => runtime,
            Err(e) => {
                crate::util::panic::warn(format_args!(
                    "groundup: the reaper has no runtime ({e}); orphans stay zombies"
                ));
                return;
            }
        };
        let mut by_sigchld = BySigchld { listener: None, orphans: Vec::new() };
        runtime.block_on(poll_fn(|cx| {
            let orphans = {
                let mut inbox = inbox();
                inbox.waker = Some(cx.waker().clone());
                std::mem::take(&mut inbox.orphans)
            };
            for orphan in orphans {
                let mut process = Process::from_orphan(orphan);
                if process.waits_for_sigchld() {
                    by_sigchld.orphans.push(process);
                } else {
                    // An error (ECHILD: reaped by someone else) leaves
                    // nothing to do either.
                    crate::spawn(async move { poll_fn(|cx| process.poll_wait(cx)).await });
                }
            }
            by_sigchld.poll_reap(cx);
            Poll::<()>::Pending
        }));
    }

    /// The orphans waited for through `SIGCHLD`, and their one listener.
    struct BySigchld {
        listener: Option<Signal>,
        orphans: Vec<Process>,
    }

    impl BySigchld {
        /// Reaps every orphan that has exited, then waits for the next
        /// `SIGCHLD` if any is left.
        fn poll_reap(&mut self, cx: &mut Context<'_>) {
            while !self.orphans.is_empty() {
                if self.listener.is_none() {
                    // Before the first try, so no exit is missed between
                    // the two; if it cannot be made, the next orphan or
                    // SIGCHLD-less wake tries again.
                    self.listener = signal(SignalKind::child()).ok();
                }
                // Kept while running; an error (ECHILD) means not ours.
                self.orphans.retain_mut(|p| matches!(p.try_wait(), Ok(None)));
                let Some(listener) = &mut self.listener else { return };
                if !matches!(listener.poll_recv(cx), Poll::Ready(Some(()))) {
                    return; // Pending: woken by the next SIGCHLD
                }
            }
        }
    }
}
