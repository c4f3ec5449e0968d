//! Child processes: [`Command`] spawns, [`Child`] is awaited, killed and
//! talked to through its pipes. The names and signatures are tokio's.
//!
//! ```no_run
//! use std::process::Stdio;
//! use groundup::io::{AsyncReadExt, AsyncWriteExt};
//! use groundup::process::Command;
//!
//! groundup::block_on(async {
//!     let mut child = Command::new("cat")
//!         .stdin(Stdio::piped())
//!         .stdout(Stdio::piped())
//!         .spawn()?;
//!     let mut stdin = child.stdin.take().unwrap();
//!     stdin.write_all(b"hello").await?;
//!     drop(stdin); // end of file for cat
//!     let mut out = Vec::new();
//!     child.stdout.take().unwrap().read_to_end(&mut out).await?;
//!     assert_eq!(out, b"hello");
//!     assert!(child.wait().await?.success());
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```
//!
//! ## What is whose
//!
//! Spawning is std's `std::process::Command`, which groundup's wraps
//! ([`Command::as_std`]): building the argument vector, `posix_spawn` or
//! `fork`/`exec`, `CreateProcessW` have nothing to do with an event loop.
//! Everything after the spawn is groundup's own, each kernel its way:
//!
//! ```text
//!  child exits ──► Linux:   its pidfd becomes readable ─► epoll_wait (reactor) ─┐
//!              ──► kqueue:  the EVFILT_PROC knote fires (NOTE_EXIT) ─► kevent ──┤ wakes the task
//!              ──► Windows: the process handle is signaled; a thread-pool wait  │ in wait(), which
//!                           posts a packet ─► GetQueuedCompletionStatusEx ──────┘ reaps it:
//!                                            waitpid(pid, WNOHANG) / GetExitCodeProcess
//! ```
//!
//! and the pipes to the child are non-blocking descriptors registered with
//! the reactor (Unix) or overlapped named pipes on the completion port
//! (Windows). `src/sys/process/mod.rs` has the table;
//! `src/process/unix.rs` the Unix details (the `SIGCHLD` fallback where
//! there is no pidfd, and the reaping of dropped children);
//! `src/sys/iocp/wait.rs` and `src/sys/iocp/pipe.rs` the Windows ones.
//!
//! ## Dropping a `Child`
//!
//! As with tokio and std, dropping a [`Child`] does not kill the process
//! unless [`Command::kill_on_drop`] said so. On Unix a child that was not
//! waited for is still reaped, in the background, so it does not linger
//! as a zombie (`tests/process_zombies.rs` spawns and drops 1,000). On
//! Windows there is nothing to reap: dropping closes the process handle.

mod registered;
mod stdio;
#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

use std::ffi::OsStr;
use std::fmt;
use std::future::{Future, poll_fn};
use std::io;
use std::path::Path;
use std::process::{ExitStatus, Output, Stdio};
use std::task::{Context, Poll};

pub use stdio::{ChildStderr, ChildStdin, ChildStdout};
#[cfg(unix)]
use unix::Process;
#[cfg(windows)]
use windows::Process;

/// A process builder: std's `Command`, plus [`kill_on_drop`](Command::kill_on_drop),
/// whose [`spawn`](Command::spawn) gives an awaitable [`Child`].
pub struct Command {
    std: std::process::Command,
    kill_on_drop: bool,
}

impl Command {
    /// A command for `program`, with no arguments, the environment, working
    /// directory and standard streams of this process (`output` pipes
    /// stdout and stderr instead).
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command::from(std::process::Command::new(program))
    }

    /// Adds an argument.
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable for the child.
    pub fn env<K: AsRef<OsStr>, V: AsRef<OsStr>>(&mut self, key: K, val: V) -> &mut Command {
        self.std.env(key, val);
        self
    }

    /// Sets several environment variables.
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes an environment variable from the child's environment.
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Starts the child with an empty environment (plus what `env` adds).
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// Sets the child's working directory.
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// Sets the child's stdin (`Stdio::piped()` gives a [`ChildStdin`]).
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdin(cfg);
        self
    }

    /// Sets the child's stdout (`Stdio::piped()` gives a [`ChildStdout`]).
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdout(cfg);
        self
    }

    /// Sets the child's stderr (`Stdio::piped()` gives a [`ChildStderr`]).
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stderr(cfg);
        self
    }

    /// Whether dropping the [`Child`] kills the process (`SIGKILL`,
    /// `TerminateProcess`) if it is still running. Off by default, as in
    /// std and tokio.
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// Whether [`kill_on_drop`](Command::kill_on_drop) is set.
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// Sets the child's user id (`setuid` in the child; Unix).
    #[cfg(unix)]
    pub fn uid(&mut self, id: u32) -> &mut Command {
        std::os::unix::process::CommandExt::uid(&mut self.std, id);
        self
    }

    /// Sets the child's group id (`setgid` in the child; Unix).
    #[cfg(unix)]
    pub fn gid(&mut self, id: u32) -> &mut Command {
        std::os::unix::process::CommandExt::gid(&mut self.std, id);
        self
    }

    /// Sets the child's `argv[0]` (Unix).
    #[cfg(unix)]
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        std::os::unix::process::CommandExt::arg0(&mut self.std, arg);
        self
    }

    /// Puts the child in process group `pgroup` (0: a new group of its own,
    /// so a terminal's Ctrl-C does not reach it; Unix).
    #[cfg(unix)]
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        std::os::unix::process::CommandExt::process_group(&mut self.std, pgroup);
        self
    }

    /// Runs `f` in the child between `fork` and `exec` (Unix).
    ///
    /// # Safety
    ///
    /// As for std's `CommandExt::pre_exec`: `f` runs in a copy of this
    /// process that has one thread, where only async-signal-safe functions
    /// may be called (no allocation, no locks another thread may have held).
    #[cfg(unix)]
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller upholds `pre_exec`'s contract (see above).
        unsafe { std::os::unix::process::CommandExt::pre_exec(&mut self.std, f) };
        self
    }

    /// Sets the process creation flags of `CreateProcessW` (Windows).
    #[cfg(windows)]
    pub fn creation_flags(&mut self, flags: u32) -> &mut Command {
        std::os::windows::process::CommandExt::creation_flags(&mut self.std, flags);
        self
    }

    /// Appends an argument without quoting it (Windows).
    #[cfg(windows)]
    pub fn raw_arg<S: AsRef<OsStr>>(&mut self, text_to_append_as_is: S) -> &mut Command {
        std::os::windows::process::CommandExt::raw_arg(&mut self.std, text_to_append_as_is);
        self
    }

    /// The std `Command` inside.
    pub fn as_std(&self) -> &std::process::Command {
        &self.std
    }

    /// The std `Command` inside, to change.
    pub fn as_std_mut(&mut self) -> &mut std::process::Command {
        &mut self.std
    }

    /// The std `Command` inside (`kill_on_drop` is lost).
    pub fn into_std(self) -> std::process::Command {
        self.std
    }

    /// Starts the child. Its piped streams are in the [`Child`]'s fields.
    ///
    /// # Errors
    ///
    /// Outside a runtime (nothing is spawned then), or what spawning says
    /// (`NotFound` for a program that does not exist). If registering a
    /// pipe fails after the spawn, the child is dropped (killed, if
    /// `kill_on_drop`) and the error returned.
    pub fn spawn(&mut self) -> io::Result<Child> {
        if crate::context::with_current(|_| ()).is_none() {
            return Err(no_runtime());
        }
        let mut std_child = self.std.spawn()?;
        let (stdin, stdout, stderr) =
            (std_child.stdin.take(), std_child.stdout.take(), std_child.stderr.take());
        let mut child = Child {
            stdin: None,
            stdout: None,
            stderr: None,
            state: State::Running(Process::new(std_child)),
            kill_on_drop: self.kill_on_drop,
        };
        child.stdin = stdin.map(ChildStdin::from_std).transpose()?;
        child.stdout = stdout.map(ChildStdout::from_std).transpose()?;
        child.stderr = stderr.map(ChildStderr::from_std).transpose()?;
        Ok(child)
    }

    /// Runs the child to its end and returns its exit status. Its streams
    /// are this process's unless set otherwise; piped ones are closed at
    /// once.
    ///
    /// The child is spawned when `status` is called, not when the future is
    /// first polled, as in tokio.
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> + use<> {
        let child = self.spawn();
        async move {
            let mut child = child?;
            drop((child.stdin.take(), child.stdout.take(), child.stderr.take()));
            child.wait().await
        }
    }

    /// Runs the child to its end with stdout and stderr piped (this sets
    /// them on the command, as tokio's `output` does), and returns its
    /// status and everything it wrote. Stdin is this process's unless set.
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> + use<> {
        self.std.stdout(Stdio::piped());
        self.std.stderr(Stdio::piped());
        let child = self.spawn();
        async move { child?.wait_with_output().await }
    }
}

impl From<std::process::Command> for Command {
    fn from(std: std::process::Command) -> Command {
        Command { std, kill_on_drop: false }
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Command")
            .field("std", &self.std)
            .field("kill_on_drop", &self.kill_on_drop)
            .finish()
    }
}

/// A spawned child process.
///
/// The piped streams are public fields, as in tokio and std: `take()` them
/// to use them apart from the `Child`.
pub struct Child {
    /// The writing end of the child's stdin, if it was piped.
    pub stdin: Option<ChildStdin>,
    /// The reading end of the child's stdout, if it was piped.
    pub stdout: Option<ChildStdout>,
    /// The reading end of the child's stderr, if it was piped.
    pub stderr: Option<ChildStderr>,
    state: State,
    kill_on_drop: bool,
}

/// Whether the child has been reaped.
#[derive(Debug)]
enum State {
    Running(Process),
    Done(ExitStatus),
}

impl Child {
    /// The OS process id, until the child has been waited for (`None`
    /// after: the id may belong to another process by then).
    pub fn id(&self) -> Option<u32> {
        match &self.state {
            State::Running(process) => process.id(),
            State::Done(_) => None,
        }
    }

    /// The process handle, until the child has been waited for (Windows).
    #[cfg(windows)]
    pub fn raw_handle(&self) -> Option<std::os::windows::io::RawHandle> {
        match &self.state {
            State::Running(process) => process.raw_handle(),
            State::Done(_) => None,
        }
    }

    /// Asks the process to stop (`SIGKILL` on Unix, `TerminateProcess` on
    /// Windows) and returns without waiting; [`wait`](Child::wait) then
    /// returns its status.
    ///
    /// # Errors
    ///
    /// `InvalidInput` once the child has been waited for; otherwise what
    /// the kernel says. A child that has exited but not yet been waited for
    /// is not an error.
    pub fn start_kill(&mut self) -> io::Result<()> {
        match &mut self.state {
            State::Running(process) => process.start_kill(),
            State::Done(_) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid argument: can't kill an exited process",
            )),
        }
    }

    /// Kills the process and waits for it to exit.
    ///
    /// # Errors
    ///
    /// As [`start_kill`](Child::start_kill) and [`wait`](Child::wait).
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await.map(drop)
    }

    /// Waits for the child to exit, reaps it, and returns its exit status
    /// (again, at once, on every later call). Closes the child's stdin
    /// first, so a child that reads it to its end can finish.
    ///
    /// # Errors
    ///
    /// Outside a runtime, or if the runtime shuts down while waiting.
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        poll_fn(|cx| self.poll_wait(cx)).await
    }

    fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        match &mut self.state {
            State::Done(status) => Poll::Ready(Ok(*status)),
            State::Running(process) => {
                let status = std::task::ready!(process.poll_wait(cx))?;
                self.state = State::Done(status);
                Poll::Ready(Ok(status))
            }
        }
    }

    /// The exit status if the child has exited (reaping it), `None` if it
    /// is still running. Never waits.
    ///
    /// # Errors
    ///
    /// What the kernel says (never expected).
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        match &mut self.state {
            State::Done(status) => Ok(Some(*status)),
            State::Running(process) => {
                let status = process.try_wait()?;
                if let Some(status) = status {
                    self.state = State::Done(status);
                }
                Ok(status)
            }
        }
    }

    /// Waits for the child to exit while reading all of its stdout and
    /// stderr (those that are piped), and returns all three. Closes stdin
    /// first.
    ///
    /// # Errors
    ///
    /// A read error, or what [`wait`](Child::wait) says.
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        drop(self.stdin.take());
        let (mut out, mut err) = (self.stdout.take(), self.stderr.take());
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        // Both at once: a child that fills one pipe while we wait on the
        // other would never finish.
        poll_fn(|cx| {
            let out_done = poll_read_to_end(&mut out, &mut stdout, cx)?.is_ready();
            let err_done = poll_read_to_end(&mut err, &mut stderr, cx)?.is_ready();
            if out_done && err_done { Poll::Ready(Ok::<(), io::Error>(())) } else { Poll::Pending }
        })
        .await?;
        let status = self.wait().await?;
        Ok(Output { status, stdout, stderr })
    }
}

/// Reads `reader` into `buf` until end of file, then sets it to `None`;
/// `Ready` once it is `None`.
fn poll_read_to_end<R: crate::io::AsyncRead + Unpin>(
    reader: &mut Option<R>,
    buf: &mut Vec<u8>,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    let Some(r) = reader else { return Poll::Ready(Ok(())) };
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match std::task::ready!(std::pin::Pin::new(&mut *r).poll_read(cx, &mut chunk))? {
            0 => {
                *reader = None;
                return Poll::Ready(Ok(()));
            }
            n => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if let State::Done(_) = self.state {
            return;
        }
        let done = State::Done(ExitStatus::default());
        let State::Running(mut process) = std::mem::replace(&mut self.state, done) else {
            return;
        };
        if self.kill_on_drop {
            let _ = process.start_kill();
        }
        process.orphan();
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .field("state", &self.state)
            .finish()
    }
}

/// The error of spawning where no runtime can drive the child.
fn no_runtime() -> io::Error {
    io::Error::other(
        "no groundup runtime on this thread: spawn processes inside \
         `groundup::block_on(async { ... })` or a task it runs",
    )
}

/// The error of a wait that can no longer end (the Unix `SIGCHLD` wait).
#[cfg(unix)]
fn runtime_gone() -> io::Error {
    io::Error::other("the groundup runtime that drove this wait has shut down")
}
