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
