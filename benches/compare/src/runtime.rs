//! Workloads 4–8: the runtimes, groundup against tokio's current-thread
//! runtime and smol's `LocalExecutor`.
//!
//! For the echo workloads (4, 5) each contender runs the same echo server,
//! written idiomatically for its runtime, on a thread of its own; the load
//! generator (in `client.rs`) is shared. For 6–8 the work happens inside the
//! runtime, and the code differs only in the spawn/sleep/block_on calls.

use std::future::{Future, poll_fn};
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use crate::{Run, Size, client, cpu};

/// The runtimes that run workloads 4–8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    Groundup,
    Tokio,
    Smol,
}

impl Runtime {
    pub const ALL: [Runtime; 3] = [Runtime::Groundup, Runtime::Tokio, Runtime::Smol];

    pub fn name(self) -> &'static str {
        match self {
            Runtime::Groundup => "groundup",
            Runtime::Tokio => "tokio current_thread",
            Runtime::Smol => "smol LocalExecutor",
        }
    }

    /// Runs `future` to completion on a fresh runtime of this kind, as a
    /// spawned task (so the executor's task machinery is what is measured).
    fn run<F>(self, make: impl FnOnce() -> F + Send + 'static) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self {
            Runtime::Groundup => {
                let rt = groundup_runtime().expect("groundup runtime");
                let task = rt.spawn(make());
                rt.block_on(task).expect("task panicked")
            }
            Runtime::Tokio => {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                let task = rt.spawn(make());
                rt.block_on(task).expect("task panicked")
            }
            Runtime::Smol => {
                let ex = smol::LocalExecutor::new();
                let task = ex.spawn(make());
                smol::future::block_on(ex.run(task))
            }
        }
    }
}

/// The executor's spin budget from `GROUNDUP_BENCH_SPIN_US` (microseconds),
/// if set: a knob to explore how long the executor should spin before it
/// parks (see `Builder::spin_before_park`). Published figures leave it unset.
pub fn spin_override() -> Option<Duration> {
    micros_from_env("GROUNDUP_BENCH_SPIN_US")
}

/// The executor's hand-off time from `GROUNDUP_BENCH_HANDOFF_US`
/// (microseconds; `max` for never), if set: how long it runs tasks before
/// it hands polling to the reactor thread (see
/// `Builder::hand_off_polling_after`). Published figures leave it unset.
pub fn hand_off_override() -> Option<Duration> {
    let value = std::env::var("GROUNDUP_BENCH_HANDOFF_US").ok()?;
    if value == "max" {
        return Some(Duration::MAX);
    }
    micros_from_env("GROUNDUP_BENCH_HANDOFF_US")
}

fn micros_from_env(name: &str) -> Option<Duration> {
    let value = std::env::var(name).ok()?;
    let us = value.parse().unwrap_or_else(|_| panic!("{name}={value:?}: not a whole number"));
    Some(Duration::from_micros(us))
}

/// Whether a knob moved the runtime off its defaults (the run is then a
/// partial one: see `main.rs`).
pub fn tuned() -> bool {
    spin_override().is_some() || hand_off_override().is_some()
}

/// A groundup runtime with the default settings, or with the knobs above.
fn groundup_runtime() -> io::Result<groundup::Runtime> {
    let mut builder = groundup::runtime::Builder::new();
    if let Some(spin) = spin_override() {
        builder.spin_before_park(spin);
    }
    if let Some(hand_off) = hand_off_override() {
        builder.hand_off_polling_after(hand_off);
    }
    builder.build()
}

// ---------------------------------------------------------------------------
// A stop signal any runtime can await (std only).
// ---------------------------------------------------------------------------

#[derive(Clone, Default)]
pub struct Stop {
    inner: Arc<(AtomicBool, Mutex<Option<Waker>>)>,
}

impl Stop {
    pub fn stop(&self) {
        self.inner.0.store(true, Ordering::Release);
        if let Some(w) = self.inner.1.lock().unwrap().take() {
            w.wake();
        }
    }

    async fn wait(&self) {
        poll_fn(|cx| {
            if self.inner.0.load(Ordering::Acquire) {
                return Poll::Ready(());
            }
            *self.inner.1.lock().unwrap() = Some(cx.waker().clone());
            if self.inner.0.load(Ordering::Acquire) { Poll::Ready(()) } else { Poll::Pending }
        })
        .await
    }
}

/// Polls `a` and `b` together; returns `Some(a's output)` or `None` if `b`
/// finished first.
async fn unless<A: Future, B: Future>(a: A, b: B) -> Option<A::Output> {
    let (mut a, mut b) = (pin!(a), pin!(b));
    poll_fn(|cx| {
        if let Poll::Ready(v) = a.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        if b.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        Poll::Pending
    })
    .await
}

// ---------------------------------------------------------------------------
// Echo servers (workloads 4 and 5)
// ---------------------------------------------------------------------------

/// An echo server on its own thread; stops (and joins) when dropped.
pub struct EchoServer {
    pub addr: SocketAddr,
    stop: Stop,
    thread: Option<thread::JoinHandle<()>>,
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(t) = self.thread.take() {
            t.join().expect("echo server panicked");
        }
    }
}

pub fn echo_server(runtime: Runtime) -> EchoServer {
    let stop = Stop::default();
    let (tx, rx) = mpsc::channel();
    let thread = {
        let stop = stop.clone();
        thread::spawn(move || match runtime {
            Runtime::Groundup => groundup_echo(tx, stop),
            Runtime::Tokio => tokio_echo(tx, stop),
            Runtime::Smol => smol_echo(tx, stop),
        })
    };
    let addr = rx.recv().expect("the echo server reports its address");
    EchoServer { addr, stop, thread: Some(thread) }
}

fn groundup_echo(addr_tx: mpsc::Sender<SocketAddr>, stop: Stop) {
    use groundup::io::{AsyncReadExt, AsyncWriteExt};
    groundup_runtime().expect("groundup runtime").block_on(async move {
        let listener = groundup::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        addr_tx.send(listener.local_addr().unwrap()).unwrap();
        while let Some(accepted) = unless(listener.accept(), stop.wait()).await {
            let (mut stream, _) = accepted.unwrap();
            stream.set_nodelay(true).unwrap();
            groundup::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
}

fn tokio_echo(addr_tx: mpsc::Sender<SocketAddr>, stop: Stop) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        addr_tx.send(listener.local_addr().unwrap()).unwrap();
        while let Some(accepted) = unless(listener.accept(), stop.wait()).await {
            let (mut stream, _) = accepted.unwrap();
            stream.set_nodelay(true).unwrap();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
}

fn smol_echo(addr_tx: mpsc::Sender<SocketAddr>, stop: Stop) {
    use smol::io::{AsyncReadExt, AsyncWriteExt};
    let ex = smol::LocalExecutor::new();
    smol::future::block_on(ex.run(async {
        let listener = smol::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        addr_tx.send(listener.local_addr().unwrap()).unwrap();
        while let Some(accepted) = unless(listener.accept(), stop.wait()).await {
            let (mut stream, _) = accepted.unwrap();
            stream.set_nodelay(true).unwrap();
            ex.spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            })
            .detach();
        }
    }));
}

/// Workload 4: one connection, 64-byte ping-pong. Round trips per second.
pub fn echo_latency(runtime: Runtime, size: &Size) -> io::Result<Run> {
    let server = echo_server(runtime);
    Ok(Run::driven(client::ping_pong(server.addr, 64, size.pingpong_rounds)?))
}

/// Workload 5: 100 connections, 1 KiB messages. Messages per second.
pub fn echo_throughput(runtime: Runtime, size: &Size) -> io::Result<Run> {
    let server = echo_server(runtime);
    Ok(Run::driven(client::many_connections(server.addr, size.connections, 1024, size.messages)?))
}

// ---------------------------------------------------------------------------
// Workloads 6–8
// ---------------------------------------------------------------------------

/// Workload 6: spawn `n` trivial tasks, then join them all. Tasks per second.
pub fn spawn_join(runtime: Runtime, size: &Size) -> io::Result<Run> {
    let n = size.tasks;
    let elapsed = match runtime {
        Runtime::Groundup => {
            let rt = groundup_runtime()?;
            rt.block_on(async {
                let start = Instant::now();
                let hs: Vec<_> = (0..n).map(|i| groundup::spawn(async move { i })).collect();
                for h in hs {
                    std::hint::black_box(h.await.unwrap());
                }
                start.elapsed()
            })
        }
        Runtime::Tokio => {
            let rt = tokio::runtime::Builder::new_current_thread().build()?;
            rt.block_on(async {
                let start = Instant::now();
                let hs: Vec<_> = (0..n).map(|i| tokio::spawn(async move { i })).collect();
                for h in hs {
                    std::hint::black_box(h.await.unwrap());
                }
                start.elapsed()
            })
        }
        Runtime::Smol => {
            let ex = smol::LocalExecutor::new();
            smol::future::block_on(ex.run(async {
                let start = Instant::now();
                let hs: Vec<_> = (0..n).map(|i| ex.spawn(async move { i })).collect();
                for h in hs {
                    std::hint::black_box(h.await);
                }
                start.elapsed()
            }))
        }
    };
    Ok(Run::all(n as f64 / elapsed.as_secs_f64(), n as u64))
}

/// Workload 7: `n` timers with deadlines spread over 100 ms from now.
/// The figure is the milliseconds until the last one fired, with the worst
/// lateness in milliseconds beside it.
pub fn timers(runtime: Runtime, size: &Size) -> io::Result<Run> {
    let n = size.timers;
    let spread =
        |start: Instant, i: usize| start + Duration::from_micros((i as u64 * 7_919) % 100_000);
    let (total, worst) = match runtime {
        Runtime::Groundup => {
            let rt = groundup_runtime()?;
            rt.block_on(async {
                let start = Instant::now();
                let hs: Vec<_> = (0..n)
                    .map(|i| {
                        let deadline = spread(start, i);
                        groundup::spawn(async move {
                            groundup::time::sleep_until(deadline.into()).await;
                            Instant::now() - deadline
                        })
                    })
                    .collect();
                let mut worst = Duration::ZERO;
                for h in hs {
                    worst = worst.max(h.await.unwrap());
                }
                (start.elapsed(), worst)
            })
        }
        Runtime::Tokio => {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            rt.block_on(async {
                let start = Instant::now();
                let hs: Vec<_> = (0..n)
                    .map(|i| {
                        let deadline = spread(start, i);
                        tokio::spawn(async move {
                            tokio::time::sleep_until(deadline.into()).await;
                            Instant::now() - deadline
                        })
                    })
                    .collect();
                let mut worst = Duration::ZERO;
                for h in hs {
                    worst = worst.max(h.await.unwrap());
                }
                (start.elapsed(), worst)
            })
        }
        Runtime::Smol => {
            let ex = smol::LocalExecutor::new();
            smol::future::block_on(ex.run(async {
                let start = Instant::now();
                let hs: Vec<_> = (0..n)
                    .map(|i| {
                        let deadline = spread(start, i);
                        ex.spawn(async move {
                            smol::Timer::at(deadline).await;
                            Instant::now() - deadline
                        })
                    })
                    .collect();
                let mut worst = Duration::ZERO;
                for h in hs {
                    worst = worst.max(h.await);
                }
                (start.elapsed(), worst)
            }))
        }
    };
    let mut run = Run::all(total.as_secs_f64() * 1e3, n as u64);
    run.extra = Some(worst.as_secs_f64() * 1e3);
    Ok(run)
}

/// A flag another thread sets, then wakes whoever waits for it.
#[derive(Default)]
struct Flag {
    set: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

/// Workload 8: a task waits on `rounds` flags in turn, each set (and its
/// waker woken) by another thread once the task waits for it. Wakes per
/// second.
/// The setter thread is load, not work: its CPU time is left out.
pub fn remote_wakes(runtime: Runtime, size: &Size) -> io::Result<Run> {
    let rounds = size.remote_wakes;
    let flags: Arc<Vec<Flag>> = Arc::new((0..rounds).map(|_| Flag::default()).collect());
    let setter = {
        let flags = Arc::clone(&flags);
        thread::spawn(move || {
            let before = cpu::thread();
            for flag in flags.iter() {
                let waker = loop {
                    if let Some(w) = flag.waker.lock().unwrap().take() {
                        break w;
                    }
                    std::hint::spin_loop();
                };
                flag.set.store(true, Ordering::Release);
                waker.wake();
            }
            cpu::thread() - before
        })
    };
    let elapsed = runtime.run(move || async move {
        let start = Instant::now();
        for flag in flags.iter() {
            poll_fn(|cx| {
                if flag.set.load(Ordering::Acquire) {
                    return Poll::Ready(());
                }
                *flag.waker.lock().unwrap() = Some(cx.waker().clone());
                Poll::Pending
            })
            .await;
        }
        start.elapsed()
    });
    let setter_cpu = setter.join().expect("setter panicked");
    let mut run = Run::all(rounds as f64 / elapsed.as_secs_f64(), rounds as u64);
    run.load_cpu = setter_cpu;
    Ok(run)
}
