//! The kqueue backend's decisions, kept apart from its system calls.
//!
//! Everything here is plain Rust over plain values: no `struct kevent`, no
//! system call. `src/sys/mod.rs` compiles it into the unit tests of every
//! Unix build, so `cargo test` on Linux checks the rules that only run on
//! macOS and the BSDs. `kqueue.rs` translates these values to and from
//! `struct kevent` (one line per field) and makes the calls; that thin part
//! runs in the GitHub workflow on macOS and FreeBSD, and on Linux through
//! libkqueue (`GROUNDUP_BACKEND=kqueue`, see `kqueue.rs`).
//!
//! Three kinds of decision live here:
//!
//! 1. **Which changes a call submits.** kqueue registers a descriptor as up
//!    to two knotes, `(fd, EVFILT_READ)` and `(fd, EVFILT_WRITE)`, so
//!    register, reregister and deregister each become a short list of
//!    [`Change`]s: add (edge-triggered), delete, or *probe*.
//! 2. **What the kernel's receipts mean.** Every change is submitted with
//!    `EV_RECEIPT`, so each comes back with its own errno. kqueue accepts a
//!    second `EV_ADD` silently and cannot say what is registered, while the
//!    `Poll` contract wants `AlreadyExists` and `NotFound` exactly as epoll
//!    gives them. [`Registrations`] therefore remembers what this queue has
//!    registered, and turns receipts into the caller's result, the new
//!    record, and the undoing of half-done work.
//! 3. **What an event says** ([`readiness`]), and how a timeout becomes a
//!    `timespec` ([`timeout`]).
//!
//! ## Why a record needs probing
//!
//! Closing a descriptor removes its knotes from every kqueue without a word
//! to user space ("Calling close() on a file descriptor will remove any
//! kevents that reference the descriptor", kqueue(2); libkqueue is the
//! exception, see `libkqueue.rs`), and `IoSource`'s
//! documentation allows dropping a registered source. The record can
//! therefore outlive the registration, and the descriptor number can come
//! back as a different socket. So a record is trusted only to say "not
//! registered" (nothing but this queue adds knotes to it); when it says
//! "registered", the kernel is asked with a *probe*: an `EV_ENABLE` that
//! restates the registration, which changes nothing on a knote that exists
//! and fails with `ENOENT` on one that does not. Register pays for the probe
//! only in that rare case (a second call); reregister puts it first in its
//! own change list, so it costs nothing extra.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use crate::poll::{Interest, Token};

/// The kqueue filters a descriptor is registered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Filter {
    /// `EVFILT_READ`.
    Read,
    /// `EVFILT_WRITE`.
    Write,
}

/// What one change asks of one `(descriptor, filter)` knote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// `EV_ADD | EV_CLEAR`: create the knote edge-triggered, or give an
    /// existing one the change's token.
    Add,
    /// `EV_DELETE`: remove the knote and the event it may have queued.
    Delete,
    /// `EV_ENABLE`, restating the registration: no effect on a knote that
    /// exists, `ENOENT` for one that does not. Asks whether a remembered
    /// registration is still there (see the module docs).
    Probe,
}

/// One entry of a change list. Every change of a list is for the same
/// descriptor and carries the same token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) filter: Filter,
    pub(crate) action: Action,
}

/// The longest change list: a probe, then one change per filter.
pub(crate) const MAX_CHANGES: usize = 3;

/// A change list, kept inline (registration allocates nothing).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Changes {
    list: [Change; MAX_CHANGES],
    len: usize,
}

impl Changes {
    fn new() -> Changes {
        let filler = Change { filter: Filter::Read, action: Action::Probe };
        Changes { list: [filler; MAX_CHANGES], len: 0 }
    }

    fn push(&mut self, filter: Filter, action: Action) {
        self.list[self.len] = Change { filter, action };
        self.len += 1;
    }

    pub(crate) fn as_slice(&self) -> &[Change] {
        &self.list[..self.len]
    }
}

impl fmt::Debug for Changes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

/// The filters `interests` needs, read first. (Priority has no kqueue
/// filter: `Interest::PRIORITY` does not exist on this backend.)
fn filters(interests: Interest) -> impl Iterator<Item = Filter> {
    let read = interests.is_readable().then_some(Filter::Read);
    let write = interests.is_writable().then_some(Filter::Write);
    read.into_iter().chain(write)
}

/// The interest a filter stands for.
fn interest_of(filter: Filter) -> Interest {
    match filter {
        Filter::Read => Interest::READABLE,
        Filter::Write => Interest::WRITABLE,
    }
}

/// Registering: add one knote per filter.
pub(crate) fn register_changes(interests: Interest) -> Changes {
    let mut changes = Changes::new();
    filters(interests).for_each(|f| changes.push(f, Action::Add));
    changes
}

/// Reregistering from `old` to `new`: probe one filter of `old` (is the
/// record still true?), add every filter of `new` (re-adding one that
/// exists gives it the new token, and reports readiness it already has
/// again), and delete the filters of `old` that `new` drops.
pub(crate) fn reregister_changes(old: Interest, new: Interest) -> Changes {
    let mut changes = Changes::new();
    if let Some(first) = filters(old).next() {
        changes.push(first, Action::Probe);
    }
    filters(new).for_each(|f| changes.push(f, Action::Add));
    filters(old).filter(|f| !filters(new).any(|n| n == *f)).for_each(|f| {
        changes.push(f, Action::Delete);
    });
    changes
}

/// Deregistering: delete every filter of `old`.
pub(crate) fn deregister_changes(old: Interest) -> Changes {
    let mut changes = Changes::new();
    filters(old).for_each(|f| changes.push(f, Action::Delete));
    changes
}

/// Asking whether a record of `old` is still true: probe one of its filters.
/// One is enough: closing a descriptor removes all its knotes at once.
fn probe_changes(old: Interest) -> Changes {
    let mut changes = Changes::new();
    if let Some(first) = filters(old).next() {
        changes.push(first, Action::Probe);
    }
    changes
}

// ---------------------------------------------------------------------------
// Receipts
// ---------------------------------------------------------------------------

/// The kernel's answer to one change: success, or the errno of its
/// `EV_ERROR` receipt.
pub(crate) type Receipt = Result<(), i32>;

/// One receipt per change, in the order of the changes (the kernel applies
/// a change list in order and writes one receipt for each).
pub(crate) type Receipts = [Receipt; MAX_CHANGES];

/// Submits a change list for one descriptor to the kernel: every change
/// carries `token` as its user data. Returns the receipts, or the error of
/// the call as a whole (in which case no change was applied).
pub(crate) trait Submit {
    fn submit(&mut self, fd: RawFd, token: Token, changes: &Changes) -> io::Result<Receipts>;
}

fn is_not_found(errno: i32) -> bool {
    io::Error::from_raw_os_error(errno).kind() == io::ErrorKind::NotFound
}

/// Whether an `EV_ADD` succeeded. `EPIPE` counts as success: older macOS
/// (10.10 and 10.11 were seen doing it) fails the registration of a pipe
/// whose other end is closed with `EPIPE`, yet adds the knote and reports
/// it readable; mio ignores it for the same reason (tokio-rs/mio#582).
fn added(receipt: Receipt) -> bool {
    match receipt {
        Ok(()) => true,
        Err(errno) => io::Error::from_raw_os_error(errno).kind() == io::ErrorKind::BrokenPipe,
    }
}

/// Whether an `EV_DELETE` left the knote gone: it was deleted, or there was
/// none (`ENOENT`).
fn deleted(receipt: Receipt) -> bool {
    receipt.is_ok() || receipt.is_err_and(is_not_found)
}

fn already_exists() -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        "this descriptor is already registered with this Poll; use reregister to change it",
    )
}

fn not_found() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "this descriptor is not registered with this Poll")
}

// ---------------------------------------------------------------------------
// The record of what is registered
// ---------------------------------------------------------------------------

/// What one descriptor is registered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Registered {
    pub(crate) token: Token,
    pub(crate) interests: Interest,
}

/// What a kqueue has registered, by descriptor: the half of epoll's
/// interest list that kqueue keeps to itself. Shared by every handle on
/// the queue (`Registry::try_clone`), behind a lock held across each
/// submission so the record and the kernel change together.
#[derive(Debug, Default)]
pub(crate) struct Registrations {
    by_fd: HashMap<RawFd, Registered>,
}

impl Registrations {
    /// Registers `fd`: `AlreadyExists` if it is, else one knote per filter,
    /// all or nothing.
    pub(crate) fn register(
        &mut self,
        kernel: &mut impl Submit,
        fd: RawFd,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        if let Some(old) = self.by_fd.get(&fd).copied() {
            let probe = probe_changes(old.interests);
            let receipts = kernel.submit(fd, old.token, &probe)?;
            if receipts[0].is_ok() {
                return Err(already_exists());
            }
            // The descriptor was closed since (and the number reused).
            self.by_fd.remove(&fd);
        }
        let changes = register_changes(interests);
        let receipts = kernel.submit(fd, token, &changes)?;
        let refused = |r: &Receipt| r.err().filter(|_| !added(*r));
        match receipts[..changes.as_slice().len()].iter().find_map(refused) {
            None => {
                self.by_fd.insert(fd, Registered { token, interests });
                Ok(())
            }
            Some(errno) => {
                undo_adds(kernel, fd, token, &changes, &receipts);
                Err(io::Error::from_raw_os_error(errno))
            }
        }
    }

    /// Changes `fd`'s token and interests: `NotFound` if it is not
    /// registered (by the record, or by the probe when the record is stale).
    pub(crate) fn reregister(
        &mut self,
        kernel: &mut impl Submit,
        fd: RawFd,
        token: Token,
        interests: Interest,
    ) -> io::Result<()> {
        let Some(old) = self.by_fd.get(&fd).copied() else {
            return Err(not_found());
        };
        let changes = reregister_changes(old.interests, interests);
        let receipts = kernel.submit(fd, token, &changes)?;
        if let Err(errno) = receipts[0] {
            // The probe failed: whatever `fd` is now, it is not registered.
            // The adds that followed may have registered it; take them back.
            self.by_fd.remove(&fd);
            undo_adds(kernel, fd, token, &changes, &receipts);
            return Err(if is_not_found(errno) {
                not_found()
            } else {
                io::Error::from_raw_os_error(errno) // EBADF: a closed descriptor
            });
        }
        let (now, failed) = reregistered(old.interests, &changes, &receipts);
        match now {
            Some(interests) => self.by_fd.insert(fd, Registered { token, interests }),
            None => self.by_fd.remove(&fd),
        };
        failed.map_or(Ok(()), |errno| Err(io::Error::from_raw_os_error(errno)))
    }

    /// Removes `fd`: `NotFound` if it is not registered (by the record, or
    /// because every knote had already gone with a close).
    pub(crate) fn deregister(&mut self, kernel: &mut impl Submit, fd: RawFd) -> io::Result<()> {
        let Some(old) = self.by_fd.get(&fd).copied() else {
            return Err(not_found());
        };
        let changes = deregister_changes(old.interests);
        // A failed call applied nothing: the record stays as it was.
        let receipts = kernel.submit(fd, old.token, &changes)?;
        self.by_fd.remove(&fd);
        let receipts = &receipts[..changes.as_slice().len()];
        if receipts.iter().all(|r| r.is_err_and(is_not_found)) {
            return Err(not_found());
        }
        match receipts.iter().find(|r| !deleted(**r)) {
            // EBADF for a closed descriptor, as epoll says.
            Some(Err(errno)) => Err(io::Error::from_raw_os_error(*errno)),
            _ => Ok(()),
        }
    }

    /// What is recorded for `fd`.
    #[cfg(test)]
    fn get(&self, fd: RawFd) -> Option<Registered> {
        self.by_fd.get(&fd).copied()
    }
}

/// After a reregister whose probe succeeded: the interests registered now
/// (`None` if no filter is left) and the first errno to report.
fn reregistered(
    old: Interest,
    changes: &Changes,
    receipts: &Receipts,
) -> (Option<Interest>, Option<i32>) {
    let mut now = Some(old);
    let mut failed = None;
    for (change, receipt) in changes.as_slice().iter().zip(receipts) {
        let interest = interest_of(change.filter);
        match change.action {
            Action::Probe => {}
            Action::Add if added(*receipt) => now = Some(now.map_or(interest, |n| n | interest)),
            Action::Delete if deleted(*receipt) => now = now.and_then(|n| n.remove(interest)),
            Action::Add | Action::Delete => failed = failed.or(receipt.err()),
        }
    }
    (now, failed)
}

/// Deletes the knotes that the adds of a failed operation created, so a
/// failed register leaves nothing behind. Best effort: if this fails too,
/// the knotes stay, unrecorded, until the descriptor is closed; they can
/// only produce spurious events, which the contract allows.
fn undo_adds(
    kernel: &mut impl Submit,
    fd: RawFd,
    token: Token,
    changes: &Changes,
    receipts: &Receipts,
) {
    let mut undo = Changes::new();
    for (change, receipt) in changes.as_slice().iter().zip(receipts) {
        if change.action == Action::Add && added(*receipt) {
            undo.push(change.filter, Action::Delete);
        }
    }
    if !undo.as_slice().is_empty() {
        let _ = kernel.submit(fd, token, &undo);
    }
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

/// Which filter an event comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventFilter {
    Read,
    Write,
    /// `EVFILT_USER`: the waker.
    User,
    /// `EVFILT_PROC`: a child process exited (`NOTE_EXIT`).
    Proc,
    /// Anything else (groundup registers nothing else).
    Other,
}

/// What an event says, one bit per question `Event` answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Readiness(u8);

impl Readiness {
    const READABLE: u8 = 1 << 0;
    const WRITABLE: u8 = 1 << 1;
    const ERROR: u8 = 1 << 2;
    const READ_CLOSED: u8 = 1 << 3;
    const WRITE_CLOSED: u8 = 1 << 4;

    pub(crate) fn is_readable(self) -> bool {
        self.0 & Readiness::READABLE != 0
    }
    pub(crate) fn is_writable(self) -> bool {
        self.0 & Readiness::WRITABLE != 0
    }
    pub(crate) fn is_error(self) -> bool {
        self.0 & Readiness::ERROR != 0
    }
    pub(crate) fn is_read_closed(self) -> bool {
        self.0 & Readiness::READ_CLOSED != 0
    }
    pub(crate) fn is_write_closed(self) -> bool {
        self.0 & Readiness::WRITE_CLOSED != 0
    }
}

/// Reads an event: its filter, its `EV_EOF` and `EV_ERROR` flags, and its
/// `fflags`.
///
/// - The read filter (and the user filter, which is the waker: wakers
///   report readable on every backend, and the process filter, whose exit
///   reads as readable as a Linux pidfd does) means readable; the write
///   filter means writable. One event never says both: a source ready both ways
///   comes back as two events with the same token.
/// - `EV_EOF` on the read filter means the peer shut down writing
///   (read-closed); on the write filter, that nobody reads any more
///   (write-closed). kqueue(2): "EV_EOF Filters may set this flag to
///   indicate filter-specific EOF condition."
/// - Error: `EV_ERROR`, or `EV_EOF` with a non-zero `fflags` on the read
///   or write filter, which is where they put the socket's pending error
///   ("If the read direction of the socket has shutdown, then the filter
///   also sets EV_EOF in flags, and returns the socket error (if any) in
///   fflags", kqueue(2) on `EVFILT_READ`). A refused connect reports the
///   write filter with `EV_EOF` and `fflags = ECONNREFUSED`: writable,
///   write-closed and error at once.
pub(crate) fn readiness(filter: EventFilter, eof: bool, error: bool, fflags: u32) -> Readiness {
    let mut bits = match filter {
        EventFilter::Read | EventFilter::User | EventFilter::Proc => Readiness::READABLE,
        EventFilter::Write => Readiness::WRITABLE,
        EventFilter::Other => 0,
    };
    // Only the descriptor filters put a socket error in fflags; a process
    // knote's fflags say which event it was (NOTE_EXIT).
    let socket_error =
        eof && fflags != 0 && matches!(filter, EventFilter::Read | EventFilter::Write);
    if error || socket_error {
        bits |= Readiness::ERROR;
    }
    if eof {
        bits |= match filter {
            EventFilter::Read => Readiness::READ_CLOSED,
            EventFilter::Write => Readiness::WRITE_CLOSED,
            // A process knote reports its exit with EV_EOF set (it is
            // deleted then): an exit is not a closed half.
            EventFilter::User | EventFilter::Proc | EventFilter::Other => 0,
        };
    }
    Readiness(bits)
}

/// The longest wait given to one `kevent` call, in seconds: `i32::MAX`
/// (68 years) fits every `time_t`, including 32-bit ones; `Poll::poll`
/// loops until a longer deadline.
const MAX_WAIT_SECS: u64 = i32::MAX as u64;

/// A poll timeout as the `(tv_sec, tv_nsec)` of kevent's `struct timespec`,
/// or `None` for "wait forever" (a null pointer).
///
/// `timespec` counts nanoseconds, as `Duration` does, so nothing is lost
/// and nothing needs rounding: a wait of 100 µs asks for exactly 100 µs,
/// and the kernel sleeps at least that long (FreeBSD and macOS schedule the
/// wake-up at or after the deadline; NetBSD rounds up to whole clock ticks).
pub(crate) fn timeout(timeout: Option<Duration>) -> Option<(u64, u32)> {
    timeout.map(|t| {
        if t.as_secs() > MAX_WAIT_SECS {
            (MAX_WAIT_SECS, 0)
        } else {
            (t.as_secs(), t.subsec_nanos())
        }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    // The historic Unix numbers, the same on Linux and on every BSD.
    const ENOENT: i32 = 2;
    const EBADF: i32 = 9;
    const ENOMEM: i32 = 12;
    const EPIPE: i32 = 32;

    const R: Interest = Interest::READABLE;
    const W: Interest = Interest::WRITABLE;

    fn list(changes: &Changes) -> Vec<(Filter, Action)> {
        changes.as_slice().iter().map(|c| (c.filter, c.action)).collect()
    }

    // --- Change lists ------------------------------------------------------

    #[test]
    fn register_adds_one_knote_per_filter_read_first() {
        assert_eq!(list(&register_changes(R)), [(Filter::Read, Action::Add)]);
        assert_eq!(list(&register_changes(W)), [(Filter::Write, Action::Add)]);
        assert_eq!(
            list(&register_changes(R | W)),
            [(Filter::Read, Action::Add), (Filter::Write, Action::Add)]
        );
    }

    #[test]
    fn reregister_probes_then_adds_the_new_and_deletes_the_dropped() {
        assert_eq!(
            list(&reregister_changes(R, W)),
            [
                (Filter::Read, Action::Probe),
                (Filter::Write, Action::Add),
                (Filter::Read, Action::Delete)
            ]
        );
        assert_eq!(
            list(&reregister_changes(R | W, R)),
            [
                (Filter::Read, Action::Probe),
                (Filter::Read, Action::Add),
                (Filter::Write, Action::Delete)
            ]
        );
        assert_eq!(
            list(&reregister_changes(W, R | W)),
            [
                (Filter::Write, Action::Probe),
                (Filter::Read, Action::Add),
                (Filter::Write, Action::Add)
            ]
        );
    }

    #[test]
    fn deregister_deletes_every_filter() {
        assert_eq!(
            list(&deregister_changes(R | W)),
            [(Filter::Read, Action::Delete), (Filter::Write, Action::Delete)]
        );
    }

    // --- A model kernel ------------------------------------------------------

    /// kqueue as its man page describes it, for one queue: knotes keyed by
    /// (descriptor, filter), `EV_ADD` idempotent, `ENOENT` for a missing
    /// knote, `EBADF` for a closed descriptor, and close removing knotes.
    #[derive(Default)]
    struct Kqueue {
        knotes: HashMap<(RawFd, Filter), Token>,
        closed: HashSet<RawFd>,
        /// An `EV_ADD` of this knote fails with this errno.
        failing_add: Option<((RawFd, Filter), i32)>,
        /// Change lists submitted, for the assertions.
        calls: Vec<Vec<(Filter, Action)>>,
    }

    impl Kqueue {
        fn close(&mut self, fd: RawFd) {
            self.knotes.retain(|(f, _), _| *f != fd);
            self.closed.insert(fd);
        }

        /// The number comes back as a new, unregistered descriptor.
        fn reopen(&mut self, fd: RawFd) {
            self.closed.remove(&fd);
        }

        fn filters(&self, fd: RawFd) -> Vec<Filter> {
            let mut f: Vec<_> = self.knotes.keys().filter(|k| k.0 == fd).map(|k| k.1).collect();
            f.sort_by_key(|f| *f == Filter::Write);
            f
        }
    }

    impl Submit for Kqueue {
        fn submit(&mut self, fd: RawFd, token: Token, changes: &Changes) -> io::Result<Receipts> {
            self.calls.push(list(changes));
            let mut receipts = [Ok(()); MAX_CHANGES];
            for (change, receipt) in changes.as_slice().iter().zip(&mut receipts) {
                let key = (fd, change.filter);
                *receipt = if self.closed.contains(&fd) {
                    Err(EBADF)
                } else {
                    match change.action {
                        Action::Add => match self.failing_add {
                            Some((k, errno)) if k == key && errno != EPIPE => Err(errno),
                            Some((k, errno)) if k == key => {
                                self.knotes.insert(key, token);
                                Err(errno)
                            }
                            _ => {
                                self.knotes.insert(key, token);
                                Ok(())
                            }
                        },
                        Action::Delete => self.knotes.remove(&key).map(drop).ok_or(ENOENT),
                        Action::Probe => self.knotes.get(&key).map(drop).ok_or(ENOENT),
                    }
                };
            }
            Ok(receipts)
        }
    }

    fn kind(result: io::Result<()>) -> Option<io::ErrorKind> {
        result.err().map(|e| e.kind())
    }

    // --- Uniform errors ------------------------------------------------------

    #[test]
    fn registering_twice_is_already_exists_and_changes_nothing() {
        let (mut kq, mut reg) = (Kqueue::default(), Registrations::default());
        reg.register(&mut kq, 5, Token(1), R).unwrap();
        let err = reg.register(&mut kq, 5, Token(2), W);
        assert_eq!(kind(err), Some(io::ErrorKind::AlreadyExists));
        assert_eq!(kq.filters(5), [Filter::Read]);
        assert_eq!(kq.knotes[&(5, Filter::Read)], Token(1));
        assert_eq!(reg.get(5), Some(Registered { token: Token(1), interests: R }));
        // The second register asked the kernel with a probe, nothing else.
        assert_eq!(kq.calls.last().unwrap(), &[(Filter::Read, Action::Probe)]);
    }

    #[test]
    fn unknown_descriptors_are_not_found_without_a_system_call() {
        let (mut kq, mut reg) = (Kqueue::default(), Registrations::default());
        assert_eq!(kind(reg.reregister(&mut kq, 5, Token(1), R)), Some(io::ErrorKind::NotFound));
        assert_eq!(kind(reg.deregister(&mut kq, 5)), Some(io::ErrorKind::NotFound));
        assert!(kq.calls.is_empty());
    }

    #[test]
    fn deregister_removes_every_knote_and_the_record() {
        let (mut kq, mut reg) = (Kqueue::default(), Registrations::default());
        reg.register(&mut kq, 5, Token(1), R | W).unwrap();
        reg.deregister(&mut kq, 5).unwrap();
        assert!(kq.filters(5).is_empty());
        assert_eq!(reg.get(5), None);
        assert_eq!(kind(reg.deregister(&mut kq, 5)), Some(io::ErrorKind::NotFound));
    }

    #[test]
    fn reregister_switches_filters_and_token_in_one_call() {
        let (mut kq, mut reg) = (Kqueue::default(), Registrations::default());
        reg.register(&mut kq, 5, Token(1), R).unwrap();
        let calls = kq.calls.len();
        reg.reregister(&mut kq, 5, Token(2), W).unwrap();
        assert_eq!(kq.calls.len(), calls + 1);
        assert_eq!(kq.filters(5), [Filter::Write]);
        assert_eq!(kq.knotes[&(5, Filter::Write)], Token(2));
        assert_eq!(reg.get(5), Some(Registered { token: Token(2), interests: W }));

        reg.reregister(&mut kq, 5, Token(3), R | W).unwrap();
        assert_eq!(kq.filters(5), [Filter::Read, Filter::Write]);
        assert!(kq.knotes.values().all(|t| *t == Token(3)));
    }

    // --- Descriptors closed while registered ---------------------------------

    #[test]
    fn a_closed_and_reused_number_registers_afresh() {
        let (mut kq, mut reg) = (Kqueue::default(), Registrations::default());
        reg.register(&mut kq, 5, Token(1), R).unwrap();
        kq.close(5); // dropped without deregistering, as IoSource allows
        kq.reopen(5); // a new socket gets the same number
        reg.register(&mut kq, 5, Token(2), W).unwrap();
        assert_eq!(kq.filters(5), [Filter::Write]);
        assert_eq!(reg.get(5), Some(Registered { token: Token(2), interests: W }));
    }

    #[test]
    fn reregistering_a_reused_number_is_not_found_and_leaves_nothing() {
        let (mut kq, mut reg) = (Kqueue::default(), Registrations::default());
        reg.register(&mut kq, 5, Token(1), R).unwrap();
        kq.close(5);
        kq.reopen(5);
        let err = reg.reregister(&mut kq, 5, Token(2), R | W);
        assert_eq!(kind(err), Some(io::ErrorKind::NotFound));
        // The adds in the same list did register the new descriptor; undone.
        assert!(kq.filters(5).is_empty(), "{:?}", kq.knotes);
        assert_eq!(reg.get(5), None);
    }

    #[test]
    fn reregistering_a_closed_descriptor_reports_the_kernel_error() {
        let (mut kq, mut reg) = (Kqueue::default(), Registrations::default());
        reg.register(&mut kq, 5, Token(1), R).unwrap();
        kq.close(5);
        let err = reg.reregister(&mut kq, 5, Token(2), R).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(EBADF));
        assert_eq!(reg.get(5), None);
    }

    #[test]
    fn deregistering_a_reused_number_is_not_found() {
        let (mut kq, mut reg) = (Kqueue::default(), Registrations::default());
        reg.register(&mut kq, 5, Token(1), R | W).unwrap();
        kq.close(5);
        kq.reopen(5);
        assert_eq!(kind(reg.deregister(&mut kq, 5)), Some(io::ErrorKind::NotFound));
        assert_eq!(reg.get(5), None);
    }

    #[test]
    fn deregistering_a_closed_descriptor_is_ebadf_as_on_epoll() {
        let (mut kq, mut reg) = (Kqueue::default(), Registrations::default());
        reg.register(&mut kq, 5, Token(1), R).unwrap();
        kq.close(5);
        assert_eq!(reg.deregister(&mut kq, 5).unwrap_err().raw_os_error(), Some(EBADF));
        assert_eq!(reg.get(5), None);
    }

    #[test]
    fn registering_a_closed_descriptor_fails_and_records_nothing() {
        let (mut kq, mut reg) = (Kqueue::default(), Registrations::default());
        kq.close(5);
        assert_eq!(reg.register(&mut kq, 5, Token(1), R).unwrap_err().raw_os_error(), Some(EBADF));
        assert_eq!(reg.get(5), None);
    }

    // --- Partial failures ------------------------------------------------------

    #[test]
    fn a_register_half_refused_is_undone() {
        let mut kq =
            Kqueue { failing_add: Some(((5, Filter::Write), ENOMEM)), ..Kqueue::default() };
        let mut reg = Registrations::default();
        let err = reg.register(&mut kq, 5, Token(1), R | W).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(ENOMEM));
        assert!(kq.filters(5).is_empty(), "the read knote was left behind");
        assert_eq!(reg.get(5), None);
    }

    #[test]
    fn epipe_on_registration_counts_as_registered() {
        // Older macOS: registering a pipe whose peer closed says EPIPE but
        // adds the knote (tokio-rs/mio#582).
        let mut kq = Kqueue { failing_add: Some(((5, Filter::Read), EPIPE)), ..Kqueue::default() };
        let mut reg = Registrations::default();
        reg.register(&mut kq, 5, Token(1), R).unwrap();
        assert_eq!(reg.get(5), Some(Registered { token: Token(1), interests: R }));
        assert_eq!(kq.filters(5), [Filter::Read]);
    }

    #[test]
    fn a_reregister_half_refused_records_what_the_kernel_has() {
        let mut kq = Kqueue::default();
        let mut reg = Registrations::default();
        reg.register(&mut kq, 5, Token(1), R).unwrap();
        kq.failing_add = Some(((5, Filter::Write), ENOMEM));
        let err = reg.reregister(&mut kq, 5, Token(2), W).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(ENOMEM));
        // The write add failed and the read delete succeeded: nothing left.
        assert!(kq.filters(5).is_empty());
        assert_eq!(reg.get(5), None);
        assert_eq!(kind(reg.deregister(&mut kq, 5)), Some(io::ErrorKind::NotFound));
    }

    #[test]
    fn a_failed_call_changes_no_record() {
        struct Broken;
        impl Submit for Broken {
            fn submit(&mut self, _: RawFd, _: Token, _: &Changes) -> io::Result<Receipts> {
                Err(io::Error::from_raw_os_error(EBADF)) // the kqueue itself is bad
            }
        }
        let (mut kq, mut reg) = (Kqueue::default(), Registrations::default());
        reg.register(&mut kq, 5, Token(1), R).unwrap();
        assert!(reg.deregister(&mut Broken, 5).is_err());
        assert!(reg.reregister(&mut Broken, 5, Token(2), W).is_err());
        assert!(reg.register(&mut Broken, 6, Token(3), W).is_err());
        assert_eq!(reg.get(5), Some(Registered { token: Token(1), interests: R }));
        assert_eq!(reg.get(6), None);
    }

    // --- Events and timeouts ---------------------------------------------------

    #[test]
    fn filters_map_to_readable_and_writable() {
        let read = readiness(EventFilter::Read, false, false, 0);
        assert!(read.is_readable() && !read.is_writable() && !read.is_error());
        let write = readiness(EventFilter::Write, false, false, 0);
        assert!(write.is_writable() && !write.is_readable());
        // The waker reads as readable, like an eventfd or a pipe.
        assert!(readiness(EventFilter::User, false, false, 0).is_readable());
        assert_eq!(readiness(EventFilter::Other, false, false, 0), Readiness(0));
    }

    #[test]
    fn eof_closes_the_half_of_its_filter() {
        let read = readiness(EventFilter::Read, true, false, 0);
        assert!(read.is_readable() && read.is_read_closed());
        assert!(!read.is_write_closed() && !read.is_error());
        let write = readiness(EventFilter::Write, true, false, 0);
        assert!(write.is_writable() && write.is_write_closed() && !write.is_read_closed());
    }

    #[test]
    fn eof_with_a_socket_error_in_fflags_is_an_error() {
        const ECONNREFUSED_ON_BSD: u32 = 61;
        let refused = readiness(EventFilter::Write, true, false, ECONNREFUSED_ON_BSD);
        assert!(refused.is_error() && refused.is_write_closed() && refused.is_writable());
        // fflags without EV_EOF carries filter data, not an error.
        assert!(!readiness(EventFilter::Read, false, false, 1).is_error());
        // EV_ERROR is an error whatever else is set.
        assert!(readiness(EventFilter::Read, false, true, 0).is_error());
    }

    #[test]
    fn a_process_exit_is_readable_and_neither_an_error_nor_a_closed_half() {
        // NOTE_EXIT, as the kernel reports it: EV_EOF set, fflags the note.
        const NOTE_EXIT: u32 = 0x8000_0000;
        let exit = readiness(EventFilter::Proc, true, false, NOTE_EXIT);
        assert!(exit.is_readable());
        assert!(!exit.is_error() && !exit.is_read_closed() && !exit.is_write_closed());
        assert!(!exit.is_writable());
    }

    #[test]
    fn timeouts_keep_every_nanosecond_and_clamp_the_seconds() {
        assert_eq!(timeout(None), None);
        assert_eq!(timeout(Some(Duration::ZERO)), Some((0, 0)));
        assert_eq!(timeout(Some(Duration::from_micros(100))), Some((0, 100_000)));
        assert_eq!(timeout(Some(Duration::from_nanos(3_100_000_001))), Some((3, 100_000_001)));
        assert_eq!(timeout(Some(Duration::MAX)), Some((i32::MAX as u64, 0)));
    }
}
