//! Per-source readiness, shared by the reactor thread (which sets it) and the
//! executor thread (which waits on it and clears it).
//!
//! One word holds everything the two threads must agree on:
//!
//! ```text
//!  usize:  [ generation (rest of the bits) | tick (16 bits) | readiness (8 bits) ]
//! ```
//!
//! - **readiness**: what the kernel last reported (readable, writable, the
//!   closed halves, error), accumulated until the executor sees `WouldBlock`
//!   and clears it;
//! - **tick**: bumped by every event, so a clear only removes the readiness
//!   it was based on: if an event arrived between the operation that
//!   returned `WouldBlock` and the clear, the tick has moved and the clear is
//!   skipped. This closes the classic lost-wakeup window of edge-triggered
//!   I/O;
//! - **generation**: the slot's current owner. Tokens carry the generation
//!   they were issued with; when a slot is released and reused, its
//!   generation moves on, so an event still in flight for the old owner (a
//!   reused descriptor number, a stale token) fails the comparison and is
//!   dropped instead of waking the new owner.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::atomic_waker::AtomicWaker;
use crate::poll::Event;

/// Readiness bits (the low byte of the word).
pub(crate) mod ready {
    pub(crate) const READABLE: usize = 1 << 0;
    pub(crate) const WRITABLE: usize = 1 << 1;
    pub(crate) const READ_CLOSED: usize = 1 << 2;
    pub(crate) const WRITE_CLOSED: usize = 1 << 3;
    pub(crate) const ERROR: usize = 1 << 4;
    pub(crate) const PRIORITY: usize = 1 << 5;
    /// The runtime is gone: operations fail instead of waiting forever.
    pub(crate) const SHUTDOWN: usize = 1 << 6;

    /// What wakes and satisfies a reader.
    pub(crate) const READ_INTEREST: usize = READABLE | READ_CLOSED | ERROR | PRIORITY;
    /// What wakes and satisfies a writer.
    pub(crate) const WRITE_INTEREST: usize = WRITABLE | WRITE_CLOSED | ERROR;
    /// Never cleared: once a half is closed it stays closed.
    pub(crate) const STICKY: usize = READ_CLOSED | WRITE_CLOSED | SHUTDOWN;
}

const READY_MASK: usize = 0xff;
const TICK_SHIFT: u32 = 8;
const TICK_MASK: usize = 0xffff;
/// Where the generation starts in the word.
pub(crate) const GEN_SHIFT: u32 = 24;
/// The generation's width: what is left of a `usize` (40 bits on 64-bit
/// targets, 8 on 32-bit ones).
pub(crate) const GEN_MASK: usize = usize::MAX >> GEN_SHIFT;

/// The readiness a wait returned, to clear once it led to `WouldBlock`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadyEvent {
    tick: usize,
    pub(crate) ready: usize,
}

/// One registered source's shared state.
#[derive(Debug)]
pub(crate) struct ScheduledIo {
    word: AtomicUsize,
    pub(crate) reader: AtomicWaker,
    pub(crate) writer: AtomicWaker,
}

fn generation_of(word: usize) -> usize {
    word >> GEN_SHIFT
}

fn tick(word: usize) -> usize {
    (word >> TICK_SHIFT) & TICK_MASK
}

/// The readiness bits an event reports.
pub(crate) fn from_event(event: &Event) -> usize {
    let bits = [
        (event.is_readable(), ready::READABLE),
        (event.is_writable(), ready::WRITABLE),
        (event.is_read_closed(), ready::READ_CLOSED),
        (event.is_write_closed(), ready::WRITE_CLOSED),
        (event.is_error(), ready::ERROR),
        (event.is_priority(), ready::PRIORITY),
    ];
    bits.iter().filter(|(set, _)| *set).fold(0, |acc, (_, bit)| acc | bit)
}

impl Default for ScheduledIo {
    fn default() -> ScheduledIo {
        ScheduledIo {
            word: AtomicUsize::new(0),
            reader: AtomicWaker::new(),
            writer: AtomicWaker::new(),
        }
    }
}

impl ScheduledIo {
    /// The current owner's generation.
    pub(crate) fn generation(&self) -> usize {
        generation_of(self.word.load(Ordering::Acquire))
    }

    /// Reactor side: records an event for generation `generation`. Returns `false`
    /// (and changes nothing) if the slot has moved on to another owner.
    pub(crate) fn set_readiness(&self, generation: usize, bits: usize) -> bool {
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            if generation_of(current) != generation {
                return false;
            }
            let next_tick = (tick(current) + 1) & TICK_MASK;
            let next = (current & !(TICK_MASK << TICK_SHIFT)) | (next_tick << TICK_SHIFT) | bits;
            // AcqRel: Release publishes the readiness to the executor's
            // Acquire loads; Acquire keeps the generation check honest.
            match self.word.compare_exchange_weak(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
    }

    /// Executor side: the readiness among `interest` (plus `SHUTDOWN`), if
    /// any, as an event that can later be cleared.
    pub(crate) fn ready_for(&self, interest: usize) -> Option<ReadyEvent> {
        let word = self.word.load(Ordering::Acquire);
        let ready = word & (interest | ready::SHUTDOWN) & READY_MASK;
        (ready != 0).then_some(ReadyEvent { tick: tick(word), ready })
    }

    /// Executor side: forgets the readiness in `event` after an operation
    /// returned `WouldBlock`, unless a newer event arrived since (the tick
    /// moved). Closed halves stay set.
    pub(crate) fn clear(&self, event: ReadyEvent) {
        let mask = event.ready & !ready::STICKY;
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            if tick(current) != event.tick {
                return;
            }
            match self.word.compare_exchange_weak(
                current,
                current & !mask,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// Releases the slot: the next owner gets a new generation, no readiness,
    /// and no wakers. Events for the old generation are ignored from now on.
    pub(crate) fn reset_for_reuse(&self) {
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            let next = ((generation_of(current) + 1) & GEN_MASK) << GEN_SHIFT;
            match self.word.compare_exchange_weak(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        drop(self.reader.take());
        drop(self.writer.take());
    }

    /// Marks the runtime gone and wakes both directions, so pending
    /// operations fail instead of waiting for an event that cannot come.
    pub(crate) fn shut_down(&self) {
        self.word.fetch_or(ready::SHUTDOWN, Ordering::AcqRel);
        self.reader.wake();
        self.writer.wake();
    }

    /// Wakes whoever waits on the directions `bits` concern.
    pub(crate) fn wake(&self, bits: usize) {
        if bits & ready::READ_INTEREST != 0 {
            self.reader.wake();
        }
        if bits & ready::WRITE_INTEREST != 0 {
            self.writer.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_for_an_old_generation_is_ignored() {
        let slot = ScheduledIo::default();
        let old = slot.generation();
        slot.reset_for_reuse(); // the source left; a new one took the slot
        assert!(!slot.set_readiness(old, ready::READABLE), "stale event accepted");
        assert!(slot.ready_for(ready::READ_INTEREST).is_none());
        assert!(slot.set_readiness(slot.generation(), ready::READABLE));
        assert!(slot.ready_for(ready::READ_INTEREST).is_some());
    }

    #[test]
    fn a_clear_based_on_an_old_tick_keeps_newer_readiness() {
        let slot = ScheduledIo::default();
        let generation = slot.generation();
        slot.set_readiness(generation, ready::READABLE);
        let seen = slot.ready_for(ready::READ_INTEREST).unwrap();
        // An event arrives after the operation that returned WouldBlock but
        // before the clear:
        slot.set_readiness(generation, ready::READABLE);
        slot.clear(seen);
        assert!(slot.ready_for(ready::READ_INTEREST).is_some(), "the newer event was lost");
        let fresh = slot.ready_for(ready::READ_INTEREST).unwrap();
        slot.clear(fresh);
        assert!(slot.ready_for(ready::READ_INTEREST).is_none());
    }

    #[test]
    fn closed_halves_stay_set_after_a_clear() {
        let slot = ScheduledIo::default();
        slot.set_readiness(slot.generation(), ready::READABLE | ready::READ_CLOSED);
        let seen = slot.ready_for(ready::READ_INTEREST).unwrap();
        slot.clear(seen);
        let left = slot.ready_for(ready::READ_INTEREST).unwrap();
        assert_eq!(left.ready, ready::READ_CLOSED);
    }
}
