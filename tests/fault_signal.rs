//! A signal delivered to the reactor thread while it waits in `epoll_wait`
//! interrupts the wait (`EINTR`); the reactor must poll again and lose no
//! event. Alone in its binary: it signals a thread found by name.
#![cfg(target_os = "linux")]

mod util;

use std::ffi::c_int;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use groundup::groundup_ffi::{linux as ffi, unix};
use groundup::io::{AsyncReadExt, AsyncWriteExt};
use groundup::net::{TcpListener, TcpStream};

extern "C" fn count_signal(_: c_int) {}

/// The kernel thread ids of this process's threads called `name` (as
/// `/proc/self/task/*/comm` shows it: at most 15 bytes).
fn threads_named(name: &str) -> Vec<i32> {
    let prefix = &name[..name.len().min(15)];
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let comm = std::fs::read_to_string(e.path().join("comm")).ok()?;
            (comm.trim() == prefix).then(|| e.file_name().to_str()?.parse().ok())?
        })
        .collect()
}

#[test]
fn signals_to_the_reactor_thread_during_poll_lose_no_event() {
    let handler: extern "C" fn(c_int) = count_signal;
    // SAFETY: the handler does nothing (async-signal-safe) and lives for the
    // whole program; this binary has no other SIGUSR1 user.
    let previous = unsafe { unix::signal(ffi::SIGUSR1, handler as usize) };
    assert_ne!(previous, usize::MAX);

    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    groundup::block_on(async {
        // A new thread sets its own name as it starts: wait until it has.
        let deadline = std::time::Instant::now() + util::PATIENCE;
        let reactor = loop {
            let found = threads_named("groundup-reactor");
            if !found.is_empty() || std::time::Instant::now() > deadline {
                break found;
            }
            thread::yield_now();
        };
        assert_eq!(reactor.len(), 1, "one reactor thread: {reactor:?}");
        let signaller = {
            let (stop, sent, tid) = (Arc::clone(&stop), Arc::clone(&sent), reactor[0]);
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    // SAFETY: getpid takes nothing and always succeeds.
                    let pid = unsafe { ffi::getpid() };
                    // SAFETY: tgkill takes no pointers; the thread id is the
                    // live reactor's (the runtime outlives this thread).
                    let rc = unsafe { ffi::tgkill(pid, tid, ffi::SIGUSR1) };
                    assert_eq!(rc, 0, "tgkill: {}", std::io::Error::last_os_error());
                    sent.fetch_add(1, Ordering::Relaxed);
                    thread::sleep(Duration::from_micros(200));
                }
            })
        };

        // Echo traffic that needs the reactor for every message.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        groundup::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 64];
            loop {
                let n = s.read(&mut buf).await.unwrap();
                if n == 0 {
                    return;
                }
                s.write_all(&buf[..n]).await.unwrap();
            }
        });
        let mut client = TcpStream::connect(addr).await.unwrap();
        let traffic = async {
            let mut rounds = 0;
            while rounds < 2_000 || sent.load(Ordering::Relaxed) < 200 {
                let msg = (rounds as u32).to_be_bytes();
                client.write_all(&msg).await.unwrap();
                let mut back = [0u8; 4];
                client.read_exact(&mut back).await.unwrap();
                assert_eq!(back, msg);
                rounds += 1;
            }
        };
        // A reactor that stopped on EINTR would leave this waiting forever.
        let finished = groundup::time::timeout(util::PATIENCE, traffic).await;
        assert!(finished.is_ok(), "an event was lost: the echo traffic stalled");
        stop.store(true, Ordering::Relaxed);
        signaller.join().unwrap();
    });
    assert!(sent.load(Ordering::Relaxed) >= 200, "signals were sent");
}
