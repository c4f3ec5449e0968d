//! The standard streams on Unix, the kernel side: what kind of file each
//! of descriptors 0, 1 and 2 is, and, for the kinds that have readiness,
//! a non-blocking descriptor of groundup's own for it that leaves the
//! shared one alone.
//!
//! ## Why not set `O_NONBLOCK` on descriptor 0
//!
//! `O_NONBLOCK` is a flag of the *open file description*, not of the
//! descriptor: every descriptor `dup`ed or inherited from it shares it.
//! The standard streams are the most shared descriptions there are: a
//! terminal's is usually one description behind 0, 1 and 2 of the shell
//! and of every program it starts; a pipeline's pipe end can be held by a
//! sibling (`(a; b) | c`). Setting the flag there makes *their* blocking
//! reads and writes fail with `EAGAIN` (and std's `println!` in this very
//! process panics on it when stdout shares stdin's terminal). Restoring
//! the flag on drop narrows the window but does not close it, and a
//! process killed before restoring leaves the shell a non-blocking
//! terminal. So groundup never changes the shared description:
//!
//! - **A socket** is read and written with `recv`/`send` and
//!   `MSG_DONTWAIT`, which make that one call non-blocking whatever the
//!   description says. groundup works on a `dup` of it (same
//!   description), so that it owns what it registers and closes.
//! - **A pipe (or FIFO) or a terminal** has no such per-call flag for
//!   `read(2)`/`write(2)`. On Linux, opening `/proc/self/fd/N` opens the
//!   file behind `N` *anew* (proc(5)): a pipe gets another reader (or
//!   writer) on the same pipe, a terminal another description of the same
//!   terminal, each with flags of its own. groundup opens that with
//!   `O_NONBLOCK` and uses it. Elsewhere (`/dev/fd/N` on macOS and the
//!   BSDs duplicates the descriptor instead, sharing the description), and
//!   when the open fails (no `/proc`, a terminal owned by another user),
//!   the stream goes to the blocking pool.
//! - **Anything else** (a regular file, a directory, `/dev/null` and the
//!   other character devices that are not terminals, a closed descriptor)
//!   has no readiness to wait for: epoll refuses regular files and
//!   `/dev/null` with `EPERM`, kqueue reports them always ready. The
//!   blocking pool.
//!
//! The file type comes from std's `File::metadata` (`fstat`, or `statx`
//! on Linux) through a borrowed descriptor, rather than from an `fstat`
//! of groundup's own: `struct stat` differs in layout between every OS
//! and architecture pair, and macOS on x86_64 needs the `fstat$INODE64`
//! symbol; std already gets all of that right, and only `st_mode` is
//! wanted here. Whether a character device is a terminal is `isatty(3)`.

use std::fs::File;
use std::io;
use std::mem::ManuallyDrop;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::os::unix::fs::FileTypeExt;

#[cfg(groundup_os = "bsd")]
use groundup_ffi::bsd as os;
#[cfg(groundup_os = "linux")]
use groundup_ffi::linux as os;
use groundup_ffi::unix as posix;

use super::syscall::{self, Syscall};
use super::unix::Fd;

static FCNTL: Syscall = Syscall::new("fcntl");
#[cfg(groundup_os = "linux")]
static OPEN: Syscall = Syscall::new("open");
#[cfg(groundup_os = "linux")]
static ISATTY: Syscall = Syscall::new("isatty");
static READ: Syscall = Syscall::new("read");
static WRITE: Syscall = Syscall::new("write");
static RECV: Syscall = Syscall::new("recv");
static SEND: Syscall = Syscall::new("send");

/// Which way a standard stream goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Descriptor 0, read.
    In,
    /// Descriptor 1 or 2, written.
    Out,
}

/// A descriptor of groundup's own for a standard stream, non-blocking
/// without touching the stream's shared description (see the module
/// docs).
#[derive(Debug)]
pub(crate) struct StdioFd {
    fd: Fd,
    /// A `dup` of a socket, read with `recv` and written with `send`
    /// under `MSG_DONTWAIT`; otherwise a fresh non-blocking open of a pipe
    /// or terminal, read and written plainly.
    socket: bool,
}

/// What the standard stream `fd` can be driven by.
#[derive(Debug)]
pub(crate) enum Kind {
    /// A descriptor with readiness, of groundup's own.
    Readiness(StdioFd),
    /// The blocking pool; the reason, for `Debug` and the docs' sake.
    Blocking(&'static str),
}

/// Looks at standard stream `fd` (0, 1 or 2) and, if it can be driven by
/// readiness without changing its shared description, opens a descriptor
/// of groundup's own for it.
pub(crate) fn classify(fd: RawFd, direction: Direction) -> Kind {
    let Ok(flags) = status_flags(fd) else {
        return Kind::Blocking("closed");
    };
    // SAFETY: `status_flags` just saw `fd` open, and the standard
    // descriptors stay open while the program runs (std's own `Stdin` and
    // `Stdout` assume as much). `ManuallyDrop` never closes it: the `File`
    // only borrows it for one `fstat`.
    let file = ManuallyDrop::new(unsafe { File::from_raw_fd(fd) });
    let Ok(metadata) = file.metadata() else {
        return Kind::Blocking("fstat failed");
    };
    let file_type = metadata.file_type();
    if file_type.is_socket() {
        return match dup(fd) {
            Ok(fd) => Kind::Readiness(StdioFd { fd, socket: true }),
            Err(_) => Kind::Blocking("dup failed"),
        };
    }
    if file_type.is_fifo() || (file_type.is_char_device() && is_terminal(fd)) {
        return reopen(fd, flags, direction);
    }
    Kind::Blocking("a file or device without readiness")
}

/// `fcntl(fd, F_GETFL)`: the description's status flags (access mode,
/// `O_NONBLOCK`, …); `EBADF` for a closed descriptor.
fn status_flags(fd: RawFd) -> io::Result<core::ffi::c_int> {
    syscall::minus_one(&FCNTL, format_args!("{fd}, F_GETFL"), || {
        // SAFETY: F_GETFL takes no third argument and only reads the
        // descriptor's flags; a bad `fd` is reported as EBADF.
        unsafe { posix::fcntl(fd, os::F_GETFL) }
    })
}

/// A new descriptor (close-on-exec) for the same open file description.
fn dup(fd: RawFd) -> io::Result<Fd> {
    let new = syscall::minus_one(&FCNTL, format_args!("{fd}, F_DUPFD_CLOEXEC, 0"), || {
        // SAFETY: F_DUPFD_CLOEXEC takes an int third argument and only
        // reads its arguments; a bad `fd` is reported as EBADF.
        unsafe { posix::fcntl(fd, os::F_DUPFD_CLOEXEC, 0) }
    })?;
    // SAFETY: fcntl just returned `new` as a fresh descriptor that nothing
    // else knows about.
    Ok(unsafe { Fd::from_raw(new) })
}

/// Whether `fd` is a terminal (`isatty(3)`).
#[cfg(groundup_os = "linux")]
fn is_terminal(fd: RawFd) -> bool {
    // isatty returns 1 or 0, never -1: counted through the same doorway,
    // its 0 is "not a terminal", not an error.
    syscall::minus_one(&ISATTY, format_args!("{fd}"), || {
        // SAFETY: isatty takes an integer and reads nothing through it.
        unsafe { posix::isatty(fd) }
    })
    .is_ok_and(|r| r == 1)
}

/// On the BSDs and macOS a terminal cannot be reopened with a description
/// of its own (see `reopen`): no need to ask.
#[cfg(groundup_os = "bsd")]
fn is_terminal(_: RawFd) -> bool {
    false
}

/// Opens `/proc/self/fd/N` anew, non-blocking, with the access the
/// direction needs (and only if `fd` itself has it: reopening a pipe's
/// read end for writing would make this process a writer of a pipe it
/// only read). Falls back to the blocking pool when it cannot.
#[cfg(groundup_os = "linux")]
fn reopen(fd: RawFd, flags: core::ffi::c_int, direction: Direction) -> Kind {
    let mode = flags & os::O_ACCMODE;
    let access = match direction {
        Direction::In if mode == os::O_RDONLY || mode == os::O_RDWR => os::O_RDONLY,
        Direction::Out if mode == os::O_WRONLY || mode == os::O_RDWR => os::O_WRONLY,
        _ => return Kind::Blocking("opened the other way"),
    };
    let path = format!("/proc/self/fd/{fd}\0");
    let open_flags = access | os::O_NONBLOCK | os::O_CLOEXEC | os::O_NOCTTY;
    let shown = path.trim_end_matches('\0');
    let opened = syscall::minus_one(&OPEN, format_args!("{shown:?}, {open_flags:#o}"), || {
        // SAFETY: `path` is a NUL-terminated string that lives across the
        // call; without O_CREAT the variadic mode argument is not read.
        unsafe { posix::open(path.as_ptr().cast(), open_flags) }
    });
    match opened {
        // SAFETY: open just returned a fresh descriptor owned by no one else.
        Ok(new) => Kind::Readiness(StdioFd { fd: unsafe { Fd::from_raw(new) }, socket: false }),
        Err(_) => Kind::Blocking("cannot reopen /proc/self/fd"),
    }
}

/// `/dev/fd/N` on the BSDs and macOS duplicates the descriptor (fdesc(5)),
/// sharing the description, so there is no private non-blocking
/// description to be had: the blocking pool.
#[cfg(groundup_os = "bsd")]
fn reopen(_: RawFd, _: core::ffi::c_int, _: Direction) -> Kind {
    Kind::Blocking("a pipe or terminal, which this OS cannot reopen")
}

impl StdioFd {
    /// One non-blocking read: `EAGAIN` (`WouldBlock`) when nothing waits.
    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        let (fd, ptr, len) = (self.fd.raw(), buf.as_mut_ptr(), buf.len());
        let n = if self.socket {
            syscall::minus_one(&RECV, format_args!("{fd}, {ptr:p}, {len}, MSG_DONTWAIT"), || {
                // SAFETY: `ptr` points to `len` writable bytes of `buf`,
                // exclusively borrowed for the call.
                unsafe { posix::recv(fd, ptr.cast(), len, os::MSG_DONTWAIT) }
            })?
        } else {
            syscall::minus_one(&READ, format_args!("{fd}, {ptr:p}, {len}"), || {
                // SAFETY: as above.
                unsafe { posix::read(fd, ptr.cast(), len) }
            })?
        };
        Ok(n as usize) // non-negative: -1 was turned into an error
    }

    /// One non-blocking write: `EAGAIN` (`WouldBlock`) when the pipe,
    /// terminal or socket buffer is full.
    pub(crate) fn write(&self, buf: &[u8]) -> io::Result<usize> {
        let (fd, ptr, len) = (self.fd.raw(), buf.as_ptr(), buf.len());
        let n = if self.socket {
            syscall::minus_one(&SEND, format_args!("{fd}, {ptr:p}, {len}, MSG_DONTWAIT"), || {
                // SAFETY: `ptr` points to `len` readable bytes of `buf`.
                unsafe { posix::send(fd, ptr.cast(), len, os::MSG_DONTWAIT) }
            })?
        } else {
            syscall::minus_one(&WRITE, format_args!("{fd}, {ptr:p}, {len}"), || {
                // SAFETY: as above.
                unsafe { posix::write(fd, ptr.cast(), len) }
            })?
        };
        Ok(n as usize)
    }
}

impl AsRawFd for StdioFd {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.raw()
    }
}
