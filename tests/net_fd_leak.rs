//! No descriptor outlives what opened it, across a sample of the whole
//! suite's operations. Alone in its binary so nothing else opens
//! descriptors while it counts.
//!
//! On Windows, where Wine cannot count a process's handles (see
//! `util::open_handles`), the count is of what groundup itself opened: every
//! socket it created (`WSASocketW`) or accepted is closed (`closesocket`),
//! and every port and AFD helper handle too.

mod util;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream, UdpSocket};

const ROUNDS: u64 = 3;
const CLIENTS: u64 = 10;
/// Connections each round accepts: the clients, and one for a pending read.
const ACCEPTED: u64 = CLIENTS + 1;

/// One runtime's worth of sockets: connections served, failures, pending
/// I/O dropped with the runtime.
fn one_round() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = groundup::spawn(async move {
            for _ in 0..CLIENTS {
                let (mut s, _) = listener.accept().await.unwrap();
                let mut buf = Vec::new();
                s.read_to_end(&mut buf).await.unwrap();
            }
            listener
        });
        for _ in 0..CLIENTS {
            let mut c = TcpStream::connect(addr).await.unwrap();
            c.write_all(b"x").await.unwrap();
        }
        let listener = server.await.unwrap();
        // Failures must close what they opened.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        assert!(TcpStream::connect(closed).await.is_err());
        assert!(TcpStream::connect("not an address").await.is_err());
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        udp.send_to(b"y", udp.local_addr().unwrap()).await.unwrap();
        // Pending I/O dropped with the runtime.
        let client = TcpStream::connect(addr).await.unwrap();
        let (_server_end, _) = listener.accept().await.unwrap();
        drop(groundup::spawn(async move {
            let mut client = client;
            client.read(&mut [0u8; 1]).await
        }));
        #[cfg(unix)]
        unix_sockets().await;
        groundup::task::yield_now().await;
    });
}

/// Unix-domain pairs, one with a read pending when the runtime goes.
#[cfg(unix)]
async fn unix_sockets() {
    use groundup::net::{UnixDatagram, UnixStream};
    let _pair = UnixStream::pair().unwrap();
    let _dgram = UnixDatagram::pair().unwrap();
    let (a, _b) = UnixStream::pair().unwrap();
    drop(groundup::spawn(async move {
        let mut a = a;
        a.read(&mut [0u8; 1]).await
    }));
}

#[test]
fn runtimes_sockets_and_failures_leave_no_descriptor_behind() {
    let handles = util::open_handles();
    let calls = groundup::stats::syscalls();
    for _ in 0..ROUNDS {
        one_round();
    }
    assert_eq!(util::open_handles(), handles, "descriptors or handles leaked");
    if cfg!(windows) {
        let made = groundup::stats::syscalls().since(&calls);
        let opened = made.get("WSASocketW") + ROUNDS * ACCEPTED;
        assert!(made.get("WSASocketW") > 0, "the count must see sockets: {made:?}");
        assert_eq!(made.get("closesocket"), opened, "sockets leaked: {made:?}");
    }
}
