//! The one way groundup makes a system call: checked, counted, traceable.
//!
//! Every call into `groundup-ffi` is written at its call site as
//!
//! ```text
//! static EPOLL_WAIT: Syscall = Syscall::new("epoll_wait");
//! let n = syscall::minus_one(&EPOLL_WAIT, format_args!("{epfd}, …"), || {
//!     // SAFETY: <why the pointer and length are valid here>
//!     unsafe { ffi::epoll_wait(epfd, …) }
//! })?;
//! ```
//!
//! The `unsafe` block stays visible where the call is made, with its own
//! argument for why it is sound; this module only turns the C return
//! convention into an `io::Result`. There is one such function per
//! convention, so the error handling of hundreds of call sites is written
//! once:
//!
//! | function | convention | error code from | used by |
//! |---|---|---|---|
//! | [`minus_one`] | `-1` is failure | `errno` | POSIX, epoll, kqueue |
//! | `win_bool` | `BOOL` 0 is failure | `GetLastError()` | kernel32 |
//! | `null_handle` | a `NULL` `HANDLE` is failure | `GetLastError()` | `CreateIoCompletionPort` |
//! | `nt_status` | an error-severity `NTSTATUS` (`0xC…`) is failure | `RtlNtStatusToDosError(status)` | ntdll |
//! | `socket_error` | `SOCKET_ERROR` (-1) is failure | `WSAGetLastError()` | ws2_32 |
//! | `invalid_socket` | `INVALID_SOCKET` is failure | `WSAGetLastError()` | `WSASocketW`, `accept` |
//! | `error_code` | non-zero is failure | the return value itself | `WSAStartup` |
//! | `wait_failed` | `WAIT_FAILED` (`0xFFFFFFFF`) is failure | `GetLastError()` | `WaitForSingleObject` |
//!
//! (The Windows ones exist on Windows only.) Windows has one more convention,
//! `INVALID_HANDLE_VALUE` for failure (`CreateFileW` and friends), which
//! groundup never meets: it gets no function, and must not be merged with
//! `null_handle`, because `INVALID_HANDLE_VALUE` (-1) is also the valid
//! pseudo-handle `GetCurrentProcess()` returns.
//!
//! The same functions count every call under its C name, and when the
//! environment variable `GROUNDUP_TRACE=1` is set (or [`crate::stats::trace`]
//! turns tracing on) print one line per call to stderr, strace-style:
//!
//! ```text
//! [groundup reactor] epoll_wait(3, 1024, -1) = 1  (15.3µs)
//! ```
//!
//! ## What it costs
//!
//! With tracing off a call pays one relaxed `fetch_add` on its own counter and
//! one relaxed load of the trace switch; the arguments are captured by
//! `format_args!`, which stores references and formats nothing unless the
//! trace line is printed. Measured at about 3 ns per call on the development
//! machine (`cargo test --release --lib -- --ignored wrapper_overhead
//! --nocapture`), next to the hundreds of nanoseconds of the cheapest system
//! call.
//!
//! ## Why errno is read inside
//!
//! `errno` (like `GetLastError()` and `WSAGetLastError()` on Windows) is
//! per-thread and overwritten by any later failing call, including those
//! made while printing a trace line. The wrappers therefore read it
//! immediately after the call returns, before doing anything else.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU8, AtomicUsize, Ordering};
use std::time::Instant;

/// A counter for one system call name.
///
/// Declared as a `static` next to the code that makes the call. Counters are
/// linked into a global list the first time they count, so
/// [`crate::stats::syscalls`] can find every name that has been used without
/// a registry that must be kept in sync by hand. Two statics with the same
/// name (the same call made from two modules) are summed.
#[derive(Debug)]
pub(crate) struct Syscall {
    name: &'static str,
    calls: AtomicUsize,
    /// Next counter in the global list (`LISTED`); written once, before the
    /// counter is published.
    next: AtomicPtr<Syscall>,
    /// Whether this counter has been pushed onto `LISTED`.
    listed: AtomicBool,
}

/// Head of the intrusive, append-only list of counters that have counted at
/// least once. Entries are `static`s, so they never move or die.
static LISTED: AtomicPtr<Syscall> = AtomicPtr::new(ptr::null_mut());

impl Syscall {
    /// A counter for the system call `name` (its C name: `epoll_wait`).
    pub(crate) const fn new(name: &'static str) -> Syscall {
        Syscall {
            name,
            calls: AtomicUsize::new(0),
            next: AtomicPtr::new(ptr::null_mut()),
            listed: AtomicBool::new(false),
        }
    }

    /// Counts one call.
    ///
    /// `Relaxed` suffices for the count: it is a statistic, read by
    /// [`snapshot`] with no claim of being simultaneous with anything else,
    /// and each counter's own modification order keeps it exact.
    #[inline]
    fn record(&'static self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        if !self.listed.load(Ordering::Relaxed) {
            self.list();
        }
    }

    /// Counts one call made inside a signal handler, without tracing it.
    ///
    /// A handler may only do what is async-signal-safe: a trace line
    /// formats (allocating) and locks stderr, and the first look at the
    /// trace switch reads the environment under a lock, any of which could
    /// deadlock against the code the signal interrupted. Counting is only
    /// atomics: a `fetch_add`, and once per counter the lock-free push of
    /// [`list`](Self::list). Neither allocates, locks or calls into libc.
    #[cfg(unix)]
    pub(crate) fn record_in_signal_handler(&'static self) {
        self.record();
    }

    /// Pushes this counter onto `LISTED`, once.
    #[cold]
    fn list(&'static self) {
        if self.listed.swap(true, Ordering::Relaxed) {
            return; // another thread won the race and is pushing it
        }
        let this = ptr::from_ref(self).cast_mut();
        let mut head = LISTED.load(Ordering::Relaxed);
        loop {
            self.next.store(head, Ordering::Relaxed);
            // Release: a reader that Acquire-loads `this` from LISTED also
            // sees the `next` stored just above.
            match LISTED.compare_exchange_weak(head, this, Ordering::Release, Ordering::Relaxed) {
                Ok(_) => return,
                Err(actual) => head = actual,
            }
        }
    }
}

/// The number of calls made so far, by system call name.
pub(crate) fn snapshot() -> BTreeMap<&'static str, u64> {
    let mut counts = BTreeMap::new();
    // Acquire pairs with the Release in `Syscall::list`.
    let mut node = LISTED.load(Ordering::Acquire);
    while !node.is_null() {
        // SAFETY: only `Syscall::list` writes LISTED or `next`, and it only
        // stores pointers made from `&'static Syscall`: every non-null
        // pointer in the list refers to a `static`, valid for the rest of
        // the program and only ever accessed through shared references.
        let counter = unsafe { &*node };
        // Relaxed widening to u64: usize is at most 64 bits on every target.
        *counts.entry(counter.name).or_insert(0) += counter.calls.load(Ordering::Relaxed) as u64;
        node = counter.next.load(Ordering::Acquire);
    }
    counts
}

// ---------------------------------------------------------------------------
// Tracing switch
// ---------------------------------------------------------------------------

const TRACE_UNKNOWN: u8 = 0;
const TRACE_OFF: u8 = 1;
const TRACE_ON: u8 = 2;

/// Whether each call is printed: unknown until the first call reads
/// `GROUNDUP_TRACE`, then on or off (and switchable by `stats::trace`).
static TRACE: AtomicU8 = AtomicU8::new(TRACE_UNKNOWN);

#[inline]
fn tracing() -> bool {
    match TRACE.load(Ordering::Relaxed) {
        TRACE_OFF => false,
        TRACE_ON => true,
        _ => trace_from_env(),
    }
}

#[cold]
fn trace_from_env() -> bool {
    let on = std::env::var_os("GROUNDUP_TRACE").is_some_and(|v| v == "1");
    // A racing `set_trace` wins: only replace the "unknown" state.
    let state = if on { TRACE_ON } else { TRACE_OFF };
    let _ = TRACE.compare_exchange(TRACE_UNKNOWN, state, Ordering::Relaxed, Ordering::Relaxed);
    TRACE.load(Ordering::Relaxed) == TRACE_ON
}

/// Turns tracing on or off for the whole process, overriding `GROUNDUP_TRACE`.
pub(crate) fn set_trace(on: bool) {
    TRACE.store(if on { TRACE_ON } else { TRACE_OFF }, Ordering::Relaxed);
}

/// Prints one trace line: `[groundup <thread>] name(args) = result  (duration)`.
///
/// The line is formatted into one buffer and written with a single
/// `write_all`, so lines from the reactor and executor threads do not
/// interleave mid-line.
fn print_trace(
    call: &Syscall,
    args: fmt::Arguments<'_>,
    result: &dyn fmt::Display,
    started: Instant,
) {
    let elapsed = started.elapsed();
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("?");
    let line = format!("[groundup {name}] {}({args}) = {result}  ({elapsed:.1?})\n", call.name);
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

// ---------------------------------------------------------------------------
// Return conventions
// ---------------------------------------------------------------------------

/// Integer return types whose failure value is `-1` (`int`, `ssize_t`).
#[cfg(unix)]
pub(crate) trait MinusOne: Copy + PartialEq + fmt::Debug {
    /// The value that means "failed, see errno".
    const MINUS_ONE: Self;
}

#[cfg(unix)]
impl MinusOne for i32 {
    const MINUS_ONE: Self = -1;
}

#[cfg(unix)]
impl MinusOne for isize {
    const MINUS_ONE: Self = -1;
}

/// `long` where it is 64 bits and not `isize` to Rust (`syscall(2)` returns
/// a `long`).
#[cfg(unix)]
impl MinusOne for i64 {
    const MINUS_ONE: Self = -1;
}

/// Makes a call whose C convention is "returns -1 and sets `errno` on
/// failure" and turns the result into an `io::Result`.
///
/// `args` is only formatted when tracing is on; build it with
/// `format_args!` at the call site.
#[cfg(unix)]
#[inline]
pub(crate) fn minus_one<T: MinusOne>(
    call: &'static Syscall,
    args: fmt::Arguments<'_>,
    f: impl FnOnce() -> T,
) -> io::Result<T> {
    checked(call, args, f, |ret| (ret == T::MINUS_ONE).then(io::Error::last_os_error))
}

/// The part every convention shares: count the call, make it, let `error`
/// decide (reading the thread's error code at once) whether it failed, and
/// print the trace line if tracing is on.
#[inline]
fn checked<T: Copy + fmt::Debug>(
    call: &'static Syscall,
    args: fmt::Arguments<'_>,
    f: impl FnOnce() -> T,
    error: impl FnOnce(T) -> Option<io::Error>,
) -> io::Result<T> {
    call.record();
    if !tracing() {
        let ret = f();
        return match error(ret) {
            None => Ok(ret),
            Some(e) => Err(e),
        };
    }
    let started = Instant::now();
    let ret = f();
    let result = match error(ret) {
        None => Ok(ret),
        Some(e) => Err(e),
    };
    match &result {
        Ok(ret) => print_trace(call, args, &format_args!("{ret:?}"), started),
        Err(e) => print_trace(call, args, &format_args!("{ret:?} ({e})"), started),
    }
    result
}

#[cfg(groundup_backend = "iocp")]
pub(crate) use windows::{
    error_code, invalid_socket, nt_status, null_handle, socket_error, wait_failed, win_bool,
};

/// The Windows conventions. Error codes are read through groundup-ffi's own
/// `GetLastError`/`WSAGetLastError` and become `io::Error`s with
/// `from_raw_os_error`, so std's `ErrorKind` mapping (`WSAEWOULDBLOCK` →
/// `WouldBlock`, …) applies as for any Windows error.
#[cfg(groundup_backend = "iocp")]
mod windows {
    use std::fmt;
    use std::io;

    use groundup_ffi::windows as ffi;

    use super::{Syscall, checked};

    /// A kernel32 `BOOL` function: 0 means failure, reason in `GetLastError()`.
    #[inline]
    pub(crate) fn win_bool(
        call: &'static Syscall,
        args: fmt::Arguments<'_>,
        f: impl FnOnce() -> ffi::BOOL,
    ) -> io::Result<()> {
        checked(call, args, f, |ret| (ret == 0).then(last_error)).map(drop)
    }

    /// A kernel32 function returning a `HANDLE` that is `NULL` on failure,
    /// reason in `GetLastError()`.
    #[inline]
    pub(crate) fn null_handle(
        call: &'static Syscall,
        args: fmt::Arguments<'_>,
        f: impl FnOnce() -> ffi::HANDLE,
    ) -> io::Result<ffi::HANDLE> {
        checked(call, args, f, |ret| ret.is_null().then(last_error))
    }

    /// An ntdll function returning an `NTSTATUS`. Error-severity statuses
    /// (the top two bits set: what the SDK's `NT_ERROR` macro tests) become
    /// the Win32 error `RtlNtStatusToDosError` gives; the others are returned
    /// for the caller to tell apart: success, `STATUS_PENDING` and other
    /// informational codes, and warnings (`0x8…`). A warning is not a
    /// failure in NT: the operation happened, and an asynchronous one still
    /// queues its completion packet, so a caller that counts packets must
    /// not take it for an error.
    #[inline]
    pub(crate) fn nt_status(
        call: &'static Syscall,
        args: fmt::Arguments<'_>,
        f: impl FnOnce() -> ffi::NTSTATUS,
    ) -> io::Result<ffi::NTSTATUS> {
        let is_error = |status: ffi::NTSTATUS| (status as u32) >> 30 == 0b11;
        checked(call, args, || Status(f()), |Status(ret)| is_error(ret).then(|| nt_error(ret)))
            .map(|Status(ret)| ret)
    }

    /// The `io::Error` for a failed `NTSTATUS`.
    fn nt_error(status: ffi::NTSTATUS) -> io::Error {
        // SAFETY: RtlNtStatusToDosError takes an integer and only looks it
        // up in a table; any value is accepted.
        let code = unsafe { ffi::RtlNtStatusToDosError(status) };
        // Win32 error codes are small positive numbers; std stores them as
        // i32, as GetLastError's DWORD is stored by `last_os_error`.
        io::Error::from_raw_os_error(code as i32)
    }

    /// A ws2_32 function returning `SOCKET_ERROR` (-1) on failure, reason
    /// in `WSAGetLastError()`.
    #[inline]
    pub(crate) fn socket_error(
        call: &'static Syscall,
        args: fmt::Arguments<'_>,
        f: impl FnOnce() -> core::ffi::c_int,
    ) -> io::Result<core::ffi::c_int> {
        checked(call, args, f, |ret| (ret == ffi::SOCKET_ERROR).then(wsa_error))
    }

    /// A ws2_32 function returning a `SOCKET` that is `INVALID_SOCKET` on
    /// failure, reason in `WSAGetLastError()`.
    #[inline]
    pub(crate) fn invalid_socket(
        call: &'static Syscall,
        args: fmt::Arguments<'_>,
        f: impl FnOnce() -> ffi::SOCKET,
    ) -> io::Result<ffi::SOCKET> {
        checked(
            call,
            args,
            || Socket(f()),
            |Socket(ret)| (ret == ffi::INVALID_SOCKET).then(wsa_error),
        )
        .map(|Socket(ret)| ret)
    }

    /// A function that returns its error code: 0 is success, anything else
    /// the reason (`WSAStartup`, which cannot rely on `WSAGetLastError`
    /// before Winsock is loaded).
    #[inline]
    pub(crate) fn error_code(
        call: &'static Syscall,
        args: fmt::Arguments<'_>,
        f: impl FnOnce() -> core::ffi::c_int,
    ) -> io::Result<()> {
        checked(call, args, f, |ret| (ret != 0).then(|| io::Error::from_raw_os_error(ret)))
            .map(drop)
    }

    /// `WaitForSingleObject`'s `DWORD`: `WAIT_FAILED` means failure, reason
    /// in `GetLastError()`; any other value (`WAIT_OBJECT_0`,
    /// `WAIT_TIMEOUT`) is returned for the caller to tell apart.
    #[inline]
    pub(crate) fn wait_failed(
        call: &'static Syscall,
        args: fmt::Arguments<'_>,
        f: impl FnOnce() -> ffi::DWORD,
    ) -> io::Result<ffi::DWORD> {
        checked(call, args, f, |ret| (ret == ffi::WAIT_FAILED).then(last_error))
    }

    fn wsa_error() -> io::Error {
        // SAFETY: WSAGetLastError only reads this thread's Winsock error
        // slot.
        io::Error::from_raw_os_error(unsafe { ffi::WSAGetLastError() })
    }

    fn last_error() -> io::Error {
        // SAFETY: GetLastError only reads this thread's last-error slot.
        let code = unsafe { ffi::GetLastError() };
        io::Error::from_raw_os_error(code as i32)
    }

    /// A `SOCKET` that traces in hex like the handle it is, and
    /// `INVALID_SOCKET` by name rather than as 18446744073709551615.
    #[derive(Clone, Copy)]
    struct Socket(ffi::SOCKET);

    impl fmt::Debug for Socket {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if self.0 == ffi::INVALID_SOCKET {
                f.write_str("INVALID_SOCKET")
            } else {
                write!(f, "{:#x}", self.0)
            }
        }
    }

    /// An `NTSTATUS` that traces in hex, the way status codes are written
    /// everywhere (`0xc0000120`, not `-1073741536`).
    #[derive(Clone, Copy)]
    struct Status(ffi::NTSTATUS);

    impl fmt::Debug for Status {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{:#010x}", self.0)
        }
    }
}

/// The names, in `names`' order, of the bits of `bits` that `names` knows.
pub(crate) fn flag_names<'a>(
    bits: u32,
    names: &'a [(u32, &'a str)],
) -> impl Iterator<Item = &'a str> + 'a {
    names.iter().filter(move |&&(bit, _)| bits & bit != 0).map(|&(_, name)| name)
}

/// Writes the names of the bits of `bits` that `names` knows, as C spells
/// such an expression (`EPOLLIN|EPOLLET`), or `0` when none is set: the
/// flags of a trace line or a `Debug` output, readable against the man page.
#[cfg_attr(groundup_backend = "kqueue", allow(dead_code))] // kqueue prefixes a filter
pub(crate) fn write_flags(
    f: &mut fmt::Formatter<'_>,
    bits: u32,
    names: &[(u32, &str)],
) -> fmt::Result {
    let mut first = true;
    for name in flag_names(bits, names) {
        f.write_str(if first { "" } else { "|" })?;
        f.write_str(name)?;
        first = false;
    }
    if first {
        f.write_str("0")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    static NOOP: Syscall = Syscall::new("groundup_test_noop");
    static FAILS: Syscall = Syscall::new("groundup_test_fails");
    /// Made by `counts_by_name` alone: the tests of one binary run in
    /// parallel, and a counter another test also bumps would race the count.
    static COUNTED: Syscall = Syscall::new("groundup_test_counted");

    #[test]
    fn counts_by_name() {
        let before = snapshot().get("groundup_test_counted").copied().unwrap_or(0);
        for _ in 0..3 {
            assert_eq!(checked(&COUNTED, format_args!(""), || 7i32, |_| None).unwrap(), 7);
        }
        assert_eq!(snapshot()["groundup_test_counted"], before + 3);
    }

    #[cfg(unix)]
    #[test]
    fn minus_one_reports_errno() {
        // A failing call: the errno it set is what is reported.
        let err = minus_one(&FAILS, format_args!("-1"), || {
            // SAFETY: closing an invalid descriptor number touches no
            // resource; it fails with EBADF (9 on every Unix).
            unsafe { groundup_ffi::unix::close(-1) }
        })
        .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(9), "{err}");
    }

    #[cfg(groundup_backend = "iocp")]
    #[test]
    fn windows_conventions_report_their_own_error_codes() {
        use groundup_ffi::windows as ffi;

        // BOOL: 0 and GetLastError. Closing NULL fails with
        // ERROR_INVALID_HANDLE.
        let err = win_bool(&FAILS, format_args!("NULL"), || {
            // SAFETY: closing the null handle closes nothing; it only fails.
            unsafe { ffi::CloseHandle(std::ptr::null_mut()) }
        })
        .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(ffi::ERROR_INVALID_HANDLE as i32));

        // NTSTATUS: error severity is an error, translated; others,
        // warnings included (STATUS_BUFFER_OVERFLOW), are returned.
        let err = nt_status(&FAILS, format_args!(""), || ffi::STATUS_CANCELLED).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(ffi::ERROR_OPERATION_ABORTED as i32));
        let pending = nt_status(&NOOP, format_args!(""), || ffi::STATUS_PENDING).unwrap();
        assert_eq!(pending, ffi::STATUS_PENDING);
        let warning = 0x8000_0005_u32 as ffi::NTSTATUS;
        assert_eq!(nt_status(&NOOP, format_args!(""), || warning).unwrap(), warning);

        // SOCKET_ERROR and WSAGetLastError: not a socket.
        let _winsock_started = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut on: ffi::u_long = 1;
        let err = socket_error(&FAILS, format_args!(""), || {
            // SAFETY: FIONBIO reads one u_long, and `on` is live; the
            // invalid socket makes the call fail before anything else.
            unsafe { ffi::ioctlsocket(ffi::INVALID_SOCKET, ffi::FIONBIO, &raw mut on) }
        })
        .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(10038), "WSAENOTSOCK: {err}");

        // INVALID_SOCKET and WSAGetLastError: accepting on no socket.
        let err = invalid_socket(&FAILS, format_args!(""), || {
            // SAFETY: null address and length pointers are allowed (no peer
            // address is wanted); the invalid socket makes the call fail
            // before anything else.
            unsafe { ffi::accept(ffi::INVALID_SOCKET, std::ptr::null_mut(), std::ptr::null_mut()) }
        })
        .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(10038), "WSAENOTSOCK: {err}");

        // WAIT_FAILED and GetLastError: waiting for no handle; any other
        // value is returned (WAIT_TIMEOUT for a wait that timed out).
        let err = wait_failed(&FAILS, format_args!("NULL, 0"), || {
            // SAFETY: waiting for the null handle waits for nothing; it
            // only fails.
            unsafe { ffi::WaitForSingleObject(std::ptr::null_mut(), 0) }
        })
        .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(ffi::ERROR_INVALID_HANDLE as i32));
        assert_eq!(
            wait_failed(&NOOP, format_args!(""), || ffi::WAIT_TIMEOUT).unwrap(),
            ffi::WAIT_TIMEOUT
        );

        // A returned error code (WSAStartup's convention): 0 is success,
        // anything else is the error itself.
        error_code(&NOOP, format_args!(""), || 0).unwrap();
        let err = error_code(&FAILS, format_args!(""), || 10092).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(10092), "WSAVERNOTSUPPORTED: {err}");
    }

    /// The wrapper's own cost, tracing off: `cargo test --release --lib --
    /// --ignored wrapper_overhead --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check"]
    fn wrapper_overhead() {
        const CALLS: u32 = 50_000_000;
        set_trace(false);
        let start = Instant::now();
        for i in 0..CALLS {
            let r = checked(
                &NOOP,
                format_args!("{i}"),
                || std::hint::black_box(i as i32),
                |ret| (ret == -1).then(io::Error::last_os_error),
            );
            std::hint::black_box(r.is_ok());
        }
        let wrapped = start.elapsed();
        let start = Instant::now();
        for i in 0..CALLS {
            std::hint::black_box(std::hint::black_box(i as i32) == -1);
        }
        let bare = start.elapsed();
        println!("wrapped {:?}/call, bare {:?}/call", wrapped / CALLS, bare / CALLS);
    }
}
