//! Events as this backend reports them, and the buffer `select` fills.
//!
//! Unlike epoll's, an IOCP event is not the kernel's record: the kernel
//! returns completion packets, and `select` turns each into at most one
//! [`Event`]. [`Events`] therefore holds both the packet buffer
//! `GetQueuedCompletionStatusEx` writes and the events made from it; one
//! packet never makes more than one event, so a poll for `capacity` packets
//! never returns more than `capacity` events.

use std::slice;

use groundup_ffi::windows as ffi;

use crate::poll::Token;

/// One readiness event: a token and the `AFD_POLL_*` bits reported for it
/// (plus `POLL_FAILED`; a waker's event is `AFD_POLL_RECEIVE`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Event {
    token: Token,
    flags: u32,
}

impl Event {
    pub(super) fn new(token: Token, flags: u32) -> Event {
        Event { token, flags }
    }
}

/// The buffer one `select` fills.
#[derive(Debug)]
pub(crate) struct Events {
    /// The most events (and so packets) one select returns.
    capacity: usize,
    /// Packets dequeued by the last select (reused each time).
    pub(super) entries: Vec<ffi::OVERLAPPED_ENTRY>,
    /// Events made from them.
    pub(super) events: Vec<Event>,
}

// SAFETY: `OVERLAPPED_ENTRY` holds a raw pointer, which makes `Events`
// neither Send nor Sync by default; but the entries are plain copies of
// dequeued packets, only read by the select that filled them (through
// `&mut Events`), and the pointers in them are never dereferenced through
// `Events` (select turns them back into `Arc`s at once). Sharing or moving
// the buffer shares or moves nothing else.
unsafe impl Send for Events {}
// SAFETY: as above: through `&Events` only the events (plain data) are read.
unsafe impl Sync for Events {}

impl Events {
    pub(crate) fn with_capacity(capacity: usize) -> Events {
        Events {
            capacity,
            entries: Vec::with_capacity(capacity),
            events: Vec::with_capacity(capacity),
        }
    }

    pub(super) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub(crate) fn iter(&self) -> slice::Iter<'_, Event> {
        self.events.iter()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.events.clear();
    }
}

/// Reading an [`Event`]: which source, and what happened.
pub(crate) mod event {
    use super::super::afd::{self, Names};
    use super::Event;
    use crate::poll::Token;

    pub(crate) fn token(event: &Event) -> Token {
        event.token
    }

    pub(crate) fn is_readable(event: &Event) -> bool {
        afd::is_readable(event.flags)
    }

    pub(crate) fn is_writable(event: &Event) -> bool {
        afd::is_writable(event.flags)
    }

    pub(crate) fn is_error(event: &Event) -> bool {
        afd::is_error(event.flags)
    }

    pub(crate) fn is_read_closed(event: &Event) -> bool {
        afd::is_read_closed(event.flags)
    }

    pub(crate) fn is_write_closed(event: &Event) -> bool {
        afd::is_write_closed(event.flags)
    }

    /// Always `false`: groundup never polls for `AFD_POLL_RECEIVE_EXPEDITED`
    /// (there is no `Interest::PRIORITY` on Windows).
    pub(crate) fn is_priority(_event: &Event) -> bool {
        false
    }

    pub(crate) fn debug_flags(event: &Event) -> impl std::fmt::Display {
        Names(event.flags)
    }
}
