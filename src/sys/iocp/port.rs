//! The completion port, and the bookkeeping that makes dropping it safe.
//!
//! Every packet groundup causes on the port carries a raw `Arc` reference
//! (to a socket's state or to a waker's), which must be turned back into an
//! `Arc` when the packet is dequeued or the memory leaks. [`Port`] therefore
//! counts the operations in flight, and lets them start only through
//! [`Port::start`], behind a gate the closing selector shuts: after
//! [`Port::close`] no operation starts, so the count can only fall, and the
//! selector drains the port until it reaches zero.

use std::ffi::c_void;
use std::io;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use groundup_ffi::windows as ffi;

use super::Handle;
use super::syscall::{self, Syscall};

static CREATE_IO_COMPLETION_PORT: Syscall = Syscall::new("CreateIoCompletionPort");
static GET_QUEUED_COMPLETION_STATUS_EX: Syscall = Syscall::new("GetQueuedCompletionStatusEx");
static POST_QUEUED_COMPLETION_STATUS: Syscall = Syscall::new("PostQueuedCompletionStatus");

/// A completion port and the count of packets groundup still expects on it.
#[derive(Debug)]
pub(super) struct Port {
    handle: Handle,
    /// `true` while operations may start. Each start holds the read lock
    /// for its whole duration, so `close` (the write lock) waits for starts
    /// in progress and no start runs after it.
    open: RwLock<bool>,
    /// Operations started whose packet has not been dequeued yet.
    in_flight: AtomicUsize,
}

/// Whether [`Port::start`] started the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Started {
    /// It was started and will queue exactly one packet.
    Yes,
    /// The port is closing; nothing was started.
    PortClosed,
}

impl Port {
    /// A new completion port (`CreateIoCompletionPort` with no file).
    pub(super) fn new() -> io::Result<Port> {
        let raw = syscall::null_handle(
            &CREATE_IO_COMPLETION_PORT,
            format_args!("INVALID_HANDLE_VALUE, NULL, 0, 0"),
            || {
                // SAFETY: with INVALID_HANDLE_VALUE and no existing port,
                // the call only creates a port; it reads no memory of ours.
                unsafe {
                    ffi::CreateIoCompletionPort(ffi::INVALID_HANDLE_VALUE, ptr::null_mut(), 0, 0)
                }
            },
        )?;
        // SAFETY: the port was just created and is owned by no one else.
        let handle = unsafe { Handle::from_raw(raw) };
        Ok(Port { handle, open: RwLock::new(true), in_flight: AtomicUsize::new(0) })
    }

    /// Associates `file` with this port: its operations' packets will carry
    /// `key`.
    pub(super) fn associate(&self, file: &Handle, key: usize) -> io::Result<()> {
        let (file, port) = (file.raw(), self.handle.raw());
        syscall::null_handle(
            &CREATE_IO_COMPLETION_PORT,
            format_args!("{file:?}, {port:?}, {key}, 0"),
            || {
                // SAFETY: both handles are open (owned by live `Handle`s
                // borrowed for the call); the call reads no memory of ours.
                unsafe { ffi::CreateIoCompletionPort(file, port, key, 0) }
            },
        )
        .map(drop)
    }

    /// Runs `op`, which starts one operation that queues exactly one packet
    /// on this port if it returns `Ok`, unless the port is closing.
    pub(super) fn start(&self, op: impl FnOnce() -> io::Result<()>) -> io::Result<Started> {
        let open = self.open.read().unwrap_or_else(PoisonError::into_inner);
        if !*open {
            return Ok(Started::PortClosed);
        }
        // Relaxed: the count is only compared with zero by the thread that
        // closed the gate, after the write lock ordered every start before it.
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        match op() {
            Ok(()) => Ok(Started::Yes),
            Err(e) => {
                self.in_flight.fetch_sub(1, Ordering::Relaxed);
                Err(e)
            }
        }
    }

    /// Records that one packet counted by `start` has been dequeued.
    pub(super) fn completed(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    /// Packets still expected.
    pub(super) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// Shuts the gate: every later `start` returns `PortClosed`. Returns once
    /// the starts already running have finished.
    pub(super) fn close(&self) {
        *self.open.write().unwrap_or_else(PoisonError::into_inner) = false;
    }

    /// Queues a packet carrying `key` and `context` (`PostQueuedCompletionStatus`).
    /// The caller counts it through [`start`](Port::start).
    pub(super) fn post(&self, key: usize, context: *mut c_void) -> io::Result<()> {
        let port = self.handle.raw();
        syscall::win_bool(
            &POST_QUEUED_COMPLETION_STATUS,
            format_args!("{port:?}, 0, {key}, {context:p}"),
            || {
                // SAFETY: the port is open (owned by `self`); the system
                // never dereferences `lpOverlapped` of a posted packet, it
                // only hands the value back.
                unsafe { ffi::PostQueuedCompletionStatus(port, 0, key, context.cast()) }
            },
        )
    }

    /// Waits for packets (`GetQueuedCompletionStatusEx`) and dequeues up to
    /// `max` of them into `entries`, which is cleared first. A timeout is
    /// rounded up to whole milliseconds.
    pub(super) fn wait(
        &self,
        entries: &mut Vec<ffi::OVERLAPPED_ENTRY>,
        max: usize,
        timeout: Option<Duration>,
    ) -> io::Result<()> {
        entries.clear();
        entries.reserve(max);
        let max = ffi::ULONG::try_from(max.min(entries.capacity())).unwrap_or(ffi::ULONG::MAX);
        let (port, buf, ms) = (self.handle.raw(), entries.as_mut_ptr(), timeout_ms(timeout));
        let mut removed: ffi::ULONG = 0;
        let result = syscall::win_bool(
            &GET_QUEUED_COMPLETION_STATUS_EX,
            format_args!("{port:?}, {buf:p}, {max}, _, {ms}, FALSE"),
            || {
                // SAFETY: `buf` points to the Vec's spare capacity of at least
                // `max` entries, which the call may overwrite, and `removed`
                // is a live ULONG; the Vec is borrowed mutably, so nothing
                // else reads it meanwhile. The wait is not alertable, so no
                // APC runs inside it.
                unsafe { ffi::GetQueuedCompletionStatusEx(port, buf, max, &raw mut removed, ms, 0) }
            },
        );
        match result {
            Ok(()) => {
                // SAFETY: the call initialised exactly `removed` (≤ max ≤
                // capacity) entries at the start of the buffer.
                unsafe { entries.set_len(removed as usize) };
                Ok(())
            }
            // The timeout elapsed with no packet: not an error for us.
            Err(e) if e.raw_os_error() == Some(ffi::WAIT_TIMEOUT as i32) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Rounds a timeout up to whole milliseconds, as a
/// `GetQueuedCompletionStatusEx` argument: `INFINITE` for none, and just
/// below it for anything that long (about 49.7 days; `Poll::poll` loops
/// until the real deadline).
fn timeout_ms(timeout: Option<Duration>) -> ffi::DWORD {
    match timeout {
        None => ffi::INFINITE,
        Some(t) => {
            let ms = t.as_nanos().div_ceil(1_000_000);
            ffi::DWORD::try_from(ms).map_or(ffi::INFINITE - 1, |ms| ms.min(ffi::INFINITE - 1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_round_up_and_never_mean_infinite() {
        assert_eq!(timeout_ms(None), ffi::INFINITE);
        assert_eq!(timeout_ms(Some(Duration::ZERO)), 0);
        assert_eq!(timeout_ms(Some(Duration::from_nanos(1))), 1);
        assert_eq!(timeout_ms(Some(Duration::from_micros(3_100))), 4);
        assert_eq!(timeout_ms(Some(Duration::from_millis(7))), 7);
        assert_eq!(timeout_ms(Some(Duration::MAX)), ffi::INFINITE - 1);
    }
}
