//! `AsyncFd` (Unix) and its Windows counterpart `AsyncSocket`: readiness
//! for a descriptor the caller brings, guards that clear it.

#[path = "util/io.rs"]
mod io_util;
mod util;

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::pin::pin;

#[cfg(unix)]
use groundup::io::unix::AsyncFd;
#[cfg(windows)]
use groundup::io::windows::AsyncSocket as AsyncFd;
use groundup::io::{Interest, Ready};

fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let a = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    (a, listener.accept().unwrap().0)
}

#[test]
fn try_io_reads_what_the_peer_sent() {
    groundup::block_on(async {
        let (mut peer, socket) = tcp_pair();
        let fd = AsyncFd::new(socket).unwrap();
        peer.write_all(b"ping").unwrap();
        let mut buf = [0; 8];
        let n = loop {
            let mut guard = fd.readable().await.unwrap();
            match guard.try_io(|fd| fd.get_ref().read(&mut buf)) {
                Ok(result) => break result.unwrap(),
                Err(_would_block) => continue,
            }
        };
        assert_eq!(&buf[..n], &b"ping"[..n]);
    });
}

#[test]
fn clear_ready_makes_the_next_readable_wait() {
    groundup::block_on(async {
        let (mut peer, socket) = tcp_pair();
        let fd = AsyncFd::new(socket).unwrap();
        peer.write_all(b"x").unwrap();
        // A guard dropped unused keeps the readiness:
        assert!(fd.readable().await.unwrap().ready().is_readable());
        {
            let mut guard = fd.readable().await.unwrap();
            guard.clear_ready();
            assert_eq!(guard.ready(), Ready::EMPTY);
        }
        // Cleared without reading: on the edge backends only a new event
        // brings it back. (IOCP re-arms the AFD poll, which reports the
        // byte still waiting at once; libkqueue re-reports a level.)
        #[cfg_attr(any(windows, groundup_libkqueue), allow(unused_mut))]
        let mut waiting = pin!(fd.readable());
        #[cfg(not(any(windows, groundup_libkqueue)))]
        assert!(io_util::poll_once(waiting.as_mut()).is_pending(), "cleared readiness came back");
        peer.write_all(b"y").unwrap();
        assert!(waiting.await.unwrap().ready().is_readable());
    });
}

#[test]
fn try_io_would_block_is_try_io_error_and_clears() {
    groundup::block_on(async {
        let (_peer, socket) = tcp_pair();
        let fd = AsyncFd::new(socket).unwrap();
        let mut guard = fd.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
        assert!(guard.ready().is_writable() && !guard.ready().is_readable());
        let mut buf = [0; 1];
        assert!(guard.try_io(|fd| fd.get_ref().read(&mut buf)).is_err(), "nothing to read");
        assert_eq!(guard.ready(), Ready::EMPTY);
    });
}

#[test]
fn mut_guards_lend_the_value() {
    groundup::block_on(async {
        let (mut peer, socket) = tcp_pair();
        let mut fd = AsyncFd::new(socket).unwrap();
        let mut guard = fd.writable_mut().await.unwrap();
        let n = guard.try_io(|fd| fd.get_mut().write(b"hi")).unwrap().unwrap();
        assert_eq!(n, 2);
        guard.get_inner_mut().set_nodelay(true).unwrap();
        let _ = guard;
        let mut buf = [0; 2];
        peer.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hi");
        let socket = fd.into_inner();
        assert!(socket.nodelay().unwrap());
    });
}

#[test]
fn a_wait_outside_with_interest_is_invalid_input() {
    groundup::block_on(async {
        let (_peer, socket) = tcp_pair();
        let fd = AsyncFd::with_interest(socket, Interest::WRITABLE).unwrap();
        assert!(fd.writable().await.is_ok());
        assert_eq!(fd.readable().await.unwrap_err().kind(), ErrorKind::InvalidInput);
        let both = Interest::READABLE | Interest::WRITABLE;
        assert_eq!(fd.ready(both).await.unwrap_err().kind(), ErrorKind::InvalidInput);
    });
}

#[test]
fn async_fd_outside_a_runtime_is_an_error() {
    let (_peer, socket) = tcp_pair();
    assert!(AsyncFd::new(socket).is_err());
}

#[cfg(unix)]
mod unix {
    use super::*;

    #[test]
    fn over_a_std_unix_stream() {
        groundup::block_on(async {
            let (mut peer, socket) = std::os::unix::net::UnixStream::pair().unwrap();
            let fd = AsyncFd::new(socket).unwrap();
            peer.write_all(b"unix").unwrap();
            let mut buf = [0; 4];
            let n = fd.async_io(Interest::READABLE, |mut s| s.read(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], &b"unix"[..n]);
        });
    }

    /// A pipe made with the raw `pipe2(2)` binding: no std type at all.
    #[cfg(target_os = "linux")]
    #[test]
    fn over_a_raw_pipe() {
        use groundup::groundup_ffi::{linux, unix as posix};
        use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
        let mut fds = [-1; 2];
        // SAFETY: `fds` has room for the two descriptors pipe2 writes.
        let rc = unsafe { linux::pipe2(fds.as_mut_ptr(), linux::O_CLOEXEC) };
        assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
        // SAFETY: pipe2 succeeded: the descriptor is fresh and ours.
        let read_end = unsafe { OwnedFd::from_raw_fd(fds[0]) };
        // SAFETY: as above.
        let write_end = unsafe { OwnedFd::from_raw_fd(fds[1]) };
        groundup::block_on(async {
            let reader = AsyncFd::with_interest(read_end, Interest::READABLE).unwrap();
            let writer = AsyncFd::with_interest(write_end, Interest::WRITABLE).unwrap();
            let mut guard = writer.writable().await.unwrap();
            let written = guard.try_io(|fd| {
                let fd = fd.get_ref().as_raw_fd();
                // SAFETY: the pointer and length describe a live static.
                let n = unsafe { posix::write(fd, b"pipe".as_ptr().cast(), 4) };
                if n < 0 { Err(std::io::Error::last_os_error()) } else { Ok(n as usize) }
            });
            assert_eq!(written.unwrap().unwrap(), 4);
            let mut buf = [0u8; 8];
            let n = loop {
                let mut guard = reader.readable().await.unwrap();
                let got = guard.try_io(|fd| {
                    let fd = fd.get_ref().as_raw_fd();
                    // SAFETY: `buf` is a live, writable 8-byte buffer.
                    let n = unsafe { posix::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
                    if n < 0 { Err(std::io::Error::last_os_error()) } else { Ok(n as usize) }
                });
                if let Ok(result) = got {
                    break result.unwrap();
                }
            };
            assert_eq!(&buf[..n], b"pipe");
        });
    }

    #[test]
    fn a_regular_file_is_refused_by_epoll_with_a_message() {
        groundup::block_on(async {
            let path =
                std::env::temp_dir().join(format!("groundup-asyncfd-{}", std::process::id()));
            let mut file = std::fs::File::create(&path).unwrap();
            // Not empty: kqueue reports a regular file readable only while
            // its offset is short of the end (EVFILT_READ on a vnode).
            std::io::Write::write_all(&mut file, b"data").unwrap();
            std::io::Seek::rewind(&mut file).unwrap();
            let result = AsyncFd::new(file);
            std::fs::remove_file(&path).unwrap();
            if cfg!(groundup_backend = "epoll") {
                let e = result.unwrap_err();
                assert_eq!(e.kind(), ErrorKind::PermissionDenied);
                assert!(e.to_string().contains("regular files"), "{e}");
            } else {
                // kqueue registers a regular file: readable, with bytes
                // left before the end (under libkqueue too, which emulates
                // this with an eventfd and the file's size).
                let fd = result.unwrap();
                assert!(fd.readable().await.unwrap().ready().is_readable());
            }
        });
    }

    /// `try_new` of what epoll refuses gives the file back as it was:
    /// still blocking, with the reason that `new` would have given.
    #[cfg(all(target_os = "linux", groundup_backend = "epoll"))]
    #[test]
    fn try_new_gives_a_refused_file_back_as_it_was() {
        groundup::block_on(async {
            let path =
                std::env::temp_dir().join(format!("groundup-asyncfd-try-{}", std::process::id()));
            let file = std::fs::File::create(&path).unwrap();
            std::fs::remove_file(&path).unwrap();
            assert!(!util::is_nonblocking(&file));
            let (file, cause) = AsyncFd::try_new(file).unwrap_err().into_parts();
            assert_eq!(cause.kind(), ErrorKind::PermissionDenied);
            assert!(cause.to_string().contains("regular files"), "{cause}");
            assert!(!util::is_nonblocking(&file), "the file's blocking mode was not restored");
            let again: std::io::Error = AsyncFd::try_new(file).unwrap_err().into();
            assert_eq!(again.kind(), ErrorKind::PermissionDenied, "`?` converts it");
        });
    }

    /// Outside a runtime nothing is changed: the socket comes back blocking.
    #[cfg(target_os = "linux")]
    #[test]
    fn try_new_outside_a_runtime_changes_nothing() {
        let (_peer, socket) = super::tcp_pair();
        let (socket, cause) = AsyncFd::try_new(socket).unwrap_err().into_parts();
        assert!(cause.to_string().contains("no groundup runtime"), "{cause}");
        assert!(!util::is_nonblocking(&socket));
    }
}

/// `try_new` that succeeds is `new`; one that fails gives the value back,
/// and its error is the reason (`Display`, `source`, `Debug`).
#[test]
fn try_new_registers_or_gives_the_value_back() {
    let (mut peer, socket) = tcp_pair();
    let error = AsyncFd::try_new(socket).unwrap_err();
    assert!(error.to_string().contains("no groundup runtime"), "{error}");
    assert!(std::error::Error::source(&error).is_some());
    assert!(format!("{error:?}").contains("no groundup runtime"), "{error:?}");
    let (socket, _) = error.into_parts();
    groundup::block_on(async {
        let fd = AsyncFd::try_with_interest(socket, Interest::READABLE).unwrap();
        peer.write_all(b"in").unwrap();
        let mut buf = [0; 2];
        let n = fd.async_io(Interest::READABLE, |mut s| s.read(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], &b"in"[..n]);
        let e = fd.writable().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "the interest was kept: {e}");
    });
}

/// `Interest::PRIORITY` (epoll only): a descriptor registered for it sees
/// TCP urgent data, sent with `MSG_OOB`; a wait for it is `Pending` until
/// then, and its readiness says `PRIORITY`.
#[cfg(groundup_backend = "epoll")]
#[test]
fn a_priority_wait_sees_tcp_urgent_data() {
    use groundup::groundup_ffi::{linux, unix as posix};
    use std::os::fd::AsRawFd;
    use std::task::Poll;

    let (peer, socket) = tcp_pair();
    groundup::block_on(async {
        let fd = AsyncFd::with_interest(socket, Interest::READABLE | Interest::PRIORITY).unwrap();
        let mut urgent = pin!(fd.ready(Interest::PRIORITY));
        let first = std::future::poll_fn(|cx| Poll::Ready(urgent.as_mut().poll(cx).is_pending()));
        assert!(first.await, "no urgent data yet: the wait must be Pending");
        // SAFETY: `peer` is an open socket, and the pointer and length
        // describe one live byte.
        let sent =
            unsafe { posix::send(peer.as_raw_fd(), b"!".as_ptr().cast(), 1, linux::MSG_OOB) };
        assert_eq!(sent, 1, "{}", std::io::Error::last_os_error());
        // A bound, not a speed: an event that never comes fails here
        // instead of hanging the suite.
        let guard = groundup::time::timeout(std::time::Duration::from_secs(60), urgent)
            .await
            .expect("the urgent byte was never reported")
            .unwrap();
        assert!(guard.ready().is_priority(), "{:?}", guard.ready());
    });
}

/// As tokio's: a priority wait also ends when the peer hangs up (the read
/// half closes), instead of waiting for urgent data that cannot come.
#[cfg(groundup_backend = "epoll")]
#[test]
fn a_priority_wait_ends_when_the_peer_hangs_up() {
    let (peer, socket) = tcp_pair();
    groundup::block_on(async {
        let fd = AsyncFd::with_interest(socket, Interest::READABLE | Interest::PRIORITY).unwrap();
        drop(peer);
        // A bound, not a speed (see above).
        let guard = groundup::time::timeout(
            std::time::Duration::from_secs(60),
            fd.ready(Interest::PRIORITY),
        )
        .await
        .expect("the hang-up was never reported to the priority wait")
        .unwrap();
        assert!(guard.ready().is_read_closed(), "{:?}", guard.ready());
    });
}

/// A wait for urgent data where none can be reported is refused, not left
/// to wait forever: an `AsyncFd` made without `PRIORITY`, and groundup's
/// own sockets, which are registered without it.
#[cfg(groundup_backend = "epoll")]
#[test]
fn a_priority_wait_on_a_source_not_registered_for_it_is_invalid_input() {
    groundup::block_on(async {
        let (_peer, socket) = tcp_pair();
        let fd = AsyncFd::new(socket).unwrap();
        let e = fd.ready(Interest::PRIORITY).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains("PRIORITY"), "{e}");

        let listener = groundup::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stream =
            groundup::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let e = stream.ready(Interest::READABLE | Interest::PRIORITY).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains("AsyncFd::with_interest"), "the fix is named: {e}");
    });
}

/// `Interest::ERROR`: a connected UDP socket whose datagram met a closed
/// port gets the ICMP error as a pending error (`ECONNREFUSED`); a wait
/// for errors ends with `Ready::ERROR`, even on an `AsyncFd` made for
/// reading only (every registration reports errors). Checked on epoll,
/// where Linux queues the error at once on loopback.
#[cfg(groundup_backend = "epoll")]
#[test]
fn an_error_wait_ends_on_a_pending_socket_error() {
    let closed_port = std::net::UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(closed_port).unwrap(); // the port's socket is gone
    groundup::block_on(async {
        let fd = AsyncFd::with_interest(socket, Interest::READABLE).unwrap();
        fd.get_ref().send(b"anyone?").unwrap();
        // A bound, not a speed (see above).
        let guard =
            groundup::time::timeout(std::time::Duration::from_secs(60), fd.ready(Interest::ERROR))
                .await
                .expect("the error was never reported")
                .unwrap();
        assert!(guard.ready().is_error(), "{:?}", guard.ready());
        let pending = fd.get_ref().take_error().unwrap().expect("a pending error");
        assert_eq!(pending.kind(), ErrorKind::ConnectionRefused);
    });
}

/// `Interest`'s set operations and names, as tokio's.
#[test]
fn interest_sets_remove_and_print() {
    let both = Interest::READABLE | Interest::WRITABLE;
    assert_eq!(format!("{both:?}"), "READABLE | WRITABLE");
    assert_eq!(format!("{:?}", Interest::ERROR), "ERROR");
    #[cfg(groundup_backend = "epoll")]
    assert_eq!(format!("{:?}", Interest::ERROR | Interest::PRIORITY), "PRIORITY | ERROR");
    assert_eq!(both.remove(Interest::READABLE), Some(Interest::WRITABLE));
    assert_eq!(both.remove(both | Interest::ERROR), None);
    assert_eq!(Interest::ERROR.remove(Interest::READABLE), Some(Interest::ERROR));
    let mut grown = Interest::READABLE;
    grown |= Interest::ERROR;
    assert!(grown.is_readable() && grown.is_error() && !grown.is_writable());
}
