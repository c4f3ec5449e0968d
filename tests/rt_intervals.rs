//! The executor's two intervals and the reactor's events buffer, as the
//! runtime `Builder` sets them: `global_queue_interval` (polls between two
//! looks at the queues other threads fill), `event_interval` (polls between
//! two looks at the kernel), `max_io_events_per_tick` (events per poll).
//!
//! Each interval is observed through the order in which tasks run: two busy
//! tasks that log and yield forever keep the executor from ever idling, and
//! the test counts how many of their polls pass before a newcomer (a future
//! injected from another thread, a task woken by I/O) gets its turn. The
//! counts are bounds the executor's design promises, not timings.

mod util;

use std::sync::{Arc, Mutex};
use std::thread;

use groundup::runtime::Builder;
use groundup::task::yield_now;

/// Polls each busy task makes (more than the default intervals).
const ROUNDS: usize = 80;

type Log = Arc<Mutex<Vec<&'static str>>>;

fn push(log: &Log, entry: &'static str) {
    log.lock().unwrap().push(entry);
}

fn position(log: &Log, entry: &str) -> usize {
    let log = log.lock().unwrap();
    log.iter().position(|e| *e == entry).unwrap_or_else(|| panic!("no {entry} in {log:?}"))
}

/// Logs `name` and yields, `ROUNDS` times; after its first entry, runs
/// `first` (once).
async fn busy(name: &'static str, log: Log, first: impl FnOnce()) {
    let mut first = Some(first);
    for _ in 0..ROUNDS {
        push(&log, name);
        if let Some(first) = first.take() {
            first();
        }
        yield_now().await;
    }
}

/// Where in the busy tasks' log a future injected from another thread (during
/// the first busy poll) runs, with `interval` as the global queue interval.
fn injected_position(interval: Option<u32>) -> usize {
    let mut builder = Builder::new_current_thread();
    if let Some(interval) = interval {
        builder.global_queue_interval(interval);
    }
    let rt = builder.build().unwrap();
    let handle = rt.handle().clone();
    let log = Log::default();
    rt.block_on({
        let log = Arc::clone(&log);
        async move {
            let inject = {
                let log = Arc::clone(&log);
                move || {
                    // From another thread: the inject queue. Joined, so the
                    // push is done before this poll goes on.
                    thread::spawn(move || drop(handle.spawn(async move { push(&log, "I") })))
                        .join()
                        .unwrap();
                }
            };
            let a = groundup::spawn(busy("A", Arc::clone(&log), inject));
            let b = groundup::spawn(busy("B", Arc::clone(&log), || ()));
            a.await.unwrap();
            b.await.unwrap();
        }
    });
    position(&log, "I")
}

#[test]
fn global_queue_interval_bounds_the_polls_an_injected_future_waits() {
    // Injected during the first poll of a batch; the batch ends at most
    // `interval` polls after it started, and the newcomer then runs behind
    // the two busy tasks already queued.
    for interval in [1, 3, 7] {
        let at = injected_position(Some(interval));
        assert!(
            at <= interval as usize + 2,
            "interval {interval}: the injected future ran at {at}"
        );
    }
    // The default batch is 61 polls: nothing collects the future earlier.
    let at = injected_position(None);
    assert!(at >= 61, "default interval: the injected future ran at {at}");
}

/// How many busy polls pass between the moment data is readable on a
/// socket (written during the first busy poll) and the moment the task
/// reading it runs, with the hand-off off and `interval` as the event
/// interval.
///
/// Unix only: the bound needs the readiness to be queued in the kernel
/// by the time the data can be peeked, which epoll and kqueue promise
/// (the event is the data's arrival) and IOCP's asynchronous AFD poll
/// completion does not.
#[cfg(unix)]
fn polls_before_io_wake(interval: Option<u32>) -> usize {
    use std::io::{ErrorKind, Read, Write};
    use std::time::{Duration, Instant};

    let mut builder = Builder::new_current_thread();
    builder.hand_off_polling_after(Duration::MAX); // the executor alone looks
    if let Some(interval) = interval {
        builder.event_interval(interval);
    }
    let rt = builder.build().unwrap();
    let (mut client, server) = util::tcp_pair();
    let peek = server.try_clone().unwrap();
    let log = Log::default();
    rt.block_on({
        let log = Arc::clone(&log);
        async move {
            let server = groundup::io::Async::new(server).unwrap();
            let reader = groundup::spawn({
                let log = Arc::clone(&log);
                async move {
                    let mut byte = [0u8; 1];
                    server.read_with(|s| (&*s).read(&mut byte)).await.unwrap();
                    push(&log, "R");
                }
            });
            let write = {
                let log = Arc::clone(&log);
                move || {
                    client.write_all(b"x").unwrap();
                    // Until the data is there to read (the event with it).
                    let deadline = Instant::now() + util::PATIENCE;
                    let mut byte = [0u8; 1];
                    loop {
                        match peek.peek(&mut byte) {
                            Ok(1) => break,
                            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                            other => panic!("peek: {other:?}"),
                        }
                        assert!(Instant::now() < deadline, "the byte never arrived");
                        thread::yield_now();
                    }
                    push(&log, "W");
                    drop(client); // (closing after the byte changes nothing here)
                }
            };
            let a = groundup::spawn(busy("A", Arc::clone(&log), write));
            let b = groundup::spawn(busy("B", Arc::clone(&log), || ()));
            reader.await.unwrap();
            a.await.unwrap();
            b.await.unwrap();
        }
    });
    position(&log, "R") - position(&log, "W") - 1
}

#[cfg(unix)]
#[test]
fn event_interval_bounds_the_polls_an_io_wake_waits() {
    // The kernel is looked at within `interval` polls of the write (the
    // root's polls count too, so perhaps sooner), and the woken reader
    // then runs behind the two busy tasks.
    for interval in [1, 4, 9] {
        let polls = polls_before_io_wake(Some(interval));
        assert!(polls <= interval as usize + 2, "interval {interval}: {polls} polls");
    }
    // The default, 61: the first look comes 61 polls after `block_on`
    // started, and the write came within its first three.
    let polls = polls_before_io_wake(None);
    assert!(polls >= 61 - 3 - 2, "default interval: {polls} polls");
}

#[test]
fn a_one_event_buffer_loses_no_event() {
    use groundup::io::{AsyncReadExt, AsyncWriteExt};
    use groundup::net::TcpStream;

    const PAIRS: usize = 16;
    let rt = Builder::new_current_thread().max_io_events_per_tick(1).build().unwrap();
    let read = rt.block_on(async {
        let pairs: Vec<_> = (0..PAIRS).map(|_| util::tcp_pair()).collect();
        let mut readers = Vec::new();
        let mut writers = Vec::new();
        for (client, server) in pairs {
            server.set_nonblocking(true).unwrap();
            client.set_nonblocking(true).unwrap();
            let mut server = TcpStream::from_std(server).unwrap();
            writers.push(TcpStream::from_std(client).unwrap());
            readers.push(groundup::spawn(async move {
                let mut buf = [0u8; 5];
                server.read_exact(&mut buf).await.unwrap();
                buf
            }));
        }
        yield_now().await; // every reader has polled once, and waits
        for writer in &mut writers {
            writer.write_all(b"hello").await.unwrap();
        }
        let mut read = 0;
        for reader in readers {
            assert_eq!(&reader.await.unwrap(), b"hello");
            read += 1;
        }
        read
    });
    assert_eq!(read, PAIRS);
}

#[test]
fn the_intervals_leave_handle_spawn_working_from_another_thread() {
    let rt =
        Builder::new_current_thread().global_queue_interval(1).event_interval(1).build().unwrap();
    let handle = rt.handle().clone();
    let sum = thread::spawn(move || {
        let tasks: Vec<_> = (0..10).map(|i| handle.spawn(async move { i })).collect();
        tasks.into_iter().map(|task| handle.block_on(task).unwrap()).sum::<i32>()
    });
    rt.block_on(async {
        while !sum.is_finished() {
            yield_now().await;
        }
    });
    assert_eq!(sum.join().unwrap(), 45);
}
