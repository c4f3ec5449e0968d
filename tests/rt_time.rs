//! Timers: never early, cancelled on drop, many at once.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::time::{Duration, Instant};

use groundup::Runtime;
use groundup::time::{self, MissedTickBehavior};

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
        let mut sleep = time::sleep(Duration::from_secs(3_600));
        let soon = Instant::now() + Duration::from_millis(5);
        sleep.reset(soon);
        sleep.await;
        assert!(Instant::now() >= soon);
    });
}
