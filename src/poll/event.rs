use std::fmt;

use super::Token;
use crate::sys;

/// One readiness event: which source ([`token`](Event::token)) and what
/// became possible.
///
/// An event is a *hint*. It says readiness changed, not that the next
/// operation will succeed: another thread may have drained the socket, and
/// every backend may report spurious events. Always be prepared for
/// `WouldBlock`.
///
/// `Event` is the kernel's own record (an `epoll_event` on Linux, a
/// `struct kevent` on macOS and the BSDs), viewed in place: iterating over
/// [`Events`] copies nothing.
#[repr(transparent)]
pub struct Event {
    inner: sys::Event,
}

impl Event {
    fn from_sys(inner: &sys::Event) -> &Event {
        let ptr = std::ptr::from_ref(inner).cast::<Event>();
        // SAFETY: `Event` is `repr(transparent)` over `sys::Event`, so the
        // pointer is valid for the same lifetime with the same layout.
        unsafe { &*ptr }
    }

    /// The token the source was registered with.
    pub fn token(&self) -> Token {
        sys::event::token(&self.inner)
    }

    /// Reading may make progress (data, a pending connection, end of file).
    pub fn is_readable(&self) -> bool {
        sys::event::is_readable(&self.inner)
    }

    /// Writing may make progress, or a non-blocking connect has finished
    /// (check `SO_ERROR` / `take_error` to learn how).
    pub fn is_writable(&self) -> bool {
        sys::event::is_writable(&self.inner)
    }

    /// An error is pending on the source. Read it with `take_error()` on the
    /// socket.
    pub fn is_error(&self) -> bool {
        sys::event::is_error(&self.inner)
    }

    /// The read half is closed: reads will return end of file once buffered
    /// data is consumed.
    pub fn is_read_closed(&self) -> bool {
        sys::event::is_read_closed(&self.inner)
    }

    /// The write half is closed: writes will fail.
    pub fn is_write_closed(&self) -> bool {
        sys::event::is_write_closed(&self.inner)
    }

    /// Priority (out-of-band) data is available. Always `false` on backends
    /// without [`Interest::PRIORITY`](super::Interest).
    pub fn is_priority(&self) -> bool {
        sys::event::is_priority(&self.inner)
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("token", &self.token())
            .field("readable", &self.is_readable())
            .field("writable", &self.is_writable())
            .field("error", &self.is_error())
            .field("read_closed", &self.is_read_closed())
            .field("write_closed", &self.is_write_closed())
            .field("priority", &self.is_priority())
            .field("raw", &format_args!("{}", sys::event::debug_flags(&self.inner)))
            .finish()
    }
}

/// A buffer for the events one [`Poll::poll`](super::Poll::poll) returns.
///
/// Its capacity is the most events one call can return; events beyond it stay
/// queued in the kernel for the next call (nothing is lost, and sources are
/// served in the kernel's order, so none starves). The buffer is allocated
/// once and reused: `poll` clears it before refilling.
///
/// ```
/// use groundup::poll::Events;
///
/// let events = Events::with_capacity(256);
/// assert_eq!(events.capacity(), 256);
/// assert!(events.is_empty());
/// ```
pub struct Events {
    pub(super) inner: sys::Events,
    capacity: usize,
}

impl Events {
    /// A buffer for up to `capacity` events per poll.
    ///
    /// A capacity of 0 is accepted here, but `Poll::poll` then fails with
    /// `ErrorKind::InvalidInput`: a poll that may return no event could not
    /// tell "nothing happened" from "no room".
    pub fn with_capacity(capacity: usize) -> Events {
        Events { inner: sys::Events::with_capacity(capacity), capacity }
    }

    /// The most events one poll returns.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// No events (after a poll: it timed out).
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// The events of the last poll, in the order the kernel returned them.
    pub fn iter(&self) -> Iter<'_> {
        Iter { inner: self.inner.iter() }
    }

    /// Forgets all events.
    pub fn clear(&mut self) {
        self.inner.clear();
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = &'a Event;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self).finish()
    }
}

/// Iterator over the events in [`Events`].
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    inner: std::slice::Iter<'a, sys::Event>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Event;

    fn next(&mut self) -> Option<&'a Event> {
        self.inner.next().map(Event::from_sys)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}
