//! UDP through `groundup::net`.

mod util;

use std::cell::Cell;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::Poll;

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

// The `poll_*` methods, each driven through `poll_fn` as a caller of the
// poll API would, on both loopbacks.

/// Two sockets on `ip`'s loopback, connected to each other.
async fn connected_pair(ip: &str) -> (UdpSocket, UdpSocket) {
    let a = UdpSocket::bind(format!("{ip}:0")).await.unwrap();
    let b = UdpSocket::bind(format!("{ip}:0")).await.unwrap();
    a.connect(b.local_addr().unwrap()).await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    (a, b)
}

const LOOPBACKS: [&str; 2] = ["127.0.0.1", "[::1]"];

#[test]
fn poll_send_and_poll_recv_carry_a_datagram_each_way() {
    groundup::block_on(async {
        for ip in LOOPBACKS {
            let (a, b) = connected_pair(ip).await;
            assert_eq!(poll_fn(|cx| a.poll_send(cx, b"ping")).await.unwrap(), 4);
            let mut buf = [0u8; 16];
            let n = poll_fn(|cx| b.poll_recv(cx, &mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"ping", "on {ip}");
            assert_eq!(poll_fn(|cx| b.poll_send(cx, b"pong!")).await.unwrap(), 5);
            let n = poll_fn(|cx| a.poll_recv(cx, &mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"pong!", "on {ip}");
        }
    });
}

/// `poll_recv` with nothing queued is `Pending`; the send that follows
/// wakes the polling task, whose next poll gets the datagram.
#[test]
fn poll_recv_is_pending_until_a_send_wakes_it() {
    groundup::block_on(async {
        let (a, b) = connected_pair("127.0.0.1").await;
        util::assert_poll_recv_waits_for_a_send(
            move |cx, buf| b.poll_recv(cx, buf),
            a.send(b"late"),
        )
        .await;
    });
}

#[test]
fn poll_send_to_reaches_the_target_with_the_senders_address() {
    groundup::block_on(async {
        for ip in LOOPBACKS {
            let a = UdpSocket::bind(format!("{ip}:0")).await.unwrap();
            let b = UdpSocket::bind(format!("{ip}:0")).await.unwrap();
            let to = b.local_addr().unwrap();
            assert_eq!(poll_fn(|cx| a.poll_send_to(cx, b"addressed", to)).await.unwrap(), 9);
            let mut buf = [0u8; 16];
            let (n, from) = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await.unwrap();
            assert_eq!((&buf[..n], from), (&b"addressed"[..], a.local_addr().unwrap()));
        }
    });
}

/// `peek`, `poll_peek` and `try_peek` all see the connected peer's next
/// datagram and leave it: the `recv` after them returns the same one.
#[test]
fn peek_then_recv_return_the_same_datagram() {
    groundup::block_on(async {
        for ip in LOOPBACKS {
            let (a, b) = connected_pair(ip).await;
            a.send(b"first").await.unwrap();
            let mut buf = [0u8; 16];
            let n = b.peek(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"first", "peek on {ip}");
            let n = poll_fn(|cx| b.poll_peek(cx, &mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"first", "poll_peek on {ip}");
            // The peeks ran on the same readiness, so it is still there.
            let n = b.try_peek(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"first", "try_peek on {ip}");
            let mut got = [0u8; 16];
            let n = poll_fn(|cx| b.poll_recv(cx, &mut got)).await.unwrap();
            assert_eq!(&got[..n], b"first", "recv after the peeks on {ip}");
            // Taken now: nothing left to peek.
            let err = b.try_peek(&mut buf).unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
        }
    });
}

/// A peek into a short buffer is cut like a receive, and still leaves the
/// whole datagram queued.
#[test]
fn a_short_peek_is_truncated_and_the_datagram_stays_whole() {
    groundup::block_on(async {
        let (a, b) = connected_pair("127.0.0.1").await;
        a.send(b"a longer datagram").await.unwrap();
        let mut short = [0u8; 4];
        assert_eq!(poll_fn(|cx| b.poll_peek(cx, &mut short)).await.unwrap(), 4);
        assert_eq!(&short, b"a lo");
        let mut buf = [0u8; 32];
        let n = b.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"a longer datagram");
    });
}

/// The sender-peek family names the sender of the next datagram without
/// taking it. The datagram is longer than anything the peek reads (on
/// Windows the zero-length peek fails with `WSAEMSGSIZE`, which must read
/// as success), and the `recv_from` after gets it whole.
#[test]
fn peek_sender_names_the_sender_and_leaves_the_datagram() {
    groundup::block_on(async {
        for ip in LOOPBACKS {
            let a = UdpSocket::bind(format!("{ip}:0")).await.unwrap();
            let b = UdpSocket::bind(format!("{ip}:0")).await.unwrap();
            let sender = a.local_addr().unwrap();
            a.send_to(&[9u8; 100], b.local_addr().unwrap()).await.unwrap();
            assert_eq!(b.peek_sender().await.unwrap(), sender, "peek_sender on {ip}");
            let from = poll_fn(|cx| b.poll_peek_sender(cx)).await.unwrap();
            assert_eq!(from, sender, "poll_peek_sender on {ip}");
            assert_eq!(b.try_peek_sender().unwrap(), sender, "try_peek_sender on {ip}");
            let mut buf = [0u8; 128];
            let (n, from) = b.recv_from(&mut buf).await.unwrap();
            assert_eq!((n, from), (100, sender), "recv_from after the peeks on {ip}");
            assert_eq!(b.try_peek_sender().unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
        }
    });
}

/// `poll_peek_sender` with nothing queued is `Pending` until a datagram
/// arrives, then names its sender.
#[test]
fn poll_peek_sender_is_pending_until_a_datagram_arrives() {
    groundup::block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = Rc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let pendings = Rc::new(Cell::new(0));
        let peeker = groundup::spawn({
            let (b, pendings) = (Rc::clone(&b), Rc::clone(&pendings));
            async move {
                poll_fn(|cx| match b.poll_peek_sender(cx) {
                    Poll::Pending => {
                        pendings.set(pendings.get() + 1);
                        Poll::Pending
                    }
                    ready => ready,
                })
                .await
                .unwrap()
            }
        });
        while pendings.get() == 0 {
            groundup::task::yield_now().await;
        }
        a.send_to(b"here", b.local_addr().unwrap()).await.unwrap();
        let from = groundup::time::timeout(util::PATIENCE, peeker)
            .await
            .expect("the datagram did not wake the task in poll_peek_sender")
            .unwrap();
        assert_eq!(from, a.local_addr().unwrap());
        let mut buf = [0u8; 8];
        assert_eq!(b.recv_from(&mut buf).await.unwrap(), (4, a.local_addr().unwrap()));
    });
}
