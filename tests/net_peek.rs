//! Peeking: `TcpStream::peek` and `UnixStream::peek` (and their halves'),
//! `UdpSocket::peek_from`. A peek copies what is waiting without consuming
//! it, waits like a read when nothing is, and leaves every byte to the
//! reads that follow.

use std::future::poll_fn;
use std::task::Poll;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream, UdpSocket};

async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

#[test]
fn peek_consumes_nothing() {
    groundup::block_on(async {
        let (mut client, mut server) = pair().await;
        server.write_all(b"hello world").await.unwrap();
        server.shutdown().await.unwrap();

        let mut five = [0u8; 5];
        assert_eq!(client.peek(&mut five).await.unwrap(), 5);
        assert_eq!(&five, b"hello");
        // Again, and with more room: the same bytes, from the start.
        let mut more = [0u8; 64];
        let n = client.peek(&mut more).await.unwrap();
        assert!(n >= 5 && more.starts_with(b"hello"), "peeked {:?}", &more[..n]);
        // Every byte is still there for the reads.
        let mut all = Vec::new();
        client.read_to_end(&mut all).await.unwrap();
        assert_eq!(all, b"hello world");
        // At end of file a peek says 0, as a read does.
        assert_eq!(client.peek(&mut more).await.unwrap(), 0);
    });
}

#[test]
fn peek_waits_for_data_like_a_read() {
    groundup::block_on(async {
        let (client, mut server) = pair().await;
        let peeker = groundup::spawn(async move {
            let mut buf = [0u8; 4];
            let n = client.peek(&mut buf).await.unwrap();
            (buf, n, client)
        });
        for _ in 0..3 {
            groundup::task::yield_now().await;
        }
        assert!(!peeker.is_finished(), "a peek with nothing to peek waits");
        server.write_all(b"late").await.unwrap();
        let (buf, n, mut client) = peeker.await.unwrap();
        assert_eq!(&buf[..n], &b"late"[..n]);
        let mut read = [0u8; 4];
        client.read_exact(&mut read).await.unwrap();
        assert_eq!(&read, b"late");
    });
}

#[test]
fn poll_peek_into_an_empty_buffer_is_ready_at_once() {
    groundup::block_on(async {
        let (client, _server) = pair().await;
        // Nothing was sent: a peek with room would wait. With no room it
        // returns 0 at once, as a read into an empty buffer does.
        let got = poll_fn(|cx| Poll::Ready(client.poll_peek(cx, &mut []))).await;
        assert!(matches!(got, Poll::Ready(Ok(0))), "{got:?}");
    });
}

#[test]
fn the_read_halves_peek_too() {
    groundup::block_on(async {
        let (mut client, mut server) = pair().await;
        server.write_all(b"abc").await.unwrap();
        {
            let (mut read, _write) = client.split();
            let mut buf = [0u8; 3];
            assert_eq!(read.peek(&mut buf).await.unwrap(), 3);
            assert_eq!(&buf, b"abc");
        }
        let (mut read, _write) = client.into_split();
        let mut buf = [0u8; 3];
        let n = poll_fn(|cx| read.poll_peek(cx, &mut buf)).await.unwrap();
        assert_eq!(&buf[..n], &b"abc"[..n]);
        read.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"abc");
    });
}

#[test]
fn peek_from_leaves_the_datagram_for_recv_from() {
    groundup::block_on(async {
        let receiver = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        sender.send_to(b"datagram", receiver.local_addr().unwrap()).await.unwrap();

        // A short buffer gets the start, and the datagram stays whole.
        let mut short = [0u8; 4];
        let (n, from) = receiver.peek_from(&mut short).await.unwrap();
        assert_eq!((&short[..n], from), (&b"data"[..], sender.local_addr().unwrap()));
        let mut buf = [0u8; 16];
        let (n, from) = poll_fn(|cx| receiver.poll_peek_from(cx, &mut buf)).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"datagram"[..], sender.local_addr().unwrap()));
        let (n, from) = receiver.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"datagram"[..], sender.local_addr().unwrap()));

        // Consumed by the receive: the next peek waits for the next one.
        sender.send_to(b"second", receiver.local_addr().unwrap()).await.unwrap();
        let (n, _) = receiver.peek_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"second");
    });
}

/// `UnixStream::peek` (and its halves'), the same contract as TCP's.
#[cfg(unix)]
mod unix {
    use super::*;
    use groundup::net::UnixStream;

    #[test]
    fn a_unix_stream_peek_consumes_nothing() {
        groundup::block_on(async {
            let (mut a, mut b) = UnixStream::pair().unwrap();
            b.write_all(b"hello world").await.unwrap();
            b.shutdown().await.unwrap();
            let mut five = [0u8; 5];
            assert_eq!(a.peek(&mut five).await.unwrap(), 5);
            assert_eq!(&five, b"hello");
            assert_eq!(a.peek(&mut five).await.unwrap(), 5, "the same bytes again");
            let mut all = Vec::new();
            a.read_to_end(&mut all).await.unwrap();
            assert_eq!(all, b"hello world");
            assert_eq!(a.peek(&mut five).await.unwrap(), 0, "end of file");
        });
    }

    #[test]
    fn a_unix_stream_peek_waits_for_data_like_a_read() {
        groundup::block_on(async {
            let (a, mut b) = UnixStream::pair().unwrap();
            let peeker = groundup::spawn(async move {
                let mut buf = [0u8; 4];
                let n = a.peek(&mut buf).await.unwrap();
                (buf, n, a)
            });
            for _ in 0..3 {
                groundup::task::yield_now().await;
            }
            assert!(!peeker.is_finished(), "a peek with nothing to peek waits");
            b.write_all(b"late").await.unwrap();
            let (buf, n, mut a) = peeker.await.unwrap();
            assert_eq!(&buf[..n], &b"late"[..n]);
            let mut read = [0u8; 4];
            a.read_exact(&mut read).await.unwrap();
            assert_eq!(&read, b"late");
            // No room: 0 at once, nothing waited for.
            let got = poll_fn(|cx| Poll::Ready(a.poll_peek(cx, &mut []))).await;
            assert!(matches!(got, Poll::Ready(Ok(0))), "{got:?}");
        });
    }

    #[test]
    fn the_unix_read_halves_peek_too() {
        groundup::block_on(async {
            let (mut a, mut b) = UnixStream::pair().unwrap();
            b.write_all(b"abc").await.unwrap();
            {
                let (mut read, _write) = a.split();
                let mut buf = [0u8; 3];
                assert_eq!(read.peek(&mut buf).await.unwrap(), 3);
                assert_eq!(&buf, b"abc");
            }
            let (mut read, _write) = a.into_split();
            let mut buf = [0u8; 3];
            let n = poll_fn(|cx| read.poll_peek(cx, &mut buf)).await.unwrap();
            assert_eq!(&buf[..n], &b"abc"[..n]);
            read.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"abc");
        });
    }
}
