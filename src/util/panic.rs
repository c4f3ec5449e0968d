//! Containing panics where a thread or a structure others depend on must
//! survive them.
//!
//! A waker is user code: groundup's own task wakers never panic, but a
//! future may be polled with any waker, and a waker's `wake` may run
//! anything. The reactor thread wakes wakers for every task's I/O, and the
//! timer driver wakes them in a loop over fired timers: if one panic could
//! unwind through either, one bad waker would stop I/O or timers for every
//! other task. So those call sites run each wake through
//! [`survive_panic`], which reports the panic on stderr and carries on.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`; if it panics, reports the panic on stderr and carries on.
///
/// `AssertUnwindSafe` is sound here because callers only pass closures whose
/// captured state stays consistent when they unwind: a waker that was
/// already taken out of its slot, whose half-run `wake` leaves nothing of
/// ours half-updated.
pub(crate) fn survive_panic(what: &str, f: impl FnOnce()) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
        let message = message(&*payload);
        warn(format_args!("groundup: {what} panicked: {message}; the panic was contained"));
    }
}

/// Writes one line of warning to stderr, ignoring failure. `eprintln!`
/// panics when stderr is closed or a broken pipe (Rust ignores `SIGPIPE`,
/// so a write to a closed pipe is an error, not a signal), and groundup's
/// warnings come from places a panic must not escape: the reactor thread,
/// a contained panic's own report, the reaper.
pub(crate) fn warn(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{args}");
}

/// The text of a panic payload (`panic!` with a literal or with format
/// arguments), or a placeholder for any other payload.
pub(crate) fn message(payload: &(dyn std::any::Any + Send)) -> &str {
    text(payload).unwrap_or("(a non-string payload)")
}

/// The text of a panic payload, if it is one: `panic!` with a literal
/// makes a `&'static str`, with format arguments a `String`.
pub(crate) fn text(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}
