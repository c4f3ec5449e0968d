//! Timers: never early, cancelled on drop, many at once; and the defects
//! of issue 13 (items 4 to 7), each as a scenario.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::future::{Future, poll_fn};
use std::sync::mpsc;
use std::task::Poll;
use std::thread;

use groundup::Runtime;
use groundup::runtime::Builder;
use groundup::time::{self, Duration, Instant, MissedTickBehavior};

/// Runs `future` on a runtime whose clock starts paused: timers auto-advance
/// it, so the assertions below can be exact instead of timing-dependent.
fn paused<F: Future>(future: F) -> F::Output {
    Builder::new_current_thread().start_paused(true).build().unwrap().block_on(future)
}

#[test]
fn a_thousand_short_sleeps_never_end_early() {
    groundup::block_on(async {
        for i in 0..util::scaled(1_000) as u64 {
            let d = Duration::from_micros((i * 7919) % 2_500);
            let start = Instant::now();
            time::sleep(d).await;
            let slept = start.elapsed();
            assert!(slept >= d, "sleep {i} of {d:?} ended after {slept:?}");
        }
    });
}

#[test]
fn timeout_on_a_never_ready_future_is_elapsed() {
    groundup::block_on(async {
        let start = Instant::now();
        let result = time::timeout(Duration::from_millis(30), std::future::pending::<()>()).await;
        let elapsed: time::Elapsed = result.unwrap_err();
        assert_eq!(elapsed.to_string(), "deadline has elapsed");
        assert_eq!(std::io::Error::from(elapsed).kind(), std::io::ErrorKind::TimedOut);
        assert!(start.elapsed() >= Duration::from_millis(30));
    });
}

#[test]
fn a_ready_future_beats_its_timeout() {
    groundup::block_on(async {
        assert_eq!(time::timeout(Duration::ZERO, async { 3 }).await, Ok(3));
    });
}

#[test]
fn interval_ticks_in_order_on_schedule() {
    groundup::block_on(async {
        let period = Duration::from_millis(3);
        let mut interval = time::interval(period);
        let mut previous: Option<Instant> = None;
        for _ in 0..20 {
            let tick = interval.tick().await;
            assert!(Instant::now() >= tick, "a tick completed before its instant");
            if let Some(prev) = previous {
                assert_eq!(tick - prev, period, "burst schedule keeps the grid");
            }
            previous = Some(tick);
        }
    });
}

#[test]
fn interval_delay_behaviour_restarts_from_now() {
    groundup::block_on(async {
        let period = Duration::from_millis(2);
        let mut interval = time::interval(period);
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        interval.tick().await;
        std::thread::sleep(Duration::from_millis(10)); // miss several ticks
        let late = interval.tick().await;
        let next = interval.tick().await;
        assert!(next - late >= period);
    });
}

#[test]
fn interval_of_zero_panics_with_a_message() {
    let err = std::panic::catch_unwind(|| time::interval(Duration::ZERO)).unwrap_err();
    assert!(util::panic_message(&*err).contains("non-zero"));
}

#[test]
fn a_hundred_thousand_concurrent_timers_all_fire_none_early() {
    groundup::block_on(async {
        let handles: Vec<_> = (0..util::scaled(100_000) as u64)
            .map(|i| {
                let d = Duration::from_micros((i * 104_729) % 50_000);
                groundup::spawn(async move {
                    let start = Instant::now();
                    time::sleep(d).await;
                    start.elapsed() >= d
                })
            })
            .collect();
        for h in handles {
            assert!(h.await.unwrap(), "a timer fired early");
        }
    });
}

#[test]
fn dropping_a_sleep_cancels_its_timer() {
    let rt = Runtime::new().unwrap();
    rt.block_on(async {
        let n = util::scaled(1_000);
        let mut sleeps: Vec<_> =
            (0..n).map(|_| Box::pin(time::sleep(Duration::from_secs(60)))).collect();
        for s in &mut sleeps {
            // Poll once so each registers with the wheel.
            let _ = time::timeout(Duration::ZERO, s.as_mut()).await;
        }
        assert_eq!(rt.pending_timers(), n);
        sleeps.truncate(n / 2);
        assert_eq!(rt.pending_timers(), n / 2);
    });
}

#[test]
fn sleeping_duration_max_is_forever() {
    groundup::block_on(async {
        let result = time::timeout(Duration::from_millis(10), time::sleep(Duration::MAX)).await;
        assert!(result.is_err());
    });
}

#[test]
fn sleep_reset_moves_the_deadline() {
    groundup::block_on(async {
        let sleep = time::sleep(Duration::from_secs(3_600));
        groundup::pin!(sleep);
        let soon = Instant::now() + Duration::from_millis(5);
        sleep.as_mut().reset(soon);
        sleep.await;
        assert!(Instant::now() >= soon);
    });
}

/// Issue 13, item 4: a future polls its `Sleep`, moves it to an earlier
/// deadline and returns `Pending` without polling it again. The timer must
/// move with its waker, or the task is never woken (the outer timeout would
/// end the wait an hour later).
#[test]
fn a_sleep_reset_after_its_poll_still_wakes_the_task() {
    paused(async {
        let start = Instant::now();
        let sleep = time::sleep(Duration::from_secs(3_600));
        groundup::pin!(sleep);
        let mut polled_once = false;
        let waiting = poll_fn(|cx| {
            if !polled_once {
                polled_once = true;
                assert!(sleep.as_mut().poll(cx).is_pending());
                sleep.as_mut().reset(start + Duration::from_secs(10));
                return Poll::Pending; // no second poll: only the moved timer can wake us
            }
            sleep.as_mut().poll(cx).map(|()| Instant::now())
        });
        let woke_at = time::timeout(Duration::from_secs(7_200), waiting)
            .await
            .expect("the reset sleep never woke its task");
        assert_eq!(woke_at - start, Duration::from_secs(10));
    });
}

/// Resetting later keeps the registration too: the task is woken at the
/// new deadline, not the old one.
#[test]
fn a_sleep_reset_later_wakes_at_the_new_deadline() {
    paused(async {
        let start = Instant::now();
        let sleep = time::sleep(Duration::from_secs(1));
        groundup::pin!(sleep);
        let _ = time::timeout(Duration::ZERO, sleep.as_mut()).await; // registers
        sleep.as_mut().reset(start + Duration::from_secs(5));
        sleep.as_mut().await;
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    });
}

/// Issue 13, item 5: a future that is always ready spends its task's
/// budget on every poll; the timeout around it must still fire. (Real time:
/// a busy task never lets a paused clock auto-advance.) The runtime runs on
/// its own thread so that the regression shows as a failed assertion, not a
/// hung test.
#[test]
fn a_timeout_fires_while_its_future_spends_the_whole_budget() {
    let (done, outcome) = mpsc::channel();
    thread::spawn(move || {
        let result = groundup::block_on(time::timeout(Duration::from_millis(20), async {
            let mut rounds = 0u64;
            loop {
                time::sleep(Duration::ZERO).await; // ready at once, one unit of budget
                rounds += 1;
                if rounds == u64::MAX {
                    return rounds;
                }
            }
        }));
        let _ = done.send(result.is_err());
    });
    let elapsed = outcome.recv_timeout(util::PATIENCE);
    assert_eq!(elapsed, Ok(true), "the timeout never fired around a budget-spending future");
}

/// Issue 13, item 6: a period too long for the clock saturates to "never"
/// on every path that adds it: the plain schedule, `Delay` and `Skip` after
/// a missed tick, and `reset`.
#[test]
fn an_interval_of_duration_max_ticks_once_then_never() {
    paused(async {
        for behavior in
            [MissedTickBehavior::Burst, MissedTickBehavior::Delay, MissedTickBehavior::Skip]
        {
            // On time, then a tick missed by a second (the missed-tick path).
            for start in [Instant::now(), Instant::now() - Duration::from_secs(1)] {
                let mut interval = time::interval_at(start, Duration::MAX);
                interval.set_missed_tick_behavior(behavior);
                assert_eq!(interval.tick().await, start);
                let next = time::timeout(Duration::from_secs(3_600), interval.tick()).await;
                assert!(next.is_err(), "{behavior:?}: a second tick within the hour");
                interval.reset();
                interval.reset_after(Duration::MAX);
                let next = time::timeout(Duration::from_secs(3_600), interval.tick()).await;
                assert!(next.is_err(), "{behavior:?}: a tick within the hour after reset");
            }
        }
    });
}

/// Issue 13, item 7: `Delay` must not drift when no tick was really missed.
/// Every other tick is polled 1 ms late (the task was busy for a period and
/// a millisecond): that is ordinary lateness, below tokio's 5 ms threshold,
/// so the schedule stays on the grid. A tick 7 ms late is missed, and
/// `Delay` then restarts the schedule from it.
#[test]
fn interval_delay_keeps_the_schedule_when_no_tick_was_missed() {
    paused(async {
        let period = Duration::from_millis(10);
        let mut interval = time::interval(period);
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let first = interval.tick().await;
        for k in 1..=100u32 {
            if k % 2 == 0 {
                time::advance(period + Duration::from_millis(1)).await;
            }
            let tick = interval.tick().await;
            assert_eq!(tick - first, period * k, "tick {k} drifted off the schedule");
        }
        assert_eq!(Instant::now() - first, Duration::from_millis(1_001));
        time::advance(period + Duration::from_millis(6)).await; // now 1_017: tick 1_010 is 7 ms late
        assert_eq!(interval.tick().await - first, Duration::from_millis(1_010));
        let restarted = interval.tick().await;
        assert_eq!(
            restarted - first,
            Duration::from_millis(1_027),
            "Delay: a period after the late tick"
        );
    });
}

#[test]
fn a_timeout_error_is_the_same_type_at_tokios_path_and_the_short_one() {
    let elapsed: time::error::Elapsed = paused(async {
        time::timeout(Duration::from_secs(1), std::future::pending::<()>()).await.unwrap_err()
    });
    let short: time::Elapsed = elapsed; // one type, two paths
    assert_eq!(short.to_string(), "deadline has elapsed");
    assert_eq!(std::io::Error::from(short).kind(), std::io::ErrorKind::TimedOut);
}

#[test]
fn each_timer_error_kind_answers_only_its_own_question() {
    use time::error::Error;
    let kinds = [
        (Error::shutdown(), [true, false, false]),
        (Error::at_capacity(), [false, true, false]),
        (Error::invalid(), [false, false, true]),
    ];
    for (err, [shutdown, at_capacity, invalid]) in kinds {
        assert_eq!(err.is_shutdown(), shutdown, "{err:?}");
        assert_eq!(err.is_at_capacity(), at_capacity, "{err:?}");
        assert_eq!(err.is_invalid(), invalid, "{err:?}");
    }
    assert_ne!(Error::shutdown(), Error::invalid());
    assert_eq!(Error::invalid(), Error::invalid());
}

#[test]
fn timer_errors_display_tokios_messages() {
    use time::error::Error;
    assert_eq!(
        Error::at_capacity().to_string(),
        "timer is at capacity and cannot create a new entry"
    );
    assert_eq!(Error::invalid().to_string(), "timer duration exceeds maximum duration");
    // tokio's words, with groundup's name for the runtime.
    assert_eq!(
        Error::shutdown().to_string(),
        "the timer is shutdown, must be called from the context of a groundup runtime"
    );
    let source: Box<dyn std::error::Error + Send + Sync> = Error::invalid().into();
    assert!(source.source().is_none());
}
