//! Who is listening: one list of waiting listeners per signal (or console
//! event), shared by every runtime in the process.
//!
//! A delivery is a number going up: the handler bumps a counter
//! (`sys::signal` on Unix, `sys::console` on Windows) and nothing else it
//! may do is safe. A [`Listener`] remembers the count it last saw; it has
//! heard a delivery when the count has moved. What the handler cannot do,
//! waking the listeners' tasks, is done by [`Event::broadcast`], called in
//! ordinary code by whoever learns of the delivery first: on Unix the
//! listener that drained the signal's socket, on Windows the control
//! handler itself (which runs on an ordinary thread).
//!
//! Why a list, when every Unix listener also watches the socket through
//! its own registration: a registration's readiness is not a promise that
//! its task will be woken. Under `EPOLLET` the kernel checks a descriptor
//! again before reporting it, so once one listener has drained the socket,
//! the other listeners' descriptors (duplicates of the same socket) may
//! not be reported at all. The broadcast is what reaches them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

/// The listeners of one signal or console event.
#[derive(Debug)]
pub(crate) struct Event {
    waiting: Mutex<Waiting>,
    /// Live listeners (Windows tells the system whether the event was
    /// handled by it).
    listeners: AtomicUsize,
}

/// The wakers of the listeners waiting now, by listener id.
#[derive(Debug)]
struct Waiting {
    next_id: u64,
    wakers: Vec<(u64, Waker)>,
}

impl Event {
    pub(crate) const fn new() -> Event {
        Event {
            waiting: Mutex::new(Waiting { next_id: 0, wakers: Vec::new() }),
            listeners: AtomicUsize::new(0),
        }
    }

    /// Wakes every waiting listener; each looks at the count when polled.
    pub(crate) fn broadcast(&self) {
        // Taken out of the lock first: a waker is user code, which could
        // poll a listener (and take this lock) from inside `wake`.
        let wakers = std::mem::take(&mut self.lock().wakers);
        for (_, waker) in wakers {
            waker.wake();
        }
    }

    /// Whether any listener exists.
    #[cfg_attr(unix, allow(dead_code))] // Windows answers the system with it
    pub(crate) fn has_listeners(&self) -> bool {
        // Acquire pairs with the Release of `Listener::new`: a listener
        // created before the event is counted.
        self.listeners.load(Ordering::Acquire) > 0
    }

    fn lock(&self) -> MutexGuard<'_, Waiting> {
        // Nothing panics with the lock held; a poisoned list is still valid.
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One listener: the count it has seen, and its place in the list.
#[derive(Debug)]
pub(crate) struct Listener {
    event: &'static Event,
    id: u64,
    seen: usize,
}

impl Listener {
    /// A listener that has seen the deliveries up to `now` (so it hears only
    /// those that come after it was created).
    pub(crate) fn new(event: &'static Event, now: usize) -> Listener {
        let id = {
            let mut waiting = event.lock();
            waiting.next_id += 1;
            waiting.next_id
        };
        // Release: see `has_listeners`.
        event.listeners.fetch_add(1, Ordering::Release);
        Listener { event, id, seen: now }
    }

    /// `Ready` once `count()` differs from what this listener saw last
    /// (any number of deliveries since then count as one); otherwise
    /// stores the task's waker in the list and returns `Pending`.
    pub(crate) fn poll_delivered(
        &mut self,
        cx: &mut Context<'_>,
        count: impl Fn() -> usize,
    ) -> Poll<()> {
        if self.take_new(count()) {
            return Poll::Ready(());
        }
        self.register(cx.waker());
        // A delivery and its broadcast may have come between the first look
        // and the registration, and found no waker: look again. The lock
        // taken by `register` orders this load after any broadcast that
        // took the list before it, and that broadcast's caller had already
        // seen the new count.
        if self.take_new(count()) {
            return Poll::Ready(());
        }
        Poll::Pending
    }

    fn take_new(&mut self, now: usize) -> bool {
        let new = now != self.seen;
        self.seen = now;
        new
    }

    fn register(&self, waker: &Waker) {
        let mut waiting = self.event.lock();
        match waiting.wakers.iter_mut().find(|(id, _)| *id == self.id) {
            Some((_, old)) => old.clone_from(waker),
            None => waiting.wakers.push((self.id, waker.clone())),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.event.lock().wakers.retain(|(id, _)| *id != self.id);
        self.event.listeners.fetch_sub(1, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::task::Wake;

    use super::*;

    /// A waker that counts its wakes.
    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counting_waker() -> (Arc<Counter>, Waker) {
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        (Arc::clone(&counter), Waker::from(counter))
    }

    #[test]
    fn a_listener_hears_only_deliveries_after_its_creation_merged_into_one() {
        static EVENT: Event = Event::new();
        let count = AtomicUsize::new(5);
        let mut listener = Listener::new(&EVENT, count.load(Ordering::SeqCst));
        let (_, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let now = || count.load(Ordering::SeqCst);
        assert!(listener.poll_delivered(&mut cx, now).is_pending());
        count.fetch_add(3, Ordering::SeqCst);
        assert!(listener.poll_delivered(&mut cx, now).is_ready());
        assert!(listener.poll_delivered(&mut cx, now).is_pending(), "three merged into one");
    }

    #[test]
    fn a_broadcast_wakes_every_waiting_listener_once() {
        static EVENT: Event = Event::new();
        let count = AtomicUsize::new(0);
        let now = || count.load(Ordering::SeqCst);
        let mut listeners: Vec<_> = (0..3).map(|_| Listener::new(&EVENT, 0)).collect();
        let wakers: Vec<_> = (0..3).map(|_| counting_waker()).collect();
        for (listener, (_, waker)) in listeners.iter_mut().zip(&wakers) {
            // Polled twice: the second registration replaces the first.
            for _ in 0..2 {
                let mut cx = Context::from_waker(waker);
                assert!(listener.poll_delivered(&mut cx, now).is_pending());
            }
        }
        count.fetch_add(1, Ordering::SeqCst);
        EVENT.broadcast();
        EVENT.broadcast(); // nobody is waiting any more
        for (counter, _) in &wakers {
            assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        }
        assert!(EVENT.has_listeners());
        drop(listeners);
        assert!(!EVENT.has_listeners());
    }
}
