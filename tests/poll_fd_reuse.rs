//! A descriptor number freed by dropping a source that was still
//! registered, and given to the next socket: the new socket registers and
//! reports like any other. Alone in its binary, so that the number freed is
//! the number the next socket gets (the lowest free one, as POSIX says).
//!
//! epoll forgets a descriptor when it is closed, and so does a kernel
//! kqueue. libkqueue (the kqueue backend on Linux) does not, so there the
//! dropped `IoSource` deregisters itself first (`src/sys/libkqueue.rs`);
//! without that, the new socket's registration met the old one's knotes
//! and failed with `AlreadyExists`.
#![cfg(unix)]

mod util;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;

use groundup::poll::{Events, Interest, IoSource, Poll, Token};
use util::{Expect, expect_events, tcp_pair};

#[test]
fn a_number_freed_by_dropping_a_registered_source_serves_the_next_socket() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (_old_client, old_server) = tcp_pair();
    let mut old = IoSource::new(old_server).unwrap();
    poll.registry().register(&mut old, Token(1), Interest::READABLE).unwrap();
    let number = old.as_raw_fd();

    // Everything but the accepted socket is opened first, so that the
    // accept is the next call to take a number.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    drop(old); // registered, never deregistered
    let (server, _) = listener.accept().unwrap();
    assert_eq!(server.as_raw_fd(), number, "the accepted socket did not reuse the number");

    let mut new = IoSource::new(server).unwrap();
    poll.registry().register(&mut new, Token(2), Interest::READABLE).unwrap();
    client.write_all(b"x").unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::readable(Token(2))]);
}
