//! The shared load generators: the same client code for every server.
//!
//! Each one reports, beside its rate, what it cost the client itself: its
//! thread's CPU time and the system calls it made (counted here, since this
//! is our own code), so that the harness can subtract the client from the
//! process and report the server side alone.

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::cpu;

/// What a load generator measured, and what it cost.
#[derive(Clone, Copy, Debug, Default)]
pub struct Load {
    /// Operations per second over the timed part.
    pub rate: f64,
    /// Operations in all, warm-up included (what the CPU and syscall
    /// counts cover).
    pub ops: u64,
    /// CPU time of the client thread over the whole run.
    pub cpu: Duration,
    /// System calls the client made over the whole run.
    pub syscalls: u64,
}

/// One blocking connection doing `rounds` write-then-read-back round trips
/// of `len` bytes, after 100 unmeasured warm-up rounds. The rate is round
/// trips per second.
pub fn ping_pong(addr: SocketAddr, len: usize, rounds: usize) -> io::Result<Load> {
    let cpu_before = cpu::thread();
    let mut calls = 0u64;
    let mut stream = TcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    calls += 3; // socket, connect, setsockopt
    let out = vec![0x5au8; len];
    let mut back = vec![0u8; len];
    let mut round = |stream: &mut TcpStream, calls: &mut u64| -> io::Result<()> {
        *calls += write_all(stream, &out)?;
        *calls += read_exact(stream, &mut back)?;
        Ok(())
    };
    for _ in 0..100 {
        round(&mut stream, &mut calls)?;
    }
    let start = Instant::now();
    for _ in 0..rounds {
        round(&mut stream, &mut calls)?;
    }
    let elapsed = start.elapsed();
    assert_eq!(back, out, "the echo differs");
    drop(stream);
    calls += 1; // close
    Ok(Load {
        rate: rounds as f64 / elapsed.as_secs_f64(),
        ops: rounds as u64 + 100,
        cpu: cpu::thread() - cpu_before,
        syscalls: calls,
    })
}

/// `write_all`, returning the number of `write` calls it took.
fn write_all(stream: &mut TcpStream, mut buf: &[u8]) -> io::Result<u64> {
    let mut calls = 0;
    while !buf.is_empty() {
        calls += 1;
        match stream.write(buf) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(calls)
}

/// `read_exact`, returning the number of `read` calls it took.
fn read_exact(stream: &mut TcpStream, mut buf: &mut [u8]) -> io::Result<u64> {
    let mut calls = 0;
    while !buf.is_empty() {
        calls += 1;
        match stream.read(buf) {
            Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
            Ok(n) => buf = &mut buf[n..],
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(calls)
}

/// One connection's progress through its current message.
struct Conn {
    stream: mio::net::TcpStream,
    written: usize,
    read: usize,
}

/// `connections` connections on one mio event loop, each sending `len`-byte
/// messages and waiting for each echo before the next, until `messages`
/// have come back in all. The rate is messages per second.
pub fn many_connections(
    addr: SocketAddr,
    connections: usize,
    len: usize,
    messages: usize,
) -> io::Result<Load> {
    use mio::{Events, Interest, Poll, Token};
    let cpu_before = cpu::thread();
    let mut calls = 1u64; // epoll_create1
    let mut poll = Poll::new()?;
    let mut conns = HashMap::new();
    for i in 0..connections {
        let std = TcpStream::connect(addr)?;
        std.set_nodelay(true)?;
        std.set_nonblocking(true)?;
        let mut stream = mio::net::TcpStream::from_std(std);
        poll.registry().register(&mut stream, Token(i), Interest::READABLE | Interest::WRITABLE)?;
        calls += 5; // socket, connect, setsockopt, ioctl(FIONBIO), epoll_ctl
        conns.insert(i, Conn { stream, written: 0, read: 0 });
    }
    let out = vec![0xa5u8; len];
    let mut buf = vec![0u8; 64 * 1024];
    let mut events = Events::with_capacity(1024);
    let mut done = 0;
    let start = Instant::now();
    // Kick every connection off.
    for conn in conns.values_mut() {
        calls += advance(conn, &out, &mut buf, &mut done)?;
    }
    while done < messages {
        poll.poll(&mut events, None)?;
        calls += 1;
        for event in events.iter() {
            let conn = conns.get_mut(&event.token().0).expect("known token");
            calls += advance(conn, &out, &mut buf, &mut done)?;
        }
    }
    let rate = done as f64 / start.elapsed().as_secs_f64();
    calls += conns.len() as u64 + 1; // the closes
    drop(conns);
    drop(poll);
    Ok(Load { rate, ops: done as u64, cpu: cpu::thread() - cpu_before, syscalls: calls })
}

/// Moves one connection forward until it would block. Returns the number
/// of `read` and `write` calls it made.
fn advance(conn: &mut Conn, out: &[u8], buf: &mut [u8], done: &mut usize) -> io::Result<u64> {
    let mut calls = 0;
    loop {
        calls += 1;
        if conn.written < out.len() {
            match conn.stream.write(&out[conn.written..]) {
                Ok(n) => conn.written += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(calls),
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
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(calls),
            Err(e) => return Err(e),
        }
    }
}

// ---------------------------------------------------------------------------
// HTTP: the built-in client used where wrk is not installed
// ---------------------------------------------------------------------------

/// The request every HTTP client here sends (wrk's default request line and
/// `Host` header, so both clients ask for the same bytes).
const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// One HTTP connection's progress.
struct HttpConn {
    stream: mio::net::TcpStream,
    sent: usize,
    received: Vec<u8>,
}

/// `connections` keep-alive connections on one mio event loop, each sending
/// a GET and waiting for the whole response before the next, for
/// `duration`. The rate is responses per second.
pub fn http_keep_alive(
    addr: SocketAddr,
    connections: usize,
    duration: Duration,
) -> io::Result<Load> {
    use mio::{Events, Interest, Poll, Token};
    let cpu_before = cpu::thread();
    let mut poll = Poll::new()?;
    let mut conns = Vec::with_capacity(connections);
    for i in 0..connections {
        let std = TcpStream::connect(addr)?;
        std.set_nodelay(true)?;
        std.set_nonblocking(true)?;
        let mut stream = mio::net::TcpStream::from_std(std);
        poll.registry().register(&mut stream, Token(i), Interest::READABLE | Interest::WRITABLE)?;
        conns.push(HttpConn { stream, sent: 0, received: Vec::with_capacity(512) });
    }
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; 16 * 1024];
    let mut done = 0u64;
    let start = Instant::now();
    for conn in &mut conns {
        advance_http(conn, &mut buf, &mut done)?;
    }
    while start.elapsed() < duration {
        poll.poll(&mut events, Some(Duration::from_millis(100)))?;
        for event in events.iter() {
            advance_http(&mut conns[event.token().0], &mut buf, &mut done)?;
        }
    }
    let rate = done as f64 / start.elapsed().as_secs_f64();
    Ok(Load { rate, ops: done, cpu: cpu::thread() - cpu_before, syscalls: 0 })
}

/// Sends the request, reads the response, and starts over, until it would
/// block.
fn advance_http(conn: &mut HttpConn, buf: &mut [u8], done: &mut u64) -> io::Result<()> {
    loop {
        if conn.sent < REQUEST.len() {
            match conn.stream.write(&REQUEST[conn.sent..]) {
                Ok(n) => conn.sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(e),
            }
            continue;
        }
        match conn.stream.read(buf) {
            Ok(0) => {
                return Err(io::Error::other("the HTTP server closed a keep-alive connection"));
            }
            Ok(n) => conn.received.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
            Err(e) => return Err(e),
        }
        if let Some(len) = complete_response(&conn.received)? {
            conn.received.drain(..len);
            conn.sent = 0;
            *done += 1;
        }
    }
}

/// The length of the first response in `buf` if it is all there.
fn complete_response(buf: &[u8]) -> io::Result<Option<usize>> {
    let Some(head) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(&buf[..head]).map_err(io::Error::other)?;
    if !text.starts_with("HTTP/1.1 200 ") {
        return Err(io::Error::other(format!("unexpected response: {text}")));
    }
    let body: usize = text
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            if !name.eq_ignore_ascii_case("content-length") {
                return None;
            }
            value.trim().parse().ok()
        })
        .ok_or_else(|| io::Error::other("a response without Content-Length"))?;
    Ok((buf.len() >= head + body).then_some(head + body))
}
