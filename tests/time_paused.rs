//! Paused time (tokio's `test-util` semantics): an hour of timers in no
//! time, in deadline order, none early; `advance`, `resume`, and the clear
//! panics for misuse. No sockets here (the file runs under Miri); the
//! interplay with ready I/O is in `time_paused_io.rs`.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::cell::RefCell;
use std::rc::Rc;

use groundup::task;
use groundup::time::{self, Duration, Instant, MissedTickBehavior};

/// The acceptance scenario: tasks sleeping from one second to an
/// hour (shuffled) complete at once, each exactly at its deadline by the
/// paused clock, in deadline order.
#[groundup::test(start_paused = true)]
async fn an_hour_of_timers_fires_at_once_in_deadline_order_never_early() {
    let wall = std::time::Instant::now();
    let start = Instant::now();
    let fired = Rc::new(RefCell::new(Vec::new()));
    let seconds = util::scaled(3_600) as u64;
    let tasks: Vec<_> = (1..=seconds)
        .map(|i| (i * 7_919) % seconds + 1) // every second from 1 to the hour, shuffled
        .map(|s| {
            let fired = Rc::clone(&fired);
            groundup::spawn(async move {
                let deadline = start + Duration::from_secs(s);
                time::sleep_until(deadline).await;
                assert_eq!(Instant::now(), deadline, "a timer fired off its deadline");
                fired.borrow_mut().push(s);
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let fired = fired.borrow();
    assert_eq!(fired.len() as u64, seconds);
    assert!(fired.windows(2).all(|w| w[0] < w[1]), "timers fired out of deadline order");
    assert_eq!(start.elapsed(), Duration::from_secs(seconds));
    // What the paused clock saved: far less than the hour (bound loose on
    // purpose: a loaded machine is slow, not an hour slow).
    assert!(wall.elapsed() < std::time::Duration::from_secs(600));
}

/// The clock does not move while anything can run: busy tasks (always
/// woken again) hold a timer back until they finish, and the timer still
/// fires at its own deadline, not at the time they took.
#[groundup::test(start_paused = true)]
async fn busy_tasks_hold_the_clock_until_they_are_done() {
    let start = Instant::now();
    let timer = groundup::spawn(async move {
        time::sleep(Duration::from_secs(1)).await;
        Instant::now()
    });
    let busy: Vec<_> = (0..util::scaled(50))
        .map(|_| {
            groundup::spawn(async move {
                for _ in 0..200 {
                    assert_eq!(Instant::now(), start, "the clock moved while a task could run");
                    task::yield_now().await;
                }
            })
        })
        .collect();
    for b in busy {
        b.await.unwrap();
    }
    assert_eq!(timer.await.unwrap() - start, Duration::from_secs(1));
}

/// Under load: many tasks, each a loop of sleeps and intervals of its own,
/// all on the paused clock. Every wake is at its deadline.
#[groundup::test(start_paused = true)]
async fn thousands_of_sleeping_tasks_each_wake_exactly_on_time() {
    let tasks: Vec<_> = (0..util::scaled(2_000) as u64)
        .map(|i| {
            groundup::spawn(async move {
                let mut interval = time::interval(Duration::from_millis(10 + i % 90));
                let first = interval.tick().await;
                for k in 1..=20u32 {
                    let before = Instant::now();
                    let pause = Duration::from_millis((i * 31 + u64::from(k) * 17) % 50 + 1);
                    time::sleep(pause).await;
                    assert_eq!(Instant::now() - before, pause, "a sleep was not exact");
                    let tick = interval.tick().await;
                    assert!(Instant::now() >= tick, "a tick completed before its instant");
                    assert!(tick >= first + interval.period() * k, "a tick came early");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

#[groundup::test(start_paused = true)]
async fn a_timeout_elapses_exactly_on_the_paused_clock() {
    let start = Instant::now();
    let result = time::timeout(Duration::from_secs(30), std::future::pending::<()>()).await;
    assert!(result.is_err());
    assert_eq!(start.elapsed(), Duration::from_secs(30));
    let deadline = start + Duration::from_secs(90);
    assert!(time::timeout_at(deadline, std::future::pending::<()>()).await.is_err());
    assert_eq!(Instant::now(), deadline);
    let quick = time::timeout(Duration::from_secs(30), time::sleep(Duration::from_secs(5)));
    assert!(quick.await.is_ok());
    assert_eq!(start.elapsed(), Duration::from_secs(95));
}

#[groundup::test(start_paused = true)]
async fn an_interval_keeps_its_grid_on_the_paused_clock() {
    let start = Instant::now();
    let mut interval = time::interval_at(start + Duration::from_secs(1), Duration::from_secs(60));
    for k in 0..60u32 {
        assert_eq!(
            interval.tick().await,
            start + Duration::from_secs(1) + Duration::from_secs(60) * k
        );
    }
    // Skip: the clock jumps 3.5 periods; the tick due 2.5 periods ago
    // completes at once, the two after it are skipped, and the schedule
    // resumes at the next instant on the grid.
    interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let due = start + Duration::from_secs(1 + 60 * 60);
    time::advance(Duration::from_secs(60 * 3 + 30)).await;
    assert_eq!(interval.tick().await, due);
    assert_eq!(interval.tick().await, due + Duration::from_secs(60 * 3), "skipped to the grid");
}

/// `advance` moves the clock by exactly what it is told, and fires what
/// it passes; `sleep(0)` and past deadlines complete without a jump.
#[groundup::test(start_paused = true)]
async fn advance_moves_the_clock_and_fires_what_it_passes() {
    let start = Instant::now();
    let sleeper = groundup::spawn(async move {
        time::sleep(Duration::from_millis(1_500)).await;
        Instant::now()
    });
    task::yield_now().await; // let it register
    time::advance(Duration::from_secs(2)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert_eq!(sleeper.await.unwrap() - start, Duration::from_secs(2), "woken by the jump");
    time::sleep(Duration::ZERO).await;
    time::sleep_until(start).await;
    assert_eq!(start.elapsed(), Duration::from_secs(2), "no jump for what is already due");
}

/// tokio's `resume_lets_time_move_forward_instead_of_resetting_it`: after
/// `resume`, the clock runs on from its paused value.
#[groundup::test]
async fn resume_lets_time_run_on_from_the_paused_value() {
    let start = Instant::now();
    time::pause();
    time::advance(Duration::from_secs(10)).await;
    let advanced = Instant::now();
    assert!(advanced - start >= Duration::from_secs(10));
    time::resume();
    std::thread::sleep(std::time::Duration::from_millis(2));
    let later = Instant::now();
    assert!(later > advanced, "resumed: time runs again");
    assert!(later - start >= Duration::from_secs(10), "and does not jump back");
    time::pause();
    time::advance(Duration::from_secs(10)).await;
    assert!(Instant::now() - start >= Duration::from_secs(20));
}

/// `Instant::now` outside a runtime, and on another thread, is the system
/// clock; inside a paused runtime, the paused one.
#[test]
fn instant_now_follows_the_runtime_of_this_thread() {
    let rt = groundup::runtime::Builder::new_current_thread().start_paused(true).build().unwrap();
    let paused = rt.block_on(async {
        let before = Instant::now();
        time::advance(Duration::from_secs(86_400)).await;
        let system = std::thread::spawn(Instant::now).join().unwrap();
        assert!(system < before + Duration::from_secs(3_600), "another thread: the system clock");
        Instant::now()
    });
    assert!(Instant::now() < paused, "outside the runtime: the system clock");
    assert_eq!(rt.block_on(async { Instant::now() }), paused, "the runtime keeps its clock");
}

#[groundup::test]
#[should_panic(expected = "time is already frozen")]
async fn pausing_twice_panics() {
    time::pause();
    time::pause();
}

#[groundup::test]
#[should_panic(expected = "time is not frozen")]
async fn resuming_running_time_panics() {
    time::resume();
}

#[groundup::test]
#[should_panic(expected = "time is not frozen")]
async fn advancing_running_time_panics() {
    time::advance(Duration::from_secs(1)).await;
}

#[groundup::test(start_paused = true)]
#[should_panic(expected = "time overflow")]
async fn advancing_past_what_the_clock_can_represent_panics() {
    time::advance(Duration::MAX).await;
}

#[test]
fn pause_outside_a_runtime_panics_with_the_fix() {
    for (name, f) in [("pause", time::pause as fn()), ("resume", time::resume)] {
        let err = std::panic::catch_unwind(f).unwrap_err();
        let message = util::panic_message(&*err);
        assert!(message.contains(&format!("groundup::time::{name} called outside")), "{message}");
        assert!(message.contains("time cannot be frozen from outside the groundup runtime"));
        assert!(message.contains("start_paused(true)"), "names the fix: {message}");
    }
}
