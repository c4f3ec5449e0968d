//! UDP through `groundup::net`.

mod util;

use groundup::net::UdpSocket;

#[test]
fn a_udp_round_trip() {
    groundup::block_on(async {
        let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let server_addr = server.local_addr().unwrap();
        let echo = groundup::spawn(async move {
            let mut buf = [0u8; 1500];
            for _ in 0..100 {
                let (n, from) = server.recv_from(&mut buf).await.unwrap();
                server.send_to(&buf[..n], from).await.unwrap();
            }
        });
        client.connect(server_addr).await.unwrap();
        assert_eq!(client.peer_addr().unwrap(), server_addr);
        for i in 0..100u32 {
            let msg = i.to_be_bytes();
            client.send(&msg).await.unwrap();
            let mut back = [0u8; 16];
            let n = client.recv(&mut back).await.unwrap();
            assert_eq!(&back[..n], &msg);
        }
        echo.await.unwrap();
    });
}

#[test]
fn datagrams_keep_their_boundaries() {
    groundup::block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let to = b.local_addr().unwrap();
        for len in [1usize, 10, 100, 1000] {
            a.send_to(&vec![len as u8; len], to).await.unwrap();
        }
        let mut buf = [0u8; 2048];
        for len in [1usize, 10, 100, 1000] {
            let (n, from) = b.recv_from(&mut buf).await.unwrap();
            assert_eq!((n, from), (len, a.local_addr().unwrap()));
        }
    });
}

#[test]
fn a_datagram_longer_than_the_buffer_is_truncated() {
    // Unix cuts the datagram to the buffer; Winsock fills the buffer and
    // fails with WSAEMSGSIZE, which groundup reports as the Unix result.
    groundup::block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let to = b.local_addr().unwrap();
        a.send_to(&[7u8; 100], to).await.unwrap();
        a.send_to(b"next", to).await.unwrap();
        let mut small = [0u8; 10];
        let (n, from) = b.recv_from(&mut small).await.unwrap();
        assert_eq!((n, from, small), (10, a.local_addr().unwrap(), [7u8; 10]));
        // The rest of the long datagram is gone; the next one is whole.
        let mut buf = [0u8; 16];
        let (n, _) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"next");
    });
}

#[test]
fn a_datagram_to_a_closed_port_does_not_fail_the_next_receive() {
    // The "port unreachable" that comes back must not surface on a socket
    // that serves other peers: Unix never reports it on an unconnected
    // socket, and groundup turns Windows' reporting off (SIO_UDP_CONNRESET).
    groundup::block_on(async {
        let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        server.send_to(b"nobody listens", closed).await.unwrap();
        client.send_to(b"hello", server.local_addr().unwrap()).await.unwrap();
        let mut buf = [0u8; 16];
        let (n, from) = server.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"hello"[..], client.local_addr().unwrap()));
        assert!(server.take_error().unwrap().is_none());
    });
}

/// Two tasks in `recv_from` on one `Rc<UdpSocket>`, two datagrams: each
/// task gets one (issue 13, item 2). With one waker per direction the
/// second task's wait replaced the first's, and the first never woke.
#[test]
fn two_tasks_in_recv_from_on_one_socket_each_get_a_datagram() {
    use std::cell::Cell;
    use std::rc::Rc;

    groundup::block_on(async {
        let socket = Rc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let started = Rc::new(Cell::new(0));
        let receivers: Vec<_> = (0..2)
            .map(|_| {
                let (socket, started) = (Rc::clone(&socket), Rc::clone(&started));
                groundup::spawn(async move {
                    started.set(started.get() + 1);
                    let mut buf = [0u8; 16];
                    socket.recv_from(&mut buf).await.unwrap().0
                })
            })
            .collect();
        // Both tasks run to their first `Pending` (nothing to receive yet).
        while started.get() < 2 {
            groundup::task::yield_now().await;
        }
        groundup::task::yield_now().await;
        let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        for _ in 0..2 {
            sender.send_to(b"hi", socket.local_addr().unwrap()).unwrap();
        }
        let both = async {
            for receiver in receivers {
                assert_eq!(receiver.await.unwrap(), 2);
            }
        };
        groundup::time::timeout(util::PATIENCE, both)
            .await
            .expect("a task in recv_from was never woken");
    });
}
