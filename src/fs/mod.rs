//! Files and directories: `std::fs`, run on the blocking pool, with
//! tokio's names and signatures.
//!
//! ## Why a thread pool, and not the reactor
//!
//! Everything else groundup awaits is *readiness*-driven: try the call
//! non-blocking, and if the kernel says `EAGAIN`, wait for the reactor to
//! report the descriptor ready. Regular files have no such state, on any of
//! the three kernels:
//!
//! - **epoll** refuses them outright: `epoll_ctl(EPOLL_CTL_ADD)` on a
//!   regular file or a directory fails with `EPERM` (epoll_ctl(2): "The
//!   target file fd does not support epoll"), because their `poll` method
//!   would always answer "ready".
//! - **kqueue** accepts a regular file but reports it always readable
//!   (`EVFILT_READ` returns the bytes left before end of file) and always
//!   writable; nothing ever waits.
//! - **IOCP with AFD polls** works only on sockets; files do have
//!   *completion*-based (overlapped) I/O, but only when opened with
//!   `FILE_FLAG_OVERLAPPED`, which `std::fs::File` does not do, and even
//!   then Windows completes many file operations synchronously.
//!
//! And "ready" is the truth as far as the kernel is concerned: `O_NONBLOCK`
//! has no effect on a regular file. A `read` that misses the page cache
//! puts the calling thread to sleep until the disk answers, however the
//! descriptor was opened. On the runtime's one thread that would stop every
//! task. So each operation here is a `std::fs` call handed to the runtime's
//! blocking pool ([`task::spawn_blocking`](crate::task::spawn_blocking)'s
//! threads), and the task awaits its result. This is what tokio does, for
//! the same reasons. (`io_uring` on Linux and overlapped files on Windows
//! are true asynchronous file I/O; they are completion-based, a different
//! design from groundup's readiness reactor, and are not used.)
//!
//! ## What it costs, and what is batched
//!
//! Each operation is a trip to another thread and back: a queue push, a
//! wake, a wake back. The free functions ([`read`], [`write()`], …) make one
//! such trip for a whole job. [`File`] buffers: a write copies the caller's
//! bytes (up to [`File::set_max_buf_size`], 2 MiB by default, as tokio)
//! and returns at once, the copy being written by the pool while the task
//! goes on; a read asks the pool for as many bytes as the caller's buffer
//! holds. [`ReadDir`] fetches entries 32 at a time.
//!
//! ## Writes that outlive their `File`
//!
//! Because a write returns before it is done, its error can only reach a
//! *later* call: it is returned by the next operation on the file (read,
//! write, seek, flush, `sync_all`, `sync_data`, `set_len`), or by
//! [`flush`](crate::io::AsyncWriteExt::flush), which waits for the write
//! in flight. A `File` dropped without a flush loses nothing: the write in
//! flight completes in the background (its error, if any, is then lost, as
//! it is in tokio and when std's `BufWriter` is dropped). Even a runtime
//! shutting down does not drop it: the pool refuses new work and cancels
//! jobs not yet started, and a file write cancelled that way runs, there
//! and then, on the thread that cancels it (the one dropping the runtime),
//! in the destructor of the job (tokio's "mandatory" blocking tasks, done
//! with a destructor instead of a second kind of job). Dropping the runtime
//! waits for running jobs, so once `block_on` has returned, every write is
//! in the file.
//!
//! ## Errors name their paths
//!
//! std's errors say what went wrong ("No such file or directory (os error
//! 2)") but not with what. Every function here that takes a path returns,
//! on failure, an error of the same [`ErrorKind`](std::io::ErrorKind) whose
//! message adds the operation and the path(s):
//!
//! ```text
//! open "/srv/missing.txt": No such file or directory (os error 2)
//! rename "a.txt" to "b/c.txt": No such file or directory (os error 2)
//! ```
//!
//! The original error is the new one's [`source`](std::error::Error::source),
//! so its `raw_os_error` is still there to read.
//!
//! ## Differences from tokio
//!
//! - [`File`], [`ReadDir`] and the futures are `!Send`, like groundup's
//!   `JoinHandle`s and tasks: they belong to the runtime's thread. To move
//!   a file to another thread, [`File::into_std`] it.
//! - Calling these functions outside a runtime returns an error naming the
//!   fix, where tokio panics.
//! - A write error is returned by the next operation of any kind, where
//!   tokio's `poll_read` and `sync_all` pass over it.
//!
//! ```
//! use groundup::fs;
//! use groundup::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # let dir = std::env::temp_dir().join(format!("groundup-doc-fs-{}", std::process::id()));
//! groundup::block_on(async {
//!     fs::create_dir_all(&dir).await?;
//!     let path = dir.join("hello.txt");
//!     let mut file = fs::File::create(&path).await?;
//!     file.write_all(b"hello, ").await?;
//!     file.write_all(b"world").await?;
//!     file.flush().await?; // waits for the writes, and reports their errors
//!
//!     let mut text = String::new();
//!     fs::File::open(&path).await?.read_to_string(&mut text).await?;
//!     assert_eq!(text, "hello, world");
//!     fs::remove_dir_all(&dir).await
//! })?;
//! # std::io::Result::Ok(())
//! ```

mod dir_builder;
mod error;
mod file;
mod functions;
mod open_options;
mod read_dir;

pub use dir_builder::DirBuilder;
pub use file::File;
#[cfg(unix)]
pub use functions::symlink;
pub use functions::{
    canonicalize, copy, create_dir, create_dir_all, hard_link, metadata, read, read_link,
    read_to_string, remove_dir, remove_dir_all, remove_file, rename, set_permissions,
    symlink_metadata, try_exists, write,
};
#[cfg(windows)]
pub use functions::{symlink_dir, symlink_file};
pub use open_options::OpenOptions;
pub use read_dir::{DirEntry, ReadDir, read_dir};

use std::io;

use crate::runtime::Handle;
use crate::task::{JoinError, JoinHandle};

/// Runs `f` on the current runtime's blocking pool.
///
/// # Errors
///
/// Outside a runtime, an error naming the fix (the job is not run).
fn spawn_blocking<F, R>(f: F) -> io::Result<JoinHandle<R>>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match Handle::try_current() {
        Ok(handle) => Ok(handle.spawn_blocking(f)),
        Err(_) => Err(io::Error::other(
            "groundup::fs used outside a groundup runtime: call it inside \
             `groundup::block_on(async { ... })` or a task it runs",
        )),
    }
}

/// Runs the blocking call `f` on the pool and awaits its result.
async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match spawn_blocking(f)?.await {
        Ok(result) => result,
        Err(error) => Err(join_error(error)),
    }
}

/// What a file operation whose job did not finish returns: a panic in the
/// job is the caller's panic; a job cancelled (its runtime shut down before
/// it ran) is an error.
fn join_error(error: JoinError) -> io::Error {
    if error.is_panic() {
        std::panic::resume_unwind(error.into_panic());
    }
    io::Error::other("the runtime shut down before the file operation ran")
}
