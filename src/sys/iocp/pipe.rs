//! A child's pipe on the completion port: readiness made from overlapped
//! reads and writes, the packet kind of pipes.
//!
//! AFD only knows sockets, and a pipe has no "tell me when it is readable"
//! call at all. What a pipe opened for overlapped I/O has is `ReadFile` and
//! `WriteFile` with an `OVERLAPPED`, whose completion lands on the port the
//! handle is associated with. So each pipe keeps one buffer of its own and
//! at most one operation in flight, and readiness means what it means for
//! mio's named pipes:
//!
//! ```text
//!  read side:   register ─ kick packet ─► readable
//!               read(): Idle ─ ReadFile(into the buffer) ─► Pending: WouldBlock
//!               packet (n bytes) ─► Filled ─► readable; read() copies out of
//!               the buffer, and starts the next ReadFile once it is empty
//!  write side:  register ─ kick packet ─► writable
//!               write(): Idle ─ copy into the buffer, WriteFile ─► Pending: Ok(n)
//!               write() while Pending: WouldBlock; packet ─► Idle ─► writable
//! ```
//!
//! The *kick* is a packet posted at registration (`PostQueuedCompletionStatus`
//! with the kick key), so the first read or write has a readiness to start
//! from, as a socket's first AFD poll gives one. A read that finds the
//! pipe broken (the child closed its end) is end of file; a write that does
//! is `BrokenPipe`.
//!
//! ## Who owns what
//!
//! The state lives in an `Arc`; each operation in flight (and the kick)
//! holds one reference as its packet's `lpOverlapped`, which points at the
//! `OVERLAPPED` that is the state's first field, so the pointer is at once
//! the `OVERLAPPED` the kernel writes and the `Arc` the selector takes back.
//! The kernel owns the buffer and the `OVERLAPPED` while an operation is
//! `Pending`; everything else touches them only with the state's lock held
//! and no operation in flight. The handle is closed when the last reference
//! goes, after the last packet: a `ChildStdin` dropped with a write in
//! flight lets the write finish (its bytes were reported written); a
//! dropped reader's pending read is cancelled (`CancelIoEx`). The selector
//! cancels whatever is still in flight when it is dropped.

use std::cell::UnsafeCell;
use std::ffi::c_void;
use std::io;
use std::os::windows::io::{IntoRawHandle, OwnedHandle, RawHandle};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use groundup_ffi::windows as ffi;

use super::Handle;
use super::events::Event;
use super::port::{Port, Started};
use super::syscall::{self, Syscall};
use crate::poll::{Interest, Token};
use crate::sys::Selector;

static READ_FILE: Syscall = Syscall::new("ReadFile");
static WRITE_FILE: Syscall = Syscall::new("WriteFile");
static CANCEL_IO_EX: Syscall = Syscall::new("CancelIoEx");
static NT_QUERY_INFORMATION_FILE: Syscall = Syscall::new("NtQueryInformationFile");

/// The completion key of a pipe's reads and writes.
pub(super) const KEY: usize = 3;
/// The completion key of the packet posted at registration.
pub(super) const KICK: usize = 5;

/// The size of a pipe's own buffer: one read or write at most.
const BUFFER: usize = 64 * 1024;

/// Which way a pipe goes (each end of a child's pipe goes one way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Way {
    Read,
    Write,
}

/// A pipe handle and its one operation.
#[repr(C)]
pub(crate) struct PipeState {
    /// First, so a pointer to the state is a pointer to it (see the module
    /// docs). Written by the kernel while an operation is in flight.
    overlapped: UnsafeCell<ffi::OVERLAPPED>,
    /// The bytes read, or to write. Owned by the kernel while in flight.
    buf: UnsafeCell<Box<[u8]>>,
    handle: Handle,
    inner: Mutex<Inner>,
}

// SAFETY: the UnsafeCells are only touched with `inner` locked and no
// operation in flight (when the kernel has no claim on them), so moving the
// state between threads moves nothing a thread is using; the handle is a
// process-wide value.
unsafe impl Send for PipeState {}
// SAFETY: as above: shared access to the cells is serialised by `inner`,
// and the kernel writes them only while the state says it may.
unsafe impl Sync for PipeState {}

struct Inner {
    way: Way,
    op: Op,
    /// The registration: its token and port, once registered.
    registered: Option<(Token, Arc<Port>)>,
    /// Deregistered: no event from now on.
    retired: bool,
}

/// Where the pipe's operation is.
#[derive(Debug)]
enum Op {
    /// Nothing in flight, nothing buffered.
    Idle,
    /// A read or write is in flight: the kernel owns the buffer.
    Pending,
    /// A read completed with `len` bytes, of which `pos` were handed out.
    Filled { len: usize, pos: usize },
    /// The writer closed its end: every read returns 0.
    Eof,
    /// The last operation failed; the next call reports it.
    Failed(io::Error),
}

/// Our end of a child's pipe, as a [`Source`].
pub(crate) struct Pipe {
    state: Arc<PipeState>,
}

impl Pipe {
    /// Takes our end of a pipe std made, after checking that it was opened
    /// for overlapped I/O (std opens it so; an overlapped `ReadFile` on a
    /// synchronous handle would block the thread that starts it).
    pub(crate) fn from_owned(handle: OwnedHandle, readable: bool) -> io::Result<Pipe> {
        // SAFETY: `into_raw_handle` gives up ownership of an open handle,
        // which `Handle` takes over alone (closing it through the counted
        // CloseHandle).
        let handle = unsafe { Handle::from_raw(handle.into_raw_handle().cast()) };
        check_overlapped(&handle)?;
        let way = if readable { Way::Read } else { Way::Write };
        let state = PipeState {
            overlapped: UnsafeCell::new(empty_overlapped()),
            buf: UnsafeCell::new(vec![0u8; BUFFER].into_boxed_slice()),
            handle,
            inner: Mutex::new(Inner { way, op: Op::Idle, registered: None, retired: false }),
        };
        Ok(Pipe { state: Arc::new(state) })
    }

    pub(crate) fn as_raw_handle(&self) -> RawHandle {
        self.state.handle.raw().cast()
    }

    /// Reads what the last completed read brought; `WouldBlock` while one
    /// is in flight (starting one if none is).
    pub(crate) fn read(&self, dst: &mut [u8]) -> io::Result<usize> {
        let state = &self.state;
        let mut inner = state.lock();
        match std::mem::replace(&mut inner.op, Op::Idle) {
            Op::Filled { len, pos } => {
                // SAFETY: the read completed (Filled), so the kernel has no
                // claim on the buffer, and the lock is held.
                let buf = unsafe { &*state.buf.get() };
                let n = dst.len().min(len - pos);
                dst[..n].copy_from_slice(&buf[pos..pos + n]);
                if pos + n < len {
                    inner.op = Op::Filled { len, pos: pos + n };
                } else {
                    // Empty: start the next read now, so it is under way
                    // while the caller handles these bytes.
                    let _ = state.start(&mut inner, 0);
                }
                Ok(n)
            }
            Op::Pending => {
                inner.op = Op::Pending;
                Err(io::ErrorKind::WouldBlock.into())
            }
            Op::Idle => state.start(&mut inner, 0).map(|()| 0),
            Op::Eof => {
                inner.op = Op::Eof;
                Ok(0)
            }
            Op::Failed(e) => Err(e),
        }
    }

    /// Starts writing (a copy of) `src`, up to the pipe's buffer; `Ok(n)`
    /// as soon as the write is under way, `WouldBlock` while the last one
    /// still is.
    pub(crate) fn write(&self, src: &[u8]) -> io::Result<usize> {
        let state = &self.state;
        let mut inner = state.lock();
        match std::mem::replace(&mut inner.op, Op::Idle) {
            Op::Pending => {
                inner.op = Op::Pending;
                Err(io::ErrorKind::WouldBlock.into())
            }
            Op::Failed(e) => Err(e),
            _ => {
                let n = src.len().min(BUFFER);
                // SAFETY: nothing is in flight (not Pending), so the buffer
                // is ours, and the lock is held.
                let buf = unsafe { &mut *state.buf.get() };
                buf[..n].copy_from_slice(&src[..n]);
                state.start(&mut inner, n)?;
                Ok(n)
            }
        }
    }

    /// `WouldBlock` while a write is in flight; its error once it failed.
    pub(crate) fn flush(&self) -> io::Result<()> {
        let mut inner = self.state.lock();
        match std::mem::replace(&mut inner.op, Op::Idle) {
            Op::Pending => {
                inner.op = Op::Pending;
                Err(io::ErrorKind::WouldBlock.into())
            }
            Op::Failed(e) => Err(e),
            _ => Ok(()),
        }
    }
}

impl PipeState {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing panics with the lock held; the state is valid regardless.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts the pipe's read (into the whole buffer), or its write of the
    /// buffer's first `len` bytes; `Op` becomes `Pending`, or `Eof` (a read
    /// of a broken pipe: then `WouldBlock` is not returned, the caller's
    /// next read sees the end). Returns `WouldBlock` for a read started,
    /// `Ok` for a write.
    fn start(self: &Arc<Self>, inner: &mut Inner, len: usize) -> io::Result<()> {
        let Some((_, port)) = inner.registered.clone() else {
            return Err(io::Error::new(io::ErrorKind::NotFound, "the pipe is not registered"));
        };
        // SAFETY: nothing is in flight, so the OVERLAPPED is ours; the lock
        // (held by the caller) guards it.
        unsafe { self.overlapped.get().write(empty_overlapped()) };
        let way = inner.way;
        let started = port.start(|| self.submit(way, len));
        match started {
            Ok(Started::Yes) => {
                inner.op = Op::Pending;
                match way {
                    Way::Read => Err(io::ErrorKind::WouldBlock.into()),
                    Way::Write => Ok(()),
                }
            }
            Ok(Started::PortClosed) => Err(io::Error::other("the pipe's runtime has shut down")),
            Err(e) if way == Way::Read && is_end_of_file(&e) => {
                inner.op = Op::Eof;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// `ReadFile` or `WriteFile`, overlapped, carrying one reference to the
    /// state. `Ok` means one packet will come (the operation is pending or
    /// already done); an error means none will.
    fn submit(self: &Arc<Self>, way: Way, len: usize) -> io::Result<()> {
        let handle = self.handle.raw();
        let context = Arc::into_raw(Arc::clone(self)).cast_mut();
        let overlapped = context.cast::<ffi::OVERLAPPED>();
        // SAFETY: the buffer stays allocated and untouched by anyone else
        // until the packet (the reference in `context` keeps the state
        // alive; Op is Pending from the caller's return on, under the lock).
        let buf = unsafe { (*self.buf.get()).as_mut_ptr() };
        let result = match way {
            Way::Read => syscall::win_bool(
                &READ_FILE,
                format_args!("{handle:?}, {buf:p}, {BUFFER}, NULL, {overlapped:p}"),
                || {
                    // SAFETY: `buf` is BUFFER writable bytes and `overlapped`
                    // a live OVERLAPPED, both valid until the packet, as
                    // above; the handle is open and overlapped.
                    unsafe {
                        ffi::ReadFile(
                            handle,
                            buf.cast(),
                            BUFFER as ffi::DWORD,
                            std::ptr::null_mut(),
                            overlapped,
                        )
                    }
                },
            ),
            Way::Write => syscall::win_bool(
                &WRITE_FILE,
                format_args!("{handle:?}, {buf:p}, {len}, NULL, {overlapped:p}"),
                || {
                    // SAFETY: as for the read; `len` ≤ BUFFER initialised
                    // bytes are read from `buf`.
                    unsafe {
                        ffi::WriteFile(
                            handle,
                            buf.cast_const().cast(),
                            len as ffi::DWORD,
                            std::ptr::null_mut(),
                            overlapped,
                        )
                    }
                },
            ),
        };
        match result {
            Ok(()) => Ok(()), // done at once; the packet still comes
            Err(e) if e.raw_os_error() == Some(ffi::ERROR_IO_PENDING as i32) => Ok(()),
            Err(e) => {
                // SAFETY: the call failed at once, so no packet carries the
                // reference made above: it is reclaimed here, once.
                drop(unsafe { Arc::from_raw(context.cast_const()) });
                Err(e)
            }
        }
    }

    /// The packet of this pipe's operation, `bytes` transferred: records
    /// the result and returns the event to report.
    pub(super) fn complete(&self, bytes: usize) -> Option<Event> {
        let mut inner = self.lock();
        debug_assert!(matches!(inner.op, Op::Pending), "a packet for a pipe not in flight");
        // SAFETY: the packet of the one operation in flight was dequeued, so
        // the kernel is done with the OVERLAPPED; the lock is held.
        let status = unsafe { (*self.overlapped.get()).Internal } as ffi::NTSTATUS;
        inner.op = outcome(inner.way, status, bytes);
        self.event(&inner)
    }

    /// The kick packet posted at registration.
    pub(super) fn kicked(&self) -> Option<Event> {
        self.event(&self.lock())
    }

    fn event(&self, inner: &Inner) -> Option<Event> {
        let (token, _) = inner.registered.as_ref()?;
        if inner.retired {
            return None;
        }
        let flags = match inner.way {
            Way::Read => ffi::AFD_POLL_RECEIVE,
            Way::Write => ffi::AFD_POLL_SEND,
        };
        Some(Event::new(*token, flags))
    }

    /// Requests the cancellation of the read in flight, if any (a pending
    /// write is left to finish: its bytes were reported written).
    fn cancel_read(&self, inner: &Inner) {
        if inner.way == Way::Read && matches!(inner.op, Op::Pending) {
            self.cancel();
        }
    }

    /// `CancelIoEx` of whatever is in flight (for the selector's drop).
    pub(super) fn cancel(&self) {
        let (handle, overlapped) = (self.handle.raw(), self.overlapped.get());
        // The result is ignored: ERROR_NOT_FOUND means the operation has
        // finished, and its packet is on the way either way.
        let _ =
            syscall::win_bool(&CANCEL_IO_EX, format_args!("{handle:?}, {overlapped:p}"), || {
                // SAFETY: CancelIoEx only looks the OVERLAPPED's address up
                // among the handle's operations; it does not write it.
                unsafe { ffi::CancelIoEx(handle, overlapped) }
            });
    }
}

/// What a completed operation leaves: the `Op` after it.
fn outcome(way: Way, status: ffi::NTSTATUS, bytes: usize) -> Op {
    if status >= 0 {
        return match (way, bytes) {
            (Way::Read, 0) => Op::Idle, // a zero-byte write at the other end
            (Way::Read, len) => Op::Filled { len, pos: 0 },
            (Way::Write, _) => Op::Idle,
        };
    }
    // SAFETY: RtlNtStatusToDosError only looks the value up in a table.
    let code = unsafe { ffi::RtlNtStatusToDosError(status) };
    let error = io::Error::from_raw_os_error(code as i32);
    match way {
        Way::Read if is_end_of_file(&error) => Op::Eof,
        // Cancelled by a deregistration: nobody reads any more.
        _ if code == ffi::ERROR_OPERATION_ABORTED => Op::Idle,
        _ => Op::Failed(error),
    }
}

/// Whether a read error means the writer has gone: end of file.
fn is_end_of_file(e: &io::Error) -> bool {
    let eof = [ffi::ERROR_BROKEN_PIPE, ffi::ERROR_HANDLE_EOF, ffi::ERROR_NO_DATA];
    e.raw_os_error().is_some_and(|code| eof.iter().any(|&c| c as i32 == code))
}

/// Fails unless `handle` was opened for overlapped I/O.
fn check_overlapped(handle: &Handle) -> io::Result<()> {
    let raw = handle.raw();
    let mut mode = ffi::FILE_MODE_INFORMATION { Mode: 0 };
    let mut iosb = ffi::IO_STATUS_BLOCK { Status: 0, Information: 0 };
    let len = size_of::<ffi::FILE_MODE_INFORMATION>() as ffi::ULONG;
    syscall::nt_status(
        &NT_QUERY_INFORMATION_FILE,
        format_args!("{raw:?}, _, _, {len}, FileModeInformation"),
        || {
            // SAFETY: `iosb` and `mode` are live and writable, `len` is the
            // size of `mode`; the query is synchronous.
            unsafe {
                ffi::NtQueryInformationFile(
                    raw,
                    &raw mut iosb,
                    (&raw mut mode).cast(),
                    len,
                    ffi::FileModeInformation,
                )
            }
        },
    )?;
    let synchronous = ffi::FILE_SYNCHRONOUS_IO_ALERT | ffi::FILE_SYNCHRONOUS_IO_NONALERT;
    if mode.Mode & synchronous != 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the pipe handle was not opened for overlapped I/O, which groundup needs to \
             wait for it on the completion port",
        ));
    }
    Ok(())
}

fn empty_overlapped() -> ffi::OVERLAPPED {
    ffi::OVERLAPPED {
        Internal: 0,
        InternalHigh: 0,
        Pointer: std::ptr::null_mut(),
        hEvent: std::ptr::null_mut(),
    }
}

/// The backend's side of registering a `Pipe` (the `Source` impl is in
/// `poll/sys_sources.rs`, the layer that owns the trait).
impl Pipe {
    pub(crate) fn register_with(
        &mut self,
        selector: &Selector,
        token: Token,
        _: Interest,
    ) -> io::Result<()> {
        selector.register_pipe(&self.state, token)
    }

    pub(crate) fn reregister_with(
        &mut self,
        selector: &Selector,
        token: Token,
        _: Interest,
    ) -> io::Result<()> {
        selector.reregister_pipe(&self.state, token)
    }

    pub(crate) fn deregister_with(&mut self, _: &Selector) -> io::Result<()> {
        let mut inner = self.state.lock();
        inner.retired = true;
        self.state.cancel_read(&inner);
        Ok(())
    }
}

/// The selector's side of a pipe's registration.
impl PipeState {
    /// Associates the handle with `port` (its operations' packets carry
    /// [`KEY`]) and posts the kick.
    pub(super) fn register(self: &Arc<Self>, port: &Arc<Port>, token: Token) -> io::Result<()> {
        let mut inner = self.lock();
        if inner.registered.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the pipe is already registered",
            ));
        }
        port.associate(&self.handle, KEY)?;
        inner.registered = Some((token, Arc::clone(port)));
        let kick = port.start(|| {
            let context = Arc::into_raw(Arc::clone(self)).cast_mut().cast::<c_void>();
            let posted = port.post(KICK, context);
            if posted.is_err() {
                // SAFETY: no packet carries the reference: reclaimed once.
                drop(unsafe { Arc::from_raw(context.cast::<PipeState>().cast_const()) });
            }
            posted
        });
        kick.map(drop)
    }

    /// A new token for the events to come.
    pub(super) fn reregister(&self, token: Token) -> io::Result<()> {
        let mut inner = self.lock();
        match &mut inner.registered {
            Some((old, _)) => {
                *old = token;
                inner.retired = false;
                Ok(())
            }
            None => Err(io::Error::new(io::ErrorKind::NotFound, "the pipe is not registered")),
        }
    }
}

impl std::fmt::Debug for PipeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipeState").field("handle", &self.handle).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipe").field("state", &self.state).finish()
    }
}
