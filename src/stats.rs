//! What groundup asked of the kernel: system call counts by name.
//!
//! Every system call groundup makes goes through one wrapper per C return
//! convention (`src/sys/syscall.rs`), which counts it here under its C name.
//! The counts are process-wide and start at zero; [`syscalls`] takes a
//! snapshot and [`Syscalls::since`] subtracts an earlier one, which is how the
//! demo and the benchmarks report "syscalls per request".
//!
//! ```
//! # fn main() -> std::io::Result<()> {
//! use groundup::poll::{Events, Poll};
//! use std::time::Duration;
//!
//! let before = groundup::stats::syscalls();
//! let mut poll = Poll::new()?;
//! poll.poll(&mut Events::with_capacity(8), Some(Duration::ZERO))?;
//! let made = groundup::stats::syscalls().since(&before);
//! # #[cfg(groundup_backend = "epoll")]
//! assert!(made.get("epoll_wait") >= 1);
//! # #[cfg(groundup_backend = "kqueue")]
//! assert!(made.get("kevent") >= 1);
//! # #[cfg(groundup_backend = "iocp")]
//! assert!(made.get("GetQueuedCompletionStatusEx") >= 1);
//! # Ok(())
//! # }
//! ```
//!
//! Setting `GROUNDUP_TRACE=1` in the environment (or calling [`trace`])
//! additionally prints each call to stderr with its arguments, result and
//! duration, strace-style.
//!
//! What is *not* counted: system calls made by std on groundup's behalf —
//! spawning the reactor thread, allocating memory — and by your own code.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;

use crate::sys::syscall;

/// Counts of system calls by C name (`"epoll_wait"`, `"read"`, …).
///
/// Derefs to the underlying `BTreeMap<&'static str, u64>`; names that were
/// never called are absent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Syscalls(BTreeMap<&'static str, u64>);

/// A snapshot of the process-wide system call counts.
pub fn syscalls() -> Syscalls {
    Syscalls(syscall::snapshot())
}

/// Turns the per-call trace on or off for the whole process, overriding the
/// `GROUNDUP_TRACE` environment variable.
pub fn trace(enabled: bool) {
    syscall::set_trace(enabled);
}

impl Syscalls {
    /// The count for `name`, 0 if it was never called.
    pub fn get(&self, name: &str) -> u64 {
        self.0.get(name).copied().unwrap_or(0)
    }

    /// All calls, all names.
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }

    /// The calls made after `earlier` was taken (names with no new calls are
    /// left out).
    #[must_use]
    pub fn since(&self, earlier: &Syscalls) -> Syscalls {
        let made = self.0.iter().filter_map(|(&name, &now)| {
            let delta = now.saturating_sub(earlier.get(name));
            (delta > 0).then_some((name, delta))
        });
        Syscalls(made.collect())
    }

    /// The counts as a map.
    pub fn into_inner(self) -> BTreeMap<&'static str, u64> {
        self.0
    }
}

impl Deref for Syscalls {
    type Target = BTreeMap<&'static str, u64>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'a> IntoIterator for &'a Syscalls {
    type Item = (&'a &'static str, &'a u64);
    type IntoIter = std::collections::btree_map::Iter<'a, &'static str, u64>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// One line per name, most frequent first: `  epoll_wait  1234`.
impl fmt::Display for Syscalls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rows: Vec<_> = self.0.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        for (name, count) in rows {
            writeln!(f, "  {name:<width$}  {count:>10}")?;
        }
        Ok(())
    }
}
