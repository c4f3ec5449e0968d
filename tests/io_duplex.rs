//! `duplex` and `simplex`: in-memory pipes with back-pressure and
//! half-close; a duplex also ends when its other end goes, and works
//! across threads.
// miri: run (.ci/miri.sh runs every test file with this line; it needs no TCP)

#[path = "util/io.rs"]
mod io_util;

use std::io::{ErrorKind, IoSlice};
use std::pin::pin;
use std::task::Poll;

use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
use io_util::{assert_send_sync, poll_once};

/// A writer that fills the pipe waits; each read makes room, and the
/// waiting write goes on. No write ever holds more than the pipe's size.
#[test]
fn a_full_pipe_holds_the_writer_until_the_reader_makes_room() {
    let (near, far) = io::duplex(8);
    assert_a_full_pipe_holds_the_writer(far, near, 8);
}

/// Writes 100 bytes into a pipe of `size` through `writer` while reading
/// them from `reader`, polling the two in turn (so neither can starve the
/// other): the write waits once the pipe is full, each read gets at most
/// `size` bytes and never finds the pipe empty while the writer waits, and
/// every byte arrives in order.
fn assert_a_full_pipe_holds_the_writer(
    mut reader: impl io::AsyncRead + Unpin,
    mut writer: impl io::AsyncWrite + Unpin,
    size: usize,
) {
    let data: Vec<u8> = (0..100u8).collect();
    let mut writing = pin!(writer.write_all(&data));
    assert!(poll_once(writing.as_mut()).is_pending(), "{size} bytes fit, then it waits");
    let mut got = Vec::new();
    let mut buf = [0u8; 32];
    while got.len() < data.len() {
        let n = match poll_once(pin!(reader.read(&mut buf)).as_mut()) {
            Poll::Ready(n) => n.unwrap(),
            Poll::Pending => panic!("the pipe was left empty while the writer waited"),
        };
        assert!(0 < n && n <= size, "read {n} bytes from a pipe of {size}");
        got.extend_from_slice(&buf[..n]);
        if let Poll::Ready(result) = poll_once(writing.as_mut()) {
            result.unwrap();
        }
    }
    assert_eq!(got, data);
}

/// The same with two tasks on a runtime: the writer's wakes come from the
/// reader making room, the reader's from the writer adding bytes.
#[test]
fn back_pressure_between_two_tasks_moves_everything_in_order() {
    groundup::block_on(async {
        let (mut near, mut far) = io::duplex(5);
        let total = if cfg!(miri) { 2_000 } else { 200_000 };
        let writer = groundup::spawn(async move {
            let data: Vec<u8> = (0..total).map(|i| (i % 251) as u8).collect();
            near.write_all(&data).await?;
            near.shutdown().await
        });
        let mut got = Vec::new();
        far.read_to_end(&mut got).await.unwrap();
        writer.await.unwrap().unwrap();
        assert_eq!(got.len(), total);
        assert!(got.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
    });
}

#[test]
fn a_partial_write_takes_what_fits() {
    groundup::block_on(async {
        let (mut near, _far) = io::duplex(4);
        assert_eq!(near.write(b"abcdef").await.unwrap(), 4);
        let parts = [IoSlice::new(b"x"), IoSlice::new(b"y")];
        assert!(poll_once(pin!(near.write_vectored(&parts)).as_mut()).is_pending(), "full");
    });
}

#[test]
fn vectored_writes_fill_across_slices() {
    groundup::block_on(async {
        let (mut near, mut far) = io::duplex(5);
        let parts = [IoSlice::new(b"ab"), IoSlice::new(b"cd"), IoSlice::new(b"ef")];
        assert_eq!(near.write_vectored(&parts).await.unwrap(), 5);
        let mut got = [0u8; 5];
        far.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"abcde");
    });
}

#[test]
fn shutdown_is_end_of_file_for_the_other_end_and_broken_pipe_for_this_one() {
    groundup::block_on(async {
        let (mut near, mut far) = io::duplex(16);
        near.write_all(b"last").await.unwrap();
        near.shutdown().await.unwrap();
        let mut got = Vec::new();
        far.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"last", "what was written before the shutdown is read first");
        assert_eq!(near.write(b"more").await.unwrap_err().kind(), ErrorKind::BrokenPipe);
        // The other direction still works: a half-close.
        far.write_all(b"reply").await.unwrap();
        let mut reply = [0u8; 5];
        near.read_exact(&mut reply).await.unwrap();
        assert_eq!(&reply, b"reply");
    });
}

#[test]
fn dropping_one_end_ends_the_others_reads_and_fails_its_writes() {
    groundup::block_on(async {
        let (mut near, mut far) = io::duplex(16);
        far.write_all(b"left behind").await.unwrap();
        drop(far);
        let mut got = Vec::new();
        near.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"left behind", "buffered bytes are still read, then end of file");
        assert_eq!(near.write(b"x").await.unwrap_err().kind(), ErrorKind::BrokenPipe);
    });
}

#[test]
fn a_reader_waiting_on_an_empty_pipe_wakes_when_the_other_end_drops() {
    groundup::block_on(async {
        let (mut near, far) = io::duplex(16);
        let reader = groundup::spawn(async move { near.read(&mut [0; 4]).await });
        groundup::task::yield_now().await; // the reader is now waiting
        drop(far);
        assert_eq!(reader.await.unwrap().unwrap(), 0);
    });
}

#[test]
fn a_writer_waiting_on_a_full_pipe_fails_when_the_other_end_drops() {
    groundup::block_on(async {
        let (mut near, far) = io::duplex(2);
        let writer = groundup::spawn(async move { near.write_all(b"too much").await });
        groundup::task::yield_now().await; // the writer is now waiting
        drop(far);
        assert_eq!(writer.await.unwrap().unwrap_err().kind(), ErrorKind::BrokenPipe);
    });
}

/// `DuplexStream` is `Send` and `Sync`: one end on another thread, with a
/// runtime of its own, talks to this one.
#[test]
fn the_two_ends_work_from_two_threads() {
    assert_send_sync::<io::DuplexStream>();
    let (mut near, mut far) = io::duplex(3);
    let echo = std::thread::spawn(move || {
        groundup::block_on(async move {
            let mut buf = [0u8; 64];
            loop {
                let n = far.read(&mut buf).await?;
                if n == 0 {
                    return far.shutdown().await;
                }
                far.write_all(&buf[..n]).await?;
            }
        })
    });
    groundup::block_on(async {
        let (mut reader, mut writer) = io::split(&mut near);
        let sending = async {
            writer.write_all(b"across threads").await?;
            writer.shutdown().await
        };
        let mut got = Vec::new();
        let receiving = reader.read_to_end(&mut got);
        let (sent, received) = join(sending, receiving).await;
        sent.unwrap();
        received.unwrap();
        assert_eq!(got, b"across threads");
    });
    echo.join().unwrap().unwrap();
}

/// Polls both futures until both are done.
async fn join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    std::future::poll_fn(|cx| {
        if out_a.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                out_a = Some(v);
            }
        }
        if out_b.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
        }
        if out_a.is_some() && out_b.is_some() {
            Poll::Ready((out_a.take().unwrap(), out_b.take().unwrap()))
        } else {
            Poll::Pending
        }
    })
    .await
}

#[test]
#[should_panic(expected = "duplex(0)")]
fn a_duplex_of_size_zero_panics_with_the_fix() {
    let _ = io::duplex(0);
}

/// `simplex`: one direction, the same back-pressure.
#[test]
fn a_full_simplex_holds_the_writer_until_the_reader_makes_room() {
    let (reader, writer) = io::simplex(8);
    assert_a_full_pipe_holds_the_writer(reader, writer, 8);
}

/// Two tasks through a small simplex: wakes in both directions, every
/// byte in order, and the writer's shutdown is the reader's end of file.
#[test]
fn a_simplex_between_two_tasks_moves_everything_in_order() {
    groundup::block_on(async {
        let (mut reader, mut writer) = io::simplex(5);
        let total = if cfg!(miri) { 2_000 } else { 200_000 };
        let sending = groundup::spawn(async move {
            let data: Vec<u8> = (0..total).map(|i| (i % 251) as u8).collect();
            writer.write_all(&data).await?;
            writer.shutdown().await
        });
        let mut got = Vec::new();
        reader.read_to_end(&mut got).await.unwrap();
        sending.await.unwrap().unwrap();
        assert_eq!(got.len(), total);
        assert!(got.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
    });
}

/// Shutdown closes the pipe: what is queued is still read, then end of
/// file; a write after it is `BrokenPipe`.
#[test]
fn a_simplex_shutdown_drains_then_ends_and_refuses_writes() {
    groundup::block_on(async {
        let mut pipe = io::SimplexStream::new_unsplit(16);
        pipe.write_all(b"last").await.unwrap();
        pipe.shutdown().await.unwrap();
        let error = pipe.write(b"more").await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BrokenPipe);
        let mut got = Vec::new();
        pipe.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"last");
        assert_eq!(pipe.read(&mut [0; 4]).await.unwrap(), 0, "end of file stays");
    });
}

/// As tokio's: both halves share one stream, so dropping the write half
/// does not end the reads. The reader still gets what was written, then
/// waits.
#[test]
fn dropping_a_simplex_write_half_is_not_end_of_file() {
    let (mut reader, mut writer) = io::simplex(16);
    assert!(poll_once(pin!(writer.write_all(b"hi")).as_mut()).is_ready());
    drop(writer);
    let mut buf = [0u8; 4];
    let read = poll_once(pin!(reader.read(&mut buf)).as_mut());
    match read {
        Poll::Ready(n) => assert_eq!(&buf[..n.unwrap()], b"hi"),
        Poll::Pending => panic!("the written bytes were lost"),
    }
    assert!(poll_once(pin!(reader.read(&mut buf)).as_mut()).is_pending(), "no end of file");
}

#[test]
fn a_simplex_is_send_and_sync() {
    assert_send_sync::<io::SimplexStream>();
    assert_send_sync::<io::ReadHalf<io::SimplexStream>>();
}

#[test]
#[should_panic(expected = "simplex(0)")]
fn a_simplex_of_size_zero_panics_with_the_fix() {
    let _ = io::simplex(0);
}

#[test]
#[should_panic(expected = "SimplexStream::new_unsplit(0)")]
fn an_unsplit_simplex_of_size_zero_panics_with_the_fix() {
    let _ = io::SimplexStream::new_unsplit(0);
}
