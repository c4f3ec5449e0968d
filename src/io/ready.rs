//! The readiness API's two small types: what a caller waits for
//! ([`Interest`]) and what it was told ([`Ready`]), under tokio's names.
//!
//! They are the public face of the reactor's readiness word (see
//! `reactor::scheduled_io`): an `Interest` becomes the mask of readiness
//! bits a wait is satisfied by, and the bits a wait returns become a
//! `Ready`. Neither type is the poller's [`poll::Interest`](crate::poll::Interest),
//! which says what a source is *registered* for: every groundup socket is
//! registered for both directions once, and an `io::Interest` only chooses
//! which of them a wait concerns.

use std::fmt;
use std::ops;

use crate::reactor::ready as bits;

/// What a readiness wait ([`TcpStream::ready`](crate::net::TcpStream::ready),
/// [`try_io`](crate::net::TcpStream::try_io), …) is for: reading, writing,
/// or either (`Interest::READABLE | Interest::WRITABLE`).
///
/// ```
/// use groundup::io::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// assert!(!Interest::READABLE.is_writable());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interest(u8);

const INTEREST_READ: u8 = 1;
const INTEREST_WRITE: u8 = 2;

impl Interest {
    /// Reading: data to read, the peer's write half closed, or an error.
    pub const READABLE: Interest = Interest(INTEREST_READ);
    /// Writing: room to write, the write half closed, or an error.
    pub const WRITABLE: Interest = Interest(INTEREST_WRITE);

    /// Includes reading.
    ///
    /// ```
    /// assert!(groundup::io::Interest::READABLE.is_readable());
    /// ```
    pub const fn is_readable(self) -> bool {
        self.0 & INTEREST_READ != 0
    }

    /// Includes writing.
    ///
    /// ```
    /// assert!(groundup::io::Interest::WRITABLE.is_writable());
    /// ```
    pub const fn is_writable(self) -> bool {
        self.0 & INTEREST_WRITE != 0
    }

    /// Both together (`self | other`, usable in `const`).
    ///
    /// ```
    /// use groundup::io::Interest;
    ///
    /// const BOTH: Interest = Interest::READABLE.add(Interest::WRITABLE);
    /// assert_eq!(BOTH, Interest::READABLE | Interest::WRITABLE);
    /// ```
    #[must_use]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// The reactor's readiness bits that satisfy this interest.
    pub(crate) fn mask(self) -> usize {
        let read = if self.is_readable() { bits::READ_INTEREST } else { 0 };
        let write = if self.is_writable() { bits::WRITE_INTEREST } else { 0 };
        read | write
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
        match (self.is_readable(), self.is_writable()) {
            (true, true) => f.write_str("READABLE | WRITABLE"),
            (true, false) => f.write_str("READABLE"),
            (false, _) => f.write_str("WRITABLE"),
        }
    }
}

/// What a readiness wait found: a set of readiness flags, as tokio's
/// `Ready`.
///
/// A closed half counts as ready for that direction (a read returns end of
/// file, a write an error, without waiting), so
/// [`is_readable`](Ready::is_readable) is also true once the peer shut its
/// writing half down, and [`is_read_closed`](Ready::is_read_closed) tells
/// the two apart.
///
/// ```
/// use groundup::io::Ready;
///
/// let ready = Ready::READABLE | Ready::WRITABLE;
/// assert!(ready.is_readable() && ready.is_writable());
/// assert!(!ready.is_read_closed());
/// assert!(Ready::READ_CLOSED.is_readable());
/// assert!(Ready::EMPTY.is_empty());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ready(u8);

impl Ready {
    /// Nothing is ready.
    pub const EMPTY: Ready = Ready(0);
    /// Data to read (or a connection to accept).
    pub const READABLE: Ready = Ready(bits::READABLE as u8);
    /// Room to write (or a connect finished).
    pub const WRITABLE: Ready = Ready(bits::WRITABLE as u8);
    /// The read half is closed: the peer shut down its writing half.
    pub const READ_CLOSED: Ready = Ready(bits::READ_CLOSED as u8);
    /// The write half is closed: the peer is gone, writes fail.
    pub const WRITE_CLOSED: Ready = Ready(bits::WRITE_CLOSED as u8);
    /// An error is pending on the socket (`take_error` reads it).
    pub const ERROR: Ready = Ready(bits::ERROR as u8);
    /// Urgent data (`EPOLLPRI`; epoll only reports it).
    pub const PRIORITY: Ready = Ready(bits::PRIORITY as u8);
    /// Every flag.
    pub const ALL: Ready = Ready(
        (bits::READABLE
            | bits::WRITABLE
            | bits::READ_CLOSED
            | bits::WRITE_CLOSED
            | bits::ERROR
            | bits::PRIORITY) as u8,
    );

    /// The flags among the reactor's readiness `bits`.
    pub(crate) fn from_bits(bits: usize) -> Ready {
        Ready(bits as u8 & Ready::ALL.0)
    }

    /// The reactor's bits for these flags.
    pub(crate) fn to_bits(self) -> usize {
        usize::from(self.0)
    }

    /// No flag is set.
    ///
    /// ```
    /// assert!(groundup::io::Ready::EMPTY.is_empty());
    /// ```
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Readable, or the read half closed: a read will not wait.
    ///
    /// ```
    /// assert!(groundup::io::Ready::READABLE.is_readable());
    /// ```
    pub const fn is_readable(self) -> bool {
        self.0 & (Ready::READABLE.0 | Ready::READ_CLOSED.0) != 0
    }

    /// Writable, or the write half closed: a write will not wait.
    ///
    /// ```
    /// assert!(groundup::io::Ready::WRITE_CLOSED.is_writable());
    /// ```
    pub const fn is_writable(self) -> bool {
        self.0 & (Ready::WRITABLE.0 | Ready::WRITE_CLOSED.0) != 0
    }

    /// The read half is closed.
    ///
    /// ```
    /// assert!(!groundup::io::Ready::READABLE.is_read_closed());
    /// ```
    pub const fn is_read_closed(self) -> bool {
        self.0 & Ready::READ_CLOSED.0 != 0
    }

    /// The write half is closed.
    ///
    /// ```
    /// assert!(groundup::io::Ready::WRITE_CLOSED.is_write_closed());
    /// ```
    pub const fn is_write_closed(self) -> bool {
        self.0 & Ready::WRITE_CLOSED.0 != 0
    }

    /// An error is pending.
    ///
    /// ```
    /// assert!(groundup::io::Ready::ERROR.is_error());
    /// ```
    pub const fn is_error(self) -> bool {
        self.0 & Ready::ERROR.0 != 0
    }

    /// Urgent data is waiting.
    ///
    /// ```
    /// assert!(groundup::io::Ready::PRIORITY.is_priority());
    /// ```
    pub const fn is_priority(self) -> bool {
        self.0 & Ready::PRIORITY.0 != 0
    }
}

impl ops::BitOr for Ready {
    type Output = Ready;

    fn bitor(self, other: Ready) -> Ready {
        Ready(self.0 | other.0)
    }
}

impl ops::BitOrAssign for Ready {
    fn bitor_assign(&mut self, other: Ready) {
        self.0 |= other.0;
    }
}

impl ops::BitAnd for Ready {
    type Output = Ready;

    fn bitand(self, other: Ready) -> Ready {
        Ready(self.0 & other.0)
    }
}

impl ops::Sub for Ready {
    type Output = Ready;

    fn sub(self, other: Ready) -> Ready {
        Ready(self.0 & !other.0)
    }
}

impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ready")
            .field("is_readable", &self.is_readable())
            .field("is_writable", &self.is_writable())
            .field("is_read_closed", &self.is_read_closed())
            .field("is_write_closed", &self.is_write_closed())
            .field("is_error", &self.is_error())
            .field("is_priority", &self.is_priority())
            .finish()
    }
}
