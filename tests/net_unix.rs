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
