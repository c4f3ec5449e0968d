//! `IoSource`: non-blocking from the start, I/O through `do_io`, the socket
//! reachable and returnable.

mod util;

use std::io::{ErrorKind, Read, Write};

use groundup::poll::IoSource;
use util::tcp_pair;

#[test]
fn new_makes_the_socket_non_blocking() {
    let (_client, server) = tcp_pair();
    let mut server = IoSource::new(server).unwrap();
    let mut buf = [0; 8];
    assert_eq!(server.read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
}

#[test]
fn reads_and_writes_go_through_do_io() {
    let (client, server) = tcp_pair();
    let mut client = IoSource::new(client).unwrap();
    let server = IoSource::new(server).unwrap();
    assert_eq!(client.write(b"abc").unwrap(), 3);
    let mut buf = [0; 8];
    let n = loop {
        match server.do_io(|s| (&*s).read(&mut buf)) {
            Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::yield_now(),
            other => break other.unwrap(),
        }
    };
    assert_eq!(&buf[..n], b"abc");
}

#[test]
fn derefs_to_the_socket_and_gives_it_back() {
    let (client, server) = tcp_pair();
    let peer = client.local_addr().unwrap();
    let server = IoSource::new(server).unwrap();
    assert_eq!(server.peer_addr().unwrap(), peer); // through Deref
    let server = server.into_inner();
    assert_eq!(server.peer_addr().unwrap(), peer);
}
