//! Ten thousand concurrent TCP connections through one echo server, every
//! byte checked. Alone in its binary (it needs most of the descriptors the
//! process may open).

mod util;

use std::cell::Cell;
use std::rc::Rc;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::TcpStream;
use groundup::time;

const WANTED: usize = 10_000;
/// Connects in flight at once: more than the listen backlog (1,024) would
/// make the kernel drop handshakes and the clients wait out SYN retries.
const CONNECTING_AT_ONCE: usize = 512;

#[test]
fn ten_thousand_concurrent_connections_every_byte_checked() {
    // Both ends of every connection live in this process: two descriptors
    // each, plus a margin for the runtime, the listener and the harness.
    #[cfg(unix)]
    let connections = {
        let limit = groundup::raise_fd_limit().unwrap() as usize;
        let allowed = limit.saturating_sub(100) / 2;
        let n = util::stress(WANTED).min(allowed);
        if n < util::stress(WANTED) {
            println!("descriptor limit {limit}: testing {n} connections instead of {WANTED}");
        }
        n
    };
    #[cfg(not(unix))]
    let connections = util::stress(WANTED);
    println!("{connections} concurrent connections");

    groundup::block_on(async move {
        let addr = util::echo_server().await;

        // Phase 1: open every connection (a bounded number connecting at
        // once), keeping them all.
        let in_flight = Rc::new(Cell::new(0usize));
        let mut opening = Vec::with_capacity(connections);
        for _ in 0..connections {
            while in_flight.get() >= CONNECTING_AT_ONCE {
                time::sleep(std::time::Duration::from_millis(1)).await;
            }
            in_flight.set(in_flight.get() + 1);
            let in_flight = Rc::clone(&in_flight);
            opening.push(groundup::spawn(async move {
                let stream = TcpStream::connect(addr).await;
                in_flight.set(in_flight.get() - 1);
                stream
            }));
        }
        let mut streams = Vec::with_capacity(connections);
        for o in opening {
            streams.push(o.await.unwrap().unwrap());
        }
        assert_eq!(streams.len(), connections);

        // Phase 2: every connection talks at once.
        let talks: Vec<_> = streams
            .into_iter()
            .enumerate()
            .map(|(c, mut stream)| {
                groundup::spawn(async move {
                    let sent: Vec<u8> = (0..512 + c % 512).map(|i| (i ^ c) as u8).collect();
                    stream.write_all(&sent).await?;
                    let mut back = vec![0u8; sent.len()];
                    stream.read_exact(&mut back).await?;
                    assert!(back == sent, "connection {c}: echo differs");
                    std::io::Result::Ok(())
                })
            })
            .collect();
        for (c, t) in talks.into_iter().enumerate() {
            t.await.unwrap().unwrap_or_else(|e| panic!("connection {c}: {e}"));
        }
    });
}
