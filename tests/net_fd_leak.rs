//! No descriptor outlives what opened it, across a sample of the whole
//! suite's operations. Alone in its binary so nothing else opens
//! descriptors while it counts.
#![cfg(unix)]

mod util;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixStream};

#[test]
fn runtimes_sockets_and_failures_leave_no_descriptor_behind() {
    let before = util::open_fds();
    for _ in 0..3 {
        groundup::block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = groundup::spawn(async move {
                for _ in 0..10 {
                    let (mut s, _) = listener.accept().await.unwrap();
                    let mut buf = Vec::new();
                    s.read_to_end(&mut buf).await.unwrap();
                }
            });
            for _ in 0..10 {
                let mut c = TcpStream::connect(addr).await.unwrap();
                c.write_all(b"x").await.unwrap();
            }
            server.await.unwrap();
            // Failures must close what they opened.
            let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
            assert!(TcpStream::connect(closed).await.is_err());
            assert!(TcpStream::connect("not an address").await.is_err());
            let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            udp.send_to(b"y", udp.local_addr().unwrap()).await.unwrap();
            let _pair = UnixStream::pair().unwrap();
            let _dgram = UnixDatagram::pair().unwrap();
            // Pending I/O dropped with the runtime.
            let (a, _b) = UnixStream::pair().unwrap();
            drop(groundup::spawn(async move {
                let mut a = a;
                a.read(&mut [0u8; 1]).await
            }));
            groundup::task::yield_now().await;
        });
    }
    assert_eq!(util::open_fds(), before, "descriptors leaked");
}
