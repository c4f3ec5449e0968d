//! The readiness API on the halves of a split stream (tokio's): a reading
//! half's `try_read` says `WouldBlock` at once with nothing there, and
//! finds the bytes once `readable` returns; a writing half's `try_write`
//! reaches the peer; each half waits for its own direction. TCP (owned
//! and borrowed halves), and the Unix stream's on Unix.

use std::io::{ErrorKind, IoSlice, IoSliceMut};

use groundup::io::{AsyncReadExt, AsyncWriteExt, Interest};
use groundup::net::{TcpListener, TcpStream};

async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// What every pair of halves must do; the halves are given as closures
/// over the real methods, so the one scenario runs on each type.
macro_rules! scenario {
    ($r:expr, $w:expr, $peer:expr) => {{
        let (r, w, peer) = (&$r, &$w, &mut $peer);
        // Nothing sent: WouldBlock at once, no waiting.
        let mut buf = [0; 16];
        assert_eq!(r.try_read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
        // The writing half is writable, and the reading half is not
        // readable yet.
        let ready = w.ready(Interest::WRITABLE).await.unwrap();
        assert!(ready.is_writable());
        // Bytes from the peer: readable, then read.
        peer.write_all(b"ping").await.unwrap();
        let n = loop {
            r.readable().await.unwrap();
            match r.try_read(&mut buf) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                other => break other.unwrap(),
            }
        };
        assert_eq!(&buf[..n], b"ping");
        // Drained: WouldBlock again, which clears the readiness.
        assert_eq!(r.try_read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
        // Scattered read.
        peer.write_all(b"hello").await.unwrap();
        let (mut one, mut two) = ([0; 2], [0; 8]);
        let n = loop {
            assert!(r.ready(Interest::READABLE).await.unwrap().is_readable());
            let mut bufs = [IoSliceMut::new(&mut one), IoSliceMut::new(&mut two)];
            match r.try_read_vectored(&mut bufs) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                other => break other.unwrap(),
            }
        };
        assert_eq!((n, &one, &two[..3]), (5, b"he", &b"llo"[..]));
        // Writes through the writing half reach the peer, in order.
        w.writable().await.unwrap();
        assert_eq!(w.try_write(b"po").unwrap(), 2);
        let bufs = [IoSlice::new(b"n"), IoSlice::new(b"g")];
        assert_eq!(w.try_write_vectored(&bufs).unwrap(), 2);
        let mut back = [0; 4];
        peer.read_exact(&mut back).await.unwrap();
        assert_eq!(&back, b"pong");
    }};
}

#[test]
fn tcp_owned_halves_have_the_readiness_api() {
    groundup::block_on(async {
        let (stream, mut peer) = tcp_pair().await;
        let (r, w) = stream.into_split();
        scenario!(r, w, peer);
    });
}

#[test]
fn tcp_borrowed_halves_have_the_readiness_api() {
    groundup::block_on(async {
        let (mut stream, mut peer) = tcp_pair().await;
        let (r, w) = stream.split();
        scenario!(r, w, peer);
    });
}

/// Each half waits for its own direction: a task waiting to read is not
/// woken by the other half's writability, and both wake when due.
#[test]
fn a_reading_half_waits_while_its_writing_half_writes() {
    groundup::block_on(async {
        let (stream, mut peer) = tcp_pair().await;
        let (r, w) = stream.into_split();
        let reader = groundup::spawn(async move {
            r.readable().await.unwrap();
            let mut buf = [0; 8];
            let n = r.try_read(&mut buf).unwrap();
            buf[..n].to_vec()
        });
        // The writer goes first; the reader is still waiting (nothing
        // came), so the peer gets the bytes and answers.
        w.writable().await.unwrap();
        assert_eq!(w.try_write(b"ask").unwrap(), 3);
        let mut asked = [0; 3];
        peer.read_exact(&mut asked).await.unwrap();
        groundup::task::yield_now().await; // the reader runs, and waits
        assert!(!reader.is_finished());
        peer.write_all(b"answer").await.unwrap();
        assert_eq!(reader.await.unwrap(), b"answer");
    });
}

#[cfg(unix)]
#[test]
fn unix_owned_halves_have_the_readiness_api() {
    groundup::block_on(async {
        let (stream, mut peer) = groundup::net::UnixStream::pair().unwrap();
        let (r, w) = stream.into_split();
        scenario!(r, w, peer);
    });
}

#[cfg(unix)]
#[test]
fn unix_borrowed_halves_have_the_readiness_api() {
    groundup::block_on(async {
        let (mut stream, mut peer) = groundup::net::UnixStream::pair().unwrap();
        let (r, w) = stream.split();
        scenario!(r, w, peer);
    });
}
