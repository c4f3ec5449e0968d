//! Many tasks waiting on one socket in one direction (issue 13, item 2):
//! readiness wakes every one of them, and a waiter that gives up leaves the
//! others their wake.
//!
//! Before the waiter list, a socket kept one waker per direction: each new
//! waiter replaced the last, and the replaced task was never woken again.
//! Every test here hung then; each bounds its wait by `PATIENCE` so that a
//! lost wake is a failure, not a stuck run. On Unix the socket is one end
//! of a `socketpair` (no TCP, so the file runs under Miri too).
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

mod util;

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::io::Write;
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use groundup::io::Async;
use groundup::task::{JoinHandle, yield_now};
use util::PATIENCE;

#[cfg(unix)]
type Stream = std::os::unix::net::UnixStream;
#[cfg(windows)]
type Stream = std::net::TcpStream;

/// A connected pair: the end to wait on (registered with the runtime) and
/// a plain blocking end to make it readable with.
fn pair() -> (Rc<Async<Stream>>, Stream) {
    #[cfg(unix)]
    let (waited, peer) = Stream::pair().expect("socketpair");
    #[cfg(windows)]
    let (peer, waited) = util::tcp_pair();
    (Rc::new(Async::new(waited).expect("register")), peer)
}

/// Spawns `n` tasks that each wait once in `readable()`, and returns when
/// every one of them is parked in its wait.
async fn spawn_readers(socket: &Rc<Async<Stream>>, n: usize) -> Vec<JoinHandle<()>> {
    let parked = Rc::new(Cell::new(0));
    let tasks = (0..n).map(|_| spawn_reader(socket, &parked)).collect();
    wait_until(|| parked.get() == n).await;
    tasks
}

fn spawn_reader(socket: &Rc<Async<Stream>>, parked: &Rc<Cell<usize>>) -> JoinHandle<()> {
    let (socket, parked) = (Rc::clone(socket), Rc::clone(parked));
    groundup::spawn(async move {
        let mut readable = pin!(socket.readable());
        // One poll: not readable yet, so the wait is registered.
        poll_fn(|cx| {
            assert!(readable.as_mut().poll(cx).is_pending(), "readable before any byte");
            Poll::Ready(())
        })
        .await;
        parked.set(parked.get() + 1);
        readable.await.expect("readable");
    })
}

/// Yields until `done` holds (the tasks it watches run meanwhile).
async fn wait_until(done: impl Fn() -> bool) {
    while !done() {
        yield_now().await;
    }
}

/// Awaits every task, failing (rather than hanging) if one is never woken.
async fn all_finish(mut tasks: Vec<JoinHandle<()>>) {
    let joined = async {
        for task in &mut tasks {
            task.await.expect("the waiting task");
        }
    };
    if groundup::time::timeout(PATIENCE, joined).await.is_err() {
        let stuck = tasks.iter().filter(|task| !task.is_finished()).count();
        panic!("{stuck} of {} waiting tasks were never woken", tasks.len());
    }
}

#[test]
fn two_readable_waits_on_one_socket_are_both_woken() {
    groundup::block_on(async {
        let (socket, mut peer) = pair();
        let readers = spawn_readers(&socket, 2).await;
        peer.write_all(b"x").unwrap();
        all_finish(readers).await;
    });
}

#[test]
fn a_hundred_tasks_in_readable_on_one_socket_are_all_woken() {
    groundup::block_on(async {
        let (socket, mut peer) = pair();
        let readers = spawn_readers(&socket, 100).await;
        peer.write_all(b"x").unwrap();
        all_finish(readers).await;
    });
}

/// The first waiter registers, a second registers after it and gives up
/// (its future is dropped): the first must still be woken, and the list
/// must not reach the dropped one's node.
#[test]
fn a_dropped_waiter_unlinks_and_readiness_still_reaches_the_one_before_it() {
    groundup::block_on(async {
        let (socket, mut peer) = pair();
        let first = spawn_readers(&socket, 1).await;
        {
            let mut gives_up = pin!(socket.readable());
            poll_fn(|cx| {
                assert!(gives_up.as_mut().poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
        } // dropped while waiting
        peer.write_all(b"x").unwrap();
        all_finish(first).await;
    });
}

/// As above, but the waiter that gives up is a whole task, aborted while
/// it waits: its future is dropped by the runtime, in place.
#[test]
fn aborting_a_task_that_waits_in_readable_leaves_the_wake_to_the_others() {
    groundup::block_on(async {
        let (socket, mut peer) = pair();
        let first = spawn_readers(&socket, 1).await;
        let aborted = spawn_readers(&socket, 1).await;
        let last = spawn_readers(&socket, 1).await;
        for task in &aborted {
            task.abort();
        }
        wait_until(|| aborted.iter().all(JoinHandle::is_finished)).await;
        peer.write_all(b"x").unwrap();
        all_finish(first.into_iter().chain(last).collect()).await;
    });
}

/// The only waiter, aborted: its future is dropped where it lives (a
/// future moved out of its task before being dropped would unlink a copy
/// of its node, not the node), so the task ends cancelled, the list is left
/// empty, and a later wait works.
#[test]
fn aborting_the_only_waiter_cancels_it_and_a_later_wait_works() {
    groundup::block_on(async {
        let (socket, mut peer) = pair();
        let only = spawn_readers(&socket, 1).await.remove(0);
        only.abort();
        let error = only.await.expect_err("aborted");
        assert!(error.is_cancelled(), "the task ended with {error:?}, not cancelled");
        peer.write_all(b"x").unwrap();
        let later = groundup::time::timeout(PATIENCE, socket.readable()).await;
        later.expect("a later wait was never woken").expect("readable");
    });
}
