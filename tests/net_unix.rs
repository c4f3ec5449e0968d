//! Unix-domain sockets through `groundup::net` (Unix only).
#![cfg(unix)]

mod util;

use std::path::PathBuf;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{UnixDatagram, UnixListener, UnixStream};

fn temp_path(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("groundup-{name}-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn unix_stream_echo_through_a_listener() {
    let path = temp_path("stream");
    groundup::block_on(async {
        let listener = UnixListener::bind(&path).unwrap();
        assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(path.as_path()));
        let server = groundup::spawn(async move {
            let (mut s, peer) = listener.accept().await.unwrap();
            assert!(peer.is_unnamed());
            let mut buf = Vec::new();
            s.read_to_end(&mut buf).await.unwrap();
            s.write_all(&buf).await.unwrap();
        });
        let mut client = UnixStream::connect(&path).await.unwrap();
        client.write_all(b"over a unix socket").await.unwrap();
        client.shutdown().await.unwrap();
        let mut back = Vec::new();
        client.read_to_end(&mut back).await.unwrap();
        assert_eq!(back, b"over a unix socket");
        server.await.unwrap();
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn unix_stream_pair() {
    groundup::block_on(async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        a.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        b.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
    });
}

#[test]
fn unix_datagrams_between_bound_sockets() {
    let (pa, pb) = (temp_path("dgram-a"), temp_path("dgram-b"));
    groundup::block_on(async {
        let a = UnixDatagram::bind(&pa).unwrap();
        let b = UnixDatagram::bind(&pb).unwrap();
        a.send_to(b"to b", &pb).await.unwrap();
        let mut buf = [0u8; 16];
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"to b");
        assert_eq!(from.as_pathname(), Some(pa.as_path()));
        b.connect(&pa).unwrap();
        b.send(b"reply").await.unwrap();
        let n = a.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"reply");
    });
    std::fs::remove_file(&pa).unwrap();
    std::fs::remove_file(&pb).unwrap();
}

#[test]
fn connecting_to_a_missing_path_fails() {
    groundup::block_on(async {
        let err = UnixStream::connect(temp_path("missing")).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound, "{err}");
    });
}

#[test]
fn a_path_too_long_is_invalid_input() {
    let long = "x".repeat(200);
    let err = UnixListener::bind(std::env::temp_dir().join(long)).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

/// Issue 13, item 3. A listener that never accepts fills its queue; the
/// connect after that must fail, not hand back a stream that was never
/// connected. Linux fails it with `EAGAIN` (`WouldBlock`, as in mio and
/// tokio): `unix_stream_connect` in net/unix/af_unix.c refuses at once when
/// the queue is longer than the backlog and the socket is non-blocking, and
/// such a connect never completes later, unlike TCP's `EINPROGRESS`. The
/// BSDs and macOS fail it with `ECONNREFUSED` (`sonewconn` finds the queue
/// full; listen(2): "the client may receive an error with an indication of
/// ECONNREFUSED").
#[test]
fn connecting_to_a_listener_whose_backlog_is_full_is_an_error() {
    // The queue is 1,024 long (the backlog `bind` asks for) or the system's
    // cap on it, which the BSDs stretch by half again: never more than this.
    const MORE_THAN_ANY_QUEUE: usize = 1024 * 3 / 2 + 16;
    groundup::raise_fd_limit().unwrap();
    let path = temp_path("full-backlog");
    groundup::block_on(async {
        let listener = UnixListener::bind(&path).unwrap();
        let mut queued = Vec::new();
        let refused = loop {
            assert!(queued.len() < MORE_THAN_ANY_QUEUE, "no connect failed");
            match UnixStream::connect(&path).await {
                Ok(stream) => {
                    // Every stream `connect` returns has a peer.
                    stream.peer_addr().unwrap_or_else(|e| {
                        panic!("connect #{} returned an unconnected stream: {e}", queued.len())
                    });
                    queued.push(stream);
                }
                Err(e) => break e,
            }
        };
        let expected = if cfg!(any(target_os = "linux", target_os = "android")) {
            std::io::ErrorKind::WouldBlock
        } else {
            std::io::ErrorKind::ConnectionRefused
        };
        assert_eq!(refused.kind(), expected, "after {} queued connects: {refused}", queued.len());
        // Accepting one makes room for one more.
        let (_accepted, _) = listener.accept().await.unwrap();
        let again = UnixStream::connect(&path).await.unwrap();
        again.peer_addr().unwrap();
    });
    std::fs::remove_file(&path).unwrap();
}
