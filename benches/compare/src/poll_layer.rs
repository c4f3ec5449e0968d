//! Workloads 1–3: the readiness layer alone, groundup::poll against mio.
//!
//! The two APIs have the same shape, so each workload is written once, as a
//! macro body, and stamped out for each crate: the code under test differs,
//! the code around it does not.

use std::io::{self, ErrorKind, Read, Write};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use crate::Size;

macro_rules! ring_body {
    ($pair:expr, $Poll:ident, $Events:ident, $Token:ident, $Interest:ident, $size:expr) => {{
        let ring = $size.ring;
        let hops = $size.ring_hops;
        let mut poll = $Poll::new()?;
        let mut readers = Vec::with_capacity(ring);
        let mut writers = Vec::with_capacity(ring);
        for i in 0..ring {
            let (mut r, w) = $pair()?;
            poll.registry().register(&mut r, $Token(i), $Interest::READABLE)?;
            readers.push(r);
            writers.push(w);
        }
        let mut events = $Events::with_capacity(256);
        (&writers[0]).write_all(&[1])?;
        let start = Instant::now();
        let mut done = 0;
        while done < hops {
            poll.poll(&mut events, None)?;
            for event in events.iter() {
                let i = event.token().0;
                let mut byte = [0u8; 1];
                match (&readers[i]).read(&mut byte) {
                    Ok(1) => {}
                    Ok(_) => return Err(io::Error::other("ring closed")),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                    Err(e) => return Err(e),
                }
                done += 1;
                (&writers[(i + 1) % ring]).write_all(&byte)?;
            }
        }
        Ok(hops as f64 / start.elapsed().as_secs_f64())
    }};
}

macro_rules! wake_body {
    ($Poll:ident, $Events:ident, $Token:ident, $Waker:ident, $size:expr) => {{
        let rounds = $size.wake_rounds;
        let mut ping_poll = $Poll::new()?;
        let mut pong_poll = $Poll::new()?;
        let ping = Arc::new($Waker::new(ping_poll.registry(), $Token(0))?);
        let pong = $Waker::new(pong_poll.registry(), $Token(0))?;
        let ponger = {
            let ping = Arc::clone(&ping);
            thread::spawn(move || -> io::Result<()> {
                let mut events = $Events::with_capacity(4);
                for _ in 0..rounds {
                    poll_until_event(|| {
                        pong_poll.poll(&mut events, None)?;
                        Ok(!events.is_empty())
                    })?;
                    ping.wake()?;
                }
                Ok(())
            })
        };
        let mut events = $Events::with_capacity(4);
        let start = Instant::now();
        for _ in 0..rounds {
            pong.wake()?;
            poll_until_event(|| {
                ping_poll.poll(&mut events, None)?;
                Ok(!events.is_empty())
            })?;
        }
        let elapsed = start.elapsed();
        ponger.join().expect("ponger panicked")?;
        Ok(rounds as f64 / elapsed.as_secs_f64())
    }};
}

macro_rules! churn_body {
    ($Poll:ident, $Token:ident, $Interest:ident, $source:ident, $size:expr) => {{
        let ops = $size.churn_ops;
        let poll = $Poll::new()?;
        let interest = $Interest::READABLE | $Interest::WRITABLE;
        let start = Instant::now();
        for i in 0..ops / 2 {
            poll.registry().register(&mut $source, $Token(i), interest)?;
            poll.registry().deregister(&mut $source)?;
        }
        Ok(ops as f64 / start.elapsed().as_secs_f64())
    }};
}

/// Workload 1: a ring of socket pairs passes one byte around; each hop is one
/// event. Returns events per second.
pub fn ring_groundup(size: &Size) -> io::Result<f64> {
    use groundup::poll::{Events, Interest, IoSource, Poll, Token};
    let pair = || -> io::Result<_> {
        let (r, w) = std::os::unix::net::UnixStream::pair()?;
        Ok((IoSource::new(r)?, IoSource::new(w)?))
    };
    ring_body!(pair, Poll, Events, Token, Interest, size)
}

/// Workload 1 with mio.
pub fn ring_mio(size: &Size) -> io::Result<f64> {
    use mio::{Events, Interest, Poll, Token};
    let pair = || mio::net::UnixStream::pair();
    ring_body!(pair, Poll, Events, Token, Interest, size)
}

/// Workload 2: two threads wake each other's `Poll` through its `Waker`.
/// Returns round trips per second.
pub fn wake_groundup(size: &Size) -> io::Result<f64> {
    use groundup::poll::{Events, Poll, Token, Waker};
    wake_body!(Poll, Events, Token, Waker, size)
}

/// Workload 2 with mio.
pub fn wake_mio(size: &Size) -> io::Result<f64> {
    use mio::{Events, Poll, Token, Waker};
    wake_body!(Poll, Events, Token, Waker, size)
}

/// Polls until an event arrives, retrying on `Interrupted`.
fn poll_until_event(mut poll: impl FnMut() -> io::Result<bool>) -> io::Result<()> {
    loop {
        match poll() {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Workload 3: register and deregister one socket, over and over.
/// Returns operations (register or deregister) per second.
pub fn churn_groundup(size: &Size) -> io::Result<f64> {
    use groundup::poll::{Interest, IoSource, Poll, Token};
    let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    let mut source = IoSource::new(a)?;
    churn_body!(Poll, Token, Interest, source, size)
}

/// Workload 3 with mio.
pub fn churn_mio(size: &Size) -> io::Result<f64> {
    use mio::{Interest, Poll, Token};
    let (mut source, _b) = mio::net::UnixStream::pair()?;
    churn_body!(Poll, Token, Interest, source, size)
}
