//! Many sources in one `Poll`, drained through a small buffer.

mod util;

use std::collections::BTreeSet;
use std::net::UdpSocket;
use std::time::Instant;

use groundup::poll::{Events, Interest, IoSource, Poll, Token};

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
