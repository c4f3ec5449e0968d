//! The AFD helper handle: how a poll request reaches the socket driver.
//!
//! Opening `\Device\Afd` with no extended attributes gives a handle to the
//! driver that is not an endpoint (not a socket); wepoll found this is the
//! cheapest thing to send `IOCTL_AFD_POLL` through. The name after
//! `\Device\Afd\` is free; Windows itself uses `\Device\Afd\Endpoint` and
//! others, and a descriptive one helps whoever reads a handle list. See the
//! module docs of `groundup_ffi::windows` for where the undocumented request
//! is known from.
//!
//! Which `AFD_POLL_*` bits an `Interest` waits for, and which bits mean what
//! in an `Event`, is decided here too, next to the driver's vocabulary.

use std::ffi::c_void;
use std::io;
use std::ptr;
use std::sync::Arc;

use groundup_ffi::windows as ffi;

use super::Handle;
use super::port::Port;
use super::syscall::{self, Syscall};
use crate::poll::Interest;

static NT_CREATE_FILE: Syscall = Syscall::new("NtCreateFile");
static NT_DEVICE_IO_CONTROL_FILE: Syscall = Syscall::new("NtDeviceIoControlFile");
static NT_CANCEL_IO_FILE_EX: Syscall = Syscall::new("NtCancelIoFileEx");
static SET_FILE_COMPLETION_NOTIFICATION_MODES: Syscall =
    Syscall::new("SetFileCompletionNotificationModes");

/// The completion key of every AFD helper handle's packets.
pub(super) const KEY: usize = 1;

/// `\Device\Afd\groundup` as UTF-16, built at compile time. A `static`, so
/// the pointer `NtCreateFile` reads has one address for the whole program
/// (a `const` would be a temporary at each use).
static DEVICE_NAME: [u16; 20] = utf16(r"\Device\Afd\groundup");

const fn utf16<const N: usize>(ascii: &str) -> [u16; N] {
    let bytes = ascii.as_bytes();
    assert!(bytes.len() == N, "length of the device name");
    let mut out = [0u16; N];
    let mut i = 0;
    while i < N {
        out[i] = bytes[i] as u16;
        i += 1;
    }
    out
}

/// An open `\Device\Afd` helper handle, associated with a port.
///
/// It holds the port so that the port outlives every handle whose polls may
/// still queue packets on it.
#[derive(Debug)]
pub(super) struct Afd {
    handle: Handle,
    port: Arc<Port>,
}

impl Afd {
    /// Opens a helper handle and associates it with `port`.
    pub(super) fn open(port: &Arc<Port>) -> io::Result<Afd> {
        let handle = open_device()?;
        port.associate(&handle, KEY)?;
        let file = handle.raw();
        syscall::win_bool(
            &SET_FILE_COMPLETION_NOTIFICATION_MODES,
            format_args!("{file:?}, FILE_SKIP_SET_EVENT_ON_HANDLE"),
            || {
                // SAFETY: `file` is open (owned by `handle`); the call takes
                // no pointers.
                unsafe {
                    ffi::SetFileCompletionNotificationModes(
                        file,
                        ffi::FILE_SKIP_SET_EVENT_ON_HANDLE,
                    )
                }
            },
        )?;
        Ok(Afd { handle, port: Arc::clone(port) })
    }

    /// The port this handle's packets go to.
    pub(super) fn port(&self) -> &Arc<Port> {
        &self.port
    }

    /// Starts an `IOCTL_AFD_POLL`: when it completes, the kernel writes
    /// `*iosb` and `*info`, then queues a packet carrying `context`.
    ///
    /// Returns `Ok` if the poll is in progress or already complete (either
    /// way exactly one packet will come), or the error it failed with at once
    /// (an error-severity status: no packet will come).
    ///
    /// # Safety
    ///
    /// `info` and `iosb` must stay valid, and untouched by anyone else, from
    /// this call until the packet carrying `context` has been dequeued (or
    /// until an `Err` is returned): the kernel writes them asynchronously.
    pub(super) unsafe fn poll(
        &self,
        info: *mut ffi::AFD_POLL_INFO,
        iosb: *mut ffi::IO_STATUS_BLOCK,
        context: *mut c_void,
    ) -> io::Result<()> {
        let file = self.handle.raw();
        let len = size_of::<ffi::AFD_POLL_INFO>() as u32;
        // SAFETY: the caller guarantees `info` is valid; reading the request
        // for the trace line happens before the kernel owns it.
        let request = unsafe { (*info).Handles[0] };
        let (socket, events) = (request.Handle, request.Events);
        syscall::nt_status(
            &NT_DEVICE_IO_CONTROL_FILE,
            format_args!(
                "{file:?}, NULL, NULL, {context:p}, {iosb:p}, IOCTL_AFD_POLL, \
                 {{socket {socket:?}, {}}}, {len}, {info:p}, {len}",
                Names(events)
            ),
            || {
                // SAFETY: `file` is an open AFD handle; `info` (input and
                // output, `len` bytes) and `iosb` stay valid until the
                // completion is dequeued, as this function's caller
                // guarantees; `context` is only handed back in the packet.
                unsafe {
                    ffi::NtDeviceIoControlFile(
                        file,
                        ptr::null_mut(),
                        None,
                        context,
                        iosb,
                        ffi::IOCTL_AFD_POLL,
                        info.cast(),
                        len,
                        info.cast(),
                        len,
                    )
                }
            },
        )?;
        // STATUS_PENDING, or a success (or warning) code if the poll
        // completed at once: the handle is not in
        // FILE_SKIP_COMPLETION_PORT_ON_SUCCESS mode, so a packet is queued in
        // every case that is not an error (`nt_status` returned those).
        Ok(())
    }

    /// Asks the driver to cancel the poll whose status block is `iosb`.
    /// Its packet still comes (with `STATUS_CANCELLED`, or with its events if
    /// it completed first). Succeeds also when there is nothing left to
    /// cancel.
    pub(super) fn cancel(&self, iosb: *mut ffi::IO_STATUS_BLOCK) -> io::Result<()> {
        self.cancel_io(iosb)
    }

    /// Asks the driver to cancel every poll this process has pending on the
    /// handle; used when the selector goes away.
    pub(super) fn cancel_all(&self) -> io::Result<()> {
        self.cancel_io(ptr::null_mut())
    }

    fn cancel_io(&self, iosb: *mut ffi::IO_STATUS_BLOCK) -> io::Result<()> {
        let file = self.handle.raw();
        let mut cancel_iosb = ffi::IO_STATUS_BLOCK { Status: 0, Information: 0 };
        let status = syscall::nt_status(
            &NT_CANCEL_IO_FILE_EX,
            format_args!("{file:?}, {iosb:p}, _"),
            || {
                // SAFETY: `file` is open (owned by `self`). `iosb` only
                // identifies the operation to cancel: it is null (all of
                // them) or the status block of a poll whose state, owned by
                // the caller, is alive. The status block written is a live
                // local.
                unsafe { ffi::NtCancelIoFileEx(file, iosb, &raw mut cancel_iosb) }
            },
        );
        match status {
            Ok(_) => Ok(()),
            // The poll completed before it could be cancelled: its packet is
            // on its way, which is all a cancel promises.
            Err(e) if e.raw_os_error() == Some(ffi::ERROR_NOT_FOUND as i32) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// `NtCreateFile(\Device\Afd\groundup)`: a handle to the driver that is
/// not a socket, asynchronous (no `FILE_SYNCHRONOUS_IO_*` option).
fn open_device() -> io::Result<Handle> {
    let mut name = ffi::UNICODE_STRING {
        Length: (DEVICE_NAME.len() * 2) as u16,
        MaximumLength: (DEVICE_NAME.len() * 2) as u16,
        // NtCreateFile only reads the name; the pointer is `*mut` because
        // the C declaration has no `const`.
        Buffer: DEVICE_NAME.as_ptr().cast_mut(),
    };
    let mut attributes = ffi::OBJECT_ATTRIBUTES {
        Length: size_of::<ffi::OBJECT_ATTRIBUTES>() as u32,
        RootDirectory: ptr::null_mut(),
        ObjectName: &raw mut name,
        Attributes: 0,
        SecurityDescriptor: ptr::null_mut(),
        SecurityQualityOfService: ptr::null_mut(),
    };
    let mut raw: ffi::HANDLE = ptr::null_mut();
    let mut iosb = ffi::IO_STATUS_BLOCK { Status: 0, Information: 0 };
    syscall::nt_status(
        &NT_CREATE_FILE,
        format_args!(
            r"_, SYNCHRONIZE, {{\Device\Afd\groundup}}, _, NULL, 0, FILE_SHARE_READ|FILE_SHARE_WRITE, FILE_OPEN, 0, NULL, 0"
        ),
        || {
            // SAFETY: every pointer refers to a live local for the whole
            // (synchronous) call: `raw` and `iosb` are written, the
            // attributes and the name they point to are read. The name
            // buffer is a `static`. No EA buffer and no allocation size are
            // passed.
            unsafe {
                ffi::NtCreateFile(
                    &raw mut raw,
                    ffi::SYNCHRONIZE,
                    &raw mut attributes,
                    &raw mut iosb,
                    ptr::null_mut(),
                    0,
                    ffi::FILE_SHARE_READ | ffi::FILE_SHARE_WRITE,
                    ffi::FILE_OPEN,
                    0,
                    ptr::null_mut(),
                    0,
                )
            }
        },
    )?;
    if raw.is_null() {
        return Err(io::Error::other("NtCreateFile(\\Device\\Afd) returned no handle"));
    }
    // SAFETY: NtCreateFile succeeded and wrote a handle, new and owned by no
    // one else.
    Ok(unsafe { Handle::from_raw(raw) })
}

// ---------------------------------------------------------------------------
// Interests and events in AFD's vocabulary
// ---------------------------------------------------------------------------

/// Not an AFD bit: set in an event whose poll itself failed (its status
/// block holds an error, or the next poll could not be started). Reported
/// as an error and as readable and writable, so an edge-driven loop tries
/// its I/O and meets the real error, or `WouldBlock`, which re-arms.
pub(super) const POLL_FAILED: u32 = 1 << 31;

/// What a poll waits for, for readable interest: data, a connection to
/// accept, the peer's FIN, and the failures that end reading.
const READ_EVENTS: u32 = ffi::AFD_POLL_RECEIVE
    | ffi::AFD_POLL_ACCEPT
    | ffi::AFD_POLL_DISCONNECT
    | ffi::AFD_POLL_ABORT
    | ffi::AFD_POLL_CONNECT_FAIL;

/// What a poll waits for, for writable interest: buffer space, and the
/// failures that end writing (a refused connect never becomes writable).
const WRITE_EVENTS: u32 = ffi::AFD_POLL_SEND | ffi::AFD_POLL_ABORT | ffi::AFD_POLL_CONNECT_FAIL;

/// The `AFD_POLL_*` bits an interest maps to (without `LOCAL_CLOSE`, which
/// every poll adds).
pub(super) fn interest_events(interest: Interest) -> u32 {
    let mut events = 0;
    if interest.is_readable() {
        events |= READ_EVENTS;
    }
    if interest.is_writable() {
        events |= WRITE_EVENTS;
    }
    events
}

/// Readable: data, a connection, end of file, or a failure a read will
/// report. (A waker's event is `AFD_POLL_RECEIVE`.)
pub(super) fn is_readable(events: u32) -> bool {
    events & (READ_EVENTS | POLL_FAILED) != 0
}

/// Writable: buffer space, or a failure a write will report.
pub(super) fn is_writable(events: u32) -> bool {
    events & (WRITE_EVENTS | POLL_FAILED) != 0
}

/// A failed connect, or a failed poll.
pub(super) fn is_error(events: u32) -> bool {
    events & (ffi::AFD_POLL_CONNECT_FAIL | POLL_FAILED) != 0
}

/// The peer's FIN, a reset, or a connect that never happened.
pub(super) fn is_read_closed(events: u32) -> bool {
    events & (ffi::AFD_POLL_DISCONNECT | ffi::AFD_POLL_ABORT | ffi::AFD_POLL_CONNECT_FAIL) != 0
}

/// A reset or a failed connect. (AFD has no event for "the peer stopped
/// reading"; a write then fails with a reset.)
pub(super) fn is_write_closed(events: u32) -> bool {
    events & (ffi::AFD_POLL_ABORT | ffi::AFD_POLL_CONNECT_FAIL) != 0
}

/// Names the set bits of an AFD event mask, for trace lines and `Debug`.
pub(super) struct Names(pub(super) u32);

impl std::fmt::Display for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NAMES: [(u32, &str); 10] = [
            (ffi::AFD_POLL_RECEIVE, "RECEIVE"),
            (ffi::AFD_POLL_RECEIVE_EXPEDITED, "RECEIVE_EXPEDITED"),
            (ffi::AFD_POLL_SEND, "SEND"),
            (ffi::AFD_POLL_DISCONNECT, "DISCONNECT"),
            (ffi::AFD_POLL_ABORT, "ABORT"),
            (ffi::AFD_POLL_LOCAL_CLOSE, "LOCAL_CLOSE"),
            (ffi::AFD_POLL_CONNECT, "CONNECT"),
            (ffi::AFD_POLL_ACCEPT, "ACCEPT"),
            (ffi::AFD_POLL_CONNECT_FAIL, "CONNECT_FAIL"),
            (POLL_FAILED, "POLL_FAILED"),
        ];
        syscall::write_flags(f, self.0, &NAMES)
    }
}
