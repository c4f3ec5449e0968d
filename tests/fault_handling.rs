//! Faults the runtime must contain: panicking wakers and destructors, and a
//! runtime dropped with thousands of live connections.

mod util;

use std::future::Future;
use std::io::Write;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use std::time::Duration;

use groundup::Runtime;
use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream};
use groundup::{task, time};

/// A waker whose `wake` panics: a bug in someone's executor or combinator.
struct PanickingWaker;
impl Wake for PanickingWaker {
    fn wake(self: Arc<Self>) {
        panic!("this waker panics");
    }
}

#[test]
fn a_timer_waker_that_panics_is_contained() {
    groundup::block_on(async {
        let waker = Waker::from(Arc::new(PanickingWaker));
        let mut sleep = pin!(time::sleep(Duration::from_millis(5)));
        // Register the timer under the panicking waker.
        assert!(sleep.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
        // Time passes; the wheel fires it; the runtime goes on.
        time::sleep(Duration::from_millis(20)).await;
        assert!(sleep.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_ready());
        time::sleep(Duration::from_millis(1)).await;
    });
}

#[test]
fn a_reactor_woken_waker_that_panics_does_not_kill_the_reactor() {
    groundup::block_on(async {
        let (mut client, server) = util::tcp_pair();
        let server = groundup::io::Async::new(server).unwrap();
        let waker = Waker::from(Arc::new(PanickingWaker));
        // Wait for readability under the panicking waker...
        assert!(server.poll_readable(&mut Context::from_waker(&waker)).is_pending());
        // ...then make the socket readable: the reactor wakes that waker.
        client.write_all(b"x").unwrap();
        // The reactor must still serve everyone else.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accept = groundup::spawn(async move { listener.accept().await.map(drop) });
        let mut stream = TcpStream::connect(addr).await.unwrap();
        accept.await.unwrap().unwrap();
        stream.write_all(b"still alive").await.unwrap();
    });
}

#[test]
fn a_future_that_panics_in_drop_during_shutdown() {
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("panic in Drop during shutdown");
        }
    }
    let rt = Runtime::new().unwrap();
    let handle = rt.spawn(async {
        let _p = PanicOnDrop;
        std::future::pending::<()>().await;
    });
    rt.block_on(task::yield_now());
    drop(rt); // must not propagate the panic
    let err = groundup::block_on(handle).unwrap_err();
    assert!(err.is_panic(), "the panic in Drop is the task's result: {err:?}");
}

#[test]
fn a_runtime_dropped_with_thousands_of_live_connections() {
    #[cfg(unix)]
    groundup::raise_fd_limit().unwrap();
    let rt = Runtime::new().unwrap();
    let n = 2_000;
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        for _ in 0..n {
            let client = TcpStream::connect(addr).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            // Both ends wait for a byte that never comes.
            for mut stream in [client, server] {
                drop(groundup::spawn(async move { stream.read(&mut [0u8; 16]).await }));
            }
        }
        task::yield_now().await;
    });
    assert_eq!(rt.live_tasks(), 2 * n);
    drop(rt); // closes 4,000 sockets, joins the reactor: must not hang
}
