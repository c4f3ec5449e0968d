//! `Waker`: waking a blocked poll from another thread, and coalescing.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::sync::{Arc, Barrier};
use std::thread;

use groundup::poll::{Events, Poll, Token, Waker};
use util::{Expect, expect_events, expect_no_events};

const WAKE: Token = Token(usize::MAX);

#[test]
fn wake_from_another_thread_unblocks_poll() {
    let mut poll = Poll::new().unwrap();
    let waker = Arc::new(Waker::new(poll.registry(), WAKE).unwrap());
    let remote = Arc::clone(&waker);
    let waking = thread::spawn(move || remote.wake().unwrap());
    let mut events = Events::with_capacity(8);
    expect_events(&mut poll, &mut events, vec![Expect::readable(WAKE)]);
    waking.join().unwrap();
}

#[test]
fn a_wake_before_the_poll_is_not_lost() {
    let mut poll = Poll::new().unwrap();
    let waker = Waker::new(poll.registry(), WAKE).unwrap();
    waker.wake().unwrap();
    let mut events = Events::with_capacity(8);
    expect_events(&mut poll, &mut events, vec![Expect::token(WAKE)]);
}

#[test]
fn wakes_before_a_poll_coalesce_into_one_event() {
    let mut poll = Poll::new().unwrap();
    let waker = Waker::new(poll.registry(), WAKE).unwrap();
    for _ in 0..10 {
        waker.wake().unwrap();
    }
    let mut events = Events::with_capacity(8);
    poll.poll(&mut events, Some(util::PATIENCE)).unwrap();
    assert_eq!(events.iter().filter(|e| e.token() == WAKE).count(), 1, "{events:?}");
    expect_no_events(&mut poll, &mut events);

    // The waker still works after coalescing.
    waker.wake().unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::token(WAKE)]);
}

#[test]
fn many_threads_waking_at_once_coalesce() {
    const THREADS: usize = 8;
    const WAKES: usize = 1_000;
    let mut poll = Poll::new().unwrap();
    let waker = Arc::new(Waker::new(poll.registry(), WAKE).unwrap());
    let start = Arc::new(Barrier::new(THREADS));
    let wakers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (waker, start) = (Arc::clone(&waker), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                for _ in 0..WAKES {
                    waker.wake().unwrap();
                }
            })
        })
        .collect();
    for w in wakers {
        w.join().unwrap();
    }
    // 8,000 wakes, all done before this poll: one event.
    let mut events = Events::with_capacity(64);
    poll.poll(&mut events, Some(util::PATIENCE)).unwrap();
    assert_eq!(events.iter().filter(|e| e.token() == WAKE).count(), 1, "{events:?}");
    expect_no_events(&mut poll, &mut events);
}

#[test]
fn wakes_while_polling_never_pile_up() {
    const WAKES: usize = 10_000;
    let mut poll = Poll::new().unwrap();
    let waker = Arc::new(Waker::new(poll.registry(), WAKE).unwrap());
    let remote = Arc::clone(&waker);
    let waking = thread::spawn(move || {
        for _ in 0..WAKES {
            remote.wake().unwrap();
        }
    });
    // However the wakes interleave with the polls, one poll never returns
    // more than one waker event, and there are never more events than wakes.
    let mut events = Events::with_capacity(64);
    let mut seen = 0;
    while !waking.is_finished() {
        poll.poll(&mut events, Some(util::QUIET)).unwrap();
        let wakes = events.iter().filter(|e| e.token() == WAKE).count();
        assert!(wakes <= 1, "{wakes} waker events in one poll: {events:?}");
        seen += wakes;
    }
    waking.join().unwrap();
    // The last wakes, if not collected yet, are one event; then nothing.
    poll.poll(&mut events, Some(util::QUIET)).unwrap();
    seen += events.iter().filter(|e| e.token() == WAKE).count();
    expect_no_events(&mut poll, &mut events);
    assert!((1..=WAKES).contains(&seen), "{seen} events for {WAKES} wakes");
}

#[test]
fn two_wakers_on_one_poll_each_wake_with_their_own_token() {
    const FIRST: Token = Token(1);
    const SECOND: Token = Token(2);
    let mut poll = Poll::new().unwrap();
    let first = Waker::new(poll.registry(), FIRST).unwrap();
    let second = Waker::new(poll.registry(), SECOND).unwrap();
    let mut events = Events::with_capacity(8);

    first.wake().unwrap();
    poll.poll(&mut events, Some(util::PATIENCE)).unwrap();
    let tokens: Vec<Token> = events.iter().map(|e| e.token()).collect();
    assert_eq!(tokens, [FIRST], "the first waker woke with the wrong token");
    expect_no_events(&mut poll, &mut events);

    second.wake().unwrap();
    poll.poll(&mut events, Some(util::PATIENCE)).unwrap();
    let tokens: Vec<Token> = events.iter().map(|e| e.token()).collect();
    assert_eq!(tokens, [SECOND], "the second waker woke with the wrong token");

    // Both at once: one event each.
    first.wake().unwrap();
    second.wake().unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::token(FIRST), Expect::token(SECOND)]);

    // Dropping one leaves the other working.
    drop(first);
    second.wake().unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::token(SECOND)]);
}
