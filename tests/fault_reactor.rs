//! The reactor's poll fails (whichever thread is polling it: usually the
//! executor, asleep in it): the I/O futures waiting on it fail instead of
//! waiting forever, and later operations say why.
//!
//! The fault is real, not simulated: the test closes the reactor's epoll
//! descriptor from under it (found through `/proc/self/fd`, so Linux
//! only), as a buggy library sharing the process might, and the reactor's
//! next `epoll_wait` fails. It runs alone in this test binary: it closes a
//! descriptor by number, which must not race with other tests opening
//! theirs. The epoll backend only: under libkqueue (the kqueue backend on
//! Linux) the epoll descriptors found are libkqueue's own.
#![cfg(all(target_os = "linux", groundup_backend = "epoll"))]

mod util;

use std::fs;
use std::os::fd::{IntoRawFd, RawFd};

use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream};
use groundup::{Runtime, task, time};

/// The descriptors of epoll instances that watch more than one
/// descriptor, lowest first: with sockets registered, the reactor's `Poll`,
/// then the duplicate its registry holds. (A runtime has three epoll
/// instances: that `Poll`, and the two sites where the reactor thread and
/// the executor sleep while the other holds it, which watch only their
/// own waker each.)
fn reactor_epolls() -> Vec<RawFd> {
    let mut found: Vec<RawFd> = fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter(|fd: &RawFd| {
            let target = fs::read_link(format!("/proc/self/fd/{fd}")).unwrap_or_default();
            target.to_string_lossy() == "anon_inode:[eventpoll]"
        })
        .filter(|fd| {
            // Each watched descriptor is a line `tfd: <n> events: …`.
            let info = fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).unwrap_or_default();
            info.lines().filter(|l| l.starts_with("tfd:")).count() > 1
        })
        .collect();
    found.sort();
    found
}

/// Closes `fd` and puts `/dev/null` in its place, so the number is not
/// reused by the next socket: the reactor's `epoll_wait` on it now fails
/// (`EINVAL`: not an epoll descriptor). The reactor's `Poll` still owns the
/// number and closes it when the reactor is dropped.
fn break_epoll(fd: RawFd) {
    // SAFETY: `close` on a descriptor number; the reactor's `Poll` owns it,
    // and breaking that is the point of this test.
    assert_eq!(unsafe { groundup::groundup_ffi::unix::close(fd) }, 0);
    let stand_in = fs::File::open("/dev/null").unwrap().into_raw_fd();
    assert_eq!(stand_in, fd, "the lowest free descriptor was not the one just closed");
}

#[test]
fn when_the_reactors_poll_fails_waiting_io_fails_and_later_io_is_refused() {
    if util::under_thread_sanitizer() {
        // The fault is a race by design (a descriptor closed while the
        // reactor waits on it), and ThreadSanitizer rightly reports it;
        // AddressSanitizer and the plain suite run this test.
        eprintln!("skipped under ThreadSanitizer: the injected fault is itself a race");
        return;
    }
    let rt = Runtime::new().unwrap();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut client = TcpStream::connect(addr).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        client.write_all(b"x").await.unwrap();
        let mut byte = [0; 1];
        server.read_exact(&mut byte).await.unwrap(); // the reactor works

        // A task waits to read; nothing will come.
        let waiting = groundup::spawn(async move {
            let mut buf = [0; 1];
            server.read(&mut buf).await
        });
        task::yield_now().await;

        let epolls = reactor_epolls();
        assert_eq!(epolls.len(), 2, "expected the reactor's Poll and its registry: {epolls:?}");
        let reactor_poll = epolls[0];
        break_epoll(reactor_poll);
        // An event (a connection to the listener) makes the poller (the
        // executor, asleep in the driver) return from the `epoll_wait` it is
        // in; its next one fails.
        let _poke = std::net::TcpStream::connect(addr).unwrap();

        let read = time::timeout(util::PATIENCE, waiting).await;
        let err = read.expect("the waiting read still waits").unwrap().unwrap_err();
        let message = err.to_string();
        assert!(message.contains("reactor thread stopped"), "{message}");
        assert!(message.contains("poll failed"), "{message}");

        // Later operations on existing sockets fail at once, saying why.
        let err = listener.accept().await.unwrap_err();
        assert!(err.to_string().contains("reactor thread stopped"), "{err}");
        // And new sockets are refused.
        let err = TcpListener::bind("127.0.0.1:0").await.unwrap_err();
        assert!(err.to_string().contains("reactor thread stopped"), "{err}");
        drop(client);
    });
    drop(rt); // joins the reactor thread, which has ended
}
