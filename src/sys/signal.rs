//! Unix signals, the kernel side: the handler groundup installs with
//! `sigaction(2)`, and the socket pair it writes to (the "self-pipe").
//!
//! ## Why a self-pipe
//!
//! A signal handler interrupts whatever its thread was doing, at any
//! instruction: inside `malloc`, holding a lock, halfway through a
//! `Vec::push`. It may only touch what cannot be in such a state, which
//! POSIX lists as the *async-signal-safe* functions (signal-safety(7)):
//! `write(2)` is one, and lock-free atomics are safe by construction. So
//! the handler here does exactly three things: it counts the delivery in an
//! atomic, writes one byte to a non-blocking socket (unless a byte it wrote
//! is still unread), and calls the handler it replaced, if any. Everything
//! else (waking tasks, which takes locks) happens later, in ordinary code,
//! when the byte has made the socket readable and the reactor has reported
//! it like any other readable socket.
//!
//! The alternatives, and why not:
//!
//! - **`signalfd(2)`** (Linux) turns signals into a readable descriptor
//!   with no handler at all, but only for signals *blocked in every
//!   thread*: a signal unblocked in any thread is delivered there the usual
//!   way (to its disposition), and the descriptor never sees it. The
//!   reactor thread, std's threads and any library's threads exist before
//!   user code asks for a signal, and their masks cannot be changed from
//!   outside them.
//! - **kqueue's `EVFILT_SIGNAL`** records deliveries *beside* the normal
//!   disposition, which still runs: with `SIG_DFL`, `SIGTERM` still kills
//!   the process. A handler (or `SIG_IGN`, which kqueue still counts) is
//!   needed anyway, and `SIG_IGN` would break chaining to a previous
//!   handler; the same self-pipe then works on every Unix alike.
//!
//! ## What the handler guarantees
//!
//! - **Nothing is lost while a listener exists.** `deliveries` is bumped on
//!   every handler run before anything else, so a listener that compares it
//!   with the value it saw last never misses that a delivery happened.
//!   Deliveries close together *merge*: the kernel itself keeps only one
//!   pending instance of a standard signal, and a listener that was not
//!   waiting sees any number of new deliveries as one.
//! - **At most two bytes are ever unread**, so the handler's `write` never
//!   meets a full buffer: it writes only when `byte_pending` was clear, and
//!   whoever drains the socket clears the flag *after* reading it empty
//!   (see [`Installed::finish_drain`] for why that order). A `write` that
//!   cannot fail never sets `errno`, which the interrupted code may be about
//!   to read: the handler has no `errno` of its own to save and restore.
//! - **A handler installed before groundup's is chained**: its address and
//!   flags are read with `sigaction` before groundup's goes in, and
//!   groundup's handler calls it after its own work, with the same
//!   arguments. `SIG_DFL` and `SIG_IGN` are not "called": once groundup
//!   listens for a signal, its default action (terminating, for `SIGINT`
//!   and `SIGTERM`) no longer happens.
//! - **Installing is process-wide and permanent.** Dispositions belong to
//!   the process, and a handler cannot be removed safely while another
//!   thread may be running it; groundup's stays for the rest of the
//!   process, as tokio's does. A library that installs its own handler
//!   *after* groundup's replaces it, and groundup's listeners hear nothing
//!   more (unless that library chains).
//!
//! The flags are `SA_SIGINFO` (so the `siginfo_t` and context can be passed
//! on to a chained three-argument handler) and `SA_RESTART` (so the
//! system calls of other threads that the signal interrupts are restarted
//! where the kernel allows, instead of failing with `EINTR` in code that
//! does not expect it).
//!
//! ## Signals that cannot be listened for
//!
//! `SIGKILL` and `SIGSTOP` cannot be caught at all. `SIGSEGV`, `SIGBUS`,
//! `SIGILL` and `SIGFPE` are *faults*: they are raised by the instruction
//! that faulted, and returning from a handler that only wrote a byte would
//! run that instruction again, forever (Rust's std also handles `SIGSEGV`
//! and `SIGBUS` to report stack overflows). tokio refuses the same signals
//! (all but `SIGBUS`, which groundup adds for std's sake).

use std::ffi::{c_int, c_void};
use std::io;
use std::os::fd::IntoRawFd;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

#[cfg(groundup_os = "bsd")]
use groundup_ffi::bsd as os;
#[cfg(groundup_os = "linux")]
use groundup_ffi::linux as os;
use groundup_ffi::unix as posix;

use super::net::{Kind, Socket};
use super::syscall::{self, Syscall};
use super::unix::Fd;

static SIGACTION: Syscall = Syscall::new("sigaction");
static WRITE: Syscall = Syscall::new("write");

/// The highest signal number groundup can listen for (the real-time
/// signals of Linux end at 64; the BSDs have 32 signals, NetBSD 63).
pub(crate) const MAX_SIGNAL: c_int = 64;

/// `SIG_DFL` and `SIG_IGN`, the two dispositions that are not a handler.
const SIG_DFL: usize = 0;
const SIG_IGN: usize = 1;

/// Signals that cannot be caught, and faults; see the module docs.
const FORBIDDEN: [(c_int, &str); 6] = [
    (os::SIGKILL, "SIGKILL"),
    (os::SIGSTOP, "SIGSTOP"),
    (os::SIGSEGV, "SIGSEGV"),
    (os::SIGBUS, "SIGBUS"),
    (os::SIGILL, "SIGILL"),
    (os::SIGFPE, "SIGFPE"),
];

/// What groundup knows about one signal number.
struct Slot {
    /// Handler runs so far. Bumped by the handler, compared by listeners.
    deliveries: AtomicUsize,
    /// A byte written by the handler may still be unread.
    byte_pending: AtomicBool,
    /// The write end of the socket pair, or -1 before installation. Read
    /// by the handler; set once, before the handler is installed.
    write_fd: AtomicI32,
    /// The handler that was installed before groundup's (`SIG_DFL`,
    /// `SIG_IGN`, or an address), and its `sa_flags`: set once, before
    /// groundup's handler is installed.
    previous: AtomicUsize,
    previous_flags: AtomicI32,
    /// The read end, once installed; kept for the rest of the process, as
    /// the handler is. Also the lock that makes installation happen once.
    read: Mutex<Option<Socket>>,
}

impl Slot {
    const fn new() -> Slot {
        Slot {
            deliveries: AtomicUsize::new(0),
            byte_pending: AtomicBool::new(false),
            write_fd: AtomicI32::new(-1),
            previous: AtomicUsize::new(SIG_DFL),
            previous_flags: AtomicI32::new(0),
            read: Mutex::new(None),
        }
    }
}

/// One slot per signal number, index 0 unused.
static SLOTS: [Slot; MAX_SIGNAL as usize + 1] = [const { Slot::new() }; MAX_SIGNAL as usize + 1];

/// A signal whose handler is installed.
#[derive(Clone, Copy)]
pub(crate) struct Installed {
    signum: c_int,
    slot: &'static Slot,
}

/// Installs groundup's handler for `signum` if it is not installed yet
/// (process-wide, permanently; see the module docs).
///
/// # Errors
///
/// `InvalidInput` for a number out of range or a forbidden signal (naming
/// it); otherwise what creating the socket pair or `sigaction` says.
pub(crate) fn install(signum: c_int) -> io::Result<Installed> {
    check(signum)?;
    let slot = &SLOTS[signum as usize];
    let mut read = slot.read.lock().unwrap_or_else(PoisonError::into_inner);
    if read.is_none() {
        *read = Some(install_handler(signum, slot)?);
    }
    Ok(Installed { signum, slot })
}

/// Refuses what cannot be listened for, with a message that says why.
fn check(signum: c_int) -> io::Result<()> {
    if let Some((_, name)) = FORBIDDEN.iter().find(|(n, _)| *n == signum) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "groundup cannot listen for {name} (signal {signum}): SIGKILL and SIGSTOP \
                 cannot be caught, and SIGSEGV, SIGBUS, SIGILL and SIGFPE are faults that a \
                 handler must deal with before returning"
            ),
        ));
    }
    if !(1..=MAX_SIGNAL).contains(&signum) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "signal number {signum} is out of range: groundup listens for 1 to {MAX_SIGNAL}"
            ),
        ));
    }
    Ok(())
}

/// Creates the socket pair, records the previous disposition, then
/// installs the handler; returns the read end.
fn install_handler(signum: c_int, slot: &'static Slot) -> io::Result<Socket> {
    let (read, write) = Socket::pair(Kind::Stream)?;
    let previous = query(signum)?;
    // The slot is filled before the handler can run: the handler reads it
    // only once `sigaction` below has installed it. Release pairs with the
    // Acquire loads in the handler (sigaction itself is a system call, a
    // full barrier on every kernel, but the atomics say it in Rust's terms).
    slot.previous.store(previous.sa_sigaction, Ordering::Release);
    slot.previous_flags.store(previous.sa_flags, Ordering::Release);
    slot.write_fd.store(write.into_raw_fd(), Ordering::Release);
    // SAFETY: every field of every system's `struct sigaction` is an
    // integer or an array of integers, for which all-zero is valid: no
    // handler, an empty mask, no flags.
    let mut action: posix::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = handler_address();
    action.sa_flags = os::SA_SIGINFO | os::SA_RESTART;
    let result = syscall::minus_one(
        &SIGACTION,
        format_args!("{signum}, {{handler, SA_SIGINFO|SA_RESTART}}, NULL"),
        || {
            // SAFETY: `action` is a live, initialised struct sigaction that
            // sigaction only reads; the old action is not asked for. The
            // handler it installs is async-signal-safe (see `handler`).
            unsafe { posix::sigaction(signum, &raw const action, ptr::null_mut()) }
        },
    );
    if let Err(e) = result {
        // Not installed: the write end is no longer wanted. The handler
        // cannot run (it was never installed), so nobody reads the number.
        let fd = slot.write_fd.swap(-1, Ordering::AcqRel);
        // SAFETY: `fd` is the write end `into_raw_fd` gave up above, owned
        // by nothing else now that the slot no longer names it.
        drop(unsafe { Fd::from_raw(fd) });
        return Err(e);
    }
    Ok(read)
}

/// The disposition `signum` has now (`sigaction(signum, NULL, &old)`).
fn query(signum: c_int) -> io::Result<posix::sigaction> {
    // SAFETY: as in `install_handler`: all-zero is a valid struct sigaction.
    let mut old: posix::sigaction = unsafe { std::mem::zeroed() };
    syscall::minus_one(&SIGACTION, format_args!("{signum}, NULL, _"), || {
        // SAFETY: `old` is a live, writable struct sigaction; no new action
        // is given, so nothing is installed.
        unsafe { posix::sigaction(signum, ptr::null(), &raw mut old) }
    })?;
    Ok(old)
}

impl Installed {
    /// The signal number.
    pub(crate) fn signum(self) -> c_int {
        self.signum
    }

    /// Handler runs so far (wrapping). SeqCst: see [`finish_drain`](Self::finish_drain).
    pub(crate) fn deliveries(self) -> usize {
        self.slot.deliveries.load(Ordering::SeqCst)
    }

    /// A descriptor of its own for the read end, non-blocking, to register
    /// with a reactor.
    pub(crate) fn reader(self) -> io::Result<Socket> {
        let read = self.slot.read.lock().unwrap_or_else(PoisonError::into_inner);
        match &*read {
            Some(socket) => socket.try_clone(),
            None => unreachable!("an Installed signal has its read end"),
        }
    }

    /// Reads everything the handler wrote through `reader` (any of the
    /// descriptors [`reader`](Self::reader) gave), until `WouldBlock`, and
    /// returns whether there was anything. Call [`finish_drain`](Self::finish_drain)
    /// after a drain that read something.
    pub(crate) fn drain(self, reader: &Socket) -> io::Result<bool> {
        let mut any = false;
        let mut buf = [0u8; 64];
        loop {
            match reader.recv(&mut buf) {
                Ok(0) => return Ok(any), // cannot happen: the write end is never closed
                Ok(_) => any = true,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(any),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Lets the handler write again; then the caller reads
    /// [`deliveries`](Self::deliveries) and tells the listeners.
    ///
    /// The order is what makes the pair lose nothing. The handler bumps
    /// `deliveries`, then swaps `byte_pending` to true and writes only if
    /// it was false; this clears `byte_pending`, then the caller loads
    /// `deliveries`. All four are SeqCst, the store-then-load pattern that
    /// needs a single total order: either the handler's swap comes after
    /// this store (it writes a byte, and a new readable event follows), or
    /// its bump comes before the caller's load (the caller sees it). With
    /// weaker orderings both sides could read the old values, and a
    /// delivery would sit unnoticed with no byte on the way.
    pub(crate) fn finish_drain(self) {
        self.slot.byte_pending.store(false, Ordering::SeqCst);
    }
}

/// groundup's signal handler. Async-signal-safe: atomics, one `write(2)`,
/// and the call of the handler it replaced.
extern "C" fn handler(signum: c_int, info: *mut c_void, context: *mut c_void) {
    let Some(slot) = usize::try_from(signum).ok().and_then(|i| SLOTS.get(i)) else { return };
    // SeqCst: see `Installed::finish_drain`.
    slot.deliveries.fetch_add(1, Ordering::SeqCst);
    if !slot.byte_pending.swap(true, Ordering::SeqCst) {
        write_byte(slot.write_fd.load(Ordering::Acquire));
    }
    chain(slot, signum, info, context);
}

/// The handler's address, as `sa_sigaction` holds it.
fn handler_address() -> usize {
    let f: extern "C" fn(c_int, *mut c_void, *mut c_void) = handler;
    f as usize
}

/// Writes one byte to the socket pair's write end, from the handler.
fn write_byte(fd: c_int) {
    if fd < 0 {
        return; // installation failed after the slot was filled
    }
    // Counted like every call, but not traced: a trace line is not
    // async-signal-safe (see `Syscall::record_in_signal_handler`).
    WRITE.record_in_signal_handler();
    let byte = 1u8;
    // SAFETY: `byte` is one readable byte for the call; `fd` is the write
    // end of the pair, open for the rest of the process (nothing closes it
    // once the handler is installed). write(2) is async-signal-safe. Its
    // result is ignored: with at most two bytes unread (module docs) it
    // cannot fail with EAGAIN, and nothing else can go wrong with an open,
    // connected socket whose reader is never closed, so errno is untouched.
    let _ = unsafe { posix::write(fd, (&raw const byte).cast(), 1) };
}

/// Calls the handler that was installed before groundup's, if there was one.
fn chain(slot: &Slot, signum: c_int, info: *mut c_void, context: *mut c_void) {
    // Acquire pairs with the Release stores in `install_handler`.
    let previous = slot.previous.load(Ordering::Acquire);
    let flags = slot.previous_flags.load(Ordering::Acquire);
    if previous == SIG_DFL || previous == SIG_IGN || previous == handler_address() {
        return;
    }
    if flags & os::SA_SIGINFO != 0 {
        // SAFETY: `previous` is the `sa_sigaction` of a disposition the
        // kernel returned, with SA_SIGINFO set: the address of a function
        // of this type that its installer meant to be called with exactly
        // these arguments, from a signal handler.
        let f = unsafe {
            std::mem::transmute::<usize, extern "C" fn(c_int, *mut c_void, *mut c_void)>(previous)
        };
        f(signum, info, context);
    } else {
        // SAFETY: as above, a one-argument handler (`sa_handler`).
        let f = unsafe { std::mem::transmute::<usize, extern "C" fn(c_int)>(previous) };
        f(signum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_and_out_of_range_signals_are_refused_with_their_name() {
        for (signum, name) in FORBIDDEN {
            let err = install(signum).err().expect("refused");
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
            assert!(err.to_string().contains(name), "{err}");
        }
        for signum in [0, -1, MAX_SIGNAL + 1] {
            let err = install(signum).err().expect("refused");
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{signum}");
            assert!(err.to_string().contains("out of range"), "{err}");
        }
    }
}
