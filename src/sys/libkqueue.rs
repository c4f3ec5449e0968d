//! The kqueue backend on libkqueue: where libkqueue behaves unlike a kernel
//! kqueue, and what the backend does about it. Compiled only with
//! `GROUNDUP_BACKEND=kqueue` on Linux (`groundup_libkqueue`, see
//! `build.rs`); the real BSDs never see this file.
//!
//! libkqueue builds each knote on epoll: a descriptor's read and write
//! knotes share one epoll registration, and each event is translated back
//! into `struct kevent`s when `kevent` copies it out. Four differences
//! reach groundup; each was found by running the suite in this
//! configuration.
//!
//! 1. **Closing a descriptor does not remove its knotes** (libkqueue's
//!    `BUGS.md`: Linux cannot tell it a descriptor was closed). A knote left
//!    behind answers for the next descriptor given the same number: the
//!    record's probe finds it, so registering the new descriptor fails with
//!    `AlreadyExists`, and it would never report anything, since epoll
//!    dropped the old file on its close. So here an `IoSource` remembers
//!    where it is registered ([`IoSourceState`]) and deregisters itself
//!    when dropped, before its descriptor closes, as the runtime's `Async`
//!    always does. A raw `SourceFd` must be deregistered before its
//!    descriptor is closed, as libkqueue asks.
//! 2. **The socket error is consumed.** For an `EPOLLERR` event libkqueue
//!    reads the socket's error with `getsockopt(SO_ERROR)` to put it in
//!    `fflags`, and that read clears it. A kernel kqueue only looks. So the
//!    first of a descriptor's two events carries the error and the other
//!    none, and a later `take_error` (how a non-blocking connect learns it
//!    was refused) finds nothing. [`repair`] gives both events of the batch
//!    the error and keeps it in a ledger, from which `Socket::take_error`
//!    takes it ([`take_consumed_error`]) when `SO_ERROR` reads 0.
//! 3. **`EV_EOF` from an empty buffer.** libkqueue sets `EV_EOF` on a read
//!    event of a stream socket whenever `SIOCINQ` says no byte is waiting
//!    when it copies the event out, which is also the case when another
//!    thread has just read them. A read-closed flag is never cleared, so a
//!    false one would make every later read look ready. [`repair`] checks
//!    such an event with a one-byte `MSG_PEEK` and keeps `EV_EOF` only for a
//!    real end of file (a peek that returns 0).
//! 4. **`EV_EOF` lost behind data.** Adding a descriptor's second knote
//!    rewrites its epoll registration without `EPOLLRDHUP` (its
//!    `epoll_update` keeps only the `EPOLLIN`/`EPOLLOUT` bits of what was
//!    there), so a peer's FIN that arrives with the last data is not
//!    reported on a socket registered both ways. Nothing in an event can
//!    restore it; instead the runtime does not take a short read as proof
//!    that a stream is drained here (`SHORT_TRANSFER_CLEARS` in
//!    `reactor/registration.rs`), and reads again, which returns the 0 of
//!    the end of file. `Poll` users read until `WouldBlock` anyway, as the
//!    edge-triggered contract asks; they may see such an end of file only
//!    through that read, not as `is_read_closed`.
//!
//! A fifth difference needs no code but changes how descriptors are
//! shared: libkqueue knows a queue only by the number `kqueue()` returned,
//! so the handles on one queue share that descriptor (`KqFd` in
//! `kqueue.rs`) instead of each holding a `dup`.

use std::io;
use std::os::fd::RawFd;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use groundup_ffi::libkqueue as ffi;
use groundup_ffi::linux::{MSG_DONTWAIT, MSG_PEEK};
use groundup_ffi::unix as posix;

use super::{Event, Fd, Registrations, Selector};
use crate::sys::syscall::{self, Syscall};

static RECV: Syscall = Syscall::new("recv");

// ---------------------------------------------------------------------------
// 1. Deregistering before the descriptor closes
// ---------------------------------------------------------------------------

/// Per-`IoSource` state on libkqueue: the queue the source is registered
/// with, so that dropping the source deregisters it (see the module docs).
/// `IoSource` declares its state before its socket, so this drop runs while
/// the descriptor is still open.
///
/// The queue is held weakly: a source does not keep its `Poll`'s queue
/// open, and once the queue is closed its knotes are gone with it, so there
/// is nothing left to deregister from.
#[derive(Debug)]
pub(crate) struct IoSourceState {
    registered: Option<(WeakSelector, RawFd)>,
}

/// A [`Selector`] that does not keep the queue open.
#[derive(Debug)]
struct WeakSelector {
    kq: Weak<Fd>,
    registered: Weak<Mutex<Registrations>>,
}

impl WeakSelector {
    fn new(selector: &Selector) -> WeakSelector {
        WeakSelector {
            kq: Arc::downgrade(&selector.kq),
            registered: Arc::downgrade(&selector.registered),
        }
    }

    /// The selector, if some handle still keeps its queue open.
    fn upgrade(&self) -> Option<Selector> {
        Some(Selector { kq: self.kq.upgrade()?, registered: self.registered.upgrade()? })
    }
}

impl IoSourceState {
    pub(crate) fn new() -> IoSourceState {
        IoSourceState { registered: None }
    }

    /// Runs one I/O operation on the source.
    pub(crate) fn do_io<T, R>(&self, f: impl FnOnce(&T) -> io::Result<R>, io: &T) -> io::Result<R> {
        f(io)
    }

    /// The source's `fd` was just registered with `selector`.
    pub(crate) fn registered(&mut self, selector: &Selector, fd: RawFd) {
        self.registered = Some((WeakSelector::new(selector), fd));
    }

    /// The source was deregistered: nothing to do when it drops.
    pub(crate) fn deregistered(&mut self) {
        self.registered = None;
    }
}

impl Drop for IoSourceState {
    fn drop(&mut self) {
        let registered = self.registered.take();
        if let Some((selector, fd)) = registered.and_then(|(weak, fd)| Some((weak.upgrade()?, fd)))
        {
            // Nothing to report to: a drop cannot fail. The descriptor is
            // open (see above), so this can only fail if it was never
            // registered after all, which leaves nothing behind either.
            let _ = selector.deregister(fd);
        }
    }
}

// ---------------------------------------------------------------------------
// 2 and 3. Repairing a batch of events
// ---------------------------------------------------------------------------

/// Socket errors libkqueue read (and so cleared) while copying events out,
/// by descriptor, until `Socket::take_error` takes them or the descriptor
/// is registered anew or deregistered. A handful of entries at most: one
/// per socket that failed and has not been asked yet.
static CONSUMED: Mutex<Vec<(RawFd, i32)>> = Mutex::new(Vec::new());

fn ledger() -> std::sync::MutexGuard<'static, Vec<(RawFd, i32)>> {
    // Every critical section is one Vec operation, which leaves the vector
    // consistent even if it panicked (it cannot but allocate).
    CONSUMED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The socket error libkqueue consumed for `fd`, if any: what `SO_ERROR`
/// would have said on a kernel kqueue. Taken once, as `SO_ERROR` is.
pub(crate) fn take_consumed_error(fd: RawFd) -> Option<i32> {
    let mut ledger = ledger();
    let at = ledger.iter().position(|&(f, _)| f == fd)?;
    Some(ledger.swap_remove(at).1)
}

/// Drops what the ledger holds for `fd`: it is being registered anew or
/// deregistered, so an error kept for it belongs to an earlier socket.
pub(super) fn forget(fd: RawFd) {
    ledger().retain(|&(f, _)| f != fd);
}

/// Repairs one batch of events as `kevent` returned them, before anyone
/// reads them (differences 2 and 3 of the module docs).
pub(super) fn repair(events: &mut [Event]) {
    spread_socket_errors(events);
    for event in events.iter_mut() {
        let kev = &mut event.0;
        let ambiguous_eof = kev.filter == ffi::EVFILT_READ
            && kev.flags & ffi::EV_EOF != 0
            && kev.fflags == 0
            && kev.data == 0;
        if ambiguous_eof && !at_end_of_file(kev.ident) {
            kev.flags &= !ffi::EV_EOF;
        }
    }
}

/// A socket error (`EV_EOF` with an errno in `fflags`) on one event of a
/// descriptor is given to its other event in the batch (libkqueue copies a
/// descriptor's read and write events out one after the other), and kept
/// in the ledger for `take_error`.
fn spread_socket_errors(events: &mut [Event]) {
    let failed = |kev: &ffi::kevent| kev.flags & ffi::EV_EOF != 0 && kev.fflags != 0;
    for i in 0..events.len() {
        let kev = events[i].0;
        if !failed(&kev) || !matches!(kev.filter, ffi::EVFILT_READ | ffi::EVFILT_WRITE) {
            continue;
        }
        for other in [i.wrapping_sub(1), i + 1] {
            if let Some(Event(next)) = events.get_mut(other) {
                if next.ident == kev.ident && next.flags & ffi::EV_EOF != 0 && next.fflags == 0 {
                    next.fflags = kev.fflags;
                }
            }
        }
        // An errno is small and positive; anything else is not one.
        if let (Ok(fd), Ok(errno)) = (RawFd::try_from(kev.ident), i32::try_from(kev.fflags)) {
            let mut ledger = ledger();
            ledger.retain(|&(f, _)| f != fd);
            ledger.push((fd, errno));
        }
    }
}

/// Whether descriptor `ident` is at the end of file: a one-byte
/// `recv(MSG_PEEK | MSG_DONTWAIT)` returns 0. It returns 1 for data (not
/// the end yet), `EAGAIN` for an empty buffer (what libkqueue mistook for
/// an end), and an error for something that is not a socket, which then
/// keeps libkqueue's word (its `EV_EOF` there comes from `EPOLLHUP`). The
/// peek consumes nothing, so it is harmless even on a number that was
/// closed and reused since the event: that event is stale and the reactor
/// drops it by its token.
fn at_end_of_file(ident: usize) -> bool {
    let Ok(fd) = RawFd::try_from(ident) else { return true };
    let mut byte = 0u8;
    let buf = (&raw mut byte).cast::<core::ffi::c_void>();
    let peeked =
        syscall::minus_one(&RECV, format_args!("{fd}, _, 1, MSG_PEEK|MSG_DONTWAIT"), || {
            // SAFETY: `buf` points to one writable byte, alive for the call;
            // MSG_PEEK leaves the socket's data in place and MSG_DONTWAIT keeps
            // the call from blocking, whatever `fd` is now.
            unsafe { posix::recv(fd, buf, 1, MSG_PEEK | MSG_DONTWAIT) }
        });
    match peeked {
        Ok(n) => n == 0,
        Err(e) => e.kind() != io::ErrorKind::WouldBlock,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::os::fd::AsRawFd;
    use std::ptr;

    use super::*;

    fn read_event(ident: usize, flags: u16, fflags: u32, data: isize) -> Event {
        Event(ffi::kevent {
            ident,
            filter: ffi::EVFILT_READ,
            flags,
            fflags,
            data,
            udata: ptr::null_mut(),
        })
    }

    fn write_event(ident: usize, flags: u16, fflags: u32) -> Event {
        Event(ffi::kevent { filter: ffi::EVFILT_WRITE, ..read_event(ident, flags, fflags, 0).0 })
    }

    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        (client, listener.accept().unwrap().0)
    }

    #[test]
    fn an_eof_guessed_from_an_empty_buffer_is_taken_back() {
        let (ours, _theirs) = pair();
        let mut batch = [read_event(ours.as_raw_fd() as usize, ffi::EV_EOF, 0, 0)];
        repair(&mut batch);
        assert_eq!(batch[0].0.flags & ffi::EV_EOF, 0, "an open, empty socket is not at its end");
    }

    #[test]
    fn a_real_end_of_file_keeps_its_eof() {
        let (ours, theirs) = pair();
        theirs.shutdown(Shutdown::Write).unwrap();
        // The FIN has arrived once a blocking peek returns 0.
        assert_eq!(ours.peek(&mut [0]).unwrap(), 0);
        let mut batch = [read_event(ours.as_raw_fd() as usize, ffi::EV_EOF, 0, 0)];
        repair(&mut batch);
        assert_ne!(batch[0].0.flags & ffi::EV_EOF, 0);
    }

    #[test]
    fn data_is_not_an_end_of_file() {
        let (ours, mut theirs) = pair();
        theirs.write_all(b"x").unwrap();
        assert_eq!(ours.peek(&mut [0]).unwrap(), 1);
        let mut batch = [read_event(ours.as_raw_fd() as usize, ffi::EV_EOF, 0, 0)];
        repair(&mut batch);
        assert_eq!(batch[0].0.flags & ffi::EV_EOF, 0);
    }

    #[test]
    fn a_consumed_socket_error_reaches_both_events_and_take_error() {
        // An fd number no test socket has, so parallel tests cannot clash.
        let fd = 1_000_001;
        let refused = 111; // ECONNREFUSED
        let mut batch = [
            read_event(fd as usize, ffi::EV_EOF, refused, 0),
            write_event(fd as usize, ffi::EV_EOF, 0),
        ];
        repair(&mut batch);
        assert_eq!(batch[1].0.fflags, refused, "the write event gets the error too");
        assert_eq!(take_consumed_error(fd), Some(refused as i32));
        assert_eq!(take_consumed_error(fd), None, "taken once, as SO_ERROR is");
    }

    #[test]
    fn a_new_registration_forgets_an_old_sockets_error() {
        let fd = 1_000_002;
        let mut batch = [write_event(fd as usize, ffi::EV_EOF, 111)];
        repair(&mut batch);
        forget(fd);
        assert_eq!(take_consumed_error(fd), None);
    }
}
