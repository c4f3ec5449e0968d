//! The shared load generators: the same client code for every server.

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Instant;

/// One blocking connection doing `rounds` write-then-read-back round trips
/// of `len` bytes. Returns round trips per second (after 100 unmeasured
/// warm-up rounds).
pub fn ping_pong(addr: SocketAddr, len: usize, rounds: usize) -> io::Result<f64> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    let out = vec![0x5au8; len];
    let mut back = vec![0u8; len];
    for _ in 0..100 {
        stream.write_all(&out)?;
        stream.read_exact(&mut back)?;
    }
    let start = Instant::now();
    for _ in 0..rounds {
        stream.write_all(&out)?;
        stream.read_exact(&mut back)?;
    }
    let elapsed = start.elapsed();
    assert_eq!(back, out, "the echo differs");
    Ok(rounds as f64 / elapsed.as_secs_f64())
}

/// One connection's progress through its current message.
struct Conn {
    stream: mio::net::TcpStream,
    written: usize,
    read: usize,
}

/// `connections` connections on one mio event loop, each sending `len`-byte
/// messages and waiting for each echo before the next, until `messages`
/// have come back in all. Returns messages per second.
pub fn many_connections(
    addr: SocketAddr,
    connections: usize,
    len: usize,
    messages: usize,
) -> io::Result<f64> {
    use mio::{Events, Interest, Poll, Token};
    let mut poll = Poll::new()?;
    let mut conns = HashMap::new();
    for i in 0..connections {
        let std = TcpStream::connect(addr)?;
        std.set_nodelay(true)?;
        std.set_nonblocking(true)?;
        let mut stream = mio::net::TcpStream::from_std(std);
        poll.registry().register(&mut stream, Token(i), Interest::READABLE | Interest::WRITABLE)?;
        conns.insert(i, Conn { stream, written: 0, read: 0 });
    }
    let out = vec![0xa5u8; len];
    let mut buf = vec![0u8; 64 * 1024];
    let mut events = Events::with_capacity(1024);
    let mut done = 0;
    let start = Instant::now();
    // Kick every connection off.
    for conn in conns.values_mut() {
        advance(conn, &out, &mut buf, &mut done)?;
    }
    while done < messages {
        poll.poll(&mut events, None)?;
        for event in events.iter() {
            let conn = conns.get_mut(&event.token().0).expect("known token");
            advance(conn, &out, &mut buf, &mut done)?;
        }
    }
    Ok(done as f64 / start.elapsed().as_secs_f64())
}

/// Moves one connection forward until it would block.
fn advance(conn: &mut Conn, out: &[u8], buf: &mut [u8], done: &mut usize) -> io::Result<()> {
    loop {
        if conn.written < out.len() {
            match conn.stream.write(&out[conn.written..]) {
                Ok(n) => conn.written += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(e),
            }
            continue;
        }
        let want = out.len() - conn.read;
        match conn.stream.read(&mut buf[..want]) {
            Ok(0) => return Err(io::Error::other("server closed")),
            Ok(n) => {
                conn.read += n;
                if conn.read == out.len() {
                    *done += 1;
                    conn.written = 0;
                    conn.read = 0;
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}
