//! Benchmarks of the `Poll` layer alone, with no dependency: `cargo bench --bench poll`.
//!
//! These print figures; they assert nothing (speed is not a test). The
//! comparison with mio lives in `benches/compare/`, outside the workspace.
//!
//! - **ring**: 1,000 connected socket pairs in a ring pass one byte around;
//!   each hop is one readiness event, two `read`s (the byte, then the
//!   `WouldBlock` that ends an edge-triggered drain) and one `write`. Reported as
//!   events per second and kernel waits per event (the `read`/`write` here
//!   are std's, on std sockets, so `groundup::stats` does not count them).
//! - **wake**: a thread wakes a `Poll` through its `Waker` and waits for the
//!   poller to answer through a second one: cross-thread round trips per
//!   second.
//! - **churn**: register and deregister one socket: operations per second.

use std::hint::black_box;
use std::io::{self, ErrorKind, Read, Write};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use groundup::poll::{Events, Interest, IoSource, Poll, Token, Waker};

#[cfg(unix)]
type Stream = std::os::unix::net::UnixStream;
#[cfg(not(unix))]
type Stream = std::net::TcpStream;

#[cfg(unix)]
fn pair() -> io::Result<(Stream, Stream)> {
    Stream::pair()
}

#[cfg(not(unix))]
fn pair() -> io::Result<(Stream, Stream)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let a = Stream::connect(listener.local_addr()?)?;
    let (b, _) = listener.accept()?;
    a.set_nodelay(true)?;
    b.set_nodelay(true)?;
    Ok((a, b))
}

fn main() -> io::Result<()> {
    #[cfg(unix)]
    groundup::raise_fd_limit()?;
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 10 } else { 1 };
    println!("groundup Poll layer ({})", if quick { "quick" } else { "full" });
    ring(1_000, 500_000 / scale)?;
    wake_round_trips(100_000 / scale)?;
    churn(200_000 / scale)?;
    Ok(())
}

fn ring(size: usize, hops: usize) -> io::Result<()> {
    let mut poll = Poll::new()?;
    let mut readers = Vec::with_capacity(size);
    let mut writers = Vec::with_capacity(size);
    for i in 0..size {
        let (r, w) = pair()?;
        let mut r = IoSource::new(r)?;
        poll.registry().register(&mut r, Token(i), Interest::READABLE)?;
        readers.push(r);
        writers.push(IoSource::new(w)?);
    }
    let mut events = Events::with_capacity(256);
    let run = |poll: &mut Poll, events: &mut Events, hops: usize| -> io::Result<Duration> {
        let start = Instant::now();
        (&writers[0]).write_all(&[1])?;
        let mut done = 0;
        while done < hops {
            poll.poll(events, None)?;
            for event in events.iter() {
                let i = event.token().0;
                let mut byte = [0u8; 1];
                // Edge-triggered: read until WouldBlock, or the next byte to
                // reach this reader may never be reported (on Windows it is
                // the WouldBlock that re-arms the socket's poll).
                loop {
                    match (&readers[i]).read(&mut byte) {
                        Ok(1) => {}
                        Ok(_) => return Err(io::Error::other("ring closed")),
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e),
                    }
                    done += 1;
                    if done < hops {
                        (&writers[(i + 1) % size]).write_all(&byte)?;
                    }
                }
            }
        }
        Ok(start.elapsed())
    };
    run(&mut poll, &mut events, hops / 10)?; // warm-up
    let before = groundup::stats::syscalls();
    let elapsed = run(&mut poll, &mut events, hops)?;
    let calls = groundup::stats::syscalls().since(&before).total();
    println!(
        "  ring of {size}: {:>10.0} events/s   {:.2} polls/event   ({hops} hops in {elapsed:.2?})",
        hops as f64 / elapsed.as_secs_f64(),
        calls as f64 / hops as f64,
    );
    Ok(())
}

fn wake_round_trips(rounds: usize) -> io::Result<()> {
    let mut ping_poll = Poll::new()?;
    let mut pong_poll = Poll::new()?;
    let ping = Arc::new(Waker::new(ping_poll.registry(), Token(0))?);
    let pong = Waker::new(pong_poll.registry(), Token(0))?;
    let ponger = {
        let ping = Arc::clone(&ping);
        thread::spawn(move || -> io::Result<()> {
            let mut events = Events::with_capacity(4);
            for _ in 0..rounds {
                pong_poll.poll(&mut events, None)?;
                ping.wake()?;
            }
            Ok(())
        })
    };
    let mut events = Events::with_capacity(4);
    let start = Instant::now();
    for _ in 0..rounds {
        pong.wake()?;
        ping_poll.poll(&mut events, None)?;
    }
    let elapsed = start.elapsed();
    ponger.join().expect("ponger panicked")?;
    println!(
        "  waker round trip:  {:>10.0} round trips/s   ({rounds} in {elapsed:.2?})",
        rounds as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}

fn churn(ops: usize) -> io::Result<()> {
    let poll = Poll::new()?;
    let (a, _b) = pair()?;
    let mut a = IoSource::new(a)?;
    let start = Instant::now();
    for i in 0..ops / 2 {
        poll.registry().register(&mut a, Token(i), Interest::READABLE | Interest::WRITABLE)?;
        poll.registry().deregister(&mut a)?;
    }
    let elapsed = start.elapsed();
    black_box(&a);
    println!(
        "  register+deregister: {:>10.0} ops/s   ({ops} in {elapsed:.2?})",
        ops as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
