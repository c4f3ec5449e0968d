//! [`Id`]: which runtime a [`Handle`](super::Handle) belongs to.
//!
//! Drawn from one process-wide counter when the runtime is built, as task
//! ids are (`task/id.rs`): a 64-bit counter that would take centuries to
//! wrap at a billion runtimes a second, so no two runtimes of a process
//! share one.

use std::fmt;
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering};

/// An opaque id of a runtime, unique among the runtimes of this process;
/// as tokio's `runtime::Id` (unstable there, cheap here).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let a = groundup::Runtime::new()?;
/// let b = groundup::Runtime::new()?;
/// assert_ne!(a.handle().id(), b.handle().id());
/// assert_eq!(a.handle().id(), a.handle().clone().id());
/// let id = a.handle().id();
/// a.block_on(async move {
///     assert_eq!(groundup::runtime::Handle::current().id(), id);
/// });
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct Id(NonZeroU64);

impl Id {
    /// A fresh id's value, never returned before in this process (the
    /// ambient context keeps it bare: it sits below this module).
    pub(crate) fn next_raw() -> NonZeroU64 {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        // Relaxed: the only promise is that no two calls get the same
        // value, which any read-modify-write keeps (it reads the latest
        // value in the counter's modification order); nothing is published
        // through the counter.
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        // Zero only once the counter has wrapped (see the module docs):
        // draw again.
        NonZeroU64::new(n).unwrap_or_else(Id::next_raw)
    }

    pub(crate) fn from_raw(raw: NonZeroU64) -> Id {
        Id(raw)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
