//! What the executor asks of the kernel, counted with `groundup::stats`.
//! One test in this binary, so no other test's calls mix into the counts.

mod util;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use groundup::{stats, task};
use util::Signal;

#[test]
fn spawning_joining_and_remote_wakes_while_busy_make_no_syscalls() {
    // The reactor thread makes its first wait as it starts, at a time of its
    // choosing; wait for that call so it does not land in a count below.
    // (It then sleeps: no source here produces events.) On kqueue the
    // registrations `Runtime::new` makes on this thread are `kevent` calls
    // too, so they are counted out: a runtime is two queues with a waker
    // each (its docs say so), and what one costs is measured here first.
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
    while waits() < before_runtime + 2 * queue_with_waker + 1 {
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
        assert_eq!(made.total(), 0, "spawn + join made syscalls:\n{made}");

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
        assert_eq!(made.total(), 0, "remote wakes to a busy executor made syscalls:\n{made}");
        for w in waiters {
            w.await.unwrap();
        }
        waker_thread.join().unwrap();

        // 3. A wake that finds the executor parked: one system call to wake
        //    it, one to wait (on Linux: one eventfd write, one epoll_wait).
        let signal = Signal::default();
        let remote = signal.clone();
        let before = stats::syscalls();
        let setter = thread::spawn(move || {
            thread::sleep(std::time::Duration::from_millis(20));
            remote.set();
        });
        signal.wait().await;
        let made = stats::syscalls().since(&before);
        assert!(made.total() <= 2, "one unpark costs at most one call each side:\n{made}");
        #[cfg(target_os = "linux")]
        assert!(made.get("write") <= 1, "one unpark costs at most one write:\n{made}");
        setter.join().unwrap();
    });
}
