//! The readiness API: `ready`/`readable`/`writable`, the `try_*` methods
//! that never wait, `try_io`, and gathering writes, on the TCP, UDP and
//! Unix-domain types. The contract under test is tokio's: readiness stays
//! until an operation returns `WouldBlock`, which clears it, so the next
//! wait waits for a new event.

#[path = "util/io.rs"]
mod io_util;

use std::io::{ErrorKind, IoSlice, IoSliceMut};
use std::pin::pin;
use std::task::Poll;

use groundup::io::{AsyncReadExt, AsyncWriteExt, Interest};
use groundup::net::{TcpListener, TcpStream, UdpSocket};
use io_util::poll_once;

async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// Reads with `try_read` after each `readable` until `want` bytes came.
async fn read_ready(stream: &TcpStream, want: usize) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0; 64];
    while got.len() < want {
        stream.readable().await.unwrap();
        match stream.try_read(&mut buf) {
            Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
            Ok(0) => panic!("end of file after {} bytes", got.len()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => panic!("try_read: {e}"),
        }
    }
    got
}

#[test]
fn try_read_with_nothing_sent_is_would_block_at_once() {
    groundup::block_on(async {
        let (client, _server) = tcp_pair().await;
        let mut buf = [0; 8];
        // A plain function call: it cannot wait, and says WouldBlock.
        let e = client.try_read(&mut buf).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::WouldBlock);
        let mut bufs = [IoSliceMut::new(&mut buf)];
        assert_eq!(client.try_read_vectored(&mut bufs).unwrap_err().kind(), ErrorKind::WouldBlock);
        // And a wait for readability really waits.
        let readable = pin!(client.readable());
        assert!(poll_once(readable).is_pending());
    });
}

#[test]
fn try_read_after_readable_gets_the_bytes() {
    groundup::block_on(async {
        let (client, mut server) = tcp_pair().await;
        server.write_all(b"hello").await.unwrap();
        assert_eq!(read_ready(&client, 5).await, b"hello");
    });
}

#[test]
fn would_block_from_try_read_makes_the_next_readable_wait() {
    groundup::block_on(async {
        let (client, mut server) = tcp_pair().await;
        server.write_all(b"abc").await.unwrap();
        assert_eq!(read_ready(&client, 3).await, b"abc");
        // Drained, but no operation has said WouldBlock yet: the readiness
        // stays (tokio's contract), so `readable` returns at once.
        assert!(matches!(poll_once(pin!(client.readable())), Poll::Ready(Ok(()))));
        let mut buf = [0; 8];
        assert_eq!(client.try_read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
        // Now it was cleared: the next `readable` waits for a new event.
        let mut waiting = pin!(client.readable());
        assert!(poll_once(waiting.as_mut()).is_pending(), "cleared readiness came back");
        server.write_all(b"d").await.unwrap();
        waiting.await.unwrap();
        assert_eq!(client.try_read(&mut buf).unwrap(), 1);
    });
}

#[test]
fn try_write_after_writable_and_try_write_vectored_gather() {
    groundup::block_on(async {
        let (client, server) = tcp_pair().await;
        client.writable().await.unwrap();
        let n = client.try_write(b"one,").unwrap();
        assert_eq!(n, 4, "a fresh socket takes 4 bytes");
        let bufs = [IoSlice::new(b"two,"), IoSlice::new(b""), IoSlice::new(b"three")];
        let m = client.try_write_vectored(&bufs).unwrap();
        assert_eq!(m, 9, "one call took every buffer");
        assert_eq!(read_ready(&server, 13).await, b"one,two,three");
    });
}

#[test]
fn write_vectored_sends_every_buffer_in_one_call() {
    groundup::block_on(async {
        let (mut client, mut server) = tcp_pair().await;
        assert!(groundup::io::AsyncWrite::is_write_vectored(&client));
        let before = groundup::stats::syscalls();
        let bufs = [IoSlice::new(b"head"), IoSlice::new(b":"), IoSlice::new(b"body")];
        let n = client.write_vectored(&bufs).await.unwrap();
        assert_eq!(n, 9);
        let calls = groundup::stats::syscalls().since(&before);
        let gather = if cfg!(windows) { "WSASend" } else { "sendmsg" };
        assert!(calls.get(gather) >= 1, "no {gather} in {calls:?}");
        client.shutdown().await.unwrap();
        let mut all = Vec::new();
        server.read_to_end(&mut all).await.unwrap();
        assert_eq!(all, b"head:body");
    });
}

#[test]
fn ready_reports_read_closed_after_the_peer_shuts_down() {
    groundup::block_on(async {
        let (client, mut server) = tcp_pair().await;
        server.shutdown().await.unwrap();
        let mut buf = [0; 8];
        let ready = loop {
            let ready = client.ready(Interest::READABLE).await.unwrap();
            if ready.is_read_closed() {
                break ready;
            }
            // Readable without the closed half yet: drain and wait again.
            match client.try_read(&mut buf) {
                Ok(0) | Err(_) => continue,
                Ok(n) => panic!("read {n} bytes nobody sent"),
            }
        };
        assert!(ready.is_readable(), "a closed half counts as readable");
        assert_eq!(client.try_read(&mut buf).unwrap(), 0, "end of file");
        // Closed stays closed: it is not cleared by a read.
        assert!(client.ready(Interest::READABLE).await.unwrap().is_read_closed());
    });
}

#[test]
fn ready_for_both_reports_writable_on_a_quiet_stream() {
    groundup::block_on(async {
        let (client, _server) = tcp_pair().await;
        let ready = client.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
        assert!(ready.is_writable() && !ready.is_readable() && !ready.is_read_closed());
    });
}

#[test]
fn try_io_runs_only_when_ready_and_its_would_block_clears() {
    groundup::block_on(async {
        let (client, mut server) = tcp_pair().await;
        let mut ran = false;
        let e = client.try_io(Interest::READABLE, || {
            ran = true;
            Ok(())
        });
        assert_eq!(e.unwrap_err().kind(), ErrorKind::WouldBlock);
        assert!(!ran, "ran without readiness");
        server.write_all(b"x").await.unwrap();
        client.readable().await.unwrap();
        let e = client.try_io(Interest::READABLE, || Err::<(), _>(ErrorKind::WouldBlock.into()));
        assert_eq!(e.unwrap_err().kind(), ErrorKind::WouldBlock);
        // The closure's WouldBlock cleared the readiness (the byte is still
        // there, but edge-triggered readiness only comes back with an
        // event). On IOCP the re-armed AFD poll reports the byte again at
        // once, and libkqueue re-reports a level, so only the edge
        // backends can see the wait.
        #[cfg(not(any(windows, groundup_libkqueue)))]
        assert!(poll_once(pin!(client.readable())).is_pending());
        server.write_all(b"y").await.unwrap(); // a new event
        let n = client.async_io(Interest::READABLE, || Ok(41 + 1)).await.unwrap();
        assert_eq!(n, 42);
    });
}

#[test]
fn udp_try_send_to_and_try_recv_from() {
    groundup::block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let mut buf = [0; 16];
        assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
        assert_eq!(b.try_peek_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
        a.writable().await.unwrap();
        assert_eq!(a.try_send_to(b"datagram", b.local_addr().unwrap()).unwrap(), 8);
        let (n, from) = loop {
            b.readable().await.unwrap();
            match b.try_peek_from(&mut buf) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                other => break other.unwrap(),
            }
        };
        assert_eq!((&buf[..n], from), (&b"datagram"[..], a.local_addr().unwrap()));
        // The peek left it queued.
        assert_eq!(b.try_recv_from(&mut buf).unwrap(), (8, a.local_addr().unwrap()));
        assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
        assert!(poll_once(pin!(b.readable())).is_pending(), "WouldBlock cleared it");

        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        assert_eq!(a.try_send(b"c").unwrap(), 1);
        b.readable().await.unwrap();
        assert_eq!(b.try_recv(&mut buf).unwrap(), 1);
    });
}

#[cfg(unix)]
mod unix {
    use super::*;
    use groundup::net::{UnixDatagram, UnixStream};

    #[test]
    fn unix_stream_try_read_and_vectored_io() {
        groundup::block_on(async {
            let (a, b) = UnixStream::pair().unwrap();
            let mut buf = [0; 8];
            assert_eq!(a.try_read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            b.writable().await.unwrap();
            let n = b.try_write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")]).unwrap();
            assert_eq!(n, 4);
            a.readable().await.unwrap();
            let (mut x, mut y) = ([0; 1], [0; 8]);
            let n = a.try_read_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)]);
            assert_eq!(n.unwrap(), 4);
            assert_eq!((&x, &y[..3]), (b"a", &b"bcd"[..]));
            // Readiness stays set until an operation sees WouldBlock (as in
            // tokio), so clear it first: the `ready` below must then wait for
            // the reactor to deliver the hang-up, not return the old edge.
            assert_eq!(a.try_read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            drop(b);
            let ready = a.ready(Interest::READABLE).await.unwrap();
            assert!(ready.is_read_closed(), "{ready:?}");
        });
    }

    #[test]
    fn unix_datagram_try_send_and_try_recv() {
        groundup::block_on(async {
            let (a, b) = UnixDatagram::pair().unwrap();
            let mut buf = [0; 8];
            assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            a.writable().await.unwrap();
            assert_eq!(a.try_send(b"one").unwrap(), 3);
            b.readable().await.unwrap();
            let (n, from) = b.try_recv_from(&mut buf).unwrap();
            assert_eq!((&buf[..n], from.is_unnamed()), (&b"one"[..], true));
        });
    }
}
