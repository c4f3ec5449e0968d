//! Nothing `Poll` opens outlives it. Alone in its own test binary, so no
//! other test opens descriptors (or handles) while this one counts them.
//! On Windows the count is of groundup's own handles (see
//! `util::open_handles`).

mod util;

use std::sync::Arc;
use std::thread;

use groundup::poll::{Events, Interest, IoSource, Poll, Token, Waker};
use util::{open_handles, tcp_pair};

#[test]
fn polls_wakers_registries_and_sources_close_everything() {
    #[cfg(unix)]
    {
        // The count must see new descriptors, or the test proves nothing
        // (FreeBSD's /dev/fd lists only 0 to 2 without fdescfs).
        let base = util::open_fds();
        let _pair = tcp_pair();
        assert!(util::open_fds() >= base + 2, "open_fds() does not see new descriptors");
    }
    let before = open_handles();
    for round in 0..3 {
        let mut poll = Poll::new().unwrap();
        let clone = poll.registry().try_clone().unwrap();
        let waker = Arc::new(Waker::new(poll.registry(), Token(0)).unwrap());
        let mut pairs = Vec::new();
        // More than the 32 sockets one AFD helper handle serves on Windows.
        for i in 1..=40 {
            let (client, server) = tcp_pair();
            let mut server = IoSource::new(server).unwrap();
            clone.register(&mut server, Token(i), Interest::READABLE).unwrap();
            pairs.push((client, server));
        }
        let remote = Arc::clone(&waker);
        thread::spawn(move || remote.wake().unwrap()).join().unwrap();
        let mut events = Events::with_capacity(4);
        poll.poll(&mut events, None).unwrap();
        assert!(!events.is_empty(), "round {round}");
        // Half deregistered, half dropped while registered.
        for (_, server) in pairs.iter_mut().take(20) {
            poll.registry().deregister(server).unwrap();
        }
    }
    assert_eq!(open_handles(), before, "descriptors or handles leaked");
}
