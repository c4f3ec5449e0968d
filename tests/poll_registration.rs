//! Registering, reregistering and deregistering: the uniform error rules, and
//! what events follow each call.

mod util;

use std::io::{ErrorKind, Write};
use std::sync::mpsc;
use std::thread;

use groundup::poll::{Events, Interest, IoSource, Poll, Token};
use util::{Expect, drain, expect_events, expect_no_event, expect_no_events, tcp_pair};

#[test]
fn registering_twice_is_already_exists() {
    let poll = Poll::new().unwrap();
    let (_client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    poll.registry().register(&mut server, Token(0), Interest::READABLE).unwrap();
    let err = poll.registry().register(&mut server, Token(1), Interest::WRITABLE).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
}

#[test]
fn reregistering_or_deregistering_unregistered_is_not_found() {
    let poll = Poll::new().unwrap();
    let (_client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    let err = poll.registry().reregister(&mut server, Token(0), Interest::READABLE).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = poll.registry().deregister(&mut server).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    // And again after a register/deregister round trip.
    poll.registry().register(&mut server, Token(0), Interest::READABLE).unwrap();
    poll.registry().deregister(&mut server).unwrap();
    let err = poll.registry().deregister(&mut server).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[cfg(unix)] // SourceFd: raw descriptors are a Unix notion; Windows registers IoSources only.
#[test]
fn raw_descriptors_follow_the_same_rules() {
    use groundup::poll::SourceFd;
    use std::os::fd::AsRawFd;

    let poll = Poll::new().unwrap();
    let (_client, server) = tcp_pair();
    let fd = server.as_raw_fd();
    let registry = poll.registry();
    let err = registry.reregister(&mut SourceFd(&fd), Token(0), Interest::READABLE).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    registry.register(&mut SourceFd(&fd), Token(0), Interest::READABLE).unwrap();
    let err = registry.register(&mut SourceFd(&fd), Token(0), Interest::READABLE).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    registry.deregister(&mut SourceFd(&fd)).unwrap();
    let err = registry.deregister(&mut SourceFd(&fd)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn an_io_source_belongs_to_one_registry_at_a_time() {
    let (poll_a, poll_b) = (Poll::new().unwrap(), Poll::new().unwrap());
    let (_client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    poll_a.registry().register(&mut server, Token(0), Interest::READABLE).unwrap();
    let err = poll_b.registry().register(&mut server, Token(0), Interest::READABLE).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    let err = poll_b.registry().deregister(&mut server).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    poll_a.registry().deregister(&mut server).unwrap();
    poll_b.registry().register(&mut server, Token(0), Interest::READABLE).unwrap();
}

#[test]
fn reregister_switches_token_and_interest() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    poll.registry().register(&mut server, Token(1), Interest::READABLE).unwrap();

    // Switch to writable under a new token: the socket is writable at once.
    poll.registry().reregister(&mut server, Token(2), Interest::WRITABLE).unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::writable(Token(2))]);

    // Data arrives, but only writable interest is registered.
    client.write_all(b"ping").unwrap();
    poll.poll(&mut events, Some(util::QUIET)).unwrap();
    assert!(events.iter().all(|e| e.token() == Token(2) && !e.is_readable()), "{events:?}");

    // Back to readable under a third token: the pending data is reported.
    poll.registry().reregister(&mut server, Token(3), Interest::READABLE).unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::readable(Token(3))]);
    assert_eq!(drain(&server).unwrap(), b"ping");
    expect_no_event(&mut poll, &mut events, Token(1));
}

#[test]
fn no_event_after_deregister() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    poll.registry()
        .register(&mut server, Token(1), Interest::READABLE | Interest::WRITABLE)
        .unwrap();

    // Readiness is pending in the kernel queue when we deregister.
    client.write_all(b"pending").unwrap();
    poll.registry().deregister(&mut server).unwrap();
    expect_no_events(&mut poll, &mut events);

    // New activity on the socket does not bring it back either.
    client.write_all(b"more").unwrap();
    expect_no_events(&mut poll, &mut events);
}

#[test]
fn register_from_another_thread_while_polling() {
    let mut poll = Poll::new().unwrap();
    let registry = poll.registry().try_clone().unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let registrar = thread::spawn(move || {
        let (mut client, server) = tcp_pair();
        let mut server = IoSource::new(server).unwrap();
        client.write_all(b"from afar").unwrap();
        started_rx.recv().unwrap(); // the main thread is about to block
        registry.register(&mut server, Token(42), Interest::READABLE).unwrap();
        (client, server)
    });

    let mut events = Events::with_capacity(8);
    started_tx.send(()).unwrap();
    // Blocks until the other thread's registration produces an event.
    expect_events(&mut poll, &mut events, vec![Expect::readable(Token(42))]);
    drop(registrar.join().unwrap());
}

#[cfg(unix)] // SourceFd, as above.
#[test]
fn registering_a_closed_descriptor_is_an_error() {
    use groundup::poll::SourceFd;
    use std::os::fd::IntoRawFd;

    let poll = Poll::new().unwrap();
    let (_client, server) = tcp_pair();
    let fd = server.into_raw_fd();
    // SAFETY: `fd` was just released by `into_raw_fd`; this takes it back to
    // close it, leaving a number that refers to nothing.
    drop(unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) });
    let err = poll.registry().register(&mut SourceFd(&fd), Token(0), Interest::READABLE);
    assert!(err.is_err(), "registering closed fd {fd} succeeded");
}

#[test]
fn reregister_while_a_poll_is_pending() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    // Nothing to read: the readable registration waits (on Windows, an AFD
    // poll is pending in the kernel).
    poll.registry().register(&mut server, Token(1), Interest::READABLE).unwrap();
    expect_no_event(&mut poll, &mut events, Token(1));

    // Switching to writable replaces it (Windows: cancel, then resubmit).
    poll.registry().reregister(&mut server, Token(2), Interest::WRITABLE).unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::writable(Token(2))]);
    client.write_all(b"not watched").unwrap();
    expect_no_event(&mut poll, &mut events, Token(1));

    // Back to readable while the writable one waits: the data is reported.
    poll.registry().reregister(&mut server, Token(3), Interest::READABLE).unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::readable(Token(3))]);
    assert_eq!(drain(&server).unwrap(), b"not watched");
}

#[test]
fn deregister_while_a_poll_is_pending() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    poll.registry().register(&mut server, Token(1), Interest::READABLE).unwrap();
    expect_no_event(&mut poll, &mut events, Token(1));

    poll.registry().deregister(&mut server).unwrap();
    // The data makes the (cancelled) poll's socket ready: still no event.
    client.write_all(b"after").unwrap();
    expect_no_events(&mut poll, &mut events);

    // Registering again sees the data under the new token only.
    poll.registry().register(&mut server, Token(2), Interest::READABLE).unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::readable(Token(2))]);
    assert!(events.iter().all(|e| e.token() == Token(2)), "{events:?}");
}

#[test]
fn register_deregister_churn_leaves_no_stale_events() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(64);
    let (mut client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    client.write_all(b"ready all along").unwrap();
    // Each registration may complete at once (the socket is readable) or be
    // cancelled by its deregister; either way its packet arrives later.
    for i in 0..100 {
        poll.registry().register(&mut server, Token(100 + i), Interest::READABLE).unwrap();
        poll.registry().deregister(&mut server).unwrap();
    }
    expect_no_events(&mut poll, &mut events);
    poll.registry().register(&mut server, Token(7), Interest::READABLE).unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::readable(Token(7))]);
    assert!(events.iter().all(|e| e.token() == Token(7)), "{events:?}");
}
