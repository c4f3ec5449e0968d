//! A handler some other code installed before groundup's is chained:
//! groundup's handler calls it after its own work, whether it takes one
//! argument (`sa_handler`) or three (`SA_SIGINFO`).
//!
//! In a binary of its own: it installs handlers for the whole process.
#![cfg(unix)]

mod util;

use std::ffi::{c_int, c_void};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};

use groundup::signal::unix::{SignalKind, signal};
use groundup::time::timeout;

#[cfg(groundup_os = "bsd")]
use groundup::groundup_ffi::bsd as os;
#[cfg(groundup_os = "linux")]
use groundup::groundup_ffi::linux as os;
use groundup::groundup_ffi::unix as posix;

static PLAIN_CALLS: AtomicUsize = AtomicUsize::new(0);
static SIGINFO_CALLS: AtomicUsize = AtomicUsize::new(0);
/// The signal number the three-argument handler was given, and whether its
/// `siginfo_t` pointer was not null (the kernel always passes one).
static SIGINFO_SIGNUM: AtomicUsize = AtomicUsize::new(0);
static SIGINFO_HAD_INFO: AtomicUsize = AtomicUsize::new(0);

extern "C" fn plain(_: c_int) {
    PLAIN_CALLS.fetch_add(1, Ordering::SeqCst);
}

extern "C" fn with_siginfo(signum: c_int, info: *mut c_void, _: *mut c_void) {
    SIGINFO_SIGNUM.store(signum as usize, Ordering::SeqCst);
    SIGINFO_HAD_INFO.store(usize::from(!info.is_null()), Ordering::SeqCst);
    SIGINFO_CALLS.fetch_add(1, Ordering::SeqCst);
}

/// Installs `handler` for `signum` the way another library would.
fn install_foreign(signum: c_int, handler: usize, flags: c_int) {
    // SAFETY: all-zero is a valid struct sigaction (integers only).
    let mut action: posix::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = handler;
    action.sa_flags = flags;
    // SAFETY: `action` is live and initialised; the handlers only touch
    // atomics, which is async-signal-safe.
    let rc = unsafe { posix::sigaction(signum, &raw const action, std::ptr::null_mut()) };
    assert_eq!(rc, 0, "sigaction: {}", io::Error::last_os_error());
}

#[test]
fn a_handler_installed_before_groundup_still_runs() {
    let plain_fn: extern "C" fn(c_int) = plain;
    install_foreign(os::SIGUSR1, plain_fn as usize, 0);
    let siginfo_fn: extern "C" fn(c_int, *mut c_void, *mut c_void) = with_siginfo;
    install_foreign(os::SIGUSR2, siginfo_fn as usize, os::SA_SIGINFO);

    groundup::block_on(async {
        let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
        let mut usr2 = signal(SignalKind::user_defined2()).unwrap();
        for round in 1..=3 {
            util::raise_signal(os::SIGUSR1);
            util::raise_signal(os::SIGUSR2);
            let start = std::time::Instant::now();
            assert_eq!(timeout(util::PATIENCE, usr1.recv()).await.unwrap(), Some(()));
            assert_eq!(timeout(util::PATIENCE, usr2.recv()).await.unwrap(), Some(()));
            assert!(start.elapsed() < util::PATIENCE, "received only at the deadline");
            // Each raise comes after the previous delivery was counted, so
            // none merges with another: each round adds exactly one call to
            // each foreign handler (made after groundup's own work, so it
            // may lag the recv a little).
            util::wait_for("the plain chained handler", || {
                PLAIN_CALLS.load(Ordering::SeqCst) == round
            });
            util::wait_for("the SA_SIGINFO chained handler", || {
                SIGINFO_CALLS.load(Ordering::SeqCst) == round
            });
        }
    });
    assert_eq!(SIGINFO_SIGNUM.load(Ordering::SeqCst), os::SIGUSR2 as usize);
    assert_eq!(SIGINFO_HAD_INFO.load(Ordering::SeqCst), 1, "siginfo_t passed on");
}
