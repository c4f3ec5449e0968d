//! A hierarchical timing wheel: O(1) insert and cancel, a million timers in
//! tens of megabytes.
//!
//! Time is counted in ticks of 1 ms since the runtime started. Six levels of
//! 64 slots each cover 64 ms, 4 s, 4.4 min, 4.7 h, 12.4 days and 2.2 years:
//!
//! ```text
//! level 0  │ 1 ms slots   │ 64 ms   ██░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
//! level 1  │ 64 ms slots  │ 4.1 s   ░░░░█░░░░░░░░░░░░░░░░░░░░░░░░░░░
//! level 2  │ 4.1 s slots  │ 4.4 min ░░░░░░░░░░░░█░░░░░░░░░░░░░░░░░░░
//! …
//! ```
//!
//! A timer goes to the lowest level whose current window contains its
//! deadline: a deadline 3 ms away lands in level 0, one 10 s away in level 2.
//! Each slot is a doubly-linked list (indices into one `Vec` of entries, so
//! no allocation per timer once the vector has grown), and each level keeps a
//! 64-bit bitmap of non-empty slots, so finding the next deadline is a few
//! `trailing_zeros` rather than a scan.
//!
//! When time reaches a slot of level ≥ 1, its entries are *cascaded*: moved
//! to the lower level their (now nearer) deadline belongs to. An entry moves
//! at most once per level, so firing a timer costs O(levels).
//!
//! Deadlines further than 2.2 years are parked in the farthest slot and
//! simply moved again when time reaches it: an entry fires only once its real
//! deadline has passed. And the wheel only ever *wakes*: the `Sleep` future
//! decides readiness by comparing `Instant`s, so even a spurious wake could
//! not end a sleep early.
//!
//! The idea is Varghese and Lauck's ("Hashed and Hierarchical Timing Wheels",
//! SOSP 1987), in the 6 × 64 shape the Linux kernel and tokio use.

use std::task::Waker;

const LEVELS: usize = 6;
const SLOT_BITS: u32 = 6;
const SLOTS: usize = 1 << SLOT_BITS;
/// Ticks the wheel can represent ahead of `elapsed`: 64^6.
const RANGE: u64 = 1 << (SLOT_BITS * LEVELS as u32);
const NIL: u32 = u32::MAX;

/// Identifies a timer: its entry index and the entry's generation when the
/// timer was inserted (an entry is reused after its timer is removed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Key {
    index: u32,
    generation: u32,
}

#[derive(Debug)]
enum State {
    /// In the free list.
    Free,
    /// In a slot list, waiting for its deadline.
    Pending { level: u8, slot: u8 },
    /// Its deadline passed and its waker was taken; awaiting removal.
    Fired,
}

#[derive(Debug)]
struct Entry {
    deadline: u64,
    waker: Option<Waker>,
    prev: u32,
    next: u32,
    generation: u32,
    state: State,
}

#[derive(Debug)]
struct Level {
    /// Bit `s` set: slot `s` is non-empty.
    occupied: u64,
    heads: [u32; SLOTS],
}

#[derive(Debug)]
pub(crate) struct Wheel {
    /// The tick up to which everything has been processed.
    elapsed: u64,
    levels: [Level; LEVELS],
    entries: Vec<Entry>,
    free: Vec<u32>,
    pending: usize,
}

/// Ticks covered by one slot of `level`.
fn slot_span(level: usize) -> u64 {
    1 << (SLOT_BITS as usize * level)
}

/// The level for a deadline: the highest 6-bit digit in which it differs
/// from `elapsed`.
fn level_for(elapsed: u64, deadline: u64) -> usize {
    let differing = (elapsed ^ deadline) | (SLOTS as u64 - 1);
    let significant = 63 - differing.leading_zeros() as usize;
    (significant / SLOT_BITS as usize).min(LEVELS - 1)
}

fn slot_for(deadline: u64, level: usize) -> usize {
    ((deadline >> (SLOT_BITS as usize * level)) & (SLOTS as u64 - 1)) as usize
}

impl Default for Wheel {
    fn default() -> Wheel {
        Wheel {
            elapsed: 0,
            levels: std::array::from_fn(|_| Level { occupied: 0, heads: [NIL; SLOTS] }),
            entries: Vec::new(),
            free: Vec::new(),
            pending: 0,
        }
    }
}

impl Wheel {
    /// Timers waiting for their deadline.
    pub(crate) fn pending(&self) -> usize {
        self.pending
    }

    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Adds a timer for `deadline` (in ticks; must be after `elapsed`).
    pub(crate) fn insert(&mut self, deadline: u64, waker: Waker) -> Key {
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                let index = u32::try_from(self.entries.len()).expect("4 billion timers");
                self.entries.push(Entry {
                    deadline: 0,
                    waker: None,
                    prev: NIL,
                    next: NIL,
                    generation: 0,
                    state: State::Free,
                });
                index
            }
        };
        let entry = &mut self.entries[index as usize];
        entry.deadline = deadline;
        entry.waker = Some(waker);
        let key = Key { index, generation: entry.generation };
        self.link(index);
        self.pending += 1;
        key
    }

    /// Replaces the waker of a pending timer. Returns `false` if the timer
    /// already fired (or the key is stale).
    pub(crate) fn set_waker(&mut self, key: Key, waker: &Waker) -> bool {
        let Some(entry) = self.entry_mut(key) else { return false };
        if !matches!(entry.state, State::Pending { .. }) {
            return false;
        }
        match &entry.waker {
            Some(old) if old.will_wake(waker) => {}
            _ => entry.waker = Some(waker.clone()),
        }
        true
    }

    /// Moves a pending timer to `deadline` (in ticks; must be after
    /// `elapsed`), keeping its waker: a future that was polled, then moved
    /// its deadline and returned `Pending` without polling again, is still
    /// woken. Returns `false` if the timer already fired (or the key is
    /// stale).
    pub(crate) fn reset(&mut self, key: Key, deadline: u64) -> bool {
        let Some(entry) = self.entry_mut(key) else { return false };
        if !matches!(entry.state, State::Pending { .. }) {
            return false;
        }
        self.unlink(key.index);
        self.entries[key.index as usize].deadline = deadline;
        self.link(key.index);
        true
    }

    /// Removes a timer, pending or fired. Stale keys are ignored.
    pub(crate) fn remove(&mut self, key: Key) {
        let Some(entry) = self.entry_mut(key) else { return };
        let was_pending = matches!(entry.state, State::Pending { .. });
        if was_pending {
            self.unlink(key.index);
            self.pending -= 1;
        }
        let entry = &mut self.entries[key.index as usize];
        entry.waker = None;
        entry.state = State::Free;
        entry.generation = entry.generation.wrapping_add(1);
        self.free.push(key.index);
    }

    fn entry_mut(&mut self, key: Key) -> Option<&mut Entry> {
        let entry = self.entries.get_mut(key.index as usize)?;
        (entry.generation == key.generation && !matches!(entry.state, State::Free)).then_some(entry)
    }

    /// The tick of the next slot that needs processing, if any timer is
    /// pending.
    pub(crate) fn next_expiration(&self) -> Option<u64> {
        (0..LEVELS).find_map(|level| self.next_in_level(level).map(|(_, tick)| tick))
    }

    /// The next non-empty slot of `level` and the tick at which it starts.
    fn next_in_level(&self, level: usize) -> Option<(usize, u64)> {
        let occupied = self.levels[level].occupied;
        if occupied == 0 {
            return None;
        }
        let current = slot_for(self.elapsed, level);
        // Entries sit at slots after the current one within this level's
        // window (see `level_for`), so no wrap-around search is needed.
        let ahead = occupied & (u64::MAX << current);
        let slot =
            if ahead != 0 { ahead.trailing_zeros() } else { occupied.trailing_zeros() } as usize;
        let window = slot_span(level + 1);
        let window_start = self.elapsed & !(window - 1);
        let mut start = window_start + slot as u64 * slot_span(level);
        if start <= self.elapsed && slot < current {
            start += window; // only the farthest level can wrap
        }
        Some((slot, start.max(self.elapsed)))
    }

    /// Advances to `now`, handing the wakers of every timer whose deadline
    /// is at or before `now` to `wake`.
    pub(crate) fn advance(&mut self, now: u64, wake: &mut Vec<Waker>) {
        while let Some((level, slot, start)) = self.next_due(now) {
            self.elapsed = self.elapsed.max(start);
            let mut index = std::mem::replace(&mut self.levels[level].heads[slot], NIL);
            self.levels[level].occupied &= !(1 << slot);
            while index != NIL {
                let entry = &mut self.entries[index as usize];
                let next = entry.next;
                (entry.prev, entry.next) = (NIL, NIL);
                if entry.deadline <= now {
                    entry.state = State::Fired;
                    wake.extend(entry.waker.take());
                    self.pending -= 1;
                } else {
                    self.link(index); // cascade to a lower level
                }
                index = next;
            }
        }
        self.elapsed = self.elapsed.max(now);
    }

    /// The earliest slot due at or before `now`: (level, slot, start tick).
    fn next_due(&self, now: u64) -> Option<(usize, usize, u64)> {
        let (level, (slot, start)) =
            (0..LEVELS).find_map(|level| self.next_in_level(level).map(|next| (level, next)))?;
        (start <= now).then_some((level, slot, start))
    }

    /// Puts an entry in the slot its deadline belongs to.
    fn link(&mut self, index: u32) {
        let elapsed = self.elapsed;
        let entry = &mut self.entries[index as usize];
        // The farthest tick the wheel can hold is the one just before the
        // top level's current slot comes round again; a later deadline is
        // parked there and moved along when it comes up. (Parking it any
        // later could put it in the current top-level slot of the *next*
        // window, which would look due now and be moved forever.)
        let top_span = slot_span(LEVELS - 1);
        let farthest = (elapsed & !(top_span - 1)) + RANGE - 1;
        let deadline = entry.deadline.clamp(elapsed + 1, farthest);
        let level = level_for(elapsed, deadline);
        let slot = slot_for(deadline, level);
        let head = self.levels[level].heads[slot];
        entry.state = State::Pending { level: level as u8, slot: slot as u8 };
        (entry.prev, entry.next) = (NIL, head);
        if head != NIL {
            self.entries[head as usize].prev = index;
        }
        self.levels[level].heads[slot] = index;
        self.levels[level].occupied |= 1 << slot;
    }

    /// Takes an entry out of its slot list.
    fn unlink(&mut self, index: u32) {
        let entry = &self.entries[index as usize];
        let State::Pending { level, slot } = entry.state else { return };
        let (level, slot, prev, next) = (level as usize, slot as usize, entry.prev, entry.next);
        if prev == NIL {
            self.levels[level].heads[slot] = next;
            if next == NIL {
                self.levels[level].occupied &= !(1 << slot);
            }
        } else {
            self.entries[prev as usize].next = next;
        }
        if next != NIL {
            self.entries[next as usize].prev = prev;
        }
        let entry = &mut self.entries[index as usize];
        (entry.prev, entry.next) = (NIL, NIL);
    }

    /// Drops every timer and its waker (runtime shutdown).
    pub(crate) fn clear(&mut self) {
        *self = Wheel { elapsed: self.elapsed, ..Wheel::default() };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use std::task::Wake;

    /// A waker that records its id in a shared log when woken (test only;
    /// the runtime's own wakers use a hand-written vtable).
    struct Recorder(usize, Arc<std::sync::Mutex<Vec<usize>>>);
    impl Wake for Recorder {
        fn wake(self: Arc<Self>) {
            self.1.lock().unwrap().push(self.0);
        }
    }

    fn fire(wheel: &mut Wheel, now: u64) -> usize {
        let mut wakers = Vec::new();
        wheel.advance(now, &mut wakers);
        let n = wakers.len();
        wakers.into_iter().for_each(Waker::wake);
        n
    }

    #[test]
    fn levels_follow_the_distance() {
        assert_eq!(level_for(0, 1), 0);
        assert_eq!(level_for(0, 63), 0);
        assert_eq!(level_for(0, 64), 1);
        assert_eq!(level_for(0, 4095), 1);
        assert_eq!(level_for(0, 4096), 2);
        assert_eq!(level_for(100, RANGE * 4), LEVELS - 1);
    }

    /// Random deadlines against a sorted model: every timer fires at the
    /// first advance at or after its deadline, never before, and removed
    /// timers never fire.
    #[test]
    fn matches_a_sorted_model() {
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut wheel = Wheel::default();
        let mut model: BTreeMap<usize, u64> = BTreeMap::new();
        let mut keys = Vec::new();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut now = 0;
        let timers = if cfg!(miri) { 200 } else { 5_000 };
        for id in 0..timers {
            let distance = match rand() % 4 {
                0 => 1 + rand() % 64,
                1 => 1 + rand() % 5_000,
                2 => 1 + rand() % 300_000,
                _ => 1 + rand() % 50_000_000,
            };
            let deadline = now + distance;
            let waker = Waker::from(Arc::new(Recorder(id, Arc::clone(&log))));
            keys.push((id, wheel.insert(deadline, waker)));
            model.insert(id, deadline);
            if rand() % 10 == 0 {
                let (victim, key) = keys[(rand() as usize) % keys.len()];
                if !log.lock().unwrap().contains(&victim) {
                    wheel.remove(key); // cancel a timer that has not fired
                    model.remove(&victim);
                }
            }
            if rand() % 7 == 0 {
                now += rand() % 2_000;
                fire(&mut wheel, now);
                check(&log, &model, now);
            }
        }
        // Run the rest out, checking only the newly fired (the full check is
        // quadratic over thousands of expirations).
        while wheel.pending() > 0 {
            let checked = log.lock().unwrap().len();
            now = wheel.next_expiration().unwrap().max(now + 1);
            fire(&mut wheel, now);
            for id in &log.lock().unwrap()[checked..] {
                let deadline = model[id];
                assert!(deadline <= now, "timer {id} for {deadline} fired at {now}");
            }
        }
        check(&log, &model, now);
        assert_eq!(log.lock().unwrap().len(), model.len(), "every live timer fired once");

        fn check(log: &std::sync::Mutex<Vec<usize>>, model: &BTreeMap<usize, u64>, now: u64) {
            let fired = log.lock().unwrap();
            for id in fired.iter() {
                let deadline = model.get(id).expect("a removed timer fired");
                assert!(*deadline <= now, "timer {id} for {deadline} fired at {now}");
            }
            let due = model.values().filter(|&&d| d <= now).count();
            assert_eq!(fired.len(), due, "at {now}: fired {} of {due} due", fired.len());
        }
    }

    #[test]
    fn far_deadlines_are_moved_along_not_fired() {
        let mut wheel = Wheel::default();
        wheel.insert(RANGE * 10, Waker::noop().clone());
        let first = wheel.next_expiration().unwrap();
        assert!(first < RANGE, "parked within the wheel's range");
        assert_eq!(fire(&mut wheel, RANGE), 0, "not due: moved, not fired");
        assert_eq!(wheel.pending(), 1);
        assert_eq!(fire(&mut wheel, RANGE * 10 - 1), 0);
        assert_eq!(fire(&mut wheel, RANGE * 10), 1);
    }

    /// A deadline beyond the wheel's range, inserted once time has moved
    /// into the top level's first slot, once made the wheel see it as due
    /// now and move it forever (found by `tests/bad_input.rs`).
    #[test]
    fn far_deadlines_inserted_later_are_not_due_at_once() {
        for elapsed in [1, 100, 64 * 64 - 1, slot_span(LEVELS - 1) - 1, slot_span(LEVELS - 1) + 5] {
            let mut wheel = Wheel::default();
            fire(&mut wheel, elapsed);
            wheel.insert(elapsed + RANGE * 50, Waker::noop().clone());
            assert!(wheel.next_expiration().unwrap() > elapsed, "at {elapsed}");
            assert_eq!(fire(&mut wheel, elapsed + 1_000), 0, "at {elapsed}");
            assert_eq!(wheel.pending(), 1);
        }
    }

    /// `reset` moves an entry, sooner or later, and its waker goes with it.
    #[test]
    fn reset_moves_a_timer_and_keeps_its_waker() {
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut wheel = Wheel::default();
        let sooner = wheel.insert(5_000, Waker::from(Arc::new(Recorder(1, Arc::clone(&log)))));
        let later = wheel.insert(10, Waker::from(Arc::new(Recorder(2, Arc::clone(&log)))));
        assert!(wheel.reset(sooner, 20));
        assert!(wheel.reset(later, 300_000));
        assert_eq!(wheel.next_expiration(), Some(20));
        assert_eq!(fire(&mut wheel, 19), 0);
        assert_eq!(fire(&mut wheel, 20), 1);
        assert_eq!(*log.lock().unwrap(), [1]);
        assert!(!wheel.reset(sooner, 40), "fired: nothing to move");
        assert_eq!(fire(&mut wheel, 299_999), 0);
        assert_eq!(fire(&mut wheel, 300_000), 1);
        assert_eq!(*log.lock().unwrap(), [1, 2]);
        assert_eq!(wheel.pending(), 0);
    }

    #[test]
    fn removing_and_reusing_entries_keeps_keys_distinct() {
        let mut wheel = Wheel::default();
        let a = wheel.insert(10, Waker::noop().clone());
        wheel.remove(a);
        let b = wheel.insert(20, Waker::noop().clone());
        assert_ne!(a, b, "same entry, new generation");
        wheel.remove(a); // stale: no effect
        assert_eq!(wheel.pending(), 1);
        assert!(wheel.set_waker(b, Waker::noop()));
        assert_eq!(fire(&mut wheel, 20), 1);
        assert!(!wheel.set_waker(b, Waker::noop()), "fired");
        wheel.remove(b);
        assert_eq!(wheel.pending(), 0);
    }
}
