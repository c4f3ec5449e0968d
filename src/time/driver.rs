//! The timer driver: the wheel plus the clock it counts from.
//!
//! The executor owns the driver (it fires due timers in its loop and sleeps
//! until the next deadline); the futures of [`crate::time`] reach it through
//! [`crate::context`]. Kept apart from those futures so that the executor,
//! which sits below the context, does not name the layer above it.

use std::cell::RefCell;
use std::rc::Rc;
use std::task::Waker;
use std::time::{Duration, Instant};

use super::wheel::{Key, Wheel};

/// The runtime's timers, shared (by `Rc`) with each registered `Sleep` so
/// that dropping a `Sleep` can remove its entry even after the runtime is
/// gone.
#[derive(Clone, Debug)]
pub(crate) struct Driver {
    inner: Rc<DriverInner>,
}

#[derive(Debug)]
struct DriverInner {
    /// Tick 0.
    start: Instant,
    wheel: RefCell<Wheel>,
    /// Reused buffer for the wakers of fired timers.
    fired: RefCell<Vec<Waker>>,
}

const TICK: Duration = Duration::from_millis(1);

impl Driver {
    pub(crate) fn new() -> Driver {
        Driver {
            inner: Rc::new(DriverInner {
                start: Instant::now(),
                wheel: RefCell::new(Wheel::default()),
                fired: RefCell::new(Vec::new()),
            }),
        }
    }

    /// The first tick at or after `instant` (rounding up: never early).
    fn tick_at_or_after(&self, instant: Instant) -> u64 {
        let since = instant.saturating_duration_since(self.inner.start);
        u64::try_from(since.as_nanos().div_ceil(TICK.as_nanos())).unwrap_or(u64::MAX)
    }

    /// The last tick that has fully passed (rounding down).
    fn current_tick(&self) -> u64 {
        let since = Instant::now().saturating_duration_since(self.inner.start);
        u64::try_from(since.as_nanos() / TICK.as_nanos()).unwrap_or(u64::MAX)
    }

    pub(super) fn insert(&self, deadline: Instant, waker: &Waker) -> Key {
        let mut wheel = self.inner.wheel.borrow_mut();
        let tick = self.tick_at_or_after(deadline).max(wheel.elapsed() + 1);
        wheel.insert(tick, waker.clone())
    }

    pub(super) fn set_waker(&self, key: Key, waker: &Waker) -> bool {
        self.inner.wheel.borrow_mut().set_waker(key, waker)
    }

    pub(super) fn remove(&self, key: Key) {
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

    /// How long the executor may sleep before the wheel needs attention.
    pub(crate) fn next_timeout(&self) -> Option<Duration> {
        let tick = self.inner.wheel.borrow().next_expiration()?;
        let at = self.inner.start + TICK * u32::try_from(tick).unwrap_or(u32::MAX);
        Some(at.saturating_duration_since(Instant::now()))
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
