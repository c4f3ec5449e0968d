//! A million tasks; a million timers, half of them cancelled.

mod util;

use groundup::time::{Duration, Instant};
use std::future::Future;

use groundup::{Runtime, time};

#[test]
fn a_million_spawned_tasks() {
    let n = util::stress(1_000_000);
    let sum = groundup::block_on(async move {
        let handles: Vec<_> = (0..n as u64).map(|i| groundup::spawn(async move { i })).collect();
        let mut sum = 0u64;
        for h in handles {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, (0..n as u64).sum());
}

#[test]
fn a_million_timers_half_cancelled() {
    let n = util::stress(1_000_000);
    let rt = Runtime::new().unwrap();
    rt.block_on(async {
        // Create and register a million timers, all far in the future so
        // none fires while the rest are being made.
        let far = Instant::now() + Duration::from_secs(3_600);
        let mut sleeps: Vec<_> = (0..n).map(|_| Box::pin(time::sleep_until(far))).collect();
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        // A poll spends the task's cooperative budget (128 operations), so
        // register in chunks, yielding in between as any busy task must.
        for chunk in sleeps.chunks_mut(100) {
            for s in chunk {
                assert!(s.as_mut().poll(&mut cx).is_pending());
            }
            groundup::task::yield_now().await;
        }
        assert_eq!(rt.pending_timers(), n);

        // Cancel every other one: dropping a Sleep takes it off the wheel.
        let kept: Vec<_> = sleeps.into_iter().step_by(2).collect();
        assert_eq!(rt.pending_timers(), kept.len(), "cancelled timers left the wheel");

        // The rest get near deadlines (over 200 ms) and must all fire, none
        // early.
        let start = Instant::now();
        let waiting: Vec<_> = kept
            .into_iter()
            .enumerate()
            .map(|(i, mut sleep)| {
                let deadline = start + Duration::from_micros((i as u64 * 7_919) % 200_000);
                sleep.as_mut().reset(deadline);
                groundup::spawn(async move {
                    sleep.await;
                    Instant::now() >= deadline
                })
            })
            .collect();
        for w in waiting {
            assert!(w.await.unwrap(), "a timer fired early");
        }
        assert_eq!(rt.pending_timers(), 0);
    });
}
