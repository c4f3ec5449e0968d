//! The readiness API's two small types: what a caller waits for
//! ([`Interest`]) and what it was told ([`Ready`]), under tokio's names.
//!
//! They are the public face of the reactor's readiness word (see
//! `reactor::scheduled_io`): an `Interest` becomes the mask of readiness
//! bits a wait is satisfied by, and the bits a wait returns become a
//! `Ready`. Neither type is the poller's [`poll::Interest`](crate::poll::Interest),
//! which says what a source is *registered* for: every groundup socket is
//! registered for both directions once (errors are reported whatever the
//! registration), and an `io::Interest` only chooses which of them a wait
//! concerns. The one exception is epoll's `PRIORITY`, which a source must
//! be registered for: `AsyncFd::with_interest` passes it on, and a wait
//! for it on a source registered without it is refused (`Async`).

use std::fmt;
use std::ops;

use crate::reactor::ready as bits;

/// What a readiness wait ([`TcpStream::ready`](crate::net::TcpStream::ready),
/// [`try_io`](crate::net::TcpStream::try_io), …) is for: reading, writing,
/// either (`Interest::READABLE | Interest::WRITABLE`), an error, or (on
/// epoll) urgent data. Never empty: [`remove`](Interest::remove) says
/// `None` rather than give an empty set.
///
/// ```
/// use groundup::io::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// assert!(!Interest::READABLE.is_writable());
/// assert_eq!(both.remove(Interest::WRITABLE), Some(Interest::READABLE));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interest(u8);

const INTEREST_READ: u8 = 1;
const INTEREST_WRITE: u8 = 2;
const INTEREST_ERROR: u8 = 4;
#[cfg(groundup_backend = "epoll")]
const INTEREST_PRIORITY: u8 = 8;

impl Interest {
    /// Reading: data to read, the peer's write half closed, or an error.
    pub const READABLE: Interest = Interest(INTEREST_READ);
    /// Writing: room to write, the write half closed, or an error.
    pub const WRITABLE: Interest = Interest(INTEREST_WRITE);
    /// An error pending on the source, and nothing else: a wait for it
    /// ends with [`Ready::ERROR`] (or when the runtime is gone). Every
    /// backend reports errors whatever a source is registered for, so any
    /// source can wait for this; what counts as an error is the system's
    /// (epoll's `EPOLLERR`, kqueue's `EV_EOF` with an error code, AFD's
    /// failed connect). As tokio's.
    pub const ERROR: Interest = Interest(INTEREST_ERROR);
    /// Urgent data, such as TCP out-of-band data, or another exceptional
    /// condition (epoll's `EPOLLPRI`); epoll only, as tokio's is Linux and
    /// Android only. A source must be registered for it, which groundup's
    /// sockets are not: make an
    /// [`AsyncFd::with_interest`](crate::io::unix::AsyncFd::with_interest)
    /// with it. A wait for it on any other source is `InvalidInput`
    /// (tokio's would never end).
    #[cfg(groundup_backend = "epoll")]
    pub const PRIORITY: Interest = Interest(INTEREST_PRIORITY);

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

    /// Includes errors.
    ///
    /// ```
    /// use groundup::io::Interest;
    ///
    /// assert!(Interest::ERROR.is_error());
    /// assert!(!Interest::READABLE.is_error());
    /// ```
    pub const fn is_error(self) -> bool {
        self.0 & INTEREST_ERROR != 0
    }

    /// Includes urgent data (epoll only, as [`PRIORITY`](Interest::PRIORITY)).
    ///
    /// ```
    /// use groundup::io::Interest;
    ///
    /// assert!((Interest::READABLE | Interest::PRIORITY).is_priority());
    /// assert!(!Interest::READABLE.is_priority());
    /// ```
    #[cfg(groundup_backend = "epoll")]
    pub const fn is_priority(self) -> bool {
        self.0 & INTEREST_PRIORITY != 0
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

    /// `self` without what `other` has (what `self` lacks is ignored), or
    /// `None` if nothing would be left. As tokio's.
    ///
    /// ```
    /// use groundup::io::Interest;
    ///
    /// let both = Interest::READABLE | Interest::WRITABLE;
    /// assert_eq!(both.remove(Interest::READABLE), Some(Interest::WRITABLE));
    /// assert_eq!(Interest::READABLE.remove(Interest::ERROR), Some(Interest::READABLE));
    /// assert_eq!(both.remove(both), None);
    /// ```
    #[must_use]
    pub const fn remove(self, other: Interest) -> Option<Interest> {
        match self.0 & !other.0 {
            0 => None,
            left => Some(Interest(left)),
        }
    }

    /// Includes something `registered` lacks.
    pub(crate) const fn exceeds(self, registered: Interest) -> bool {
        self.0 & !registered.0 != 0
    }

    /// The reactor's readiness bits that satisfy this interest.
    pub(crate) fn mask(self) -> usize {
        let flags = [
            (self.is_readable(), bits::READ_INTEREST),
            (self.is_writable(), bits::WRITE_INTEREST),
            (self.is_error(), bits::ERROR),
            // As tokio's: a priority wait also ends when the read half
            // closes, or a hung-up peer would leave it waiting forever.
            #[cfg(groundup_backend = "epoll")]
            (self.is_priority(), bits::PRIORITY | bits::READ_CLOSED),
        ];
        flags.iter().filter(|(set, _)| *set).fold(0, |mask, (_, bits)| mask | bits)
    }

    /// The names of the flags set, in tokio's `Debug` order.
    fn names(self) -> impl Iterator<Item = &'static str> {
        let names = [
            (self.is_readable(), "READABLE"),
            (self.is_writable(), "WRITABLE"),
            #[cfg(groundup_backend = "epoll")]
            (self.is_priority(), "PRIORITY"),
            (self.is_error(), "ERROR"),
        ];
        names.into_iter().filter(|(set, _)| *set).map(|(_, name)| name)
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

/// The flags joined by ` | `: `READABLE | WRITABLE`.
impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            f.write_str(name)?;
        }
        Ok(())
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
