//! The time driver: the wheel, the clock it counts from, and what the
//! executor asks of them (fire due timers, how long to park, whether to
//! auto-advance paused time).

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;
use std::task::Waker;
use std::time::Duration;

use super::Instant;
use super::clock::Clock;
use super::wheel::{Key, Wheel};
use crate::blocking::spawner::Spawner;

/// The runtime's timers, shared (by `Rc`) with each registered `Sleep` so
/// that dropping a `Sleep` can remove its entry even after the runtime is
/// gone.
#[derive(Clone, Debug)]
pub(crate) struct Driver {
    inner: Rc<DriverInner>,
}

#[derive(Debug)]
struct DriverInner {
    clock: Clock,
    /// Tick 0, by `clock`.
    start: Instant,
    wheel: RefCell<Wheel>,
    /// Reused buffer for the wakers of fired timers.
    fired: RefCell<Vec<Waker>>,
    /// The runtime's blocking pool: while a job is in flight, paused time
    /// does not auto-advance (set once, by the runtime's builder).
    blocking: OnceCell<Spawner>,
}

const TICK: Duration = Duration::from_millis(1);

impl Driver {
    pub(crate) fn new() -> Driver {
        let clock = Clock::new();
        let start = clock.now();
        Driver {
            inner: Rc::new(DriverInner {
                clock,
                start,
                wheel: RefCell::new(Wheel::default()),
                fired: RefCell::new(Vec::new()),
                blocking: OnceCell::new(),
            }),
        }
    }

    /// Pauses the clock of a driver no one has used yet
    /// (`Builder::start_paused`).
    ///
    /// The clock is paused at tick 0 (a few microseconds back, before anyone
    /// could read it), so that whole-millisecond timers land exactly on the
    /// wheel's ticks and auto-advance reaches their deadlines exactly.
    pub(crate) fn start_paused(&self) {
        self.inner.clock.pause_at(self.inner.start);
    }

    /// Makes auto-advance wait for `blocking`'s jobs in flight.
    pub(crate) fn watch_blocking(&self, blocking: Spawner) {
        let _ = self.inner.blocking.set(blocking);
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Now, by this runtime's clock.
    pub(crate) fn now(&self) -> Instant {
        self.inner.clock.now()
    }

    /// The first tick at or after `instant` (rounding up: never early).
    fn tick_at_or_after(&self, instant: Instant) -> u64 {
        let since = instant.saturating_duration_since(self.inner.start);
        u64::try_from(since.as_nanos().div_ceil(TICK.as_nanos())).unwrap_or(u64::MAX)
    }

    /// The last tick that has fully passed (rounding down).
    fn current_tick(&self) -> u64 {
        let since = self.now().saturating_duration_since(self.inner.start);
        u64::try_from(since.as_nanos() / TICK.as_nanos()).unwrap_or(u64::MAX)
    }

    /// When `tick` begins, by the clock (saturating far in the future).
    fn instant_of(&self, tick: u64) -> Instant {
        let since = Duration::from_millis(tick);
        self.inner.start.checked_add(since).unwrap_or_else(|| Instant::far_future_from(self.now()))
    }

    /// The tick a timer for `deadline` goes in: never early, and never in
    /// the past of the wheel (which has already processed `elapsed`).
    fn tick_for(&self, wheel: &Wheel, deadline: Instant) -> u64 {
        self.tick_at_or_after(deadline).max(wheel.elapsed() + 1)
    }

    pub(crate) fn insert(&self, deadline: Instant, waker: &Waker) -> Key {
        let mut wheel = self.inner.wheel.borrow_mut();
        let tick = self.tick_for(&wheel, deadline);
        wheel.insert(tick, waker.clone())
    }

    /// Moves a pending timer to `deadline`, keeping its waker. Returns
    /// `false` if the timer already fired (its waker was woken and taken).
    pub(crate) fn reset(&self, key: Key, deadline: Instant) -> bool {
        let mut wheel = self.inner.wheel.borrow_mut();
        let tick = self.tick_for(&wheel, deadline);
        wheel.reset(key, tick)
    }

    pub(crate) fn set_waker(&self, key: Key, waker: &Waker) -> bool {
        self.inner.wheel.borrow_mut().set_waker(key, waker)
    }

    pub(crate) fn remove(&self, key: Key) {
        self.inner.wheel.borrow_mut().remove(key);
    }

    /// Wakes every timer whose deadline has passed (executor loop).
    pub(crate) fn fire_due(&self) {
        if self.inner.wheel.borrow().pending() == 0 {
            return;
        }
        let now = self.current_tick();
        let mut fired = std::mem::take(&mut *self.inner.fired.borrow_mut());
        self.inner.wheel.borrow_mut().advance(now, &mut fired);
        // Wake outside the borrows: a wake may run arbitrary code, and may
        // panic (a future polled with a foreign waker); contain that, so the
        // wheel and the other timers stay intact.
        for waker in fired.drain(..) {
            crate::util::panic::survive_panic("a timer's waker", || waker.wake());
        }
        *self.inner.fired.borrow_mut() = fired;
    }

    /// When the wheel next needs attention, if any timer is pending.
    fn next_expiration(&self) -> Option<Instant> {
        let tick = self.inner.wheel.borrow().next_expiration()?;
        Some(self.instant_of(tick))
    }

    /// How long the executor may sleep before the wheel needs attention.
    ///
    /// While time is paused the clock does not move by itself, so waiting
    /// for a timer in real time would be pointless: `None` (wait for a wake)
    /// unless a timer is due now. The executor asks
    /// [`should_auto_advance`](Driver::should_auto_advance) first.
    pub(crate) fn next_timeout(&self) -> Option<Duration> {
        let at = self.next_expiration()?;
        let left = at.saturating_duration_since(self.now());
        if self.inner.clock.is_paused() && !left.is_zero() {
            return None;
        }
        Some(left)
    }

    /// Whether the executor, out of work, should auto-advance paused time
    /// instead of parking: time is paused, a timer is pending but not due,
    /// and no blocking job is in flight (tokio's `can_auto_advance` with a
    /// pending timer). A job in flight may be about to wake a task, as a
    /// socket may: the clock waits for it, and the pool unparks the
    /// executor when its last job finishes.
    pub(crate) fn should_auto_advance(&self) -> bool {
        self.inner.clock.is_paused()
            && self.next_expiration().is_some_and(|at| at > self.now())
            && self.inner.blocking.get().is_none_or(|pool| pool.in_flight() == 0)
    }

    /// Moves the paused clock to when the wheel next needs attention. The
    /// executor calls this when the runtime is idle and nothing woke while
    /// the reactor looked at the kernel once more (see the executor's
    /// `auto_advance` module); the run loop then fires what is due.
    ///
    /// The target is the start of the wheel's next non-empty slot: the
    /// earliest deadline in it, or (for a slot of a coarser level) a cascade
    /// point before any of them, after which the loop comes back here. So
    /// the clock never passes a deadline: timers fire in deadline order.
    pub(crate) fn auto_advance(&self) {
        if let Some(at) = self.next_expiration() {
            self.inner.clock.advance_to(at);
        }
    }

    /// Drops every timer (runtime shutdown).
    pub(crate) fn shutdown(&self) {
        let mut wheel = self.inner.wheel.borrow_mut();
        wheel.clear();
    }

    pub(crate) fn pending(&self) -> usize {
        self.inner.wheel.borrow().pending()
    }
}
