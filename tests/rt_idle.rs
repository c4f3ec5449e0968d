//! Idle costs nothing: a runtime holding a thousand idle connections makes
//! no system call at all, counted with `groundup::stats` (every call
//! groundup makes goes through its counters). One test in this binary, so
//! no other test's calls mix into the counts.
//!
//! The server runs on a thread of its own: a runtime whose tasks each wait
//! to read from one accepted connection and echo what comes. The test
//! thread is the checker and the clients, using `std` only (its calls are
//! not groundup's, so they are not counted). It waits until the counts stop
//! moving (the executor has polled every task and gone to sleep in the
//! reactor's poll; the reactor thread sleeps on its idle site), then
//! asserts that ten seconds pass without a single call. Then it writes to
//! one connection and asserts that the counts do move, so that a counter
//! that never counts cannot pass this test.
//!
//! Nothing here passes by timing: the ten seconds are the issue's
//! requirement (an idle runtime that polls every few seconds would fail),
//! and the "counts stopped moving" wait has a bound that only turns a
//! hang into a message.

mod util;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::stats;

/// Idle connections the runtime holds.
const CONNECTIONS: usize = 1_000;
/// How long the idle runtime must make no call.
const IDLE_FOR: Duration = Duration::from_secs(10);
/// The counts are taken as settled once they have not moved for this long.
const SETTLED_FOR: Duration = Duration::from_secs(2);

#[test]
fn a_thousand_idle_connections_make_no_syscall_for_ten_seconds() {
    #[cfg(unix)]
    groundup::raise_fd_limit().unwrap();
    let (addr_tx, addr_rx) = mpsc::channel();
    let (accepted_tx, accepted_rx) = mpsc::channel();
    // The server thread runs until the process ends (the test's end).
    thread::spawn(move || serve(addr_tx, accepted_tx));
    let addr = addr_rx.recv().unwrap();
    let mut clients: Vec<TcpStream> =
        (0..CONNECTIONS).map(|_| TcpStream::connect(addr).unwrap()).collect();
    accepted_rx.recv_timeout(util::PATIENCE).expect("the server accepted every connection");

    let settled = wait_until_settled();
    thread::sleep(IDLE_FOR);
    let made = stats::syscalls().since(&settled);
    assert_eq!(
        made.total(),
        0,
        "an idle runtime with {CONNECTIONS} connections made calls in {IDLE_FOR:?}:\n{made}"
    );

    // The same counters, with work: they must move (or the zero above
    // proved nothing).
    let client = &mut clients[CONNECTIONS / 2];
    client.set_read_timeout(Some(util::PATIENCE)).unwrap();
    client.write_all(b"ping").unwrap();
    let mut echo = [0; 4];
    client.read_exact(&mut echo).unwrap();
    assert_eq!(&echo, b"ping");
    let made = stats::syscalls().since(&settled);
    // At least the read and the write. (A call is counted as it starts:
    // the wait that returned with the event began before `settled`.)
    assert!(made.total() >= 2, "an echo made fewer calls than it must:\n{made}");
}

/// Waits until groundup's call counts have not moved for `SETTLED_FOR`,
/// and returns them.
fn wait_until_settled() -> stats::Syscalls {
    let started = Instant::now();
    let mut last = stats::syscalls();
    let mut still_since = Instant::now();
    while still_since.elapsed() < SETTLED_FOR {
        // A bound, not a speed: a runtime that never stops calling is the
        // bug this test is about, and a failure says so where a hang would
        // not.
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the runtime never stopped making calls; the last second's:\n{}",
            stats::syscalls().since(&last)
        );
        thread::sleep(Duration::from_millis(100));
        let now = stats::syscalls();
        if now.since(&last).total() != 0 {
            still_since = Instant::now();
        }
        last = now;
    }
    last
}

/// The server: accepts `CONNECTIONS` connections, says so, then waits.
/// Each connection's task echoes what it reads.
fn serve(addr_tx: mpsc::Sender<std::net::SocketAddr>, accepted_tx: mpsc::Sender<()>) {
    let rt = groundup::Runtime::new().unwrap();
    rt.block_on(async move {
        let listener = groundup::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        addr_tx.send(listener.local_addr().unwrap()).unwrap();
        for _ in 0..CONNECTIONS {
            let (stream, _) = listener.accept().await.unwrap();
            groundup::spawn(echo(stream));
        }
        accepted_tx.send(()).unwrap();
        // Keep the runtime (and so every task) alive, idle.
        std::future::pending::<()>().await;
    });
}

async fn echo(mut stream: groundup::net::TcpStream) {
    let mut buf = [0; 64];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if stream.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}
