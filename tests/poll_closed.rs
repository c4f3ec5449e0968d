//! Closed and failed connections: what the events say.

mod util;

use std::io::Write;

use groundup::poll::{Events, Interest, IoSource, Poll, Token};
use util::{Expect, Unowned, drain, expect_events, tcp_pair};

#[test]
fn read_closed_after_the_peer_closes() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    poll.registry().register(&mut server, Token(1), Interest::READABLE).unwrap();

    client.write_all(b"last words").unwrap();
    drop(client);
    expect_events(&mut poll, &mut events, vec![Expect::readable(Token(1))]);
    // The data sent before the close is still there, then end of file.
    let (data, mut eof) = drain_to_end(&server);
    assert_eq!(data, b"last words");
    if !eof {
        // The FIN was not there yet when the reads stopped at WouldBlock
        // (Wine detects it only once the data before it is read, with a
        // recv(MSG_PEEK) that returns 0). That WouldBlock re-armed the
        // source, so the FIN comes as an event of its own.
        expect_events(&mut poll, &mut events, vec![Expect::read_closed(Token(1))]);
        let (more, end) = drain_to_end(&server);
        assert!(more.is_empty());
        eof = end;
    }
    assert!(eof, "the reads end in end of file");
}

/// Reads until `WouldBlock` or end of file; returns the bytes and whether
/// end of file was reached.
fn drain_to_end(mut reader: impl std::io::Read) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return (out, true),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return (out, false),
            Err(e) => panic!("read: {e}"),
        }
    }
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
/// calls (groundup's own connect arrives with `groundup::net`): the event
/// that reports it is an error, and closes the write half.
#[cfg(unix)]
#[test]
fn refused_connect_reports_an_error() {
    use groundup::poll::SourceFd;
    use std::os::fd::{FromRawFd, OwnedFd};

    // A port that was free a moment ago; a refused connect is what we want.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let socket = nonblocking_socket();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&socket);
    let rc = raw::connect_loopback(fd, port);
    let err = std::io::Error::last_os_error();
    assert!(rc == -1 && err.raw_os_error() == Some(raw::EINPROGRESS), "connect: {rc} {err}");

    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let interest = Interest::READABLE | Interest::WRITABLE;
    poll.registry().register(&mut SourceFd(&fd), Token(9), interest).unwrap();
    // epoll reports one event (EPOLLOUT|EPOLLERR|EPOLLHUP); kqueue reports
    // the write filter with EV_EOF and ECONNREFUSED in fflags (and the read
    // filter likewise): either way one event is an error and write-closed.
    let refused = Expect { error: Some(true), write_closed: Some(true), ..Expect::token(Token(9)) };
    expect_events(&mut poll, &mut events, vec![refused]);
    drop(socket);

    /// A TCP socket, non-blocking and close-on-exec: in one call where
    /// `socket` takes the flags, else set afterwards (the Apple systems).
    fn nonblocking_socket() -> OwnedFd {
        #[cfg(groundup_atomic_socket_flags)]
        let ty = raw::SOCK_STREAM | raw::SOCK_NONBLOCK | raw::SOCK_CLOEXEC;
        #[cfg(not(groundup_atomic_socket_flags))]
        let ty = raw::SOCK_STREAM;
        // SAFETY: socket takes no pointers.
        let fd = unsafe { raw::unix::socket(raw::AF_INET, ty, 0) };
        assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
        // SAFETY: `fd` is the new socket, owned by nothing else.
        let socket = unsafe { OwnedFd::from_raw_fd(fd) };
        #[cfg(not(groundup_atomic_socket_flags))]
        {
            let on: std::ffi::c_int = 1;
            // SAFETY: FIONBIO reads one int through the pointer, and `on`
            // lives for the call.
            let rc = unsafe { raw::unix::ioctl(fd, raw::FIONBIO, &raw const on) };
            assert_eq!(rc, 0, "ioctl(FIONBIO): {}", std::io::Error::last_os_error());
        }
        socket
    }
}

/// The raw socket calls for the test above, per family of system headers.
#[cfg(unix)]
mod raw {
    #[cfg(groundup_os = "bsd")]
    pub use groundup::groundup_ffi::bsd::*;
    #[cfg(groundup_os = "linux")]
    pub use groundup::groundup_ffi::linux::*;
    pub use groundup::groundup_ffi::unix;

    /// `connect(fd, 127.0.0.1:port)`; returns connect's result (errno is
    /// left for the caller).
    pub fn connect_loopback(fd: std::os::fd::RawFd, port: u16) -> std::ffi::c_int {
        let len = size_of::<sockaddr_in>() as unix::socklen_t;
        let addr = sockaddr_in {
            #[cfg(groundup_os = "bsd")]
            sin_len: len as u8,
            sin_family: AF_INET as sa_family_t,
            sin_port: port.to_be(),
            sin_addr: in_addr { s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be() },
            sin_zero: [0; 8],
        };
        // SAFETY: `addr` is a live sockaddr_in of `len` bytes, read by connect.
        unsafe { unix::connect(fd, (&raw const addr).cast(), len) }
    }
}

/// The same through Winsock: a non-blocking connect made with groundup-ffi's
/// ws2_32 declarations, handed to std and then to `IoSource`.
#[cfg(windows)]
#[test]
fn refused_connect_reports_an_error() {
    use groundup::groundup_ffi::windows as ffi;
    use std::os::windows::io::{FromRawSocket, RawSocket};

    // A port that was free a moment ago. Binding also makes std start
    // Winsock (WSAStartup), which `socket` needs.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();

    // SAFETY: socket takes no pointers.
    let raw = unsafe { ffi::socket(ffi::AF_INET, ffi::SOCK_STREAM, ffi::IPPROTO_TCP) };
    // SAFETY: WSAGetLastError only reads this thread's Winsock error.
    let wsa_error = || std::io::Error::from_raw_os_error(unsafe { ffi::WSAGetLastError() });
    assert_ne!(raw, ffi::INVALID_SOCKET, "socket: {}", wsa_error());
    // SAFETY: `raw` is the new socket, owned by nothing else; the stream
    // closes it.
    let stream = unsafe { std::net::TcpStream::from_raw_socket(raw as RawSocket) };
    let mut on: ffi::u_long = 1;
    // SAFETY: FIONBIO reads one u_long through the pointer; `on` is live.
    let rc = unsafe { ffi::ioctlsocket(raw, ffi::FIONBIO, &raw mut on) };
    assert_eq!(rc, 0, "ioctlsocket: {}", wsa_error());
    let addr = ffi::sockaddr_in {
        sin_family: ffi::AF_INET as i16,
        sin_port: port.to_be(),
        sin_addr: ffi::in_addr { s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be() },
        sin_zero: [0; 8],
    };
    let len = size_of::<ffi::sockaddr_in>() as i32;
    // SAFETY: `addr` is a live sockaddr_in of `len` bytes, read by connect.
    let rc = unsafe { ffi::connect(raw, (&raw const addr).cast(), len) };
    let err = wsa_error();
    assert!(
        rc == ffi::SOCKET_ERROR && err.raw_os_error() == Some(ffi::WSAEWOULDBLOCK),
        "connect: {rc} {err}"
    );

    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let mut stream = IoSource::new(stream).unwrap();
    let interest = Interest::READABLE | Interest::WRITABLE;
    poll.registry().register(&mut stream, Token(9), interest).unwrap();
    // Windows itself retries a refused SYN for about two seconds; Wine
    // (Linux's stack underneath) reports it at once. Both are well within
    // the patience of expect_events.
    let refused = Expect { error: Some(true), ..Expect::token(Token(9)) };
    expect_events(&mut poll, &mut events, vec![refused]);
    let event = events.iter().find(|e| e.token() == Token(9)).unwrap();
    assert!(event.is_write_closed(), "{event:?}");
}

#[test]
fn dropping_a_registered_source_while_its_poll_is_pending() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    let (mut other_client, other_server) = tcp_pair();
    let mut other = IoSource::new(other_server).unwrap();
    poll.registry().register(&mut server, Token(1), Interest::READABLE).unwrap();
    poll.registry().register(&mut other, Token(2), Interest::READABLE).unwrap();
    util::expect_no_events(&mut poll, &mut events);

    // Closing a socket removes it, as epoll does; on Windows the state of
    // the pending poll outlives the socket until the poll's packet comes.
    drop(server);
    let _ = client.write_all(b"to nobody"); // may fail: the peer is gone
    other_client.write_all(b"still here").unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::readable(Token(2))]);
    util::expect_no_event(&mut poll, &mut events, Token(1));
    assert_eq!(drain(&other).unwrap(), b"still here");
}

#[test]
fn closing_a_socket_under_its_registration() {
    let mut poll = Poll::new().unwrap();
    let mut events = Events::with_capacity(8);
    let (mut client, server) = tcp_pair();
    // The source only borrows the socket's number, so the socket can be
    // closed while it is registered (and its poll pending).
    let mut source = IoSource::new(Unowned::of(&server)).unwrap();
    let (mut other_client, other_server) = tcp_pair();
    let mut other = IoSource::new(other_server).unwrap();
    poll.registry().register(&mut source, Token(1), Interest::READABLE).unwrap();
    poll.registry().register(&mut other, Token(2), Interest::READABLE).unwrap();
    util::expect_no_events(&mut poll, &mut events);

    drop(server); // closesocket(2) / close(2) under the registration
    let _ = client.write_all(b"to nobody");
    other_client.write_all(b"still here").unwrap();
    expect_events(&mut poll, &mut events, vec![Expect::readable(Token(2))]);
    util::expect_no_event(&mut poll, &mut events, Token(1));
    // The registration is gone with the socket. Deregistering is allowed
    // (epoll may report EBADF or ENOENT for the closed number; not checked).
    let _ = poll.registry().deregister(&mut source);
    assert_eq!(drain(&other).unwrap(), b"still here");
}
