//! libkqueue: kqueue(2) in user space, on Linux, on top of epoll.
//!
//! Compiled only in the configuration `build.rs` calls `groundup_libkqueue`
//! (`GROUNDUP_BACKEND=kqueue` on Linux), where the kqueue backend runs on a
//! Linux machine. Everything else in that build is Linux and comes from
//! [`crate::linux`]; this module declares what libkqueue's header adds.
//!
//! Source: libkqueue's `include/sys/event.h` (installed as
//! `$prefix/include/kqueue/sys/event.h`; the vendored snapshot is commit
//! f966089 of github.com/mheily/libkqueue, see `../shared/vendor/README.md`).
//! Its man page is the FreeBSD one it copies,
//! [kqueue(2)](https://man.freebsd.org/cgi/man.cgi?query=kqueue&sektion=2),
//! with the differences listed in its `BUGS.md`.
//!
//! libkqueue keeps FreeBSD's *numbers* (`EVFILT_USER` is -11, as on
//! FreeBSD) but the classic 32-byte `struct kevent` of FreeBSD 11 and
//! Apple (`intptr_t data`, no `ext[4]`), and `int` counts. Its `kqueue()`
//! returns the write end of a pipe that stands for the queue (closing it is
//! how libkqueue learns the queue is gone), and its `kevent()` looks the
//! number up in a table: a `dup` of that descriptor is not a kqueue to it.

use core::ffi::{c_int, c_void};

pub use crate::linux::{ESRCH, pid_t, time_t, timespec};

unsafe extern "C" {
    /// `int kqueue(void);`
    ///
    /// Header `<sys/event.h>` (libkqueue's); man page kqueue(2). Returns a
    /// new kqueue descriptor, or -1 with errno. libkqueue's descriptor is
    /// the write end of a close-on-exec pipe; the first call also starts
    /// libkqueue's monitoring thread, which frees a queue when its
    /// descriptor is closed.
    pub fn kqueue() -> c_int;

    /// `int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist, int nevents, const struct timespec *timeout);`
    ///
    /// Header `<sys/event.h>` (libkqueue's); man page kqueue(2). As on the
    /// BSDs: applies `nchanges` changes, then waits up to `timeout` (null:
    /// forever; zero: not at all) for at most `nevents` events. Returns the
    /// number of entries written (events, and `EV_ERROR` receipts), or -1
    /// with errno: `EINTR` when a signal interrupted its `epoll_wait`,
    /// `ENOENT` (not `EBADF`) for a descriptor that is not one of its queues.
    pub fn kevent(
        kq: c_int,
        changelist: *const kevent,
        nchanges: c_int,
        eventlist: *mut kevent,
        nevents: c_int,
        timeout: *const timespec,
    ) -> c_int;

    /// `void libkqueue_drain_pending_close(void);`
    ///
    /// Defined (and exported) in libkqueue's `src/linux/platform.c`, but
    /// declared in none of its installed headers; its comment there says it
    /// is "intended for tests that need deterministic teardown". Closing a
    /// kqueue descriptor frees the queue (its epoll descriptor, the read end
    /// of its pipe) later, on libkqueue's monitoring thread; this call
    /// returns once every queue closed so far is freed. When the last queue
    /// goes the monitoring thread exits too and closes its own two
    /// descriptors. groundup's descriptor-counting tests call it before they
    /// count.
    pub fn libkqueue_drain_pending_close();
}

/// `struct kevent { uintptr_t ident; short filter; unsigned short flags; unsigned int fflags; intptr_t data; void *udata; };`
///
/// Header `<sys/event.h>` (libkqueue's); man page kqueue(2). The classic
/// layout: 32 bytes on 64-bit targets, 20 on 32-bit ones.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kevent {
    /// The knote's identifier: a descriptor number for `EVFILT_READ` and
    /// `EVFILT_WRITE`, any number for `EVFILT_USER`.
    pub ident: usize,
    /// `EVFILT_*`.
    pub filter: i16,
    /// `EV_*`: actions on input, state on output.
    pub flags: u16,
    /// Filter-specific flags (`NOTE_*` on input; a socket error with
    /// `EV_EOF` on output).
    pub fflags: u32,
    /// Filter-specific data (bytes readable; the errno of an `EV_ERROR`
    /// entry).
    pub data: isize,
    /// Opaque user data, returned unchanged with every event.
    pub udata: *mut c_void,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<kevent>() == 32 && align_of::<kevent>() == 8);

/// `EVFILT_READ` (`-1`): the descriptor has data to read (a listener: a
/// connection to accept). libkqueue watches it with `EPOLLIN | EPOLLRDHUP`,
/// adding `EPOLLET` for `EV_CLEAR`. `<sys/event.h>`.
pub const EVFILT_READ: i16 = -1;
/// `EVFILT_WRITE` (`-2`): the descriptor can be written to (`EPOLLOUT`
/// underneath). `<sys/event.h>`.
pub const EVFILT_WRITE: i16 = -2;
/// `EVFILT_PROC` (`-5`): events of a process, named by its pid as the
/// ident; with `NOTE_EXIT`, its exit (a pidfd underneath, on Linux 5.3 and
/// later). `<sys/event.h>`.
pub const EVFILT_PROC: i16 = -5;
/// `EVFILT_USER` (`-11`, FreeBSD's number): an event with no kernel source,
/// triggered by a `NOTE_TRIGGER` change (an eventfd underneath).
/// `<sys/event.h>`.
pub const EVFILT_USER: i16 = -11;

/// `EV_ADD`: add the knote, or modify it if it exists. `<sys/event.h>`.
pub const EV_ADD: u16 = 0x0001;
/// `EV_DELETE`: remove the knote; `ENOENT` if there is none. `<sys/event.h>`.
pub const EV_DELETE: u16 = 0x0002;
/// `EV_ENABLE`: let an existing knote report events again; `ENOENT` if
/// there is none. `<sys/event.h>`.
pub const EV_ENABLE: u16 = 0x0004;
/// `EV_CLEAR`: reset the knote's state after it is reported
/// (edge-triggered: `EPOLLET` underneath). `<sys/event.h>`.
pub const EV_CLEAR: u16 = 0x0020;
/// `EV_RECEIPT`: return an `EV_ERROR` entry for this change whether it
/// failed or not (`data` = 0 on success, the errno otherwise).
/// `<sys/event.h>`.
pub const EV_RECEIPT: u16 = 0x0040;
/// `EV_ERROR` (returned): this entry reports a change's result; `data`
/// holds the errno. `<sys/event.h>`.
pub const EV_ERROR: u16 = 0x4000;
/// `EV_EOF` (returned): end of file (`EPOLLRDHUP`, `EPOLLHUP` or
/// `EPOLLERR` underneath); a socket error, if any, is in `fflags`.
/// `<sys/event.h>`.
pub const EV_EOF: u16 = 0x8000;

/// `NOTE_TRIGGER`: in `fflags` of an `EVFILT_USER` change, trigger the user
/// event. `<sys/event.h>`.
pub const NOTE_TRIGGER: u32 = 0x0100_0000;

/// `NOTE_EXIT`: in `fflags` of an `EVFILT_PROC` change, report the
/// process's exit. `<sys/event.h>`.
pub const NOTE_EXIT: u32 = 0x8000_0000;
