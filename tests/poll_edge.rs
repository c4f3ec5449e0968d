//! Edge-triggered delivery: one event per readiness change, re-armed by
//! `WouldBlock`.

mod util;

use std::io::{Read, Write};
use std::thread;

use groundup::poll::{Events, Interest, IoSource, Poll, Token};
use util::{Expect, drain, expect_events, expect_no_event, fill, tcp_pair};

#[test]
fn readable_is_reported_once_until_would_block() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    poll.registry().register(&mut server, Token(1), Interest::READABLE).unwrap();

    client.write_all(b"hello").unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::readable(Token(1))]);
    // Nothing read yet and nothing new arrived: no second event.
    expect_no_event(&mut poll, &mut events, Token(1));

    assert_eq!(drain(&server).unwrap(), b"hello"); // ends in WouldBlock
    client.write_all(b"again").unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::readable(Token(1))]);
    assert_eq!(drain(&server).unwrap(), b"again");
}

#[test]
fn writable_rearms_after_would_block() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    poll.registry().register(&mut server, Token(2), Interest::WRITABLE).unwrap();

    expect_events(&mut poll, &mut events, vec![Expect::writable(Token(2))]);
    expect_no_event(&mut poll, &mut events, Token(2));

    let written = fill(&server).unwrap();
    assert!(written > 0);
    // The peer reads everything, freeing the buffer: a new edge.
    let reader = thread::spawn(move || {
        let mut buf = vec![0; written];
        client.read_exact(&mut buf).unwrap();
        client
    });
    expect_events(&mut poll, &mut events, vec![Expect::writable(Token(2))]);
    drop(reader.join().unwrap());
}

#[test]
fn readable_and_writable_arrive_in_one_event_or_two() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    client.write_all(b"x").unwrap();
    let both = Interest::READABLE | Interest::WRITABLE;
    poll.registry().register(&mut server, Token(3), both).unwrap();
    expect_events(
        &mut poll,
        &mut events,
        vec![Expect::readable(Token(3)), Expect::writable(Token(3))],
    );
}
