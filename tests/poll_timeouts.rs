//! Timeouts: never early, zero never blocks, odd sizes handled.

mod util;

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use groundup::poll::{Events, Poll, Token, Waker};

fn never_early(timeout: Duration, times: usize) {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    for i in 0..times {
        let start = Instant::now();
        poll.poll(&mut events, Some(timeout)).unwrap();
        let elapsed = start.elapsed();
        assert!(events.is_empty());
        assert!(elapsed >= timeout, "poll {i} of {timeout:?} returned after {elapsed:?}");
    }
}

#[test]
fn a_thousand_100us_polls_never_return_early() {
    never_early(Duration::from_micros(100), 1_000);
}

#[test]
fn a_thousand_3_1ms_polls_never_return_early() {
    never_early(Duration::from_micros(3_100), 1_000);
}

#[test]
fn a_zero_timeout_does_not_block() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    // Bounded generously: "does not block" means it does not wait for an
    // event that will never come, which would hang this test.
    let start = Instant::now();
    for _ in 0..100 {
        poll.poll(&mut events, Some(Duration::ZERO)).unwrap();
        assert!(events.is_empty());
    }
    assert!(start.elapsed() < util::PATIENCE);
}

#[test]
fn a_huge_timeout_still_returns_on_an_event() {
    let mut poll = Poll::new().unwrap();
    let waker = Waker::new(poll.registry(), Token(1)).unwrap();
    waker.wake().unwrap();
    let mut events = Events::with_capacity(8);
    poll.poll(&mut events, Some(Duration::MAX)).unwrap();
    assert_eq!(events.iter().next().map(|e| e.token()), Some(Token(1)));
}

#[test]
fn zero_capacity_is_invalid_input() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(0);
    let err = poll.poll(&mut events, Some(Duration::ZERO)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("with_capacity(0)"), "{err}");
}
