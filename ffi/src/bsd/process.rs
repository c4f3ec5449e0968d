//! Signals and child processes on macOS and the BSDs: `struct sigaction`
//! (four layouts), the signal numbers, `EVFILT_PROC`.
//!
//! Kept in a file of its own, beside the per-system files, because what it
//! declares is mostly common to all five systems: the signal numbers come
//! from 4.4BSD and never diverged, as did the `SA_*` flags and `NOTE_EXIT`.
//! The exceptions are named here with their system: the order of the
//! fields of `struct sigaction` and the size of `sigset_t`, and NetBSD's
//! zero-based filter numbers.
//!
//! | 64-bit | Apple | FreeBSD | NetBSD | OpenBSD | DragonFly |
//! |---|---|---|---|---|---|
//! | `sigset_t` | `uint32_t` | `struct { uint32_t __bits[4]; }` | same as FreeBSD | `unsigned int` | same as FreeBSD |
//! | `struct sigaction` | handler, mask, flags | handler, flags, mask | handler, mask, flags | handler, mask, flags | handler, flags, mask |
//! | `sizeof(struct sigaction)` | 16 | 32 | 32 | 16 | 32 |
//! | `sigaction` symbol | `sigaction` | `sigaction` | `__sigaction14` | `sigaction` | `sigaction` |
//! | `EVFILT_PROC` | -5 | -5 | 4 | -5 | -5 |
//!
//! Sources: each system's `sys/signal.h` (`sys/_sigset.h` on FreeBSD and
//! DragonFly, `sys/sigtypes.h` on NetBSD, `sys/_types/_sigset_t.h` on
//! Apple) and `sys/event.h`. Man pages:
//! [sigaction(2)](https://man.freebsd.org/cgi/man.cgi?query=sigaction&sektion=2),
//! [kqueue(2)](https://man.freebsd.org/cgi/man.cgi?query=kqueue&sektion=2)
//! (`EVFILT_PROC`).

use core::ffi::c_int;

use super::sighandler_t;

/// `typedef __int32_t pid_t;` — `<sys/types.h>`: a process id, 32 bits on
/// every BSD and Apple system.
pub type pid_t = i32;

unsafe extern "C" {
    /// `pid_t getpid(void);`
    ///
    /// Header `<unistd.h>`; man page
    /// [getpid(2)](https://man.freebsd.org/cgi/man.cgi?query=getpid&sektion=2).
    /// Always succeeds. The tests use it to signal their own process.
    pub fn getpid() -> pid_t;
}

/// `SIGHUP`, `<signal.h>`: the controlling terminal hung up; by convention
/// a daemon's "reload your configuration".
pub const SIGHUP: c_int = 1;
/// `SIGINT`, `<signal.h>`: interrupt from the keyboard (Ctrl-C).
pub const SIGINT: c_int = 2;
/// `SIGQUIT`, `<signal.h>`: quit from the keyboard (Ctrl-\\).
pub const SIGQUIT: c_int = 3;
/// `SIGILL`, `<signal.h>`: illegal instruction (a fault).
pub const SIGILL: c_int = 4;
/// `SIGFPE`, `<signal.h>`: arithmetic fault.
pub const SIGFPE: c_int = 8;
/// `SIGKILL`, `<signal.h>`: kill; cannot be caught, blocked or ignored.
pub const SIGKILL: c_int = 9;
/// `SIGBUS`, `<signal.h>`: bus error (a fault; Rust's std handles it to
/// report stack overflows on these systems).
pub const SIGBUS: c_int = 10;
/// `SIGSEGV`, `<signal.h>`: invalid memory reference (a fault).
pub const SIGSEGV: c_int = 11;
/// `SIGPIPE`, `<signal.h>`: a write to a pipe or socket nobody reads.
pub const SIGPIPE: c_int = 13;
/// `SIGALRM`, `<signal.h>`: the timer of `alarm(3)` expired.
pub const SIGALRM: c_int = 14;
/// `SIGTERM`, `<signal.h>`: a polite request to terminate.
pub const SIGTERM: c_int = 15;
/// `SIGSTOP`, `<signal.h>`: stop; cannot be caught, blocked or ignored.
pub const SIGSTOP: c_int = 17;
/// `SIGCHLD`, `<signal.h>`: a child process stopped or exited.
pub const SIGCHLD: c_int = 20;
/// `SIGIO`, `<signal.h>`: I/O is possible on a descriptor set up for it.
pub const SIGIO: c_int = 23;
/// `SIGWINCH`, `<signal.h>`: the terminal window changed size.
pub const SIGWINCH: c_int = 28;
/// `SIGINFO`, `<signal.h>`: a status request from the keyboard (Ctrl-T);
/// a BSD signal Linux does not have.
pub const SIGINFO: c_int = 29;
/// `SIGUSR2`, `<signal.h>`: a second signal with no predefined meaning.
pub const SIGUSR2: c_int = 31;

/// `SA_RESTART`, `<signal.h>`: system calls the handler interrupts are
/// restarted instead of failing with `EINTR` (where the call allows it:
/// `kevent` never is).
pub const SA_RESTART: c_int = 0x0002;
/// `SA_SIGINFO`, `<signal.h>`: the handler takes three arguments (`int`,
/// `siginfo_t *`, `void *` context) and is stored in `sa_sigaction`.
pub const SA_SIGINFO: c_int = 0x0040;

/// `typedef __uint32_t sigset_t;` — Apple's `<sys/_types/_sigset_t.h>` and
/// OpenBSD's `<sys/signal.h>` (`unsigned int`): one bit per signal, 32
/// signals.
#[cfg(any(target_vendor = "apple", target_os = "openbsd"))]
pub type sigset_t = u32;

/// `typedef struct __sigset { __uint32_t __bits[4]; } sigset_t;` —
/// FreeBSD's and DragonFly's `<sys/_sigset.h>`, NetBSD's `<sys/sigtypes.h>`
/// (where the struct has no tag): 128 signals.
#[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd"))]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sigset_t {
    /// One bit per signal number.
    pub __bits: [u32; 4],
}

/// `struct sigaction { union __sigaction_u __sigaction_u; sigset_t sa_mask; int sa_flags; };`
///
/// Header `<sys/signal.h>` (Apple, OpenBSD; NetBSD names the union `_sa_u`).
/// The union of `__sa_handler` and `__sa_sigaction` is declared as the
/// address it holds (`SIG_DFL` is 0, `SIG_IGN` 1); `sa_sigaction` is a macro
/// for its three-argument member, which is how the ABI test names it.
#[cfg(any(target_vendor = "apple", target_os = "openbsd", target_os = "netbsd"))]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sigaction {
    /// The handler: `SIG_DFL`, `SIG_IGN`, or a function's address.
    pub sa_sigaction: sighandler_t,
    /// Signals blocked while the handler runs (besides the signal itself).
    pub sa_mask: sigset_t,
    /// `SA_*` flags.
    pub sa_flags: c_int,
}

/// `struct sigaction { union { … } __sigaction_u; int sa_flags; sigset_t sa_mask; };`
///
/// Header `<sys/signal.h>` (FreeBSD, DragonFly): the flags come before the
/// mask here. The union is declared as on the other systems.
#[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sigaction {
    /// The handler: `SIG_DFL`, `SIG_IGN`, or a function's address.
    pub sa_sigaction: sighandler_t,
    /// `SA_*` flags.
    pub sa_flags: c_int,
    /// Signals blocked while the handler runs (besides the signal itself).
    pub sa_mask: sigset_t,
}

#[cfg(all(target_pointer_width = "64", any(target_vendor = "apple", target_os = "openbsd")))]
const _: () = assert!(size_of::<sigaction>() == 16 && align_of::<sigaction>() == 8);
#[cfg(all(
    target_pointer_width = "64",
    any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd")
))]
const _: () = assert!(size_of::<sigaction>() == 32 && align_of::<sigaction>() == 8);

/// `EVFILT_PROC`: events of the process whose pid is the knote's `ident`,
/// selected by `fflags` (`NOTE_EXIT` and others). `<sys/event.h>`; see
/// kqueue(2). After `NOTE_EXIT` is reported the kernel removes the knote
/// by itself (it sets `EV_ONESHOT`); a later `EV_DELETE` fails with
/// `ENOENT`.
#[cfg(not(target_os = "netbsd"))]
pub const EVFILT_PROC: i16 = -5;
/// `EVFILT_PROC` (NetBSD, whose filters are numbered from 0; its `filter`
/// field is a `uint32_t`).
#[cfg(target_os = "netbsd")]
pub const EVFILT_PROC: u32 = 4;

/// `NOTE_EXIT`: in `fflags` of an `EVFILT_PROC` knote, report the process's
/// exit. The same value on every system. `<sys/event.h>`.
pub const NOTE_EXIT: u32 = 0x8000_0000;

/// `WNOHANG`, `<sys/wait.h>`: `waitpid` returns 0 at once instead of
/// waiting when the child has not exited.
pub const WNOHANG: c_int = 1;

/// `ESRCH`, `<errno.h>`: no such process (also what `EVFILT_PROC`'s
/// `EV_ADD` says for a process that has already exited, on some systems).
pub const ESRCH: c_int = 3;
