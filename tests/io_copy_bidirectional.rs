//! `copy_bidirectional` as the heart of a TCP proxy: both directions at
//! once, and a half-close on one side passed on to the other while the
//! other direction goes on.

use std::net::SocketAddr;

use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream};

/// A proxy for one connection to `upstream`; the spawned task returns what
/// `copy_bidirectional` returned.
async fn start_proxy(
    upstream: SocketAddr,
) -> (SocketAddr, groundup::task::JoinHandle<std::io::Result<(u64, u64)>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let proxy = groundup::spawn(async move {
        let (mut client, _) = listener.accept().await?;
        let mut server = TcpStream::connect(upstream).await?;
        io::copy_bidirectional(&mut client, &mut server).await
    });
    (addr, proxy)
}

/// The half-closing request/response pattern: the client sends its whole
/// request and shuts down writing; the server reads to end of file, which
/// it only sees if the proxy passed the FIN on, then answers and closes.
#[test]
fn a_half_close_passes_through_the_proxy_and_the_answer_comes_back() {
    groundup::block_on(async {
        let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let upstream_addr = upstream.local_addr().unwrap();
        let server = groundup::spawn(async move {
            let (mut stream, _) = upstream.accept().await?;
            let mut request = Vec::new();
            stream.read_to_end(&mut request).await?; // needs the client's FIN
            let answer = format!("got {} bytes", request.len());
            stream.write_all(answer.as_bytes()).await?;
            stream.shutdown().await?;
            io::Result::Ok(request)
        });
        let (proxy_addr, proxy) = start_proxy(upstream_addr).await;

        let mut client = TcpStream::connect(proxy_addr).await.unwrap();
        client.write_all(b"the whole request").await.unwrap();
        client.shutdown().await.unwrap();
        let mut answer = String::new();
        client.read_to_string(&mut answer).await.unwrap();

        assert_eq!(answer, "got 17 bytes");
        assert_eq!(server.await.unwrap().unwrap(), b"the whole request");
        assert_eq!(proxy.await.unwrap().unwrap(), (17, 12), "(client to server, back)");
    });
}

/// An echo server behind the proxy, and a client that streams a large
/// message while reading the echo: both directions run at once (neither
/// could finish alone, the socket buffers being smaller than the message),
/// then the client's half-close ends the echo, and the server's close ends
/// the rest.
#[test]
fn both_directions_run_at_once_through_the_proxy() {
    let size: usize = 1 << 20;
    groundup::block_on(async move {
        let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let upstream_addr = upstream.local_addr().unwrap();
        groundup::spawn(async move {
            let (stream, _) = upstream.accept().await?;
            let (mut reader, mut writer) = stream.into_split();
            io::copy(&mut reader, &mut writer).await?;
            writer.shutdown().await
        });
        let (proxy_addr, proxy) = start_proxy(upstream_addr).await;

        let client = TcpStream::connect(proxy_addr).await.unwrap();
        let (mut reader, mut writer) = client.into_split();
        let message: Vec<u8> = (0..size).map(|i| (i % 253) as u8).collect();
        let expected = message.clone();
        let sending = groundup::spawn(async move {
            writer.write_all(&message).await?;
            writer.shutdown().await
        });
        let mut echoed = Vec::new();
        reader.read_to_end(&mut echoed).await.unwrap();
        sending.await.unwrap().unwrap();
        assert!(echoed == expected, "the echo came back whole and in order");
        assert_eq!(proxy.await.unwrap().unwrap(), (size as u64, size as u64));
    });
}

/// When the server closes first, the proxy passes that on and keeps the
/// client's direction open until the client closes too.
#[test]
fn the_server_closing_first_leaves_the_client_direction_open() {
    groundup::block_on(async {
        let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let upstream_addr = upstream.local_addr().unwrap();
        let server = groundup::spawn(async move {
            let (stream, _) = upstream.accept().await?;
            let (mut reader, mut writer) = stream.into_split();
            writer.write_all(b"banner").await?;
            writer.shutdown().await?; // done talking, still listening
            let mut heard = Vec::new();
            reader.read_to_end(&mut heard).await?;
            io::Result::Ok(heard)
        });
        let (proxy_addr, proxy) = start_proxy(upstream_addr).await;

        let mut client = TcpStream::connect(proxy_addr).await.unwrap();
        let mut banner = Vec::new();
        client.read_to_end(&mut banner).await.unwrap(); // the server's FIN, passed on
        assert_eq!(banner, b"banner");
        client.write_all(b"still heard").await.unwrap();
        client.shutdown().await.unwrap();

        assert_eq!(server.await.unwrap().unwrap(), b"still heard");
        assert_eq!(proxy.await.unwrap().unwrap(), (11, 6));
    });
}
