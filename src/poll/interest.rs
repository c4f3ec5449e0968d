use std::fmt;
use std::num::NonZeroU8;
use std::ops;

const READABLE: u8 = 0b001;
const WRITABLE: u8 = 0b010;
const PRIORITY: u8 = 0b100;

/// What readiness a source is registered for.
///
/// An `Interest` is never empty (registering for nothing is not a thing any
/// backend can express), which the type enforces by being built only from the
/// constants and combined with `|` or [`add`](Interest::add);
/// [`remove`](Interest::remove) returns `None` rather than an empty set.
///
/// ```
/// use groundup::poll::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// assert_eq!(both.remove(Interest::WRITABLE), Some(Interest::READABLE));
/// assert_eq!(Interest::READABLE.remove(Interest::READABLE), None);
/// ```
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interest(NonZeroU8);

impl Interest {
    /// Readable: data to read, a connection to accept, or the peer closed.
    pub const READABLE: Interest = Interest(NonZeroU8::new(READABLE).unwrap());
    /// Writable: a write will not block, or a connect finished.
    pub const WRITABLE: Interest = Interest(NonZeroU8::new(WRITABLE).unwrap());
    /// Priority: urgent (TCP out-of-band) data or another exceptional
    /// condition (`EPOLLPRI`). Only epoll has it.
    #[cfg(groundup_backend = "epoll")]
    pub const PRIORITY: Interest = Interest(NonZeroU8::new(PRIORITY).unwrap());

    /// Both sets together (the same as `self | other`, usable in `const`).
    #[must_use]
    pub const fn add(self, other: Interest) -> Interest {
        match NonZeroU8::new(self.0.get() | other.0.get()) {
            Some(bits) => Interest(bits),
            None => unreachable!(), // the union of two non-empty sets is non-empty
        }
    }

    /// `self` without `other`, or `None` if nothing is left.
    #[must_use]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        NonZeroU8::new(self.0.get() & !other.0.get()).map(Interest)
    }

    /// Includes readable.
    pub const fn is_readable(self) -> bool {
        self.0.get() & READABLE != 0
    }

    /// Includes writable.
    pub const fn is_writable(self) -> bool {
        self.0.get() & WRITABLE != 0
    }

    /// Includes priority (always `false` where `Interest::PRIORITY` does
    /// not exist).
    pub const fn is_priority(self) -> bool {
        self.0.get() & PRIORITY != 0
    }
}

impl ops::BitOr for Interest {
    type Output = Interest;

    fn bitor(self, other: Interest) -> Interest {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    fn bitor_assign(&mut self, other: Interest) {
        *self = self.add(other);
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (self.is_readable(), "READABLE"),
            (self.is_writable(), "WRITABLE"),
            (self.is_priority(), "PRIORITY"),
        ];
        let mut sep = "";
        for (_, name) in names.iter().filter(|(set, _)| *set) {
            write!(f, "{sep}{name}")?;
            sep = " | ";
        }
        Ok(())
    }
}
