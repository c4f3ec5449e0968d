//! Paused time and I/O: the clock jumps only when nothing can run, and I/O
//! that is ready in the kernel counts as something to run.
//!
//! groundup's `Poll` lives on the reactor thread, so the executor going
//! idle does not mean the kernel has nothing to report: the reactor may not
//! have returned from `epoll_wait` yet. Before each auto-advance the
//! executor has the reactor poll the kernel once more without blocking (as
//! tokio's driver does on its own thread); these tests fail if the clock
//! may jump first.

mod util;

use std::io::{Read, Write};

use groundup::io::Async;
use groundup::time::{self, Duration, Instant};

/// Bytes already sent by the peer when the read starts: the timeout of an
/// hour must not fire first, however often the race is tried.
#[groundup::test(start_paused = true)]
async fn ready_io_beats_an_auto_advanced_timeout() {
    for round in 0..util::scaled(300) {
        let (mut peer, ours) = util::tcp_pair();
        peer.write_all(b"x").unwrap(); // in the kernel before groundup sees the socket
        let ours = Async::new(ours).unwrap();
        let start = Instant::now();
        let mut byte = [0u8; 1];
        let read =
            time::timeout(Duration::from_secs(3_600), ours.read_with(|s| (&*s).read(&mut byte)));
        let read = read.await;
        assert!(
            matches!(read, Ok(Ok(1))),
            "round {round}: the clock jumped past ready I/O: {read:?}"
        );
        assert_eq!(Instant::now(), start, "round {round}: the clock moved");
    }
}

/// A reply that needs a round trip through the kernel (one task writes,
/// another reads the other end) is served before a sleeping task's timer,
/// on every round.
#[groundup::test(start_paused = true)]
async fn a_loopback_conversation_finishes_before_the_clock_moves() {
    let (a, b) = util::tcp_pair();
    let (a, b) = (Async::new(a).unwrap(), Async::new(b).unwrap());
    let start = Instant::now();
    let sleeper = groundup::spawn(async move {
        time::sleep(Duration::from_secs(1)).await;
        Instant::now()
    });
    for round in 0..util::scaled(300) {
        a.write_with(|s| (&*s).write(&[7])).await.unwrap();
        let mut byte = [0u8; 1];
        let read =
            time::timeout(Duration::from_millis(500), b.read_with(|s| (&*s).read(&mut byte)));
        assert!(matches!(read.await, Ok(Ok(1))), "round {round}: timed out with the byte sent");
    }
    assert_eq!(Instant::now(), start, "the conversation never let the clock move");
    assert_eq!(sleeper.await.unwrap() - start, Duration::from_secs(1));
}

/// No ready I/O: a read that waits for a peer that never writes times out
/// at once by the paused clock (the flush finds nothing, the clock jumps).
#[groundup::test(start_paused = true)]
async fn a_silent_socket_times_out_by_auto_advance() {
    let (_peer, ours) = util::tcp_pair();
    let ours = Async::new(ours).unwrap();
    let start = Instant::now();
    let mut byte = [0u8; 1];
    let read = time::timeout(Duration::from_secs(3_600), ours.read_with(|s| (&*s).read(&mut byte)));
    assert!(read.await.is_err());
    assert_eq!(start.elapsed(), Duration::from_secs(3_600));
}
