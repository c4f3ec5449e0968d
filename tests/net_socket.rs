//! `TcpSocket`: a socket configured before it connects or listens. Rebinding
//! a port in `TIME_WAIT`, every option's round trip, binding before
//! connecting, `SO_REUSEPORT`, and sockets taken over from std or a raw
//! descriptor.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Duration;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpSocket, TcpStream};

mod util;

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// A listening `TcpSocket` on a fresh loopback port, with `SO_REUSEADDR`.
fn reusable_listener() -> (groundup::net::TcpListener, SocketAddr) {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind(loopback()).unwrap();
    let addr = socket.local_addr().unwrap();
    (socket.listen(16).unwrap(), addr)
}

#[test]
fn reuseaddr_rebinds_a_port_whose_connection_is_in_time_wait() {
    groundup::block_on(async {
        let (listener, addr) = reusable_listener();
        let mut client = TcpStream::connect(addr).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        drop(listener);

        // The server closes first, so its end of the connection (local
        // port `addr`) is the one that ends in TIME_WAIT: its FIN goes out,
        // the client reads end of file and closes, and once the server has
        // read the client's FIN its end is in TIME_WAIT (the state after
        // FIN_WAIT_2 on receiving a FIN), where it stays after the close.
        server.shutdown().await.unwrap();
        let mut byte = [0u8; 1];
        assert_eq!(client.read(&mut byte).await.unwrap(), 0, "the server's FIN");
        drop(client);
        assert_eq!(server.read(&mut byte).await.unwrap(), 0, "the client's FIN");
        drop(server);

        // Without SO_REUSEADDR the port is still taken (Windows does not
        // keep ports in TIME_WAIT from a listener, so only Unix says so).
        #[cfg(unix)]
        {
            let plain = TcpSocket::new_v4().unwrap();
            assert!(!plain.reuseaddr().unwrap());
            assert_eq!(plain.bind(addr).unwrap_err().kind(), ErrorKind::AddrInUse);
        }

        // With it, a new listener binds the port and serves.
        let again = TcpSocket::new_v4().unwrap();
        again.set_reuseaddr(true).unwrap();
        again.bind(addr).unwrap();
        let listener = again.listen(16).unwrap();
        let mut client = TcpStream::connect(addr).await.unwrap();
        let (mut server, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        client.write_all(b"again").await.unwrap();
        let mut buf = [0u8; 5];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"again");
    });
}

#[test]
fn every_option_round_trips() {
    let socket = TcpSocket::new_v4().unwrap();
    for on in [true, false, true] {
        socket.set_reuseaddr(on).unwrap();
        assert_eq!(socket.reuseaddr().unwrap(), on, "SO_REUSEADDR");
        socket.set_nodelay(on).unwrap();
        assert_eq!(socket.nodelay().unwrap(), on, "TCP_NODELAY");
        socket.set_keepalive(on).unwrap();
        assert_eq!(socket.keepalive().unwrap(), on, "SO_KEEPALIVE");
        #[cfg(groundup_reuseport)]
        {
            socket.set_reuseport(on).unwrap();
            assert_eq!(socket.reuseport().unwrap(), on, "SO_REUSEPORT");
        }
    }

    // Linger: off by default, whole seconds, a part second rounded up.
    assert_eq!(socket.linger().unwrap(), None);
    #[allow(deprecated)] // the trap it warns of needs a connection; this socket has none
    {
        socket.set_linger(Some(Duration::from_secs(3))).unwrap();
        assert_eq!(socket.linger().unwrap(), Some(Duration::from_secs(3)));
        socket.set_linger(Some(Duration::from_millis(1500))).unwrap();
        assert_eq!(socket.linger().unwrap(), Some(Duration::from_secs(2)));
        socket.set_linger(None).unwrap();
        assert_eq!(socket.linger().unwrap(), None);
    }
    socket.set_zero_linger().unwrap();
    assert_eq!(socket.linger().unwrap(), Some(Duration::ZERO));

    // Buffer sizes: the system adjusts them (Linux doubles and clamps), so
    // only the direction is certain.
    socket.set_send_buffer_size(4096).unwrap();
    let small = socket.send_buffer_size().unwrap();
    socket.set_send_buffer_size(256 * 1024).unwrap();
    let large = socket.send_buffer_size().unwrap();
    assert!(small < large && large >= 64 * 1024, "SO_SNDBUF: {small} then {large}");
    socket.set_recv_buffer_size(4096).unwrap();
    let small = socket.recv_buffer_size().unwrap();
    socket.set_recv_buffer_size(256 * 1024).unwrap();
    let large = socket.recv_buffer_size().unwrap();
    assert!(small < large && large >= 64 * 1024, "SO_RCVBUF: {small} then {large}");

    assert!(socket.take_error().unwrap().is_none());
}

#[test]
fn only_v6_round_trips_on_an_ipv6_socket_and_is_an_error_on_ipv4() {
    let v6 = TcpSocket::new_v6().unwrap();
    for on in [true, false] {
        v6.set_only_v6(on).unwrap();
        assert_eq!(v6.only_v6().unwrap(), on, "IPV6_V6ONLY");
    }
    let v4 = TcpSocket::new_v4().unwrap();
    assert!(v4.only_v6().is_err());
}

#[test]
fn options_set_before_connecting_hold_on_the_stream() {
    groundup::block_on(async {
        let (listener, addr) = reusable_listener();
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_nodelay(true).unwrap();
        socket.set_keepalive(true).unwrap();
        socket.set_zero_linger().unwrap();
        let stream = socket.connect(addr).await.unwrap();
        let _accepted = listener.accept().await.unwrap();
        assert!(stream.nodelay().unwrap());
        assert_eq!(stream.linger().unwrap(), Some(Duration::ZERO));
    });
}

#[test]
fn a_socket_bound_first_connects_from_its_address() {
    groundup::block_on(async {
        let (listener, addr) = reusable_listener();
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(loopback()).unwrap();
        let bound = socket.local_addr().unwrap();
        assert_ne!(bound.port(), 0, "binding port 0 picks a port");
        let stream = socket.connect(addr).await.unwrap();
        let (_server, peer) = listener.accept().await.unwrap();
        assert_eq!((stream.local_addr().unwrap(), peer), (bound, bound));
        assert_eq!(stream.peer_addr().unwrap(), addr);
    });
}

#[cfg(groundup_reuseport)]
#[test]
fn reuseport_lets_two_listeners_share_a_port() {
    groundup::block_on(async {
        let first = TcpSocket::new_v4().unwrap();
        first.set_reuseport(true).unwrap();
        first.bind(loopback()).unwrap();
        let addr = first.local_addr().unwrap();
        let first = first.listen(16).unwrap();

        let without = TcpSocket::new_v4().unwrap();
        assert_eq!(without.bind(addr).unwrap_err().kind(), ErrorKind::AddrInUse);

        let second = TcpSocket::new_v4().unwrap();
        second.set_reuseport(true).unwrap();
        second.bind(addr).unwrap();
        let second = second.listen(16).unwrap();
        assert_eq!(second.local_addr().unwrap(), first.local_addr().unwrap());
        // A connection goes to one of them (which one is the system's call).
        let _client = TcpStream::connect(addr).await.unwrap();
        let accepted = groundup::time::timeout(Duration::from_secs(20), async {
            let a = std::pin::pin!(first.accept());
            let b = std::pin::pin!(second.accept());
            either(a, b).await
        })
        .await;
        assert!(accepted.expect("one listener accepts").is_ok());
    });
}

/// Whichever of two futures finishes first.
#[cfg(groundup_reuseport)]
async fn either<T>(
    mut a: std::pin::Pin<&mut impl std::future::Future<Output = T>>,
    mut b: std::pin::Pin<&mut impl std::future::Future<Output = T>>,
) -> T {
    std::future::poll_fn(|cx| {
        if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
            return std::task::Poll::Ready(v);
        }
        b.as_mut().poll(cx)
    })
    .await
}

/// An unconnected TCP socket as std holds one, in *blocking* mode (std
/// cannot make an unconnected stream; tokio's docs take one from socket2).
fn unconnected_blocking_std_stream() -> std::net::TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    #[cfg(unix)]
    let std = {
        use std::os::fd::{FromRawFd, IntoRawFd};
        // SAFETY: `into_raw_fd` hands over an open socket nothing else owns.
        unsafe { std::net::TcpStream::from_raw_fd(socket.into_raw_fd()) }
    };
    #[cfg(windows)]
    let std = {
        use std::os::windows::io::{FromRawSocket, IntoRawSocket};
        // SAFETY: `into_raw_socket` hands over an open socket nothing else owns.
        unsafe { std::net::TcpStream::from_raw_socket(socket.into_raw_socket()) }
    };
    std.set_nonblocking(false).unwrap();
    std
}

#[test]
fn a_blocking_std_socket_taken_over_connects_and_is_made_non_blocking() {
    groundup::block_on(async {
        let (listener, addr) = reusable_listener();
        let std_stream = unconnected_blocking_std_stream();
        #[cfg(unix)]
        assert!(!util::is_nonblocking(&std_stream));
        let socket = TcpSocket::from_std_stream(std_stream);
        socket.set_nodelay(true).unwrap();
        let mut stream = socket.connect(addr).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        #[cfg(unix)]
        assert!(util::is_nonblocking(&stream), "connect made it non-blocking");
        assert!(stream.nodelay().unwrap());

        server.write_all(b"data").await.unwrap();
        let mut buf = [0u8; 4];
        stream.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"data");
        // Given back to std, it is still non-blocking: a read with nothing
        // to read says so at once.
        let mut std_stream = stream.into_std().unwrap();
        #[cfg(unix)]
        assert!(util::is_nonblocking(&std_stream));
        let err = std::io::Read::read(&mut std_stream, &mut buf).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WouldBlock);
    });
}

#[cfg(unix)]
#[test]
fn raw_descriptors_go_out_and_back_unchanged() {
    use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd};
    groundup::block_on(async {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind(loopback()).unwrap();
        let addr = socket.local_addr().unwrap();
        let fd = socket.as_raw_fd();
        assert_eq!(socket.as_fd().as_raw_fd(), fd);
        let raw = socket.into_raw_fd();
        assert_eq!(raw, fd);
        // SAFETY: `raw` was just given up by the socket: open, owned by no one.
        let socket = unsafe { TcpSocket::from_raw_fd(raw) };
        assert_eq!(socket.local_addr().unwrap(), addr);
        assert!(socket.reuseaddr().unwrap(), "the options are the socket's, not the wrapper's");
        let listener = socket.listen(4).unwrap();
        assert_eq!(listener.as_raw_fd(), fd);
        let client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        assert_eq!(server.peer_addr().unwrap(), client.local_addr().unwrap());
    });
}

#[cfg(windows)]
#[test]
fn raw_sockets_go_out_and_back_unchanged() {
    use std::os::windows::io::{AsRawSocket, AsSocket, FromRawSocket, IntoRawSocket};
    groundup::block_on(async {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(loopback()).unwrap();
        let addr = socket.local_addr().unwrap();
        let raw = socket.as_raw_socket();
        assert_eq!(socket.as_socket().as_raw_socket(), raw);
        assert_eq!(socket.into_raw_socket(), raw);
        // SAFETY: `raw` was just given up by the socket: open, owned by no one.
        let socket = unsafe { TcpSocket::from_raw_socket(raw) };
        assert_eq!(socket.local_addr().unwrap(), addr);
        let listener = socket.listen(4).unwrap();
        assert_eq!(listener.as_raw_socket(), raw);
        let client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        assert_eq!(server.peer_addr().unwrap(), client.local_addr().unwrap());
    });
}
