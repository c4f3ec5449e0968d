//! Asynchronous I/O: the traits every stream implements, the `…Ext`
//! futures a caller awaits, buffered readers and writers, the helpers
//! (copies, in-memory pipes, adapters), and [`Async`], any std socket made
//! awaitable.
//!
//! | what | items |
//! |---|---|
//! | the traits | [`AsyncRead`], [`AsyncWrite`], [`AsyncBufRead`], [`AsyncSeek`] |
//! | what you await | [`AsyncReadExt`], [`AsyncWriteExt`], [`AsyncBufReadExt`], [`AsyncSeekExt`] |
//! | buffering | [`BufReader`], [`BufWriter`], [`BufStream`]; [`Lines`], [`Split`] |
//! | copying | [`copy`], [`copy_buf`], [`copy_bidirectional`] |
//! | in memory | [`duplex`] ([`DuplexStream`]), [`simplex`] ([`SimplexStream`]), [`empty`], [`sink`], [`repeat`] |
//! | adapters | [`split`] ([`ReadHalf`], [`WriteHalf`]), [`join`] ([`Join`]), [`Take`], [`Chain`] |
//! | standard streams | [`stdin`], [`stdout`], [`stderr`] ([`Stdin`], [`Stdout`], [`Stderr`]): readiness for pipes, sockets and terminals, the blocking pool for files and `/dev/null` |
//! | readiness | [`Interest`], [`Ready`] (the sockets' `ready`, `try_io`); `unix::AsyncFd` (`windows::AsyncSocket`) for descriptors of your own |
//! | std's names | [`Error`], [`ErrorKind`], [`Result`], [`SeekFrom`] |
//!
//! The names, signatures and behaviour are tokio's, so code ports by
//! renaming `tokio::io` to `groundup::io`. Three differences, all at the
//! edges where tokio uses types of its own or of the `bytes` crate:
//!
//! ## `&mut [u8]`, not `ReadBuf`
//!
//! groundup's [`AsyncRead::poll_read`] takes `buf: &mut [u8]` and returns
//! `Poll<io::Result<usize>>`, the number of bytes read, as
//! `std::io::Read::read` does (and as tokio did before 0.3). tokio's takes a
//! `&mut ReadBuf<'_>` (a buffer that may be partly uninitialised and
//! counts its own filled part) and returns `Poll<io::Result<()>>`. What that
//! means when porting:
//!
//! - **Calling** code (`read`, `read_exact`, `read_to_end`, `lines`, `copy`,
//!   …) ports unchanged: the `…Ext` methods are the same.
//! - **An `AsyncRead` impl** changes its signature: write into `buf` and
//!   return `Ready(Ok(n))` instead of `buf.put_slice(..)` and
//!   `Ready(Ok(()))`; `buf.remaining()` becomes `buf.len()`; end of file is
//!   `Ready(Ok(0))` instead of returning with nothing put.
//! - **A wrapper** that forwards `poll_read` to an inner reader passes the
//!   slice (or a sub-slice, as [`Take`] does) instead of a `ReadBuf`.
//! - The buffer must be initialised, so a reader into spare `Vec` capacity
//!   zeroes it first; groundup does so once per byte, not once per poll
//!   ([`AsyncReadExt::read_to_end`]).
//!
//! ## `Vec<u8>` and `&[u8]`, not `bytes`
//!
//! groundup depends on no crate, so there is no `bytes::Buf`/`BufMut`:
//! [`AsyncReadExt::read_buf`] appends to a `Vec<u8>` (which is a `BufMut`
//! in tokio, so such calls port), and [`AsyncWriteExt::write_buf`] and
//! [`AsyncWriteExt::write_all_buf`] take `&mut &[u8]` and advance the slice
//! (a `&[u8]` is a `Buf` in tokio, so such calls port). Code that passes a
//! `BytesMut` or a `Cursor` as the `Buf` needs a slice of it instead.
//!
//! ## Cancel safety
//!
//! Each method's documentation has a "Cancel safety" section that says
//! what a cancelled call (its future dropped, as the losing branch of a
//! `select` is) has done, following tokio's documentation method by method.
//! Where tokio promises nothing, groundup says what it does. In short:
//! `read`, `read_buf`, `read_u8`/`read_i8`, `write`, `write_vectored`,
//! `write_buf`, `fill_buf`, `flush`, `Lines::next_line` and
//! `Split::next_segment` are cancel safe; `read_until`, `read_to_end` and
//! `write_all_buf` leave every byte they moved in the caller's buffer;
//! `read_line` and `read_to_string` are not cancel safe in tokio's sense,
//! but keep what they read in the `String` (up to the last whole
//! character, where tokio makes no promise); `read_exact`, the wider
//! numbers, `write_all` and `copy` are not cancel safe.
//!
//! ## The cooperative budget
//!
//! The helpers that can always be ready ([`empty`], [`sink`], [`repeat`],
//! [`duplex`]) and the copy loops spend the task's cooperative budget, so
//! a task copying between two ends that never wait still lets other tasks
//! and timers run; sockets spend it in the reactor. std's in-memory types
//! (`&[u8]`, `Vec<u8>`, `Cursor`) do not, as in tokio: they are finite.
//! `io::util`'s module docs say which type spends where.
//!
//! ## Standard streams
//!
//! [`stdin`], [`stdout`] and [`stderr`] look at what the stream is when
//! the handle is made, and pick readiness where the stream has it and
//! groundup can wait for it without changing what other processes see:
//!
//! | the stream is | Linux | macOS, the BSDs | Windows |
//! |---|---|---|---|
//! | a socket | readiness (`recv`/`send` with `MSG_DONTWAIT`) | readiness | blocking pool |
//! | a pipe, a FIFO, a terminal | readiness (reopened through `/proc/self/fd`) | blocking pool | blocking pool |
//! | a regular file, `/dev/null`, other devices | blocking pool | blocking pool | blocking pool |
//!
//! groundup never sets `O_NONBLOCK` on descriptor 0, 1 or 2: the flag
//! belongs to the open file description, which a terminal shares with the
//! shell and a pipe can share with a sibling process, whose blocking reads
//! and writes would then fail with `EAGAIN` (as would `println!` in this
//! process when stdout shares stdin's terminal); restoring the flag on drop
//! narrows that window but does not close it, and a killed process never
//! restores it. This is why tokio puts all of stdio on the blocking pool.
//! groundup instead reads a socket with a per-call non-blocking flag, and
//! on Linux opens a pipe or terminal *anew* (`/proc/self/fd/N` gives a
//! description of its own, set non-blocking); where neither can be done,
//! the blocking pool, as in tokio. Regular files and `/dev/null` have no
//! readiness at all (epoll refuses them with `EPERM`; kqueue reports them
//! always ready). On Windows, console handles and anonymous pipes cannot
//! do overlapped I/O, so all three streams use the blocking pool.
//!
//! Writes reach the stream in the order they returned, across handles
//! (pool writes are chained, one stream at a time), and a dropped
//! `Stdout` loses no write that returned. Each handle's `Debug` says which
//! way it went. `src/io/stdio.rs` has the whole story.
//!
//! ```
//! use groundup::io::{self, AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
//!
//! groundup::block_on(async {
//!     // A line protocol over an in-memory pipe: the client sends two
//!     // commands, the server answers each.
//!     let (client, server) = io::duplex(1024);
//!     let serving = groundup::spawn(async move {
//!         let (reader, writer) = io::split(server);
//!         let (mut lines, mut out) = (BufReader::new(reader).lines(), BufWriter::new(writer));
//!         while let Some(line) = lines.next_line().await? {
//!             out.write_all(line.to_uppercase().as_bytes()).await?;
//!             out.write_all(b"\n").await?;
//!         }
//!         out.flush().await
//!     });
//!
//!     let (reader, mut writer) = io::split(client);
//!     writer.write_all(b"hello\nworld\n").await?;
//!     writer.shutdown().await?;
//!     let mut answers = BufReader::new(reader).lines();
//!     assert_eq!(answers.next_line().await?.as_deref(), Some("HELLO"));
//!     assert_eq!(answers.next_line().await?.as_deref(), Some("WORLD"));
//!     serving.await.unwrap()?;
//!     io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```

mod async_fd;
mod async_io;
mod buf;
mod buf_read_ext;
mod read_ext;
mod ready;
mod seek_ext;
mod std_impls;
mod stdio;
mod traits;
mod util;
mod write_ext;

pub use async_io::Async;
pub use buf::{BufReader, BufStream, BufWriter};
pub use buf_read_ext::AsyncBufReadExt;
pub use read_ext::AsyncReadExt;
pub use ready::{Interest, Ready};
pub use seek_ext::AsyncSeekExt;
pub use stdio::{Stderr, Stdin, Stdout, stderr, stdin, stdout};
pub use traits::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};
pub use util::{
    Chain, DuplexStream, Empty, Join, Lines, ReadHalf, Repeat, SimplexStream, Sink, Split, Take,
    WriteHalf, copy, copy_bidirectional, copy_buf, duplex, empty, join, repeat, simplex, sink,
    split,
};
pub use write_ext::AsyncWriteExt;

/// Unix-only I/O: [`AsyncFd`](unix::AsyncFd), readiness for any
/// descriptor (`T: AsRawFd`), under tokio's names.
///
/// Wait with `readable`/`writable`/`ready`, do the I/O yourself through
/// the guard's `try_io` (whose `WouldBlock` clears the readiness), or call
/// `clear_ready` after your own operation said `WouldBlock`; the next wait
/// then waits for a new event. On Windows the same type, over sockets, is
/// `io::windows::AsyncSocket`.
#[cfg(unix)]
pub mod unix {
    pub use super::async_fd::{
        AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdTryNewError, TryIoError,
    };
}

/// Windows-only I/O: [`AsyncSocket`](windows::AsyncSocket), readiness for
/// any socket (`T: AsRawSocket`), polled through the AFD driver.
///
/// tokio has no such type (its `AsyncFd` is Unix-only); this is
/// groundup's `AsyncFd` over sockets, the same struct under a name that
/// says what Windows can register: "fd" would promise descriptors that
/// Windows does not have. The guards are renamed likewise
/// (`AsyncSocketReadyGuard`, `AsyncSocketReadyMutGuard`); the methods and
/// the protocol are `AsyncFd`'s, and `clear_ready` also re-arms the AFD
/// poll.
#[cfg(windows)]
pub mod windows {
    pub use super::async_fd::{
        AsyncFd as AsyncSocket, AsyncFdReadyGuard as AsyncSocketReadyGuard,
        AsyncFdReadyMutGuard as AsyncSocketReadyMutGuard,
        AsyncFdTryNewError as AsyncSocketTryNewError, TryIoError,
    };
}

/// std's I/O error type, re-exported as tokio does, so `io::Error` and
/// `io::Result` name the same things after `use groundup::io`.
///
/// ```
/// use groundup::io;
///
/// let error = io::Error::new(io::ErrorKind::Other, "oops");
/// let result: io::Result<()> = Err(error);
/// assert!(result.is_err());
/// ```
pub use std::io::Error;
/// std's I/O error kinds, re-exported as tokio does.
///
/// ```
/// assert_eq!(groundup::io::ErrorKind::UnexpectedEof, std::io::ErrorKind::UnexpectedEof);
/// ```
pub use std::io::ErrorKind;
/// std's I/O result type, re-exported as tokio does.
///
/// ```
/// fn answer() -> groundup::io::Result<u8> {
///     Ok(42)
/// }
/// assert_eq!(answer().unwrap(), 42);
/// ```
pub use std::io::Result;
/// std's seek positions, for [`AsyncSeekExt::seek`]; re-exported as tokio
/// does.
///
/// ```
/// use groundup::io::SeekFrom;
///
/// assert_eq!(SeekFrom::Start(0), std::io::SeekFrom::Start(0));
/// ```
pub use std::io::SeekFrom;
