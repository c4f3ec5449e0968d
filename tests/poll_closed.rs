//! Closed and failed connections: what the events say.

mod util;

use std::io::Write;

use groundup::poll::{Events, Interest, IoSource, Poll, Token};
use util::{Expect, drain, expect_events, tcp_pair};

#[test]
fn read_closed_after_the_peer_closes() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    poll.registry().register(&mut server, Token(1), Interest::READABLE).unwrap();

    client.write_all(b"last words").unwrap();
    drop(client);
    expect_events(&mut poll, &mut events, vec![Expect::read_closed(Token(1))]);
    // The data sent before the close is still there, then end of file.
    assert_eq!(drain(&server).unwrap(), b"last words");
}

#[test]
fn read_closed_after_the_peer_shuts_down_writing() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    poll.registry().register(&mut server, Token(1), Interest::READABLE).unwrap();

    client.shutdown(std::net::Shutdown::Write).unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::read_closed(Token(1))]);
    let event = events.iter().find(|e| e.token() == Token(1)).unwrap();
    assert!(!event.is_write_closed(), "only the read half closed: {event:?}");
}

/// A non-blocking connect to a port nobody listens on, made with the raw
/// Linux calls (groundup's own connect arrives with `groundup::net`).
#[cfg(target_os = "linux")]
#[test]
fn refused_connect_reports_an_error() {
    use groundup::groundup_ffi::{linux as ffi, unix};
    use groundup::poll::SourceFd;
    use std::os::fd::{FromRawFd, OwnedFd};

    // A port that was free a moment ago; a refused connect is what we want.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();

    let ty = ffi::SOCK_STREAM | ffi::SOCK_NONBLOCK | ffi::SOCK_CLOEXEC;
    // SAFETY: socket takes no pointers.
    let fd = unsafe { unix::socket(ffi::AF_INET, ty, 0) };
    assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
    // SAFETY: `fd` is the new socket, owned by nothing else.
    let socket = unsafe { OwnedFd::from_raw_fd(fd) };
    let addr = ffi::sockaddr_in {
        sin_family: ffi::AF_INET as ffi::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: ffi::in_addr { s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be() },
        sin_zero: [0; 8],
    };
    let len = size_of::<ffi::sockaddr_in>() as unix::socklen_t;
    // SAFETY: `addr` is a live sockaddr_in of `len` bytes, read by connect.
    let rc = unsafe { unix::connect(fd, (&raw const addr).cast(), len) };
    let err = std::io::Error::last_os_error();
    assert!(rc == -1 && err.raw_os_error() == Some(ffi::EINPROGRESS), "connect: {rc} {err}");

    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let interest = Interest::READABLE | Interest::WRITABLE;
    poll.registry().register(&mut SourceFd(&fd), Token(9), interest).unwrap();
    let refused = Expect { error: Some(true), ..Expect::token(Token(9)) };
    expect_events(&mut poll, &mut events, vec![refused]);
    let event = events.iter().find(|e| e.token() == Token(9)).unwrap();
    assert!(event.is_write_closed(), "{event:?}");
    drop(socket);
}
