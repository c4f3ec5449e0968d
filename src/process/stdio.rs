//! The pipes to a child's standard streams, as `AsyncWrite` (stdin) and
//! `AsyncRead` (stdout, stderr).
//!
//! std creates the pipes when a stream is `Stdio::piped()`; groundup takes
//! its end of each and drives it through the reactor:
//!
//! - **Unix:** the descriptor is made non-blocking (the child's end is a
//!   separate open file description, so the child keeps its blocking one)
//!   and registered with epoll or kqueue like a socket: `read`/`write`
//!   until `EAGAIN`, then wait for readiness.
//! - **Windows:** pipes have no readiness to poll, and anonymous pipes
//!   (`CreatePipe`) cannot do overlapped I/O at all; std makes the parent's
//!   end a named pipe opened for overlapped I/O for that reason (which
//!   groundup checks, with `NtQueryInformationFile`, rather than trusts).
//!   The handle is associated with the runtime's completion port, and reads
//!   and writes are overlapped operations into a buffer of the pipe's own,
//!   whose completions the IOCP backend turns into readiness: see
//!   `src/sys/iocp/pipe.rs`.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::io::{AsyncRead, AsyncWrite};

#[cfg(unix)]
type PipeIo = crate::io::Async<crate::sys::process::Pipe>;
#[cfg(windows)]
type PipeIo = super::registered::Registered<crate::sys::process::Pipe>;

/// Registers our end of a pipe std made (either way: a descriptor is
/// registered for both directions).
#[cfg(unix)]
fn pipe_io(fd: std::os::fd::OwnedFd, _readable: bool) -> io::Result<PipeIo> {
    crate::io::Async::from_nonblocking(crate::sys::process::Pipe::from_owned(fd)?)
}

/// Registers our end of a pipe std made; `readable` says which way it goes.
#[cfg(windows)]
fn pipe_io(handle: std::os::windows::io::OwnedHandle, readable: bool) -> io::Result<PipeIo> {
    super::registered::Registered::new(crate::sys::process::Pipe::from_owned(handle, readable)?)
}

#[cfg(unix)]
fn poll_read_pipe(io: &PipeIo, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
    io.poll_read_stream(cx, buf, |pipe, buf| pipe.read(buf))
}

#[cfg(windows)]
fn poll_read_pipe(io: &PipeIo, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
    if buf.is_empty() {
        return Poll::Ready(Ok(0));
    }
    io.poll_io(cx, crate::reactor::Direction::Read, |pipe| pipe.read(buf))
}

#[cfg(unix)]
fn poll_write_pipe(io: &PipeIo, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
    io.poll_write_stream(cx, buf, |pipe, buf| pipe.write(buf))
}

#[cfg(windows)]
fn poll_write_pipe(io: &PipeIo, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
    if buf.is_empty() {
        return Poll::Ready(Ok(0));
    }
    io.poll_io(cx, crate::reactor::Direction::Write, |pipe| pipe.write(buf))
}

/// Unix writes go straight to the kernel's pipe buffer: nothing to flush.
#[cfg(unix)]
fn poll_flush_pipe(_: &PipeIo, _: &mut Context<'_>) -> Poll<io::Result<()>> {
    Poll::Ready(Ok(()))
}

/// On Windows a write is in flight until its packet comes: flushing waits
/// for it, and reports its error if it failed.
#[cfg(windows)]
fn poll_flush_pipe(io: &PipeIo, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
    io.poll_io(cx, crate::reactor::Direction::Write, |pipe| pipe.flush())
}

/// The writing end of a child's stdin. Dropping it closes the pipe, which
/// the child reads as end of file.
pub struct ChildStdin {
    io: PipeIo,
}

/// The reading end of a child's stdout.
pub struct ChildStdout {
    io: PipeIo,
}

/// The reading end of a child's stderr.
pub struct ChildStderr {
    io: PipeIo,
}

macro_rules! pipe_common {
    ($name:ident, $std:ty, $what:literal, $readable:literal) => {
        impl $name {
            #[doc = concat!("Takes std's ", $what, " (from a child spawned with std) and")]
            /// registers it with the current runtime.
            ///
            /// # Errors
            ///
            /// Outside a runtime, or what registering the pipe says (on
            /// Windows, also a pipe not opened for overlapped I/O).
            pub fn from_std(inner: $std) -> io::Result<$name> {
                Ok($name { io: pipe_io(inner.into(), $readable)? })
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).field("io", &self.io).finish()
            }
        }

        #[cfg(unix)]
        impl std::os::fd::AsRawFd for $name {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                self.io.get_ref().as_raw_fd()
            }
        }

        #[cfg(unix)]
        impl $name {
            /// Deregisters the pipe and gives its descriptor back (still
            /// non-blocking).
            ///
            /// # Errors
            ///
            /// What deregistering says.
            pub fn into_owned_fd(self) -> io::Result<std::os::fd::OwnedFd> {
                self.io.into_inner().map(crate::sys::process::Pipe::into_owned)
            }
        }

        #[cfg(windows)]
        impl std::os::windows::io::AsRawHandle for $name {
            fn as_raw_handle(&self) -> std::os::windows::io::RawHandle {
                self.io.get_ref().as_raw_handle()
            }
        }
    };
}

pipe_common!(ChildStdin, std::process::ChildStdin, "`ChildStdin`", false);
pipe_common!(ChildStdout, std::process::ChildStdout, "`ChildStdout`", true);
pipe_common!(ChildStderr, std::process::ChildStderr, "`ChildStderr`", true);

impl AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        poll_write_pipe(&self.io, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        poll_flush_pipe(&self.io, cx)
    }

    /// Flushes. A pipe has no half to shut: drop the `ChildStdin` to close
    /// it (as with tokio's).
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        poll_flush_pipe(&self.io, cx)
    }
}

impl AsyncRead for ChildStdout {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        poll_read_pipe(&self.io, cx, buf)
    }
}

impl AsyncRead for ChildStderr {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        poll_read_pipe(&self.io, cx, buf)
    }
}
