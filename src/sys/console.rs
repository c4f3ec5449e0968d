//! Windows console control events, the kernel side: one handler given to
//! `SetConsoleCtrlHandler`.
//!
//! Windows has no signals. What a Unix program hears as `SIGINT` arrives
//! at a console program as a *control event* (Ctrl-C, Ctrl-Break, the
//! console window closing, the user logging off, the system shutting
//! down), and the system delivers it by **creating a new thread** in the
//! process and calling every registered handler on it, last registered
//! first, until one returns `TRUE`. If none does, the default handler calls
//! `ExitProcess`.
//!
//! Because that thread is an ordinary one, this handler has none of a Unix
//! handler's restrictions: it counts the event, then calls the `notify`
//! function the signal layer gave at installation, which wakes the
//! listeners' tasks directly (no pipe, no completion port: there is nothing
//! to hand over to, the waking itself is safe here). It returns `TRUE` (the
//! event was handled) if any listener exists for the event, so Ctrl-C
//! without a listener still ends the process as usual.
//!
//! Close, logoff and shutdown end the process as soon as the handlers
//! return, whatever they return; the system waits a few seconds first (5
//! for a closing console). So when one of those has a listener, the handler
//! does not return: it parks its thread, and the program has the system's
//! grace period to shut down cleanly (tokio does the same).

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use groundup_ffi::windows as ffi;

use super::syscall::{self, Syscall};

static SET_CONSOLE_CTRL_HANDLER: Syscall = Syscall::new("SetConsoleCtrlHandler");

/// The control events a program can listen for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CtrlEvent {
    /// `CTRL_C_EVENT`.
    C,
    /// `CTRL_BREAK_EVENT`.
    Break,
    /// `CTRL_CLOSE_EVENT`.
    Close,
    /// `CTRL_LOGOFF_EVENT`.
    Logoff,
    /// `CTRL_SHUTDOWN_EVENT`.
    Shutdown,
}

/// How many kinds of event there are, for tables indexed by them.
pub(crate) const EVENTS: usize = 5;

impl CtrlEvent {
    /// The event the system calls the handler with, if groundup knows it.
    fn from_raw(ty: ffi::DWORD) -> Option<CtrlEvent> {
        Some(match ty {
            ffi::CTRL_C_EVENT => CtrlEvent::C,
            ffi::CTRL_BREAK_EVENT => CtrlEvent::Break,
            ffi::CTRL_CLOSE_EVENT => CtrlEvent::Close,
            ffi::CTRL_LOGOFF_EVENT => CtrlEvent::Logoff,
            ffi::CTRL_SHUTDOWN_EVENT => CtrlEvent::Shutdown,
            _ => return None,
        })
    }

    /// Its place in tables of `EVENTS` entries.
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Whether the process ends when the handlers return.
    fn ends_process(self) -> bool {
        matches!(self, CtrlEvent::Close | CtrlEvent::Logoff | CtrlEvent::Shutdown)
    }
}

/// Events so far, by kind.
static DELIVERIES: [AtomicUsize; EVENTS] = [const { AtomicUsize::new(0) }; EVENTS];

/// The signal layer's function: wakes the listeners of an event and says
/// whether there are any.
pub(crate) type Notify = fn(CtrlEvent) -> bool;

static NOTIFY: OnceLock<Notify> = OnceLock::new();

/// Whether the handler is registered; also the lock that makes it happen
/// once.
static INSTALLED: Mutex<bool> = Mutex::new(false);

/// Registers groundup's control handler for the process if it is not yet,
/// with `notify` to call on each event (the first caller's `notify` is the
/// one kept). Permanent, like a Unix handler.
pub(crate) fn install(notify: Notify) -> io::Result<()> {
    let mut installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    if *installed {
        return Ok(());
    }
    let _ = NOTIFY.set(notify);
    syscall::win_bool(&SET_CONSOLE_CTRL_HANDLER, format_args!("handler, TRUE"), || {
        // SAFETY: `handler` is a function of the type the system calls,
        // alive for the whole program; it only touches atomics and calls
        // `notify`, which is safe on any thread.
        unsafe { ffi::SetConsoleCtrlHandler(Some(handler), 1) }
    })?;
    *installed = true;
    Ok(())
}

/// Events of `event`'s kind so far (wrapping). SeqCst, as the handler's
/// bump: the listener's second look must not read an older count than the
/// broadcast that preceded it saw.
pub(crate) fn deliveries(event: CtrlEvent) -> usize {
    DELIVERIES[event.index()].load(Ordering::SeqCst)
}

/// groundup's control handler, called by the system on a thread of its own.
extern "system" fn handler(ty: ffi::DWORD) -> ffi::BOOL {
    let Some(event) = CtrlEvent::from_raw(ty) else { return 0 };
    ffi::BOOL::from(deliver(event))
}

/// Counts the event and tells the listeners; returns whether it was
/// handled. Does not return for an event that ends the process and has a
/// listener (see the module docs).
fn deliver(event: CtrlEvent) -> bool {
    DELIVERIES[event.index()].fetch_add(1, Ordering::SeqCst);
    let Some(notify) = NOTIFY.get() else { return false };
    // A waker is user code; a panic must not unwind into the system's call.
    let handled = std::panic::catch_unwind(|| notify(event)).unwrap_or(true);
    if handled && event.ends_process() {
        loop {
            std::thread::park();
        }
    }
    handled
}

/// The handler's work, for the tests of the signal layer: what the system
/// does on Ctrl-Break, which Wine cannot generate.
#[cfg(test)]
pub(crate) fn deliver_for_test(event: CtrlEvent) -> bool {
    assert!(!event.ends_process(), "the handler would park this thread");
    deliver(event)
}
