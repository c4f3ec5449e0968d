//! std interop: sockets made with std taken into the runtime (`from_std`,
//! `TryFrom`), and groundup's given back (`into_std`), deregistered and
//! still usable, for every socket type; the raw-descriptor traits.

mod util;

use std::io::{ErrorKind, Read, Write};

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream, UdpSocket};

#[test]
fn a_groundup_listener_made_from_a_std_listener_accepts() {
    groundup::block_on(async {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = std_listener.local_addr().unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let listener = TcpListener::from_std(std_listener).unwrap();
        assert_eq!(listener.local_addr().unwrap(), addr);
        let mut client = TcpStream::connect(addr).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        client.write_all(b"from std").await.unwrap();
        let mut buf = [0u8; 8];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"from std");
    });
}

#[test]
fn a_std_stream_keeps_working_after_into_std() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let mut std_server = server.into_std().unwrap();
        // Still non-blocking, as tokio documents: nothing to read yet.
        let mut buf = [0u8; 5];
        assert_eq!(std_server.read(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);

        // Blocking std from here on. The groundup side writes first (into
        // the socket buffer, at once), so the blocking read cannot stall
        // the runtime thread it runs on.
        std_server.set_nonblocking(false).unwrap();
        client.write_all(b"hello").await.unwrap();
        std_server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hello");
        std_server.write_all(b"world").unwrap();
        client.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"world");
    });
}

#[test]
fn into_std_deregisters_so_the_socket_can_come_back() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        // Out and back in twice: registering a descriptor the reactor still
        // held would fail (`AlreadyExists`), and a stale registration would
        // never wake the read below.
        let std_server = server.into_std().unwrap();
        let server = TcpStream::from_std(std_server).unwrap();
        let mut server = TcpStream::try_from(server.into_std().unwrap()).unwrap();
        let read = groundup::spawn(async move {
            let mut buf = [0u8; 4];
            server.read_exact(&mut buf).await.map(|_| buf)
        });
        groundup::task::yield_now().await; // the read waits first
        client.write_all(b"back").await.unwrap();
        assert_eq!(&read.await.unwrap().unwrap(), b"back");

        let listener = TcpListener::try_from(listener.into_std().unwrap()).unwrap();
        let _again = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let _accepted = listener.accept().await.unwrap();
    });
}

#[test]
fn a_udp_socket_goes_to_std_and_back() {
    groundup::block_on(async {
        let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        std_socket.set_nonblocking(true).unwrap();
        let socket = UdpSocket::from_std(std_socket).unwrap();
        let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        peer.send_to(b"one", socket.local_addr().unwrap()).await.unwrap();
        let mut buf = [0u8; 8];
        let (n, from) = socket.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"one"[..], peer.local_addr().unwrap()));

        let std_socket = socket.into_std().unwrap();
        std_socket.set_nonblocking(false).unwrap();
        peer.send_to(b"two", std_socket.local_addr().unwrap()).await.unwrap();
        let (n, _) = std_socket.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"two");
        std_socket.set_nonblocking(true).unwrap();
        let socket = UdpSocket::try_from(std_socket).unwrap();
        socket.send_to(b"three", peer.local_addr().unwrap()).await.unwrap();
        let (n, _) = peer.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"three");
    });
}

#[test]
fn from_std_outside_a_runtime_is_an_error_naming_the_fix() {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let err = TcpListener::from_std(std_listener).unwrap_err();
    assert!(err.to_string().contains("block_on"), "{err}");
}

/// On Unix a blocking socket is refused (tokio requires non-blocking and
/// panics in debug builds); Winsock cannot report the mode, so Windows
/// sets it instead (`sys::net` says why).
#[cfg(unix)]
#[test]
fn from_std_refuses_a_blocking_socket_on_unix() {
    groundup::block_on(async {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let err = TcpListener::from_std(std_listener).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.to_string().contains("set_nonblocking(true)"), "{err}");

        let (client, _server) = util::tcp_pair();
        assert_eq!(TcpStream::from_std(client).unwrap_err().kind(), ErrorKind::InvalidInput);
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        assert_eq!(UdpSocket::from_std(udp).unwrap_err().kind(), ErrorKind::InvalidInput);
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let err = groundup::net::UnixStream::from_std(a).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    });
}

#[cfg(unix)]
#[test]
fn the_raw_descriptor_is_the_std_one() {
    use std::os::fd::{AsFd, AsRawFd};
    groundup::block_on(async {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let fd = std_listener.as_raw_fd();
        let listener = TcpListener::from_std(std_listener).unwrap();
        assert_eq!((listener.as_raw_fd(), listener.as_fd().as_raw_fd()), (fd, fd));
        assert_eq!(listener.into_std().unwrap().as_raw_fd(), fd);

        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let fd = udp.as_raw_fd();
        assert_eq!(udp.into_std().unwrap().as_fd().as_raw_fd(), fd);
    });
}

#[cfg(windows)]
#[test]
fn the_raw_socket_is_the_std_one() {
    use std::os::windows::io::{AsRawSocket, AsSocket};
    groundup::block_on(async {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let raw = std_listener.as_raw_socket();
        let listener = TcpListener::from_std(std_listener).unwrap();
        assert_eq!((listener.as_raw_socket(), listener.as_socket().as_raw_socket()), (raw, raw));
        assert_eq!(listener.into_std().unwrap().as_raw_socket(), raw);

        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let raw = udp.as_raw_socket();
        assert_eq!(udp.into_std().unwrap().as_socket().as_raw_socket(), raw);
    });
}

#[cfg(unix)]
mod unix {
    use std::io::{Read, Write};
    use std::os::unix::net as std_unix;

    use groundup::io::{AsyncReadExt, AsyncWriteExt};
    use groundup::net::{UnixDatagram, UnixListener, UnixStream};

    fn temp_path(name: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir()
            .join(format!("groundup-net-std-{name}-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn unix_streams_and_listeners_go_to_std_and_back() {
        groundup::block_on(async {
            let path = temp_path("listener");
            let std_listener = std_unix::UnixListener::bind(&path).unwrap();
            std_listener.set_nonblocking(true).unwrap();
            let listener = UnixListener::from_std(std_listener).unwrap();
            let mut client = UnixStream::connect(&path).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();

            let mut std_server = server.into_std().unwrap();
            std_server.set_nonblocking(false).unwrap();
            client.write_all(b"ping").await.unwrap();
            let mut buf = [0u8; 4];
            std_server.read_exact(&mut buf).unwrap();
            assert_eq!(&buf, b"ping");
            std_server.write_all(b"pong").unwrap();
            client.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"pong");

            std_server.set_nonblocking(true).unwrap();
            let mut server = UnixStream::try_from(std_server).unwrap();
            client.write_all(b"back").await.unwrap();
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"back");

            let listener = UnixListener::try_from(listener.into_std().unwrap()).unwrap();
            let _again = UnixStream::connect(&path).await.unwrap();
            let _accepted = listener.accept().await.unwrap();
            std::fs::remove_file(&path).unwrap();
        });
    }

    #[test]
    fn unix_datagrams_go_to_std_and_back() {
        groundup::block_on(async {
            let (a, b) = std_unix::UnixDatagram::pair().unwrap();
            a.set_nonblocking(true).unwrap();
            let a = UnixDatagram::from_std(a).unwrap();
            b.send(b"to groundup").unwrap();
            let mut buf = [0u8; 16];
            let n = a.recv(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"to groundup");

            let a = a.into_std().unwrap();
            a.set_nonblocking(false).unwrap();
            b.send(b"to std").unwrap();
            let n = a.recv(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"to std");
            a.set_nonblocking(true).unwrap();
            let a = UnixDatagram::try_from(a).unwrap();
            assert!(a.take_error().unwrap().is_none());
        });
    }
}
