//! The kqueue backend (macOS, iOS, tvOS, watchOS, visionOS, FreeBSD, NetBSD,
//! OpenBSD, DragonFly BSD; and Linux through libkqueue, to test it).
//!
//! ## Design
//!
//! kqueue is a more general interface than epoll: it watches descriptors,
//! processes, signals, timers and user events, each as a *knote* keyed by
//! `(ident, filter)`, and `kevent(2)` both edits the knotes and waits for
//! them. groundup uses a small corner of it, and makes that corner behave
//! exactly like the epoll backend.
//!
//! - **Two knotes per descriptor.** Readable interest is an `EVFILT_READ`
//!   knote, writable an `EVFILT_WRITE` one; register, reregister and
//!   deregister become short change lists, and a source ready both ways is
//!   reported as two events with the same token (the `Poll` contract allows
//!   one event or two).
//! - **Edge-triggered with `EV_CLEAR`.** "After the event is retrieved by
//!   the user, its state is reset" (kqueue(2)): a knote reports once per
//!   change of readiness, as `EPOLLET` does.
//! - **One call per change list, one receipt per change.** Every change
//!   carries `EV_RECEIPT`, so the kernel writes one `EV_ERROR` entry per
//!   change (errno in `data`, 0 for success) and returns without touching
//!   pending events: a failed change is reported as that change's error,
//!   never confused with another's or with an event. The call gets a zero
//!   timeout and exactly as many slots as changes, so it never blocks.
//! - **Uniform errors from a record.** kqueue accepts a second `EV_ADD`
//!   silently and cannot list what is registered, but the contract wants
//!   `AlreadyExists` and `NotFound` as epoll reports them. The backend
//!   therefore keeps a record of what this queue registered, shared by every
//!   handle on it (`try_clone`) behind a mutex held across each submission,
//!   and asks the kernel (a *probe*) when the record may be stale because a
//!   registered descriptor was closed. The rules, and why, are in
//!   `kqueue_rules.rs`, which is plain Rust unit-tested on Linux too.
//! - **The token is the user data.** `udata` carries the `Token` as an
//!   address without provenance; it is never dereferenced.
//! - **Timeouts are a `timespec`**, nanoseconds: nothing to round, since
//!   `Duration` has the same resolution. A wait longer than `i32::MAX`
//!   seconds is clamped and `Poll::poll` loops.
//! - **Process exits** are `EVFILT_PROC` knotes with `NOTE_EXIT`, keyed by
//!   pid ([`Selector::register_pid`]), the one knote groundup adds that is
//!   not a descriptor's: `groundup::process` waits for a child with it, and
//!   the exit reads as readable. Pids are not descriptor numbers, so these
//!   knotes stay out of the record of descriptors.
//! - **The waker** is an `EVFILT_USER` knote registered with `EV_CLEAR` and
//!   fired with `NOTE_TRIGGER` where `build.rs` says the system has it
//!   (`groundup_waker = "evfilt_user"`: the Apple systems and FreeBSD): one
//!   `kevent` call per wake, and triggers before a poll merge into one event
//!   because a knote is queued once. Elsewhere (`groundup_waker = "pipe"`)
//!   it is the pipe of `pipe_waker.rs`.
//!
//! ## Portability notes
//!
//! - `struct kevent` has five layouts, and `kevent` takes `int` counts
//!   everywhere but NetBSD (`size_t`); `groundup-ffi` declares each, and
//!   this file only ever names fields and constants, so one source serves
//!   all of them.
//! - Closing a descriptor removes its knotes from every kqueue (kqueue(2)):
//!   dropping a registered `IoSource` is fine here as on epoll. The record
//!   learns of it at the descriptor number's next use, through the probe.
//! - Older macOS (10.10, 10.11) fails `EV_ADD` on a pipe whose other end is
//!   closed with `EPIPE`, yet registers it; that `EPIPE` is taken as success
//!   (tokio-rs/mio#582).
//! - `EINTR` from a change submission means the changes were applied
//!   (FreeBSD's kqueue(2): "When kevent() call fails with EINTR error, all
//!   changes in the changelist have been applied"); the receipts that were
//!   not written read as success. `EINTR` from a wait is returned as
//!   `ErrorKind::Interrupted`: kevent is never restarted after a signal
//!   handler, `SA_RESTART` or not.
//! - `Interest::PRIORITY` does not exist: kqueue's out-of-band reporting
//!   (`NOTE_OOB`) is neither portable nor what epoll's `EPOLLPRI` means.
//!
//! ## On Linux, through libkqueue: what that run proves
//!
//! With `GROUNDUP_BACKEND=kqueue` a Linux build drives this file through
//! libkqueue, a user-space kqueue on epoll (`build.rs`; `just test-kqueue`,
//! and `.ci/run`, run the whole suite and the examples so). Everything here
//! runs: the change lists and their receipts, the record and its probes,
//! `EV_CLEAR` edges, the `EVFILT_USER` waker, `timespec` timeouts, `EINTR`,
//! the event readers, every trace line; and above it the whole runtime on
//! kqueue events, which until then only the GitHub workflow's macOS and
//! FreeBSD jobs ran. What it does not prove is anything about a kernel's
//! kqueue: libkqueue has FreeBSD's constants but its own implementation,
//! its `struct kevent` is the 32-byte one of Apple and FreeBSD 11 (not
//! FreeBSD 12's 64 bytes, nor NetBSD's), and it is not the pipe waker.
//! Where libkqueue behaves unlike a kernel kqueue the difference is
//! handled for it alone, in `libkqueue.rs` (`groundup_libkqueue`), which
//! lists each: a closed descriptor keeps its knotes, so a dropped
//! `IoSource` deregisters itself there; libkqueue consumes the socket
//! error it reports; it guesses `EV_EOF` from an empty buffer and loses
//! `EPOLLRDHUP` once a second filter is added; and a descriptor's handles
//! share one number (a `dup` of a libkqueue queue is not one). The build
//! also patches one libkqueue bug, which lost edge-triggered events that did
//! not fit in the caller's buffer (`.ci/libkqueue.sh`). So the real BSDs
//! keep the kernel behaviour this file was written for, and a failure in the
//! libkqueue run is either groundup's or one of the differences listed.

use std::fmt;
use std::io;
use std::os::fd::RawFd;
use std::ptr;
#[cfg(groundup_waker = "evfilt_user")]
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

#[cfg(groundup_os = "bsd")]
use groundup_ffi::bsd as ffi;
#[cfg(groundup_libkqueue)]
use groundup_ffi::libkqueue as ffi;

use super::kqueue_rules::{
    self as rules, Action, Change, Changes, EventFilter, Filter, MAX_CHANGES, Readiness, Receipt,
    Receipts, Registrations, Submit,
};
use super::syscall::{self, Syscall};
use super::unix::Fd;
use crate::poll::{Interest, Token};

// Where libkqueue (the kqueue backend on Linux) differs from a kernel
// kqueue, and what is done about it: see the module docs and that file.
#[cfg(groundup_libkqueue)]
#[path = "libkqueue.rs"]
mod libkqueue;
#[cfg(groundup_libkqueue)]
pub(crate) use libkqueue::take_consumed_error;

static KQUEUE: Syscall = Syscall::new("kqueue");
static KEVENT: Syscall = Syscall::new("kevent");

/// A kqueue, and the record of what it has registered.
#[derive(Debug)]
pub(crate) struct Selector {
    kq: KqFd,
    /// Shared by every handle on this kqueue: see the module docs.
    registered: Arc<Mutex<Registrations>>,
}

impl Selector {
    pub(crate) fn new() -> io::Result<Selector> {
        let kq = syscall::minus_one(&KQUEUE, format_args!(""), || {
            // SAFETY: kqueue takes no arguments.
            unsafe { ffi::kqueue() }
        })?;
        // SAFETY: kqueue returned a new descriptor owned by no one else.
        let kq = unsafe { Fd::from_raw(kq) };
        // A kqueue is not inherited across fork(2), but it is across
        // execve(2) unless close-on-exec is set; macOS has no kqueue1 to do
        // it in the same call.
        super::unix::set_cloexec(kq.raw())?;
        Ok(Selector { kq: KqFd::from(kq), registered: Arc::default() })
    }

    /// A second handle on the same kqueue and the same record.
    pub(crate) fn try_clone(&self) -> io::Result<Selector> {
        Ok(Selector { kq: clone_kq(&self.kq)?, registered: Arc::clone(&self.registered) })
    }

    pub(crate) fn as_raw_fd(&self) -> RawFd {
        self.kq.raw()
    }

    /// Waits for events, filling `events` up to its capacity.
    pub(crate) fn select(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<()> {
        events.clear();
        let timespec = rules::timeout(timeout).map(|(secs, nanos)| ffi::timespec {
            // At most i32::MAX (see `rules::timeout`), which every time_t holds.
            tv_sec: secs.try_into().unwrap_or(ffi::time_t::MAX),
            // Below 10^9, which a C long (32 bits at least) holds.
            tv_nsec: nanos as core::ffi::c_long,
        });
        let wait = timespec.as_ref().map_or(ptr::null(), ptr::from_ref);
        let (kq, buf, cap) =
            (self.kq.raw(), events.as_mut_ptr().cast::<ffi::kevent>(), events.capacity());
        let n = syscall::minus_one(
            &KEVENT,
            format_args!("{kq}, NULL, 0, {buf:p}, {cap}, {}", Timeout(timespec.as_ref())),
            || {
                // SAFETY: `buf` is the Vec's allocation of `cap` `Event`s,
                // each a `repr(transparent)` `struct kevent`, which the
                // kernel may overwrite (at most `count(cap)` ≤ `cap` of
                // them); the Vec is exclusively borrowed meanwhile. No
                // changes are passed. `wait` is null or points to
                // `timespec`, alive until the call returns.
                unsafe { ffi::kevent(kq, ptr::null(), count(0), buf, count(cap), wait) }
            },
        )?;
        // SAFETY: kevent initialised exactly `n` (0 ≤ n ≤ cap) entries at
        // the start of the buffer; a non-negative c_int fits a usize.
        unsafe { events.set_len(n as usize) };
        #[cfg(groundup_libkqueue)]
        libkqueue::repair(events);
        Ok(())
    }

    pub(crate) fn register(&self, fd: RawFd, token: Token, interests: Interest) -> io::Result<()> {
        #[cfg(groundup_libkqueue)]
        libkqueue::forget(fd);
        self.record().register(&mut Kq(self.kq.raw()), fd, token, interests)
    }

    pub(crate) fn reregister(
        &self,
        fd: RawFd,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        self.record().reregister(&mut Kq(self.kq.raw()), fd, token, interests)
    }

    pub(crate) fn deregister(&self, fd: RawFd) -> io::Result<()> {
        #[cfg(groundup_libkqueue)]
        libkqueue::forget(fd);
        self.record().deregister(&mut Kq(self.kq.raw()), fd)
    }

    /// Registers the exit of process `pid`: an `EVFILT_PROC` knote with
    /// `NOTE_EXIT`, keyed by the pid, which reports once (as readable) when
    /// the process exits. A second call changes the token.
    ///
    /// Process knotes live in a namespace of their own (a pid is not a
    /// descriptor number), so they are not in the record of descriptors:
    /// whoever registers a pid deregisters it (`crate::process` does, once).
    /// The kernel deletes the knote by itself after reporting the exit.
    ///
    /// # Errors
    ///
    /// `ESRCH` if there is no such process: on some systems (macOS) also a
    /// child that has exited and not been reaped yet. The caller then reaps
    /// it at once instead of waiting for an event.
    pub(crate) fn register_pid(&self, pid: ffi::pid_t, token: Token) -> io::Result<()> {
        let mut kev = proc_kevent(pid, token);
        kev.flags = ffi::EV_ADD | ffi::EV_CLEAR | ffi::EV_RECEIPT;
        kev.fflags = ffi::NOTE_EXIT;
        submit_one(self.kq.raw(), kev)
    }

    /// Removes the exit knote of `pid`. `ENOENT` (the kernel already
    /// removed it with the exit it reported) and `ESRCH` (the process is
    /// gone) mean there is nothing left to remove: success.
    pub(crate) fn deregister_pid(&self, pid: ffi::pid_t) -> io::Result<()> {
        let mut kev = proc_kevent(pid, Token(0));
        kev.flags = ffi::EV_DELETE | ffi::EV_RECEIPT;
        match submit_one(self.kq.raw(), kev) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) if e.raw_os_error() == Some(ffi::ESRCH) => Ok(()),
            other => other,
        }
    }

    /// The record, locked for one registration call. A panic while it was
    /// held (there is none to expect: its methods only update a map after
    /// a system call) leaves it as consistent as after any call, so the
    /// poison is cleared rather than passed on to every later caller.
    fn record(&self) -> MutexGuard<'_, Registrations> {
        self.registered.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The kqueue descriptor as a selector or waker holds it. On a kernel
/// kqueue each handle is a descriptor of its own, a `dup` (so a waker kept
/// after its `Poll` is dropped still wakes harmlessly instead of touching a
/// closed or reused number). libkqueue knows a queue by the one number
/// `kqueue()` returned and answers `ENOENT` for a `dup` of it, so there the
/// handles share that one descriptor, closed with the last of them.
#[cfg(not(groundup_libkqueue))]
type KqFd = Fd;
#[cfg(groundup_libkqueue)]
type KqFd = Arc<Fd>;

/// Another handle on the same kqueue (see [`KqFd`]).
#[cfg(not(groundup_libkqueue))]
fn clone_kq(kq: &KqFd) -> io::Result<KqFd> {
    kq.try_clone()
}
#[cfg(groundup_libkqueue)]
#[allow(clippy::unnecessary_wraps)] // the same signature as the dup above
fn clone_kq(kq: &KqFd) -> io::Result<KqFd> {
    Ok(Arc::clone(kq))
}

/// `nchanges` and `nevents`: an `int` on most systems, a `size_t` on NetBSD.
/// Clamped to `i32::MAX`, which both hold, so the conversion cannot fail
/// (a buffer that large would be returned in several polls anyway).
fn count<T: TryFrom<usize>>(n: usize) -> T {
    match T::try_from(n.min(i32::MAX as usize)) {
        Ok(n) => n,
        Err(_) => unreachable!("i32::MAX fits both int and size_t"),
    }
}

/// A `struct kevent` for `ident` carrying `token`, every other field zero.
fn new_kevent(ident: usize, token: Token) -> ffi::kevent {
    // SAFETY: every field of every system's `struct kevent` is an integer,
    // an array of integers or a raw pointer, for all of which all-zero
    // bytes are a valid value.
    let mut kev: ffi::kevent = unsafe { std::mem::zeroed() };
    kev.ident = ident;
    kev.udata = ptr::without_provenance_mut(token.0);
    kev
}

/// `change` for descriptor `fd`, as a `struct kevent`.
fn change_kevent(fd: RawFd, token: Token, change: Change) -> ffi::kevent {
    // A negative `fd` becomes an ident no descriptor has: EBADF.
    let mut kev = new_kevent(fd as usize, token);
    kev.filter = match change.filter {
        Filter::Read => ffi::EVFILT_READ,
        Filter::Write => ffi::EVFILT_WRITE,
    };
    kev.flags = ffi::EV_RECEIPT
        | match change.action {
            Action::Add => ffi::EV_ADD | ffi::EV_CLEAR,
            Action::Delete => ffi::EV_DELETE,
            // The registration restated, plus EV_ENABLE instead of EV_ADD:
            // whatever fields a kernel copies from it, nothing changes.
            Action::Probe => ffi::EV_ENABLE | ffi::EV_CLEAR,
        };
    kev
}

/// A change to the `EVFILT_PROC` knote of `pid`, flags still to be set.
fn proc_kevent(pid: ffi::pid_t, token: Token) -> ffi::kevent {
    // A pid is positive; a negative one becomes an ident no process has.
    let mut kev = new_kevent(pid as usize, token);
    kev.filter = ffi::EVFILT_PROC;
    kev
}

/// Submits one change and turns its receipt into the result.
fn submit_one(kq: RawFd, change: ffi::kevent) -> io::Result<()> {
    match apply(kq, &[change])?[0] {
        Ok(()) => Ok(()),
        Err(errno) => Err(io::Error::from_raw_os_error(errno)),
    }
}

/// The result one `EV_RECEIPT` entry reports.
fn receipt(kev: &ffi::kevent) -> Receipt {
    if kev.flags & ffi::EV_ERROR != 0 && kev.data != 0 {
        // An errno always fits; anything else becomes an unknown error.
        Err(i32::try_from(kev.data).unwrap_or(i32::MAX))
    } else {
        Ok(())
    }
}

/// Submits `changes`, each with `EV_RECEIPT`, and returns one receipt per
/// change. The one place the kqueue backend applies changes, so the one
/// place `EINTR` is handled for them.
fn apply(kq: RawFd, changes: &[ffi::kevent]) -> io::Result<[Receipt; MAX_CHANGES]> {
    debug_assert!(changes.len() <= MAX_CHANGES);
    // SAFETY: as in `new_kevent`: all-zero is a valid `struct kevent`, and
    // its flags (no EV_ERROR) read as a successful receipt.
    let mut out: [ffi::kevent; MAX_CHANGES] = unsafe { std::mem::zeroed() };
    let n = changes.len().min(MAX_CHANGES);
    let zero = ffi::timespec { tv_sec: 0, tv_nsec: 0 };
    let result = syscall::minus_one(
        &KEVENT,
        format_args!("{kq}, {}, {n}, _, {n}, {{0, 0}}", ChangeList(&changes[..n])),
        || {
            // SAFETY: `changes[..n]` is `n` initialised kevents that the
            // kernel only reads; `out` has room for `n` ≥ the receipts it
            // may write; `zero` outlives the call. With every change
            // carrying EV_RECEIPT the receipts fill `out` and the kernel
            // returns without collecting events, and the zero timeout means
            // it could not wait if it did.
            unsafe {
                ffi::kevent(
                    kq,
                    changes.as_ptr(),
                    count(n),
                    out.as_mut_ptr(),
                    count(n),
                    &raw const zero,
                )
            }
        },
    );
    match result {
        Ok(_) => {}
        // "When kevent() call fails with EINTR error, all changes in the
        // changelist have been applied" (FreeBSD kqueue(2)); receipts not
        // written stay zero and read as success.
        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
        Err(e) => return Err(e),
    }
    let mut receipts = [Ok(()); MAX_CHANGES];
    for (r, kev) in receipts.iter_mut().zip(&out[..n]) {
        *r = receipt(kev);
    }
    Ok(receipts)
}

/// The kernel side of `Registrations`: one kqueue descriptor.
struct Kq(RawFd);

impl Submit for Kq {
    fn submit(&mut self, fd: RawFd, token: Token, changes: &Changes) -> io::Result<Receipts> {
        // SAFETY: as in `new_kevent`.
        let mut list: [ffi::kevent; MAX_CHANGES] = unsafe { std::mem::zeroed() };
        let changes = changes.as_slice();
        for (kev, change) in list.iter_mut().zip(changes) {
            *kev = change_kevent(fd, token, *change);
        }
        apply(self.0, &list[..changes.len()])
    }
}

/// The changes of one `kevent` call, for trace lines.
struct ChangeList<'a>(&'a [ffi::kevent]);

impl fmt::Display for ChangeList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, kev) in self.0.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(
                f,
                "{sep}{{{}, {}, fflags={:#x}, udata={:#x}}}",
                kev.ident,
                Names(kev),
                kev.fflags,
                kev.udata.addr()
            )?;
        }
        f.write_str("]")
    }
}

/// The timeout argument of a wait, for trace lines.
struct Timeout<'a>(Option<&'a ffi::timespec>);

impl fmt::Display for Timeout<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("NULL"),
            Some(t) => write!(f, "{{{}, {}}}", t.tv_sec, t.tv_nsec),
        }
    }
}

/// Names a kevent's filter and set flags: `EVFILT_READ|EV_EOF`.
struct Names<'a>(&'a ffi::kevent);

impl fmt::Display for Names<'_> {
    // `kevent.flags` is a u16, but a u32 on NetBSD: `u32::from` is a no-op there.
    #[allow(clippy::useless_conversion)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kev = self.0;
        match event_filter(kev) {
            EventFilter::Read => f.write_str("EVFILT_READ")?,
            EventFilter::Write => f.write_str("EVFILT_WRITE")?,
            EventFilter::User => f.write_str("EVFILT_USER")?,
            EventFilter::Proc => f.write_str("EVFILT_PROC")?,
            EventFilter::Other => write!(f, "filter {}", kev.filter)?,
        }
        let names = [
            (u32::from(ffi::EV_ADD), "EV_ADD"),
            (u32::from(ffi::EV_DELETE), "EV_DELETE"),
            (u32::from(ffi::EV_ENABLE), "EV_ENABLE"),
            (u32::from(ffi::EV_CLEAR), "EV_CLEAR"),
            (u32::from(ffi::EV_RECEIPT), "EV_RECEIPT"),
            (u32::from(ffi::EV_ERROR), "EV_ERROR"),
            (u32::from(ffi::EV_EOF), "EV_EOF"),
        ];
        for name in syscall::flag_names(u32::from(kev.flags), &names) {
            write!(f, "|{name}")?;
        }
        Ok(())
    }
}

/// Which filter a kevent is for.
fn event_filter(kev: &ffi::kevent) -> EventFilter {
    if kev.filter == ffi::EVFILT_READ {
        EventFilter::Read
    } else if kev.filter == ffi::EVFILT_WRITE {
        EventFilter::Write
    } else if kev.filter == ffi::EVFILT_PROC {
        EventFilter::Proc
    } else if is_user(kev) {
        EventFilter::User
    } else {
        EventFilter::Other
    }
}

#[cfg(groundup_waker = "evfilt_user")]
fn is_user(kev: &ffi::kevent) -> bool {
    kev.filter == ffi::EVFILT_USER
}

#[cfg(not(groundup_waker = "evfilt_user"))]
fn is_user(_: &ffi::kevent) -> bool {
    false
}

/// One event, exactly as the kernel wrote it.
///
/// A newtype rather than `ffi::kevent` itself only to be `Send` and `Sync`,
/// which the raw `udata` pointer prevents by default.
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Event(ffi::kevent);

// SAFETY: `udata` is a token stored as an address; nothing ever dereferences
// it, so sharing or sending an event shares or sends integers only.
unsafe impl Send for Event {}
// SAFETY: as for `Send`; an `&Event` only reads those integers.
unsafe impl Sync for Event {}

/// The buffer `kevent` fills.
pub(crate) type Events = Vec<Event>;

/// Reading an [`Event`]: which source, and what happened.
pub(crate) mod event {
    use super::{Event, Names, Readiness, event_filter, ffi, rules};
    use crate::poll::Token;

    pub(crate) fn token(event: &Event) -> Token {
        Token(event.0.udata.addr())
    }

    fn readiness(event: &Event) -> Readiness {
        let kev = &event.0;
        let eof = kev.flags & ffi::EV_EOF != 0;
        let error = kev.flags & ffi::EV_ERROR != 0;
        rules::readiness(event_filter(kev), eof, error, kev.fflags)
    }

    pub(crate) fn is_readable(event: &Event) -> bool {
        readiness(event).is_readable()
    }

    pub(crate) fn is_writable(event: &Event) -> bool {
        readiness(event).is_writable()
    }

    pub(crate) fn is_error(event: &Event) -> bool {
        readiness(event).is_error()
    }

    pub(crate) fn is_read_closed(event: &Event) -> bool {
        readiness(event).is_read_closed()
    }

    pub(crate) fn is_write_closed(event: &Event) -> bool {
        readiness(event).is_write_closed()
    }

    /// kqueue has no priority filter.
    pub(crate) fn is_priority(_: &Event) -> bool {
        false
    }

    pub(crate) fn debug_flags(event: &Event) -> impl std::fmt::Display {
        Names(&event.0)
    }
}

/// Wakes a blocked `kevent` from any thread by triggering an `EVFILT_USER`
/// knote.
#[cfg(groundup_waker = "evfilt_user")]
#[derive(Debug)]
pub(crate) struct Waker {
    /// Its own handle on the poll's kqueue (see [`KqFd`]), so a waker kept
    /// after its `Poll` is dropped still wakes harmlessly instead of
    /// touching a closed or reused descriptor number.
    kq: KqFd,
    token: Token,
    /// Its user knote's ident, unique in the process: two wakers on one
    /// kqueue are two knotes, each reporting its own token. (With a shared
    /// ident, a second `EV_ADD` would only change the first's token.)
    ident: usize,
}

/// The next user knote's ident. `EVFILT_USER` idents are a namespace of
/// their own, apart from descriptor numbers; one counter for the process
/// keeps them unique in every kqueue.
#[cfg(groundup_waker = "evfilt_user")]
static NEXT_USER_IDENT: AtomicUsize = AtomicUsize::new(0);

#[cfg(groundup_waker = "evfilt_user")]
impl Waker {
    pub(crate) fn new(selector: &Selector, token: Token) -> io::Result<Waker> {
        // Relaxed: the counter only has to hand out distinct numbers.
        let ident = NEXT_USER_IDENT.fetch_add(1, Ordering::Relaxed);
        let waker = Waker { kq: clone_kq(&selector.kq)?, token, ident };
        // EV_CLEAR: once reported, the trigger is reset, so it is reported
        // once per batch of wakes.
        let mut add = waker.user_kevent();
        add.flags = ffi::EV_ADD | ffi::EV_CLEAR | ffi::EV_RECEIPT;
        waker.submit(add)?;
        Ok(waker)
    }

    /// Triggers the user knote: one `kevent` call; triggers before the next
    /// poll merge into one event.
    pub(crate) fn wake(&self) -> io::Result<()> {
        // No action flag (the knote exists); NOTE_TRIGGER in fflags.
        let mut trigger = self.user_kevent();
        trigger.flags = ffi::EV_RECEIPT;
        trigger.fflags = ffi::NOTE_TRIGGER;
        self.submit(trigger)
    }

    /// A change to the waker's user knote, flags still to be set.
    fn user_kevent(&self) -> ffi::kevent {
        let mut kev = new_kevent(self.ident, self.token);
        kev.filter = ffi::EVFILT_USER;
        kev
    }

    /// Submits one change and checks its receipt.
    fn submit(&self, change: ffi::kevent) -> io::Result<()> {
        match apply(self.kq.raw(), &[change])?[0] {
            Ok(()) => Ok(()),
            Err(errno) => Err(io::Error::from_raw_os_error(errno)),
        }
    }
}

/// Deletes the user knote: unlike a descriptor's knotes, it is not removed
/// by closing anything.
#[cfg(groundup_waker = "evfilt_user")]
impl Drop for Waker {
    fn drop(&mut self) {
        let mut delete = self.user_kevent();
        delete.flags = ffi::EV_DELETE | ffi::EV_RECEIPT;
        // A failure leaves a knote nothing triggers; nobody to report to.
        let _ = self.submit(delete);
    }
}

#[cfg(groundup_waker = "pipe")]
pub(crate) use super::pipe_waker::Waker;

/// Per-`IoSource` state: none (see [`IoSourceState`](super::unix::IoSourceState)),
/// but on libkqueue, where closing a descriptor leaves its knotes, the queue
/// to deregister from when the source is dropped.
#[cfg(not(groundup_libkqueue))]
pub(crate) use super::unix::IoSourceState;
#[cfg(groundup_libkqueue)]
pub(crate) use libkqueue::IoSourceState;
