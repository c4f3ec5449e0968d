//! Many sources in one `Poll`, drained through a small buffer.

mod util;

use std::collections::BTreeSet;
use std::io::Write;
use std::net::UdpSocket;
use std::time::Instant;

use groundup::poll::{Events, Interest, IoSource, Poll, Token};
use util::{Expect, drain, expect_events, tcp_pair};

const SOURCES: usize = 1_000;

#[test]
fn a_thousand_sources_drained_sixteen_at_a_time_all_reported() {
    #[cfg(unix)]
    groundup::raise_fd_limit().unwrap();
    let mut poll = Poll::new().unwrap();
    // A bound UDP socket is writable at once: 1,000 ready sources for 1,000
    // descriptors.
    let mut sockets: Vec<_> = (0..SOURCES)
        .map(|i| {
            let mut s = IoSource::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
            poll.registry().register(&mut s, Token(i), Interest::WRITABLE).unwrap();
            s
        })
        .collect();

    let mut events = Events::with_capacity(16);
    let mut seen = BTreeSet::new();
    let mut polls = 0;
    let deadline = Instant::now() + util::PATIENCE;
    while seen.len() < SOURCES {
        assert!(Instant::now() < deadline, "only {} of {SOURCES} sources reported", seen.len());
        poll.poll(&mut events, Some(util::PATIENCE)).unwrap();
        assert!(events.iter().count() <= 16, "more events than capacity");
        for event in &events {
            assert!(event.is_writable());
            assert!(seen.insert(event.token().0), "{:?} reported twice", event.token());
        }
        polls += 1;
    }
    assert!(polls >= SOURCES / 16, "{polls} polls for {SOURCES} events of at most 16");
    // Edge-triggered: nothing is left to report.
    util::expect_no_events(&mut poll, &mut events);
    for s in &mut sockets {
        poll.registry().deregister(s).unwrap();
    }
}

/// On Windows one AFD helper handle serves at most 32 sockets; 100 need
/// several, and every one of them must keep delivering.
#[test]
fn sockets_beyond_one_afd_group_all_deliver() {
    const PAIRS: usize = 100;
    #[cfg(unix)]
    groundup::raise_fd_limit().unwrap();
    let before = groundup::stats::syscalls();
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(PAIRS);
    let mut pairs: Vec<_> = (0..PAIRS)
        .map(|i| {
            let (client, server) = tcp_pair();
            let mut server = IoSource::new(server).unwrap();
            poll.registry().register(&mut server, Token(i), Interest::READABLE).unwrap();
            (client, server)
        })
        .collect();
    // Every socket is registered at once, so 100 sockets need at least
    // four helper handles of 32.
    #[cfg(windows)]
    assert!(groundup::stats::syscalls().since(&before).get("NtCreateFile") >= 4);
    let _ = before;

    for (client, _) in &mut pairs {
        client.write_all(b"x").unwrap();
    }
    expect_events(&mut poll, &mut events, (0..PAIRS).map(|i| Expect::readable(Token(i))).collect());
    for (_, server) in &pairs {
        assert_eq!(drain(server).unwrap(), b"x");
    }

    // Drop every other server; the rest, in every group, still deliver.
    let mut kept: Vec<_> = pairs.into_iter().enumerate().filter(|(i, _)| i % 2 == 0).collect();
    for (_, (client, _)) in &mut kept {
        client.write_all(b"y").unwrap();
    }
    let expected = kept.iter().map(|(i, _)| Expect::readable(Token(*i))).collect();
    expect_events(&mut poll, &mut events, expected);
    for (_, (_, server)) in &kept {
        assert_eq!(drain(server).unwrap(), b"y");
    }
}

/// Sources ready both ways, drained through a buffer of three: kqueue
/// reports each as two events (read and write), so a batch can end between
/// a source's two events, and what did not fit must come in a later poll.
/// (libkqueue, the kqueue backend on Linux, lost every event that did not
/// fit in the batch; `.ci/libkqueue.sh` says how its build is patched.)
#[test]
fn sources_ready_both_ways_drained_three_events_at_a_time_all_reported() {
    const PAIRS: usize = 20;
    let mut poll = Poll::new().unwrap();
    let mut pairs: Vec<_> = (0..PAIRS)
        .map(|i| {
            let (client, server) = tcp_pair();
            let mut server = IoSource::new(server).unwrap();
            let both = Interest::READABLE | Interest::WRITABLE;
            poll.registry().register(&mut server, Token(i), both).unwrap();
            (client, server)
        })
        .collect();
    for (client, _) in &mut pairs {
        client.write_all(b"x").unwrap();
    }
    // Let every byte arrive before the first poll, so every source is ready
    // both ways at once.
    for (_, server) in &pairs {
        let mut byte = [0];
        while server.peek(&mut byte).unwrap_or(0) == 0 {}
    }
    let mut events = Events::with_capacity(3);
    let expected =
        (0..PAIRS).flat_map(|i| [Expect::readable(Token(i)), Expect::writable(Token(i))]).collect();
    expect_events(&mut poll, &mut events, expected);
}
