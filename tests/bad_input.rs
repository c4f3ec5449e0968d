//! Nonsense at every public entry point: each gets a clear `io::Error` or a
//! documented panic, and the runtime stays usable afterwards. The table in
//! `docs/BAD_INPUT.md` lists every case here with what it gets.

mod util;

use groundup::time::{Duration, Instant};
use std::io::ErrorKind;

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream, UdpSocket};
use groundup::poll::{Events, Interest, Poll, Token};
use groundup::time;

/// Proves the runtime still works: a task, a timer and a TCP round trip.
async fn still_usable() {
    assert_eq!(groundup::spawn(async { 41 + 1 }).await.unwrap(), 42);
    time::sleep(Duration::from_millis(1)).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    let (mut server, _) = listener.accept().await.unwrap();
    client.write_all(b"ok").await.unwrap();
    let mut buf = [0u8; 2];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ok");
}

fn kind_of<T: std::fmt::Debug>(result: std::io::Result<T>) -> ErrorKind {
    result.expect_err("nonsense was accepted").kind()
}

// --- the Poll layer ---------------------------------------------------------

#[test]
fn poll_layer_nonsense() {
    let mut poll = Poll::new().unwrap();
    // A buffer with room for no event.
    let mut none = Events::with_capacity(0);
    assert_eq!(kind_of(poll.poll(&mut none, Some(Duration::ZERO))), ErrorKind::InvalidInput);

    // An invalid descriptor, and a regular file (epoll refuses files: they
    // are always ready, so there is nothing to wait for; kqueue, libkqueue's
    // too, accepts them and reports them readable).
    #[cfg(unix)]
    {
        use groundup::poll::SourceFd;
        let bad = -1;
        assert!(
            poll.registry().register(&mut SourceFd(&bad), Token(0), Interest::READABLE).is_err()
        );
        #[cfg(groundup_backend = "epoll")]
        {
            use std::os::fd::AsRawFd;
            let file = std::fs::File::open("/proc/self/status").unwrap();
            let fd = file.as_raw_fd();
            let err = poll.registry().register(&mut SourceFd(&fd), Token(0), Interest::READABLE);
            assert_eq!(kind_of(err), ErrorKind::PermissionDenied);
        }
    }

    // A timeout too long for any kernel: waited out in pieces; an event
    // still ends it at once.
    let waker = groundup::poll::Waker::new(poll.registry(), Token(1)).unwrap();
    waker.wake().unwrap();
    let mut events = Events::with_capacity(4);
    poll.poll(&mut events, Some(Duration::MAX)).unwrap();
    assert!(!events.is_empty());

    // Removing the last interest leaves nothing, which an Interest cannot be.
    assert_eq!(Interest::READABLE.remove(Interest::READABLE), None);
}

// --- the runtime --------------------------------------------------------------

#[test]
fn a_join_handle_polled_after_its_output_panics_with_a_message() {
    let result = std::panic::catch_unwind(|| {
        groundup::block_on(async {
            let handle = groundup::spawn(async { 1 });
            let mut handle = std::pin::pin!(handle);
            assert_eq!(handle.as_mut().await.unwrap(), 1);
            let _ = handle.as_mut().await; // again: a bug in the caller
        })
    });
    let message = util::panic_message(&*result.unwrap_err());
    assert!(message.contains("after it returned its output"), "{message}");
}

#[test]
fn strange_durations_and_instants() {
    groundup::block_on(async {
        // Zero, and the past: complete at once.
        let start = Instant::now();
        time::sleep(Duration::ZERO).await;
        time::sleep_until(start - Duration::from_secs(1)).await;
        time::timeout(Duration::ZERO, async {}).await.unwrap();
        // The far future: never (so a timeout around it elapses).
        let forever = time::timeout(Duration::from_millis(5), time::sleep(Duration::MAX));
        assert!(forever.await.is_err());
        let deadline = Instant::now() + Duration::from_secs(365 * 24 * 3600 * 100);
        assert!(
            time::timeout(Duration::from_millis(5), time::sleep_until(deadline)).await.is_err()
        );
        // A timeout of Duration::MAX on something ready is just the value.
        assert_eq!(time::timeout(Duration::MAX, async { 7 }).await.unwrap(), 7);
        // An interval that starts long ago bursts through its missed ticks,
        // in order, then keeps its schedule.
        let mut interval = time::interval_at(
            Instant::now() - Duration::from_millis(50),
            Duration::from_millis(10),
        );
        let mut last = None;
        for _ in 0..8 {
            let tick = interval.tick().await;
            assert!(last.is_none_or(|l| tick > l));
            last = Some(tick);
        }
        still_usable().await;
    });
    // A zero period is refused with a panic, documented on `interval`.
    assert!(std::panic::catch_unwind(|| time::interval(Duration::ZERO)).is_err());
}

// --- the network ---------------------------------------------------------------

#[test]
fn addresses_that_are_wrong_taken_or_unreachable() {
    groundup::block_on(async {
        // Not an address at all.
        for bad in ["", "localhost", "127.0.0.1:port", "127.0.0.1:99999"] {
            let err = TcpListener::bind(bad).await;
            assert_eq!(kind_of(err), ErrorKind::InvalidInput, "{bad:?}");
        }
        // No address.
        let none: &[std::net::SocketAddr] = &[];
        assert_eq!(kind_of(TcpStream::connect(none).await), ErrorKind::InvalidInput);
        // An address in use.
        let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let err = TcpListener::bind(taken.local_addr().unwrap()).await;
        assert_eq!(kind_of(err), ErrorKind::AddrInUse);
        // An address that is not this machine's (TEST-NET-1, RFC 5737).
        let err = TcpListener::bind("192.0.2.1:0").await;
        assert_eq!(kind_of(err), ErrorKind::AddrNotAvailable);
        // A name that does not resolve (.invalid never does, RFC 6761):
        // resolved off-thread, so a timer runs meanwhile.
        let ticker = groundup::spawn(time::sleep(Duration::from_millis(1)));
        assert!(TcpStream::connect("does-not-exist.invalid:80").await.is_err());
        ticker.await.unwrap();
        // A malformed bracketed host is, as with std, the resolver's to
        // refuse.
        assert!(TcpStream::connect("[::1:80").await.is_err());
        // Nobody listening; and port 0, which nobody can listen on.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        assert_eq!(kind_of(TcpStream::connect(closed).await), ErrorKind::ConnectionRefused);
        assert!(TcpStream::connect("127.0.0.1:0").await.is_err());
        still_usable().await;
    });
}

#[test]
fn empty_buffers_and_writes_after_shutdown() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        // Reading into nothing returns 0 at once, even with nothing to read;
        // writing nothing writes nothing.
        assert_eq!(server.read(&mut []).await.unwrap(), 0);
        assert_eq!(client.write(&[]).await.unwrap(), 0);
        // Writing after shutting the write half down.
        client.shutdown().await.unwrap();
        let err = client.write_all(b"too late").await;
        assert_eq!(kind_of(err), ErrorKind::BrokenPipe);
        // The other direction still works (a half-close).
        server.write_all(b"still").await.unwrap();
        let mut buf = [0u8; 5];
        client.read_exact(&mut buf).await.unwrap();
        still_usable().await;
    });
}

#[test]
fn udp_nonsense() {
    groundup::block_on(async {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        // A datagram larger than UDP allows (65,507 bytes of payload).
        let huge = vec![0u8; 70_000];
        assert!(socket.send_to(&huge, socket.local_addr().unwrap()).await.is_err());
        // Sending with no peer to send to.
        assert!(socket.send(b"to whom?").await.is_err());
        // Bad targets.
        assert_eq!(kind_of(socket.send_to(b"x", "nowhere").await), ErrorKind::InvalidInput);
        still_usable().await;
    });
}

#[test]
fn tcp_socket_nonsense() {
    use groundup::net::TcpSocket;
    groundup::block_on(async {
        let loopback: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        // Binding twice, and an address of the other IP version.
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(loopback).unwrap();
        let again = socket.bind(loopback);
        #[cfg(target_os = "linux")]
        assert_eq!(kind_of(again), ErrorKind::InvalidInput);
        #[cfg(not(target_os = "linux"))]
        assert!(again.is_err());
        let v4 = TcpSocket::new_v4().unwrap();
        assert!(v4.bind("[::1]:0".parse().unwrap()).is_err());
        assert!(v4.only_v6().is_err(), "IPV6_V6ONLY on an IPv4 socket");
        // Backlogs of 0 and of u32::MAX (passed as i32::MAX, capped by the
        // system) both listen.
        let listener = socket.listen(0).unwrap();
        let far = TcpSocket::new_v4().unwrap();
        far.bind(loopback).unwrap();
        drop(far.listen(u32::MAX).unwrap());
        // Listening on a connected socket.
        let connected = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let err = TcpSocket::from_std_stream(connected).listen(16);
        #[cfg(target_os = "linux")]
        assert_eq!(kind_of(err), ErrorKind::InvalidInput);
        #[cfg(not(target_os = "linux"))]
        assert!(err.is_err());
        // Connecting to a loopback port nobody is bound to.
        let closed = std::net::TcpListener::bind(loopback).unwrap().local_addr().unwrap();
        let err = TcpSocket::new_v4().unwrap().connect(closed).await;
        assert_eq!(kind_of(err), ErrorKind::ConnectionRefused);
        // Buffer sizes of 0 and u32::MAX: accepted. Unix raises 0 to its
        // minimum; on Windows a send buffer of 0 means "no buffer", sends
        // going straight from the caller's memory (Winsock's SO_SNDBUF).
        let sized = TcpSocket::new_v4().unwrap();
        sized.set_send_buffer_size(0).unwrap();
        sized.set_recv_buffer_size(0).unwrap();
        let (send, recv) = (sized.send_buffer_size().unwrap(), sized.recv_buffer_size().unwrap());
        #[cfg(unix)]
        assert!(send > 0 && recv > 0, "raised to the minimum: {send}, {recv}");
        #[cfg(windows)]
        assert_eq!((send, recv), (0, 0), "no buffers");
        sized.set_send_buffer_size(u32::MAX).unwrap();
        assert!(sized.send_buffer_size().unwrap() > 0);
        // A linger of Duration::MAX is clamped to what the field holds (on
        // a socket that never connects, so nothing waits for it).
        #[allow(deprecated)]
        sized.set_linger(Some(Duration::MAX)).unwrap();
        assert!(sized.linger().unwrap().unwrap() >= Duration::from_secs(u16::MAX.into()));
        still_usable().await;
    });
}

#[test]
fn socket_options_out_of_range() {
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        // A TTL is 8 bits: more is refused before any system call; 0 is
        // for the system to judge (Linux refuses it).
        for ttl in [256, u32::MAX] {
            assert_eq!(kind_of(stream.set_ttl(ttl)), ErrorKind::InvalidInput, "ttl {ttl}");
            assert_eq!(kind_of(listener.set_ttl(ttl)), ErrorKind::InvalidInput, "ttl {ttl}");
        }
        #[cfg(target_os = "linux")]
        assert_eq!(kind_of(stream.set_ttl(0)), ErrorKind::InvalidInput);
        assert!(stream.ttl().unwrap() > 0, "the TTL is unchanged");
        // A peek into nothing: 0 at once, as a read.
        assert_eq!(stream.peek(&mut []).await.unwrap(), 0);

        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        assert_eq!(kind_of(udp.set_ttl(256)), ErrorKind::InvalidInput);
        assert_eq!(kind_of(udp.set_multicast_ttl_v4(256)), ErrorKind::InvalidInput);
        // IPv6 options on an IPv4 socket.
        assert!(udp.multicast_hops_v6().is_err());
        assert!(udp.only_v6().is_err());
        // Joining an address that is not a multicast group.
        let not_a_group = std::net::Ipv4Addr::new(127, 0, 0, 2);
        let err = udp.join_multicast_v4(not_a_group, std::net::Ipv4Addr::LOCALHOST);
        #[cfg(target_os = "linux")]
        assert_eq!(kind_of(err), ErrorKind::InvalidInput);
        #[cfg(not(target_os = "linux"))]
        assert!(err.is_err());
        let udp6 = UdpSocket::bind("[::1]:0").await.unwrap();
        assert_eq!(kind_of(udp6.set_multicast_hops_v6(256)), ErrorKind::InvalidInput);
        still_usable().await;
    });
}

#[test]
fn std_sockets_that_do_not_fit() {
    // Outside a runtime: an error naming the fix (and the socket closed).
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let err = TcpListener::from_std(std_listener).unwrap_err();
    assert!(err.to_string().contains("block_on"), "{err}");
    groundup::block_on(async {
        // A blocking std socket: refused on Unix, where the mode can be
        // read back (Windows sets it instead).
        let blocking = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let result = UdpSocket::from_std(blocking);
        #[cfg(unix)]
        assert_eq!(kind_of(result), ErrorKind::InvalidInput);
        #[cfg(windows)]
        assert!(result.is_ok());
        still_usable().await;
    });
}

#[cfg(unix)]
#[test]
fn unix_socket_paths_that_cannot_be() {
    use groundup::net::{UnixDatagram, UnixListener, UnixStream};
    groundup::block_on(async {
        let long = std::env::temp_dir().join("x".repeat(200));
        assert_eq!(kind_of(UnixListener::bind(&long)), ErrorKind::InvalidInput);
        let nul = std::path::Path::new("with\0nul");
        assert_eq!(kind_of(UnixDatagram::bind(nul)), ErrorKind::InvalidInput);
        let missing = std::env::temp_dir().join(format!("groundup-missing-{}", std::process::id()));
        assert_eq!(kind_of(UnixStream::connect(&missing).await), ErrorKind::NotFound);
        // Binding a path that exists.
        let path = std::env::temp_dir().join(format!("groundup-taken-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let first = UnixListener::bind(&path).unwrap();
        assert_eq!(kind_of(UnixListener::bind(&path)), ErrorKind::AddrInUse);
        drop(first);
        std::fs::remove_file(&path).unwrap();
        still_usable().await;
    });
}

#[test]
fn io_objects_and_timers_outside_a_runtime() {
    // An I/O object needs a runtime: a clear error, not a panic.
    let (_client, server) = util::tcp_pair();
    let err = groundup::io::Async::new(server).unwrap_err();
    assert!(err.to_string().contains("block_on"), "{err}");
    // A timer polled outside a runtime panics with the fix in the message.
    let result = std::panic::catch_unwind(|| {
        let mut sleep = std::pin::pin!(time::sleep(Duration::from_secs(1)));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let _ = std::future::Future::poll(sleep.as_mut(), &mut cx);
    });
    let message = util::panic_message(&*result.unwrap_err());
    assert!(message.contains("outside a groundup runtime"), "{message}");
    // And the runtime machinery works after all that.
    groundup::block_on(still_usable());
}

#[test]
fn readiness_api_nonsense() {
    use groundup::io::Interest;
    use std::io::IoSlice;
    groundup::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        // try_* with nothing ready: WouldBlock at once, whatever the buffer.
        assert_eq!(kind_of(server.try_read(&mut [])), ErrorKind::WouldBlock);
        // try_io's closure is not run without readiness.
        let e = server.try_io(Interest::READABLE, || -> std::io::Result<()> { panic!("ran") });
        assert_eq!(kind_of(e), ErrorKind::WouldBlock);
        client.writable().await.unwrap();
        // Writable, with nothing to write: Ok(0) (one send of 0 bytes).
        assert_eq!(client.try_write(&[]).unwrap(), 0);
        assert_eq!(client.try_write_vectored(&[]).unwrap(), 0);
        let empties = [IoSlice::new(&[]), IoSlice::new(&[])];
        assert_eq!(client.write_vectored(&empties).await.unwrap(), 0);
        // After shutdown: BrokenPipe, no SIGPIPE.
        client.shutdown().await.unwrap();
        assert_eq!(kind_of(client.try_write(b"late")), ErrorKind::BrokenPipe);
        let late = [IoSlice::new(b"la"), IoSlice::new(b"te")];
        assert_eq!(kind_of(client.try_write_vectored(&late)), ErrorKind::BrokenPipe);

        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        udp.writable().await.unwrap();
        assert!(udp.try_send(b"to whom?").is_err(), "try_send before connect");
        let huge = vec![0u8; 70_000];
        assert!(udp.try_send_to(&huge, udp.local_addr().unwrap()).is_err());
        still_usable().await;
    });
}

#[cfg(unix)]
#[test]
fn async_fd_nonsense() {
    use groundup::io::Interest;
    use groundup::io::unix::AsyncFd;
    let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    assert!(AsyncFd::new(a).unwrap_err().to_string().contains("no groundup runtime"));
    groundup::block_on(async {
        // A regular file: epoll refuses it, and the error says why.
        let path = std::env::temp_dir().join(format!("groundup-bad-{}", std::process::id()));
        let file = std::fs::File::create(&path).unwrap();
        let result = AsyncFd::new(file);
        std::fs::remove_file(&path).unwrap();
        if cfg!(groundup_backend = "epoll") {
            let e = result.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::PermissionDenied);
            assert!(e.to_string().contains("regular files"), "{e}");
        }
        // A wait outside the interest given: InvalidInput, not a hang.
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let fd = AsyncFd::with_interest(a, Interest::READABLE).unwrap();
        assert_eq!(kind_of(fd.writable().await.map(drop)), ErrorKind::InvalidInput);
        still_usable().await;
    });
}
