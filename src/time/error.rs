//! The errors of `groundup::time`, under tokio's path: [`Elapsed`] (a
//! [`timeout`](super::timeout) whose deadline passed first) and [`Error`]
//! (a timer that could not be used).
//!
//! groundup's timers never fail with an [`Error`]: the wheel has no
//! capacity limit, a deadline beyond its reach waits in its farthest
//! slot and is moved along, and a timer outside a runtime panics with a
//! message naming the fix (as tokio's `sleep` does). The type is here so that code written
//! against tokio's (which names it, builds one, or matches on its kind)
//! ports by renaming.

use std::fmt;

pub use super::timeout::Elapsed;

/// A timer error, as tokio's `time::error::Error`: the timer's runtime
/// was shut down, the timer wheel was full, or the duration was out of
/// range. Made by [`shutdown`](Error::shutdown),
/// [`at_capacity`](Error::at_capacity) and [`invalid`](Error::invalid).
///
/// ```
/// use groundup::time::error::Error;
///
/// let err = Error::at_capacity();
/// assert!(err.is_at_capacity() && !err.is_shutdown() && !err.is_invalid());
/// assert_eq!(err.to_string(), "timer is at capacity and cannot create a new entry");
/// let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
/// # drop(boxed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error(Kind);

/// Which of the three an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Shutdown,
    AtCapacity,
    Invalid,
}

impl Error {
    /// The error of a timer whose runtime was shut down.
    ///
    /// ```
    /// assert!(groundup::time::error::Error::shutdown().is_shutdown());
    /// ```
    pub fn shutdown() -> Error {
        Error(Kind::Shutdown)
    }

    /// Whether this is a [`shutdown`](Error::shutdown) error.
    ///
    /// ```
    /// use groundup::time::error::Error;
    ///
    /// assert!(Error::shutdown().is_shutdown());
    /// assert!(!Error::invalid().is_shutdown());
    /// ```
    pub fn is_shutdown(&self) -> bool {
        self.0 == Kind::Shutdown
    }

    /// The error of a timer that found the timer wheel full.
    ///
    /// ```
    /// assert!(groundup::time::error::Error::at_capacity().is_at_capacity());
    /// ```
    pub fn at_capacity() -> Error {
        Error(Kind::AtCapacity)
    }

    /// Whether this is an [`at_capacity`](Error::at_capacity) error.
    ///
    /// ```
    /// use groundup::time::error::Error;
    ///
    /// assert!(Error::at_capacity().is_at_capacity());
    /// assert!(!Error::shutdown().is_at_capacity());
    /// ```
    pub fn is_at_capacity(&self) -> bool {
        self.0 == Kind::AtCapacity
    }

    /// The error of a misconfigured timer (its duration out of range).
    ///
    /// ```
    /// assert!(groundup::time::error::Error::invalid().is_invalid());
    /// ```
    pub fn invalid() -> Error {
        Error(Kind::Invalid)
    }

    /// Whether this is an [`invalid`](Error::invalid) error.
    ///
    /// ```
    /// use groundup::time::error::Error;
    ///
    /// assert!(Error::invalid().is_invalid());
    /// assert!(!Error::at_capacity().is_invalid());
    /// ```
    pub fn is_invalid(&self) -> bool {
        self.0 == Kind::Invalid
    }
}

impl fmt::Display for Error {
    /// tokio's messages, but for the runtime's name in the shutdown one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Kind::Shutdown => {
                "the timer is shutdown, must be called from the context of a groundup runtime"
            }
            Kind::AtCapacity => "timer is at capacity and cannot create a new entry",
            Kind::Invalid => "timer duration exceeds maximum duration",
        })
    }
}

impl std::error::Error for Error {}
