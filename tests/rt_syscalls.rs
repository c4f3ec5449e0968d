//! What the executor asks of the kernel, counted with `groundup::stats`.
//! One test in this binary, so no other test's calls mix into the counts.
//!
//! While the executor is busy for more than its hand-off time (1 ms by
//! default) it hands the reactor's driver to the reactor thread, once per
//! busy stretch: that costs one wake of the thread's idle site and the
//! thread's first poll ([`HAND_OFF`]), however much work follows. The
//! counts below allow for that one hand-off and nothing that grows with
//! the work.

mod util;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use groundup::io::AsyncReadExt;
use groundup::{stats, task, time};
use util::Signal;

/// What handing the driver to the reactor thread costs: the idle site's
/// wake (an eventfd `write`, a `kevent`, a posted packet) and the
/// thread's poll of the driver.
const HAND_OFF: u64 = 2;

#[test]
fn spawning_joining_and_remote_wakes_while_busy_make_no_syscalls() {
    if std::env::var_os("GROUNDUP_TEST_EMULATOR").is_some() {
        // Under qemu-user the CPU is some ten times slower, and the driver's
        // hand-back after the busy stretch below outlasts the short sleep
        // meant to settle it: its calls land in step 3's count (seen on
        // aarch64: 4 `epoll_wait`s and 3 `write`s). A count of calls
        // around timing, not an emulation target's to check; it runs
        // natively (x86_64, i686, kqueue, Wine).
        eprintln!("under qemu-user the hand-off timing this counts around is stretched: skipped");
        return;
    }
    // The reactor thread makes its first wait as it starts, at a time of its
    // choosing; wait for that call so it does not land in a count below.
    // (It then sleeps: no source here produces events.) On kqueue the
    // registrations `Runtime::new` makes on this thread are `kevent` calls
    // too, so they are counted out: a runtime is three queues with a waker
    // each (the driver's and two sleeping sites: its docs say so), and what
    // one costs is measured here first.
    let waits = || stats::syscalls().get(util::WAIT_CALL);
    let before_one = waits();
    // (Counted before the drops: a waker's drop may be a call too.)
    let poll = groundup::poll::Poll::new().unwrap();
    let waker = groundup::poll::Waker::new(poll.registry(), groundup::poll::Token(0)).unwrap();
    let queue_with_waker = waits() - before_one;
    drop((waker, poll));
    let before_runtime = waits();
    let rt = groundup::Runtime::new().unwrap();
    let started = std::time::Instant::now();
    while waits() < before_runtime + 3 * queue_with_waker + 1 {
        // A bound, not a speed: a reactor thread that never waits is a bug,
        // and a failure says so where a hang would not.
        assert!(
            started.elapsed().as_secs() < 60,
            "the reactor thread never waited:\n{}",
            stats::syscalls()
        );
        thread::yield_now();
    }
    rt.block_on(async {
        // 1. Local work: spawn and join ten thousand tasks.
        let before = stats::syscalls();
        let handles: Vec<_> = (0..10_000).map(|i| groundup::spawn(async move { i })).collect();
        for h in handles {
            h.await.unwrap();
        }
        let made = stats::syscalls().since(&before);
        assert!(made.total() <= HAND_OFF, "spawn + join made syscalls:\n{made}");

        // 2. A thousand wakes from another thread while the executor is busy:
        //    each is a queue push, and none needs to unpark anyone.
        let busy = Arc::new(AtomicBool::new(true));
        let signals: Vec<Signal> = (0..1_000).map(|_| Signal::default()).collect();
        let waiters: Vec<_> = signals
            .iter()
            .cloned()
            .map(|s| groundup::spawn(async move { s.wait().await }))
            .collect();
        task::yield_now().await; // every waiter has stored its waker
        let before = stats::syscalls();
        let waker_thread = {
            let (busy, signals) = (Arc::clone(&busy), signals.clone());
            thread::spawn(move || {
                signals.iter().for_each(Signal::set);
                busy.store(false, Ordering::Release);
            })
        };
        while busy.load(Ordering::Acquire) {
            task::yield_now().await; // the executor never parks meanwhile
        }
        let made = stats::syscalls().since(&before);
        assert!(made.total() <= HAND_OFF, "remote wakes to a busy executor made syscalls:\n{made}");
        for w in waiters {
            w.await.unwrap();
        }
        waker_thread.join().unwrap();

        // 3. A wake that finds the executor parked: one system call to wake
        //    it, one to wait (on Linux: one eventfd write, one epoll_wait).
        let made = fewest_calls(one_parked_wake).await;
        assert!(made.total() <= 2, "one unpark costs at most one call each side:\n{made}");
        #[cfg(target_os = "linux")]
        assert!(made.get("write") <= 1, "one unpark costs at most one write:\n{made}");

        // 4. One `read().await` on an idle runtime, the data written by
        //    another thread: the read that finds nothing, the executor's own
        //    wait in the driver, which returns with the event, and the read
        //    that gets it. No cross-thread hop, so no waker write.
        let made = fewest_calls(one_idle_read).await;
        assert!(made.total() <= 3, "one read().await on an idle runtime:\n{made}");
        #[cfg(target_os = "linux")]
        assert_eq!(made.get("write"), 0, "the wake crossed threads:\n{made}");
    });
}

/// Steps 3 and 4 count the calls around one wake of an idle executor. A
/// short sleep before each has the executor take the driver back from the
/// reactor thread, so that the hand-back's calls land before the count;
/// but on a loaded machine the hand-back can outlast the sleep and land in
/// it (seen: 7 calls where 2 are allowed, with builds on both cores). So
/// the count is taken up to `ATTEMPTS` times and the fewest is checked: a
/// hand-back in flight can spoil an attempt, while a wake that costs more
/// calls than allowed costs them in every attempt and still fails.
async fn fewest_calls<F, Fut>(mut attempt: F) -> stats::Syscalls
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = stats::Syscalls>,
{
    const ATTEMPTS: usize = 5;
    let mut fewest = attempt().await;
    for _ in 1..ATTEMPTS {
        let made = attempt().await;
        if made.total() < fewest.total() {
            fewest = made;
        }
    }
    fewest
}

/// The calls made while a task waits for a signal set by another thread
/// 20 ms later (the executor parked meanwhile).
async fn one_parked_wake() -> stats::Syscalls {
    time::sleep(std::time::Duration::from_millis(1)).await;
    let signal = Signal::default();
    let remote = signal.clone();
    let before = stats::syscalls();
    let setter = thread::spawn(move || {
        thread::sleep(std::time::Duration::from_millis(20));
        remote.set();
    });
    signal.wait().await;
    let made = stats::syscalls().since(&before);
    setter.join().unwrap();
    made
}

/// The calls made by one `read().await` of a byte another thread writes
/// 20 ms later (the executor idle meanwhile).
async fn one_idle_read() -> stats::Syscalls {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut peer = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (accepted, _) = listener.accept().unwrap();
    accepted.set_nonblocking(true).unwrap();
    let mut stream = groundup::net::TcpStream::from_std(accepted).unwrap();
    time::sleep(std::time::Duration::from_millis(1)).await;
    let before = stats::syscalls();
    let writer = thread::spawn(move || {
        thread::sleep(std::time::Duration::from_millis(20));
        std::io::Write::write_all(&mut peer, b"x").unwrap();
        peer
    });
    let mut byte = [0; 1];
    assert_eq!(stream.read(&mut byte).await.unwrap(), 1);
    let made = stats::syscalls().since(&before);
    drop(writer.join().unwrap());
    made
}
