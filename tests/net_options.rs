//! Socket options on the stream and datagram types: each one set and read
//! back, multicast memberships joined and left on the loopback interface
//! (so the membership reports go nowhere; nothing is ever sent to a
//! group), and the addresses and pending errors every type reports.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use groundup::net::{TcpListener, TcpStream, UdpSocket};

/// A group in the administratively scoped range (RFC 2365): never routed
/// beyond an organisation, and here only ever joined on loopback.
const GROUP_V4: Ipv4Addr = Ipv4Addr::new(239, 255, 71, 17);

async fn connected_pair() -> (TcpStream, TcpStream, TcpListener) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server, listener)
}

#[test]
fn tcp_stream_options_round_trip() {
    groundup::block_on(async {
        let (client, server, _listener) = connected_pair().await;
        for ttl in [1, 64, 255] {
            client.set_ttl(ttl).unwrap();
            assert_eq!(client.ttl().unwrap(), ttl, "IP_TTL");
        }
        for on in [true, false] {
            client.set_nodelay(on).unwrap();
            assert_eq!(client.nodelay().unwrap(), on, "TCP_NODELAY");
        }
        assert_eq!(client.linger().unwrap(), None, "SO_LINGER is off by default");
        client.set_zero_linger().unwrap();
        assert_eq!(client.linger().unwrap(), Some(Duration::ZERO));
        #[allow(deprecated)] // turned off again at once: nothing lingers
        client.set_linger(None).unwrap();
        assert_eq!(client.linger().unwrap(), None);

        // Addresses and errors, from both ends.
        assert_eq!(client.peer_addr().unwrap(), server.local_addr().unwrap());
        assert_eq!(server.peer_addr().unwrap(), client.local_addr().unwrap());
        assert!(client.take_error().unwrap().is_none());
    });
}

/// Unix only: Wine keeps the option (it reads back) without passing it to
/// the host's socket, so its close stays graceful; Windows documents a
/// zero linger as a hard close.
#[cfg(unix)]
#[test]
fn a_zero_linger_resets_the_connection_on_close() {
    use groundup::io::AsyncReadExt;
    groundup::block_on(async {
        let (client, mut server, _listener) = connected_pair().await;
        client.set_zero_linger().unwrap();
        drop(client);
        let mut buf = [0u8; 1];
        let err = server.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset, "a reset, not end of file");
    });
}

#[test]
fn tcp_listener_options_round_trip() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.set_ttl(17).unwrap();
        assert_eq!(listener.ttl().unwrap(), 17);
        assert!(listener.take_error().unwrap().is_none());
        assert!(listener.only_v6().is_err(), "IPV6_V6ONLY on an IPv4 listener");
        // A connection accepted inherits the listener's TTL.
        let _client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        assert_eq!(server.ttl().unwrap(), 17);

        let v6 = TcpListener::bind("[::1]:0").await.unwrap();
        // Whichever the system's default, it reads back as a flag.
        let _ = v6.only_v6().unwrap();
    });
}

#[test]
fn udp_socket_options_round_trip() {
    groundup::block_on(async {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        for on in [true, false] {
            socket.set_broadcast(on).unwrap();
            assert_eq!(socket.broadcast().unwrap(), on, "SO_BROADCAST");
            socket.set_multicast_loop_v4(on).unwrap();
            assert_eq!(socket.multicast_loop_v4().unwrap(), on, "IP_MULTICAST_LOOP");
        }
        for ttl in [0, 1, 32, 255] {
            socket.set_multicast_ttl_v4(ttl).unwrap();
            assert_eq!(socket.multicast_ttl_v4().unwrap(), ttl, "IP_MULTICAST_TTL");
        }
        for ttl in [1, 128, 255] {
            socket.set_ttl(ttl).unwrap();
            assert_eq!(socket.ttl().unwrap(), ttl, "IP_TTL");
        }
        assert!(socket.take_error().unwrap().is_none());

        let v6 = UdpSocket::bind("[::1]:0").await.unwrap();
        for on in [true, false] {
            v6.set_multicast_loop_v6(on).unwrap();
            assert_eq!(v6.multicast_loop_v6().unwrap(), on, "IPV6_MULTICAST_LOOP");
        }
        for hops in [0, 1, 64, 255] {
            v6.set_multicast_hops_v6(hops).unwrap();
            assert_eq!(v6.multicast_hops_v6().unwrap(), hops, "IPV6_MULTICAST_HOPS");
        }
        let _ = v6.only_v6().unwrap();
    });
}

#[test]
fn udp_addresses_before_and_after_connect() {
    groundup::block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        assert_ne!(a.local_addr().unwrap().port(), 0);
        assert_eq!(a.peer_addr().unwrap_err().kind(), ErrorKind::NotConnected);
        a.connect(b.local_addr().unwrap()).await.unwrap();
        assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    });
}

#[test]
fn an_ipv4_group_is_joined_and_left_once_on_the_loopback_interface() {
    groundup::block_on(async {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        socket.join_multicast_v4(GROUP_V4, Ipv4Addr::LOCALHOST).unwrap();
        // The join happened: a second one is refused as a duplicate.
        assert_eq!(
            socket.join_multicast_v4(GROUP_V4, Ipv4Addr::LOCALHOST).unwrap_err().kind(),
            ErrorKind::AddrInUse
        );
        socket.leave_multicast_v4(GROUP_V4, Ipv4Addr::LOCALHOST).unwrap();
        // The leave happened: a second one finds no membership
        // (`EADDRNOTAVAIL` on Unix; Wine says `WSAEINVAL`).
        let again = socket.leave_multicast_v4(GROUP_V4, Ipv4Addr::LOCALHOST);
        assert!(again.is_err());
        #[cfg(unix)]
        assert_eq!(again.unwrap_err().kind(), ErrorKind::AddrNotAvailable);
        // And a fresh join works again.
        socket.join_multicast_v4(GROUP_V4, Ipv4Addr::LOCALHOST).unwrap();
        socket.leave_multicast_v4(GROUP_V4, Ipv4Addr::LOCALHOST).unwrap();
    });
}

/// Linux's loopback interface always has index 1 (`LOOPBACK_IFINDEX` in
/// the kernel's `include/net/flow.h`), so the IPv6 join below names it
/// without a lookup. Other systems number their interfaces as they are
/// found, so there the test would have to look the index up first; it
/// runs on Linux only rather than risk joining on a real network.
#[cfg(target_os = "linux")]
const LOOPBACK_INDEX: u32 = 1;

#[cfg(target_os = "linux")]
#[test]
fn an_ipv6_group_is_joined_and_left_once_on_the_loopback_interface() {
    groundup::block_on(async {
        let group: std::net::Ipv6Addr = "ff02::1:ff47:1117".parse().unwrap();
        let socket = UdpSocket::bind("[::1]:0").await.unwrap();
        socket.join_multicast_v6(&group, LOOPBACK_INDEX).unwrap();
        assert_eq!(
            socket.join_multicast_v6(&group, LOOPBACK_INDEX).unwrap_err().kind(),
            ErrorKind::AddrInUse
        );
        socket.leave_multicast_v6(&group, LOOPBACK_INDEX).unwrap();
        assert_eq!(
            socket.leave_multicast_v6(&group, LOOPBACK_INDEX).unwrap_err().kind(),
            ErrorKind::AddrNotAvailable
        );
    });
}

#[test]
fn every_type_reports_its_addresses() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback() && addr.port() != 0);
        let client = TcpStream::connect(addr).await.unwrap();
        let (server, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        assert_eq!(server.local_addr().unwrap(), addr);
        assert_eq!(client.peer_addr().unwrap(), addr);

        let (read, write) = client.into_split();
        assert_eq!(read.local_addr().unwrap(), peer);
        assert_eq!(write.local_addr().unwrap(), peer);
        assert_eq!(write.peer_addr().unwrap(), addr);
    });
}
