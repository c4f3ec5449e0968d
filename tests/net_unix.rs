//! Unix-domain sockets through `groundup::net` (Unix only).
#![cfg(unix)]

mod util;

use std::cell::Cell;
use std::future::poll_fn;
use std::path::PathBuf;
use std::rc::Rc;
use std::task::Poll;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{UnixDatagram, UnixListener, UnixStream};

fn temp_path(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("groundup-{name}-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn unix_stream_echo_through_a_listener() {
    let path = temp_path("stream");
    groundup::block_on(async {
        let listener = UnixListener::bind(&path).unwrap();
        assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(path.as_path()));
        let server = groundup::spawn(async move {
            let (mut s, peer) = listener.accept().await.unwrap();
            assert!(peer.is_unnamed());
            let mut buf = Vec::new();
            s.read_to_end(&mut buf).await.unwrap();
            s.write_all(&buf).await.unwrap();
        });
        let mut client = UnixStream::connect(&path).await.unwrap();
        client.write_all(b"over a unix socket").await.unwrap();
        client.shutdown().await.unwrap();
        let mut back = Vec::new();
        client.read_to_end(&mut back).await.unwrap();
        assert_eq!(back, b"over a unix socket");
        server.await.unwrap();
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn unix_stream_pair() {
    groundup::block_on(async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        a.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        b.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
    });
}

#[test]
fn unix_datagrams_between_bound_sockets() {
    let (pa, pb) = (temp_path("dgram-a"), temp_path("dgram-b"));
    groundup::block_on(async {
        let a = UnixDatagram::bind(&pa).unwrap();
        let b = UnixDatagram::bind(&pb).unwrap();
        a.send_to(b"to b", &pb).await.unwrap();
        let mut buf = [0u8; 16];
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"to b");
        assert_eq!(from.as_pathname(), Some(pa.as_path()));
        b.connect(&pa).unwrap();
        b.send(b"reply").await.unwrap();
        let n = a.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"reply");
    });
    std::fs::remove_file(&pa).unwrap();
    std::fs::remove_file(&pb).unwrap();
}

#[test]
fn connecting_to_a_missing_path_fails() {
    groundup::block_on(async {
        let err = UnixStream::connect(temp_path("missing")).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound, "{err}");
    });
}

#[test]
fn a_path_too_long_is_invalid_input() {
    let long = "x".repeat(200);
    let err = UnixListener::bind(std::env::temp_dir().join(long)).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

/// Issue 13, item 3. A listener that never accepts fills its queue; the
/// connect after that must fail, not hand back a stream that was never
/// connected. Linux fails it with `EAGAIN` (`WouldBlock`, as in mio and
/// tokio): `unix_stream_connect` in net/unix/af_unix.c refuses at once when
/// the queue is longer than the backlog and the socket is non-blocking, and
/// such a connect never completes later, unlike TCP's `EINPROGRESS`. The
/// BSDs and macOS fail it with `ECONNREFUSED` (`sonewconn` finds the queue
/// full; listen(2): "the client may receive an error with an indication of
/// ECONNREFUSED").
#[test]
fn connecting_to_a_listener_whose_backlog_is_full_is_an_error() {
    // The queue is 1,024 long (the backlog `bind` asks for) or the system's
    // cap on it, which the BSDs stretch by half again: never more than this.
    const MORE_THAN_ANY_QUEUE: usize = 1024 * 3 / 2 + 16;
    groundup::raise_fd_limit().unwrap();
    let path = temp_path("full-backlog");
    groundup::block_on(async {
        let listener = UnixListener::bind(&path).unwrap();
        let mut queued = Vec::new();
        let refused = loop {
            assert!(queued.len() < MORE_THAN_ANY_QUEUE, "no connect failed");
            match UnixStream::connect(&path).await {
                Ok(stream) => {
                    // Every stream `connect` returns has a peer.
                    stream.peer_addr().unwrap_or_else(|e| {
                        panic!("connect #{} returned an unconnected stream: {e}", queued.len())
                    });
                    queued.push(stream);
                }
                Err(e) => break e,
            }
        };
        let expected = if cfg!(any(target_os = "linux", target_os = "android")) {
            std::io::ErrorKind::WouldBlock
        } else {
            std::io::ErrorKind::ConnectionRefused
        };
        assert_eq!(refused.kind(), expected, "after {} queued connects: {refused}", queued.len());
        // Accepting one makes room for one more.
        let (_accepted, _) = listener.accept().await.unwrap();
        let again = UnixStream::connect(&path).await.unwrap();
        again.peer_addr().unwrap();
    });
    std::fs::remove_file(&path).unwrap();
}

// `UnixDatagram`'s `poll_*` methods, each driven through `poll_fn`.

#[test]
fn unix_datagram_poll_send_and_poll_recv_on_a_pair() {
    groundup::block_on(async {
        let (a, b) = UnixDatagram::pair().unwrap();
        assert_eq!(poll_fn(|cx| a.poll_send(cx, b"ping")).await.unwrap(), 4);
        let mut buf = [0u8; 16];
        let n = poll_fn(|cx| b.poll_recv(cx, &mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"ping");
        assert_eq!(poll_fn(|cx| b.poll_send(cx, b"pong!")).await.unwrap(), 5);
        let n = poll_fn(|cx| a.poll_recv(cx, &mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"pong!");
    });
}

/// `poll_recv` with nothing queued is `Pending`; the send that follows
/// wakes the polling task, whose next poll gets the datagram.
#[test]
fn unix_datagram_poll_recv_is_pending_until_a_send_wakes_it() {
    groundup::block_on(async {
        let (a, b) = UnixDatagram::pair().unwrap();
        util::assert_poll_recv_waits_for_a_send(
            move |cx, buf| b.poll_recv(cx, buf),
            a.send(b"late"),
        )
        .await;
    });
}

#[test]
fn unix_datagram_poll_send_to_and_poll_recv_from_name_the_sender() {
    let (pa, pb) = (temp_path("poll-dgram-a"), temp_path("poll-dgram-b"));
    groundup::block_on(async {
        let a = UnixDatagram::bind(&pa).unwrap();
        let b = UnixDatagram::bind(&pb).unwrap();
        assert_eq!(poll_fn(|cx| a.poll_send_to(cx, b"to b", &pb)).await.unwrap(), 4);
        let mut buf = [0u8; 16];
        let (n, from) = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"to b");
        assert_eq!(from.as_pathname(), Some(pa.as_path()));
        // From an unbound socket the sender has no name.
        let anonymous = UnixDatagram::unbound().unwrap();
        poll_fn(|cx| anonymous.poll_send_to(cx, b"who?", &pb)).await.unwrap();
        let (n, from) = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await.unwrap();
        assert_eq!((&buf[..n], from.is_unnamed()), (&b"who?"[..], true));
    });
    std::fs::remove_file(&pa).unwrap();
    std::fs::remove_file(&pb).unwrap();
}

/// A target path too long for `sockaddr_un` fails on the first poll; the
/// send is never attempted.
#[test]
fn unix_datagram_poll_send_to_a_path_too_long_is_invalid_input() {
    groundup::block_on(async {
        let socket = UnixDatagram::unbound().unwrap();
        let long = std::env::temp_dir().join("x".repeat(200));
        let err = poll_fn(|cx| socket.poll_send_to(cx, b"never", &long)).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    });
}

/// `poll_recv_from` with nothing queued is `Pending` until a datagram
/// arrives; the sender's path comes with it.
#[test]
fn unix_datagram_poll_recv_from_is_pending_until_a_datagram_arrives() {
    let (pa, pb) = (temp_path("pending-dgram-a"), temp_path("pending-dgram-b"));
    groundup::block_on(async {
        let a = UnixDatagram::bind(&pa).unwrap();
        let b = UnixDatagram::bind(&pb).unwrap();
        let pendings = Rc::new(Cell::new(0));
        let receiver = groundup::spawn({
            let pendings = Rc::clone(&pendings);
            async move {
                let mut buf = [0u8; 16];
                let (n, from) = poll_fn(|cx| match b.poll_recv_from(cx, &mut buf) {
                    Poll::Pending => {
                        pendings.set(pendings.get() + 1);
                        Poll::Pending
                    }
                    ready => ready,
                })
                .await
                .unwrap();
                (buf[..n].to_vec(), from)
            }
        });
        while pendings.get() == 0 {
            groundup::task::yield_now().await;
        }
        a.send_to(b"late", &pb).await.unwrap();
        let (got, from) = groundup::time::timeout(util::PATIENCE, receiver)
            .await
            .expect("the datagram did not wake the task in poll_recv_from")
            .unwrap();
        assert_eq!(got, b"late");
        assert_eq!(from.as_pathname(), Some(pa.as_path()));
    });
    std::fs::remove_file(&pa).unwrap();
    std::fs::remove_file(&pb).unwrap();
}

/// What `peer_cred` must say of a peer that is this very process: its
/// effective ids (what the kernel records), and its pid where the system
/// gives one (`build.rs`, `groundup_peer_cred`: all but `getpeereid`).
fn assert_is_this_process(cred: groundup::net::unix::UCred, end: &str) {
    use groundup::net::unix::pid_t;
    // SAFETY: geteuid takes nothing and always succeeds.
    let euid = unsafe { groundup_ffi::unix::geteuid() };
    // SAFETY: as geteuid.
    let egid = unsafe { groundup_ffi::unix::getegid() };
    assert_eq!((cred.uid(), cred.gid()), (euid, egid), "{end}: {cred:?}");
    let pid = (!cfg!(groundup_peer_cred = "getpeereid")).then_some(std::process::id() as pid_t);
    assert_eq!(cred.pid(), pid, "{end}: {cred:?}");
}

// tokio's uds_cred test skips socketpair on FreeBSD and NetBSD, whose
// getpeereid has not always known the peer of a pair; no machine of either
// runs this suite to say which releases do.
#[test]
#[cfg_attr(groundup_peer_cred = "getpeereid", ignore = "getpeereid and socketpair, see above")]
fn both_ends_of_a_pair_name_this_process_as_peer() {
    groundup::block_on(async {
        let (a, b) = UnixStream::pair().unwrap();
        assert_is_this_process(a.peer_cred().unwrap(), "first end");
        assert_is_this_process(b.peer_cred().unwrap(), "second end");
        assert_eq!(a.peer_cred().unwrap(), b.peer_cred().unwrap());
    });
}

#[test]
fn both_ends_of_an_accepted_connection_name_this_process_as_peer() {
    let path = temp_path("peer-cred");
    groundup::block_on(async {
        let listener = UnixListener::bind(&path).unwrap();
        let client = UnixStream::connect(&path).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        // The client sees the listener as it was at listen(2), the server
        // the client as it was at connect(2): both are this process.
        assert_is_this_process(client.peer_cred().unwrap(), "connecting end");
        assert_is_this_process(server.peer_cred().unwrap(), "accepted end");
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn peer_cred_is_counted_as_the_system_calls_it_makes() {
    let before = groundup::stats::syscalls();
    groundup::block_on(async {
        let (a, _b) = UnixStream::pair().unwrap();
        let _ = a.peer_cred();
    });
    let made = groundup::stats::syscalls().since(&before);
    // Other tests of this binary may make calls meanwhile: at least one.
    let name = if cfg!(groundup_peer_cred = "so_peercred") { "getsockopt" } else { "getpeereid" };
    assert!(made.get(name) >= 1, "no {name} counted: {made:?}");
}
