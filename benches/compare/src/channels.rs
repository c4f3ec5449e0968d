//! Workloads 11–12: `groundup::sync::mpsc` against `tokio::sync::mpsc`, each
//! on its own runtime's single thread (tokio's `current_thread`), with the
//! same code but for the names. smol has no channel of its own (it
//! re-exports `async-channel`, another design), so it sits these out.
//!
//! - 11, ping-pong: two tasks and two bounded(1) channels; one sends a
//!   number, the other sends it back, round after round. Every message
//!   wakes the other task: this is the wake-and-switch cost of a channel.
//! - 12, fan-in: 100 producer tasks send into one bounded(128) channel that
//!   one consumer drains. Producers wait for room in the channel's line of
//!   senders; this is the cost of back-pressure with many waiters.

use std::io;
use std::time::Instant;

use crate::{Run, Size};

/// The two contenders.
#[derive(Clone, Copy, Debug)]
pub enum Contender {
    Groundup,
    Tokio,
}

impl Contender {
    pub const ALL: [Contender; 2] = [Contender::Groundup, Contender::Tokio];

    pub fn name(self) -> &'static str {
        match self {
            Contender::Groundup => "groundup",
            Contender::Tokio => "tokio current_thread",
        }
    }
}

/// Producers of workload 12, and the channel's bound.
const PRODUCERS: usize = 100;
const FAN_IN_BOUND: usize = 128;

fn tokio_runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().build()
}

/// Workload 11: round trips per second.
pub fn ping_pong(contender: Contender, size: &Size) -> io::Result<Run> {
    let rounds = size.channel_rounds;
    let elapsed = match contender {
        Contender::Groundup => groundup::Runtime::new()?.block_on(async move {
            use groundup::sync::mpsc;
            let (ping_tx, mut ping_rx) = mpsc::channel::<usize>(1);
            let (pong_tx, mut pong_rx) = mpsc::channel::<usize>(1);
            let echo = groundup::spawn(async move {
                while let Some(i) = ping_rx.recv().await {
                    pong_tx.send(i).await.unwrap();
                }
            });
            let start = Instant::now();
            for i in 0..rounds {
                ping_tx.send(i).await.unwrap();
                assert_eq!(pong_rx.recv().await, Some(i));
            }
            let elapsed = start.elapsed();
            drop(ping_tx);
            echo.await.unwrap();
            elapsed
        }),
        Contender::Tokio => tokio_runtime()?.block_on(async move {
            use tokio::sync::mpsc;
            let (ping_tx, mut ping_rx) = mpsc::channel::<usize>(1);
            let (pong_tx, mut pong_rx) = mpsc::channel::<usize>(1);
            let echo = tokio::spawn(async move {
                while let Some(i) = ping_rx.recv().await {
                    pong_tx.send(i).await.unwrap();
                }
            });
            let start = Instant::now();
            for i in 0..rounds {
                ping_tx.send(i).await.unwrap();
                assert_eq!(pong_rx.recv().await, Some(i));
            }
            let elapsed = start.elapsed();
            drop(ping_tx);
            echo.await.unwrap();
            elapsed
        }),
    };
    Ok(Run::all(rounds as f64 / elapsed.as_secs_f64(), rounds as u64))
}

/// Workload 12: messages per second, 100 producers into one consumer.
pub fn fan_in(contender: Contender, size: &Size) -> io::Result<Run> {
    let per_producer = size.channel_messages / PRODUCERS;
    let total = per_producer * PRODUCERS;
    let elapsed = match contender {
        Contender::Groundup => groundup::Runtime::new()?.block_on(async move {
            use groundup::sync::mpsc;
            let start = Instant::now();
            let (tx, mut rx) = mpsc::channel::<usize>(FAN_IN_BOUND);
            for p in 0..PRODUCERS {
                let tx = tx.clone();
                groundup::spawn(async move {
                    for i in 0..per_producer {
                        tx.send(p ^ i).await.unwrap();
                    }
                });
            }
            drop(tx);
            let mut received = 0;
            while let Some(m) = rx.recv().await {
                std::hint::black_box(m);
                received += 1;
            }
            assert_eq!(received, total);
            start.elapsed()
        }),
        Contender::Tokio => tokio_runtime()?.block_on(async move {
            use tokio::sync::mpsc;
            let start = Instant::now();
            let (tx, mut rx) = mpsc::channel::<usize>(FAN_IN_BOUND);
            for p in 0..PRODUCERS {
                let tx = tx.clone();
                tokio::spawn(async move {
                    for i in 0..per_producer {
                        tx.send(p ^ i).await.unwrap();
                    }
                });
            }
            drop(tx);
            let mut received = 0;
            while let Some(m) = rx.recv().await {
                std::hint::black_box(m);
                received += 1;
            }
            assert_eq!(received, total);
            start.elapsed()
        }),
    };
    Ok(Run::all(total as f64 / elapsed.as_secs_f64(), total as u64))
}
