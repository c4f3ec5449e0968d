//! Socket options on the stream and datagram types: each one set and read
//! back, multicast memberships joined and left on the loopback interface
//! (so the membership reports go nowhere; nothing is ever sent to a
//! group), and the addresses and pending errors every type reports. The
//! IP header's type of service and traffic class, and the binding to an
//! interface, are tried on `UdpSocket` and `TcpSocket` alike.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use groundup::net::{TcpListener, TcpSocket, TcpStream, UdpSocket};

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

/// Type-of-service and traffic-class values whose two low (ECN) bits are
/// clear: Linux keeps a TCP socket's ECN bits as the stack sets them,
/// whatever is passed. The last is 0, the default.
const DSCP_BYTES: [u32; 3] = [0x10, 0xb8, 0];

/// An IPv4 TCP socket bound to a loopback port, not yet connected.
fn tcp_socket_v4() -> TcpSocket {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    socket
}

#[test]
fn tos_round_trips_on_udp_and_tcp_sockets() {
    groundup::block_on(async {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let tcp = tcp_socket_v4();
        for tos in DSCP_BYTES {
            udp.set_tos_v4(tos).unwrap();
            assert_eq!(udp.tos_v4().unwrap(), tos, "IP_TOS on a UDP socket");
            tcp.set_tos_v4(tos).unwrap();
            assert_eq!(tcp.tos_v4().unwrap(), tos, "IP_TOS on a TCP socket");
        }
        // The IP header's field is 8 bits: refused before any system call.
        assert_eq!(udp.set_tos_v4(256).unwrap_err().kind(), ErrorKind::InvalidInput);
        assert_eq!(tcp.set_tos_v4(u32::MAX).unwrap_err().kind(), ErrorKind::InvalidInput);
        assert_eq!(udp.tos_v4().unwrap(), 0, "a refused value leaves the option as it was");
    });
}

#[test]
#[allow(deprecated)] // the aliases under test
fn the_deprecated_tos_aliases_are_the_v4_methods() {
    groundup::block_on(async {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        udp.set_tos(0x20).unwrap();
        assert_eq!((udp.tos().unwrap(), udp.tos_v4().unwrap()), (0x20, 0x20));
        let tcp = tcp_socket_v4();
        tcp.set_tos(0x28).unwrap();
        assert_eq!((tcp.tos().unwrap(), tcp.tos_v4().unwrap()), (0x28, 0x28));
    });
}

#[cfg(groundup_tclass)]
#[test]
fn tclass_round_trips_on_ipv6_udp_and_tcp_sockets() {
    groundup::block_on(async {
        let udp = match UdpSocket::bind("[::1]:0").await {
            Ok(udp) => udp,
            Err(e) => return eprintln!("skipped: cannot bind [::1] here ({e})"),
        };
        let tcp = TcpSocket::new_v6().unwrap();
        tcp.bind("[::1]:0".parse().unwrap()).unwrap();
        for tclass in DSCP_BYTES {
            udp.set_tclass_v6(tclass).unwrap();
            assert_eq!(udp.tclass_v6().unwrap(), tclass, "IPV6_TCLASS on a UDP socket");
            tcp.set_tclass_v6(tclass).unwrap();
            assert_eq!(tcp.tclass_v6().unwrap(), tclass, "IPV6_TCLASS on a TCP socket");
        }
        assert_eq!(udp.set_tclass_v6(256).unwrap_err().kind(), ErrorKind::InvalidInput);
        assert_eq!(tcp.set_tclass_v6(u32::MAX).unwrap_err().kind(), ErrorKind::InvalidInput);
    });
}

#[cfg(groundup_tclass)]
#[test]
fn tclass_is_an_error_on_an_ipv4_socket() {
    groundup::block_on(async {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        assert!(udp.tclass_v6().is_err(), "IPV6_TCLASS on an IPv4 socket");
    });
}

/// Binds `set` to the loopback interface and back, then checks what `get`
/// reports. Binding needs no privilege since Linux 5.7 but unbinding does
/// (`CAP_NET_RAW`), and before 5.7 both did: a `PermissionDenied` skips the
/// rest with a message instead of failing.
#[cfg(groundup_bindtodevice)]
fn bind_to_loopback_and_back(
    what: &str,
    set: impl Fn(Option<&[u8]>) -> std::io::Result<()>,
    get: impl Fn() -> std::io::Result<Option<Vec<u8>>>,
) {
    assert_eq!(get().unwrap(), None, "{what}: a fresh socket is bound to no interface");
    let skip = |e: std::io::Error, step: &str| {
        assert_eq!(e.kind(), ErrorKind::PermissionDenied, "{what}: {step}: {e}");
        eprintln!("skipped on {what}: {step} needs CAP_NET_RAW here ({e})");
    };
    if let Err(e) = set(Some(b"lo")) {
        return skip(e, "binding to lo");
    }
    assert_eq!(get().unwrap(), Some(b"lo".to_vec()), "{what}: bound to lo");
    if let Err(e) = set(None) {
        return skip(e, "removing the binding");
    }
    assert_eq!(get().unwrap(), None, "{what}: the binding is removed");
}

#[cfg(groundup_bindtodevice)]
#[test]
fn bind_device_binds_to_loopback_and_none_clears_it() {
    if std::env::var_os("GROUNDUP_TEST_EMULATOR").is_some() {
        // qemu-user does not translate getsockopt(SO_BINDTODEVICE): seen on
        // aarch64, EINVAL after a bind and a garbage byte on a fresh TCP
        // socket. The option is the kernel's; it is checked natively.
        eprintln!("under qemu-user SO_BINDTODEVICE cannot be read back: skipped");
        return;
    }
    groundup::block_on(async {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        bind_to_loopback_and_back("UdpSocket", |i| udp.bind_device(i), || udp.device());
        let tcp = tcp_socket_v4();
        bind_to_loopback_and_back("TcpSocket", |i| tcp.bind_device(i), || tcp.device());
    });
}

#[cfg(groundup_bindtodevice)]
#[test]
fn bind_device_refuses_names_that_do_not_fit_ifnamsiz() {
    groundup::block_on(async {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        // 16 bytes: IFNAMSIZ, with no room for the NUL. Linux would cut it
        // to 15 and bind to an interface of that name, if there were one.
        let long = b"a-name-too-long!";
        assert_eq!(udp.bind_device(Some(long)).unwrap_err().kind(), ErrorKind::InvalidInput);
        let inner_nul = b"lo\0x";
        assert_eq!(udp.bind_device(Some(inner_nul)).unwrap_err().kind(), ErrorKind::InvalidInput);
        assert_eq!(udp.device().unwrap(), None, "nothing reached the kernel");
        // An unknown name of a fitting length is the kernel's to refuse,
        // with ENODEV (19 on every architecture: asm-generic/errno-base.h),
        // which std files under `Uncategorized`.
        let err = udp.bind_device(Some(b"no-such-if0")).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(19), "ENODEV: {err}");
    });
}
