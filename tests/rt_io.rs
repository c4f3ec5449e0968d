//! The reactor's registrations through `groundup::io::Async`: readiness,
//! no lost wake-ups, no stale events, shutdown.

mod util;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::task::{Context, Poll, Waker};
use std::thread;

use groundup::Runtime;
use groundup::io::Async;
use util::tcp_pair;

#[test]
fn a_read_waits_for_data_from_another_thread() {
    groundup::block_on(async {
        let (mut client, server) = tcp_pair();
        let server = Async::new(server).unwrap();
        let writer = thread::spawn(move || {
            thread::sleep(std::time::Duration::from_millis(10));
            client.write_all(b"late hello").unwrap();
            client
        });
        let mut buf = [0u8; 32];
        let n = server.read_with(|s| (&*s).read(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"late hello");
        drop(writer.join().unwrap());
    });
}

/// Ten thousand round trips with a thread: every message needs a wake-up
/// from the reactor, so a single lost one hangs the test.
#[test]
fn ten_thousand_round_trips_lose_no_wake_up() {
    const ROUNDS: usize = 10_000;
    groundup::block_on(async {
        let (mut client, server) = tcp_pair();
        client.set_nodelay(true).unwrap();
        server.set_nodelay(true).unwrap();
        let server = Async::new(server).unwrap();
        let echo = thread::spawn(move || {
            let mut byte = [0u8; 1];
            for _ in 0..ROUNDS {
                client.read_exact(&mut byte).unwrap();
                client.write_all(&byte).unwrap();
            }
        });
        for i in 0..ROUNDS {
            let out = [(i % 251) as u8];
            server.write_with(|s| (&*s).write(&out)).await.unwrap();
            let mut back = [0u8; 1];
            let n = server.read_with(|s| (&*s).read(&mut back)).await.unwrap();
            assert_eq!((n, back), (1, out));
        }
        echo.join().unwrap();
    });
}

/// Sockets come and go with data in flight; their descriptor numbers and
/// reactor slots are reused at once. A fresh socket with nothing to read
/// must never look readable because of its predecessor's events.
#[test]
fn no_stale_event_reaches_a_new_socket_reusing_a_slot_or_descriptor() {
    groundup::block_on(async {
        let mut cx = Context::from_waker(Waker::noop());
        for round in 0..500 {
            let (mut client, server) = tcp_pair();
            let server = Async::new(server).unwrap();
            client.write_all(b"pending data").unwrap();
            drop(client); // and a hang-up, all unread
            groundup::task::yield_now().await; // let the reactor see events
            drop(server);

            let (_client, fresh) = tcp_pair();
            let fresh = Async::new(fresh).unwrap();
            groundup::task::yield_now().await;
            assert!(
                fresh.poll_readable(&mut cx).is_pending(),
                "round {round}: a fresh socket with nothing sent looks readable"
            );
        }
    });
}

#[test]
fn would_block_clears_readiness_and_new_data_sets_it_again() {
    groundup::block_on(async {
        let (mut client, server) = tcp_pair();
        let server = Async::new(server).unwrap();
        client.write_all(b"one").unwrap();
        server.readable().await.unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(server.read_with(|s| (&*s).read(&mut buf)).await.unwrap(), 3);
        // Nothing left: read_with must wait, not spin on stale readiness.
        let mut cx = Context::from_waker(Waker::noop());
        let attempt = server.poll_read_with(&mut cx, &mut |s: &TcpStream| (&*s).read(&mut buf));
        assert!(attempt.is_pending());
        client.write_all(b"two").unwrap();
        assert_eq!(server.read_with(|s| (&*s).read(&mut buf)).await.unwrap(), 3);
    });
}

#[test]
fn an_io_object_outliving_its_runtime_fails_instead_of_hanging() {
    let rt = Runtime::new().unwrap();
    let (_client, server) = tcp_pair();
    let server = rt.block_on(async { Async::new(server) }).unwrap();
    drop(rt);
    let err = groundup::block_on(async {
        let mut buf = [0u8; 4];
        server.read_with(|s| (&*s).read(&mut buf)).await
    })
    .unwrap_err();
    assert!(err.to_string().contains("shut down"), "{err}");
}

#[test]
fn async_outside_a_runtime_is_an_error_that_names_the_fix() {
    let (_client, server) = tcp_pair();
    let err = Async::new(server).unwrap_err();
    assert!(err.to_string().contains("block_on"), "{err}");
}

#[test]
fn into_inner_gives_the_socket_back() {
    groundup::block_on(async {
        let (_client, server) = tcp_pair();
        let peer = server.peer_addr().unwrap();
        let server = Async::new(server).unwrap();
        let server = server.into_inner().unwrap();
        assert_eq!(server.peer_addr().unwrap(), peer);
        let mut buf = [0u8; 1];
        let err = (&server).read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WouldBlock, "still non-blocking");
    });
}

#[test]
fn a_closed_peer_makes_reads_finish() {
    groundup::block_on(async {
        let (client, server) = tcp_pair();
        let server = Async::new(server).unwrap();
        drop(client);
        let mut buf = [0u8; 4];
        let n = server.read_with(|s| (&*s).read(&mut buf)).await.unwrap();
        assert_eq!(n, 0, "end of file");
        // Read-closed is sticky: reading again does not wait.
        let mut cx = Context::from_waker(Waker::noop());
        assert!(matches!(server.poll_readable(&mut cx), Poll::Ready(Ok(()))));
    });
}

#[test]
fn a_socket_made_under_an_enter_guard_is_driven_by_the_next_block_on() {
    use groundup::io::{AsyncReadExt, AsyncWriteExt};

    let rt = Runtime::new().unwrap();
    let (client, server) = tcp_pair();
    client.set_nonblocking(true).unwrap();
    server.set_nonblocking(true).unwrap();
    // Outside `block_on`, `from_std` finds no reactor; under the guard, the
    // entered runtime's.
    let outside = groundup::net::TcpStream::from_std(client.try_clone().unwrap());
    assert!(outside.is_err());
    let _guard = rt.enter();
    let mut client = groundup::net::TcpStream::from_std(client).unwrap();
    let mut server = groundup::net::TcpStream::from_std(server).unwrap();
    let echoed = rt.block_on(async move {
        client.write_all(b"entered").await.unwrap();
        let mut buf = [0u8; 7];
        server.read_exact(&mut buf).await.unwrap();
        buf
    });
    assert_eq!(&echoed, b"entered");
}
