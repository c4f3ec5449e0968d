//! A TCP echo server written directly on `groundup::poll`: no runtime, no
//! futures, just readiness events. Read it top to bottom; it is the
//! event-loop shape every async runtime hides.
//!
//! ```text
//! cargo run --example poll_echo            # serve, run 8 clients against it, print a summary
//! cargo run --example poll_echo -- --serve # only serve, on 127.0.0.1:7878 (try `nc 127.0.0.1 7878`)
//! ```

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

use groundup::poll::{Events, Interest, IoSource, Poll, Token};

/// The listener's token; connections get 1, 2, 3, …
const LISTENER: Token = Token(0);

/// One client connection and the bytes it sent that we have not yet echoed.
struct Connection {
    socket: IoSource<TcpStream>,
    pending: Vec<u8>,
    /// Registered for writable too (only while output is stuck).
    wants_write: bool,
}

fn main() -> io::Result<()> {
    let serve_only = std::env::args().any(|a| a == "--serve");
    let addr: SocketAddr =
        if serve_only { "127.0.0.1:7878" } else { "127.0.0.1:0" }.parse().unwrap();

    let mut poll = Poll::new()?;
    let mut listener = IoSource::new(TcpListener::bind(addr)?)?;
    let addr = listener.local_addr()?;
    poll.registry().register(&mut listener, LISTENER, Interest::READABLE)?;
    println!("echo server on {addr}");

    let clients = if serve_only { None } else { Some(spawn_clients(addr, 8)) };
    let before = groundup::stats::syscalls();
    let mut connections: HashMap<Token, Connection> = HashMap::new();
    let mut next_token = 1;
    let mut served = 0;
    let mut events = Events::with_capacity(128);

    loop {
        // 1. Wait until the kernel has something for us.
        poll.poll(&mut events, None)?;

        for event in events.iter() {
            if event.token() == LISTENER {
                // 2. Edge-triggered: accept until WouldBlock, or a client
                //    could wait forever for an edge that already passed.
                loop {
                    match listener.do_io(|l| l.accept()) {
                        Ok((stream, _peer)) => {
                            let token = Token(next_token);
                            next_token += 1;
                            let mut socket = IoSource::new(stream)?;
                            poll.registry().register(&mut socket, token, Interest::READABLE)?;
                            connections.insert(
                                token,
                                Connection { socket, pending: Vec::new(), wants_write: false },
                            );
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e),
                    }
                }
                continue;
            }
            // 3. A connection is ready: move bytes until WouldBlock.
            let token = event.token();
            let Some(conn) = connections.get_mut(&token) else { continue };
            let done = serve(conn)?;
            if done {
                // 4. The client closed: deregister and drop (closes the socket).
                let mut conn = connections.remove(&token).expect("present");
                poll.registry().deregister(&mut conn.socket)?;
                served += 1;
            } else if conn.wants_write == conn.pending.is_empty() {
                // Ask for writability only while output is stuck: one
                // epoll_ctl when that changes, none otherwise.
                conn.wants_write = !conn.pending.is_empty();
                let interest = if conn.wants_write {
                    Interest::READABLE | Interest::WRITABLE
                } else {
                    Interest::READABLE
                };
                poll.registry().reregister(&mut conn.socket, token, interest)?;
            }
        }

        if let Some(clients) = &clients {
            if served == clients.len() {
                break;
            }
        }
    }

    for client in clients.into_iter().flatten() {
        client.join().expect("client panicked")?;
    }
    let calls = groundup::stats::syscalls().since(&before);
    println!("served {served} clients; system calls groundup made while serving:\n{calls}");
    Ok(())
}

/// Reads what is available and echoes it back. Returns `true` once the peer
/// has closed and everything was echoed.
fn serve(conn: &mut Connection) -> io::Result<bool> {
    let mut buf = [0u8; 4096];
    let mut closed = false;
    loop {
        match conn.socket.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(n) => conn.pending.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return Ok(true),
            Err(e) => return Err(e),
        }
    }
    while !conn.pending.is_empty() {
        match conn.socket.write(&conn.pending) {
            Ok(n) => drop(conn.pending.drain(..n)),
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => return Err(e),
        }
    }
    Ok(closed && conn.pending.is_empty())
}

/// Plain blocking clients, each on its own thread, checking every byte.
fn spawn_clients(addr: SocketAddr, n: usize) -> Vec<thread::JoinHandle<io::Result<()>>> {
    (0..n)
        .map(|i| {
            thread::spawn(move || {
                let mut stream = TcpStream::connect(addr)?;
                for round in 0..100 {
                    let msg = format!("client {i} round {round}\n");
                    stream.write_all(msg.as_bytes())?;
                    let mut back = vec![0; msg.len()];
                    stream.read_exact(&mut back)?;
                    assert_eq!(back, msg.as_bytes(), "echo mismatch");
                }
                println!("client {i}: 100 messages echoed intact");
                Ok(())
            })
        })
        .collect()
}
