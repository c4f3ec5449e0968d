//! Per-source readiness, shared by the reactor thread (which sets it and
//! wakes the waiters) and the executor thread (which waits on it and clears
//! it).
//!
//! ## The word
//!
//! One atomic word holds everything the two threads must agree on without a
//! lock:
//!
//! ```text
//!  usize:  [ generation (token's width) | tick (15) | waiters (2) | readiness (7) ]
//!            bits 24..                    9..24       7..9          0..7
//! ```
//!
//! - **readiness**: what the kernel last reported (readable, writable, the
//!   closed halves, error, priority) plus `SHUTDOWN`, accumulated until the
//!   executor sees `WouldBlock` and clears it;
//! - **waiters**: one bit per direction, set while the waiter list (below)
//!   may hold a waiter for that direction, so the reactor knows without a
//!   lock whether it has a list to walk;
//! - **tick**: bumped by every event, so a clear only removes the readiness
//!   it was based on: if an event arrived between the operation that
//!   returned `WouldBlock` and the clear, the tick has moved and the clear is
//!   skipped. This closes the classic lost-wakeup window of edge-triggered
//!   I/O;
//! - **generation**: the slot's current owner (see
//!   [`token`](super::token)); an event for an older owner fails the
//!   comparison and is dropped instead of waking the new one.
//!
//! ## Two ways to wait
//!
//! Any number of tasks may wait on one socket in one direction (two tasks
//! in `recv_from` on one `Rc<UdpSocket>`, a hundred in `readable()`). How
//! they wait depends on what the caller can give us:
//!
//! - **An async method** (`readable`, `read_with`, `recv_from`, `accept`, …)
//!   awaits a [`Readiness`] future. The future is pinned, so it carries its
//!   own node of the waiter list ([`crate::util::wait_list`]): waiting
//!   allocates nothing however many wait, a dropped future unlinks itself,
//!   and readiness wakes every waiter whose interest it meets.
//! - **A `poll_*` method** (`AsyncRead::poll_read`, `poll_accept`,
//!   `poll_recv_from`, `poll_readable`, …) has no pinned future to hold a
//!   node: it stores its waker in the direction's one [`AtomicWaker`] slot,
//!   and only the last task to poll is woken. This is tokio's split and its
//!   documented limit; a stream has one reader and one writer in practice
//!   (`into_split` gives exactly that), and this is the hot path of every
//!   `read`/`write`, which stays lock-free.
//!
//! ## Lock or lock-free
//!
//! The list is guarded by a `Mutex`. A lock-free intrusive list that lets
//! any node unlink itself while another thread walks it needs hazard
//! pointers or reference counts on every node; that is a great deal of
//! subtle code for critical sections that are a few pointer writes. std's
//! `Mutex` is a futex word: uncontended, lock and unlock are one atomic
//! operation each and no system call. Contended, it spins briefly and then
//! may sleep in `futex_wait`, but the two threads only meet here when a
//! waiter links or unlinks at the very moment the reactor walks the same
//! socket's list, and no waker ever runs under the lock (they are
//! collected in a [`WakeBatch`] and woken after it is released), so the
//! holder never waits on user code.
//!
//! The reactor takes the lock only when the word's waiter bits say someone
//! waits through a `Readiness` future in a direction the event concerns.
//! The bits are set by the waiter, under the lock, with an atomic
//! read-modify-write of the word *after* it linked its node, and the
//! reactor learns them from the read-modify-write that sets the readiness.
//! Both are RMWs of one location, so they are ordered: either the
//! reactor's comes second and sees the bit (and then finds the node under
//! the lock), or the waiter's comes second and sees the readiness (and
//! unlinks itself and completes). No interleaving loses the wake; the
//! model in `checks/loom/tests/waiters.rs` checks it. The bits may say
//! "maybe" when nobody waits any more (a waiter that unlinks itself leaves
//! them unless the list is empty), which costs one needless lock; the
//! reactor recomputes them exactly whenever it walks the list.
//!
//! ## What a dispatch costs
//!
//! One compare-exchange on the word (the generation check and the readiness
//! together). Then, per direction the event concerns, the `AtomicWaker`
//! take: one `fetch_or`, plus a `fetch_and` if a waker was there. With
//! future waiters in that direction, add a lock, an unlock, and a walk of
//! the socket's list (each waiter it wakes is an O(1) unlink and one
//! `Release` store). Every waker is woken after the lock is released.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::atomic_waker::AtomicWaker;
use super::token::{GENERATION_BITS, Generation};
use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::util::wait_list::{Drained, Refresh, WaitList, Waiter, WakeBatch};

/// Readiness bits (the low 7 bits of the word).
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

const READY_MASK: usize = 0x7f;
/// The waiter list may hold a waiter whose interest includes reading.
const READ_WAITERS: usize = 1 << 7;
/// The waiter list may hold a waiter whose interest includes writing.
const WRITE_WAITERS: usize = 1 << 8;
const WAITER_BITS: usize = READ_WAITERS | WRITE_WAITERS;
const TICK_SHIFT: u32 = 9;
const TICK_MASK: usize = 0x7fff;
/// Where the generation starts in the word.
const GEN_SHIFT: u32 = 24;

// The word must have room for a whole token generation: the comparison in
// `set_readiness` is exact only if no generation bit is lost.
const _: () = assert!(GEN_SHIFT + GENERATION_BITS <= usize::BITS, "no room for the generation");
const _: () = assert!(TICK_SHIFT + TICK_MASK.count_ones() <= GEN_SHIFT, "tick overlaps generation");
const _: () = assert!(WRITE_WAITERS < 1 << TICK_SHIFT && READ_WAITERS > READY_MASK);

/// Which way an operation moves data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    /// The readiness that wakes and satisfies this direction.
    pub(crate) fn interest(self) -> usize {
        match self {
            Direction::Read => ready::READ_INTEREST,
            Direction::Write => ready::WRITE_INTEREST,
        }
    }
}

/// The readiness a wait returned, to clear once it led to `WouldBlock`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadyEvent {
    tick: usize,
    pub(crate) ready: usize,
}

impl ReadyEvent {
    /// The same event restricted to the readiness in `bits`: clearing it
    /// clears only those (what `AsyncFdReadyGuard::retain_ready` and a
    /// guard for one direction out of two need). The tick is kept, so a
    /// newer event still survives the clear.
    pub(crate) fn only(self, bits: usize) -> ReadyEvent {
        ReadyEvent { tick: self.tick, ready: self.ready & bits }
    }
}

/// What an accepted event must wake: returned by
/// [`set_readiness`](ScheduledIo::set_readiness), consumed by
/// [`wake`](ScheduledIo::wake) (which the reactor runs with panics
/// contained).
#[derive(Clone, Copy, Debug)]
#[must_use = "the waiters are woken only by `ScheduledIo::wake`"]
pub(crate) struct Wake {
    bits: usize,
    /// The word's waiter bits when the readiness was set.
    waiters: usize,
}

/// One registered source's shared state.
pub(crate) struct ScheduledIo {
    word: AtomicUsize,
    /// The `poll_*` methods' waker slots: the last poller per direction.
    reader: AtomicWaker,
    writer: AtomicWaker,
    /// The `Readiness` futures waiting on this source; payload: interest.
    waiters: Mutex<WaitList<usize>>,
}

fn generation_of(word: usize) -> Generation {
    Generation::from_bits(word >> GEN_SHIFT)
}

fn tick(word: usize) -> usize {
    (word >> TICK_SHIFT) & TICK_MASK
}

/// The event in `word` for a waiter with `interest`, if it is ready.
fn event_in(word: usize, interest: usize) -> Option<ReadyEvent> {
    let ready = word & (interest | ready::SHUTDOWN) & READY_MASK;
    (ready != 0).then_some(ReadyEvent { tick: tick(word), ready })
}

/// The waiter bits of the directions that readiness `bits` concerns.
/// `ERROR` and `SHUTDOWN` concern both.
fn concerned(bits: usize) -> usize {
    let reads = bits & (ready::READ_INTEREST | ready::SHUTDOWN) != 0;
    let writes = bits & (ready::WRITE_INTEREST | ready::SHUTDOWN) != 0;
    (if reads { READ_WAITERS } else { 0 }) | (if writes { WRITE_WAITERS } else { 0 })
}

/// The waiter bits a waiter with `interest` sets: its direction, read by
/// the readiness that only that direction has (`ERROR` is in both
/// interests, and `concerned` sends it to both). An interest in nothing
/// but `ERROR` counts as both.
fn waited(interest: usize) -> usize {
    let reads = interest & (ready::READABLE | ready::READ_CLOSED | ready::PRIORITY) != 0;
    let writes = interest & (ready::WRITABLE | ready::WRITE_CLOSED) != 0;
    match (reads, writes) {
        (false, false) => WAITER_BITS,
        _ => (if reads { READ_WAITERS } else { 0 }) | (if writes { WRITE_WAITERS } else { 0 }),
    }
}

/// Whether readiness `bits` wakes a waiter with `interest`.
fn wakes(bits: usize, interest: usize) -> bool {
    bits & (interest | ready::SHUTDOWN) != 0
}

impl Default for ScheduledIo {
    fn default() -> ScheduledIo {
        ScheduledIo {
            word: AtomicUsize::new(0),
            reader: AtomicWaker::new(),
            writer: AtomicWaker::new(),
            waiters: Mutex::new(WaitList::new()),
        }
    }
}

impl ScheduledIo {
    /// The current owner's generation.
    pub(crate) fn generation(&self) -> Generation {
        generation_of(self.word.load(Ordering::Acquire))
    }

    fn lock_waiters(&self) -> MutexGuard<'_, WaitList<usize>> {
        // Poisoning: only a waker's `clone` can panic under this lock (in
        // `refresh_waker`), before it changes anything, so the list is
        // consistent and usable.
        self.waiters.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reactor side: records an event for `generation`. Returns what to
    /// wake, or `None` (and changes nothing) if the slot has moved on to
    /// another owner.
    pub(crate) fn set_readiness(&self, generation: Generation, bits: usize) -> Option<Wake> {
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            if generation_of(current) != generation {
                return None;
            }
            let next_tick = (tick(current) + 1) & TICK_MASK;
            let next = (current & !(TICK_MASK << TICK_SHIFT)) | (next_tick << TICK_SHIFT) | bits;
            // AcqRel: Release publishes the readiness to the executor's
            // Acquire loads; Acquire keeps the generation check honest and
            // sees the waiter bits of every waiter that linked before (see
            // the module docs: both sides are RMWs of this word).
            match self.word.compare_exchange_weak(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Some(Wake { bits, waiters: current & WAITER_BITS }),
                Err(actual) => current = actual,
            }
        }
    }

    /// Reactor side: wakes whoever waits for what `wake` reported: the
    /// `poll_*` slot of each direction it concerns, and every `Readiness`
    /// waiter whose interest it meets. Wakers run after the lock is
    /// released; a panicking one does not stop the others (it is resumed
    /// once all are woken).
    pub(crate) fn wake(&self, wake: Wake) {
        let mut batch = WakeBatch::new();
        let directions = concerned(wake.bits);
        if directions & READ_WAITERS != 0 {
            batch.extend(self.reader.take());
        }
        if directions & WRITE_WAITERS != 0 {
            batch.extend(self.writer.take());
        }
        if directions & wake.waiters != 0 {
            self.notify_waiters(wake.bits, &mut batch);
        }
        batch.wake_all();
    }

    /// Notifies every linked waiter that `bits` wakes, in rounds of one
    /// batch, then recomputes the waiter bits from those left.
    fn notify_waiters(&self, bits: usize, batch: &mut WakeBatch) {
        loop {
            let mut list = self.lock_waiters();
            if list.notify_where(|&interest| wakes(bits, interest), batch) == Drained::All {
                let mut still = 0;
                list.for_each(|&interest| still |= waited(interest));
                // Under the lock, like every change of the waiter bits.
                // AcqRel for symmetry with the waiters' fetch_or; the lock
                // does the ordering that matters.
                self.word.fetch_and(!(WAITER_BITS & !still), Ordering::AcqRel);
                return;
            }
            drop(list);
            batch.wake_all();
        }
    }

    /// Executor side: the readiness among `interest` (plus `SHUTDOWN`), if
    /// any, as an event that can later be cleared.
    pub(crate) fn ready_for(&self, interest: usize) -> Option<ReadyEvent> {
        // Acquire: pairs with the reactor's Release in `set_readiness`.
        event_in(self.word.load(Ordering::Acquire), interest)
    }

    /// Executor side, for the `poll_*` methods: the readiness for
    /// `direction`, or `Pending` with `cx`'s waker in the direction's one
    /// slot (replacing the previous poller's: only the last poller is
    /// woken).
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<ReadyEvent> {
        let interest = direction.interest();
        if let Some(event) = self.ready_for(interest) {
            return Poll::Ready(event);
        }
        match direction {
            Direction::Read => self.reader.register(cx.waker()),
            Direction::Write => self.writer.register(cx.waker()),
        }
        // Readiness may have arrived between the check and the registration;
        // the reactor could then have found no waker. Look once more (see
        // `AtomicWaker` for why this second look cannot miss it).
        match self.ready_for(interest) {
            Some(event) => Poll::Ready(event),
            None => Poll::Pending,
        }
    }

    /// Executor side: a future that completes when the source is ready
    /// for `interest` (a mask of [`ready`] bits), or shut down. Any number
    /// may wait at once.
    pub(crate) fn readiness(&self, interest: usize) -> Readiness<'_> {
        Readiness { io: self, interest, linked: false, waiter: Waiter::new(interest) }
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
            // AcqRel: the same pairing as `set_readiness`, from this side.
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

    /// Releases the slot: the next owner gets a new generation, no
    /// readiness, no wakers and no waiters. Events for the old generation
    /// are ignored from now on.
    ///
    /// A `Readiness` future borrows its source, so none can be waiting
    /// here any more, unless one was leaked (a pinned future that is never
    /// dropped keeps its node alive, in place, forever): such nodes are
    /// unlinked here, so that the next owner's list starts empty.
    pub(crate) fn reset_for_reuse(&self) {
        loop {
            let mut batch = WakeBatch::new();
            let mut list = self.lock_waiters();
            if list.notify_where(|_| true, &mut batch) == Drained::All {
                // Under the lock: the waiter bits go with the list.
                self.start_next_generation();
                drop(list);
                break;
            }
            drop(list);
            // The leaked futures cannot be polled again: their wakers are
            // dropped, unwoken, outside the lock.
            drop(batch);
        }
        drop(self.reader.take());
        drop(self.writer.take());
    }

    /// The word of a fresh owner: the next generation, nothing else.
    fn start_next_generation(&self) {
        let mut current = self.word.load(Ordering::Acquire);
        loop {
            let next = generation_of(current).next().bits() << GEN_SHIFT;
            // AcqRel: Release orders the new generation before the slot is
            // handed out again; Acquire, the loop's view of the word.
            match self.word.compare_exchange_weak(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// Marks the runtime gone and wakes every waiter of both directions,
    /// so pending operations fail instead of waiting for an event that
    /// cannot come, and later ones fail at once.
    pub(crate) fn shut_down(&self) {
        // AcqRel: an RMW like `set_readiness`, ordered with every waiter's
        // fetch_or of its waiter bits (see the module docs).
        let before = self.word.fetch_or(ready::SHUTDOWN, Ordering::AcqRel);
        self.wake(Wake { bits: ready::SHUTDOWN, waiters: before & WAITER_BITS });
    }
}

impl fmt::Debug for ScheduledIo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScheduledIo")
            .field("word", &format_args!("{:#x}", self.word.load(Ordering::Relaxed)))
            .finish()
    }
}

/// The future of [`ScheduledIo::readiness`]: a node in the source's
/// waiter list while it waits.
///
/// ```text
///  not linked ──poll, not ready──► link, set waiter bits ──word already ready?──► unlink, Ready
///      ▲                                   │ no
///      │                                   ▼
///      └──── notified (lock-free check) ◄── linked ──drop──► unlink (under the lock)
///            then: ready? Ready : link again
/// ```
pub(crate) struct Readiness<'a> {
    io: &'a ScheduledIo,
    interest: usize,
    /// Whether the waiter may be in the list: it was linked and not yet
    /// seen notified. Only this future reads or writes it.
    linked: bool,
    /// The node; `!Unpin`, so the future is too.
    waiter: Waiter<usize>,
}

impl Readiness<'_> {
    fn waiter(&self) -> Pin<&Waiter<usize>> {
        // SAFETY: `waiter` is only linked from `poll`, which runs on a
        // pinned `Readiness`; a pinned value is neither moved nor freed
        // before `Drop`, and `Drop` unlinks it. Before the first poll the
        // pin is not relied on (the node is in no list).
        unsafe { Pin::new_unchecked(&self.waiter) }
    }

    /// Waits (again) in the list, unless the word is ready by the time the
    /// node is linked.
    fn link(&mut self, waker: Waker) -> Poll<ReadyEvent> {
        let mut list = self.io.lock_waiters();
        // SAFETY: the node is ours and unlinked (`linked` is false); it is
        // unlinked before it is dropped (below or in `Drop`); this list is
        // only reached through the source's lock, which we hold.
        unsafe { list.push_back(self.waiter(), waker) };
        // After linking, under the lock: see the module docs for why this
        // RMW and the reactor's cannot both miss each other. AcqRel:
        // Acquire reads the readiness like `ready_for`.
        let word = self.io.word.fetch_or(waited(self.interest), Ordering::AcqRel);
        let Some(event) = event_in(word, self.interest) else {
            self.linked = true;
            return Poll::Pending;
        };
        // SAFETY: ours, linked into this list, lock held.
        let removed = unsafe { list.remove(self.waiter()) };
        self.io.forget_waiter_bits_if_empty(&list);
        drop(list);
        drop(removed);
        Poll::Ready(event)
    }
}

impl ScheduledIo {
    /// With the lock held: clears the waiter bits once nobody waits.
    fn forget_waiter_bits_if_empty(&self, list: &WaitList<usize>) {
        if list.is_empty() {
            // AcqRel: as in `notify_waiters`; the lock orders it.
            self.word.fetch_and(!WAITER_BITS, Ordering::AcqRel);
        }
    }
}

impl Future for Readiness<'_> {
    /// The readiness found (with `SHUTDOWN` if the runtime is gone).
    type Output = ReadyEvent;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ReadyEvent> {
        // SAFETY: nothing is moved out of `this`; the node stays in place
        // (see `waiter`).
        let this = unsafe { self.get_unchecked_mut() };
        if this.linked {
            if !this.waiter().is_notified() {
                let mut list = this.io.lock_waiters();
                // SAFETY: ours, and linked into this list (or notified).
                match unsafe { list.refresh_waker(this.waiter(), cx.waker()) } {
                    Refresh::Waiting(replaced) => {
                        drop(list);
                        drop(replaced);
                        return Poll::Pending;
                    }
                    Refresh::Notified => {}
                }
            }
            // Notified: the node is out of the list and ours again.
            this.linked = false;
        }
        // Not linked. Ready already (the fast path: no lock)? Notified, but
        // another waiter has meanwhile seen `WouldBlock` and cleared it?
        // Then wait again.
        if let Some(event) = this.io.ready_for(this.interest) {
            return Poll::Ready(event);
        }
        this.link(cx.waker().clone())
    }
}

impl Drop for Readiness<'_> {
    fn drop(&mut self) {
        if !self.linked || self.waiter().is_notified() {
            return; // out of the list: nothing to undo, no lock
        }
        let mut list = self.io.lock_waiters();
        // SAFETY: ours; linked into this list, or notified meanwhile.
        let removed = unsafe { list.remove(self.waiter()) };
        self.io.forget_waiter_bits_if_empty(&list);
        drop(list);
        // A readiness notification needs no passing on: the readiness stays
        // in the word for the other waiters, who were woken too.
        drop(removed);
    }
}

impl fmt::Debug for Readiness<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Readiness")
            .field("interest", &self.interest)
            .field("linked", &self.linked)
            .finish()
    }
}

#[cfg(all(test, not(groundup_loom)))] // under loom, see checks/loom/build.rs
mod tests {
    use super::*;
    use std::pin::pin;
    use std::sync::Arc;

    /// A waker that counts its wakes.
    #[derive(Default)]
    struct Count(std::sync::atomic::AtomicUsize);

    impl std::task::Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }

    fn counter() -> (Arc<Count>, Waker) {
        let count = Arc::new(Count::default());
        (Arc::clone(&count), Waker::from(count))
    }

    fn wakes_of(count: &Count) -> usize {
        count.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn poll_with(fut: Pin<&mut Readiness<'_>>, waker: &Waker) -> Poll<ReadyEvent> {
        fut.poll(&mut Context::from_waker(waker))
    }

    fn event(slot: &ScheduledIo, bits: usize) {
        let wake = slot.set_readiness(slot.generation(), bits).expect("current generation");
        slot.wake(wake);
    }

    #[test]
    fn an_event_for_an_old_generation_is_ignored() {
        let slot = ScheduledIo::default();
        let old = slot.generation();
        slot.reset_for_reuse(); // the source left; a new one took the slot
        assert!(slot.set_readiness(old, ready::READABLE).is_none(), "stale event accepted");
        assert!(slot.ready_for(ready::READ_INTEREST).is_none());
        assert!(slot.set_readiness(slot.generation(), ready::READABLE).is_some());
        assert!(slot.ready_for(ready::READ_INTEREST).is_some());
    }

    #[test]
    fn a_clear_based_on_an_old_tick_keeps_newer_readiness() {
        let slot = ScheduledIo::default();
        let generation = slot.generation();
        let _ = slot.set_readiness(generation, ready::READABLE);
        let seen = slot.ready_for(ready::READ_INTEREST).unwrap();
        // An event arrives after the operation that returned WouldBlock but
        // before the clear:
        let _ = slot.set_readiness(generation, ready::READABLE);
        slot.clear(seen);
        assert!(slot.ready_for(ready::READ_INTEREST).is_some(), "the newer event was lost");
        let fresh = slot.ready_for(ready::READ_INTEREST).unwrap();
        slot.clear(fresh);
        assert!(slot.ready_for(ready::READ_INTEREST).is_none());
    }

    #[test]
    fn closed_halves_stay_set_after_a_clear() {
        let slot = ScheduledIo::default();
        let _ = slot.set_readiness(slot.generation(), ready::READABLE | ready::READ_CLOSED);
        let seen = slot.ready_for(ready::READ_INTEREST).unwrap();
        slot.clear(seen);
        let left = slot.ready_for(ready::READ_INTEREST).unwrap();
        assert_eq!(left.ready, ready::READ_CLOSED);
    }

    #[test]
    fn every_waiting_future_is_woken_and_completes() {
        let slot = ScheduledIo::default();
        let (count, waker) = counter();
        let mut futures: Vec<_> =
            (0..100).map(|_| Box::pin(slot.readiness(ready::READ_INTEREST))).collect();
        for fut in &mut futures {
            assert!(poll_with(fut.as_mut(), &waker).is_pending());
        }
        event(&slot, ready::READABLE);
        assert_eq!(wakes_of(&count), 100, "one wake per waiter");
        for fut in &mut futures {
            assert!(poll_with(fut.as_mut(), &waker).is_ready());
        }
        assert_eq!(slot.word.load(Ordering::Relaxed) & WAITER_BITS, 0, "nobody waits");
    }

    #[test]
    fn a_dropped_waiter_unlinks_and_readiness_reaches_the_others() {
        let slot = ScheduledIo::default();
        let (first_count, first) = counter();
        let (last_count, last) = counter();
        let mut first_fut = pin!(slot.readiness(ready::READ_INTEREST));
        let mut last_fut = pin!(slot.readiness(ready::READ_INTEREST));
        assert!(poll_with(first_fut.as_mut(), &first).is_pending());
        {
            let mut dropped = pin!(slot.readiness(ready::READ_INTEREST));
            assert!(poll_with(dropped.as_mut(), &counter().1).is_pending());
        } // dropped between the two others: its node must be out of the list
        assert!(poll_with(last_fut.as_mut(), &last).is_pending());
        event(&slot, ready::READABLE);
        assert_eq!((wakes_of(&first_count), wakes_of(&last_count)), (1, 1));
        assert!(poll_with(first_fut.as_mut(), &first).is_ready());
        assert!(poll_with(last_fut.as_mut(), &last).is_ready());
    }

    #[test]
    fn readiness_wakes_only_the_waiters_it_concerns() {
        let slot = ScheduledIo::default();
        let (reader_count, reader) = counter();
        let (writer_count, writer) = counter();
        let mut read = pin!(slot.readiness(ready::READ_INTEREST));
        let mut write = pin!(slot.readiness(ready::WRITE_INTEREST));
        assert!(poll_with(read.as_mut(), &reader).is_pending());
        assert!(poll_with(write.as_mut(), &writer).is_pending());
        event(&slot, ready::WRITABLE);
        assert_eq!((wakes_of(&reader_count), wakes_of(&writer_count)), (0, 1));
        assert_eq!(slot.word.load(Ordering::Relaxed) & WAITER_BITS, READ_WAITERS);
        assert!(poll_with(write.as_mut(), &writer).is_ready());
        assert!(poll_with(read.as_mut(), &reader).is_pending(), "still not readable");
    }

    #[test]
    fn a_woken_waiter_whose_readiness_was_cleared_waits_again() {
        let slot = ScheduledIo::default();
        let (count, waker) = counter();
        let mut fut = pin!(slot.readiness(ready::READ_INTEREST));
        assert!(poll_with(fut.as_mut(), &waker).is_pending());
        event(&slot, ready::READABLE);
        // Another task read first, saw `WouldBlock` and cleared:
        slot.clear(slot.ready_for(ready::READ_INTEREST).unwrap());
        assert!(poll_with(fut.as_mut(), &waker).is_pending(), "nothing to read any more");
        event(&slot, ready::READABLE);
        assert_eq!(wakes_of(&count), 2);
        assert!(poll_with(fut.as_mut(), &waker).is_ready());
    }

    #[test]
    fn shutting_down_fails_every_waiter_and_every_later_wait() {
        let slot = ScheduledIo::default();
        let (count, waker) = counter();
        let mut read = pin!(slot.readiness(ready::READ_INTEREST));
        let mut write = pin!(slot.readiness(ready::WRITE_INTEREST));
        assert!(poll_with(read.as_mut(), &waker).is_pending());
        assert!(poll_with(write.as_mut(), &waker).is_pending());
        slot.shut_down();
        assert_eq!(wakes_of(&count), 2);
        for fut in [read, write] {
            let Poll::Ready(event) = poll_with(fut, &waker) else { panic!("still waiting") };
            assert_ne!(event.ready & ready::SHUTDOWN, 0);
        }
        let later = pin!(slot.readiness(ready::READ_INTEREST));
        assert!(poll_with(later, &waker).is_ready());
    }

    #[test]
    fn a_poll_method_keeps_one_waker_per_direction() {
        let slot = ScheduledIo::default();
        let (first_count, first) = counter();
        let (second_count, second) = counter();
        let mut cx = Context::from_waker(&first);
        assert!(slot.poll_ready(&mut cx, Direction::Read).is_pending());
        let mut cx = Context::from_waker(&second);
        assert!(slot.poll_ready(&mut cx, Direction::Read).is_pending());
        event(&slot, ready::READABLE);
        // The documented limit of the `poll_*` methods: the last poller wins.
        assert_eq!((wakes_of(&first_count), wakes_of(&second_count)), (0, 1));
    }
}
