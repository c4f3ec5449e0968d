//! `sync::Notify`: permits, `notify_one` order, `notify_last`,
//! `notify_waiters` and which futures it reaches, `enable`, cancellation
//! in every waiting state (a future dropped right after `notify_one` picked
//! it passes the notification on), and notifiers on std threads and on a
//! second runtime.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

use std::pin::pin;
use std::sync::{Arc, mpsc};
use std::thread;

use groundup::sync::Notify;

mod polling;
use polling::{counter, poll, poll_noop, wakes};

/// Fewer rounds under Miri, which is slow; the same scenarios.
const ROUNDS: usize = if cfg!(miri) { 3 } else { 100 };

#[test]
fn notify_and_notified_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Notify>();
    assert_send_sync::<groundup::sync::futures::Notified<'static>>();
    assert_send_sync::<groundup::sync::futures::OwnedNotified>();
}

#[test]
fn a_notify_one_with_nobody_waiting_stores_one_permit() {
    let notify = Notify::new();
    notify.notify_one();
    notify.notify_one(); // still one permit
    assert!(poll_noop(pin!(notify.notified())).is_ready());
    assert!(poll_noop(pin!(notify.notified())).is_pending(), "only one permit was stored");
}

#[test]
fn the_permit_is_taken_at_the_first_poll_not_at_creation() {
    let notify = Notify::new();
    let created = notify.notified();
    notify.notify_one();
    // A later future that polls first takes it.
    assert!(poll_noop(pin!(notify.notified())).is_ready());
    assert!(poll_noop(pin!(created)).is_pending());
}

#[test]
fn notify_one_wakes_the_oldest_waiter_first() {
    let notify = Notify::new();
    let (first_count, first_waker) = counter();
    let (second_count, second_waker) = counter();
    let mut first = pin!(notify.notified());
    let mut second = pin!(notify.notified());
    assert!(poll(first.as_mut(), &first_waker).is_pending());
    assert!(poll(second.as_mut(), &second_waker).is_pending());
    notify.notify_one();
    assert_eq!((wakes(&first_count), wakes(&second_count)), (1, 0));
    assert!(poll(second.as_mut(), &second_waker).is_pending());
    assert!(poll(first.as_mut(), &first_waker).is_ready());
    assert!(poll(first.as_mut(), &first_waker).is_ready(), "fused");
    notify.notify_one();
    assert_eq!(wakes(&second_count), 1);
    assert!(poll(second.as_mut(), &second_waker).is_ready());
}

#[test]
fn notify_last_wakes_the_newest_waiter() {
    let notify = Notify::new();
    let mut first = pin!(notify.notified());
    let mut second = pin!(notify.notified());
    assert!(poll_noop(first.as_mut()).is_pending());
    assert!(poll_noop(second.as_mut()).is_pending());
    notify.notify_last();
    assert!(poll_noop(first.as_mut()).is_pending());
    assert!(poll_noop(second.as_mut()).is_ready());
    notify.notify_last(); // the permit, when nobody else waits
    assert!(poll_noop(first.as_mut()).is_ready());
    notify.notify_last();
    assert!(poll_noop(pin!(notify.notified())).is_ready());
}

#[test]
fn notify_waiters_reaches_every_future_created_before_it_polled_or_not() {
    let notify = Notify::new();
    let mut polled = pin!(notify.notified());
    assert!(poll_noop(polled.as_mut()).is_pending());
    let never_polled = notify.notified();
    notify.notify_waiters();
    let created_after = notify.notified();
    assert!(poll_noop(polled.as_mut()).is_ready());
    assert!(poll_noop(pin!(never_polled)).is_ready());
    assert!(poll_noop(pin!(created_after)).is_pending(), "created after the call");
    assert!(poll_noop(pin!(notify.notified())).is_pending(), "notify_waiters stores no permit");
}

#[test]
fn notify_waiters_wakes_more_waiters_than_one_batch_and_not_the_newer_ones() {
    let notify = Notify::new();
    let (count, waker) = counter();
    let mut waiting: Vec<_> = (0..100).map(|_| Box::pin(notify.notified())).collect();
    for future in &mut waiting {
        assert!(poll(future.as_mut(), &waker).is_pending());
    }
    notify.notify_waiters();
    assert_eq!(wakes(&count), 100);
    let mut newer = pin!(notify.notified());
    assert!(poll(newer.as_mut(), &waker).is_pending());
    for future in &mut waiting {
        assert!(poll(future.as_mut(), &waker).is_ready());
    }
    assert!(poll(newer.as_mut(), &waker).is_pending());
}

#[test]
fn enable_joins_the_line_without_a_waker() {
    let notify = Notify::new();
    let mut notified = pin!(notify.notified());
    assert!(!notified.as_mut().enable());
    notify.notify_one();
    assert!(notified.as_mut().enable(), "the notification went to the enabled future");
    assert!(poll_noop(pin!(notify.notified())).is_pending(), "and not into the permit");
    assert!(poll_noop(notified).is_ready());

    notify.notify_one();
    assert!(pin!(notify.notified()).enable(), "enable takes a stored permit");
}

#[test]
fn a_future_enabled_then_polled_is_woken_through_the_polls_waker() {
    let notify = Notify::new();
    let (count, waker) = counter();
    let mut notified = pin!(notify.notified());
    assert!(!notified.as_mut().enable());
    assert!(poll(notified.as_mut(), &waker).is_pending());
    notify.notify_one();
    assert_eq!(wakes(&count), 1);
    assert!(poll(notified, &waker).is_ready());
}

#[test]
fn a_dropped_waiter_gives_up_its_place() {
    let notify = Notify::new();
    let (count, waker) = counter();
    let mut stays = pin!(notify.notified());
    {
        let mut gives_up = pin!(notify.notified());
        assert!(poll_noop(gives_up.as_mut()).is_pending());
        assert!(poll(stays.as_mut(), &waker).is_pending());
    }
    notify.notify_one();
    assert_eq!(wakes(&count), 1, "the notification skipped the dropped waiter");
    assert!(poll(stays, &waker).is_ready());
}

#[test]
fn a_future_dropped_right_after_notify_one_passes_it_to_the_next_waiter() {
    let notify = Notify::new();
    let (count, waker) = counter();
    let mut next = pin!(notify.notified());
    {
        let mut picked = pin!(notify.notified());
        assert!(poll_noop(picked.as_mut()).is_pending());
        assert!(poll(next.as_mut(), &waker).is_pending());
        notify.notify_one(); // picks `picked`, the oldest
        assert_eq!(wakes(&count), 0);
    } // dropped before it saw the notification
    assert_eq!(wakes(&count), 1, "passed on");
    assert!(poll(next, &waker).is_ready());
}

#[test]
fn a_future_dropped_after_notify_one_with_nobody_else_leaves_the_permit() {
    let notify = Notify::new();
    {
        let mut picked = pin!(notify.notified());
        assert!(poll_noop(picked.as_mut()).is_pending());
        notify.notify_one();
    }
    assert!(poll_noop(pin!(notify.notified())).is_ready(), "the permit is back");
}

#[test]
fn a_future_dropped_after_notify_last_passes_it_to_the_newest() {
    let notify = Notify::new();
    let mut oldest = pin!(notify.notified());
    assert!(poll_noop(oldest.as_mut()).is_pending());
    let mut newer = pin!(notify.notified());
    assert!(poll_noop(newer.as_mut()).is_pending());
    {
        let mut newest = pin!(notify.notified());
        assert!(poll_noop(newest.as_mut()).is_pending());
        notify.notify_last();
    }
    assert!(poll_noop(oldest).is_pending());
    assert!(poll_noop(newer).is_ready());
}

#[test]
fn a_future_dropped_after_notify_waiters_passes_nothing_on() {
    let notify = Notify::new();
    {
        let mut notified = pin!(notify.notified());
        assert!(poll_noop(notified.as_mut()).is_pending());
        notify.notify_waiters();
    }
    assert!(poll_noop(pin!(notify.notified())).is_pending());
}

#[test]
fn dropping_in_every_state_leaves_a_working_notify() {
    let notify = Notify::new();
    drop(notify.notified()); // never polled
    {
        let mut done = pin!(notify.notified());
        notify.notify_one();
        assert!(poll_noop(done.as_mut()).is_ready());
    } // completed: takes nothing with it
    {
        let mut enabled = pin!(notify.notified());
        assert!(!enabled.as_mut().enable());
    } // enabled, never polled
    notify.notify_one();
    assert!(poll_noop(pin!(notify.notified())).is_ready());
}

#[test]
fn a_moved_future_wakes_the_task_that_polled_last() {
    let notify = Notify::new();
    let (first_count, first) = counter();
    let (second_count, second) = counter();
    let mut notified = pin!(notify.notified());
    assert!(poll(notified.as_mut(), &first).is_pending());
    assert!(poll(notified.as_mut(), &second).is_pending());
    notify.notify_one();
    assert_eq!((wakes(&first_count), wakes(&second_count)), (0, 1));
}

#[test]
fn a_std_thread_notifies_a_task() {
    for _ in 0..ROUNDS {
        let notify = Arc::new(Notify::new());
        let (started, wait_started) = mpsc::channel();
        let notifier = {
            let notify = Arc::clone(&notify);
            thread::spawn(move || {
                wait_started.recv().unwrap();
                notify.notify_one();
            })
        };
        groundup::block_on(async {
            let notified = notify.notified();
            started.send(()).unwrap();
            notified.await;
        });
        notifier.join().unwrap();
    }
}

#[test]
fn a_std_thread_notifies_every_waiting_task() {
    for _ in 0..ROUNDS {
        let notify = Arc::new(Notify::new());
        groundup::block_on(async {
            let waiters: Vec<_> =
                (0..4).map(|_| groundup::spawn(Arc::clone(&notify).notified_owned())).collect();
            // Every future exists already (created above): the call reaches
            // them all, however the threads interleave.
            let notify = Arc::clone(&notify);
            let notifier = thread::spawn(move || notify.notify_waiters());
            for waiter in waiters {
                waiter.await.unwrap();
            }
            notifier.join().unwrap();
        });
    }
}

#[test]
fn a_second_runtime_notifies_this_one_and_back() {
    let there = Arc::new(Notify::new());
    let back = Arc::new(Notify::new());
    let other = {
        let (there, back) = (Arc::clone(&there), Arc::clone(&back));
        thread::spawn(move || {
            let runtime = groundup::Runtime::new().unwrap();
            runtime.block_on(async move {
                there.notified().await;
                back.notify_one();
            });
        })
    };
    groundup::block_on(async {
        there.notify_one(); // a permit if the other has not polled yet
        back.notified().await;
    });
    other.join().unwrap();
}

#[test]
fn notifications_and_drops_racing_from_threads_lose_no_permit() {
    // Two tasks wait; a thread gives two notify_one; one waiting future is
    // dropped as they arrive. The two notifications must end up with the
    // remaining waiter and one fresh future (the passed-on one or the
    // permit).
    for _ in 0..ROUNDS {
        let notify = Arc::new(Notify::new());
        let mut stays = Box::pin(Arc::clone(&notify).notified_owned());
        let mut dropped = Box::pin(Arc::clone(&notify).notified_owned());
        assert!(poll_noop(stays.as_mut()).is_pending());
        assert!(poll_noop(dropped.as_mut()).is_pending());
        let notifier = {
            let notify = Arc::clone(&notify);
            thread::spawn(move || {
                notify.notify_one();
                notify.notify_one();
            })
        };
        drop(dropped);
        notifier.join().unwrap();
        assert!(poll_noop(stays.as_mut()).is_ready());
        assert!(poll_noop(pin!(notify.notified())).is_ready(), "the second notification survived");
    }
}

/// A `static`, so its `const_new` is evaluated at compile time: the line
/// below fails to build if `Notify::const_new` is not a `const fn`.
static STATIC_NOTIFY: Notify = Notify::const_new();

#[test]
fn a_const_new_static_notify_wakes_a_task_from_a_std_thread() {
    groundup::block_on(async {
        let notified = STATIC_NOTIFY.notified();
        let notifier = thread::spawn(|| STATIC_NOTIFY.notify_waiters());
        notified.await;
        notifier.join().unwrap();
    });
}

#[test]
fn const_new_starts_like_new_with_no_permit() {
    let fresh = const { Notify::const_new() };
    let mut notified = pin!(fresh.notified());
    assert!(!notified.as_mut().enable(), "no permit stored");
    fresh.notify_one();
    groundup::block_on(notified);
}
