//! TCP through `groundup::net`: echo at scale, big transfers, half-close,
//! refused and reset connections, cancellation.

mod util;

use std::cell::Cell;
use std::io::ErrorKind;
use std::rc::Rc;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::tcp::ReuniteError;
use groundup::net::{TcpListener, TcpStream};
use groundup::task;

use util::echo_server;

/// A deterministic pattern, different per client, so misrouted bytes show.
fn pattern(client: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (i.wrapping_mul(31) ^ client.wrapping_mul(7)) as u8).collect()
}

#[test]
fn a_thousand_concurrent_echo_connections_every_byte_checked() {
    #[cfg(unix)]
    groundup::raise_fd_limit().unwrap();
    groundup::block_on(async {
        let addr = echo_server().await;
        let clients: Vec<_> = (0..1_000)
            .map(|c| {
                groundup::spawn(async move {
                    let mut stream = TcpStream::connect(addr).await?;
                    let sent = pattern(c, 4096 + c);
                    let (mut r, mut w) = stream.split();
                    let writer = async {
                        w.write_all(&sent).await?;
                        w.shutdown().await
                    };
                    let mut got = Vec::new();
                    let reader = r.read_to_end(&mut got);
                    let (wrote, read) = join(writer, reader).await;
                    wrote?;
                    read?;
                    assert!(got == sent, "client {c}: echo differs");
                    std::io::Result::Ok(())
                })
            })
            .collect();
        for (c, h) in clients.into_iter().enumerate() {
            h.await.unwrap().unwrap_or_else(|e| panic!("client {c}: {e}"));
        }
    });
}

/// Polls two futures to completion together (no dependency for `join`).
async fn join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    let (mut a, mut b) = (Box::pin(a), Box::pin(b));
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(|cx| {
        if ra.is_none() {
            if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        if ra.is_some() && rb.is_some() {
            std::task::Poll::Ready((ra.take().unwrap(), rb.take().unwrap()))
        } else {
            std::task::Poll::Pending
        }
    })
    .await
}

#[test]
fn sixty_four_mebibytes_each_way_on_one_connection() {
    const TOTAL: usize = 64 << 20;
    groundup::block_on(async {
        let addr = echo_server().await;
        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut r, mut w) = stream.into_split();
        let writer = groundup::spawn(async move {
            let chunk = pattern(1, 1 << 16);
            for _ in 0..TOTAL / chunk.len() {
                w.write_all(&chunk).await?;
            }
            w.shutdown().await
        });
        let expected = pattern(1, 1 << 16);
        let mut buf = vec![0u8; 1 << 16];
        let mut received = 0usize;
        loop {
            let n = r.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            for (i, &b) in buf[..n].iter().enumerate() {
                assert_eq!(b, expected[(received + i) % expected.len()], "byte {}", received + i);
            }
            received += n;
        }
        writer.await.unwrap().unwrap();
        assert_eq!(received, TOTAL);
    });
}

#[test]
fn half_close_shutdown_write_then_keep_reading() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = groundup::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            s.read_to_end(&mut request).await.unwrap(); // ends at the client's FIN
            s.write_all(b"response after your FIN").await.unwrap();
            request
        });
        let mut client = TcpStream::connect(addr).await.unwrap();
        client.write_all(b"request").await.unwrap();
        client.shutdown().await.unwrap();
        let mut response = Vec::new();
        client.read_to_end(&mut response).await.unwrap();
        assert_eq!(response, b"response after your FIN");
        assert_eq!(server.await.unwrap(), b"request");
    });
}

#[test]
fn connecting_to_a_closed_port_is_connection_refused() {
    groundup::block_on(async {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let err = TcpStream::connect(("127.0.0.1", port)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    });
}

#[test]
fn a_reset_by_the_peer_mid_transfer_is_a_clear_error() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        // Unread data at close makes the kernel reset the connection
        // (RFC 2525 section 2.17) instead of closing it gracefully.
        client.write_all(b"never read").await.unwrap();
        task::yield_now().await;
        drop(server);
        let chunk = vec![0u8; 64 * 1024];
        let err = loop {
            match client.write_all(&chunk).await {
                Ok(()) => task::yield_now().await,
                Err(e) => break e,
            }
        };
        assert!(
            matches!(
                err.kind(),
                ErrorKind::ConnectionReset | ErrorKind::BrokenPipe | ErrorKind::ConnectionAborted
            ),
            "{err:?}"
        );
    });
}

#[test]
fn dropping_a_stream_while_a_read_is_pending() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let dropped = Rc::new(Cell::new(false));
        let reader = {
            let dropped = Rc::clone(&dropped);
            groundup::spawn(async move {
                struct Flag(Rc<Cell<bool>>);
                impl Drop for Flag {
                    fn drop(&mut self) {
                        self.0.set(true);
                    }
                }
                let _flag = Flag(dropped);
                let mut server = server;
                let mut buf = [0u8; 8];
                server.read(&mut buf).await
            })
        };
        task::yield_now().await; // the read is now pending
        reader.abort();
        assert!(reader.await.unwrap_err().is_cancelled());
        assert!(dropped.get());
        // The client sees the server's socket closed.
        let mut client = client;
        let mut buf = [0u8; 8];
        assert_eq!(client.read(&mut buf).await.unwrap(), 0);
    });
}

#[test]
fn an_accept_loop_serves_many_clients() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = groundup::spawn(async move {
            let mut peers = Vec::new();
            for _ in 0..200 {
                let (mut s, peer) = listener.accept().await.unwrap();
                s.write_all(peer.port().to_string().as_bytes()).await.unwrap();
                peers.push(peer);
            }
            peers
        });
        let clients: Vec<_> = (0..200)
            .map(|_| {
                groundup::spawn(async move {
                    let mut s = TcpStream::connect(addr).await.unwrap();
                    let mut port = String::new();
                    let mut buf = Vec::new();
                    s.read_to_end(&mut buf).await.unwrap();
                    port.push_str(std::str::from_utf8(&buf).unwrap());
                    assert_eq!(port, s.local_addr().unwrap().port().to_string());
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        assert_eq!(acceptor.await.unwrap().len(), 200);
    });
}

#[test]
fn binding_an_address_in_use_is_addr_in_use() {
    groundup::block_on(async {
        let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let err = TcpListener::bind(first.local_addr().unwrap()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
    });
}

#[test]
fn host_names_resolve_off_thread() {
    groundup::block_on(async {
        let listener = TcpListener::bind("localhost:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accept = groundup::spawn(async move { listener.accept().await.map(drop) });
        let stream = TcpStream::connect(("localhost", port)).await.unwrap();
        assert!(stream.peer_addr().unwrap().ip().is_loopback());
        accept.await.unwrap().unwrap();
    });
}

#[test]
fn bad_addresses_are_invalid_input() {
    groundup::block_on(async {
        for bad in ["no port here", "127.0.0.1:notaport", ""] {
            let err = TcpStream::connect(bad).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad:?}: {err}");
        }
    });
}

#[test]
fn nodelay_and_addresses() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = TcpStream::connect(addr).await.unwrap();
        let (server, peer) = listener.accept().await.unwrap();
        assert_eq!(client.peer_addr().unwrap(), addr);
        assert_eq!(server.peer_addr().unwrap(), peer);
        assert_eq!(client.local_addr().unwrap(), peer);
        client.set_nodelay(true).unwrap();
        assert!(client.nodelay().unwrap());
        client.set_nodelay(false).unwrap();
        assert!(!client.nodelay().unwrap());
    });
}

#[test]
fn owned_halves_reunite_only_with_their_twin() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let a = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (b, _) = listener.accept().await.unwrap();
        let (ra, wa) = a.into_split();
        let (rb, wb) = b.into_split();
        let ReuniteError(rb, wa) = rb.reunite(wa).unwrap_err(); // halves of different streams
        let mut a = ra.reunite(wa).unwrap();
        let mut b = rb.reunite(wb).unwrap();
        a.write_all(b"whole again").await.unwrap();
        let mut buf = [0u8; 11];
        b.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"whole again");
    });
}

/// Two tasks in `accept` on one `Rc<TcpListener>`, two clients: each task
/// gets a connection (issue 13, item 2). With one waker per direction the
/// second task's wait replaced the first's, and the first never woke.
#[test]
fn two_tasks_in_accept_on_one_listener_each_get_a_connection() {
    groundup::block_on(async {
        let listener = Rc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
        let started = Rc::new(Cell::new(0));
        let acceptors: Vec<_> = (0..2)
            .map(|_| {
                let (listener, started) = (Rc::clone(&listener), Rc::clone(&started));
                groundup::spawn(async move {
                    started.set(started.get() + 1);
                    listener.accept().await.map(drop)
                })
            })
            .collect();
        // Both tasks run to their first `Pending` (nobody connected yet).
        while started.get() < 2 {
            task::yield_now().await;
        }
        task::yield_now().await;
        let addr = listener.local_addr().unwrap();
        // Blocking connects complete in the backlog, before any accept.
        let clients: Vec<_> = (0..2).map(|_| std::net::TcpStream::connect(addr).unwrap()).collect();
        let both = async {
            for acceptor in acceptors {
                acceptor.await.unwrap().unwrap();
            }
        };
        groundup::time::timeout(util::PATIENCE, both)
            .await
            .expect("a task in accept was never woken");
        drop(clients);
    });
}
