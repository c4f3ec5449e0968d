//! Child processes, the kernel side: waiting for a child's exit through the
//! poller, reaping it, killing it, and the pipes to its standard streams.
//!
//! Spawning is std's (`std::process::Command` does the `fork`/`exec` or
//! `CreateProcessW` dance, which has nothing to do with readiness);
//! everything after it is here. Each kernel tells of a child's exit its own
//! way, and each way becomes one [`ExitSource`], a [`Source`](crate::poll::Source)
//! that reports *readable* once the child has exited:
//!
//! | backend | how an exit is reported | registered as |
//! |---|---|---|
//! | epoll (Linux 5.3+) | a **pidfd** (`pidfd_open(2)`): a descriptor for the process, readable once it has exited | the pidfd, like any descriptor |
//! | kqueue | an **`EVFILT_PROC`** knote with `NOTE_EXIT`, keyed by the pid | a knote of a new kind (`Selector::register_pid`) |
//! | IOCP | the **process handle** becomes signaled; a thread-pool wait (`RegisterWaitForSingleObject`) posts a packet to the port | a wait packet of a new kind (`Selector::register_wait`) |
//!
//! When none of those is available (Linux before 5.3, or a sandbox that
//! refuses `pidfd_open`), the Unix code above this waits through `SIGCHLD`
//! instead; see `crate::process`.

#[cfg(unix)]
mod unix;
#[cfg(groundup_backend = "iocp")]
pub(crate) use super::backend::Pipe;
#[cfg(groundup_backend = "iocp")]
pub(crate) use super::backend::process::{ExitSource, ProcessHandle};
#[cfg(unix)]
pub(crate) use unix::{ExitSource, Pipe, kill, try_reap};
#[cfg(groundup_backend = "epoll")]
pub(crate) use unix::{pidfd_open, pidfd_send_signal};
